/* Certificate and Certificate Request payloads (RFC 7296 3.6, 3.7): an
 * encoding octet and opaque data (a certificate, or a list of SHA-1 hashes
 * of CA public keys for CERTREQ). */
#include "engine/payload_cert.h"

#include "base/err.h"
#include "engine/iana.h"

int payload_cert_decode(struct pctx *c, struct rd *rd, struct payload_cert *ct)
{
	*ct = (struct payload_cert){ 0 };
	if (!rd_u8(rd, &ct->encoding))
		return pctx_syntax(c);
	rd_chunk(rd, rd_left(rd), &ct->data);
	return payload_cert_verify(c, ct);
}

int payload_cert_verify(struct pctx *c, const struct payload_cert *ct)
{
	(void)c;
	(void)ct;
	/* An empty CERTREQ is legal (RFC 7296 3.7: "any CA"); the content of
	 * a CERT is judged by the signature code that parses it. */
	return 0;
}

int payload_cert_encode(struct wr *w, const struct payload_cert *ct)
{
	wr_u8(w, ct->encoding);
	wr_chunk(w, ct->data);
	return w->err;
}
