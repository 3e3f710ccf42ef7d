/* Cost of one side's IKE_SA_INIT key exchange per group: generate a
 * keypair, derive g^ir from the peer's value (validation included), then
 * SKEYSEED and the seven SK_* keys. Prints microseconds per operation, to
 * be read beside `openssl speed ffdh2048 ecdhp256 ecdhx25519`.
 *
 * usage: bench_kex [seconds-per-group] [group...]   (default 1 s; 14 19 31) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "engine/alg.h"
#include "engine/crypto.h"
#include "engine/dh.h"
#include "base/err.h"
#include "engine/keys.h"

struct totals {
	double gen, derive, kdf;
	unsigned long n;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* One responder-side exchange against a fixed peer value. */
static int one_exchange(struct crypto_lib *lib, const struct alg *g,
			const uint8_t *peer, struct totals *t)
{
	static const uint8_t ni[32] = { 1 }, nr[32] = { 2 };
	const struct alg *prf = alg_find(ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	const struct alg *encr = alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 256);
	const struct alg *integ = alg_find(ALG_INTEG,
					   IKEV2_AUTH_HMAC_SHA2_256_128, 0);
	uint8_t pub[ALG_MAX_DH_PUB_LEN], gir[ALG_MAX_DH_PUB_LEN];
	struct ike_keys keys;
	struct ike_auth_keys akeys;
	struct dh *dh;
	double t0 = now_us(), t1, t2;
	int rc = dh_new(lib, g->id, &dh);

	if (rc)
		return rc;
	rc = dh_public(dh, pub, sizeof(pub));
	t1 = now_us();
	if (rc == 0)
		rc = dh_derive(dh, peer, g->pub_len, gir, g->secret_len);
	t2 = now_us();
	if (rc == 0)
		rc = keys_ike_sa_init(lib, &(struct keys_input){ prf, encr, integ,
				      { ni, sizeof(ni) }, { nr, sizeof(nr) }, { gir, g->secret_len },
				      3ull << 56, 4ull << 56 }, &keys, &akeys);
	t->gen += t1 - t0;
	t->derive += t2 - t1;
	t->kdf += now_us() - t2;
	t->n++;
	keys_ike_wipe(&keys);
	keys_ike_auth_wipe(&akeys);
	OPENSSL_cleanse(gir, sizeof(gir));
	dh_free(dh);
	return rc;
}

static int bench_group(struct crypto_lib *lib, uint16_t id, double seconds)
{
	const struct alg *g = alg_find(ALG_DH, id, 0);
	uint8_t peer[ALG_MAX_DH_PUB_LEN];
	struct totals t = { 0 };
	struct dh *other;
	double start;
	int rc;

	if (!g) {
		fprintf(stderr, "bench_kex: unknown group %u\n", id);
		return -RTX_EUNSUPP;
	}
	rc = dh_new(lib, id, &other);
	if (rc == 0)
		rc = dh_public(other, peer, sizeof(peer));
	dh_free(other);
	start = now_us();
	while (rc == 0 && (t.n < 10 || now_us() - start < seconds * 1e6))
		rc = one_exchange(lib, g, peer, &t);
	if (rc) {
		fprintf(stderr, "bench_kex: group %u: %s\n", id, rtx_strerror(rc));
		return rc;
	}
	printf("%-12s %3u %8lu %10.1f %10.1f %8.1f %10.1f %10.0f\n", g->name, id,
	       t.n, t.gen / t.n, t.derive / t.n, t.kdf / t.n,
	       (t.gen + t.derive + t.kdf) / t.n,
	       t.n / ((t.gen + t.derive + t.kdf) / 1e6));
	return 0;
}

int main(int argc, char **argv)
{
	static const uint16_t defaults[] = { IKEV2_DH_MODP_2048, IKEV2_DH_ECP_256,
					     IKEV2_DH_CURVE25519 };
	double seconds = argc > 1 ? atof(argv[1]) : 1.0;
	struct crypto_lib *lib;
	int rc = crypto_lib_new(&lib);

	if (rc || seconds <= 0) {
		fprintf(stderr, "usage: bench_kex [seconds-per-group] [group...]\n");
		crypto_lib_free(lib);
		return 2;
	}
	printf("%-12s %3s %8s %10s %10s %8s %10s %10s\n", "group", "id", "runs",
	       "keygen_us", "derive_us", "kdf_us", "total_us", "kex/s");
	if (argc > 2) {
		for (int i = 2; i < argc && rc == 0; i++)
			rc = bench_group(lib, (uint16_t)atoi(argv[i]), seconds);
	} else {
		for (size_t i = 0; i < 3 && rc == 0; i++)
			rc = bench_group(lib, defaults[i], seconds);
	}
	crypto_lib_free(lib);
	return rc ? 1 : 0;
}
