/* The engine as ike.h presents it: built from its dependencies, driven by
 * configuration changes, operator commands and kernel events; and what the
 * IKE modules share through ike_engine.h (per-gateway memory, initiation,
 * the answer to a failed attempt). */
#include "engine/ike_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/err.h"
#include "engine/auth_eap.h"
#include "base/log.h"
#include "engine/child_retry.h"
#include "engine/child_sa.h"
#include "engine/config.h"
#include "engine/crypto.h"
#include "engine/diagnosis.h"
#include "engine/exchange.h"
#include "engine/exchange_child.h"
#include "engine/exchange_info.h"
#include "engine/ike_sa.h"
#include "engine/liveness.h"
#include "engine/msg_io.h"
#include "engine/natt.h"
#include "engine/proposal.h"
#include "engine/rekey.h"
#include "engine/tunnel.h"
#include "engine/workers.h"

/* ---- per-gateway state ---------------------------------------------------- */

static void retry_fired(struct loop *l, struct loop_timer *t, void *arg);

/* e->gws stays sorted by gateway id: a 6000-gateway config looks each one
 * up on every change. Returns the index of id, or where it would go. */
static size_t gw_pos(const struct ike_engine *e, unsigned id, bool *found)
{
	size_t lo = 0, hi = e->n_gws;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->gws[mid]->id == id) {
			*found = true;
			return mid;
		}
		if (e->gws[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

struct gw_state *ike_gw_find(struct ike_engine *e, unsigned id)
{
	bool found;
	size_t i = gw_pos(e, id, &found);
	return found ? e->gws[i] : NULL;
}

struct gw_state *ike_gw_state(struct ike_core *c, unsigned id)
{
	struct ike_engine *e = ike_engine_of(c);
	bool found;
	size_t i = gw_pos(e, id, &found);
	if (found)
		return e->gws[i];
	if (!id)
		return NULL;
	struct gw_state *s = calloc(1, sizeof(*s));
	struct gw_state **grown = s ? realloc(e->gws, (e->n_gws + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(s);
		return NULL;
	}
	e->gws = grown;
	*s = (struct gw_state){ .e = e, .id = id };
	loop_timer_init(&s->retry, retry_fired, s);
	loop_timer_init(&s->child_timer, child_retry_fired, s);
	memmove(e->gws + i + 1, e->gws + i, (e->n_gws - i) * sizeof(*e->gws));
	e->gws[i] = s;
	e->n_gws++;
	return s;
}

static int gw_tunnel_cmp(const void *a, const void *b)
{
	const struct gw_tunnel *x = a, *y = b;
	if (x->gw != y->gw)
		return x->gw < y->gw ? -1 : 1;
	return x->tunnel < y->tunnel ? -1 : x->tunnel > y->tunnel;
}

/* Every tunnel's gateway, sorted by gateway then tunnel: the first entry
 * of a gateway is its first tunnel. Out of memory leaves no index (the
 * answers are then worked out each time). */
static void index_tunnels(struct ike_engine *e)
{
	const struct ipsec_config *c = e->core.d.config;
	free(e->gw_tunnels);
	e->n_gw_tunnels = 0;
	if (!(e->gw_tunnels = malloc((c->n_tunnels + 1) * sizeof(*e->gw_tunnels))))
		return;
	for (size_t i = 0; i < c->n_tunnels; i++) {
		const struct gateway_config *g = config_tunnel_gateway(c, c->tunnels[i]);
		if (g)
			e->gw_tunnels[e->n_gw_tunnels++] =
				(struct gw_tunnel){ g->id, c->tunnels[i]->num };
	}
	qsort(e->gw_tunnels, e->n_gw_tunnels, sizeof(*e->gw_tunnels), gw_tunnel_cmp);
}

static int addr_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, a->family == AF_INET6 ? 16 : 4);
}

static int gw_addr_cmp(const void *a, const void *b)
{
	const struct gw_addr *x = a, *y = b;
	int d = addr_cmp(&x->addr, &y->addr);
	return d ? d : (x->pos > y->pos) - (x->pos < y->pos);
}

static bool remote_is(const struct gateway_config *g, const struct ip_addr *a)
{
	struct ip_addr r;
	return g->version == 2 && g->remote_address && !ip_addr_parse(g->remote_address, &r) &&
	       ip_addr_equal(&r, a);
}

/* Every IKEv2 gateway's remote address, sorted by address then position:
 * an IKE_SA_INIT from an address finds its gateway without parsing every
 * gateway's (6,000 parses per handshake at 6,000 tunnels). */
static void index_addrs(struct ike_engine *e)
{
	const struct ipsec_config *c = e->core.d.config;
	free(e->gw_addrs);
	e->n_gw_addrs = 0;
	e->any_cert_gw = false;
	if (!(e->gw_addrs = malloc((c->n_gateways + 1) * sizeof(*e->gw_addrs))))
		return;
	for (size_t i = 0; i < c->n_gateways; i++) {
		const struct gateway_config *g = c->gateways[i];
		struct gw_addr *x = &e->gw_addrs[e->n_gw_addrs];
		if (g->version != 2)
			continue;
		e->any_cert_gw |= config_gateway_auth(g) == AUTH_METHOD_CERTIFICATE;
		if (g->remote_address && !ip_addr_parse(g->remote_address, &x->addr)) {
			x->pos = i;
			e->n_gw_addrs++;
		}
	}
	qsort(e->gw_addrs, e->n_gw_addrs, sizeof(*e->gw_addrs), gw_addr_cmp);
}

const struct gateway_config *ike_gateway_by_addr(struct ike_core *c, const struct ip_addr *a)
{
	struct ike_engine *e = ike_engine_of(c);
	const struct ipsec_config *cfg = c->d.config;
	size_t lo = 0, hi = e->n_gw_addrs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr_cmp(&e->gw_addrs[mid].addr, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < e->n_gw_addrs && ip_addr_equal(&e->gw_addrs[lo].addr, a) &&
	    e->gw_addrs[lo].pos < cfg->n_gateways &&
	    remote_is(cfg->gateways[e->gw_addrs[lo].pos], a))
		return cfg->gateways[e->gw_addrs[lo].pos];
	for (size_t i = 0; i < cfg->n_gateways; i++)
		if (remote_is(cfg->gateways[i], a))
			return cfg->gateways[i];
	return NULL;
}

bool ike_any_cert_gateway(struct ike_core *c)
{
	return ike_engine_of(c)->any_cert_gw;
}

unsigned ike_gateway_tunnel(struct ike_core *c, unsigned gw)
{
	struct ike_engine *e = ike_engine_of(c);
	const struct ipsec_config *cfg = c->d.config;
	size_t lo = 0, hi = e->n_gw_tunnels;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->gw_tunnels[mid].gw < gw)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < e->n_gw_tunnels && e->gw_tunnels[lo].gw == gw) {
		const struct tunnel_config *t = config_tunnel_find(cfg, e->gw_tunnels[lo].tunnel);
		const struct gateway_config *g = t ? config_tunnel_gateway(cfg, t) : NULL;
		if (g && g->id == gw)
			return t->num;
	}
	return config_gateway_tunnel(cfg, gw);
}

