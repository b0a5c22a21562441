/* The chat server set-up shared by `sockpit serve` and the Chat pane's
 * embedded bot, on 127.0.0.1 port 0: the dictionary named, the installed
 * one ($SOCKPIT_DATA_DIR) and the built-in one when it cannot be read, bad
 * lines counted and reported with their file, room mode without a bot, an
 * address in use told apart from other failures, and a round trip through
 * the server built. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "sockpit/chat/bot.h"
#include "sockpit/chat/chatclient.h"
#include "sockpit/chat/chatserver.h"
#include "sockpit/chat/serve_setup.h"
#include "sockpit/core/loop.h"
#include "testtmp.h"

typedef struct fixture {
    char dir[64];
    sp_loop *loop;
} fixture;

static int setup(void **st)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/sp-ssetup-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->loop = sp_loop_new();
    assert_non_null(f->loop);
    *st = f;
    return 0;
}

static int teardown(void **st)
{
    fixture *f = *st;
    sp_loop_free(f->loop);
    test_rm_rf(f->dir);
    unsetenv("SOCKPIT_DATA_DIR");
    free(f);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

typedef struct bad {
    size_t n;
    char path[256];
    size_t line;
} bad;

static void on_bad_line(void *ud, const char *path, size_t line, const char *why)
{
    bad *b = ud;
    assert_non_null(why);
    b->n++;
    snprintf(b->path, sizeof b->path, "%s", path);
    b->line = line;
}

static sp_serve_settings loopback(void)
{
    return (sp_serve_settings){ .host = "127.0.0.1", .port = 0 };
}

typedef struct rec {
    sp_chat_state st;
    char reply[256];
    bool got;
} rec;

static void on_state(void *ud, sp_chat_state st, const char *text)
{
    (void)text;
    ((rec *)ud)->st = st;
}

static void on_message(void *ud, const char *p, size_t n, double rtt)
{
    (void)rtt;
    rec *r = ud;
    snprintf(r->reply, sizeof r->reply, "%.*s", (int)n, p);
    r->got = true;
}

/* Asks the server built by s, returns its answer in r->reply. */
static void ask(sp_loop *loop, const sp_serve_setup *s, const char *q, rec *r)
{
    static const sp_chatclient_cbs cbs = { on_state, on_message };
    sp_chatclient_config cc = { .host = "127.0.0.1", .port = sp_chatserver_port(s->server) };
    sp_chatclient *c = sp_chatclient_new(loop, NULL, &cc, &cbs, r);
    assert_non_null(c);
    sp_chatclient_connect(c);
    double end = sp_now() + 5;
    while (r->st != SP_CHAT_CONNECTED && sp_now() < end)
        sp_loop_once(loop, 20);
    assert_int_equal(r->st, SP_CHAT_CONNECTED);
    assert_int_equal(sp_chatclient_send(c, q, strlen(q)), 0);
    while (!r->got && sp_now() < end)
        sp_loop_once(loop, 20);
    assert_true(r->got);
    sp_chatclient_free(c);
}

static void test_replies_file(void **st)
{
    fixture *f = *st;
    char path[128];
    snprintf(path, sizeof path, "%s/my-bot.tsv", f->dir);
    write_file(path, "ping\tPONG\nno tab on this line\nhello\tHI\n");
    bad b = { 0 };
    sp_serve_settings set = loopback();
    set.replies = path;
    set.bad_line = on_bad_line;
    set.bad_line_ud = &b;
    sp_serve_setup s;
    char err[512];
    assert_int_equal(sp_serve_set_up(&s, f->loop, &set, err, sizeof err), 0);
    assert_non_null(s.bot);
    assert_non_null(s.server);
    assert_true(sp_chatserver_port(s.server) > 0);
    assert_string_equal(s.dict_path, path);
    assert_int_equal(sp_bot_size(s.bot), 2);
    assert_int_equal(s.bad_lines, 1);
    assert_int_equal(b.n, 1);
    assert_string_equal(b.path, path);
    assert_int_equal(b.line, 2);
    rec r = { 0 };
    ask(f->loop, &s, "ping", &r);
    assert_string_equal(r.reply, "PONG");
    sp_serve_tear_down(&s);
    assert_null(s.server);
    assert_null(s.bot);
    sp_serve_tear_down(&s); /* twice is harmless */
}

