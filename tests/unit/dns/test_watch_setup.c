/* The DNS watch set-up shared by the pane and `sockpit watch`, in temporary
 * XDG directories: names given or read from watch.list, the change log and
 * the events loaded back from it, the recent events kept as they happen,
 * disagree/agree lines read back without being taken for answers, and each
 * problem either noted (partial) or failing with its one-line reason. No lookup is ever sent: the loop does not run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/core/xdg.h"
#include "sockpit/dns/addrset.h"
#include "sockpit/dns/changelog.h"
#include "sockpit/dns/eventring.h"
#include "sockpit/dns/watch.h"
#include "sockpit/dns/watch_setup.h"
#include "sockpit/dns/watchlist.h"
#include "testdns.h"
#include "testtmp.h"

typedef struct fixture {
    char dir[64];
    char cfg[128], state[128];
    sp_loop *loop;
    sp_dns *dns;
} fixture;

static int setup(void **st)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/sp-wsetup-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->cfg, sizeof f->cfg, "%s/cfg", f->dir);
    snprintf(f->state, sizeof f->state, "%s/state", f->dir);
    f->loop = sp_loop_new();
    assert_non_null(f->loop);
    f->dns = test_dns(f->loop, 9, 200);
    *st = f;
    return 0;
}

static int teardown(void **st)
{
    fixture *f = *st;
    sp_dns_free(f->dns);
    sp_loop_free(f->loop);
    test_rm_rf(f->dir);
    free(f);
    return 0;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char err[256], path[256];
    assert_int_equal(sp_mkdir_p(dir, 0700, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static sp_watch_settings settings(const fixture *f)
{
    return (sp_watch_settings){ .config_dir = f->cfg, .state_dir = f->state, .interval = 5 };
}

static void test_names_given(void **st)
{
    fixture *f = *st;
    write_file(f->cfg, "watch.list", "not.read.test\n");
    sp_watchlist names;
    sp_watchlist_init(&names);
    sp_watchlist_add(&names, "a.test", SP_WMODE_DEFAULT, 0);
    sp_watchlist_add(&names, "b.test", SP_WMODE_INTERVAL, 1500);
    sp_watch_settings set = settings(f);
    set.names = &names;
    set.need_names = true;
    sp_watch_setup ws;
    char err[512];
    assert_int_equal(sp_watch_set_up(&ws, f->loop, f->dns, &set, err, sizeof err), SP_WATCH_SETUP_OK);
    sp_watchlist_free(&names); /* copied */
    assert_non_null(ws.watch);
    assert_int_equal(sp_watch_count(ws.watch), 2);
    assert_null(sp_watch_find(ws.watch, "not.read.test"));
    sp_watch_name *b = sp_watch_find(ws.watch, "b.test");
    assert_non_null(b);
    assert_int_equal(b->interval_ms, 1500);
    assert_string_equal(ws.list_path, "");
    char log[256];
    snprintf(log, sizeof log, "%s/%s", f->state, SP_CHANGELOG_FILE);
    assert_string_equal(ws.log_path, log);
    assert_true(ws.log_fd >= 0);
    assert_true(exists(log));
    assert_string_equal(ws.problem, "");
    assert_int_equal(sp_eventring_count(&ws.recent), 0);
    sp_watch_tear_down(&ws);
    assert_int_equal(ws.log_fd, -1);
}

