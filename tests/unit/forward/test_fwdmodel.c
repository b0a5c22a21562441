/* The forwarder's pure models: prefixes and the allow/deny rule, token
 * buckets and fair shares, PROXY headers, mapping specs and forward.list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/forward/bucket.h"
#include "sockpit/forward/cidr.h"
#include "sockpit/forward/fwdspec.h"
#include "sockpit/forward/proxyhdr.h"

static struct sockaddr_storage addr(const char *ip, int port)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
    } else {
        assert_int_equal(inet_pton(AF_INET6, ip, &v6->sin6_addr), 1);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
    }
    return ss;
}

static bool match(const sp_cidr_list *l, const char *ip)
{
    struct sockaddr_storage ss = addr(ip, 1);
    return sp_cidr_list_match(l, (struct sockaddr *)&ss);
}

static void test_cidr(void **state)
{
    (void)state;
    sp_cidr_list l = { 0 };
    char err[300], text[64];
    assert_int_equal(sp_cidr_list_add(&l, "127.0.0.0/8,198.18.0.7/15,::1,fd00::/8", err, sizeof err), 0);
    assert_int_equal(l.n, 4);
    sp_cidr_format(&l.v[1], text, sizeof text);
    assert_string_equal(text, "198.18.0.0/15");
    assert_true(match(&l, "127.1.2.3"));
    assert_true(match(&l, "198.19.255.255"));
    assert_false(match(&l, "198.20.0.0"));
    assert_true(match(&l, "::1"));
    assert_false(match(&l, "::2"));
    assert_true(match(&l, "fdab::1"));
    assert_false(match(&l, "fe80::1"));
    /* An IPv4 client on an IPv6 listener matches the IPv4 prefixes. */
    assert_true(match(&l, "::ffff:127.0.0.5"));
    assert_false(match(&l, "::ffff:10.0.0.1"));
    /* A duplicate is skipped; an error leaves the list as it was. */
    assert_int_equal(sp_cidr_list_add(&l, "127.0.0.0/8", err, sizeof err), 0);
    assert_int_equal(l.n, 4);
    assert_int_equal(sp_cidr_list_add(&l, "10.0.0.0/8,10.0.0.0/33", err, sizeof err), -1);
    assert_non_null(strstr(err, "from 0 to 32"));
    assert_int_equal(l.n, 4);
    assert_int_equal(sp_cidr_list_add(&l, "host.lan", err, sizeof err), -1);
    assert_non_null(strstr(err, "not an IPv4 address"));
    assert_int_equal(sp_cidr_list_add(&l, "1.2.3.4/", err, sizeof err), -1);
    assert_int_equal(sp_cidr_list_add(&l, "1.2.3.4,", err, sizeof err), -1);
    sp_cidr zero;
    assert_int_equal(sp_cidr_parse("0.0.0.0/0", &zero, err, sizeof err), 0);
    sp_cidr_list all = { 1, { zero } };
    assert_true(match(&all, "8.8.8.8"));
    assert_false(match(&all, "::1"));
    /* Odd prefix lengths. */
    sp_cidr_list odd = { 0 };
    assert_int_equal(sp_cidr_list_add(&odd, "10.128.0.0/9,2001:db8::/33", err, sizeof err), 0);
    assert_true(match(&odd, "10.200.0.1"));
    assert_false(match(&odd, "10.127.0.1"));
    assert_true(match(&odd, "2001:db8:7fff::1"));
    assert_false(match(&odd, "2001:db8:8000::1"));
}

static void test_permits(void **state)
{
    (void)state;
    sp_cidr_list allow = { 0 }, deny = { 0 };
    char err[300];
    struct sockaddr_storage a = addr("127.0.0.5", 1), b = addr("127.0.0.6", 1);
    assert_true(sp_cidr_permits(&allow, &deny, (struct sockaddr *)&a));
    assert_int_equal(sp_cidr_list_add(&allow, "127.0.0.5/32", err, sizeof err), 0);
    assert_true(sp_cidr_permits(&allow, &deny, (struct sockaddr *)&a));
    assert_false(sp_cidr_permits(&allow, &deny, (struct sockaddr *)&b));
    /* Deny wins over allow. */
    assert_int_equal(sp_cidr_list_add(&allow, "127.0.0.0/8", err, sizeof err), 0);
    assert_int_equal(sp_cidr_list_add(&deny, "127.0.0.5", err, sizeof err), 0);
    assert_false(sp_cidr_permits(&allow, &deny, (struct sockaddr *)&a));
    assert_true(sp_cidr_permits(&allow, &deny, (struct sockaddr *)&b));
}

