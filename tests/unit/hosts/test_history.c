/* The host history: stations followed across table snapshots (new,
 * flip-flop, gone, back), the log line format and its parser, and a replay
 * that remembers stations without new events. */
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "sockpit/hosts/history.h"

typedef struct got {
    sp_hevent ev[16];
    size_t n;
} got;

static void collect(void *ud, const sp_hevent *ev)
{
    got *g = ud;
    if (g->n < 16)
        g->ev[g->n++] = *ev;
}

static void put(sp_neigh_table *t, const char *ip, unsigned char last, uint16_t state)
{
    sp_rtnl_msg m = { .kind = SP_RTNL_NEIGH, .family = AF_INET, .ifindex = 3, .state = state, .lladdr_len = 6 };
    inet_pton(AF_INET, ip, m.addr);
    const unsigned char mac[6] = { 2, 0, 0, 0, 1, last };
    memcpy(m.lladdr, mac, 6);
    sp_neigh_apply(t, &m, 1000);
}

static void del(sp_neigh_table *t, const char *ip)
{
    sp_rtnl_msg m = { .kind = SP_RTNL_NEIGH, .del = true, .family = AF_INET, .ifindex = 3 };
    inet_pton(AF_INET, ip, m.addr);
    sp_neigh_apply(t, &m, 1000);
}

static void test_events(void **st)
{
    (void)st;
    sp_neigh_table t;
    sp_neigh_table_init(&t, NULL);
    sp_history h;
    sp_history_init(&h, 10);
    got g = { 0 };
    put(&t, "198.18.1.10", 0x0a, NUD_REACHABLE);
    put(&t, "198.18.1.11", 0x0b, NUD_FAILED);
    assert_int_equal(sp_history_observe(&h, &t, 100, collect, &g), 1);
    assert_int_equal(g.ev[0].kind, SP_HEV_NEW);
    assert_string_equal(g.ev[0].ip, "198.18.1.10");
    assert_string_equal(g.ev[0].mac, "02:00:00:00:01:0a");
    assert_int_equal(sp_history_observe(&h, &t, 101, collect, &g), 0);
    put(&t, "198.18.1.10", 0x0b, NUD_STALE);
    assert_int_equal(sp_history_observe(&h, &t, 102, collect, &g), 1);
    assert_int_equal(g.ev[1].kind, SP_HEV_FLIPFLOP);
    assert_string_equal(g.ev[1].mac, "02:00:00:00:01:0b");
    assert_string_equal(g.ev[1].old_mac, "02:00:00:00:01:0a");
    assert_int_equal(sp_history_observe(&h, &t, 103, collect, &g), 0);
    del(&t, "198.18.1.10");
    assert_int_equal(sp_history_observe(&h, &t, 112, collect, &g), 0);
    assert_int_equal(sp_history_observe(&h, &t, 113, collect, &g), 1);
    assert_int_equal(g.ev[2].kind, SP_HEV_GONE);
    assert_int_equal(sp_history_observe(&h, &t, 200, collect, &g), 0);
    put(&t, "198.18.1.10", 0x0b, NUD_REACHABLE);
    assert_int_equal(sp_history_observe(&h, &t, 201, collect, &g), 1);
    assert_int_equal(g.ev[3].kind, SP_HEV_BACK);
    const sp_station *s = sp_history_find(&h, "198.18.1.10");
    assert_non_null(s);
    assert_true(s->first_seen == 100);
    assert_true(s->last_seen == 201);
    assert_false(s->gone);
    assert_null(sp_history_find(&h, "198.18.1.11"));

    /* The log lines round-trip, and a replay remembers without events. */
    char line[512];
    sp_hevent back;
    for (size_t i = 0; i < g.n; i++) {
        size_t n = sp_hevent_format(&g.ev[i], line, sizeof line);
        assert_int_equal(sp_hevent_parse(line, n, &back), 0);
        assert_int_equal(back.kind, g.ev[i].kind);
        assert_string_equal(back.ip, g.ev[i].ip);
        assert_string_equal(back.mac, g.ev[i].mac);
        assert_string_equal(back.old_mac, g.ev[i].old_mac);
        assert_int_equal(back.time_ms, g.ev[i].time_ms);
    }
    sp_history h2;
    sp_history_init(&h2, 10);
    sp_history_replay(&h2, g.ev, g.n);
    got g2 = { 0 };
    assert_int_equal(sp_history_observe(&h2, &t, 202, collect, &g2), 0);
    sp_history_free(&h2);
    sp_history_free(&h);
    sp_neigh_table_free(&t);
}

static void test_parse(void **st)
{
    (void)st;
    sp_hevent ev;
    const char *ok = "2026-12-01 23:00:09  flip-flop  198.18.1.10  02:00:00:00:01:0b  br0  02:00:00:00:01:0a";
    assert_int_equal(sp_hevent_parse(ok, strlen(ok), &ev), 0);
    assert_string_equal(ev.ifname, "br0");
    const char *six = "2026-12-01 23:00:09  new  fe80::1  02:00:00:00:01:0b  br0";
    assert_int_equal(sp_hevent_parse(six, strlen(six), &ev), 0);
    assert_int_equal(ev.family, AF_INET6);
    static const char *const bad[] = {
        "2026-12-01 23:00:09  flip-flop  198.18.1.10  02:00:00:00:01:0b  br0",
        "2026-12-01 23:00:09  new  198.18.1.10  02:00:00:00:01:0b  br0  extra",
        "2026-12-01 23:00:09  new  198.18.1.300  02:00:00:00:01:0b  br0",
        "2026-12-01 23:00:09  new  198.18.1.10  02:00:00:00:01:0B  br0",
        "2026-12-01 23:00:09  new  198.18.1.10  02:00:00:00:01  br0 x",
        "2026-12-01 23:00:09  gone  198.18.1.10  02:00:00:00:01:0b  averyveryverylongname",
        "2026-13-01 23:00:09  new  198.18.1.10  02:00:00:00:01:0b  br0",
        "2026-12-01 23:00:09  old  198.18.1.10  02:00:00:00:01:0b  br0",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sp_hevent_parse(bad[i], strlen(bad[i]), &ev), -1);
    const char log[] = "23:00:09  new  198.18\n"
                       "2026-12-01 23:00:09  new  198.18.1.10  02:00:00:00:01:0b  br0\n"
                       "junk\n"
                       "2026-12-01 23:00:10  gone  198.18.1.10  02:00:00:00:01:0b  br0\n";
    sp_hevent *out;
    size_t nbad;
    size_t n = sp_hevent_parse_log(log, sizeof log - 1, true, 10, &out, &nbad);
    assert_int_equal(n, 2);
    assert_int_equal(nbad, 1);
    assert_int_equal(out[1].kind, SP_HEV_GONE);
    free(out);
    n = sp_hevent_parse_log(log, sizeof log - 1, true, 1, &out, &nbad);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].kind, SP_HEV_GONE);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
