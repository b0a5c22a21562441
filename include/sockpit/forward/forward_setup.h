/* The forwarder as the Forwards pane and `sockpit forward` both run it:
 * forward.list from the XDG config directory (or the mappings given), the
 * descriptor limit raised, and one running sp_fwd per mapping on the
 * caller's loop and DNS channel. */
#ifndef SOCKPIT_FORWARD_SETUP_H
#define SOCKPIT_FORWARD_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/forward/forwarder.h"
#include "sockpit/forward/fwdspec.h"

/* The mapping the pane offers when there is no forward.list: the embedded
 * chat bot's port, reached through 6007. */
#define SP_FWD_EXAMPLE_LINE "127.0.0.1:6007 127.0.0.1:50007"

typedef struct sp_fwd_setup {
    sp_loop *loop;
    sp_dns *dns;
    long nofile;                 /* the open files limit after raising it */
    sp_fwd **v;                  /* running mappings, in start order */
    size_t n, cap;
    sp_fwd_list list;            /* forward.list as read (to edit and save) */
    sp_fwd_problem *probs;       /* its skipped lines */
    size_t nprobs;
    bool list_exists;
    char list_path[4096];        /* "" when there is no place for it */
    sp_fwd_event_fn *event;
    void *ud;
} sp_fwd_setup;

/* Raises RLIMIT_NOFILE and finds forward.list (config_dir NULL: the XDG
 * default); reads it when read_list. Returns 0, or -1 with a reason in err
 * (the list exists but cannot be read). */
int sp_fwd_setup_init(sp_fwd_setup *s, sp_loop *loop, sp_dns *dns, const char *config_dir, bool read_list,
                      sp_fwd_event_fn *event, void *ud, char *err, size_t errlen);
/* Starts one mapping. Returns it, or NULL with a reason in err. */
sp_fwd *sp_fwd_setup_start(sp_fwd_setup *s, const sp_fwd_spec *spec, char *err, size_t errlen);
/* Stops mapping i (its connections closed) and forgets it. */
void sp_fwd_setup_stop(sp_fwd_setup *s, size_t i);
/* Writes s->list back to forward.list atomically. */
int sp_fwd_setup_save(sp_fwd_setup *s, char *err, size_t errlen);
/* Open connections of every mapping. */
size_t sp_fwd_setup_active(const sp_fwd_setup *s);
void sp_fwd_setup_stop_accepting(sp_fwd_setup *s);
/* Stops every mapping and frees the list. Free the DNS channel after. */
void sp_fwd_setup_free(sp_fwd_setup *s);

#endif
