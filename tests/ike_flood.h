/* A cookie-echoing IKE_SA_INIT flood over the in-memory network, for the
 * half-open limit test and its benchmark: hosts at n addresses send copies
 * of a real IKE_SA_INIT request (a template), each with its own initiator
 * SPI and nonce, and answer every COOKIE with the request again carrying
 * it (RFC 7296 2.6), as an attacker that sees its replies does. Responses
 * that create state are counted and otherwise ignored: the SAs stay
 * half-open at the responder. */
#ifndef RTX_TESTS_IKE_FLOOD_H
#define RTX_TESTS_IKE_FLOOD_H

#include <stddef.h>
#include <stdint.h>

#include "base/ip_addr.h"
#include "engine/memnet.h"

struct ike_flood;

/* Hosts 203.0.113.0/24 and on (n_hosts of them, at most 4096) aimed at
 * target:port; tmpl is an IKE_SA_INIT request without a cookie. */
struct ike_flood *ike_flood_new(struct memnet *net, const struct ip_addr *target,
				uint16_t port, const uint8_t *tmpl, size_t len,
				unsigned n_hosts);
void ike_flood_free(struct ike_flood *f);
/* Sends count new requests, host after host. */
void ike_flood_send(struct ike_flood *f, unsigned count);

struct ike_flood_stats {
	uint64_t sent;          /* first requests */
	uint64_t cookies;       /* COOKIE answers received (and echoed) */
	uint64_t responses;     /* IKE_SA_INIT responses that made state */
	uint64_t other;         /* anything else received */
};
void ike_flood_stats(const struct ike_flood *f, struct ike_flood_stats *out);

#endif
