/* IKEv2 key derivation (RFC 7296 2.13-2.18, 2.15): SKEYSEED and the seven
 * SK_* keys, the rekeyed SKEYSEED, CHILD SA KEYMAT, and the octets the AUTH
 * payload signs or MACs (PSK and EAP MSK). Key material lives in fixed
 * arrays inside the structs so keys_*_wipe() can clear it all. */
#ifndef RTX_KEYS_H
#define RTX_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/alg.h"
#include "engine/crypto.h"

/* The keys an IKE SA uses for its whole life. Lengths follow the
 * negotiated transforms: d = PRF key length, ai/ar = integrity key length
 * (0 with AEAD), ei/er = cipher key length including the AEAD salt. */
struct ike_keys {
	const struct alg *prf, *encr, *integ;   /* integ NULL for AEAD */
	uint8_t sk_d[ALG_MAX_KEY_LEN];
	uint8_t sk_ai[ALG_MAX_KEY_LEN], sk_ar[ALG_MAX_KEY_LEN];
	uint8_t sk_ei[ALG_MAX_ENCR_KEY_LEN], sk_er[ALG_MAX_ENCR_KEY_LEN];
	size_t d_len, a_len, e_len;
};

/* The rest of a derivation: SK_pi/SK_pr sign nothing after IKE_AUTH and
 * SKEYSEED is only dumped, so an IKE SA holds them apart and lets them go
 * once it is set up (ike_sa_setup_done). pi/pr = PRF key length. */
struct ike_auth_keys {
	uint8_t skeyseed[ALG_MAX_PRF_LEN];
	uint8_t sk_pi[ALG_MAX_KEY_LEN], sk_pr[ALG_MAX_KEY_LEN];
	size_t skeyseed_len, p_len;
};

/* Keys of one CHILD SA (ESP), both directions: i = initiator to responder. */
struct child_keys {
	const struct alg *encr, *integ;        /* integ NULL for AEAD */
	uint8_t ei[ALG_MAX_KEY_LEN], ai[ALG_MAX_KEY_LEN];
	uint8_t er[ALG_MAX_KEY_LEN], ar[ALG_MAX_KEY_LEN];
	size_t e_len, a_len;
};

/* What a derivation reads: the transforms of the SA being keyed, the
 * nonces of its exchange, the Diffie-Hellman shared secret g^ir and the
 * SPIs of a new IKE SA. integ must be NULL when encr is AEAD, and non-NULL
 * otherwise (-RTX_EINVAL). */
struct keys_input {
	const struct alg *prf, *encr, *integ;
	struct crypto_chunk ni, nr;
	struct crypto_chunk gir;   /* keys_child: { NULL, 0 } without PFS */
	uint64_t spi_i, spi_r;     /* host order; IKE SAs only */
};

/* SKEYSEED = prf(Ni | Nr, g^ir), then {SK_d, SK_ai, SK_ar, SK_ei, SK_er,
 * SK_pi, SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr). */
int keys_ike_sa_init(struct crypto_lib *lib, const struct keys_input *in,
		     struct ike_keys *out, struct ike_auth_keys *auth);

/* IKE SA rekey (RFC 7296 2.18): SKEYSEED = prf_old(SK_d(old), g^ir(new) |
 * Ni | Nr) with the OLD SA's PRF, then SK_* with the NEW SA's transforms
 * and SPIs (in). old may not alias out. */
int keys_ike_sa_rekey(struct crypto_lib *lib, const struct ike_keys *old,
		      const struct keys_input *in, struct ike_keys *out,
		      struct ike_auth_keys *auth);

/* CHILD SA KEYMAT = prf+(SK_d, [g^ir(new) |] Ni | Nr) (RFC 7296 2.17)
 * with the IKE SA's PRF (in->prf and the SPIs are not read), split in
 * RFC order: encryption then integrity key of the initiator-to-responder
 * SA, then the same for responder-to-initiator. */
int keys_child(struct crypto_lib *lib, const struct ike_keys *ike,
	       const struct keys_input *in, struct child_keys *out);

/* What AUTH covers (RFC 7296 2.15): the sender's first message, the peer's
 * nonce, and prf(SK_px, IDx') where IDx' is the ID payload body (type,
 * reserved, data). */
struct keys_octets {
	const struct alg *prf;
	struct crypto_chunk sk_p, msg, nonce, id_body;
};

/* The octets as one buffer: allocates *out (prf->out_len + msg.len +
 * nonce.len bytes); free with free(). */
int keys_signed_octets(struct crypto_lib *lib, const struct keys_octets *o,
		       uint8_t **out, size_t *out_len);

/* Shared-key AUTH = prf(prf(secret, "Key Pad for IKEv2"), octets): secret
 * is the PSK or the EAP MSK. Writes prf->out_len bytes. */
int keys_psk_auth(struct crypto_lib *lib, const struct alg *prf,
		  const uint8_t *secret, size_t secret_len,
		  const uint8_t *octets, size_t octets_len, uint8_t *auth);

/* The same without the intermediate buffer: feeds the octets as chunks. */
int keys_psk_auth_parts(struct crypto_lib *lib, const struct keys_octets *o,
			const uint8_t *secret, size_t secret_len, uint8_t *auth);

void keys_ike_wipe(struct ike_keys *k);
void keys_ike_auth_wipe(struct ike_auth_keys *k);
void keys_child_wipe(struct child_keys *k);

#endif
