/* AUTH data for the signature methods 1, 9, 10, 11 and 14, the
 * SIGNATURE_HASH_ALGORITHMS list, and the choice between them. */
#include "engine/auth_sig.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "base/err.h"
#include "engine/crypto.h"

enum sig_kind { RSA_PKCS1, RSA_PSS, ECDSA_RAW, ECDSA_DER };

/* DER AlgorithmIdentifiers of RFC 7427 Appendix A (A.1.2-A.1.4 PKCS#1
 * v1.5, A.3.2-A.3.4 ECDSA, A.4.3 RSASSA-PSS with SHA-256). The PSS ones
 * for SHA-384/512 follow A.4.3 with the hash, the MGF1 hash and the salt
 * length (= hash length, as RFC 8247 and strongSwan use) replaced. */
#define RSA_OID 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01
#define SHA2_OID(n) 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, n
#define PSS(h, salt) \
	0x30, 0x41, RSA_OID, 0x0a, 0x30, 0x34, \
	0xa0, 0x0f, 0x30, 0x0d, SHA2_OID(h), 0x05, 0x00, \
	0xa1, 0x1c, 0x30, 0x1a, RSA_OID, 0x08, 0x30, 0x0d, SHA2_OID(h), 0x05, 0x00, \
	0xa2, 0x03, 0x02, 0x01, salt
#define ECDSA_OID(n) 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, n

static const uint8_t id_rsa256[] = { 0x30, 0x0d, RSA_OID, 0x0b, 0x05, 0x00 };
static const uint8_t id_rsa384[] = { 0x30, 0x0d, RSA_OID, 0x0c, 0x05, 0x00 };
static const uint8_t id_rsa512[] = { 0x30, 0x0d, RSA_OID, 0x0d, 0x05, 0x00 };
static const uint8_t id_pss256[] = { PSS(0x01, 0x20) };
static const uint8_t id_pss384[] = { PSS(0x02, 0x30) };
static const uint8_t id_pss512[] = { PSS(0x03, 0x40) };
static const uint8_t id_ec256[] = { ECDSA_OID(0x02) };
static const uint8_t id_ec384[] = { ECDSA_OID(0x03) };
static const uint8_t id_ec512[] = { ECDSA_OID(0x04) };

struct scheme {
	uint8_t method;
	enum sig_kind kind;
	const char *name;
	const char *md;              /* OpenSSL digest name */
	const char *hash_name;
	uint16_t hash;               /* IKEv2 hash id */
	enum pki_key_type key;       /* ECDSA_RAW: the one curve allowed */
	const uint8_t *algid;
	size_t algid_len;
};

#define ALGID(a) a, sizeof(a)

