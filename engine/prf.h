/* The negotiated PRF and prf+ of RFC 7296 2.13. Inputs are passed as
 * chunks so "Ni | Nr | SPIi | SPIr" needs no temporary concatenation. */
#ifndef RTX_PRF_H
#define RTX_PRF_H

#include <stddef.h>
#include <stdint.h>

#include "engine/crypto.h"

struct alg;

/* prf(key, in...) into out, prf->out_len bytes. HMAC PRFs take any key
 * length, so SKEYSEED's Ni | Nr is used whole. */
int prf(struct crypto_lib *lib, const struct alg *prf,
	const uint8_t *key, size_t key_len,
	const struct crypto_chunk *in, size_t n, uint8_t *out);

/* prf+(key, S) = T1 | T2 | ... with Tk = prf(K, Tk-1 | S | k): writes
 * exactly out_len bytes. -RTX_ERANGE beyond 255 * prf->out_len bytes. */
int prf_plus(struct crypto_lib *lib, const struct alg *prf,
	     const uint8_t *key, size_t key_len,
	     const struct crypto_chunk *seed, size_t n,
	     uint8_t *out, size_t out_len);

#endif
