/* The algorithm table: lookups by IANA id and key length, by Yamaha
 * keyword, consistency of every row, and that OpenSSL can run each one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/alg.h"
#include "engine/crypto.h"

#include "tests/unit/crypto_fixture.h"

static void test_find_by_id(void **state)
{
	const struct alg *a;

	(void)state;
	/* AES needs its Key Length attribute (RFC 7296 3.3.5). */
	assert_null(alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 0));
	assert_null(alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 64));
	a = alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 192);
	assert_non_null(a);
	assert_int_equal(a->key_len, 24);
	assert_true(a->key_attr);
	assert_string_equal(a->name, "ENCR_AES_CBC");
	assert_string_equal(a->xfrm, "cbc(aes)");
	/* Fixed-length ciphers: with or without the attribute. */
	a = alg_find(ALG_ENCR, IKEV2_ENCR_3DES, 0);
	assert_non_null(a);
	assert_ptr_equal(alg_find(ALG_ENCR, IKEV2_ENCR_3DES, 192), a);
	assert_null(alg_find(ALG_ENCR, IKEV2_ENCR_3DES, 128));
	assert_false(a->key_attr);
	assert_int_equal(a->key_len, 24);
	a = alg_find(ALG_ENCR, IKEV2_ENCR_CHACHA20_POLY1305, 0);
	assert_non_null(a);
	assert_true(a->aead);
	assert_int_equal(a->key_len, 36);   /* 32-byte key + 4-byte salt */
	assert_string_equal(a->xfrm, "rfc7539esp(chacha20,poly1305)");
	a = alg_find(ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 256);
	assert_non_null(a);
	assert_int_equal(a->key_len, 36);
	assert_int_equal(a->salt_len, 4);
	assert_int_equal(a->iv_len, 8);
	assert_int_equal(a->icv_len, 16);
	assert_string_equal(a->xfrm, "rfc4106(gcm(aes))");
	assert_int_equal(a->xfrm_icv_bits, 128);

	a = alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_384_192, 0);
	assert_non_null(a);
	assert_string_equal(a->name, "AUTH_HMAC_SHA2_384_192");
	assert_string_equal(a->xfrm, "hmac(sha384)");
	assert_int_equal(a->xfrm_icv_bits, 192);
	assert_int_equal(a->key_len, 48);
	a = alg_find(ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	assert_string_equal(a->name, "PRF_HMAC_SHA2_256");
	assert_int_equal(a->out_len, 32);

	a = alg_find(ALG_DH, IKEV2_DH_ECP_256, 0);
	assert_string_equal(a->name, "ECP_256");
	assert_int_equal(a->pub_len, 64);
	assert_int_equal(a->secret_len, 32);
	assert_string_equal(alg_find(ALG_DH, IKEV2_DH_CURVE25519, 0)->name,
			    "Curve25519");
	assert_string_equal(alg_find(ALG_DH, IKEV2_DH_MODP_2048, 0)->name,
			    "MODP_2048");
	assert_null(alg_find(ALG_DH, 22, 0));
	assert_non_null(alg_find(ALG_ESN, IKEV2_ESN_YES, 0));
	assert_null(alg_find(ALG_PRF, IKEV2_ENCR_AES_CBC, 128));
}

