#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "engine/crypto.h"
#include "base/err.h"
#include "engine/keys.h"
#include "engine/prf.h"

#define KEY_PAD "Key Pad for IKEv2"

/* AEAD ciphers carry their own integrity: an INTEG transform beside one
 * is a proposal error, and a CBC cipher without one is too. */
static int check_suite(const struct alg *prf_alg, const struct alg *encr,
		       const struct alg *integ)
{
	if (!prf_alg || prf_alg->type != ALG_PRF || !encr ||
	    encr->type != ALG_ENCR)
		return -RTX_EINVAL;
	if (encr->aead ? integ != NULL
		       : (!integ || integ->type != ALG_INTEG))
		return -RTX_EINVAL;
	return 0;
}

int keys_ike_derive(struct crypto_lib *lib, const struct alg *prf_alg,
		    const struct alg *encr, const struct alg *integ,
		    const uint8_t *skeyseed, size_t skeyseed_len,
		    const uint8_t *ni, size_t ni_len,
		    const uint8_t *nr, size_t nr_len,
		    const uint8_t spi_i[KEYS_SPI_LEN],
		    const uint8_t spi_r[KEYS_SPI_LEN], struct ike_keys *out)
{
	uint8_t km[7 * ALG_MAX_KEY_LEN], *p = km;
	size_t total;
	const struct crypto_chunk seed[] = {
		{ ni, ni_len }, { nr, nr_len },
		{ spi_i, KEYS_SPI_LEN }, { spi_r, KEYS_SPI_LEN },
	};
	int rc = check_suite(prf_alg, encr, integ);

	if (rc)
		return rc;
	if (!skeyseed || !spi_i || !spi_r || (!ni && ni_len) || (!nr && nr_len))
		return -RTX_EINVAL;
	out->prf = prf_alg;
	out->encr = encr;
	out->integ = integ;
	out->d_len = out->p_len = prf_alg->key_len;
	out->a_len = integ ? integ->key_len : 0;
	out->e_len = encr->key_len;
	total = 3 * out->d_len + 2 * out->a_len + 2 * out->e_len;
	rc = prf_plus(lib, prf_alg, skeyseed, skeyseed_len, seed, 4, km,
		      total);
	if (rc)
		goto out;
	/* RFC 7296 2.14 order: d, ai, ar, ei, er, pi, pr. */
	memcpy(out->sk_d, p, out->d_len), p += out->d_len;
	memcpy(out->sk_ai, p, out->a_len), p += out->a_len;
	memcpy(out->sk_ar, p, out->a_len), p += out->a_len;
	memcpy(out->sk_ei, p, out->e_len), p += out->e_len;
	memcpy(out->sk_er, p, out->e_len), p += out->e_len;
	memcpy(out->sk_pi, p, out->p_len), p += out->p_len;
	memcpy(out->sk_pr, p, out->p_len);
out:
	OPENSSL_cleanse(km, sizeof(km));
	return rc;
}

/* The SK_* split shared by the initial exchange and rekey, after the
 * caller has filled out->skeyseed. */
static int finish(struct crypto_lib *lib, const struct alg *prf_alg,
		  const struct alg *encr, const struct alg *integ,
		  const uint8_t *ni, size_t ni_len,
		  const uint8_t *nr, size_t nr_len,
		  const uint8_t spi_i[KEYS_SPI_LEN],
		  const uint8_t spi_r[KEYS_SPI_LEN], struct ike_keys *out)
{
	int rc = keys_ike_derive(lib, prf_alg, encr, integ, out->skeyseed,
				 out->skeyseed_len, ni, ni_len, nr, nr_len,
				 spi_i, spi_r, out);

	if (rc)
		keys_ike_wipe(out);
	return rc;
}

