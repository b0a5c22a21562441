/* Hooks for DNS watch events: fork + execve of /bin/sh -c CMD, stdin from
 * a memfd holding the event's JSON (so a long answer never blocks us on a
 * pipe), reaped on SIGCHLD. */
#include "sockpit/dns/hook.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockpit/core/mem.h"

extern char **environ;

/* One event waiting or running. */
typedef struct hook_job {
#define NENV 6
    char *env[NENV]; /* "SOCKPIT_NAME=..." ... */
    char *json;
    size_t jsonlen;
    char what[SP_DNSNAME_MAX + SP_RRMASK_STRLEN + 16]; /* "www.test change A" for the status lines */
    pid_t pid;
    uint64_t timer;
    bool terminated; /* the time limit sent SIGTERM */
} hook_job;

struct sp_hook {
    sp_loop *loop;
    char *cmd;
    double timeout;
    size_t max_running, max_queue;
    int out_fd;
    sp_hook_log_fn *log;
    void *ud;
    hook_job **run;   /* running */
    size_t nrun, caprun;
    hook_job **queue; /* waiting, oldest first */
    size_t nqueue, capqueue;
    unsigned long ok, failed;
};

static void hook_log(sp_hook *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hook_log(sp_hook *h, const char *fmt, ...)
{
    char line[SP_DNSNAME_MAX + 200];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started on the line above; a clang 14 false positive */
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (h->log)
        h->log(h->ud, line);
}

static void job_free(hook_job *j)
{
    for (size_t i = 0; i < NENV; i++)
        free(j->env[i]);
    free(j->json);
    free(j);
}

/* A memory stream, or out of memory. */
static FILE *memstream(char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    if (f)
        return f;
    sp_oom();
}

/* "KEY=" and the set, addresses separated by spaces, values by newlines. */
static char *env_set(const char *key, const sp_wevent *ev, const sp_addrset *set, const sp_valset *vals)
{
    char *out;
    size_t len;
    FILE *f = memstream(&out, &len);
    fputs(key, f);
    if (sp_wevent_is_addr(ev)) {
        for (size_t i = 0; i < set->n; i++) {
            char a[SP_ADDR_STRLEN];
            fprintf(f, "%s%s", i ? " " : "", sp_addr_str(&set->v[i], a));
        }
    } else {
        for (size_t i = 0; i < vals->n; i++)
            fprintf(f, "%s%s", i ? "\n" : "", vals->v[i]);
    }
    if (fclose(f) != 0)
        sp_oom();
    return out;
}

/* "SOCKPIT_ANSWERS=" and a disagree's or agree's answers, "SERVER ANSWER"
 * a line, the answer as the change log writes it; empty for other events. */
static char *env_answers(const sp_wevent *ev)
{
    char *out;
    size_t len;
    FILE *f = memstream(&out, &len);
    fputs("SOCKPIT_ANSWERS=", f);
    for (size_t i = 0; i < ev->nanswers; i++)
        fprintf(f, "%s%s %s", i ? "\n" : "", ev->answers[i].server,
                ev->answers[i].answer[0] ? ev->answers[i].answer : "(none)");
    if (fclose(f) != 0)
        sp_oom();
    return out;
}

static char *env_str(const char *key, const char *val)
{
    size_t n = strlen(key) + strlen(val) + 1;
    char *s = sp_xmalloc(n);
    snprintf(s, n, "%s%s", key, val);
    return s;
}

static hook_job *job_new(const sp_wevent *ev)
{
    hook_job *j = sp_xcalloc(1, sizeof *j);
    char types[SP_RRMASK_STRLEN];
    sp_rrmask_format(ev->rrtype, types);
    j->env[0] = env_str("SOCKPIT_NAME=", ev->name);
    j->env[1] = env_str("SOCKPIT_EVENT=", sp_wev_kind_name(ev->kind));
    j->env[2] = env_str("SOCKPIT_RRTYPE=", types);
    j->env[3] = env_set("SOCKPIT_OLD=", ev, &ev->old, &ev->oldv);
    j->env[4] = env_set("SOCKPIT_NEW=", ev, &ev->new, &ev->newv);
    j->env[5] = env_answers(ev);
    FILE *f = memstream(&j->json, &j->jsonlen);
    sp_wevent_json(ev, f);
    if (fclose(f) != 0)
        sp_oom();
    snprintf(j->what, sizeof j->what, "%s %s %s", ev->name, sp_wev_kind_name(ev->kind), types);
    return j;
}

static bool ours(const char *e)
{
    static const char *const keys[] = { "SOCKPIT_NAME=", "SOCKPIT_EVENT=", "SOCKPIT_RRTYPE=", "SOCKPIT_OLD=",
                                        "SOCKPIT_NEW=", "SOCKPIT_ANSWERS=" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strncmp(e, keys[i], strlen(keys[i])) == 0)
            return true;
    return false;
}

static void on_timeout(sp_loop *loop, uint64_t id, void *ud);

/* Forks the child; everything it needs is built before the fork, so the
 * child only calls async-signal-safe functions. */
static int job_start(sp_hook *h, hook_job *j)
{
    int in = memfd_create("sockpit-hook", MFD_CLOEXEC);
    if (in < 0)
        return -1;
    size_t off = 0;
    while (off < j->jsonlen) {
        ssize_t n = write(in, j->json + off, j->jsonlen - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = errno;
            close(in);
            errno = e;
            return -1;
        }
        off += (size_t)n;
    }
    if (lseek(in, 0, SEEK_SET) < 0) {
        int e = errno;
        close(in);
        errno = e;
        return -1;
    }
    size_t nenv = 0;
    while (environ && environ[nenv])
        nenv++;
    char **envp = sp_xcalloc(nenv + NENV + 1, sizeof *envp);
    size_t k = 0;
    for (size_t i = 0; i < nenv; i++)
        if (!ours(environ[i]))
            envp[k++] = environ[i];
    for (size_t i = 0; i < NENV; i++)
        envp[k++] = j->env[i];
    char *argv[] = { "sh", "-c", h->cmd, NULL };
    long maxfd = sysconf(_SC_OPEN_MAX);
    if (maxfd < 0 || maxfd > 65536)
        maxfd = 65536;
    sigset_t none;
    sigemptyset(&none);

    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        /* The loop blocks the signals it reads from its signalfd. */
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        int out = h->out_fd;
        if (out < 0)
            out = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (dup2(in, 0) < 0 || (out >= 0 && (dup2(out, 1) < 0 || dup2(out, 2) < 0)))
            _exit(126);
        /* None of the loop's descriptors leak into the hook. */
        if (close_range(3, ~0U, 0) < 0)
            for (int fd = 3; fd < (int)maxfd; fd++)
                close(fd);
        execve("/bin/sh", argv, envp);
        _exit(127);
    }
    int e = errno;
    free(envp);
    close(in);
    if (pid < 0) {
        errno = e;
        return -1;
    }
    /* Also here, so the group exists before the parent may signal it. */
    setpgid(pid, pid);
    j->pid = pid;
    j->timer = sp_loop_timer(h->loop, h->timeout, 0, on_timeout, h);
    SP_GROW(h->run, h->caprun, h->nrun + 1);
    h->run[h->nrun++] = j;
    return 0;
}

