/* Wake-on-LAN (wol.h). */
#include "sockpit/hosts/wol.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/core/parse.h"

int sp_mac_parse(const char *s, unsigned char mac[6])
{
    size_t n = strlen(s);
    bool sep = n == 17;
    if (n != 17 && n != 12)
        return -1;
    for (int i = 0; i < 6; i++) {
        const char *p = s + (sep ? 3 * (size_t)i : 2 * (size_t)i);
        int hi = sp_hexval(p[0]), lo = sp_hexval(p[1]);
        if (hi < 0 || lo < 0 || (sep && i < 5 && p[2] != ':' && p[2] != '-') || (sep && i < 5 && p[2] != s[2]))
            return -1;
        mac[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

void sp_wol_packet(const unsigned char mac[6], unsigned char out[SP_WOL_LEN])
{
    memset(out, 0xff, 6);
    for (size_t i = 0; i < 16; i++)
        memcpy(out + 6 + 6 * i, mac, 6);
}

static void send_udp(const unsigned char *pkt, const struct ifaddrs *a, unsigned port, sp_wol_result *r)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(r->udp_error, sizeof r->udp_error, "no UDP socket: %s", strerror(errno));
        return;
    }
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
    /* Bound to the interface where permitted; the directed broadcast
     * address routes there anyway. */
    bool bound = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, r->ifname, (socklen_t)strlen(r->ifname)) == 0;
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (a && a->ifa_netmask) {
        /* The subnet's broadcast address, from the address and its mask
         * (ifa_broadaddr is the local address where none was set). */
        uint32_t ip = ((const struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr;
        uint32_t mask = ((const struct sockaddr_in *)a->ifa_netmask)->sin_addr.s_addr;
        to.sin_addr.s_addr = ip | ~mask;
    } else if (bound)
        to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
    else {
        snprintf(r->udp_error, sizeof r->udp_error, "no IPv4 broadcast address on %s", r->ifname);
        close(fd);
        return;
    }
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &to.sin_addr, ip, sizeof ip);
    snprintf(r->udp_to, sizeof r->udp_to, "%s:%u", ip, port);
    if (sendto(fd, pkt, SP_WOL_LEN, 0, (struct sockaddr *)&to, sizeof to) == SP_WOL_LEN)
        r->udp_sent = true;
    else
        snprintf(r->udp_error, sizeof r->udp_error, "UDP to %s: %s", r->udp_to, strerror(errno));
    close(fd);
}

static void send_frame(const unsigned char *pkt, sp_wol_result *r)
{
    int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(SP_WOL_ETHERTYPE));
    if (fd < 0) {
        snprintf(r->frame_error, sizeof r->frame_error, "ether frame 0x0842: %s%s", strerror(errno),
                 errno == EPERM ? " (needs CAP_NET_RAW)" : "");
        return;
    }
    struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(SP_WOL_ETHERTYPE),
                              .sll_ifindex = (int)if_nametoindex(r->ifname), .sll_halen = 6 };
    memset(ll.sll_addr, 0xff, 6);
    if (sendto(fd, pkt, SP_WOL_LEN, 0, (struct sockaddr *)&ll, sizeof ll) == SP_WOL_LEN)
        r->frame_sent = true;
    else
        snprintf(r->frame_error, sizeof r->frame_error, "ether frame 0x0842 on %s: %s", r->ifname, strerror(errno));
    close(fd);
}

size_t sp_wol_send(const unsigned char mac[6], const char *ifname, unsigned port, sp_wol_result *res, size_t max,
                   char *err, size_t errlen)
{
    unsigned char pkt[SP_WOL_LEN];
    sp_wol_packet(mac, pkt);
    struct ifaddrs *all;
    if (getifaddrs(&all) < 0) {
        snprintf(err, errlen, "cannot list the interfaces: %s", strerror(errno));
        return 0;
    }
    size_t n = 0;
    bool seen = false;
    for (const struct ifaddrs *a = all; a && n < max; a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET)
            continue;
        if (ifname && strcmp(a->ifa_name, ifname) != 0)
            continue;
        seen = true;
        if (!(a->ifa_flags & IFF_UP) || !(a->ifa_flags & IFF_BROADCAST) || (a->ifa_flags & IFF_LOOPBACK))
            continue;
        bool dup = false;
        for (size_t k = 0; k < n; k++)
            dup |= strcmp(res[k].ifname, a->ifa_name) == 0;
        if (dup)
            continue;
        sp_wol_result *r = &res[n++];
        memset(r, 0, sizeof *r);
        snprintf(r->ifname, sizeof r->ifname, "%s", a->ifa_name);
        send_udp(pkt, a, port, r);
        send_frame(pkt, r);
    }
    freeifaddrs(all);
    if (!n) {
        if (ifname && !seen)
            snprintf(err, errlen, "no interface '%s' with an IPv4 address (see sockpit hosts --interfaces)", ifname);
        else if (ifname)
            snprintf(err, errlen, "interface '%s' is down, cannot broadcast or is loopback", ifname);
        else
            snprintf(err, errlen, "no interface is up with an IPv4 broadcast address");
    }
    return n;
}

void sp_wol_describe(const sp_wol_result *r, char *out, size_t cap)
{
    char udp[200], frame[200];
    if (r->udp_sent)
        snprintf(udp, sizeof udp, "UDP to %s on %s", r->udp_to, r->ifname);
    else
        snprintf(udp, sizeof udp, "%s", r->udp_error);
    if (r->frame_sent)
        snprintf(frame, sizeof frame, "ether frame 0x0842 on %s", r->ifname);
    else
        snprintf(frame, sizeof frame, "%s", r->frame_error);
    snprintf(out, cap, "%s; %s", udp, frame);
}
