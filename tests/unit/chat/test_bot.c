/* The bot's rule, case by case, and the dictionary parser's reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sockpit/chat/bot.h"

static sp_bot *parse(const char *tsv) { return sp_bot_parse(tsv, strlen(tsv), NULL, NULL); }

static void expect(const sp_bot *b, const char *msg, const char *want)
{
    size_t n;
    const char *a = sp_bot_reply(b, msg, strlen(msg), &n);
    if (strcmp(a, want) != 0)
        fail_msg("message '%s': got '%s', want '%s'", msg, a, want);
    assert_int_equal(n, strlen(want));
}

static const char dict[] =
    "what is your name?\tNAME\n"
    "how are you?\tFINE\n"
    "what is tcp?\tTCP\n"
    "tell me a joke\tJOKE\n"
    "good morning\tMORNING\n"
    "good evening\tEVENING\n"
    "ab\xe4\xbd\xa0\xe5\xa5\xbd\tMIXED\n"
    "\xe4\xbd\xa0\xe5\xa5\xbd \xe4\xb8\x96\xe7\x95\x8c\tCJK\n"
    "bye\tBYE\n";

static void test_prefix_case(void **state)
{
    (void)state;
    sp_bot *b = parse(dict);
    expect(b, "how are yo", "FINE");          /* 10 > 0.7 x 12 */
    expect(b, "how are you? fine day", "FINE");
    expect(b, "bye", "BYE");
    expect(b, "byebye", "BYE");               /* prefix 3 of 3 */
    expect(b, "ho", "Sorry.");                /* 2 < 8.4, no shared word */
    expect(b, "how a", "FINE");               /* 5 < 8.4, but "how" is shared */
    sp_bot_free(b);
}

/* An earlier key that shares words loses to a later prefix match. */
static void test_prefix_beats_earlier_overlap(void **state)
{
    (void)state;
    sp_bot *b = parse(dict);
    expect(b, "what is tcp", "TCP");
    sp_bot_free(b);
}

static void test_overlap_case(void **state)
{
    (void)state;
    sp_bot *b = parse(dict);
    expect(b, "please tell a joke", "JOKE");          /* 2 words shared */
    expect(b, "is your dog named rex?", "NAME");      /* is, your */
    expect(b, "you are how?", "FINE");                /* only "are" is shared */
    expect(b, "you ok", "Sorry.");                    /* "you" is not "you?" */
    expect(b, "tell me how are you? please", "FINE"); /* how, are, you? (3) beat tell, me (2) */
    expect(b, "tell me how you are", "FINE");         /* 2 and 2: the earlier key keeps it */
    sp_bot_free(b);
}

/* Equal counts: the first key in file order keeps it. */
static void test_ties(void **state)
{
    (void)state;
    sp_bot *b = parse(dict);
    expect(b, "very good", "MORNING");
    sp_bot *r = parse("good evening\tEVENING\ngood morning\tMORNING\n");
    expect(r, "very good", "EVENING");
    /* A strictly larger count later wins. */
    expect(r, "a good morning", "MORNING");
    sp_bot_free(r);
    sp_bot_free(b);
}

static void test_no_match(void **state)
{
    (void)state;
    sp_bot *b = parse(dict);
    expect(b, "xyzzy", "Sorry.");
    expect(b, "", "Sorry.");
    expect(b, "   ", "Sorry.");
    sp_bot_free(b);
    sp_bot *e = parse("");
    expect(e, "hello", "Sorry.");
    assert_int_equal(sp_bot_size(e), 0);
    sp_bot_free(e);
}

/* Lengths are in characters, not bytes. */
static void test_cjk(void **state)
{
    (void)state;
    sp_bot *b = parse(dict);
    /* "ab你": 3 of 4 characters > 2.8 (in bytes 5 of 8 would be < 5.6). */
    expect(b, "ab\xe4\xbd\xa0", "MIXED");
    expect(b, "\xe4\xbd\xa0\xe5\xa5\xbd \xe4\xb8\x96\xe7\x95\x8c", "CJK");
    /* A shared CJK word. */
    expect(b, "\xe4\xb8\x96\xe7\x95\x8c \xe5\x92\x8c \xe4\xbd\xa0\xe5\xa5\xbd", "CJK");
    /* The ideographic space U+3000 is whitespace too. */
    expect(b, "\xe4\xbd\xa0\xe5\xa5\xbd\xe3\x80\x80\xe4\xb8\x96\xe7\x95\x8c", "CJK");
    sp_bot_free(b);
}

