/* The peer's certificate chain, our trust anchors, and the verification
 * of one against the other with X509_STORE_CTX (RFC 5280 path validation
 * done by OpenSSL; the IKE profile of RFC 4945 added here). */
#include "engine/pki.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "base/err.h"
#include "engine/crypto.h"
#include "engine/pki_priv.h"

/* NIST's 112-bit floor (SP 800-131A): RSA >= 2048, EC >= 224 bits, and
 * no SHA-1 signatures on certificates. OpenSSL calls it level 2. */
#define PKI_AUTH_LEVEL 2

struct pki_chain {
	STACK_OF(X509) *certs;
};

struct pki_trust {
	X509_STORE *store;
	STACK_OF(X509) *certs;     /* the same certificates, for CERTREQ */
};

/* ---- peer chain ------------------------------------------------------- */

int pki_chain_new(struct pki_chain **out)
{
	struct pki_chain *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c || !(c->certs = sk_X509_new_null())) {
		free(c);
		return -RTX_ENOMEM;
	}
	*out = c;
	return 0;
}

void pki_chain_free(struct pki_chain *chain)
{
	if (!chain)
		return;
	sk_X509_pop_free(chain->certs, X509_free);
	free(chain);
}

int pki_chain_add(struct pki_chain *chain, X509 *cert)
{
	if (sk_X509_num(chain->certs) >= PKI_CHAIN_MAX)
		return -RTX_ERANGE;
	if (!X509_up_ref(cert))
		return -RTX_ENOMEM;
	if (!sk_X509_push(chain->certs, cert)) {
		X509_free(cert);
		return -RTX_ENOMEM;
	}
	return 0;
}

int pki_chain_add_der(struct pki_chain *chain, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x;
	int rc;

	if (sk_X509_num(chain->certs) >= PKI_CHAIN_MAX)
		return -RTX_ERANGE;
	if (len == 0 || len > LONG_MAX)
		return -RTX_EPARSE;
	x = d2i_X509(NULL, &p, (long)len);
	/* Trailing bytes would be data nobody signed: refuse them. */
	if (!x || p != der + len) {
		X509_free(x);
		ERR_clear_error();
		return -RTX_EPARSE;
	}
	rc = pki_chain_add(chain, x);
	X509_free(x);
	return rc;
}

size_t pki_chain_count(const struct pki_chain *chain)
{
	return (size_t)sk_X509_num(chain->certs);
}

X509 *pki_chain_cert(const struct pki_chain *chain, size_t i)
{
	return i < pki_chain_count(chain) ? sk_X509_value(chain->certs, (int)i) : NULL;
}

EVP_PKEY *pki_chain_pubkey(const struct pki_chain *chain)
{
	X509 *leaf = pki_chain_cert(chain, 0);

	return leaf ? X509_get0_pubkey(leaf) : NULL;
}

/* ---- trust anchors ---------------------------------------------------- */

int pki_trust_new(struct pki_trust **out)
{
	struct pki_trust *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t || !(t->store = X509_STORE_new()) || !(t->certs = sk_X509_new_null())) {
		pki_trust_free(t);
		return -RTX_ENOMEM;
	}
	*out = t;
	return 0;
}

void pki_trust_free(struct pki_trust *trust)
{
	if (!trust)
		return;
	X509_STORE_free(trust->store);
	sk_X509_pop_free(trust->certs, X509_free);
	free(trust);
}

int pki_trust_add(struct pki_trust *trust, X509 *cert)
{
	/* Two credentials often carry the same root: keep one. */
	for (int i = 0; i < sk_X509_num(trust->certs); i++)
		if (!X509_cmp(sk_X509_value(trust->certs, i), cert))
			return 0;
	if (!X509_STORE_add_cert(trust->store, cert)) {
		ERR_clear_error();
		return -RTX_ENOMEM;
	}
	if (!X509_up_ref(cert))
		return -RTX_ENOMEM;
	if (!sk_X509_push(trust->certs, cert)) {
		X509_free(cert);
		return -RTX_ENOMEM;
	}
	return 0;
}

