/* Where sockpit's data files (chatbot.tsv, ...) are: $SOCKPIT_DATA_DIR, then
 * share/sockpit beside the running program's bin/ (so a copy installed under
 * any prefix finds its own), then the configured install prefix, then the
 * source tree's assets/ (a build that was never installed). */
#ifndef SOCKPIT_DATADIR_H
#define SOCKPIT_DATADIR_H

#include <stddef.h>

/* The first readable `name` in those places, as a canonical path in out.
 * Returns 0, or -1 when none has it. */
int sp_data_file(const char *name, char *out, size_t outlen);

#endif
