/* Delete payload (RFC 7296 3.11). */
#ifndef RTX_PAYLOAD_DELETE_H
#define RTX_PAYLOAD_DELETE_H

#include "engine/wire.h"

struct payload_delete {
	uint8_t protocol;
	uint8_t spi_size;
	uint16_t nspis;
	struct chunk spis;     /* nspis * spi_size bytes */
};

PAYLOAD_CODEC(delete, struct payload_delete);

/* SPI i of a Delete payload (4-byte SPIs) in host order. */
uint32_t payload_delete_spi(const struct payload_delete *d, size_t i);

#endif
