/* Every IKE transform combination of the table establishes between two
 * routers: AES-CBC and 3DES (DES where the library has it) x INTEG x PRF,
 * each DH group, and AEAD suites (GCM, ChaCha20-Poly1305), each proposed
 * alone by A's configuration, for the IKE SA and for ESP. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/alg.h"
#include "engine/crypto.h"
#include "tests/ike_pair.h"

/* A proposes exactly these transforms: proposal-limitation on, and the
 * IKE SA's integrity algorithm named apart from its PRF (what `hash` sets
 * for both). B chooses from what A offers. */
static void offer_only(struct ike_pair *p, const struct alg *encr, const struct alg *integ,
		       const struct alg *prf, const struct alg *dh, const struct alg *esp_encr,
		       const struct alg *esp_integ)
{
	struct gateway_config *g = p->a.config->gateways[0];
	struct policy_config *pol = p->a.config->policies[0];
	g->proposal_limitation = true;
	g->encryption = encr->id;
	g->encryption_bits = encr->key_bits;
	g->hash = prf->id;
	g->integ = integ ? integ->id : 0;
	g->group[0] = dh->id;
	pol->encr = esp_encr->id;
	pol->encr_bits = esp_encr->key_bits;
	pol->integ = esp_integ ? esp_integ->id : 0;
}

/* One handshake with the given IKE and ESP transforms; checks both ends
 * agree on what was offered alone. */
static void establish(const struct alg *encr, const struct alg *integ, const struct alg *prf,
		      const struct alg *dh, const struct alg *esp_encr, const struct alg *esp_integ)
{
	struct ike_pair p;
	assert_int_equal(ike_pair_init(&p, dh->id), 0);
	offer_only(&p, encr, integ, prf, dh, esp_encr, esp_integ);
	assert_int_equal(ike_pair_start(&p), 0);
	assert_int_equal(ike_initiate(p.a.engine, 1), 0);
	bool up = ike_pair_run_until_up(&p, 1000);
	if (!up) {
		fprintf(stderr, "%s %s %s %s / %s %s\n", encr->name, integ ? integ->name : "-",
			prf->name, dh->name, esp_encr->name, esp_integ ? esp_integ->name : "-");
		ike_router_log_print(&p.b);
	}
	assert_true(up);
	const struct ike_sa *sa = p.b.engine->core.sas;
	assert_ptr_equal(sa->prop.encr, encr);
	assert_ptr_equal(sa->prop.integ, integ);
	assert_ptr_equal(sa->prop.prf, prf);
	assert_ptr_equal(sa->prop.dh, dh);
	struct ike_sa_row *rows;
	size_t n;
	assert_int_equal(ike_sa_rows(p.b.engine, &rows, &n), 0);
	assert_int_equal(n, 3);
	struct kernel_sa_id id = { p.b.addr, p.a.addr, rows[1].spi, KERNEL_PROTO_ESP };
	free(rows);
	const struct kernel_sa *out = kernel_sim_sa_find(p.b.kernel, &id);
	const struct kernel_sa *in = kernel_sim_sa_find(p.a.kernel, &id);
	assert_non_null(out);
	assert_non_null(in);
	assert_int_equal(out->encr, esp_encr->id);
	assert_int_equal(out->integ, esp_integ ? esp_integ->id : 0);
	assert_memory_equal(out->encr_key, in->encr_key, out->encr_key_len);
	assert_int_equal(out->encr_key_len, esp_encr->key_len);
	ike_pair_free(&p);
}

static const struct alg *A(enum alg_type t, uint16_t id, uint16_t bits)
{
	const struct alg *a = alg_find(t, id, bits);
	assert_non_null(a);
	return a;
}

static void test_cbc_integ_prf(void **state)
{
	(void)state;
	struct crypto_lib *lib;
	assert_int_equal(crypto_lib_new(&lib), 0);
	const struct alg *dh = A(ALG_DH, IKEV2_DH_CURVE25519, 0);
	size_t runs = 0;
	for (size_t i = 0; alg_at(i); i++) {
		const struct alg *e = alg_at(i);
		if (e->type != ALG_ENCR || e->aead || !crypto_lib_supports(lib, e))
			continue;
		for (size_t j = 0; alg_at(j); j++) {
			const struct alg *in = alg_at(j);
			if (in->type != ALG_INTEG)
				continue;
			for (size_t k = 0; alg_at(k); k++) {
				const struct alg *pr = alg_at(k);
				if (pr->type == ALG_PRF) {
					establish(e, in, pr, dh, e, in);
					runs++;
				}
			}
		}
	}
	assert_true(runs >= 4 * 5 * 5);
	crypto_lib_free(lib);
}

