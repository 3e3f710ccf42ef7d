/* Credentials: PKCS#12 bundles and PEM certificate files, CRL files, and
 * the key policy (which key types we sign and verify with). */
#include "engine/pki.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/err.h"
#include "engine/pki_priv.h"

/* Certificate files are a few kilobytes; anything near this is not one,
 * and reading it whole would only cost memory. */
#define PKI_FILE_MAX ((size_t)1 << 20)

/* ---- key policy ------------------------------------------------------- */

static int ec_curve_nid(const EVP_PKEY *key)
{
	char group[64];
	size_t len = 0;
	int nid;

	if (!EVP_PKEY_get_group_name(key, group, sizeof(group), &len))
		return NID_undef;
	nid = OBJ_sn2nid(group);
	return nid != NID_undef ? nid : EC_curve_nist2nid(group);
}

enum pki_key_type pki_key_type(const EVP_PKEY *key, unsigned *bits)
{
	int b = key ? EVP_PKEY_get_bits(key) : 0;

	if (bits)
		*bits = b > 0 ? (unsigned)b : 0;
	if (!key)
		return PKI_KEY_UNSUPPORTED;
	/* "RSA" excludes RSA-PSS keys: a key restricted to PSS cannot make
	 * the PKCS#1 v1.5 signatures of auth method 1. */
	if (EVP_PKEY_is_a(key, "RSA"))
		return b >= PKI_RSA_MIN_BITS && b <= PKI_RSA_MAX_BITS ? PKI_KEY_RSA
								      : PKI_KEY_UNSUPPORTED;
	if (!EVP_PKEY_is_a(key, "EC"))
		return PKI_KEY_UNSUPPORTED;
	switch (ec_curve_nid(key)) {
	case NID_X9_62_prime256v1:
		return PKI_KEY_ECDSA_P256;
	case NID_secp384r1:
		return PKI_KEY_ECDSA_P384;
	case NID_secp521r1:
		return PKI_KEY_ECDSA_P521;
	default:
		return PKI_KEY_UNSUPPORTED;
	}
}

void pki_key_describe(const EVP_PKEY *key, char *buf, size_t cap)
{
	unsigned bits;
	enum pki_key_type t = pki_key_type(key, &bits);
	const char *curve, *tname;

	if (!key) {
		snprintf(buf, cap, "none");
		return;
	}
	switch (t) {
	case PKI_KEY_ECDSA_P256:
		snprintf(buf, cap, "ECDSA P-256");
		return;
	case PKI_KEY_ECDSA_P384:
		snprintf(buf, cap, "ECDSA P-384");
		return;
	case PKI_KEY_ECDSA_P521:
		snprintf(buf, cap, "ECDSA P-521");
		return;
	default:
		break;
	}
	if (EVP_PKEY_is_a(key, "EC")) {
		curve = OBJ_nid2sn(ec_curve_nid(key));
		snprintf(buf, cap, "EC %s", curve ? curve : "unknown curve");
		return;
	}
	tname = EVP_PKEY_get0_type_name(key);
	if (!tname)
		tname = "unknown";
	/* EdDSA and friends: the name says the size. */
	if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS") ||
	    EVP_PKEY_is_a(key, "DSA"))
		snprintf(buf, cap, "%s %u", tname, bits);
	else
		snprintf(buf, cap, "%s", tname);
}

/* ---- load errors ------------------------------------------------------ */

static int status_err(enum pki_load_status st)
{
	switch (st) {
	case PKI_LOAD_OK:
		return 0;
	case PKI_LOAD_UNREADABLE:
		return -RTX_EIO;
	case PKI_LOAD_BAD_FORMAT:
	case PKI_LOAD_NO_CERT:
		return -RTX_EPARSE;
	case PKI_LOAD_BAD_PASSWORD:
		return -RTX_EAUTH;
	case PKI_LOAD_NO_KEY:
		return -RTX_ENOENT;
	case PKI_LOAD_KEY_MISMATCH:
		return -RTX_EINVAL;
	case PKI_LOAD_UNSUPPORTED_KEY:
	case PKI_LOAD_UNSUPPORTED_CIPHER:
		return -RTX_EUNSUPP;
	case PKI_LOAD_TOO_MANY:
		return -RTX_ERANGE;
	case PKI_LOAD_NO_MEMORY:
		break;
	}
	return -RTX_ENOMEM;
}

