/* The test PKI of pki_fixture.h, made with OpenSSL's X509 API. */
#include "tests/pki_fixture.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

#include "engine/config.h"
#include "engine/pki.h"
#include "engine/pki_store.h"

enum cert_kind { ROOT, INTER, SUBCA, LEAF, LEAF_NO_DIGSIG };

struct cert_spec {
	const char *tag;
	enum pki_fx_key key;
	int issuer;                  /* enum pki_fx_cert, -1 self-signed */
	enum cert_kind kind;
	long not_before, not_after;  /* offsets from now */
	uint8_t host;                /* last octet of its addresses */
	const char *san;             /* NULL: derived from tag and host */
};

#define CA_LIFE (10 * PKI_FX_YEAR)

/* Issuers come before what they issue: certificates are made in order. */
static const struct cert_spec specs[FX_CERT_COUNT] = {
	[FX_ROOT] = { "root", FX_KEY_ROOT, -1, ROOT, -CA_LIFE, CA_LIFE, 0, NULL },
	[FX_INTER] = { "inter", FX_KEY_INTER, FX_ROOT, INTER, -CA_LIFE, CA_LIFE, 0, NULL },
	[FX_SUBCA] = { "subca", FX_KEY_P384, FX_INTER, SUBCA, -CA_LIFE, CA_LIFE, 0, NULL },
	[FX_ROGUE_ROOT] = { "rogue", FX_KEY_ROGUE, -1, ROOT, -CA_LIFE, CA_LIFE, 0, NULL },
	[FX_LEAF_RSA2048] = { "rsa2048", FX_KEY_RSA2048, FX_INTER, LEAF, -PKI_FX_DAY,
			      PKI_FX_YEAR, 11, NULL },
	[FX_LEAF_RSA3072] = { "rsa3072", FX_KEY_RSA3072, FX_INTER, LEAF, -PKI_FX_DAY,
			      PKI_FX_YEAR, 12, NULL },
	[FX_LEAF_P256] = { "p256", FX_KEY_P256, FX_INTER, LEAF, -PKI_FX_DAY, PKI_FX_YEAR,
			   13, NULL },
	[FX_LEAF_P384] = { "p384", FX_KEY_P384, FX_INTER, LEAF, -PKI_FX_DAY, PKI_FX_YEAR,
			   14, NULL },
	[FX_LEAF_P521] = { "p521", FX_KEY_P521, FX_INTER, LEAF, -PKI_FX_DAY, PKI_FX_YEAR,
			   15, NULL },
	[FX_LEAF_EXPIRED] = { "expired", FX_KEY_P256, FX_INTER, LEAF, -2 * PKI_FX_YEAR,
			      -PKI_FX_YEAR, 16, NULL },
	[FX_LEAF_NOT_YET] = { "not-yet", FX_KEY_P256, FX_INTER, LEAF, 30 * PKI_FX_DAY,
			      PKI_FX_YEAR, 17, NULL },
	[FX_LEAF_REVOKED] = { "revoked", FX_KEY_P256, FX_INTER, LEAF, -PKI_FX_DAY,
			      PKI_FX_YEAR, 18, NULL },
	[FX_LEAF_WRONG_SAN] = { "wrong-san", FX_KEY_P256, FX_INTER, LEAF, -PKI_FX_DAY,
				PKI_FX_YEAR, 19,
				"DNS:other.example.org,IP:198.51.100.19,"
				"email:ike@other.example.org" },
	[FX_LEAF_ROGUE] = { "rogue-leaf", FX_KEY_P256, FX_ROGUE_ROOT, LEAF, -PKI_FX_DAY,
			    PKI_FX_YEAR, 20, NULL },
	[FX_LEAF_BAD_SIG] = { "bad-sig", FX_KEY_P256, FX_INTER, LEAF, -PKI_FX_DAY,
			      PKI_FX_YEAR, 21, NULL },
	[FX_LEAF_NO_DIGSIG] = { "no-digsig", FX_KEY_P256, FX_INTER, LEAF_NO_DIGSIG,
				-PKI_FX_DAY, PKI_FX_YEAR, 22, NULL },
	[FX_LEAF_DEEP] = { "deep", FX_KEY_P256, FX_SUBCA, LEAF, -PKI_FX_DAY, PKI_FX_YEAR,
			   23, NULL },
	[FX_LEAF_BY_LEAF] = { "by-leaf", FX_KEY_P256, FX_LEAF_RSA2048, LEAF, -PKI_FX_DAY,
			      PKI_FX_YEAR, 24, NULL },
	[FX_LEAF_WEAK] = { "weak", FX_KEY_RSA1024, FX_INTER, LEAF, -PKI_FX_DAY, PKI_FX_YEAR,
			   25, NULL },
	[FX_LEAF_ED25519] = { "ed25519", FX_KEY_ED25519, FX_INTER, LEAF, -PKI_FX_DAY,
			      PKI_FX_YEAR, 26, NULL },
};

