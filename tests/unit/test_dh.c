/* Key exchange: RFC 5903 section 8 vectors (groups 19-21, private keys
 * injected), RFC 7748 section 6 (Curve25519/Curve448), MODP agreement for
 * every group, and rejection of the public values RFC 6989 names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>

#include "engine/alg.h"
#include "engine/crypto.h"
#include "engine/dh.h"
#include "base/err.h"

#include "tests/unit/crypto_fixture.h"

struct ecdh_vec {
	uint16_t group;
	const char *i, *gix, *giy, *r, *grx, *gry, *girx;
};

static const struct ecdh_vec rfc5903[] = {
	{ IKEV2_DH_ECP_256,
	  "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
	  "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180",
	  "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
	  "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
	  "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63",
	  "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
	  "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE" },
	{ IKEV2_DH_ECP_384,
	  "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655"
	  "E35B5380 41E649EE 3FAEF896 783AB194",
	  "667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6"
	  "DE3AC808 ACB4BDB4 C88732AE E95F41AA",
	  "9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E"
	  "EB9FCFF3 C2C947DA E69B4C63 4573A81C",
	  "41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942"
	  "E0308312 916B8ED2 960E4BD5 5A7448FC",
	  "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
	  "0D1AC43A 0336DEF9 6FDA41D0 774A3571",
	  "DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF"
	  "F83FA401 42209DFF 5EAAD96D B9E6386C",
	  "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
	  "D6031355 69B9E9D0 9CF5D4A2 70F59746" },
	{ IKEV2_DH_ECP_521,
	  "0037ADE9 319A89F4 DABDB3EF 411AACCC A5123C61 ACAB57B5 393DCE47 608172A0"
	  "95AA85A3 0FE1C295 2C6771D9 37BA9777 F5957B26 39BAB072 462F68C2 7A57382D 4A52",
	  "0015417E 84DBF28C 0AD3C278 713349DC 7DF153C8 97A1891B D98BAB43 57C9ECBE"
	  "E1E3BF42 E00B8E38 0AEAE57C 2D107564 94188594 2AF5A7F4 601723C4 195D176C ED3E",
	  "017CAE20 B6641D2E EB695786 D8C94614 6239D099 E18E1D5A 514C739D 7CB4A10A"
	  "D8A78801 5AC405D7 799DC75E 7B7D5B6C F2261A6A 7F150743 8BF01BEB 6CA3926F 9582",
	  "0145BA99 A847AF43 793FDD0E 872E7CDF A16BE30F DC780F97 BCCC3F07 8380201E"
	  "9C677D60 0B343757 A3BDBF2A 3163E4C2 F869CCA7 458AA4A4 EFFC311F 5CB15168 5EB9",
	  "00D0B397 5AC4B799 F5BEA16D 5E13E9AF 971D5E9B 984C9F39 728B5E57 39735A21"
	  "9B97C356 436ADC6E 95BB0352 F6BE64A6 C2912D4E F2D0433C ED2B6171 640012D9 460F",
	  "015C6822 6383956E 3BD066E7 97B623C2 7CE0EAC2 F551A10C 2C724D98 52077B87"
	  "220B6536 C5C408A1 D2AEBB8E 86D678AE 49CB5709 1F473229 6579AB44 FCD17F0F C56A",
	  "01144C7D 79AE6956 BC8EDB8E 7C787C45 21CB086F A64407F9 7894E5E6 B2D79B04"
	  "D1427E73 CA4BAA24 0A347868 59810C06 B3C715A3 A8CC3151 F2BEE417 996D19F3 DDEA" },
};

/* One side of a vector: our KE data must be g^x, and g^xy the RFC's. */
static void check_side(struct crypto_lib *lib, uint16_t group,
		       const uint8_t *priv, size_t priv_len,
		       const uint8_t *pub, const uint8_t *peer,
		       const uint8_t *shared)
{
	struct dh *dh;
	uint8_t out[ALG_MAX_DH_PUB_LEN], secret[128];

	assert_int_equal(dh_new_with_private(lib, group, priv, priv_len, &dh), 0);
	assert_int_equal(dh_public(dh, out, sizeof(out)), 0);
	assert_memory_equal(out, pub, dh_public_len(dh));
	assert_int_equal(dh_derive(dh, peer, dh_public_len(dh), secret,
				   dh_secret_len(dh)), 0);
	assert_memory_equal(secret, shared, dh_secret_len(dh));
	dh_free(dh);
}

