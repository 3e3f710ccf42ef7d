/* Key exchange for the KE payload: MODP groups 1, 2, 5, 14-18, ECP 19-21
 * (RFC 5903 encoding) and Curve25519/Curve448 (RFC 8031). Peer public
 * values are validated as RFC 7296 2.12 / RFC 6989 require before use. */
#ifndef RTX_DH_H
#define RTX_DH_H

#include <stddef.h>
#include <stdint.h>

struct alg;
struct crypto_lib;
struct dh;

/* Generates a fresh keypair for IANA group `group`.
 * -RTX_EUNSUPP for a group not in the table. */
int dh_new(struct crypto_lib *lib, uint16_t group, struct dh **out);

/* Same, but with a fixed private key so tests (and RFC vectors) are
 * deterministic. priv is big-endian for MODP/ECP (at most the group's
 * size), raw RFC 7748 scalar bytes for Curve25519/448. */
int dh_new_with_private(struct crypto_lib *lib, uint16_t group,
			const uint8_t *priv, size_t priv_len, struct dh **out);

/* Wipes the private key and frees (NULL is fine). */
void dh_free(struct dh *dh);

const struct alg *dh_alg(const struct dh *dh);
size_t dh_public_len(const struct dh *dh);
size_t dh_secret_len(const struct dh *dh);

/* Our public value in KE payload form: MODP y left-padded to the prime
 * length, ECP x || y (no 0x04 prefix), X25519/X448 raw u-coordinate.
 * cap must be at least dh_public_len(). */
int dh_public(const struct dh *dh, uint8_t *out, size_t cap);

/* Checks a peer public value for the group without deriving:
 * -RTX_EPARSE for wrong length, -RTX_ERANGE for a value out of range
 * (MODP: not 1 < y < p-1, all RFC 6989 asks of a safe prime), not on the
 * curve, or of small order (X25519/X448). */
int dh_check_public(struct crypto_lib *lib, uint16_t group,
		    const uint8_t *peer, size_t peer_len);

/* Validates the peer value (as dh_check_public) and computes g^ir into
 * secret, exactly dh_secret_len() bytes with leading zeros kept (RFC 7296
 * 2.14). An all-zero X25519/X448 result is -RTX_ERANGE. The caller wipes
 * secret when done (OPENSSL_cleanse / crypto_free_secret). */
int dh_derive(struct dh *dh, const uint8_t *peer, size_t peer_len,
	      uint8_t *secret, size_t secret_len);

#endif