/* ---- names ------------------------------------------------------------ */

const char *pki_fixture_tag(enum pki_fx_cert c)
{
	return specs[c].tag;
}

void pki_fixture_fqdn(enum pki_fx_cert c, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s.example.com", specs[c].tag);
}

void pki_fixture_email(enum pki_fx_cert c, char *buf, size_t cap)
{
	snprintf(buf, cap, "ike@%s.example.com", specs[c].tag);
}

void pki_fixture_ipv4(enum pki_fx_cert c, uint8_t out[4])
{
	const uint8_t a[4] = { 192, 0, 2, specs[c].host };

	memcpy(out, a, 4);
}

void pki_fixture_ipv6(enum pki_fx_cert c, uint8_t out[16])
{
	memset(out, 0, 16);
	out[0] = 0x20;
	out[1] = 0x01;
	out[2] = 0x0d;
	out[3] = 0xb8;
	out[15] = specs[c].host;
}

/* ---- building --------------------------------------------------------- */

static EVP_PKEY *make_key(enum pki_fx_key k)
{
	switch (k) {
	case FX_KEY_RSA2048:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	case FX_KEY_RSA3072:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
	case FX_KEY_RSA1024:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	case FX_KEY_ROOT:
	case FX_KEY_P384:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	case FX_KEY_P521:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
	case FX_KEY_ED25519:
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	default:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	}
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
	ok = ext && X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

static int set_name(X509_NAME *name, const char *cn)
{
	return X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC,
					  (const unsigned char *)"JP", -1, -1, 0) &&
	       X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
					  (const unsigned char *)"rtxsh test", -1, -1, 0) &&
	       X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					  (const unsigned char *)cn, -1, -1, 0) ? 0 : -1;
}

/* san: the leaf's subjectAltName, NULL for the one of its spec. */
static int add_extensions(X509 *x, X509 *issuer, enum pki_fx_cert c, const char *san_of)
{
	const struct cert_spec *s = &specs[c];
	char san[256], fqdn[64], email[80];
	int rc;

	rc = add_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (!rc && s->kind != ROOT)
		rc = add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
	if (rc)
		return rc;
	switch (s->kind) {
	case ROOT:
	case SUBCA:
		rc = add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE");
		return rc ? rc : add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	case INTER:
		rc = add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
		return rc ? rc : add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	default:
		break;
	}
	rc = add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE");
	if (!rc)
		rc = add_ext(x, issuer, NID_key_usage, s->kind == LEAF_NO_DIGSIG
			     ? "critical,keyEncipherment" : "critical,digitalSignature");
	if (rc)
		return rc;
	pki_fixture_fqdn(c, fqdn, sizeof(fqdn));
	pki_fixture_email(c, email, sizeof(email));
	snprintf(san, sizeof(san), "DNS:%s,IP:192.0.2.%u,IP:2001:db8::%x,email:%s", fqdn,
		 s->host, s->host, email);
	return add_ext(x, issuer, NID_subject_alt_name, san_of ? san_of : s->san ? s->san : san);
}

