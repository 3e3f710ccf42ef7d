/* engine/auth_sig: RFC 7427 AlgorithmIdentifiers byte for byte, sign and
 * verify round trips for every method and key type, signatures made
 * independently by the openssl CLI, every refusal, the hash notify and the
 * method choice. Keys and certificates come from tests/pki_fixture.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "base/err.h"
#include "engine/auth_sig.h"
#include "engine/crypto.h"
#include "engine/pki.h"
#include "tests/pki_fixture.h"
#include "tests/unit/crypto_fixture.h"

#define NOW ((time_t)1735689600)

struct env {
	struct crypto_lib *lib;
	struct pki_fixture *fx;
};

static struct env *E;

static int setup(void **state)
{
	(void)state;
	E = calloc(1, sizeof(*E));
	return E && !crypto_lib_new(&E->lib) && !pki_fixture_new(NOW, &E->fx) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	pki_fixture_free(E->fx);
	crypto_lib_free(E->lib);
	free(E);
	return 0;
}

static const uint8_t octets[] = "RealMessage1 | Nr | prf(SK_pi, IDi'): stand-in octets";

/* ---- RFC 7427 Appendix A ---------------------------------------------- */

/* The AlgorithmIdentifier examples of RFC 7427 Appendix A (section in the
 * comment), transcribed from the RFC's hex dumps. The search tool only
 * returned the RFC's first page, so each is also checked against the DER
 * OpenSSL itself produces for the algorithm (test_algid_openssl) and the
 * PKCS#1 and PSS ones match rustls-pki-types' alg_id constants. */
static const struct {
	const char *section, *name, *hex;
} appendix_a[] = {
	{ "A.1.1", "sha1WithRSAEncryption", "300d06092a864886f70d0101050500" },
	{ "A.1.2", "sha256WithRSAEncryption", "300d06092a864886f70d01010b0500" },
	{ "A.1.3", "sha384WithRSAEncryption", "300d06092a864886f70d01010c0500" },
	{ "A.1.4", "sha512WithRSAEncryption", "300d06092a864886f70d01010d0500" },
	{ "A.2.1", "dsa-with-sha1", "300906072a8648ce380403" },
	{ "A.2.2", "dsa-with-sha256", "300b0609608648016503040302" },
	{ "A.3.1", "ecdsa-with-SHA1", "300906072a8648ce3d0401" },
	{ "A.3.2", "ecdsa-with-SHA256", "300a06082a8648ce3d040302" },
	{ "A.3.3", "ecdsa-with-SHA384", "300a06082a8648ce3d040303" },
	{ "A.3.4", "ecdsa-with-SHA512", "300a06082a8648ce3d040304" },
	{ "A.4.1", "RSASSA-PSS with empty parameters", "300b06092a864886f70d01010a" },
	{ "A.4.2", "RSASSA-PSS with default parameters", "300d06092a864886f70d01010a3000" },
	{ "A.4.3", "RSASSA-PSS with SHA-256",
	  "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a86"
	  "4886f70d010108300d06096086480165030402010500a203020120" },
};

static enum auth_sig_scheme scheme_named(const char *name)
{
	for (int s = AUTH_SIG_NONE + 1; s < AUTH_SIG_SCHEME_COUNT; s++)
		if (!strcmp(auth_sig_scheme_name(s), name))
			return s;
	return AUTH_SIG_NONE;
}

/* Method-14 AUTH data with the given AlgorithmIdentifier and a dummy
 * signature. */
static size_t auth_with_algid(const uint8_t *id, size_t id_len, uint8_t *out)
{
	out[0] = (uint8_t)id_len;
	memcpy(out + 1, id, id_len);
	memset(out + 1 + id_len, 0x55, 64);
	return 1 + id_len + 64;
}