static const struct scheme schemes[AUTH_SIG_SCHEME_COUNT] = {
	[AUTH_SIG_RSA_SHA1] = { IKEV2_AUTH_RSA_SIG, RSA_PKCS1,
		"RSA PKCS#1 v1.5 with SHA-1", "SHA1", "SHA-1", IKEV2_HASH_SHA1,
		PKI_KEY_RSA, NULL, 0 },
	[AUTH_SIG_ECDSA_P256_SHA256] = { IKEV2_AUTH_ECDSA_SHA256_P256, ECDSA_RAW,
		"ECDSA with SHA-256 on P-256", "SHA256", "SHA-256", IKEV2_HASH_SHA2_256,
		PKI_KEY_ECDSA_P256, NULL, 0 },
	[AUTH_SIG_ECDSA_P384_SHA384] = { IKEV2_AUTH_ECDSA_SHA384_P384, ECDSA_RAW,
		"ECDSA with SHA-384 on P-384", "SHA384", "SHA-384", IKEV2_HASH_SHA2_384,
		PKI_KEY_ECDSA_P384, NULL, 0 },
	[AUTH_SIG_ECDSA_P521_SHA512] = { IKEV2_AUTH_ECDSA_SHA512_P521, ECDSA_RAW,
		"ECDSA with SHA-512 on P-521", "SHA512", "SHA-512", IKEV2_HASH_SHA2_512,
		PKI_KEY_ECDSA_P521, NULL, 0 },
	[AUTH_SIG_RSA_PKCS1_SHA256] = { IKEV2_AUTH_DIGITAL_SIGNATURE, RSA_PKCS1,
		"sha256WithRSAEncryption", "SHA256", "SHA-256", IKEV2_HASH_SHA2_256,
		PKI_KEY_RSA, ALGID(id_rsa256) },
	[AUTH_SIG_RSA_PKCS1_SHA384] = { IKEV2_AUTH_DIGITAL_SIGNATURE, RSA_PKCS1,
		"sha384WithRSAEncryption", "SHA384", "SHA-384", IKEV2_HASH_SHA2_384,
		PKI_KEY_RSA, ALGID(id_rsa384) },
	[AUTH_SIG_RSA_PKCS1_SHA512] = { IKEV2_AUTH_DIGITAL_SIGNATURE, RSA_PKCS1,
		"sha512WithRSAEncryption", "SHA512", "SHA-512", IKEV2_HASH_SHA2_512,
		PKI_KEY_RSA, ALGID(id_rsa512) },
	[AUTH_SIG_RSA_PSS_SHA256] = { IKEV2_AUTH_DIGITAL_SIGNATURE, RSA_PSS,
		"RSASSA-PSS with SHA-256", "SHA256", "SHA-256", IKEV2_HASH_SHA2_256,
		PKI_KEY_RSA, ALGID(id_pss256) },
	[AUTH_SIG_RSA_PSS_SHA384] = { IKEV2_AUTH_DIGITAL_SIGNATURE, RSA_PSS,
		"RSASSA-PSS with SHA-384", "SHA384", "SHA-384", IKEV2_HASH_SHA2_384,
		PKI_KEY_RSA, ALGID(id_pss384) },
	[AUTH_SIG_RSA_PSS_SHA512] = { IKEV2_AUTH_DIGITAL_SIGNATURE, RSA_PSS,
		"RSASSA-PSS with SHA-512", "SHA512", "SHA-512", IKEV2_HASH_SHA2_512,
		PKI_KEY_RSA, ALGID(id_pss512) },
	[AUTH_SIG_ECDSA_SHA256] = { IKEV2_AUTH_DIGITAL_SIGNATURE, ECDSA_DER,
		"ecdsa-with-SHA256", "SHA256", "SHA-256", IKEV2_HASH_SHA2_256,
		PKI_KEY_UNSUPPORTED, ALGID(id_ec256) },
	[AUTH_SIG_ECDSA_SHA384] = { IKEV2_AUTH_DIGITAL_SIGNATURE, ECDSA_DER,
		"ecdsa-with-SHA384", "SHA384", "SHA-384", IKEV2_HASH_SHA2_384,
		PKI_KEY_UNSUPPORTED, ALGID(id_ec384) },
	[AUTH_SIG_ECDSA_SHA512] = { IKEV2_AUTH_DIGITAL_SIGNATURE, ECDSA_DER,
		"ecdsa-with-SHA512", "SHA512", "SHA-512", IKEV2_HASH_SHA2_512,
		PKI_KEY_UNSUPPORTED, ALGID(id_ec512) },
};

/* Known AlgorithmIdentifiers we refuse, so the log names what the peer
 * tried instead of "unknown": SHA-1 (RFC 8247 3.2 retires it), DSA (not a
 * key type we accept), and RSASSA-PSS with absent or default parameters,
 * which mean SHA-1 (RFC 7427 A.4.1, A.4.2; RFC 4055 3.1). */
static const uint8_t id_rsa1[] = { 0x30, 0x0d, RSA_OID, 0x05, 0x05, 0x00 };
static const uint8_t id_dsa1[] = { 0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38,
				   0x04, 0x03 };
static const uint8_t id_dsa256[] = { 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
				     0x03, 0x04, 0x03, 0x02 };
static const uint8_t id_ec1[] = { 0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
				  0x04, 0x01 };
static const uint8_t id_pss_empty[] = { 0x30, 0x0b, RSA_OID, 0x0a };
static const uint8_t id_pss_default[] = { 0x30, 0x0d, RSA_OID, 0x0a, 0x30, 0x00 };

static const struct refused {
	const char *name;
	const uint8_t *algid;
	size_t algid_len;
} refused[] = {
	{ "sha1WithRSAEncryption", ALGID(id_rsa1) },
	{ "dsa-with-sha1", ALGID(id_dsa1) },
	{ "dsa-with-sha256", ALGID(id_dsa256) },
	{ "ecdsa-with-SHA1", ALGID(id_ec1) },
	{ "RSASSA-PSS with empty parameters", ALGID(id_pss_empty) },
	{ "RSASSA-PSS with default parameters", ALGID(id_pss_default) },
};

