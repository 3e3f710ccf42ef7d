/* Two routers whose key exchanges run on worker threads (engine/workers.h):
 * the same handshake as inline, a retransmission while the answer is being
 * computed, an SA that goes while its job runs, and engines freed with
 * jobs in flight (ASan and valgrind judge the last two). Virtual time
 * stands still while the loop waits, in real time, for the workers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "engine/ike_engine.h"
#include "engine/ike_sa.h"
#include "engine/workers.h"
#include "tests/ike_pair.h"

static int setup(void **state)
{
	if (ike_pair_setup(state, 5))
		return -1;
	struct ike_pair *p = *state;
	p->threads = 2;
	return ike_pair_start(p);
}

static unsigned busy(struct ike_router *r)
{
	return workers_busy(r->engine->core.workers);
}

/* The loop (and the in-memory network on it, whose datagrams are timers
 * due now) round by round until cond holds: a result is delivered at the
 * start of a round, so a job submitted in one is still pending at its
 * end. A hang guard of 60 s, not a timing assertion. */
static bool run_until(struct ike_pair *p, bool (*cond)(struct ike_pair *p))
{
	time_t give_up = time(NULL) + 60;
	while (!cond(p)) {
		if (time(NULL) > give_up)
			return false;
		loop_run_once(p->loop, 10);
	}
	return true;
}

static bool both_up(struct ike_pair *p)
{
	return ike_router_child_up(&p->a) == 1 && ike_router_child_up(&p->b) == 1;
}

static bool b_computing(struct ike_pair *p)
{
	struct ike_sa *sa = p->b.engine->core.sas;
	return sa && sa->kex_busy;
}

static bool idle(struct ike_pair *p)
{
	return !busy(&p->a) && !busy(&p->b);
}

/* Both ends hold the same ESP keys: the workers' SK_* are the SA's. */
static void assert_same_keys(struct ike_pair *p)
{
	struct ike_sa_row *rows;
	size_t n;
	assert_int_equal(ike_sa_rows(p->a.engine, &rows, &n), 0);
	const struct ike_sa_row *send = NULL;
	for (size_t i = 0; i < n; i++)
		if (rows[i].kind == IKE_SA_ROW_SEND)
			send = &rows[i];
	assert_non_null(send);
	struct kernel_sa_id id = { p->a.addr, p->b.addr, send->spi, KERNEL_PROTO_ESP };
	const struct kernel_sa *out = kernel_sim_sa_find(p->a.kernel, &id);
	const struct kernel_sa *in = kernel_sim_sa_find(p->b.kernel, &id);
	assert_non_null(out);
	assert_non_null(in);
	assert_int_equal(out->encr_key_len, in->encr_key_len);
	assert_memory_equal(out->encr_key, in->encr_key, out->encr_key_len);
	assert_memory_equal(out->integ_key, in->integ_key, out->integ_key_len);
	free(rows);
}

static void test_handshake_on_workers(void **state)
{
	struct ike_pair *p = *state;
	assert_non_null(p->a.engine->core.workers);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	/* the key pair is being made: nothing is sent before it exists */
	assert_int_equal(p->a.init_sent, 0);
	assert_true(run_until(p, both_up));
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
	assert_int_equal(p->a.init_sent, 1);
	assert_same_keys(p);
	assert_int_equal(busy(&p->a) + busy(&p->b), 0);
}

/* The peer retransmits IKE_SA_INIT while our answer is computed: no second
 * SA, no second job, no answer until the first is ready. */
static void test_retransmission_while_computing(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(run_until(p, b_computing));
	unsigned sent = p->b.msgs_sent;
	ike_pair_replay(p, &p->a);
	assert_int_equal(p->b.engine->core.n_sas, 1);
	assert_int_equal(busy(&p->b), 1);
	assert_int_equal(p->b.msgs_sent, sent);
	assert_true(run_until(p, both_up));
	assert_int_equal(ike_router_ike_up(&p->b), 1);
	assert_same_keys(p);
}

/* An SA deleted while its job runs: the result is thrown away, nothing
 * is sent for it, and the SA's memory goes with the job. */
static void test_sa_gone_while_computing(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(run_until(p, b_computing));
	unsigned sent = p->b.msgs_sent;
	ike_sa_delete(p->b.engine->core.sas);
	assert_true(run_until(p, idle));
	assert_int_equal(p->b.msgs_sent, sent);
	assert_int_equal(ike_router_ike_up(&p->b), 0);
}

/* Engines freed with jobs queued or running (teardown frees them). */
static void test_freed_with_jobs_in_flight(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(run_until(p, b_computing));
	assert_int_equal(busy(&p->b), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handshake_on_workers, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_retransmission_while_computing, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_sa_gone_while_computing, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_freed_with_jobs_in_flight, setup, ike_pair_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
