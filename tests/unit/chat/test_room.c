/* Room frames: each notice `sockpit serve --room` sends is told apart from
 * a message, with the names and the count of who is here it carries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "sockpit/chat/room.h"

static sp_room_event parse(const char *s)
{
    sp_room_event ev;
    sp_room_parse(s, strlen(s), &ev);
    return ev;
}

static void assert_span(const char *p, size_t n, const char *want)
{
    assert_int_equal(n, strlen(want));
    assert_memory_equal(p, want, n);
}

static void test_messages(void **state)
{
    (void)state;
    sp_room_event ev = parse("alice: hello: world");
    assert_int_equal(ev.kind, SP_ROOM_MESSAGE);
    assert_span(ev.who, ev.who_len, "alice");
    assert_span(ev.text, ev.text_len, "hello: world");
    assert_int_equal(ev.here, -1);
    ev = parse("127.0.0.1:40000: hi");
    assert_int_equal(ev.kind, SP_ROOM_MESSAGE);
    assert_int_equal(ev.who_len, 0); /* an address has colons: no name */
    ev = parse("just text");
    assert_int_equal(ev.kind, SP_ROOM_MESSAGE);
    assert_int_equal(ev.who_len, 0);
    assert_span(ev.text, ev.text_len, "just text");
    ev = parse("*bold*");
    assert_int_equal(ev.kind, SP_ROOM_MESSAGE);
}

static void test_notices(void **state)
{
    (void)state;
    sp_room_event ev = parse("* welcome 127.0.0.1:5000: 2 others here; /nick NAME sets your name");
    assert_int_equal(ev.kind, SP_ROOM_WELCOME);
    assert_span(ev.who, ev.who_len, "127.0.0.1:5000");
    assert_int_equal(ev.here, 3);
    ev = parse("* welcome [::1]:5000: 0 others here; /nick NAME sets your name");
    assert_int_equal(ev.kind, SP_ROOM_WELCOME);
    assert_int_equal(ev.here, 1);
    ev = parse("* alice joined (3 here)");
    assert_int_equal(ev.kind, SP_ROOM_JOIN);
    assert_span(ev.who, ev.who_len, "alice");
    assert_int_equal(ev.here, 3);
    ev = parse("* bob left");
    assert_int_equal(ev.kind, SP_ROOM_LEAVE);
    assert_span(ev.who, ev.who_len, "bob");
    assert_int_equal(ev.here, -1);
    assert_int_equal(sp_room_here_after(3, &ev), 2);
    assert_int_equal(sp_room_here_after(-1, &ev), -1);
    ev = parse("* 4 left (2 here)");
    assert_int_equal(ev.kind, SP_ROOM_LEAVE);
    assert_int_equal(ev.here, 2);
    ev = parse("* 2 joined, 1 left (4 here)");
    assert_int_equal(ev.kind, SP_ROOM_CHANGE);
    assert_int_equal(sp_room_here_after(1, &ev), 4);
    ev = parse("* 127.0.0.1:5000 is now known as carol");
    assert_int_equal(ev.kind, SP_ROOM_NICK);
    assert_span(ev.who, ev.who_len, "127.0.0.1:5000");
    assert_span(ev.text, ev.text_len, "carol");
    ev = parse("* nickname refused: a nickname has no colon (usage: /nick NAME)");
    assert_int_equal(ev.kind, SP_ROOM_REFUSED);
    assert_span(ev.text, ev.text_len, "a nickname has no colon (usage: /nick NAME)");
    ev = parse("* server restarting");
    assert_int_equal(ev.kind, SP_ROOM_NOTICE);
    assert_span(ev.text, ev.text_len, "server restarting");
    ev = parse("* joined");
    assert_int_equal(ev.kind, SP_ROOM_NOTICE);
    ev = parse("* x joined (99999999999 here)");
    assert_int_equal(ev.kind, SP_ROOM_NOTICE); /* a count too long is no count */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_notices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