static void test_bucket(void **state)
{
    (void)state;
    sp_bucket b;
    sp_bucket_init(&b, 1000, 500, 10.0);
    assert_int_equal(sp_bucket_avail(&b, 10.0), 500);
    sp_bucket_take(&b, 500);
    assert_int_equal(sp_bucket_avail(&b, 10.0), 0);
    assert_true(sp_bucket_wait(&b, 100) > 0.099 && sp_bucket_wait(&b, 100) < 0.101);
    /* More than the burst is never waited for. */
    assert_true(sp_bucket_wait(&b, 100000) < 0.51);
    assert_int_equal(sp_bucket_avail(&b, 10.25), 250);
    /* Time running back changes nothing; a long pause refills to the burst. */
    assert_int_equal(sp_bucket_avail(&b, 9.0), 250);
    assert_int_equal(sp_bucket_avail(&b, 100.0), 500);
    /* Over a long run the rate holds: 10 s of taking whatever is there. */
    sp_bucket_init(&b, 1048576, 0, 0);
    size_t total = 0;
    for (int ms = 1; ms <= 10000; ms++) {
        size_t n = sp_bucket_avail(&b, ms / 1000.0);
        sp_bucket_take(&b, n);
        total += n;
    }
    double expect = 10.0 * 1048576 + sp_bucket_default_burst(1048576);
    assert_true(total > expect * 0.999 && total < expect * 1.001);
    sp_bucket none;
    sp_bucket_init(&none, 0, 0, 0);
    assert_int_equal(sp_bucket_avail(&none, 1), SIZE_MAX);
    assert_true(sp_bucket_default_burst(100) == 4096);
}

static void test_share(void **state)
{
    (void)state;
    size_t want[4] = { 100, 100, 100, 100 }, grant[4];
    assert_int_equal(sp_share_fair(400, want, grant, 4, 0), 400);
    for (int i = 0; i < 4; i++)
        assert_int_equal(grant[i], 100);
    /* What a small taker leaves goes to the others. */
    size_t w2[3] = { 10, 1000, 1000 }, g2[3];
    assert_int_equal(sp_share_fair(610, w2, g2, 3, 0), 610);
    assert_int_equal(g2[0], 10);
    assert_int_equal(g2[1], 300);
    assert_int_equal(g2[2], 300);
    /* Fewer bytes than takers: one each from start. */
    size_t w3[4] = { 5, 5, 5, 5 }, g3[4];
    assert_int_equal(sp_share_fair(2, w3, g3, 4, 3), 2);
    assert_int_equal(g3[3], 1);
    assert_int_equal(g3[0], 1);
    assert_int_equal(g3[1] + g3[2], 0);
    /* More than wanted: everyone satisfied. */
    size_t w4[2] = { 3, 0 }, g4[2];
    assert_int_equal(sp_share_fair(100, w4, g4, 2, 0), 3);
    assert_int_equal(g4[1], 0);
    /* A remainder is spread one by one. */
    size_t w5[3] = { 100, 100, 100 }, g5[3];
    assert_int_equal(sp_share_fair(101, w5, g5, 3, 1), 101);
    assert_int_equal(g5[0] + g5[1] + g5[2], 101);
    assert_true(g5[1] == 34 && g5[0] == 33);
}