/* Flips the last bit of the signature by a DER round trip. */
static X509 *spoil_signature(X509 *x)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int n = i2d_X509(x, &der);
	X509 *bad = NULL;

	if (n > 0) {
		der[n - 1] ^= 0x01;
		p = der;
		bad = d2i_X509(NULL, &p, n);
	}
	OPENSSL_free(der);
	X509_free(x);
	return bad;
}

/* Certificate c as its spec says; a leaf may take another name (subject
 * CN and its only SAN, a DNS name) and serial (pki_fixture_leaf). */
static X509 *issue(const struct pki_fixture *fx, enum pki_fx_cert c, const char *fqdn,
		   long serial)
{
	const struct cert_spec *s = &specs[c];
	X509 *x = X509_new();
	X509 *issuer = s->issuer < 0 ? x : fx->cert[s->issuer];
	EVP_PKEY *ikey = fx->key[s->issuer < 0 ? s->key : specs[s->issuer].key];
	char cn[64], san[80];
	/* A CA with an ECDSA P-384 key signs with SHA-384, the others SHA-256. */
	const EVP_MD *md = EVP_PKEY_get_bits(ikey) == 384 ? EVP_sha384() : EVP_sha256();

	if (!x || !issuer)
		goto fail;
	if (fqdn)
		snprintf(cn, sizeof(cn), "%s", fqdn);
	else
		pki_fixture_fqdn(c, cn, sizeof(cn));
	snprintf(san, sizeof(san), "DNS:%s", cn);
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), serial) ||
	    !ASN1_TIME_set(X509_getm_notBefore(x), fx->now + s->not_before) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), fx->now + s->not_after) ||
	    !X509_set_pubkey(x, fx->key[s->key]) ||
	    set_name(X509_get_subject_name(x), s->kind == LEAF || s->kind == LEAF_NO_DIGSIG
		     ? cn : s->tag) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(issuer)) ||
	    add_extensions(x, issuer, c, fqdn ? san : NULL) || !X509_sign(x, ikey, md))
		goto fail;
	return c == FX_LEAF_BAD_SIG ? spoil_signature(x) : x;
fail:
	X509_free(x);
	return NULL;
}

X509 *pki_fixture_leaf(const struct pki_fixture *fx, enum pki_fx_cert like, const char *fqdn,
			long serial)
{
	return specs[like].kind == LEAF ? issue(fx, like, fqdn, serial) : NULL;
}

struct pki_cred *pki_fixture_cred(const struct pki_fixture *fx, enum pki_fx_cert c,
				  X509 *instead)
{
	X509 *certs[8] = { instead ? instead : fx->cert[c] };
	size_t n = 1 + pki_fixture_chain(fx, c, certs + 1, 7);
	struct pki_cred *cred;
	struct pki_load_error err;
	return pki_cred_from(pki_fixture_key(fx, c), certs, n, &cred, &err) ? NULL : cred;
}

int pki_fixture_use(struct pki_store *st, unsigned n, struct pki_cred *cred,
		    struct gateway_config *g)
{
	if (!cred)
		return -1;
	g->psk_len = 0;                     /* auth method auto: the certificate */
	g->pki_cert = n;
	pki_store_put_cert(st, n, cred);
	return 0;
}

static X509_CRL *make_crl(struct pki_fixture *fx, enum pki_fx_cert issuer, EVP_PKEY *key,
			  long last, long next, X509 *revoked)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();
	X509_REVOKED *r = NULL;
	int ok = crl && t && X509_CRL_set_version(crl, X509_CRL_VERSION_2) &&
		 X509_CRL_set_issuer_name(crl, X509_get_subject_name(fx->cert[issuer])) &&
		 ASN1_TIME_set(t, fx->now + last) && X509_CRL_set1_lastUpdate(crl, t) &&
		 ASN1_TIME_set(t, fx->now + next) && X509_CRL_set1_nextUpdate(crl, t);

	if (ok && revoked) {
		r = X509_REVOKED_new();
		ok = r && X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(revoked)) &&
		     ASN1_TIME_set(t, fx->now - PKI_FX_DAY) &&
		     X509_REVOKED_set_revocationDate(r, t) && X509_CRL_add0_revoked(crl, r);
		if (!ok)
			X509_REVOKED_free(r);
	}
	ok = ok && X509_CRL_sort(crl) && X509_CRL_sign(crl, key, EVP_sha256());
	ASN1_TIME_free(t);
	if (!ok) {
		X509_CRL_free(crl);
		return NULL;
	}
	return crl;
}

