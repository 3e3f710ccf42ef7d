/* Lifetimes and rekey policy; see rekey.h. The exchanges are in
 * exchange_child.c, the hard life of an IKE SA in ike_sa.c (sa->expire). */
#include "engine/rekey.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "engine/child_sa.h"
#include "engine/config.h"
#include "base/err.h"
#include "engine/exchange_child.h"
#include "engine/exchange_info.h"
#include "engine/ike_engine.h"
#include "engine/ike_sa.h"
#include "base/log.h"

#define DEFAULT_REKEY_PCT 75
/* strongSwan-style spread: up to this share of the time to the rekey
 * point, so two peers with equal lifetimes rarely start together. */
#define JITTER_DIV 20
#define JITTER_MAX_MS 60000
/* A rekey that found our window busy tries again this soon. */
#define BUSY_RETRY_MS 1000

/* ---- helpers --------------------------------------------------------------- */

static uint64_t now_ms(const struct ike_core *e)
{
	return ike_core_now_ms(e);
}

static uint64_t jitter(struct ike_core *e, uint64_t span_ms)
{
	uint32_t r = 0;
	uint64_t max = span_ms / JITTER_DIV;
	if (!max)
		return 0;
	if (max > JITTER_MAX_MS)
		max = JITTER_MAX_MS;
	if (ike_core_random(e, (uint8_t *)&r, sizeof(r)))
		return 0;
	return r % (max + 1);
}

static uint64_t later_ms(struct ike_core *e)
{
	uint64_t iv = config_retry_ms(e->d.config);
	return iv + jitter(e, iv * JITTER_DIV / 4);
}

static unsigned pct_of(const struct sa_duration *d)
{
	return d->rekey_pct ? d->rekey_pct : DEFAULT_REKEY_PCT;
}

static struct ike_sa *ike_by_number(struct ike_core *e, unsigned n)
{
	struct ike_sa *sa = ike_core_number_sa(e, n, SA_KIND_IKE);
	return sa && sa->state != IKE_STATE_CLOSED ? sa : NULL;
}

/* Installed CHILD SAs only: those an IKE SA lists. */
static struct child_sa *child_by_number(struct ike_core *e, unsigned n)
{
	struct child_sa *c = ike_core_number_sa(e, n, SA_KIND_CHILD);
	return c && child_sa_up(c) ? c : NULL;
}

static void child_log(struct child_sa *c, enum log_id id)
{
	char sub[32];
	snprintf(sub, sizeof(sub), "SA:%u/CHLD_SEND", c->num_send);
	log_ike(c->ike->e->d.log, sub, id);
}

static uint64_t child_deadline(const struct child_sa *c)
{
	return c->established_ms + (uint64_t)c->life_secs * 1000;
}

static void child_arm(struct child_sa *c, enum rekey_phase ph, uint64_t ms)
{
	c->rk_phase = (uint8_t)ph;
	loop_timer_arm(c->ike->e->d.loop, &c->rekey, ms);
}

static void ike_arm(struct ike_sa *sa, enum rekey_phase ph, uint64_t ms)
{
	sa->rk_phase = (uint8_t)ph;
	loop_timer_arm(sa->e->d.loop, &sa->rekey, ms);
}

/* REKEYING: a replacement is under way or was made. A failed rekey goes
 * back to ESTABLISHED, unless another rekey replaced the SA meanwhile.
 * Only SAs that are up move; for any other there is nothing to mark. */
static void ike_rekeying(struct ike_sa *sa, bool on)
{
	if (on ? !ike_sa_up(sa) : sa->state != IKE_STATE_REKEYING || sa->succ)
		return;
	int err = ike_sa_set_state(sa, on ? IKE_STATE_REKEYING : IKE_STATE_ESTABLISHED);
	assert(!err);
	(void)err;
}

static void child_rekeying(struct child_sa *c, bool on)
{
	if (on ? !child_sa_up(c) : c->state != CHILD_STATE_REKEYING || c->succ)
		return;
	int err = child_sa_set_state(c, on ? CHILD_STATE_REKEYING : CHILD_STATE_ESTABLISHED);
	assert(!err);
	(void)err;
}