static void test_proxy(void **state)
{
    (void)state;
    uint8_t out[SP_PROXY_HEADER_MAX];
    struct sockaddr_storage s = addr("127.0.0.5", 40000), d = addr("127.0.0.3", 7000);
    size_t n = sp_proxy_header(1, (struct sockaddr *)&s, (struct sockaddr *)&d, out);
    assert_int_equal(n, strlen("PROXY TCP4 127.0.0.5 127.0.0.3 40000 7000\r\n"));
    assert_memory_equal(out, "PROXY TCP4 127.0.0.5 127.0.0.3 40000 7000\r\n", n);
    n = sp_proxy_header(2, (struct sockaddr *)&s, (struct sockaddr *)&d, out);
    assert_int_equal(n, 28);
    assert_memory_equal(out, "\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\x7f\x00\x00\x05\x7f\x00\x00\x03\x9c\x40\x1b\x58", 28);
    struct sockaddr_storage s6 = addr("2001:db8::1", 1), d6 = addr("::1", 2);
    n = sp_proxy_header(1, (struct sockaddr *)&s6, (struct sockaddr *)&d6, out);
    assert_memory_equal(out, "PROXY TCP6 2001:db8::1 ::1 1 2\r\n", n);
    n = sp_proxy_header(2, (struct sockaddr *)&s6, (struct sockaddr *)&d6, out);
    assert_int_equal(n, 52);
    assert_int_equal(out[13], 0x21);
    assert_int_equal(out[15], 36);
    /* A mapped pair goes as IPv4; mixed families as UNKNOWN / LOCAL. */
    struct sockaddr_storage m = addr("::ffff:10.1.2.3", 5), md = addr("::ffff:10.0.0.1", 6);
    n = sp_proxy_header(1, (struct sockaddr *)&m, (struct sockaddr *)&md, out);
    assert_memory_equal(out, "PROXY TCP4 10.1.2.3 10.0.0.1 5 6\r\n", n);
    n = sp_proxy_header(1, (struct sockaddr *)&s, (struct sockaddr *)&d6, out);
    assert_memory_equal(out, "PROXY UNKNOWN\r\n", n);
    n = sp_proxy_header(2, (struct sockaddr *)&s, (struct sockaddr *)&d6, out);
    assert_int_equal(n, 16);
    assert_int_equal(out[12], 0x20);
    assert_int_equal(sp_proxy_header(3, (struct sockaddr *)&s, (struct sockaddr *)&d, out), 0);
}

