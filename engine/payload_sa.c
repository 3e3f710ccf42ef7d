/* Security Association payload (RFC 7296 3.3): proposals, transforms and
 * transform attributes, each a substructure with its own length, so every
 * level checks its length against what its container has left. */
#include "engine/payload_sa.h"

#include "base/err.h"
#include "engine/iana.h"

enum { LAST_PROPOSAL = 0, MORE_PROPOSALS = 2, LAST_TRANSFORM = 0, MORE_TRANSFORMS = 3 };
enum { ATTR_TV = 0x8000 };

/* Proposals and transforms both start with last/more, a reserved octet
 * and their length, in an 8-byte fixed header. */
enum { SUB_HDR = 8 };

/* Checks a substructure's length against what its container has left,
 * splits it off into *sub and reads the first half of its header. */
static int sub_open(struct pctx *c, struct rd *rd, struct rd *sub, uint8_t *more)
{
	if (rd_left(rd) < SUB_HDR) {
		pctx_log(c, LOG_FIELD_HDR_SHORT, rd_left(rd), (size_t)SUB_HDR);
		return pctx_syntax(c);
	}
	size_t len = (size_t)rd->p[rd->off + 2] << 8 | rd->p[rd->off + 3];
	if (len < SUB_HDR) {
		pctx_log(c, LOG_FIELD_HDR_SHORT, len, (size_t)SUB_HDR);
		return pctx_syntax(c);
	}
	if (len > rd_left(rd)) {
		pctx_log(c, LOG_FIELD_SHORT, rd_left(rd), len);
		return pctx_syntax(c);
	}
	rd_sub(rd, len, sub);
	rd_u8(sub, more);
	rd_u8(sub, &(uint8_t){ 0 });
	rd_u16(sub, &(uint16_t){ 0 });
	return 0;
}

/* The encoder's side: the first half of the header, the length to be
 * filled in by wr_close_u16(). */
static size_t sub_begin(struct wr *w, uint8_t more)
{
	size_t at = wr_mark(w);
	wr_u8(w, more);
	wr_u8(w, 0);
	wr_u16(w, 0);
	return at;
}

static int attr_decode(struct pctx *c, struct rd *rd, struct sa_attr *a)
{
	uint16_t type, val;
	if (rd_left(rd) < 4) {
		pctx_log(c, LOG_FIELD_HDR_SHORT, rd_left(rd), (size_t)4);
		return pctx_syntax(c);
	}
	rd_u16(rd, &type);
	rd_u16(rd, &val);
	a->type = type & ~ATTR_TV;
	a->tv = type & ATTR_TV;
	if (a->tv) {
		a->value = val;
		return 0;
	}
	if (!rd_chunk(rd, val, &a->data)) {
		pctx_log(c, LOG_FIELD_SHORT, rd_left(rd), (size_t)val);
		return pctx_syntax(c);
	}
	return 0;
}

static int transform_decode(struct pctx *c, struct rd *rd, struct sa_transform *t)
{
	struct rd sub;
	uint8_t more;
	int err = sub_open(c, rd, &sub, &more);
	if (err)
		return err;
	rd_u8(&sub, &t->type);
	rd_u8(&sub, &(uint8_t){ 0 });
	rd_u16(&sub, &t->id);
	if (more != (rd_left(rd) ? MORE_TRANSFORMS : LAST_TRANSFORM))
		return pctx_cannot_process(c, IKEV2_PAYLOAD_SA);
	while (rd_left(&sub)) {
		if (t->nattrs == SA_MAX_ATTRS)
			return pctx_cannot_process(c, IKEV2_PAYLOAD_SA);
		if ((err = attr_decode(c, &sub, &t->attrs[t->nattrs++])))
			return err;
	}
	return 0;
}

static int proposal_decode(struct pctx *c, struct rd *rd, struct sa_proposal *p)
{
	struct rd sub;
	uint8_t more, ntrans;
	int err = sub_open(c, rd, &sub, &more);
	if (err)
		return err;
	rd_u8(&sub, &p->num);
	rd_u8(&sub, &p->protocol);
	rd_u8(&sub, &p->spi_size);
	rd_u8(&sub, &ntrans);
	if (more != (rd_left(rd) ? MORE_PROPOSALS : LAST_PROPOSAL) || p->spi_size > 8)
		return pctx_cannot_process(c, IKEV2_PAYLOAD_SA);
	if (!rd_bytes(&sub, p->spi, p->spi_size)) {
		pctx_log(c, LOG_FIELD_SHORT, rd_left(&sub), (size_t)p->spi_size);
		return pctx_syntax(c);
	}
	if (ntrans && !(p->transforms = arena_alloc(c->arena, ntrans * sizeof(*p->transforms))))
		return -RTX_ENOMEM;
	while (rd_left(&sub)) {
		if (p->ntransforms == ntrans) {
			/* More transforms on the wire than the header counts. */
			pctx_log(c, LOG_FIELD_UNMATCHED, sub.len, sub.off);
			return pctx_syntax(c);
		}
		struct sa_transform *t = &p->transforms[p->ntransforms++];
		if ((err = transform_decode(c, &sub, t)))
			return err;
	}
	if (p->ntransforms != ntrans) {
		pctx_log(c, LOG_FIELD_UNMATCHED, (size_t)p->ntransforms, (size_t)ntrans);
		return pctx_syntax(c);
	}
	return 0;
}

