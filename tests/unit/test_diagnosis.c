/* What each side records when a negotiation fails (engine/diagnosis.h),
 * two routers on the virtual clock: proposals refused on either side for
 * the IKE and the CHILD SA, a key mismatch, a peer that never answers, an
 * unknown ID. Where the record names a fix, the fix is applied to a fresh
 * pair and the tunnel must come up; a success clears the record. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/alg.h"
#include "engine/diagnosis.h"
#include "engine/iana.h"
#include "tests/ike_pair.h"

static const struct diagnosis *diag(struct ike_router *r)
{
	return ike_diagnosis(r->engine, 1);
}

static void run(struct ike_pair *p, uint64_t ms)
{
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, ms);
}

static void limit_ike(struct gateway_config *g, uint16_t bits, uint16_t dh)
{
	g->proposal_limitation = true;
	g->encryption = IKEV2_ENCR_AES_CBC;
	g->encryption_bits = bits;
	g->hash = IKEV2_PRF_HMAC_SHA2_256;
	g->group[0] = dh;
}

/* B allows AES-256 and MODP2048 only; A offers AES-128 and MODP1024. */
static void ike_mismatch(struct ike_pair *p)
{
	limit_ike(p->a.config->gateways[0], 128, IKEV2_DH_MODP_1024);
	limit_ike(p->b.config->gateways[0], 256, IKEV2_DH_MODP_2048);
}

static void test_ike_proposal(void **state)
{
	(void)state;
	struct ike_pair p;
	assert_int_equal(ike_pair_init(&p, 3), 0);
	ike_mismatch(&p);
	run(&p, 3000);
	assert_int_equal(ike_router_ike_up(&p.b), 0);
	const struct diagnosis *b = diag(&p.b), *a = diag(&p.a);
	assert_non_null(b);
	assert_int_equal(b->kind, DIAG_PROPOSAL_REFUSED);
	assert_int_equal(b->protocol, IKEV2_PROTO_IKE);
	assert_true(b->limited && b->fits);
	assert_ptr_equal(b->fit.encr, alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 128));
	assert_int_equal(b->fit.dh->id, IKEV2_DH_MODP_1024);
	assert_non_null(strstr(b->offer, "ENCR_AES_CBC-128"));
	assert_non_null(a);
	assert_int_equal(a->kind, DIAG_PROPOSAL_REFUSED_BY_PEER);
	assert_non_null(strstr(a->offer, "MODP_1024"));
	assert_int_equal(ike_router_log_count(&p.b, "see show ipsec sa gateway 1 diagnosis"), 1);
	struct proposal_choice fit = b->fit;
	ike_pair_free(&p);

	/* B takes the fit: the tunnel comes up, and nothing is left to explain */
	assert_int_equal(ike_pair_init(&p, 3), 0);
	ike_mismatch(&p);
	struct gateway_config *g = p.b.config->gateways[0];
	g->encryption_bits = fit.encr->key_bits;
	g->group[0] = fit.dh->id;
	run(&p, 3000);
	assert_int_equal(ike_router_ike_up(&p.b), 1);
	assert_int_equal(ike_router_child_up(&p.b), 1);
	assert_null(diag(&p.b));
	ike_pair_free(&p);
}

static void test_esp_proposal(void **state)
{
	(void)state;
	struct ike_pair p;
	assert_int_equal(ike_pair_init(&p, 4), 0);
	p.b.config->gateways[0]->proposal_limitation = true;
	p.a.config->gateways[0]->proposal_limitation = true;
	p.a.config->policies[0]->encr_bits = 128;
	p.b.config->policies[0]->encr_bits = 256;
	run(&p, 3000);
	assert_int_equal(ike_router_ike_up(&p.b), 1);   /* the IKE SA is fine */
	assert_int_equal(ike_router_child_up(&p.b), 0);
	const struct diagnosis *b = diag(&p.b), *a = diag(&p.a);
	assert_non_null(b);
	assert_int_equal(b->kind, DIAG_PROPOSAL_REFUSED);
	assert_int_equal(b->protocol, IKEV2_PROTO_ESP);
	assert_int_equal(b->policy, p.b.config->policies[0]->id);
	assert_true(b->fits);
	assert_int_equal(b->fit.encr->key_bits, 128);
	assert_non_null(a);
	assert_int_equal(a->kind, DIAG_PROPOSAL_REFUSED_BY_PEER);
	assert_int_equal(a->protocol, IKEV2_PROTO_ESP);
	ike_pair_free(&p);
}

