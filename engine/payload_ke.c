/* Key Exchange payload (RFC 7296 3.4). The length of the key exchange data
 * depends on the group; checking it is the DH code's job, since only it
 * knows the group's sizes. */
#include "engine/payload_ke.h"

#include "base/err.h"
#include "engine/iana.h"

int payload_ke_decode(struct pctx *c, struct rd *rd, struct payload_ke *ke)
{
	*ke = (struct payload_ke){ 0 };
	if (!rd_u16(rd, &ke->group) || !rd_u16(rd, &(uint16_t){ 0 }))
		return pctx_syntax(c);   /* the chain checked the fixed part */
	rd_chunk(rd, rd_left(rd), &ke->data);
	return payload_ke_verify(c, ke);
}

int payload_ke_verify(struct pctx *c, const struct payload_ke *ke)
{
	if (ke->group == 0 || ke->data.len == 0)
		return pctx_cannot_process(c, IKEV2_PAYLOAD_KE);
	return 0;
}

int payload_ke_encode(struct wr *w, const struct payload_ke *ke)
{
	wr_u16(w, ke->group);
	wr_u16(w, 0);
	wr_chunk(w, ke->data);
	return w->err;
}
