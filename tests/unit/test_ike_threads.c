/* Two routers whose key exchanges (IKE_SA_INIT and the DH of rekeys) and
 * certificate work (the peer's chain and signature checked, ours made)
 * run on worker threads (engine/workers.h): the same handshake and rekeys
 * as inline, a retransmission while the answer is being computed, an SA
 * that goes while its job runs, and engines freed with jobs in flight
 * (ASan and valgrind judge the last two). Virtual time stands still while
 * the loop waits, in real time, for the workers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "engine/ike_engine.h"
#include "base/err.h"
#include "engine/child_sa.h"
#include "engine/exchange_info.h"
#include "engine/ike_sa.h"
#include "engine/rekey.h"
#include "engine/pki.h"
#include "engine/pki_store.h"
#include "engine/workers.h"
#include "tests/ike_pair.h"
#include "tests/pki_fixture.h"

static struct pki_fixture *fx;

static int group_setup(void **state)
{
	(void)state;
	return pki_fixture_new(IKE_PAIR_EPOCH, &fx) ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	pki_fixture_free(fx);
	return 0;
}

static int setup(void **state)
{
	if (ike_pair_setup(state, 5))
		return -1;
	struct ike_pair *p = *state;
	p->threads = 2;
	return ike_pair_start(p);
}

/* Router r authenticates with leaf's bundle (key, leaf, issuers), as
 * `pki certificate file 1 F pkcs12 P` gives it. */
static void use_cert(struct ike_router *r, enum pki_fx_cert leaf)
{
	assert_int_equal(pki_fixture_use(r->pki, 1, pki_fixture_cred(fx, leaf, NULL),
					 r->config->gateways[0]), 0);
}

static int setup_cert(void **state, enum pki_fx_cert a, enum pki_fx_cert b)
{
	if (ike_pair_setup(state, 5))
		return -1;
	struct ike_pair *p = *state;
	p->threads = 2;
	use_cert(&p->a, a);
	use_cert(&p->b, b);
	return ike_pair_start(p);
}

static int setup_rsa(void **state)
{
	return setup_cert(state, FX_LEAF_RSA2048, FX_LEAF_RSA2048);
}

static int setup_p256(void **state)
{
	return setup_cert(state, FX_LEAF_P256, FX_LEAF_P256);
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
	return sa && sa->job_busy;
}

/* r's SA has its IKE keys and a job runs: a sig_job (the kex_job is
 * done before the keys are in place). state: the SA's state meanwhile. */
static bool signing(struct ike_router *r, enum ike_state state)
{
	struct ike_sa *sa = r->engine->core.sas;
	return sa && sa->job_busy && (sa->flags & IKE_SAF_KEYED) && sa->state == state;
}

static bool a_signing(struct ike_pair *p)
{
	return signing(&p->a, IKE_STATE_INIT_SENT);
}

static bool b_signing(struct ike_pair *p)
{
	return signing(&p->b, IKE_STATE_INIT_SENT);
}

