/* Nonce payload (RFC 7296 3.9). */
#ifndef RTX_PAYLOAD_NONCE_H
#define RTX_PAYLOAD_NONCE_H

#include "engine/wire.h"

struct payload_nonce {
	struct chunk data;
};

PAYLOAD_CODEC(nonce, struct payload_nonce);

#endif