static void test_algid_rfc7427(void **state)
{
	EVP_PKEY *p256 = pki_fixture_key(E->fx, FX_LEAF_P256);

	(void)state;
	for (size_t i = 0; i < sizeof(appendix_a) / sizeof(appendix_a[0]); i++) {
		uint8_t want[128], auth[256];
		size_t n = unhex(appendix_a[i].hex, want, sizeof(want)), len;
		enum auth_sig_scheme s = scheme_named(appendix_a[i].name);
		struct auth_sig_check chk;
		const uint8_t *got;

		if (s != AUTH_SIG_NONE) {
			/* What we send, byte for byte. */
			got = auth_sig_algid(s, &len);
			assert_int_equal(len, n);
			assert_memory_equal(got, want, n);
			assert_int_equal(auth_sig_method(s), IKEV2_AUTH_DIGITAL_SIGNATURE);
			continue;
		}
		/* Recognised by name on the way in, and refused: SHA-1, DSA. */
		len = auth_with_algid(want, n, auth);
		assert_int_equal(auth_sig_verify(E->lib, p256, IKEV2_AUTH_DIGITAL_SIGNATURE, auth,
						 len, octets, sizeof(octets), &chk), -RTX_EAUTH);
		assert_int_equal(chk.fail, AUTH_SIG_REFUSED_ALGORITHM);
		assert_string_equal(chk.alg_name, appendix_a[i].name);
	}
}

/* OpenSSL's own AlgorithmIdentifier for a signing context (the
 * "algorithm-id" parameter), for the schemes RFC 7427 has no example of. */
static size_t openssl_algid(EVP_PKEY *key, const char *md, int pss, uint8_t *out, size_t cap)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	OSSL_PARAM params[2];
	size_t len;

	assert_int_equal(EVP_DigestSignInit_ex(mctx, &pctx, md, NULL, NULL, key, NULL), 1);
	if (pss) {
		assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
		assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST),
				 1);
	}
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_SIGNATURE_PARAM_ALGORITHM_ID, out,
						      cap);
	params[1] = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_PKEY_CTX_get_params(pctx, params), 1);
	len = params[0].return_size;
	EVP_MD_CTX_free(mctx);
	return len;
}

