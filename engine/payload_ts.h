/* Traffic Selector payloads TSi and TSr (RFC 7296 3.13). */
#ifndef RTX_PAYLOAD_TS_H
#define RTX_PAYLOAD_TS_H

#include "engine/wire.h"

struct ts_selector {
	uint8_t type;          /* IKEV2_TS_IPV4/IPV6_ADDR_RANGE */
	uint8_t ip_proto;
	uint16_t start_port, end_port;
	uint8_t start[16], end[16];  /* 4 or 16 bytes used */
};

struct payload_ts {
	size_t nts;
	struct ts_selector *ts;
};

PAYLOAD_CODEC(ts, struct payload_ts);

#endif
