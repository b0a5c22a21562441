/* Whether a certificate is for the host a probe asked for, from the fields
 * the TLS wrapper reports. Pure. */
#ifndef SOCKPIT_PROBE_CERTMATCH_H
#define SOCKPIT_PROBE_CERTMATCH_H

#include <stdbool.h>
#include <stddef.h>

/* host: a DNS name, or an IPv4/IPv6 literal. sans: "DNS:name" and
 * "IP:addr" entries; a name matches a DNS entry case-insensitively, a
 * leading "*." standing for exactly one label; an address matches an IP
 * entry. Only when there is no DNS entry at all is a name matched against
 * the subject's CN (subject in RFC 2253 form, "CN=...,O=..."). */
bool sp_probe_cert_matches(const char *host, char *const *sans, size_t nsans, const char *subject);

#endif