static void test_algid_openssl(void **state)
{
	static const struct { enum auth_sig_scheme s; const char *md; int pss; } v[] = {
		{ AUTH_SIG_RSA_PKCS1_SHA256, "SHA256", 0 },
		{ AUTH_SIG_RSA_PKCS1_SHA384, "SHA384", 0 },
		{ AUTH_SIG_RSA_PKCS1_SHA512, "SHA512", 0 },
		{ AUTH_SIG_RSA_PSS_SHA256, "SHA256", 1 },
		{ AUTH_SIG_RSA_PSS_SHA384, "SHA384", 1 },
		{ AUTH_SIG_RSA_PSS_SHA512, "SHA512", 1 },
		{ AUTH_SIG_ECDSA_SHA256, "SHA256", 0 },
		{ AUTH_SIG_ECDSA_SHA384, "SHA384", 0 },
		{ AUTH_SIG_ECDSA_SHA512, "SHA512", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		EVP_PKEY *key = pki_fixture_key(E->fx, v[i].s >= AUTH_SIG_ECDSA_SHA256
						? FX_LEAF_P256 : FX_LEAF_RSA2048);
		uint8_t want[128];
		size_t n = openssl_algid(key, v[i].md, v[i].pss, want, sizeof(want)), len;
		const uint8_t *got = auth_sig_algid(v[i].s, &len);

		assert_int_equal(len, n);
		assert_memory_equal(got, want, n);
	}
}

/* ---- round trips ------------------------------------------------------ */

static const enum pki_fx_cert signers[] = { FX_LEAF_RSA2048, FX_LEAF_RSA3072, FX_LEAF_P256,
					    FX_LEAF_P384, FX_LEAF_P521 };

/* The peer's view: the public key from its certificate. */
static EVP_PKEY *peer_key(enum pki_fx_cert c)
{
	return X509_get0_pubkey(E->fx->cert[c]);
}

static void check_framing(enum auth_sig_scheme s, enum pki_fx_cert c, const uint8_t *auth,
			  size_t len)
{
	size_t id_len;
	const uint8_t *id = auth_sig_algid(s, &id_len);
	static const size_t raw[] = { [FX_LEAF_P256] = 64, [FX_LEAF_P384] = 96,
				      [FX_LEAF_P521] = 132 };

	if (id) {
		assert_int_equal(auth[0], id_len);
		assert_memory_equal(auth + 1, id, id_len);
	} else if (s != AUTH_SIG_RSA_SHA1) {
		/* RFC 4754: r||s, each as long as the field. */
		assert_int_equal(len, raw[c]);
	} else {
		assert_int_equal(len, (size_t)EVP_PKEY_get_size(peer_key(c)));
	}
}

static void round_trip(enum auth_sig_scheme s, enum pki_fx_cert c)
{
	EVP_PKEY *key = pki_fixture_key(E->fx, c);
	uint8_t *auth, msg[sizeof(octets)];
	size_t len;
	struct auth_sig_check chk;

	assert_int_equal(auth_sig_sign(E->lib, key, s, octets, sizeof(octets), &auth, &len), 0);
	check_framing(s, c, auth, len);
	assert_int_equal(auth_sig_verify(E->lib, peer_key(c), auth_sig_method(s), auth, len,
					 octets, sizeof(octets), &chk), 0);
	assert_int_equal(chk.fail, AUTH_SIG_OK);
	assert_int_equal(chk.scheme, s);
	assert_string_equal(chk.alg_name, auth_sig_scheme_name(s));
	/* Other octets, or a bit of the signature changed, do not verify. */
	memcpy(msg, octets, sizeof(msg));
	msg[3] ^= 0x20;
	assert_int_equal(auth_sig_verify(E->lib, peer_key(c), auth_sig_method(s), auth, len,
					 msg, sizeof(msg), &chk), -RTX_EAUTH);
	assert_int_equal(chk.fail, AUTH_SIG_BAD_SIGNATURE);
	auth[len - 1] ^= 0x01;
	assert_int_equal(auth_sig_verify(E->lib, peer_key(c), auth_sig_method(s), auth, len,
					 octets, sizeof(octets), &chk), -RTX_EAUTH);
	assert_int_equal(chk.fail, AUTH_SIG_BAD_SIGNATURE);
	free(auth);
}

static void test_round_trips(void **state)
{
	size_t done = 0;

	(void)state;
	for (int s = AUTH_SIG_NONE + 1; s < AUTH_SIG_SCHEME_COUNT; s++)
		for (size_t i = 0; i < sizeof(signers) / sizeof(signers[0]); i++) {
			EVP_PKEY *key = pki_fixture_key(E->fx, signers[i]);
			uint8_t *auth = (uint8_t *)"";
			size_t len = 1;

			if (auth_sig_key_fits(s, pki_key_type(key, NULL))) {
				round_trip(s, signers[i]);
				done++;
				continue;
			}
			assert_int_equal(auth_sig_sign(E->lib, key, s, octets, sizeof(octets),
						       &auth, &len), -RTX_EINVAL);
			assert_null(auth);
			assert_int_equal(len, 0);
		}
	/* RSA: 1 + 6 schemes x 2 keys; ECDSA: 1 classic + 3 RFC 7427 each. */
	assert_int_equal(done, 7 * 2 + 3 * 4);
}

/* A signature one key type made, checked with a key of another. */
static void expect_key_mismatch(enum auth_sig_scheme s, enum pki_fx_cert signer,
				enum pki_fx_cert checker)
{
	uint8_t *auth;
	size_t len;
	struct auth_sig_check chk;

	assert_int_equal(auth_sig_sign(E->lib, pki_fixture_key(E->fx, signer), s, octets,
				       sizeof(octets), &auth, &len), 0);
	assert_int_equal(auth_sig_verify(E->lib, peer_key(checker), auth_sig_method(s), auth,
					 len, octets, sizeof(octets), &chk), -RTX_EAUTH);
	assert_int_equal(chk.fail, AUTH_SIG_KEY_MISMATCH);
	free(auth);
}

static void test_key_fits_method(void **state)
{
	(void)state;
	/* Method 9 is P-256 with SHA-256 and nothing else (RFC 4754 3). */
	assert_true(auth_sig_key_fits(AUTH_SIG_ECDSA_P256_SHA256, PKI_KEY_ECDSA_P256));
	assert_false(auth_sig_key_fits(AUTH_SIG_ECDSA_P256_SHA256, PKI_KEY_ECDSA_P384));
	assert_false(auth_sig_key_fits(AUTH_SIG_ECDSA_P384_SHA384, PKI_KEY_ECDSA_P521));
	assert_false(auth_sig_key_fits(AUTH_SIG_ECDSA_P521_SHA512, PKI_KEY_RSA));
	assert_false(auth_sig_key_fits(AUTH_SIG_RSA_SHA1, PKI_KEY_ECDSA_P256));
	assert_false(auth_sig_key_fits(AUTH_SIG_RSA_PSS_SHA256, PKI_KEY_ECDSA_P256));
	/* RFC 7427 frees the hash from the curve. */
	assert_true(auth_sig_key_fits(AUTH_SIG_ECDSA_SHA512, PKI_KEY_ECDSA_P256));
	assert_true(auth_sig_key_fits(AUTH_SIG_ECDSA_SHA256, PKI_KEY_ECDSA_P521));
	assert_false(auth_sig_key_fits(AUTH_SIG_ECDSA_SHA256, PKI_KEY_RSA));
	assert_false(auth_sig_key_fits(AUTH_SIG_RSA_PKCS1_SHA256, PKI_KEY_UNSUPPORTED));
	assert_false(auth_sig_key_fits(AUTH_SIG_NONE, PKI_KEY_RSA));

	expect_key_mismatch(AUTH_SIG_ECDSA_P256_SHA256, FX_LEAF_P256, FX_LEAF_P384);
	expect_key_mismatch(AUTH_SIG_ECDSA_P384_SHA384, FX_LEAF_P384, FX_LEAF_P256);
	expect_key_mismatch(AUTH_SIG_RSA_SHA1, FX_LEAF_RSA2048, FX_LEAF_P256);
	expect_key_mismatch(AUTH_SIG_RSA_PSS_SHA256, FX_LEAF_RSA2048, FX_LEAF_P521);
	expect_key_mismatch(AUTH_SIG_ECDSA_SHA256, FX_LEAF_P256, FX_LEAF_RSA3072);
	/* Keys we never accept, whatever the method. */
	expect_key_mismatch(AUTH_SIG_RSA_SHA1, FX_LEAF_RSA2048, FX_LEAF_WEAK);
	expect_key_mismatch(AUTH_SIG_ECDSA_SHA256, FX_LEAF_P256, FX_LEAF_ED25519);
}

/* ---- refusals ----------------------------------------------------------- */

static void expect_fail(uint8_t method, const uint8_t *auth, size_t len, EVP_PKEY *key,
			enum auth_sig_fail why)
{
	struct auth_sig_check chk;

	assert_int_equal(auth_sig_verify(E->lib, key, method, auth, len, octets,
					 sizeof(octets), &chk), -RTX_EAUTH);
	assert_int_equal(chk.fail, why);
}

static void test_refusals(void **state)
{
	EVP_PKEY *rsa = peer_key(FX_LEAF_RSA2048), *p256 = peer_key(FX_LEAF_P256);
	uint8_t buf[300], pss20[128];
	size_t id_len, n;
	const uint8_t *id = auth_sig_algid(AUTH_SIG_RSA_PSS_SHA256, &id_len);

	(void)state;
	memset(buf, 0x11, sizeof(buf));
	/* PSK (2), DSS (3), NULL auth (13): not signature methods of ours. */
	expect_fail(2, buf, 32, rsa, AUTH_SIG_UNKNOWN_METHOD);
	expect_fail(3, buf, 32, rsa, AUTH_SIG_UNKNOWN_METHOD);
	expect_fail(13, buf, 32, rsa, AUTH_SIG_UNKNOWN_METHOD);
	/* Method 14 framing: empty, zero-length or overlong identifier, no
	 * signature after it. */
	expect_fail(14, buf, 0, rsa, AUTH_SIG_MALFORMED);
	buf[0] = 0;
	expect_fail(14, buf, 20, rsa, AUTH_SIG_MALFORMED);
	buf[0] = 40;
	expect_fail(14, buf, 30, rsa, AUTH_SIG_MALFORMED);
	buf[0] = (uint8_t)id_len;
	memcpy(buf + 1, id, id_len);
	expect_fail(14, buf, 1 + id_len, rsa, AUTH_SIG_MALFORMED);
	/* PSS with a 20-octet salt: fine for PKCS#1, but not an encoding we
	 * compare equal, so refused as unknown instead of half-parsed. */
	memcpy(pss20, id, id_len);
	pss20[id_len - 1] = 20;
	n = auth_with_algid(pss20, id_len, buf);
	expect_fail(14, buf, n, rsa, AUTH_SIG_UNKNOWN_ALGORITHM);
	buf[1 + 2] ^= 0x01;   /* damaged OID */
	expect_fail(14, buf, n, rsa, AUTH_SIG_UNKNOWN_ALGORITHM);
	/* RFC 4754: r||s of exactly twice the field length. */
	expect_fail(9, buf, 63, p256, AUTH_SIG_MALFORMED);
	expect_fail(9, buf, 65, p256, AUTH_SIG_MALFORMED);
	expect_fail(9, buf, 0, p256, AUTH_SIG_MALFORMED);
	/* Well-formed, but nobody signed it. */
	expect_fail(9, buf, 64, p256, AUTH_SIG_BAD_SIGNATURE);
	expect_fail(1, buf, 256, rsa, AUTH_SIG_BAD_SIGNATURE);
	expect_fail(1, buf, 7, rsa, AUTH_SIG_BAD_SIGNATURE);

	for (int a = AUTH_SIG_OK; a <= AUTH_SIG_BAD_SIGNATURE; a++)
		for (int b = a + 1; b <= AUTH_SIG_BAD_SIGNATURE; b++)
			assert_string_not_equal(auth_sig_fail_text(a), auth_sig_fail_text(b));
	assert_string_equal(auth_sig_fail_text(AUTH_SIG_BAD_SIGNATURE),
			    "signature does not verify");
}

/* ---- independent signatures ------------------------------------------- */

/* Made once with the openssl 3.0 CLI at development time:
 *   printf '%s' "$MSG" > msg
 *   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem
 *   openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem
 *   openssl dgst -sha1 -sign rsa.pem msg                         (method 1)
 *   openssl dgst -sha256 -sign ec.pem msg | openssl asn1parse -inform DER
 *       (its two INTEGERs written as r||s: method 9)
 *   openssl dgst -sha256 -sign rsa.pem -sigopt rsa_padding_mode:pss
 *       -sigopt rsa_pss_saltlen:digest -sigopt rsa_mgf1_md:sha256 msg
 *       (method 14 with RFC 7427 A.4.3 in front)
 * and checked with `openssl dgst -verify`. Only the public keys are kept. */
static const char vec_msg[] = "rtxsh test vector: the octets an IKE_AUTH AUTH payload signs";

static const char vec_rsa_pub[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4P6fSwYjtWwtXZYV2n+r\n"
	"6uu5BNeXJZxvBRL16ZWOjfCkHSyFKNQHmjNBiPwxfqFtJklVBgvNA2oTm0jWhi9/\n"
	"TIeEMtAQHZW0/tSLMhv/hJ0GMn/MIcCSEu4FfhBn3WQovhMRWax3XnnGzsEZq3Cx\n"
	"kDF47xgsX2V5ZxP6q1VX31C2mSoI4fjjnl2rRgZ0t+4Y8t1x3bjg5JAsbdDsGgoa\n"
	"Nhc/fHuUkPCMDyZJT2s2yGhTAS/fYkSyovnlW62+E+CbNhQdaiITtuYCABEWfKyV\n"
	"eVwRAWYSNKr1YAGSbQL2WzIloorZSyi60r381+LJTGeM0uF0rtmHCX5hiRhiQkSu\n"
	"4wIDAQAB\n"
	"-----END PUBLIC KEY-----\n";

static const char vec_ec_pub[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEbJeQtFL2tvwu/jzLApdgVRQle4UZ\n"
	"bHUhouvJPCzrAOj2mVoZBcVGbMOIBaN8/kjgGC6RRzbYnswkoWtU09GLew==\n"
	"-----END PUBLIC KEY-----\n";

static const char vec_rsa_sha1[] =
	"41d71e728d11deb32f5e5b413ae0b520d113804de43625dbd2198bb5c51b2f1f"
	"88691c3d0c14dabd848d2432c4ec4505c07ae27895af6f039143648a4210e644"
	"1548606e20e80df148469aef859737294fc90994974f1befde8e5ba04b2702f2"
	"a3ae3463bcc568cbd599ca4688e5a6349feba8fe2dc4b90fb4ea5f4c63c5ba55"
	"5acd66c466775d801a65bddac620dbbba0bcfe88567353be111bdd31cabff079"
	"8b336d86dce409a073945584bcd0c13e0138f748384615ba2dc20af8006aa801"
	"3f64f58c968a4b146f4ad2cd6f7c872b5fc930876419a5cd500a05e06f6e3c3e"
	"24b47b711b625775b0105478154411adf7aebc8b8aaff16fc027e3edd118728f";

static const char vec_ec_rs[] =
	"de77a43af432d835f4cba6cbbe8d853f3db3fdd0fe4c6d7f65272841b46f2c31"
	"d34fd3a863659053994e52ba0870d431d803571cb2c3b2bc9467f5eaf55bd4c9";

static const char vec_rsa_pss[] =
	"395f231418bd665de74ee784f76ccf60f8858ddb461bce4decee885099e74960"
	"f6d0eb557375259546ebc87b8ab6d3f508d8b02bb6caf3c77f5f296092733f57"
	"e910d42883210e50c38f1fa90224a36861ac8deb57cf9808e801abbcecdfa603"
	"a58b114b04eefd4f9a3d5a336afc7b5a3c0e6c6b780f9e469dc46b924a092370"
	"14b4e2e4dfd7897721c136674c53e5952716b7857bfa288122303ff6bfa09118"
	"dc694e218a011eb818f8df9c66d76767431c6b70e7117d21df75dad9a4d46d5a"
	"d10d5c2f84ee8f33a6b80da2b3fe3f7182150b6c62e7792f0e03ee137edb0dc9"
	"43d29b79dceabe21732508eed753b8a042d57bc294781fa5b7a45fbdb3da744b";

static EVP_PKEY *pem_key(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);

	BIO_free(b);
	assert_non_null(k);
	return k;
}

static void expect_vector(EVP_PKEY *key, uint8_t method, const uint8_t *auth, size_t len,
			  enum auth_sig_scheme want)
{
	struct auth_sig_check chk;
	uint8_t msg[sizeof(vec_msg)];

	assert_int_equal(auth_sig_verify(E->lib, key, method, auth, len,
					 (const uint8_t *)vec_msg, strlen(vec_msg), &chk), 0);
	assert_int_equal(chk.scheme, want);
	memcpy(msg, vec_msg, sizeof(msg));
	msg[0] ^= 1;
	assert_int_equal(auth_sig_verify(E->lib, key, method, auth, len, msg, strlen(vec_msg),
					 &chk), -RTX_EAUTH);
}

static void test_openssl_cli_vectors(void **state)
{
	EVP_PKEY *rsa = pem_key(vec_rsa_pub), *ec = pem_key(vec_ec_pub);
	uint8_t sig[300], auth[400];
	size_t n, id_len;
	const uint8_t *id = auth_sig_algid(AUTH_SIG_RSA_PSS_SHA256, &id_len);

	(void)state;
	n = unhex(vec_rsa_sha1, sig, sizeof(sig));
	expect_vector(rsa, IKEV2_AUTH_RSA_SIG, sig, n, AUTH_SIG_RSA_SHA1);
	n = unhex(vec_ec_rs, sig, sizeof(sig));
	assert_int_equal(n, 64);
	expect_vector(ec, IKEV2_AUTH_ECDSA_SHA256_P256, sig, n, AUTH_SIG_ECDSA_P256_SHA256);
	n = unhex(vec_rsa_pss, sig, sizeof(sig));
	auth[0] = (uint8_t)id_len;
	memcpy(auth + 1, id, id_len);
	memcpy(auth + 1 + id_len, sig, n);
	expect_vector(rsa, IKEV2_AUTH_DIGITAL_SIGNATURE, auth, 1 + id_len + n,
		      AUTH_SIG_RSA_PSS_SHA256);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
}

/* ---- ECDSA forms -------------------------------------------------------- */

static void test_ecdsa_forms(void **state)
{
	/* r = 1, s = 0x80 (needs a leading zero in DER). */
	static const uint8_t der[] = { 0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80 };
	uint8_t raw[64], want[64] = { 0 }, big[66], *back;
	size_t len;

	(void)state;
	want[31] = 0x01;
	want[63] = 0x80;
	assert_int_equal(auth_sig_ecdsa_der_to_raw(der, sizeof(der), 32, raw), 0);
	assert_memory_equal(raw, want, 64);
	assert_int_equal(auth_sig_ecdsa_raw_to_der(raw, 32, &back, &len), 0);
	assert_int_equal(len, sizeof(der));
	assert_memory_equal(back, der, len);
	free(back);
	/* Trailing bytes, and an r wider than the field, are refused. */
	assert_int_equal(auth_sig_ecdsa_der_to_raw(der, sizeof(der) - 1, 32, raw), -RTX_EPARSE);
	memset(big, 0xff, sizeof(big));
	assert_int_equal(auth_sig_ecdsa_raw_to_der(big, 33, &back, &len), 0);
	assert_int_equal(auth_sig_ecdsa_der_to_raw(back, len, 32, raw), -RTX_EPARSE);
	free(back);
}

/* ---- SIGNATURE_HASH_ALGORITHMS and the choice ------------------------- */

static void test_hash_notify(void **state)
{
	static const uint8_t ours[] = { 0x00, 0x02, 0x00, 0x03, 0x00, 0x04 };
	static const uint8_t peer[] = { 0x00, 0x01, 0x00, 0x05, 0x12, 0x34, 0x00, 0x04,
					0x00, 0x00 };
	uint8_t buf[16];
	unsigned mask;

	(void)state;
	assert_int_equal(auth_sig_hashes_encode(AUTH_SIG_HASHES_OURS, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, ours, 6);
	assert_int_equal(auth_sig_hashes_encode(AUTH_SIG_HASHES_OURS, buf, 5), 4);
	assert_int_equal(auth_sig_hashes_decode(ours, sizeof(ours), &mask), 0);
	assert_int_equal(mask, AUTH_SIG_HASHES_OURS);
	/* Unknown and reserved values are ignored, not errors. */
	assert_int_equal(auth_sig_hashes_decode(peer, sizeof(peer), &mask), 0);
	assert_int_equal(mask, AUTH_SIG_HASH_BIT(IKEV2_HASH_SHA1) |
			       AUTH_SIG_HASH_BIT(IKEV2_HASH_IDENTITY) |
			       AUTH_SIG_HASH_BIT(IKEV2_HASH_SHA2_512));
	assert_int_equal(auth_sig_hashes_decode(peer, 3, &mask), -RTX_EPARSE);
	assert_int_equal(mask, 0);
	assert_int_equal(auth_sig_hashes_decode(NULL, 0, &mask), 0);
	assert_int_equal(mask, 0);
}

static enum auth_sig_scheme choose(enum pki_fx_cert c, unsigned mask)
{
	enum auth_sig_scheme s;

	assert_int_equal(auth_sig_choose(pki_fixture_key(E->fx, c), mask, &s), 0);
	assert_true(auth_sig_key_fits(s, pki_key_type(pki_fixture_key(E->fx, c), NULL)));
	return s;
}

#define H(x) AUTH_SIG_HASH_BIT(IKEV2_HASH_##x)

static void test_choose(void **state)
{
	const unsigned all = AUTH_SIG_HASHES_OURS;
	enum auth_sig_scheme s;

	(void)state;
	/* No notify from the peer: the classic method of the key. */
	assert_int_equal(choose(FX_LEAF_RSA2048, 0), AUTH_SIG_RSA_SHA1);
	assert_int_equal(choose(FX_LEAF_P256, 0), AUTH_SIG_ECDSA_P256_SHA256);
	assert_int_equal(choose(FX_LEAF_P384, 0), AUTH_SIG_ECDSA_P384_SHA384);
	assert_int_equal(choose(FX_LEAF_P521, 0), AUTH_SIG_ECDSA_P521_SHA512);
	assert_int_equal(auth_sig_method(choose(FX_LEAF_P521, 0)), 11);
	/* Only hashes we do not do in common: classic too. */
	assert_int_equal(choose(FX_LEAF_P256, H(SHA1) | H(IDENTITY)),
			 AUTH_SIG_ECDSA_P256_SHA256);
	/* Everything in common: the hash of the key's strength. */
	assert_int_equal(choose(FX_LEAF_RSA2048, all), AUTH_SIG_RSA_PSS_SHA256);
	assert_int_equal(choose(FX_LEAF_RSA3072, all), AUTH_SIG_RSA_PSS_SHA256);
	assert_int_equal(choose(FX_LEAF_P256, all), AUTH_SIG_ECDSA_SHA256);
	assert_int_equal(choose(FX_LEAF_P384, all), AUTH_SIG_ECDSA_SHA384);
	assert_int_equal(choose(FX_LEAF_P521, all), AUTH_SIG_ECDSA_SHA512);
	/* Otherwise stronger before weaker. */
	assert_int_equal(choose(FX_LEAF_P256, H(SHA2_384) | H(SHA2_512)), AUTH_SIG_ECDSA_SHA384);
	assert_int_equal(choose(FX_LEAF_P384, H(SHA2_256) | H(SHA2_512)), AUTH_SIG_ECDSA_SHA512);
	assert_int_equal(choose(FX_LEAF_P521, H(SHA2_256) | H(SHA2_384)), AUTH_SIG_ECDSA_SHA384);
	assert_int_equal(choose(FX_LEAF_P521, H(SHA2_256)), AUTH_SIG_ECDSA_SHA256);
	assert_int_equal(choose(FX_LEAF_RSA2048, H(SHA2_512) | H(SHA1)), AUTH_SIG_RSA_PSS_SHA512);
	assert_int_equal(auth_sig_method(choose(FX_LEAF_RSA2048, all)),
			 IKEV2_AUTH_DIGITAL_SIGNATURE);
	/* Keys we do not sign with. */
	assert_int_equal(auth_sig_choose(pki_fixture_key(E->fx, FX_LEAF_WEAK), all, &s),
			 -RTX_EUNSUPP);
	assert_int_equal(s, AUTH_SIG_NONE);
	assert_int_equal(auth_sig_choose(pki_fixture_key(E->fx, FX_LEAF_ED25519), all, &s),
			 -RTX_EUNSUPP);
}

/* ---- key-info --------------------------------------------------------- */

static void test_key_info(void **state)
{
	/* FIPS 180-2 examples: SHA-1("abc"), SHA-256("abc"). */
	static const char sha1_abc[] = "a9993e364706816aba3e25717850c26c9cd0d89d";
	static const char sha256_abc[] =
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	struct auth_sig_key_info info;
	uint8_t want[64];

	(void)state;
	assert_int_equal(auth_sig_key_info(E->lib, AUTH_SIG_RSA_SHA1, (const uint8_t *)"abc", 3,
					   &info), 0);
	assert_int_equal(info.hash_len, unhex(sha1_abc, want, sizeof(want)));
	assert_memory_equal(info.hash, want, info.hash_len);
	assert_string_equal(info.alg, "RSA PKCS#1 v1.5 with SHA-1");
	assert_string_equal(info.hash_name, "SHA-1");
	assert_int_equal(auth_sig_key_info(E->lib, AUTH_SIG_RSA_PSS_SHA256,
					   (const uint8_t *)"abc", 3, &info), 0);
	assert_int_equal(info.hash_len, unhex(sha256_abc, want, sizeof(want)));
	assert_memory_equal(info.hash, want, info.hash_len);
	assert_string_equal(info.alg, "RSASSA-PSS with SHA-256");
	assert_int_equal(auth_sig_key_info(E->lib, AUTH_SIG_ECDSA_P521_SHA512,
					   (const uint8_t *)"abc", 3, &info), 0);
	assert_int_equal(info.hash_len, 64);
	assert_string_equal(info.alg, "ECDSA with SHA-512 on P-521");
	assert_int_equal(auth_sig_key_info(E->lib, AUTH_SIG_NONE, octets, 1, &info),
			 -RTX_EINVAL);
	assert_int_equal(auth_sig_key_info(E->lib, AUTH_SIG_SCHEME_COUNT, octets, 1, &info),
			 -RTX_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_algid_rfc7427),
		cmocka_unit_test(test_algid_openssl),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_key_fits_method),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_openssl_cli_vectors),
		cmocka_unit_test(test_ecdsa_forms),
		cmocka_unit_test(test_hash_notify),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_key_info),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