/* Records why and returns the matching rtx_err. OpenSSL's error queue is
 * emptied: its entries are ours to interpret, not a stale trap for the
 * next caller. */
__attribute__((format(printf, 3, 4)))
static int load_fail(struct pki_load_error *err, enum pki_load_status st, const char *fmt, ...)
{
	va_list ap;

	ERR_clear_error();
	if (err) {
		err->status = st;
		va_start(ap, fmt);
		vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
		va_end(ap);
	}
	return status_err(st);
}

static void load_ok(struct pki_load_error *err)
{
	if (err) {
		err->status = PKI_LOAD_OK;
		err->reason[0] = '\0';
	}
}

/* The whole file in memory, with errno in the reason when it fails. */
static int read_file(const char *path, uint8_t **out, size_t *out_len,
		     struct pki_load_error *err)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*out = NULL;
	if (fd < 0)
		return load_fail(err, PKI_LOAD_UNREADABLE, "cannot read the file (%s)",
				 strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return load_fail(err, PKI_LOAD_UNREADABLE, "cannot read the file (%s)",
				 strerror(e));
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > PKI_FILE_MAX) {
		close(fd);
		return load_fail(err, PKI_LOAD_UNREADABLE, "cannot read the file (%s)",
				 S_ISDIR(st.st_mode) ? strerror(EISDIR) :
				 !S_ISREG(st.st_mode) ? "not a regular file" :
				 "too large for a certificate file");
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return load_fail(err, PKI_LOAD_NO_MEMORY, "out of memory");
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			close(fd);
			free(buf);
			return load_fail(err, PKI_LOAD_UNREADABLE, "cannot read the file (%s)",
					 strerror(e));
		}
		len += (size_t)n;
	}
	close(fd);
	*out = buf;
	*out_len = len;
	return 0;
}

static void free_file(uint8_t *buf, size_t len)
{
	/* A PKCS#12 file is encrypted, but its plaintext password-derived
	 * structures are not ours to leave lying in freed heap either. */
	if (buf)
		OPENSSL_cleanse(buf, len);
	free(buf);
}

/* ---- credentials ------------------------------------------------------ */

EVP_PKEY *pki_cred_key(const struct pki_cred *cred)
{
	return cred->key;
}

size_t pki_cred_count(const struct pki_cred *cred)
{
	return (size_t)sk_X509_num(cred->certs);
}

X509 *pki_cred_cert(const struct pki_cred *cred, size_t i)
{
	return i < pki_cred_count(cred) ? sk_X509_value(cred->certs, (int)i) : NULL;
}

void pki_cred_free(struct pki_cred *cred)
{
	if (!cred)
		return;
	EVP_PKEY_free(cred->key);
	sk_X509_pop_free(cred->certs, X509_free);
	free(cred);
}

/* Puts the issuer of each certificate right after it, starting from the
 * leaf, and returns how many lead the stack as leaf + intermediates: the
 * path minus a self-signed root at its end. */
static size_t order_chain(STACK_OF(X509) *sk)
{
	int n = sk_X509_num(sk), i = 0;

	while (i + 1 < n) {
		X509 *cur = sk_X509_value(sk, i);
		int j;

		if (X509_self_signed(cur, 0) == 1)
			break;
		for (j = i + 1; j < n; j++)
			if (X509_check_issued(sk_X509_value(sk, j), cur) == X509_V_OK)
				break;
		if (j == n)
			break;
		if (j != i + 1) {
			X509 *tmp = sk_X509_value(sk, i + 1);

			sk_X509_set(sk, i + 1, sk_X509_value(sk, j));
			sk_X509_set(sk, j, tmp);
		}
		i++;
	}
	if (i > 0 && X509_self_signed(sk_X509_value(sk, i), 0) == 1)
		return (size_t)i;
	return (size_t)i + 1;
}

