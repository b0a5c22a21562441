/* The dns-changes.log loader and line parser on any bytes (TZ=UTC).
 *
 * Input: byte 0 picks how many events to keep (bits 0-2: 0-7; bit 7:
 * SP_CHANGELOG_KEEP), whether the first line may be cut (bit 6) and whether
 * the rest is repeated past 1,000 lines (bit 5); the rest is the log. The
 * loader must return what reading each line on its own gives: the last
 * `keep` good events at most, oldest first, and as bad the lines it read
 * that are not events. Each event, formatted, parses back to itself and
 * formats to the same line; a truncated format is a prefix of the full
 * one; its JSON line holds no control character. A disagree or agree has
 * one type and two servers' answers at least, differing or not as its
 * kind says (and a copy equal to it); other events have no answers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sockpit/dns/changelog.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

static bool same_answers(const sp_wevent *a, const sp_wevent *b)
{
    if (a->nanswers != b->nanswers)
        return false;
    for (size_t i = 0; i < a->nanswers; i++)
        if (strcmp(a->answers[i].server, b->answers[i].server) != 0 ||
            strcmp(a->answers[i].answer, b->answers[i].answer) != 0)
            return false;
    return true;
}

static bool same_event(const sp_wevent *a, const sp_wevent *b)
{
    return a->time_ms == b->time_ms && strcmp(a->name, b->name) == 0 && a->kind == b->kind &&
           a->rrtype == b->rrtype && sp_addrset_equal(&a->old, &b->old) && sp_addrset_equal(&a->new, &b->new) &&
           sp_valset_equal(&a->oldv, &b->oldv) && sp_valset_equal(&a->newv, &b->newv) &&
           strcmp(a->error, b->error) == 0 && same_answers(a, b);
}

/* A disagree or agree is about one type and two servers at least, which
 * differ (disagree) or not (agree); other events have no answers. */
static void check_answers(const sp_wevent *ev)
{
    if (!sp_wev_kind_is_compare(ev->kind)) {
        if (ev->nanswers)
            abort();
        return;
    }
    if (ev->nanswers < 2 || !ev->rrtype || (ev->rrtype & (ev->rrtype - 1)))
        abort();
    bool differ = false;
    for (size_t i = 0; i < ev->nanswers; i++) {
        if (!ev->answers[i].server[0] || strpbrk(ev->answers[i].server, " ;"))
            abort();
        differ = differ || strcmp(ev->answers[i].answer, ev->answers[0].answer) != 0;
    }
    if (differ != (ev->kind == SP_WEV_DISAGREE))
        abort();
}

static void check_event(const sp_wevent *ev)
{
    check_answers(ev);
    /* A copy is the same event. */
    sp_wevent copy;
    sp_wevent_init(&copy);
    sp_wevent_copy(&copy, ev);
    if (!same_event(&copy, ev))
        abort();
    sp_wevent_free(&copy);
    char line[8192];
    size_t n = sp_changelog_format(ev, line, sizeof line);
    if (n >= sizeof line || strlen(line) != n)
        abort();
    sp_wevent back;
    sp_wevent_init(&back);
    if (sp_changelog_parse_line(line, n, &back) < 0 || !same_event(ev, &back))
        abort();
    char again[8192];
    if (sp_changelog_format(&back, again, sizeof again) != n || strcmp(line, again) != 0)
        abort();
    char small[24];
    if (sp_changelog_format(ev, small, sizeof small) != n || strncmp(line, small, strlen(small)) != 0)
        abort();
    sp_wevent_free(&back);

    char *json = NULL;
    size_t jn = 0;
    FILE *f = open_memstream(&json, &jn);
    if (!f)
        abort();
    sp_wevent_json(ev, f);
    fclose(f);
    if (jn < 3 || json[0] != '{' || json[jn - 2] != '}' || json[jn - 1] != '\n')
        abort();
    for (size_t i = 0; i + 1 < jn; i++)
        if ((unsigned char)json[i] < 0x20)
            abort();
    free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t keep = data[0] & 0x80 ? SP_CHANGELOG_KEEP : data[0] & 7;
    bool partial = data[0] & 0x40;
    const char *body = (const char *)data + 1;
    size_t blen = size - 1;
    size_t copies = 1;
    if (data[0] & 0x20 && blen) {
        size_t nl = 1;
        for (size_t i = 0; i < blen; i++)
            nl += body[i] == '\n';
        copies = SP_CHANGELOG_KEEP / nl + 2;
    }
    size_t len = blen * copies;
    char *log = malloc(len ? len : 1);
    if (!log)
        abort();
    for (size_t c = 0; c < copies; c++)
        memcpy(log + c * blen, body, blen);

    sp_wevent *out;
    size_t bad;
    size_t n = sp_changelog_parse(log, len, partial, keep, &out, &bad);
    if (n > keep || (keep == 0 && (out || bad)))
        abort();

    /* Backwards over the lines, each parsed alone. */
    size_t wn = 0, wbad = 0, pos = len;
    sp_wevent ev;
    sp_wevent_init(&ev);
    while (pos > 0 && wn < keep) {
        size_t end = log[pos - 1] == '\n' ? pos - 1 : pos, start = end;
        while (start > 0 && log[start - 1] != '\n')
            start--;
        if (end > start && !(start == 0 && partial)) {
            if (sp_changelog_parse_line(log + start, end - start, &ev) == 0) {
                wn++;
                if (wn > n || !same_event(&out[n - wn], &ev))
                    abort();
            } else {
                wbad++;
            }
        }
        pos = start;
    }
    sp_wevent_free(&ev);
    if (wn != n || wbad != bad)
        abort();
    for (size_t i = 0; i < n && i < 16; i++)
        check_event(&out[i]);
    for (size_t i = 0; i < n; i++)
        sp_wevent_free(&out[i]);
    free(out);
    free(log);
    return 0;
}
