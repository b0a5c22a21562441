/* For tests: a c-ares channel in `loop` that asks only 127.0.0.1:port, one
 * try of timeout_ms. (Included by the unit tests that need it.) */
#ifndef SOCKPIT_TESTDNS_H
#define SOCKPIT_TESTDNS_H

#include <stdio.h>
#include <stdlib.h>

#include "sockpit/core/dns.h"

static sp_dns *test_dns(sp_loop *loop, int port, int timeout_ms)
{
    char list[64], err[256];
    snprintf(list, sizeof list, "127.0.0.1:%d", port);
    char *csv = sp_dns_parse_servers(list, err, sizeof err);
    assert_non_null(csv);
    sp_dns_config cfg = { .servers = csv, .timeout_ms = timeout_ms, .tries = 1 };
    sp_dns *d = sp_dns_new(loop, &cfg, err, sizeof err);
    free(csv);
    assert_non_null(d);
    return d;
}

#endif
