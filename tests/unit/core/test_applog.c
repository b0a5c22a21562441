/* The log lines walked from the end: the last good ones, newest first, a
 * cut first line of a tail skipped, bad lines counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "sockpit/core/applog.h"

typedef struct seen {
    char lines[8][16];
    size_t n;
} seen;

/* Takes lines starting with "ok". */
static int take(const char *line, size_t len, size_t taken, void *ud)
{
    seen *s = ud;
    assert_int_equal(taken, s->n);
    if (len < 2 || memcmp(line, "ok", 2) != 0)
        return -1;
    snprintf(s->lines[s->n++], sizeof s->lines[0], "%.*s", (int)len, line);
    return 0;
}

static void test_last_lines(void **state)
{
    (void)state;
    static const char log[] = "ok1\nbad\n\nok2\nok3\nok4";
    seen s = { 0 };
    size_t bad;
    assert_int_equal(sp_applog_last_lines(log, strlen(log), false, 3, take, &s, &bad), 3);
    assert_string_equal(s.lines[0], "ok4");
    assert_string_equal(s.lines[2], "ok2");
    assert_int_equal(bad, 0);
    memset(&s, 0, sizeof s);
    assert_int_equal(sp_applog_last_lines(log, strlen(log), false, 8, take, &s, &bad), 4);
    assert_string_equal(s.lines[3], "ok1");
    assert_int_equal(bad, 1);
    /* A tail: its first line may be cut, so it is not read. */
    memset(&s, 0, sizeof s);
    assert_int_equal(sp_applog_last_lines(log, strlen(log), true, 8, take, &s, &bad), 3);
    assert_int_equal(bad, 1);
    memset(&s, 0, sizeof s);
    assert_int_equal(sp_applog_last_lines("", 0, false, 8, take, &s, &bad), 0);
}

static void test_time_parse(void **state)
{
    (void)state;
    int64_t ms;
    assert_int_equal(sp_applog_time_parse("2026-11-29 08:00:01  x", 22, &ms), 0);
    assert_true(ms > 0);
    assert_int_equal(sp_applog_time_parse("2026-13-29 08:00:01  x", 22, &ms), -1);
    assert_int_equal(sp_applog_time_parse("2026-11-29", 10, &ms), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_last_lines),
        cmocka_unit_test(test_time_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
