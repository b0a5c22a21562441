/* Where sockpit's data files (chatbot.tsv, ...) are: $SOCKPIT_DATA_DIR, then
 * the data directory beside the running program's bin/ (so a copy installed
 * under any prefix finds its own, and so does a build tree, which has the
 * same shape), then the configured install location. */
#ifndef SOCKPIT_DATADIR_H
#define SOCKPIT_DATADIR_H

#include <stddef.h>

/* The first readable `name` in those places, as a canonical path in out.
 * Returns 0, or -1 when none has it. */
int sp_data_file(const char *name, char *out, size_t outlen);

#endif