static const struct scheme *scheme_of(enum auth_sig_scheme s)
{
	return s > AUTH_SIG_NONE && s < AUTH_SIG_SCHEME_COUNT ? &schemes[s] : NULL;
}

uint8_t auth_sig_method(enum auth_sig_scheme s)
{
	const struct scheme *sc = scheme_of(s);

	return sc ? sc->method : 0;
}

const char *auth_sig_scheme_name(enum auth_sig_scheme s)
{
	const struct scheme *sc = scheme_of(s);

	return sc ? sc->name : "none";
}

const uint8_t *auth_sig_algid(enum auth_sig_scheme s, size_t *len)
{
	const struct scheme *sc = scheme_of(s);

	*len = sc ? sc->algid_len : 0;
	return sc ? sc->algid : NULL;
}

static bool is_ecdsa(enum pki_key_type t)
{
	return t == PKI_KEY_ECDSA_P256 || t == PKI_KEY_ECDSA_P384 || t == PKI_KEY_ECDSA_P521;
}

bool auth_sig_key_fits(enum auth_sig_scheme s, enum pki_key_type t)
{
	const struct scheme *sc = scheme_of(s);

	if (!sc || t == PKI_KEY_UNSUPPORTED)
		return false;
	if (sc->kind == ECDSA_DER)
		return is_ecdsa(t);
	return sc->key == t;
}

/* ---- the choice ------------------------------------------------------- */

static uint16_t matched_hash(enum pki_key_type t, unsigned bits)
{
	switch (t) {
	case PKI_KEY_ECDSA_P256:
		return IKEV2_HASH_SHA2_256;
	case PKI_KEY_ECDSA_P384:
		return IKEV2_HASH_SHA2_384;
	case PKI_KEY_ECDSA_P521:
		return IKEV2_HASH_SHA2_512;
	default:
		/* NIST SP 800-57 strengths: 3072 ~ 128, 7680 ~ 192 bits. */
		return bits <= 3072 ? IKEV2_HASH_SHA2_256 :
		       bits <= 7680 ? IKEV2_HASH_SHA2_384 : IKEV2_HASH_SHA2_512;
	}
}

static enum auth_sig_scheme digital_signature(enum pki_key_type t, uint16_t hash)
{
	static const enum auth_sig_scheme pss[] = { AUTH_SIG_RSA_PSS_SHA256,
		AUTH_SIG_RSA_PSS_SHA384, AUTH_SIG_RSA_PSS_SHA512 };
	static const enum auth_sig_scheme ec[] = { AUTH_SIG_ECDSA_SHA256,
		AUTH_SIG_ECDSA_SHA384, AUTH_SIG_ECDSA_SHA512 };
	size_t i = (size_t)(hash - IKEV2_HASH_SHA2_256);

	return t == PKI_KEY_RSA ? pss[i] : ec[i];
}

static enum auth_sig_scheme classic(enum pki_key_type t)
{
	switch (t) {
	case PKI_KEY_RSA:
		return AUTH_SIG_RSA_SHA1;
	case PKI_KEY_ECDSA_P256:
		return AUTH_SIG_ECDSA_P256_SHA256;
	case PKI_KEY_ECDSA_P384:
		return AUTH_SIG_ECDSA_P384_SHA384;
	case PKI_KEY_ECDSA_P521:
		return AUTH_SIG_ECDSA_P521_SHA512;
	default:
		return AUTH_SIG_NONE;
	}
}

int auth_sig_choose(const EVP_PKEY *key, unsigned peer_hashes, enum auth_sig_scheme *out)
{
	unsigned bits;
	enum pki_key_type t = pki_key_type(key, &bits);
	unsigned common = peer_hashes & AUTH_SIG_HASHES_OURS;
	uint16_t first = matched_hash(t, bits);
	/* Matched first, then stronger ascending, then weaker descending. */
	uint16_t order[3];
	size_t n = 0;

	*out = AUTH_SIG_NONE;
	if (t == PKI_KEY_UNSUPPORTED)
		return -RTX_EUNSUPP;
	order[n++] = first;
	for (uint16_t h = first + 1; h <= IKEV2_HASH_SHA2_512; h++)
		order[n++] = h;
	for (uint16_t h = first - 1; h >= IKEV2_HASH_SHA2_256; h--)
		order[n++] = h;
	for (size_t i = 0; i < n; i++)
		if (common & AUTH_SIG_HASH_BIT(order[i])) {
			*out = digital_signature(t, order[i]);
			return 0;
		}
	*out = classic(t);
	return 0;
}

