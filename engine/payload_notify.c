/* Notify payload (RFC 7296 3.10), with the data checks of the notify types
 * whose content RFC 7296, RFC 7383 and RFC 7427 fix. */
#include "engine/payload_notify.h"

#include "base/err.h"
#include "engine/iana.h"

int payload_notify_decode(struct pctx *c, struct rd *rd, struct payload_notify *n)
{
	*n = (struct payload_notify){ 0 };
	if (!rd_u8(rd, &n->protocol) || !rd_u8(rd, &n->spi_size) || !rd_u16(rd, &n->type))
		return pctx_syntax(c);
	if (n->spi_size > 8)
		return pctx_cannot_process(c, IKEV2_PAYLOAD_NOTIFY);
	if (!rd_bytes(rd, n->spi, n->spi_size)) {
		pctx_log(c, LOG_PAYLOAD_SHORT, rd->len + 4, (size_t)8 + n->spi_size);
		return pctx_syntax(c);
	}
	rd_chunk(rd, rd_left(rd), &n->data);
	return payload_notify_verify(c, n);
}

static bool data_ok(const struct payload_notify *n)
{
	size_t len = n->data.len;
	switch (n->type) {
	case IKEV2_N_NAT_DETECTION_SOURCE_IP:
	case IKEV2_N_NAT_DETECTION_DESTINATION_IP:
		return len == 20;                   /* a SHA-1 digest */
	case IKEV2_N_COOKIE:
		return len >= 1 && len <= 64;
	case IKEV2_N_INVALID_KE_PAYLOAD:
		return len == 2;                    /* the group we want */
	case IKEV2_N_REKEY_SA:
		return n->spi_size == 4;
	case IKEV2_N_SIGNATURE_HASH_ALGORITHMS:
		return len >= 2 && len % 2 == 0;
	case IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED:
		return len == 0;
	default:
		return true;
	}
}

int payload_notify_verify(struct pctx *c, const struct payload_notify *n)
{
	if (n->type == 0 || n->spi_size > 8 || !data_ok(n))
		return pctx_cannot_process(c, IKEV2_PAYLOAD_NOTIFY);
	return 0;
}

int payload_notify_encode(struct wr *w, const struct payload_notify *n)
{
	if (n->spi_size > 8)
		return -RTX_EINVAL;
	wr_u8(w, n->protocol);
	wr_u8(w, n->spi_size);
	wr_u16(w, n->type);
	wr_bytes(w, n->spi, n->spi_size);
	wr_chunk(w, n->data);
	return w->err;
}