int pki_fixture_new(time_t now, struct pki_fixture **out)
{
	struct pki_fixture *fx = calloc(1, sizeof(*fx));

	*out = NULL;
	if (!fx)
		return -1;
	fx->now = now;
	for (int k = 0; k < FX_KEY_COUNT; k++)
		if (!(fx->key[k] = make_key((enum pki_fx_key)k)))
			goto fail;
	for (int c = 0; c < FX_CERT_COUNT; c++)
		if (!(fx->cert[c] = issue(fx, (enum pki_fx_cert)c, NULL, 0x1000 + c)))
			goto fail;
	fx->crl[FX_CRL_GOOD] = make_crl(fx, FX_INTER, fx->key[FX_KEY_INTER], -PKI_FX_DAY,
					30 * PKI_FX_DAY, fx->cert[FX_LEAF_REVOKED]);
	fx->crl[FX_CRL_EXPIRED] = make_crl(fx, FX_INTER, fx->key[FX_KEY_INTER],
					   -60 * PKI_FX_DAY, -30 * PKI_FX_DAY, NULL);
	fx->crl[FX_CRL_NOT_YET] = make_crl(fx, FX_INTER, fx->key[FX_KEY_INTER], PKI_FX_DAY,
					   31 * PKI_FX_DAY, NULL);
	fx->crl[FX_CRL_BAD_SIG] = make_crl(fx, FX_INTER, fx->key[FX_KEY_ROGUE], -PKI_FX_DAY,
					   30 * PKI_FX_DAY, fx->cert[FX_LEAF_REVOKED]);
	fx->crl[FX_CRL_ROOT] = make_crl(fx, FX_ROOT, fx->key[FX_KEY_ROOT], -PKI_FX_DAY,
					30 * PKI_FX_DAY, NULL);
	for (int i = 0; i < FX_CRL_COUNT; i++)
		if (!fx->crl[i])
			goto fail;
	*out = fx;
	return 0;
fail:
	ERR_print_errors_fp(stderr);
	pki_fixture_free(fx);
	return -1;
}

void pki_fixture_free(struct pki_fixture *fx)
{
	if (!fx)
		return;
	for (int i = 0; i < FX_KEY_COUNT; i++)
		EVP_PKEY_free(fx->key[i]);
	for (int i = 0; i < FX_CERT_COUNT; i++)
		X509_free(fx->cert[i]);
	for (int i = 0; i < FX_CRL_COUNT; i++)
		X509_CRL_free(fx->crl[i]);
	free(fx);
}

EVP_PKEY *pki_fixture_key(const struct pki_fixture *fx, enum pki_fx_cert c)
{
	return fx->key[specs[c].key];
}

size_t pki_fixture_chain(const struct pki_fixture *fx, enum pki_fx_cert c, X509 **out,
			 size_t max)
{
	size_t n = 0;

	for (int i = specs[c].issuer; i >= 0 && n < max; i = specs[i].issuer)
		out[n++] = fx->cert[i];
	return n;
}

/* ---- files ------------------------------------------------------------ */

void pki_fixture_path(char *buf, size_t cap, const char *dir, const char *file)
{
	snprintf(buf, cap, "%s/%s", dir, file);
}

int pki_fixture_write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

int pki_fixture_write_pem(const char *path, X509 *const *certs, size_t n)
{
	BIO *b = BIO_new_file(path, "w");
	int ok = b != NULL;

	for (size_t i = 0; ok && i < n; i++)
		ok = PEM_write_bio_X509(b, certs[i]);
	BIO_free(b);
	return ok ? 0 : -1;
}

int pki_fixture_write_crl(const char *path, X509_CRL *crl, bool der)
{
	BIO *b = BIO_new_file(path, "wb");
	int ok = b && (der ? i2d_X509_CRL_bio(b, crl) : PEM_write_bio_X509_CRL(b, crl));

	BIO_free(b);
	return ok ? 0 : -1;
}

