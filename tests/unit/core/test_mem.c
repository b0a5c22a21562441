/* Allocation that cannot fail: growth, and the message and abort when the
 * size cannot be had. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockpit/core/mem.h"

static void test_grow_doubles(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0;
    SP_GROW(v, cap, 1);
    assert_int_equal(cap, 8);
    SP_GROW(v, cap, 8);
    assert_int_equal(cap, 8);
    SP_GROW(v, cap, 9);
    assert_int_equal(cap, 16);
    SP_GROW(v, cap, 1000);
    assert_int_equal(cap, 1024);
    for (int i = 0; i < 1000; i++)
        v[i] = i;
    assert_int_equal(v[999], 999);
    free(v);
    char *s = sp_xstrndup("abcdef", 3);
    assert_string_equal(s, "abc");
    free(s);
}

/* The TUI's hook ends curses mode: it must run before the message. */
static void hook(void)
{
    ssize_t w = write(STDERR_FILENO, "hook\n", 5);
    (void)w;
}

/* Runs fn in a child; returns its termination signal, with its stderr in
 * err. */
static int in_child(void (*fn)(void), char *err, size_t errlen)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(p[1], STDERR_FILENO);
        /* No core file for an abort that is the point of the test. */
        signal(SIGABRT, SIG_DFL);
        fn();
        _exit(0);
    }
    close(p[1]);
    size_t have = 0;
    ssize_t n;
    while (have < errlen - 1 && (n = read(p[0], err + have, errlen - 1 - have)) > 0)
        have += (size_t)n;
    err[have] = '\0';
    close(p[0]);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static void overflow(void)
{
    sp_oom_hook(hook);
    void *v = sp_xreallocarray(NULL, SIZE_MAX / 2, 4);
    free(v);
}

static void too_big(void)
{
    size_t cap = SIZE_MAX / 2 + 1;
    void *v = sp_grow(NULL, &cap, SIZE_MAX, 1);
    free(v);
}

static void test_out_of_memory_aborts_with_a_message(void **state)
{
    (void)state;
    char err[128];
    assert_int_equal(in_child(overflow, err, sizeof err), SIGABRT);
    assert_string_equal(err, "hook\nsockpit: out of memory\n");
    assert_int_equal(in_child(too_big, err, sizeof err), SIGABRT);
    assert_string_equal(err, "sockpit: out of memory\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grow_doubles),
        cmocka_unit_test(test_out_of_memory_aborts_with_a_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
