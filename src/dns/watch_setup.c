/* The DNS watch set up for the pane and the command (watch_setup.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sockpit/core/applog.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/xdg.h"
#include "sockpit/dns/watch_setup.h"

static void on_event(void *ud, const sp_wevent *ev)
{
    sp_watch_setup *s = ud;
    sp_eventring_push(&s->recent, ev);
    if (s->on_event)
        s->on_event(s->ud, ev);
    if (s->hook && !s->hooks_paused)
        sp_hook_event(s->hook, ev);
}

static void on_answer(void *ud, sp_watch_name *n)
{
    sp_watch_setup *s = ud;
    if (s->on_answer)
        s->on_answer(s->ud, n);
}

/* A problem with the list or the log: noted when partial, else fatal. */
static int trouble(sp_watch_setup *s, const sp_watch_settings *set, const char *what, char *err, size_t errlen)
{
    snprintf(s->problem, sizeof s->problem, "%s", what);
    if (set->partial)
        return 0;
    snprintf(err, errlen, "%s", what);
    return -1;
}

/* The names: those given, else watch.list's. */
static int load_names(sp_watch_setup *s, const sp_watch_settings *set, char *err, size_t errlen)
{
    if (set->names) {
        for (size_t i = 0; i < set->names->n; i++) {
            const sp_watchlist_entry *e = &set->names->v[i];
            if (e->name[0] && sp_watchlist_add(&s->list, e->name, e->mode, e->interval_ms) == 0)
                sp_watchlist_set_types(&s->list, e->name, e->types);
        }
        return 0;
    }
    char why[512];
    if (sp_xdg_path(SP_XDG_CONFIG, set->config_dir, "watch.list", s->list_path, sizeof s->list_path, why,
                    sizeof why) < 0) {
        s->list_path[0] = '\0';
        snprintf(err, errlen, "no place for watch.list: %s (use --config-dir DIR)", why);
        return -1;
    }
    if (sp_watchlist_load(s->list_path, &s->list, &s->probs, &s->nprobs, why, sizeof why) < 0)
        return trouble(s, set, why, err, errlen);
    return 0;
}

/* The change log: its directory and the file open for appending. */
static int open_log(sp_watch_setup *s, const sp_watch_settings *set, char *err, size_t errlen)
{
    char state[4096], why[512], what[700];
    const char *lost = set->partial ? "events are not kept" : "cannot keep the change log";
    if (sp_xdg_dir(SP_XDG_STATE, set->state_dir, state, sizeof state, why, sizeof why) < 0 ||
        sp_mkdir_p(state, 0700, why, sizeof why) < 0) {
        snprintf(s->log_path, sizeof s->log_path, "(no change log)");
        snprintf(what, sizeof what, "%s: %s (use --state-dir DIR)", lost, why);
        return trouble(s, set, what, err, errlen);
    }
    snprintf(s->log_path, sizeof s->log_path, "%s/%s", state, SP_CHANGELOG_FILE);
    s->log_fd = sp_changelog_open(s->log_path, why, sizeof why);
    if (s->log_fd < 0) {
        /* The reason names the file already. */
        if (set->partial)
            snprintf(what, sizeof what, "%s: %s (use --state-dir DIR)", lost, why);
        else
            snprintf(what, sizeof what, "%s (use --state-dir DIR)", why);
        return trouble(s, set, what, err, errlen);
    }
    return 0;
}

/* A hook's failure: into hooks.log with the time, among the hooks' own
 * output, then to the caller. */