/* ---- CHILD SAs ----------------------------------------------------------------- */

static bool wants_auto(const struct ike_core *e, const struct gateway_config *g)
{
	return e->d.config->auto_refresh && g->auto_refresh;
}

/* No CHILD SA is left for the tunnel under sa after one went without a
 * successor: negotiate again where the router keeps tunnels up. */
static void child_lost(struct ike_sa *sa, unsigned tunnel)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	if (!g || !wants_auto(sa->e, g) || sa->state == IKE_STATE_CLOSED)
		return;
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->tunnel == tunnel)
			return;
	rekey_child_wanted(sa, tunnel);
}

static void child_retry(struct child_sa *c, uint64_t ms)
{
	uint64_t now = now_ms(c->ike->e), end = child_deadline(c);
	if (now >= end)
		ms = 0;
	else if (now + ms > end)
		ms = end - now;
	child_arm(c, now + ms >= end ? RK_HARD : RK_RETRY, ms);
}

static void child_rekey_now(struct child_sa *c)
{
	struct ike_sa *sa = c->ike;
	struct ike_core *e = sa->e;
	if (child_by_number(e, c->succ)) {
		child_log(c, LOG_INHIBITED_REKEY);
		return;
	}
	if (sa->rekey_due) {
		/* `rekey off`: the IKE SA is renewed now that a CHILD SA needs it;
		 * this rekey follows on the new one. */
		int err = rekey_ike_start(sa);
		child_retry(c, err ? BUSY_RETRY_MS : config_retry_span_ms(e->d.config));
		return;
	}
	int err = rekey_child_start(c);
	child_retry(c, err == -RTX_EEXIST ? BUSY_RETRY_MS
		       : err ? later_ms(e) : config_retry_span_ms(e->d.config));
}

/* ---- key pairs made ahead --------------------------------------------------------- */

/* A rekey whose request carries a KE (PFS, an IKE SA rekey) first has our
 * key pair made on a worker (exchange_child_key_ahead), in RK_KEYING and
 * with no timer armed; it starts when the key is back, unless something
 * moved the SA on meanwhile (the peer's rekey, its going), which leaves
 * another phase. Until then nothing about the SA has changed: the peer's
 * own rekey of it is answered as if our timer had not fired yet. */

/* The IKE SA rekey is a fresh IKE_SA_INIT (reference 1.22), no
 * CREATE_CHILD_SA. */
static bool ike_rekey_fresh(const struct ike_sa *sa, const struct gateway_config *g)
{
	return g->child_exchange_type != 2 && sa->rekeys >= sa->e->d.config->retry_count;
}

static void child_key_back(struct ike_sa *sa, unsigned n)
{
	struct child_sa *c = child_by_number(sa->e, n);
	if (c && c->rk_phase == RK_KEYING)
		child_rekey_now(c);
	else
		exchange_child_key_drop(sa);
}

static void child_rekey_soon(struct child_sa *c)
{
	struct ike_sa *sa = c->ike;
	const struct gateway_config *g = ike_sa_gateway(sa);
	enum child_xchg_kind kind = sa->rekey_due ? CX_REKEY_IKE : CX_REKEY_CHILD;
	if (g && !child_by_number(sa->e, c->succ) && !(sa->rekey_due && ike_rekey_fresh(sa, g)) &&
	    exchange_child_key_ahead(sa, kind, child_key_back, c->num_send)) {
		loop_timer_disarm(sa->e->d.loop, &c->rekey);
		c->rk_phase = RK_KEYING;
		return;
	}
	child_rekey_now(c);
}

static void child_going(struct child_sa *c);

/* The replaced SA goes: with a Delete to the peer from the side whose
 * timer is first; the other side's Delete then names an SA we no longer
 * have, which is harmless. Traffic moves to the successor first (its
 * outbound SA, when we held it back), then the Delete goes out, and the
 * old SA leaves the kernel when the peer answered. */
static void child_retire_now(struct child_sa *c)
{
	c->rk_phase = RK_IDLE;
	child_going(c);
	exchange_info_retire_child(c->ike, c);
}

