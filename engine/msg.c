/* The IKE header and whole-message decode/encode. Everything below the
 * header is the chain walker's (payload.c) and the rules' (msg_rules.c). */
#include "engine/msg.h"

#include <stdlib.h>
#include <string.h>

#include "engine/err.h"

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

static void msg_set_err(struct msg *m, const struct pctx *c)
{
	m->notify = c->notify;
	m->notify_type = c->notify_type;
}

int msg_decode(struct msg *m, const uint8_t *buf, size_t len,
	       struct log *log, const char *sub)
{
	*m = (struct msg){ 0 };
	struct pctx c = { .log = log, .sub = sub, .arena = &m->arena };
	struct rd rd = rd_init(buf, len);
	int err = ike_hdr_decode(&c, &rd, &m->hdr);
	if (!err)
		err = hdr_check(&c, &m->hdr, len);
	if (!err)
		err = payload_decode_chain(&c, &rd, m->hdr.next, &m->pl, &m->npl,
					   &m->cap, false);
	if (!err)
		err = msg_rules_check(m, &c);
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
		err = msg_rules_check(m, &c);
	}
	msg_set_err(m, &c);
	return err;
}

int msg_encode(const struct msg *m, struct wr *w)
{
	const struct payload **pl = NULL;
	size_t n = 0;
	int err = -RTX_ENOMEM;
	if (m->npl && !(pl = calloc(m->npl, sizeof(*pl))))
		goto out;
	if ((err = msg_rules_order(m, false, pl, &n)))
		goto out;
	struct ike_hdr h = m->hdr;
	h.next = n ? pl[0]->type : IKEV2_PAYLOAD_NONE;
	size_t at = wr_mark(w);
	ike_hdr_encode(w, &h);
	uint8_t first;
	if ((err = payload_encode_chain(w, pl, n, &first)))
		goto out;
	if ((err = w->err))
		goto out;
	size_t total = w->len - at;
	if (total > UINT32_MAX) {
		err = -RTX_ERANGE;
		goto out;
	}
	w->buf[at + 24] = (uint8_t)(total >> 24);
	w->buf[at + 25] = (uint8_t)(total >> 16);
	wr_set_u16(w, at + 26, (uint16_t)total);
out:
	free(pl);
	return err;
}

int msg_encode_inner(const struct msg *m, struct wr *w, uint8_t *first)
{
	const struct payload **pl = NULL;
	size_t n = 0;
	int err = -RTX_ENOMEM;
	*first = IKEV2_PAYLOAD_NONE;
	if (m->npl && !(pl = calloc(m->npl, sizeof(*pl))))
		goto out;
	if ((err = msg_rules_order(m, true, pl, &n)))
		goto out;
	err = payload_encode_chain(w, pl, n, first);
out:
	free(pl);
	return err;
}
