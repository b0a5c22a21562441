/* Targets, port sets, the top100 list, the scope rule, HTTP heads and
 * banners. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "sockpit/hosts/neigh.h"
#include "sockpit/probe/httphead.h"
#include "sockpit/probe/probe_setup.h"
#include "sockpit/probe/target.h"
#include "sockpit/services/services.h"

static void test_target_parse(void **state)
{
    (void)state;
    sp_probe_target t;
    char err[300];
    assert_int_equal(sp_probe_target_parse("127.0.0.7", &t, err, sizeof err), 0);
    assert_int_equal(t.kind, SP_TARGET_ADDR);
    assert_int_equal(t.addr.family, AF_INET);
    assert_int_equal(t.addr.addr[3], 7);
    assert_int_equal(sp_probe_target_parse("[::1]", &t, err, sizeof err), 0);
    assert_int_equal(t.addr.family, AF_INET6);
    assert_int_equal(t.addr.addr[15], 1);
    assert_int_equal(sp_probe_target_parse("fe80::1", &t, err, sizeof err), 0);
    assert_int_equal(sp_probe_target_parse("lab.example", &t, err, sizeof err), 0);
    assert_int_equal(t.kind, SP_TARGET_NAME);
    assert_string_equal(t.name, "lab.example");
    assert_int_equal(sp_probe_target_parse("198.18.0.0/24", &t, err, sizeof err), 0);
    assert_int_equal(t.kind, SP_TARGET_NET);
    sp_probe_addr a[SP_PROBE_MAX_ADDRS];
    assert_int_equal(sp_probe_target_addrs(&t, a), 254);
    assert_int_equal(a[0].addr[3], 1);
    assert_int_equal(sp_probe_target_addrs(&(sp_probe_target){ .kind = SP_TARGET_NAME }, a), 0);
    assert_int_equal(sp_probe_target_parse("198.18.0.0/23", &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "larger than a /24"));
    assert_int_equal(sp_probe_target_parse("2001:db8::/119", &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "/120"));
    assert_int_equal(sp_probe_target_parse("2001:db8::/120", &t, err, sizeof err), 0);
    assert_int_equal(sp_probe_target_parse("", &t, err, sizeof err), -1);
    assert_int_equal(sp_probe_target_parse("a b", &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "neither an address nor a host name"));
    assert_int_equal(sp_probe_target_parse("1::2::3", &t, err, sizeof err), -1);
    assert_int_equal(sp_probe_target_parse("a..b", &t, err, sizeof err), -1);
    assert_int_equal(sp_probe_target_parse("10.0.0.1/33", &t, err, sizeof err), -1);
    char big[400];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(sp_probe_target_parse(big, &t, err, sizeof err), -1);
    char s[64];
    sp_probe_addr six = { .family = AF_INET6, .addr = { [15] = 1 } };
    sp_probe_addr_format(&six, true, s, sizeof s);
    assert_string_equal(s, "[::1]");
    sp_probe_addr four = { .family = AF_INET, .addr = { 10, 0, 0, 1 } };
    assert_true(sp_probe_addr_cmp(&four, &six) < 0);
    assert_true(sp_probe_addr_cmp(&six, &four) > 0);
}

static void test_portset(void **state)
{
    (void)state;
    sp_portset p;
    char err[300];
    assert_int_equal(sp_portset_parse("443,22,80,22", &p, err, sizeof err), 0);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.v[0], 22);
    assert_int_equal(p.v[2], 443);
    sp_portset_free(&p);
    assert_int_equal(sp_portset_parse("1-1024", &p, err, sizeof err), 0);
    assert_int_equal(p.n, 1024);
    sp_portset_free(&p);
    assert_int_equal(sp_portset_parse("all", &p, err, sizeof err), 0);
    assert_int_equal(p.n, 65535);
    assert_int_equal(p.v[65534], 65535);
    sp_portset_free(&p);
    assert_int_equal(sp_portset_parse("top100", &p, err, sizeof err), 0);
    assert_int_equal(p.n, SP_TOP_PORTS);
    sp_portset_free(&p);
    assert_int_equal(sp_portset_parse("top100,22,60000-60001", &p, err, sizeof err), 0);
    assert_int_equal(p.n, SP_TOP_PORTS + 2);
    sp_portset_free(&p);
    static const char *const bad[] = { "", "0", "65536", "10-5", "a", "1-", "-5", "22,,80", "1-2-3", "+5", "top10" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(sp_portset_parse(bad[i], &p, err, sizeof err), -1);
        assert_true(err[0] != '\0');
        assert_null(p.v);
    }
    for (size_t i = 1; i < SP_TOP_PORTS; i++)
        assert_true(sp_top_ports[i - 1] < sp_top_ports[i]);
}

/* Every top100 port is a name in Debian's services file (netbase). */
static void test_top_ports_named(void **state)
{
    (void)state;
    char err[300], *buf;
    size_t len;
    if (sp_services_read_file("/etc/services", false, &buf, &len, err, sizeof err) < 0)
        skip();
    sp_services *t = sp_services_parse(buf, len);
    free(buf);
    for (size_t i = 0; i < SP_TOP_PORTS; i++) {
        const char *name = sp_probe_service(t, sp_top_ports[i]);
        if (!name[0])
            fail_msg("top100 port %u has no name in the services file", sp_top_ports[i]);
    }
    assert_string_equal(sp_probe_service(t, 22), "ssh");
    assert_string_equal(sp_probe_service(NULL, 22), "");
    sp_services_free(t);
}

