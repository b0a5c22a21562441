/* The services(5) parser, the grouped table, the lookups, the filter, and
 * the equivalence with the C library's getservbyport/getservbyname on the
 * real /etc/services. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/services/services.h"

static sp_services *parse(const char *s) { return sp_services_parse(s, strlen(s)); }

static const char sample[] =
    "# Network services, Internet style\n"
    "\n"
    "tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer\n"
    "echo\t\t7/tcp\n"
    "echo\t\t7/udp\n"
    "discard\t\t9/tcp\t\tsink null\n"
    "discard\t\t9/udp\t\tsink null\n"
    "http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP\n"
    "pop3s\t\t995/tcp\n"
    "pop3s\t\t995/udp\n"
    "   https 443/tcp\n"
    "https\t443/udp\n"
    "echo\t\t4/ddp\t\t\t# AppleTalk Echo Protocol\n"
    "amqp\t\t5672/sctp\n"
    "Mixed 8080/tcp WebCache#cut\n";

static void test_parse_and_group(void **state)
{
    (void)state;
    sp_services *t = parse(sample);
    assert_non_null(t);
    assert_int_equal(t->malformed, 0);
    assert_int_equal(t->n, 13);
    /* One row per name: amqp echo discard http https Mixed pop3s tcpmux. */
    assert_int_equal(t->ngroups, 8);
    const sp_service_group *echo = NULL, *discard = NULL, *mixed = NULL;
    for (size_t i = 0; i < t->ngroups; i++) {
        if (strcmp(t->groups[i].name, "echo") == 0)
            echo = &t->groups[i];
        if (strcmp(t->groups[i].name, "discard") == 0)
            discard = &t->groups[i];
        if (strcmp(t->groups[i].name, "Mixed") == 0)
            mixed = &t->groups[i];
    }
    assert_non_null(echo);
    assert_int_equal(echo->nentries, 3); /* 7/tcp 7/udp 4/ddp: one service, several ports */
    assert_int_equal(echo->min_port, 4);
    assert_true(echo->well_known);
    assert_int_equal(t->v[echo->entries[2]].port, 4);
    assert_non_null(discard);
    assert_int_equal(discard->naliases, 2); /* sink null, once each */
    assert_string_equal(discard->aliases[0], "sink");
    assert_string_equal(discard->haystack, "discard\nsink\nnull");
    assert_non_null(mixed);
    assert_int_equal(mixed->naliases, 1);
    assert_string_equal(mixed->aliases[0], "WebCache"); /* '#' starts a comment anywhere */
    assert_string_equal(mixed->haystack, "mixed\nwebcache");
    /* Groups by port: tcpmux (1), echo (4), discard (9), http (80) ... */
    assert_string_equal(t->groups[t->groups_by_port[0]].name, "tcpmux");
    assert_string_equal(t->groups[t->groups_by_port[1]].name, "echo");
    assert_string_equal(t->groups[t->groups_by_port[2]].name, "discard");
    assert_string_equal(t->groups[t->groups_by_port[t->ngroups - 1]].name, "Mixed");
    sp_services_free(t);
}

/* Every malformed case of the issue: each line is skipped and counted,
 * the good lines around it survive. */
