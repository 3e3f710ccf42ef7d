/* The engine's indexes over the configuration: the responder's gateway by
 * the name in IDi among many, by the peer's address, and the tunnel of a
 * gateway; all give what a walk of the configuration gives, also when the
 * configuration changed and the engine was not told yet. And the rows of
 * the SAs a show picks (a gateway, a tunnel, an SA number): those of the
 * full snapshot that the pick names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/ike_engine.h"
#include "tests/ike_pair.h"

#define PEERS 50

static void set_name(char **field, const char *name)
{
	free(*field);
	*field = strdup(name);
	assert_non_null(*field);
}

/* B answers peer-1..peer-PEERS, each as gateway/policy/tunnel i. */
static int setup(void **state)
{
	if (ike_pair_setup(state, 9))
		return -1;
	struct ike_pair *p = *state;
	struct ipsec_config *c = p->b.config;
	for (unsigned i = 1; i <= PEERS; i++) {
		struct gateway_config *g = config_gateway_get(c, i);
		struct policy_config *pol = config_policy_get(c, i);
		struct tunnel_config *t = config_tunnel_get(c, i);
		char name[32];
		if (!g || !pol || !t)
			return -1;
		snprintf(name, sizeof(name), "peer-%u", i);
		g->version = 2;
		memcpy(g->psk, "secret", 6);
		g->psk_len = 6;
		set_name(&g->remote_name, name);
		g->remote_name_type = ID_TYPE_FQDN;
		pol->gateway = i;
		pol->integ = IKEV2_AUTH_HMAC_SHA1_96;
		t->policy = i;
		t->enabled = true;
	}
	struct gateway_config *a = p->a.config->gateways[0];
	a->local_name_type = ID_TYPE_FQDN;
	set_name(&a->local_name, "peer-37");
	return ike_pair_start(p);
}

/* As setup, and A also logs in as peer-5 and peer-9 (its gateways and
 * tunnels 2 and 3): B holds three IKE SAs of gateways 37, 5 and 9. */
static int setup_three(void **state)
{
	if (setup(state))
		return -1;
	struct ike_pair *p = *state;
	struct ipsec_config *c = p->a.config;
	const struct gateway_config *one = c->gateways[0];
	static const char *const names[] = { "peer-5", "peer-9" };
	for (unsigned i = 2; i <= 3; i++) {
		struct gateway_config *g = config_gateway_get(c, i);
		struct policy_config *pol = config_policy_get(c, i);
		struct tunnel_config *t = config_tunnel_get(c, i);
		if (!g || !pol || !t)
			return -1;
		g->version = 2;
		memcpy(g->psk, one->psk, one->psk_len);
		g->psk_len = one->psk_len;
		set_name(&g->remote_address, one->remote_address);
		set_name(&g->local_address, one->local_address);
		set_name(&g->local_name, names[i - 2]);
		g->local_name_type = ID_TYPE_FQDN;
		pol->gateway = i;
		pol->integ = IKEV2_AUTH_HMAC_SHA1_96;
		t->policy = i;
		t->enabled = true;
	}
	ike_config_changed(p->a.engine);
	return 0;
}

static unsigned b_gateway(struct ike_pair *p)
{
	struct ike_sa_row *rows;
	size_t n;
	unsigned gw = 0;
	assert_int_equal(ike_sa_rows(p->b.engine, &rows, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (rows[i].kind == IKE_SA_ROW_IKE)
			gw = rows[i].gateway;
	free(rows);
	return gw;
}

static void again(struct ike_pair *p)
{
	ike_refresh(p->a.engine);
	ike_refresh(p->b.engine);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 5000));
}

static void test_gateway_by_name(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 5000));
	assert_int_equal(b_gateway(p), 37);
	/* renamed, the engine not told: the index misses, the walk finds it */
	set_name(&p->b.config->gateways[36]->remote_name, "renamed");
	set_name(&p->a.config->gateways[0]->local_name, "renamed");
	again(p);
	assert_int_equal(b_gateway(p), 37);
	/* told: the index has the new name */
	ike_config_changed(p->b.engine);
	again(p);
	assert_int_equal(b_gateway(p), 37);
	/* a gateway whose name another now has: the index's answer is checked */
	set_name(&p->b.config->gateways[36]->remote_name, "peer-36");
	set_name(&p->b.config->gateways[11]->remote_name, "renamed");
	again(p);
	assert_int_equal(b_gateway(p), 12);
}

