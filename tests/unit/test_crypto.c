/* Known-answer tests for the EVP wrappers: HMAC (RFC 2202, RFC 4231),
 * AES-CBC (RFC 3602), AES-GCM (McGrew & Viega, "The Galois/Counter Mode of
 * Operation", test cases 3, 4, 10, 16), ChaCha20-Poly1305 (RFC 8439
 * 2.8.2), plus error paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/alg.h"
#include "engine/crypto.h"
#include "base/err.h"

#include "tests/unit/crypto_fixture.h"

static const struct alg *prf_alg(uint16_t id)
{
	const struct alg *a = alg_find(ALG_PRF, id, 0);

	assert_non_null(a);
	return a;
}

struct hmac_vec {
	uint16_t prf;
	const char *key;     /* hex, or NULL to use rep_key x rep_len */
	uint8_t rep_key;
	size_t rep_len;
	const char *data;    /* text */
	const char *mac;
};

static void check_hmac(struct crypto_lib *lib, const struct hmac_vec *v)
{
	uint8_t key[200], want[64], got[64];
	size_t klen = v->rep_len;
	const struct crypto_chunk in[] = {
		{ (const uint8_t *)v->data, strlen(v->data) },
	};
	const struct alg *a = prf_alg(v->prf);

	if (v->key)
		klen = unhex(v->key, key, sizeof(key));
	else
		memset(key, v->rep_key, klen);
	assert_int_equal(unhex(v->mac, want, sizeof(want)), a->out_len);
	assert_int_equal(crypto_hmac(lib, a, key, klen, in, 1, got), 0);
	assert_memory_equal(got, want, a->out_len);
}