static sp_probe_addr ip(const char *s)
{
    sp_probe_addr a = { 0 };
    a.family = strchr(s, ':') ? AF_INET6 : AF_INET;
    assert_int_equal(inet_pton(a.family, s, a.addr), 1);
    return a;
}

static void test_scope(void **state)
{
    (void)state;
    static const struct {
        const char *ip;
        sp_scope want;
    } cases[] = {
        { "127.0.0.7", SP_SCOPE_LOOPBACK },   { "::1", SP_SCOPE_LOOPBACK },
        { "169.254.3.4", SP_SCOPE_LINKLOCAL }, { "fe80::1", SP_SCOPE_LINKLOCAL },
        { "10.1.2.3", SP_SCOPE_PRIVATE },     { "172.16.0.1", SP_SCOPE_PRIVATE },
        { "172.31.255.1", SP_SCOPE_PRIVATE }, { "172.32.0.1", SP_SCOPE_OUTSIDE },
        { "192.168.1.1", SP_SCOPE_PRIVATE },  { "192.169.1.1", SP_SCOPE_OUTSIDE },
        { "fd00::1", SP_SCOPE_ULA },          { "fc00::1", SP_SCOPE_ULA },
        { "100.64.0.1", SP_SCOPE_CGNAT },     { "100.127.255.255", SP_SCOPE_CGNAT },
        { "100.128.0.1", SP_SCOPE_OUTSIDE },  { "8.8.8.8", SP_SCOPE_OUTSIDE },
        { "2001:db8::1", SP_SCOPE_OUTSIDE },  { "::ffff:10.0.0.1", SP_SCOPE_PRIVATE },
        { "::ffff:8.8.8.8", SP_SCOPE_OUTSIDE }, { "198.18.0.2", SP_SCOPE_OUTSIDE },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_probe_addr a = ip(cases[i].ip);
        if (sp_probe_scope(&a, NULL) != cases[i].want)
            fail_msg("%s: scope %s", cases[i].ip, sp_scope_name(sp_probe_scope(&a, NULL)));
    }
    /* A local interface on 198.18.0.1/24 and a neighbour 203.0.113.9; a
     * public /8 does not open its whole network. */
    sp_neigh_table t;
    sp_neigh_table_init(&t, NULL);
    sp_neigh_set_link(&t, 2, "veth0", 0, 1500, NULL, 0, 0);
    sp_probe_addr own = ip("198.18.0.1"), wide = ip("44.0.0.1");
    sp_neigh_add_ifaddr(&t, 2, AF_INET, own.addr, 24, 0);
    sp_neigh_add_ifaddr(&t, 2, AF_INET, wide.addr, 8, 0);
    sp_probe_addr in_net = ip("198.18.0.77"), other = ip("198.18.1.77"), far = ip("44.1.2.3");
    assert_int_equal(sp_probe_scope(&own, &t), SP_SCOPE_LOCAL);
    assert_int_equal(sp_probe_scope(&in_net, &t), SP_SCOPE_LOCAL);
    assert_int_equal(sp_probe_scope(&other, &t), SP_SCOPE_OUTSIDE);
    assert_int_equal(sp_probe_scope(&wide, &t), SP_SCOPE_LOCAL);
    assert_int_equal(sp_probe_scope(&far, &t), SP_SCOPE_OUTSIDE);
    sp_neigh_table_free(&t);
    char msg[300];
    sp_probe_addr g = ip("8.8.8.8");
    sp_probe_scope_refusal(&g, msg, sizeof msg);
    assert_non_null(strstr(msg, "8.8.8.8"));
    assert_non_null(strstr(msg, "--any-address"));
    assert_null(strchr(msg, '\n'));
    assert_string_equal(sp_scope_name(SP_SCOPE_OUTSIDE), "outside");
}

