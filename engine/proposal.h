/* SA payload proposals (RFC 7296 3.3) as a Yamaha router builds them, and
 * the responder's choice among what a peer offers.
 *
 * Initiator: with `ipsec ike proposal-limitation off` one proposal listing
 * every supported transform in Yamaha's preference order, except that the
 * configured algorithms come first of their type (an AEAD cipher's
 * proposal first); with `on` only the configured ones.
 * Responder: with `on` only the configured algorithms; with `off` anything
 * the crypto library can run (a superset of what an RTX knows, so common
 * strongSwan proposals with GCM, ChaCha20, ECP, X25519 work), preferring
 * the configured algorithm of each type when offered and otherwise the
 * strongest (alg->strength). The reference (1.16, 1.19) says an RTX
 * responder picks the strongest; rtxsh prefers what the administrator
 * configured so that two routers configured alike agree on exactly it
 * (issue 14), and falls back to the reference's rule. */
#ifndef RTX_PROPOSAL_H
#define RTX_PROPOSAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/payload.h"

struct alg;
struct crypto_lib;
struct gateway_config;
struct policy_config;
struct rtx_model;

#define PROPOSAL_MAX_TRANSFORMS 24

/* Our SA payload, owning its transforms. With proposal-limitation off a
 * second proposal carries the combined-mode (AEAD) ciphers, which may not
 * share a proposal with integrity algorithms (RFC 5282 section 8): the
 * first stays the list a Yamaha router sends. */
struct proposal_offer {
	struct sa_proposal props[2];
	size_t nprops;
	struct sa_transform tr[PROPOSAL_MAX_TRANSFORMS];
	struct sa_transform tr_aead[PROPOSAL_MAX_TRANSFORMS];
};

/* The SA payload body that carries an offer. */
static inline struct payload_sa proposal_offer_sa(struct proposal_offer *o)
{
	return (struct payload_sa){ o->nprops, o->props };
}

/* An offer of exactly proposal p (tests replace our proposals this way);
 * -RTX_ERANGE when it has too many transforms. */
int proposal_offer_copy(struct proposal_offer *o, const struct sa_proposal *p);
/* Puts the same SPI (4 bytes for ESP, 8 for IKE) into every proposal. */
void proposal_offer_spi(struct proposal_offer *o, const uint8_t *spi, uint8_t size);

/* What was agreed: one transform of each type (NULL when absent). */
struct proposal_choice {
	uint8_t num;
	uint8_t protocol;
	const struct alg *encr, *integ, *prf, *dh;
	bool esn;
	uint8_t spi_size;
	uint8_t spi[8];
};

/* Restricts a responder's choice (NULL fields: anything supported). */
struct proposal_limit {
	const struct alg *encr, *integ, *prf;
	uint16_t dh;                 /* IKEV2_DH_*, 0: any */
};

/* IKE proposal of gateway g with the single DH group `group`. */
int proposal_ike(const struct gateway_config *g, const struct rtx_model *model,
		 struct crypto_lib *lib, uint16_t group, struct proposal_offer *out);
/* ESP proposal for policy p of gateway g, carrying our inbound SPI. */
int proposal_esp(const struct gateway_config *g, const struct policy_config *p,
		 const struct rtx_model *model, struct crypto_lib *lib,
		 uint32_t spi, struct proposal_offer *out);

/* The limits `proposal-limitation on` sets for the IKE SA / for ESP. */
void proposal_limit_ike(const struct gateway_config *g, struct proposal_limit *out);
void proposal_limit_esp(const struct policy_config *p, struct proposal_limit *out);

/* Responder: the strongest acceptable proposal of protocol `protocol`.
 * -RTX_ENOPROP when none fits. */
int proposal_select(const struct payload_sa *sa, uint8_t protocol,
		    const struct proposal_limit *lim, struct crypto_lib *lib,
		    struct proposal_choice *out);
/* The same with a preference: a transform equal to pref's beats a
 * stronger one, and a proposal with more preferred transforms wins. */
int proposal_select_pref(const struct payload_sa *sa, uint8_t protocol,
			 const struct proposal_limit *lim, const struct proposal_limit *pref,
			 struct crypto_lib *lib, struct proposal_choice *out);
/* Responder choice under gateway g's configuration: limited to it with
 * proposal-limitation on, preferring it with off (g NULL: strongest). For
 * the IKE SA the DH group is left to the KE payload. */
int proposal_select_ike(const struct payload_sa *sa, const struct gateway_config *g,
			struct crypto_lib *lib, struct proposal_choice *out);
int proposal_select_esp(const struct payload_sa *sa, const struct gateway_config *g,
			const struct policy_config *p, struct crypto_lib *lib,
			struct proposal_choice *out);
/* Initiator: the responder's answer must be one proposal with one
 * transform of each type, all taken from the proposal we offered. */
int proposal_accept(const struct payload_sa *answer, const struct proposal_offer *offered,
		    struct crypto_lib *lib, struct proposal_choice *out);
/* The single proposal a responder sends back for its choice. */
void proposal_from_choice(const struct proposal_choice *c, struct proposal_offer *out);
/* Whether a proposal lists DH group `group`. */
bool proposal_has_group(const struct sa_proposal *p, uint16_t group);

/* The RTX's spelling for show: "AES256-CBC, SHA-256, MODP 2048bit" for an
 * IKE SA, "AES-CBC (for Auth.: HMAC-SHA)" for ESP (c->protocol). */
void proposal_text(const struct proposal_choice *c, char *buf, size_t len);

#endif
