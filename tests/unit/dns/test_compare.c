/* Several resolvers compared: nothing until every resolver has answered,
 * one disagree when the answers differ, one agree when they meet again,
 * a failure against an answer differs, and canonical text ignores order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sockpit/dns/addrset.h"
#include "sockpit/dns/changelog.h"
#include "sockpit/dns/compare.h"
#include "sockpit/dns/valset.h"

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

static void compare_event(sp_wevent *ev, sp_wev_kind kind, sp_rrtype t, const char *a1, const char *a2)
{
    sp_wevent_init(ev);
    ev->time_ms = 1795939201000LL; /* 2026-11-29 08:00:01 UTC */
    snprintf(ev->name, sizeof ev->name, "www.shop.test");
    ev->kind = kind;
    ev->rrtype = SP_RRBIT(t);
    sp_wevent_add_answer(ev, "127.0.0.1:5301", a1);
    sp_wevent_add_answer(ev, "[::1]:5302", a2);
}

static char *json_of(const sp_wevent *ev)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    sp_wevent_json(ev, f);
    fclose(f);
    return buf;
}

/* Formats ev, parses the line back and formats that again: the same line,
 * the same answers. Returns the line (static). */
static const char *round_trip(const sp_wevent *ev)
{
    static char line[1024];
    char again[1024];
    size_t n = sp_changelog_format(ev, line, sizeof line);
    assert_int_equal(n, strlen(line));
    sp_wevent back;
    sp_wevent_init(&back);
    assert_int_equal(sp_changelog_parse_line(line, n, &back), 0);
    assert_int_equal(back.kind, ev->kind);
    assert_int_equal(back.rrtype, ev->rrtype);
    assert_int_equal(back.time_ms, ev->time_ms);
    assert_int_equal(back.nanswers, ev->nanswers);
    for (size_t i = 0; i < ev->nanswers; i++) {
        assert_string_equal(back.answers[i].server, ev->answers[i].server);
        assert_string_equal(back.answers[i].answer, ev->answers[i].answer);
    }
    sp_changelog_format(&back, again, sizeof again);
    assert_string_equal(again, line);
    /* A copy is a deep one: freeing the original leaves it whole. */
    sp_wevent copy;
    sp_wevent_init(&copy);
    sp_wevent_copy(&copy, &back);
    sp_wevent_free(&back);
    assert_string_equal(copy.answers[0].server, ev->answers[0].server);
    sp_wevent_free(&copy);
    return line;
}

/* A disagree or agree as a change log line (read back as itself) and as
 * JSON; lines the parser does not take are no events. */