int payload_sa_decode(struct pctx *c, struct rd *rd, struct payload_sa *sa)
{
	size_t cap = 0;
	*sa = (struct payload_sa){ 0 };
	while (rd_left(rd)) {
		struct sa_proposal *np = arena_grow(c->arena, sa->proposals,
						    sa->nproposals, &cap, sizeof(*np));
		if (!np)
			return -RTX_ENOMEM;
		sa->proposals = np;
		struct sa_proposal *p = &sa->proposals[sa->nproposals++];
		*p = (struct sa_proposal){ 0 };
		int err = proposal_decode(c, rd, p);
		if (err)
			return err;
	}
	return payload_sa_verify(c, sa);
}

static bool spi_size_ok(const struct sa_proposal *p)
{
	switch (p->protocol) {
	case IKEV2_PROTO_IKE: return p->spi_size == 0 || p->spi_size == 8;
	case IKEV2_PROTO_AH:
	case IKEV2_PROTO_ESP: return p->spi_size == 4;
	default: return true;     /* unknown protocols are for proposal selection to skip */
	}
}

int payload_sa_verify(struct pctx *c, const struct payload_sa *sa)
{
	if (!sa->nproposals)
		return pctx_cannot_process(c, IKEV2_PAYLOAD_SA);
	for (size_t i = 0; i < sa->nproposals; i++) {
		const struct sa_proposal *p = &sa->proposals[i];
		if (!spi_size_ok(p) || !p->ntransforms)
			return pctx_cannot_process(c, IKEV2_PAYLOAD_SA);
		for (size_t j = 0; j < p->ntransforms; j++) {
			const struct sa_transform *t = &p->transforms[j];
			for (size_t k = 0; k < t->nattrs; k++)
				/* RFC 7296 3.3.5: Key Length is a TV attribute only. */
				if (t->attrs[k].type == IKEV2_ATTR_KEY_LENGTH && !t->attrs[k].tv)
					return pctx_cannot_process(c, IKEV2_PAYLOAD_SA);
		}
	}
	return 0;
}

uint16_t sa_transform_keylen(const struct sa_transform *t)
{
	for (size_t k = 0; k < t->nattrs; k++)
		if (t->attrs[k].type == IKEV2_ATTR_KEY_LENGTH && t->attrs[k].tv)
			return t->attrs[k].value;
	return 0;
}

static int transform_encode(struct wr *w, const struct sa_transform *t, bool last)
{
	if (t->nattrs > SA_MAX_ATTRS)
		return -RTX_EINVAL;
	size_t at = sub_begin(w, last ? LAST_TRANSFORM : MORE_TRANSFORMS);
	wr_u8(w, t->type);
	wr_u8(w, 0);
	wr_u16(w, t->id);
	for (size_t k = 0; k < t->nattrs; k++) {
		const struct sa_attr *a = &t->attrs[k];
		if (a->type & ATTR_TV || (!a->tv && a->data.len > 0xffff))
			return -RTX_EINVAL;
		wr_u16(w, (uint16_t)(a->type | (a->tv ? ATTR_TV : 0)));
		wr_u16(w, a->tv ? a->value : (uint16_t)a->data.len);
		if (!a->tv)
			wr_chunk(w, a->data);
	}
	return wr_close_u16(w, at);
}

static int proposal_encode(struct wr *w, const struct sa_proposal *p, bool last)
{
	if (p->spi_size > 8 || p->ntransforms > 255)
		return -RTX_EINVAL;
	size_t at = sub_begin(w, last ? LAST_PROPOSAL : MORE_PROPOSALS);
	wr_u8(w, p->num);
	wr_u8(w, p->protocol);
	wr_u8(w, p->spi_size);
	wr_u8(w, (uint8_t)p->ntransforms);
	wr_bytes(w, p->spi, p->spi_size);
	for (size_t j = 0; j < p->ntransforms; j++) {
		int err = transform_encode(w, &p->transforms[j], j + 1 == p->ntransforms);
		if (err)
			return err;
	}
	return wr_close_u16(w, at);
}

int payload_sa_encode(struct wr *w, const struct payload_sa *sa)
{
	for (size_t i = 0; i < sa->nproposals; i++) {
		int err = proposal_encode(w, &sa->proposals[i], i + 1 == sa->nproposals);
		if (err)
			return err;
	}
	return w->err;
}
