/* engine/pki: loading bundles, PEM files and CRLs with every refusal,
 * summaries, chain verification with every failure reason on the
 * fixture's clock, identity binding, CERTREQ hashes and the chain to
 * send. The PKI comes from tests/pki_fixture.c, built once per run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "base/err.h"
#include "engine/crypto.h"
#include "engine/payload.h"
#include "engine/pki.h"
#include "tests/pki_fixture.h"

/* 2025-01-01T00:00:00Z: any fixed time works, the PKI follows it. */
#define NOW ((time_t)1735689600)

struct env {
	struct crypto_lib *lib;
	struct pki_fixture *fx;
	char dir[256];
	struct pki_trust *trust;      /* root + intermediate, from cas.pem */
};

static struct env *E;

static void path_of(char *buf, size_t cap, const char *file)
{
	pki_fixture_path(buf, cap, E->dir, file);
}

static struct pki_cred *load_p12(const char *file, const char *pass)
{
	char path[512];
	struct pki_cred *c = NULL;
	struct pki_load_error err;

	path_of(path, sizeof(path), file);
	assert_int_equal(pki_cred_load_pkcs12(path, pass, &c, &err), 0);
	assert_int_equal(err.status, PKI_LOAD_OK);
	return c;
}

static struct pki_cred *load_pem(const char *file)
{
	char path[512];
	struct pki_cred *c = NULL;
	struct pki_load_error err;

	path_of(path, sizeof(path), file);
	assert_int_equal(pki_cred_load_pem(path, &c, &err), 0);
	return c;
}

static int setup(void **state)
{
	struct pki_cred *cas;

	(void)state;
	E = calloc(1, sizeof(*E));
	if (!E || crypto_lib_new(&E->lib) || pki_fixture_new(NOW, &E->fx) ||
	    pki_fixture_mkdtemp(E->dir, sizeof(E->dir)) || pki_fixture_write(E->fx, E->dir) ||
	    pki_trust_new(&E->trust))
		return -1;
	cas = load_pem("cas.pem");
	if (pki_trust_add_cred(E->trust, cas))
		return -1;
	pki_cred_free(cas);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pki_trust_free(E->trust);
	if (E->dir[0])
		pki_fixture_rmtree(E->dir);
	pki_fixture_free(E->fx);
	crypto_lib_free(E->lib);
	free(E);
	return 0;
}

static X509 *cert(enum pki_fx_cert c)
{
	return E->fx->cert[c];
}

/* ---- loading ---------------------------------------------------------- */