/* ---- ECDSA signature forms -------------------------------------------- */

int auth_sig_ecdsa_der_to_raw(const uint8_t *der, size_t len, size_t field_len, uint8_t *raw)
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	const BIGNUM *r, *s;
	int rc = -RTX_EPARSE;

	if (!sig || p != der + len)
		goto out;
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_bn2binpad(r, raw, (int)field_len) < 0 ||
	    BN_bn2binpad(s, raw + field_len, (int)field_len) < 0)
		goto out;
	rc = 0;
out:
	ECDSA_SIG_free(sig);
	ERR_clear_error();
	return rc;
}

int auth_sig_ecdsa_raw_to_der(const uint8_t *raw, size_t field_len, uint8_t **der,
			      size_t *len)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)field_len, NULL);
	BIGNUM *s = BN_bin2bn(raw + field_len, (int)field_len, NULL);
	unsigned char *p = NULL;
	int n;

	*der = NULL;
	*len = 0;
	if (!sig || !r || !s || !ECDSA_SIG_set0(sig, r, s)) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(sig);
		return -RTX_ENOMEM;
	}
	n = i2d_ECDSA_SIG(sig, &p);
	ECDSA_SIG_free(sig);
	if (n <= 0)
		return -RTX_ENOMEM;
	*der = malloc((size_t)n);
	if (*der) {
		memcpy(*der, p, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(p);
	return *der ? 0 : -RTX_ENOMEM;
}

static size_t field_len(enum pki_key_type t)
{
	return t == PKI_KEY_ECDSA_P256 ? 32 : t == PKI_KEY_ECDSA_P384 ? 48 : 66;
}

/* ---- signing and verifying -------------------------------------------- */

/* A digest-sign/verify context for sc over key, PSS parameters set. */
static EVP_MD_CTX *sig_ctx(struct crypto_lib *lib, EVP_PKEY *key, const struct scheme *sc,
			   bool sign)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	OSSL_LIB_CTX *ctx = crypto_lib_ctx(lib);
	int ok;

	if (!mctx)
		return NULL;
	ok = sign ? EVP_DigestSignInit_ex(mctx, &pctx, sc->md, ctx, NULL, key, NULL)
		  : EVP_DigestVerifyInit_ex(mctx, &pctx, sc->md, ctx, NULL, key, NULL);
	if (ok == 1 && sc->kind == RSA_PSS)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
		     EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, sc->md, NULL) == 1;
	else if (ok == 1 && sc->kind == RSA_PKCS1)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
	if (ok != 1) {
		EVP_MD_CTX_free(mctx);
		return NULL;
	}
	return mctx;
}

/* The raw signature: DER for ECDSA, as OpenSSL makes it. */
static int sign_raw(struct crypto_lib *lib, EVP_PKEY *key, const struct scheme *sc,
		    const uint8_t *msg, size_t len, uint8_t **sig, size_t *sig_len)
{
	EVP_MD_CTX *mctx = sig_ctx(lib, key, sc, true);
	size_t n = 0;
	int rc = -RTX_ECRYPTO;

	*sig = NULL;
	if (!mctx)
		goto out;
	if (EVP_DigestSign(mctx, NULL, &n, msg, len) != 1)
		goto out;
	*sig = malloc(n);
	if (!*sig) {
		rc = -RTX_ENOMEM;
		goto out;
	}
	if (EVP_DigestSign(mctx, *sig, &n, msg, len) != 1) {
		free(*sig);
		*sig = NULL;
		goto out;
	}
	*sig_len = n;
	rc = 0;
out:
	EVP_MD_CTX_free(mctx);
	ERR_clear_error();
	return rc;
}

