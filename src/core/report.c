/* One-line messages on stderr, "sockpit CMD: what was wrong". */
#include "sockpit/core/report.h"

#include <stdarg.h>
#include <stdio.h>

__attribute__((format(printf, 2, 0))) static void vreport(const char *cmd, const char *fmt, va_list ap)
{
    fprintf(stderr, "sockpit%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): ap is started by our caller; clang 14 cannot see it */
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int sp_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(cmd, fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "Try 'sockpit %s --help'.\n", cmd);
    else
        fputs("Try 'sockpit --help'.\n", stderr);
    return SP_EXIT_USAGE;
}

int sp_runtime_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(cmd, fmt, ap);
    va_end(ap);
    return SP_EXIT_FAIL;
}
