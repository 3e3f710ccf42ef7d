/* RFC 7296 key derivation over prf.c: each derivation reads one struct
 * keys_input, so the IKE SA, its rekey and the CHILD SAs name their
 * inputs the same way. */
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
static bool cipher_ok(const struct alg *encr, const struct alg *integ)
{
	if (!encr || encr->type != ALG_ENCR)
		return false;
	return encr->aead ? integ == NULL : integ && integ->type == ALG_INTEG;
}

static bool suite_ok(const struct keys_input *in)
{
	return in->prf && in->prf->type == ALG_PRF && cipher_ok(in->encr, in->integ);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* {SK_d, SK_ai, SK_ar, SK_ei, SK_er, SK_pi, SK_pr} = prf+(SKEYSEED, Ni |
 * Nr | SPIi | SPIr) after the caller has filled auth->skeyseed; both are
 * wiped on failure. */
static int split_sk(struct crypto_lib *lib, const struct keys_input *in,
		    struct ike_keys *out, struct ike_auth_keys *auth)
{
	uint8_t km[7 * ALG_MAX_KEY_LEN], *p = km, spi_i[8], spi_r[8];
	put_be64(spi_i, in->spi_i);
	put_be64(spi_r, in->spi_r);
	const struct crypto_chunk seed[] = { in->ni, in->nr, { spi_i, 8 }, { spi_r, 8 } };
	out->prf = in->prf;
	out->encr = in->encr;
	out->integ = in->integ;
	out->d_len = auth->p_len = in->prf->key_len;
	out->a_len = in->integ ? in->integ->key_len : 0;
	out->e_len = in->encr->key_len;
	if (out->e_len > sizeof(out->sk_ei))
		return -RTX_EINVAL;
	size_t total = 3 * out->d_len + 2 * out->a_len + 2 * out->e_len;
	int rc = prf_plus(lib, in->prf, auth->skeyseed, auth->skeyseed_len, seed, 4, km, total);
	if (rc == 0) {
		/* RFC 7296 2.14 order: d, ai, ar, ei, er, pi, pr. */
		memcpy(out->sk_d, p, out->d_len), p += out->d_len;
		memcpy(out->sk_ai, p, out->a_len), p += out->a_len;
		memcpy(out->sk_ar, p, out->a_len), p += out->a_len;
		memcpy(out->sk_ei, p, out->e_len), p += out->e_len;
		memcpy(out->sk_er, p, out->e_len), p += out->e_len;
		memcpy(auth->sk_pi, p, auth->p_len), p += auth->p_len;
		memcpy(auth->sk_pr, p, auth->p_len);
	}
	OPENSSL_cleanse(km, sizeof(km));
	if (rc) {
		keys_ike_wipe(out);
		keys_ike_auth_wipe(auth);
	}
	return rc;
}

int keys_ike_sa_init(struct crypto_lib *lib, const struct keys_input *in,
		     struct ike_keys *out, struct ike_auth_keys *auth)
{
	uint8_t key[2 * 256];
	memset(out, 0, sizeof(*out));
	memset(auth, 0, sizeof(*auth));
	/* RFC 7296 3.9: nonces are 16..256 octets. */
	if (!suite_ok(in) || !in->ni.p || !in->nr.p || !in->gir.p ||
	    in->ni.len + in->nr.len > sizeof(key))
		return -RTX_EINVAL;
	/* HMAC PRFs take the whole Ni | Nr as key (RFC 7296 2.14). */
	memcpy(key, in->ni.p, in->ni.len);
	memcpy(key + in->ni.len, in->nr.p, in->nr.len);
	int rc = prf(lib, in->prf, key, in->ni.len + in->nr.len, &in->gir, 1, auth->skeyseed);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc)
		return rc;
	auth->skeyseed_len = in->prf->out_len;
	return split_sk(lib, in, out, auth);
}