static void child_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	struct child_sa *c = arg;
	struct ike_sa *sa = c->ike;
	unsigned tunnel = c->tunnel;
	switch (c->rk_phase) {
	case RK_WAIT:
	case RK_RETRY:
		child_rekey_soon(c);
		break;
	case RK_HARD:
		child_sa_delete(c);
		child_lost(sa, tunnel);
		break;
	case RK_RETIRED:
		child_retire_now(c);
		break;
	default:
		break;
	}
}

/* Reference 1.29: the IKE SA must not expire before its CHILD SA. */
static void align_ike_life(struct ike_sa *sa, uint64_t child_end)
{
	if (!ike_sa_up(sa))
		return;
	uint64_t ike_end = sa->established_ms + (uint64_t)sa->life_secs * 1000;
	uint64_t now = now_ms(sa->e);
	if (ike_end >= child_end || child_end <= now)
		return;
	sa->life_secs = (uint32_t)((child_end - sa->established_ms + 999) / 1000);
	loop_timer_arm(sa->e->d.loop, &sa->expire, child_end - now);
}

static void child_retire(struct child_sa *old);
static void ike_arm(struct ike_sa *sa, enum rekey_phase ph, uint64_t ms);
static uint64_t child_grace_ms(const struct ike_sa *sa);

/* Type 1: the fresh IKE SA nsa is up with c, which replaces the old IKE
 * SA's CHILD SAs of c's tunnel like a CREATE_CHILD_SA rekey does (make
 * before break: they live out their grace, the peer keeps sending on them
 * until it saw ours on c); the old IKE SA goes after them, the peer told. */
static void fresh_replaces(struct ike_sa *old, struct ike_sa *nsa, struct child_sa *c)
{
	struct ike_core *e = nsa->e;
	old->succ = nsa->number;
	for (struct child_sa *oc = old->children, *next; oc; oc = next) {
		next = oc->next;
		if (oc->tunnel == c->tunnel && !child_by_number(e, oc->succ))
			rekey_child_done(oc, c);
	}
	if (!old->children) {
		exchange_info_delete_ike(old);
		return;
	}
	ike_rekeying(old, true);
	ike_arm(old, RK_RETIRED, child_grace_ms(old) + config_retry_span_ms(e->d.config));
}

struct child_sa *rekey_child_replaced(struct ike_sa *nsa, unsigned tunnel)
{
	for (struct ike_sa *o = ike_sa_of_identity(nsa->e, nsa->gateway, nsa->remote_id, NULL); o;
	     o = ike_sa_of_identity(nsa->e, nsa->gateway, nsa->remote_id, o)) {
		if (o == nsa || !ike_sa_up(o) || o->succ)
			continue;
		for (struct child_sa *oc = o->children; oc; oc = oc->next)
			if (oc->tunnel == tunnel && child_sa_up(oc) &&
			    !child_by_number(nsa->e, oc->succ))
				return oc;
	}
	return NULL;
}

static bool ike_nonce_lower(const struct ike_sa *a, const struct ike_sa *b);

/* The fresh IKE SA nsa came up with c, and oc, a CHILD SA of the same
 * tunnel and peer under another IKE SA, is still current. If that IKE SA
 * was up before nsa was started, nsa replaces it. If it came up while nsa
 * was negotiating, both sides' rekey timers fired together and each made
 * a fresh IKE SA: as for a simultaneous rekey (RFC 7296 2.8.1), the one
 * with the lowest nonce is redundant, a verdict both sides reach whatever
 * order their SAs came up in. Before, the IKE SA whose CHILD SA the peer's
 * took stayed up without any until its lifetime ended, or two pairs of
 * SAs stayed up side by side (doc/scenarios/rekey-night.scn). */
static void fresh_settle(struct ike_sa *nsa, struct child_sa *c, struct child_sa *oc)
{
	struct ike_sa *o = oc->ike;
	if (o->established_ms < nsa->created_ms || !ike_nonce_lower(nsa, o))
		fresh_replaces(o, nsa, c);
	else
		fresh_replaces(nsa, o, oc);
}

