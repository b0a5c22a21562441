/* The DNS watch model: address sets, the name validator, watch.list, the
 * change log format and the first/change/error/recover state machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ares.h>
#include <cmocka.h>

#include "sockpit/dns/addrset.h"
#include "sockpit/dns/changelog.h"
#include "sockpit/dns/dnsname.h"
#include "sockpit/core/loop.h"
#include "sockpit/dns/watch.h"
#include "sockpit/dns/watchlist.h"
#include "sockpit/core/xdg.h"

/* s must be initialised (zeroed); it may hold an earlier set. */
static void set_of(sp_addrset *s, const char *text)
{
    assert_int_equal(sp_addrset_parse(text, strlen(text), s), 0);
}

static void fmt(const sp_addrset *s, char *buf, size_t cap) { sp_addrset_format(s, ", ", buf, cap); }

static void test_set_order_and_duplicates(void **st)
{
    (void)st;
    sp_addrset a = { 0 }, b = { 0 };
    set_of(&a, "198.18.5.9, 198.18.5.1, 198.18.5.1, ::1");
    set_of(&b, "::1,198.18.5.1 198.18.5.9");
    assert_true(sp_addrset_equal(&a, &b));
    char buf[128];
    fmt(&a, buf, sizeof buf);
    assert_string_equal(buf, "198.18.5.1, 198.18.5.9, ::1");
    /* Numeric order, not text order. */
    sp_addrset c = { 0 };
    set_of(&c, "10.0.0.10, 10.0.0.9, 9.0.0.1");
    fmt(&c, buf, sizeof buf);
    assert_string_equal(buf, "9.0.0.1, 10.0.0.9, 10.0.0.10");
    assert_int_equal(sp_addrset_parse("1.2.3.4, nope", 13, &c), -1);
    sp_addrset_free(&a);
    sp_addrset_free(&b);
    sp_addrset_free(&c);
}

static void test_set_diff(void **st)
{
    (void)st;
    sp_addrset old = { 0 }, new = { 0 }, add, rem;
    set_of(&old, "198.18.5.1, 198.18.5.2, fd00::1");
    set_of(&new, "198.18.5.1, 198.18.5.9, fd00::2");
    sp_addrset_init(&add);
    sp_addrset_init(&rem);
    assert_false(sp_addrset_equal(&old, &new));
    sp_addrset_diff(&old, &new, &add, &rem);
    char buf[128];
    fmt(&add, buf, sizeof buf);
    assert_string_equal(buf, "198.18.5.9, fd00::2");
    fmt(&rem, buf, sizeof buf);
    assert_string_equal(buf, "198.18.5.2, fd00::1");
    sp_addrset_diff(&old, &old, &add, &rem);
    assert_int_equal(add.n + rem.n, 0);
    /* Truncated formatting still reports the full length. */
    size_t full = sp_addrset_format(&old, ", ", buf, 5);
    assert_int_equal(full, strlen("198.18.5.1, 198.18.5.2, fd00::1"));
    assert_string_equal(buf, "198.");
    sp_addrset_free(&old);
    sp_addrset_free(&new);
    sp_addrset_free(&add);
    sp_addrset_free(&rem);
}

static void test_name_validator(void **st)
{
    (void)st;
    char out[SP_DNSNAME_MAX + 1], err[256];
    assert_int_equal(sp_dnsname_check("WWW.Example.COM.", 16, out, err, sizeof err), 0);
    assert_string_equal(out, "www.example.com");
    assert_int_equal(sp_dnsname_check("_dmarc.example.com", 18, out, err, sizeof err), 0);
    assert_int_equal(sp_dnsname_check("localhost", 9, out, err, sizeof err), 0);
    const char *bad[] = { "", ".", "a..b", ".a", "-a.com", "a-.com", "a b.com", "a/b", "1.2.3.4", "é.com",
                          "a\x1b.com", "a.b..", };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sp_dnsname_check(bad[i], strlen(bad[i]), out, err, sizeof err), -1);
    char label[70];
    memset(label, 'a', 63);
    strcpy(label + 63, ".com");
    assert_int_equal(sp_dnsname_check(label, strlen(label), out, err, sizeof err), 0);
    memset(label, 'a', 64);
    strcpy(label + 64, ".com");
    assert_int_equal(sp_dnsname_check(label, strlen(label), out, err, sizeof err), -1);
    assert_non_null(strstr(err, "63"));
    char longname[300];
    for (int i = 0; i < 64; i++)
        memcpy(longname + i * 4, "abc.", 4);
    longname[255] = '\0'; /* 255 characters */
    assert_int_equal(sp_dnsname_check(longname, 255, out, err, sizeof err), -1);
    assert_non_null(strstr(err, "253"));
    assert_int_equal(sp_dnsname_check(longname, 253, out, err, sizeof err), 0);
}

static void test_watchlist_parse(void **st)
{
    (void)st;
    const char text[] = "# my names\n"
                        "www.example.com\n"
                        "  api.example.com   interval=0.5  # fast\n"
                        "cdn.example.com interval=ttl\n"
                        "bad..name\n"
                        "x.example.com interval=0.1\n"
                        "y.example.com speed=3\n"
                        "WWW.example.com\n"
                        "\n"
                        "last.example.com interval=86400";
    sp_watchlist l;
    sp_watchlist_init(&l);
    sp_watchlist_problem *probs;
    size_t np;
    sp_watchlist_parse(text, sizeof text - 1, &l, &probs, &np);
    assert_int_equal(sp_watchlist_names(&l), 4);
    assert_int_equal(np, 4);
    assert_int_equal(probs[0].line, 5);
    assert_int_equal(probs[1].line, 6);
    assert_int_equal(probs[2].line, 7);
    assert_int_equal(probs[3].line, 8);
    sp_watchlist_entry *e = sp_watchlist_find(&l, "api.example.com");
    assert_non_null(e);
    assert_int_equal(e->mode, SP_WMODE_INTERVAL);
    assert_int_equal(e->interval_ms, 500);
    assert_int_equal(sp_watchlist_find(&l, "cdn.example.com")->mode, SP_WMODE_TTL);
    assert_int_equal(sp_watchlist_find(&l, "www.example.com")->mode, SP_WMODE_DEFAULT);
    assert_int_equal(sp_watchlist_find(&l, "last.example.com")->interval_ms, 86400000L);
    free(probs);

    /* Edits keep every other line as written. */
    assert_int_equal(sp_watchlist_add(&l, "new.example.com", SP_WMODE_INTERVAL, 2500), 0);
    assert_int_equal(sp_watchlist_add(&l, "new.example.com", SP_WMODE_DEFAULT, 0), -1);
    assert_true(sp_watchlist_remove(&l, "www.example.com"));
    assert_true(sp_watchlist_set_mode(&l, "cdn.example.com", SP_WMODE_INTERVAL, 1000));
    size_t len;
    char *out = sp_watchlist_serialise(&l, &len);
    assert_string_equal(out, "# my names\n"
                             "  api.example.com   interval=0.5  # fast\n"
                             "cdn.example.com interval=1\n"
                             "bad..name\n"
                             "x.example.com interval=0.1\n"
                             "y.example.com speed=3\n"
                             "WWW.example.com\n"
                             "\n"
                             "last.example.com interval=86400\n"
                             "new.example.com interval=2.5\n");
    /* What was written reads back the same. */
    sp_watchlist l2;
    sp_watchlist_init(&l2);
    sp_watchlist_parse(out, len, &l2, &probs, &np);
    /* WWW.example.com is no longer a repeat once www.example.com is gone. */
    assert_int_equal(sp_watchlist_names(&l2), 5);
    assert_non_null(sp_watchlist_find(&l2, "www.example.com"));
    assert_int_equal(sp_watchlist_find(&l2, "new.example.com")->interval_ms, 2500);
    free(probs);
    free(out);
    sp_watchlist_free(&l);
    sp_watchlist_free(&l2);
}