static void gw_state_drop(struct ike_engine *e, size_t i)
{
	loop_timer_disarm(e->core.d.loop, &e->gws[i]->retry);
	loop_timer_disarm(e->core.d.loop, &e->gws[i]->child_timer);
	free(e->gws[i]->diag);
	free(e->gws[i]);
	memmove(e->gws + i, e->gws + i + 1, (e->n_gws - i - 1) * sizeof(*e->gws));
	e->n_gws--;
}

static bool gateway_busy(struct ike_engine *e, unsigned gw)
{
	for (struct ike_sa *sa = ike_sa_of_gateway(&e->core, gw, NULL); sa;
	     sa = ike_sa_of_gateway(&e->core, gw, sa))
		if (sa->state < IKE_STATE_DELETING)
			return true;
	return false;
}

/* ---- initiation ------------------------------------------------------------- */

static void not_configured(struct ike_engine *e, unsigned gw, const char *what)
{
	char sub[16];
	snprintf(sub, sizeof(sub), "GW:%u", gw);
	log_ike(e->core.d.log, sub, LOG_NOT_CONFIGURED, what);
}

/* The peer's address: `remote address`, or a remote name that is one. */
static int remote_addr(const struct gateway_config *g, struct ip_addr *a)
{
	if (g->remote_address)
		return strcmp(g->remote_address, "any") ? ip_addr_parse(g->remote_address, a)
							 : -RTX_ENOENT;
	if (g->remote_name && g->remote_name_type != ID_TYPE_KEY_ID)
		return ip_addr_parse(g->remote_name, a);
	return -RTX_ENOENT;
}

/* Everything an initiator needs, checked before an SA number is spent;
 * each gap logged the way the router words it. */