static bool a_checking(struct ike_pair *p)
{
	return signing(&p->a, IKE_STATE_AUTH_SENT);
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

/* Each side's certificate work is a job: A signs before its IKE_AUTH
 * request exists, B checks A and signs before it answers, A checks B
 * before the SA is up; the keys are the same as inline. */
static void test_cert_handshake_on_workers(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(run_until(p, a_signing));
	assert_int_equal(p->a.msgs_sent, 1);   /* IKE_SA_INIT only */
	assert_int_equal(busy(&p->a), 1);
	assert_true(run_until(p, b_signing));
	assert_true(p->a.msgs_sent > 1);      /* the request (fragments), once signed */
	assert_int_equal(busy(&p->b), 1);
	assert_true(run_until(p, a_checking));
	assert_int_equal(ike_router_ike_up(&p->a), 0);
	assert_true(run_until(p, both_up));
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
	assert_same_keys(p);
	assert_int_equal(ike_router_log_count(&p->a, "unmatched"), 0);
	assert_int_equal(busy(&p->a) + busy(&p->b), 0);
}

/* A retransmits its IKE_AUTH request while B signs the answer: no second
 * job, no answer until the first is ready, then the SA is up once. */
static void test_cert_retransmission_while_signing(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(run_until(p, b_signing));
	unsigned sent = p->b.msgs_sent;
	ike_pair_replay(p, &p->a);
	assert_int_equal(busy(&p->b), 1);
	assert_int_equal(p->b.msgs_sent, sent);
	assert_true(run_until(p, both_up));
	assert_int_equal(p->b.engine->core.n_sas, 1);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
	assert_same_keys(p);
}

/* B's SA deleted while its certificate job runs: nothing is sent for it. */
static void test_cert_sa_gone_while_signing(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(run_until(p, b_signing));
	unsigned sent = p->b.msgs_sent;
	ike_sa_delete(p->b.engine->core.sas);
	assert_true(run_until(p, idle));
	assert_int_equal(p->b.msgs_sent, sent);
	assert_int_equal(ike_router_ike_up(&p->b), 0);
}

/* The same with A's signature made ahead of its request. */
static void test_cert_initiator_gone_while_signing(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(run_until(p, a_signing));
	unsigned sent = p->a.msgs_sent;
	ike_sa_delete(p->a.engine->core.sas);
	assert_true(run_until(p, idle));
	assert_int_equal(p->a.msgs_sent, sent);
}

/* Engines freed with certificate jobs in flight (teardown frees them). */
static void test_cert_freed_while_signing(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(run_until(p, b_signing));
	assert_int_equal(busy(&p->b), 1);
}

/* ---- the DH of rekeys ------------------------------------------------------------ */

static int setup_pfs(void **state)
{
	if (ike_pair_setup(state, 5))
		return -1;
	struct ike_pair *p = *state;
	p->threads = 2;
	p->a.config->gateways[0]->pfs = true;
	return ike_pair_start(p);
}

/* The established SA of r whose job runs, or NULL. */
static struct ike_sa *rekey_job(struct ike_router *r)
{
	for (struct ike_sa *sa = r->engine->core.sas; sa; sa = sa->next)
		if (sa->job_busy && ike_sa_up(sa))
			return sa;
	return NULL;
}

static bool a_rekey_job(struct ike_pair *p)
{
	return rekey_job(&p->a) != NULL;
}

static bool b_rekey_job(struct ike_pair *p)
{
	return rekey_job(&p->b) != NULL;
}

static struct ike_sa *up_sa(struct ike_router *r)
{
	for (struct ike_sa *sa = r->engine->core.sas; sa; sa = sa->next)
		if (ike_sa_up(sa))
			return sa;
	return NULL;
}

static size_t children(struct ike_router *r)
{
	size_t n = 0;
	for (struct ike_sa *sa = r->engine->core.sas; sa; sa = sa->next)
		for (struct child_sa *c = sa->children; c; c = c->next)
			n++;
	return n;
}

/* Both sides have installed the new CHILD SA pair beside the old one. */
static bool both_rekeyed(struct ike_pair *p)
{
	return idle(p) && children(&p->a) == 2 && children(&p->b) == 2;
}

/* Both sides are left with the rekey's SAs alone. */
static bool settled(struct ike_pair *p)
{
	return idle(p) && children(&p->a) == 1 && children(&p->b) == 1 &&
	       p->a.engine->core.n_sas == 1 && p->b.engine->core.n_sas == 1;
}

/* A's CHILD SA waits for the key pair of its rekey. */
static bool a_keying(struct ike_pair *p)
{
	struct ike_sa *sa = up_sa(&p->a);
	return sa && sa->children && sa->children->rk_phase == RK_KEYING && busy(&p->a) == 1;
}

/* ... and the rekey has begun: the key came back and A's request is out. */
static bool a_key_kept(struct ike_pair *p)
{
	struct ike_sa *sa = up_sa(&p->a);
	return sa && sa->children && sa->children->rk_phase != RK_KEYING;
}

static void handshake(struct ike_pair *p)
{
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(run_until(p, both_up));
	assert_true(run_until(p, idle));
}

/* A CHILD SA rekey with PFS: B makes its key pair and g^ir before it
 * answers, A derives g^ir from the answer before it installs; both end
 * with the same new keys. */
static void test_child_rekey_pfs_on_workers(void **state)
{
	struct ike_pair *p = *state;
	handshake(p);
	uint32_t old_spi = up_sa(&p->a)->children->spi_out;
	unsigned b_sent = p->b.msgs_sent;
	assert_int_equal(rekey_sa_number(p->a.engine, up_sa(&p->a)->children->num_send), 0);
	assert_true(run_until(p, b_rekey_job));
	assert_int_equal(p->b.msgs_sent, b_sent);       /* no answer before the job is back */
	assert_true(run_until(p, a_rekey_job));
	assert_int_equal(p->b.msgs_sent, b_sent + 1);
	assert_int_equal(children(&p->a), 1);           /* the new pair is not in yet */
	assert_true(run_until(p, both_rekeyed));
	ike_pair_run(p, 32000);                         /* the old pair goes */
	assert_true(settled(p));
	assert_int_not_equal(up_sa(&p->a)->children->spi_out, old_spi);
	assert_non_null(up_sa(&p->b)->children->prop.dh);
	assert_same_keys(p);
}

/* An IKE SA rekey: the same two jobs, and nothing else goes out on A's
 * old SA while A derives (an IKE SA rekey goes alone). */
static void test_ike_rekey_on_workers(void **state)
{
	struct ike_pair *p = *state;
	handshake(p);
	struct ike_sa *old = up_sa(&p->a);
	uint64_t old_spi = old->spi_i;
	assert_int_equal(rekey_sa_number(p->a.engine, old->number), 0);
	assert_true(run_until(p, b_rekey_job));
	assert_true(run_until(p, a_rekey_job));
	assert_int_equal(exchange_info_send_probe(rekey_job(&p->a)), -RTX_EEXIST);
	assert_true(run_until(p, settled));
	struct ike_sa *na = up_sa(&p->a), *nb = up_sa(&p->b);
	assert_int_not_equal(na->spi_i, old_spi);
	assert_int_equal(na->spi_i, nb->spi_i);
	assert_int_equal(na->spi_r, nb->spi_r);
	assert_memory_equal(na->keys.sk_d, nb->keys.sk_d, na->keys.d_len);
	assert_ptr_equal(na->children->ike, na);
	assert_same_keys(p);
}

/* A's IKE SA deleted while A derives the rekey's g^ir, B's while B keys
 * its answer: the results are thrown away, nothing is installed. */
static void test_rekey_sa_gone_while_computing(void **state)
{
	struct ike_pair *p = *state;
	handshake(p);
	assert_int_equal(rekey_sa_number(p->a.engine, up_sa(&p->a)->children->num_send), 0);
	assert_true(run_until(p, a_rekey_job));
	ike_sa_delete(rekey_job(&p->a));
	assert_true(run_until(p, idle));
	assert_int_equal(children(&p->a), 0);
}

static void test_rekey_responder_gone_while_computing(void **state)
{
	struct ike_pair *p = *state;
	handshake(p);
	assert_int_equal(rekey_sa_number(p->a.engine, up_sa(&p->a)->number), 0);
	assert_true(run_until(p, b_rekey_job));
	unsigned sent = p->b.msgs_sent;
	ike_sa_delete(rekey_job(&p->b));
	assert_true(run_until(p, idle));
	assert_int_equal(p->b.msgs_sent, sent);         /* no answer to the rekey */
	assert_int_equal(ike_router_ike_up(&p->b), 0);
}

/* A's kernel says the CHILD SA is at its soft limit: with PFS A first
 * makes its key pair on a worker, sending nothing and holding nothing
 * back meanwhile; then the rekey goes as before, with that key. */
static void test_key_made_ahead_of_a_rekey(void **state)
{
	struct ike_pair *p = *state;
	handshake(p);
	struct ike_sa *sa = up_sa(&p->a);
	uint32_t old_spi = sa->children->spi_out;
	unsigned a_sent = p->a.msgs_sent;
	kernel_sim_tick(p->a.kernel, 21600);           /* 75 % of 28800 s */
	assert_true(run_until(p, a_keying));
	assert_int_equal(p->a.msgs_sent, a_sent);
	assert_false(sa->job_busy);                    /* requests and INFORMATIONAL go on */
	assert_true(run_until(p, a_key_kept));
	assert_true(run_until(p, both_rekeyed));
	assert_null(up_sa(&p->a)->spare_dh);           /* the request took it */
	ike_pair_run(p, 32000);
	assert_true(settled(p));
	assert_int_not_equal(up_sa(&p->a)->children->spi_out, old_spi);
	assert_same_keys(p);
}

/* The CHILD SA goes while its key pair is made: no rekey, and the key
 * pair is not kept (valgrind and ASan see it freed). */
static void test_key_ahead_child_gone(void **state)
{
	struct ike_pair *p = *state;
	handshake(p);
	struct ike_sa *sa = up_sa(&p->a);
	unsigned a_sent = p->a.msgs_sent;
	kernel_sim_tick(p->a.kernel, 21600);
	assert_true(run_until(p, a_keying));
	child_sa_delete(sa->children);
	assert_true(run_until(p, idle));
	assert_null(sa->spare_dh);
	assert_int_equal(p->a.msgs_sent, a_sent);
	assert_int_equal(ike_router_log_count(&p->a, "CHLD exchange started"), 0);
}

/* The same with A's IKE SA gone: the job still reports back (a CHILD SA
 * that moved to another IKE SA would still want its rekey), keeps
 * nothing and starts nothing. */
static void test_key_ahead_sa_gone(void **state)
{
	struct ike_pair *p = *state;
	handshake(p);
	unsigned a_sent = p->a.msgs_sent;
	kernel_sim_tick(p->a.kernel, 21600);
	assert_true(run_until(p, a_keying));
	ike_sa_delete(up_sa(&p->a));
	assert_true(run_until(p, idle));
	assert_int_equal(p->a.msgs_sent, a_sent);
	assert_int_equal(ike_router_log_count(&p->a, "CHLD exchange started"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handshake_on_workers, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_retransmission_while_computing, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_sa_gone_while_computing, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_freed_with_jobs_in_flight, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_cert_handshake_on_workers, setup_rsa,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_cert_retransmission_while_signing, setup_p256,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_cert_sa_gone_while_signing, setup_p256,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_cert_initiator_gone_while_signing, setup_p256,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_cert_freed_while_signing, setup_rsa,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_child_rekey_pfs_on_workers, setup_pfs,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_ike_rekey_on_workers, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_rekey_sa_gone_while_computing, setup_pfs,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_rekey_responder_gone_while_computing, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_key_made_ahead_of_a_rekey, setup_pfs,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_key_ahead_child_gone, setup_pfs,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_key_ahead_sa_gone, setup_pfs, ike_pair_teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
