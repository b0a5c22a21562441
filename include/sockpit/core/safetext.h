/* Safe text: the one way bytes from outside (network, DNS, files) become
 * text for a terminal. Control characters (C0, DEL, C1, bidi overrides,
 * line separators), invisible format characters (zero-width spaces, tags)
 * and combining marks past SP_COMBINING_MAX on one character become visible
 * escapes such as \x1b or \u202e, and invalid UTF-8 becomes U+FFFD. The
 * output is always valid UTF-8 with no byte below 0x20 and no 0x7f. */
#ifndef SOCKPIT_SAFETEXT_H
#define SOCKPIT_SAFETEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Combining marks shown on one character; more are escaped. */
#define SP_COMBINING_MAX 3

/* True for the code points that are always shown escaped. */
bool sp_cp_needs_escape(uint32_t cp);
/* Escapes one decoded character (in[0..n) decoded as cp) into out: the
 * character itself, U+FFFD, or an ASCII escape. run carries the count of
 * combining marks in a row (start it at 0). Returns the bytes written. */
size_t sp_escape_step(const char *in, size_t n, uint32_t cp, unsigned *run, char out[16]);

/* Writes the escaped form of in[0..len) to out (NUL-terminated, truncated to
 * cap-1 bytes on a character boundary). Returns the full escaped length, so
 * a return >= cap means it was truncated. */
size_t sp_escape(const char *in, size_t len, char *out, size_t cap);
/* malloc'd escaped copy. */
char *sp_escape_dup(const char *in, size_t len);
/* Writes the escaped form to a stream (batch output). */
void sp_escape_fputs(const char *in, size_t len, FILE *f);

/* Decodes one UTF-8 character. Returns bytes used (1..4) and sets *cp; for an
 * invalid or truncated sequence returns the length of the maximal invalid
 * subpart (>= 1) and sets *cp to 0xFFFD. len must be > 0. */
size_t sp_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp (must be a valid scalar value) into out[4]; returns bytes. */
size_t sp_utf8_encode(uint32_t cp, char out[4]);
/* Terminal columns of a UTF-8 string as the escaper would show it, measured
 * with wcwidth (non-printable characters count as 1: they are shown as
 * U+FFFD). */
size_t sp_text_width(const char *s, size_t len);
/* Columns of one code point: 0 for combining marks, 2 for wide CJK. */
int sp_cp_width(uint32_t cp);

#endif
