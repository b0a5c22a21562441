/* The event loop: timers in order and on time, watchers changed from inside
 * callbacks, signals, and no wake-ups when there is nothing to do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "sockpit/core/loop.h"

typedef struct record {
    int order[16];
    double at[16];
    int n;
    sp_loop *loop;
} record;

static void note(sp_loop *loop, uint64_t id, void *ud, int tag)
{
    (void)loop;
    (void)id;
    record *r = ud;
    if (r->n < 16) {
        r->order[r->n] = tag;
        r->at[r->n] = sp_now();
        r->n++;
    }
}

static void t1(sp_loop *l, uint64_t id, void *ud) { note(l, id, ud, 1); }
static void t2(sp_loop *l, uint64_t id, void *ud) { note(l, id, ud, 2); }
static void t3(sp_loop *l, uint64_t id, void *ud) { note(l, id, ud, 3); }
static void stop_cb(sp_loop *l, uint64_t id, void *ud)
{
    (void)id;
    (void)ud;
    sp_loop_stop(l);
}

static void test_timers_fire_in_order_and_on_time(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    record r = { .n = 0 };
    double start = sp_now();
    sp_loop_timer(l, 0.060, 0, t3, &r);
    sp_loop_timer(l, 0.020, 0, t1, &r);
    sp_loop_timer(l, 0.040, 0, t2, &r);
    sp_loop_timer(l, 0.080, 0, stop_cb, NULL);
    assert_int_equal(sp_loop_run(l), 0);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.order[0], 1);
    assert_int_equal(r.order[1], 2);
    assert_int_equal(r.order[2], 3);
    /* Never early; late only by scheduling (generous: CI machines are busy). */
    assert_true(r.at[0] - start >= 0.020);
    assert_true(r.at[0] - start < 0.020 + 0.100);
    assert_true(r.at[2] - start >= 0.060);
    assert_true(r.at[2] - start < 0.060 + 0.100);
    sp_loop_free(l);
}

static void test_equal_deadlines_keep_insertion_order(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    record r = { .n = 0 };
    sp_loop_timer(l, 0, 0, t2, &r);
    sp_loop_timer(l, 0, 0, t1, &r);
    sp_loop_timer(l, 0, 0, t3, &r);
    while (r.n < 3)
        sp_loop_once(l, 100);
    assert_int_equal(r.order[0], 2);
    assert_int_equal(r.order[1], 1);
    assert_int_equal(r.order[2], 3);
    sp_loop_free(l);
}

static void test_cancel_and_periodic(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    record r = { .n = 0 };
    uint64_t gone = sp_loop_timer(l, 0.010, 0, t3, &r);
    uint64_t tick = sp_loop_timer(l, 0.010, 0.010, t1, &r);
    sp_loop_cancel(l, gone);
    sp_loop_timer(l, 0.055, 0, stop_cb, NULL);
    sp_loop_run(l);
    /* 10, 20, 30, 40, 50 ms; a busy machine may skip a late tick, never add one. */
    assert_in_range(r.n, 3, 5);
    for (int i = 0; i < r.n; i++)
        assert_int_equal(r.order[i], 1);
    sp_loop_cancel(l, tick);
    r.n = 0;
    sp_loop_once(l, 30);
    assert_int_equal(r.n, 0);
    sp_loop_free(l);
}

static int self_cancel_count;
static void self_cancel(sp_loop *l, uint64_t id, void *ud)
{
    (void)ud;
    if (++self_cancel_count == 3)
        sp_loop_cancel(l, id);
}

static void test_periodic_cancels_itself(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    self_cancel_count = 0;
    sp_loop_timer(l, 0.001, 0.001, self_cancel, NULL);
    double end = sp_now() + 0.05;
    while (sp_now() < end)
        sp_loop_once(l, 5);
    assert_int_equal(self_cancel_count, 3);
    sp_loop_free(l);
}

