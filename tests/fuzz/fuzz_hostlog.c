/* The hosts.log parser on any bytes: a line it accepts formats back to
 * the same event (kind, address, MACs, interface, time), and the log
 * parser keeps at most what was asked for. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/hosts/history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1);
    memcpy(s, data, size);
    sp_hevent ev, back;
    if (sp_hevent_parse(s, size, &ev) == 0) {
        char line[512];
        size_t n = sp_hevent_format(&ev, line, sizeof line);
        if (n >= sizeof line || sp_hevent_parse(line, n, &back) != 0 || back.kind != ev.kind ||
            strcmp(back.ip, ev.ip) != 0 || strcmp(back.mac, ev.mac) != 0 || strcmp(back.old_mac, ev.old_mac) != 0 ||
            strcmp(back.ifname, ev.ifname) != 0 || back.time_ms != ev.time_ms)
            abort();
    }
    sp_hevent *out;
    size_t bad, got = sp_hevent_parse_log(s, size, size % 2, 4, &out, &bad);
    if (got > 4)
        abort();
    free(out);
    free(s);
    return 0;
}