static int check_initiable(struct ike_engine *e, const struct gateway_config *g,
			   struct endpoint *local, struct endpoint *remote)
{
	const struct ipsec_config *c = e->core.d.config;
	unsigned tn = ike_gateway_tunnel(&e->core, g->id);
	const struct tunnel_config *t = tn ? config_tunnel_find(c, tn) : NULL;
	*local = (struct endpoint){ .port = IKE_PORT };
	*remote = (struct endpoint){ .port = IKE_PORT };
	if (g->version != 2 || !c->ipsec_use)
		return -RTX_EINVAL;
	if (remote_addr(g, &remote->addr)) {
		not_configured(e, g->id, "ipsec ike remote address");
		return -RTX_ENOENT;
	}
	/* Without `ipsec ike local address` the router uses the interface
	 * nearest to the peer (reference 1.12). */
	int bad = g->local_address ? ip_addr_parse(g->local_address, &local->addr)
				   : e->core.d.transport->ops->source_for(e->core.d.transport,
									   &remote->addr, &local->addr);
	if (bad || local->addr.family != remote->addr.family) {
		not_configured(e, g->id, "ipsec ike local address");
		return -RTX_ENOENT;
	}
	enum auth_method am = config_gateway_auth(g);
	if (am == AUTH_METHOD_EAP_MD5 && !auth_eap_client(g)) {
		not_configured(e, g->id, "ipsec ike eap myname");
		return -RTX_ENOENT;
	}
	/* RFC 7296 2.16: the server proves itself with a certificate, which
	 * only a CA of ours can vouch for */
	if (am == AUTH_METHOD_EAP_MD5 && !g->pki_cert) {
		not_configured(e, g->id, "ipsec ike pki file");
		return -RTX_ENOENT;
	}
	if (am == AUTH_METHOD_CERTIFICATE && !g->pki_cert) {
		not_configured(e, g->id, "ipsec ike pki file");
		return -RTX_ENOENT;
	}
	if (am == AUTH_METHOD_PSK && !g->psk_len) {
		not_configured(e, g->id, "ipsec ike pre-shared-key");
		return -RTX_ENOENT;
	}
	if (!t || !config_policy_find(c, t->policy)) {
		not_configured(e, g->id, "ipsec sa policy");
		return -RTX_ENOENT;
	}
	return t->enabled ? 0 : -RTX_EINVAL;
}

struct ike_sa *ike_initiate_fresh(struct ike_core *c, unsigned gateway, int *err)
{
	struct ike_engine *e = ike_engine_of(c);
	struct endpoint local, remote;
	const struct gateway_config *g = ike_core_gateway(c, gateway);
	struct gw_state *gs = ike_gw_state(c, gateway);
	if (!g) {
		*err = -RTX_ENOENT;
		return NULL;
	}
	if ((*err = check_initiable(e, g, &local, &remote)))
		return NULL;
	struct ike_sa *sa = ike_sa_new(c, true, g->id, &local, &remote);
	if (!sa) {
		*err = -RTX_ENOMEM;
		return NULL;
	}
	uint16_t group = gs && gs->ke_group ? gs->ke_group : g->group[0];
	if ((*err = exchange_init_begin(sa, group))) {
		ike_sa_delete(sa);
		return NULL;
	}
	return sa;
}

static int start(struct ike_engine *e, const struct gateway_config *g)
{
	int err;
	if (gateway_busy(e, g->id))
		return -RTX_EEXIST;
	struct ike_sa *sa = ike_initiate_fresh(&e->core, g->id, &err);
	if (sa && !addr_count_add(&e->starting_to, &sa->remote.addr)) {
		sa->starting = true;
		e->starting++;
	}
	return err;
}

/* Whether one more initiation may go to g's peer now (see IKE_INIT_BURST). */
static bool may_start(struct ike_engine *e, const struct gateway_config *g)
{
	struct ip_addr a;
	return e->starting < IKE_INIT_BURST &&
	       (remote_addr(g, &a) || addr_count_of(&e->starting_to, &a) < IKE_HALF_OPEN_PER_SOURCE);
}

static bool queue_push(struct ike_engine *e, unsigned id)
{
	if (e->queue_len == e->queue_cap && e->queue_head) {
		e->queue_len -= e->queue_head;
		memmove(e->queue, e->queue + e->queue_head, e->queue_len * sizeof(*e->queue));
		e->queue_head = 0;
	}
	if (e->queue_len == e->queue_cap) {
		size_t cap = e->queue_cap ? 2 * e->queue_cap : 64;
		unsigned *q = realloc(e->queue, cap * sizeof(*q));
		if (!q)
			return false;
		e->queue = q;
		e->queue_cap = cap;
	}
	e->queue[e->queue_len++] = id;
	return true;
}

