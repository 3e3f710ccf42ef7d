#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "engine/alg.h"
#include "engine/crypto.h"
#include "engine/dh.h"
#include "engine/err.h"

struct dh {
	struct crypto_lib *lib;
	const struct alg *alg;
	EVP_PKEY *key;
	uint8_t pub[ALG_MAX_DH_PUB_LEN];
};

/* Private exponent length for the MODP groups: twice the symmetric
 * strength of the prime (NIST SP 800-57), as strongSwan and OpenSSL do,
 * rather than a full-length exponent that would cost ~8x more. */
static const struct modp_info {
	uint16_t id;
	BIGNUM *(*prime)(BIGNUM *);
	unsigned priv_bits;
} modp_groups[] = {
	{ IKEV2_DH_MODP_768, BN_get_rfc2409_prime_768, 160 },
	{ IKEV2_DH_MODP_1024, BN_get_rfc2409_prime_1024, 160 },
	{ IKEV2_DH_MODP_1536, BN_get_rfc3526_prime_1536, 192 },
	{ IKEV2_DH_MODP_2048, BN_get_rfc3526_prime_2048, 224 },
	{ IKEV2_DH_MODP_3072, BN_get_rfc3526_prime_3072, 256 },
	{ IKEV2_DH_MODP_4096, BN_get_rfc3526_prime_4096, 304 },
	{ IKEV2_DH_MODP_6144, BN_get_rfc3526_prime_6144, 352 },
	{ IKEV2_DH_MODP_8192, BN_get_rfc3526_prime_8192, 400 },
};

static const struct modp_info *modp_find(uint16_t id)
{
	for (size_t i = 0; i < sizeof(modp_groups) / sizeof(modp_groups[0]); i++)
		if (modp_groups[i].id == id)
			return &modp_groups[i];
	return NULL;
}

static const struct alg *group_alg(uint16_t group)
{
	const struct alg *a = alg_find(ALG_DH, group, 0);

	if (a && a->dh_kind == ALG_DH_MODP && !modp_find(group))
		return NULL;
	return a;
}

static int ecp_nid(const struct alg *a)
{
	switch (a->id) {
	case IKEV2_DH_ECP_256: return NID_X9_62_prime256v1;
	case IKEV2_DH_ECP_384: return NID_secp384r1;
	case IKEV2_DH_ECP_521: return NID_secp521r1;
	}
	return NID_undef;
}

/* ---- MODP ---------------------------------------------------------- */

/* p, g = 2 and q = (p-1)/2 (every RFC 2409/3526 prime is safe). */
struct modp_params {
	BIGNUM *p, *q, *g;
};

static void modp_params_free(struct modp_params *mp)
{
	BN_free(mp->p);
	BN_free(mp->q);
	BN_free(mp->g);
}

static int modp_params_get(const struct alg *a, struct modp_params *mp)
{
	const struct modp_info *mi = modp_find(a->id);

	memset(mp, 0, sizeof(*mp));
	if (!mi)
		return -RTX_EUNSUPP;
	mp->p = mi->prime(NULL);
	mp->q = BN_new();
	mp->g = BN_new();
	if (!mp->p || !mp->q || !mp->g || !BN_rshift1(mp->q, mp->p) ||
	    !BN_set_word(mp->g, 2)) {
		modp_params_free(mp);
		return -RTX_ENOMEM;
	}
	return 0;
}

