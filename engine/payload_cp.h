/* Configuration payload (RFC 7296 3.15). */
#ifndef RTX_PAYLOAD_CP_H
#define RTX_PAYLOAD_CP_H

#include "engine/wire.h"

struct cp_attr {
	uint16_t type;         /* 15 bits */
	struct chunk value;
};

struct payload_cp {
	uint8_t cfg_type;      /* IKEV2_CFG_* */
	size_t nattrs;
	struct cp_attr *attrs;
};

PAYLOAD_CODEC(cp, struct payload_cp);

#endif
