/* Several resolvers compared (watch_compare.h). */
#include "sockpit/dns/watch_compare.h"

#include <arpa/inet.h>
#include <ares.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sockpit/core/mem.h"

/* One resolver: its channel and its watcher, and where it sits. */
typedef struct resolver {
    sp_watch_cmp *c;
    size_t i;
    sp_dns *dns;
    sp_watch *watch;
} resolver;

struct sp_watch_cmp {
    sp_watch *main;
    resolver *res;
    char **labels;
    size_t n;
    sp_compare model;
};

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A disagree or agree goes the way of the main watcher's events: its log,
 * then its setup (recent events, hook, the view). */
static void report(sp_watch_cmp *c, const char *name, sp_rrtype t, sp_cmp_change change)
{
    sp_wevent ev;
    sp_wevent_init(&ev);
    ev.time_ms = wall_ms();
    snprintf(ev.name, sizeof ev.name, "%s", name);
    ev.kind = change == SP_CMP_DISAGREE ? SP_WEV_DISAGREE : SP_WEV_AGREE;
    ev.rrtype = SP_RRBIT(t);
    /* Every server has answered: the model reports nothing before. */
    for (size_t i = 0; i < c->n; i++) {
        const char *a = sp_compare_answer(&c->model, name, t, i);
        sp_wevent_add_answer(&ev, c->labels[i], a ? a : "");
    }
    sp_watch_report(c->main, &ev);
    sp_wevent_free(&ev);
}

static void on_answer(void *ud, sp_watch_name *n)
{
    resolver *r = ud;
    sp_watch_cmp *c = r->c;
    for (int t = 0; t < SP_RR_N; t++) {
        if (!(n->types & SP_RRBIT(t)))
            continue;
        const sp_watch_rr *st = &n->rr[t];
        bool addr = (SP_RRBIT(t) & SP_RRMASK_ADDR) != 0;
        char *text = sp_compare_text(st->error[0] ? st->error : NULL, addr ? &st->set : NULL,
                                     addr ? NULL : &st->vals);
        sp_cmp_change ch = sp_compare_feed(&c->model, n->name, (sp_rrtype)t, r->i, text);
        free(text);
        if (ch != SP_CMP_SAME)
            report(c, n->name, (sp_rrtype)t, ch);
    }
}

/* The servers dns was made with, in the CSV form ("[::1]:53" for IPv6). */
static char *servers_of(sp_dns *dns, char *err, size_t errlen)
{
    struct ares_addr_port_node *list = NULL;
    int rc = ares_get_servers_ports(sp_dns_channel(dns), &list);
    if (rc != ARES_SUCCESS) {
        snprintf(err, errlen, "--compare: cannot read the DNS servers: %s", ares_strerror(rc));
        return NULL;
    }
    size_t cap = 64, used = 0;
    char *csv = sp_xmalloc(cap);
    csv[0] = '\0';
    for (const struct ares_addr_port_node *p = list; p; p = p->next) {
        char a[INET6_ADDRSTRLEN], one[INET6_ADDRSTRLEN + 16];
        inet_ntop(p->family, p->family == AF_INET6 ? (const void *)&p->addr.addr6 : (const void *)&p->addr.addr4, a,
                  sizeof a);
        int port = p->udp_port ? p->udp_port : 53;
        int len = p->family == AF_INET6 ? snprintf(one, sizeof one, "[%s]:%d", a, port)
                                        : snprintf(one, sizeof one, "%s:%d", a, port);
        SP_GROW(csv, cap, used + (size_t)len + 2);
        used += (size_t)snprintf(csv + used, cap - used, "%s%s", used ? "," : "", one);
    }
    ares_free_data(list);
    if (!used) {
        free(csv);
        snprintf(err, errlen, "--compare: no DNS servers configured (use --dns-server ADDR,ADDR)");
        return NULL;
    }
    return csv;
}

sp_watch_cmp *sp_watch_cmp_new(sp_loop *loop, sp_watch *main, sp_dns *dns, const char *servers, double interval,
                               bool ttl_mode, char *err, size_t errlen)
{
    char *csv = servers ? sp_xstrdup(servers) : servers_of(dns, err, errlen);
    if (!csv)
        return NULL;
    sp_watch_cmp *c = sp_xcalloc(1, sizeof *c);
    c->main = main;
    for (const char *p = csv; *p; c->n++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        c->labels = sp_xrealloc(c->labels, (c->n + 1) * sizeof *c->labels);
        c->labels[c->n] = sp_xmalloc(len + 1);
        memcpy(c->labels[c->n], p, len);
        c->labels[c->n][len] = '\0';
        p += len + (comma != NULL);
    }
    free(csv);
    sp_compare_init(&c->model, c->n);
    c->res = sp_xcalloc(c->n ? c->n : 1, sizeof *c->res);
    if (c->n < 2) {
        snprintf(err, errlen,
                 "--compare: only one DNS server to ask (%s): give two or more with --dns-server ADDR,ADDR",
                 c->n ? c->labels[0] : "none");
        sp_watch_cmp_free(c);
        return NULL;
    }
    for (size_t i = 0; i < c->n; i++) {
        resolver *r = &c->res[i];
        *r = (resolver){ .c = c, .i = i };
        sp_dns_config dc = { .servers = c->labels[i] };
        r->dns = sp_dns_new(loop, &dc, err, errlen);
        if (!r->dns) {
            sp_watch_cmp_free(c);
            return NULL;
        }
        sp_watch_config wc = { .dns = r->dns, .interval = interval, .ttl_mode = ttl_mode, .log_fd = -1,
                               .on_answer = on_answer, .ud = r };
        r->watch = sp_watch_new(loop, &wc);
        for (size_t k = 0; k < sp_watch_count(main); k++) {
            const sp_watch_name *n = sp_watch_get(main, k);
            sp_watch_add(r->watch, n->name, n->types, n->mode, n->interval_ms, 0);
        }
    }
    return c;
}

void sp_watch_cmp_free(sp_watch_cmp *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        sp_dns_free(c->res[i].dns);
    for (size_t i = 0; i < c->n; i++) {
        sp_watch_free(c->res[i].watch);
        free(c->labels[i]);
    }
    free(c->res);
    free(c->labels);
    sp_compare_free(&c->model);
    free(c);
}

void sp_watch_cmp_add(sp_watch_cmp *c, const char *name, unsigned types, sp_wmode mode, long interval_ms)
{
    for (size_t i = 0; c && i < c->n; i++)
        sp_watch_add(c->res[i].watch, name, types, mode, interval_ms, 0);
}

void sp_watch_cmp_set_mode(sp_watch_cmp *c, const char *name, sp_wmode mode, long interval_ms)
{
    for (size_t i = 0; c && i < c->n; i++) {
        sp_watch_name *n = sp_watch_find(c->res[i].watch, name);
        if (n)
            sp_watch_set_mode(c->res[i].watch, n, mode, interval_ms);
    }
}

void sp_watch_cmp_remove(sp_watch_cmp *c, const char *name)
{
    for (size_t i = 0; c && i < c->n; i++)
        sp_watch_remove(c->res[i].watch, name);
}

const sp_compare *sp_watch_cmp_model(const sp_watch_cmp *c) { return &c->model; }

size_t sp_watch_cmp_count(const sp_watch_cmp *c) { return c->n; }

const char *sp_watch_cmp_label(const sp_watch_cmp *c, size_t i) { return i < c->n ? c->labels[i] : NULL; }
