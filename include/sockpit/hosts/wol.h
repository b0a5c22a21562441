/* Wake-on-LAN: the magic packet (six 0xff bytes, then the MAC sixteen
 * times: 102 bytes), sent as a UDP broadcast to port 9 on an interface (its
 * broadcast address, bound to it with SO_BINDTODEVICE where permitted) and,
 * where the process may open a packet socket (CAP_NET_RAW), as an ethernet
 * frame of type 0x0842 to ff:ff:ff:ff:ff:ff. Each send is one non-blocking
 * sendto: nothing waits. */
#ifndef SOCKPIT_WOL_H
#define SOCKPIT_WOL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#define SP_WOL_LEN 102
#define SP_WOL_PORT 9
#define SP_WOL_ETHERTYPE 0x0842

/* "aa:bb:cc:dd:ee:ff", with '-' too, or twelve hex digits. 0 or -1. */
int sp_mac_parse(const char *s, unsigned char mac[6]);
void sp_wol_packet(const unsigned char mac[6], unsigned char out[SP_WOL_LEN]);

typedef struct sp_wol_result {
    char ifname[IF_NAMESIZE];
    bool udp_sent, frame_sent;
    char udp_to[64];      /* "198.18.1.255:9" */
    char udp_error[160];  /* why not, when !udp_sent */
    char frame_error[160];
} sp_wol_result;

/* Sends the packet for mac on interface ifname (NULL: on every interface
 * that is up, can broadcast and is not loopback; at most max results).
 * Returns the number of interfaces tried (0: none fits, with err). */
size_t sp_wol_send(const unsigned char mac[6], const char *ifname, unsigned port, sp_wol_result *res, size_t max,
                   char *err, size_t errlen);
/* One line for the user: "UDP to 198.18.1.255:9 on br0; ether frame 0x0842 on br0". */
void sp_wol_describe(const sp_wol_result *r, char *out, size_t cap);

#endif