static void test_malformed(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        const char *why;
    } cases[] = {
        { "nothing\n", "port/protocol field is missing" },
        { "noproto 22\n", "protocol is missing" },
        { "noproto2 22/\n", "protocol is missing" },
        { "unknown 22/tcpx\n", "unknown protocol" },
        { "unknown2 22/TCP\n", "unknown protocol" },
        { "zero 0/tcp\n", "port 0" },
        { "big 65536/tcp\n", "above 65535" },
        { "huge 99999999999999999999/udp\n", "above 65535" },
        { "alpha abc/tcp\n", "not a number" },
        { "alpha2 22x/tcp\n", "not a number" },
        { "signed -22/tcp\n", "not a number" },
        { "noport /tcp\n", "port is missing" },
        { "octal 022/tcp\n", "leading zero" },
        { "a234567890123456789012345678901234567890123456789012345678901234 22/tcp\n", "name is longer" },
        { "longalias 22/tcp ok a234567890123456789012345678901234567890123456789012345678901234\n",
          "alias is longer" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[512];
        int n = snprintf(buf, sizeof buf, "good 1/tcp\n%sgood2 2/udp\n", cases[i].line);
        sp_services *t = sp_services_parse(buf, (size_t)n);
        assert_non_null(t);
        if (t->malformed != 1 || t->n != 2)
            fail_msg("case %zu (%s): malformed %zu, entries %zu", i, cases[i].line, t->malformed, t->n);
        assert_int_equal(t->bad[0].line, 2);
        if (!strstr(t->bad[0].why, cases[i].why))
            fail_msg("case %zu: reason '%s', want '%s'", i, t->bad[0].why, cases[i].why);
        sp_services_free(t);
    }
    /* A NUL byte inside a line. */
    static const char nul[] = "good 1/tcp\nnul\0ed 22/tcp\ngood2 2/udp\n";
    sp_services *t = sp_services_parse(nul, sizeof nul - 1);
    assert_int_equal(t->malformed, 1);
    assert_int_equal(t->n, 2);
    assert_non_null(strstr(t->bad[0].why, "NUL"));
    sp_services_free(t);
    /* The last line without its newline counts, as the C library reads it;
     * a truncated one is judged like any other line. */
    t = parse("good 1/tcp\ntrunc 22/tc");
    assert_int_equal(t->malformed, 1);
    assert_int_equal(t->n, 1);
    assert_non_null(strstr(t->bad[0].why, "unknown protocol"));
    sp_services_free(t);
    t = parse("good 1/tcp\nlast 22/tcp alias");
    assert_int_equal(t->malformed, 0);
    assert_int_equal(t->n, 2);
    assert_non_null(sp_services_by_name(t, "alias", SP_PROTO_TCP));
    sp_services_free(t);
    /* CRLF line endings: the CR is a blank, as for the C library. */
    t = parse("http 80/tcp www\r\nhttp 80/udp\r\nssh 22/tcp # comment\r\nlast 9/udp\r");
    assert_int_equal(t->malformed, 0);
    assert_int_equal(t->n, 4);
    const sp_service *www = sp_services_by_name(t, "www", SP_PROTO_TCP);
    assert_non_null(www);
    assert_string_equal(www->name, "http");
    assert_non_null(sp_services_by_port(t, 22, SP_PROTO_TCP));
    assert_non_null(sp_services_by_name(t, "last", SP_PROTO_UDP));
    sp_services_free(t);
    /* Blank and comment-only lines never count, whatever they hold. */
    t = parse("# comment \r\n\r\n   \t \n#\0x\n# last comment");
    assert_int_equal(t->malformed, 0);
    assert_int_equal(t->n, 0);
    assert_int_equal(t->ngroups, 0);
    sp_services_free(t);
    /* Many bad lines: all counted, the first ones kept with their reasons. */
    char big[4096] = "";
    for (int i = 0; i < 40; i++)
        strcat(big, "bad 0/tcp\n");
    t = parse(big);
    assert_int_equal(t->malformed, 40);
    assert_int_equal(t->nbad, SP_SERVICES_BAD_KEPT);
    sp_services_free(t);
}

static void test_edges(void **state)
{
    (void)state;
    /* The largest port, a 63-byte name, every known protocol, spacing. */
    sp_services *t = parse("a23456789012345678901234567890123456789012345678901234567890123 65535/udp\n"
                           "x 1/sctp\ny\t\v\f2/dccp   al1\t al2  \nz 3/ddp\n");
    assert_int_equal(t->malformed, 0);
    assert_int_equal(t->n, 4);
    assert_int_equal(t->v[0].port, 65535);
    assert_int_equal(t->v[2].proto, SP_PROTO_DCCP);
    assert_int_equal(t->v[2].naliases, 2);
    assert_string_equal(t->v[2].aliases[1], "al2");
    sp_services_free(t);
    t = parse("");
    assert_int_equal(t->n, 0);
    assert_null(sp_services_by_port(t, 80, -1));
    assert_null(sp_services_by_name(t, "http", -1));
    sp_services_free(t);
}

