/* Two routers over the in-memory network: CREATE_CHILD_SA rekeys of CHILD
 * and IKE SAs from either side and from both at once, PFS, loss, the
 * type-1 fresh IKE_SA_INIT rule, `rekey off`, and the kernel's soft/hard
 * expire and acquire events. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/child_sa.h"
#include "base/err.h"
#include "engine/exchange_child.h"
#include "engine/exchange_info.h"
#include "engine/ike.h"
#include "engine/memnet.h"
#include "base/log.h"
#include "engine/rekey.h"
#include "tests/ike_pair.h"

static int setup(void **state)
{
	return ike_pair_setup(state, 7);
}

/* ---- inspection ----------------------------------------------------------- */

static size_t n_ike(const struct ike_router *r)
{
	size_t n = 0;
	for (struct ike_sa *sa = r->engine->core.sas; sa; sa = sa->next)
		n += sa->state != IKE_STATE_CLOSED;
	return n;
}

static size_t n_child(const struct ike_router *r)
{
	size_t n = 0;
	for (struct ike_sa *sa = r->engine->core.sas; sa; sa = sa->next)
		for (struct child_sa *c = sa->children; c; c = c->next)
			n++;
	return n;
}

static struct ike_sa *the_ike(const struct ike_router *r)
{
	assert_int_equal(n_ike(r), 1);
	return r->engine->core.sas;
}

static struct child_sa *the_child(const struct ike_router *r)
{
	assert_int_equal(n_child(r), 1);
	for (struct ike_sa *sa = r->engine->core.sas; sa; sa = sa->next)
		if (sa->children)
			return sa->children;
	return NULL;
}

static struct kernel_sa_id out_id(const struct ike_router *x, const struct ike_router *y,
				  uint32_t spi)
{
	return (struct kernel_sa_id){ x->addr, y->addr, spi, KERNEL_PROTO_ESP };
}

/* The kernel's ids of r's installed CHILD SAs lead back to them (the
 * expire events' lookup), and nothing else does. */
static void assert_found_by_kernel_id(struct ike_router *r)
{
	struct ike_core *e = &r->engine->core;
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next)
		for (struct child_sa *c = sa->children; c; c = c->next) {
			struct kernel_sa_id in = { sa->remote.addr, sa->local.addr, c->spi_in,
						   KERNEL_PROTO_ESP };
			struct kernel_sa_id out = { sa->local.addr, sa->remote.addr, c->spi_out,
						    KERNEL_PROTO_ESP };
			assert_ptr_equal(child_sa_by_kernel_id(e, &in), c);
			assert_ptr_equal(child_sa_by_kernel_id(e, &out), c);
			in.spi = ~c->spi_in;
			assert_null(child_sa_by_kernel_id(e, &in));
		}
}

/* x's only CHILD SA pairs with y's: each outbound SA is the other's
 * inbound one with the same keys, and the kernels hold nothing else. */
static void assert_one_pair(struct ike_router *x, struct ike_router *y)
{
	assert_found_by_kernel_id(x);
	assert_found_by_kernel_id(y);
	struct child_sa *cx = the_child(x), *cy = the_child(y);
	assert_int_equal(cx->spi_out, cy->spi_in);
	assert_int_equal(cx->spi_in, cy->spi_out);
	struct kernel_sa_id id = out_id(x, y, cx->spi_out);
	const struct kernel_sa *o = kernel_sim_sa_find(x->kernel, &id);
	const struct kernel_sa *i = kernel_sim_sa_find(y->kernel, &id);
	assert_non_null(o);
	assert_non_null(i);
	assert_int_equal(o->encr_key_len, i->encr_key_len);
	assert_memory_equal(o->encr_key, i->encr_key, o->encr_key_len);
	assert_memory_equal(o->integ_key, i->integ_key, o->integ_key_len);
	assert_int_equal(kernel_sim_sa_count(x->kernel), 2);
	assert_int_equal(kernel_sim_sa_count(y->kernel), 2);
	assert_int_equal(kernel_sim_policy_count(x->kernel), 3);
}