static void test_pkcs12_bundles(void **state)
{
	static const struct { enum pki_fx_cert leaf; enum pki_key_type type; } v[] = {
		{ FX_LEAF_RSA2048, PKI_KEY_RSA }, { FX_LEAF_RSA3072, PKI_KEY_RSA },
		{ FX_LEAF_P256, PKI_KEY_ECDSA_P256 }, { FX_LEAF_P384, PKI_KEY_ECDSA_P384 },
		{ FX_LEAF_P521, PKI_KEY_ECDSA_P521 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char file[64];
		struct pki_cred *c;

		snprintf(file, sizeof(file), "%s.p12", pki_fixture_tag(v[i].leaf));
		c = load_p12(file, PKI_FX_PASSWORD);
		assert_non_null(pki_cred_key(c));
		assert_int_equal(pki_key_type(pki_cred_key(c), NULL), v[i].type);
		/* Leaf, then its issuer, then the root. */
		assert_int_equal(pki_cred_count(c), 3);
		assert_int_equal(X509_cmp(pki_cred_cert(c, 0), cert(v[i].leaf)), 0);
		assert_int_equal(X509_cmp(pki_cred_cert(c, 1), cert(FX_INTER)), 0);
		assert_int_equal(X509_cmp(pki_cred_cert(c, 2), cert(FX_ROOT)), 0);
		assert_null(pki_cred_cert(c, 3));
		pki_cred_free(c);
	}
}

/* Loads path as PKCS#12 and expects a refusal with status st, rc and a
 * reason containing word (and never the password). */
static void expect_p12_error(const char *file, const char *pass, int rc,
			     enum pki_load_status st, const char *word)
{
	char path[512];
	struct pki_cred *c = (struct pki_cred *)&c;
	struct pki_load_error err;

	path_of(path, sizeof(path), file);
	assert_int_equal(pki_cred_load_pkcs12(path, pass, &c, &err), rc);
	assert_null(c);
	assert_int_equal(err.status, st);
	assert_non_null(strstr(err.reason, word));
	if (pass && *pass)
		assert_null(strstr(err.reason, pass));
}

static void test_pkcs12_refusals(void **state)
{
	X509 *p256 = cert(FX_LEAF_P256);
	char path[512];
	struct pki_fx_p12 mismatch = { PKI_FX_PASSWORD, pki_fixture_key(E->fx, FX_LEAF_RSA2048),
				       NULL, &p256, 1, 0, NULL };

	(void)state;
	expect_p12_error("p256.p12", "not-the-password", -RTX_EAUTH, PKI_LOAD_BAD_PASSWORD,
			 "wrong password");
	expect_p12_error("p256.p12", "", -RTX_EAUTH, PKI_LOAD_BAD_PASSWORD, "wrong password");
	expect_p12_error("nokey.p12", PKI_FX_PASSWORD, -RTX_ENOENT, PKI_LOAD_NO_KEY,
			 "no private key");
	expect_p12_error("missing.p12", PKI_FX_PASSWORD, -RTX_EIO, PKI_LOAD_UNREADABLE,
			 "No such file or directory");
	expect_p12_error(".", PKI_FX_PASSWORD, -RTX_EIO, PKI_LOAD_UNREADABLE,
			 "Is a directory");
	expect_p12_error("cas.pem", PKI_FX_PASSWORD, -RTX_EPARSE, PKI_LOAD_BAD_FORMAT,
			 "not a PKCS#12 file");
	expect_p12_error("weak.p12", PKI_FX_PASSWORD, -RTX_EUNSUPP, PKI_LOAD_UNSUPPORTED_KEY,
			 "unsupported key RSA 1024");
	expect_p12_error("ed25519.p12", PKI_FX_PASSWORD, -RTX_EUNSUPP,
			 PKI_LOAD_UNSUPPORTED_KEY, "unsupported key ED25519");
	/* A key next to someone else's certificate. */
	path_of(path, sizeof(path), "mismatch.p12");
	assert_int_equal(pki_fixture_write_p12(path, &mismatch), 0);
	expect_p12_error("mismatch.p12", PKI_FX_PASSWORD, -RTX_EINVAL, PKI_LOAD_KEY_MISMATCH,
			 "belongs to none");
	/* A bundle of only the key: nothing to send as CERT. */
	mismatch.n_ca = 0;
	assert_int_equal(pki_fixture_write_p12(path, &mismatch), 0);
	expect_p12_error("mismatch.p12", PKI_FX_PASSWORD, -RTX_EPARSE, PKI_LOAD_NO_CERT,
			 "no certificate");
}

/* No password and an empty one are the same to PKCS#12 writers. */
static void test_pkcs12_empty_password(void **state)
{
	X509 *chain[2];
	char path[512];
	struct pki_fx_p12 s = { "", pki_fixture_key(E->fx, FX_LEAF_P256), cert(FX_LEAF_P256),
				chain, 0, 0, NULL };
	struct pki_cred *c;
	struct pki_load_error err;

	(void)state;
	s.n_ca = pki_fixture_chain(E->fx, FX_LEAF_P256, chain, 2);
	path_of(path, sizeof(path), "empty-pass.p12");
	assert_int_equal(pki_fixture_write_p12(path, &s), 0);
	assert_int_equal(pki_cred_load_pkcs12(path, NULL, &c, &err), 0);
	pki_cred_free(c);
	assert_int_equal(pki_cred_load_pkcs12(path, "", &c, &err), 0);
	pki_cred_free(c);
	assert_int_equal(pki_cred_load_pkcs12(path, "x", &c, &err), -RTX_EAUTH);
}

/* RC2-40, the default of OpenSSL 1.x exports, needs the legacy provider
 * the default context does not load. Written with our library's context,
 * which has it when the module is installed. */
static void test_pkcs12_legacy_cipher(void **state)
{
	X509 *chain[2];
	char path[512];
	struct pki_fx_p12 s = { PKI_FX_PASSWORD, pki_fixture_key(E->fx, FX_LEAF_P256),
				cert(FX_LEAF_P256), chain, 0, NID_pbe_WithSHA1And40BitRC2_CBC,
				crypto_lib_ctx(E->lib) };

	(void)state;
	if (!crypto_lib_has_legacy(E->lib))
		skip();
	s.n_ca = pki_fixture_chain(E->fx, FX_LEAF_P256, chain, 2);
	path_of(path, sizeof(path), "rc2.p12");
	assert_int_equal(pki_fixture_write_p12(path, &s), 0);
	expect_p12_error("rc2.p12", PKI_FX_PASSWORD, -RTX_EUNSUPP, PKI_LOAD_UNSUPPORTED_CIPHER,
			 "legacy cipher");
}

static void expect_pem_error(const char *file, int rc, enum pki_load_status st,
			     const char *word)
{
	char path[512];
	struct pki_cred *c;
	struct pki_load_error err;

	path_of(path, sizeof(path), file);
	assert_int_equal(pki_cred_load_pem(path, &c, &err), rc);
	assert_null(c);
	assert_int_equal(err.status, st);
	assert_non_null(strstr(err.reason, word));
}

static void test_pem_files(void **state)
{
	struct pki_cred *c = load_pem("cas.pem");
	X509 *many[PKI_CRED_MAX_CERTS + 1];
	X509 *out[4];
	char path[512], text[8192];
	unsigned char *der = NULL;
	int n;
	FILE *f;

	(void)state;
	assert_null(pki_cred_key(c));
	assert_int_equal(pki_cred_count(c), 2);
	/* File order, and nothing of it is ever sent as our own chain. */
	assert_int_equal(X509_cmp(pki_cred_cert(c, 0), cert(FX_ROOT)), 0);
	assert_int_equal(X509_cmp(pki_cred_cert(c, 1), cert(FX_INTER)), 0);
	assert_int_equal(pki_cred_send_chain(c, out, 4), 0);
	pki_cred_free(c);

	/* A DER certificate named .pem still loads. */
	n = i2d_X509(cert(FX_ROOT), &der);
	path_of(path, sizeof(path), "root.der");
	assert_int_equal(pki_fixture_write_bytes(path, der, (size_t)n), 0);
	OPENSSL_free(der);
	c = load_pem("root.der");
	assert_int_equal(pki_cred_count(c), 1);
	pki_cred_free(c);

	path_of(path, sizeof(path), "garbage.pem");
	assert_int_equal(pki_fixture_write_bytes(path, "hello\n", 6), 0);
	expect_pem_error("garbage.pem", -RTX_EPARSE, PKI_LOAD_BAD_FORMAT, "no certificate");
	path_of(path, sizeof(path), "empty.pem");
	assert_int_equal(pki_fixture_write_bytes(path, "", 0), 0);
	expect_pem_error("empty.pem", -RTX_EPARSE, PKI_LOAD_BAD_FORMAT, "no certificate");
	expect_pem_error("missing.pem", -RTX_EIO, PKI_LOAD_UNREADABLE, "No such file");

	/* The second certificate's base64 damaged. */
	path_of(path, sizeof(path), "cas.pem");
	f = fopen(path, "r");
	assert_non_null(f);
	n = (int)fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	memcpy(strstr(strstr(text, "END CERTIFICATE") + 30, "\n") + 5, "!!!!", 4);
	path_of(path, sizeof(path), "damaged.pem");
	assert_int_equal(pki_fixture_write_bytes(path, text, (size_t)n), 0);
	expect_pem_error("damaged.pem", -RTX_EPARSE, PKI_LOAD_BAD_FORMAT, "certificate 2");

	for (size_t i = 0; i <= PKI_CRED_MAX_CERTS; i++)
		many[i] = cert(FX_ROOT);
	path_of(path, sizeof(path), "many.pem");
	assert_int_equal(pki_fixture_write_pem(path, many, PKI_CRED_MAX_CERTS + 1), 0);
	expect_pem_error("many.pem", -RTX_ERANGE, PKI_LOAD_TOO_MANY, "more than 16");
}

static void test_crl_files(void **state)
{
	static const char *const files[] = { "crl.pem", "crl.der" };
	char path[512], serial[80], want[16];
	struct pki_crl *crl;
	struct pki_crl_info info;
	struct pki_load_error err;
	time_t when;

	(void)state;
	snprintf(want, sizeof(want), "%X", 0x1000 + FX_LEAF_REVOKED);
	for (size_t i = 0; i < 2; i++) {
		path_of(path, sizeof(path), files[i]);
		assert_int_equal(pki_crl_load(path, &crl, &err), 0);
		assert_int_equal(pki_crl_info(crl, &info), 0);
		assert_string_equal(info.issuer, "C=JP, O=rtxsh test, CN=inter");
		assert_int_equal(info.this_update, NOW - PKI_FX_DAY);
		assert_true(info.has_next_update);
		assert_int_equal(info.next_update, NOW + 30 * PKI_FX_DAY);
		assert_int_equal(info.n_revoked, 1);
		assert_int_equal(pki_crl_revoked(crl, 0, serial, sizeof(serial), &when), 0);
		assert_string_equal(serial, want);
		assert_int_equal(when, NOW - PKI_FX_DAY);
		assert_int_equal(pki_crl_revoked(crl, 1, serial, sizeof(serial), &when),
				 -RTX_ENOENT);
		pki_crl_free(crl);
	}
	path_of(path, sizeof(path), "cas.pem");
	assert_int_equal(pki_crl_load(path, &crl, &err), -RTX_EPARSE);
	assert_int_equal(err.status, PKI_LOAD_BAD_FORMAT);
	assert_string_equal(err.reason, "not a CRL (PEM or DER)");
	path_of(path, sizeof(path), "missing.crl");
	assert_int_equal(pki_crl_load(path, &crl, &err), -RTX_EIO);
	assert_int_equal(err.status, PKI_LOAD_UNREADABLE);
}

/* ---- summaries -------------------------------------------------------- */

static void test_cert_summary(void **state)
{
	struct pki_cert_info info;
	X509_NAME *long_name;
	X509 *x;
	char serial[16];

	(void)state;
	assert_int_equal(pki_cert_info(cert(FX_LEAF_P256), &info), 0);
	assert_string_equal(info.subject, "C=JP, O=rtxsh test, CN=p256.example.com");
	assert_string_equal(info.issuer, "C=JP, O=rtxsh test, CN=inter");
	snprintf(serial, sizeof(serial), "%X", 0x1000 + FX_LEAF_P256);
	assert_string_equal(info.serial, serial);
	assert_int_equal(info.not_before, NOW - PKI_FX_DAY);
	assert_int_equal(info.not_after, NOW + PKI_FX_YEAR);
	assert_string_equal(info.key, "ECDSA P-256");
	assert_true(info.key_supported);
	assert_false(info.is_ca);
	assert_string_equal(info.san, "DNS:p256.example.com, IP:192.0.2.13, IP:2001:db8::d, "
				      "email:ike@p256.example.com");

	assert_int_equal(pki_cert_info(cert(FX_ROOT), &info), 0);
	assert_true(info.is_ca);
	assert_string_equal(info.key, "ECDSA P-384");
	assert_string_equal(info.san, "");
	assert_int_equal(pki_cert_info(cert(FX_LEAF_RSA3072), &info), 0);
	assert_string_equal(info.key, "RSA 3072");
	assert_int_equal(pki_cert_info(cert(FX_LEAF_WEAK), &info), 0);
	assert_string_equal(info.key, "RSA 1024");
	assert_false(info.key_supported);
	assert_int_equal(pki_cert_info(cert(FX_LEAF_ED25519), &info), 0);
	assert_string_equal(info.key, "ED25519");
	assert_false(info.key_supported);

	/* A subject longer than the field is cut visibly. */
	x = X509_dup(cert(FX_LEAF_P256));
	long_name = X509_get_subject_name(x);
	for (int i = 0; i < 8; i++)
		assert_true(X509_NAME_add_entry_by_txt(long_name, "OU", MBSTRING_ASC,
			(const unsigned char *)"a rather long organisational unit", -1, -1, 0));
	assert_int_equal(pki_cert_info(x, &info), 0);
	assert_int_equal(strlen(info.subject), PKI_TEXT_MAX - 1);
	assert_string_equal(info.subject + PKI_TEXT_MAX - 4, "...");
	X509_free(x);
}

/* ---- verification ----------------------------------------------------- */

/* Verifies leaf plus the certificates the peer sends with it. */
static int verify(enum pki_fx_cert leaf, const enum pki_fx_cert *with, size_t n,
		  enum pki_fx_crl crl, time_t now, struct pki_verify_result *res)
{
	struct pki_chain *chain;
	struct pki_crl *c = NULL;
	int rc;

	assert_int_equal(pki_chain_new(&chain), 0);
	assert_int_equal(pki_chain_add(chain, cert(leaf)), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(pki_chain_add(chain, cert(with[i])), 0);
	if (crl != FX_CRL_COUNT)
		assert_int_equal(pki_crl_from(E->fx->crl[crl], &c), 0);
	rc = pki_verify(E->lib, E->trust, chain, c, now, res);
	pki_crl_free(c);
	pki_chain_free(chain);
	return rc;
}

#define NO_CRL FX_CRL_COUNT

static void expect_reason(enum pki_fx_cert leaf, const enum pki_fx_cert *with, size_t n,
			  enum pki_fx_crl crl, time_t now, enum pki_verify_reason why,
			  int depth)
{
	struct pki_verify_result res;

	assert_int_equal(verify(leaf, with, n, crl, now, &res), why ? -RTX_EAUTH : 0);
	assert_int_equal(res.reason, why);
	if (why)
		assert_int_equal(res.depth, depth);
}

static void test_verify_good(void **state)
{
	static const enum pki_fx_cert leaves[] = { FX_LEAF_RSA2048, FX_LEAF_RSA3072,
		FX_LEAF_P256, FX_LEAF_P384, FX_LEAF_P521, FX_LEAF_WRONG_SAN };
	const enum pki_fx_cert inter = FX_INTER;
	struct pki_trust *root_only;
	struct pki_chain *chain;
	struct pki_verify_result res;
	struct pki_cred *bundle;

	(void)state;
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		/* With the intermediate sent, and without (the trust has it). */
		expect_reason(leaves[i], &inter, 1, NO_CRL, NOW, PKI_VERIFY_OK, 0);
		expect_reason(leaves[i], NULL, 0, NO_CRL, NOW, PKI_VERIFY_OK, 0);
	}
	/* A revoked certificate is fine without the CRL, a good one with. */
	expect_reason(FX_LEAF_REVOKED, &inter, 1, NO_CRL, NOW, PKI_VERIFY_OK, 0);
	expect_reason(FX_LEAF_P256, &inter, 1, FX_CRL_GOOD, NOW, PKI_VERIFY_OK, 0);

	/* Trusting only the root, the peer must send the intermediate; the
	 * trust here comes from our own bundle, as on an RTX. */
	bundle = load_p12("rsa2048.p12", PKI_FX_PASSWORD);
	assert_int_equal(pki_trust_new(&root_only), 0);
	assert_int_equal(pki_trust_add(root_only, cert(FX_ROOT)), 0);
	assert_int_equal(pki_trust_add_cred(root_only, bundle), 0);
	assert_int_equal(pki_trust_count(root_only), 2);   /* inter + root, once */
	pki_trust_free(root_only);
	assert_int_equal(pki_trust_new(&root_only), 0);
	assert_int_equal(pki_trust_add(root_only, cert(FX_ROOT)), 0);
	assert_int_equal(pki_chain_new(&chain), 0);
	assert_int_equal(pki_chain_add(chain, cert(FX_LEAF_P256)), 0);
	assert_int_equal(pki_verify(E->lib, root_only, chain, NULL, NOW, &res), -RTX_EAUTH);
	assert_int_equal(res.reason, PKI_VERIFY_UNTRUSTED);
	assert_int_equal(pki_chain_add(chain, cert(FX_INTER)), 0);
	assert_int_equal(pki_verify(E->lib, root_only, chain, NULL, NOW, &res), 0);
	pki_chain_free(chain);
	pki_trust_free(root_only);
	pki_cred_free(bundle);
}

static void test_verify_failures(void **state)
{
	const enum pki_fx_cert inter = FX_INTER, rogue = FX_ROGUE_ROOT;
	const enum pki_fx_cert deep[] = { FX_SUBCA, FX_INTER };
	const enum pki_fx_cert by_leaf[] = { FX_LEAF_RSA2048, FX_INTER };
	struct pki_verify_result res;

	(void)state;
	expect_reason(FX_LEAF_ROGUE, NULL, 0, NO_CRL, NOW, PKI_VERIFY_UNTRUSTED, 0);
	expect_reason(FX_LEAF_ROGUE, &rogue, 1, NO_CRL, NOW, PKI_VERIFY_UNTRUSTED, 1);
	expect_reason(FX_LEAF_EXPIRED, &inter, 1, NO_CRL, NOW, PKI_VERIFY_EXPIRED, 0);
	expect_reason(FX_LEAF_NOT_YET, &inter, 1, NO_CRL, NOW, PKI_VERIFY_NOT_YET_VALID, 0);
	/* The caller's clock decides: the good leaf outlived, and before. */
	expect_reason(FX_LEAF_P256, &inter, 1, NO_CRL, NOW + 2 * PKI_FX_YEAR,
		      PKI_VERIFY_EXPIRED, 0);
	expect_reason(FX_LEAF_P256, &inter, 1, NO_CRL, NOW - 2 * PKI_FX_DAY,
		      PKI_VERIFY_NOT_YET_VALID, 0);
	expect_reason(FX_LEAF_REVOKED, &inter, 1, FX_CRL_GOOD, NOW, PKI_VERIFY_REVOKED, 0);
	expect_reason(FX_LEAF_BAD_SIG, &inter, 1, NO_CRL, NOW, PKI_VERIFY_BAD_SIGNATURE, 0);
	expect_reason(FX_LEAF_NO_DIGSIG, &inter, 1, NO_CRL, NOW, PKI_VERIFY_KEY_USAGE, 0);
	/* Reported at the intermediate whose pathlen:0 the sub-CA breaks. */
	expect_reason(FX_LEAF_DEEP, deep, 2, NO_CRL, NOW, PKI_VERIFY_PATH_LENGTH, 2);
	expect_reason(FX_LEAF_BY_LEAF, by_leaf, 2, NO_CRL, NOW, PKI_VERIFY_NOT_CA, 1);
	expect_reason(FX_LEAF_WEAK, &inter, 1, NO_CRL, NOW, PKI_VERIFY_WEAK, 0);
	expect_reason(FX_LEAF_P256, &inter, 1, FX_CRL_EXPIRED, NOW, PKI_VERIFY_CRL_EXPIRED, 0);
	expect_reason(FX_LEAF_P256, &inter, 1, FX_CRL_NOT_YET, NOW,
		      PKI_VERIFY_CRL_NOT_YET_VALID, 0);
	expect_reason(FX_LEAF_P256, &inter, 1, FX_CRL_BAD_SIG, NOW, PKI_VERIFY_CRL_SIGNATURE,
		      0);
	expect_reason(FX_LEAF_P256, &inter, 1, FX_CRL_ROOT, NOW, PKI_VERIFY_CRL_UNUSABLE, 0);
	/* The good CRL goes stale with time too. */
	expect_reason(FX_LEAF_P256, &inter, 1, FX_CRL_GOOD, NOW + 31 * PKI_FX_DAY,
		      PKI_VERIFY_CRL_EXPIRED, 0);

	assert_int_equal(pki_verify(E->lib, E->trust, NULL, NULL, NOW, &res), -RTX_EAUTH);
	assert_int_equal(res.reason, PKI_VERIFY_NO_CERT);
}

/* Verifies x, a variant of a good leaf re-signed by the intermediate. */
static void expect_resigned(X509 *x, const EVP_MD *md, enum pki_verify_reason why)
{
	struct pki_chain *chain;
	struct pki_verify_result res;

	assert_true(X509_sign(x, E->fx->key[FX_KEY_INTER], md) > 0);
	assert_int_equal(pki_chain_new(&chain), 0);
	assert_int_equal(pki_chain_add(chain, x), 0);
	assert_int_equal(pki_verify(E->lib, E->trust, chain, NULL, NOW, &res), -RTX_EAUTH);
	assert_int_equal(res.reason, why);
	assert_int_equal(res.depth, 0);
	pki_chain_free(chain);
	X509_free(x);
}

static void test_verify_resigned(void **state)
{
	X509 *x = X509_dup(cert(FX_LEAF_P256));
	ASN1_OBJECT *oid = OBJ_txt2obj("1.3.6.1.4.1.32473.1", 1);
	ASN1_OCTET_STRING *val = ASN1_OCTET_STRING_new();
	X509_EXTENSION *ext;

	(void)state;
	/* Signed with SHA-1: under the 112-bit floor. */
	expect_resigned(x, EVP_sha1(), PKI_VERIFY_WEAK);
	/* A critical extension nobody here understands (RFC 5280 4.2). */
	x = X509_dup(cert(FX_LEAF_P256));
	assert_true(ASN1_OCTET_STRING_set(val, (const unsigned char *)"\x05\x00", 2));
	ext = X509_EXTENSION_create_by_OBJ(NULL, oid, 1, val);
	assert_non_null(ext);
	assert_true(X509_add_ext(x, ext, -1));
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(val);
	ASN1_OBJECT_free(oid);
	expect_resigned(x, EVP_sha256(), PKI_VERIFY_MALFORMED);
}

static void test_verify_phrases(void **state)
{
	(void)state;
	/* Every reason has its own phrase: the log tells them apart. */
	for (int a = PKI_VERIFY_OK; a <= PKI_VERIFY_FAILED; a++)
		for (int b = a + 1; b <= PKI_VERIFY_FAILED; b++)
			assert_string_not_equal(pki_verify_reason_text(a),
						pki_verify_reason_text(b));
	assert_string_equal(pki_verify_reason_text(PKI_VERIFY_EXPIRED),
			    "certificate has expired");
	assert_string_equal(pki_verify_reason_text(PKI_VERIFY_UNTRUSTED),
			    "certificate issued by an unknown CA");
	assert_string_equal(pki_verify_reason_text((enum pki_verify_reason)99),
			    "certificate verification failed");
}

static void test_chain_from_der(void **state)
{
	struct pki_chain *chain;
	uint8_t *der, *longer;
	size_t len;

	(void)state;
	assert_int_equal(pki_chain_new(&chain), 0);
	assert_null(pki_chain_pubkey(chain));
	assert_int_equal(pki_cert_der(cert(FX_LEAF_P384), &der, &len), 0);
	/* A byte after the certificate is refused, not ignored. */
	longer = malloc(len + 1);
	memcpy(longer, der, len);
	longer[len] = 0;
	assert_int_equal(pki_chain_add_der(chain, longer, len + 1), -RTX_EPARSE);
	assert_int_equal(pki_chain_add_der(chain, der, len - 1), -RTX_EPARSE);
	assert_int_equal(pki_chain_add_der(chain, der, 0), -RTX_EPARSE);
	assert_int_equal(pki_chain_count(chain), 0);
	assert_int_equal(pki_chain_add_der(chain, der, len), 0);
	assert_int_equal(X509_cmp(pki_chain_cert(chain, 0), cert(FX_LEAF_P384)), 0);
	assert_int_equal(pki_key_type(pki_chain_pubkey(chain), NULL), PKI_KEY_ECDSA_P384);
	for (size_t i = 1; i < PKI_CHAIN_MAX; i++)
		assert_int_equal(pki_chain_add_der(chain, der, len), 0);
	assert_int_equal(pki_chain_add_der(chain, der, len), -RTX_ERANGE);
	assert_int_equal(pki_chain_add(chain, cert(FX_ROOT)), -RTX_ERANGE);
	free(longer);
	free(der);
	pki_chain_free(chain);
}

/* ---- identities ------------------------------------------------------- */

static enum pki_id_match match_str(enum pki_fx_cert c, uint8_t type, const char *s)
{
	return pki_id_match(cert(c), type, (const uint8_t *)s, strlen(s));
}

static void test_id_sans(void **state)
{
	const X509 *p256 = cert(FX_LEAF_P256);
	uint8_t v4[4], v4x[5] = { 0 }, v6[16];
	char fqdn[64], email[80];

	(void)state;
	pki_fixture_ipv4(FX_LEAF_P256, v4);
	pki_fixture_ipv6(FX_LEAF_P256, v6);
	pki_fixture_fqdn(FX_LEAF_P256, fqdn, sizeof(fqdn));
	pki_fixture_email(FX_LEAF_P256, email, sizeof(email));
	assert_int_equal(pki_id_match(p256, IKEV2_ID_IPV4_ADDR, v4, 4), PKI_ID_MATCH);
	assert_int_equal(pki_id_match(p256, IKEV2_ID_IPV4_ADDR, v4, 3), PKI_ID_MISMATCH);
	memcpy(v4x, v4, 4);
	assert_int_equal(pki_id_match(p256, IKEV2_ID_IPV4_ADDR, v4x, 5), PKI_ID_MISMATCH);
	assert_int_equal(pki_id_match(p256, IKEV2_ID_IPV6_ADDR, v6, 16), PKI_ID_MATCH);
	/* The IPv4 SAN is no IPv6 ID and the other way round. */
	assert_int_equal(pki_id_match(p256, IKEV2_ID_IPV6_ADDR, v4, 4), PKI_ID_MISMATCH);
	v4[3]++;
	assert_int_equal(pki_id_match(p256, IKEV2_ID_IPV4_ADDR, v4, 4), PKI_ID_MISMATCH);
	assert_int_equal(match_str(FX_LEAF_P256, IKEV2_ID_FQDN, fqdn), PKI_ID_MATCH);
	assert_int_equal(match_str(FX_LEAF_P256, IKEV2_ID_FQDN, "P256.Example.COM"),
			 PKI_ID_MATCH);
	assert_int_equal(match_str(FX_LEAF_P256, IKEV2_ID_FQDN, "p384.example.com"),
			 PKI_ID_MISMATCH);
	assert_int_equal(match_str(FX_LEAF_P256, IKEV2_ID_FQDN, "p256.example.co"),
			 PKI_ID_MISMATCH);
	/* An FQDN never binds to the email SAN, nor an email to dNSName. */
	assert_int_equal(match_str(FX_LEAF_P256, IKEV2_ID_FQDN, email), PKI_ID_MISMATCH);
	assert_int_equal(match_str(FX_LEAF_P256, IKEV2_ID_RFC822_ADDR, fqdn), PKI_ID_MISMATCH);
	assert_int_equal(match_str(FX_LEAF_P256, IKEV2_ID_RFC822_ADDR, email), PKI_ID_MATCH);
	assert_int_equal(match_str(FX_LEAF_P256, IKEV2_ID_RFC822_ADDR,
				   "ike@P256.EXAMPLE.com"), PKI_ID_MATCH);
	assert_int_equal(match_str(FX_LEAF_P256, IKEV2_ID_RFC822_ADDR,
				   "IKE@p256.example.com"), PKI_ID_MISMATCH);
	assert_int_equal(match_str(FX_LEAF_P256, IKEV2_ID_KEY_ID, "abc"), PKI_ID_UNSUPPORTED);
	assert_int_equal(pki_id_match(p256, IKEV2_ID_FQDN, NULL, 0), PKI_ID_MISMATCH);

	/* The CN is not a name to bind an FQDN to (RFC 4945 3.1.2). */
	pki_fixture_fqdn(FX_LEAF_WRONG_SAN, fqdn, sizeof(fqdn));
	assert_int_equal(match_str(FX_LEAF_WRONG_SAN, IKEV2_ID_FQDN, fqdn), PKI_ID_MISMATCH);
	assert_int_equal(match_str(FX_LEAF_WRONG_SAN, IKEV2_ID_FQDN, "other.example.org"),
			 PKI_ID_MATCH);
	pki_fixture_ipv4(FX_LEAF_WRONG_SAN, v4);
	assert_int_equal(pki_id_match(cert(FX_LEAF_WRONG_SAN), IKEV2_ID_IPV4_ADDR, v4, 4),
			 PKI_ID_MISMATCH);
}

static void test_id_dn(void **state)
{
	uint8_t *der, *other;
	size_t len, olen;
	X509_NAME *utf8 = X509_NAME_new();
	unsigned char *re = NULL;
	int relen;

	(void)state;
	assert_int_equal(pki_cert_subject_der(cert(FX_LEAF_P256), &der, &len), 0);
	assert_int_equal(pki_id_match(cert(FX_LEAF_P256), IKEV2_ID_DER_ASN1_DN, der, len),
			 PKI_ID_MATCH);
	assert_int_equal(pki_id_match(cert(FX_LEAF_P384), IKEV2_ID_DER_ASN1_DN, der, len),
			 PKI_ID_MISMATCH);
	assert_int_equal(pki_id_match(cert(FX_LEAF_P256), IKEV2_ID_DER_ASN1_DN, der, len - 1),
			 PKI_ID_MISMATCH);
	/* The same name re-encoded as UTF8Strings: equal after the
	 * canonicalisation RFC 5280 7.1 allows. */
	assert_true(X509_NAME_add_entry_by_txt(utf8, "C", V_ASN1_UTF8STRING,
					       (const unsigned char *)"JP", -1, -1, 0));
	assert_true(X509_NAME_add_entry_by_txt(utf8, "O", V_ASN1_UTF8STRING,
					       (const unsigned char *)"RTXSH  Test", -1, -1, 0));
	assert_true(X509_NAME_add_entry_by_txt(utf8, "CN", V_ASN1_UTF8STRING,
					       (const unsigned char *)"p256.example.com", -1, -1,
					       0));
	relen = i2d_X509_NAME(utf8, &re);
	assert_true(relen > 0);
	assert_false((size_t)relen == len && !memcmp(re, der, len));
	assert_int_equal(pki_id_match(cert(FX_LEAF_P256), IKEV2_ID_DER_ASN1_DN, re,
				      (size_t)relen), PKI_ID_MATCH);
	OPENSSL_free(re);
	X509_NAME_free(utf8);
	/* A DER DN is compared as a DN, not as text of a SAN. */
	assert_int_equal(pki_cert_subject_der(cert(FX_ROOT), &other, &olen), 0);
	assert_int_equal(pki_id_match(cert(FX_ROOT), IKEV2_ID_DER_ASN1_DN, other, olen),
			 PKI_ID_MATCH);
	assert_int_equal(match_str(FX_LEAF_P256, IKEV2_ID_DER_ASN1_DN, "CN=p256.example.com"),
			 PKI_ID_MISMATCH);
	free(other);
	free(der);
}

/* ---- CERT and CERTREQ ------------------------------------------------- */

/* SHA-1 over i2d_PUBKEY of the key: another way to the same SPKI. */
static void spki_hash_by_key(X509 *x, uint8_t out[20])
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(X509_get0_pubkey(x), &der);
	unsigned int olen;

	assert_true(n > 0);
	assert_int_equal(EVP_Digest(der, (size_t)n, out, &olen, EVP_sha1(), NULL), 1);
	OPENSSL_free(der);
}