static void test_list_and_old_events(void **st)
{
    fixture *f = *st;
    write_file(f->cfg, "watch.list", "# mine\nwww.test\nbad name!\nfast.test interval=0.5\n");
    write_file(f->state, SP_CHANGELOG_FILE,
               "2026-11-29 08:00:01  www.test  first  198.18.5.1\n"
               "garbage\n"
               "2026-11-29 08:00:02  www.test  error  NXDOMAIN\n"
               "2026-11-29 08:00:03  www.test  recover  198.18.5.1\n");
    sp_watch_settings set = settings(f);
    set.keep = 2;
    set.partial = true;
    sp_watch_setup ws;
    char err[512];
    assert_int_equal(sp_watch_set_up(&ws, f->loop, f->dns, &set, err, sizeof err), SP_WATCH_SETUP_OK);
    char list[256];
    snprintf(list, sizeof list, "%s/watch.list", f->cfg);
    assert_string_equal(ws.list_path, list);
    assert_int_equal(sp_watch_count(ws.watch), 2);
    assert_int_equal(sp_watchlist_names(&ws.list), 2);
    assert_int_equal(ws.list.n, 4); /* the comment and the bad line are kept for saving */
    assert_int_equal(ws.nprobs, 1);
    assert_int_equal(ws.probs[0].line, 3);
    /* The last two events of the log, oldest first. */
    assert_int_equal(sp_eventring_count(&ws.recent), 2);
    assert_int_equal(sp_eventring_at(&ws.recent, 0)->kind, SP_WEV_ERROR);
    assert_int_equal(sp_eventring_at(&ws.recent, 1)->kind, SP_WEV_RECOVER);
    assert_string_equal(ws.problem, "");
    sp_watch_tear_down(&ws);
}

typedef struct told {
    int events;
    int answers;
} told;

static void count_event(void *ud, const sp_wevent *ev)
{
    told *t = ud;
    assert_string_equal(ev->name, "www.test");
    t->events++;
}

static void count_answer(void *ud, sp_watch_name *n)
{
    (void)n;
    told *t = ud;
    t->answers++;
}

/* An event goes to the log, then to the recent events, then to the caller. */
static void test_events_kept_and_told(void **st)
{
    fixture *f = *st;
    write_file(f->cfg, "watch.list", "www.test\n");
    told t = { 0 };
    sp_watch_settings set = settings(f);
    set.keep = 10;
    set.on_event = count_event;
    set.on_answer = count_answer;
    set.ud = &t;
    sp_watch_setup ws;
    char err[512];
    assert_int_equal(sp_watch_set_up(&ws, f->loop, f->dns, &set, err, sizeof err), SP_WATCH_SETUP_OK);
    sp_watch_name *n = sp_watch_find(ws.watch, "www.test");
    assert_non_null(n);
    sp_addrset set1 = { 0 };
    assert_int_equal(sp_addrset_parse("198.18.5.1", 10, &set1), 0);
    sp_watch_result r = { .rtt_ms = 1 };
    r.rr[SP_RR_A] = (sp_watch_answer){ .answered = true, .set = &set1, .ttl = 30 };
    r.rr[SP_RR_AAAA] = (sp_watch_answer){ .answered = true, .ttl = -1 };
    sp_watch_feed(ws.watch, n, &r);
    sp_addrset_free(&set1);
    assert_int_equal(t.events, 1);
    assert_int_equal(t.answers, 1);
    assert_int_equal(sp_eventring_count(&ws.recent), 1);
    assert_int_equal(sp_eventring_at(&ws.recent, 0)->kind, SP_WEV_FIRST);
    sp_watch_tear_down(&ws);

    sp_wevent *back = NULL;
    size_t nback = 0;
    assert_int_equal(sp_changelog_load(ws.log_path, 10, &back, &nback, err, sizeof err), 0);
    assert_int_equal(nback, 1);
    assert_string_equal(back[0].name, "www.test");
    sp_wevent_free(&back[0]);
    free(back);
}

/* The servers compared disagreed, then agreed, after the name's last
 * answer: both come back into the recent events, and the name still
 * resumes from its answer (the same answer logs nothing). A comparison
 * reported now goes to the log, the recent events and the caller. */
