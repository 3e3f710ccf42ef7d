#include <string.h>

#include <openssl/crypto.h>

#include "engine/alg.h"
#include "base/err.h"
#include "engine/prf.h"

/* prf+ feeds T(k-1) | S... | k: room for the two extra chunks. */
#define PRF_PLUS_MAX_SEED 14

int prf(struct crypto_lib *lib, const struct alg *prf,
	const uint8_t *key, size_t key_len,
	const struct crypto_chunk *in, size_t n, uint8_t *out)
{
	if (!prf || prf->type != ALG_PRF)
		return -RTX_EINVAL;
	return crypto_hmac(lib, prf, key, key_len, in, n, out);
}

int prf_plus(struct crypto_lib *lib, const struct alg *prf_alg,
	     const uint8_t *key, size_t key_len,
	     const struct crypto_chunk *seed, size_t n,
	     uint8_t *out, size_t out_len)
{
	struct crypto_chunk in[PRF_PLUS_MAX_SEED + 2];
	uint8_t t[ALG_MAX_PRF_LEN];
	uint8_t counter = 1;
	size_t done = 0, tlen = 0;
	struct crypto_mac *m = NULL;
	int rc = 0;

	if (!prf_alg || prf_alg->type != ALG_PRF || n > PRF_PLUS_MAX_SEED ||
	    prf_alg->out_len > sizeof(t))
		return -RTX_EINVAL;
	/* The counter is one octet: 255 blocks is all prf+ can produce. */
	if (out_len > 255u * prf_alg->out_len)
		return -RTX_ERANGE;
	/* every block has the same key: keyed once */
	rc = crypto_mac_new(lib, prf_alg, key, key_len, &m);
	while (!rc && done < out_len) {
		size_t k = 0, take;

		/* T1 has no previous block: the first chunk is empty. */
		in[k++] = (struct crypto_chunk){ t, tlen };
		for (size_t i = 0; i < n; i++)
			in[k++] = seed[i];
		in[k++] = (struct crypto_chunk){ &counter, 1 };
		rc = crypto_mac(m, in, k, t);
		if (rc)
			break;
		tlen = prf_alg->out_len;
		take = out_len - done < tlen ? out_len - done : tlen;
		memcpy(out + done, t, take);
		done += take;
		counter++;
	}
	crypto_mac_free(m);
	OPENSSL_cleanse(t, sizeof(t));
	if (rc)
		OPENSSL_cleanse(out, out_len);
	return rc;
}
