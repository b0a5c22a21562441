/* Append-only line logs that survive a crash and stay bounded (the DNS
 * change log, the hosts history): each line goes to an O_APPEND descriptor
 * with a single write(2) before it is shown anywhere, so once it is on
 * screen it is in the kernel and a kill -9 cannot lose it; a part of a line
 * (a full disk) is taken back; past a size the file moves to FILE.1 (one
 * generation kept) and a new one starts. */
#ifndef SOCKPIT_APPLOG_H
#define SOCKPIT_APPLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Opens (creating, mode 0600) the log for appending; a log cut mid-line
 * gets a newline first, so the next line starts a line of its own. Returns
 * an fd or -1 with a reason naming the path in err. */
int sp_applog_open(const char *path, char *err, size_t errlen);
/* Writes line[0..len) (its newline included) with one write(2). Returns 0
 * or -1 with errno. */
int sp_applog_write(int fd, const char *line, size_t len);
/* When the log open on *fd has reached max bytes: renames path to path.1
 * (replacing the older one), opens a new path and closes the old fd.
 * Returns 0 (also when nothing was due), or -1 with err (the old fd stays). */
int sp_applog_rotate(const char *path, int *fd, off_t max, char *err, size_t errlen);

/* Each line starts with its local time, "YYYY-MM-DD HH:MM:SS" and two
 * spaces (SP_APPLOG_TIME_LEN bytes): milliseconds since the epoch in *ms, or
 * -1 when s does not start so. Before 1970 is no time sockpit logged, and
 * years below 1000 would format back without their four digits. */
#define SP_APPLOG_TIME_LEN 21
int sp_applog_time_parse(const char *s, size_t len, int64_t *ms);

/* The last `keep` good lines of a log's bytes as records of `size` bytes,
 * oldest first, in *out (the caller frees it; NULL when keep is 0). The
 * bytes are walked from the end, so only those lines are parsed: parse
 * fills a zeroed record from a non-empty line and returns 0, or -1 for a
 * bad line (counted in *bad), leaving nothing in the record to free.
 * partial: the bytes start mid-file (a tail), so their first line may be
 * cut and is skipped. Returns the records made. */
typedef int sp_applog_parse_fn(const char *line, size_t len, void *rec);
size_t sp_applog_last_records(const char *bytes, size_t len, bool partial, size_t keep, size_t size,
                              sp_applog_parse_fn *parse, void **out, size_t *bad);

#endif
