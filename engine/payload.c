/* The cursor, the writer, the decode arena and the generic payload chain:
 * the only code that reads a generic payload header (RFC 7296 3.2) or
 * writes one, so next-payload and length handling live in one place. */
#include "engine/payload.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
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

/* ---- arena ------------------------------------------------------------ */

struct arena_blk {
	struct arena_blk *next;
	max_align_t data[];
};

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

int pctx_cannot_process(struct pctx *c, uint8_t type)
{
	char num[8];
	pctx_log(c, LOG_CANNOT_PROCESS, names_or_num(names_payload(type), type,
						     num, sizeof(num)));
	return pctx_syntax(c);
}

/* ---- chain ------------------------------------------------------------ */

/* The smallest length of each payload, generic header included. */
static size_t payload_min_len(uint8_t type)
{
	switch (type) {
	case IKEV2_PAYLOAD_KE: case IKEV2_PAYLOAD_IDI: case IKEV2_PAYLOAD_IDR:
	case IKEV2_PAYLOAD_AUTH: case IKEV2_PAYLOAD_NOTIFY:
	case IKEV2_PAYLOAD_DELETE: case IKEV2_PAYLOAD_TSI:
	case IKEV2_PAYLOAD_TSR: case IKEV2_PAYLOAD_CP: case IKEV2_PAYLOAD_EAP:
	case IKEV2_PAYLOAD_SKF:
		return 8;
	case IKEV2_PAYLOAD_CERT: case IKEV2_PAYLOAD_CERTREQ:
		return 5;
	default:
		return 4;
	}
}

bool payload_type_known(uint8_t type)
{
	switch (type) {
	case IKEV2_PAYLOAD_SA: case IKEV2_PAYLOAD_KE: case IKEV2_PAYLOAD_IDI:
	case IKEV2_PAYLOAD_IDR: case IKEV2_PAYLOAD_CERT:
	case IKEV2_PAYLOAD_CERTREQ: case IKEV2_PAYLOAD_AUTH:
	case IKEV2_PAYLOAD_NONCE: case IKEV2_PAYLOAD_NOTIFY:
	case IKEV2_PAYLOAD_DELETE: case IKEV2_PAYLOAD_VENDOR:
	case IKEV2_PAYLOAD_TSI: case IKEV2_PAYLOAD_TSR: case IKEV2_PAYLOAD_SK:
	case IKEV2_PAYLOAD_CP: case IKEV2_PAYLOAD_EAP: case IKEV2_PAYLOAD_SKF:
		return true;
	default:
		return false;
	}
}

static int body_decode(struct pctx *c, struct rd *rd, struct payload *p)
{
	switch (p->type) {
	case IKEV2_PAYLOAD_SA: return payload_sa_decode(c, rd, &p->u.sa);
	case IKEV2_PAYLOAD_KE: return payload_ke_decode(c, rd, &p->u.ke);
	case IKEV2_PAYLOAD_IDI:
	case IKEV2_PAYLOAD_IDR: return payload_id_decode(c, rd, &p->u.id);
	case IKEV2_PAYLOAD_CERT:
	case IKEV2_PAYLOAD_CERTREQ: return payload_cert_decode(c, rd, &p->u.cert);
	case IKEV2_PAYLOAD_AUTH: return payload_auth_decode(c, rd, &p->u.auth);
	case IKEV2_PAYLOAD_NONCE: return payload_nonce_decode(c, rd, &p->u.nonce);
	case IKEV2_PAYLOAD_NOTIFY: return payload_notify_decode(c, rd, &p->u.notify);
	case IKEV2_PAYLOAD_DELETE: return payload_delete_decode(c, rd, &p->u.del);
	case IKEV2_PAYLOAD_VENDOR: return payload_vendor_decode(c, rd, &p->u.vendor);
	case IKEV2_PAYLOAD_TSI:
	case IKEV2_PAYLOAD_TSR: return payload_ts_decode(c, rd, &p->u.ts);
	case IKEV2_PAYLOAD_SK: return payload_sk_decode(c, rd, &p->u.sk);
	case IKEV2_PAYLOAD_CP: return payload_cp_decode(c, rd, &p->u.cp);
	case IKEV2_PAYLOAD_EAP: return payload_eap_decode(c, rd, &p->u.eap);
	case IKEV2_PAYLOAD_SKF: return payload_skf_decode(c, rd, &p->u.skf);
	default: return -RTX_EINVAL;
	}
}

