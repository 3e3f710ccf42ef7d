/* The cursor, the writer, the decode arena and the decode context: the
 * bounds checks and byte order of every codec file live here alone. */
#include "engine/wire.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "engine/iana.h"
#include "engine/names.h"

/* ---- cursor ----------------------------------------------------------- */

bool rd_bytes(struct rd *r, void *dst, size_t n)
{
	if (rd_left(r) < n)
		return false;
	if (n)
		memcpy(dst, r->p + r->off, n);
	r->off += n;
	return true;
}

bool rd_u8(struct rd *r, uint8_t *v) { return rd_bytes(r, v, 1); }

bool rd_u16(struct rd *r, uint16_t *v)
{
	uint8_t b[2];
	if (!rd_bytes(r, b, 2))
		return false;
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return true;
}

bool rd_u32(struct rd *r, uint32_t *v)
{
	uint8_t b[4];
	if (!rd_bytes(r, b, 4))
		return false;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return true;
}

bool rd_u64(struct rd *r, uint64_t *v)
{
	uint32_t hi, lo;
	if (rd_left(r) < 8)
		return false;
	rd_u32(r, &hi);
	rd_u32(r, &lo);
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

bool rd_chunk(struct rd *r, size_t n, struct chunk *c)
{
	if (rd_left(r) < n)
		return false;
	c->ptr = r->p + r->off;
	c->len = n;
	r->off += n;
	return true;
}

bool rd_sub(struct rd *r, size_t n, struct rd *sub)
{
	struct chunk c;
	if (!rd_chunk(r, n, &c))
		return false;
	*sub = rd_init(c.ptr, c.len);
	return true;
}

/* ---- writer ----------------------------------------------------------- */

void wr_init(struct wr *w) { *w = (struct wr){ 0 }; }

void wr_free(struct wr *w)
{
	free(w->buf);
	wr_init(w);
}

static bool wr_grow(struct wr *w, size_t n)
{
	if (w->err)
		return false;
	if (n > WR_MAX_SIZE - w->len) {
		w->err = -RTX_ERANGE;
		return false;
	}
	if (w->len + n <= w->cap)
		return true;
	size_t cap = w->cap ? w->cap : 256;
	while (cap < w->len + n)
		cap *= 2;
	uint8_t *b = realloc(w->buf, cap);
	if (!b) {
		w->err = -RTX_ENOMEM;
		return false;
	}
	w->buf = b;
	w->cap = cap;
	return true;
}

void wr_bytes(struct wr *w, const void *p, size_t n)
{
	if (!wr_grow(w, n))
		return;
	if (n)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void wr_zero(struct wr *w, size_t n)
{
	if (!wr_grow(w, n))
		return;
	memset(w->buf + w->len, 0, n);
	w->len += n;
}

void wr_u8(struct wr *w, uint8_t v) { wr_bytes(w, &v, 1); }

void wr_u16(struct wr *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	wr_bytes(w, b, 2);
}

void wr_u32(struct wr *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
			 (uint8_t)v };
	wr_bytes(w, b, 4);
}

void wr_u64(struct wr *w, uint64_t v)
{
	wr_u32(w, (uint32_t)(v >> 32));
	wr_u32(w, (uint32_t)v);
}

void wr_chunk(struct wr *w, struct chunk c) { wr_bytes(w, c.ptr, c.len); }

size_t wr_mark(struct wr *w) { return w->len; }

void wr_set_u16(struct wr *w, size_t at, uint16_t v)
{
	if (w->err || at + 2 > w->len)
		return;
	w->buf[at] = (uint8_t)(v >> 8);
	w->buf[at + 1] = (uint8_t)v;
}

int wr_close_u16(struct wr *w, size_t at)
{
	if (w->err)
		return w->err;
	if (w->len - at > 0xffff)
		return -RTX_ERANGE;
	wr_set_u16(w, at + 2, (uint16_t)(w->len - at));
	return 0;
}

/* ---- arena ------------------------------------------------------------ */

struct arena_blk {
	struct arena_blk *next;
	max_align_t data[];
};

uint8_t *bytes_dup(const void *p, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	if (copy && n)
		memcpy(copy, p, n);
	return copy;
}

void *arena_alloc(struct arena *a, size_t n)
{
	/* The cap keeps a hostile message from making us allocate without
	 * bound: counts on the wire are 8 or 16 bits, but they multiply. */
	if (n > ARENA_MAX || a->total + n > ARENA_MAX)
		return NULL;
	struct arena_blk *b = calloc(1, sizeof(*b) + n);
	if (!b)
		return NULL;
	b->next = a->head;
	a->head = b;
	a->total += n;
	return b->data;
}

void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_blk *b = a->head;
		a->head = b->next;
		free(b);
	}
	a->total = 0;
}

void *arena_grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return arr;
	size_t ncap = *cap ? *cap * 2 : 4;
	void *na = arena_alloc(a, ncap * size);
	if (!na)
		return NULL;
	if (n)
		memcpy(na, arr, n * size);
	*cap = ncap;
	return na;
}

/* ---- decode context --------------------------------------------------- */

void pctx_log(struct pctx *c, enum log_id id, ...)
{
	if (!c->log)
		return;
	va_list ap;
	va_start(ap, id);
	log_ikev(c->log, c->sub, id, ap);
	va_end(ap);
}

int pctx_syntax(struct pctx *c)
{
	if (!c->notify)
		c->notify = IKEV2_N_INVALID_SYNTAX;
	return -RTX_EPARSE;
}

void pctx_log_payload(struct pctx *c, enum log_id id, uint8_t type)
{
	char num[8];
	pctx_log(c, id, names_or_num(names_payload(type), type, num, sizeof(num)));
}

int pctx_cannot_process(struct pctx *c, uint8_t type)
{
	pctx_log_payload(c, LOG_CANNOT_PROCESS, type);
	return pctx_syntax(c);
}
