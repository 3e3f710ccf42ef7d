/* Vendor ID payload (RFC 7296 3.12). */
#ifndef RTX_PAYLOAD_VENDOR_H
#define RTX_PAYLOAD_VENDOR_H

#include "engine/wire.h"

struct payload_vendor {
	struct chunk data;
};

PAYLOAD_CODEC(vendor, struct payload_vendor);

#endif