static void test_spki_hash(void **state)
{
	uint8_t got[20], want[20], bitstring_only[20];
	unsigned int n;

	(void)state;
	for (int c = 0; c < FX_CERT_COUNT; c++) {
		assert_int_equal(pki_cert_spki_sha1(E->lib, cert(c), got), 0);
		spki_hash_by_key(cert(c), want);
		assert_memory_equal(got, want, 20);
	}
	/* Not the RFC 5280 key identifier (hash of the BIT STRING alone). */
	assert_int_equal(X509_pubkey_digest(cert(FX_ROOT), EVP_sha1(), bitstring_only, &n), 1);
	assert_int_equal(pki_cert_spki_sha1(E->lib, cert(FX_ROOT), got), 0);
	assert_memory_not_equal(got, bitstring_only, 20);
}

static void test_certreq(void **state)
{
	struct pki_cred *p256 = load_p12("p256.p12", PKI_FX_PASSWORD);
	struct pki_cred *rogue = load_p12("rogue-leaf.p12", PKI_FX_PASSWORD);
	struct pki_cred *cas = load_pem("cas.pem");
	struct pki_cred *creds[3] = { cas, rogue, p256 };
	uint8_t *req, list[60], root[20], inter[20], rogue_h[20];
	size_t len;

	(void)state;
	assert_int_equal(pki_cert_spki_sha1(E->lib, cert(FX_ROOT), root), 0);
	assert_int_equal(pki_cert_spki_sha1(E->lib, cert(FX_INTER), inter), 0);
	assert_int_equal(pki_cert_spki_sha1(E->lib, cert(FX_ROGUE_ROOT), rogue_h), 0);
	/* What we ask for: our trusted CAs, in the order added. */
	assert_int_equal(pki_trust_certreq(E->lib, E->trust, &req, &len), 0);
	assert_int_equal(len, 40);
	assert_memory_equal(req, root, 20);
	assert_memory_equal(req + 20, inter, 20);
	free(req);

	/* What the peer asks for picks our chain. */
	assert_int_equal(pki_cred_matches_certreq(E->lib, p256, root, 20), 1);
	assert_int_equal(pki_cred_matches_certreq(E->lib, p256, inter, 20), 1);
	assert_int_equal(pki_cred_matches_certreq(E->lib, p256, rogue_h, 20), 0);
	assert_int_equal(pki_cred_matches_certreq(E->lib, rogue, rogue_h, 20), 1);
	assert_int_equal(pki_cred_matches_certreq(E->lib, p256, NULL, 0), 1);
	assert_int_equal(pki_cred_matches_certreq(E->lib, p256, root, 19), -RTX_EPARSE);
	memset(list, 0xab, sizeof(list));
	memcpy(list + 40, inter, 20);
	assert_int_equal(pki_cred_matches_certreq(E->lib, p256, list, 60), 1);
	/* Our own leaf's key is no CA to be asked for. */
	spki_hash_by_key(cert(FX_LEAF_P256), list);
	assert_int_equal(pki_cred_matches_certreq(E->lib, p256, list, 20), 0);

	/* Credentials without a key are never chosen. */
	assert_int_equal(pki_cred_select(E->lib, creds, 3, root, 20), 2);
	assert_int_equal(pki_cred_select(E->lib, creds, 3, rogue_h, 20), 1);
	assert_int_equal(pki_cred_select(E->lib, creds, 3, NULL, 0), 1);
	assert_int_equal(pki_cred_select(E->lib, creds, 3, list, 20), -RTX_ENOENT);
	assert_int_equal(pki_cred_select(E->lib, creds, 3, list, 7), -RTX_EPARSE);
	pki_cred_free(p256);
	pki_cred_free(rogue);
	pki_cred_free(cas);
}