static void test_watchlist_hostile_bytes(void **st)
{
    (void)st;
    const char text[] = "a.com\0x\n\xff\xfe\n\x1b[2J.com\nok.com\r\n";
    sp_watchlist l;
    sp_watchlist_init(&l);
    sp_watchlist_problem *probs;
    size_t np;
    sp_watchlist_parse(text, sizeof text - 1, &l, &probs, &np);
    assert_int_equal(sp_watchlist_names(&l), 1);
    assert_non_null(sp_watchlist_find(&l, "ok.com"));
    assert_int_equal(np, 3);
    for (size_t i = 0; i < np; i++)
        for (const char *c = probs[i].msg; *c; c++)
            assert_true((unsigned char)*c >= 0x20 && *c != 0x7f);
    free(probs);
    /* Found by fuzz_watchlist: the bad line with a NUL byte was written
     * back cut at the NUL. Every line goes back as it was read. */
    size_t len;
    char *out = sp_watchlist_serialise(&l, &len);
    assert_int_equal(len, sizeof text - 1);
    assert_memory_equal(out, text, len);
    free(out);
    sp_watchlist_free(&l);
}

/* Names are found through an index: after removals in the middle it still
 * points at the right entries, and a repeat is still caught. */
static void test_watchlist_index(void **st)
{
    (void)st;
    const char text[] = "a.test\n# c\nb.test\nc.test\nA.test\nd.test\ne.test\nb.test.\n";
    sp_watchlist l;
    sp_watchlist_init(&l);
    sp_watchlist_problem *probs;
    size_t np;
    sp_watchlist_parse(text, sizeof text - 1, &l, &probs, &np);
    assert_int_equal(sp_watchlist_names(&l), 5);
    assert_int_equal(np, 2);
    assert_int_equal(probs[0].line, 5);
    assert_int_equal(probs[1].line, 8);
    free(probs);
    assert_int_equal(sp_watchlist_find(&l, "a.test") - l.v, 0);
    assert_int_equal(sp_watchlist_find(&l, "e.test") - l.v, 6);
    assert_null(sp_watchlist_find(&l, ""));
    assert_null(sp_watchlist_find(&l, "A.test"));

    assert_true(sp_watchlist_remove(&l, "b.test"));
    assert_false(sp_watchlist_remove(&l, "b.test"));
    assert_true(sp_watchlist_remove(&l, "a.test"));
    assert_int_equal(sp_watchlist_names(&l), 3);
    static const char *const left[] = { "c.test", "d.test", "e.test" };
    for (size_t i = 0; i < 3; i++) {
        sp_watchlist_entry *e = sp_watchlist_find(&l, left[i]);
        assert_non_null(e);
        assert_string_equal(e->name, left[i]);
    }
    assert_null(sp_watchlist_find(&l, "a.test"));
    assert_int_equal(sp_watchlist_add(&l, "d.test", SP_WMODE_DEFAULT, 0), -1);
    assert_int_equal(sp_watchlist_add(&l, "a.test", SP_WMODE_TTL, 0), 0);
    assert_int_equal(sp_watchlist_find(&l, "a.test") - l.v, (ptrdiff_t)l.n - 1);
    assert_true(sp_watchlist_set_mode(&l, "e.test", SP_WMODE_TTL, 0));
    assert_true(sp_watchlist_remove(&l, "a.test")); /* the last entry */
    assert_true(sp_watchlist_remove(&l, "e.test"));
    assert_string_equal(sp_watchlist_find(&l, "d.test")->name, "d.test");
    size_t len;
    char *out = sp_watchlist_serialise(&l, &len);
    assert_string_equal(out, "# c\nc.test\nA.test\nd.test\nb.test.\n");
    free(out);
    sp_watchlist_free(&l);
}

/* Past SP_WATCHLIST_MAX_NAMES names or SP_WATCHLIST_MAX_LINES lines the
 * rest of the file is reported once, ignored and written back as it was. */
