/* The option tables: defaults, every kind of value, the one-line errors,
 * operands, the generated --help and the values as --print-config shows
 * them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/cmd/optspec.h"
#include "sockpit/cmd/shared_opts.h"
#include "sockpit/core/report.h"

typedef struct settings {
    bool verbose, quiet;
    long count;
    unsigned rate;
    double ratio, interval;
    const char *file, *color;
    char *server, *dns;
    sp_keepalive keepalive;
    int custom_calls;
    char custom[32];
} settings;

static int set_custom(void *base, const char *value, const char *what, char *err, size_t errlen)
{
    settings *s = base;
    if (strcmp(value, "bad") == 0) {
        snprintf(err, errlen, "%s: 'bad' is bad", what);
        return -1;
    }
    s->custom_calls++;
    snprintf(s->custom, sizeof s->custom, "%s", value);
    return 0;
}

static const char *const colors[] = { "red", "green", "blue", NULL };

static const sp_optspec opts[] = {
    { .name = "verbose", .letter = 'v', .kind = SP_OPT_FLAG, SP_OPT_AT(settings, verbose), .help = "say more" },
    { .name = "quiet", .kind = SP_OPT_FLAG, SP_OPT_AT(settings, quiet), .key = "loud", .slot = 0,
      .key_negates = true, .help = "say less" },
    { .name = "count", .letter = 'n', .kind = SP_OPT_LONG, .lo = 1, .hi = 10, .def = 3, .metavar = "N",
      SP_OPT_AT(settings, count), .show = SP_SHOW_RANGE | SP_SHOW_DEFAULT, .help = "how many" },
    { .name = "rate", .kind = SP_OPT_LONG, .lo = 0, .hi = 10000000, .def = 1048576, .metavar = "N",
      SP_OPT_AT(settings, rate), .show = SP_SHOW_DEFAULT, .help = "how fast" },
    { .name = "ratio", .kind = SP_OPT_LONG, .lo = -5, .hi = 5, .metavar = "R", SP_OPT_AT(settings, ratio),
      .help = "a whole number\nkept as a double" },
    { SP_OPTDEF_INTERVAL(settings, interval), .help = "seconds between rounds" },
    { .name = "file", .kind = SP_OPT_TEXT, .metavar = "FILE", SP_OPT_AT(settings, file), .noun = "file name",
      .def_text = "/dev/null", .show = SP_SHOW_DEFAULT, .help = "where" },
    { .name = "color", .kind = SP_OPT_ENUM, .names = colors, .noun = "color", SP_OPT_AT(settings, color),
      .def_text = "green", .help = "which" },
    { .name = "server", .kind = SP_OPT_HOSTPORT, .metavar = "HOST:PORT", SP_OPT_AT(settings, server),
      .unset = "none at all", .show = SP_SHOW_DEFAULT, .help = "to whom" },
    { SP_OPTDEF_DNS_SERVER(settings, dns), .help = "ask them" },
    { SP_OPTDEF_KEEPALIVE(settings, keepalive), .help = "keep it up" },
    { .name = "custom", .kind = SP_OPT_CUSTOM, .set = set_custom, .metavar = "X", .def_text = "start",
      .help = "anything" },
    { SP_OPTDEF_HELP },
    { .name = "version", .kind = SP_OPT_VERSION, .help = "which one" },
    { 0 },
};

static const sp_optcmd cmd = { .name = "test", .intro = "Usage: test\n", .epilog = "The end.\n", .opts = opts,
                               .operands = true };
static const sp_optcmd permuting = { .name = "test", .intro = "", .opts = opts, .permute = true,
                                     .operands = true };
static const sp_optcmd no_operands = { .name = "test", .intro = "", .opts = opts };

static char err[512];
static int first;

static sp_optresult run(const sp_optcmd *c, settings *s, int argc, const char **argv)
{
    memset(s, 0, sizeof *s);
    sp_optspec_defaults(c, s);
    err[0] = '\0';
    first = -1;
    return sp_optspec_parse(c, argc, (char **)argv, s, &first, err, sizeof err);
}

#define ARGS(...) (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(char *)), (const char *[]){ __VA_ARGS__ }

static void expect_error(sp_optresult r, const char *message)
{
    assert_int_equal(r, SP_OPTS_ERROR);
    assert_string_equal(err, message);
}

static void test_defaults(void **state)
{
    (void)state;
    settings s;
    assert_int_equal(run(&cmd, &s, ARGS("test")), SP_OPTS_RUN);
    assert_int_equal(first, 1);
    assert_false(s.verbose);
    assert_int_equal(s.count, 3);
    assert_int_equal(s.rate, 1048576);
    assert_true(s.interval == 5);
    assert_string_equal(s.file, "/dev/null");
    assert_string_equal(s.color, "green");
    assert_null(s.server);
    assert_null(s.dns);
    assert_true(s.keepalive.on);
    assert_int_equal(s.keepalive.idle, SP_KEEPALIVE_DEFAULT.idle);
    assert_string_equal(s.custom, "start");
}

static void test_every_kind(void **state)
{
    (void)state;
    settings s;
    assert_int_equal(run(&cmd, &s, ARGS("test", "-v", "-n", "7", "--rate=9", "--ratio", "-2", "--interval", "0.5",
                                        "--file", "f", "--color", "blue", "--server", "[::1]:7", "--dns-server",
                                        "::1", "--keepalive", "off", "--custom", "x", "--custom", "y", "op", "-v")),
                     SP_OPTS_RUN);
    assert_true(s.verbose);
    assert_int_equal(s.count, 7);
    assert_int_equal(s.rate, 9);
    assert_true(s.ratio == -2);
    assert_true(s.interval == 0.5);
    assert_string_equal(s.file, "f");
    assert_ptr_equal(s.color, colors[2]);
    assert_string_equal(s.server, "[::1]:7");
    assert_string_equal(s.dns, "[::1]:53");
    assert_false(s.keepalive.on);
    assert_string_equal(s.custom, "y");
    assert_int_equal(s.custom_calls, 3);
    /* In order: the first operand ends the options. */
    assert_int_equal(first, 23);
    sp_optspec_free(&cmd, &s);
    assert_null(s.server);
    assert_null(s.dns);

    /* Permuting: options after operands count, operands move to the end. */
    const char **argv = (const char *[]){ "test", "op", "-v", "more", "-n", "2" };
    assert_int_equal(run(&permuting, &s, 6, argv), SP_OPTS_RUN);
    assert_true(s.verbose);
    assert_int_equal(s.count, 2);
    assert_int_equal(first, 4);
    assert_string_equal(argv[first], "op");

    /* A repeated owned value replaces (and frees) the first. */
    assert_int_equal(run(&cmd, &s, ARGS("test", "--server", "a:1", "--server", "b:2")), SP_OPTS_RUN);
    assert_string_equal(s.server, "b:2");
    sp_optspec_free(&cmd, &s);

    assert_int_equal(run(&cmd, &s, ARGS("test", "--count", "1", "--help", "--bogus")), SP_OPTS_HELP);
    assert_int_equal(run(&cmd, &s, ARGS("test", "--version")), SP_OPTS_VERSION);
}

