/* Checking DNS names typed by the user or read from watch.list. */
#ifndef SOCKPIT_DNSNAME_H
#define SOCKPIT_DNSNAME_H

#include <stddef.h>

#define SP_DNSNAME_MAX 253 /* characters, without the trailing dot */

/* Checks s[0..len) as a host name to look up: 1 to 253 characters, labels of
 * 1 to 63 letters, digits, '-' or '_' that neither start nor end with '-',
 * one optional trailing dot, and a last label that is not all digits (that
 * is an address, not a name). On success writes the lower-cased name without
 * the trailing dot to out (SP_DNSNAME_MAX + 1 bytes) and returns 0; else
 * returns -1 with a one-line reason in err. */
int sp_dnsname_check(const char *s, size_t len, char out[SP_DNSNAME_MAX + 1], char *err, size_t errlen);

#endif
