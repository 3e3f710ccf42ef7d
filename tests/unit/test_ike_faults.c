/* Two routers over a network that loses, duplicates and reorders: the
 * message-ID windows, retransmission timing and the seed's window lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_retransmit_timing, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_retry_config, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup, ike_pair_teardown),
		cmocka_unit_test(test_loss_and_duplication),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