int keys_ike_sa_init(struct crypto_lib *lib, const struct alg *prf_alg,
		     const struct alg *encr, const struct alg *integ,
		     const uint8_t *ni, size_t ni_len,
		     const uint8_t *nr, size_t nr_len,
		     const uint8_t *gir, size_t gir_len,
		     const uint8_t spi_i[KEYS_SPI_LEN],
		     const uint8_t spi_r[KEYS_SPI_LEN], struct ike_keys *out)
{
	uint8_t key[2 * 256];
	const struct crypto_chunk in[] = { { gir, gir_len } };
	int rc = check_suite(prf_alg, encr, integ);

	memset(out, 0, sizeof(*out));
	/* RFC 7296 3.9: nonces are 16..256 octets. */
	if (rc || !ni || !nr || !gir || ni_len + nr_len > sizeof(key))
		return rc ? rc : -RTX_EINVAL;
	/* HMAC PRFs take the whole Ni | Nr as key (RFC 7296 2.14). */
	memcpy(key, ni, ni_len);
	memcpy(key + ni_len, nr, nr_len);
	rc = prf(lib, prf_alg, key, ni_len + nr_len, in, 1, out->skeyseed);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc)
		return rc;
	out->skeyseed_len = prf_alg->out_len;
	return finish(lib, prf_alg, encr, integ, ni, ni_len, nr, nr_len,
		      spi_i, spi_r, out);
}

int keys_ike_sa_rekey(struct crypto_lib *lib, const struct ike_keys *old,
		      const struct alg *prf_alg, const struct alg *encr,
		      const struct alg *integ,
		      const uint8_t *ni, size_t ni_len,
		      const uint8_t *nr, size_t nr_len,
		      const uint8_t *gir, size_t gir_len,
		      const uint8_t spi_i[KEYS_SPI_LEN],
		      const uint8_t spi_r[KEYS_SPI_LEN], struct ike_keys *out)
{
	const struct crypto_chunk in[] = {
		{ gir, gir_len }, { ni, ni_len }, { nr, nr_len },
	};
	int rc = check_suite(prf_alg, encr, integ);

	if (!old || old == out || !old->prf || !gir || !ni || !nr)
		return -RTX_EINVAL;
	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	/* The rekey exchange belongs to the old SA, so its PRF makes the
	 * new SKEYSEED (RFC 7296 2.18). */
	rc = prf(lib, old->prf, old->sk_d, old->d_len, in, 3, out->skeyseed);
	if (rc)
		return rc;
	/* Its length is the old PRF's; the new PRF (HMAC) takes any key. */
	out->skeyseed_len = old->prf->out_len;
	return finish(lib, prf_alg, encr, integ, ni, ni_len, nr, nr_len,
		      spi_i, spi_r, out);
}

int keys_child(struct crypto_lib *lib, const struct ike_keys *ike,
	       const struct alg *encr, const struct alg *integ,
	       const uint8_t *gir, size_t gir_len,
	       const uint8_t *ni, size_t ni_len,
	       const uint8_t *nr, size_t nr_len, struct child_keys *out)
{
	uint8_t km[4 * ALG_MAX_KEY_LEN], *p = km;
	struct crypto_chunk seed[3];
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!ike || !ike->prf || !encr || encr->type != ALG_ENCR || !ni || !nr ||
	    (encr->aead ? integ != NULL : (!integ || integ->type != ALG_INTEG)))
		return -RTX_EINVAL;
	if (gir && gir_len)
		seed[n++] = (struct crypto_chunk){ gir, gir_len };
	seed[n++] = (struct crypto_chunk){ ni, ni_len };
	seed[n++] = (struct crypto_chunk){ nr, nr_len };
	out->encr = encr;
	out->integ = integ;
	out->e_len = encr->key_len;
	out->a_len = integ ? integ->key_len : 0;
	rc = prf_plus(lib, ike->prf, ike->sk_d, ike->d_len, seed, n, km,
		      2 * (out->e_len + out->a_len));
	if (rc)
		goto out;
	/* RFC 7296 2.17: initiator-to-responder first; within an ESP SA the
	 * encryption key precedes the integrity key. */
	memcpy(out->ei, p, out->e_len), p += out->e_len;
	memcpy(out->ai, p, out->a_len), p += out->a_len;
	memcpy(out->er, p, out->e_len), p += out->e_len;
	memcpy(out->ar, p, out->a_len);
