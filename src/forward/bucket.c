/* Token buckets and fair shares (bucket.h). */
#include "sockpit/forward/bucket.h"

#include <stdint.h>

double sp_bucket_default_burst(double rate)
{
    return rate / 10 > 4096 ? rate / 10 : 4096;
}

void sp_bucket_init(sp_bucket *b, double rate, double burst, double now)
{
    b->rate = rate;
    b->burst = burst > 0 ? burst : sp_bucket_default_burst(rate);
    b->tokens = b->burst;
    b->last = now;
}

void sp_bucket_refill(sp_bucket *b, double now)
{
    if (now <= b->last)
        return;
    b->tokens += (now - b->last) * b->rate;
    if (b->tokens > b->burst)
        b->tokens = b->burst;
    b->last = now;
}

size_t sp_bucket_avail(sp_bucket *b, double now)
{
    if (b->rate <= 0)
        return SIZE_MAX;
    sp_bucket_refill(b, now);
    return b->tokens >= 1 ? (size_t)b->tokens : 0;
}

void sp_bucket_take(sp_bucket *b, size_t n)
{
    if (b->rate > 0)
        b->tokens -= (double)n;
}

double sp_bucket_wait(const sp_bucket *b, size_t need)
{
    if (b->rate <= 0)
        return 0;
    double want = (double)need < b->burst ? (double)need : b->burst;
    return b->tokens >= want ? 0 : (want - b->tokens) / b->rate;
}

size_t sp_share_fair(size_t avail, const size_t *want, size_t *grant, size_t n, size_t start)
{
    size_t left = avail, hungry = 0;
    for (size_t i = 0; i < n; i++) {
        grant[i] = 0;
        hungry += want[i] > 0;
    }
    while (left > 0 && hungry > 0) {
        size_t share = left / hungry;
        if (share == 0) {
            /* Fewer bytes than takers: one each, in turn from `start`. */
            for (size_t k = 0; k < n && left > 0; k++) {
                size_t i = (start + k) % n;
                if (grant[i] < want[i]) {
                    grant[i]++;
                    left--;
                }
            }
            break;
        }
        hungry = 0;
        for (size_t i = 0; i < n; i++) {
            size_t need = want[i] - grant[i];
            if (need == 0)
                continue;
            size_t g = need < share ? need : share;
            grant[i] += g;
            left -= g;
            hungry += grant[i] < want[i];
        }
    }
    return avail - left;
}
