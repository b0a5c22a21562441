/* Hooks: the environment and stdin a hook gets, its exit status reported,
 * the time limit's kill of the whole process group, and the bound on hooks
 * running at once (the rest queued, past the queue's cap dropped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sockpit/core/loop.h"
#include "sockpit/dns/addrset.h"
#include "sockpit/dns/changelog.h"
#include "sockpit/dns/hook.h"
#include "sockpit/dns/rrtype.h"

typedef struct logs {
    char line[8][300];
    int n;
} logs;

static void on_log(void *ud, const char *line)
{
    logs *l = ud;
    if (l->n < 8)
        snprintf(l->line[l->n++], sizeof l->line[0], "%s", line);
}

static void change_event(sp_wevent *ev)
{
    sp_wevent_init(ev);
    ev->time_ms = 1764633600000;
    snprintf(ev->name, sizeof ev->name, "www.test");
    ev->kind = SP_WEV_CHANGE;
    ev->rrtype = SP_RRBIT(SP_RR_A);
    ev->ttl = 30;
    ev->rtt_ms = 1.5;
    assert_int_equal(sp_addrset_parse("198.18.5.1", 10, &ev->old), 0);
    assert_int_equal(sp_addrset_parse("198.18.5.1, 198.18.5.9", 22, &ev->new), 0);
}

/* Runs the loop until every hook has ended, at most `max` seconds. */
static void drain(sp_loop *loop, sp_hook *h, double max)
{
    double end = sp_now() + max;
    while ((sp_hook_running(h) || sp_hook_queued(h)) && sp_now() < end)
        sp_loop_once(loop, 100);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* The hook's stdin (saved in DIR/stdin) was the event's JSON line. */
static void check_stdin(const char *dir, const sp_wevent *ev)
{
    char p[300];
    snprintf(p, sizeof p, "%s/stdin", dir);
    char *json;
    size_t len;
    FILE *f = open_memstream(&json, &len);
    sp_wevent_json(ev, f);
    fclose(f);
    assert_string_equal(slurp(p), json);
    free(json);
}

static void test_env_and_stdin(void **state)
{
    (void)state;
    char dir[] = "/tmp/sp-hook-test.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "printf '%%s|%%s|%%s|%%s|%%s\\n' \"$SOCKPIT_NAME\" \"$SOCKPIT_EVENT\" \"$SOCKPIT_RRTYPE\" "
             "\"$SOCKPIT_OLD\" \"$SOCKPIT_NEW\" > %s/env; cat > %s/stdin; echo said-so; ls /proc/$$/fd > %s/fds",
             dir, dir, dir);
    char outp[300];
    snprintf(outp, sizeof outp, "%s/out", dir);
    FILE *out = fopen(outp, "w");
    assert_non_null(out);
    logs l = { .n = 0 };
    sp_loop *loop = sp_loop_new();
    sp_hook *h = sp_hook_new(loop, &(sp_hook_config){ .cmd = cmd, .out_fd = fileno(out), .log = on_log, .ud = &l });
    assert_non_null(h);
    sp_wevent ev;
    change_event(&ev);
    assert_int_equal(sp_hook_event(h, &ev), 0);
    drain(loop, h, 5);
    assert_int_equal(sp_hook_ok(h), 1);
    assert_int_equal(l.n, 0);

    char p[300];
    snprintf(p, sizeof p, "%s/env", dir);
    assert_string_equal(slurp(p), "www.test|change|A|198.18.5.1|198.18.5.1 198.18.5.9\n");
    check_stdin(dir, &ev);
    /* stdin, stdout and stderr, and what the shell itself saves (10 and up
     * in dash): none of ours (the loop's, the output file's) leak in. */
    snprintf(p, sizeof p, "%s/fds", dir);
    int nfd = 0;
    for (char *tok = strtok(slurp(p), "\n"); tok; tok = strtok(NULL, "\n")) {
        long fd = strtol(tok, NULL, 10);
        assert_true(fd <= 2 || fd >= 10);
        nfd += fd <= 2;
    }
    assert_int_equal(nfd, 3);
    fflush(out);
    assert_string_equal(slurp(outp), "said-so\n");
    fclose(out);

    sp_wevent_free(&ev);
    sp_hook_free(h);
    sp_loop_free(loop);
    const char *files[] = { "env", "stdin", "out", "fds" };
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        assert_int_equal(unlink(p), 0);
    }
    assert_int_equal(rmdir(dir), 0);
}

/* A disagree: the servers' answers a line each in SOCKPIT_ANSWERS, no old
 * or new set, and its JSON line on stdin. */
