/* Key derivation cross-checked against an independent computation written
 * here: HMAC via OpenSSL's one-shot EVP_Q_mac over buffers concatenated by
 * hand, prf+ as the literal RFC 7296 2.13 chain, keys cut in RFC order. */
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
#include "engine/keys.h"

#include "tests/unit/crypto_fixture.h"

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 31);
}

static uint64_t be64(const uint8_t *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static void ref_hmac(const struct alg *a, const uint8_t *key, size_t klen,
		     const uint8_t *data, size_t len, uint8_t *out)
{
	size_t outl = 0;

	assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, a->ossl, NULL, key, klen,
				  data, len, out, a->out_len, &outl));
}

static void ref_prf_plus(const struct alg *a, const uint8_t *key, size_t klen,
			 const uint8_t *s, size_t slen, uint8_t *out, size_t len)
{
	uint8_t buf[1200], t[64];
	size_t tlen = 0, done = 0;

	assert_true(slen + 65 <= sizeof(buf));
	for (unsigned k = 1; done < len; k++) {
		size_t n, take;

		memcpy(buf, t, tlen);
		memcpy(buf + tlen, s, slen);
		n = tlen + slen;
		buf[n++] = (uint8_t)k;
		ref_hmac(a, key, klen, buf, n, t);
		tlen = a->out_len;
		take = len - done < tlen ? len - done : tlen;
		memcpy(out + done, t, take);
		done += take;
	}
}

struct suite {
	uint16_t prf, encr, bits, integ;   /* integ 0: AEAD */
};

static const struct suite suites[] = {
	{ IKEV2_PRF_HMAC_SHA2_256, IKEV2_ENCR_AES_CBC, 256,
	  IKEV2_AUTH_HMAC_SHA2_256_128 },
	{ IKEV2_PRF_HMAC_SHA1, IKEV2_ENCR_3DES, 0, IKEV2_AUTH_HMAC_MD5_96 },
	{ IKEV2_PRF_HMAC_MD5, IKEV2_ENCR_AES_CBC, 128, IKEV2_AUTH_HMAC_SHA1_96 },
	{ IKEV2_PRF_HMAC_SHA2_512, IKEV2_ENCR_AES_GCM_16, 256, 0 },
	{ IKEV2_PRF_HMAC_SHA2_384, IKEV2_ENCR_CHACHA20_POLY1305, 0, 0 },
	{ IKEV2_PRF_HMAC_SHA2_384, IKEV2_ENCR_AES_CBC, 192,
	  IKEV2_AUTH_HMAC_SHA2_512_256 },
};

static void get_suite(const struct suite *s, const struct alg **prf,
		      const struct alg **encr, const struct alg **integ)
{
	*prf = alg_find(ALG_PRF, s->prf, 0);
	*encr = alg_find(ALG_ENCR, s->encr, s->bits);
	*integ = s->integ ? alg_find(ALG_INTEG, s->integ, 0) : NULL;
	assert_non_null(*prf);
	assert_non_null(*encr);
	assert_true(s->integ == 0 || *integ);
}

/* The SK_* split of prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), by hand. */
static void check_sk(const struct ike_keys *k, const struct ike_auth_keys *ak,
		     const struct alg *prf,
		     const struct alg *encr, const struct alg *integ,
		     const uint8_t *skeyseed, size_t seed_len,
		     const uint8_t *ni, const uint8_t *nr, size_t nlen,
		     const uint8_t *spi_i, const uint8_t *spi_r)
{
	uint8_t s[600], km[600], *p = km;
	size_t dl = prf->out_len, al = integ ? integ->key_len : 0;
	size_t el = encr->key_len, total = 3 * dl + 2 * al + 2 * el;

	memcpy(s, ni, nlen);
	memcpy(s + nlen, nr, nlen);
	memcpy(s + 2 * nlen, spi_i, 8);
	memcpy(s + 2 * nlen + 8, spi_r, 8);
	ref_prf_plus(prf, skeyseed, seed_len, s, 2 * nlen + 16, km, total);
	assert_int_equal(k->d_len, dl);
	assert_int_equal(ak->p_len, dl);
	assert_int_equal(k->a_len, al);
	assert_int_equal(k->e_len, el);
	assert_memory_equal(k->sk_d, p, dl), p += dl;
	if (al) {
		assert_memory_equal(k->sk_ai, p, al), p += al;
		assert_memory_equal(k->sk_ar, p, al), p += al;
	}
	assert_memory_equal(k->sk_ei, p, el), p += el;
	assert_memory_equal(k->sk_er, p, el), p += el;
	assert_memory_equal(ak->sk_pi, p, dl), p += dl;
	assert_memory_equal(ak->sk_pr, p, dl);
}

