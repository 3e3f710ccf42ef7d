#include "engine/transport.h"

#include <stdio.h>
#include <string.h>

bool endpoint_equal(const struct endpoint *a, const struct endpoint *b)
{
	return a->port == b->port && ip_addr_equal(&a->addr, &b->addr);
}

const char *endpoint_str(const struct endpoint *e, char *buf, size_t len)
{
	char a[48];
	snprintf(buf, len, "%s[%u]", ip_addr_str(&e->addr, a, sizeof(a)), e->port);
	return buf;
}

size_t transport_frame(uint16_t local_port, const uint8_t *msg, size_t len,
		       uint8_t *out, size_t cap)
{
	size_t hdr = local_port == IKE_PORT ? 0 : 4;
	if (len + hdr > cap)
		return 0;
	memset(out, 0, hdr);
	memcpy(out + hdr, msg, len);
	return len + hdr;
}

bool transport_unframe(uint16_t local_port, const uint8_t *dgram, size_t dlen,
		       const uint8_t **msg, size_t *len)
{
	if (local_port == IKE_PORT) {
		*msg = dgram;
		*len = dlen;
		return dlen > 0;
	}
	/* RFC 3948: a lone 0xff is a NAT keepalive, a non-zero first word is
	 * an ESP SPI (the kernel's business), four zero bytes mark IKE. */
	static const uint8_t marker[4];
	if (dlen <= 4 || memcmp(dgram, marker, 4) != 0)
		return false;
	*msg = dgram + 4;
	*len = dlen - 4;
	return true;
}
