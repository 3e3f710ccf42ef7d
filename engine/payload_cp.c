/* Configuration payload (RFC 7296 3.15): a type and a list of TLV
 * attributes whose values the remote-access code interprets. */
#include "engine/payload_cp.h"

#include "base/err.h"
#include "engine/iana.h"

enum { CP_ATTR_TYPE_MASK = 0x7fff };

static int attr_decode(struct pctx *c, struct rd *rd, struct cp_attr *a)
{
	uint16_t type, len;
	if (rd_left(rd) < 4) {
		pctx_log(c, LOG_FIELD_HDR_SHORT, rd_left(rd), (size_t)4);
		return pctx_syntax(c);
	}
	rd_u16(rd, &type);
	rd_u16(rd, &len);
	a->type = type & CP_ATTR_TYPE_MASK;    /* the top bit is reserved */
	if (!rd_chunk(rd, len, &a->value)) {
		pctx_log(c, LOG_FIELD_SHORT, rd_left(rd) + 4, (size_t)len + 4);
		return pctx_syntax(c);
	}
	return 0;
}

int payload_cp_decode(struct pctx *c, struct rd *rd, struct payload_cp *cp)
{
	size_t cap = 0;
	*cp = (struct payload_cp){ 0 };
	if (!rd_u8(rd, &cp->cfg_type) || !rd_bytes(rd, (uint8_t[3]){ 0 }, 3))
		return pctx_syntax(c);
	while (rd_left(rd)) {
		struct cp_attr *na = arena_grow(c->arena, cp->attrs, cp->nattrs, &cap,
						sizeof(*na));
		if (!na)
			return -RTX_ENOMEM;
		cp->attrs = na;
		int err = attr_decode(c, rd, &cp->attrs[cp->nattrs++]);
		if (err)
			return err;
	}
	return payload_cp_verify(c, cp);
}

int payload_cp_verify(struct pctx *c, const struct payload_cp *cp)
{
	if (cp->cfg_type < IKEV2_CFG_REQUEST || cp->cfg_type > IKEV2_CFG_ACK)
		return pctx_cannot_process(c, IKEV2_PAYLOAD_CP);
	return 0;
}

int payload_cp_encode(struct wr *w, const struct payload_cp *cp)
{
	wr_u8(w, cp->cfg_type);
	wr_zero(w, 3);
	for (size_t i = 0; i < cp->nattrs; i++) {
		const struct cp_attr *a = &cp->attrs[i];
		if (a->type > CP_ATTR_TYPE_MASK || a->value.len > 0xffff)
			return -RTX_EINVAL;
		wr_u16(w, a->type);
		wr_u16(w, (uint16_t)a->value.len);
		wr_chunk(w, a->value);
	}
	return w->err;
}