static void test_send_chain(void **state)
{
	struct pki_cred *c = load_p12("deep.p12", PKI_FX_PASSWORD);
	X509 *out[8];
	X509 *shuffled[4] = { cert(FX_ROOT), cert(FX_INTER), cert(FX_LEAF_P384), NULL };
	struct pki_load_error err;

	(void)state;
	/* Leaf, sub-CA, intermediate; the root stays home. */
	assert_int_equal(pki_cred_send_chain(c, out, 8), 3);
	assert_int_equal(X509_cmp(out[0], cert(FX_LEAF_DEEP)), 0);
	assert_int_equal(X509_cmp(out[1], cert(FX_SUBCA)), 0);
	assert_int_equal(X509_cmp(out[2], cert(FX_INTER)), 0);
	assert_int_equal(pki_cred_send_chain(c, out, 2), 2);
	pki_cred_free(c);

	/* Given in any order, with the leaf last: sorted by issuer. */
	assert_int_equal(pki_cred_from(pki_fixture_key(E->fx, FX_LEAF_P384), shuffled, 3, &c,
				       &err), 0);
	assert_int_equal(pki_cred_send_chain(c, out, 8), 2);
	assert_int_equal(X509_cmp(out[0], cert(FX_LEAF_P384)), 0);
	assert_int_equal(X509_cmp(out[1], cert(FX_INTER)), 0);
	assert_int_equal(X509_cmp(pki_cred_cert(c, 2), cert(FX_ROOT)), 0);
	pki_cred_free(c);

	/* Without its issuers the leaf goes alone. */
	assert_int_equal(pki_cred_from(pki_fixture_key(E->fx, FX_LEAF_P384), &shuffled[2], 1,
				       &c, &err), 0);
	assert_int_equal(pki_cred_send_chain(c, out, 8), 1);
	pki_cred_free(c);
	assert_int_equal(pki_cred_from(NULL, shuffled, 0, &c, &err), -RTX_EPARSE);
	assert_int_equal(err.status, PKI_LOAD_NO_CERT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pkcs12_bundles),
		cmocka_unit_test(test_pkcs12_refusals),
		cmocka_unit_test(test_pkcs12_empty_password),
		cmocka_unit_test(test_pkcs12_legacy_cipher),
		cmocka_unit_test(test_pem_files),
		cmocka_unit_test(test_crl_files),
		cmocka_unit_test(test_cert_summary),
		cmocka_unit_test(test_verify_good),
		cmocka_unit_test(test_verify_failures),
		cmocka_unit_test(test_verify_resigned),
		cmocka_unit_test(test_verify_phrases),
		cmocka_unit_test(test_chain_from_der),
		cmocka_unit_test(test_id_sans),
		cmocka_unit_test(test_id_dn),
		cmocka_unit_test(test_spki_hash),
		cmocka_unit_test(test_certreq),
		cmocka_unit_test(test_send_chain),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