static void test_psk(void **state)
{
	(void)state;
	struct ike_pair p;
	assert_int_equal(ike_pair_init(&p, 5), 0);
	memcpy(p.b.config->gateways[0]->psk, "other", 5);
	p.b.config->gateways[0]->psk_len = 5;
	run(&p, 3000);
	const struct diagnosis *b = diag(&p.b), *a = diag(&p.a);
	assert_non_null(b);
	assert_int_equal(b->kind, DIAG_PSK_MISMATCH);
	assert_non_null(a);
	assert_int_equal(a->kind, DIAG_AUTH_REFUSED_BY_PEER);
	assert_string_not_equal(a->local_id, "");
	/* the key is in no record nor any log line */
	assert_int_equal(ike_router_log_count(&p.b, "other"), 0);
	ike_pair_free(&p);
}

static void test_no_response(void **state)
{
	(void)state;
	struct ike_pair p;
	assert_int_equal(ike_pair_init(&p, 6), 0);
	p.a.config->retry_count = 2;
	p.a.config->retry_interval = 1;
	struct memnet_faults lost = { .drop_pct = 100 };
	memnet_set_faults(p.net, &lost);
	run(&p, 10000);
	const struct diagnosis *a = diag(&p.a);
	assert_non_null(a);
	assert_int_equal(a->kind, DIAG_NO_RESPONSE);
	assert_int_equal(a->exchange, IKEV2_EXCH_IKE_SA_INIT);
	assert_int_equal(a->tries, 3);
	assert_true(ip_addr_equal(&a->peer, &p.b.addr));
	assert_null(diag(&p.b));
	ike_pair_free(&p);
}

static void test_unknown_id(void **state)
{
	(void)state;
	struct ike_pair p;
	assert_int_equal(ike_pair_init(&p, 7), 0);
	p.a.config->gateways[0]->local_name = strdup("a.example");
	p.a.config->gateways[0]->local_name_type = ID_TYPE_FQDN;
	p.b.config->gateways[0]->remote_name = strdup("someone-else.example");
	p.b.config->gateways[0]->remote_name_type = ID_TYPE_FQDN;
	run(&p, 3000);
	const struct diagnosis *b = diag(&p.b);
	assert_non_null(b);
	assert_int_equal(b->kind, DIAG_UNKNOWN_ID);
	assert_string_equal(b->peer_id, "a.example");
	assert_int_equal(b->peer_id_type, IKEV2_ID_FQDN);
	ike_pair_free(&p);

	/* with the ID B was told, it comes up */
	assert_int_equal(ike_pair_init(&p, 7), 0);
	p.a.config->gateways[0]->local_name = strdup("a.example");
	p.a.config->gateways[0]->local_name_type = ID_TYPE_FQDN;
	p.b.config->gateways[0]->remote_name = strdup("a.example");
	p.b.config->gateways[0]->remote_name_type = ID_TYPE_FQDN;
	run(&p, 3000);
	assert_int_equal(ike_router_child_up(&p.b), 1);
	assert_null(diag(&p.b));
	ike_pair_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ike_proposal),
		cmocka_unit_test(test_esp_proposal),
		cmocka_unit_test(test_psk),
		cmocka_unit_test(test_no_response),
		cmocka_unit_test(test_unknown_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
