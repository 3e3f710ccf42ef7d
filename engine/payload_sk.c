/* Encrypted payload SK (RFC 7296 3.14) and Encrypted Fragment payload SKF
 * (RFC 7383 2.5), with the reassembly of fragments. The codec only frames
 * them: IV, ciphertext and ICV are split by the SK protection code, which
 * knows the algorithm's sizes. */
#include "engine/payload_sk.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "engine/iana.h"

int payload_sk_decode(struct pctx *c, struct rd *rd, struct payload_sk *sk)
{
	*sk = (struct payload_sk){ 0 };
	rd_chunk(rd, rd_left(rd), &sk->data);
	return payload_sk_verify(c, sk);
}

int payload_sk_verify(struct pctx *c, const struct payload_sk *sk)
{
	if (sk->data.len == 0)
		return pctx_cannot_process(c, IKEV2_PAYLOAD_SK);
	return 0;
}

int payload_sk_encode(struct wr *w, const struct payload_sk *sk)
{
	wr_chunk(w, sk->data);
	return w->err;
}

int payload_skf_decode(struct pctx *c, struct rd *rd, struct payload_skf *f)
{
	*f = (struct payload_skf){ 0 };
	if (!rd_u16(rd, &f->frag_num) || !rd_u16(rd, &f->frag_total))
		return pctx_syntax(c);
	rd_chunk(rd, rd_left(rd), &f->data);
	return payload_skf_verify(c, f);
}

int payload_skf_verify(struct pctx *c, const struct payload_skf *f)
{
	if (f->frag_num == 0 || f->frag_total == 0 || f->frag_num > f->frag_total ||
	    f->data.len == 0)
		return pctx_cannot_process(c, IKEV2_PAYLOAD_SKF);
	return 0;
}

int payload_skf_encode(struct wr *w, const struct payload_skf *f)
{
	wr_u16(w, f->frag_num);
	wr_u16(w, f->frag_total);
	wr_chunk(w, f->data);
	return w->err;
}

/* ---- reassembly ------------------------------------------------------- */

void skf_reasm_init(struct skf_reasm *r) { memset(r, 0, sizeof(*r)); }

void skf_reasm_reset(struct skf_reasm *r)
{
	for (size_t i = 0; i < SKF_MAX_FRAGMENTS; i++)
		free(r->frag[i].data);
	skf_reasm_init(r);
}

int skf_reasm_add(struct skf_reasm *r, struct pctx *c, const struct payload_skf *f,
		  const uint8_t *plain, size_t len)
{
	int err = payload_skf_verify(c, f);
	if (err)
		return err;
	if (f->frag_total > SKF_MAX_FRAGMENTS) {
		pctx_log_payload(c, LOG_CANNOT_ACCEPT, IKEV2_PAYLOAD_SKF);
		return -RTX_ERANGE;
	}
	/* RFC 7383 2.6.2: a larger total means the sender re-fragmented with
	 * a smaller size, so what we have is stale; a smaller one is stale. */
	if (r->total && f->frag_total > r->total)
		skf_reasm_reset(r);
	else if (r->total && f->frag_total < r->total)
		return 0;
	struct chunk_buf *slot = &r->frag[f->frag_num - 1];
	if (slot->have)
		return 0;
	if (len > SKF_MAX_BYTES - r->bytes) {
		pctx_log_payload(c, LOG_CANNOT_ACCEPT, IKEV2_PAYLOAD_SKF);
		skf_reasm_reset(r);
		return -RTX_ERANGE;
	}
	uint8_t *copy = bytes_dup(plain, len);
	if (!copy)
		return -RTX_ENOMEM;
	*slot = (struct chunk_buf){ copy, len, true };
	r->total = f->frag_total;
	r->received++;
	r->bytes += len;
	if (f->frag_num == 1)
		r->first_type = f->inner_next;
	return r->received == r->total ? 1 : 0;
}

int skf_reasm_take(struct skf_reasm *r, uint8_t **out, size_t *len, uint8_t *first)
{
	if (!r->total || r->received != r->total)
		return -RTX_ENOENT;
	uint8_t *buf = malloc(r->bytes ? r->bytes : 1);
	if (!buf)
		return -RTX_ENOMEM;
	size_t off = 0;
	for (size_t i = 0; i < r->total; i++) {
		if (r->frag[i].len)
			memcpy(buf + off, r->frag[i].data, r->frag[i].len);
		off += r->frag[i].len;
	}
	*out = buf;
	*len = off;
	*first = r->first_type;
	skf_reasm_reset(r);
	return 0;
}