static void test_ike_sa_init(void **state)
{
	uint8_t ni[32], nr[48], gir[256], spi_i[8], spi_r[8], key[80];
	uint8_t seed[64];

	fill(ni, sizeof(ni), 1);
	fill(nr, sizeof(nr), 2);
	fill(gir, sizeof(gir), 3);
	fill(spi_i, 8, 4);
	fill(spi_r, 8, 5);
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		const struct alg *prf, *encr, *integ;
		struct ike_keys k;
		struct ike_auth_keys ak;

		get_suite(&suites[i], &prf, &encr, &integ);
		const struct keys_input in = { prf, encr, integ, { ni, 32 }, { nr, 32 },
					       { gir, 256 }, be64(spi_i), be64(spi_r) };
		assert_int_equal(keys_ike_sa_init(*state, &in, &k, &ak), 0);
		/* SKEYSEED = prf(Ni | Nr, g^ir). */
		memcpy(key, ni, 32);
		memcpy(key + 32, nr, 32);
		ref_hmac(prf, key, 64, gir, 256, seed);
		assert_int_equal(ak.skeyseed_len, prf->out_len);
		assert_memory_equal(ak.skeyseed, seed, prf->out_len);
		assert_ptr_equal(k.prf, prf);
		assert_ptr_equal(k.integ, integ);
		check_sk(&k, &ak, prf, encr, integ, seed, prf->out_len, ni, nr, 32,
			 spi_i, spi_r);
		keys_ike_wipe(&k);
		keys_ike_auth_wipe(&ak);
		assert_null(k.prf);
		assert_int_equal(ak.p_len, 0);
	}
	/* Nonces of different lengths are concatenated as they are. */
	{
		const struct alg *prf, *encr, *integ;
		struct ike_keys k;
		struct ike_auth_keys ak;

		get_suite(&suites[0], &prf, &encr, &integ);
		const struct keys_input in = { prf, encr, integ, { ni, 32 }, { nr, 48 },
					       { gir, 100 }, be64(spi_i), be64(spi_r) };
		assert_int_equal(keys_ike_sa_init(*state, &in, &k, &ak), 0);
		memcpy(key, ni, 32);
		memcpy(key + 32, nr, 48);
		ref_hmac(prf, key, 80, gir, 100, seed);
		assert_memory_equal(ak.skeyseed, seed, prf->out_len);
		keys_ike_wipe(&k);
		keys_ike_auth_wipe(&ak);
	}
}

/* Rekey with a PRF change: SKEYSEED with the old PRF over
 * g^ir(new) | Ni | Nr, SK_* with the new PRF keyed by that SKEYSEED. */