static void test_http_head(void **state)
{
    (void)state;
    sp_http_head h;
    const char *r = "HTTP/1.1 301 Moved Permanently\r\nserver:  nginx/1.2 \r\nLocation: https://x/\r\n"
                    "Content-Type: text/html\r\n\r\n<html><head><TITLE>\n Lab   home\n</title></head>";
    assert_true(sp_http_parse(r, strlen(r), &h));
    assert_int_equal(h.status, 301);
    assert_string_equal(h.status_line, "HTTP/1.1 301 Moved Permanently");
    assert_string_equal(h.server, "nginx/1.2");
    assert_string_equal(h.location, "https://x/");
    assert_string_equal(h.title, "Lab home");
    assert_true(h.head_complete);
    /* A title in a header is not the page's; a cut title is kept. */
    const char *r2 = "HTTP/1.0 200 OK\nX: <title>no</title>\n\n<title>cut";
    assert_true(sp_http_parse(r2, strlen(r2), &h));
    assert_string_equal(h.title, "cut");
    assert_int_equal(h.status, 200);
    /* The head not complete: headers seen so far, no title. */
    const char *r3 = "HTTP/1.1 200 OK\r\nServer: a\r\nX-Flood: aaaa";
    assert_true(sp_http_parse(r3, strlen(r3), &h));
    assert_string_equal(h.server, "a");
    assert_false(h.head_complete);
    assert_false(sp_http_parse("SSH-2.0-OpenSSH\r\n", 17, &h));
    assert_int_equal(h.status, 0);
    assert_false(sp_http_parse("HTTP/1.1 20 OK\r\n", 16, &h));
    assert_false(sp_http_parse("HTTP/ 200 OK\r\n", 14, &h));
    assert_false(sp_http_parse("", 0, &h));
    assert_false(sp_http_parse(NULL, 0, &h));
    const char *r4 = "HTTP/1.1 200 OK\r\n\r\n<titlex>no</titlex>";
    assert_true(sp_http_parse(r4, strlen(r4), &h));
    assert_string_equal(h.title, "");
    /* Long fields are cut to fit. */
    char big[2000];
    int n = snprintf(big, sizeof big, "HTTP/1.1 200 OK\r\nServer: %0900d\r\n\r\n", 7);
    assert_true(sp_http_parse(big, (size_t)n, &h));
    assert_int_equal(strlen(h.server), SP_HTTP_FIELD_MAX - 1);
    char req[512];
    size_t len = sp_http_request("::1", req, sizeof req);
    assert_true(len > 0);
    assert_non_null(strstr(req, "GET / HTTP/1.1\r\nHost: [::1]\r\n"));
    assert_non_null(strstr(req, "\r\n\r\n"));
    assert_int_equal(sp_http_request("x", req, 10), 0);
}

static void test_banner(void **state)
{
    (void)state;
    char out[128];
    sp_banner_text("SSH-2.0-Lab\r\n", 13, out, sizeof out);
    assert_string_equal(out, "SSH-2.0-Lab");
    sp_banner_text("a\x1b[2Jb\r\nc\r\n\0", 12, out, sizeof out);
    assert_null(strchr(out, '\x1b'));
    assert_null(strchr(out, '\n'));
    assert_non_null(strstr(out, "\\x1b"));
    assert_int_equal(sp_banner_trim("\r\n", 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_parse), cmocka_unit_test(test_portset), cmocka_unit_test(test_top_ports_named),
        cmocka_unit_test(test_scope),        cmocka_unit_test(test_http_head), cmocka_unit_test(test_banner),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