static void test_errors(void **state)
{
    (void)state;
    settings s;
    expect_error(run(&cmd, &s, ARGS("test", "--interval", "0")),
                 "--interval: '0' must be a number of seconds from 0.2 to 86400");
    expect_error(run(&cmd, &s, ARGS("test", "-n", "11")), "--count: '11' must be a whole number from 1 to 10");
    expect_error(run(&cmd, &s, ARGS("test", "--rate", "1x")), "--rate: '1x' must be a whole number from 0 to 10000000");
    expect_error(run(&cmd, &s, ARGS("test", "--file", "")), "--file: the file name is empty");
    expect_error(run(&cmd, &s, ARGS("test", "--color", "pink")),
                 "--color: unknown color 'pink' (choose red, green or blue)");
    expect_error(run(&cmd, &s, ARGS("test", "--server", "nowhere")),
                 "--server: 'nowhere': the port is missing (want HOST:PORT)");
    expect_error(run(&cmd, &s, ARGS("test", "--custom", "bad")), "--custom: 'bad' is bad");
    expect_error(run(&cmd, &s, ARGS("test", "--bogus")), "unknown option '--bogus'");
    expect_error(run(&cmd, &s, ARGS("test", "-x")), "unknown option '-x'");
    expect_error(run(&cmd, &s, ARGS("test", "--count")), "option '--count' needs a value");
    expect_error(run(&cmd, &s, ARGS("test", "-n")), "option '--count' needs a value");
    expect_error(run(&cmd, &s, ARGS("test", "--verbose=yes")), "option '--verbose' takes no value");
    assert_int_equal(run(&cmd, &s, ARGS("test", "--keepalive", "1,2")), SP_OPTS_ERROR);
    assert_non_null(strstr(err, "--keepalive: '1,2' must be 'off' or IDLE,INTVL,CNT"));
    assert_int_equal(run(&cmd, &s, ARGS("test", "--dns-server", "")), SP_OPTS_ERROR);
    assert_non_null(strstr(err, "--dns-server"));
}

