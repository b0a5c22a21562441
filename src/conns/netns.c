/* Network namespace links and container labels from cgroup paths. */
#include "sockpit/conns/netns.h"

#include <stdio.h>
#include <string.h>

#include "sockpit/core/parse.h"

const char *const sp_container_kinds[] = { "docker", "containerd", "crio", "podman", "k8s", "lxc", "nspawn", NULL };

bool sp_netns_link_parse(const char *buf, size_t len, uint64_t *inode)
{
    static const char head[] = "net:[";
    size_t h = sizeof head - 1;
    if (len < h + 2 || memcmp(buf, head, h) != 0 || buf[len - 1] != ']')
        return false;
    uint64_t v = 0;
    for (size_t i = h; i < len - 1; i++) {
        if (buf[i] < '0' || buf[i] > '9')
            return false;
        unsigned d = (unsigned)(buf[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (v == 0)
        return false;
    *inode = v;
    return true;
}

typedef struct span {
    const char *p;
    size_t n;
} span;

static bool is(span s, const char *text) { return s.n == strlen(text) && memcmp(s.p, text, s.n) == 0; }

static bool starts(span s, const char *text) { return s.n >= strlen(text) && memcmp(s.p, text, strlen(text)) == 0; }

static bool is_id(span s)
{
    if (s.n != 64)
        return false;
    for (size_t i = 0; i < s.n; i++)
        if (!((s.p[i] >= '0' && s.p[i] <= '9') || (s.p[i] >= 'a' && s.p[i] <= 'f')))
            return false;
    return true;
}

/* The id of "<head><id>" or "<head><id>.scope"; scope: whether the suffix
 * is required. */
static bool id_between(span s, const char *head, bool scope, span *id)
{
    if (!starts(s, head))
        return false;
    span rest = { s.p + strlen(head), s.n - strlen(head) };
    if (rest.n > 6 && memcmp(rest.p + rest.n - 6, ".scope", 6) == 0)
        rest.n -= 6;
    else if (scope)
        return false;
    if (!is_id(rest))
        return false;
    *id = rest;
    return true;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '+' || c == '@' || c == '-';
}

/* kind:NAME into label, NAME unescaped (systemd's \xNN) when asked and cut
 * to fit. False when NAME is empty or has a byte a label may not. */
static bool put_name(const char *kind, span name, bool unescape, char label[SP_CONTAINER_LABEL])
{
    char out[SP_CONTAINER_LABEL];
    size_t k = strlen(kind), n = 0;
    for (size_t i = 0; i < name.n; i++) {
        char c = name.p[i];
        if (unescape && c == '\\' && i + 3 < name.n && name.p[i + 1] == 'x' && sp_hexval(name.p[i + 2]) >= 0 &&
            sp_hexval(name.p[i + 3]) >= 0) {
            c = (char)(sp_hexval(name.p[i + 2]) * 16 + sp_hexval(name.p[i + 3]));
            i += 3;
        }
        if (!name_char(c))
            return false;
        if (k + 1 + n < SP_CONTAINER_LABEL - 1)
            out[n++] = c;
    }
    if (n == 0)
        return false;
    snprintf(label, SP_CONTAINER_LABEL, "%s:%.*s", kind, (int)n, out);
    return true;
}

static bool put_id(const char *kind, span id, char label[SP_CONTAINER_LABEL])
{
    snprintf(label, SP_CONTAINER_LABEL, "%s:%.12s", kind, id.p);
    return true;
}

/* One path component, after prev (an empty span at the root). */
static bool match(span prev, span c, bool kubepods, char label[SP_CONTAINER_LABEL])
{
    span id;
    if (is(prev, "docker") && is_id(c))
        return put_id("docker", c, label);
    if (id_between(c, "docker-", true, &id))
        return put_id("docker", id, label);
    if (id_between(c, "cri-containerd-", true, &id))
        return put_id("containerd", id, label);
    if (id_between(c, "crio-", false, &id))
        return put_id("crio", id, label);
    if (id_between(c, "libpod-", false, &id))
        return put_id("podman", id, label);
    if (kubepods && is_id(c))
        return put_id("k8s", c, label);
    if (is(prev, "lxc"))
        return put_name("lxc", c, false, label);
    if (starts(c, "lxc.payload."))
        return put_name("lxc", (span){ c.p + 12, c.n - 12 }, false, label);
    if (is(prev, "machine.slice") && starts(c, "machine-") && c.n > 8 + 6 && memcmp(c.p + c.n - 6, ".scope", 6) == 0)
        return put_name("nspawn", (span){ c.p + 8, c.n - 8 - 6 }, true, label);
    return false;
}

/* The innermost container of one cgroup path. */
static bool path_container(span path, char label[SP_CONTAINER_LABEL])
{
    span prev = { path.p, 0 };
    bool found = false, kubepods = false;
    char cand[SP_CONTAINER_LABEL];
    size_t at = 0;
    while (at < path.n) {
        while (at < path.n && path.p[at] == '/')
            at++;
        size_t end = at;
        while (end < path.n && path.p[end] != '/')
            end++;
        if (end == at)
            break;
        span c = { path.p + at, end - at };
        if (starts(c, "kubepods"))
            kubepods = true;
        if (match(prev, c, kubepods, cand)) {
            memcpy(label, cand, sizeof cand);
            found = true;
        }
        prev = c;
        at = end;
    }
    return found;
}

bool sp_cgroup_container(const char *buf, size_t len, char label[SP_CONTAINER_LABEL])
{
    label[0] = '\0';
    size_t at = 0;
    while (at < len) {
        const char *nl = memchr(buf + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - buf) : len;
        /* "hierarchy:controllers:path"; the path may hold ':' itself. */
        const char *c1 = memchr(buf + at, ':', end - at);
        const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(buf + end - c1 - 1)) : NULL;
        if (c2 && path_container((span){ c2 + 1, (size_t)(buf + end - c2 - 1) }, label))
            return true;
        at = end + 1;
    }
    label[0] = '\0';
    return false;
}