static void queue_clear(struct ike_engine *e)
{
	for (size_t i = e->queue_head; i < e->queue_len; i++) {
		struct gw_state *gs = ike_gw_find(e, e->queue[i]);
		if (gs)
			gs->queued = false;
	}
	e->queue_head = e->queue_len = 0;
}

/* The router's own initiations (a config applied, `ipsec refresh sa`, an
 * always-on retry, a lost SA negotiated again) go now while the window
 * allows and none wait before them, else in turn (start_settled). */
static void start_or_queue(struct ike_engine *e, const struct gateway_config *g)
{
	struct gw_state *gs = ike_gw_state(&e->core, g->id);
	if (gs && gs->queued)
		return;
	if (!gs || (e->queue_head == e->queue_len && may_start(e, g)) || !queue_push(e, g->id)) {
		start(e, g);
		return;
	}
	gs->queued = true;
}

/* Reference 1.4: the global `ipsec auto refresh` decides whether the
 * router ever starts a key exchange by itself; the gateway's form can
 * only suppress it for that gateway. Responding is always allowed, and so
 * is negotiating for traffic that hit a standing tunnel (the acquire of
 * a router with auto refresh off). */
static bool wants_auto(const struct ipsec_config *c, const struct gateway_config *g)
{
	struct ip_addr a;
	return c->ipsec_use && c->auto_refresh && g->auto_refresh && g->version == 2 &&
	       !remote_addr(g, &a);
}

/* Whether g should start now if the window allows: it wants to, it is
 * not paused after a failure, and no SA of its own is under way. */
static bool start_wanted(struct ike_engine *e, const struct gateway_config *g,
			 const struct gw_state *gs)
{
	return wants_auto(e->core.d.config, g) && !(gs && gs->paused) && !gateway_busy(e, g->id);
}

bool ike_auto_refresh(const struct ike_core *c, const struct gateway_config *g)
{
	return wants_auto(c->d.config, g);
}

static void retry_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	struct gw_state *gs = arg;
	const struct gateway_config *g = ike_core_gateway(&gs->e->core, gs->id);
	if (g && !gs->paused && wants_auto(gs->e->core.d.config, g))
		start_or_queue(gs->e, g);
}

/* When a gateway negotiates again after a loss or a failure: one retry
 * interval, plus up to a tenth of it at random, so tunnels that went
 * down together (a peer's reboot, an outage) do not come back in one
 * burst and retransmit in step. */
static uint64_t again_ms(struct ike_core *c)
{
	uint64_t iv = config_retry_ms(c->d.config);
	uint32_t r;
	if (ike_core_random(c, (uint8_t *)&r, sizeof(r)))
		return iv;
	return iv + r % (iv / WINDOW_JITTER_DIV + 1);
}

/* An established IKE SA went without a successor (`ipsec sa delete`, the
 * peer's Delete, dead peer detection, its hard life): with auto refresh
 * the gateway negotiates again a retry interval later, as the RTX does;
 * without it the router only answers. */
static void ike_lost(struct ike_sa *sa)
{
	struct ike_core *c = sa->e;
	const struct gateway_config *g = ike_sa_gateway(sa);
	if (!(sa->flags & IKE_SAF_AUTHED) || sa->succ || !g || !wants_auto(c->d.config, g))
		return;
	struct gw_state *gs = ike_gw_state(c, sa->gateway);
	if (!gs || loop_timer_armed(&gs->retry))
		return;
	loop_timer_arm(c->d.loop, &gs->retry, again_ms(c));
}

/* Yamaha 1.6: after a failure the router pauses unless always-on (or
 * keepalive) asks it to go on; even then no sooner than one retry
 * interval, so a peer that refuses us never sees a tight loop. */
void ike_attempt_failed(struct ike_sa *sa)
{
	struct ike_core *c = sa->e;
	unsigned gw = sa->gateway;
	bool initiator = sa->initiator;
	ike_sa_delete(sa);
	const struct gateway_config *g = ike_core_gateway(c, gw);
	struct gw_state *gs = initiator && g ? ike_gw_state(c, gw) : NULL;
	if (!gs)
		return;
	if ((g->always_on || g->keepalive.sw == TRI_ON) && wants_auto(c->d.config, g)) {
		loop_timer_arm(c->d.loop, &gs->retry, again_ms(c));
	} else {
		gs->paused = true;
	}
}

/* Many tunnels starting at once would send all their IKE_SA_INITs in one
 * instant, and with them every retransmission round, flooding a peer
 * that serves many of them; so at most IKE_INIT_BURST are under way, in
 * config order, each of the rest going when one of those settles. Small
 * configs start as before (doc/initiation.md). */