static void test_hmac_rfc2202_rfc4231(void **state)
{
	static const struct hmac_vec v[] = {
		{ IKEV2_PRF_HMAC_MD5, NULL, 0x0b, 16, "Hi There",
		  "9294727a3638bb1c13f48ef8158bfc9d" },
		{ IKEV2_PRF_HMAC_MD5, "4a656665", 0, 0,
		  "what do ya want for nothing?",
		  "750c783e6ab0b503eaa86e310a5db738" },
		{ IKEV2_PRF_HMAC_SHA1, NULL, 0x0b, 20, "Hi There",
		  "b617318655057264e28bc0b6fb378c8ef146be00" },
		{ IKEV2_PRF_HMAC_SHA1, "4a656665", 0, 0,
		  "what do ya want for nothing?",
		  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
		/* RFC 2202 case 6: key longer than the block is hashed first. */
		{ IKEV2_PRF_HMAC_SHA1, NULL, 0xaa, 80,
		  "Test Using Larger Than Block-Size Key - Hash Key First",
		  "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
		{ IKEV2_PRF_HMAC_SHA2_256, NULL, 0x0b, 20, "Hi There",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ IKEV2_PRF_HMAC_SHA2_256, "4a656665", 0, 0,
		  "what do ya want for nothing?",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		{ IKEV2_PRF_HMAC_SHA2_384, NULL, 0x0b, 20, "Hi There",
		  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
		  "faea9ea9076ede7f4af152e8b2fa9cb6" },
		{ IKEV2_PRF_HMAC_SHA2_384, "4a656665", 0, 0,
		  "what do ya want for nothing?",
		  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
		  "8e2240ca5e69e2c78b3239ecfab21649" },
		{ IKEV2_PRF_HMAC_SHA2_512, NULL, 0x0b, 20, "Hi There",
		  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
		  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
		{ IKEV2_PRF_HMAC_SHA2_512, "4a656665", 0, 0,
		  "what do ya want for nothing?",
		  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
		  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_hmac(*state, &v[i]);
}

/* Data split into chunks must MAC like the concatenation. */
static void test_hmac_chunks(void **state)
{
	const struct alg *a = prf_alg(IKEV2_PRF_HMAC_SHA2_256);
	const char *msg = "what do ya want for nothing?";
	const struct crypto_chunk parts[] = {
		{ (const uint8_t *)msg, 4 }, { NULL, 0 },
		{ (const uint8_t *)msg + 4, strlen(msg) - 4 },
	};
	const struct crypto_chunk whole[] = {
		{ (const uint8_t *)msg, strlen(msg) },
	};
	uint8_t a1[32], a2[32];

	assert_int_equal(crypto_hmac(*state, a, (const uint8_t *)"Jefe", 4,
				     parts, 3, a1), 0);
	assert_int_equal(crypto_hmac(*state, a, (const uint8_t *)"Jefe", 4,
				     whole, 1, a2), 0);
	assert_memory_equal(a1, a2, 32);
}

/* Integrity truncation: RFC 4231 case 5 gives the 128-bit HMAC-SHA-256
 * prefix; RFC 2202 case 7 lists HMAC-MD5-96 and HMAC-SHA1-96 forms of
 * cases 5 ("Test With Truncation"); 384/512 truncate case 2's full MAC. */
static void test_integ_truncation(void **state)
{
	static const struct {
		uint16_t id;
		uint8_t rep_key;
		size_t rep_len;
		const char *data, *icv;
	} v[] = {
		{ IKEV2_AUTH_HMAC_MD5_96, 0x0c, 16, "Test With Truncation",
		  "56461ef2342edc00f9bab995" },
		{ IKEV2_AUTH_HMAC_SHA1_96, 0x0c, 20, "Test With Truncation",
		  "4c1a03424b55e07fe7f27be1" },
		{ IKEV2_AUTH_HMAC_SHA2_256_128, 0x0c, 20, "Test With Truncation",
		  "a3b6167473100ee06e0c796c2955552b" },
	};
	uint8_t key[64], icv[32], want[32];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const struct alg *a = alg_find(ALG_INTEG, v[i].id, 0);
		const struct crypto_chunk in[] = {
			{ (const uint8_t *)v[i].data, strlen(v[i].data) },
		};
		struct alg shortkey;

		assert_non_null(a);
		/* The RFC keys are shorter than the IKE key length: use a
		 * copy of the row with the vector's key length. */
		shortkey = *a;
		shortkey.key_len = (uint8_t)v[i].rep_len;
		memset(key, v[i].rep_key, v[i].rep_len);
		assert_int_equal(unhex(v[i].icv, want, sizeof(want)), a->icv_len);
		assert_int_equal(crypto_integ(*state, &shortkey, key, in, 1, icv), 0);
		assert_memory_equal(icv, want, a->icv_len);
		assert_int_equal(crypto_integ_verify(*state, &shortkey, key, in, 1,
						     want), 0);
		want[a->icv_len - 1] ^= 1;
		assert_int_equal(crypto_integ_verify(*state, &shortkey, key, in, 1,
						     want), -RTX_EAUTH);
	}
}

static void test_integ_sha384_512(void **state)
{
	static const char *full384 =
		"af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
		"8e2240ca5e69e2c78b3239ecfab21649";
	static const char *full512 =
		"164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
		"9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737";
	const char *msg = "what do ya want for nothing?";
	const struct crypto_chunk in[] = { { (const uint8_t *)msg, strlen(msg) } };
	uint8_t want[64], icv[32];
	struct alg a;

	a = *alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_384_192, 0);
	assert_int_equal(a.icv_len, 24);
	a.key_len = 4;
	unhex(full384, want, sizeof(want));
	assert_int_equal(crypto_integ(*state, &a, (const uint8_t *)"Jefe", in, 1,
				      icv), 0);
	assert_memory_equal(icv, want, 24);

	a = *alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_512_256, 0);
	assert_int_equal(a.icv_len, 32);
	a.key_len = 4;
	unhex(full512, want, sizeof(want));
	assert_int_equal(crypto_integ(*state, &a, (const uint8_t *)"Jefe", in, 1,
				      icv), 0);
	assert_memory_equal(icv, want, 32);
}

static void test_aes_cbc_rfc3602(void **state)
{
	static const struct {
		const char *key, *iv, *pt, *ct;
	} v[] = {
		{ "06a9214036b8a15b512e03d534120006",
		  "3dafba429d9eb430b422da802c9fac41",
		  "53696e676c6520626c6f636b206d7367",
		  "e353779c1079aeb82708942dbe77181a" },
		{ "c286696d887c9aa0611bbb3e2025a45a",
		  "562e17996d093d28ddb3ba695a2e6f58",
		  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		  "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1" },
		{ "56e47a38c5598974bc46903dba290349",
		  "8ce82eefbea0da3c44699ed7db51b7d9",
		  "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
		  "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf",
		  "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e"
		  "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55" },
	};
	const struct alg *a = alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 128);
	uint8_t key[16], iv[16], pt[64], ct[64], out[64];

	assert_non_null(a);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n;

		unhex(v[i].key, key, sizeof(key));
		unhex(v[i].iv, iv, sizeof(iv));
		n = unhex(v[i].pt, pt, sizeof(pt));
		assert_int_equal(unhex(v[i].ct, ct, sizeof(ct)), n);
		assert_int_equal(crypto_cbc(*state, a, true, key, iv, pt, n, out), 0);
		assert_memory_equal(out, ct, n);
		/* In place, the way sk.c uses it. */
		assert_int_equal(crypto_cbc(*state, a, false, key, iv, out, n, out), 0);
		assert_memory_equal(out, pt, n);
	}
	/* Not a whole number of blocks: refused, the caller pads. */
	assert_int_equal(crypto_cbc(*state, a, true, key, iv, pt, 15, out),
			 -RTX_EINVAL);
	/* AEAD rows are not CBC. */
	assert_int_equal(crypto_cbc(*state, alg_find(ALG_ENCR,
			IKEV2_ENCR_AES_GCM_16, 128), true, key, iv, pt, 16, out),
			 -RTX_EINVAL);
}

struct aead_vec {
	uint16_t id, bits;
	const char *key;   /* key | salt (the first 4 nonce bytes) */
	const char *iv;    /* last 8 nonce bytes */
	const char *aad, *pt, *ct, *tag;
};

#define GCM_PT \
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_AAD "feedfacedeadbeeffeedfacedeadbeefabaddad2"

static const struct aead_vec aead_vecs[] = {
	/* GCM test case 3: 128-bit key, no AAD, 64-byte plaintext. */
	{ IKEV2_ENCR_AES_GCM_16, 128,
	  "feffe9928665731c6d6a8f9467308308" "cafebabe", "facedbaddecaf888", "",
	  GCM_PT "1aafd255",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	  "4d5c2af327cd64a62cf35abd2ba6fab4" },
	/* Test case 4: the same with AAD and a 60-byte plaintext. */
	{ IKEV2_ENCR_AES_GCM_16, 128,
	  "feffe9928665731c6d6a8f9467308308" "cafebabe", "facedbaddecaf888",
	  GCM_AAD, GCM_PT,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	/* Test case 10: 192-bit key. */
	{ IKEV2_ENCR_AES_GCM_16, 192,
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c" "cafebabe",
	  "facedbaddecaf888", GCM_AAD, GCM_PT,
	  "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
	  "7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710",
	  "2519498e80f1478f37ba55bd6d27618c" },
	/* Test case 16: 256-bit key. */
	{ IKEV2_ENCR_AES_GCM_16, 256,
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
	  "cafebabe", "facedbaddecaf888", GCM_AAD, GCM_PT,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
	/* RFC 8439 2.8.2: nonce = constant 07000000 | IV 4041424344454647,
	 * which is RFC 7634's salt | IV split. */
	{ IKEV2_ENCR_CHACHA20_POLY1305, 0,
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	  "07000000", "4041424344454647", "50515253c0c1c2c3c4c5c6c7",
	  "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
	  "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
	  "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
	  "637265656e20776f756c642062652069742e",
	  "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	  "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	  "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	  "3ff4def08e4b7a9de576d26586cec64b6116",
	  "1ae10b594f09e26a7e902ecbd0600691" },
};

static void test_aead_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(aead_vecs) / sizeof(aead_vecs[0]); i++) {
		const struct aead_vec *v = &aead_vecs[i];
		const struct alg *a = alg_find(ALG_ENCR, v->id, v->bits);
		uint8_t key[40], iv[8], aad[32], pt[128], ct[128], tag[16];
		uint8_t out[128], otag[16];
		size_t n, alen;
		struct crypto_chunk ad[1];

		assert_non_null(a);
		assert_int_equal(unhex(v->key, key, sizeof(key)), a->key_len);
		unhex(v->iv, iv, sizeof(iv));
		alen = unhex(v->aad, aad, sizeof(aad));
		n = unhex(v->pt, pt, sizeof(pt));
		assert_int_equal(unhex(v->ct, ct, sizeof(ct)), n);
		unhex(v->tag, tag, sizeof(tag));
		ad[0] = (struct crypto_chunk){ aad, alen };

		assert_int_equal(crypto_aead_seal(*state, a, key, iv, ad, 1, pt, n,
						  out, otag), 0);
		assert_memory_equal(out, ct, n);
		assert_memory_equal(otag, tag, 16);
		assert_int_equal(crypto_aead_open(*state, a, key, iv, ad, 1, ct, n,
						  out, tag), 0);
		assert_memory_equal(out, pt, n);
		/* A changed tag, AAD byte or ciphertext byte must not open. */
		tag[3] ^= 0x40;
		assert_int_equal(crypto_aead_open(*state, a, key, iv, ad, 1, ct, n,
						  out, tag), -RTX_EAUTH);
		tag[3] ^= 0x40;
		ct[n - 1] ^= 1;
		assert_int_equal(crypto_aead_open(*state, a, key, iv, ad, 1, ct, n,
						  out, tag), -RTX_EAUTH);
		ct[n - 1] ^= 1;
		if (alen) {
			aad[0] ^= 0x80;
			assert_int_equal(crypto_aead_open(*state, a, key, iv, ad, 1,
							  ct, n, out, tag),
					 -RTX_EAUTH);
		}
	}
}

/* 3DES and DES have no RFC vector in this suite; a round trip through two
 * different keys shows the key is used and decryption inverts. */
static void test_des_family(void **state)
{
	struct crypto_lib *lib = *state;
	const struct alg *des = alg_find(ALG_ENCR, IKEV2_ENCR_DES, 0);
	const struct alg *tdes = alg_find(ALG_ENCR, IKEV2_ENCR_3DES, 0);
	uint8_t key[24], iv[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, pt[16], ct[16];
	uint8_t ct2[16];

	assert_non_null(des);
	assert_non_null(tdes);
	assert_true(des->legacy);
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x10 + i * 7);
	memcpy(pt, "0123456789abcdef", 16);
	assert_true(crypto_lib_supports(lib, tdes));
	assert_int_equal(crypto_cbc(lib, tdes, true, key, iv, pt, 16, ct), 0);
	assert_memory_not_equal(ct, pt, 16);
	key[23] ^= 0x02;   /* a non-parity bit of the third key */
	assert_int_equal(crypto_cbc(lib, tdes, true, key, iv, pt, 16, ct2), 0);
	assert_memory_not_equal(ct, ct2, 16);
	assert_int_equal(crypto_cbc(lib, tdes, false, key, iv, ct2, 16, ct2), 0);
	assert_memory_equal(ct2, pt, 16);

	/* DES needs the legacy provider; our library context loads it when
	 * installed, and says so otherwise. */
	if (!crypto_lib_has_legacy(lib)) {
		assert_false(crypto_lib_supports(lib, des));
		assert_int_equal(crypto_cbc(lib, des, true, key, iv, pt, 16, ct),
				 -RTX_EUNSUPP);
		return;
	}
	assert_true(crypto_lib_supports(lib, des));
	/* FIPS 81 / NBS example: key 0123456789abcdef, "Now is t" ECB block
	 * 3fa40e8a984d4815; in CBC with a zero IV the first block is that. */
	unhex("0123456789abcdef", key, 8);
	memset(iv, 0, sizeof(iv));
	memcpy(pt, "Now is the time ", 16);
	assert_int_equal(crypto_cbc(lib, des, true, key, iv, pt, 16, ct), 0);
	unhex("3fa40e8a984d4815", ct2, 8);
	assert_memory_equal(ct, ct2, 8);
	assert_int_equal(crypto_cbc(lib, des, false, key, iv, ct, 16, ct), 0);
	assert_memory_equal(ct, pt, 16);
}

/* The default OpenSSL context (lib NULL) has no legacy provider. */
static void test_null_lib(void **state)
{
	const struct alg *aes = alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 256);
	const struct alg *sha = prf_alg(IKEV2_PRF_HMAC_SHA2_256);
	const struct crypto_chunk in[] = { { (const uint8_t *)"x", 1 } };
	uint8_t key[32] = { 0 }, iv[16] = { 0 }, buf[16] = { 0 }, m1[32], m2[32];

	(void)state;
	assert_int_equal(crypto_cbc(NULL, aes, true, key, iv, buf, 16, buf), 0);
	assert_int_equal(crypto_hmac(NULL, sha, key, 32, in, 1, m1), 0);
	assert_int_equal(crypto_hmac(*state, sha, key, 32, in, 1, m2), 0);
	assert_memory_equal(m1, m2, 32);
	assert_true(crypto_lib_supports(NULL, aes));
	/* Argument errors must not leak the cipher fetched for a NULL lib. */
	assert_int_equal(crypto_cbc(NULL, alg_find(ALG_ENCR,
			IKEV2_ENCR_AES_GCM_16, 128), true, key, iv, buf, 16, buf),
			 -RTX_EINVAL);
	assert_int_equal(crypto_aead_seal(NULL, aes, key, iv, NULL, 0, buf, 16,
					  buf, m1), -RTX_EINVAL);
}