/* Index of the certificate whose public key is key's, or -1. */
static int find_key_cert(EVP_PKEY *key, X509 *const *certs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ok = X509_check_private_key(certs[i], key);

		ERR_clear_error();   /* a mismatch leaves "key values mismatch" */
		if (ok == 1)
			return (int)i;
	}
	return -1;
}

static int check_key(EVP_PKEY *key, struct pki_load_error *err)
{
	char desc[48];

	if (pki_key_type(key, NULL) != PKI_KEY_UNSUPPORTED)
		return 0;
	pki_key_describe(key, desc, sizeof(desc));
	return load_fail(err, PKI_LOAD_UNSUPPORTED_KEY,
			 "unsupported key %s (RSA of %d to %d bits or ECDSA P-256, P-384, P-521)",
			 desc, PKI_RSA_MIN_BITS, PKI_RSA_MAX_BITS);
}

int pki_cred_from(EVP_PKEY *key, X509 *const *certs, size_t n, struct pki_cred **out,
		  struct pki_load_error *err)
{
	struct pki_cred *c;
	int leaf = 0, rc;

	*out = NULL;
	if (n == 0)
		return load_fail(err, PKI_LOAD_NO_CERT, "no certificate in the file");
	if (n > PKI_CRED_MAX_CERTS)
		return load_fail(err, PKI_LOAD_TOO_MANY, "more than %d certificates in the file",
				 PKI_CRED_MAX_CERTS);
	if (key) {
		rc = check_key(key, err);
		if (rc)
			return rc;
		leaf = find_key_cert(key, certs, n);
		if (leaf < 0)
			return load_fail(err, PKI_LOAD_KEY_MISMATCH,
					 "the private key belongs to none of the certificates");
	}
	c = calloc(1, sizeof(*c));
	if (!c || !(c->certs = sk_X509_new_reserve(NULL, (int)n)))
		goto nomem;
	/* The leaf first, the rest in their given order for now. */
	for (size_t i = 0; i < n; i++) {
		X509 *x = certs[i == 0 ? (size_t)leaf : i == (size_t)leaf ? 0 : i];

		if (!X509_up_ref(x))
			goto nomem;
		sk_X509_push(c->certs, x);   /* reserved above: cannot fail */
	}
	if (key) {
		if (!EVP_PKEY_up_ref(key))
			goto nomem;
		c->key = key;
		c->n_send = order_chain(c->certs);
	}
	load_ok(err);
	*out = c;
	return 0;
nomem:
	pki_cred_free(c);
	return load_fail(err, PKI_LOAD_NO_MEMORY, "out of memory");
}

/* Whether the error queue says a needed algorithm is not available (the
 * legacy ciphers of older PKCS#12 files), as opposed to bad data. */
static bool unsupported_in_queue(void)
{
	unsigned long e;

	while ((e = ERR_get_error()) != 0) {
		int r = ERR_GET_REASON(e);

		if (r == ERR_R_UNSUPPORTED || r == ERR_R_FETCH_FAILED ||
		    (ERR_GET_LIB(e) == ERR_LIB_EVP && (r == EVP_R_UNSUPPORTED_ALGORITHM ||
							r == EVP_R_UNSUPPORTED_CIPHER)))
			return true;
	}
	return false;
}

/* An empty password and none are the same thing to PKCS#12 tools, which
 * write one or the other; accept either, as PKCS12_parse does. */
static bool p12_mac_ok(PKCS12 *p12, const char *pass)
{
	if (!PKCS12_mac_present(p12))
		return true;
	if (pass && *pass)
		return PKCS12_verify_mac(p12, pass, -1) == 1;
	return PKCS12_verify_mac(p12, NULL, 0) == 1 || PKCS12_verify_mac(p12, "", 0) == 1;
}