static void test_event_line(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    sp_wevent ev;
    compare_event(&ev, SP_WEV_DISAGREE, SP_RR_A, "198.18.7.1, 198.18.7.3", "error REFUSED");
    assert_string_equal(round_trip(&ev), "2026-11-29 08:00:01  www.shop.test  disagree  A: 127.0.0.1:5301 "
                                         "198.18.7.1, 198.18.7.3; [::1]:5302 error REFUSED");
    char *json = json_of(&ev);
    assert_string_equal(json, "{\"time\":\"2026-11-29T08:00:01.000Z\",\"name\":\"www.shop.test\",\"event\":"
                              "\"disagree\",\"rrtype\":\"A\",\"answers\":{\"127.0.0.1:5301\":[\"198.18.7.1\","
                              "\"198.18.7.3\"],\"[::1]:5302\":\"REFUSED\"}}\n");
    free(json);
    sp_wevent_free(&ev);

    compare_event(&ev, SP_WEV_AGREE, SP_RR_AAAA, "", "");
    assert_string_equal(round_trip(&ev), "2026-11-29 08:00:01  www.shop.test  agree  AAAA: 127.0.0.1:5301 (none); "
                                         "[::1]:5302 (none)");
    json = json_of(&ev);
    assert_non_null(strstr(json, "\"event\":\"agree\",\"rrtype\":\"AAAA\",\"answers\":{\"127.0.0.1:5301\":[],"
                                 "\"[::1]:5302\":[]}}"));
    free(json);
    sp_wevent_free(&ev);

    /* A TXT value may hold "; ": inside its quotes it splits no servers. */
    compare_event(&ev, SP_WEV_DISAGREE, SP_RR_TXT, "\"v=DMARC1; p=none\", \"x\"", "\"v=DMARC1; p=reject\"");
    assert_string_equal(round_trip(&ev), "2026-11-29 08:00:01  www.shop.test  disagree  TXT: 127.0.0.1:5301 "
                                         "\"v=DMARC1; p=none\", \"x\"; [::1]:5302 \"v=DMARC1; p=reject\"");
    sp_wevent_free(&ev);
    compare_event(&ev, SP_WEV_DISAGREE, SP_RR_MX, "10 mx1.shop.test", "error timeout");
    round_trip(&ev);
    sp_wevent_free(&ev);

    /* Read back in canonical order, as the comparison wrote it. */
    sp_wevent back;
    sp_wevent_init(&back);
    const char *unsorted = "2026-11-29 08:00:01  a.test  disagree  A: s1:53 198.18.0.2, 198.18.0.1; s2:53 198.18.0.1";
    assert_int_equal(sp_changelog_parse_line(unsorted, strlen(unsorted), &back), 0);
    assert_string_equal(back.answers[0].answer, "198.18.0.1, 198.18.0.2");
    assert_string_equal(back.answers[1].server, "s2:53");

    const char *bad[] = {
        "2026-11-29 08:00:01  a.test  disagree  127.0.0.1:1 198.18.0.1; 127.0.0.1:2 198.18.0.2", /* no type */
        "2026-11-29 08:00:01  a.test  disagree  A,AAAA: s1 198.18.0.1; s2 198.18.0.2",  /* two types */
        "2026-11-29 08:00:01  a.test  disagree  A: s1 198.18.0.1",                      /* one server */
        "2026-11-29 08:00:01  a.test  disagree  A: s1 198.18.0.1; s2 198.18.0.1",       /* they agree */
        "2026-11-29 08:00:01  a.test  agree  A: s1 198.18.0.1; s2 198.18.0.2",          /* they do not */
        "2026-11-29 08:00:01  a.test  disagree  A: s1 198.18.0.1; s2 198.18.0.2; ",     /* cut */
        "2026-11-29 08:00:01  a.test  disagree  A: s1 198.18.0.1; s2",                  /* no answer */
        "2026-11-29 08:00:01  a.test  disagree  A: s1 198.18.0.1; s2 mx.test",          /* no address */
        "2026-11-29 08:00:01  a.test  disagree  A: s1 198.18.0.1; s\x1b[2J 198.18.0.2",  /* a terminal escape */
        "2026-11-29 08:00:01  a.test  disagree  A: s1 198.18.0.1; s2 error \x1b[2J",
        "2026-11-29 08:00:01  a.test  disagree  A: s1 198.18.0.1;s2 198.18.0.2",
        "2026-11-29 08:00:01  a.test  disagree  A: s1 198.18.0.1; s2 ?",                /* not answered */
        "2026-11-29 08:00:01  a.test  disagree  TXT: s1 \"a; s2 \"b\"",                 /* quotes unpaired */
        "2026-11-29 08:00:01  a.test  disagree  TXT: s1 (x); s2 \"b\"",
        "2026-11-29 08:00:01  a.test  disagree  ",
        "2026-11-29 08:00:01  a.test  disagreeing  A: s1 198.18.0.1; s2 198.18.0.2",
        "2026-11-29 08:00:01  a.test  differ  A: s1 198.18.0.1; s2 198.18.0.2",         /* a kind of the future */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sp_changelog_parse_line(bad[i], strlen(bad[i]), &back), -1);
    /* A line that failed leaves no answers behind. */
    assert_int_equal(back.nanswers, 0);
    sp_wevent_free(&back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_one_resolver),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_event_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
