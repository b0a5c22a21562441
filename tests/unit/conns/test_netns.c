/* Network namespaces: the link and cgroup parsers on real-looking texts,
 * the walk over a fake procroot (symlinks whose text is a namespace link),
 * and the source's names and notes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockpit/conns/conns_source.h"
#include "sockpit/conns/conntab.h"
#include "sockpit/conns/netns.h"
#include "sockpit/conns/netnsscan.h"
#include "sockpit/core/loop.h"
#include "testtmp.h"

#define ID "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"

static bool link_ok(const char *text, uint64_t *ino) { return sp_netns_link_parse(text, strlen(text), ino); }

static void test_link(void **state)
{
    (void)state;
    uint64_t ino = 0;
    assert_true(link_ok("net:[4026531840]", &ino));
    assert_true(ino == 4026531840ull);
    assert_true(link_ok("net:[18446744073709551615]", &ino));
    assert_true(ino == UINT64_MAX);
    assert_false(link_ok("net:[18446744073709551616]", &ino));
    assert_false(link_ok("net:[0]", &ino));
    assert_false(link_ok("net:[]", &ino));
    assert_false(link_ok("net:[12a]", &ino));
    assert_false(link_ok("mnt:[4026531840]", &ino));
    assert_false(link_ok("net:[4026531840", &ino));
    assert_false(link_ok("net:[-1]", &ino));
    assert_false(link_ok("", &ino));
}

static const char *label_of(const char *text)
{
    static char label[SP_CONTAINER_LABEL];
    memset(label, 'x', sizeof label);
    if (!sp_cgroup_container(text, strlen(text), label)) {
        assert_string_equal(label, "");
        return NULL;
    }
    return label;
}

static void test_cgroup(void **state)
{
    (void)state;
    /* cgroup v1 (docker's cgroupfs driver), every hierarchy on a line. */
    assert_string_equal(label_of("12:pids:/docker/" ID "\n11:memory:/docker/" ID "\n0::/system.slice/containerd.service\n"),
                        "docker:3f2a1b4c5d6e");
    /* v2 with the systemd driver; a systemd inside the container. */
    assert_string_equal(label_of("0::/system.slice/docker-" ID ".scope\n"), "docker:3f2a1b4c5d6e");
    assert_string_equal(label_of("0::/system.slice/docker-" ID ".scope/init.scope\n"), "docker:3f2a1b4c5d6e");
    assert_string_equal(
        label_of("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1a2b.slice/cri-containerd-" ID
                 ".scope\n"),
        "containerd:3f2a1b4c5d6e");
    assert_string_equal(label_of("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod9.slice/crio-" ID
                                 ".scope\n"),
                        "crio:3f2a1b4c5d6e");
    assert_string_equal(label_of("4:memory:/kubepods/besteffort/pod1a2b/crio-" ID "\n"), "crio:3f2a1b4c5d6e");
    assert_string_equal(label_of("4:cpu,cpuacct:/kubepods/burstable/pod1a2b-3c/" ID "\n"), "k8s:3f2a1b4c5d6e");
    assert_string_equal(label_of("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope\n"),
                        "podman:3f2a1b4c5d6e");
    assert_string_equal(label_of("0::/machine.slice/libpod-" ID ".scope/container\n"), "podman:3f2a1b4c5d6e");
    assert_string_equal(label_of("1:name=systemd:/lxc/web\n"), "lxc:web");
    assert_string_equal(label_of("0::/lxc.payload.db-1/init.scope\n"), "lxc:db-1");
    assert_string_equal(label_of("0::/machine.slice/machine-build.scope/payload\n"), "nspawn:build");
    assert_string_equal(label_of("0::/machine.slice/machine-my\\x2dbox.scope\n"), "nspawn:my-box");
    /* Docker in docker: the innermost. */
    assert_string_equal(label_of("0::/docker/" ID "/docker/aaaaaaaaaaaabbbbbbbbbbbbccccccccccccddddddddddddeeeeeeeeeeeeffff\n"),
                        "docker:aaaaaaaaaaaa");
    /* Long names are cut to the buffer. */
    const char *l = label_of("0::/lxc.payload.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
    assert_non_null(l);
    assert_int_equal(strlen(l), SP_CONTAINER_LABEL - 1);

    /* Nothing to tell. */
    assert_null(label_of("0::/init.scope\n"));
    assert_null(label_of("0::/user.slice/user-1000.slice/session-2.scope\n"));
    assert_null(label_of("0::/system.slice/docker.service\n"));
    assert_null(label_of("0::/system.slice/docker-" ID "\n"));       /* no .scope */
    assert_null(label_of("0::/system.slice/docker-3f2a.scope\n"));    /* not an id */
    assert_null(label_of("0::/machine.slice/libpod-conmon-" ID ".scope\n"));
    assert_null(label_of("0::/lxc/we\033[2Jb\n"));                    /* a control byte */
    assert_null(label_of("0::/machine.slice/machine-a\\x1bb.scope\n"));
    assert_null(label_of("0::/lxc.monitor.web\n"));
    assert_null(label_of("garbage without colons"));
    assert_null(label_of(""));
}