static void test_ecp_rfc5903(void **state)
{
	for (size_t k = 0; k < sizeof(rfc5903) / sizeof(rfc5903[0]); k++) {
		const struct ecdh_vec *v = &rfc5903[k];
		const struct alg *a = alg_find(ALG_DH, v->group, 0);
		uint8_t i[66], r[66], gi[132], gr[132], gir[66];
		size_t il, rl, c;

		assert_non_null(a);
		il = unhex(v->i, i, sizeof(i));
		rl = unhex(v->r, r, sizeof(r));
		c = unhex(v->gix, gi, sizeof(gi));
		assert_int_equal(c + unhex(v->giy, gi + c, sizeof(gi) - c),
				 a->pub_len);
		c = unhex(v->grx, gr, sizeof(gr));
		assert_int_equal(c + unhex(v->gry, gr + c, sizeof(gr) - c),
				 a->pub_len);
		assert_int_equal(unhex(v->girx, gir, sizeof(gir)), a->secret_len);
		check_side(*state, v->group, i, il, gi, gr, gir);
		check_side(*state, v->group, r, rl, gr, gi, gir);
	}
}

static void test_ecp_invalid(void **state)
{
	const struct ecdh_vec *v = &rfc5903[0];
	uint8_t i[32], gr[65], secret[32];
	struct dh *dh;

	unhex(v->i, i, sizeof(i));
	unhex(v->grx, gr, sizeof(gr));
	unhex(v->gry, gr + 32, sizeof(gr) - 32);
	assert_int_equal(dh_new_with_private(*state, IKEV2_DH_ECP_256, i, 32, &dh), 0);
	assert_int_equal(dh_check_public(*state, IKEV2_DH_ECP_256, gr, 64), 0);

	/* Off the curve: one bit of y flipped. */
	gr[63] ^= 1;
	assert_int_equal(dh_derive(dh, gr, 64, secret, 32), -RTX_ERANGE);
	gr[63] ^= 1;
	/* (0, 0) is not on P-256; infinity has no x || y form at all. */
	memset(secret, 0, sizeof(secret));
	{
		uint8_t zero[64] = { 0 }, big[64];

		assert_int_equal(dh_check_public(*state, IKEV2_DH_ECP_256, zero, 64),
				 -RTX_ERANGE);
		/* x = 2^256 - 1 is above the field prime. */
		memset(big, 0xff, sizeof(big));
		assert_int_equal(dh_derive(dh, big, 64, secret, 32), -RTX_ERANGE);
	}
	/* The SEC 1 form with its 0x04 prefix is a length error. */
	memmove(gr + 1, gr, 64);
	gr[0] = 0x04;
	assert_int_equal(dh_derive(dh, gr, 65, secret, 32), -RTX_EPARSE);
	assert_int_equal(dh_derive(dh, gr + 1, 63, secret, 32), -RTX_EPARSE);
	/* The caller's buffer must match the secret length. */
	assert_int_equal(dh_derive(dh, gr + 1, 64, secret, 31), -RTX_EINVAL);
	dh_free(dh);

	/* Private keys outside [1, n-1] are refused. */
	memset(i, 0, sizeof(i));
	assert_int_equal(dh_new_with_private(*state, IKEV2_DH_ECP_256, i, 32, &dh),
			 -RTX_ERANGE);
	assert_null(dh);
	memset(i, 0xff, sizeof(i));
	assert_int_equal(dh_new_with_private(*state, IKEV2_DH_ECP_256, i, 32, &dh),
			 -RTX_ERANGE);
}