int keys_ike_sa_rekey(struct crypto_lib *lib, const struct ike_keys *old,
		      const struct keys_input *in, struct ike_keys *out,
		      struct ike_auth_keys *auth)
{
	const struct crypto_chunk seed[] = { in->gir, in->ni, in->nr };
	if (!old || old == out || !old->prf || !in->gir.p || !in->ni.p || !in->nr.p)
		return -RTX_EINVAL;
	memset(out, 0, sizeof(*out));
	memset(auth, 0, sizeof(*auth));
	if (!suite_ok(in))
		return -RTX_EINVAL;
	/* The rekey exchange belongs to the old SA, so its PRF makes the
	 * new SKEYSEED (RFC 7296 2.18). */
	int rc = prf(lib, old->prf, old->sk_d, old->d_len, seed, 3, auth->skeyseed);
	if (rc)
		return rc;
	/* Its length is the old PRF's; the new PRF (HMAC) takes any key. */
	auth->skeyseed_len = old->prf->out_len;
	return split_sk(lib, in, out, auth);
}

int keys_child(struct crypto_lib *lib, const struct ike_keys *ike,
	       const struct keys_input *in, struct child_keys *out)
{
	uint8_t km[4 * ALG_MAX_KEY_LEN], *p = km;
	struct crypto_chunk seed[3];
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (!ike || !ike->prf || !cipher_ok(in->encr, in->integ) || !in->ni.p || !in->nr.p)
		return -RTX_EINVAL;
	if (in->gir.p && in->gir.len)
		seed[n++] = in->gir;
	seed[n++] = in->ni;
	seed[n++] = in->nr;
	out->encr = in->encr;
	out->integ = in->integ;
	out->e_len = in->encr->key_len;
	out->a_len = in->integ ? in->integ->key_len : 0;
	int rc = prf_plus(lib, ike->prf, ike->sk_d, ike->d_len, seed, n, km,
			  2 * (out->e_len + out->a_len));
	if (rc == 0) {
		/* RFC 7296 2.17: initiator-to-responder first; within an ESP
		 * SA the encryption key precedes the integrity key. */
		memcpy(out->ei, p, out->e_len), p += out->e_len;
		memcpy(out->ai, p, out->a_len), p += out->a_len;
		memcpy(out->er, p, out->e_len), p += out->e_len;
		memcpy(out->ar, p, out->a_len);
	}
	OPENSSL_cleanse(km, sizeof(km));
	if (rc)
		keys_child_wipe(out);
	return rc;
}

static bool prf_ok(const struct alg *a)
{
	return a && a->type == ALG_PRF;
}

int keys_signed_octets(struct crypto_lib *lib, const struct keys_octets *o,
		       uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (!prf_ok(o->prf) || !o->msg.p || !o->nonce.p || o->msg.len > SIZE_MAX / 2 ||
	    o->nonce.len > SIZE_MAX / 4)
		return -RTX_EINVAL;
	size_t len = o->msg.len + o->nonce.len + o->prf->out_len;
	uint8_t *buf = malloc(len);
	if (!buf)
		return -RTX_ENOMEM;
	memcpy(buf, o->msg.p, o->msg.len);
	memcpy(buf + o->msg.len, o->nonce.p, o->nonce.len);
	int rc = prf(lib, o->prf, o->sk_p.p, o->sk_p.len, &o->id_body, 1,
		     buf + o->msg.len + o->nonce.len);
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

	if (!prf_ok(prf_alg))
		return -RTX_EINVAL;
	rc = key_pad(lib, prf_alg, secret, secret_len, kp);
	if (rc == 0)
		rc = prf(lib, prf_alg, kp, prf_alg->out_len, in, 1, auth);
	OPENSSL_cleanse(kp, sizeof(kp));
	return rc;
}

int keys_psk_auth_parts(struct crypto_lib *lib, const struct keys_octets *o,
			const uint8_t *secret, size_t secret_len, uint8_t *auth)
{
	uint8_t kp[ALG_MAX_PRF_LEN], mac_id[ALG_MAX_PRF_LEN];
	if (!prf_ok(o->prf))
		return -RTX_EINVAL;
	int rc = prf(lib, o->prf, o->sk_p.p, o->sk_p.len, &o->id_body, 1, mac_id);
	if (rc == 0)
		rc = key_pad(lib, o->prf, secret, secret_len, kp);
	if (rc == 0) {
		const struct crypto_chunk in[] = { o->msg, o->nonce, { mac_id, o->prf->out_len } };
		rc = prf(lib, o->prf, kp, o->prf->out_len, in, 3, auth);
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

void keys_ike_auth_wipe(struct ike_auth_keys *k)
{
	if (k)
		OPENSSL_cleanse(k, sizeof(*k));
}

void keys_child_wipe(struct child_keys *k)
{
	if (k)
		OPENSSL_cleanse(k, sizeof(*k));
}
