/* The log lines walked from the end: the last good ones as records, oldest
 * first, a cut first line of a tail skipped, bad lines counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/applog.h"

typedef struct rec {
    char line[16];
} rec;

/* Takes lines starting with "ok". */
static int parse(const char *line, size_t len, void *r)
{
    if (len < 2 || memcmp(line, "ok", 2) != 0)
        return -1;
    snprintf(((rec *)r)->line, sizeof ((rec *)r)->line, "%.*s", (int)len, line);
    return 0;
}

static size_t last(const char *log, bool partial, size_t keep, rec **v, size_t *bad)
{
    free(*v);
    void *out;
    size_t n = sp_applog_last_records(log, strlen(log), partial, keep, sizeof **v, parse, &out, bad);
    *v = out;
    return n;
}

static void test_last_records(void **state)
{
    (void)state;
    static const char log[] = "ok1\nbad\n\nok2\nok3\nok4";
    rec *v = NULL;
    size_t bad;
    assert_int_equal(last(log, false, 3, &v, &bad), 3);
    assert_string_equal(v[0].line, "ok2");
    assert_string_equal(v[2].line, "ok4");
    assert_int_equal(bad, 0);
    assert_int_equal(last(log, false, 8, &v, &bad), 4);
    assert_string_equal(v[0].line, "ok1");
    assert_string_equal(v[3].line, "ok4");
    assert_int_equal(bad, 1);
    /* A tail: its first line may be cut, so it is not read. */
    assert_int_equal(last(log, true, 8, &v, &bad), 3);
    assert_string_equal(v[0].line, "ok2");
    assert_int_equal(bad, 1);
    assert_int_equal(last("", false, 8, &v, &bad), 0);
    assert_int_equal(last(log, false, 0, &v, &bad), 0);
    assert_null(v);
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
        cmocka_unit_test(test_last_records),
        cmocka_unit_test(test_time_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
