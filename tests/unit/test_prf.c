/* prf and prf+ (RFC 7296 2.13) against an independent construction: the
 * T1 | T2 | ... chain built here by concatenating bytes by hand and MACing
 * them with OpenSSL's one-shot EVP_Q_mac, not through our wrappers. */
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
#include "engine/prf.h"

#include "tests/unit/crypto_fixture.h"

static void ref_hmac(const struct alg *a, const uint8_t *key, size_t klen,
		     const uint8_t *data, size_t len, uint8_t *out)
{
	size_t outl = 0;

	assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, a->ossl, NULL, key, klen,
				  data, len, out, a->out_len, &outl));
	assert_int_equal(outl, a->out_len);
}

/* prf+ the slow, obvious way: T(k) = prf(K, T(k-1) | S | k). */
static void ref_prf_plus(const struct alg *a, const uint8_t *key, size_t klen,
			 const uint8_t *s, size_t slen, uint8_t *out, size_t len)
{
	uint8_t *buf = malloc(64 + slen + 1), t[64];
	size_t tlen = 0, done = 0;

	assert_non_null(buf);
	for (unsigned k = 1; done < len; k++) {
		size_t n = 0, take;

		memcpy(buf, t, tlen);
		n += tlen;
		memcpy(buf + n, s, slen);
		n += slen;
		buf[n++] = (uint8_t)k;
		ref_hmac(a, key, klen, buf, n, t);
		tlen = a->out_len;
		take = len - done < tlen ? len - done : tlen;
		memcpy(out + done, t, take);
		done += take;
	}
	free(buf);
}

static const uint16_t prfs[] = {
	IKEV2_PRF_HMAC_MD5, IKEV2_PRF_HMAC_SHA1, IKEV2_PRF_HMAC_SHA2_256,
	IKEV2_PRF_HMAC_SHA2_384, IKEV2_PRF_HMAC_SHA2_512,
};

static void test_prf_single(void **state)
{
	uint8_t key[100], data[300], got[64], want[64];

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 13 + 1);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ 0x5a);
	for (size_t p = 0; p < sizeof(prfs) / sizeof(prfs[0]); p++) {
		const struct alg *a = alg_find(ALG_PRF, prfs[p], 0);
		/* Split into three uneven chunks. */
		const struct crypto_chunk in[] = {
			{ data, 7 }, { data + 7, 200 }, { data + 207, 93 },
		};

		assert_non_null(a);
		/* Keys shorter and longer than the block size. */
		for (size_t kl = 1; kl <= sizeof(key); kl += 33) {
			ref_hmac(a, key, kl, data, sizeof(data), want);
			assert_int_equal(prf(*state, a, key, kl, in, 3, got), 0);
			assert_memory_equal(got, want, a->out_len);
		}
	}
}

static void test_prf_plus_matches_reference(void **state)
{
	uint8_t key[48], seed[80], *got, *want;

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0xa0 + i);
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(i * 7);
	for (size_t p = 0; p < sizeof(prfs) / sizeof(prfs[0]); p++) {
		const struct alg *a = alg_find(ALG_PRF, prfs[p], 0);
		const size_t h = a->out_len;
		const size_t lens[] = { 1, h - 1, h, h + 1, 3 * h - 5, 7 * h,
					255 * h };
		/* The seed given as four chunks, like Ni | Nr | SPIi | SPIr. */
		const struct crypto_chunk s[] = {
			{ seed, 32 }, { seed + 32, 32 }, { seed + 64, 8 },
			{ seed + 72, 8 },
		};

		got = malloc(255 * h);
		want = malloc(255 * h);
		assert_true(got && want);
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			ref_prf_plus(a, key, sizeof(key), seed, sizeof(seed),
				     want, lens[l]);
			memset(got, 0, lens[l]);
			assert_int_equal(prf_plus(*state, a, key, sizeof(key), s, 4,
						  got, lens[l]), 0);
			assert_memory_equal(got, want, lens[l]);
		}
		/* The one-octet counter ends at 255 blocks. */
		assert_int_equal(prf_plus(*state, a, key, sizeof(key), s, 4, got,
					  255 * h + 1), -RTX_ERANGE);
		free(got);
		free(want);
	}
}

/* prf+ output is a prefix-stable stream: asking for fewer bytes gives a
 * prefix of the longer output (keys split later rely on this). */
static void test_prf_plus_prefix(void **state)
{
	const struct alg *a = alg_find(ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	const uint8_t key[] = "k", seed[] = "seed";
	const struct crypto_chunk s[] = { { seed, 4 } };
	uint8_t long_out[200], short_out[77];

	assert_int_equal(prf_plus(*state, a, key, 1, s, 1, long_out, 200), 0);
	assert_int_equal(prf_plus(*state, a, key, 1, s, 1, short_out, 77), 0);
	assert_memory_equal(long_out, short_out, 77);
	/* And depends on the seed. */
	assert_int_equal(prf_plus(*state, a, key, 1, s, 0, short_out, 77), 0);
	assert_memory_not_equal(long_out, short_out, 77);
}

static void test_prf_bad_args(void **state)
{
	const struct alg *integ = alg_find(ALG_INTEG,
					   IKEV2_AUTH_HMAC_SHA2_256_128, 0);
	const struct alg *a = alg_find(ALG_PRF, IKEV2_PRF_HMAC_SHA1, 0);
	struct crypto_chunk many[20] = { { NULL, 0 } };
	uint8_t out[64];

	assert_int_equal(prf(*state, integ, out, 1, NULL, 0, out), -RTX_EINVAL);
	assert_int_equal(prf(*state, NULL, out, 1, NULL, 0, out), -RTX_EINVAL);
	assert_int_equal(prf_plus(*state, integ, out, 1, NULL, 0, out, 8),
			 -RTX_EINVAL);
	assert_int_equal(prf_plus(*state, a, out, 1, many, 20, out, 8),
			 -RTX_EINVAL);
	/* Zero bytes requested is a valid no-op. */
	assert_int_equal(prf_plus(*state, a, out, 1, NULL, 0, out, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prf_single),
		cmocka_unit_test(test_prf_plus_matches_reference),
		cmocka_unit_test(test_prf_plus_prefix),
		cmocka_unit_test(test_prf_bad_args),
	};

	return cmocka_run_group_tests(tests, crypto_setup, crypto_teardown);
}