/* Builds a DH EVP_PKEY from the group and optional priv/pub values. */
static int modp_pkey(struct crypto_lib *lib, const struct alg *a,
		     const BIGNUM *priv, const BIGNUM *pub, EVP_PKEY **out)
{
	const struct modp_info *mi = modp_find(a->id);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	struct modp_params mp;
	int sel = EVP_PKEY_KEY_PARAMETERS, rc;

	*out = NULL;
	rc = modp_params_get(a, &mp);
	if (rc || !bld)
		goto out;
	rc = -RTX_ECRYPTO;
	if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, mp.p) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_Q, mp.q) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, mp.g) ||
	    !OSSL_PARAM_BLD_push_int(bld, OSSL_PKEY_PARAM_DH_PRIV_LEN,
				     (int)mi->priv_bits))
		goto out;
	if (pub && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, pub))
		goto out;
	if (priv && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv))
		goto out;
	sel |= pub ? EVP_PKEY_PUBLIC_KEY : 0;
	sel |= priv ? EVP_PKEY_KEYPAIR : 0;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(crypto_lib_ctx(lib), "DH", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, out, sel, params) <= 0)
		goto out;
	rc = 0;
out:
	/* Private values were pushed from secure BIGNUMs, so they sit in
	 * secure memory, which OSSL_PARAM_free clears. */
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	modp_params_free(&mp);
	return rc;
}

/* RFC 6989 2.1: 1 < y < p-1, and y in the order-q subgroup. For a safe
 * prime that subgroup is exactly the quadratic residues, so the Legendre
 * symbol replaces the full-length y^q mod p exponentiation. */
static int modp_check(const struct alg *a, const uint8_t *peer, size_t len)
{
	struct modp_params mp;
	BIGNUM *y = NULL, *pm1 = NULL;
	BN_CTX *bctx = NULL;
	int rc;

	if (len != a->pub_len)
		return -RTX_EPARSE;
	rc = modp_params_get(a, &mp);
	if (rc)
		return rc;
	rc = -RTX_ENOMEM;
	y = BN_bin2bn(peer, (int)len, NULL);
	pm1 = BN_dup(mp.p);
	bctx = BN_CTX_new();
	if (!y || !pm1 || !bctx || !BN_sub_word(pm1, 1))
		goto out;
	rc = -RTX_ERANGE;
	if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0)
		goto out;
	if (BN_kronecker(y, mp.p, bctx) != 1)
		goto out;
	rc = 0;
out:
	BN_free(y);
	BN_free(pm1);
	BN_CTX_free(bctx);
	modp_params_free(&mp);
	return rc;
}

static int modp_generate(struct dh *dh)
{
	EVP_PKEY *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int rc = modp_pkey(dh->lib, dh->alg, NULL, NULL, &params);

	if (rc)
		return rc;
	rc = -RTX_ECRYPTO;
	ctx = EVP_PKEY_CTX_new_from_pkey(crypto_lib_ctx(dh->lib), params, NULL);
	if (ctx && EVP_PKEY_keygen_init(ctx) > 0 &&
	    EVP_PKEY_generate(ctx, &dh->key) > 0)
		rc = 0;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(params);
	return rc;
}

/* Test path: y = g^x mod p computed here, then imported as a keypair. */
static int modp_import_private(struct dh *dh, const uint8_t *priv, size_t len)
{
	struct modp_params mp;
	BIGNUM *x = NULL, *y = NULL;
	BN_CTX *bctx = NULL;
	int rc;

	if (len == 0 || len > dh->alg->pub_len)
		return -RTX_EINVAL;
	rc = modp_params_get(dh->alg, &mp);
	if (rc)
		return rc;
	rc = -RTX_ENOMEM;
	x = BN_secure_new();
	y = BN_new();
	bctx = BN_CTX_secure_new();
	if (!x || !y || !bctx || !BN_bin2bn(priv, (int)len, x))
		goto out;
	rc = -RTX_ERANGE;
	if (BN_is_zero(x) || BN_cmp(x, mp.q) >= 0)
		goto out;
	rc = -RTX_ECRYPTO;
	BN_set_flags(x, BN_FLG_CONSTTIME);
	if (!BN_mod_exp_mont_consttime(y, mp.g, x, mp.p, bctx, NULL))
		goto out;
	rc = modp_pkey(dh->lib, dh->alg, x, y, &dh->key);
out:
	BN_clear_free(x);
	BN_free(y);
	BN_CTX_free(bctx);
	modp_params_free(&mp);
	return rc;
}

