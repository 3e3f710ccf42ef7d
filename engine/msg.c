/* The IKE header and whole-message decode/encode. Everything below the
 * header is the chain walker's (payload.c) and the rules' (msg_rules.c). */
#include "engine/msg.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "engine/msg_rules.h"

void msg_init(struct msg *m, uint8_t exchange, uint32_t msgid, uint8_t flags)
{
	*m = (struct msg){ 0 };
	m->hdr.version = IKEV2_VERSION;
	m->hdr.exchange = exchange;
	m->hdr.msgid = msgid;
	m->hdr.flags = flags;
}

void msg_free(struct msg *m)
{
	arena_free(&m->arena);
	m->pl = NULL;
	m->npl = m->cap = 0;
}

void msg_move_inner(struct msg *from, struct msg *to)
{
	size_t n = 0;
	*to = *from;
	*from = (struct msg){ 0 };
	for (size_t i = 0; i < to->npl; i++)
		if (to->pl[i].encrypted)
			to->pl[n++] = to->pl[i];
	to->npl = n;
	to->raw = (struct chunk){ 0 };
}

struct payload *msg_add(struct msg *m, uint8_t type, bool encrypted)
{
	struct payload *n = arena_grow(&m->arena, m->pl, m->npl, &m->cap, sizeof(*n));
	if (!n)
		return NULL;
	m->pl = n;
	struct payload *p = &m->pl[m->npl++];
	*p = (struct payload){ .type = type, .encrypted = encrypted };
	return p;
}

bool msg_is_response(const struct msg *m)
{
	return m->hdr.flags & IKEV2_FLAG_RESPONSE;
}

const struct payload *msg_find(const struct msg *m, uint8_t type, size_t nth)
{
	for (size_t i = 0; i < m->npl; i++)
		if (m->pl[i].type == type && nth-- == 0)
			return &m->pl[i];
	return NULL;
}

const struct payload *msg_find_notify(const struct msg *m, uint16_t notify)
{
	for (size_t i = 0; i < m->npl; i++)
		if (m->pl[i].type == IKEV2_PAYLOAD_NOTIFY && m->pl[i].u.notify.type == notify)
			return &m->pl[i];
	return NULL;
}

int ike_hdr_decode(struct pctx *c, struct rd *rd, struct ike_hdr *h)
{
	if (rd_left(rd) < IKEV2_HDR_LEN) {
		pctx_log(c, LOG_IKE_HDR_SHORT, rd_left(rd), (size_t)IKEV2_HDR_LEN);
		return pctx_syntax(c);
	}
	rd_u64(rd, &h->spi_i);
	rd_u64(rd, &h->spi_r);
	rd_u8(rd, &h->next);
	rd_u8(rd, &h->version);
	rd_u8(rd, &h->exchange);
	rd_u8(rd, &h->flags);
	rd_u32(rd, &h->msgid);
	rd_u32(rd, &h->length);
	return 0;
}

int ike_hdr_encode(struct wr *w, const struct ike_hdr *h)
{
	wr_u64(w, h->spi_i);
	wr_u64(w, h->spi_r);
	wr_u8(w, h->next);
	wr_u8(w, h->version);
	wr_u8(w, h->exchange);
	wr_u8(w, h->flags);
	wr_u32(w, h->msgid);
	wr_u32(w, h->length);
	return w->err;
}

/* The header's own fields: version and the length against the datagram. */
static int hdr_check(struct pctx *c, const struct ike_hdr *h, size_t len)
{
	if (h->version >> 4 != IKEV2_VERSION >> 4) {
		/* RFC 7296 2.5: answer INVALID_MAJOR_VERSION, parse no further. */
		c->notify = IKEV2_N_INVALID_MAJOR_VERSION;
		return -RTX_EUNSUPP;
	}
	if (h->length < IKEV2_HDR_LEN) {
		pctx_log(c, LOG_MSG_UNMATCHED, len, (size_t)h->length);
		return pctx_syntax(c);
	}
	if (h->length > len) {
		pctx_log(c, LOG_MSG_SHORT, len, (size_t)h->length);
		return pctx_syntax(c);
	}
	if (h->length < len) {
		pctx_log(c, LOG_MSG_UNMATCHED, len, (size_t)h->length);
		return pctx_syntax(c);
	}
	return 0;
}

static const struct msg_rules *rules_of(const struct msg *m)
{
	return msg_rules_find(m->hdr.exchange, msg_is_response(m));
}

static int rules_check(const struct msg *m, struct pctx *c)
{
	return msg_rules_check(rules_of(m), m->pl, m->npl, m->decrypted, c);
}