static void test_runs_of_spaces(void **state)
{
    (void)state;
    sp_bot *b = parse(dict);
    expect(b, "  how   are\t\tyou?  ", "FINE");
    expect(b, "what\n is \r\n tcp?", "TCP");
    sp_bot_free(b);
}

/* 0.7 x 10 is 7.0 in floating point: a prefix of 7 does not win, 8 does. */
static void test_threshold(void **state)
{
    (void)state;
    sp_bot *b = parse("abcdefghij\tTEN\n");
    expect(b, "abcdefgXYZ", "Sorry.");
    expect(b, "abcdefghXY", "TEN");
    sp_bot_free(b);
}

static void test_invalid_utf8_message(void **state)
{
    (void)state;
    sp_bot *b = parse(dict);
    expect(b, "\xff\xfe how are you?", "FINE");
    expect(b, "how are you?\xc3", "FINE");
    sp_bot_free(b);
}

typedef struct reports {
    size_t lines[16];
    char why[16][96];
    size_t n;
} reports;

static void collect(void *ud, size_t line, const char *why)
{
    reports *r = ud;
    if (r->n < 16) {
        r->lines[r->n] = line;
        snprintf(r->why[r->n], sizeof r->why[0], "%s", why);
        r->n++;
    }
}

static void test_bad_lines(void **state)
{
    (void)state;
    static const char tsv[] =
        "# comment\n"            /* 1 */
        "\n"                     /* 2 */
        "hello\tHI\r\n"          /* 3 fine, CRLF */
        "no tab here\n"          /* 4 */
        "\tno question\n"        /* 5 */
        "no answer\t\n"          /* 6 */
        "a\tb\tc\n"              /* 7 */
        "bad \xff utf8\tx\n"     /* 8 */
        "hello\tAGAIN\n"         /* 9 duplicate */
        "last\tLAST";            /* 10 fine, no newline */
    reports r = { 0 };
    sp_bot *b = sp_bot_parse(tsv, sizeof tsv - 1, collect, &r);
    assert_int_equal(sp_bot_size(b), 2);
    assert_int_equal(r.n, 6);
    size_t want[] = { 4, 5, 6, 7, 8, 9 };
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(r.lines[i], want[i]);
    assert_non_null(strstr(r.why[0], "no TAB"));
    assert_non_null(strstr(r.why[5], "duplicate"));
    expect(b, "hello", "HI");
    expect(b, "last", "LAST");
    sp_bot_free(b);
}

static void test_builtin_and_asset(void **state)
{
    (void)state;
    sp_bot *b = sp_bot_builtin();
    assert_true(sp_bot_size(b) >= 5);
    expect(b, "bye", "Bye.");
    sp_bot_free(b);
    /* The shipped dictionary parses without a bad line. */
    char path[4096], err[256];
    snprintf(path, sizeof path, "%s/chatbot.tsv", SOCKPIT_SOURCE_ASSETS);
    reports r = { 0 };
    b = sp_bot_load(path, collect, &r, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(r.n, 0);
    assert_true(sp_bot_size(b) >= 30);
    expect(b, "bye", "Bye.");
    sp_bot_free(b);
    assert_null(sp_bot_load("/nonexistent/chatbot.tsv", NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "cannot read"));
}

static void test_default_path_env(void **state)
{
    (void)state;
    char path[4096];
    setenv("SOCKPIT_DATA_DIR", SOCKPIT_SOURCE_ASSETS, 1);
    assert_int_equal(sp_bot_default_path(path, sizeof path), 0);
    assert_string_equal(path, SOCKPIT_SOURCE_ASSETS "/chatbot.tsv");
    unsetenv("SOCKPIT_DATA_DIR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefix_case),
        cmocka_unit_test(test_prefix_beats_earlier_overlap),
        cmocka_unit_test(test_overlap_case),
        cmocka_unit_test(test_ties),
        cmocka_unit_test(test_no_match),
        cmocka_unit_test(test_cjk),
        cmocka_unit_test(test_runs_of_spaces),
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_invalid_utf8_message),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_builtin_and_asset),
        cmocka_unit_test(test_default_path_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