static void test_command_operands(void **state)
{
    (void)state;
    settings s = { 0 };
    int status = -1;
    char *argv[] = { "test", "-v", "extra", NULL };
    assert_int_equal(sp_optspec_command(&no_operands, 3, argv, &s, &status), -1);
    assert_int_equal(status, SP_EXIT_USAGE);
    memset(&s, 0, sizeof s);
    assert_int_equal(sp_optspec_command(&cmd, 3, argv, &s, &status), 2);
    assert_true(s.verbose);
    sp_optspec_free(&cmd, &s);
}

static void test_usage(void **state)
{
    (void)state;
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    sp_optspec_usage(&cmd, f);
    fclose(f);
    const char *want =
        "Usage: test\n"
        "  -v, --verbose                       say more\n"
        "      --quiet                         say less\n"
        "  -n, --count N                       how many (1-10, default 3)\n"
        "      --rate N                        how fast (default 1048576)\n"
        "      --ratio R                       a whole number\n"
        "                                      kept as a double\n"
        "      --interval SEC                  seconds between rounds (0.2-86400, default 5)\n"
        "      --file FILE                     where (default /dev/null)\n"
        "      --color red|green|blue          which\n"
        "      --server HOST:PORT              to whom (default: none at all)\n"
        "      --dns-server ADDR[:PORT][,...]  ask them\n"
        "      --keepalive off|IDLE,INTVL,CNT  keep it up (default 60,30,10)\n"
        "      --custom X                      anything\n"
        "      --help                          this text\n"
        "      --version                       which one\n"
        "The end.\n";
    assert_string_equal(out, want);
    free(out);
}

static void test_set_and_format(void **state)
{
    (void)state;
    settings s;
    char buf[128];
    run(&cmd, &s, ARGS("test"));
    const sp_optspec *quiet = sp_optspec_by_key(&cmd, "loud");
    assert_ptr_equal(quiet, &opts[1]);
    assert_null(sp_optspec_by_key(&cmd, "quiet"));
    sp_optspec_format(quiet, &s, buf, sizeof buf);
    assert_string_equal(buf, "on");
    /* A flag's key may say the opposite: "loud = off" is --quiet. */
    assert_int_equal(sp_optspec_set(quiet, &s, "OFF", err, sizeof err), 0);
    assert_true(s.quiet);
    sp_optspec_format(quiet, &s, buf, sizeof buf);
    assert_string_equal(buf, "off");
    assert_int_equal(sp_optspec_set(quiet, &s, "maybe", err, sizeof err), -1);
    assert_string_equal(err, "--quiet: 'maybe' must be on or off");
    assert_int_equal(sp_optspec_set(quiet, &s, NULL, err, sizeof err), 0);
    assert_true(s.quiet);

    sp_optspec_format(&opts[2], &s, buf, sizeof buf);
    assert_string_equal(buf, "3");
    sp_optspec_format(&opts[3], &s, buf, sizeof buf);
    assert_string_equal(buf, "1048576");
    sp_optspec_format(&opts[5], &s, buf, sizeof buf);
    assert_string_equal(buf, "5");
    sp_optspec_format(&opts[7], &s, buf, sizeof buf);
    assert_string_equal(buf, "green");
    sp_optspec_format(&opts[8], &s, buf, sizeof buf);
    assert_string_equal(buf, "none at all");
    sp_optspec_format(&opts[9], &s, buf, sizeof buf);
    assert_string_equal(buf, "system (/etc/resolv.conf)");
    sp_optspec_format(&opts[10], &s, buf, sizeof buf);
    assert_string_equal(buf, "60,30,10");
    assert_int_equal(sp_optspec_set(&opts[10], &s, "1,2,3", err, sizeof err), 0);
    sp_optspec_format(&opts[10], &s, buf, sizeof buf);
    assert_string_equal(buf, "1,2,3");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_kind),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_command_operands),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_set_and_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