int auth_sig_sign(struct crypto_lib *lib, EVP_PKEY *key, enum auth_sig_scheme s,
		  const uint8_t *octets, size_t len, uint8_t **auth, size_t *auth_len)
{
	const struct scheme *sc = scheme_of(s);
	enum pki_key_type t = pki_key_type(key, NULL);
	uint8_t *sig, *out;
	size_t sig_len, n;
	int rc;

	*auth = NULL;
	*auth_len = 0;
	if (!sc || !auth_sig_key_fits(s, t))
		return -RTX_EINVAL;
	rc = sign_raw(lib, key, sc, octets, len, &sig, &sig_len);
	if (rc)
		return rc;
	if (sc->kind == ECDSA_RAW) {
		n = 2 * field_len(t);
		out = malloc(n);
		rc = out ? auth_sig_ecdsa_der_to_raw(sig, sig_len, field_len(t), out)
			 : -RTX_ENOMEM;
	} else {
		/* Method 14: length octet, AlgorithmIdentifier, signature. */
		n = sc->algid ? 1 + sc->algid_len + sig_len : sig_len;
		out = malloc(n);
		rc = out ? 0 : -RTX_ENOMEM;
		if (out && sc->algid) {
			out[0] = (uint8_t)sc->algid_len;
			memcpy(out + 1, sc->algid, sc->algid_len);
			memcpy(out + 1 + sc->algid_len, sig, sig_len);
		} else if (out) {
			memcpy(out, sig, sig_len);
		}
	}
	free(sig);
	if (rc) {
		free(out);
		return rc;
	}
	*auth = out;
	*auth_len = n;
	return 0;
}

const char *auth_sig_fail_text(enum auth_sig_fail f)
{
	switch (f) {
	case AUTH_SIG_OK:
		return "signature verified";
	case AUTH_SIG_UNKNOWN_METHOD:
		return "unsupported signature auth method";
	case AUTH_SIG_MALFORMED:
		return "malformed signature AUTH data";
	case AUTH_SIG_UNKNOWN_ALGORITHM:
		return "unknown signature algorithm";
	case AUTH_SIG_REFUSED_ALGORITHM:
		return "signature algorithm not accepted";
	case AUTH_SIG_KEY_MISMATCH:
		return "certificate key does not fit the auth method";
	case AUTH_SIG_BAD_SIGNATURE:
		break;
	}
	return "signature does not verify";
}

static int refuse(struct auth_sig_check *chk, enum auth_sig_fail f)
{
	chk->fail = f;
	ERR_clear_error();
	return -RTX_EAUTH;
}

/* Method 14: finds the scheme whose AlgorithmIdentifier opens data and
 * points *sig past it. */
static int parse_digital_signature(const uint8_t *data, size_t len, const uint8_t **sig,
				   size_t *sig_len, struct auth_sig_check *chk)
{
	size_t id_len;

	if (len < 1 || (id_len = data[0]) == 0 || len < 1 + id_len + 1)
		return refuse(chk, AUTH_SIG_MALFORMED);
	*sig = data + 1 + id_len;
	*sig_len = len - 1 - id_len;
	for (int s = AUTH_SIG_NONE + 1; s < AUTH_SIG_SCHEME_COUNT; s++)
		if (schemes[s].algid_len == id_len && !memcmp(schemes[s].algid, data + 1, id_len)) {
			chk->scheme = (enum auth_sig_scheme)s;
			chk->alg_name = schemes[s].name;
			return 0;
		}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (refused[i].algid_len == id_len && !memcmp(refused[i].algid, data + 1, id_len)) {
			chk->alg_name = refused[i].name;
			return refuse(chk, AUTH_SIG_REFUSED_ALGORITHM);
		}
	return refuse(chk, AUTH_SIG_UNKNOWN_ALGORITHM);
}

static enum auth_sig_scheme scheme_of_method(uint8_t method)
{
	switch (method) {
	case IKEV2_AUTH_RSA_SIG:
		return AUTH_SIG_RSA_SHA1;
	case IKEV2_AUTH_ECDSA_SHA256_P256:
		return AUTH_SIG_ECDSA_P256_SHA256;
	case IKEV2_AUTH_ECDSA_SHA384_P384:
		return AUTH_SIG_ECDSA_P384_SHA384;
	case IKEV2_AUTH_ECDSA_SHA512_P521:
		return AUTH_SIG_ECDSA_P521_SHA512;
	default:
		return AUTH_SIG_NONE;
	}
}