static void put_link(const char *dir, const char *pid, const char *target)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, pid);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/%s/ns", dir, pid);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/%s/ns/net", dir, pid);
    assert_int_equal(symlink(target, path), 0);
}

static void put_file(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_scan(void **state)
{
    (void)state;
    char root[] = "/tmp/sp-netns.XXXXXX";
    assert_non_null(mkdtemp(root));
    put_link(root, "self", "net:[100]");
    put_link(root, "1", "net:[100]");
    put_link(root, "40", "net:[300]");
    put_link(root, "7", "net:[300]");   /* the same namespace: PID 7 kept */
    put_link(root, "9", "net:[200]");
    put_link(root, "12", "bogus");      /* not a namespace link */
    put_link(root, "acpi", "net:[400]"); /* not a PID */
    put_file(root, "7/cgroup", "0::/system.slice/docker-" ID ".scope\n");
    uint64_t self = 0;
    sp_netns_found *f;
    size_t n;
    /* No /run/netns: nothing named. */
    assert_int_equal(sp_netns_scan(root, "/nonexistent-sp-netns", &self, &f, &n), 0);
    assert_true(self == 100);
    assert_int_equal(n, 2);
    assert_true(f[0].inode == 200 && f[0].pid == 9 && f[0].ipname[0] == '\0');
    assert_true(f[1].inode == 300 && f[1].pid == 7);
    free(f);

    char label[SP_CONTAINER_LABEL];
    sp_netns_container_of(root, 7, label);
    assert_string_equal(label, "docker:3f2a1b4c5d6e");
    sp_netns_container_of(root, 9, label); /* no cgroup file */
    assert_string_equal(label, "");

    char missing[PATH_MAX];
    snprintf(missing, sizeof missing, "%s/none", root);
    assert_int_equal(sp_netns_scan(missing, "/nonexistent-sp-netns", &self, &f, &n), -1);
    test_rm_rf(root);
}

/* The source: ours is "host"; unknown indexes say so; without root the
 * one note. */
static void test_source_names(void **state)
{
    (void)state;
    sp_conns_source *src = sp_conns_source_new("/proc", true, false);
    assert_string_equal(sp_conns_netns_name(src, 0), "host");
    assert_string_equal(sp_conns_netns_name(src, 77), "?");
    assert_null(sp_conns_netns_container(src, 0));
    assert_int_equal(sp_conns_netns_count(src), 1);
    assert_null(sp_conns_take_note(src));
    if (geteuid() != 0) {
        assert_false(sp_conns_source_all_namespaces(src, true));
        assert_string_equal(sp_conns_take_note(src), "other network namespaces need root: showing this one only");
        assert_null(sp_conns_take_note(src));
    }
    sp_conns_source_free(src);
}

typedef struct wait_ctx {
    bool over;
    int rc;
} wait_ctx;

static void refreshed(void *ud, int rc, const char *err)
{
    (void)err;
    wait_ctx *w = ud;
    w->over = true;
    w->rc = rc;
}

static size_t refresh(sp_conns_source *src, sp_loop *loop)
{
    wait_ctx w = { 0 };
    assert_int_equal(sp_conns_source_refresh(src, loop, refreshed, &w), 0);
    while (!w.over)
        sp_loop_once(loop, 1000);
    assert_int_equal(w.rc, 0);
    return sp_conns_netns_count(src);
}

static int listener(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 4) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        return -1;
    *port = ntohs(a.sin_port);
    return fd;
}

/* In the child, in a namespace of its own: lo up, a listener on port P and
 * a client bound to port Q (which the parent listens on, in its own
 * namespace) connected to it. Answers P, or 0. */
