#include <string.h>

#include <openssl/crypto.h>

#include "engine/alg.h"
#include "engine/crypto.h"
#include "base/err.h"
#include "engine/sk.h"

/* An AEAD cipher carries no separate INTEG key, a CBC cipher needs one. */
static bool keys_ok(const struct sk_keys *k)
{
	if (!k || !k->encr || k->encr->type != ALG_ENCR || !k->ek ||
	    k->encr->block_len == 0)
		return false;
	if (k->encr->aead)
		return k->integ == NULL;
	return k->integ && k->integ->type == ALG_INTEG && k->ak;
}

static size_t icv_len(const struct sk_keys *k)
{
	return k->encr->aead ? k->encr->icv_len : k->integ->icv_len;
}

/* Ciphertext length for plain_len: plaintext, padding and the pad length
 * octet, rounded up to the cipher's block. */
static size_t padded_len(const struct sk_keys *k, size_t plain_len)
{
	size_t b = k->encr->block_len;

	return (plain_len + 1 + b - 1) / b * b;
}

int sk_rng_openssl(void *arg, uint8_t *buf, size_t len)
{
	return crypto_random(arg, buf, len);
}

size_t sk_body_len(const struct sk_keys *k, size_t plain_len)
{
	if (!keys_ok(k) || plain_len > SIZE_MAX / 2)
		return 0;
	return k->encr->iv_len + padded_len(k, plain_len) + icv_len(k);
}

size_t sk_min_body_len(const struct sk_keys *k)
{
	return keys_ok(k) ? k->encr->iv_len + k->encr->block_len + icv_len(k)
			  : 0;
}

int sk_protect(struct crypto_lib *lib, const struct sk_keys *k,
	       sk_rng_fn rng, void *rng_arg,
	       const uint8_t *aad, size_t aad_len,
	       const uint8_t *plain, size_t plain_len,
	       uint8_t *out, size_t out_cap, size_t *out_len)
{
	size_t body = sk_body_len(k, plain_len), ct_len, pad;
	uint8_t *iv = out, *ct, *icv;
	int rc;

	*out_len = 0;
	if (body == 0 || !rng || !out || out_cap < body || (!aad && aad_len) ||
	    (!plain && plain_len))
		return -RTX_EINVAL;
	ct = out + k->encr->iv_len;
	ct_len = padded_len(k, plain_len);
	icv = ct + ct_len;
	pad = ct_len - plain_len - 1;
	/* Move the plaintext first: callers may encrypt in place at ct. */
	if (plain_len)
		memmove(ct, plain, plain_len);
	memset(ct + plain_len, 0, pad);
	ct[ct_len - 1] = (uint8_t)pad;
	rc = rng(rng_arg, iv, k->encr->iv_len);
	if (rc)
		goto out;
	if (k->encr->aead) {
		const struct crypto_chunk a[] = { { aad, aad_len } };

		rc = crypto_aead_seal(lib, k->encr, k->ek, iv, a, 1, ct, ct_len,
				      ct, icv);
	} else {
		const struct crypto_chunk a[] = {
			{ aad, aad_len }, { out, k->encr->iv_len + ct_len },
		};

		rc = crypto_cbc(lib, k->encr, true, k->ek, iv, ct, ct_len, ct);
		if (rc == 0)
			rc = crypto_integ(lib, k->integ, k->ak, a, 2, icv);
	}
out:
	if (rc) {
		OPENSSL_cleanse(out, body);
		return rc;
	}
	*out_len = body;
	return 0;
}

/* Strips padding: the last octet counts the padding before it. Its
 * content is not checked (RFC 7296 3.14: the receiver MUST NOT). */
static int unpad(uint8_t *plain, size_t ct_len, size_t *plain_len)
{
	size_t pad = plain[ct_len - 1];

	if (pad + 1 > ct_len)
		return -RTX_EPARSE;
	*plain_len = ct_len - pad - 1;
	return 0;
}

int sk_unprotect(struct crypto_lib *lib, const struct sk_keys *k,
		 const uint8_t *aad, size_t aad_len,
		 const uint8_t *body, size_t body_len,
		 uint8_t *plain, size_t plain_cap, size_t *plain_len)
{
	const uint8_t *iv = body, *ct, *icv;
	size_t ct_len;
	int rc;

	*plain_len = 0;
	if (!keys_ok(k) || !plain || (!aad && aad_len) || !body)
		return -RTX_EINVAL;
	if (body_len < sk_min_body_len(k))
		return -RTX_EPARSE;
	ct = body + k->encr->iv_len;
	ct_len = body_len - k->encr->iv_len - icv_len(k);
	icv = ct + ct_len;
	if (ct_len % k->encr->block_len)
		return -RTX_EPARSE;
	if (plain_cap < ct_len)
		return -RTX_EINVAL;
	if (k->encr->aead) {
		const struct crypto_chunk a[] = { { aad, aad_len } };

		rc = crypto_aead_open(lib, k->encr, k->ek, iv, a, 1, ct, ct_len,
				      plain, icv);
	} else {
		const struct crypto_chunk a[] = {
			{ aad, aad_len }, { body, k->encr->iv_len + ct_len },
		};

		/* Authenticate before decrypting: no padding oracle. */
		rc = crypto_integ_verify(lib, k->integ, k->ak, a, 2, icv);
		if (rc == 0)
			rc = crypto_cbc(lib, k->encr, false, k->ek, iv, ct, ct_len,
					plain);
	}
	if (rc == 0)
		rc = unpad(plain, ct_len, plain_len);
	if (rc)
		OPENSSL_cleanse(plain, ct_len);
	return rc;
}
