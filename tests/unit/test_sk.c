/* SK payload protection: round trip for every cipher x integrity pair,
 * the wire layout checked against an independent decryption, tamper
 * detection for every bit of AAD and body, bad padding, malformed bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "engine/alg.h"
#include "engine/crypto.h"
#include "base/err.h"
#include "engine/sk.h"

#include "tests/unit/crypto_fixture.h"

/* IKE header (28) + SK generic payload header (4), as the codec gives it. */
#define AAD_LEN 32

/* Deterministic IV source: a counter, so tests can predict the IV. */
static int counter_rng(void *arg, uint8_t *buf, size_t len)
{
	uint8_t *ctr = arg;

	for (size_t i = 0; i < len; i++)
		buf[i] = (*ctr)++;
	return 0;
}

static int failing_rng(void *arg, uint8_t *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
	return -RTX_ECRYPTO;
}

struct fixture {
	uint8_t ek[ALG_MAX_KEY_LEN], ak[ALG_MAX_KEY_LEN];
	uint8_t aad[AAD_LEN];
	struct sk_keys k;
};

static void fixture_init(struct fixture *f, const struct alg *encr,
			 const struct alg *integ)
{
	for (size_t i = 0; i < ALG_MAX_KEY_LEN; i++) {
		f->ek[i] = (uint8_t)(0x30 + i * 3);
		f->ak[i] = (uint8_t)(0x90 + i * 5);
	}
	for (size_t i = 0; i < AAD_LEN; i++)
		f->aad[i] = (uint8_t)i;
	f->k = (struct sk_keys){ encr, integ, f->ek, integ ? f->ak : NULL };
}

static size_t protect(struct crypto_lib *lib, struct fixture *f,
		      const uint8_t *plain, size_t len, uint8_t *out)
{
	uint8_t ctr = 0x40;
	size_t out_len = 0;

	assert_int_equal(sk_protect(lib, &f->k, counter_rng, &ctr, f->aad,
				    AAD_LEN, plain, len, out, 1024, &out_len), 0);
	assert_int_equal(out_len, sk_body_len(&f->k, len));
	return out_len;
}

/* Layout check without sk.c: the IV is what the RNG gave, the ICV is the
 * HMAC over AAD | IV | ciphertext, and plain decryption shows the padding. */
static void check_cbc_layout(struct crypto_lib *lib, struct fixture *f,
			     const uint8_t *plain, size_t len,
			     const uint8_t *body, size_t body_len)
{
	const struct alg *e = f->k.encr, *a = f->k.integ;
	size_t ct_len = body_len - e->iv_len - a->icv_len, outl = 0;
	uint8_t mac[64], dec[600], *buf = malloc(AAD_LEN + body_len);

	assert_non_null(buf);
	for (size_t i = 0; i < e->iv_len; i++)
		assert_int_equal(body[i], (uint8_t)(0x40 + i));
	memcpy(buf, f->aad, AAD_LEN);
	memcpy(buf + AAD_LEN, body, e->iv_len + ct_len);
	assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, a->ossl, NULL, f->ak,
				  a->key_len, buf, AAD_LEN + e->iv_len + ct_len,
				  mac, sizeof(mac), &outl));
	assert_memory_equal(body + e->iv_len + ct_len, mac, a->icv_len);
	assert_int_equal(crypto_cbc(lib, e, false, f->ek, body,
				    body + e->iv_len, ct_len, dec), 0);
	assert_memory_equal(dec, plain, len);
	assert_int_equal(dec[ct_len - 1], ct_len - len - 1);
	assert_true(dec[ct_len - 1] < e->block_len);
	free(buf);
}

static void check_aead_layout(struct crypto_lib *lib, struct fixture *f,
			      const uint8_t *plain, size_t len,
			      const uint8_t *body, size_t body_len)
{
	const struct alg *e = f->k.encr;
	size_t ct_len = body_len - e->iv_len - e->icv_len;
	const struct crypto_chunk ad[] = { { f->aad, AAD_LEN } };
	uint8_t dec[600];

	assert_int_equal(ct_len, len + 1);   /* no padding, one pad-length octet */
	assert_int_equal(crypto_aead_open(lib, e, f->ek, body, ad, 1,
					  body + e->iv_len, ct_len, dec,
					  body + e->iv_len + ct_len), 0);
	assert_memory_equal(dec, plain, len);
	assert_int_equal(dec[len], 0);
}

static void round_trip(struct crypto_lib *lib, const struct alg *encr,
		       const struct alg *integ)
{
	static const size_t lens[] = { 0, 1, 7, 15, 16, 17, 100, 500 };
	struct fixture f;
	uint8_t plain[500], body[1024], out[1024];

	fixture_init(&f, encr, integ);
	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)(i * 11);
	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		size_t n = protect(lib, &f, plain, lens[l], body), got = 99999;

		if (encr->aead)
			check_aead_layout(lib, &f, plain, lens[l], body, n);
		else
			check_cbc_layout(lib, &f, plain, lens[l], body, n);
		assert_int_equal(sk_unprotect(lib, &f.k, f.aad, AAD_LEN, body, n,
					      out, sizeof(out), &got), 0);
		assert_int_equal(got, lens[l]);
		assert_memory_equal(out, plain, lens[l]);
	}
}

