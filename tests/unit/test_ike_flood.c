/* Issue 15 item 1: a flood of IKE_SA_INIT requests whose senders echo the
 * COOKIE cannot make the responder keep unbounded half-open IKE SAs: one
 * address is held to IKE_HALF_OPEN_PER_SOURCE, all of them together to
 * the engine's cap; the drop line is rate-limited, and a legitimate peer
 * still comes up. Bounded in count: a fixed number of datagrams on the
 * in-memory network and a virtual clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/log.h"
#include "tests/ike_flood.h"
#include "tests/ike_pair.h"

static int setup(void **state)
{
	return ike_pair_setup(state, 7);
}

/* A real IKE_SA_INIT request of A as the flood's template; A's attempt
 * is then dropped and forgotten, so that A starts afresh later. */
static struct ike_flood *start_flood(struct ike_pair *p, unsigned hosts)
{
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(p->a.last_req_len > 28);
	uint8_t tmpl[4096];
	size_t len = p->a.last_req_len;
	memcpy(tmpl, p->a.last_req, len);
	while (memnet_drop_next(p->net))
		;
	ike_refresh(p->a.engine);
	ike_pair_run(p, 10);
	while (memnet_drop_next(p->net))
		;
	struct ike_flood *f = ike_flood_new(p->net, &p->b.addr, 500, tmpl, len, hosts);
	assert_non_null(f);
	return f;
}

static struct ike_half_open_status status(struct ike_pair *p)
{
	struct ike_half_open_status st;
	ike_half_open_status(p->b.engine, &st);
	return st;
}

/* Floods in rounds of 50 so that cookies come back between rounds. */
static void flood(struct ike_pair *p, struct ike_flood *f, unsigned count)
{
	for (unsigned i = 0; i < count; i += 50) {
		ike_flood_send(f, 50);
		ike_pair_run(p, 10);
	}
}

static void test_one_source(void **state)
{
	struct ike_pair *p = *state;
	struct ike_flood *f = start_flood(p, 1);
	/* every request must echo a cookie first */
	ike_set_half_open_limits(p->b.engine, 0, IKE_HALF_OPEN_PER_SOURCE, IKE_HALF_OPEN_MAX);
	flood(p, f, 1000);
	struct ike_flood_stats fs;
	ike_flood_stats(f, &fs);
	struct ike_half_open_status st = status(p);
	assert_int_equal(fs.sent, 1000);
	assert_int_equal(fs.cookies, 1000);
	assert_int_equal(fs.responses, IKE_HALF_OPEN_PER_SOURCE);
	assert_int_equal(st.half_open, IKE_HALF_OPEN_PER_SOURCE);
	assert_int_equal(st.sources, 1);
	assert_int_equal(st.dropped_per_source, 1000 - IKE_HALF_OPEN_PER_SOURCE);
	assert_true(p->b.engine->core.n_sas <= IKE_HALF_OPEN_PER_SOURCE);
	/* the drop line is said, but not 995 times */
	size_t lines = ike_router_log_count(&p->b, "ignored IKE_SA_INIT from 203.0.113.0: 5 half-open");
	assert_true(lines >= 1 && lines <= LOG_RL_BURST + 1);
	/* a legitimate peer meanwhile */
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 5000));
	/* the flood's SAs time out and leave nothing behind */
	ike_pair_run(p, 120000);
	st = status(p);
	assert_int_equal(st.half_open, 0);
	assert_int_equal(st.sources, 0);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
	ike_flood_free(f);
}

/* A configured peer's address is held to the cap only: tunnels between
 * the same two addresses may all start at once. */
static void test_configured_peer_address(void **state)
{
	struct ike_pair *p = *state;
	struct ike_flood *f = start_flood(p, 1);
	struct gateway_config *g = config_gateway_get(p->b.config, 2);
	assert_non_null(g);
	g->version = 2;
	g->remote_address = strdup("203.0.113.0");
	ike_config_changed(p->b.engine);
	ike_set_half_open_limits(p->b.engine, 0, IKE_HALF_OPEN_PER_SOURCE, 40);
	flood(p, f, 100);
	struct ike_half_open_status st = status(p);
	assert_int_equal(st.half_open, 40);
	assert_int_equal(st.dropped_per_source, 0);
	assert_int_equal(st.dropped_max, 60);
	ike_flood_free(f);
}

static void test_many_sources(void **state)
{
	struct ike_pair *p = *state;
	struct ike_flood *f = start_flood(p, 100);
	flood(p, f, 10000);
	struct ike_flood_stats fs;
	ike_flood_stats(f, &fs);
	struct ike_half_open_status st = status(p);
	assert_true(fs.cookies > 0);                     /* past the COOKIE threshold */
	assert_int_equal(st.half_open, 100 * IKE_HALF_OPEN_PER_SOURCE);
	assert_int_equal(fs.responses, 100 * IKE_HALF_OPEN_PER_SOURCE);
	assert_int_equal(st.sources, 100);
	assert_int_equal(st.dropped_max, 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 5000));
	ike_flood_free(f);
}

/* The cap over all sources: a peer that arrives while it is reached is
 * ignored too; once the flood's half-open SAs expire it gets in. */
static void test_global_cap(void **state)
{
	struct ike_pair *p = *state;
	struct ike_flood *f = start_flood(p, 100);
	ike_set_half_open_limits(p->b.engine, 16, IKE_HALF_OPEN_PER_SOURCE, 50);
	flood(p, f, 2000);
	struct ike_half_open_status st = status(p);
	assert_int_equal(st.half_open, 50);
	assert_int_equal(st.max, 50);
	assert_true(st.dropped_max > 0);
	assert_true(p->b.engine->core.n_sas <= 50);
	/* 0.4 s of virtual time: the all-sources burst and what refills in it */
	size_t lines = ike_router_log_count(&p->b, "half-open IKE SAs (limit 50)");
	assert_true(lines >= 1 && lines <= LOG_RL_ALL_BURST + LOG_RL_ALL_PER_SEC);
	/* a peer that arrives now is ignored like the rest ... */
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_false(ike_pair_run_until_up(p, 10000));
	/* ... until the flood's SAs time out, which frees what they held */
	ike_pair_run(p, 60000);
	st = status(p);
	assert_int_equal(st.half_open, 0);
	assert_int_equal(st.sources, 0);
	assert_int_equal(p->b.engine->core.n_sas, 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 5000));
	ike_flood_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_source, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_configured_peer_address, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_many_sources, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_global_cap, setup, ike_pair_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