static uint16_t child_setup(uint16_t q)
{
    uint16_t p = 0;
    if (unshare(CLONE_NEWNET) < 0)
        return 0;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        return 0;
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        return 0;
    int l = listener(&p);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(q), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (l < 0 || c < 0 || bind(c, (struct sockaddr *)&a, sizeof a) < 0)
        return 0;
    a.sin_port = htons(p);
    if (connect(c, (struct sockaddr *)&a, sizeof a) < 0 || accept(l, NULL, NULL) < 0)
        return 0;
    return p;
}

/* As root: a namespace that went between the walk and the open (here a
 * PID whose link leads nowhere, as when its process has just exited or
 * `ip netns del` ran) is no failure: no note, refresh after refresh. */
static void test_vanished_namespace(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    char root[] = "/tmp/sp-netns.XXXXXX";
    assert_non_null(mkdtemp(root));
    put_link(root, "self", "net:[100]");
    put_link(root, "9", "net:[200]");
    sp_loop *loop = sp_loop_new();
    sp_conns_source *src = sp_conns_source_new(root, true, false);
    assert_true(sp_conns_source_all_namespaces(src, true));
    for (int i = 0; i < 3; i++) {
        refresh(src, loop);
        const char *n;
        while ((n = sp_conns_take_note(src)) != NULL)
            assert_null(strstr(n, "net:[200]"));
    }
    sp_conns_source_free(src);
    sp_loop_free(loop);
    test_rm_rf(root);
}

/* As root: a child in a namespace of its own is dumped through a socket
 * made there, named net:[INODE], its rows carry its index; its client's
 * local port Q, listened on in our namespace only, does not make it a
 * server (listeners are per namespace); when it exits its rows close. */
static void test_live_namespace(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    uint16_t q = 0;
    int hl = listener(&q);
    assert_true(hl >= 0);
    /* The child waits for the end of hold: it ends with us whatever happens. */
    int fds[2], hold[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(pipe(hold), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(hl);
        close(hold[1]);
        uint16_t p = child_setup(q);
        char c;
        if (write(fds[1], &p, sizeof p) != (ssize_t)sizeof p || read(hold[0], &c, 1) != 0)
            _exit(1);
        _exit(0);
    }
    close(hold[0]);
    uint16_t p = 0;
    assert_int_equal(read(fds[0], &p, sizeof p), (ssize_t)sizeof p);
    close(fds[0]);
    close(fds[1]);
    assert_int_not_equal(p, 0);
    char link[PATH_MAX], text[64];
    snprintf(link, sizeof link, "/proc/%d/ns/net", (int)child);
    ssize_t r = readlink(link, text, sizeof text - 1);
    assert_true(r > 0);
    text[r] = '\0';

    sp_loop *loop = sp_loop_new();
    sp_conns_source *src = sp_conns_source_new("/proc", true, true);
    assert_true(sp_conns_source_all_namespaces(src, true));
    assert_true(refresh(src, loop) >= 2);
    uint32_t id = 0;
    for (uint32_t i = 1; i < 4096 && !id; i++)
        if (strcmp(sp_conns_netns_name(src, i), text) == 0)
            id = i;
    assert_int_not_equal(id, 0);
    assert_true(refresh(src, loop) >= 2); /* the socket kept */
    const sp_conntab *t = sp_conns_table(src);
    size_t rows = 0;
    for (size_t i = 0; i < t->n; i++) {
        const sp_conn *c = &t->v[i];
        if (c->s.netns != id)
            continue;
        rows++;
        assert_int_equal(c->pid, (int)child);
        assert_false(c->closed);
        assert_int_equal(sp_conn_service_port(c), p);
        assert_true(c->s.sport == q || c->s.sport == p);
    }
    assert_int_equal(rows, 2);
    close(hold[1]);
    waitpid(child, NULL, 0);
    refresh(src, loop);
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].s.netns == id)
            assert_true(t->v[i].closed);
    assert_string_equal(sp_conns_netns_name(src, id), text); /* while its rows linger */
    sp_conns_source_free(src);
    sp_loop_free(loop);
    close(hl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link),
        cmocka_unit_test(test_cgroup),
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_source_names),
        cmocka_unit_test(test_vanished_namespace),
        cmocka_unit_test(test_live_namespace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