static void on_hook_log(void *ud, const char *line)
{
    sp_watch_setup *s = ud;
    if (s->hook_fd >= 0) {
        char buf[600], ts[32] = "";
        time_t t = time(NULL);
        struct tm tm;
        if (localtime_r(&t, &tm))
            strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
        int n = snprintf(buf, sizeof buf, "%s  sockpit: %s\n", ts, line);
        if (n > 0)
            sp_applog_write(s->hook_fd, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
    }
    if (s->on_hook_log)
        s->on_hook_log(s->ud, line);
}

/* The hook runner, its output into hooks.log in the change log's directory;
 * without it, to stderr, or nowhere with partial (stderr is the screen). */
static int start_hooks(sp_watch_setup *s, sp_loop *loop, const sp_watch_settings *set, char *err, size_t errlen)
{
    if (s->log_fd >= 0) {
        char path[sizeof s->log_path + 16], why[600];
        snprintf(path, sizeof path, "%s", s->log_path);
        char *slash = strrchr(path, '/');
        size_t at = slash ? (size_t)(slash + 1 - path) : 0;
        snprintf(path + at, sizeof path - at, "hooks.log");
        s->hook_fd = sp_applog_open(path, why, sizeof why);
        if (s->hook_fd < 0)
            snprintf(s->problem, sizeof s->problem, "%s: %s", set->partial ? "hook output is not kept" : "hook output goes to stderr", why);
    }
    s->hook = sp_hook_new(loop, &(sp_hook_config){ .cmd = set->exec, .timeout = set->exec_timeout,
                                                    .out_fd = s->hook_fd >= 0 ? s->hook_fd
                                                              : set->partial ? -1 : STDERR_FILENO,
                                                    .log = on_hook_log, .ud = s });
    if (!s->hook) {
        char what[300];
        snprintf(what, sizeof what, "hooks do not run: no SIGCHLD through the loop: %s", strerror(errno));
        return trouble(s, set, what, err, errlen);
    }
    return 0;
}

/* One scan of the log, newest first, fills the recent events and finds
 * what each watched name's types were last. */
typedef struct resume {
    sp_watch *watch;
    sp_wevent *recent;
    size_t keep, nrecent;
    size_t open; /* (name, type) pairs not found yet */
} resume;

static bool resume_one(void *ud, const sp_wevent *ev)
{
    resume *r = ud;
    if (r->nrecent < r->keep) {
        sp_wevent *slot = &r->recent[r->keep - 1 - r->nrecent++];
        sp_wevent_init(slot);
        sp_wevent_copy(slot, ev);
    }
    sp_watch_name *n = r->open ? sp_watch_find(r->watch, ev->name) : NULL;
    if (n)
        r->open -= sp_watch_remember(r->watch, n, ev);
    return r->nrecent < r->keep || r->open > 0;
}

static int resume_from_log(sp_watch_setup *s, const sp_watch_settings *set, int64_t log_max, char *err,
                           size_t errlen)
{
    resume r = { .watch = s->watch, .keep = set->keep };
    r.recent = r.keep ? sp_xcalloc(r.keep, sizeof *r.recent) : NULL;
    for (size_t i = 0; i < sp_watch_count(s->watch); i++) {
        unsigned types = sp_watch_get(s->watch, i)->types;
        for (int t = 0; t < SP_RR_N; t++)
            r.open += (types & SP_RRBIT(t)) != 0;
    }
    char why[512] = "", what[700];
    int rc = 0;
    /* Both files whole: a name's last event may be far back. */
    if (r.keep || r.open)
        rc = sp_changelog_scan(s->log_path, (size_t)log_max + 65536, resume_one, &r, why, sizeof why);
    for (size_t i = r.keep - r.nrecent; i < r.keep; i++) {
        sp_eventring_push(&s->recent, &r.recent[i]);
        sp_wevent_free(&r.recent[i]);
    }
    free(r.recent);
    snprintf(what, sizeof what, "old events not loaded: %s", why);
    return rc < 0 ? trouble(s, set, what, err, errlen) : 0;
}

int sp_watch_set_up(sp_watch_setup *s, sp_loop *loop, sp_dns *dns, const sp_watch_settings *set, char *err,
                    size_t errlen)
{
    *s = (sp_watch_setup){ .log_fd = -1, .hook_fd = -1, .on_event = set->on_event, .on_answer = set->on_answer,
                           .on_hook_log = set->on_hook_log, .ud = set->ud };
    sp_watchlist_init(&s->list);
    sp_eventring_init(&s->recent, set->keep);
    if (load_names(s, set, err, errlen) < 0)
        return SP_WATCH_SETUP_FAILED;
    size_t total = sp_watchlist_names(&s->list);
    if (set->need_names && total == 0)
        return SP_WATCH_SETUP_NO_NAMES;
    if (open_log(s, set, err, errlen) < 0)
        return SP_WATCH_SETUP_FAILED;

    if (set->exec && start_hooks(s, loop, set, err, errlen) < 0)
        return SP_WATCH_SETUP_FAILED;

    int64_t log_max = set->log_max > 0 ? set->log_max : SP_CHANGELOG_MAX_DEFAULT;
    sp_watch_config wc = { .dns = dns, .interval = set->interval, .ttl_mode = set->ttl_mode,
                           .log_fd = s->log_fd, .log_path = s->log_path, .log_max = log_max,
                           .on_event = on_event, .on_answer = on_answer, .ud = s };
    s->watch = sp_watch_new(loop, &wc);
    /* Spread the first lookups so a long list does not hit the server
     * with every query at once: over a second, or for more than 1,000
     * names over as many seconds as thousands of names (at most one
     * interval), so they stay spread over the interval after. */
    double spread = (double)total / 1000.0 > 1.0 ? (double)total / 1000.0 : 1.0;
    if (spread > set->interval)
        spread = set->interval;
    size_t i = 0;
    for (size_t e = 0; e < s->list.n; e++) {
        const sp_watchlist_entry *x = &s->list.v[e];
        if (x->name[0])
            sp_watch_add(s->watch, x->name, x->types, x->mode, x->interval_ms, spread * (double)i++ / (double)total);
    }
    if (s->log_fd >= 0 && resume_from_log(s, set, log_max, err, errlen) < 0)
        return SP_WATCH_SETUP_FAILED;
    return SP_WATCH_SETUP_OK;
}

void sp_watch_tear_down(sp_watch_setup *s)
{
    /* A rotation replaced the descriptor the watcher was given. */
    if (s->watch)
        s->log_fd = sp_watch_log_fd(s->watch);
    sp_watch_free(s->watch);
    s->watch = NULL;
    sp_hook_free(s->hook);
    s->hook = NULL;
    if (s->hook_fd >= 0)
        close(s->hook_fd);
    s->hook_fd = -1;
    if (s->log_fd >= 0)
        close(s->log_fd);
    s->log_fd = -1;
    sp_eventring_free(&s->recent);
    sp_watchlist_free(&s->list);
    free(s->probs);
    s->probs = NULL;
    s->nprobs = 0;
}