static int p12_open(PKCS12 *p12, const char *pass, EVP_PKEY **key, X509 **cert,
		    STACK_OF(X509) **ca, struct pki_load_error *err)
{
	bool has_mac = PKCS12_mac_present(p12);

	if (!p12_mac_ok(p12, pass))
		return load_fail(err, PKI_LOAD_BAD_PASSWORD,
				 "wrong password for the PKCS#12 file");
	if (PKCS12_parse(p12, pass, key, cert, ca))
		return 0;
	if (unsupported_in_queue())
		return load_fail(err, PKI_LOAD_UNSUPPORTED_CIPHER,
				 "the PKCS#12 file uses a legacy cipher (such as RC2); "
				 "export it again with AES");
	/* Without a MAC only decryption can tell a wrong password. */
	if (!has_mac)
		return load_fail(err, PKI_LOAD_BAD_PASSWORD,
				 "wrong password for the PKCS#12 file, or the file is damaged");
	return load_fail(err, PKI_LOAD_BAD_FORMAT, "the PKCS#12 file is damaged");
}

int pki_cred_load_pkcs12(const char *path, const char *password, struct pki_cred **out,
			 struct pki_load_error *err)
{
	uint8_t *buf;
	size_t len;
	const unsigned char *p;
	PKCS12 *p12 = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *ca = NULL;
	X509 *all[PKI_CRED_MAX_CERTS + 1];
	size_t n = 0;
	int rc = read_file(path, &buf, &len, err);

	*out = NULL;
	if (rc)
		return rc;
	p = buf;
	p12 = d2i_PKCS12(NULL, &p, (long)len);
	if (!p12 || p != buf + len) {
		rc = load_fail(err, PKI_LOAD_BAD_FORMAT, "not a PKCS#12 file");
		goto out;
	}
	rc = p12_open(p12, password, &key, &cert, &ca, err);
	if (rc)
		goto out;
	if (!key) {
		rc = load_fail(err, PKI_LOAD_NO_KEY, "the PKCS#12 file holds no private key");
		goto out;
	}
	if (sk_X509_num(ca) > PKI_CRED_MAX_CERTS) {
		rc = load_fail(err, PKI_LOAD_TOO_MANY, "more than %d certificates in the file",
			       PKI_CRED_MAX_CERTS);
		goto out;
	}
	/* PKCS12_parse pairs key and certificate by localKeyID; files without
	 * one leave cert NULL and the certificate among ca, where
	 * pki_cred_from finds it by key. */
	if (cert)
		all[n++] = cert;
	for (int i = 0; i < sk_X509_num(ca); i++)
		all[n++] = sk_X509_value(ca, i);
	rc = pki_cred_from(key, all, n, out, err);
out:
	EVP_PKEY_free(key);
	X509_free(cert);
	sk_X509_pop_free(ca, X509_free);
	PKCS12_free(p12);
	free_file(buf, len);
	return rc;
}

/* Reads PEM certificates; 0 with *n certificates, or a load error. */
static int read_pem_certs(const uint8_t *buf, size_t len, X509 **certs, size_t *n,
			  struct pki_load_error *err)
{
	BIO *bio = BIO_new_mem_buf(buf, (int)len);
	X509 *x;
	unsigned long e;

	*n = 0;
	if (!bio)
		return load_fail(err, PKI_LOAD_NO_MEMORY, "out of memory");
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (*n == PKI_CRED_MAX_CERTS) {
			X509_free(x);
			BIO_free(bio);
			return load_fail(err, PKI_LOAD_TOO_MANY,
					 "more than %d certificates in the file",
					 PKI_CRED_MAX_CERTS);
		}
		certs[(*n)++] = x;
	}
	BIO_free(bio);
	/* The loop ends at "no start line" once the input is used up; any
	 * other error is a damaged certificate block. */
	e = ERR_peek_last_error();
	if (e && !(ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE))
		return load_fail(err, PKI_LOAD_BAD_FORMAT,
				 "certificate %zu of the file is damaged", *n + 1);
	ERR_clear_error();
	return 0;
}

