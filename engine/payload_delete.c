/* Delete payload (RFC 7296 3.11): either the IKE SA itself (no SPIs) or a
 * list of 4-octet ESP/AH SPIs. */
#include "engine/payload_delete.h"

#include "base/err.h"
#include "engine/iana.h"

int payload_delete_decode(struct pctx *c, struct rd *rd, struct payload_delete *d)
{
	*d = (struct payload_delete){ 0 };
	if (!rd_u8(rd, &d->protocol) || !rd_u8(rd, &d->spi_size) || !rd_u16(rd, &d->nspis))
		return pctx_syntax(c);
	size_t need = (size_t)d->spi_size * d->nspis;
	if (rd_left(rd) < need) {
		pctx_log(c, LOG_PAYLOAD_SHORT, rd->len + 4, need + 8);
		return pctx_syntax(c);
	}
	if (rd_left(rd) > need) {
		pctx_log(c, LOG_PAYLOAD_UNMATCHED, rd->len + 4, need + 8);
		return pctx_syntax(c);
	}
	rd_chunk(rd, need, &d->spis);
	return payload_delete_verify(c, d);
}

int payload_delete_verify(struct pctx *c, const struct payload_delete *d)
{
	bool ok;
	switch (d->protocol) {
	case IKEV2_PROTO_IKE:
		ok = d->spi_size == 0 && d->nspis == 0;
		break;
	case IKEV2_PROTO_AH:
	case IKEV2_PROTO_ESP:
		ok = d->spi_size == 4 && d->nspis > 0;
		break;
	default:
		ok = false;
	}
	if (!ok || d->spis.len != (size_t)d->spi_size * d->nspis)
		return pctx_cannot_process(c, IKEV2_PAYLOAD_DELETE);
	return 0;
}

uint32_t payload_delete_spi(const struct payload_delete *d, size_t i)
{
	if (d->spi_size != 4 || i >= d->nspis || (i + 1) * 4 > d->spis.len)
		return 0;
	const uint8_t *p = d->spis.ptr + i * 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int payload_delete_encode(struct wr *w, const struct payload_delete *d)
{
	if (d->spis.len != (size_t)d->spi_size * d->nspis)
		return -RTX_EINVAL;
	wr_u8(w, d->protocol);
	wr_u8(w, d->spi_size);
	wr_u16(w, d->nspis);
	wr_chunk(w, d->spis);
	return w->err;
}
