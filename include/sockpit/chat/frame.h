/* The chat protocol's framing: a signed 32-bit little-endian length, then
 * that many bytes of UTF-8 text (the textbook's struct.pack('i', n) on a
 * little-endian host). The decoder is incremental and pure: feed it bytes in
 * any split and it yields whole frames; it never reads or writes a socket. */
#ifndef SOCKPIT_FRAME_H
#define SOCKPIT_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define SP_FRAME_HEADER 4
#define SP_CHAT_DEFAULT_PORT 50007
#define SP_MAX_FRAME_DEFAULT (1024u * 1024u)

typedef enum sp_frame_status {
    SP_FRAME_MORE,   /* all input used, no whole frame yet */
    SP_FRAME_READY,  /* a whole frame: *payload, *plen valid until the next call */
    SP_FRAME_ERROR,  /* bad length: the connection must be closed; see err */
} sp_frame_status;

typedef struct sp_frame_decoder {
    uint32_t max;            /* largest payload accepted */
    unsigned char hdr[4];
    unsigned hdr_have;
    uint32_t need;           /* payload length of the frame being read */
    uint32_t have;           /* payload bytes buffered */
    char *buf;               /* payload being assembled across reads */
    size_t cap;
    int failed;
    char err[80];            /* "frame length N exceeds limit M" / "negative frame length -5" */
} sp_frame_decoder;

void sp_frame_decoder_init(sp_frame_decoder *d, uint32_t max);
/* Frees the assembly buffer. */
void sp_frame_decoder_free(sp_frame_decoder *d);
/* Consumes bytes from in[0..len) and stores how many in *used. On READY the
 * payload points either into `in` (a frame that arrived whole) or into the
 * decoder's own buffer; call again with in + *used for the next frame. After
 * ERROR the decoder stays failed. Memory grows only with bytes received,
 * never with a claimed length. */
sp_frame_status sp_frame_decode(sp_frame_decoder *d, const char *in, size_t len, size_t *used,
                                const char **payload, size_t *plen);
/* Bytes of a frame still being assembled (0 between frames). */
size_t sp_frame_pending(const sp_frame_decoder *d);

/* Writes the 4-byte header for a payload of len bytes (len <= INT32_MAX). */
void sp_frame_header(uint32_t len, unsigned char out[SP_FRAME_HEADER]);
/* Writes header + payload to out, which must hold len + 4 bytes; returns len + 4. */
size_t sp_frame_encode(const char *payload, size_t len, char *out);

#endif