static int verify_raw(struct crypto_lib *lib, EVP_PKEY *pub, const struct scheme *sc,
		      const uint8_t *sig, size_t sig_len, const uint8_t *msg, size_t len,
		      struct auth_sig_check *chk)
{
	EVP_MD_CTX *mctx = sig_ctx(lib, pub, sc, false);
	int ok;

	if (!mctx) {
		ERR_clear_error();
		return -RTX_ECRYPTO;
	}
	ok = EVP_DigestVerify(mctx, sig, sig_len, msg, len);
	EVP_MD_CTX_free(mctx);
	/* < 0 is a signature OpenSSL cannot even parse: still the peer's. */
	if (ok != 1)
		return refuse(chk, AUTH_SIG_BAD_SIGNATURE);
	ERR_clear_error();
	return 0;
}

int auth_sig_verify(struct crypto_lib *lib, EVP_PKEY *pub, uint8_t method,
		    const uint8_t *auth, size_t auth_len, const uint8_t *octets, size_t len,
		    struct auth_sig_check *chk)
{
	enum pki_key_type t = pki_key_type(pub, NULL);
	const uint8_t *sig = auth;
	size_t sig_len = auth_len;
	uint8_t *der = NULL;
	int rc;

	*chk = (struct auth_sig_check){ AUTH_SIG_OK, scheme_of_method(method), NULL };
	if (method == IKEV2_AUTH_DIGITAL_SIGNATURE) {
		rc = parse_digital_signature(auth, auth_len, &sig, &sig_len, chk);
		if (rc)
			return rc;
	} else if (chk->scheme == AUTH_SIG_NONE) {
		return refuse(chk, AUTH_SIG_UNKNOWN_METHOD);
	}
	chk->alg_name = schemes[chk->scheme].name;
	if (!auth_sig_key_fits(chk->scheme, t))
		return refuse(chk, AUTH_SIG_KEY_MISMATCH);
	if (sig_len == 0)
		return refuse(chk, AUTH_SIG_MALFORMED);
	if (schemes[chk->scheme].kind == ECDSA_RAW) {
		/* RFC 4754 7: r and s each exactly the field length. */
		if (sig_len != 2 * field_len(t))
			return refuse(chk, AUTH_SIG_MALFORMED);
		rc = auth_sig_ecdsa_raw_to_der(sig, field_len(t), &der, &sig_len);
		if (rc)
			return rc;
		sig = der;
	}
	rc = verify_raw(lib, pub, &schemes[chk->scheme], sig, sig_len, octets, len, chk);
	free(der);
	return rc;
}

/* ---- SIGNATURE_HASH_ALGORITHMS ---------------------------------------- */

size_t auth_sig_hashes_encode(unsigned mask, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (uint16_t id = 1; id < 32 && n + 2 <= cap; id++)
		if (mask & AUTH_SIG_HASH_BIT(id)) {
			out[n++] = (uint8_t)(id >> 8);
			out[n++] = (uint8_t)id;
		}
	return n;
}

int auth_sig_hashes_decode(const uint8_t *data, size_t len, unsigned *mask)
{
	*mask = 0;
	if (len % 2)
		return -RTX_EPARSE;
	for (size_t i = 0; i < len; i += 2) {
		unsigned id = (unsigned)data[i] << 8 | data[i + 1];

		if (id > 0 && id < 32)
			*mask |= AUTH_SIG_HASH_BIT(id);
	}
	return 0;
}

int auth_sig_key_info(struct crypto_lib *lib, enum auth_sig_scheme s, const uint8_t *octets,
		      size_t len, struct auth_sig_key_info *info)
{
	const struct scheme *sc = scheme_of(s);
	unsigned int n = 0;
	EVP_MD *md;
	int ok;

	memset(info, 0, sizeof(*info));
	if (!sc)
		return -RTX_EINVAL;
	md = EVP_MD_fetch(crypto_lib_ctx(lib), sc->md, NULL);
	ok = md && EVP_Digest(octets, len, info->hash, &n, md, NULL) == 1;
	EVP_MD_free(md);
	if (!ok) {
		ERR_clear_error();
		return -RTX_ECRYPTO;
	}
	info->alg = sc->name;
	info->hash_name = sc->hash_name;
	info->hash_len = n;
	return 0;
}