static void test_yamaha_keywords(void **state)
{
	static const struct {
		enum alg_type type;
		const char *kw;
		uint16_t id, bits;
	} v[] = {
		{ ALG_ENCR, "aes256-cbc", IKEV2_ENCR_AES_CBC, 256 },
		{ ALG_ENCR, "aes-cbc", IKEV2_ENCR_AES_CBC, 128 },
		{ ALG_ENCR, "3des-cbc", IKEV2_ENCR_3DES, 192 },
		{ ALG_ENCR, "des-cbc", IKEV2_ENCR_DES, 64 },
		{ ALG_PRF, "md5", IKEV2_PRF_HMAC_MD5, 0 },
		{ ALG_PRF, "sha", IKEV2_PRF_HMAC_SHA1, 0 },
		{ ALG_PRF, "sha256", IKEV2_PRF_HMAC_SHA2_256, 0 },
		{ ALG_PRF, "sha384", IKEV2_PRF_HMAC_SHA2_384, 0 },
		{ ALG_PRF, "SHA512", IKEV2_PRF_HMAC_SHA2_512, 0 },
		{ ALG_INTEG, "sha", IKEV2_AUTH_HMAC_SHA1_96, 0 },
		{ ALG_INTEG, "sha256", IKEV2_AUTH_HMAC_SHA2_256_128, 0 },
		{ ALG_INTEG, "md5-hmac", IKEV2_AUTH_HMAC_MD5_96, 0 },
		{ ALG_INTEG, "sha-hmac", IKEV2_AUTH_HMAC_SHA1_96, 0 },
		{ ALG_INTEG, "sha256-hmac", IKEV2_AUTH_HMAC_SHA2_256_128, 0 },
		{ ALG_INTEG, "sha384-hmac", IKEV2_AUTH_HMAC_SHA2_384_192, 0 },
		{ ALG_INTEG, "sha512-hmac", IKEV2_AUTH_HMAC_SHA2_512_256, 0 },
		{ ALG_DH, "modp768", IKEV2_DH_MODP_768, 0 },
		{ ALG_DH, "modp1024", IKEV2_DH_MODP_1024, 0 },
		{ ALG_DH, "modp1536", IKEV2_DH_MODP_1536, 0 },
		{ ALG_DH, "modp2048", IKEV2_DH_MODP_2048, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const struct alg *a = alg_by_keyword(v[i].type, v[i].kw);

		assert_non_null(a);
		assert_int_equal(a->id, v[i].id);
		assert_int_equal(a->key_bits, v[i].bits);
	}
	/* The RTX has no keyword for these, and ESP keywords are no PRF. */
	assert_null(alg_by_keyword(ALG_ENCR, "aes192-cbc"));
	assert_null(alg_by_keyword(ALG_DH, "modp3072"));
	assert_null(alg_by_keyword(ALG_PRF, "sha-hmac"));
	assert_null(alg_by_keyword(ALG_ENCR, "sha"));
	assert_null(alg_by_keyword(ALG_ENCR, NULL));
	assert_null(alg_by_keyword(ALG_ENCR, ""));
	assert_ptr_equal(alg_by_name(ALG_INTEG, "auth_hmac_sha1_96"),
			 alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA1_96, 0));
	assert_null(alg_by_name(ALG_PRF, "AUTH_HMAC_SHA1_96"));
}

/* Yamaha's responder preference (command reference 1.16 / 1.19). */
static void test_strength_order(void **state)
{
	const struct alg *a256 = alg_by_keyword(ALG_ENCR, "aes256-cbc");
	const struct alg *a192 = alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 192);
	const struct alg *a128 = alg_by_keyword(ALG_ENCR, "aes-cbc");
	const struct alg *tdes = alg_by_keyword(ALG_ENCR, "3des-cbc");
	const struct alg *des = alg_by_keyword(ALG_ENCR, "des-cbc");
	const char *hashes[] = { "md5", "sha", "sha256", "sha384", "sha512" };

	(void)state;
	assert_true(a256->strength > a192->strength);
	assert_true(a192->strength > a128->strength);
	assert_true(a128->strength > tdes->strength);
	assert_true(tdes->strength > des->strength);
	for (size_t i = 1; i < 5; i++) {
		assert_true(alg_by_keyword(ALG_PRF, hashes[i])->strength >
			    alg_by_keyword(ALG_PRF, hashes[i - 1])->strength);
		assert_true(alg_by_keyword(ALG_INTEG, hashes[i])->strength >
			    alg_by_keyword(ALG_INTEG, hashes[i - 1])->strength);
	}
}

