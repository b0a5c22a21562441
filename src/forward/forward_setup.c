/* The forwarder set up for the command and the pane (forward_setup.h). */
#include "sockpit/forward/forward_setup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/accept.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/readfile.h"
#include "sockpit/core/writefile.h"
#include "sockpit/core/xdg.h"

int sp_fwd_setup_init(sp_fwd_setup *s, sp_loop *loop, sp_dns *dns, const char *config_dir, bool read_list,
                      sp_fwd_event_fn *event, void *ud, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->loop = loop;
    s->dns = dns;
    s->event = event;
    s->ud = ud;
    s->nofile = sp_raise_nofile();
    sp_fwd_list_init(&s->list);
    char why[300];
    if (sp_xdg_path(SP_XDG_CONFIG, config_dir, "forward.list", s->list_path, sizeof s->list_path, why,
                    sizeof why) < 0) {
        s->list_path[0] = '\0';
        if (read_list) {
            snprintf(err, errlen, "no place for forward.list: %s", why);
            return -1;
        }
        return 0;
    }
    if (!read_list)
        return 0;
    char *buf;
    size_t n;
    /* A mapping list is small; refuse anything absurd rather than eat memory. */
    if (sp_read_file(AT_FDCWD, s->list_path, (size_t)16 << 20, SP_READ_REGULAR, &buf, &n, NULL) < 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot read %s: %s", s->list_path, sp_read_error(errno, 16));
        return -1;
    }
    s->list_exists = true;
    sp_fwd_list_parse(buf, n, &s->list, &s->probs, &s->nprobs);
    free(buf);
    return 0;
}

sp_fwd *sp_fwd_setup_start(sp_fwd_setup *s, const sp_fwd_spec *spec, char *err, size_t errlen)
{
    sp_fwd_config cfg = { .spec = spec, .dns = s->dns, .nofile = s->nofile, .event = s->event, .ud = s->ud };
    sp_fwd *f = sp_fwd_new(s->loop, &cfg, err, errlen);
    if (!f)
        return NULL;
    SP_GROW(s->v, s->cap, s->n + 1);
    s->v[s->n++] = f;
    return f;
}

void sp_fwd_setup_stop(sp_fwd_setup *s, size_t i)
{
    if (i >= s->n)
        return;
    sp_fwd_free(s->v[i]);
    memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof *s->v);
    s->n--;
}

int sp_fwd_setup_save(sp_fwd_setup *s, char *err, size_t errlen)
{
    if (!s->list_path[0]) {
        snprintf(err, errlen, "no place for forward.list (set HOME or XDG_CONFIG_HOME, or use --config-dir)");
        return -1;
    }
    size_t len;
    char *data = sp_fwd_list_serialise(&s->list, &len);
    int rc = sp_write_file_atomic(s->list_path, data, len, err, errlen);
    free(data);
    if (rc == 0)
        s->list_exists = true;
    return rc;
}

size_t sp_fwd_setup_active(const sp_fwd_setup *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        sp_fwd_stats st;
        sp_fwd_get_stats(s->v[i], &st);
        n += st.active;
    }
    return n;
}

void sp_fwd_setup_stop_accepting(sp_fwd_setup *s)
{
    for (size_t i = 0; i < s->n; i++)
        sp_fwd_stop_accepting(s->v[i]);
}

void sp_fwd_setup_free(sp_fwd_setup *s)
{
    while (s->n)
        sp_fwd_setup_stop(s, s->n - 1);
    free(s->v);
    s->v = NULL;
    s->cap = 0;
    free(s->probs);
    s->probs = NULL;
    sp_fwd_list_free(&s->list);
}
