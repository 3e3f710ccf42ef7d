/* The typed IPsec config: Yamaha defaults, sorted lookups, relations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "engine/alg.h"
#include "engine/config.h"
#include "engine/model.h"

static void test_defaults(void **state)
{
	(void)state;
	struct ipsec_config *c = config_new(model_find("RTX830"));
	assert_true(c->ipsec_use);
	assert_false(c->auto_refresh);
	assert_int_equal(c->retry_count, 10);
	assert_int_equal(c->retry_interval, 5);
	assert_int_equal(c->queue_length, 200);

	struct gateway_config *g = config_gateway_get(c, 3);
	assert_int_equal(g->version, 1);
	assert_int_equal(g->encryption, IKEV2_ENCR_3DES);
	assert_int_equal(g->hash, IKEV2_PRF_HMAC_SHA1);
	assert_int_equal(g->group[0], IKEV2_DH_MODP_1024);
	assert_int_equal(g->keepalive.sw, TRI_AUTO);
	assert_int_equal(g->keepalive.interval, 10);
	assert_int_equal(g->keepalive.count, 6);
	assert_int_equal(g->natt.keepalive, 300);
	assert_int_equal(g->ike_life.seconds, 28800);
	assert_int_equal(g->child_life.kbytes, 2000000);
	assert_int_equal(g->child_life.rekey_pct, 75);
	assert_true(g->auto_refresh);
	assert_true(g->negotiation_receive);
	assert_int_equal(g->child_exchange_type, 1);

	struct policy_config *p = config_policy_get(c, 101);
	assert_true(p->esp);
	assert_int_equal(p->encr, IKEV2_ENCR_AES_CBC);
	assert_true(p->anti_replay);       /* on for the RTX830 */
	config_free(c);

	c = config_new(model_find("RTX1300"));
	assert_false(config_policy_get(c, 1)->anti_replay);
	assert_int_equal(c->queue_length, 2200);
	config_free(c);
}

static void test_sorted_lookup_many(void **state)
{
	(void)state;
	struct ipsec_config *c = config_new(model_find("vRX"));
	/* Insert in a scrambled order, then check order and lookups. */
	for (unsigned i = 0; i < 6000; i++) {
		unsigned id = (i * 2399u) % 6000u + 1u;
		assert_non_null(config_gateway_get(c, id));
		assert_non_null(config_tunnel_get(c, id));
	}
	assert_int_equal(c->n_gateways, 6000);
	for (size_t i = 0; i < c->n_gateways; i++)
		assert_int_equal(c->gateways[i]->id, i + 1);
	assert_ptr_equal(config_gateway_get(c, 42), config_gateway_find(c, 42));
	config_gateway_del(c, 42);
	assert_null(config_gateway_find(c, 42));
	assert_int_equal(c->n_gateways, 5999);
	config_gateway_del(c, 42);            /* absent: nothing happens */
	config_tunnel_del(c, 6000);
	assert_null(config_tunnel_find(c, 6000));
	assert_non_null(config_tunnel_find(c, 5999));
	config_free(c);
	/* In ascending order, as configs list them: the last one first. */
	c = config_new(NULL);
	for (unsigned id = 1; id <= 100; id++) {
		assert_null(config_policy_find(c, id));
		struct policy_config *p = config_policy_get(c, id);
		assert_ptr_equal(config_policy_get(c, id), p);
		assert_ptr_equal(config_policy_find(c, id), p);
		assert_ptr_equal(config_policy_find(c, 1), c->policies[0]);
	}
	assert_non_null(config_policy_get(c, 50));
	assert_int_equal(c->n_policies, 100);
	for (size_t i = 0; i < c->n_policies; i++)
		assert_int_equal(c->policies[i]->id, i + 1);
	config_free(c);
}

