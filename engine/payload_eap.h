/* EAP payload (RFC 7296 3.16): one EAP message (RFC 3748 4). */
#ifndef RTX_PAYLOAD_EAP_H
#define RTX_PAYLOAD_EAP_H

#include "engine/wire.h"

struct payload_eap {
	uint8_t code;          /* EAP_REQUEST ... EAP_FAILURE */
	uint8_t id;
	uint8_t eap_type;      /* requests and responses only */
	struct chunk data;     /* type data after the type octet */
};

PAYLOAD_CODEC(eap, struct payload_eap);

#endif