static void test_replies_missing(void **st)
{
    fixture *f = *st;
    char path[128], err[512];
    snprintf(path, sizeof path, "%s/none.tsv", f->dir);
    sp_serve_settings set = loopback();
    set.replies = path;
    set.builtin_if_unreadable = true; /* only for the installed file, never for one named */
    sp_serve_setup s;
    assert_int_equal(sp_serve_set_up(&s, f->loop, &set, err, sizeof err), -1);
    assert_non_null(strstr(err, "--replies: cannot read"));
    assert_non_null(strstr(err, path));
    assert_null(s.bot);
    assert_null(s.server);
    assert_false(s.in_use);
}

static void test_installed_dictionary(void **st)
{
    fixture *f = *st;
    char path[128], err[512];
    snprintf(path, sizeof path, "%s/chatbot.tsv", f->dir);
    write_file(path, "what is udp?\tUDP\n");
    setenv("SOCKPIT_DATA_DIR", f->dir, 1);
    sp_serve_settings set = loopback();
    sp_serve_setup s;
    assert_int_equal(sp_serve_set_up(&s, f->loop, &set, err, sizeof err), 0);
    assert_string_equal(s.dict_path, path);
    assert_int_equal(sp_bot_size(s.bot), 1);
    assert_int_equal(s.bad_lines, 0);
    sp_serve_tear_down(&s);
}

/* An installed chatbot.tsv that cannot be read (a directory here): the
 * command fails and says what to do; the pane falls back to the built-in
 * dictionary. */
static void test_installed_unreadable(void **st)
{
    fixture *f = *st;
    char path[128], err[512];
    snprintf(path, sizeof path, "%s/chatbot.tsv", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    setenv("SOCKPIT_DATA_DIR", f->dir, 1);
    sp_serve_settings set = loopback();
    sp_serve_setup s;
    assert_int_equal(sp_serve_set_up(&s, f->loop, &set, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "--replies FILE"));
    assert_null(strchr(err, '\n'));

    set.builtin_if_unreadable = true;
    assert_int_equal(sp_serve_set_up(&s, f->loop, &set, err, sizeof err), 0);
    assert_string_equal(s.dict_path, "");
    sp_bot *builtin = sp_bot_builtin();
    assert_int_equal(sp_bot_size(s.bot), sp_bot_size(builtin));
    sp_bot_free(builtin);
    sp_serve_tear_down(&s);
}

static void test_room(void **st)
{
    fixture *f = *st;
    sp_serve_settings set = loopback();
    set.room = true;
    set.replies = "/nonexistent/never-read.tsv";
    sp_serve_setup s;
    char err[512];
    assert_int_equal(sp_serve_set_up(&s, f->loop, &set, err, sizeof err), 0);
    assert_null(s.bot);
    assert_non_null(s.server);
    sp_serve_tear_down(&s);
}

static void test_address_in_use(void **st)
{
    fixture *f = *st;
    sp_serve_settings set = loopback();
    set.room = true;
    sp_serve_setup first, second;
    char err[512];
    assert_int_equal(sp_serve_set_up(&first, f->loop, &set, err, sizeof err), 0);
    set.port = sp_chatserver_port(first.server);
    assert_int_equal(sp_serve_set_up(&second, f->loop, &set, err, sizeof err), -1);
    assert_true(second.in_use);
    assert_non_null(strstr(err, "cannot listen on 127.0.0.1:"));
    assert_null(second.server);
    sp_serve_tear_down(&first);

    set.host = "not-an-address";
    assert_int_equal(sp_serve_set_up(&second, f->loop, &set, err, sizeof err), -1);
    assert_false(second.in_use);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_replies_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replies_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_installed_dictionary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_installed_unreadable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_room, setup, teardown),
        cmocka_unit_test_setup_teardown(test_address_in_use, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
