/* The generic payload chain: the only code that reads a generic payload
 * header (RFC 7296 3.2) or writes one, so next-payload and length
 * handling live in one place; the bodies are each payload file's. */
#include "engine/payload.h"

#include <string.h>

#include "base/err.h"
#include "engine/names.h"

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
	return err ? err : wr_close_u16(w, at);
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
