/* EAP payload (RFC 7296 3.16): one EAP message (RFC 3748 4), whose own
 * length field must agree with the payload's. */
#include "engine/payload_eap.h"

#include "base/err.h"
#include "engine/iana.h"

static bool eap_has_type(uint8_t code)
{
	return code == EAP_REQUEST || code == EAP_RESPONSE;
}

int payload_eap_decode(struct pctx *c, struct rd *rd, struct payload_eap *e)
{
	uint16_t len;
	*e = (struct payload_eap){ 0 };
	if (!rd_u8(rd, &e->code) || !rd_u8(rd, &e->id) || !rd_u16(rd, &len))
		return pctx_syntax(c);
	if (len != rd->len) {
		pctx_log(c, LOG_PAYLOAD_UNMATCHED, rd->len + 4, (size_t)len + 4);
		return pctx_syntax(c);
	}
	if (eap_has_type(e->code)) {
		if (!rd_u8(rd, &e->eap_type)) {
			pctx_log(c, LOG_PAYLOAD_SHORT, rd->len + 4, (size_t)9);
			return pctx_syntax(c);
		}
	}
	rd_chunk(rd, rd_left(rd), &e->data);
	return payload_eap_verify(c, e);
}

int payload_eap_verify(struct pctx *c, const struct payload_eap *e)
{
	bool ok;
	switch (e->code) {
	case EAP_REQUEST:
	case EAP_RESPONSE:
		ok = e->eap_type != 0;
		break;
	case EAP_SUCCESS:
	case EAP_FAILURE:
		ok = e->data.len == 0;
		break;
	default:
		ok = false;
	}
	return ok ? 0 : pctx_cannot_process(c, IKEV2_PAYLOAD_EAP);
}

int payload_eap_encode(struct wr *w, const struct payload_eap *e)
{
	size_t len = 4 + (eap_has_type(e->code) ? 1 : 0) + e->data.len;
	if (len > 0xffff - 4)
		return -RTX_ERANGE;
	wr_u8(w, e->code);
	wr_u8(w, e->id);
	wr_u16(w, (uint16_t)len);
	if (eap_has_type(e->code))
		wr_u8(w, e->eap_type);
	wr_chunk(w, e->data);
	return w->err;
}
