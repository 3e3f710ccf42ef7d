/* Certificate and Certificate Request payloads (RFC 7296 3.6, 3.7). */
#ifndef RTX_PAYLOAD_CERT_H
#define RTX_PAYLOAD_CERT_H

#include "engine/wire.h"

struct payload_cert {
	uint8_t encoding;
	struct chunk data;
};

PAYLOAD_CODEC(cert, struct payload_cert);

#endif