void rekey_fresh_answered(struct child_sa *old, struct child_sa *n)
{
	if (old->ike != n->ike && !old->ike->succ)
		fresh_settle(n->ike, n, old);
	else
		rekey_child_done(old, n);
}

void rekey_child_installed(struct child_sa *c)
{
	struct ike_sa *sa = c->ike;
	struct ike_core *e = sa->e;
	const struct gateway_config *g = ike_sa_gateway(sa);
	c->life_secs = g ? g->child_life.seconds : 28800;
	uint64_t life = (uint64_t)c->life_secs * 1000;
	uint64_t at = g ? life * pct_of(&g->child_life) / 100 : life * DEFAULT_REKEY_PCT / 100;
	child_arm(c, RK_WAIT, at - jitter(e, at));
	align_ike_life(sa, c->established_ms + life);
	/* Type 1: the fresh IKE SA that replaces an old one is up with its
	 * CHILD SA, so the old one and its CHILD SAs go, the peer told. */
	bool fresh = sa->pred != 0;
	struct ike_sa *old = ike_by_number(e, sa->pred);
	sa->pred = 0;
	struct child_sa *oc;
	if (old && !old->succ)
		fresh_replaces(old, sa, c);
	else if (fresh && (oc = rekey_child_replaced(sa, c->tunnel)))
		fresh_settle(sa, c, oc);   /* the peer's fresh IKE SA took old's place */
}

int rekey_child_start(struct child_sa *c)
{
	int err = exchange_child_start(c->ike, CX_REKEY_CHILD, c, 0);
	if (!err)
		child_rekeying(c, true);
	return err;
}

void rekey_child_later(struct child_sa *c)
{
	child_rekeying(c, false);
	child_retry(c, later_ms(c->ike->e));
}

static uint64_t child_grace_ms(const struct ike_sa *sa)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	return (uint64_t)(g && g->child_life.forced_reduction
			  ? g->child_life.forced_reduction : REKEY_CHILD_GRACE_SECS) * 1000;
}

/* The replaced CHILD SA's remaining life is cut to the grace (reference
 * 1.29: 30 s, or `forced-reduction`) so packets in flight still land. */
static void child_retire(struct child_sa *old)
{
	uint64_t grace = child_grace_ms(old->ike);
	uint64_t now = now_ms(old->ike->e), end = child_deadline(old);
	uint64_t left = end > now ? end - now : 0;
	if (left > grace) {
		left = grace;
		old->life_secs = (uint32_t)((now + grace - old->established_ms + 999) / 1000);
	}
	child_rekeying(old, true);
	child_arm(old, RK_RETIRED, left);
}

/* RFC 7296 2.8.1: of two SAs made by rekeying old at the same time, the
 * one whose exchange had the lowest nonce is redundant, and the peer that
 * started that exchange deletes it. Both peers see both exchanges and
 * reach the same verdict; the other one only shortens its life, in case
 * the Delete is lost. */
void rekey_child_done(struct child_sa *old, struct child_sa *n)
{
	if (!old)
		return;
	struct child_sa *prev = child_by_number(n->ike->e, old->succ);
	if (prev && prev != n) {
		bool n_loses = sa_nonce_lower(n->nonce_min, n->nonce_min_len, prev->nonce_min,
					   prev->nonce_min_len);
		struct child_sa *redundant = n_loses ? n : prev;
		if (!n_loses)
			old->succ = n->num_send;
		if (redundant->made_by_us) {
			child_log(old, LOG_INHIBITED_REKEY);
			exchange_info_delete_child(redundant->ike, redundant);
		} else {
			child_retire(redundant);
		}
		return;
	}
	old->succ = n->num_send;
	child_retire(old);
}

int rekey_child_wanted(struct ike_sa *sa, unsigned tunnel)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	int err = 0;
	if (!g)
		return -RTX_ENOENT;
	if (g->child_exchange_type == 2)
		return exchange_child_start(sa, CX_NEW, NULL, tunnel);
	struct ike_sa *nsa = ike_initiate_fresh(sa->e, sa->gateway, &err);
	if (nsa)
		nsa->pred = sa->number;
	return err;
}

/* ---- IKE SAs --------------------------------------------------------------------- */

