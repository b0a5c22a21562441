/* The chat server set up for the command and the pane (serve_setup.h). */
#include <errno.h>
#include <stdio.h>

#include "sockpit/chat/serve_setup.h"

static void on_bad_line(void *ud, size_t line, const char *why)
{
    sp_serve_setup *s = ud;
    s->bad_lines++;
    if (s->bad_line)
        s->bad_line(s->bad_line_ud, s->dict_path, line, why);
}

static int load_bot(sp_serve_setup *s, const sp_serve_settings *set, char *err, size_t errlen)
{
    if (set->replies)
        snprintf(s->dict_path, sizeof s->dict_path, "%s", set->replies);
    else if (sp_bot_default_path(s->dict_path, sizeof s->dict_path) < 0)
        s->dict_path[0] = '\0';
    if (s->dict_path[0]) {
        char why[600];
        s->bot = sp_bot_load(s->dict_path, on_bad_line, s, why, sizeof why);
        if (s->bot)
            return 0;
        if (set->replies) {
            snprintf(err, errlen, "--replies: %s", why);
            return -1;
        }
        if (!set->builtin_if_unreadable) {
            snprintf(err, errlen, "%s (set SOCKPIT_DATA_DIR or use --replies FILE)", why);
            return -1;
        }
        s->dict_path[0] = '\0';
    }
    s->bot = sp_bot_builtin();
    return 0;
}

int sp_serve_set_up(sp_serve_setup *s, sp_loop *loop, const sp_serve_settings *set, char *err, size_t errlen)
{
    *s = (sp_serve_setup){ .bad_line = set->bad_line, .bad_line_ud = set->bad_line_ud };
    if (set->tls_cert) {
        char why[400];
        s->tls = sp_tls_server_ctx(set->tls_cert, set->tls_key ? set->tls_key : set->tls_cert, why, sizeof why);
        if (!s->tls) {
            snprintf(err, errlen, "--tls-cert/--tls-key: %s", why);
            return -1;
        }
    }
    if (!set->room && load_bot(s, set, err, errlen) < 0) {
        sp_tls_ctx_free(s->tls);
        s->tls = NULL;
        return -1;
    }
    sp_chatserver_config cfg = {
        .host = set->host, .port = set->port, .room = set->room, .bot = s->bot, .max_frame = set->max_frame,
        .max_clients = set->max_clients, .max_memory = set->max_memory, .frame_timeout = set->frame_timeout,
        .idle_timeout = set->idle_timeout, .keepalive = set->keepalive, .log = set->log, .log_ud = set->log_ud,
        .tls = s->tls,
    };
    s->server = sp_chatserver_new(loop, &cfg, err, errlen);
    if (!s->server) {
        s->in_use = errno == EADDRINUSE;
        sp_bot_free(s->bot);
        s->bot = NULL;
        sp_tls_ctx_free(s->tls);
        s->tls = NULL;
        return -1;
    }
    return 0;
}

void sp_serve_tear_down(sp_serve_setup *s)
{
    sp_chatserver_free(s->server);
    s->server = NULL;
    sp_bot_free(s->bot);
    s->bot = NULL;
    sp_tls_ctx_free(s->tls);
    s->tls = NULL;
}
