/* The change log on disk: a line that did not fit (a full disk) is taken
 * back, a log cut mid-line gets a newline before the next event, and a FIFO
 * in the log's place is refused at once instead of blocking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockpit/dns/changelog.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/sp-changelog.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/%s", dir, SP_CHANGELOG_FILE);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char old[160];
    snprintf(old, sizeof old, "%s%s", path, SP_CHANGELOG_OLD);
    unlink(old);
    unlink(path);
    rmdir(dir);
    return 0;
}

static void event(sp_wevent *ev, const char *name, const char *error)
{
    sp_wevent_init(ev);
    ev->time_ms = 1764000000000;
    snprintf(ev->name, sizeof ev->name, "%s", name);
    ev->kind = SP_WEV_ERROR;
    snprintf(ev->error, sizeof ev->error, "%s", error);
}

static off_t size_of(const char *p)
{
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    return st.st_size;
}

static size_t load(sp_wevent **evs)
{
    size_t n;
    char err[256];
    assert_int_equal(sp_changelog_load(path, 100, evs, &n, err, sizeof err), 0);
    return n;
}

static void free_events(sp_wevent *evs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sp_wevent_free(&evs[i]);
    free(evs);
}

static void test_a_line_that_does_not_fit_is_taken_back(void **state)
{
    (void)state;
    char err[256];
    sp_wevent ev;
    int fd = sp_changelog_open(path, err, sizeof err);
    assert_true(fd >= 0);
    event(&ev, "one.test", "NXDOMAIN");
    assert_int_equal(sp_changelog_append(fd, &ev), 0);
    off_t whole = size_of(path);
    /* A file size limit 10 bytes on: the next line is written in part,
     * then refused, as on a disk that fills up. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = { (rlim_t)whole + 10, (rlim_t)whole + 10 };
        setrlimit(RLIMIT_FSIZE, &rl);
        sp_wevent big;
        event(&big, "two.test", "SERVFAIL");
        _exit(sp_changelog_append(fd, &big) == -1 ? 0 : 1);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(size_of(path), whole);
    /* The next event lands whole and both load back. */
    event(&ev, "three.test", "REFUSED");
    assert_int_equal(sp_changelog_append(fd, &ev), 0);
    close(fd);
    sp_wevent *evs;
    size_t n = load(&evs);
    assert_int_equal(n, 2);
    assert_string_equal(evs[0].name, "one.test");
    assert_string_equal(evs[1].name, "three.test");
    free_events(evs, n);
}

static void test_a_cut_log_gets_a_newline(void **state)
{
    (void)state;
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("2026-11-29 08:00:01  cut.test  err", f);
    fclose(f);
    char err[256];
    int fd = sp_changelog_open(path, err, sizeof err);
    assert_true(fd >= 0);
    sp_wevent ev;
    event(&ev, "after.test", "NXDOMAIN");
    assert_int_equal(sp_changelog_append(fd, &ev), 0);
    close(fd);
    sp_wevent *evs;
    size_t n = load(&evs);
    assert_int_equal(n, 1);
    assert_string_equal(evs[0].name, "after.test");
    free_events(evs, n);
}

static void test_a_fifo_is_refused(void **state)
{
    (void)state;
    assert_int_equal(mkfifo(path, 0600), 0);
    char err[256];
    /* No reader: a plain open would wait forever. */
    assert_int_equal(sp_changelog_open(path, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    sp_wevent *evs;
    size_t n;
    assert_int_equal(sp_changelog_load(path, 10, &evs, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
}

typedef struct names_seen {
    char names[128][SP_DNSNAME_MAX + 1];
    size_t n;
} names_seen;

static bool note_name(void *ud, const sp_wevent *ev)
{
    names_seen *s = ud;
    if (s->n < 128)
        snprintf(s->names[s->n++], sizeof s->names[0], "%s", ev->name);
    return true;
}

/* At the size limit the log becomes dns-changes.log.1 and a new one is
 * started; the scan reads both, newest first. A second writer whose file
 * was rotated by the first only reopens: it never rotates the new file away. */
static void test_rotation(void **state)
{
    (void)state;
    char err[256], old[160], name[16];
    snprintf(old, sizeof old, "%s%s", path, SP_CHANGELOG_OLD);
    int fd = sp_changelog_open(path, err, sizeof err);
    int other = sp_changelog_open(path, err, sizeof err);
    assert_true(fd >= 0 && other >= 0);
    sp_wevent ev;
    for (int i = 0; i < 80; i++) {
        snprintf(name, sizeof name, "n%d.test", i);
        event(&ev, name, "NXDOMAIN");
        assert_int_equal(sp_changelog_append_rotate(&fd, path, 1000, &ev), 0);
        assert_true(size_of(path) <= 1000);
    }
    assert_true(size_of(old) <= 1000);
    names_seen seen = { .n = 0 };
    assert_int_equal(sp_changelog_scan(path, 1 << 20, note_name, &seen, err, sizeof err), 0);
    /* Newest first, across both files, no gap. */
    assert_true(seen.n > 20 && seen.n < 80);
    for (size_t i = 0; i < seen.n; i++) {
        snprintf(name, sizeof name, "n%zu.test", 79 - i);
        assert_string_equal(seen.names[i], name);
    }
    /* The other writer's file is dns-changes.log.1 now (or gone): it goes
     * on in the new file without renaming it. */
    struct stat before, after;
    assert_int_equal(stat(path, &before), 0);
    event(&ev, "late.test", "timeout");
    assert_int_equal(sp_changelog_append_rotate(&other, path, 1, &ev), 0);
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino);
    seen.n = 0;
    assert_int_equal(sp_changelog_scan(path, 1 << 20, note_name, &seen, err, sizeof err), 0);
    assert_string_equal(seen.names[0], "late.test");
    close(fd);
    close(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_line_that_does_not_fit_is_taken_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_cut_log_gets_a_newline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_fifo_is_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