int pki_fixture_write_p12(const char *path, const struct pki_fx_p12 *s)
{
	STACK_OF(X509) *ca = sk_X509_new_null();
	PKCS12 *p12 = NULL;
	BIO *b = NULL;
	int ok = ca != NULL;

	for (size_t i = 0; ok && i < s->n_ca; i++)
		ok = sk_X509_push(ca, s->ca[i]) > 0;
	if (ok)
		p12 = PKCS12_create_ex(s->password, "rtxsh", s->key, s->cert, ca, s->cipher_nid,
				       s->cipher_nid, 0, 0, 0, s->libctx, NULL);
	ok = p12 && (b = BIO_new_file(path, "wb")) && i2d_PKCS12_bio(b, p12);
	BIO_free(b);
	PKCS12_free(p12);
	sk_X509_free(ca);
	return ok ? 0 : -1;
}

static int write_leaf_p12(const struct pki_fixture *fx, const char *dir, enum pki_fx_cert c,
			  const char *file, bool with_key)
{
	X509 *chain[4];
	char path[512];
	struct pki_fx_p12 s = { PKI_FX_PASSWORD, with_key ? pki_fixture_key(fx, c) : NULL,
				fx->cert[c], chain, 0, 0, NULL };

	s.n_ca = pki_fixture_chain(fx, c, chain, 4);
	pki_fixture_path(path, sizeof(path), dir, file);
	return pki_fixture_write_p12(path, &s);
}

static int write_one_pem(const char *dir, const char *file, X509 *const *certs, size_t n)
{
	char path[512];

	pki_fixture_path(path, sizeof(path), dir, file);
	return pki_fixture_write_pem(path, certs, n);
}

static int write_crls(const struct pki_fixture *fx, const char *dir)
{
	static const struct { enum pki_fx_crl crl; const char *file; bool der; } files[] = {
		{ FX_CRL_GOOD, "crl.pem", false },
		{ FX_CRL_GOOD, "crl.der", true },
		{ FX_CRL_EXPIRED, "crl-expired.pem", false },
		{ FX_CRL_NOT_YET, "crl-not-yet.pem", false },
		{ FX_CRL_BAD_SIG, "crl-bad-sig.pem", false },
		{ FX_CRL_ROOT, "crl-root.pem", false },
	};
	char path[512];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		pki_fixture_path(path, sizeof(path), dir, files[i].file);
		if (pki_fixture_write_crl(path, fx->crl[files[i].crl], files[i].der))
			return -1;
	}
	return 0;
}

int pki_fixture_write(const struct pki_fixture *fx, const char *dir)
{
	X509 *const cas[2] = { fx->cert[FX_ROOT], fx->cert[FX_INTER] };
	char file[64];

	if (write_one_pem(dir, "root.pem", &cas[0], 1) ||
	    write_one_pem(dir, "inter.pem", &cas[1], 1) ||
	    write_one_pem(dir, "rogue.pem", &fx->cert[FX_ROGUE_ROOT], 1) ||
	    write_one_pem(dir, "cas.pem", cas, 2) ||
	    write_leaf_p12(fx, dir, FX_LEAF_P256, "nokey.p12", false) || write_crls(fx, dir))
		return -1;
	for (int c = 0; c < FX_CERT_COUNT; c++) {
		snprintf(file, sizeof(file), "%s.pem", specs[c].tag);
		if (write_one_pem(dir, file, &fx->cert[c], 1))
			return -1;
		if (c < FX_LEAF_RSA2048)
			continue;
		snprintf(file, sizeof(file), "%s.p12", specs[c].tag);
		if (write_leaf_p12(fx, dir, (enum pki_fx_cert)c, file, true))
			return -1;
	}
	return 0;
}

int pki_fixture_mkdtemp(char *buf, size_t cap)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, cap, "%s/rtxsh-pki-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(buf) ? 0 : -1;
}

void pki_fixture_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	while (d && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		pki_fixture_path(path, sizeof(path), dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}