int pki_cred_load_pem(const char *path, struct pki_cred **out, struct pki_load_error *err)
{
	uint8_t *buf;
	size_t len, n = 0;
	X509 *certs[PKI_CRED_MAX_CERTS];
	int rc = read_file(path, &buf, &len, err);

	*out = NULL;
	if (rc)
		return rc;
	rc = read_pem_certs(buf, len, certs, &n, err);
	if (!rc && n == 0) {
		const unsigned char *p = buf;
		X509 *x = d2i_X509(NULL, &p, (long)len);

		if (x && p == buf + len)
			certs[n++] = x;
		else
			X509_free(x);
		if (n == 0)
			rc = load_fail(err, PKI_LOAD_BAD_FORMAT,
				       "no certificate (PEM or DER) in the file");
	}
	if (!rc)
		rc = pki_cred_from(NULL, certs, n, out, err);
	for (size_t i = 0; i < n; i++)
		X509_free(certs[i]);
	free_file(buf, len);
	return rc;
}

int pki_cred_matches_certreq(struct crypto_lib *lib, const struct pki_cred *cred,
			     const uint8_t *hashes, size_t len)
{
	uint8_t h[PKI_SPKI_HASH_LEN];

	if (len % PKI_SPKI_HASH_LEN)
		return -RTX_EPARSE;
	if (len == 0)
		return 1;
	/* The CAs of our chain: everything above the leaf. */
	for (size_t i = 1; i < pki_cred_count(cred); i++) {
		int rc = pki_cert_spki_sha1(lib, pki_cred_cert(cred, i), h);

		if (rc)
			return rc;
		for (size_t off = 0; off < len; off += PKI_SPKI_HASH_LEN)
			if (!memcmp(h, hashes + off, PKI_SPKI_HASH_LEN))
				return 1;
	}
	return 0;
}

int pki_cred_select(struct crypto_lib *lib, struct pki_cred *const *creds, size_t n,
		    const uint8_t *hashes, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		int rc;

		if (!creds[i]->key)
			continue;
		rc = pki_cred_matches_certreq(lib, creds[i], hashes, len);
		if (rc < 0)
			return rc;
		if (rc == 1)
			return (int)i;
	}
	return -RTX_ENOENT;
}

size_t pki_cred_send_chain(const struct pki_cred *cred, X509 **out, size_t max)
{
	size_t n = cred->n_send < max ? cred->n_send : max;

	for (size_t i = 0; i < n; i++)
		out[i] = pki_cred_cert(cred, i);
	return n;
}

/* ---- CRLs ------------------------------------------------------------- */

int pki_crl_from(X509_CRL *crl, struct pki_crl **out)
{
	struct pki_crl *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c || !X509_CRL_up_ref(crl)) {
		free(c);
		return -RTX_ENOMEM;
	}
	c->crl = crl;
	*out = c;
	return 0;
}

int pki_crl_ref(const struct pki_crl *crl, struct pki_crl **out)
{
	return pki_crl_from(crl->crl, out);
}

void pki_crl_free(struct pki_crl *crl)
{
	if (!crl)
		return;
	X509_CRL_free(crl->crl);
	free(crl);
}

int pki_crl_load(const char *path, struct pki_crl **out, struct pki_load_error *err)
{
	uint8_t *buf;
	size_t len;
	X509_CRL *x = NULL;
	BIO *bio;
	int rc = read_file(path, &buf, &len, err);

	*out = NULL;
	if (rc)
		return rc;
	bio = BIO_new_mem_buf(buf, (int)len);
	if (bio)
		x = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!x) {
		const unsigned char *p = buf;

		ERR_clear_error();
		x = d2i_X509_CRL(NULL, &p, (long)len);
		if (x && p != buf + len) {
			X509_CRL_free(x);
			x = NULL;
		}
	}
	if (!x)
		rc = load_fail(err, PKI_LOAD_BAD_FORMAT, "not a CRL (PEM or DER)");
	else if (pki_crl_from(x, out))
		rc = load_fail(err, PKI_LOAD_NO_MEMORY, "out of memory");
	else
		load_ok(err);
	X509_CRL_free(x);
	free_file(buf, len);
	return rc;
}