static void initiate_all(struct ike_engine *e)
{
	const struct ipsec_config *c = e->core.d.config;
	queue_clear(e);
	for (size_t i = 0; i < c->n_gateways; i++)
		if (start_wanted(e, c->gateways[i], ike_gw_find(e, c->gateways[i]->id)))
			start_or_queue(e, c->gateways[i]);
}

/* One of ours came up, went, or had to retransmit (a peer that is slow
 * or silent holds its place no longer than one retry interval): the
 * next in the queue may go. So a mass start runs at the speed of the
 * answers and never has more than the window in flight. */
static void start_settled(struct ike_sa *sa)
{
	struct ike_engine *e = ike_engine_of(sa->e);
	if (!sa->starting)
		return;
	sa->starting = false;
	e->starting--;
	addr_count_remove(&e->starting_to, &sa->remote.addr);
	if (e->core.closing)
		return;
	/* in order: the next waits for its peer, the others for it */
	while (e->queue_head < e->queue_len) {
		unsigned id = e->queue[e->queue_head];
		struct gw_state *gs = ike_gw_find(e, id);
		const struct gateway_config *g = gs ? ike_core_gateway(&e->core, id) : NULL;
		bool wanted = g && gs->queued && start_wanted(e, g, gs);
		if (wanted && !may_start(e, g))
			break;
		e->queue_head++;
		if (gs)
			gs->queued = false;
		if (wanted)
			start(e, g);
	}
	if (e->queue_head == e->queue_len)
		e->queue_head = e->queue_len = 0;
}

/* ---- what the engine does for every IKE SA ---------------------------------- */

/* The expire timer: a half-open SA that never authenticates (armed by
 * exchange_init.c), then the hard life of an established one. */
static void sa_expired(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	struct ike_sa *sa = arg;
	if (ike_sa_up(sa))
		ike_sa_delete(sa);
	else
		ike_attempt_failed(sa);
}

static void on_ike(struct ike_sa *sa, enum sa_event ev)
{
	if (ev == SA_EV_CREATED)
		loop_timer_init(&sa->expire, sa_expired, sa);
	else if (ev == SA_EV_ESTABLISHED)
		start_settled(sa);
	else if (ev == SA_EV_DELETING) {
		loop_timer_disarm(sa->e->d.loop, &sa->expire);
		start_settled(sa);
		ike_lost(sa);
	}
}

static const struct sa_listener engine_listener = { .ike = on_ike };

/* Who follows SA lifecycles, in the order they are told: exchange_child.c
 * drops a pending CREATE_CHILD_SA (and what it made) before the CHILD SAs
 * of a closing IKE SA go (child_sa_listener comes last). */
static const struct sa_listener *const listeners[] = {
	&engine_listener,
	&liveness_listener,
	&natt_listener,
	&exchange_info_listener,
	&rekey_listener,
	&child_retry_listener,
	&diagnosis_listener,
	&exchange_child_listener,
	&child_sa_listener,
};

static int sa_resend(void *arg, const uint8_t *buf, size_t len)
{
	int err = msg_io_send_raw(arg, buf, len);
	start_settled(arg);
	return err;
}

/* The window gave up on our request: a liveness probe means a dead peer,
 * anything else a failed attempt. */
static void sa_timed_out(void *arg, uint32_t msgid)
{
	struct ike_sa *sa = arg;
	if (sa->state == IKE_STATE_DELETING) {
		ike_sa_delete(sa);       /* our Delete was never answered */
		return;
	}
	if (liveness_timed_out(arg, msgid))
		return;
	/* Never up: the peer did not answer at all, or stopped mid-way. */
	if (sa->state < IKE_STATE_ESTABLISHED)
		diag_no_response(sa, sa->state == IKE_STATE_INIT ? IKEV2_EXCH_IKE_SA_INIT
								  : IKEV2_EXCH_IKE_AUTH,
				 sa->win.tries + 1);
	ike_attempt_failed(arg);
}

static int sa_random(void *arg, uint8_t *buf, size_t len)
{
	return ike_core_random(((struct ike_sa *)arg)->e, buf, len);
}

static int sa_sha256(void *arg, const uint8_t *buf, size_t len, uint8_t out[32])
{
	return crypto_sha256(((struct ike_sa *)arg)->e->d.crypto, buf, len, out);
}

static const struct window_ops sa_window_ops = { sa_resend, sa_timed_out, sa_random,
						 sa_sha256 };

/* ---- ike.h ------------------------------------------------------------------ */