static int rules_order(const struct msg *m, bool encrypted, const struct payload **out,
		       size_t *n)
{
	return msg_rules_order(rules_of(m), m->pl, m->npl, encrypted, out, n);
}

static void msg_set_err(struct msg *m, const struct pctx *c)
{
	m->notify = c->notify;
	m->notify_type = c->notify_type;
}

int msg_decode(struct msg *m, const uint8_t *buf, size_t len,
	       struct log *log, const char *sub)
{
	*m = (struct msg){ .raw = { buf, len } };
	struct pctx c = { .log = log, .sub = sub, .arena = &m->arena };
	struct rd rd = rd_init(buf, len);
	int err = ike_hdr_decode(&c, &rd, &m->hdr);
	if (!err)
		err = hdr_check(&c, &m->hdr, len);
	if (!err)
		err = payload_decode_chain(&c, &rd, m->hdr.next, &m->pl, &m->npl,
					   &m->cap, false);
	if (!err)
		err = rules_check(m, &c);
	msg_set_err(m, &c);
	return err;
}

int msg_decode_inner(struct msg *m, uint8_t first, const uint8_t *plain,
		     size_t len, struct log *log, const char *sub)
{
	struct pctx c = { .log = log, .sub = sub, .arena = &m->arena };
	struct rd rd = rd_init(plain, len);
	int err = payload_decode_chain(&c, &rd, first, &m->pl, &m->npl, &m->cap, true);
	if (!err) {
		m->decrypted = true;
		err = rules_check(m, &c);
	}
	msg_set_err(m, &c);
	return err;
}

/* Header and outer payloads in rule order, then `last` (SK/SKF) if given;
 * *at is where the header starts in w. */
static int encode_outer(const struct msg *m, const struct payload *last,
			struct wr *w, size_t *at)
{
	const struct payload **pl = calloc(m->npl + 1, sizeof(*pl));
	size_t n = 0;
	uint8_t first;
	int err = -RTX_ENOMEM;
	if (!pl)
		goto out;
	if ((err = rules_order(m, false, pl, &n)))
		goto out;
	if (last) {
		/* A decoded message's own SK/SKF gives way to the new one. */
		size_t kept = 0;
		for (size_t i = 0; i < n; i++)
			if (pl[i]->type != IKEV2_PAYLOAD_SK && pl[i]->type != IKEV2_PAYLOAD_SKF)
				pl[kept++] = pl[i];
		n = kept;
		pl[n++] = last;
	}
	struct ike_hdr h = m->hdr;
	h.next = n ? pl[0]->type : IKEV2_PAYLOAD_NONE;
	*at = wr_mark(w);
	ike_hdr_encode(w, &h);
	if ((err = payload_encode_chain(w, pl, n, &first)) || (err = w->err))
		goto out;
	size_t total = w->len - *at;
	if (total > UINT32_MAX) {
		err = -RTX_ERANGE;
		goto out;
	}
	w->buf[*at + 24] = (uint8_t)(total >> 24);
	w->buf[*at + 25] = (uint8_t)(total >> 16);
	wr_set_u16(w, *at + 26, (uint16_t)total);
out:
	free(pl);
	return err;
}

int msg_encode(const struct msg *m, struct wr *w)
{
	size_t at;
	return encode_outer(m, NULL, w, &at);
}

int msg_encode_inner(const struct msg *m, struct wr *w, uint8_t *first)
{
	const struct payload **pl = NULL;
	size_t n = 0;
	int err = -RTX_ENOMEM;
	*first = IKEV2_PAYLOAD_NONE;
	if (m->npl && !(pl = calloc(m->npl, sizeof(*pl))))
		goto out;
	if ((err = rules_order(m, true, pl, &n)))
		goto out;
	err = payload_encode_chain(w, pl, n, first);
out:
	free(pl);
	return err;
}

/* ---- SK protection ---------------------------------------------------- */

/* Encodes m with `last` (SK or SKF whose data is body_len placeholder
 * bytes) as the final payload, then encrypts plain into that space with
 * everything before it as AAD. */
static int seal(const struct msg *m, struct payload *last, struct chunk *data,
		size_t body_len, struct crypto_lib *lib, const struct sk_keys *k,
		sk_rng_fn rng, void *rng_arg, const uint8_t *plain, size_t plain_len,
		struct wr *w)
{
	uint8_t *room = calloc(1, body_len);
	size_t at, n;
	if (!room)
		return -RTX_ENOMEM;
	*data = (struct chunk){ room, body_len };
	int err = encode_outer(m, last, w, &at);
	free(room);
	*data = (struct chunk){ 0 };
	if (err)
		return err;
	size_t off = w->len - body_len;
	err = sk_protect(lib, k, rng, rng_arg, w->buf + at, off - at, plain, plain_len,
			 w->buf + off, body_len, &n);
	if (!err && n != body_len)
		err = -RTX_ECRYPTO;
	return err;
}