static void test_round_trip_all(void **state)
{
	unsigned combos = 0;

	for (size_t i = 0; alg_at(i); i++) {
		const struct alg *e = alg_at(i);

		if (e->type != ALG_ENCR || !crypto_lib_supports(*state, e))
			continue;
		if (e->aead) {
			round_trip(*state, e, NULL);
			combos++;
			continue;
		}
		for (size_t j = 0; alg_at(j); j++) {
			if (alg_at(j)->type != ALG_INTEG)
				continue;
			round_trip(*state, e, alg_at(j));
			combos++;
		}
	}
	/* 4 or 5 CBC ciphers x 5 integrity + 4 AEAD. */
	assert_true(combos >= 4 * 5 + 4);
}

/* Flip every bit of the AAD and of the body: always the ICV error. */
static void tamper(struct crypto_lib *lib, const struct alg *encr,
		   const struct alg *integ)
{
	struct fixture f;
	uint8_t plain[40], body[200], out[200];
	size_t n, got;

	fixture_init(&f, encr, integ);
	memset(plain, 0x77, sizeof(plain));
	n = protect(lib, &f, plain, sizeof(plain), body);
	for (size_t bit = 0; bit < (AAD_LEN + n) * 8; bit++) {
		uint8_t *p = bit / 8 < AAD_LEN ? &f.aad[bit / 8]
					       : &body[bit / 8 - AAD_LEN];

		*p ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(sk_unprotect(lib, &f.k, f.aad, AAD_LEN, body, n,
					      out, sizeof(out), &got),
				 -RTX_EAUTH);
		*p ^= (uint8_t)(1u << (bit % 8));
	}
	assert_int_equal(sk_unprotect(lib, &f.k, f.aad, AAD_LEN, body, n, out,
				      sizeof(out), &got), 0);
	/* A different AAD (an SKF header instead of SK) does not verify. */
	assert_int_equal(sk_unprotect(lib, &f.k, f.aad, AAD_LEN - 4, body, n, out,
				      sizeof(out), &got), -RTX_EAUTH);
	/* Wrong key direction (SK_er instead of SK_ei). */
	f.ek[0] ^= 1;
	if (!integ)
		assert_int_equal(sk_unprotect(lib, &f.k, f.aad, AAD_LEN, body, n,
					      out, sizeof(out), &got), -RTX_EAUTH);
	f.ek[0] ^= 1;
	f.ak[0] ^= 1;
	if (integ)
		assert_int_equal(sk_unprotect(lib, &f.k, f.aad, AAD_LEN, body, n,
					      out, sizeof(out), &got), -RTX_EAUTH);
}

static void test_tamper(void **state)
{
	tamper(*state, alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 128),
	       alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA1_96, 0));
	tamper(*state, alg_find(ALG_ENCR, IKEV2_ENCR_3DES, 0),
	       alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_512_256, 0));
	tamper(*state, alg_find(ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 256), NULL);
	tamper(*state, alg_find(ALG_ENCR, IKEV2_ENCR_CHACHA20_POLY1305, 0), NULL);
}

/* A correctly authenticated body whose pad length claims more bytes than
 * were decrypted: malformed, not an ICV error. */
static void test_bad_padding(void **state)
{
	struct crypto_lib *lib = *state;
	const struct alg *cbc = alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 256);
	const struct alg *sha = alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0);
	const struct alg *gcm = alg_find(ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 128);
	uint8_t body[200], out[200], pt[32];
	struct fixture f;
	size_t got;

	/* CBC: 32 bytes, pad length 32 (> 31 available). */
	fixture_init(&f, cbc, sha);
	memset(pt, 0, sizeof(pt));
	pt[31] = 32;
	memset(body, 0x11, 16);   /* IV */
	assert_int_equal(crypto_cbc(lib, cbc, true, f.ek, body, pt, 32, body + 16), 0);
	{
		const struct crypto_chunk in[] = {
			{ f.aad, AAD_LEN }, { body, 48 },
		};

		assert_int_equal(crypto_integ(lib, sha, f.ak, in, 2, body + 48), 0);
	}
	assert_int_equal(sk_unprotect(lib, &f.k, f.aad, AAD_LEN, body, 64, out,
				      sizeof(out), &got), -RTX_EPARSE);
	/* Pad length 31 is the most that fits: an empty payload, accepted
	 * even though it exceeds the block (RFC 7296 3.14 allows that). */
	pt[31] = 31;
	assert_int_equal(crypto_cbc(lib, cbc, true, f.ek, body, pt, 32, body + 16), 0);
	{
		const struct crypto_chunk in[] = {
			{ f.aad, AAD_LEN }, { body, 48 },
		};

		assert_int_equal(crypto_integ(lib, sha, f.ak, in, 2, body + 48), 0);
	}
	assert_int_equal(sk_unprotect(lib, &f.k, f.aad, AAD_LEN, body, 64, out,
				      sizeof(out), &got), 0);
	assert_int_equal(got, 0);

	/* AEAD: 5 bytes, pad length 200. */
	fixture_init(&f, gcm, NULL);
	memset(pt, 0, 5);
	pt[4] = 200;
	memset(body, 0x22, 8);
	{
		const struct crypto_chunk ad[] = { { f.aad, AAD_LEN } };

		assert_int_equal(crypto_aead_seal(lib, gcm, f.ek, body, ad, 1, pt, 5,
						  body + 8, body + 13), 0);
	}
	assert_int_equal(sk_unprotect(lib, &f.k, f.aad, AAD_LEN, body, 29, out,
				      sizeof(out), &got), -RTX_EPARSE);
}