static void test_watchlist_limits(void **st)
{
    (void)st;
    size_t cap = (size_t)(SP_WATCHLIST_MAX_NAMES + 10) * 32, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int i = 0; i <= SP_WATCHLIST_MAX_NAMES; i++)
        n += (size_t)snprintf(text + n, cap - n, "n%d.test\n", i);
    n += (size_t)snprintf(text + n, cap - n, "bad..name\nlast.test\n\n");
    sp_watchlist l;
    sp_watchlist_init(&l);
    sp_watchlist_problem *probs;
    size_t np;
    sp_watchlist_parse(text, n, &l, &probs, &np);
    assert_int_equal(sp_watchlist_names(&l), SP_WATCHLIST_MAX_NAMES);
    assert_int_equal(l.n, SP_WATCHLIST_MAX_NAMES + 1);
    assert_int_equal(np, 1);
    assert_int_equal(probs[0].line, SP_WATCHLIST_MAX_NAMES + 1);
    char want[80];
    snprintf(want, sizeof want, "more than %d names; this line and the rest are ignored", SP_WATCHLIST_MAX_NAMES);
    assert_non_null(strstr(probs[0].msg, want));
    free(probs);
    assert_non_null(sp_watchlist_find(&l, "n99999.test"));
    assert_null(sp_watchlist_find(&l, "n100000.test"));
    assert_null(sp_watchlist_find(&l, "last.test"));
    size_t len;
    char *out = sp_watchlist_serialise(&l, &len);
    assert_int_equal(len, n);
    assert_memory_equal(out, text, n);
    free(out);

    /* Lines: a name, then comments and blank lines. */
    n = (size_t)snprintf(text, cap, "first.test\n");
    for (int i = 1; i <= SP_WATCHLIST_MAX_LINES; i++)
        n += (size_t)snprintf(text + n, cap - n, "%s", i % 2 ? "#\n" : "\n");
    n += (size_t)snprintf(text + n, cap - n, "late.test");
    sp_watchlist_parse(text, n, &l, &probs, &np);
    assert_int_equal(sp_watchlist_names(&l), 1);
    assert_int_equal(l.n, SP_WATCHLIST_MAX_LINES + 1);
    assert_int_equal(np, 1);
    assert_int_equal(probs[0].line, SP_WATCHLIST_MAX_LINES + 1);
    snprintf(want, sizeof want, "more than %d lines; this line and the rest are ignored", SP_WATCHLIST_MAX_LINES);
    assert_non_null(strstr(probs[0].msg, want));
    free(probs);
    out = sp_watchlist_serialise(&l, &len);
    assert_int_equal(len, n + 1); /* with a final newline */
    assert_memory_equal(out, text, n);
    /* Names added after the rest are found now and ignored next time. */
    assert_int_equal(sp_watchlist_add(&l, "new.test", SP_WMODE_DEFAULT, 0), 0);
    assert_non_null(sp_watchlist_find(&l, "new.test"));
    free(out);
    free(text);
    sp_watchlist_free(&l);
}

static void test_interval_parse(void **st)
{
    (void)st;
    sp_wmode m;
    long ms;
    char err[200], buf[32];
    assert_int_equal(sp_watchlist_parse_interval("0.2", 3, &m, &ms, err, sizeof err), 0);
    assert_int_equal(ms, 200);
    assert_int_equal(sp_watchlist_parse_interval(".25", 3, &m, &ms, err, sizeof err), 0);
    assert_int_equal(ms, 250);
    assert_int_equal(sp_watchlist_parse_interval("0.1999", 6, &m, &ms, err, sizeof err), -1);
    assert_int_equal(sp_watchlist_parse_interval("0.19", 4, &m, &ms, err, sizeof err), -1);
    assert_int_equal(sp_watchlist_parse_interval("86401", 5, &m, &ms, err, sizeof err), -1);
    assert_int_equal(sp_watchlist_parse_interval("1e3", 3, &m, &ms, err, sizeof err), -1);
    assert_int_equal(sp_watchlist_parse_interval("", 0, &m, &ms, err, sizeof err), 0);
    assert_int_equal(m, SP_WMODE_DEFAULT);
    assert_string_equal(sp_watchlist_format_interval(SP_WMODE_INTERVAL, 1250, buf, sizeof buf), "1.25");
    assert_string_equal(sp_watchlist_format_interval(SP_WMODE_INTERVAL, 200, buf, sizeof buf), "0.2");
}