/* Starts queued jobs while there is room. */
static void pump(sp_hook *h)
{
    while (h->nrun < h->max_running && h->nqueue > 0) {
        hook_job *j = h->queue[0];
        memmove(h->queue, h->queue + 1, (h->nqueue - 1) * sizeof *h->queue);
        h->nqueue--;
        if (job_start(h, j) < 0) {
            h->failed++;
            hook_log(h, "hook for %s: cannot start /bin/sh: %s", j->what, strerror(errno));
            job_free(j);
        }
    }
}

static void on_timeout(sp_loop *loop, uint64_t id, void *ud)
{
    sp_hook *h = ud;
    for (size_t i = 0; i < h->nrun; i++) {
        hook_job *j = h->run[i];
        if (j->timer != id)
            continue;
        if (!j->terminated) {
            j->terminated = true;
            hook_log(h, "hook for %s: still running after %g s: sending SIGTERM to its process group", j->what,
                     h->timeout);
            kill(-j->pid, SIGTERM);
            j->timer = sp_loop_timer(loop, SP_HOOK_KILL_GRACE, 0, on_timeout, h);
        } else {
            hook_log(h, "hook for %s: still running %g s after SIGTERM: sending SIGKILL", j->what,
                     SP_HOOK_KILL_GRACE);
            kill(-j->pid, SIGKILL);
            j->timer = 0;
        }
        return;
    }
}

