/* SK payload protection (RFC 7296 3.14, RFC 5282 for AEAD) and, with a
 * different AAD, the SKF fragment payload (RFC 7383 2.5).
 *
 * The SK body on the wire is IV | ciphertext | ICV, where the ciphertext
 * covers plaintext | padding | pad length. The caller passes the AAD bytes
 * explicitly: the IKE header through the SK (or SKF) generic payload
 * header, already carrying the final lengths (sk_body_len() tells them).
 * For CBC+HMAC the ICV covers AAD | IV | ciphertext; for AEAD the AAD is
 * authenticated and the 16-byte tag is the ICV. */
#ifndef RTX_SK_H
#define RTX_SK_H

#include <stddef.h>
#include <stdint.h>

struct alg;
struct crypto_lib;

/* One direction's keys: e.g. SK_ei/SK_ai for what the initiator sends. */
struct sk_keys {
	const struct alg *encr;
	const struct alg *integ;     /* NULL with AEAD */
	const uint8_t *ek;           /* encr->key_len bytes (AEAD: incl. salt) */
	const uint8_t *ak;           /* integ->key_len bytes; NULL with AEAD */
};

/* Source of IVs: returns 0 or a negative rtx_err. */
typedef int (*sk_rng_fn)(void *arg, uint8_t *buf, size_t len);

/* The real IV source: RAND_bytes_ex in the crypto_lib given as arg. */
int sk_rng_openssl(void *arg, uint8_t *buf, size_t len);

/* Body length sk_protect() will write for plain_len bytes of inner
 * payloads (minimal padding); 0 for invalid keys. */
size_t sk_body_len(const struct sk_keys *k, size_t plain_len);

/* Smallest body that can be valid (IV + one block/pad byte + ICV). */
size_t sk_min_body_len(const struct sk_keys *k);

/* Encrypts plain into out = IV | ciphertext | ICV. out_cap must hold
 * sk_body_len(); *out_len receives the written length. plain may sit at
 * out + iv_len (encryption in place); any other overlap is not allowed. */
int sk_protect(struct crypto_lib *lib, const struct sk_keys *k,
	       sk_rng_fn rng, void *rng_arg,
	       const uint8_t *aad, size_t aad_len,
	       const uint8_t *plain, size_t plain_len,
	       uint8_t *out, size_t out_cap, size_t *out_len);

/* Verifies and decrypts body (IV | ciphertext | ICV) into plain (cap at
 * least body_len; plain must not overlap body). Returns -RTX_EAUTH when the ICV does not verify (the
 * codec logs "authentication is wrong"), -RTX_EPARSE when the body is
 * malformed (too short, not whole blocks, pad length too large). Nothing
 * is decrypted before the ICV has been checked for CBC+HMAC. */
int sk_unprotect(struct crypto_lib *lib, const struct sk_keys *k,
		 const uint8_t *aad, size_t aad_len,
		 const uint8_t *body, size_t body_len,
		 uint8_t *plain, size_t plain_cap, size_t *plain_len);

#endif