static int modp_public(struct dh *dh)
{
	BIGNUM *y = NULL;
	int rc = -RTX_ECRYPTO;

	if (EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY, &y) &&
	    BN_bn2binpad(y, dh->pub, dh->alg->pub_len) == dh->alg->pub_len)
		rc = 0;
	BN_free(y);
	return rc;
}

/* ---- ECP (RFC 5903) ------------------------------------------------ */

static int ecp_pkey(struct crypto_lib *lib, const struct alg *a,
		    const BIGNUM *priv, const uint8_t *xy, EVP_PKEY **out)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t point[1 + 2 * 66];
	int sel = EVP_PKEY_PUBLIC_KEY, rc = -RTX_ECRYPTO;

	*out = NULL;
	point[0] = POINT_CONVERSION_UNCOMPRESSED;
	memcpy(point + 1, xy, a->pub_len);
	if (!bld ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     a->ossl, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					      point, 1 + a->pub_len))
		goto out;
	if (priv) {
		sel = EVP_PKEY_KEYPAIR;
		if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv))
			goto out;
	}
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(crypto_lib_ctx(lib), "EC", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0)
		goto out;
	/* Import rejects coordinates >= p and points off the curve. */
	rc = EVP_PKEY_fromdata(ctx, out, sel, params) > 0 ? 0 : -RTX_ERANGE;
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

/* Point on the curve and not the point at infinity (which has no x || y
 * encoding at all); the curves have cofactor 1, so that is enough. */
static int ecp_check(struct crypto_lib *lib, const struct alg *a,
		     const uint8_t *peer, size_t len, EVP_PKEY **keep)
{
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int rc;

	if (len != a->pub_len)
		return -RTX_EPARSE;
	rc = ecp_pkey(lib, a, NULL, peer, &pk);
	if (rc)
		return rc;
	ctx = EVP_PKEY_CTX_new_from_pkey(crypto_lib_ctx(lib), pk, NULL);
	rc = ctx && EVP_PKEY_public_check_quick(ctx) > 0 ? 0 : -RTX_ERANGE;
	EVP_PKEY_CTX_free(ctx);
	if (rc == 0 && keep)
		*keep = pk;
	else
		EVP_PKEY_free(pk);
	return rc;
}

static int ecp_import_private(struct dh *dh, const uint8_t *priv, size_t len)
{
	const struct alg *a = dh->alg;
	EC_GROUP *grp = EC_GROUP_new_by_curve_name_ex(crypto_lib_ctx(dh->lib),
						      NULL, ecp_nid(a));
	EC_POINT *pt = NULL;
	BIGNUM *d = NULL;
	uint8_t point[1 + 2 * 66];
	int rc = -RTX_EINVAL;

	if (!grp || len == 0 || len > a->secret_len)
		goto out;
	rc = -RTX_ENOMEM;
	d = BN_secure_new();
	pt = EC_POINT_new(grp);
	if (!d || !pt || !BN_bin2bn(priv, (int)len, d))
		goto out;
	rc = -RTX_ERANGE;
	if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(grp)) >= 0)
		goto out;
	rc = -RTX_ECRYPTO;
	if (!EC_POINT_mul(grp, pt, d, NULL, NULL, NULL) ||
	    EC_POINT_point2oct(grp, pt, POINT_CONVERSION_UNCOMPRESSED, point,
			       sizeof(point), NULL) != 1u + a->pub_len)
		goto out;
	rc = ecp_pkey(dh->lib, a, d, point + 1, &dh->key);
out:
	BN_clear_free(d);
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	return rc;
}

