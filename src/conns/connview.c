/* Cell texts and the filter. */
#include "sockpit/conns/connview.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sockpit/core/proto.h"

bool sp_conn_filter_match(const sp_conn_filter *f, const sp_conn *c)
{
    if ((f->tcp || f->udp) && !(f->tcp && c->s.proto == SP_PROTO_TCP) && !(f->udp && c->s.proto == SP_PROTO_UDP))
        return false;
    if (f->state >= 0 && c->s.state != f->state)
        return false;
    if (f->pid && c->pid != f->pid)
        return false;
    return !f->process || (c->owner == SP_OWNER_PROC && strcmp(c->comm, f->process) == 0);
}

/* Integer arithmetic only: the pane formats tens of thousands of these per
 * refresh, and printf's floating point was a tenth of its time. */
void sp_fmt_bytes(double v, char *buf, size_t len)
{
    static const char suffix[] = "KMGTP";
    uint64_t n = v > 0 ? (uint64_t)(v + 0.5) : 0;
    if (n < 1000) {
        snprintf(buf, len, "%u", (unsigned)n);
        return;
    }
    /* n in tenths of the unit, rounded. */
    int i = 0;
    uint64_t tenths = (n * 10 + 500) / 1000;
    while (tenths >= 9995 && i < 4) {
        tenths = (tenths + 500) / 1000;
        i++;
    }
    if (tenths < 100)
        snprintf(buf, len, "%u.%u%c", (unsigned)(tenths / 10), (unsigned)(tenths % 10), suffix[i]);
    else
        snprintf(buf, len, "%u%c", (unsigned)((tenths + 5) / 10), suffix[i]);
}

void sp_fmt_rtt(const sp_conn *c, char *buf, size_t len)
{
    if (!SP_DIAG_HAS(&c->s, tcpi_rtt) || c->s.state != SP_TCP_ESTABLISHED) {
        snprintf(buf, len, "-");
        return;
    }
    double ms = c->s.info.tcpi_rtt / 1000.0;
    snprintf(buf, len, ms < 1 ? "%.2f" : ms < 100 ? "%.1f" : "%.0f", ms);
}

void sp_fmt_age(const sp_conn *c, double now, char *buf, size_t len)
{
    double a = (c->closed ? c->closed_at : now) - c->first_seen;
    if (a < 0)
        a = 0;
    const char *plus = c->before ? "+" : "";
    if (a < 60)
        snprintf(buf, len, "%.0fs%s", a, plus);
    else if (a < 3600)
        snprintf(buf, len, "%.0fm%s", a / 60, plus);
    else if (a < 86400)
        snprintf(buf, len, "%.0fh%s", a / 3600, plus);
    else
        snprintf(buf, len, "%.0fd%s", a / 86400, plus);
}

/* One line per tcp_info field, named without its "tcpi_" prefix. */
#define U32(field, unit)                                                                                         \
    do {                                                                                                         \
        if (SP_DIAG_HAS(&c->s, field)) {                                                                         \
            snprintf(t, sizeof t, "%-22s %" PRIu32 "%s", &(#field)[5], (uint32_t)i->field, unit);                 \
            line(ud, t);                                                                                         \
        }                                                                                                        \
    } while (0)
#define U64(field, unit)                                                                                         \
    do {                                                                                                         \
        if (SP_DIAG_HAS(&c->s, field)) {                                                                         \
            snprintf(t, sizeof t, "%-22s %" PRIu64 "%s", &(#field)[5], (uint64_t)i->field, unit);                 \
            line(ud, t);                                                                                         \
        }                                                                                                        \
    } while (0)

void sp_conn_info_lines(const sp_conn *c, void (*line)(void *ud, const char *text), void *ud)
{
    const struct tcp_info *i = &c->s.info;
    char t[96];
    if (!c->s.info_len) {
        line(ud, c->s.proto == SP_PROTO_TCP ? "no tcp_info (the kernel gave none for this state)"
                                            : "UDP: the kernel keeps no byte counters per socket");
        return;
    }
    snprintf(t, sizeof t, "%-22s %u (%s)", "state", i->tcpi_state, sp_tcp_state_name(i->tcpi_state));
    line(ud, t);
    U32(tcpi_ca_state, "");
    U32(tcpi_retransmits, "");
    U32(tcpi_probes, "");
    U32(tcpi_backoff, "");
    U32(tcpi_options, "");
    snprintf(t, sizeof t, "%-22s %u/%u", "snd_wscale/rcv_wscale", i->tcpi_snd_wscale, i->tcpi_rcv_wscale);
    line(ud, t);
    U32(tcpi_rto, " us");
    U32(tcpi_ato, " us");
    U32(tcpi_snd_mss, "");
    U32(tcpi_rcv_mss, "");
    U32(tcpi_unacked, "");
    U32(tcpi_sacked, "");
    U32(tcpi_lost, "");
    U32(tcpi_retrans, "");
    U32(tcpi_fackets, "");
    U32(tcpi_last_data_sent, " ms");
    U32(tcpi_last_ack_sent, " ms");
    U32(tcpi_last_data_recv, " ms");
    U32(tcpi_last_ack_recv, " ms");
    U32(tcpi_pmtu, "");
    U32(tcpi_rcv_ssthresh, "");
    U32(tcpi_rtt, " us");
    U32(tcpi_rttvar, " us");
    U32(tcpi_snd_ssthresh, "");
    U32(tcpi_snd_cwnd, "");
    U32(tcpi_advmss, "");
    U32(tcpi_reordering, "");
    U32(tcpi_rcv_rtt, " us");
    U32(tcpi_rcv_space, "");
    U32(tcpi_total_retrans, "");
    U64(tcpi_pacing_rate, " B/s");
    U64(tcpi_max_pacing_rate, " B/s");
    U64(tcpi_bytes_acked, "");
    U64(tcpi_bytes_received, "");
    U32(tcpi_segs_out, "");
    U32(tcpi_segs_in, "");
    U32(tcpi_notsent_bytes, "");
    U32(tcpi_min_rtt, " us");
    U32(tcpi_data_segs_in, "");
    U32(tcpi_data_segs_out, "");
    U64(tcpi_delivery_rate, " B/s");
    U64(tcpi_busy_time, " us");
    U64(tcpi_rwnd_limited, " us");
    U64(tcpi_sndbuf_limited, " us");
    U32(tcpi_delivered, "");
    U32(tcpi_delivered_ce, "");
    U64(tcpi_bytes_sent, "");
    U64(tcpi_bytes_retrans, "");
    U32(tcpi_dsack_dups, "");
    U32(tcpi_reord_seen, "");
    U32(tcpi_rcv_ooopack, "");
    U32(tcpi_snd_wnd, "");
}