static int body_encode(struct wr *w, const struct payload *p)
{
	switch (p->type) {
	case IKEV2_PAYLOAD_SA: return payload_sa_encode(w, &p->u.sa);
	case IKEV2_PAYLOAD_KE: return payload_ke_encode(w, &p->u.ke);
	case IKEV2_PAYLOAD_IDI:
	case IKEV2_PAYLOAD_IDR: return payload_id_encode(w, &p->u.id);
	case IKEV2_PAYLOAD_CERT:
	case IKEV2_PAYLOAD_CERTREQ: return payload_cert_encode(w, &p->u.cert);
	case IKEV2_PAYLOAD_AUTH: return payload_auth_encode(w, &p->u.auth);
	case IKEV2_PAYLOAD_NONCE: return payload_nonce_encode(w, &p->u.nonce);
	case IKEV2_PAYLOAD_NOTIFY: return payload_notify_encode(w, &p->u.notify);
	case IKEV2_PAYLOAD_DELETE: return payload_delete_encode(w, &p->u.del);
	case IKEV2_PAYLOAD_VENDOR: return payload_vendor_encode(w, &p->u.vendor);
	case IKEV2_PAYLOAD_TSI:
	case IKEV2_PAYLOAD_TSR: return payload_ts_encode(w, &p->u.ts);
	case IKEV2_PAYLOAD_SK: return payload_sk_encode(w, &p->u.sk);
	case IKEV2_PAYLOAD_CP: return payload_cp_encode(w, &p->u.cp);
	case IKEV2_PAYLOAD_EAP: return payload_eap_encode(w, &p->u.eap);
	case IKEV2_PAYLOAD_SKF: return payload_skf_encode(w, &p->u.skf);
	default: return -RTX_EINVAL;
	}
}

static int unknown_payload(struct pctx *c, uint8_t type, bool critical,
			   struct payload *p)
{
	if (critical) {
		char num[8];
		pctx_log(c, LOG_CANNOT_PROCESS,
			 names_or_num(NULL, type, num, sizeof(num)));
		c->notify = IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD;
		c->notify_type = type;
		return -RTX_EPARSE;
	}
	p->type = IKEV2_PAYLOAD_NONE;   /* RFC 7296 2.5: skip it */
	return 0;
}

int payload_decode(struct pctx *c, struct rd *rd, uint8_t type,
		   uint8_t *next, struct payload *p)
{
	uint8_t flags = 0;
	uint16_t len = 0;
	*p = (struct payload){ .type = type };
	if (rd_left(rd) < 4) {
		pctx_log(c, LOG_PAYLOAD_HDR_SHORT, rd_left(rd), (size_t)4);
		return pctx_syntax(c);
	}
	rd_u8(rd, next);
	rd_u8(rd, &flags);
	rd_u16(rd, &len);
	p->critical = flags & 0x80;
	if (len < 4) {
		pctx_log(c, LOG_PAYLOAD_HDR_SHORT, (size_t)len, (size_t)4);
		return pctx_syntax(c);
	}
	if ((size_t)len - 4 > rd_left(rd)) {
		pctx_log(c, LOG_TOO_FEW_LENGTH);
		return pctx_syntax(c);
	}
	struct rd body;
	rd_sub(rd, (size_t)len - 4, &body);
	p->body = (struct chunk){ body.p, body.len };
	if (!payload_type_known(type))
		return unknown_payload(c, type, p->critical, p);
	if (len < payload_min_len(type)) {
		pctx_log(c, LOG_PAYLOAD_HDR_SHORT, (size_t)len, payload_min_len(type));
		return pctx_syntax(c);
	}
	c->cur = type;
	int err = body_decode(c, &body, p);
	if (err)
		return err;
	if (type == IKEV2_PAYLOAD_SK)
		p->u.sk.inner_next = *next;
	else if (type == IKEV2_PAYLOAD_SKF)
		p->u.skf.inner_next = *next;
	if (rd_left(&body)) {
		pctx_log(c, LOG_PAYLOAD_UNMATCHED, (size_t)len, (size_t)len - rd_left(&body));
		return pctx_syntax(c);
	}
	return 0;
}