static void test_compare_events(void **st)
{
    fixture *f = *st;
    write_file(f->cfg, "watch.list", "www.test type=A\n");
    write_file(f->state, SP_CHANGELOG_FILE,
               "2026-11-29 08:00:01  www.test  first  A: 198.18.5.1\n"
               "2026-11-29 08:00:02  www.test  disagree  A: 127.0.0.1:5301 198.18.5.1; 127.0.0.1:5302 198.18.5.2\n"
               "2026-11-29 08:00:03  www.test  differ  A: 127.0.0.1:5301 198.18.5.1; 127.0.0.1:5302 198.18.5.2\n"
               "2026-11-29 08:00:04  www.test  agree  A: 127.0.0.1:5301 198.18.5.1; 127.0.0.1:5302 198.18.5.1\n");
    told t = { 0 };
    sp_watch_settings set = settings(f);
    set.keep = 10;
    set.on_event = count_event;
    set.ud = &t;
    sp_watch_setup ws;
    char err[512];
    assert_int_equal(sp_watch_set_up(&ws, f->loop, f->dns, &set, err, sizeof err), SP_WATCH_SETUP_OK);
    assert_int_equal(sp_eventring_count(&ws.recent), 3); /* the unknown kind is skipped */
    assert_int_equal(sp_eventring_at(&ws.recent, 0)->kind, SP_WEV_FIRST);
    const sp_wevent *d = sp_eventring_at(&ws.recent, 1);
    assert_int_equal(d->kind, SP_WEV_DISAGREE);
    assert_int_equal(d->nanswers, 2);
    assert_string_equal(d->answers[1].server, "127.0.0.1:5302");
    assert_string_equal(d->answers[1].answer, "198.18.5.2");
    assert_int_equal(sp_eventring_at(&ws.recent, 2)->kind, SP_WEV_AGREE);

    sp_watch_name *n = sp_watch_find(ws.watch, "www.test");
    assert_non_null(n);
    assert_true(n->rr[SP_RR_A].known);
    sp_addrset want = { 0 };
    assert_int_equal(sp_addrset_parse("198.18.5.1", 10, &want), 0);
    assert_true(sp_addrset_equal(&n->rr[SP_RR_A].set, &want));
    sp_watch_result r = { .rtt_ms = 1 };
    r.rr[SP_RR_A] = (sp_watch_answer){ .answered = true, .set = &want, .ttl = 30 };
    sp_watch_feed(ws.watch, n, &r);
    sp_addrset_free(&want);
    assert_int_equal(t.events, 0);

    sp_wevent ev;
    sp_wevent_init(&ev);
    ev.time_ms = 1795939205000LL;
    snprintf(ev.name, sizeof ev.name, "www.test");
    ev.kind = SP_WEV_DISAGREE;
    ev.rrtype = SP_RRBIT(SP_RR_A);
    sp_wevent_add_answer(&ev, "127.0.0.1:5301", "198.18.5.1");
    sp_wevent_add_answer(&ev, "127.0.0.1:5302", "error REFUSED");
    sp_watch_report(ws.watch, &ev);
    sp_wevent_free(&ev);
    assert_int_equal(t.events, 1);
    assert_int_equal(sp_eventring_count(&ws.recent), 4);
    assert_string_equal(sp_eventring_at(&ws.recent, 3)->answers[1].answer, "error REFUSED");
    sp_watch_tear_down(&ws);

    sp_wevent *back = NULL;
    size_t nback = 0;
    assert_int_equal(sp_changelog_load(ws.log_path, 10, &back, &nback, err, sizeof err), 0);
    assert_int_equal(nback, 4);
    assert_int_equal(back[3].kind, SP_WEV_DISAGREE);
    assert_string_equal(back[3].answers[1].answer, "error REFUSED");
    for (size_t i = 0; i < nback; i++)
        sp_wevent_free(&back[i]);
    free(back);
}

static void test_no_names(void **st)
{
    fixture *f = *st;
    write_file(f->cfg, "watch.list", "# nothing yet\n");
    sp_watch_settings set = settings(f);
    set.need_names = true;
    sp_watch_setup ws;
    char err[512];
    assert_int_equal(sp_watch_set_up(&ws, f->loop, f->dns, &set, err, sizeof err), SP_WATCH_SETUP_NO_NAMES);
    assert_non_null(strstr(ws.list_path, "/cfg/watch.list"));
    assert_null(ws.watch);
    assert_false(exists(f->state)); /* nothing is created for a watch that does not run */
    sp_watch_tear_down(&ws);
    /* The pane starts with an empty list: names are added with keys. */
    set.need_names = false;
    set.partial = true;
    assert_int_equal(sp_watch_set_up(&ws, f->loop, f->dns, &set, err, sizeof err), SP_WATCH_SETUP_OK);
    assert_non_null(ws.watch);
    assert_int_equal(sp_watch_count(ws.watch), 0);
    sp_watch_tear_down(&ws);
}