int pki_trust_add_cred(struct pki_trust *trust, const struct pki_cred *cred)
{
	/* A bundle's own leaf is us, not an authority over the peer. */
	size_t first = cred->key ? 1 : 0;

	for (size_t i = first; i < pki_cred_count(cred); i++) {
		int rc = pki_trust_add(trust, pki_cred_cert(cred, i));

		if (rc)
			return rc;
	}
	return 0;
}

size_t pki_trust_count(const struct pki_trust *trust)
{
	return (size_t)sk_X509_num(trust->certs);
}

int pki_trust_certreq(struct crypto_lib *lib, const struct pki_trust *trust, uint8_t **out,
		      size_t *len)
{
	size_t n = 0, max = pki_trust_count(trust);
	uint8_t *buf;

	*out = NULL;
	*len = 0;
	if (max == 0)
		return 0;
	buf = malloc(max * PKI_SPKI_HASH_LEN);
	if (!buf)
		return -RTX_ENOMEM;
	for (size_t i = 0; i < max; i++) {
		X509 *x = sk_X509_value(trust->certs, (int)i);
		int rc;

		/* Only authorities: a pinned end-entity certificate is no CA
		 * a peer could pick its chain by. */
		if (!X509_check_ca(x))
			continue;
		rc = pki_cert_spki_sha1(lib, x, buf + n * PKI_SPKI_HASH_LEN);
		if (rc) {
			free(buf);
			return rc;
		}
		n++;
	}
	if (n == 0) {
		free(buf);
		return 0;
	}
	*out = buf;
	*len = n * PKI_SPKI_HASH_LEN;
	return 0;
}

/* ---- verification ----------------------------------------------------- */

const char *pki_verify_reason_text(enum pki_verify_reason reason)
{
	switch (reason) {
	case PKI_VERIFY_OK:
		return "certificate verified";
	case PKI_VERIFY_UNTRUSTED:
		return "certificate issued by an unknown CA";
	case PKI_VERIFY_EXPIRED:
		return "certificate has expired";
	case PKI_VERIFY_NOT_YET_VALID:
		return "certificate is not yet valid";
	case PKI_VERIFY_REVOKED:
		return "certificate has been revoked";
	case PKI_VERIFY_BAD_SIGNATURE:
		return "bad signature in the certificate chain";
	case PKI_VERIFY_KEY_USAGE:
		return "certificate not allowed for digital signatures";
	case PKI_VERIFY_NOT_CA:
		return "issuer certificate is not a CA";
	case PKI_VERIFY_PATH_LENGTH:
		return "certificate chain exceeds a path length constraint";
	case PKI_VERIFY_WEAK:
		return "key or signature in the certificate chain too weak";
	case PKI_VERIFY_CRL_EXPIRED:
		return "CRL has expired";
	case PKI_VERIFY_CRL_NOT_YET_VALID:
		return "CRL is not yet valid";
	case PKI_VERIFY_CRL_SIGNATURE:
		return "bad CRL signature";
	case PKI_VERIFY_CRL_UNUSABLE:
		return "CRL is not from the certificate's issuer";
	case PKI_VERIFY_MALFORMED:
		return "malformed certificate or unknown critical extension";
	case PKI_VERIFY_NO_CERT:
		return "no certificate received";
	case PKI_VERIFY_FAILED:
		break;
	}
	return "certificate verification failed";
}

static enum pki_verify_reason map_error(int e)
{
	switch (e) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_UNTRUSTED:
	case X509_V_ERR_CERT_REJECTED:
		return PKI_VERIFY_UNTRUSTED;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return PKI_VERIFY_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return PKI_VERIFY_NOT_YET_VALID;
	case X509_V_ERR_CERT_REVOKED:
		return PKI_VERIFY_REVOKED;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
		return PKI_VERIFY_BAD_SIGNATURE;
	case X509_V_ERR_INVALID_CA:
	case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
		return PKI_VERIFY_NOT_CA;
	case X509_V_ERR_INVALID_PURPOSE:
		return PKI_VERIFY_KEY_USAGE;
	case X509_V_ERR_PATH_LENGTH_EXCEEDED:
	case X509_V_ERR_CERT_CHAIN_TOO_LONG:
		return PKI_VERIFY_PATH_LENGTH;
	case X509_V_ERR_EE_KEY_TOO_SMALL:
	case X509_V_ERR_CA_KEY_TOO_SMALL:
	case X509_V_ERR_CA_MD_TOO_WEAK:
		return PKI_VERIFY_WEAK;
	case X509_V_ERR_CRL_HAS_EXPIRED:
		return PKI_VERIFY_CRL_EXPIRED;
	case X509_V_ERR_CRL_NOT_YET_VALID:
		return PKI_VERIFY_CRL_NOT_YET_VALID;
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
		return PKI_VERIFY_CRL_SIGNATURE;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
	case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
	case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
	case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
	case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
		return PKI_VERIFY_CRL_UNUSABLE;
	case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
	case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
	case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
	case X509_V_ERR_INVALID_EXTENSION:
	case X509_V_ERR_INVALID_NON_CA:
		return PKI_VERIFY_MALFORMED;
	default:
		return PKI_VERIFY_FAILED;
	}
}