static int ecp_public(struct dh *dh)
{
	uint8_t point[1 + 2 * 66];
	size_t len = 0;

	if (!EVP_PKEY_get_octet_string_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY,
					     point, sizeof(point), &len) ||
	    len != 1u + dh->alg->pub_len ||
	    point[0] != POINT_CONVERSION_UNCOMPRESSED)
		return -RTX_ECRYPTO;
	memcpy(dh->pub, point + 1, dh->alg->pub_len);
	return 0;
}

/* ---- common -------------------------------------------------------- */

static int generate(struct dh *dh)
{
	EVP_PKEY_CTX *ctx;
	int rc = -RTX_ECRYPTO;

	if (dh->alg->dh_kind == ALG_DH_MODP)
		return modp_generate(dh);
	ctx = EVP_PKEY_CTX_new_from_name(crypto_lib_ctx(dh->lib),
					 dh->alg->dh_kind == ALG_DH_ECP ? "EC"
					 : dh->alg->ossl, NULL);
	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0)
		goto out;
	if (dh->alg->dh_kind == ALG_DH_ECP &&
	    EVP_PKEY_CTX_set_group_name(ctx, dh->alg->ossl) <= 0)
		goto out;
	if (EVP_PKEY_generate(ctx, &dh->key) > 0)
		rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

static int import_private(struct dh *dh, const uint8_t *priv, size_t len)
{
	switch (dh->alg->dh_kind) {
	case ALG_DH_MODP:
		return modp_import_private(dh, priv, len);
	case ALG_DH_ECP:
		return ecp_import_private(dh, priv, len);
	case ALG_DH_ECX:
		if (len != dh->alg->secret_len)
			return -RTX_EINVAL;
		dh->key = EVP_PKEY_new_raw_private_key_ex(
			crypto_lib_ctx(dh->lib), dh->alg->ossl, NULL, priv, len);
		return dh->key ? 0 : -RTX_ECRYPTO;
	}
	return -RTX_EUNSUPP;
}

static int fill_public(struct dh *dh)
{
	size_t len = dh->alg->pub_len;

	switch (dh->alg->dh_kind) {
	case ALG_DH_MODP:
		return modp_public(dh);
	case ALG_DH_ECP:
		return ecp_public(dh);
	case ALG_DH_ECX:
		return EVP_PKEY_get_raw_public_key(dh->key, dh->pub, &len) &&
		       len == dh->alg->pub_len ? 0 : -RTX_ECRYPTO;
	}
	return -RTX_EUNSUPP;
}

static int dh_create(struct crypto_lib *lib, uint16_t group,
		     const uint8_t *priv, size_t priv_len, struct dh **out)
{
	const struct alg *a = group_alg(group);
	struct dh *dh;
	int rc;

	*out = NULL;
	if (!a)
		return -RTX_EUNSUPP;
	dh = calloc(1, sizeof(*dh));
	if (!dh)
		return -RTX_ENOMEM;
	dh->lib = lib;
	dh->alg = a;
	rc = priv ? import_private(dh, priv, priv_len) : generate(dh);
	if (rc == 0)
		rc = fill_public(dh);
	if (rc) {
		dh_free(dh);
		return rc;
	}
	*out = dh;
	return 0;
}

int dh_new(struct crypto_lib *lib, uint16_t group, struct dh **out)
{
	return dh_create(lib, group, NULL, 0, out);
}

int dh_new_with_private(struct crypto_lib *lib, uint16_t group,
			const uint8_t *priv, size_t priv_len, struct dh **out)
{
	if (!priv) {
		*out = NULL;
		return -RTX_EINVAL;
	}
	return dh_create(lib, group, priv, priv_len, out);
}

void dh_free(struct dh *dh)
{
	if (!dh)
		return;
	/* EVP_PKEY_free clears the private key material it owns. */
	EVP_PKEY_free(dh->key);
	OPENSSL_cleanse(dh, sizeof(*dh));
	free(dh);
}

const struct alg *dh_alg(const struct dh *dh)
{
	return dh->alg;
}