static void test_tunnel_of_gateway(void **state)
{
	struct ike_pair *p = *state;
	struct ike_core *core = &p->b.engine->core;
	struct ipsec_config *c = p->b.config;
	for (unsigned g = 0; g <= PEERS + 1; g++)
		assert_int_equal(ike_gateway_tunnel(core, g), config_gateway_tunnel(c, g));
	/* tunnel 40 moves to gateway 7's policy: the first in number order
	 * of gateway 7 is still tunnel 7, gateway 40 has none, told or not */
	config_tunnel_find(c, 40)->policy = 7;
	for (int told = 0; told < 2; told++) {
		assert_int_equal(ike_gateway_tunnel(core, 7), 7);
		assert_int_equal(ike_gateway_tunnel(core, 40), 0);
		ike_config_changed(p->b.engine);
	}
	/* tunnel 7 goes elsewhere: gateway 7 is now served by tunnel 40 */
	config_tunnel_find(c, 7)->policy = 8;
	assert_int_equal(ike_gateway_tunnel(core, 7), 40);
	ike_config_changed(p->b.engine);
	assert_int_equal(ike_gateway_tunnel(core, 7), 40);
	assert_int_equal(ike_gateway_tunnel(core, 8), 7);
	/* show status tunnel says why the second tunnel of a gateway stays
	 * down; the first has nothing to explain */
	const char *why = ike_tunnel_down_why(p->b.engine, 8);
	assert_non_null(why);
	assert_string_equal(why, "gateway 8 negotiates for tunnel 7: IKEv2 makes one tunnel "
			    "per gateway");
	assert_null(ike_tunnel_down_why(p->b.engine, 7));
	assert_null(ike_tunnel_down_why(p->b.engine, 40));
}

/* What a walk gives: the first IKEv2 gateway in order with that address. */
static const struct gateway_config *walk_addr(const struct ipsec_config *c, const char *text)
{
	struct ip_addr a, r;
	assert_int_equal(ip_addr_parse(text, &a), 0);
	for (size_t i = 0; i < c->n_gateways; i++) {
		const struct gateway_config *g = c->gateways[i];
		if (g->version == 2 && g->remote_address && !ip_addr_parse(g->remote_address, &r) &&
		    ip_addr_equal(&r, &a))
			return g;
	}
	return NULL;
}

static const struct gateway_config *by_addr(struct ike_pair *p, const char *text)
{
	struct ip_addr a;
	assert_int_equal(ip_addr_parse(text, &a), 0);
	return ike_gateway_by_addr(&p->b.engine->core, &a);
}

static void test_gateway_by_address(void **state)
{
	struct ike_pair *p = *state;
	struct ipsec_config *c = p->b.config;
	static const char *const addrs[] = { "10.0.0.1", "10.0.0.2", "2001:db8::1", "10.0.0.2",
					     "any", "10.0.0.9", "192.0.2.77" };
	for (unsigned i = 0; i < 7; i++)
		set_name(&c->gateways[10 + i]->remote_address, addrs[i]);
	c->gateways[15]->version = 1;        /* 10.0.0.9: IKEv1 gateways do not count */
	ike_config_changed(p->b.engine);
	static const char *const ask[] = { "10.0.0.1", "10.0.0.2", "2001:db8::1", "10.0.0.9",
					   "192.0.2.77", "192.0.2.1", "10.0.0.3", "2001:db8::2" };
	for (size_t i = 0; i < 8; i++)
		assert_ptr_equal(by_addr(p, ask[i]), walk_addr(c, ask[i]));
	assert_int_equal(by_addr(p, "10.0.0.2")->id, 12);   /* the first of two */
	assert_null(by_addr(p, "10.0.0.9"));
	/* moved, and the engine not told yet: the index's hit is checked, a
	 * miss walked */
	set_name(&c->gateways[11]->remote_address, "10.0.0.5");
	set_name(&c->gateways[12]->remote_address, "10.0.0.1");
	assert_int_equal(by_addr(p, "10.0.0.2")->id, 14);
	assert_int_equal(by_addr(p, "10.0.0.5")->id, 12);
	assert_int_equal(by_addr(p, "10.0.0.1")->id, 11);
	ike_config_changed(p->b.engine);
	for (size_t i = 0; i < 8; i++)
		assert_ptr_equal(by_addr(p, ask[i]), walk_addr(c, ask[i]));
	assert_false(ike_any_cert_gateway(&p->b.engine->core));
	c->gateways[3]->psk_len = 0;
	c->gateways[3]->pki_cert = 1;
	ike_config_changed(p->b.engine);
	assert_true(ike_any_cert_gateway(&p->b.engine->core));
}

