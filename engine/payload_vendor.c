/* Vendor ID payload (RFC 7296 3.12): opaque, compared by the caller
 * against the IDs it knows. */
#include "engine/payload_vendor.h"

#include "engine/iana.h"

int payload_vendor_decode(struct pctx *c, struct rd *rd, struct payload_vendor *v)
{
	rd_chunk(rd, rd_left(rd), &v->data);
	return payload_vendor_verify(c, v);
}

int payload_vendor_verify(struct pctx *c, const struct payload_vendor *v)
{
	if (v->data.len == 0)
		return pctx_cannot_process(c, IKEV2_PAYLOAD_VENDOR);
	return 0;
}

int payload_vendor_encode(struct wr *w, const struct payload_vendor *v)
{
	wr_chunk(w, v->data);
	return w->err;
}