static void test_relations_and_routes(void **state)
{
	(void)state;
	struct ipsec_config *c = config_new(NULL);
	struct tunnel_config *t = config_tunnel_get(c, 1);
	assert_null(config_tunnel_gateway(c, t));
	t->policy = 201;
	config_policy_get(c, 201)->gateway = 1;
	assert_null(config_tunnel_gateway(c, t));     /* gateway 1 not configured */
	struct gateway_config *g = config_gateway_get(c, 1);
	assert_ptr_equal(config_tunnel_gateway(c, t), g);
	assert_int_equal(config_gateway_tunnel(c, 1), 1);
	assert_int_equal(config_gateway_tunnel(c, 2), 0);

	struct route_config r = { .len = 24, .tunnel = 1 };
	ip_addr_parse("10.0.2.0", &r.net);
	assert_int_equal(config_route_add(c, &r), 0);
	r.tunnel = 2;
	assert_int_equal(config_route_add(c, &r), 0);  /* replaces */
	assert_int_equal(c->n_routes, 1);
	assert_int_equal(c->routes[0].tunnel, 2);
	config_route_del(c, &r.net, 16);               /* other prefix: kept */
	assert_int_equal(c->n_routes, 1);
	config_route_del(c, &r.net, 24);
	assert_int_equal(c->n_routes, 0);
	config_free(c);
}

/* Many routes through the index: each added once, a second add replaces,
 * deletes keep the rest findable (v4 and v6 alike), and the order of the
 * routes is the order they were added in. */
static void test_many_routes(void **state)
{
	(void)state;
	struct ipsec_config *c = config_new(model_find("vRX"));
	char text[64];
	for (unsigned i = 0; i < 3000; i++) {
		struct route_config r = { .len = i % 2 ? 24 : 64, .tunnel = i + 1 };
		if (i % 2)
			snprintf(text, sizeof(text), "10.%u.%u.0", i / 250, i % 250);
		else
			snprintf(text, sizeof(text), "2001:db8:%x::", i);
		assert_int_equal(ip_addr_parse(text, &r.net), 0);
		assert_int_equal(config_route_add(c, &r), 0);
		r.tunnel = 9999;
		assert_int_equal(config_route_add(c, &r), 0);   /* replaces */
	}
	assert_int_equal(c->n_routes, 3000);
	for (unsigned i = 0; i < 3000; i += 3) {              /* every third goes */
		struct ip_addr a;
		const struct route_config *r = &c->routes[i - i / 3];
		a = r->net;
		config_route_del(c, &a, r->len);
	}
	assert_int_equal(c->n_routes, 2000);
	for (size_t i = 0; i < c->n_routes; i++) {
		struct route_config r = c->routes[i];
		r.tunnel = 7;
		assert_int_equal(config_route_add(c, &r), 0);   /* found: replaced */
		assert_int_equal(c->n_routes, 2000);
		assert_int_equal(c->routes[i].tunnel, 7);
	}
	config_free(c);
}

/* config_tunnel_routes against a walk over every route: the same routes
 * in the same order, after adds in any tunnel order, replacements that
 * move a route to another tunnel, and deletes. */
static void check_by_tunnel(const struct ipsec_config *c)
{
	for (unsigned t = 0; t <= 41; t++) {
		const uint32_t *idx;
		size_t n = config_tunnel_routes(c, t, &idx), k = 0;
		for (size_t i = 0; i < c->n_routes; i++)
			if (c->routes[i].tunnel == t) {
				assert_true(k < n);
				assert_int_equal(idx[k++], i);
			}
		assert_int_equal(k, n);
	}
}

static void test_routes_by_tunnel(void **state)
{
	(void)state;
	struct ipsec_config *c = config_new(model_find("vRX"));
	char text[64];
	for (unsigned i = 0; i < 1200; i++) {
		struct route_config r = { .len = 24, .tunnel = (i * 7) % 41 };
		snprintf(text, sizeof(text), "10.%u.%u.0", i / 250, i % 250);
		assert_int_equal(ip_addr_parse(text, &r.net), 0);
		assert_int_equal(config_route_add(c, &r), 0);
	}
	check_by_tunnel(c);
	for (size_t i = 0; i < c->n_routes; i += 5) {
		struct route_config r = c->routes[i];
		r.tunnel = (unsigned)(i % 3) * 20;
		assert_int_equal(config_route_add(c, &r), 0);
	}
	check_by_tunnel(c);
	for (unsigned i = 0; i < 1200; i += 4) {
		snprintf(text, sizeof(text), "10.%u.%u.0", i / 250, i % 250);
		struct ip_addr a;
		assert_int_equal(ip_addr_parse(text, &a), 0);
		config_route_del(c, &a, 24);
	}
	assert_int_equal(c->n_routes, 900);
	check_by_tunnel(c);
	config_free(c);
	c = config_new(NULL);
	check_by_tunnel(c);     /* no routes at all */
	config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_routes),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_sorted_lookup_many),
		cmocka_unit_test(test_relations_and_routes),
		cmocka_unit_test(test_routes_by_tunnel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
