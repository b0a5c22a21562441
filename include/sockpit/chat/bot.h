/* The chat bot of `sockpit serve`: a question/answer dictionary and the
 * textbook's matching rule. Collapse runs of whitespace in the message; walk
 * the dictionary in file order; a key whose common prefix with the message
 * is longer than 0.7 x the key's length (in characters) wins at once;
 * otherwise the key sharing the strictly largest number of distinct words
 * with the message wins (the first such key on ties); no winner: "Sorry.". */
#ifndef SOCKPIT_BOT_H
#define SOCKPIT_BOT_H

#include <stddef.h>

typedef struct sp_bot sp_bot;

/* Called once per bad line (1-based number, reason); the line is skipped. */
typedef void sp_bot_report_fn(void *ud, size_t line, const char *why);

/* Parses a TSV dictionary, `question<TAB>answer` per line. Blank lines and
 * lines starting with '#' are ignored; a trailing CR is dropped. */
sp_bot *sp_bot_parse(const char *data, size_t len, sp_bot_report_fn *report, void *ud);
/* The small dictionary used when no file is found. */
sp_bot *sp_bot_builtin(void);
void sp_bot_free(sp_bot *b);
size_t sp_bot_size(const sp_bot *b);

/* The answer to msg[0..len) (any bytes; invalid UTF-8 counts as U+FFFD).
 * Returns a string owned by the bot, NUL-terminated, length in *alen. */
const char *sp_bot_reply(const sp_bot *b, const char *msg, size_t len, size_t *alen);

/* Reads and parses a dictionary file. NULL with a reason in err when the
 * file cannot be read. */
sp_bot *sp_bot_load(const char *path, sp_bot_report_fn *report, void *ud, char *err, size_t errlen);
/* Finds the installed chatbot.tsv: $SOCKPIT_DATA_DIR, then ../share/sockpit
 * next to the executable, then the install prefix, then the source tree.
 * Returns 0 with the path in out, or -1 when none exists. */
int sp_bot_default_path(char *out, size_t outlen);

#endif