int msg_encrypt(const struct msg *m, struct crypto_lib *lib, const struct sk_keys *k,
		sk_rng_fn rng, void *rng_arg, struct wr *w)
{
	struct wr in;
	struct payload sk = { .type = IKEV2_PAYLOAD_SK };
	wr_init(&in);
	int err = msg_encode_inner(m, &in, &sk.u.sk.inner_next);
	size_t body_len = sk_body_len(k, in.len);
	if (!err && !body_len)
		err = -RTX_EINVAL;
	if (!err)
		err = seal(m, &sk, &sk.u.sk.data, body_len, lib, k, rng, rng_arg,
			   in.buf, in.len, w);
	wr_free(&in);
	return err;
}

int msg_encrypt_fragments(const struct msg *m, struct crypto_lib *lib,
			  const struct sk_keys *k, sk_rng_fn rng, void *rng_arg,
			  size_t max_plain, struct wr *out, size_t n, size_t *nfrag)
{
	struct wr in;
	uint8_t first;
	wr_init(&in);
	int err = msg_encode_inner(m, &in, &first);
	size_t total = max_plain ? (in.len + max_plain - 1) / max_plain : 0;
	if (!err && (total == 0 || total > n || total > SKF_MAX_FRAGMENTS))
		err = -RTX_ERANGE;
	for (size_t i = 0; !err && i < total; i++) {
		size_t off = i * max_plain;
		size_t len = in.len - off < max_plain ? in.len - off : max_plain;
		struct payload f = { .type = IKEV2_PAYLOAD_SKF,
				     .u.skf = { i == 0 ? first : 0, (uint16_t)(i + 1),
						(uint16_t)total, { 0 } } };
		size_t body_len = sk_body_len(k, len);
		err = body_len ? seal(m, &f, &f.u.skf.data, body_len, lib, k, rng, rng_arg,
				      in.buf + off, len, &out[i]) : -RTX_EINVAL;
	}
	*nfrag = err ? 0 : total;
	wr_free(&in);
	return err;
}

/* Verifies and decrypts body, whose AAD is everything before it. */
static int open_body(struct msg *m, struct pctx *c, struct crypto_lib *lib,
		     const struct sk_keys *k, struct chunk body, struct chunk *plain)
{
	uint8_t *buf = arena_alloc(&m->arena, body.len ? body.len : 1);
	if (!buf)
		return -RTX_ENOMEM;
	size_t aad_len = (size_t)(body.ptr - m->raw.ptr);
	int err = sk_unprotect(lib, k, m->raw.ptr, aad_len, body.ptr, body.len,
			       buf, body.len, &plain->len);
	if (err == -RTX_EAUTH)
		pctx_log(c, LOG_AUTH_WRONG);
	else if (err == -RTX_EPARSE)
		return pctx_cannot_process(c, IKEV2_PAYLOAD_SK);
	plain->ptr = buf;
	return err;
}

int msg_decrypt(struct msg *m, struct crypto_lib *lib, const struct sk_keys *k,
		struct skf_reasm *r, struct log *log, const char *sub)
{
	struct pctx c = { .log = log, .sub = sub, .arena = &m->arena };
	const struct payload *sk = msg_find(m, IKEV2_PAYLOAD_SK, 0);
	const struct payload *f = sk ? NULL : msg_find(m, IKEV2_PAYLOAD_SKF, 0);
	struct chunk plain;
	int err;
	if (!sk && (!f || !r)) {
		pctx_log_payload(&c, LOG_NOT_CONTAINED, IKEV2_PAYLOAD_SK);
		err = pctx_syntax(&c);
		goto out;
	}
	if ((err = open_body(m, &c, lib, k, sk ? sk->u.sk.data : f->u.skf.data, &plain)))
		goto out;
	if (sk)
		return msg_decode_inner(m, sk->u.sk.inner_next, plain.ptr, plain.len, log, sub);
	if ((err = skf_reasm_add(r, &c, &f->u.skf, plain.ptr, plain.len)) == 0)
		return 1;
	if (err < 0)
		goto out;
	uint8_t *all, first, *copy;
	size_t len;
	if ((err = skf_reasm_take(r, &all, &len, &first)))
		goto out;
	copy = arena_alloc(&m->arena, len ? len : 1);
	if (copy && len)
		memcpy(copy, all, len);
	free(all);
	if (!copy)
		return -RTX_ENOMEM;
	return msg_decode_inner(m, first, copy, len, log, sub);
out:
	msg_set_err(m, &c);
	return err;
}
