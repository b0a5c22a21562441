/* The config file: every key, comments, the command line winning, and a
 * warning naming the line for each bad one while the rest applies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/cmd/config.h"
#include "sockpit/cmd/shared_opts.h"

static char warned[16][400];
static int nwarn;

static void collect(void *ud, const char *path, int line, const char *msg)
{
    (void)ud;
    if (nwarn < 16)
        snprintf(warned[nwarn++], sizeof warned[0], "%s:%d: %s", path, line, msg);
}

static int apply(sp_opts *o, const char *text)
{
    nwarn = 0;
    return sp_config_apply(text, strlen(text), "cfg", o, collect, NULL);
}

static void test_every_key(void **state)
{
    (void)state;
    sp_opts o;
    sp_cli_defaults(&o);
    const char *text = "# sockpit settings\n"
                       "pane = hosts\n"
                       "color=off   # no colors\n"
                       "  dns-server = 127.0.0.1:5353, [::1]:53\r\n"
                       "watch-interval = 2.5\n"
                       "chat = [::1]:7000\n"
                       "keepalive = 10,5,3\n"
                       "sweep-concurrency = 16\n"
                       "probe-rate = 50\n"
                       "watch-log-size = 65536";
    assert_int_equal(apply(&o, text), 0);
    assert_string_equal(o.pane, "hosts");
    assert_true(o.no_color);
    assert_string_equal(o.dns_servers, "127.0.0.1:5353,[::1]:53");
    assert_true(o.watch_interval == 2.5);
    assert_string_equal(o.chat, "[::1]:7000");
    assert_int_equal(o.keepalive.idle, 10);
    assert_int_equal(o.sweep_concurrency, 16);
    assert_true(o.probe_rate == 50);
    assert_int_equal(o.watch_log_size, 65536);
    assert_int_equal(o.from[SP_SET_PANE], SP_FROM_CONFIG);
    assert_int_equal(o.from_line[SP_SET_PROBE_RATE], 9);
    sp_opts_free(&o);
}

static void test_bad_lines_warn_and_the_rest_applies(void **state)
{
    (void)state;
    sp_opts o;
    sp_cli_defaults(&o);
    const char text[] = "colour = on\n"
                        "pane = nowhere\n"
                        "just words\n"
                        "watch-interval = 0.01\n"
                        "dns-server = not-an-ip\n"
                        "a\0b = c\n"
                        "probe-rate = 7\n";
    nwarn = 0;
    int w = sp_config_apply(text, sizeof text - 1, "cfg", &o, collect, NULL);
    assert_int_equal(w, 6);
    assert_string_equal(warned[0], "cfg:1: unknown key 'colour' (known: pane, color, dns-server, watch-interval, "
                                   "chat, keepalive, sweep-concurrency, probe-rate, sort.services, sort.hosts, sort.watch, "
                                   "chat-room, nick, conns-refresh, watch-log-size, exec, exec-timeout); skipped");
    assert_non_null(strstr(warned[1], "cfg:2: bad value for 'pane'"));
    assert_non_null(strstr(warned[2], "cfg:3: 'just words' is not 'key = value'"));
    assert_non_null(strstr(warned[3], "cfg:4: bad value for 'watch-interval': '0.01' must be"));
    assert_non_null(strstr(warned[4], "cfg:5: bad value for 'dns-server': 'not-an-ip' is not"));
    assert_non_null(strstr(warned[5], "cfg:6: the line holds a NUL byte"));
    assert_true(o.probe_rate == 7);
    assert_string_equal(o.pane, "services");
    sp_opts_free(&o);
}

static void test_command_line_wins(void **state)
{
    (void)state;
    sp_opts o;
    sp_cli_defaults(&o);
    const char *argv[] = { "sockpit", "--pane", "chat", "--probe-rate", "9" };
    char err[200];
    assert_int_equal(sp_cli_parse_tui(5, (char **)argv, &o, err, sizeof err), SP_CLI_RUN);
    assert_int_equal(apply(&o, "pane = hosts\nprobe-rate = 3\nsweep-concurrency = 2\n"), 0);
    assert_string_equal(o.pane, "chat");
    assert_true(o.probe_rate == 9);
    assert_int_equal(o.sweep_concurrency, 2);
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    sp_config_print(&o, f);
    fclose(f);
    assert_non_null(strstr(out, "pane               = chat"));
    assert_non_null(strstr(out, "# command line\n"));
    assert_non_null(strstr(out, "sweep-concurrency  = 2"));
    assert_non_null(strstr(out, "# config:3\n"));
    free(out);
    sp_opts_free(&o);
}

static void test_no_color_ranks_below_the_file(void **state)
{
    (void)state;
    sp_opts o;
    sp_cli_defaults(&o);
    setenv("NO_COLOR", "1", 1);
    sp_config_apply_env(&o);
    assert_true(o.no_color);
    assert_int_equal(o.from[SP_SET_COLOR], SP_FROM_ENV);
    assert_int_equal(apply(&o, "color = on\n"), 0);
    assert_false(o.no_color);
    unsetenv("NO_COLOR");
    sp_opts_free(&o);
}

typedef struct batch {
    double rate;
    sp_keepalive keepalive;
    long other;
} batch;

static const sp_optspec batch_opts[] = {
    { SP_OPTDEF_PROBE_RATE(batch, rate), .help = "probes per second" },
    { SP_OPTDEF_KEEPALIVE(batch, keepalive), .help = "keep-alive" },
    { .name = "other", .kind = SP_OPT_LONG, .lo = 0, .hi = 9, .def = 4, SP_OPT_AT(batch, other), .help = "other" },
    { 0 },
};

static const sp_optcmd batch_cmd = { .name = "batch", .intro = "", .opts = batch_opts,
                                     .defaults = sp_config_command_defaults };

/* A batch command takes the file's settings it has options for, with the
 * same keys and ranges; every line is still checked and warned about. */
static void test_batch_command_defaults(void **state)
{
    (void)state;
    char dir[] = "/tmp/sockpit-test-config-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], errpath[256];
    snprintf(path, sizeof path, "%s/sockpit", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/sockpit/config", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("probe-rate = 7\nsweep-concurrency = 9999\nkeepalive = off\npane = hosts\n", f);
    fclose(f);
    setenv("XDG_CONFIG_HOME", dir, 1);

    snprintf(errpath, sizeof errpath, "%s/stderr", dir);
    int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600), saved = dup(2);
    assert_true(fd >= 0 && saved >= 0);
    fflush(stderr);
    dup2(fd, 2);
    batch b = { 0 };
    int status = -1;
    char *argv[] = { "batch", "--other", "2", NULL };
    int first = sp_optspec_command(&batch_cmd, 3, argv, &b, &status);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    assert_int_equal(first, 3);
    assert_true(b.rate == 7);
    assert_false(b.keepalive.on);
    assert_int_equal(b.other, 2);

    char text[1024] = "";
    f = fopen(errpath, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_non_null(strstr(text, "config:2: bad value for 'sweep-concurrency': '9999' must be a whole number from 1 "
                                 "to 1024; skipped\n"));
    assert_null(strstr(text, "config:1"));

    unsetenv("XDG_CONFIG_HOME");
    unlink(errpath);
    unlink(path);
    snprintf(path, sizeof path, "%s/sockpit", dir);
    rmdir(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_bad_lines_warn_and_the_rest_applies),
        cmocka_unit_test(test_command_line_wins),
        cmocka_unit_test(test_no_color_ranks_below_the_file),
        cmocka_unit_test(test_batch_command_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
