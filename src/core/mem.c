/* Allocation that cannot fail: callers never carry a half-built state for
 * an out-of-memory path nobody tests. */
#include "sockpit/core/mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void (*oom_hook)(void);

void sp_oom_hook(void (*fn)(void)) { oom_hook = fn; }

_Noreturn void sp_oom(void)
{
    void (*fn)(void) = oom_hook;
    oom_hook = NULL; /* a hook that itself runs out of memory must not loop */
    if (fn)
        fn();
    static const char msg[] = "sockpit: out of memory\n";
    /* write(2), not stdio: stdio may need memory itself. */
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
    abort();
}

void *sp_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        sp_oom();
    return p;
}

void *sp_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        sp_oom();
    return p;
}

void *sp_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        sp_oom();
    return q;
}

void *sp_xreallocarray(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        sp_oom();
    return sp_xrealloc(p, n * size);
}

char *sp_xstrdup(const char *s) { return sp_xstrndup(s, strlen(s)); }

char *sp_xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = sp_xmalloc(len + 1);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *sp_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started just above; clang 14 cannot see it */
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        sp_oom();
    char *s = sp_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

void *sp_grow(void *v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return v;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            sp_oom();
        nc *= 2;
    }
    v = sp_xreallocarray(v, nc, size);
    *cap = nc;
    return v;
}