/* Found by fuzz_services: a file with no alias at all left the alias pool
 * NULL, and pointing the entries into it was NULL + 0 (undefined). */
static void test_no_aliases(void **state)
{
    (void)state;
    sp_services *t = parse("http 80/tcp\nhttps 443/tcp # no aliases\n");
    assert_int_equal(t->n, 2);
    assert_int_equal(t->v[0].naliases, 0);
    assert_null(t->v[0].aliases);
    assert_int_equal(t->groups[0].naliases, 0);
    assert_ptr_equal(sp_services_by_name(t, "https", SP_PROTO_TCP), &t->v[1]);
    sp_services_free(t);
}

static void test_lookups(void **state)
{
    (void)state;
    sp_services *t = parse("first 100/udp\n"
                           "second 100/tcp alias2\n"
                           "shadow 100/tcp\n"   /* hidden for 100/tcp, as in libc */
                           "multi 200/tcp m\n"
                           "multi 201/udp m\n"
                           "m 300/tcp\n");
    assert_int_equal(t->malformed, 0);
    assert_string_equal(sp_services_by_port(t, 100, SP_PROTO_TCP)->name, "second");
    assert_string_equal(sp_services_by_port(t, 100, SP_PROTO_UDP)->name, "first");
    assert_string_equal(sp_services_by_port(t, 100, -1)->name, "first"); /* first line of the file */
    assert_null(sp_services_by_port(t, 100, SP_PROTO_SCTP));
    assert_null(sp_services_by_port(t, 101, -1));
    assert_null(sp_services_by_port(t, 99, -1));
    assert_string_equal(sp_services_by_name(t, "alias2", -1)->name, "second");
    assert_null(sp_services_by_name(t, "alias2", SP_PROTO_UDP));
    assert_int_equal(sp_services_by_name(t, "multi", SP_PROTO_UDP)->port, 201);
    assert_int_equal(sp_services_by_name(t, "multi", -1)->port, 200);
    /* "m" is an alias of multi before it is a name of its own. */
    assert_int_equal(sp_services_by_name(t, "m", SP_PROTO_TCP)->port, 200);
    assert_int_equal(sp_services_by_name(t, "m", SP_PROTO_UDP)->port, 201);
    assert_null(sp_services_by_name(t, "nope", -1));
    assert_true(sp_services_is_primary(t, sp_services_by_name(t, "second", -1)));
    assert_false(sp_services_is_primary(t, sp_services_by_name(t, "shadow", -1)));

    const sp_service *out[16];
    size_t n = sp_services_range(t, 1, 1024, 1u << SP_PROTO_TCP | 1u << SP_PROTO_UDP, out);
    assert_int_equal(n, 5); /* 100/tcp second, 100/udp first, 200/tcp, 201/udp, 300/tcp */
    assert_string_equal(out[0]->name, "second");
    assert_string_equal(out[1]->name, "first");
    assert_int_equal(out[4]->port, 300);
    assert_int_equal(sp_services_range(t, 150, 250, 1u << SP_PROTO_UDP, out), 1);
    assert_int_equal(sp_services_range(t, 5, 2, ~0u, out), 0);
    sp_services_free(t);
}