static void up(struct ike_pair *p, struct ike_router *who)
{
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(who->engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	assert_one_pair(&p->a, &p->b);
}

static void assert_gone(struct ike_router *x, struct ike_router *y, uint32_t spi)
{
	struct kernel_sa_id id = out_id(x, y, spi);
	assert_null(kernel_sim_sa_find(x->kernel, &id));
	assert_null(kernel_sim_sa_find(y->kernel, &id));
	assert_null(child_sa_by_kernel_id(&x->engine->core, &id));
	assert_null(child_sa_by_kernel_id(&y->engine->core, &id));
}

/* Traffic counted on the new outbound SA shows on its `show ipsec sa` row. */
static void assert_traffic(struct ike_router *x, struct ike_router *y)
{
	struct child_sa *c = the_child(x);
	struct kernel_sa_id id = out_id(x, y, c->spi_out);
	assert_int_equal(kernel_sim_account(x->kernel, &id, 1500, 3), 0);
	struct ike_sa_row *rows;
	size_t n;
	bool seen = false;
	assert_int_equal(ike_sa_rows(x->engine, &rows, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (rows[i].kind == IKE_SA_ROW_SEND && rows[i].spi == c->spi_out) {
			assert_int_equal(rows[i].bytes, 1500);
			assert_int_equal(rows[i].packets, 3);
			seen = true;
		}
	free(rows);
	assert_true(seen);
}

/* ---- CHILD SA rekey ----------------------------------------------------------- */

static void child_rekey_by(struct ike_pair *p, struct ike_router *r)
{
	up(p, &p->a);
	struct ike_router *o = r == &p->a ? &p->b : &p->a;
	uint32_t old_out = the_child(r)->spi_out, old_in = the_child(r)->spi_in;
	unsigned ike_num = the_ike(r)->number;
	assert_int_equal(rekey_sa_number(r->engine, the_child(r)->num_send), 0);
	ike_pair_run(p, 1000);
	/* Both pairs exist while the old one lives out its 30 s. */
	assert_int_equal(n_child(&p->a), 2);
	assert_int_equal(n_child(&p->b), 2);
	struct ike_sa_row *rows;
	size_t n;
	assert_int_equal(ike_sa_rows(r->engine, &rows, &n), 0);
	assert_int_equal(n, 5);
	/* the old pair shows the 30 s it has left, the new one its full life */
	for (size_t i = 0; i < n; i++)
		if (rows[i].kind == IKE_SA_ROW_SEND)
			assert_int_equal(rows[i].life_remaining, rows[i].spi == old_out
					 ? 30 : 28800 - rows[i].duration);
	free(rows);
	assert_int_equal(ike_router_log_count(r, "CHLD exchange started"), 1);
	ike_pair_run(p, 31000);
	assert_one_pair(&p->a, &p->b);
	assert_gone(r, o, old_out);
	assert_gone(o, r, old_in);
	assert_int_not_equal(the_child(r)->spi_out, old_out);
	assert_int_equal(the_ike(r)->number, ike_num);
	assert_traffic(r, o);
	assert_traffic(o, r);
}

static void test_child_rekey_by_a(void **state)
{
	child_rekey_by(*state, &((struct ike_pair *)*state)->a);
}

static void test_child_rekey_by_b(void **state)
{
	child_rekey_by(*state, &((struct ike_pair *)*state)->b);
}

/* RFC 7296 2.8.1: both start at once; the pair with the lowest nonce goes. */
static void test_child_rekey_simultaneous(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	uint32_t old = the_child(&p->a)->spi_out;
	assert_int_equal(rekey_sa_number(p->a.engine, the_child(&p->a)->num_send), 0);
	assert_int_equal(rekey_sa_number(p->b.engine, the_child(&p->b)->num_send), 0);
	ike_pair_run(p, 1000);
	size_t inhibited = ike_router_log_count(&p->a, "inhibited rekey (newer SA exists)") +
			   ike_router_log_count(&p->b, "inhibited rekey (newer SA exists)");
	assert_int_equal(inhibited, 1);
	ike_pair_run(p, 31000);
	assert_one_pair(&p->a, &p->b);
	assert_gone(&p->a, &p->b, old);
	assert_traffic(&p->a, &p->b);
}

/* Rekey timers set to fire together on both sides. */
static void test_child_rekey_timers_together(void **state)
{
	struct ike_pair *p = *state;
	p->a.config->gateways[0]->child_life.seconds = 300;
	p->b.config->gateways[0]->child_life.seconds = 300;
	p->a.config->gateways[0]->ike_life.seconds = 3000;
	p->b.config->gateways[0]->ike_life.seconds = 3000;
	up(p, &p->a);
	/* re-arm both CHILD SAs' timers, each drawing a jitter of 0 from the
	 * RNG seam (4 zero bytes), so both fire at exactly 75 % */
	p->a.rng_zeros = p->b.rng_zeros = 4;
	rekey_child_installed(the_child(&p->a));
	rekey_child_installed(the_child(&p->b));
	assert_int_equal(p->a.rng_zeros + p->b.rng_zeros, 0);
	uint32_t old = the_child(&p->a)->spi_out;
	ike_pair_run(p, 224000);
	assert_int_equal(the_child(&p->a)->spi_out, old);
	ike_pair_run(p, 2000);
	assert_int_equal(ike_router_log_count(&p->a, "CHLD exchange started"), 2);
	ike_pair_run(p, 31000);
	assert_one_pair(&p->a, &p->b);
	assert_gone(&p->a, &p->b, old);
}

/* With jitter only one side's timer starts the rekey. */
static void test_child_rekey_timer(void **state)
{
	struct ike_pair *p = *state;
	p->a.config->gateways[0]->child_life.seconds = 300;
	p->b.config->gateways[0]->child_life.seconds = 300;
	up(p, &p->b);
	uint32_t old = the_child(&p->a)->spi_out;
	ike_pair_run(p, 240000);
	assert_int_equal(n_child(&p->a), 2);
	ike_pair_run(p, 31000);
	assert_one_pair(&p->a, &p->b);
	assert_gone(&p->a, &p->b, old);
	/* the exchange ran once: started on one side, answered on the other */
	assert_int_equal(ike_router_log_count(&p->a, "CHLD exchange started") +
			 ike_router_log_count(&p->b, "CHLD exchange started"), 2);
	/* the new pair has its own full life again */
	assert_int_equal(the_child(&p->a)->rk_phase, RK_WAIT);
}

static void test_child_rekey_pfs(void **state)
{
	struct ike_pair *p = *state;
	p->a.config->gateways[0]->pfs = true;
	up(p, &p->a);
	assert_null(the_child(&p->b)->prop.dh);
	assert_int_equal(rekey_sa_number(p->a.engine, the_child(&p->a)->num_send), 0);
	ike_pair_run(p, 32000);
	assert_one_pair(&p->a, &p->b);
	/* B follows the KE A sent, with the first `ipsec ike group` */
	assert_non_null(the_child(&p->b)->prop.dh);
	assert_int_equal(the_child(&p->b)->prop.dh->id, p->a.config->gateways[0]->group[0]);
	assert_int_equal(the_child(&p->a)->prop.dh->id, p->a.config->gateways[0]->group[0]);
}

/* ---- IKE SA rekey ----------------------------------------------------------------- */

static void assert_ike_pair(struct ike_router *x, struct ike_router *y)
{
	struct ike_sa *sx = the_ike(x), *sy = the_ike(y);
	assert_int_equal(sx->spi_i, sy->spi_i);
	assert_int_equal(sx->spi_r, sy->spi_r);
	assert_int_equal(sx->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(sy->state, IKE_STATE_ESTABLISHED);
	assert_memory_equal(sx->keys.sk_d, sy->keys.sk_d, sx->keys.d_len);
	assert_ptr_equal(the_child(x)->ike, sx);
	assert_ptr_equal(the_child(y)->ike, sy);
	/* made by IKE_AUTH or a rekey, it holds no setup state but the
	 * lower nonce, the same on both sides */
	assert_int_equal(ike_router_setup_kept(x), 0);
	assert_int_equal(ike_router_setup_kept(y), 0);
	assert_int_equal(sx->nonce_min_len, sy->nonce_min_len);
	assert_memory_equal(sx->nonce_min, sy->nonce_min, sx->nonce_min_len);
}

static void ike_rekey_by(struct ike_pair *p, struct ike_router *r, bool both)
{
	up(p, &p->a);
	struct ike_router *o = r == &p->a ? &p->b : &p->a;
	uint64_t old_spi = the_ike(r)->spi_i;
	unsigned old_num = the_ike(r)->number;
	uint32_t child_spi = the_child(r)->spi_out;
	assert_int_equal(rekey_sa_number(r->engine, old_num), 0);
	if (both)
		assert_int_equal(rekey_sa_number(o->engine, the_ike(o)->number), 0);
	ike_pair_run(p, 60000);
	assert_ike_pair(&p->a, &p->b);
	assert_int_not_equal(the_ike(r)->spi_i, old_spi);
	assert_int_not_equal(the_ike(r)->number, old_num);
	/* the CHILD SAs stayed, bound to the new IKE SA */
	assert_int_equal(the_child(r)->spi_out, child_spi);
	assert_one_pair(&p->a, &p->b);
	assert_true(ike_router_log_count(&p->a, "(changed)") >= 2);
	assert_true(ike_router_log_count(&p->b, "(changed)") >= 2);
	/* new SAs keep working: a CHILD rekey on the new IKE SA */
	assert_int_equal(rekey_sa_number(o->engine, the_child(o)->num_send), 0);
	ike_pair_run(p, 32000);
	assert_one_pair(&p->a, &p->b);
	assert_traffic(&p->a, &p->b);
}

static void test_ike_rekey_by_a(void **state)
{
	ike_rekey_by(*state, &((struct ike_pair *)*state)->a, false);
}

static void test_ike_rekey_by_b(void **state)
{
	ike_rekey_by(*state, &((struct ike_pair *)*state)->b, false);
}

/* The engines go (rtxsh exits) while A's IKE SA rekey is unanswered: the
 * new IKE SA it made may go before the old one, which lets it go again
 * (ASan and valgrind judge). */
static void test_freed_with_ike_rekey_pending(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	assert_int_equal(rekey_sa_number(p->a.engine, the_ike(&p->a)->number), 0);
	assert_int_equal(p->a.engine->core.n_sas, 2);
}

static void test_ike_rekey_simultaneous(void **state)
{
	struct ike_pair *p = *state;
	ike_rekey_by(p, &p->a, true);
	assert_int_equal(ike_router_log_count(&p->a, "inhibited rekey (newer SA exists)") +
			 ike_router_log_count(&p->b, "inhibited rekey (newer SA exists)"), 1);
}

/* tunnel disable while an IKE rekey is under way: deleting the old SA
 * frees the half-made new one, which the walk must not touch again. */
static void test_disable_during_ike_rekey(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	assert_int_equal(rekey_sa_number(p->a.engine, the_ike(&p->a)->number), 0);
	ike_pair_run(p, 1);
	ike_tunnel_enable(p->a.engine, 1, false);
	ike_pair_run(p, 60000);
	for (struct ike_sa *sa = p->a.engine->core.sas; sa; sa = sa->next)
		assert_true(sa->state >= IKE_STATE_DELETING);
}

/* RFC 7296 2.25: an IKE SA rekey from A meets a CHILD SA rekey from B;
 * each side refuses the other's with TEMPORARY_FAILURE and tries again
 * later, and both rekeys happen in the end. */
static void test_ike_and_child_rekey_collide(void **state)
{
	struct ike_pair *p = *state;
	p->a.config->retry_interval = p->b.config->retry_interval = 1;
	up(p, &p->a);
	unsigned old_ike = the_ike(&p->a)->number;
	uint32_t old_child = the_child(&p->a)->spi_out;
	assert_int_equal(rekey_sa_number(p->a.engine, old_ike), 0);
	assert_int_equal(rekey_sa_number(p->b.engine, the_child(&p->b)->num_send), 0);
	ike_pair_run(p, 500);
	assert_int_equal(ike_router_log_count(&p->a, "received TEMPORARY_FAILURE") +
			 ike_router_log_count(&p->b, "received TEMPORARY_FAILURE"), 2);
	ike_pair_run(p, 60000);
	assert_ike_pair(&p->a, &p->b);
	assert_int_not_equal(the_ike(&p->a)->number, old_ike);
	assert_one_pair(&p->a, &p->b);
	assert_gone(&p->a, &p->b, old_child);
}

/* ---- faults ------------------------------------------------------------------------- */

static void test_rekey_under_loss(void **state)
{
	struct ike_pair *p = *state;
	p->a.config->retry_interval = p->b.config->retry_interval = 1;
	up(p, &p->a);
	struct memnet_faults f = { .drop_pct = 30 };
	memnet_set_faults(p->net, &f);
	uint32_t old = the_child(&p->a)->spi_out;
	unsigned old_ike = the_ike(&p->a)->number;
	assert_int_equal(rekey_sa_number(p->a.engine, the_child(&p->a)->num_send), 0);
	ike_pair_run(p, 20000);
	assert_int_equal(rekey_sa_number(p->b.engine, the_ike(&p->b)->number), 0);
	ike_pair_run(p, 20000);
	f.drop_pct = 0;
	memnet_set_faults(p->net, &f);
	ike_pair_run(p, 60000);
	assert_ike_pair(&p->a, &p->b);
	assert_int_not_equal(the_ike(&p->a)->number, old_ike);
	assert_one_pair(&p->a, &p->b);
	assert_gone(&p->a, &p->b, old);
}

/* ---- Yamaha rules ------------------------------------------------------------------------ */

/* Reference 1.22, type 1: after `ipsec ike retry` count IKE SA rekeys by
 * CREATE_CHILD_SA the next is a fresh IKE_SA_INIT. */
static void test_type1_fresh_after_retry_count(void **state)
{
	struct ike_pair *p = *state;
	p->a.config->retry_count = p->b.config->retry_count = 2;
	p->a.config->retry_interval = p->b.config->retry_interval = 1;
	up(p, &p->a);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(rekey_sa_number(p->a.engine, the_ike(&p->a)->number), 0);
		ike_pair_run(p, 5000);
		assert_int_equal(the_ike(&p->a)->rekeys, (unsigned)i + 1);
	}
	assert_int_equal(p->a.init_sent, 1);
	assert_int_equal(rekey_sa_number(p->a.engine, the_ike(&p->a)->number), 0);
	ike_pair_run(p, 2000);
	assert_int_equal(p->a.init_sent, 2);
	/* make before break: the old IKE SA and its CHILD SA live out the
	 * CHILD SA's 30 s grace, then go */
	ike_pair_run(p, 10000);
	assert_int_equal(n_ike(&p->a), 2);
	ike_pair_run(p, 30000);
	assert_ike_pair(&p->a, &p->b);
	assert_int_equal(the_ike(&p->a)->rekeys, 0);
	assert_one_pair(&p->a, &p->b);
	/* type 2 never starts over */
	p->a.config->gateways[0]->child_exchange_type = 2;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rekey_sa_number(p->a.engine, the_ike(&p->a)->number), 0);
		ike_pair_run(p, 5000);
	}
	assert_int_equal(p->a.init_sent, 2);
	assert_int_equal(the_ike(&p->a)->rekeys, 3);
}

/* Reference 1.29: `rekey off` for isakmp-sa waits for a CHILD SA rekey;
 * the IKE SA lives at least as long as its CHILD SA. */
static void test_ike_rekey_off(void **state)
{
	struct ike_pair *p = *state;
	struct ike_router *rs[] = { &p->a, &p->b };
	for (int i = 0; i < 2; i++) {
		struct gateway_config *g = rs[i]->config->gateways[0];
		g->ike_life = (struct sa_duration){ .seconds = 400, .rekey_pct = 0 };
		g->child_life.seconds = 300;
		rs[i]->config->retry_count = 2;
		rs[i]->config->retry_interval = 1;
	}
	up(p, &p->a);
	unsigned ike_a = the_ike(&p->a)->number;
	ike_pair_run(p, 350000);
	/* past 75 % of 400 s and a CHILD rekey later: same IKE SA, due now */
	assert_int_equal(the_ike(&p->a)->number, ike_a);
	assert_true(the_ike(&p->a)->rekey_due || the_ike(&p->b)->rekey_due);
	assert_true(the_ike(&p->a)->life_secs > 400);
	ike_pair_run(p, 130000);
	/* the second CHILD rekey (about 450 s) renewed the IKE SA first */
	assert_int_not_equal(the_ike(&p->a)->number, ike_a);
	assert_ike_pair(&p->a, &p->b);
	ike_pair_run(p, 40000);
	assert_one_pair(&p->a, &p->b);
}

/* ---- kernel events ------------------------------------------------------------------------- */

static void test_kernel_soft_expire(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	uint32_t old = the_child(&p->a)->spi_out;
	/* B's kernel clock runs on, so the SAs of the rekey are younger there */
	kernel_sim_tick(p->b.kernel, 10000);
	kernel_sim_tick(p->a.kernel, 21600);    /* 75 % of 28800 */
	ike_pair_run(p, 1000);
	assert_int_equal(n_child(&p->a), 2);
	assert_int_equal(ike_router_log_count(&p->a, "CHLD exchange started"), 1);
	/* B's copy of the old SA reaches its soft limit too (both directions
	 * report it): nothing to do */
	kernel_sim_tick(p->b.kernel, 21600);
	ike_pair_run(p, 1000);
	assert_int_equal(ike_router_log_count(&p->b, "inhibited rekey (newer SA exists)"), 2);
	assert_int_equal(ike_router_log_count(&p->b, "CHLD exchange started"), 1);
	ike_pair_run(p, 31000);
	assert_one_pair(&p->a, &p->b);
	assert_gone(&p->a, &p->b, old);
}

static void test_kernel_hard_expire_bytes(void **state)
{
	struct ike_pair *p = *state;
	p->a.config->gateways[0]->child_life.kbytes = 100;
	up(p, &p->a);
	struct child_sa *c = the_child(&p->a);
	struct kernel_sa_id id = out_id(&p->a, &p->b, c->spi_out);
	assert_int_equal(kernel_sim_sa_find(p->a.kernel, &id)->life.hard_bytes, 102400);
	/* 75 % of the bytes: soft expire, rekey */
	assert_int_equal(kernel_sim_account(p->a.kernel, &id, 80000, 60), 0);
	ike_pair_run(p, 1000);
	assert_int_equal(n_child(&p->a), 2);
	/* the old one runs into its hard limit before the 30 s are over */
	assert_int_equal(kernel_sim_account(p->a.kernel, &id, 30000, 20), 0);
	ike_pair_run(p, 100);
	assert_null(kernel_sim_sa_find(p->a.kernel, &id));
	ike_pair_run(p, 31000);
	assert_one_pair(&p->a, &p->b);
}

/* A hard expiry without a successor leaves no CHILD SA; traffic to the
 * tunnel (acquire) makes one again: type 2 by CREATE_CHILD_SA, type 1 by
 * a new IKE SA. */
static void acquire_after_hard(struct ike_pair *p, uint8_t type)
{
	p->a.config->gateways[0]->child_exchange_type = type;
	p->b.config->gateways[0]->child_exchange_type = type;
	up(p, &p->a);
	unsigned ike_num = the_ike(&p->a)->number;
	/* a policy of tunnel 1 the engine does not own, as a configured
	 * route-based tunnel keeps, so the kernel can report acquires */
	struct kernel_policy pol = {
		.id = { .dir = KERNEL_DIR_OUT, .if_id = kernel_tunnel_if_id(1),
			.src_len = 24, .dst_len = 24 },
		.reqid = kernel_tunnel_reqid(1),
	};
	ip_addr_parse("10.1.0.0", &pol.id.src_net);
	ip_addr_parse("10.2.0.0", &pol.id.dst_net);
	assert_int_equal(p->a.kernel->ops->add_policy(p->a.kernel, &pol), 0);
	kernel_sim_tick(p->a.kernel, 28800);
	assert_int_equal(n_child(&p->a), 0);
	assert_int_equal(kernel_sim_sa_count(p->a.kernel), 0);
	assert_int_equal(kernel_sim_acquire(p->a.kernel, kernel_tunnel_if_id(1)), 0);
	ike_pair_run(p, 20000);
	assert_int_equal(n_child(&p->a), 1);
	struct child_sa *c = the_child(&p->a);
	struct kernel_sa_id id = out_id(&p->a, &p->b, c->spi_out);
	assert_non_null(kernel_sim_sa_find(p->b.kernel, &id));
	if (type == 2) {
		assert_int_equal(the_ike(&p->a)->number, ike_num);
		assert_int_equal(p->a.init_sent, 1);
	} else {
		assert_int_not_equal(the_ike(&p->a)->number, ike_num);
		assert_int_equal(p->a.init_sent, 2);
	}
}

static void test_acquire_type2(void **state)
{
	acquire_after_hard(*state, 2);
}

static void test_acquire_type1(void **state)
{
	acquire_after_hard(*state, 1);
}

/* With no IKE SA at all an acquire starts one (auto refresh off). */
static void test_acquire_no_sa(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_pair_start(p), 0);
	struct kernel_policy pol = {
		.id = { .dir = KERNEL_DIR_OUT, .if_id = kernel_tunnel_if_id(1),
			.src_len = 24, .dst_len = 24 },
	};
	ip_addr_parse("10.1.0.0", &pol.id.src_net);
	ip_addr_parse("10.2.0.0", &pol.id.dst_net);
	assert_int_equal(p->a.kernel->ops->add_policy(p->a.kernel, &pol), 0);
	assert_int_equal(kernel_sim_acquire(p->a.kernel, kernel_tunnel_if_id(1)), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	/* unknown interfaces are ignored */
	assert_int_equal(p->a.init_sent, 1);
}

/* A rekey request naming a CHILD SA the responder no longer has. */
static void test_rekey_child_not_found(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	struct child_sa *cb = the_child(&p->b);
	/* B loses its CHILD SA without telling A */
	child_sa_delete(cb);
	assert_int_equal(rekey_sa_number(p->a.engine, the_child(&p->a)->num_send), 0);
	ike_pair_run(p, 1000);
	assert_int_equal(ike_router_log_count(&p->b, "not found CHILD SA, ignored"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "received CHILD_SA_NOT_FOUND"), 1);
	assert_int_equal(n_child(&p->a), 0);
	assert_int_equal(n_ike(&p->a), 1);
}

/* ---- zero-loss rekeys ------------------------------------------------------ */

/* Traffic from x into tunnel 1 leaves on the SA x's kernel picks (the
 * newest outbound one, as Linux does); it is lost unless y has that SA as
 * an inbound one. */
static bool flows(const struct ike_router *x, const struct ike_router *y)
{
	uint32_t spi;
	if (kernel_sim_out_spi(x->kernel, kernel_tunnel_if_id(1), &spi))
		return false;
	struct kernel_sa_id id = out_id(x, y, spi);
	const struct kernel_sa *in = kernel_sim_sa_find(y->kernel, &id);
	return in && in->inbound;
}

struct watch {
	struct ike_pair *p;
	unsigned lost;           /* moments one direction would drop packets */
};

static void watch_check(struct watch *w)
{
	w->lost += !flows(&w->p->a, &w->p->b) + !flows(&w->p->b, &w->p->a);
}

/* Every datagram sent is a moment right after an SA was installed. */
static void watch_tap(void *arg, const struct endpoint *src, const struct endpoint *dst,
		      const uint8_t *dgram, size_t len)
{
	(void)src, (void)dst, (void)dgram, (void)len;
	watch_check(arg);
}

/* Runs ms in 1 ms steps, checking both directions after each. */
static void run_watched(struct watch *w, uint64_t ms)
{
	for (uint64_t i = 0; i < ms; i++) {
		ike_pair_run(w->p, 1);
		watch_check(w);
	}
}

/* r rekeys the CHILD SA over a network with 20 ms of delay; the old SA
 * goes by the 30 s grace, or at once after the rekey by a Delete from the
 * rekey's initiator as strongSwan sends it (delete_now). At no moment does either
 * side send on an SA its peer lacks. */
static void zero_loss_rekey_by(struct ike_pair *p, struct ike_router *r, bool delete_now)
{
	struct watch w = { p, 0 };
	up(p, &p->a);
	memnet_set_faults(p->net, &(struct memnet_faults){ .delay_ms = 20 });
	memnet_set_tap(p->net, watch_tap, &w);
	watch_check(&w);
	assert_int_equal(w.lost, 0);
	struct child_sa *old = the_child(r);
	uint32_t old_out = old->spi_out;
	assert_int_equal(rekey_sa_number(r->engine, old->num_send), 0);
	run_watched(&w, 200);
	assert_int_equal(n_child(r), 2);
	if (delete_now)
		exchange_info_retire_child(old->ike, old);
	run_watched(&w, delete_now ? 1000 : 31000);
	memnet_set_tap(p->net, NULL, NULL);
	assert_int_equal(w.lost, 0);
	assert_one_pair(&p->a, &p->b);
	assert_gone(r, r == &p->a ? &p->b : &p->a, old_out);
}

static void test_zero_loss_rekey_by_a(void **state)
{
	zero_loss_rekey_by(*state, &((struct ike_pair *)*state)->a, false);
}

static void test_zero_loss_rekey_by_b(void **state)
{
	zero_loss_rekey_by(*state, &((struct ike_pair *)*state)->b, false);
}

static void test_zero_loss_rekey_delete_at_once(void **state)
{
	zero_loss_rekey_by(*state, &((struct ike_pair *)*state)->a, true);
}

/* Both rekey at once (RFC 7296 2.8.1): whichever pair survives, neither
 * side ever sends on an SA its peer lacks. */
static void test_zero_loss_rekey_simultaneous(void **state)
{
	struct ike_pair *p = *state;
	struct watch w = { p, 0 };
	up(p, &p->a);
	memnet_set_faults(p->net, &(struct memnet_faults){ .delay_ms = 20 });
	memnet_set_tap(p->net, watch_tap, &w);
	assert_int_equal(rekey_sa_number(p->a.engine, the_child(&p->a)->num_send), 0);
	assert_int_equal(rekey_sa_number(p->b.engine, the_child(&p->b)->num_send), 0);
	run_watched(&w, 32000);
	memnet_set_tap(p->net, NULL, NULL);
	assert_int_equal(w.lost, 0);
	assert_one_pair(&p->a, &p->b);
}

/* Type 1: every retry-count'th rekey is a fresh IKE SA with its own
 * CHILD SA from IKE_AUTH; that replacement loses no packet either. */
static void test_zero_loss_type1_fresh(void **state)
{
	struct ike_pair *p = *state;
	struct watch w = { p, 0 };
	p->a.config->retry_count = p->b.config->retry_count = 1;
	up(p, &p->a);
	/* the first IKE SA rekey is a CREATE_CHILD_SA, the next one fresh */
	assert_int_equal(rekey_sa_number(p->a.engine, the_ike(&p->a)->number), 0);
	ike_pair_run(p, 5000);
	assert_int_equal(the_ike(&p->a)->rekeys, 1);
	memnet_set_faults(p->net, &(struct memnet_faults){ .delay_ms = 20 });
	memnet_set_tap(p->net, watch_tap, &w);
	size_t init = ike_router_log_count(&p->a, "/INIT exchange started");
	assert_int_equal(rekey_sa_number(p->a.engine, the_ike(&p->a)->number), 0);
	run_watched(&w, 45000);
	memnet_set_tap(p->net, NULL, NULL);   /* (the pair's own tap counts no more) */
	assert_int_equal(ike_router_log_count(&p->a, "/INIT exchange started"), init + 1);
	assert_int_equal(w.lost, 0);
	assert_one_pair(&p->a, &p->b);
	assert_int_equal(n_ike(&p->a), 1);
	assert_int_equal(n_ike(&p->b), 1);
}

/* Type 1, both sides' IKE rekey timers at once: each makes a fresh IKE
 * SA. Each side's CHILD SA of one is replaced by the other's, and the IKE
 * SA so emptied goes after the grace too, on both sides; it used to stay
 * up, idle, until its lifetime ended (found by doc/scenarios/rekey-night). */
static void test_type1_fresh_from_both(void **state)
{
	struct ike_pair *p = *state;
	p->a.config->retry_count = p->b.config->retry_count = 0;
	up(p, &p->a);
	memnet_set_faults(p->net, &(struct memnet_faults){ .delay_ms = 20 });
	assert_int_equal(rekey_sa_number(p->a.engine, the_ike(&p->a)->number), 0);
	assert_int_equal(rekey_sa_number(p->b.engine, the_ike(&p->b)->number), 0);
	ike_pair_run(p, 2000);
	assert_int_equal(p->a.init_sent, 2);
	assert_int_equal(p->b.init_sent, 1);
	ike_pair_run(p, 120000);
	assert_int_equal(n_ike(&p->a), 1);
	assert_int_equal(n_ike(&p->b), 1);
	assert_one_pair(&p->a, &p->b);
	assert_ike_pair(&p->a, &p->b);
}

/* The responder of a rekey holds its new outbound SA back until the old
 * SA goes: before that, traffic still leaves on the old one. */
static void test_responder_holds_out(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	uint32_t old_b_out = the_child(&p->b)->spi_out, spi;
	uint32_t old_a_out = the_child(&p->a)->spi_out;
	assert_int_equal(rekey_sa_number(p->a.engine, the_child(&p->a)->num_send), 0);
	ike_pair_run(p, 1000);
	assert_int_equal(kernel_sim_out_spi(p->b.kernel, kernel_tunnel_if_id(1), &spi), 0);
	assert_int_equal(spi, old_b_out);
	/* A moved to the new SA at once */
	assert_int_equal(kernel_sim_out_spi(p->a.kernel, kernel_tunnel_if_id(1), &spi), 0);
	assert_int_not_equal(spi, old_a_out);
	ike_pair_run(p, 31000);
	assert_int_equal(kernel_sim_out_spi(p->b.kernel, kernel_tunnel_if_id(1), &spi), 0);
	assert_int_equal(spi, the_child(&p->b)->spi_out);
	assert_int_not_equal(spi, old_b_out);
}

/* The peer's first packet on the new SA shows it has it: the responder's
 * held outbound SA goes in then, long before the old SA's grace ends. */
static void test_held_out_released_by_traffic(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	uint32_t old_b_out = the_child(&p->b)->spi_out, spi, new_a_out;
	assert_int_equal(rekey_sa_number(p->a.engine, the_child(&p->a)->num_send), 0);
	ike_pair_run(p, 1000);
	assert_int_equal(kernel_sim_out_spi(p->a.kernel, kernel_tunnel_if_id(1), &new_a_out), 0);
	assert_int_equal(kernel_sim_out_spi(p->b.kernel, kernel_tunnel_if_id(1), &spi), 0);
	assert_int_equal(spi, old_b_out);
	/* A's traffic arrives on its new SA, B's inbound one */
	struct kernel_sa_id id = out_id(&p->a, &p->b, new_a_out);
	assert_int_equal(kernel_sim_account(p->b.kernel, &id, 100, 1), 0);
	ike_pair_run(p, 300);
	assert_int_equal(kernel_sim_out_spi(p->b.kernel, kernel_tunnel_if_id(1), &spi), 0);
	assert_int_not_equal(spi, old_b_out);
	assert_int_equal(n_child(&p->b), 2);    /* the old pair still lives out its grace */
}

/* ---- a CHILD SA the kernel refuses ------------------------------------------- */

/* A's kernel refuses the tunnel's route once (as Linux did with a host
 * route to the same LAN in main): A says why, tells B to delete its half,
 * the tunnel shows down with the reason, and with auto refresh the CHILD
 * SA comes up on the next try; no IKE SA is left without CHILD SA. */
static void install_fails(struct ike_pair *p, bool auto_refresh)
{
	p->a.config->auto_refresh = auto_refresh;
	p->a.config->gateways[0]->auto_refresh = true;
	assert_int_equal(ike_pair_start(p), 0);
	kernel_sim_fail(p->a.kernel, KERNEL_SIM_OP_ADD_ROUTE, -RTX_EEXIST, 1);
	(void)ike_initiate(p->a.engine, 1);   /* unless auto refresh did already */
	ike_pair_run(p, 300);
	assert_int_equal(n_ike(&p->a), 1);
	assert_int_equal(n_child(&p->a), 0);
	assert_int_equal(n_child(&p->b), 0);          /* the Delete reached B */
	assert_int_equal(kernel_sim_sa_count(p->b.kernel), 0);
	assert_int_equal(ike_router_log_count(&p->a, "tunnel 1: the CHILD SA could not be "
					      "installed: adding the route"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "the peer is told to delete it"), 1);
	const char *why = ike_tunnel_down_why(p->a.engine, 1);
	assert_non_null(why);
	assert_non_null(strstr(why, "adding the route 10."));
	ike_pair_run(p, 10000);
	if (!auto_refresh) {
		assert_int_equal(ike_router_log_count(&p->a, "not retried"), 1);
		assert_int_equal(n_child(&p->a), 0);
		return;
	}
	assert_int_equal(ike_router_log_count(&p->a, "trying again in"), 1);
	assert_one_pair(&p->a, &p->b);
	assert_int_equal(n_ike(&p->a), 1);
	assert_null(ike_tunnel_down_why(p->a.engine, 1));
}

static void test_install_fails_retried(void **state)
{
	install_fails(*state, true);
}

static void test_install_fails_not_retried(void **state)
{
	install_fails(*state, false);
}

/* The responder's kernel refuses: it answers with an error, so the
 * initiator installs nothing; B keeps no half either. */
static void test_install_fails_responder(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_pair_start(p), 0);
	kernel_sim_fail(p->b.kernel, KERNEL_SIM_OP_ADD_POLICY, -RTX_EKERNEL, 1);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 300);
	assert_int_equal(n_child(&p->a), 0);
	assert_int_equal(n_child(&p->b), 0);
	assert_int_equal(kernel_sim_sa_count(p->a.kernel), 0);
	assert_int_equal(ike_router_log_count(&p->b, "installed: adding tunnel 1's IPsec "
					      "policies failed"), 1);
	assert_int_equal(ike_router_log_count(&p->b, "the peer is told"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_child_rekey_by_a, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_child_rekey_by_b, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_child_rekey_simultaneous, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_child_rekey_timers_together, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_child_rekey_timer, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_child_rekey_pfs, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_ike_rekey_by_a, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_ike_rekey_by_b, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_freed_with_ike_rekey_pending, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_disable_during_ike_rekey, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_ike_rekey_simultaneous, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_ike_and_child_rekey_collide, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_rekey_under_loss, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_type1_fresh_after_retry_count, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_ike_rekey_off, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_kernel_soft_expire, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_kernel_hard_expire_bytes, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_acquire_type2, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_acquire_type1, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_acquire_no_sa, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_rekey_child_not_found, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_zero_loss_rekey_by_a, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_zero_loss_rekey_by_b, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_zero_loss_rekey_delete_at_once, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_responder_holds_out, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_held_out_released_by_traffic, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_zero_loss_type1_fresh, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_type1_fresh_from_both, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_zero_loss_rekey_simultaneous, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_install_fails_retried, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_install_fails_not_retried, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_install_fails_responder, setup, ike_pair_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