/* Whether the IKE SA of row ike (all rows: the full snapshot) is one the
 * pick names, by its gateway, its number or one of its CHILD SAs. */
static bool names(const struct ike_sa_row *all, size_t n, const struct ike_sa_row *ike,
		  const struct ike_sa_pick *pick)
{
	if (!pick->gateway && !pick->tunnel && !pick->number)
		return true;
	if ((pick->gateway && ike->gateway == pick->gateway) || ike->number == pick->number)
		return true;
	for (size_t i = 0; i < n; i++)
		if (all[i].kind != IKE_SA_ROW_IKE && all[i].ike_number == ike->number &&
		    ((pick->tunnel && all[i].tunnel == pick->tunnel) ||
		     (pick->number && all[i].number == pick->number)))
			return true;
	return false;
}

static void check_pick(struct ike_engine *e, const struct ike_sa_pick *pick, size_t want_ike)
{
	struct ike_sa_row *all, *got;
	size_t n, m, k = 0, ike = 0;
	assert_int_equal(ike_sa_rows(e, &all, &n), 0);
	assert_int_equal(ike_sa_rows_of(e, pick, &got, &m), 0);
	for (size_t i = 0; i < n; i++) {
		const struct ike_sa_row *w = &all[i], *owner = w;
		for (size_t j = 0; w->kind != IKE_SA_ROW_IKE && j < n; j++)
			if (all[j].kind == IKE_SA_ROW_IKE && all[j].number == w->ike_number)
				owner = &all[j];
		if (!names(all, n, owner, pick))
			continue;
		assert_true(k < m);
		assert_int_equal(got[k].number, w->number);
		assert_int_equal(got[k].kind, w->kind);
		assert_memory_equal(got[k].algorithm, w->algorithm, sizeof(w->algorithm));
		ike += w->kind == IKE_SA_ROW_IKE;
		k++;
	}
	assert_int_equal(k, m);
	assert_int_equal(ike, want_ike);
	free(all);
	free(got);
}

static void test_rows_picked(void **state)
{
	struct ike_pair *p = *state;
	for (unsigned gw = 1; gw <= 3; gw++)
		assert_int_equal(ike_initiate(p->a.engine, gw), 0);
	ike_pair_run(p, 5000);
	struct ike_engine *b = p->b.engine;
	assert_int_equal(ike_router_ike_up(&p->b), 3);
	check_pick(b, &(struct ike_sa_pick){ 0 }, 3);
	check_pick(b, &(struct ike_sa_pick){ .gateway = 5 }, 1);
	check_pick(b, &(struct ike_sa_pick){ .tunnel = 9 }, 1);
	check_pick(b, &(struct ike_sa_pick){ .gateway = 37, .tunnel = 9 }, 2);
	check_pick(b, &(struct ike_sa_pick){ .gateway = 6, .tunnel = 6 }, 0);
	/* by number: an IKE SA's, and either direction of a CHILD SA's */
	struct ike_sa_row *all;
	size_t n;
	assert_int_equal(ike_sa_rows(b, &all, &n), 0);
	assert_int_equal(n, 9);
	for (size_t i = 0; i < n; i++)
		check_pick(b, &(struct ike_sa_pick){ .number = all[i].number }, 1);
	check_pick(b, &(struct ike_sa_pick){ .number = 9999 }, 0);
	free(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gateway_by_name, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_tunnel_of_gateway, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_gateway_by_address, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_rows_picked, setup_three, ike_pair_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
