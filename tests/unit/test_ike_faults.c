/* Two routers over a network that loses, duplicates and reorders: the
 * message-ID windows, retransmission timing and the seed's window lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <cmocka.h>

#include "base/log.h"
#include "tests/ike_pair.h"

static int setup(void **state)
{
	return ike_pair_setup(state, 7) ? -1 : ike_pair_start(*state);
}

/* `ipsec ike retry 10 5`: ten retransmissions 5 s apart, each up to a
 * tenth of the interval early (window.h), then give up at 55 s sharp. */
static void test_retransmit_timing(void **state)
{
	struct ike_pair *p = *state;
	struct memnet_faults f = { .drop_pct = 100 };
	memnet_set_faults(p->net, &f);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 4499);
	assert_int_equal(ike_router_log_count(&p->a, "retransmit request"), 0);
	ike_pair_run(p, 501);
	assert_int_equal(ike_router_log_count(&p->a,
		"[IKE2] GW:1/SA:1/INIT iWindow retransmit request[msgID:0 cnt:1]"), 1);
	ike_pair_run(p, 45000);
	assert_int_equal(ike_router_log_count(&p->a, "iWindow retransmit request[msgID:0 cnt:10]"), 1);
	ike_pair_run(p, 4999);
	assert_int_equal(ike_router_log_count(&p->a, "timed out"), 0);
	assert_int_equal(p->a.init_sent, 11);
	ike_pair_run(p, 1);
	assert_int_equal(ike_router_log_count(&p->a,
		"[IKE2] GW:1/SA:1/INIT iWindow retransmission timed out[msgID:0]"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] SA:1/IKE deleted"), 1);
	ike_pair_run(p, 60000);
	assert_int_equal(p->a.init_sent, 11);   /* paused: not always-on */
}

static void test_retry_config(void **state)
{
	struct ike_pair *p = *state;
	struct memnet_faults f = { .drop_pct = 100 };
	p->a.config->retry_count = 2;
	p->a.config->retry_interval = 1;
	memnet_set_faults(p->net, &f);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 3000);
	assert_int_equal(p->a.init_sent, 3);
	assert_int_equal(ike_router_log_count(&p->a, "retransmission timed out[msgID:0]"), 1);
}

/* Every datagram arrives twice: B answers the copy from its cache, A
 * drops the second response. rWindow for B, the original responder. */
static void test_duplicates(void **state)
{
	struct ike_pair *p = *state;
	struct memnet_faults f = { .dup_pct = 100 };
	memnet_set_faults(p->net, &f);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	assert_int_equal(ike_router_log_count(&p->b,
		"[IKE2] GW:*/SA:1/INIT rWindow retransmit response[msgID:0]"), 1);
	assert_int_equal(ike_router_log_count(&p->b,
		"[IKE2] GW:1/SA:1/AUTH rWindow retransmit response[msgID:1]"), 1);
	assert_true(ike_router_log_count(&p->a, "iWindow dropped message[msgID:0]") >= 1);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
	assert_int_equal(kernel_sim_sa_count(p->b.kernel), 2);
}

/* A replayed request: answered from the cache while B has the SA, and
 * refused once B forgot it (`ipsec refresh sa`). */
static void test_replay(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	unsigned before = p->b.msgs_sent;
	ike_pair_replay(p, &p->a);
	assert_int_equal(ike_router_log_count(&p->b,
		"[IKE2] GW:1/SA:1/AUTH rWindow retransmit response[msgID:1]"), 1);
	assert_int_equal(p->b.msgs_sent, before + 1);
	assert_int_equal(ike_router_child_up(&p->b), 1);
	ike_refresh(p->b.engine);
	ike_pair_replay(p, &p->a);
	assert_int_equal(ike_router_log_count(&p->b, "[IKE2] cannot find or create IKE SA"), 1);
	assert_int_equal(ike_router_log_count(&p->b, "SA:*"), 0);
	assert_int_equal(p->b.msgs_sent, before + 1);
	assert_int_equal(ike_router_ike_up(&p->b), 0);
}

