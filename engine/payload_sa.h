/* Security Association payload (RFC 7296 3.3): proposals of transforms
 * with their attributes. Arrays come from the decode arena. */
#ifndef RTX_PAYLOAD_SA_H
#define RTX_PAYLOAD_SA_H

#include "engine/wire.h"

#define SA_MAX_ATTRS 4

struct sa_attr {
	uint16_t type;         /* without the AF bit */
	bool tv;               /* TV format: value in `value`; TLV: in `data` */
	uint16_t value;
	struct chunk data;
};

struct sa_transform {
	uint8_t type;          /* IKEV2_TRANSFORM_* */
	uint16_t id;
	size_t nattrs;
	struct sa_attr attrs[SA_MAX_ATTRS];
};

struct sa_proposal {
	uint8_t num;
	uint8_t protocol;      /* IKEV2_PROTO_* */
	uint8_t spi_size;      /* 0, 4 or 8 */
	uint8_t spi[8];
	size_t ntransforms;
	struct sa_transform *transforms;
};

struct payload_sa {
	size_t nproposals;
	struct sa_proposal *proposals;
};

PAYLOAD_CODEC(sa, struct payload_sa);

/* The key length attribute of a transform, or 0 if it has none. */
uint16_t sa_transform_keylen(const struct sa_transform *t);

#endif