/* A fresh IKE SA started to replace sa that is still negotiating (it is
 * one of sa's gateway: every IKE SA rekey asks, so no walk of them all). */
static bool fresh_pending(struct ike_sa *sa)
{
	if (!sa->gateway)
		return false;     /* fresh SAs are made for a gateway */
	for (const struct ike_sa *o = ike_sa_of_gateway(sa->e, sa->gateway, NULL); o;
	     o = ike_sa_of_gateway(sa->e, sa->gateway, (struct ike_sa *)o))
		if (o->state != IKE_STATE_CLOSED && o->pred == sa->number)
			return true;
	return false;
}

static void ike_rekey_now(struct ike_sa *sa)
{
	if (ike_by_number(sa->e, sa->succ)) {
		ike_sa_log(sa, LOG_INHIBITED_REKEY);
		return;
	}
	int err = fresh_pending(sa) ? -RTX_EEXIST : rekey_ike_start(sa);
	ike_arm(sa, RK_RETRY, err == -RTX_EEXIST ? BUSY_RETRY_MS
			      : err ? later_ms(sa->e) : config_retry_span_ms(sa->e->d.config));
}

/* The SA is replaced: it keeps answering retransmissions of the rekey for
 * as long as the peer might send them, then goes. */
static void ike_retire(struct ike_sa *old)
{
	ike_rekeying(old, true);
	ike_arm(old, RK_RETIRED, config_retry_span_ms(old->e->d.config));
}

static void ike_key_back(struct ike_sa *sa, unsigned n)
{
	(void)n;
	if (sa->rk_phase == RK_KEYING)
		ike_rekey_now(sa);
	else
		exchange_child_key_drop(sa);
}

static void ike_rekey_soon(struct ike_sa *sa)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	if (g && !ike_by_number(sa->e, sa->succ) && !ike_rekey_fresh(sa, g) &&
	    exchange_child_key_ahead(sa, CX_REKEY_IKE, ike_key_back, sa->number)) {
		loop_timer_disarm(sa->e->d.loop, &sa->rekey);
		sa->rk_phase = RK_KEYING;
		return;
	}
	ike_rekey_now(sa);
}

static void ike_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	struct ike_sa *sa = arg;
	const struct gateway_config *g = ike_sa_gateway(sa);
	switch (sa->rk_phase) {
	case RK_WAIT:
		if (g && !g->ike_life.rekey_pct) {
			sa->rekey_due = true;   /* `rekey off` */
			sa->rk_phase = RK_IDLE;
			break;
		}
		ike_rekey_soon(sa);
		break;
	case RK_RETRY:
		ike_rekey_soon(sa);
		break;
	case RK_RETIRED:
		exchange_info_delete_ike(sa);
		break;
	default:
		break;
	}
}

static void ike_established(struct ike_sa *sa)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	const struct sa_duration *d = g ? &g->ike_life : NULL;
	sa->life_secs = d ? d->seconds : 28800;
	uint64_t life = (uint64_t)sa->life_secs * 1000;
	loop_timer_arm(sa->e->d.loop, &sa->expire, life);
	/* With `rekey off` the timer only marks the rekey as due. */
	uint64_t at = life * (d ? pct_of(d) : DEFAULT_REKEY_PCT) / 100;
	ike_arm(sa, RK_WAIT, at - jitter(sa->e, at));
}

/* Reference 1.22: with child-exchange type 1, after `ipsec ike retry`
 * count rekeys by CREATE_CHILD_SA the next one is a new IKE_SA_INIT. */
int rekey_ike_start(struct ike_sa *sa)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	int err = 0;
	if (!g)
		return -RTX_ENOENT;
	if (ike_rekey_fresh(sa, g)) {
		if (fresh_pending(sa))
			return -RTX_EEXIST;
		struct ike_sa *nsa = ike_initiate_fresh(sa->e, sa->gateway, &err);
		if (nsa)
			nsa->pred = sa->number;
		return err;
	}
	if (!(err = exchange_child_start(sa, CX_REKEY_IKE, NULL, 0)))
		ike_rekeying(sa, true);
	return err;
}

