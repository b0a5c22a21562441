/* One-line messages on stderr and the exit statuses every command uses. */
#ifndef SOCKPIT_CORE_REPORT_H
#define SOCKPIT_CORE_REPORT_H

enum { SP_EXIT_OK = 0, SP_EXIT_FAIL = 1, SP_EXIT_USAGE = 2 };

/* Prints "sockpit CMD: MESSAGE" and the help hint on stderr; returns 2. */
int sp_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "sockpit CMD: MESSAGE" on stderr; returns 1. */
int sp_runtime_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
