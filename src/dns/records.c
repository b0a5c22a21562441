/* Reply records as canonical values (records.h). */
#include "sockpit/dns/records.h"

#include <ares.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A growing text buffer, cut at SP_VALUE_MAX (the set cuts it again). */
typedef struct text {
    char buf[SP_VALUE_MAX + 8];
    size_t len;
} text;

static void put(text *t, const char *s, size_t n)
{
    for (size_t i = 0; i < n && t->len < SP_VALUE_MAX + 4; i++)
        t->buf[t->len++] = s[i];
}

/* Bytes in canonical form: \DDD for what a value may not hold; names are
 * lower-cased and have their blanks escaped too. */
static void put_escaped(text *t, const unsigned char *s, size_t n, bool name)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (name && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c < 0x20 || c >= 0x7f || c == ',' || c == '(' || c == ')' || c == '"' || c == '\\' ||
            (name && c == ' ')) {
            char esc[8];
            int k = snprintf(esc, sizeof esc, "\\%03u", c);
            put(t, esc, (size_t)k);
        } else {
            put(t, (const char *)&c, 1);
        }
    }
}

/* The root (an empty name) is written ".": a value is never empty. */
static void put_name(text *t, const char *name)
{
    if (!name[0])
        put(t, ".", 1);
    put_escaped(t, (const unsigned char *)name, strlen(name), true);
}

static void add(sp_valset *out, const text *t) { sp_valset_add(out, t->buf, t->len); }

static int parse_cname(const char *qname, const unsigned char *abuf, int alen, sp_valset *out)
{
    struct hostent *h = NULL;
    int rc = ares_parse_a_reply(abuf, alen, &h, NULL, NULL);
    if (rc == ARES_ENODATA)
        return ARES_SUCCESS;
    if (rc != ARES_SUCCESS)
        return rc;
    /* No alias: the name is no CNAME. Else the chain: each alias after the
     * name asked for, then the canonical name it ends at. */
    text t = { .len = 0 };
    size_t hops = 0;
    for (char **a = h->h_aliases; a && *a; a++) {
        if (strcasecmp(*a, qname) == 0)
            continue;
        if (hops++)
            put(&t, " > ", 3);
        put_name(&t, *a);
    }
    if (h->h_name && strcasecmp(h->h_name, qname) != 0) {
        if (hops++)
            put(&t, " > ", 3);
        put_name(&t, h->h_name);
    }
    if (hops)
        add(out, &t);
    ares_free_hostent(h);
    return ARES_SUCCESS;
}

static int parse_mx(const unsigned char *abuf, int alen, sp_valset *out)
{
    struct ares_mx_reply *mx = NULL;
    int rc = ares_parse_mx_reply(abuf, alen, &mx);
    for (struct ares_mx_reply *m = mx; rc == ARES_SUCCESS && m; m = m->next) {
        text t = { .len = 0 };
        char pref[8];
        int k = snprintf(pref, sizeof pref, "%u ", (unsigned)m->priority);
        put(&t, pref, (size_t)k);
        put_name(&t, m->host ? m->host : "");
        add(out, &t);
    }
    if (mx)
        ares_free_data(mx);
    return rc;
}

static int parse_ns(const unsigned char *abuf, int alen, sp_valset *out)
{
    struct hostent *h = NULL;
    int rc = ares_parse_ns_reply(abuf, alen, &h);
    if (rc != ARES_SUCCESS)
        return rc;
    for (char **a = h->h_aliases; a && *a; a++) {
        text t = { .len = 0 };
        put_name(&t, *a);
        add(out, &t);
    }
    ares_free_hostent(h);
    return ARES_SUCCESS;
}

static int parse_txt(const unsigned char *abuf, int alen, sp_valset *out)
{
    struct ares_txt_ext *txt = NULL;
    int rc = ares_parse_txt_reply_ext(abuf, alen, &txt);
    text t = { .len = 0 };
    bool open = false;
    for (struct ares_txt_ext *x = txt; rc == ARES_SUCCESS && x; x = x->next) {
        /* A record's strings are joined into one value. */
        if (x->record_start && open) {
            put(&t, "\"", 1);
            add(out, &t);
            t.len = 0;
            open = false;
        }
        if (!open) {
            put(&t, "\"", 1);
            open = true;
        }
        put_escaped(&t, x->txt, x->length, false);
    }
    if (open) {
        put(&t, "\"", 1);
        add(out, &t);
    }
    if (txt)
        ares_free_data(txt);
    return rc;
}

static int parse_caa(const unsigned char *abuf, int alen, sp_valset *out)
{
    struct ares_caa_reply *caa = NULL;
    int rc = ares_parse_caa_reply(abuf, alen, &caa);
    for (struct ares_caa_reply *c = caa; rc == ARES_SUCCESS && c; c = c->next) {
        text t = { .len = 0 };
        char flags[8];
        int k = snprintf(flags, sizeof flags, "%d ", c->critical);
        put(&t, flags, (size_t)k);
        put_escaped(&t, c->property, c->plength, true);
        put(&t, " \"", 2);
        put_escaped(&t, c->value, c->length, false);
        put(&t, "\"", 1);
        add(out, &t);
    }
    if (caa)
        ares_free_data(caa);
    return rc;
}

static int parse_soa(const unsigned char *abuf, int alen, sp_valset *out)
{
    struct ares_soa_reply *soa = NULL;
    int rc = ares_parse_soa_reply(abuf, alen, &soa);
    if (rc == ARES_SUCCESS) {
        char serial[16];
        int k = snprintf(serial, sizeof serial, "%u", soa->serial);
        sp_valset_add(out, serial, (size_t)k);
    }
    if (soa)
        ares_free_data(soa);
    return rc;
}

int sp_records_parse(sp_rrtype t, const char *qname, const unsigned char *abuf, int alen, sp_valset *out)
{
    sp_valset_clear(out);
    int rc;
    switch (t) {
    case SP_RR_CNAME: rc = parse_cname(qname, abuf, alen, out); break;
    case SP_RR_MX: rc = parse_mx(abuf, alen, out); break;
    case SP_RR_NS: rc = parse_ns(abuf, alen, out); break;
    case SP_RR_TXT: rc = parse_txt(abuf, alen, out); break;
    case SP_RR_CAA: rc = parse_caa(abuf, alen, out); break;
    case SP_RR_SOA: rc = parse_soa(abuf, alen, out); break;
    default: rc = ARES_ENOTIMP; break;
    }
    /* An answer without records of the type is an empty answer. */
    if (rc == ARES_ENODATA)
        rc = ARES_SUCCESS;
    if (rc != ARES_SUCCESS)
        sp_valset_clear(out);
    sp_valset_normalize(out);
    return rc;
}