static void reaped(sp_hook *h, hook_job *j, int st)
{
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        h->ok++;
        return;
    }
    h->failed++;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        hook_log(h, "hook for %s: exit status 127 (command not found?)", j->what);
    else if (WIFEXITED(st))
        hook_log(h, "hook for %s: exit status %d", j->what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        hook_log(h, "hook for %s: killed by signal %d (%s)%s", j->what, WTERMSIG(st), strsignal(WTERMSIG(st)),
                 j->terminated ? " after its time limit" : "");
}

static void on_sigchld(sp_loop *loop, int signo, void *ud)
{
    (void)loop;
    (void)signo;
    sp_hook *h = ud;
    /* Only our own children: others (of other parts of the program) are
     * theirs to reap. */
    for (size_t i = 0; i < h->nrun;) {
        hook_job *j = h->run[i];
        int st;
        pid_t r = waitpid(j->pid, &st, WNOHANG);
        if (r == 0 || (r < 0 && errno == EINTR)) {
            i++;
            continue;
        }
        if (r == j->pid)
            reaped(h, j, st);
        if (j->timer)
            sp_loop_cancel(h->loop, j->timer);
        h->run[i] = h->run[--h->nrun];
        job_free(j);
    }
    pump(h);
}

sp_hook *sp_hook_new(sp_loop *loop, const sp_hook_config *cfg)
{
    sp_hook *h = sp_xcalloc(1, sizeof *h);
    h->loop = loop;
    h->cmd = sp_xstrdup(cfg->cmd);
    h->timeout = cfg->timeout > 0 ? cfg->timeout : SP_HOOK_TIMEOUT_DEFAULT;
    h->max_running = cfg->max_running > 0 ? (size_t)cfg->max_running : SP_HOOK_RUNNING_MAX;
    h->max_queue = cfg->max_queue ? cfg->max_queue : SP_HOOK_QUEUE_MAX;
    h->out_fd = cfg->out_fd;
    h->log = cfg->log;
    h->ud = cfg->ud;
    if (sp_loop_signal(loop, SIGCHLD, on_sigchld, h) < 0) {
        free(h->cmd);
        free(h);
        return NULL;
    }
    return h;
}

void sp_hook_free(sp_hook *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->nrun; i++) {
        hook_job *j = h->run[i];
        kill(-j->pid, SIGKILL);
        while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        if (j->timer)
            sp_loop_cancel(h->loop, j->timer);
        job_free(j);
    }
    for (size_t i = 0; i < h->nqueue; i++)
        job_free(h->queue[i]);
    sp_loop_unsignal(h->loop, SIGCHLD, on_sigchld, h);
    free(h->run);
    free(h->queue);
    free(h->cmd);
    free(h);
}

int sp_hook_event(sp_hook *h, const sp_wevent *ev)
{
    if (h->nqueue >= h->max_queue) {
        char types[SP_RRMASK_STRLEN];
        hook_log(h, "hook for %s %s %s: %zu hooks waiting already: event dropped", ev->name,
                 sp_wev_kind_name(ev->kind), sp_rrmask_format(ev->rrtype, types), h->nqueue);
        return -1;
    }
    SP_GROW(h->queue, h->capqueue, h->nqueue + 1);
    h->queue[h->nqueue++] = job_new(ev);
    pump(h);
    return 0;
}

size_t sp_hook_running(const sp_hook *h) { return h->nrun; }
size_t sp_hook_queued(const sp_hook *h) { return h->nqueue; }
unsigned long sp_hook_ok(const sp_hook *h) { return h->ok; }
unsigned long sp_hook_failed(const sp_hook *h) { return h->failed; }
