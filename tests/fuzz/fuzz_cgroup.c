/* The network namespace parsers on any bytes. Input: byte 0 picks the
 * target (bit 0: a namespace link text, else a /proc/PID/cgroup text), the
 * rest is the input, copied into a buffer of exactly its size so ASan sees
 * overreads; the label buffer is exactly SP_CONTAINER_LABEL bytes.
 * Invariants: a label is NUL-terminated within its buffer, printable
 * ASCII without spaces, "KIND:NAME" with a known KIND and a non-empty
 * NAME, and "" when none was found; a link parses to a non-zero inode
 * that prints back to a text that parses to the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/conns/netns.h"

static void check_label(const char *label, bool found)
{
    const char *nul = memchr(label, '\0', SP_CONTAINER_LABEL);
    if (!nul)
        abort();
    if (!found) {
        if (nul != label)
            abort();
        return;
    }
    for (const char *p = label; p < nul; p++)
        if (*p <= ' ' || *p > '~')
            abort();
    const char *colon = strchr(label, ':');
    if (!colon || colon[1] == '\0')
        abort();
    bool known = false;
    for (size_t i = 0; sp_container_kinds[i] && !known; i++)
        known = strlen(sp_container_kinds[i]) == (size_t)(colon - label) &&
                memcmp(label, sp_container_kinds[i], (size_t)(colon - label)) == 0;
    if (!known)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t len = size - 1;
    char *buf = malloc(len ? len : 1);
    if (!buf)
        abort();
    memcpy(buf, data + 1, len);
    if (data[0] & 1) {
        uint64_t ino = 0, again = 0;
        if (sp_netns_link_parse(buf, len, &ino)) {
            char text[40];
            int n = snprintf(text, sizeof text, "net:[%llu]", (unsigned long long)ino);
            if (ino == 0 || !sp_netns_link_parse(text, (size_t)n, &again) || again != ino)
                abort();
        }
    } else {
        char *label = malloc(SP_CONTAINER_LABEL);
        if (!label)
            abort();
        bool found = sp_cgroup_container(buf, len, label);
        check_label(label, found);
        free(label);
    }
    free(buf);
    return 0;
}