static void test_x25519_x448_rfc7748(void **state)
{
	static const struct {
		uint16_t group;
		const char *a, *apub, *b, *bpub, *k;
	} v[] = {
		{ IKEV2_DH_CURVE25519,
		  "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
		  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
		  "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
		  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
		  "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742" },
		{ IKEV2_DH_CURVE448,
		  "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28d"
		  "d9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b",
		  "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c"
		  "22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0",
		  "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d"
		  "6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d",
		  "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b430"
		  "27d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609",
		  "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282b"
		  "b60c0b56fd2464c335543936521c24403085d59a449a5037514a879d" },
	};

	for (size_t n = 0; n < sizeof(v) / sizeof(v[0]); n++) {
		uint8_t a[56], apub[56], b[56], bpub[56], k[56];
		size_t len = unhex(v[n].a, a, sizeof(a));

		unhex(v[n].apub, apub, sizeof(apub));
		unhex(v[n].b, b, sizeof(b));
		unhex(v[n].bpub, bpub, sizeof(bpub));
		unhex(v[n].k, k, sizeof(k));
		check_side(*state, v[n].group, a, len, apub, bpub, k);
		check_side(*state, v[n].group, b, len, bpub, apub, k);
	}
}

/* u = 0 and u = 1 are small-order points: the shared secret would be all
 * zeros, which RFC 8031 2.3 / RFC 7748 6 require us to reject. */
static void test_ecx_zero_secret(void **state)
{
	const uint16_t groups[] = { IKEV2_DH_CURVE25519, IKEV2_DH_CURVE448 };

	for (size_t n = 0; n < 2; n++) {
		struct dh *dh;
		uint8_t peer[56] = { 0 }, secret[56];
		size_t len;

		assert_int_equal(dh_new(*state, groups[n], &dh), 0);
		len = dh_public_len(dh);
		assert_int_equal(dh_derive(dh, peer, len, secret, len), -RTX_ERANGE);
		peer[0] = 1;
		assert_int_equal(dh_derive(dh, peer, len, secret, len), -RTX_ERANGE);
		assert_int_equal(dh_derive(dh, peer, len - 1, secret, len),
				 -RTX_EPARSE);
		dh_free(dh);
	}
}

static const uint16_t modp_groups[] = {
	IKEV2_DH_MODP_768, IKEV2_DH_MODP_1024, IKEV2_DH_MODP_1536,
	IKEV2_DH_MODP_2048, IKEV2_DH_MODP_3072, IKEV2_DH_MODP_4096,
	IKEV2_DH_MODP_6144, IKEV2_DH_MODP_8192,
};

/* Every group: two fresh keypairs agree, and the ECP/ECX groups too. */
static void test_agreement_all_groups(void **state)
{
	for (size_t i = 0; alg_at(i); i++) {
		const struct alg *a = alg_at(i);
		struct dh *x, *y;
		uint8_t px[ALG_MAX_DH_PUB_LEN], py[ALG_MAX_DH_PUB_LEN];
		uint8_t sx[ALG_MAX_DH_PUB_LEN], sy[ALG_MAX_DH_PUB_LEN];

		if (a->type != ALG_DH)
			continue;
		assert_int_equal(dh_new(*state, a->id, &x), 0);
		assert_int_equal(dh_new(*state, a->id, &y), 0);
		assert_ptr_equal(dh_alg(x), a);
		assert_int_equal(dh_public_len(x), a->pub_len);
		assert_int_equal(dh_public(x, px, sizeof(px)), 0);
		assert_int_equal(dh_public(y, py, sizeof(py)), 0);
		assert_memory_not_equal(px, py, a->pub_len);
		assert_int_equal(dh_check_public(*state, a->id, px, a->pub_len), 0);
		assert_int_equal(dh_derive(x, py, a->pub_len, sx, a->secret_len), 0);
		assert_int_equal(dh_derive(y, px, a->pub_len, sy, a->secret_len), 0);
		assert_memory_equal(sx, sy, a->secret_len);
		dh_free(x);
		dh_free(y);
	}
}

