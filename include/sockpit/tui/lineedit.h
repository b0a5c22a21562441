/* A single-line UTF-8 text editor (the model behind every prompt and the chat
 * input line): moves and deletes by character, keeps combining marks with
 * their base, knows display columns for CJK, and keeps a history. */
#ifndef SOCKPIT_LINEEDIT_H
#define SOCKPIT_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sp_edit_op {
    SP_EDIT_INSERT,      /* insert the code point given */
    SP_EDIT_LEFT,
    SP_EDIT_RIGHT,
    SP_EDIT_HOME,
    SP_EDIT_END,
    SP_EDIT_BACKSPACE,
    SP_EDIT_DELETE,
    SP_EDIT_KILL_START,  /* Ctrl-U: delete from line start to cursor */
    SP_EDIT_KILL_WORD,   /* Ctrl-W: delete the word before the cursor */
    SP_EDIT_HIST_PREV,   /* Up */
    SP_EDIT_HIST_NEXT,   /* Down */
} sp_edit_op;

typedef struct sp_lineedit {
    char *buf;           /* NUL-terminated valid UTF-8 */
    size_t len;          /* bytes */
    size_t cursor;       /* byte offset, always on a character boundary */
    size_t max_bytes;    /* inserts beyond this are refused */
    char **hist;         /* oldest first */
    size_t hist_len, hist_max;
    size_t hist_pos;     /* == hist_len when not browsing */
    char *stash;         /* the line being typed while browsing history */
} sp_lineedit;

void sp_lineedit_init(sp_lineedit *le, size_t max_bytes, size_t hist_max);
void sp_lineedit_free(sp_lineedit *le);
/* Replaces the text (invalid UTF-8 becomes U+FFFD) and puts the cursor at the end. */
void sp_lineedit_set(sp_lineedit *le, const char *text);
void sp_lineedit_clear(sp_lineedit *le);
/* Applies one edit; cp is used by SP_EDIT_INSERT only (control characters
 * and non-characters are refused). Returns true if text or cursor changed. */
bool sp_lineedit_apply(sp_lineedit *le, sp_edit_op op, uint32_t cp);
/* Adds a line to the history (skips empty lines and repeats of the last). */
void sp_lineedit_remember(sp_lineedit *le, const char *line);
/* Display columns before the cursor, and of the whole text. */
size_t sp_lineedit_cursor_col(const sp_lineedit *le);
size_t sp_lineedit_width(const sp_lineedit *le);

#endif
