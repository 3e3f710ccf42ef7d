/* Nonce payload (RFC 7296 3.9). */
#include "engine/payload_nonce.h"

#include "base/err.h"
#include "engine/iana.h"

/* RFC 7296 2.10: between 16 and 256 octets. */
enum { NONCE_MIN = 16, NONCE_MAX = 256 };

int payload_nonce_decode(struct pctx *c, struct rd *rd, struct payload_nonce *n)
{
	rd_chunk(rd, rd_left(rd), &n->data);
	return payload_nonce_verify(c, n);
}

int payload_nonce_verify(struct pctx *c, const struct payload_nonce *n)
{
	if (n->data.len < NONCE_MIN || n->data.len > NONCE_MAX)
		return pctx_cannot_process(c, IKEV2_PAYLOAD_NONCE);
	return 0;
}

int payload_nonce_encode(struct wr *w, const struct payload_nonce *n)
{
	wr_chunk(w, n->data);
	return w->err;
}
