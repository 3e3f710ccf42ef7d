/* Notify payload (RFC 7296 3.10). */
#ifndef RTX_PAYLOAD_NOTIFY_H
#define RTX_PAYLOAD_NOTIFY_H

#include "engine/wire.h"

struct payload_notify {
	uint8_t protocol;
	uint8_t spi_size;
	uint16_t type;
	uint8_t spi[8];
	struct chunk data;
};

PAYLOAD_CODEC(notify, struct payload_notify);

#endif