/* Two ready fds whose callbacks each unwatch the other: whichever runs
 * first, the other's already-reported event must be dropped. A third fd
 * watched from inside a callback fires on the next round. */
typedef struct pair {
    int a[2], b[2], c[2];
    int calls, c_calls;
} pair;

static void on_c(sp_loop *l, int fd, unsigned ev, void *ud)
{
    (void)l;
    (void)ev;
    char buf[8];
    (void)!read(fd, buf, sizeof buf);
    if (ud)
        ((pair *)ud)->c_calls++;
}

static void on_either(sp_loop *l, int fd, unsigned ev, void *ud)
{
    (void)ev;
    pair *p = ud;
    p->calls++;
    sp_loop_unwatch(l, fd == p->a[0] ? p->b[0] : p->a[0]);
    sp_loop_unwatch(l, fd);
    sp_loop_watch(l, p->c[0], SP_IO_READ, on_c, p);
}

static void test_watchers_changed_inside_callbacks(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    pair p = { .calls = 0 };
    assert_int_equal(pipe2(p.a, O_NONBLOCK), 0);
    assert_int_equal(pipe2(p.b, O_NONBLOCK), 0);
    assert_int_equal(pipe2(p.c, O_NONBLOCK), 0);
    assert_int_equal(sp_loop_watch(l, p.a[0], SP_IO_READ, on_either, &p), 0);
    assert_int_equal(sp_loop_watch(l, p.b[0], SP_IO_READ, on_either, &p), 0);
    assert_int_equal(write(p.a[1], "x", 1), 1);
    assert_int_equal(write(p.b[1], "y", 1), 1);
    assert_int_equal(write(p.c[1], "z", 1), 1);
    sp_loop_once(l, 100);
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.c_calls, 0);
    sp_loop_once(l, 100);
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.c_calls, 1);
    for (int i = 0; i < 2; i++) {
        close(p.a[i]);
        close(p.b[i]);
        close(p.c[i]);
    }
    sp_loop_free(l);
}

static int write_ready_calls;
static void on_writable(sp_loop *l, int fd, unsigned ev, void *ud)
{
    (void)ud;
    assert_true(ev & SP_IO_WRITE);
    write_ready_calls++;
    /* Interest changes take effect at once. */
    sp_loop_set_events(l, fd, 0);
}

static void test_write_interest_can_be_switched_off(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    int p[2];
    assert_int_equal(pipe2(p, O_NONBLOCK), 0);
    write_ready_calls = 0;
    sp_loop_watch(l, p[1], SP_IO_WRITE, on_writable, NULL);
    sp_loop_once(l, 50);
    sp_loop_once(l, 20);
    sp_loop_once(l, 20);
    assert_int_equal(write_ready_calls, 1);
    close(p[0]);
    close(p[1]);
    sp_loop_free(l);
}

static void test_idle_loop_does_not_wake(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    int p[2];
    assert_int_equal(pipe2(p, O_NONBLOCK), 0);
    sp_loop_watch(l, p[0], SP_IO_READ, on_c, NULL);
    /* One timer 300 ms away: the loop must sleep straight through to it. */
    sp_loop_timer(l, 0.300, 0, stop_cb, NULL);
    double start = sp_now();
    sp_loop_run(l);
    double took = sp_now() - start;
    assert_true(took >= 0.300);
    assert_true(sp_loop_wakeups(l) <= 2);
    close(p[0]);
    close(p[1]);
    sp_loop_free(l);
}

static int hook_calls;
static void count_hook(sp_loop *l, void *ud)
{
    (void)l;
    (void)ud;
    hook_calls++;
}

static void test_hooks_run_before_each_sleep(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    hook_calls = 0;
    sp_loop_hook(l, count_hook, NULL);
    sp_loop_once(l, 0);
    sp_loop_once(l, 0);
    assert_int_equal(hook_calls, 2);
    sp_loop_unhook(l, count_hook, NULL);
    sp_loop_once(l, 0);
    assert_int_equal(hook_calls, 2);
    sp_loop_free(l);
}