static void test_compare_env(void **state)
{
    (void)state;
    char dir[] = "/tmp/sp-hook-cmp.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[512], p[300];
    snprintf(cmd, sizeof cmd,
             "printf '%%s|%%s|%%s|%%s|%%s\\n' \"$SOCKPIT_EVENT\" \"$SOCKPIT_RRTYPE\" \"$SOCKPIT_OLD\" "
             "\"$SOCKPIT_NEW\" \"$SOCKPIT_ANSWERS\" > %s/env; cat > %s/stdin",
             dir, dir);
    setenv("SOCKPIT_ANSWERS", "inherited", 1); /* never passed on */
    sp_loop *loop = sp_loop_new();
    sp_hook *h = sp_hook_new(loop, &(sp_hook_config){ .cmd = cmd, .out_fd = -1 });
    assert_non_null(h);
    sp_wevent ev;
    sp_wevent_init(&ev);
    ev.time_ms = 1764633600000;
    snprintf(ev.name, sizeof ev.name, "www.test");
    ev.kind = SP_WEV_DISAGREE;
    ev.rrtype = SP_RRBIT(SP_RR_MX);
    sp_wevent_add_answer(&ev, "127.0.0.1:5301", "10 mx1.test, 20 mx2.test");
    sp_wevent_add_answer(&ev, "127.0.0.1:5302", "");
    sp_wevent_add_answer(&ev, "[::1]:5303", "error SERVFAIL");
    assert_int_equal(sp_hook_event(h, &ev), 0);
    drain(loop, h, 5);
    assert_int_equal(sp_hook_ok(h), 1);
    snprintf(p, sizeof p, "%s/env", dir);
    assert_string_equal(slurp(p), "disagree|MX|||127.0.0.1:5301 10 mx1.test, 20 mx2.test\n127.0.0.1:5302 (none)\n"
                                  "[::1]:5303 error SERVFAIL\n");
    unlink(p);
    check_stdin(dir, &ev);
    snprintf(p, sizeof p, "%s/stdin", dir);
    unlink(p);

    /* Other events: SOCKPIT_ANSWERS is empty. */
    sp_wevent_free(&ev);
    change_event(&ev);
    assert_int_equal(sp_hook_event(h, &ev), 0);
    drain(loop, h, 5);
    snprintf(p, sizeof p, "%s/env", dir);
    assert_string_equal(slurp(p), "change|A|198.18.5.1|198.18.5.1 198.18.5.9|\n");
    unlink(p);
    snprintf(p, sizeof p, "%s/stdin", dir);
    unlink(p);
    unsetenv("SOCKPIT_ANSWERS");
    sp_wevent_free(&ev);
    sp_hook_free(h);
    sp_loop_free(loop);
    rmdir(dir);
}

static void test_exit_status(void **state)
{
    (void)state;
    logs l = { .n = 0 };
    sp_loop *loop = sp_loop_new();
    sp_hook *h = sp_hook_new(loop, &(sp_hook_config){ .cmd = "exit 3", .out_fd = -1, .log = on_log, .ud = &l });
    sp_wevent ev;
    change_event(&ev);
    sp_hook_event(h, &ev);
    drain(loop, h, 5);
    assert_int_equal(sp_hook_failed(h), 1);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.line[0], "hook for www.test change A: exit status 3");
    sp_hook_free(h);

    l.n = 0;
    h = sp_hook_new(loop, &(sp_hook_config){ .cmd = "/nonexistent/hook", .out_fd = -1, .log = on_log, .ud = &l });
    sp_hook_event(h, &ev);
    drain(loop, h, 5);
    assert_int_equal(l.n, 1);
    assert_non_null(strstr(l.line[0], "exit status 127 (command not found?)"));
    sp_wevent_free(&ev);
    sp_hook_free(h);
    sp_loop_free(loop);
}

/* A hook that ignores SIGTERM, with a child of its own: the whole group
 * is killed, first SIGTERM, then SIGKILL. */
static void test_time_limit(void **state)
{
    (void)state;
    logs l = { .n = 0 };
    sp_loop *loop = sp_loop_new();
    sp_hook *h = sp_hook_new(loop, &(sp_hook_config){ .cmd = "trap '' TERM; sleep 30 & sleep 30", .timeout = 0.2,
                                                       .out_fd = -1, .log = on_log, .ud = &l });
    sp_wevent ev;
    change_event(&ev);
    double t0 = sp_now();
    sp_hook_event(h, &ev);
    drain(loop, h, 5);
    double took = sp_now() - t0;
    assert_true(took < 3);
    assert_true(took >= 0.2 + SP_HOOK_KILL_GRACE - 0.05);
    assert_int_equal(sp_hook_failed(h), 1);
    assert_int_equal(l.n, 3);
    assert_non_null(strstr(l.line[0], "still running after 0.2 s: sending SIGTERM"));
    assert_non_null(strstr(l.line[1], "sending SIGKILL"));
    assert_non_null(strstr(l.line[2], "killed by signal 9"));
    assert_non_null(strstr(l.line[2], "after its time limit"));
    sp_wevent_free(&ev);
    sp_hook_free(h);
    sp_loop_free(loop);
}

static void test_queue(void **state)
{
    (void)state;
    logs l = { .n = 0 };
    sp_loop *loop = sp_loop_new();
    sp_hook *h = sp_hook_new(loop, &(sp_hook_config){ .cmd = "sleep 0.2", .max_running = 2, .max_queue = 3,
                                                       .out_fd = -1, .log = on_log, .ud = &l });
    sp_wevent ev;
    change_event(&ev);
    for (int i = 0; i < 5; i++)
        assert_int_equal(sp_hook_event(h, &ev), 0);
    assert_int_equal(sp_hook_running(h), 2);
    assert_int_equal(sp_hook_queued(h), 3);
    assert_int_equal(sp_hook_event(h, &ev), -1);
    assert_int_equal(l.n, 1);
    assert_non_null(strstr(l.line[0], "3 hooks waiting already: event dropped"));
    size_t most = 0;
    double end = sp_now() + 5;
    while ((sp_hook_running(h) || sp_hook_queued(h)) && sp_now() < end) {
        sp_loop_once(loop, 100);
        if (sp_hook_running(h) > most)
            most = sp_hook_running(h);
    }
    assert_true(most <= 2);
    assert_int_equal(sp_hook_ok(h), 5);
    sp_wevent_free(&ev);
    sp_hook_free(h);
    sp_loop_free(loop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_env_and_stdin),
        cmocka_unit_test(test_compare_env),
        cmocka_unit_test(test_exit_status),
        cmocka_unit_test(test_time_limit),
        cmocka_unit_test(test_queue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