static int chain_push(struct pctx *c, struct payload **pl, size_t *npl,
		      size_t *cap, const struct payload *p)
{
	struct payload *n = arena_grow(c->arena, *pl, *npl, cap, sizeof(*n));
	if (!n)
		return -RTX_ENOMEM;
	*pl = n;
	(*pl)[(*npl)++] = *p;
	return 0;
}

static bool chain_has_sk(const struct payload *pl, size_t npl)
{
	for (size_t i = 0; i < npl; i++)
		if (pl[i].type == IKEV2_PAYLOAD_SK || pl[i].type == IKEV2_PAYLOAD_SKF)
			return true;
	return false;
}

int payload_decode_chain(struct pctx *c, struct rd *rd, uint8_t first,
			 struct payload **pl, size_t *npl, size_t *cap,
			 bool encrypted)
{
	uint8_t type = first, next;
	while (type != IKEV2_PAYLOAD_NONE) {
		bool sk = type == IKEV2_PAYLOAD_SK || type == IKEV2_PAYLOAD_SKF;
		if (sk && (encrypted || chain_has_sk(*pl, *npl))) {
			pctx_log(c, LOG_SK_EXISTS);
			return pctx_syntax(c);
		}
		struct payload p;
		int err = payload_decode(c, rd, type, &next, &p);
		if (err)
			return err;
		p.encrypted = encrypted;
		if (p.type != IKEV2_PAYLOAD_NONE) {
			if ((err = chain_push(c, pl, npl, cap, &p)))
				return err;
		}
		/* SK's next-payload names the first payload inside it. */
		type = sk ? IKEV2_PAYLOAD_NONE : next;
	}
	if (rd_left(rd))
		pctx_log(c, LOG_TOO_MATCH_LENGTH);
	return 0;
}

int payload_encode(struct wr *w, const struct payload *p, uint8_t next)
{
	if (p->type == IKEV2_PAYLOAD_SK)
		next = p->u.sk.inner_next;
	else if (p->type == IKEV2_PAYLOAD_SKF)
		next = p->u.skf.inner_next;
	size_t at = wr_mark(w);
	wr_u8(w, next);
	wr_u8(w, p->critical ? 0x80 : 0);
	wr_u16(w, 0);
	int err = body_encode(w, p);
	if (err)
		return err;
	if (w->err)
		return w->err;
	if (w->len - at > 0xffff)
		return -RTX_ERANGE;
	wr_set_u16(w, at + 2, (uint16_t)(w->len - at));
	return 0;
}

int payload_encode_chain(struct wr *w, const struct payload *const *pl,
			 size_t n, uint8_t *first)
{
	*first = n ? pl[0]->type : IKEV2_PAYLOAD_NONE;
	for (size_t i = 0; i < n; i++) {
		bool sk = pl[i]->type == IKEV2_PAYLOAD_SK || pl[i]->type == IKEV2_PAYLOAD_SKF;
		if (sk && i + 1 < n)
			return -RTX_EINVAL;     /* nothing can follow SK */
		int err = payload_encode(w, pl[i], i + 1 < n ? pl[i + 1]->type : 0);
		if (err)
			return err;
	}
	return 0;
}

/* ---- structural equality: views by content, arrays element-wise ------- */

