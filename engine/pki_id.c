/* Identities and key hashes: does an IKE ID name a certificate (RFC 4945
 * 3.1), the DER forms sent in ID and CERT payloads, and the
 * SubjectPublicKeyInfo hash CERTREQ speaks in (RFC 7296 3.7). */
#include "engine/pki.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/err.h"
#include "engine/crypto.h"
#include "engine/payload.h"

typedef bool (*san_eq)(const unsigned char *san, size_t san_len, const uint8_t *id,
		       size_t id_len);

static bool eq_bytes(const unsigned char *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

static bool eq_nocase(const unsigned char *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && !strncasecmp((const char *)a, (const char *)b, alen) &&
	       !memchr(a, 0, alen);
}

/* Mailbox names: the local part is case-sensitive, the domain is not
 * (RFC 5280 7.5). */
static bool eq_mailbox(const unsigned char *a, size_t alen, const uint8_t *b, size_t blen)
{
	const unsigned char *at_a = memrchr(a, '@', alen);
	const uint8_t *at_b = memrchr(b, '@', blen);
	size_t la, lb;

	if (!at_a || !at_b)
		return eq_bytes(a, alen, b, blen);
	la = (size_t)(at_a - a);
	lb = (size_t)(at_b - b);
	return la == lb && !memcmp(a, b, la) &&
	       eq_nocase(at_a, alen - la, at_b, blen - lb);
}

static enum pki_id_match san_find(const X509 *cert, int type, const uint8_t *id, size_t len,
				  san_eq eq)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	enum pki_id_match m = PKI_ID_MISMATCH;

	for (int i = 0; m == PKI_ID_MISMATCH && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const ASN1_STRING *s;

		if (g->type != type)
			continue;
		/* GEN_DNS, GEN_EMAIL and GEN_IPADD all hold an ASN1_STRING. */
		s = g->d.ia5;
		if (eq(s->data, (size_t)s->length, id, len))
			m = PKI_ID_MATCH;
	}
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
	return m;
}

static enum pki_id_match dn_match(const X509 *cert, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509_NAME *name = d2i_X509_NAME(NULL, &p, (long)len);
	enum pki_id_match m = PKI_ID_MISMATCH;

	if (name && p == der + len && !X509_NAME_cmp(name, X509_get_subject_name(cert)))
		m = PKI_ID_MATCH;
	X509_NAME_free(name);
	ERR_clear_error();
	return m;
}

enum pki_id_match pki_id_match(const X509 *cert, uint8_t id_type, const uint8_t *data,
			       size_t len)
{
	if (len == 0 || len > 65535)
		return PKI_ID_MISMATCH;
	switch (id_type) {
	case IKEV2_ID_IPV4_ADDR:
		return len == 4 ? san_find(cert, GEN_IPADD, data, len, eq_bytes)
				: PKI_ID_MISMATCH;
	case IKEV2_ID_IPV6_ADDR:
		return len == 16 ? san_find(cert, GEN_IPADD, data, len, eq_bytes)
				 : PKI_ID_MISMATCH;
	case IKEV2_ID_FQDN:
		return san_find(cert, GEN_DNS, data, len, eq_nocase);
	case IKEV2_ID_RFC822_ADDR:
		return san_find(cert, GEN_EMAIL, data, len, eq_mailbox);
	case IKEV2_ID_DER_ASN1_DN:
		return dn_match(cert, data, len);
	default:
		return PKI_ID_UNSUPPORTED;
	}
}

/* OpenSSL allocates with OPENSSL_malloc; callers of this module free()
 * what they get, so hand over a copy in plain malloc'ed memory. */
static int der_copy(unsigned char *der, int n, uint8_t **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (n <= 0) {
		ERR_clear_error();
		return -RTX_EPARSE;
	}
	*out = malloc((size_t)n);
	if (*out) {
		memcpy(*out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	return *out ? 0 : -RTX_ENOMEM;
}

int pki_cert_subject_der(const X509 *cert, uint8_t **der, size_t *len)
{
	unsigned char *p = NULL;
	int n = i2d_X509_NAME(X509_get_subject_name(cert), &p);

	return der_copy(p, n, der, len);
}

int pki_cert_der(const X509 *cert, uint8_t **der, size_t *len)
{
	unsigned char *p = NULL;
	int n = i2d_X509(cert, &p);

	return der_copy(p, n, der, len);
}

int pki_cert_spki_sha1(struct crypto_lib *lib, const X509 *cert,
		       uint8_t out[PKI_SPKI_HASH_LEN])
{
	unsigned char *der = NULL;
	int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	size_t olen = 0;
	int ok;

	if (n <= 0) {
		ERR_clear_error();
		return -RTX_EPARSE;
	}
	ok = EVP_Q_digest(crypto_lib_ctx(lib), "SHA1", NULL, der, (size_t)n, out, &olen);
	OPENSSL_free(der);
	if (!ok || olen != PKI_SPKI_HASH_LEN) {
		ERR_clear_error();
		return -RTX_ECRYPTO;
	}
	return 0;
}