/* A state directory that cannot be made: `sockpit watch` stops, the pane
 * runs without a log and says so. */
static void test_state_dir_unusable(void **st)
{
    fixture *f = *st;
    write_file(f->cfg, "watch.list", "www.test\n");
    write_file(f->dir, "state", "a file, not a directory\n");
    sp_watch_settings set = settings(f);
    sp_watch_setup ws;
    char err[512];
    assert_int_equal(sp_watch_set_up(&ws, f->loop, f->dns, &set, err, sizeof err), SP_WATCH_SETUP_FAILED);
    assert_non_null(strstr(err, "cannot keep the change log: "));
    assert_non_null(strstr(err, "(use --state-dir DIR)"));
    assert_null(strchr(err, '\n'));
    assert_null(ws.watch);
    sp_watch_tear_down(&ws);

    set.partial = true;
    set.keep = 5;
    assert_int_equal(sp_watch_set_up(&ws, f->loop, f->dns, &set, err, sizeof err), SP_WATCH_SETUP_OK);
    assert_non_null(ws.watch);
    assert_int_equal(sp_watch_count(ws.watch), 1);
    assert_int_equal(ws.log_fd, -1);
    assert_string_equal(ws.log_path, "(no change log)");
    assert_non_null(strstr(ws.problem, "events are not kept: "));
    assert_non_null(strstr(ws.problem, "(use --state-dir DIR)"));
    sp_watch_tear_down(&ws);
}

/* A watch.list that cannot be read (a directory here). */
static void test_list_unreadable(void **st)
{
    fixture *f = *st;
    char err[512], list[256];
    snprintf(list, sizeof list, "%s/watch.list", f->cfg);
    assert_int_equal(sp_mkdir_p(list, 0700, err, sizeof err), 0);
    sp_watch_settings set = settings(f);
    sp_watch_setup ws;
    assert_int_equal(sp_watch_set_up(&ws, f->loop, f->dns, &set, err, sizeof err), SP_WATCH_SETUP_FAILED);
    assert_non_null(strstr(err, list));
    sp_watch_tear_down(&ws);
    set.partial = true;
    assert_int_equal(sp_watch_set_up(&ws, f->loop, f->dns, &set, err, sizeof err), SP_WATCH_SETUP_OK);
    assert_non_null(ws.watch);
    assert_non_null(strstr(ws.problem, list));
    assert_true(ws.log_fd >= 0);
    sp_watch_tear_down(&ws);
}

/* No directories given: $XDG_CONFIG_HOME/sockpit and $XDG_STATE_HOME/sockpit. */
static void test_xdg_defaults(void **st)
{
    fixture *f = *st;
    char cfg_home[128], state_home[128], sub[160];
    snprintf(cfg_home, sizeof cfg_home, "%s/xdg-config", f->dir);
    snprintf(state_home, sizeof state_home, "%s/xdg-state", f->dir);
    snprintf(sub, sizeof sub, "%s/sockpit", cfg_home);
    write_file(sub, "watch.list", "xdg.test\n");
    setenv("XDG_CONFIG_HOME", cfg_home, 1);
    setenv("XDG_STATE_HOME", state_home, 1);
    sp_watch_settings set = { .interval = 5 };
    sp_watch_setup ws;
    char err[512], want[256];
    assert_int_equal(sp_watch_set_up(&ws, f->loop, f->dns, &set, err, sizeof err), SP_WATCH_SETUP_OK);
    snprintf(want, sizeof want, "%s/watch.list", sub);
    assert_string_equal(ws.list_path, want);
    snprintf(want, sizeof want, "%s/sockpit/%s", state_home, SP_CHANGELOG_FILE);
    assert_string_equal(ws.log_path, want);
    assert_true(exists(want));
    assert_non_null(sp_watch_find(ws.watch, "xdg.test"));
    sp_watch_tear_down(&ws);
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("XDG_STATE_HOME");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_names_given, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_and_old_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events_kept_and_told, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_dir_unusable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_unreadable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xdg_defaults, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
