/* Thin wrappers over OpenSSL 3 EVP for the primitives IKEv2 needs: block
 * ciphers in CBC without padding, AEAD (GCM, ChaCha20-Poly1305), HMAC and
 * truncated integrity. Every call takes a struct crypto_lib, which owns the
 * OpenSSL library context (default + legacy providers, for single DES) and
 * caches fetched algorithms; one per router, no global state of ours.
 * Passing NULL uses OpenSSL's default context, where DES is unavailable. */
#ifndef RTX_CRYPTO_H
#define RTX_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct alg;
struct crypto_lib;
typedef struct ossl_lib_ctx_st OSSL_LIB_CTX;

/* A piece of a message fed to a MAC or PRF without concatenating it first. */
struct crypto_chunk {
	const uint8_t *p;
	size_t len;
};

/* Creates the library context and loads the default provider (required)
 * and the legacy provider (optional: without it DES is reported as
 * unsupported, see crypto_lib_supports). */
int crypto_lib_new(struct crypto_lib **out);
void crypto_lib_free(struct crypto_lib *lib);
/* The OpenSSL library context (NULL for the default one). */
OSSL_LIB_CTX *crypto_lib_ctx(const struct crypto_lib *lib);
/* Whether this library can run the algorithm (e.g. DES needs legacy). */
bool crypto_lib_supports(const struct crypto_lib *lib, const struct alg *a);
/* Whether the legacy provider was loaded. */
bool crypto_lib_has_legacy(const struct crypto_lib *lib);

/* CBC encryption/decryption with the caller doing IKE/ESP padding: len
 * must be a multiple of the block length. key is alg->key_len bytes, iv is
 * alg->iv_len bytes. out may equal in. */
int crypto_cbc(struct crypto_lib *lib, const struct alg *encr, bool encrypt,
	       const uint8_t *key, const uint8_t *iv,
	       const uint8_t *in, size_t len, uint8_t *out);

/* AEAD per RFC 5282 / RFC 7634: key is alg->key_len bytes, the last
 * salt_len of them the salt; nonce = salt | iv (iv is alg->iv_len = 8
 * bytes). The tag is alg->icv_len bytes. open returns -RTX_EAUTH when the
 * tag does not verify (and leaves out unspecified, caller must discard). */
int crypto_aead_seal(struct crypto_lib *lib, const struct alg *encr,
		     const uint8_t *key, const uint8_t *iv,
		     const struct crypto_chunk *aad, size_t naad,
		     const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag);
int crypto_aead_open(struct crypto_lib *lib, const struct alg *encr,
		     const uint8_t *key, const uint8_t *iv,
		     const struct crypto_chunk *aad, size_t naad,
		     const uint8_t *in, size_t len, uint8_t *out,
		     const uint8_t *tag);

/* SHA-1 (20 bytes into out) and SHA-256 (32) of in, with digests the
 * library fetched once (a NULL lib fetches them each time). 0 or
 * -RTX_ECRYPTO. */
int crypto_sha1(struct crypto_lib *lib, const void *in, size_t len, uint8_t *out);
int crypto_sha256(struct crypto_lib *lib, const void *in, size_t len, uint8_t *out);

/* HMAC with the digest named by a PRF or INTEG entry (alg->ossl): writes
 * the full alg->out_len bytes. Any key length. */
int crypto_hmac(struct crypto_lib *lib, const struct alg *a,
		const uint8_t *key, size_t key_len,
		const struct crypto_chunk *in, size_t n, uint8_t *out);

/* One HMAC key for several MACs (prf+): keyed once, each crypto_mac then
 * starts from the keyed state instead of keying again. */
struct crypto_mac;
int crypto_mac_new(struct crypto_lib *lib, const struct alg *a, const uint8_t *key,
		   size_t key_len, struct crypto_mac **out);
/* alg->out_len bytes into out. */
int crypto_mac(struct crypto_mac *m, const struct crypto_chunk *in, size_t n, uint8_t *out);
void crypto_mac_free(struct crypto_mac *m);

/* Integrity: HMAC truncated to integ->icv_len bytes into icv. */
int crypto_integ(struct crypto_lib *lib, const struct alg *integ,
		 const uint8_t *key, const struct crypto_chunk *in, size_t n,
		 uint8_t *icv);
/* Recomputes the ICV and compares in constant time: 0 or -RTX_EAUTH. */
int crypto_integ_verify(struct crypto_lib *lib, const struct alg *integ,
			const uint8_t *key, const struct crypto_chunk *in,
			size_t n, const uint8_t *icv);

/* Random bytes from the library's DRBG (RAND_bytes_ex). */
int crypto_random(struct crypto_lib *lib, uint8_t *buf, size_t len);

/* Wipes and frees a heap buffer holding key material (NULL is fine). */
void crypto_free_secret(void *p, size_t len);

#endif
