/* Authentication payload (RFC 7296 3.8). */
#ifndef RTX_PAYLOAD_AUTH_H
#define RTX_PAYLOAD_AUTH_H

#include "engine/wire.h"

struct payload_auth {
	uint8_t method;
	struct chunk data;
};

PAYLOAD_CODEC(auth, struct payload_auth);

#endif