/* FIPS 180-2 appendix A and B, "abc": the library's fetched digests and
 * the fetch-per-call path of a NULL lib agree with them. */
static void test_sha_abc(void **state)
{
	uint8_t want[32], out[32];
	struct crypto_lib *libs[] = { *state, NULL };
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(unhex("a9993e364706816aba3e25717850c26c9cd0d89d", want,
				       sizeof(want)), 20);
		assert_int_equal(crypto_sha1(libs[i], "abc", 3, out), 0);
		assert_memory_equal(out, want, 20);
		assert_int_equal(unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9c"
				       "b410ff61f20015ad", want, sizeof(want)), 32);
		assert_int_equal(crypto_sha256(libs[i], "abc", 3, out), 0);
		assert_memory_equal(out, want, 32);
	}
}

static void test_bad_args(void **state)
{
	const struct alg *dh = alg_find(ALG_DH, IKEV2_DH_MODP_2048, 0);
	const struct alg *gcm = alg_find(ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 128);
	uint8_t buf[64] = { 0 }, tag[16];

	assert_int_equal(crypto_hmac(*state, dh, buf, 1, NULL, 0, buf),
			 -RTX_EINVAL);
	assert_int_equal(crypto_hmac(*state, NULL, buf, 1, NULL, 0, buf),
			 -RTX_EINVAL);
	assert_int_equal(crypto_cbc(*state, NULL, true, buf, buf, buf, 16, buf),
			 -RTX_EINVAL);
	assert_int_equal(crypto_aead_seal(*state, alg_find(ALG_ENCR,
			IKEV2_ENCR_AES_CBC, 128), buf, buf, NULL, 0, buf, 16, buf,
			tag), -RTX_EINVAL);
	/* Empty plaintext is still authenticated. */
	assert_int_equal(crypto_aead_seal(*state, gcm, buf, buf, NULL, 0, buf, 0,
					  buf, tag), 0);
	assert_int_equal(crypto_aead_open(*state, gcm, buf, buf, NULL, 0, buf, 0,
					  buf, tag), 0);
	tag[0] ^= 1;
	assert_int_equal(crypto_aead_open(*state, gcm, buf, buf, NULL, 0, buf, 0,
					  buf, tag), -RTX_EAUTH);
	assert_int_equal(crypto_random(*state, buf, 0), 0);
	assert_int_equal(crypto_random(*state, buf, sizeof(buf)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_rfc2202_rfc4231),
		cmocka_unit_test(test_hmac_chunks),
		cmocka_unit_test(test_integ_truncation),
		cmocka_unit_test(test_integ_sha384_512),
		cmocka_unit_test(test_aes_cbc_rfc3602),
		cmocka_unit_test(test_aead_vectors),
		cmocka_unit_test(test_des_family),
		cmocka_unit_test(test_null_lib),
		cmocka_unit_test(test_sha_abc),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, crypto_setup, crypto_teardown);
}
