/* Authentication payload (RFC 7296 3.8). */
#include "engine/payload_auth.h"

#include "base/err.h"
#include "engine/iana.h"

int payload_auth_decode(struct pctx *c, struct rd *rd, struct payload_auth *a)
{
	*a = (struct payload_auth){ 0 };
	if (!rd_u8(rd, &a->method) || !rd_bytes(rd, (uint8_t[3]){ 0 }, 3))
		return pctx_syntax(c);
	rd_chunk(rd, rd_left(rd), &a->data);
	return payload_auth_verify(c, a);
}

int payload_auth_verify(struct pctx *c, const struct payload_auth *a)
{
	if (a->method == 0 || a->data.len == 0)
		return pctx_cannot_process(c, IKEV2_PAYLOAD_AUTH);
	return 0;
}

int payload_auth_encode(struct wr *w, const struct payload_auth *a)
{
	wr_u8(w, a->method);
	wr_zero(w, 3);
	wr_chunk(w, a->data);
	return w->err;
}
