/* Key Exchange payload (RFC 7296 3.4). */
#ifndef RTX_PAYLOAD_KE_H
#define RTX_PAYLOAD_KE_H

#include "engine/wire.h"

struct payload_ke {
	uint16_t group;
	struct chunk data;
};

PAYLOAD_CODEC(ke, struct payload_ke);

#endif