static void on_kernel_event(void *arg, const struct kernel_event *ev)
{
	struct ike_engine *e = arg;
	if (ev->type == KERNEL_EV_ECHO_REPLY) {
		liveness_echo_reply(&e->core, ev);
		return;
	}
	if (ev->type != KERNEL_EV_UNKNOWN_SPI) {
		rekey_kernel_event(e, ev);
		return;
	}
	/* The router closes the watch with the switch; a packet read before
	 * that still obeys the switch. */
	if (e->core.d.config->log_illegal_spi)
		illegal_spi_report(&e->illegal_spi, e->core.d.log, loop_clock(e->core.d.loop), ev);
}

struct ike_engine *ike_engine_new(const struct ike_deps *deps, int *err)
{
	struct ike_engine *e = NULL;
	*err = -RTX_EINVAL;
	if (!deps || !deps->log || !deps->loop || !deps->kernel || !deps->transport ||
	    !deps->config)
		return NULL;
	*err = -RTX_ENOMEM;
	if (!(e = calloc(1, sizeof(*e))))
		return NULL;
	ike_core_init(&e->core, deps, listeners, sizeof(listeners) / sizeof(listeners[0]),
		      &sa_window_ops);
	e->cookie_threshold = IKE_COOKIE_THRESHOLD;
	e->half_open_per_source = IKE_HALF_OPEN_PER_SOURCE;
	e->half_open_max = IKE_HALF_OPEN_MAX;
	if (deps->threads && (*err = workers_new(deps->loop, deps->threads, &e->core.workers))) {
		ike_core_free(&e->core);
		free(e);
		return NULL;
	}
	index_tunnels(e);
	index_addrs(e);
	transport_set_recv(deps->transport, msg_io_recv, &e->core);
	kernel_set_event_handler(deps->kernel, on_kernel_event, e);
	*err = 0;
	return e;
}

void ike_half_open_status(struct ike_engine *e, struct ike_half_open_status *out)
{
	*out = (struct ike_half_open_status){
		.half_open = e->core.half_open, .sources = (unsigned)e->core.half_open_src.n,
		.cookie_threshold = e->cookie_threshold, .per_source = e->half_open_per_source,
		.max = e->half_open_max, .cookies_sent = e->cookies_sent,
		.dropped_per_source = e->dropped_per_source, .dropped_max = e->dropped_max,
	};
}

void ike_set_half_open_limits(struct ike_engine *e, unsigned cookie_threshold,
			      unsigned per_source, unsigned max)
{
	e->cookie_threshold = cookie_threshold;
	e->half_open_per_source = per_source;
	e->half_open_max = max;
}

static void delete_all(struct ike_engine *e)
{
	while (e->core.sas)
		ike_sa_delete(e->core.sas);
}

void ike_engine_free(struct ike_engine *e)
{
	if (!e)
		return;
	/* first: a dropped job lets its SA go, and the SAs go next */
	workers_free(e->core.workers);
	e->core.workers = NULL;
	e->core.closing = true;   /* nothing starts while the SAs go */
	delete_all(e);
	while (e->n_gws)
		gw_state_drop(e, e->n_gws - 1);
	transport_set_recv(e->core.d.transport, NULL, NULL);
	kernel_set_event_handler(e->core.d.kernel, NULL, NULL);
	free(e->gws);
	free(e->gw_tunnels);
	free(e->gw_addrs);
	free(e->queue);
	addr_count_free(&e->starting_to);
	exchange_auth_forget(e);
	ike_core_free(&e->core);
	explicit_bzero(e->cookie_secret, sizeof(e->cookie_secret));
	free(e);
}

void ike_config_changed(struct ike_engine *e)
{
	const struct ipsec_config *c = e->core.d.config;
	struct ike_sa *sa, *next;
	e->config_gen++;
	index_tunnels(e);
	index_addrs(e);
	queue_clear(e);   /* initiate_all fills it again; SAs going start nothing */
	for (sa = e->core.sas; sa; sa = next) {
		next = sa->next;
		const struct gateway_config *g = ike_sa_gateway(sa);
		if (sa->gateway && (!g || g->version != 2 || !c->ipsec_use))
			ike_sa_delete(sa);
		else
			liveness_config_changed(sa);
	}
	/* Yamaha 1.18: a group learned from INVALID_KE lasts until the
	 * configuration changes; so does a pause after failure. */
	for (size_t i = 0; i < e->n_gws;) {
		if (!ike_core_gateway(&e->core, e->gws[i]->id)) {
			gw_state_drop(e, i);
			continue;
		}
		e->gws[i]->ke_group = 0;
		e->gws[i]->paused = false;
		i++;
	}
	initiate_all(e);
}