static void check_row(const struct alg *a)
{
	assert_non_null(a->name);
	assert_true(a->strength > 0);
	switch (a->type) {
	case ALG_ENCR:
		assert_non_null(a->ossl);
		assert_non_null(a->xfrm);
		assert_true(a->key_len <= ALG_MAX_KEY_LEN);
		assert_int_equal((a->key_len - a->salt_len) * 8, a->key_bits);
		assert_true(a->iv_len <= ALG_MAX_IV_LEN);
		if (a->aead) {
			assert_int_equal(a->block_len, 1);
			assert_int_equal(a->salt_len, 4);
			assert_int_equal(a->icv_len, 16);
		} else {
			assert_int_equal(a->iv_len, a->block_len);
			assert_int_equal(a->salt_len, 0);
		}
		break;
	case ALG_PRF:
		assert_int_equal(a->key_len, a->out_len);
		assert_true(a->out_len <= ALG_MAX_PRF_LEN);
		assert_null(a->yamaha_esp);
		break;
	case ALG_INTEG:
		/* RFC 2404/2403 truncate to 96 bits, RFC 4868 to half. */
		assert_true(a->icv_len == 12 || a->icv_len * 2 == a->out_len);
		assert_int_equal(a->key_len, a->out_len);
		assert_true(a->icv_len <= ALG_MAX_ICV_LEN);
		assert_true(a->icv_len < a->out_len);
		assert_int_equal(a->xfrm_icv_bits, a->icv_len * 8);
		assert_non_null(a->xfrm);
		break;
	case ALG_DH:
		assert_true(a->pub_len > 0 && a->pub_len <= ALG_MAX_DH_PUB_LEN);
		assert_true(a->secret_len > 0);
		if (a->dh_kind == ALG_DH_ECP)
			assert_int_equal(a->pub_len, 2 * a->secret_len);
		else
			assert_int_equal(a->pub_len, a->secret_len);
		break;
	case ALG_ESN:
		break;
	}
}

static void test_table_rows(void **state)
{
	size_t n = 0;

	for (size_t i = 0; alg_at(i); i++, n++) {
		const struct alg *a = alg_at(i);

		check_row(a);
		/* the key arrays of struct ike_keys hold every cipher's key */
		if (a->type == ALG_ENCR)
			assert_true(a->key_len <= ALG_MAX_ENCR_KEY_LEN);
		/* (type, id, key_bits) is unique and finds this row. */
		assert_ptr_equal(alg_find(a->type, a->id, a->key_bits), a);
		/* The OpenSSL name runs in our library context. */
		if (!a->legacy)
			assert_true(crypto_lib_supports(*state, a));
	}
	assert_null(alg_at(n));
	assert_true(n >= 9 + 5 + 5 + 13 + 2);
}

static void test_names(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(alg_type_name(ALG_ENCR), "ENCR");
	assert_string_equal(alg_type_name(ALG_DH), "DH");
	assert_string_equal(alg_type_name((enum alg_type)42), "?");
	assert_string_equal(alg_id_name(ALG_ENCR, IKEV2_ENCR_AES_GCM_16, buf,
					sizeof(buf)), "ENCR_AES_GCM_16");
	assert_string_equal(alg_id_name(ALG_ENCR, 99, buf, sizeof(buf)),
			    "ENCR_99");
	assert_string_equal(alg_id_name(ALG_INTEG, 0, buf, sizeof(buf)),
			    "AUTH_NONE");
	assert_string_equal(alg_id_name(ALG_PRF, 77, NULL, 0), "?");
	assert_int_equal(alg_key_len(alg_find(ALG_DH, IKEV2_DH_ECP_256, 0)), 0);
	assert_int_equal(alg_key_len(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_by_id),
		cmocka_unit_test(test_yamaha_keywords),
		cmocka_unit_test(test_strength_order),
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, crypto_setup, crypto_teardown);
}
