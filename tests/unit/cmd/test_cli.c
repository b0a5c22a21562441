/* The command line: every option of the TUI and every error path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sockpit/cmd/cli.h"
#include "sockpit/core/dns.h"

static char err[512];

static sp_cli_action parse(sp_opts *o, int argc, const char **argv)
{
    sp_cli_defaults(o);
    err[0] = '\0';
    return sp_cli_parse_tui(argc, (char **)argv, o, err, sizeof err);
}

#define PARSE(o, ...) parse(o, (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(char *)), \
                            (const char *[]){ __VA_ARGS__ })

static void expect_error(sp_cli_action a, const char *fragment)
{
    assert_int_equal(a, SP_CLI_ERROR);
    if (!strstr(err, fragment))
        fail_msg("error '%s' does not mention '%s'", err, fragment);
    assert_null(strchr(err, '\n'));
}

static void test_defaults_and_every_option(void **state)
{
    (void)state;
    sp_opts o;
    assert_int_equal(PARSE(&o, "sockpit"), SP_CLI_RUN);
    assert_string_equal(o.pane, "services");
    assert_null(o.dns_servers);
    assert_true(o.keepalive.on);
    assert_int_equal(o.keepalive.idle, 60);
    assert_int_equal(o.max_frame, 1048576);
    assert_int_equal(PARSE(&o, "sockpit", "--pane", "chat", "--dns-server", "127.0.0.1:5353,[::1]", "--no-color",
                           "--services-file", "/tmp/s", "--sweep-concurrency", "8", "--probe-rate=50",
                           "--interval", "0.5", "--ttl-mode", "--state-dir", "/tmp/st", "--config-dir", "/tmp/c",
                           "--chat", "[::1]:7", "--keepalive", "5,6,7", "--max-frame", "100"),
                     SP_CLI_RUN);
    assert_string_equal(o.pane, "chat");
    assert_string_equal(o.dns_servers, "127.0.0.1:5353,[::1]:53");
    assert_true(o.no_color);
    assert_string_equal(o.services_file, "/tmp/s");
    assert_int_equal(o.sweep_concurrency, 8);
    assert_true(o.probe_rate == 50);
    assert_true(o.watch_interval == 0.5);
    assert_true(o.ttl_mode);
    assert_string_equal(o.state_dir, "/tmp/st");
    assert_string_equal(o.config_dir, "/tmp/c");
    assert_string_equal(o.chat, "[::1]:7");
    assert_int_equal(o.keepalive.cnt, 7);
    assert_int_equal(o.max_frame, 100);
    sp_opts_free(&o);
    assert_int_equal(PARSE(&o, "sockpit", "--help"), SP_CLI_HELP);
    assert_int_equal(PARSE(&o, "sockpit", "--version"), SP_CLI_VERSION);
}

static void test_error_paths(void **state)
{
    (void)state;
    sp_opts o;
    expect_error(PARSE(&o, "sockpit", "--bogus"), "unknown option '--bogus'");
    expect_error(PARSE(&o, "sockpit", "-x"), "unknown option");
    expect_error(PARSE(&o, "sockpit", "--pane"), "'--pane' needs a value");
    expect_error(PARSE(&o, "sockpit", "--no-color=yes"), "'--no-color' takes no value");
    expect_error(PARSE(&o, "sockpit", "--pane", "dns"), "unknown pane 'dns'");
    expect_error(PARSE(&o, "sockpit", "frobnicate"), "unknown command 'frobnicate'");
    expect_error(PARSE(&o, "sockpit", "--sweep-concurrency", "0"), "from 1 to 1024");
    expect_error(PARSE(&o, "sockpit", "--sweep-concurrency", "12x"), "--sweep-concurrency");
    expect_error(PARSE(&o, "sockpit", "--probe-rate", ""), "--probe-rate");
    expect_error(PARSE(&o, "sockpit", "--interval", "0.1"), "from 0.2 to 86400");
    expect_error(PARSE(&o, "sockpit", "--interval", "nan"), "--interval");
    expect_error(PARSE(&o, "sockpit", "--interval", "1e999"), "--interval");
    expect_error(PARSE(&o, "sockpit", "--keepalive", "1,2"), "--keepalive");
    expect_error(PARSE(&o, "sockpit", "--keepalive", "1,2,3,4"), "--keepalive");
    expect_error(PARSE(&o, "sockpit", "--keepalive", "0,2,3"), "--keepalive");
    expect_error(PARSE(&o, "sockpit", "--keepalive", "1,2,200"), "--keepalive");
    expect_error(PARSE(&o, "sockpit", "--max-frame", "-1"), "--max-frame");
    expect_error(PARSE(&o, "sockpit", "--max-frame", "4294967296"), "--max-frame");
    expect_error(PARSE(&o, "sockpit", "--chat", "localhost"), "port is missing");
    expect_error(PARSE(&o, "sockpit", "--chat", "::1:80"), "[ADDR]:PORT");
    expect_error(PARSE(&o, "sockpit", "--chat", "[::1:80"), "without ']'");
    expect_error(PARSE(&o, "sockpit", "--chat", "host:0"), "from 1 to 65535");
    expect_error(PARSE(&o, "sockpit", "--chat", ":80"), "host is missing");
    expect_error(PARSE(&o, "sockpit", "--dns-server", ""), "empty");
    expect_error(PARSE(&o, "sockpit", "--dns-server", "dns.example"), "not an IPv4 address");
    expect_error(PARSE(&o, "sockpit", "--dns-server", "127.0.0.1:99999"), "port '99999'");
    expect_error(PARSE(&o, "sockpit", "--dns-server", "127.0.0.1,,::1"), "empty server");
    expect_error(PARSE(&o, "sockpit", "--dns-server", "[::1]x"), "unexpected text");
    expect_error(PARSE(&o, "sockpit", "--dns-server", "[fe80::1"), "without ']'");
    expect_error(PARSE(&o, "sockpit", "--dns-server", "[1.2.3.4]:53"), "not an IPv6 address");
}

static void test_value_parsers(void **state)
{
    (void)state;
    char host[64];
    int port;
    assert_int_equal(sp_parse_hostport("example.org:80", 0, host, sizeof host, &port, err, sizeof err), 0);
    assert_string_equal(host, "example.org");
    assert_int_equal(port, 80);
    assert_int_equal(sp_parse_hostport("[::1]", 50007, host, sizeof host, &port, err, sizeof err), 0);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 50007);
    assert_int_equal(sp_parse_hostport("averyveryverylonghostnamethatdoesnotfit.example:1", 0, host, 16, &port,
                                       err, sizeof err), -1);
    sp_keepalive ka;
    assert_int_equal(sp_parse_keepalive("off", &ka, err, sizeof err), 0);
    assert_false(ka.on);
    assert_int_equal(sp_parse_keepalive("on", &ka, err, sizeof err), 0);
    assert_true(ka.on);
    long v;
    assert_int_equal(sp_parse_long("-5", -10, 10, "--x", &v, err, sizeof err), 0);
    assert_int_equal(v, -5);
    assert_int_equal(sp_parse_long("99999999999999999999", 0, 10, "--x", &v, err, sizeof err), -1);
    char *csv = sp_dns_parse_servers("::1,10.0.0.1:54", err, sizeof err);
    assert_string_equal(csv, "[::1]:53,10.0.0.1:54");
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_every_option),
        cmocka_unit_test(test_error_paths),
        cmocka_unit_test(test_value_parsers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