size_t dh_public_len(const struct dh *dh)
{
	return dh->alg->pub_len;
}

size_t dh_secret_len(const struct dh *dh)
{
	return dh->alg->secret_len;
}

int dh_public(const struct dh *dh, uint8_t *out, size_t cap)
{
	if (cap < dh->alg->pub_len)
		return -RTX_EINVAL;
	memcpy(out, dh->pub, dh->alg->pub_len);
	return 0;
}

int dh_check_public(struct crypto_lib *lib, uint16_t group,
		    const uint8_t *peer, size_t peer_len)
{
	const struct alg *a = group_alg(group);

	if (!a)
		return -RTX_EUNSUPP;
	if (!peer)
		return -RTX_EINVAL;
	switch (a->dh_kind) {
	case ALG_DH_MODP:
		return modp_check(a, peer, peer_len);
	case ALG_DH_ECP:
		return ecp_check(lib, a, peer, peer_len, NULL);
	case ALG_DH_ECX:
		/* Every u-coordinate is acceptable (RFC 7748 5); the weak
		 * ones show up as an all-zero secret in dh_derive(). */
		return peer_len == a->pub_len ? 0 : -RTX_EPARSE;
	}
	return -RTX_EUNSUPP;
}

/* The peer's value as an EVP_PKEY of the same group, validated. */
static int peer_pkey(struct dh *dh, const uint8_t *peer, size_t len,
		     EVP_PKEY **out)
{
	const struct alg *a = dh->alg;
	BIGNUM *y;
	int rc;

	*out = NULL;
	if (a->dh_kind == ALG_DH_ECP)
		return ecp_check(dh->lib, a, peer, len, out);
	rc = dh_check_public(dh->lib, a->id, peer, len);
	if (rc)
		return rc;
	if (a->dh_kind == ALG_DH_ECX) {
		*out = EVP_PKEY_new_raw_public_key_ex(crypto_lib_ctx(dh->lib),
						      a->ossl, NULL, peer, len);
		return *out ? 0 : -RTX_ECRYPTO;
	}
	y = BN_bin2bn(peer, (int)len, NULL);
	if (!y)
		return -RTX_ENOMEM;
	rc = modp_pkey(dh->lib, a, NULL, y, out);
	BN_free(y);
	return rc;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < len; i++)
		acc |= p[i];
	return acc == 0;
}

int dh_derive(struct dh *dh, const uint8_t *peer, size_t peer_len,
	      uint8_t *secret, size_t secret_len)
{
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t len = secret_len;
	int rc;

	if (!dh || !peer || !secret || secret_len != dh->alg->secret_len)
		return -RTX_EINVAL;
	rc = peer_pkey(dh, peer, peer_len, &pk);
	if (rc)
		return rc;
	rc = -RTX_ECRYPTO;
	ctx = EVP_PKEY_CTX_new_from_pkey(crypto_lib_ctx(dh->lib), dh->key, NULL);
	if (!ctx || EVP_PKEY_derive_init(ctx) <= 0)
		goto out;
	/* RFC 7296 2.14: g^ir keeps its leading zeros. */
	if (dh->alg->dh_kind == ALG_DH_MODP && EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0)
		goto out;
	if (EVP_PKEY_derive_set_peer_ex(ctx, pk, 0) <= 0)
		goto out;
	if (EVP_PKEY_derive(ctx, secret, &len) <= 0) {
		/* OpenSSL refuses a small-order X25519/X448 peer itself. */
		if (dh->alg->dh_kind == ALG_DH_ECX)
			rc = -RTX_ERANGE;
		goto out;
	}
	if (len != secret_len)
		goto out;
	rc = 0;
	if (dh->alg->dh_kind == ALG_DH_ECX && all_zero(secret, len))
		rc = -RTX_ERANGE;
out:
	if (rc)
		OPENSSL_cleanse(secret, secret_len);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return rc;
}