/* RFC 4945 5.1.3.2: with a keyUsage extension, an end-entity certificate
 * signs IKE AUTH only with digitalSignature or nonRepudiation set.
 * OpenSSL has no IKE purpose that would check this for us. */
static bool leaf_may_sign(X509 *leaf)
{
	uint32_t ku = X509_get_key_usage(leaf);

	return ku == UINT32_MAX || (ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION));
}

static int fail(struct pki_verify_result *res, enum pki_verify_reason r, int depth, int e)
{
	res->reason = r;
	res->depth = depth;
	res->x509_error = e;
	ERR_clear_error();
	return -RTX_EAUTH;
}

/* Sets time, security level and CRL use on an initialised context. The
 * CRL stack is owned by the caller (set0 lends it). */
static void setup_ctx(X509_STORE_CTX *ctx, STACK_OF(X509_CRL) *crls, time_t now)
{
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);

	/* The caller's clock, not the host's: tests run on a virtual one. */
	X509_VERIFY_PARAM_set_time(param, now);
	X509_VERIFY_PARAM_set_auth_level(param, PKI_AUTH_LEVEL);
	X509_VERIFY_PARAM_set_depth(param, PKI_CHAIN_MAX);
	if (crls) {
		X509_STORE_CTX_set0_crls(ctx, crls);
		X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK);
	}
}

int pki_verify(struct crypto_lib *lib, const struct pki_trust *trust,
	       const struct pki_chain *peer, const struct pki_crl *crl, time_t now,
	       struct pki_verify_result *res)
{
	X509 *leaf = peer ? pki_chain_cert(peer, 0) : NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *untrusted = NULL;
	STACK_OF(X509_CRL) *crls = NULL;
	int rc = -RTX_ENOMEM;

	*res = (struct pki_verify_result){ PKI_VERIFY_OK, -1, X509_V_OK };
	if (!leaf)
		return fail(res, PKI_VERIFY_NO_CERT, -1, X509_V_OK);
	ctx = X509_STORE_CTX_new_ex(crypto_lib_ctx(lib), NULL);
	untrusted = sk_X509_new_null();
	if (!ctx || !untrusted)
		goto out;
	for (size_t i = 1; i < pki_chain_count(peer); i++)
		if (!sk_X509_push(untrusted, pki_chain_cert(peer, i)))
			goto out;
	if (crl && (!(crls = sk_X509_CRL_new_null()) || !sk_X509_CRL_push(crls, crl->crl)))
		goto out;
	if (!X509_STORE_CTX_init(ctx, trust->store, leaf, untrusted))
		goto out;
	setup_ctx(ctx, crls, now);
	if (X509_verify_cert(ctx) != 1) {
		int e = X509_STORE_CTX_get_error(ctx);

		rc = fail(res, e == X509_V_OK ? PKI_VERIFY_FAILED : map_error(e),
			  X509_STORE_CTX_get_error_depth(ctx), e);
	} else if (!leaf_may_sign(leaf)) {
		rc = fail(res, PKI_VERIFY_KEY_USAGE, 0, X509_V_OK);
	} else {
		rc = 0;
	}
out:
	if (rc == -RTX_ENOMEM)
		ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);        /* borrowed certificates */
	sk_X509_CRL_free(crls);
	return rc;
}
