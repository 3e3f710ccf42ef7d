/* Pre-shared key authentication (RFC 7296 2.15): the AUTH payload of
 * either side of an IKE SA, with the key-info dump of the computation. */
#ifndef RTX_AUTH_PSK_H
#define RTX_AUTH_PSK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/alg.h"
#include "engine/payload.h"

struct ike_sa;

/* The octets side `initiator_side` of sa signs or MACs (RFC 7296 2.15:
 * its IKE_SA_INIT message, the peer's nonce, prf(SK_px, ID body)),
 * malloc'ed. Shared by PSK and signature authentication. */
int auth_signed_octets(struct ike_sa *sa, bool initiator_side, struct chunk id_body,
		       uint8_t **octets, size_t *len);
/* AUTH data of side `initiator_side` of sa (SK_pi over the IKE_SA_INIT
 * request and Nr, or SK_pr over the response and Ni) for ID body id.
 * out holds ALG_MAX_PRF_LEN bytes; *out_len gets the PRF length. */
int auth_psk_compute(struct ike_sa *sa, bool initiator_side, const uint8_t *psk,
		     size_t psk_len, struct chunk id_body, uint8_t *out, size_t *out_len,
		     const char *sub);
/* Checks the peer's AUTH payload: -RTX_EAUTH after logging "unmatched auth
 * method" or "unmatched auth data". */
int auth_psk_verify(struct ike_sa *sa, const uint8_t *psk, size_t psk_len,
		    struct chunk id_body, const struct payload_auth *auth, const char *sub);

#endif