static BIGNUM *group_prime(const struct alg *a)
{
	switch (a->id) {
	case IKEV2_DH_MODP_768: return BN_get_rfc2409_prime_768(NULL);
	case IKEV2_DH_MODP_1024: return BN_get_rfc2409_prime_1024(NULL);
	case IKEV2_DH_MODP_1536: return BN_get_rfc3526_prime_1536(NULL);
	case IKEV2_DH_MODP_2048: return BN_get_rfc3526_prime_2048(NULL);
	case IKEV2_DH_MODP_3072: return BN_get_rfc3526_prime_3072(NULL);
	case IKEV2_DH_MODP_4096: return BN_get_rfc3526_prime_4096(NULL);
	case IKEV2_DH_MODP_6144: return BN_get_rfc3526_prime_6144(NULL);
	case IKEV2_DH_MODP_8192: return BN_get_rfc3526_prime_8192(NULL);
	}
	fail();
	return NULL;
}

static int check_bn(struct crypto_lib *lib, const struct alg *a,
		    const BIGNUM *y, size_t len)
{
	uint8_t buf[ALG_MAX_DH_PUB_LEN + 1];

	assert_true(BN_bn2binpad(y, buf, (int)len) == (int)len);
	return dh_check_public(lib, a->id, buf, len);
}

/* RFC 6989 2.1 values: 0, 1, p-1, p, > p, wrong lengths. */
static void test_modp_invalid(void **state)
{
	for (size_t i = 0; i < sizeof(modp_groups) / sizeof(modp_groups[0]); i++) {
		const struct alg *a = alg_find(ALG_DH, modp_groups[i], 0);
		BIGNUM *p = group_prime(a), *y = BN_new();
		uint8_t buf[ALG_MAX_DH_PUB_LEN + 1] = { 0 };

		assert_non_null(y);
		assert_int_equal(BN_num_bytes(p), a->pub_len);
		BN_zero(y);
		assert_int_equal(check_bn(*state, a, y, a->pub_len), -RTX_ERANGE);
		BN_one(y);
		assert_int_equal(check_bn(*state, a, y, a->pub_len), -RTX_ERANGE);
		BN_copy(y, p);
		assert_int_equal(check_bn(*state, a, y, a->pub_len), -RTX_ERANGE);
		BN_sub_word(y, 1);
		assert_int_equal(check_bn(*state, a, y, a->pub_len), -RTX_ERANGE);
		BN_add_word(y, 2);
		assert_int_equal(check_bn(*state, a, y, a->pub_len), -RTX_ERANGE);
		BN_set_word(y, 2);   /* g itself is a fine public value */
		assert_int_equal(check_bn(*state, a, y, a->pub_len), 0);
		/* Too long (even with a leading zero) and too short. */
		buf[a->pub_len] = 2;
		assert_int_equal(dh_check_public(*state, a->id, buf, a->pub_len + 1),
				 -RTX_EPARSE);
		assert_int_equal(dh_check_public(*state, a->id, buf + 2,
						 a->pub_len - 1), -RTX_EPARSE);
		assert_int_equal(dh_check_public(*state, a->id, buf, 0), -RTX_EPARSE);
		BN_free(p);
		BN_free(y);
	}
}

/* RFC 6989 2.1 for a safe prime: every 1 < y < p-1 is accepted, in the
 * order-q subgroup (y^q == 1 mod p, computed here the long way) or not,
 * and derives a secret. Both kinds must have occurred. */
static void test_modp_outside_subgroup(void **state)
{
	const struct alg *a = alg_find(ALG_DH, IKEV2_DH_MODP_1024, 0);
	BIGNUM *p = group_prime(a), *q = BN_new(), *y = BN_new(), *t = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	uint8_t peer[128], secret[128];
	struct dh *dh;
	int in = 0, out = 0;

	assert_true(q && y && t && ctx);
	assert_int_equal(dh_new(*state, a->id, &dh), 0);
	BN_rshift1(q, p);
	for (unsigned k = 0; k < 32; k++) {
		if (k < 16)
			BN_set_word(y, 2 + k);   /* small values */
		else
			BN_rand_range(y, p);
		if (BN_cmp(y, BN_value_one()) <= 0)
			continue;
		BN_mod_exp(t, y, q, p, ctx);
		BN_is_one(t) ? in++ : out++;
		assert_int_equal(check_bn(*state, a, y, a->pub_len), 0);
		assert_int_equal(BN_bn2binpad(y, peer, sizeof(peer)), sizeof(peer));
		assert_int_equal(dh_derive(dh, peer, sizeof(peer), secret, sizeof(secret)), 0);
	}
	assert_true(in > 0 && out > 0);
	dh_free(dh);
	BN_free(p);
	BN_free(q);
	BN_free(y);
	BN_free(t);
	BN_CTX_free(ctx);
}