static void lossy(uint64_t seed, unsigned drop, unsigned dup, unsigned reorder)
{
	struct ike_pair p;
	struct memnet_faults f = { .drop_pct = drop, .dup_pct = dup, .reorder_pct = reorder,
				   .delay_ms = 5 };
	assert_int_equal(ike_pair_init(&p, seed), 0);
	p.a.config->gateways[0]->always_on = true;
	assert_int_equal(ike_pair_start(&p), 0);
	memnet_set_faults(p.net, &f);
	assert_int_equal(ike_initiate(p.a.engine, 1), 0);
	bool up = ike_pair_run_until_up(&p, 600000);
	if (!up) {
		ike_router_log_print(&p.a);
		ike_router_log_print(&p.b);
	}
	assert_true(up);
	/* settle: a half-open leftover of a lost attempt times out */
	f.drop_pct = f.dup_pct = 0;
	memnet_set_faults(p.net, &f);
	ike_pair_run(&p, 120000);
	assert_int_equal(ike_router_ike_up(&p.a), 1);
	assert_int_equal(ike_router_ike_up(&p.b), 1);
	assert_int_equal(kernel_sim_sa_count(p.a.kernel), 2);
	assert_int_equal(kernel_sim_sa_count(p.b.kernel), 2);
	struct ike_sa_row *rows;
	size_t n;
	assert_int_equal(ike_sa_rows(p.a.engine, &rows, &n), 0);
	struct kernel_sa_id id = { p.a.addr, p.b.addr, 0, KERNEL_PROTO_ESP };
	for (size_t i = 0; i < n; i++)
		if (rows[i].kind == IKE_SA_ROW_SEND)
			id.spi = rows[i].spi;
	free(rows);
	assert_non_null(kernel_sim_sa_find(p.b.kernel, &id));
	ike_pair_free(&p);
}

static void test_loss_and_duplication(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 8; seed++)
		lossy(seed, 30, 20, 10);
}

/* ---- many tunnels at once ---------------------------------------------------- */

enum { MASS = 300 };

/* A with MASS gateways and tunnels, auto refresh on: gateway 1 is B, the
 * others peers that never answer, always-on (tried again a retry interval
 * after each failure). Runs `ms` in steps of 10 ms; at[g - 1]
 * is when gateway g's first IKE SA was made (0: none yet), *most the
 * largest number of A's initiations under way at the end of a step. */
static void mass_start(uint64_t seed, uint64_t ms, uint64_t at[MASS], unsigned *most,
		       bool refresh)
{
	struct ike_pair p;
	assert_int_equal(ike_pair_init(&p, seed), 0);
	struct ipsec_config *c = p.a.config;
	for (unsigned id = 2; id <= MASS; id++) {
		struct gateway_config *g = config_gateway_get(c, id);
		struct policy_config *pol = config_policy_get(c, id);
		struct tunnel_config *t = config_tunnel_get(c, id);
		char peer[32];
		snprintf(peer, sizeof(peer), "100.64.%u.%u", id / 256, id % 256);
		assert_true(g && pol && t);
		g->version = 2;
		g->always_on = true;
		memcpy(g->psk, "secret", 6);
		g->psk_len = 6;
		g->remote_address = strdup(peer);
		g->local_address = strdup("192.0.2.1");
		pol->gateway = id;
		pol->integ = IKEV2_AUTH_HMAC_SHA1_96;
		t->policy = id;
		t->enabled = true;
	}
	c->auto_refresh = true;
	assert_int_equal(ike_pair_start(&p), 0);
	log_set_debug(p.a.log, false);
	ike_config_changed(p.b.engine);
	uint64_t t0 = p.clock.now_ms;
	ike_config_changed(p.a.engine);
	memset(at, 0, MASS * sizeof(*at));
	*most = 0;
	for (uint64_t t = 0; t <= ms; t += 10) {
		if (t)
			ike_pair_run(&p, 10);
		if (p.a.engine->starting > *most)
			*most = p.a.engine->starting;
		for (const struct ike_sa *sa = p.a.engine->core.sas; sa; sa = sa->next)
			if (sa->initiator && sa->gateway >= 1 && sa->gateway <= MASS &&
			    !at[sa->gateway - 1])
				at[sa->gateway - 1] = sa->created_ms - t0 + 1;
	}
	assert_int_equal(ike_router_ike_up(&p.a), 1);   /* B's tunnel, in the first window */
	if (refresh) {
		/* `ipsec refresh sa` with gateways waiting: the SAs going start
		 * none of them; the new mass start sends its first window. */
		unsigned sent = p.a.init_sent;
		ike_refresh(p.a.engine);
		assert_int_equal(p.a.init_sent - sent, IKE_INIT_BURST);
		assert_int_equal(p.a.engine->starting, IKE_INIT_BURST);
	}
	ike_pair_free(&p);
}

static unsigned started_by(const uint64_t at[MASS], uint64_t ms)
{
	unsigned n = 0;
	for (unsigned i = 0; i < MASS; i++)
		n += at[i] && at[i] - 1 <= ms;
	return n;
}

/* 300 tunnels applied at once, 299 of them to peers that never answer:
 * 16 send their IKE_SA_INIT at once, and one more when B's tunnel (of
 * those 16) comes up at once on the in-memory network. The silent ones
 * hold their place until their first retransmission (one retry interval,
 * 5 s, less up to a tenth of jitter), and each such retransmission lets
 * one more start, in config order: never more than 16 under way, 16 more
 * each interval, every gateway tried in the end, the always-on retries of
 * those that failed (from 55 s) waiting their turn too; a fixed seed
 * gives the same schedule. Without the window all 300 went within 5 s, the rounds
 * of retransmissions with them. */