static void test_ike_rekey(void **state)
{
	const struct alg *old_prf = alg_find(ALG_PRF, IKEV2_PRF_HMAC_SHA1, 0);
	const struct alg *prf, *encr, *integ;
	uint8_t ni[32], nr[32], gir[256], gir2[32], spi[8] = { 9 }, spi2[8] = { 8 };
	uint8_t buf[400], seed[64];
	struct ike_keys old, k;
	struct ike_auth_keys ak;

	fill(ni, 32, 11);
	fill(nr, 32, 12);
	fill(gir, 256, 13);
	fill(gir2, 32, 14);
	get_suite(&suites[1], &prf, &encr, &integ);
	assert_ptr_equal(prf, old_prf);
	struct keys_input in = { prf, encr, integ, { ni, 32 }, { nr, 32 }, { gir, 256 },
				 be64(spi), be64(spi2) };
	assert_int_equal(keys_ike_sa_init(*state, &in, &old, &ak), 0);
	get_suite(&suites[3], &prf, &encr, &integ);
	fill(ni, 32, 21);
	fill(nr, 32, 22);
	in = (struct keys_input){ prf, encr, integ, { ni, 32 }, { nr, 32 }, { gir2, 32 },
				  be64(spi2), be64(spi) };
	assert_int_equal(keys_ike_sa_rekey(*state, &old, &in, &k, &ak), 0);
	memcpy(buf, gir2, 32);
	memcpy(buf + 32, ni, 32);
	memcpy(buf + 64, nr, 32);
	ref_hmac(old_prf, old.sk_d, old.d_len, buf, 96, seed);
	assert_int_equal(ak.skeyseed_len, old_prf->out_len);
	assert_memory_equal(ak.skeyseed, seed, old_prf->out_len);
	check_sk(&k, &ak, prf, encr, integ, seed, old_prf->out_len, ni, nr, 32,
		 spi2, spi);
	assert_int_equal(keys_ike_sa_rekey(*state, &old, &in, &old, &ak), -RTX_EINVAL);
	keys_ike_wipe(&k);
	keys_ike_auth_wipe(&ak);
	keys_ike_wipe(&old);
}

static void check_child(struct crypto_lib *lib, const struct ike_keys *ike,
			const struct alg *encr, const struct alg *integ,
			const uint8_t *gir, size_t glen,
			const uint8_t *ni, const uint8_t *nr)
{
	uint8_t s[400], km[400], *p = km;
	size_t el = encr->key_len, al = integ ? integ->key_len : 0, n = 0;
	struct child_keys c;

	const struct keys_input in = { .encr = encr, .integ = integ, .ni = { ni, 32 },
				       .nr = { nr, 32 }, .gir = { gir, glen } };
	assert_int_equal(keys_child(lib, ike, &in, &c), 0);
	if (gir) {
		memcpy(s, gir, glen);
		n = glen;
	}
	memcpy(s + n, ni, 32);
	memcpy(s + n + 32, nr, 32);
	ref_prf_plus(ike->prf, ike->sk_d, ike->d_len, s, n + 64, km,
		     2 * (el + al));
	assert_int_equal(c.e_len, el);
	assert_int_equal(c.a_len, al);
	/* RFC order: i->r encryption, i->r integrity, then r->i. */
	assert_memory_equal(c.ei, p, el), p += el;
	if (al)
		assert_memory_equal(c.ai, p, al), p += al;
	assert_memory_equal(c.er, p, el), p += el;
	if (al)
		assert_memory_equal(c.ar, p, al);
	keys_child_wipe(&c);
}

static void test_child_keymat(void **state)
{
	const struct alg *prf, *encr, *integ;
	uint8_t ni[32], nr[32], gir[256];
	struct ike_keys ike;
	struct ike_auth_keys ak;
	struct child_keys c;

	fill(ni, 32, 31);
	fill(nr, 32, 32);
	fill(gir, 256, 33);
	get_suite(&suites[0], &prf, &encr, &integ);
	struct keys_input in = { prf, encr, integ, { ni, 32 }, { nr, 32 }, { gir, 256 },
				 1ull << 56, 1ull << 56 };
	assert_int_equal(keys_ike_sa_init(*state, &in, &ike, &ak), 0);
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		const struct alg *p2, *e2, *i2;

		get_suite(&suites[i], &p2, &e2, &i2);
		check_child(*state, &ike, e2, i2, NULL, 0, ni, nr);   /* no PFS */
		check_child(*state, &ike, e2, i2, gir, 256, ni, nr);  /* PFS */
	}
	/* AEAD with an INTEG transform, or CBC without one, is refused. */
	in.gir = (struct crypto_chunk){ NULL, 0 };
	in.encr = alg_find(ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 128);
	assert_int_equal(keys_child(*state, &ike, &in, &c), -RTX_EINVAL);
	in.encr = encr;
	in.integ = NULL;
	assert_int_equal(keys_child(*state, &ike, &in, &c), -RTX_EINVAL);
	keys_ike_wipe(&ike);
}