int ike_initiate(struct ike_engine *e, unsigned gateway)
{
	const struct gateway_config *g = ike_core_gateway(&e->core, gateway);
	if (!g)
		return -RTX_ENOENT;
	return start(e, g);
}

static struct ike_sa *find_number(struct ike_engine *e, unsigned n, struct child_sa **child)
{
	*child = NULL;
	for (struct ike_sa *sa = e->core.sas; sa; sa = sa->next) {
		if (sa->number == n)
			return sa;
		for (struct child_sa *c = sa->children; c; c = c->next)
			if (c->num_send == n || c->num_recv == n) {
				*child = c;
				return sa;
			}
	}
	return NULL;
}

int ike_delete_sa(struct ike_engine *e, unsigned sa_number)
{
	struct child_sa *c;
	struct ike_sa *sa = find_number(e, sa_number, &c);
	if (!sa)
		return -RTX_ENOENT;
	if (c)
		exchange_info_delete_child(sa, c);
	else
		exchange_info_delete_ike(sa);
	return 0;
}

/* From the head each time: deleting one SA may free others (the IKE SA
 * its pending rekey made); one that waits DELETING is done. */
void ike_delete_all(struct ike_engine *e)
{
	for (;;) {
		struct ike_sa *sa = e->core.sas;
		while (sa && sa->state >= IKE_STATE_DELETING)
			sa = sa->next;
		if (!sa)
			return;
		exchange_info_delete_ike(sa);
	}
}

void ike_refresh(struct ike_engine *e)
{
	queue_clear(e);   /* or each SA going would start a queued gateway */
	delete_all(e);
	while (e->n_gws)
		gw_state_drop(e, e->n_gws - 1);
	initiate_all(e);
}

void ike_tunnel_enable(struct ike_engine *e, unsigned tunnel, bool enable)
{
	const struct ipsec_config *c = e->core.d.config;
	const struct tunnel_config *t = config_tunnel_find(c, tunnel);
	const struct gateway_config *g = t ? config_tunnel_gateway(c, t) : NULL;
	if (!g)
		return;
	if (!enable) {
		/* From the head each time, as ike_delete_all: a delete may free
		 * the SA after this one (the one its pending rekey made). */
		for (;;) {
			struct ike_sa *sa = e->core.sas;
			while (sa && (sa->gateway != g->id || sa->state >= IKE_STATE_DELETING))
				sa = sa->next;
			if (!sa)
				return;
			exchange_info_delete_ike(sa);
		}
	}
	if (wants_auto(c, g))
		start(e, g);
}

int ike_tunnel_stand(struct ike_engine *e, unsigned tunnel, const struct ip_addr *local,
		     const struct ip_addr *remote)
{
	return tunnel_stand(&e->core, tunnel, local, remote);
}

void ike_tunnel_unstand(struct ike_engine *e, unsigned tunnel)
{
	tunnel_unstand(&e->core, tunnel);
}

bool ike_tunnel_standing(const struct ike_engine *e, unsigned tunnel)
{
	return tunnel_standing(&e->core, tunnel);
}

bool ike_tunnel_routed(const struct ike_engine *e, unsigned tunnel)
{
	return tunnel_is_up(&e->core, tunnel);
}

/* ---- show ipsec sa ------------------------------------------------------------ */

static uint64_t remaining(uint64_t now, uint64_t since, uint32_t life)
{
	uint64_t age = (now - since) / 1000;
	return age >= life ? 0 : life - age;
}

static void ike_row(const struct ike_sa *sa, uint64_t now, struct ike_sa_row *r)
{
	*r = (struct ike_sa_row){
		.number = sa->number, .gateway = sa->gateway, .kind = IKE_SA_ROW_IKE,
		.local = sa->local.addr, .remote = sa->remote.addr, .spi_i = sa->spi_i,
		.spi_r = sa->spi_r, .established = ike_sa_up(sa),
		.initiator = sa->initiator, .nat_local = sa->nat_local,
		.nat_remote = sa->nat_remote,
	};
	if (r->established) {
		r->life_remaining = remaining(now, sa->established_ms, sa->life_secs);
		r->duration = (now - sa->established_ms) / 1000;
		/* cipher, hash, group: the PRF stands for the hash with AEAD */
		struct proposal_choice shown = { .protocol = IKEV2_PROTO_IKE,
						 .encr = sa->prop.encr, .integ = sa->prop.integ,
						 .prf = sa->prop.prf, .dh = sa->prop.dh };
		proposal_text(&shown, r->algorithm, sizeof(r->algorithm));
	}
	r->keepalive_next = liveness_next_send(sa, now);
	snprintf(r->local_id, sizeof(r->local_id), "%s", sa->local_id);
	snprintf(r->remote_id, sizeof(r->remote_id), "%s", sa->remote_id);
	const char *user = auth_eap_user(sa);
	snprintf(r->eap_user, sizeof(r->eap_user), "%s", user ? user : "");
	r->cp_addr = sa->cp_addr;
	r->cp_dns = sa->cp_dns;
	const struct gateway_config *g = ike_sa_gateway(sa);
	r->eap_client = g && auth_eap_client(g);
}