/* Injected private key x = 1: our public value is g = 2 and g^ir equals
 * the peer's value itself, so the padding of both is visible. */
static void test_modp_injected(void **state)
{
	const struct alg *a = alg_find(ALG_DH, IKEV2_DH_MODP_2048, 0);
	uint8_t one = 1, pub[256], want[256] = { 0 }, secret[256];
	struct dh *dh;

	assert_int_equal(dh_new_with_private(*state, a->id, &one, 1, &dh), 0);
	assert_int_equal(dh_public(dh, pub, sizeof(pub)), 0);
	want[255] = 2;
	assert_memory_equal(pub, want, 256);
	want[255] = 4;   /* 4 = 2^2: in the subgroup, mostly leading zeros */
	assert_int_equal(dh_derive(dh, want, 256, secret, 256), 0);
	assert_memory_equal(secret, want, 256);
	assert_int_equal(dh_public(dh, pub, 255), -RTX_EINVAL);
	dh_free(dh);

	one = 0;
	assert_int_equal(dh_new_with_private(*state, a->id, &one, 1, &dh),
			 -RTX_ERANGE);
	assert_int_equal(dh_new_with_private(*state, a->id, NULL, 1, &dh),
			 -RTX_EINVAL);
}

/* Random peer values of the right and wrong lengths: an error code or, for
 * a random value that happens to be valid, 0; never a crash. */
static void test_random_peers(void **state)
{
	uint8_t peer[ALG_MAX_DH_PUB_LEN + 2], secret[ALG_MAX_DH_PUB_LEN];

	for (size_t i = 0; alg_at(i); i++) {
		const struct alg *a = alg_at(i);
		struct dh *dh;

		if (a->type != ALG_DH)
			continue;
		assert_int_equal(dh_new(*state, a->id, &dh), 0);
		for (unsigned k = 0; k < 8; k++) {
			int rc;

			assert_int_equal(crypto_random(*state, peer, sizeof(peer)), 0);
			rc = dh_derive(dh, peer, a->pub_len, secret, a->secret_len);
			assert_true(rc == 0 || rc == -RTX_ERANGE);
			assert_int_equal(dh_derive(dh, peer, a->pub_len + 1 + k % 2,
						   secret, a->secret_len),
					 -RTX_EPARSE);
			assert_int_equal(dh_derive(dh, peer, k, secret,
						   a->secret_len), -RTX_EPARSE);
		}
		dh_free(dh);
	}
}

static void test_unsupported(void **state)
{
	struct dh *dh = (struct dh *)1;
	uint8_t b[32] = { 1 };

	assert_int_equal(dh_new(*state, 22, &dh), -RTX_EUNSUPP);
	assert_null(dh);
	assert_int_equal(dh_new(*state, IKEV2_DH_NONE, &dh), -RTX_EUNSUPP);
	assert_int_equal(dh_check_public(*state, 999, b, 32), -RTX_EUNSUPP);
	dh_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ecp_rfc5903),
		cmocka_unit_test(test_ecp_invalid),
		cmocka_unit_test(test_x25519_x448_rfc7748),
		cmocka_unit_test(test_ecx_zero_secret),
		cmocka_unit_test(test_agreement_all_groups),
		cmocka_unit_test(test_modp_invalid),
		cmocka_unit_test(test_modp_outside_subgroup),
		cmocka_unit_test(test_modp_injected),
		cmocka_unit_test(test_random_peers),
		cmocka_unit_test(test_unsupported),
	};

	return cmocka_run_group_tests(tests, crypto_setup, crypto_teardown);
}
