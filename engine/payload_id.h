/* Identification payloads IDi and IDr (RFC 7296 3.5). */
#ifndef RTX_PAYLOAD_ID_H
#define RTX_PAYLOAD_ID_H

#include "engine/wire.h"

struct payload_id {
	uint8_t id_type;
	uint8_t reserved[3];   /* kept: AUTH signs the body as received */
	struct chunk data;
};

PAYLOAD_CODEC(id, struct payload_id);

#endif