void rekey_ike_later(struct ike_sa *sa)
{
	ike_rekeying(sa, false);
	ike_arm(sa, RK_RETRY, later_ms(sa->e));
}

static void move_children(struct ike_sa *from, struct ike_sa *to)
{
	while (from->children)
		child_sa_rebind(from->children, to);
}

static bool ike_nonce_lower(const struct ike_sa *a, const struct ike_sa *b)
{
	uint8_t ma[32], mb[32], la, lb;
	ike_sa_nonce_min(a, ma, &la);
	ike_sa_nonce_min(b, mb, &lb);
	return sa_nonce_lower(ma, la, mb, lb);
}

/* The redundant SA of a simultaneous rekey: deleted with a Delete by the
 * peer that started its exchange (the new SA's original initiator), left
 * to a grace period by the other. */
static void ike_redundant(struct ike_sa *old, struct ike_sa *r)
{
	if (r->initiator) {
		ike_sa_log(old, LOG_INHIBITED_REKEY);
		exchange_info_delete_ike(r);
	} else {
		r->succ = old->succ;
		ike_retire(r);
	}
}

void rekey_ike_done(struct ike_sa *old, struct ike_sa *nsa)
{
	struct ike_sa *prev = ike_by_number(old->e, old->succ);
	old->rekey_due = false;
	if (prev && prev != nsa) {
		/* Simultaneous IKE SA rekey (RFC 7296 2.8.1). */
		if (ike_nonce_lower(nsa, prev)) {
			ike_redundant(old, nsa);
			return;
		}
		move_children(prev, nsa);
		old->succ = nsa->number;
		ike_redundant(old, prev);
		return;
	}
	move_children(old, nsa);
	old->succ = nsa->number;
	/* RFC 7296 2.8: the peer that started the rekey deletes the old SA;
	 * the other keeps it a while for retransmissions of the rekey. */
	if (nsa->initiator)
		exchange_info_delete_ike(old);
	else
		ike_retire(old);
}

/* ---- lifecycle ------------------------------------------------------------------- */

/* The rekey timer of an SA is made with it and stopped for good when it
 * goes; it first runs when the SA is established. */
static void stop(struct loop *l, struct loop_timer *t, uint8_t *phase)
{
	loop_timer_disarm(l, t);
	*phase = RK_IDLE;
}

static void on_ike(struct ike_sa *sa, enum sa_event ev)
{
	if (ev == SA_EV_CREATED)
		loop_timer_init(&sa->rekey, ike_fired, sa);
	else if (ev == SA_EV_ESTABLISHED)
		ike_established(sa);
	else if (ev == SA_EV_DELETING)
		stop(sa->e->d.loop, &sa->rekey, &sa->rk_phase);
}

/* A replaced CHILD SA goes (the peer's Delete, the end of its grace, its
 * hard life): its successor's outbound SA, held back by the responder of
 * the rekey, goes in first, so traffic moves over before the old SA
 * leaves. By then the peer has long installed the new inbound SA: its
 * Delete follows its own install, our grace timer runs for 30 s. */
static void child_going(struct child_sa *c)
{
	struct child_sa *s = child_by_number(c->ike->e, c->succ);
	if (s && s != c)
		child_sa_release_out(s);
}

/* The earliest proof that the peer has our new inbound SA is its traffic
 * on it: it sends on the new SA only once it installed both. So while the
 * outbound SA is held back, the inbound SA's packet counter is looked at
 * every HELD_POLL_MS, and the first packet releases it (else the old SA
 * would carry our traffic through its whole grace, and a byte lifetime
 * could run out meanwhile). */
#define HELD_POLL_MS 100

static void held_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	struct child_sa *c = arg;
	struct ike_sa *sa = c->ike;
	struct kernel *k = sa->e->d.kernel;
	struct kernel_sa_id in = { sa->remote.addr, sa->local.addr, c->spi_in, KERNEL_PROTO_ESP };
	struct kernel_sa_stats st;
	if (!c->out_held)
		return;
	if (!k->ops->query_sa(k, &in, &st) && st.packets > 0 && !child_sa_release_out(c))
		return;
	loop_timer_arm(l, t, HELD_POLL_MS);
}