static bool chunk_eq(struct chunk a, struct chunk b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool attr_eq(const struct sa_attr *a, const struct sa_attr *b)
{
	if (a->type != b->type || a->tv != b->tv)
		return false;
	return a->tv ? a->value == b->value : chunk_eq(a->data, b->data);
}

static bool transform_eq(const struct sa_transform *a, const struct sa_transform *b)
{
	if (a->type != b->type || a->id != b->id || a->nattrs != b->nattrs)
		return false;
	for (size_t k = 0; k < a->nattrs; k++)
		if (!attr_eq(&a->attrs[k], &b->attrs[k]))
			return false;
	return true;
}

static bool proposal_eq(const struct sa_proposal *a, const struct sa_proposal *b)
{
	if (a->num != b->num || a->protocol != b->protocol || a->spi_size != b->spi_size ||
	    a->spi_size > 8 || memcmp(a->spi, b->spi, a->spi_size) ||
	    a->ntransforms != b->ntransforms)
		return false;
	for (size_t j = 0; j < a->ntransforms; j++)
		if (!transform_eq(&a->transforms[j], &b->transforms[j]))
			return false;
	return true;
}

static bool sa_eq(const struct payload_sa *a, const struct payload_sa *b)
{
	if (a->nproposals != b->nproposals)
		return false;
	for (size_t i = 0; i < a->nproposals; i++)
		if (!proposal_eq(&a->proposals[i], &b->proposals[i]))
			return false;
	return true;
}

static bool ts_eq(const struct payload_ts *a, const struct payload_ts *b)
{
	if (a->nts != b->nts)
		return false;
	for (size_t i = 0; i < a->nts; i++) {
		const struct ts_selector *x = &a->ts[i], *y = &b->ts[i];
		size_t alen = x->type == IKEV2_TS_IPV6_ADDR_RANGE ? 16 : 4;
		if (x->type != y->type || x->ip_proto != y->ip_proto ||
		    x->start_port != y->start_port || x->end_port != y->end_port ||
		    memcmp(x->start, y->start, alen) || memcmp(x->end, y->end, alen))
			return false;
	}
	return true;
}

static bool cp_eq(const struct payload_cp *a, const struct payload_cp *b)
{
	if (a->cfg_type != b->cfg_type || a->nattrs != b->nattrs)
		return false;
	for (size_t i = 0; i < a->nattrs; i++)
		if (a->attrs[i].type != b->attrs[i].type ||
		    !chunk_eq(a->attrs[i].value, b->attrs[i].value))
			return false;
	return true;
}

static bool notify_eq(const struct payload_notify *a, const struct payload_notify *b)
{
	return a->protocol == b->protocol && a->spi_size == b->spi_size &&
	       a->type == b->type && a->spi_size <= 8 &&
	       memcmp(a->spi, b->spi, a->spi_size) == 0 && chunk_eq(a->data, b->data);
}

bool payload_equal(const struct payload *a, const struct payload *b)
{
	if (a->type != b->type || a->critical != b->critical || a->encrypted != b->encrypted)
		return false;
	const typeof(a->u) *x = &a->u, *y = &b->u;
	switch (a->type) {
	case IKEV2_PAYLOAD_SA: return sa_eq(&x->sa, &y->sa);
	case IKEV2_PAYLOAD_KE:
		return x->ke.group == y->ke.group && chunk_eq(x->ke.data, y->ke.data);
	case IKEV2_PAYLOAD_IDI: case IKEV2_PAYLOAD_IDR:
		return x->id.id_type == y->id.id_type &&
		       memcmp(x->id.reserved, y->id.reserved, 3) == 0 &&
		       chunk_eq(x->id.data, y->id.data);
	case IKEV2_PAYLOAD_CERT: case IKEV2_PAYLOAD_CERTREQ:
		return x->cert.encoding == y->cert.encoding &&
		       chunk_eq(x->cert.data, y->cert.data);
	case IKEV2_PAYLOAD_AUTH:
		return x->auth.method == y->auth.method && chunk_eq(x->auth.data, y->auth.data);
	case IKEV2_PAYLOAD_NONCE: return chunk_eq(x->nonce.data, y->nonce.data);
	case IKEV2_PAYLOAD_NOTIFY: return notify_eq(&x->notify, &y->notify);
	case IKEV2_PAYLOAD_DELETE:
		return x->del.protocol == y->del.protocol && x->del.spi_size == y->del.spi_size &&
		       x->del.nspis == y->del.nspis && chunk_eq(x->del.spis, y->del.spis);
	case IKEV2_PAYLOAD_VENDOR: return chunk_eq(x->vendor.data, y->vendor.data);
	case IKEV2_PAYLOAD_TSI: case IKEV2_PAYLOAD_TSR: return ts_eq(&x->ts, &y->ts);
	case IKEV2_PAYLOAD_CP: return cp_eq(&x->cp, &y->cp);
	case IKEV2_PAYLOAD_EAP:
		return x->eap.code == y->eap.code && x->eap.id == y->eap.id &&
		       x->eap.eap_type == y->eap.eap_type && chunk_eq(x->eap.data, y->eap.data);
	case IKEV2_PAYLOAD_SK:
		return x->sk.inner_next == y->sk.inner_next && chunk_eq(x->sk.data, y->sk.data);
	case IKEV2_PAYLOAD_SKF:
		return x->skf.inner_next == y->skf.inner_next &&
		       x->skf.frag_num == y->skf.frag_num &&
		       x->skf.frag_total == y->skf.frag_total && chunk_eq(x->skf.data, y->skf.data);
	default:
		return true;
	}
}