static void test_psk_auth(void **state)
{
	static const char pad[] = "Key Pad for IKEv2";
	const struct alg *prf = alg_find(ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	const uint8_t psk[] = "secret";
	uint8_t msg[300], nonce[32], skp[32], id[12], kp[32], macid[32];
	uint8_t want_octets[400], want[32], auth[32], auth2[32];
	uint8_t *octets;
	size_t len;

	fill(msg, sizeof(msg), 41);
	fill(nonce, sizeof(nonce), 42);
	fill(skp, sizeof(skp), 43);
	memcpy(id, "\x01\x00\x00\x00\xc0\x00\x02\x01\x00\x00\x00\x00", 12);
	/* Signed octets: message | nonce | prf(SK_p, IDx'). */
	ref_hmac(prf, skp, 32, id, 8, macid);
	memcpy(want_octets, msg, 300);
	memcpy(want_octets + 300, nonce, 32);
	memcpy(want_octets + 332, macid, 32);
	const struct keys_octets o = { prf, { skp, 32 }, { msg, 300 }, { nonce, 32 }, { id, 8 } };
	assert_int_equal(keys_signed_octets(*state, &o, &octets, &len), 0);
	assert_int_equal(len, 364);
	assert_memory_equal(octets, want_octets, len);
	/* AUTH = prf(prf(PSK, "Key Pad for IKEv2"), octets). */
	ref_hmac(prf, psk, 6, (const uint8_t *)pad, 17, kp);
	ref_hmac(prf, kp, 32, want_octets, 364, want);
	assert_int_equal(keys_psk_auth(*state, prf, psk, 6, octets, len, auth), 0);
	assert_memory_equal(auth, want, 32);
	assert_int_equal(keys_psk_auth_parts(*state, &o, psk, 6, auth2), 0);
	assert_memory_equal(auth2, want, 32);
	/* A different PSK gives a different AUTH. */
	assert_int_equal(keys_psk_auth(*state, prf, (const uint8_t *)"secreT", 6,
				       octets, len, auth), 0);
	assert_memory_not_equal(auth, want, 32);
	free(octets);
	/* An empty PSK is still a key (the HMAC of the pad with key ""). */
	assert_int_equal(keys_psk_auth(*state, prf, NULL, 0, msg, 10, auth), 0);
	ref_hmac(prf, (const uint8_t *)"", 0, (const uint8_t *)pad, 17, kp);
	ref_hmac(prf, kp, 32, msg, 10, want);
	assert_memory_equal(auth, want, 32);
}

static void test_bad_suites(void **state)
{
	const struct alg *prf, *encr, *integ;
	uint8_t n[300] = { 0 };
	struct ike_keys k;
	struct ike_auth_keys ak;

	get_suite(&suites[0], &prf, &encr, &integ);
	const struct keys_input good = { prf, encr, integ, { n, 32 }, { n, 32 }, { n, 32 }, 0, 0 };
	struct keys_input in = good;
	in.integ = NULL;
	assert_int_equal(keys_ike_sa_init(*state, &in, &k, &ak), -RTX_EINVAL);
	in = good;
	in.encr = alg_find(ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 256);
	assert_int_equal(keys_ike_sa_init(*state, &in, &k, &ak), -RTX_EINVAL);
	in = good;
	in.prf = integ;
	assert_int_equal(keys_ike_sa_init(*state, &in, &k, &ak), -RTX_EINVAL);
	/* Nonces beyond RFC 7296's 256 octets each. */
	in = good;
	in.ni.len = in.nr.len = 300;
	assert_int_equal(keys_ike_sa_init(*state, &in, &k, &ak), -RTX_EINVAL);
	in = good;
	in.gir = (struct crypto_chunk){ NULL, 0 };
	assert_int_equal(keys_ike_sa_init(*state, &in, &k, &ak), -RTX_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ike_sa_init),
		cmocka_unit_test(test_ike_rekey),
		cmocka_unit_test(test_child_keymat),
		cmocka_unit_test(test_psk_auth),
		cmocka_unit_test(test_bad_suites),
	};

	return cmocka_run_group_tests(tests, crypto_setup, crypto_teardown);
}