static void test_spec(void **state)
{
    (void)state;
    sp_fwd_spec s, back;
    char err[300], line[4096];
    const char *in = "127.0.0.3:7000  db.lan:5432 --allow 127.0.0.5/32,::1 --deny=127.0.0.6 --source 127.0.0.1 "
                     "--rate 512k --total-rate 2M/s --burst 64k --max-conns 100 --max-conns-per-ip 4 "
                     "--connect-timeout 0.1 --idle-timeout 30 --proxy-protocol v2";
    assert_int_equal(sp_fwd_spec_parse(in, strlen(in), &s, err, sizeof err), 0);
    assert_string_equal(s.listen_host, "127.0.0.3");
    assert_int_equal(s.listen_port, 7000);
    assert_string_equal(s.target_host, "db.lan");
    assert_int_equal(s.target_port, 5432);
    assert_int_equal(s.allow.n, 2);
    assert_int_equal(s.deny.n, 1);
    assert_string_equal(s.source, "127.0.0.1");
    assert_int_equal(s.rate, 524288);
    assert_int_equal(s.total_rate, 2097152);
    assert_int_equal(s.burst, 65536);
    assert_int_equal(s.max_conns, 100);
    assert_int_equal(s.max_conns_per_ip, 4);
    assert_true(s.connect_timeout == 0.1);
    assert_true(s.idle_timeout == 30);
    assert_int_equal(s.proxy, SP_FWD_PROXY_V2);
    sp_fwd_spec_format(&s, line, sizeof line);
    assert_int_equal(sp_fwd_spec_parse(line, strlen(line), &back, err, sizeof err), 0);
    assert_memory_equal(&s, &back, sizeof s);
    /* A bare port listens on loopback; IPv6 on both sides. */
    assert_int_equal(sp_fwd_spec_parse("6007 127.0.0.1:50007", 20, &s, err, sizeof err), 0);
    assert_string_equal(s.listen_host, "127.0.0.1");
    sp_fwd_spec_format(&s, line, sizeof line);
    assert_string_equal(line, "127.0.0.1:6007 127.0.0.1:50007");
    assert_int_equal(sp_fwd_spec_parse("[::1]:6000 [::1]:22", 19, &s, err, sizeof err), 0);
    sp_fwd_spec_format(&s, line, sizeof line);
    assert_string_equal(line, "[::1]:6000 [::1]:22");
    /* Clear errors. */
    static const struct {
        const char *line, *want;
    } bad[] = {
        { "6000", "want LISTEN TARGET" },
        { "db.lan:6000 127.0.0.1:1", "not an IP address to listen on" },
        { "6000 127.0.0.1", "port is missing" },
        { "70000 127.0.0.1:1", "from 1 to 65535" },
        { "6000 127.0.0.1:1 --rate", "--rate needs a value" },
        { "6000 127.0.0.1:1 --rate fast", "--rate: 'fast' is not a size" },
        { "6000 127.0.0.1:1 --allow 10.0.0.0/40", "--allow: prefix length '40' must be a number from 0 to 32" },
        { "6000 127.0.0.1:1 --colour red", "unknown option '--colour'" },
        { "6000 127.0.0.1:1 extra", "unexpected 'extra'" },
        { "6000 127.0.0.1:1 --proxy-protocol v3", "must be v1, v2 or off" },
        { "6000 127.0.0.1:1 --source db.lan", "--source: 'db.lan' is not an IP address" },
        { "6000 127.0.0.1:1 --max-conns 0", "--max-conns: '0' must be a whole number" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(sp_fwd_spec_parse(bad[i].line, strlen(bad[i].line), &s, err, sizeof err), -1);
        if (!strstr(err, bad[i].want))
            fail_msg("'%s': got '%s', want '%s'", bad[i].line, err, bad[i].want);
    }
}

static void test_list(void **state)
{
    (void)state;
    const char *text = "# mappings\n"
                       "\n"
                       "127.0.0.1:6000 127.0.0.1:5432 --allow 127.0.0.0/8\n"
                       "6001 127.0.0.1:1 --rate quick\n"
                       "127.0.0.1:6000 127.0.0.1:9\n"
                       "  6002   [::1]:22  \n";
    sp_fwd_list l;
    sp_fwd_list_init(&l);
    sp_fwd_problem *p;
    size_t np;
    sp_fwd_list_parse(text, strlen(text), &l, &p, &np);
    assert_int_equal(l.n, 6);
    assert_int_equal(sp_fwd_list_mappings(&l), 2);
    assert_int_equal(np, 2);
    assert_int_equal(p[0].line, 4);
    assert_non_null(strstr(p[0].msg, "--rate"));
    assert_int_equal(p[1].line, 5);
    assert_non_null(strstr(p[1].msg, "used by line 3"));
    free(p);
    size_t len;
    char *out = sp_fwd_list_serialise(&l, &len);
    assert_string_equal(out, text);
    free(out);
    /* Add and remove keep the other lines as written. */
    sp_fwd_spec s;
    char err[300];
    assert_int_equal(sp_fwd_spec_parse("6007 127.0.0.1:50007", 20, &s, err, sizeof err), 0);
    assert_int_equal(sp_fwd_list_add(&l, &s, err, sizeof err), 0);
    assert_int_equal(sp_fwd_list_add(&l, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "mapped already"));
    assert_int_equal(sp_fwd_spec_parse("6000 127.0.0.1:1", 16, &s, err, sizeof err), 0);
    assert_true(sp_fwd_list_remove(&l, &s));
    assert_false(sp_fwd_list_remove(&l, &s));
    out = sp_fwd_list_serialise(&l, &len);
    assert_string_equal(out, "# mappings\n\n6001 127.0.0.1:1 --rate quick\n127.0.0.1:6000 127.0.0.1:9\n"
                             "  6002   [::1]:22  \n127.0.0.1:6007 127.0.0.1:50007\n");
    /* The line that was a duplicate is still text until the file is read again. */
    sp_fwd_list_parse(out, len, &l, &p, &np);
    assert_int_equal(sp_fwd_list_mappings(&l), 3);
    assert_int_equal(np, 1);
    free(p);
    free(out);
    sp_fwd_list_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cidr),  cmocka_unit_test(test_permits), cmocka_unit_test(test_bucket),
        cmocka_unit_test(test_share), cmocka_unit_test(test_proxy),   cmocka_unit_test(test_spec),
        cmocka_unit_test(test_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