static void test_malformed(void **state)
{
	struct crypto_lib *lib = *state;
	struct fixture f;
	uint8_t body[200] = { 0 }, out[200], plain[16] = { 0 };
	size_t got, n;
	uint8_t ctr = 0;

	fixture_init(&f, alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 128),
		     alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0));
	assert_int_equal(sk_min_body_len(&f.k), 16 + 16 + 16);
	/* Shorter than IV + one block + ICV, at every length. */
	for (size_t len = 0; len < 48; len++)
		assert_int_equal(sk_unprotect(lib, &f.k, f.aad, AAD_LEN, body, len,
					      out, sizeof(out), &got), -RTX_EPARSE);
	/* Ciphertext not a whole number of blocks. */
	assert_int_equal(sk_unprotect(lib, &f.k, f.aad, AAD_LEN, body, 49, out,
				      sizeof(out), &got), -RTX_EPARSE);
	/* Output buffer too small for the ciphertext. */
	n = protect(lib, &f, plain, 16, body);
	assert_int_equal(sk_unprotect(lib, &f.k, f.aad, AAD_LEN, body, n, out, 16,
				      &got), -RTX_EINVAL);
	/* Output buffer too small for protect; failing RNG. */
	assert_int_equal(sk_protect(lib, &f.k, counter_rng, &ctr, f.aad, AAD_LEN,
				    plain, 16, body, n - 1, &got), -RTX_EINVAL);
	assert_int_equal(sk_protect(lib, &f.k, failing_rng, NULL, f.aad, AAD_LEN,
				    plain, 16, body, sizeof(body), &got),
			 -RTX_ECRYPTO);
	assert_int_equal(got, 0);
	/* Inconsistent key sets. */
	f.k.integ = NULL;
	assert_int_equal(sk_body_len(&f.k, 10), 0);
	assert_int_equal(sk_unprotect(lib, &f.k, f.aad, AAD_LEN, body, n, out,
				      sizeof(out), &got), -RTX_EINVAL);
	fixture_init(&f, alg_find(ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 128),
		     alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0));
	assert_int_equal(sk_protect(lib, &f.k, counter_rng, &ctr, f.aad, AAD_LEN,
				    plain, 16, body, sizeof(body), &got),
			 -RTX_EINVAL);
	assert_int_equal(sk_body_len(NULL, 1), 0);
}

/* Random garbage of every length never decrypts and never crashes. */
static void test_garbage(void **state)
{
	const struct alg *encrs[] = {
		alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 256),
		alg_find(ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 128),
	};
	uint8_t body[300], out[300];
	struct fixture f;
	size_t got;

	for (size_t e = 0; e < 2; e++) {
		fixture_init(&f, encrs[e], encrs[e]->aead ? NULL :
			     alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_MD5_96, 0));
		for (size_t len = 0; len < sizeof(body); len++) {
			int rc;

			assert_int_equal(crypto_random(*state, body, len), 0);
			rc = sk_unprotect(*state, &f.k, f.aad, AAD_LEN, body, len,
					  out, sizeof(out), &got);
			assert_true(rc == -RTX_EPARSE || rc == -RTX_EAUTH);
			assert_int_equal(got, 0);
		}
	}
}

/* The real IV source: two protections of the same data differ. */
static void test_openssl_rng(void **state)
{
	struct fixture f;
	uint8_t plain[20] = { 0 }, b1[100], b2[100], out[100];
	size_t n1, n2, got;

	fixture_init(&f, alg_find(ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 128), NULL);
	assert_int_equal(sk_protect(*state, &f.k, sk_rng_openssl, *state, f.aad,
				    AAD_LEN, plain, 20, b1, sizeof(b1), &n1), 0);
	assert_int_equal(sk_protect(*state, &f.k, sk_rng_openssl, *state, f.aad,
				    AAD_LEN, plain, 20, b2, sizeof(b2), &n2), 0);
	assert_int_equal(n1, n2);
	assert_memory_not_equal(b1, b2, 8);
	assert_int_equal(sk_unprotect(*state, &f.k, f.aad, AAD_LEN, b2, n2, out,
				      sizeof(out), &got), 0);
	assert_int_equal(got, 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_all),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_bad_padding),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_openssl_rng),
	};

	return cmocka_run_group_tests(tests, crypto_setup, crypto_teardown);
}