static void child_row(struct ike_engine *e, const struct ike_sa *sa, const struct child_sa *c,
		      bool send, uint64_t now, struct ike_sa_row *r)
{
	const struct ike_sa_row base = *r;
	struct kernel_sa_stats st = { 0 };
	struct kernel_sa_id id = { send ? sa->local.addr : sa->remote.addr,
				   send ? sa->remote.addr : sa->local.addr,
				   send ? c->spi_out : c->spi_in, KERNEL_PROTO_ESP };
	const struct gateway_config *g = ike_sa_gateway(sa);
	/* life_secs is cut when a rekey replaced the SA (rekey.c) */
	uint32_t life = c->life_secs ? c->life_secs : g ? g->child_life.seconds : 28800;
	*r = base;
	r->number = send ? c->num_send : c->num_recv;
	r->ike_number = sa->number;
	r->kind = send ? IKE_SA_ROW_SEND : IKE_SA_ROW_RECV;
	r->tunnel = c->tunnel;
	r->spi = id.spi;
	r->spi_i = r->spi_r = 0;
	r->life_remaining = remaining(now, c->established_ms, life);
	r->duration = (now - c->established_ms) / 1000;
	struct proposal_choice shown = { .protocol = IKEV2_PROTO_ESP, .encr = c->prop.encr,
					 .integ = c->prop.integ };
	proposal_text(&shown, r->algorithm, sizeof(r->algorithm));
	struct kernel *k = e->core.d.kernel;
	if (!k->ops->query_sa(k, &id, &st)) {
		r->bytes = st.bytes;
		r->packets = st.packets;
	}
}

static int cmp_row(const void *a, const void *b)
{
	const struct ike_sa_row *x = a, *y = b;
	return x->number < y->number ? -1 : x->number > y->number;
}

static bool picked(const struct ike_sa *sa, const struct ike_sa_pick *pick)
{
	if (!pick || (!pick->gateway && !pick->tunnel && !pick->number))
		return true;
	if ((pick->gateway && sa->gateway == pick->gateway) ||
	    (pick->number && sa->number == pick->number))
		return true;
	for (const struct child_sa *c = sa->children; c; c = c->next)
		if ((pick->tunnel && c->tunnel == pick->tunnel) ||
		    (pick->number && (c->num_send == pick->number || c->num_recv == pick->number)))
			return true;
	return false;
}

int ike_sa_rows(struct ike_engine *e, struct ike_sa_row **out, size_t *n)
{
	return ike_sa_rows_of(e, NULL, out, n);
}

int ike_sa_rows_of(struct ike_engine *e, const struct ike_sa_pick *pick,
		   struct ike_sa_row **out, size_t *n)
{
	size_t cap = 0, k = 0;
	uint64_t now = ike_core_now_ms(&e->core);
	for (const struct ike_sa *sa = e->core.sas; sa; sa = sa->next) {
		if (!picked(sa, pick))
			continue;
		cap++;
		for (const struct child_sa *c = sa->children; c; c = c->next)
			cap += 2;
	}
	*out = NULL;
	*n = 0;
	struct ike_sa_row *rows = calloc(cap ? cap : 1, sizeof(*rows));
	if (!rows)
		return -RTX_ENOMEM;
	for (const struct ike_sa *sa = e->core.sas; sa; sa = sa->next) {
		if (sa->state >= IKE_STATE_DELETING || !picked(sa, pick))
			continue;       /* (deleting: only waits for the answer to its Delete) */
		ike_row(sa, now, &rows[k]);
		struct ike_sa_row base = rows[k++];
		for (const struct child_sa *c = sa->children; c; c = c->next)
			for (int send = 1; send >= 0; send--) {
				rows[k] = base;
				child_row(e, sa, c, send, now, &rows[k++]);
			}
	}
	qsort(rows, k, sizeof(*rows), cmp_row);
	*out = rows;
	*n = k;
	return 0;
}