static void test_mass_start_windowed(void **state)
{
	(void)state;
	uint64_t at[MASS], again[MASS];
	unsigned most;
	const uint64_t iv = 5000, span = 21 * iv;
	mass_start(5, span, at, &most, false);
	assert_int_equal(most, IKE_INIT_BURST);
	assert_int_equal(started_by(at, 0), IKE_INIT_BURST + 1);
	assert_int_equal(started_by(at, iv - iv / 10 - 1), IKE_INIT_BURST + 1);
	assert_int_equal(started_by(at, iv), 2 * IKE_INIT_BURST + 1);
	/* later waves spread as their retransmissions do: still one more
	 * start per place each 4.5 s at the most */
	for (uint64_t t = 0; t <= span; t += 100)
		assert_true(started_by(at, t) <= IKE_INIT_BURST + 1 +
						     IKE_INIT_BURST * (t / (iv - iv / 10)));
	assert_int_equal(started_by(at, span), MASS);
	for (unsigned i = 1; i < MASS; i++)   /* config order */
		assert_true(at[i - 1] <= at[i] || i == 1);
	unsigned most_again;
	mass_start(5, span, again, &most_again, false);
	assert_memory_equal(at, again, sizeof(at));
}

static void test_mass_refresh(void **state)
{
	(void)state;
	uint64_t at[MASS];
	unsigned most;
	mass_start(9, 1000, at, &most, true);
}

/* MASS tunnels of A to B, which answers each (gateway i names itself
 * peer-i, so B holds at most 5 half-open SAs from A's address): A keeps
 * at most 5 under way, each of the rest started as one comes up, so on
 * the in-memory network, with no delay, all are up in the same virtual
 * millisecond; B drops nothing and asks for no COOKIE. */
static void test_mass_start_self_clocked(void **state)
{
	(void)state;
	struct ike_pair p;
	assert_int_equal(ike_pair_init(&p, 7), 0);
	struct ipsec_config *a = p.a.config, *b = p.b.config;
	char name[32], net[32];
	for (unsigned id = 1; id <= MASS; id++) {
		struct gateway_config *g = config_gateway_get(a, id), *h = config_gateway_get(b, id);
		struct policy_config *pol = config_policy_get(a, id), *q = config_policy_get(b, id);
		struct tunnel_config *t = config_tunnel_get(a, id), *u = config_tunnel_get(b, id);
		assert_true(g && pol && t && h && q && u);
		snprintf(name, sizeof(name), "peer-%u", id);
		snprintf(net, sizeof(net), "10.%u.%u.0", 100 + id / 250, id % 250);
		g->version = h->version = 2;
		memcpy(g->psk, "secret", 6);
		memcpy(h->psk, "secret", 6);
		g->psk_len = h->psk_len = 6;
		free(g->local_name);
		g->local_name = strdup(name);
		g->local_name_type = h->remote_name_type = ID_TYPE_FQDN;
		free(h->remote_name);
		h->remote_name = strdup(name);
		free(h->remote_address);
		h->remote_address = NULL;
		if (id > 1) {
			g->remote_address = strdup("192.0.2.2");
			g->local_address = strdup("192.0.2.1");
			struct route_config r = { .len = 24, .tunnel = id };
			assert_int_equal(ip_addr_parse(net, &r.net), 0);
			assert_int_equal(config_route_add(a, &r), 0);
		}
		pol->gateway = q->gateway = id;
		pol->integ = q->integ = IKEV2_AUTH_HMAC_SHA1_96;
		t->policy = u->policy = id;
		t->enabled = u->enabled = true;
	}
	a->auto_refresh = true;
	assert_int_equal(ike_pair_start(&p), 0);
	log_set_debug(p.a.log, false);
	log_set_debug(p.b.log, false);
	ike_config_changed(p.b.engine);
	ike_config_changed(p.a.engine);
	uint64_t t0 = p.clock.now_ms;
	ike_pair_run(&p, 0);
	assert_int_equal(ike_router_child_up(&p.b), MASS);
	assert_int_equal(p.clock.now_ms, t0);
	struct ike_half_open_status st;
	ike_half_open_status(p.b.engine, &st);
	assert_int_equal(st.cookies_sent, 0);
	assert_int_equal(st.dropped_per_source, 0);
	ike_pair_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_retransmit_timing, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_retry_config, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup, ike_pair_teardown),
		cmocka_unit_test(test_loss_and_duplication),
		cmocka_unit_test(test_mass_start_windowed),
		cmocka_unit_test(test_mass_refresh),
		cmocka_unit_test(test_mass_start_self_clocked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
