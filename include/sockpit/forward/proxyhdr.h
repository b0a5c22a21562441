/* haproxy's PROXY protocol header, sent first to the target so it learns
 * the real client address: version 1 is one text line ("PROXY TCP4 SRC DST
 * SPORT DPORT\r\n"), version 2 a binary block after a 12-byte signature. */
#ifndef SOCKPIT_FORWARD_PROXYHDR_H
#define SOCKPIT_FORWARD_PROXYHDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Enough for either version (v1 is at most 107 bytes, v2 here 52). */
#define SP_PROXY_HEADER_MAX 108

/* The header for a connection from src (the client) to dst (the address it
 * connected to), both AF_INET or AF_INET6; an IPv4-mapped IPv6 pair is sent
 * as IPv4. Other or mixed families give "PROXY UNKNOWN" (v1) or the LOCAL
 * command (v2). version is 1 or 2. Returns the length written to out
 * (at least SP_PROXY_HEADER_MAX bytes), 0 for an unknown version. */
size_t sp_proxy_header(int version, const struct sockaddr *src, const struct sockaddr *dst, uint8_t *out);

#endif
