/* Several resolvers compared: nothing until every resolver has answered,
 * one disagree when the answers differ, one agree when they meet again,
 * a failure against an answer differs, and canonical text ignores order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sockpit/dns/addrset.h"
#include "sockpit/dns/changelog.h"
#include "sockpit/dns/compare.h"
#include "sockpit/dns/valset.h"
#include "sockpit/dns/watch_compare.h"

static void test_transitions(void **state)
{
    (void)state;
    sp_compare c;
    sp_compare_init(&c, 2);
    const char *n = "www.shop.test";
    assert_int_equal(sp_compare_feed(&c, n, SP_RR_A, 0, "198.18.0.1"), SP_CMP_SAME);
    assert_int_equal(sp_compare_feed(&c, n, SP_RR_A, 1, "198.18.0.2"), SP_CMP_DISAGREE);
    assert_true(sp_compare_disagrees(&c, n, SP_RR_A));
    assert_string_equal(sp_compare_answer(&c, n, SP_RR_A, 1), "198.18.0.2");
    /* Still different, or different in another way: no new event. */
    assert_int_equal(sp_compare_feed(&c, n, SP_RR_A, 1, "error timeout"), SP_CMP_SAME);
    assert_int_equal(sp_compare_feed(&c, n, SP_RR_A, 0, "198.18.0.1"), SP_CMP_SAME);
    assert_int_equal(sp_compare_feed(&c, n, SP_RR_A, 1, "198.18.0.1"), SP_CMP_AGREE);
    assert_false(sp_compare_disagrees(&c, n, SP_RR_A));
    assert_int_equal(sp_compare_feed(&c, n, SP_RR_A, 0, "198.18.0.1"), SP_CMP_SAME);
    /* Types are apart: AAAA empty on both agrees quietly. */
    assert_int_equal(sp_compare_feed(&c, n, SP_RR_AAAA, 0, ""), SP_CMP_SAME);
    assert_int_equal(sp_compare_feed(&c, n, SP_RR_AAAA, 1, ""), SP_CMP_SAME);
    /* An error against an answer differs. */
    assert_int_equal(sp_compare_feed(&c, n, SP_RR_AAAA, 1, "error REFUSED"), SP_CMP_DISAGREE);
    assert_null(sp_compare_answer(&c, "other.test", SP_RR_A, 0));
    assert_null(sp_compare_answer(&c, n, SP_RR_A, 2));
    assert_int_equal(sp_compare_feed(&c, n, SP_RR_A, 2, "x"), SP_CMP_SAME);
    sp_compare_free(&c);
}

static void test_one_resolver(void **state)
{
    (void)state;
    sp_compare c;
    sp_compare_init(&c, 1);
    assert_int_equal(sp_compare_feed(&c, "a.test", SP_RR_A, 0, "198.18.0.1"), SP_CMP_SAME);
    assert_int_equal(sp_compare_feed(&c, "a.test", SP_RR_A, 0, "198.18.0.2"), SP_CMP_SAME);
    sp_compare_free(&c);
}

static void test_text(void **state)
{
    (void)state;
    sp_addrset a, b;
    sp_addrset_init(&a);
    sp_addrset_init(&b);
    assert_int_equal(sp_addrset_parse("198.18.0.2, 198.18.0.1", 22, &a), 0);
    assert_int_equal(sp_addrset_parse("198.18.0.1, 198.18.0.2", 22, &b), 0);
    char *ta = sp_compare_text(NULL, &a, NULL), *tb = sp_compare_text(NULL, &b, NULL);
    assert_string_equal(ta, tb);
    assert_string_equal(ta, "198.18.0.1, 198.18.0.2");
    free(ta);
    free(tb);
    sp_valset v;
    sp_valset_init(&v);
    assert_int_equal(sp_valset_parse("20 mx2.test, 10 mx1.test", 24, &v), 0);
    char *tv = sp_compare_text(NULL, NULL, &v), *te = sp_compare_text("NXDOMAIN", NULL, NULL);
    char *empty = sp_compare_text(NULL, NULL, NULL);
    assert_string_equal(tv, "10 mx1.test, 20 mx2.test");
    assert_string_equal(te, "error NXDOMAIN");
    assert_string_equal(empty, "");
    free(tv);
    free(te);
    free(empty);
    sp_valset_free(&v);
    sp_addrset_free(&a);
    sp_addrset_free(&b);
}

/* The log line and the JSON of an event; the resume takes the line for no
 * event (so it never becomes a name's remembered answer). */
static void test_event_forms(void **state)
{
    (void)state;
    const char *labels[2] = { "127.0.0.1:5301", "127.0.0.1:5302" };
    const char *answers[2] = { "198.18.7.1, 198.18.7.3", "error REFUSED" };
    sp_cmp_event ev = { .time_ms = 0, .name = "www.shop.test", .type = SP_RR_A, .change = SP_CMP_DISAGREE,
                        .nres = 2, .labels = labels, .answers = answers };
    char *line = sp_cmp_event_format(&ev);
    assert_non_null(strstr(line, "  www.shop.test  disagree  A: 127.0.0.1:5301 198.18.7.1, 198.18.7.3; "
                                 "127.0.0.1:5302 error REFUSED"));
    sp_wevent w;
    sp_wevent_init(&w);
    assert_int_equal(sp_changelog_parse_line(line, strlen(line), &w), -1);
    sp_wevent_free(&w);
    free(line);
    char buf[512] = "";
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    assert_non_null(f);
    sp_cmp_event_json(&ev, f);
    fclose(f);
    assert_non_null(strstr(buf, "\"event\":\"disagree\",\"rrtype\":\"A\",\"answers\":{\"127.0.0.1:5301\":"
                                "[\"198.18.7.1\",\"198.18.7.3\"],\"127.0.0.1:5302\":\"REFUSED\"}}"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_one_resolver),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_event_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
