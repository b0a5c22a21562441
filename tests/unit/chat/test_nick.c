/* Nicknames: what is refused and why, and that what is accepted is shown
 * exactly as typed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <string.h>

#include "sockpit/chat/nick.h"

static bool ok(const char *s, size_t n)
{
    char why[120];
    return sp_nick_check(s, n, why, sizeof why);
}

static const char *reason(const char *s, size_t n)
{
    static char why[120];
    why[0] = '\0';
    assert_false(sp_nick_check(s, n, why, sizeof why));
    return why;
}

static void test_nicknames(void **state)
{
    (void)state;
    assert_true(ok("alice", 5));
    assert_true(ok("bob_2", 5));
    assert_true(ok("\xe6\x9d\x8e\xe9\x9b\xb7", 6)); /* a CJK name */
    assert_true(ok("Jos\xc3\xa9", 5));
    assert_true(ok("12345678901234567890123456789012", 32));
    assert_non_null(strstr(reason("123456789012345678901234567890123", 33), "1 to 32 bytes"));
    assert_non_null(strstr(reason("", 0), "1 to 32 bytes"));
    /* The case from the hostile run: a NUL inside. */
    assert_non_null(strstr(reason("a\0b", 3), "control"));
    assert_non_null(strstr(reason("a b", 3), "spaces"));
    assert_non_null(strstr(reason("a\xc2\xa0" "b", 4), "spaces"));  /* no-break space */
    assert_non_null(strstr(reason("a:b", 3), "colon"));
    assert_non_null(strstr(reason("a\x1b[31m", 6), "control"));
    assert_non_null(strstr(reason("a\xe2\x80\xae" "b", 5), "control")); /* RIGHT-TO-LEFT OVERRIDE */
    assert_non_null(strstr(reason("a\xe2\x80\x8b" "b", 5), "invisible")); /* ZERO WIDTH SPACE */
    assert_non_null(strstr(reason("a\xff", 2), "UTF-8"));
    assert_non_null(strstr(reason("e\xcc\x81\xcc\x81\xcc\x81\xcc\x81", 9), "invisible")); /* a tower of accents */
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nicknames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
