/* The inode -> process map: fd link targets, and a fake /proc tree (cache
 * hits, an owner change, unreadable owners, forgetting on `r`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/services/listen.h"
#include "sockpit/services/procmap.h"
#include "testlisten.h"

static bool inode_of_link(const char *link, uint64_t *inode)
{
    return sp_procmap_socket_inode(link, strlen(link), inode);
}

static void test_socket_inode(void **state)
{
    (void)state;
    uint64_t ino = 0;
    assert_true(inode_of_link("socket:[5001]", &ino));
    assert_int_equal(ino, 5001);
    assert_true(inode_of_link("socket:[0]", &ino));
    assert_int_equal(ino, 0);
    assert_true(inode_of_link("socket:[9999999999999999999]", &ino)); /* 19 digits */
    assert_true(ino == UINT64_C(9999999999999999999));
    ino = 7;
    assert_false(inode_of_link("socket:[10000000000000000000]", &ino)); /* 20 */
    assert_false(inode_of_link("socket:[]", &ino));
    assert_false(inode_of_link("socket:[12", &ino));
    assert_false(inode_of_link("socket:[1x]", &ino));
    assert_false(inode_of_link("socket:[-1]", &ino));
    assert_false(inode_of_link("pipe:[77]", &ino));
    assert_false(inode_of_link("/dev/null", &ino));
    assert_false(inode_of_link("", &ino));
    assert_int_equal(ino, 7);
    /* A readlink result is not NUL-terminated: only len bytes count. */
    assert_true(sp_procmap_socket_inode("socket:[42]junk", 11, &ino));
    assert_int_equal(ino, 42);
}

#define TCP_HEADER "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"

static void parse(sp_listen_set *s, const char *tcp)
{
    sp_listen_clear(s);
    sp_listen_parse(s, tcp, strlen(tcp), SP_PROTO_TCP);
    sp_listen_sort(s);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A fake /proc: two processes holding the sockets, and one socket nobody
 * readable holds. */
static void test_procmap(void **state)
{
    (void)state;
    char root[] = "/tmp/sp-test-proc-XXXXXX";
    assert_non_null(mkdtemp(root));
    char p[512];
    static const struct { int pid, fd; const char *comm, *target; } fds[] = {
        { 100, 3, "sshd\n", "socket:[5001]" }, { 100, 4, "sshd\n", "pipe:[77]" },
        { 100, 5, "sshd\n", "/dev/null" },     { 200, 7, "exim4\n", "socket:[5002]" },
        { 300, 0, "idle\n", "socket:[9999]" },
    };
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        snprintf(p, sizeof p, "%s/%d", root, fds[i].pid);
        mkdir(p, 0700);
        snprintf(p, sizeof p, "%s/%d/fd", root, fds[i].pid);
        mkdir(p, 0700);
        snprintf(p, sizeof p, "%s/%d/comm", root, fds[i].pid);
        write_file(p, fds[i].comm);
        snprintf(p, sizeof p, "%s/%d/fd/%d", root, fds[i].pid, fds[i].fd);
        assert_int_equal(symlink(fds[i].target, p), 0);
    }
    snprintf(p, sizeof p, "%s/self", root); /* not a process directory */
    mkdir(p, 0700);

    static const char three[] =
        TCP_HEADER "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5001 1\n"
                   "   1: 0100007F:0019 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5002 1\n"
                   "   2: 0100007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5003 1\n";
    sp_listen_set s;
    sp_listen_init(&s);
    parse(&s, three);
    assert_int_equal(s.n, 3);
    sp_procmap *m = sp_procmap_new(root);
    assert_true(sp_procmap_resolve(m, &s) > 0);
    size_t n;
    const sp_listener *l = find(&s, 22, SP_PROTO_TCP, &n);
    assert_int_equal(l->pid, 100);
    assert_string_equal(l->comm, "sshd");
    l = find(&s, 25, SP_PROTO_TCP, &n);
    assert_int_equal(l->pid, 200);
    assert_string_equal(l->comm, "exim4");
    l = find(&s, 53, SP_PROTO_TCP, &n);
    assert_int_equal(l->pid, 0); /* nobody readable holds 5003: shown as '-' */
    assert_string_equal(l->comm, "");

    /* The next refresh is answered from the cache: no walk. */
    parse(&s, three);
    assert_int_equal(sp_procmap_resolve(m, &s), 0);
    assert_int_equal(find(&s, 22, SP_PROTO_TCP, &n)->pid, 100);

    /* The owner closed the fd and another process holds the socket now:
     * the cached answer fails its check and the walk finds the new one. */
    snprintf(p, sizeof p, "%s/100/fd/3", root);
    unlink(p);
    snprintf(p, sizeof p, "%s/300/fd/9", root);
    assert_int_equal(symlink("socket:[5001]", p), 0);
    assert_true(sp_procmap_resolve(m, &s) > 0);
    l = find(&s, 22, SP_PROTO_TCP, &n);
    assert_int_equal(l->pid, 300);
    assert_string_equal(l->comm, "idle");

    /* A new socket is looked for; the old unknown one alone is not. */
    parse(&s, TCP_HEADER "   0: 0100007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5003 1\n");
    assert_int_equal(sp_procmap_resolve(m, &s), 0);
    sp_procmap_forget(m);
    assert_true(sp_procmap_resolve(m, &s) > 0);

    sp_procmap_free(m);
    sp_listen_free(&s);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_socket_inode),
        cmocka_unit_test(test_procmap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