static void on_child(struct child_sa *c, enum sa_event ev)
{
	struct loop *l = c->ike->e->d.loop;
	if (ev == SA_EV_CREATED) {
		loop_timer_init(&c->rekey, child_fired, c);
		loop_timer_init(&c->held, held_fired, c);
	} else if (ev == SA_EV_ESTABLISHED) {
		rekey_child_installed(c);
		if (c->out_held)
			loop_timer_arm(l, &c->held, HELD_POLL_MS);
	} else if (ev == SA_EV_DELETING) {
		child_going(c);
	} else if (ev == SA_EV_GONE) {
		stop(l, &c->rekey, &c->rk_phase);
		loop_timer_disarm(l, &c->held);
	}
}

const struct sa_listener rekey_listener = { .ike = on_ike, .child = on_child };

/* ---- events and operator ------------------------------------------------------------ */

static void on_soft(struct ike_core *e, const struct kernel_event *ev)
{
	struct child_sa *c = child_sa_by_kernel_id(e, &ev->sa);
	if (!c)
		return;
	if (child_by_number(e, c->succ))
		child_log(c, LOG_INHIBITED_REKEY);
	else if (c->rk_phase == RK_WAIT)
		child_rekey_soon(c);
}

static void on_hard(struct ike_core *e, const struct kernel_event *ev)
{
	struct child_sa *c = child_sa_by_kernel_id(e, &ev->sa);
	if (!c)
		return;
	struct ike_sa *sa = c->ike;
	unsigned tunnel = c->tunnel;
	bool replaced = child_by_number(e, c->succ) != NULL;
	child_sa_delete(c);
	if (!replaced)
		child_lost(sa, tunnel);
}

/* Traffic hit a tunnel's policy with no SA: negotiate for its gateway
 * (how the router works with `ipsec auto refresh off`). */
static void on_acquire(struct ike_core *e, const struct kernel_event *ev)
{
	const struct ipsec_config *cfg = e->d.config;
	const struct tunnel_config *t = NULL;
	for (size_t i = 0; i < cfg->n_tunnels && !t; i++)
		if (kernel_tunnel_if_id(cfg->tunnels[i]->num) == ev->if_id)
			t = cfg->tunnels[i];
	const struct gateway_config *g = t ? config_tunnel_gateway(cfg, t) : NULL;
	if (!g || !t->enabled)
		return;
	struct ike_sa *up = NULL;
	for (struct ike_sa *sa = ike_sa_of_gateway(e, g->id, NULL); sa;
	     sa = ike_sa_of_gateway(e, g->id, sa)) {
		if (sa->state >= IKE_STATE_DELETING)
			continue;
		if (!ike_sa_up(sa) || sa->pred || sa->cx)
			return;             /* already negotiating */
		if (!sa->succ)
			up = sa;
	}
	if (!up) {
		ike_initiate(ike_engine_of(e), g->id);
		return;
	}
	for (struct child_sa *c = up->children; c; c = c->next)
		if (c->tunnel == t->num)
			return;
	rekey_child_wanted(up, t->num);
}

void rekey_kernel_event(struct ike_engine *eng, const struct kernel_event *ev)
{
	struct ike_core *e = &eng->core;
	switch (ev->type) {
	case KERNEL_EV_ACQUIRE: on_acquire(e, ev); break;
	case KERNEL_EV_EXPIRE_SOFT: on_soft(e, ev); break;
	case KERNEL_EV_EXPIRE_HARD: on_hard(e, ev); break;
	case KERNEL_EV_UNKNOWN_SPI:   /* ike.c: illegal_spi */
	case KERNEL_EV_ECHO_REPLY:    /* ike.c: liveness */
		break;
	}
}

int rekey_sa_number(struct ike_engine *eng, unsigned n)
{
	struct ike_core *e = &eng->core;
	struct ike_sa *sa = ike_by_number(e, n);
	if (sa)
		return rekey_ike_start(sa);
	struct child_sa *c = child_by_number(e, n);
	return c ? rekey_child_start(c) : -RTX_ENOENT;
}