/* Each hook counts itself in hook_seen[ud]; the first one unhooks itself. */
static int hook_seen[3];
static void self_unhook(sp_loop *l, void *ud)
{
    hook_seen[(intptr_t)ud]++;
    sp_loop_unhook(l, self_unhook, ud);
}
static void counting(sp_loop *l, void *ud)
{
    (void)l;
    hook_seen[(intptr_t)ud]++;
}

static void test_unhook_inside_the_hook_pass(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    sp_loop_hook(l, self_unhook, (void *)0);
    sp_loop_hook(l, counting, (void *)1);
    sp_loop_hook(l, counting, (void *)2);
    sp_loop_once(l, 0);
    /* The hook after the one that left still ran. */
    assert_int_equal(hook_seen[0], 1);
    assert_int_equal(hook_seen[1], 1);
    assert_int_equal(hook_seen[2], 1);
    sp_loop_once(l, 0);
    assert_int_equal(hook_seen[0], 1);
    assert_int_equal(hook_seen[1], 2);
    assert_int_equal(hook_seen[2], 2);
    sp_loop_free(l);
}

static void test_stop_before_run(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    record r = { .loop = l };
    /* A stop asked for before the loop runs (a `q` typed ahead of the first
     * frame) ends the run at once, before a timer 0.2 s away fires. */
    sp_loop_timer(l, 0.2, 0, t1, &r);
    sp_loop_stop(l);
    assert_int_equal(sp_loop_run(l), 0);
    assert_int_equal(r.n, 0);
    /* The stop was used up: the next run goes on until the next stop. */
    sp_loop_timer(l, 0.3, 0, stop_cb, NULL);
    assert_int_equal(sp_loop_run(l), 0);
    assert_int_equal(r.n, 1);
    sp_loop_free(l);
}

static void test_timer_beyond_an_int_of_milliseconds(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    record r = { .loop = l };
    /* 30 days: past what an int of milliseconds holds. The wait must be a
     * sane timeout, not an overflow to a negative (which would spin). */
    sp_loop_timer(l, 30.0 * 86400, 0, t1, &r);
    sp_loop_timer(l, 1e300, 0, t2, &r);
    uint64_t before = sp_loop_wakeups(l);
    double t0 = sp_now();
    sp_loop_once(l, 50);
    assert_true(sp_now() - t0 >= 0.04);
    assert_int_equal(sp_loop_wakeups(l) - before, 1);
    assert_int_equal(r.n, 0);
    sp_loop_free(l);
}

static int got_signal;
static void on_sig(sp_loop *l, int signo, void *ud)
{
    (void)ud;
    got_signal = signo;
    sp_loop_stop(l);
}

static void test_signals_arrive_through_the_loop(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    got_signal = 0;
    assert_int_equal(sp_loop_signal(l, SIGUSR1, on_sig, NULL), 0);
    raise(SIGUSR1);
    sp_loop_timer(l, 1.0, 0, stop_cb, NULL);
    sp_loop_run(l);
    assert_int_equal(got_signal, SIGUSR1);
    sp_loop_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_fire_in_order_and_on_time),
        cmocka_unit_test(test_equal_deadlines_keep_insertion_order),
        cmocka_unit_test(test_cancel_and_periodic),
        cmocka_unit_test(test_periodic_cancels_itself),
        cmocka_unit_test(test_watchers_changed_inside_callbacks),
        cmocka_unit_test(test_write_interest_can_be_switched_off),
        cmocka_unit_test(test_idle_loop_does_not_wake),
        cmocka_unit_test(test_hooks_run_before_each_sleep),
        cmocka_unit_test(test_signals_arrive_through_the_loop),
        cmocka_unit_test(test_unhook_inside_the_hook_pass),
        cmocka_unit_test(test_stop_before_run),
        cmocka_unit_test(test_timer_beyond_an_int_of_milliseconds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