out:
	OPENSSL_cleanse(km, sizeof(km));
	if (rc)
		keys_child_wipe(out);
	return rc;
}

int keys_signed_octets(struct crypto_lib *lib, const struct alg *prf_alg,
		       const uint8_t *sk_p, size_t sk_p_len,
		       const uint8_t *msg, size_t msg_len,
		       const uint8_t *nonce, size_t nonce_len,
		       const uint8_t *id_body, size_t id_len,
		       uint8_t **out, size_t *out_len)
{
	const struct crypto_chunk id[] = { { id_body, id_len } };
	uint8_t *buf;
	size_t len;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (!prf_alg || prf_alg->type != ALG_PRF || !msg || !nonce ||
	    msg_len > SIZE_MAX / 2 || nonce_len > SIZE_MAX / 4)
		return -RTX_EINVAL;
	len = msg_len + nonce_len + prf_alg->out_len;
	buf = malloc(len);
	if (!buf)
		return -RTX_ENOMEM;
	memcpy(buf, msg, msg_len);
	memcpy(buf + msg_len, nonce, nonce_len);
	rc = prf(lib, prf_alg, sk_p, sk_p_len, id, 1, buf + msg_len + nonce_len);
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

static int key_pad(struct crypto_lib *lib, const struct alg *prf_alg,
		   const uint8_t *secret, size_t secret_len, uint8_t *kp)
{
	const struct crypto_chunk pad[] = {
		{ (const uint8_t *)KEY_PAD, sizeof(KEY_PAD) - 1 },
	};

	return prf(lib, prf_alg, secret, secret_len, pad, 1, kp);
}

int keys_psk_auth(struct crypto_lib *lib, const struct alg *prf_alg,
		  const uint8_t *secret, size_t secret_len,
		  const uint8_t *octets, size_t octets_len, uint8_t *auth)
{
	const struct crypto_chunk in[] = { { octets, octets_len } };
	uint8_t kp[ALG_MAX_PRF_LEN];
	int rc;

	if (!prf_alg || prf_alg->type != ALG_PRF)
		return -RTX_EINVAL;
	rc = key_pad(lib, prf_alg, secret, secret_len, kp);
	if (rc == 0)
		rc = prf(lib, prf_alg, kp, prf_alg->out_len, in, 1, auth);
	OPENSSL_cleanse(kp, sizeof(kp));
	return rc;
}

int keys_psk_auth_parts(struct crypto_lib *lib, const struct alg *prf_alg,
			const uint8_t *secret, size_t secret_len,
			const uint8_t *sk_p, size_t sk_p_len,
			const uint8_t *msg, size_t msg_len,
			const uint8_t *nonce, size_t nonce_len,
			const uint8_t *id_body, size_t id_len, uint8_t *auth)
{
	const struct crypto_chunk id[] = { { id_body, id_len } };
	uint8_t kp[ALG_MAX_PRF_LEN], mac_id[ALG_MAX_PRF_LEN];
	struct crypto_chunk in[3];
	int rc;

	if (!prf_alg || prf_alg->type != ALG_PRF)
		return -RTX_EINVAL;
	rc = prf(lib, prf_alg, sk_p, sk_p_len, id, 1, mac_id);
	if (rc == 0)
		rc = key_pad(lib, prf_alg, secret, secret_len, kp);
	if (rc == 0) {
		in[0] = (struct crypto_chunk){ msg, msg_len };
		in[1] = (struct crypto_chunk){ nonce, nonce_len };
		in[2] = (struct crypto_chunk){ mac_id, prf_alg->out_len };
		rc = prf(lib, prf_alg, kp, prf_alg->out_len, in, 3, auth);
	}
	OPENSSL_cleanse(kp, sizeof(kp));
	OPENSSL_cleanse(mac_id, sizeof(mac_id));
	return rc;
}

void keys_ike_wipe(struct ike_keys *k)
{
	if (k)
		OPENSSL_cleanse(k, sizeof(*k));
}

void keys_child_wipe(struct child_keys *k)
{
	if (k)
		OPENSSL_cleanse(k, sizeof(*k));
}
