/* What every codec file reads and writes the wire with: a bounds-checked
 * big-endian cursor, a growable writer, the arena that decoded arrays come
 * from, the decode context that collects errors, and the shape of a
 * payload codec. Nothing here knows a particular payload: the payload and
 * message files sit on top of it. */
#ifndef RTX_WIRE_H
#define RTX_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/log.h"

/* A borrowed byte string. */
struct chunk {
	const uint8_t *ptr;
	size_t len;
};

/* ---- cursor ----------------------------------------------------------- */

/* Reads never go past len; a failed read leaves the cursor unchanged. */
struct rd {
	const uint8_t *p;
	size_t len, off;
};

static inline struct rd rd_init(const void *p, size_t len)
{
	return (struct rd){ p, len, 0 };
}
static inline size_t rd_left(const struct rd *r) { return r->len - r->off; }
bool rd_u8(struct rd *r, uint8_t *v);
bool rd_u16(struct rd *r, uint16_t *v);
bool rd_u32(struct rd *r, uint32_t *v);
bool rd_u64(struct rd *r, uint64_t *v);
bool rd_bytes(struct rd *r, void *dst, size_t n);
bool rd_chunk(struct rd *r, size_t n, struct chunk *c);   /* view, no copy */
/* Splits off the next n bytes as their own cursor. */
bool rd_sub(struct rd *r, size_t n, struct rd *sub);

/* ---- writer ----------------------------------------------------------- */

/* Growable output; the first failure sticks in err and later writes are
 * ignored, so encoders check once at the end. */
struct wr {
	uint8_t *buf;
	size_t len, cap;
	int err;              /* 0 or a negative rtx_err */
};

#define WR_MAX_SIZE ((size_t)1 << 20)

void wr_init(struct wr *w);
void wr_free(struct wr *w);
void wr_u8(struct wr *w, uint8_t v);
void wr_u16(struct wr *w, uint16_t v);
void wr_u32(struct wr *w, uint32_t v);
void wr_u64(struct wr *w, uint64_t v);
void wr_bytes(struct wr *w, const void *p, size_t n);
void wr_chunk(struct wr *w, struct chunk c);
void wr_zero(struct wr *w, size_t n);
/* Length fields of a structure are written by the structure's own encoder
 * once its body is known: mark where it starts, then close it. */
size_t wr_mark(struct wr *w);
void wr_set_u16(struct wr *w, size_t at, uint16_t v);
/* Closes the structure begun at `at` whose 16-bit length field sits at
 * at + 2 (generic payload header, proposal, transform): writes the length
 * of all written since `at`. Returns w->err, or -RTX_ERANGE if it does
 * not fit. */
int wr_close_u16(struct wr *w, size_t at);

/* ---- arena ------------------------------------------------------------ */

struct arena_blk;
struct arena {
	struct arena_blk *head;
	size_t total;
};

#define ARENA_MAX ((size_t)4 << 20)

void *arena_alloc(struct arena *a, size_t n);  /* zeroed, NULL on failure */
/* An owned copy of n bytes at p (malloc'ed; one byte when n is 0, so an
 * empty copy is not mistaken for a failure); NULL when out of memory. */
uint8_t *bytes_dup(const void *p, size_t n);
void arena_free(struct arena *a);
/* Makes room for one more element of an arena array holding n of *cap:
 * returns the (possibly moved) array or NULL. */
void *arena_grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t size);

/* ---- decode context --------------------------------------------------- */

/* Where decode errors go, and what RFC 7296 would have us answer. */
struct pctx {
	struct log *log;          /* may be NULL */
	const char *sub;          /* log sub-prefix, may be NULL */
	struct arena *arena;
	uint16_t notify;          /* 0, INVALID_SYNTAX, UNSUPPORTED_CRITICAL_PAYLOAD */
	uint8_t notify_type;      /* the payload type for UNSUPPORTED_CRITICAL */
	uint8_t cur;              /* type of the payload being decoded, for logs */
};

/* Logs a catalogue line (LOG_*) if c->log is set. */
void pctx_log(struct pctx *c, enum log_id id, ...);
/* Records INVALID_SYNTAX (unless a notify is already set) and returns
 * -RTX_EPARSE, so decoders can `return pctx_syntax(c);`. */
int pctx_syntax(struct pctx *c);
/* Logs a catalogue line whose one argument is a payload's name (its
 * number for a type names.c does not know). */
void pctx_log_payload(struct pctx *c, enum log_id id, uint8_t type);
/* Logs "cannot process <name> payload" and fails with INVALID_SYNTAX. */
int pctx_cannot_process(struct pctx *c, uint8_t type);

/* The three functions of every payload codec: decode the body (the cursor
 * covers exactly the body, the generic header already consumed), verify
 * the semantics RFC 7296 states, encode the body. Decoders call their
 * verify. */
#define PAYLOAD_CODEC(name, st)                                              \
	int payload_##name##_decode(struct pctx *c, struct rd *rd, st *p);    \
	int payload_##name##_verify(struct pctx *c, const st *p);             \
	int payload_##name##_encode(struct wr *w, const st *p)

#endif
