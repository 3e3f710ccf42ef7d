#include "engine/liveness.h"

#include "engine/config.h"
#include "engine/exchange_info.h"
#include "engine/ike_engine.h"
#include "engine/ike_sa.h"
#include "base/log.h"

static const struct gateway_config *gw(const struct ike_sa *sa)
{
	return ike_sa_gateway(sa);
}

/* ICMP echo is not an IKE exchange and needs a pinger we do not have;
 * every other kind is RFC 4306 liveness in IKEv2. */
static bool enabled(const struct gateway_config *g)
{
	return g && g->keepalive.sw == TRI_ON && g->keepalive.kind != KEEPALIVE_ICMP_ECHO;
}

static uint64_t interval_ms(const struct gateway_config *g)
{
	return (uint64_t)(g->keepalive.interval ? g->keepalive.interval : 10) * 1000;
}

static void klog(struct ike_sa *sa, enum log_id id)
{
	const struct gateway_config *g = gw(sa);
	char sub[40];
	if (!g || !g->keepalive.log)
		return;
	ike_sa_xsub(sa, "INFO", sub, sizeof(sub));
	log_ike(sa->e->d.log, sub, id);
}

static void restore_retry(struct ike_sa *sa)
{
	const struct ipsec_config *c = sa->e->d.config;
	window_set_retry(&sa->win, c->retry_count, c->retry_interval);
}

/* One probe: retransmitted every interval, count probes in all. */
static void probe(struct ike_sa *sa, const struct gateway_config *g)
{
	unsigned count = g->keepalive.count ? g->keepalive.count : 6;
	window_set_retry(&sa->win, count - 1, g->keepalive.interval ? g->keepalive.interval : 10);
	if (exchange_info_send_probe(sa)) {
		restore_retry(sa);
		return;
	}
	klog(sa, LOG_SEND_KEEPALIVE);
}

static void fired(struct loop *l, struct loop_timer *t, void *arg)
{
	struct ike_sa *sa = arg;
	struct exchange_info_state *s = sa->info;
	const struct gateway_config *g = gw(sa);
	if (!s || !enabled(g))
		return;
	uint64_t now = ike_core_now_ms(sa->e), iv = interval_ms(g);
	uint64_t idle = now - s->last_rx_ms;
	if (idle >= iv && !s->probing && ike_sa_up(sa)) {
		probe(sa, g);
		idle = 0;
	}
	loop_timer_arm(l, t, idle < iv ? iv - idle : iv);
}

long liveness_next_send(const struct ike_sa *sa, uint64_t now_ms)
{
	const struct exchange_info_state *s = sa->info;
	const struct gateway_config *g = gw(sa);
	if (!s || !enabled(g) || !ike_sa_up(sa))
		return -1;
	uint64_t due = s->last_rx_ms + interval_ms(g);
	if (s->probing && sa->win.timer.slot)
		due = sa->win.timer.due_ms;
	return due <= now_ms ? 0 : (long)((due - now_ms + 999) / 1000);
}

/* The SA became established: the upwait mark is set, probing starts. */
static void start(struct ike_sa *sa)
{
	struct exchange_info_state *s = exchange_info_state(sa);
	const struct gateway_config *g = gw(sa);
	if (!s)
		return;
	s->last_rx_ms = ike_core_now_ms(sa->e);
	s->up_at_ms = sa->established_ms + (g ? (uint64_t)g->keepalive.upwait * 1000 : 0);
	loop_timer_init(&s->live_timer, fired, sa);
	if (enabled(g))
		loop_timer_arm(sa->e->d.loop, &s->live_timer, interval_ms(g));
}

static void on_ike(struct ike_sa *sa, enum sa_event ev)
{
	if (ev == SA_EV_ESTABLISHED)
		start(sa);
	else if (ev == SA_EV_DELETING && sa->info)
		loop_timer_disarm(sa->e->d.loop, &sa->info->live_timer);
}

const struct sa_listener liveness_listener = { .ike = on_ike };

void liveness_config_changed(struct ike_sa *sa)
{
	struct exchange_info_state *s = sa->info;
	const struct gateway_config *g = gw(sa);
	if (!s || !ike_sa_up(sa))
		return;
	if (!enabled(g))
		loop_timer_disarm(sa->e->d.loop, &s->live_timer);
	else if (!loop_timer_armed(&s->live_timer))
		loop_timer_arm(sa->e->d.loop, &s->live_timer, interval_ms(g));
}

void liveness_heard(struct ike_sa *sa)
{
	struct exchange_info_state *s = exchange_info_state(sa);
	if (s)
		s->last_rx_ms = ike_core_now_ms(sa->e);
}

void liveness_answered(struct ike_sa *sa)
{
	restore_retry(sa);
	klog(sa, LOG_RECV_KEEPALIVE);
}

/* Yamaha 1.6: with keepalive in use the router keeps trying to bring the
 * peer back, whichever side first initiated; ike_attempt_failed() already does
 * that for an original initiator, a retry interval later. Only where it
 * may initiate at all (1.4: `ipsec auto refresh`); otherwise it waits for
 * the peer or for traffic. */
bool liveness_timed_out(struct ike_sa *sa)
{
	struct exchange_info_state *s = sa->info;
	if (!s || !s->probing)
		return false;
	struct ike_core *e = sa->e;
	unsigned id = sa->gateway;
	bool initiator = sa->initiator;
	s->probing = false;
	ike_sa_log(sa, LOG_DEAD_PEER);
	ike_attempt_failed(sa);
	const struct gateway_config *g = ike_core_gateway(e, id);
	struct gw_state *gs = initiator || !g || !ike_auto_refresh(e, g) ? NULL
			      : ike_gw_state(e, id);
	if (gs && !loop_timer_armed(&gs->retry)) {
		unsigned secs = e->d.config->retry_interval ? e->d.config->retry_interval : 1;
		loop_timer_arm(e->d.loop, &gs->retry, (uint64_t)secs * 1000);
	}
	return true;
}

bool liveness_tunnel_up(struct ike_sa *sa)
{
	struct exchange_info_state *s = sa->info;
	return ike_sa_up(sa) && s && ike_core_now_ms(sa->e) >= s->up_at_ms;
}