static void test_query(void **state)
{
    (void)state;
    sp_services *t = parse(sample);
    sp_service_query q;
    char err[256], msg[256];
    assert_int_equal(sp_service_query_parse("http", &q, err, sizeof err), 0);
    assert_int_equal(sp_service_query_run(t, &q, msg, sizeof msg)->port, 80);
    assert_int_equal(sp_service_query_parse("http/udp", &q, err, sizeof err), 0);
    assert_null(sp_service_query_run(t, &q, msg, sizeof msg));
    assert_string_equal(msg, "no service 'http' for udp");
    assert_int_equal(sp_service_query_parse("443", &q, err, sizeof err), 0);
    assert_true(q.by_port);
    assert_string_equal(sp_service_query_run(t, &q, msg, sizeof msg)->name, "https");
    assert_int_equal(sp_service_query_parse("443/udp", &q, err, sizeof err), 0);
    assert_int_equal(sp_service_query_run(t, &q, msg, sizeof msg)->proto, SP_PROTO_UDP);
    assert_int_equal(sp_service_query_parse("4444/udp", &q, err, sizeof err), 0);
    assert_null(sp_service_query_run(t, &q, msg, sizeof msg));
    assert_string_equal(msg, "no service for port 4444/udp");
    assert_int_equal(sp_service_query_parse("www", &q, err, sizeof err), 0);
    assert_string_equal(sp_service_query_run(t, &q, msg, sizeof msg)->name, "http");
    assert_int_equal(sp_service_query_parse("nosuch", &q, err, sizeof err), 0);
    assert_null(sp_service_query_run(t, &q, msg, sizeof msg));
    assert_string_equal(msg, "no service 'nosuch'");
    assert_int_equal(sp_service_query_parse("", &q, err, sizeof err), -1);
    assert_int_equal(sp_service_query_parse("/tcp", &q, err, sizeof err), -1);
    assert_int_equal(sp_service_query_parse("http/sctpx", &q, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown protocol"));
    assert_int_equal(sp_service_query_parse("0", &q, err, sizeof err), -1);
    assert_int_equal(sp_service_query_parse("70000/tcp", &q, err, sizeof err), -1);
    assert_int_equal(sp_service_query_parse("99999999999999999999", &q, err, sizeof err), -1);
    sp_services_free(t);
}

static size_t filter(const sp_services *t, const char *text, uint32_t *out)
{
    sp_services_filter f;
    sp_services_filter_set(&f, text);
    return sp_services_filter_run(t, &f, t->groups_by_port, t->ngroups, out);
}

static void test_filter(void **state)
{
    (void)state;
    sp_services *t = parse(sample);
    uint32_t out[16];
    assert_int_equal(filter(t, "", out), t->ngroups);
    assert_int_equal(filter(t, "http", out), 2); /* http, https */
    assert_int_equal(filter(t, "HTTP", out), 2);
    assert_int_equal(filter(t, "sink", out), 1); /* an alias */
    assert_int_equal(filter(t, "webc", out), 1);
    assert_int_equal(filter(t, "xyz", out), 0);
    /* Digits: a port prefix. 9 -> discard (9), pop3s (995); 44 -> https. */
    assert_int_equal(filter(t, "9", out), 2);
    assert_string_equal(t->groups[out[0]].name, "discard");
    assert_int_equal(filter(t, "44", out), 1);
    assert_int_equal(filter(t, "443", out), 1);
    assert_int_equal(filter(t, "4431", out), 0);
    assert_int_equal(filter(t, "3", out), 1); /* pop3s by its name */
    assert_int_equal(filter(t, "0443", out), 0);
    assert_int_equal(filter(t, "123456", out), 0);
    assert_true(sp_services_filter_narrows("ht", "htt"));
    assert_true(sp_services_filter_narrows("", "x"));
    assert_false(sp_services_filter_narrows("htt", "ht"));
    assert_false(sp_services_filter_narrows("ab", "xab"));
    sp_services_free(t);
}

/* --range semantics against the C library on the real /etc/services: the
 * triples getservbyport gives for 1..1024 x tcp/udp, and getservbyname for
 * every name and alias. */
static void test_libc_equivalence(void **state)
{
    (void)state;
    char *buf, err[256];
    size_t len;
    if (sp_services_read_file("/etc/services", false, &buf, &len, err, sizeof err) < 0)
        skip();
    sp_services *t = sp_services_parse(buf, len);
    free(buf);
    assert_non_null(t);
    const sp_service **out = calloc(t->n + 1, sizeof *out);
    size_t n = sp_services_range(t, 1, 1024, 1u << SP_PROTO_TCP | 1u << SP_PROTO_UDP, out), k = 0;
    size_t libc = 0;
    for (int port = 1; port <= 1024; port++) {
        for (int p = 0; p < 2; p++) {
            const char *proto = p ? "udp" : "tcp";
            struct servent *se = getservbyport(htons((uint16_t)port), proto);
            const sp_service *mine = sp_services_by_port(t, (unsigned)port, p ? SP_PROTO_UDP : SP_PROTO_TCP);
            if (!se) {
                if (mine)
                    fail_msg("%d/%s: libc has none, sockpit says %s", port, proto, mine->name);
                continue;
            }
            libc++;
            if (k >= n)
                fail_msg("%d/%s: libc says %s, the range ended", port, proto, se->s_name);
            if (strcmp(out[k]->name, se->s_name) != 0 || out[k]->port != port ||
                strcmp(sp_proto_name(out[k]->proto), proto) != 0)
                fail_msg("%d/%s: libc says %s, the range has %s %u/%s", port, proto, se->s_name, out[k]->name,
                         out[k]->port, sp_proto_name(out[k]->proto));
            k++;
        }
    }
    assert_int_equal(k, n);
    assert_int_equal(libc, n);
    assert_true(n > 50);
    endservent();
    for (size_t i = 0; i < t->nnames; i++) {
        for (int p = 0; p < 2; p++) {
            const char *name = t->names[i].key;
            const char *proto = p ? "udp" : "tcp";
            struct servent *se = getservbyname(name, proto);
            const sp_service *mine = sp_services_by_name(t, name, p ? SP_PROTO_UDP : SP_PROTO_TCP);
            if (!se != !mine || (se && (ntohs((uint16_t)se->s_port) != mine->port ||
                                        strcmp(se->s_name, mine->name) != 0)))
                fail_msg("getservbyname(%s, %s) differs", name, proto);
        }
    }
    free(out);
    sp_services_free(t);
}

/* Random bytes and random mutations of a real file never crash, and the
 * table stays consistent. */
static void test_garbage(void **state)
{
    (void)state;
    unsigned seed = 12345;
    char buf[2048];
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(rand_r(&seed) % (int)sizeof buf);
        if (round % 2) {
            for (size_t i = 0; i < n; i++)
                buf[i] = (char)(rand_r(&seed) & 0xff);
        } else {
            static const char alphabet[] = "ab1 \t/#\n\r0tcpudp9\0";
            for (size_t i = 0; i < n; i++)
                buf[i] = alphabet[rand_r(&seed) % (int)(sizeof alphabet - 1)];
        }
        sp_services *t = sp_services_parse(buf, n);
        assert_non_null(t);
        size_t total = 0;
        for (size_t g = 0; g < t->ngroups; g++)
            total += t->groups[g].nentries;
        assert_int_equal(total, t->n);
        for (size_t i = 0; i < t->n; i++) {
            assert_true(t->v[i].port >= 1);
            assert_true(strlen(t->v[i].name) <= SP_SERVICE_NAME_MAX);
            assert_non_null(sp_services_by_port(t, t->v[i].port, t->v[i].proto));
            assert_non_null(sp_services_by_name(t, t->v[i].name, t->v[i].proto));
        }
        sp_services_free(t);
    }
}

static void test_read_file(void **state)
{
    (void)state;
    char *buf, err[256];
    size_t len;
    assert_int_equal(sp_services_read_file("/nonexistent/services", true, &buf, &len, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/services"));
    assert_int_equal(sp_services_read_file("/dev/null", false, &buf, &len, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    assert_int_equal(sp_services_read_file("/dev/null", true, &buf, &len, err, sizeof err), 0);
    assert_int_equal(len, 0);
    free(buf);
    const char *data = getenv("SOCKPIT_TEST_DATA");
    char path[512];
    snprintf(path, sizeof path, "%s/services/services.sample", data ? data : "tests/data");
    assert_int_equal(sp_services_read_file(path, false, &buf, &len, err, sizeof err), 0);
    sp_services *t = sp_services_parse(buf, len);
    free(buf);
    assert_int_equal(t->malformed, 3);
    assert_non_null(sp_services_by_name(t, "pop3s", SP_PROTO_UDP));
    sp_services_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_group), cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_edges),           cmocka_unit_test(test_no_aliases),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_query),           cmocka_unit_test(test_filter),
        cmocka_unit_test(test_libc_equivalence), cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
