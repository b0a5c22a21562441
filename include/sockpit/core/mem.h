/* The one out-of-memory policy: allocation failure ends the program with a
 * message, as htop and tmux do, after a hook has restored the terminal.
 * Nothing checks these functions' results. */
#ifndef SOCKPIT_CORE_MEM_H
#define SOCKPIT_CORE_MEM_H

#include <stddef.h>

void *sp_xmalloc(size_t n);
void *sp_xcalloc(size_t n, size_t size);
void *sp_xrealloc(void *p, size_t n);
/* n * size bytes, aborting when that overflows. */
void *sp_xreallocarray(void *p, size_t n, size_t size);
char *sp_xstrdup(const char *s);
char *sp_xstrndup(const char *s, size_t n);
/* A malloc'd printf. */
char *sp_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows array v of cap elements of size bytes to hold at least need,
 * doubling (from 8); returns the array, whose new capacity is in *cap. */
void *sp_grow(void *v, size_t *cap, size_t need, size_t size);
/* SP_GROW(v, cap, need): the same for an array variable and its capacity. */
#define SP_GROW(v, cap, need) ((v) = sp_grow((v), &(cap), (need), sizeof *(v)))

/* Prints "sockpit: out of memory" and aborts; also called on overflow. */
_Noreturn void sp_oom(void);
/* Run once before the message (the TUI ends curses mode there). */
void sp_oom_hook(void (*fn)(void));

#endif
