/* Identification payloads IDi/IDr (RFC 7296 3.5). The reserved octets are
 * kept as received because AUTH signs the payload body verbatim. */
#include "engine/payload_id.h"

#include "base/err.h"
#include "engine/iana.h"

int payload_id_decode(struct pctx *c, struct rd *rd, struct payload_id *id)
{
	*id = (struct payload_id){ 0 };
	if (!rd_u8(rd, &id->id_type) || !rd_bytes(rd, id->reserved, 3))
		return pctx_syntax(c);
	rd_chunk(rd, rd_left(rd), &id->data);
	return payload_id_verify(c, id);
}

int payload_id_verify(struct pctx *c, const struct payload_id *id)
{
	uint8_t name = c->cur == IKEV2_PAYLOAD_IDR ? IKEV2_PAYLOAD_IDR : IKEV2_PAYLOAD_IDI;
	switch (id->id_type) {
	case IKEV2_ID_IPV4_ADDR:
		if (id->data.len != 4)
			return pctx_cannot_process(c, name);
		return 0;
	case IKEV2_ID_IPV6_ADDR:
		if (id->data.len != 16)
			return pctx_cannot_process(c, name);
		return 0;
	case IKEV2_ID_FQDN:
	case IKEV2_ID_RFC822_ADDR:
	case IKEV2_ID_DER_ASN1_DN:
	case IKEV2_ID_DER_ASN1_GN:
	case IKEV2_ID_KEY_ID:
		if (id->data.len == 0)
			return pctx_cannot_process(c, name);
		return 0;
	default:
		return 0;    /* other types are for the policy lookup to refuse */
	}
}

int payload_id_encode(struct wr *w, const struct payload_id *id)
{
	wr_u8(w, id->id_type);
	wr_bytes(w, id->reserved, 3);
	wr_chunk(w, id->data);
	return w->err;
}