static void test_watchlist_atomic_save(void **st)
{
    (void)st;
    char dir[] = "/tmp/sp-watchlist-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/sub/dir/watch.list", dir);
    sp_watchlist l;
    sp_watchlist_init(&l);
    sp_watchlist_add(&l, "a.example", SP_WMODE_DEFAULT, 0);
    assert_int_equal(sp_watchlist_save(path, &l, err, sizeof err), 0);
    sp_watchlist l2;
    sp_watchlist_init(&l2);
    sp_watchlist_problem *probs;
    size_t np;
    assert_int_equal(sp_watchlist_load(path, &l2, &probs, &np, err, sizeof err), 0);
    assert_non_null(sp_watchlist_find(&l2, "a.example"));
    free(probs);
    /* No temporary file is left behind. */
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    assert_int_not_equal(access(tmp, F_OK), 0);
    /* One left by a killed process goes at the next save; a live
     * process's stays (it may be saving right now). */
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    char stale[300], live[300];
    snprintf(stale, sizeof stale, "%s.tmp.%ld", path, (long)dead);
    snprintf(live, sizeof live, "%s.tmp.%ld", path, (long)getppid());
    fclose(fopen(stale, "w"));
    fclose(fopen(live, "w"));
    assert_int_equal(sp_watchlist_save(path, &l, err, sizeof err), 0);
    assert_int_not_equal(access(stale, F_OK), 0);
    assert_int_equal(access(live, F_OK), 0);
    /* A missing file is an empty list. */
    snprintf(tmp, sizeof tmp, "%s/none.list", dir);
    assert_int_equal(sp_watchlist_load(tmp, &l2, &probs, &np, err, sizeof err), 0);
    assert_int_equal(l2.n, 0);
    /* A watch.list that is a (relative) symlink stays one: the save
     * replaces its target. */
    char target[300], link[300];
    snprintf(target, sizeof target, "%s/dotfiles.list", dir);
    snprintf(link, sizeof link, "%s/linked.list", dir);
    fclose(fopen(target, "w"));
    assert_int_equal(symlink("dotfiles.list", link), 0);
    assert_int_equal(sp_watchlist_save(link, &l, err, sizeof err), 0);
    struct stat lst;
    assert_int_equal(lstat(link, &lst), 0);
    assert_true(S_ISLNK(lst.st_mode));
    assert_int_equal(sp_watchlist_load(target, &l2, &probs, &np, err, sizeof err), 0);
    assert_non_null(sp_watchlist_find(&l2, "a.example"));
    free(probs);
    /* A FIFO in its place is refused at once (no reader: open would wait). */
    snprintf(tmp, sizeof tmp, "%s/fifo.list", dir);
    assert_int_equal(mkfifo(tmp, 0600), 0);
    assert_int_equal(sp_watchlist_load(tmp, &l2, &probs, &np, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    sp_watchlist_free(&l);
    sp_watchlist_free(&l2);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_xdg(void **st)
{
    (void)st;
    char out[512], err[256];
    setenv("HOME", "/home/someone", 1);
    unsetenv("XDG_CONFIG_HOME");
    setenv("XDG_STATE_HOME", "relative/ignored", 1);
    assert_int_equal(sp_xdg_dir(SP_XDG_CONFIG, NULL, out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "/home/someone/.config/sockpit");
    assert_int_equal(sp_xdg_dir(SP_XDG_STATE, NULL, out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "/home/someone/.local/state/sockpit");
    setenv("XDG_STATE_HOME", "/x/state", 1);
    assert_int_equal(sp_xdg_path(SP_XDG_STATE, NULL, "dns-changes.log", out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "/x/state/sockpit/dns-changes.log");
    assert_int_equal(sp_xdg_path(SP_XDG_STATE, "/given", "f", out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "/given/f");
    char dir[] = "/tmp/sp-xdg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char deep[256];
    snprintf(deep, sizeof deep, "%s/a/b/c/", dir);
    assert_int_equal(sp_mkdir_p(deep, 0700, err, sizeof err), 0);
    assert_int_equal(sp_mkdir_p(deep, 0700, err, sizeof err), 0);
    char file[256];
    snprintf(file, sizeof file, "%s/a/file", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(deep, sizeof deep, "%s/a/file/x", dir);
    assert_int_equal(sp_mkdir_p(deep, 0700, err, sizeof err), -1);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_log_format_and_parse(void **st)
{
    (void)st;
    setenv("TZ", "UTC", 1);
    sp_wevent ev;
    sp_wevent_init(&ev);
    ev.time_ms = 1795939201000LL; /* 2026-11-29 08:00:01 UTC */
    snprintf(ev.name, sizeof ev.name, "www.example.com");
    ev.kind = SP_WEV_CHANGE;
    ev.rrtype = SP_RRBIT(SP_RR_A);
    set_of(&ev.old, "198.18.5.1");
    set_of(&ev.new, "198.18.5.9, 198.18.5.1");
    char line[512];
    sp_changelog_format(&ev, line, sizeof line);
    assert_string_equal(line, "2026-11-29 08:00:01  www.example.com  A: 198.18.5.1 \xe2\x86\x92 198.18.5.1, "
                              "198.18.5.9  (+198.18.5.9)");
    sp_wevent back;
    sp_wevent_init(&back);
    assert_int_equal(sp_changelog_parse_line(line, strlen(line), &back), 0);
    assert_int_equal(back.kind, SP_WEV_CHANGE);
    assert_int_equal(back.rrtype, SP_RRBIT(SP_RR_A));
    /* A line from before the types were logged is about A and AAAA. */
    const char *v1 = "2026-11-29 08:00:01  www.example.com  198.18.5.1 \xe2\x86\x92 198.18.5.1, "
                     "fd00::1  (+fd00::1)";
    assert_int_equal(sp_changelog_parse_line(v1, strlen(v1), &back), 0);
    assert_int_equal(back.rrtype, SP_RRMASK_ADDR);
    assert_int_equal(back.new.n, 2);
    const char *v1e = "2026-11-29 08:00:01  www.example.com  error  NXDOMAIN";
    assert_int_equal(sp_changelog_parse_line(v1e, strlen(v1e), &back), 0);
    assert_int_equal(back.rrtype, SP_RRMASK_ADDR);
    assert_string_equal(back.error, "NXDOMAIN");
    /* Several types, and the empty answer. */
    const char *v2 = "2026-11-29 08:00:01  www.example.com  recover  A,AAAA: (none)";
    assert_int_equal(sp_changelog_parse_line(v2, strlen(v2), &back), 0);
    assert_int_equal(back.kind, SP_WEV_RECOVER);
    assert_int_equal(back.rrtype, SP_RRMASK_ADDR);
    assert_int_equal(back.new.n, 0);
    assert_int_equal(sp_changelog_parse_line(line, strlen(line), &back), 0);
    assert_int_equal(back.time_ms, ev.time_ms);
    assert_true(sp_addrset_equal(&back.old, &ev.old));
    assert_true(sp_addrset_equal(&back.new, &ev.new));

    /* Removed and added together. */
    set_of(&ev.old, "198.18.5.1, 198.18.5.2");
    set_of(&ev.new, "198.18.5.3");
    sp_changelog_format(&ev, line, sizeof line);
    assert_non_null(strstr(line, "(+198.18.5.3, -198.18.5.1, -198.18.5.2)"));

    ev.kind = SP_WEV_ERROR;
    snprintf(ev.error, sizeof ev.error, "NXDOMAIN");
    sp_changelog_format(&ev, line, sizeof line);
    assert_string_equal(line, "2026-11-29 08:00:01  www.example.com  error  A: NXDOMAIN");
    assert_int_equal(sp_changelog_parse_line(line, strlen(line), &back), 0);
    assert_string_equal(back.error, "NXDOMAIN");

    ev.kind = SP_WEV_FIRST;
    sp_changelog_format(&ev, line, sizeof line);
    assert_string_equal(line, "2026-11-29 08:00:01  www.example.com  first  A: 198.18.5.3");
    ev.kind = SP_WEV_RECOVER;
    sp_changelog_format(&ev, line, sizeof line);
    assert_int_equal(sp_changelog_parse_line(line, strlen(line), &back), 0);
    assert_int_equal(back.kind, SP_WEV_RECOVER);

    const char *bad[] = { "", "garbage", "2026-11-29 08:00:01  bad..name  first  1.2.3.4",
                          "2026-13-29 08:00:01  a.b  first  1.2.3.4", "2026-11-29 08:00:01  a.b  first  x",
                          "2026-11-29 08:00:01  a.b  error  \x1b[2J", "2026-11-29 08:00:01  a.b  1.2.3.4",
                          "2026-11-29 08:00:01  a.b  first  MX,QQ: 1.2.3.4",
                          "2026-11-29 08:00:01  a.b  A: 1.2.3.4 \xe2\x86\x92 1.2.3.4  ()",
                          /* Found by fuzz_changelog: year 26 formatted back as "26-11-29". */
                          "0026-11-29 08:00:01  a.b  error  NXDOMAIN", "1969-12-31 23:59:59  a.b  error  timeout" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sp_changelog_parse_line(bad[i], strlen(bad[i]), &back), -1);

    /* JSON as the issue shows it. */
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = open_memstream(&buf, &blen);
    ev.kind = SP_WEV_CHANGE;
    ev.time_ms = 1795939201123LL;
    set_of(&ev.old, "198.18.5.1");
    set_of(&ev.new, "198.18.5.1, 198.18.5.9");
    ev.ttl = 0;
    ev.rtt_ms = 0.4;
    sp_wevent_json(&ev, f);
    fclose(f);
    assert_string_equal(buf, "{\"time\":\"2026-11-29T08:00:01.123Z\",\"name\":\"www.example.com\",\"event\":\"change\","
                             "\"rrtype\":\"A\",\"old\":[\"198.18.5.1\"],\"new\":[\"198.18.5.1\",\"198.18.5.9\"],\"ttl\":0,"
                             "\"rtt_ms\":0.4}\n");
    free(buf);
    sp_wevent_free(&ev);
    sp_wevent_free(&back);
}

static void test_log_load_keeps_last(void **st)
{
    (void)st;
    setenv("TZ", "UTC", 1);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fputs("half a line from before\n", f);
    for (int i = 0; i < 1500; i++) {
        fprintf(f, "2026-11-29 08:00:01  n%d.test  first  198.18.%d.%d\n", i, i / 250, i % 250);
        if (i % 100 == 0)
            fputs("junk line\n\n", f);
    }
    fclose(f);
    sp_wevent *evs;
    size_t bad;
    size_t n = sp_changelog_parse(text, len, true, SP_CHANGELOG_KEEP, &evs, &bad);
    assert_int_equal(n, 1000);
    assert_string_equal(evs[0].name, "n500.test");
    assert_string_equal(evs[999].name, "n1499.test");
    assert_true(bad >= 5);
    for (size_t i = 0; i < n; i++)
        sp_wevent_free(&evs[i]);
    free(evs);
    /* Few events: all of them, oldest first. */
    const char two[] = "2026-11-29 08:00:01  a.test  error  timeout\n2026-11-29 08:00:02  a.test  recover  ::1";
    n = sp_changelog_parse(two, sizeof two - 1, false, 10, &evs, &bad);
    assert_int_equal(n, 2);
    assert_int_equal(evs[0].kind, SP_WEV_ERROR);
    assert_int_equal(evs[1].kind, SP_WEV_RECOVER);
    for (size_t i = 0; i < n; i++)
        sp_wevent_free(&evs[i]);
    free(evs);
    free(text);
}

/* ---- the state machine ---- */

typedef struct seen {
    sp_wevent ev[16];
    int n;
} seen;

static void record(void *ud, const sp_wevent *ev)
{
    seen *s = ud;
    assert_true(s->n < 16);
    sp_wevent_init(&s->ev[s->n]);
    sp_wevent_copy(&s->ev[s->n++], ev);
}

/* One lookup: what A and what AAAA gave, each an address list ("" for
 * NODATA) or an error name (all capitals, or "timeout"). */
static void feed2(sp_watch *w, sp_watch_name *n, const char *a, const char *aaaa)
{
    sp_addrset sets[2] = { { 0 }, { 0 } };
    const char *what[2] = { a, aaaa };
    sp_watch_result r = { .rtt_ms = 0.5 };
    for (int t = 0; t < 2; t++) {
        bool err = strcmp(what[t], "timeout") == 0 || (what[t][0] >= 'A' && what[t][0] <= 'Z');
        r.rr[t].answered = strcmp(what[t], "timeout") != 0;
        r.rr[t].ttl = -1;
        if (err) {
            r.rr[t].error = what[t];
            continue;
        }
        set_of(&sets[t], what[t]);
        r.rr[t].set = &sets[t];
        r.rr[t].ttl = 30;
    }
    if (!r.rr[0].answered || !r.rr[1].answered)
        r.rtt_ms = -1;
    sp_watch_feed(w, n, &r);
    sp_addrset_free(&sets[0]);
    sp_addrset_free(&sets[1]);
}

/* An answer with these addresses: the IPv4 ones for A, the IPv6 ones for
 * AAAA. */
static void feed_ok(sp_watch *w, sp_watch_name *n, const char *addrs)
{
    char v4[256] = "", v6[256] = "";
    char copy[256];
    snprintf(copy, sizeof copy, "%s", addrs);
    for (char *tok = strtok(copy, ", "); tok; tok = strtok(NULL, ", ")) {
        char *dst = strchr(tok, ':') ? v6 : v4;
        snprintf(dst + strlen(dst), 256 - strlen(dst), "%s%s", dst[0] ? ", " : "", tok);
    }
    feed2(w, n, v4, v6);
}

static void feed_err(sp_watch *w, sp_watch_name *n, const char *error) { feed2(w, n, error, error); }

static void test_events(void **st)
{
    (void)st;
    sp_loop *loop = sp_loop_new();
    seen s = { .n = 0 };
    char err[256];
    /* A closed local port: nothing is ever sent in this test anyway. */
    sp_dns_config dc = { .servers = "127.0.0.1:9" };
    sp_dns *dns = sp_dns_new(loop, &dc, err, sizeof err);
    assert_non_null(dns);
    sp_watch_config cfg = { .dns = dns, .interval = 5, .log_fd = -1, .on_event = record, .ud = &s };
    sp_watch *w = sp_watch_new(loop, &cfg);
    assert_non_null(w);
    sp_watch_name *n = sp_watch_add(w, "www.test", 0, SP_WMODE_DEFAULT, 0, 100);
    assert_non_null(n);
    assert_null(sp_watch_add(w, "www.test", 0, SP_WMODE_DEFAULT, 0, 100));

    feed_ok(w, n, "198.18.5.1, 198.18.5.9");
    assert_int_equal(s.n, 1);
    assert_int_equal(s.ev[0].kind, SP_WEV_FIRST);
    feed_ok(w, n, "198.18.5.9, 198.18.5.1"); /* reordered: nothing */
    assert_int_equal(s.n, 1);
    feed_ok(w, n, "198.18.5.9, 198.18.5.1, 198.18.5.2");
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ev[1].kind, SP_WEV_CHANGE);
    assert_int_equal(s.ev[1].old.n, 2);
    assert_int_equal(s.ev[1].new.n, 3);
    assert_int_equal(n->changes, 1);

    feed_err(w, n, "timeout");
    feed_err(w, n, "timeout"); /* the same failure again: nothing */
    assert_int_equal(s.n, 3);
    assert_int_equal(s.ev[2].kind, SP_WEV_ERROR);
    assert_string_equal(s.ev[2].error, "timeout");
    assert_string_equal(n->error, "timeout");
    feed_err(w, n, "SERVFAIL"); /* a different failure */
    assert_int_equal(s.n, 4);
    /* Back with the same set: recover, and no change. */
    feed_ok(w, n, "198.18.5.1, 198.18.5.2, 198.18.5.9");
    assert_int_equal(s.n, 5);
    assert_int_equal(s.ev[4].kind, SP_WEV_RECOVER);
    assert_int_equal(n->changes, 1);
    assert_string_equal(n->error, "");
    /* Back with another set: recover, then change. */
    feed_err(w, n, "timeout");
    feed_ok(w, n, "198.18.5.7");
    assert_int_equal(s.n, 8);
    assert_int_equal(s.ev[6].kind, SP_WEV_RECOVER);
    assert_int_equal(s.ev[7].kind, SP_WEV_CHANGE);
    assert_int_equal(n->changes, 2);

    /* A name that fails first and then answers: one error for both
     * types, then A's recovery (no records) and AAAA's first answer. */
    sp_watch_name *m = sp_watch_add(w, "late.test", 0, SP_WMODE_INTERVAL, 1000, 100);
    feed_err(w, m, "NXDOMAIN");
    assert_int_equal(s.ev[8].kind, SP_WEV_ERROR);
    assert_int_equal(s.ev[8].rrtype, SP_RRMASK_ADDR);
    feed_ok(w, m, "::1");
    assert_int_equal(s.n, 11);
    assert_int_equal(s.ev[9].kind, SP_WEV_RECOVER);
    assert_int_equal(s.ev[9].rrtype, SP_RRBIT(SP_RR_A));
    assert_int_equal(s.ev[10].kind, SP_WEV_FIRST);
    assert_int_equal(s.ev[10].rrtype, SP_RRBIT(SP_RR_AAAA));
    assert_int_equal(m->rounds, 2);

    /* RTT history: NAN for the lookup that got no answer. */
    float h[SP_WATCH_RTT_HIST];
    size_t nh = sp_watch_rtt_history(n, h, SP_WATCH_RTT_HIST);
    assert_int_equal(nh, n->rounds);
    assert_true(h[nh - 1] > 0.4f);
    assert_true(h[nh - 2] != h[nh - 2]);

    double iv;
    assert_false(sp_watch_uses_ttl(w, m, &iv));
    assert_true(iv > 0.99 && iv < 1.01);
    sp_watch_set_mode(w, m, SP_WMODE_TTL, 0);
    assert_true(sp_watch_uses_ttl(w, m, &iv));
    /* A TTL of 68 years is waited for a day at most. */
    sp_addrset big = { 0 };
    set_of(&big, "::1");
    sp_watch_result r = { .rtt_ms = 0.5 };
    r.rr[SP_RR_A] = (sp_watch_answer){ .answered = true, .ttl = 0x7fffffff };
    r.rr[SP_RR_AAAA] = (sp_watch_answer){ .answered = true, .set = &big, .ttl = 0x7fffffff };
    sp_watch_feed(w, m, &r);
    sp_addrset_free(&big);
    assert_true(m->due - m->last_round <= SP_WATCH_TTL_MAX + 0.001);
    assert_true(sp_watch_remove(w, "late.test"));
    assert_false(sp_watch_remove(w, "late.test"));
    assert_int_equal(sp_watch_count(w), 1);
    for (int i = 0; i < s.n; i++)
        sp_wevent_free(&s.ev[i]);
    sp_dns_free(dns);
    sp_watch_free(w);
    sp_loop_free(loop);
}

/* Each record type has its own state: a resolver that answers A but
 * refuses or drops AAAA gives the A addresses, an error for AAAA alone and
 * never a change; NODATA is an answer; a recovery of one type is its own
 * event. */
static void test_per_type(void **st)
{
    (void)st;
    sp_loop *loop = sp_loop_new();
    seen s = { .n = 0 };
    sp_watch_config cfg = { .interval = 5, .log_fd = -1, .on_event = record, .ud = &s };
    sp_watch *w = sp_watch_new(loop, &cfg);
    sp_watch_name *n = sp_watch_add(w, "shop.test", 0, SP_WMODE_DEFAULT, 0, 100);
    char buf[256];

    feed2(w, n, "198.18.5.1", "REFUSED");
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ev[0].kind, SP_WEV_FIRST);
    assert_int_equal(s.ev[0].rrtype, SP_RRBIT(SP_RR_A));
    assert_int_equal(s.ev[1].kind, SP_WEV_ERROR);
    assert_int_equal(s.ev[1].rrtype, SP_RRBIT(SP_RR_AAAA));
    assert_string_equal(s.ev[1].error, "REFUSED");
    sp_changelog_format(&s.ev[1], buf, sizeof buf);
    assert_non_null(strstr(buf, "  shop.test  error  AAAA: REFUSED"));
    assert_true(n->have_set);
    fmt(&n->set, buf, sizeof buf);
    assert_string_equal(buf, "198.18.5.1");
    assert_string_equal(n->error, "AAAA: REFUSED");

    feed2(w, n, "198.18.5.1", "REFUSED"); /* the same again: nothing */
    assert_int_equal(s.n, 2);
    /* AAAA comes back with no records: its recovery, nothing else. */
    feed2(w, n, "198.18.5.1", "");
    assert_int_equal(s.n, 3);
    assert_int_equal(s.ev[2].kind, SP_WEV_RECOVER);
    assert_int_equal(s.ev[2].rrtype, SP_RRBIT(SP_RR_AAAA));
    assert_int_equal(s.ev[2].new.n, 0);
    assert_string_equal(n->error, "");
    feed2(w, n, "198.18.5.1", ""); /* NODATA again is normal */
    assert_int_equal(s.n, 3);
    /* AAAA gets an address: a change of AAAA from nothing. */
    feed2(w, n, "198.18.5.1", "fd00::1");
    assert_int_equal(s.n, 4);
    assert_int_equal(s.ev[3].kind, SP_WEV_CHANGE);
    assert_int_equal(s.ev[3].rrtype, SP_RRBIT(SP_RR_AAAA));
    sp_changelog_format(&s.ev[3], buf, sizeof buf);
    assert_non_null(strstr(buf, "  shop.test  AAAA: (none) \xe2\x86\x92 fd00::1  (+fd00::1)"));
    /* AAAA times out: its error only; the addresses stay, AAAA's too. */
    feed2(w, n, "198.18.5.1", "timeout");
    assert_int_equal(s.n, 5);
    assert_int_equal(s.ev[4].rrtype, SP_RRBIT(SP_RR_AAAA));
    assert_string_equal(s.ev[4].error, "timeout");
    fmt(&n->set, buf, sizeof buf);
    assert_string_equal(buf, "198.18.5.1, fd00::1");
    assert_int_equal(n->changes, 1);
    /* Both fail alike: one event, the name's error without types. */
    feed2(w, n, "SERVFAIL", "SERVFAIL");
    assert_int_equal(s.n, 6);
    assert_int_equal(s.ev[5].rrtype, SP_RRMASK_ADDR);
    assert_string_equal(n->error, "SERVFAIL");
    feed2(w, n, "SERVFAIL", "REFUSED");
    assert_string_equal(n->error, "A: SERVFAIL, AAAA: REFUSED");
    /* Both back, A changed: one recovery for both, a change for A. */
    feed2(w, n, "198.18.5.2", "fd00::1");
    assert_int_equal(s.n, 9);
    assert_int_equal(s.ev[7].kind, SP_WEV_RECOVER);
    assert_int_equal(s.ev[7].rrtype, SP_RRMASK_ADDR);
    assert_int_equal(s.ev[8].kind, SP_WEV_CHANGE);
    assert_int_equal(s.ev[8].rrtype, SP_RRBIT(SP_RR_A));
    assert_int_equal(n->changes, 2);

    /* What the log remembers is the starting point: the same answer logs
     * nothing, another one a change from the remembered set. */
    sp_watch_name *r = sp_watch_add(w, "again.test", 0, SP_WMODE_DEFAULT, 0, 100);
    sp_wevent mem;
    sp_wevent_init(&mem);
    snprintf(mem.name, sizeof mem.name, "again.test");
    /* Newest in the log: the servers compared disagreed. That is no
     * answer to start from; the scan goes on to the one before. */
    mem.kind = SP_WEV_DISAGREE;
    mem.rrtype = SP_RRBIT(SP_RR_A);
    sp_wevent_add_answer(&mem, "127.0.0.1:5301", "198.18.6.9");
    sp_wevent_add_answer(&mem, "127.0.0.1:5302", "error REFUSED");
    assert_int_equal(sp_watch_remember(w, r, &mem), 0);
    assert_false(r->rr[SP_RR_A].known);
    assert_int_equal(r->since_ms, 0);
    sp_wevent_free(&mem);
    sp_wevent_init(&mem);
    snprintf(mem.name, sizeof mem.name, "again.test");
    mem.kind = SP_WEV_FIRST;
    mem.rrtype = SP_RRMASK_ADDR;
    mem.time_ms = 1764000000000;
    set_of(&mem.new, "198.18.6.1");
    assert_int_equal(sp_watch_remember(w, r, &mem), 2);
    assert_int_equal(sp_watch_remember(w, r, &mem), 0); /* older events do not count */
    assert_true(r->have_set);
    assert_int_equal(r->since_ms, 1764000000000);
    feed2(w, r, "198.18.6.1", "");
    assert_int_equal(s.n, 9);
    feed2(w, r, "198.18.6.2", "");
    assert_int_equal(s.n, 10);
    assert_int_equal(s.ev[9].kind, SP_WEV_CHANGE);
    assert_int_equal(s.ev[9].old.n, 1);
    sp_wevent_free(&mem);

    for (int i = 0; i < s.n; i++)
        sp_wevent_free(&s.ev[i]);
    sp_watch_free(w);
    sp_loop_free(loop);
}

/* Record types beyond addresses: type= in watch.list and NAME/TYPES, value
 * sets, and their log lines read back. */
static void test_more_types(void **st)
{
    (void)st;
    char err[256], name[SP_DNSNAME_MAX + 1];
    unsigned types;
    assert_int_equal(sp_watchlist_parse_spec("Example.COM/mx,NS", 17, name, &types, err, sizeof err), 0);
    assert_string_equal(name, "example.com");
    assert_int_equal(types, SP_RRBIT(SP_RR_MX) | SP_RRBIT(SP_RR_NS));
    assert_int_equal(sp_watchlist_parse_spec("a.test/", 7, name, &types, err, sizeof err), -1);
    assert_int_equal(sp_watchlist_parse_spec("a.test/PTR", 10, name, &types, err, sizeof err), -1);
    char tb[SP_RRMASK_STRLEN];
    assert_string_equal(sp_rrmask_format(SP_RRMASK_ALL, tb), "A,AAAA,CNAME,MX,NS,TXT,CAA,SOA");

    const char text[] = "mail.test type=MX,TXT interval=2\nbad.test type=MX,,NS\nwww.test\n";
    sp_watchlist l;
    sp_watchlist_init(&l);
    sp_watchlist_problem *probs;
    size_t np;
    sp_watchlist_parse(text, sizeof text - 1, &l, &probs, &np);
    assert_int_equal(np, 1);
    free(probs);
    sp_watchlist_entry *e = sp_watchlist_find(&l, "mail.test");
    assert_int_equal(e->types, SP_RRBIT(SP_RR_MX) | SP_RRBIT(SP_RR_TXT));
    assert_int_equal(e->interval_ms, 2000);
    assert_int_equal(sp_watchlist_find(&l, "www.test")->types, 0);
    assert_true(sp_watchlist_set_types(&l, "www.test", SP_RRBIT(SP_RR_A) | SP_RRBIT(SP_RR_SOA)));
    size_t len;
    char *out = sp_watchlist_serialise(&l, &len);
    assert_non_null(strstr(out, "\nwww.test type=A,SOA\n"));
    free(out);
    sp_watchlist_free(&l);

    sp_valset v = { 0 }, w2 = { 0 };
    assert_int_equal(sp_valset_parse("20 mx2.test, 10 mx1.test, 10 mx1.test", 37, &v), 0);
    assert_int_equal(v.n, 2);
    assert_string_equal(v.v[0], "10 mx1.test");
    assert_int_equal(sp_valset_parse("a,b", 3, &w2), -1);
    assert_int_equal(sp_valset_parse("a(b", 3, &w2), -1);

    sp_wevent ev, back;
    sp_wevent_init(&ev);
    sp_wevent_init(&back);
    ev.time_ms = 1795939201000LL;
    snprintf(ev.name, sizeof ev.name, "mail.test");
    ev.kind = SP_WEV_CHANGE;
    ev.rrtype = SP_RRBIT(SP_RR_MX);
    sp_valset_copy(&ev.newv, &v);
    sp_valset_add(&ev.oldv, "10 mx1.test", 11);
    char line[512];
    sp_changelog_format(&ev, line, sizeof line);
    assert_non_null(strstr(line, "  mail.test  MX: 10 mx1.test \xe2\x86\x92 10 mx1.test, 20 mx2.test  (+20 mx2.test)"));
    assert_int_equal(sp_changelog_parse_line(line, strlen(line), &back), 0);
    assert_int_equal(back.rrtype, SP_RRBIT(SP_RR_MX));
    assert_true(sp_valset_equal(&back.newv, &ev.newv));
    assert_true(sp_valset_equal(&back.oldv, &ev.oldv));
    /* An address type and a value type never share a line. */
    const char *mixed = "2026-11-29 08:00:01  a.test  first  A,MX: 1.2.3.4";
    assert_int_equal(sp_changelog_parse_line(mixed, strlen(mixed), &back), -1);

    /* The watcher: MX values compared as sets; the same again is nothing. */
    sp_loop *loop = sp_loop_new();
    seen s = { .n = 0 };
    sp_watch_config cfg = { .interval = 5, .log_fd = -1, .on_event = record, .ud = &s };
    sp_watch *w = sp_watch_new(loop, &cfg);
    sp_watch_name *n = sp_watch_add(w, "mail.test", SP_RRBIT(SP_RR_MX), SP_WMODE_DEFAULT, 0, 100);
    sp_watch_result r = { .rtt_ms = 1 };
    r.rr[SP_RR_MX] = (sp_watch_answer){ .answered = true, .vals = &v, .ttl = -1 };
    sp_watch_feed(w, n, &r);
    sp_watch_feed(w, n, &r);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.ev[0].kind, SP_WEV_FIRST);
    assert_int_equal(s.ev[0].newv.n, 2);
    r.rr[SP_RR_MX].vals = &ev.oldv;
    sp_watch_feed(w, n, &r);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ev[1].kind, SP_WEV_CHANGE);
    assert_int_equal(s.ev[1].rrtype, SP_RRBIT(SP_RR_MX));
    assert_false(n->have_set);
    for (int i = 0; i < s.n; i++)
        sp_wevent_free(&s.ev[i]);
    sp_watch_free(w);
    sp_loop_free(loop);
    sp_wevent_free(&ev);
    sp_wevent_free(&back);
    sp_valset_free(&v);
    sp_valset_free(&w2);
}

/* The watcher finds its names through an index: right after removals
 * anywhere in the list, and a name already watched is refused. */
static void test_watch_index(void **st)
{
    (void)st;
    sp_loop *loop = sp_loop_new();
    char name[32];
    sp_watch_config cfg = { .interval = 5, .log_fd = -1 };
    sp_watch *w = sp_watch_new(loop, &cfg);
    assert_non_null(w);
    for (int i = 0; i < 50; i++) {
        snprintf(name, sizeof name, "n%d.test", i);
        assert_non_null(sp_watch_add(w, name, 0, SP_WMODE_DEFAULT, 0, 100));
    }
    assert_null(sp_watch_add(w, "n7.test", 0, SP_WMODE_DEFAULT, 0, 100));
    /* Every third name, from the first and up to the last. */
    for (int i = 0; i < 50; i += 3) {
        snprintf(name, sizeof name, "n%d.test", i);
        assert_true(sp_watch_remove(w, name));
        assert_false(sp_watch_remove(w, name));
    }
    assert_true(sp_watch_remove(w, "n49.test"));
    assert_int_equal(sp_watch_count(w), 32);
    for (int i = 0; i < 50; i++) {
        snprintf(name, sizeof name, "n%d.test", i);
        sp_watch_name *n = sp_watch_find(w, name);
        if (i % 3 == 0 || i == 49) {
            assert_null(n);
            continue;
        }
        assert_non_null(n);
        assert_string_equal(n->name, name);
    }
    for (size_t i = 0; i < sp_watch_count(w); i++)
        assert_ptr_equal(sp_watch_find(w, sp_watch_get(w, i)->name), sp_watch_get(w, i));
    sp_watch_name *back = sp_watch_add(w, "n3.test", 0, SP_WMODE_TTL, 0, 100);
    assert_non_null(back);
    assert_ptr_equal(sp_watch_find(w, "n3.test"), back);
    assert_ptr_equal(sp_watch_get(w, sp_watch_count(w) - 1), back);
    assert_null(sp_watch_add(w, "n4.test", 0, SP_WMODE_DEFAULT, 0, 100));
    sp_watch_free(w);
    sp_loop_free(loop);
}

static void test_error_names(void **st)
{
    (void)st;
    assert_string_equal(sp_watch_error_name(ARES_ENOTFOUND), "NXDOMAIN");
    assert_string_equal(sp_watch_error_name(ARES_ENODATA), "NODATA");
    assert_string_equal(sp_watch_error_name(ARES_ESERVFAIL), "SERVFAIL");
    assert_string_equal(sp_watch_error_name(ARES_EREFUSED), "REFUSED");
    assert_string_equal(sp_watch_error_name(ARES_ETIMEOUT), "timeout");
    assert_string_equal(sp_watch_error_name(ARES_ECONNREFUSED), "timeout");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_order_and_duplicates),
        cmocka_unit_test(test_set_diff),
        cmocka_unit_test(test_name_validator),
        cmocka_unit_test(test_watchlist_parse),
        cmocka_unit_test(test_watchlist_hostile_bytes),
        cmocka_unit_test(test_watchlist_index),
        cmocka_unit_test(test_watchlist_limits),
        cmocka_unit_test(test_interval_parse),
        cmocka_unit_test(test_watchlist_atomic_save),
        cmocka_unit_test(test_xdg),
        cmocka_unit_test(test_log_format_and_parse),
        cmocka_unit_test(test_log_load_keeps_last),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_per_type),
        cmocka_unit_test(test_more_types),
        cmocka_unit_test(test_watch_index),
        cmocka_unit_test(test_error_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
