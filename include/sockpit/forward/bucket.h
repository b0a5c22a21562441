/* Token buckets for the forwarder's rate limits: `rate` bytes a second
 * refill up to `burst`; bytes pass only with tokens. Time is given by the
 * caller (monotonic seconds), so the model is tested without a clock. */
#ifndef SOCKPIT_FORWARD_BUCKET_H
#define SOCKPIT_FORWARD_BUCKET_H

#include <stddef.h>

typedef struct sp_bucket {
    double rate;   /* bytes per second; 0: no limit */
    double burst;  /* most tokens held */
    double tokens;
    double last;   /* time of the last refill */
} sp_bucket;

/* The burst when none is given: a tenth of a second's worth, at least 4 KiB. */
double sp_bucket_default_burst(double rate);
/* Starts full. burst 0: sp_bucket_default_burst. */
void sp_bucket_init(sp_bucket *b, double rate, double burst, double now);
/* Adds the tokens earned since the last refill (time never runs back). */
void sp_bucket_refill(sp_bucket *b, double now);
/* Whole tokens available after a refill at now (SIZE_MAX without a limit). */
size_t sp_bucket_avail(sp_bucket *b, double now);
void sp_bucket_take(sp_bucket *b, size_t n);
/* Seconds from the last refill until `need` tokens (at most the burst) are
 * there; 0 when they are. */
double sp_bucket_wait(const sp_bucket *b, size_t need);

/* Max-min fair shares of `avail` among n wanting want[i]: each gets what it
 * wants or an equal share, whichever is less, and what the satisfied leave
 * goes to the others. Bytes that do not divide go one each from index
 * `start` on (rotate it so no one is always first). Returns the total
 * granted (grant[i] <= want[i], sum <= avail). */
size_t sp_share_fair(size_t avail, const size_t *want, size_t *grant, size_t n, size_t start);

#endif