static void test_each_group(void **state)
{
	(void)state;
	const struct alg *e = A(ALG_ENCR, IKEV2_ENCR_AES_CBC, 128);
	const struct alg *in = A(ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0);
	const struct alg *pr = A(ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	size_t runs = 0;
	for (size_t i = 0; alg_at(i); i++)
		if (alg_at(i)->type == ALG_DH) {
			establish(e, in, pr, alg_at(i), e, in);
			runs++;
		}
	assert_int_equal(runs, 13);
}

static void test_aead(void **state)
{
	(void)state;
	const struct alg *pr = A(ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	const struct alg *dh = A(ALG_DH, IKEV2_DH_ECP_256, 0);
	for (size_t i = 0; alg_at(i); i++) {
		const struct alg *e = alg_at(i);
		if (e->type == ALG_ENCR && e->aead)
			establish(e, NULL, pr, dh, e, NULL);
	}
}

/* The ESP SA B sends on, as its sim kernel holds it. */
static const struct kernel_sa *b_out_esp(struct ike_pair *p)
{
	struct ike_sa_row *rows;
	size_t n;
	assert_int_equal(ike_sa_rows(p->b.engine, &rows, &n), 0);
	assert_int_equal(n, 3);
	struct kernel_sa_id id = { p->b.addr, p->a.addr, rows[1].spi, KERNEL_PROTO_ESP };
	free(rows);
	const struct kernel_sa *out = kernel_sim_sa_find(p->b.kernel, &id);
	assert_non_null(out);
	return out;
}

/* proposal-limitation off on both (the default): A offers everything it
 * supports, its configured algorithms first, and B prefers what it is
 * configured with, so two routers configured alike (`ipsec ike encryption`
 * default 3des-cbc, hash sha; `esp aes-cbc sha-hmac`) agree on exactly
 * that, not on the strongest suite both could run. */
static void test_default_offer(void **state)
{
	(void)state;
	struct ike_pair p;
	assert_int_equal(ike_pair_init(&p, 3), 0);
	p.a.config->gateways[0]->group[0] = IKEV2_DH_MODP_2048;
	assert_int_equal(ike_pair_start(&p), 0);
	assert_int_equal(ike_initiate(p.a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(&p, 1000));
	const struct ike_sa *sa = p.b.engine->core.sas;
	assert_int_equal(sa->prop.encr->id, IKEV2_ENCR_3DES);
	assert_int_equal(sa->prop.prf->id, IKEV2_PRF_HMAC_SHA1);
	assert_int_equal(sa->prop.integ->id, IKEV2_AUTH_HMAC_SHA1_96);
	assert_int_equal(sa->prop.dh->id, IKEV2_DH_MODP_2048);
	const struct kernel_sa *out = b_out_esp(&p);
	assert_int_equal(out->encr, IKEV2_ENCR_AES_CBC);
	assert_int_equal(out->encr_key_len, 16);
	assert_int_equal(out->integ, IKEV2_AUTH_HMAC_SHA1_96);
	ike_pair_free(&p);
}

/* The responder's own configuration wins over the initiator's order when
 * the offer holds it: B configured aes256-cbc / sha256 and
 * `esp aes256-cbc sha256-hmac` takes those out of A's default offer. */
static void test_responder_prefers_own(void **state)
{
	(void)state;
	struct ike_pair p;
	assert_int_equal(ike_pair_init(&p, 4), 0);
	struct gateway_config *gb = p.b.config->gateways[0];
	struct policy_config *pb = p.b.config->policies[0];
	gb->encryption = IKEV2_ENCR_AES_CBC;
	gb->encryption_bits = 256;
	gb->hash = IKEV2_PRF_HMAC_SHA2_256;
	pb->encr = IKEV2_ENCR_AES_CBC;
	pb->encr_bits = 256;
	pb->integ = IKEV2_AUTH_HMAC_SHA2_256_128;
	assert_int_equal(ike_pair_start(&p), 0);
	assert_int_equal(ike_initiate(p.a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(&p, 1000));
	const struct ike_sa *sa = p.a.engine->core.sas;
	assert_int_equal(sa->prop.encr->id, IKEV2_ENCR_AES_CBC);
	assert_int_equal(sa->prop.encr->key_bits, 256);
	assert_int_equal(sa->prop.prf->id, IKEV2_PRF_HMAC_SHA2_256);
	assert_int_equal(sa->prop.integ->id, IKEV2_AUTH_HMAC_SHA2_256_128);
	const struct kernel_sa *out = b_out_esp(&p);
	assert_int_equal(out->encr_key_len, 32);
	assert_int_equal(out->integ, IKEV2_AUTH_HMAC_SHA2_256_128);
	ike_pair_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cbc_integ_prf),
		cmocka_unit_test(test_each_group),
		cmocka_unit_test(test_aead),
		cmocka_unit_test(test_default_offer),
		cmocka_unit_test(test_responder_prefers_own),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
