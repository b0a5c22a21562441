/* `sockpit wake MAC`: a Wake-on-LAN magic packet on one interface or on
 * every broadcast interface, as a UDP broadcast to port 9 and, where
 * permitted, an ether-type 0x0842 frame. */
#include <stdio.h>
#include <string.h>

#include "sockpit/cmd/commands.h"
#include "sockpit/cmd/config.h"
#include "sockpit/cmd/optspec.h"
#include "sockpit/cmd/shared_opts.h"
#include "sockpit/core/json.h"
#include "sockpit/core/report.h"
#include "sockpit/core/safetext.h"
#include "sockpit/hosts/wol.h"

#define CMD "wake"
#define MAX_IFACES 64

typedef struct wake_opts {
    const char *iface;
    long port;
    bool json;
} wake_opts;

static const sp_optspec options[] = {
    { .name = "interface", .kind = SP_OPT_TEXT, .metavar = "IF", SP_OPT_AT(wake_opts, iface), .noun = "interface name",
      .help = "send on this interface only (default: every\n"
              "interface that is up and can broadcast)" },
    { .name = "port", .kind = SP_OPT_LONG, .lo = 1, .hi = 65535, .def = SP_WOL_PORT, .metavar = "N",
      SP_OPT_AT(wake_opts, port), .show = SP_SHOW_RANGE | SP_SHOW_DEFAULT, .help = "the UDP port" },
    { .name = "json", .kind = SP_OPT_FLAG, SP_OPT_AT(wake_opts, json), .help = "one JSON line per interface" },
    { SP_OPTDEF_HELP },
    { 0 },
};

static const sp_optcmd wake_cmd = {
    .name = CMD,
    .intro = "Usage: sockpit wake [OPTIONS] MAC\n"
             "Send a Wake-on-LAN magic packet (6 x 0xff, then MAC 16 times: 102 bytes) for MAC\n"
             "(aa:bb:cc:dd:ee:ff) as a UDP broadcast and, with CAP_NET_RAW, an ethernet frame of\n"
             "type 0x0842.\n"
             "\n",
    .epilog = "\n"
              "Output (--json): {\"mac\",\"ifname\",\"udp\",\"udp_to\",\"frame\",\"error\"}.\n"
              "Exit status: 0 a packet was sent, 1 none could be, 2 usage error (a bad MAC).\n",
    .opts = options,
    .operands = true,
    .permute = true,
    .defaults = sp_config_command_defaults,
};

int cmd_wake(int argc, char **argv)
{
    wake_opts o = { 0 };
    int status;
    int first = sp_optspec_command(&wake_cmd, argc, argv, &o, &status);
    if (first < 0)
        return status;
    if (argc - first != 1)
        return sp_usage_error(CMD, "give one MAC address (aa:bb:cc:dd:ee:ff)");
    unsigned char mac[6];
    if (sp_mac_parse(argv[first], mac) < 0) {
        char shown[64];
        sp_escape(argv[first], strlen(argv[first]), shown, sizeof shown);
        return sp_usage_error(CMD, "'%s' is not a MAC address (want aa:bb:cc:dd:ee:ff)", shown);
    }
    char macstr[18];
    snprintf(macstr, sizeof macstr, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    sp_wol_result res[MAX_IFACES];
    char err[300];
    size_t n = sp_wol_send(mac, o.iface, (unsigned)o.port, res, MAX_IFACES, err, sizeof err);
    if (!n)
        return sp_runtime_error(CMD, "%s", err);
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        const sp_wol_result *r = &res[i];
        any |= r->udp_sent || r->frame_sent;
        if (o.json) {
            sp_json j;
            sp_json_begin(&j, stdout);
            sp_json_str(&j, "mac", macstr);
            sp_json_str(&j, "ifname", r->ifname);
            sp_json_bool(&j, "udp", r->udp_sent);
            sp_json_str(&j, "udp_to", r->udp_to[0] ? r->udp_to : NULL);
            sp_json_bool(&j, "frame", r->frame_sent);
            char e[400] = "";
            if (!r->udp_sent || !r->frame_sent)
                snprintf(e, sizeof e, "%s%s%s", r->udp_error, r->udp_error[0] && r->frame_error[0] ? "; " : "",
                         r->frame_error);
            sp_json_str(&j, "error", e[0] ? e : NULL);
            sp_json_end(&j);
        } else {
            char line[500];
            sp_wol_describe(r, line, sizeof line);
            printf("%s: ", macstr);
            sp_escape_fputs(line, strlen(line), stdout);
            fputc('\n', stdout);
        }
    }
    return any ? SP_EXIT_OK : sp_runtime_error(CMD, "no magic packet could be sent");
}
