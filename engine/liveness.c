#include "engine/liveness.h"

#include <string.h>
#include <sys/socket.h>

#include "engine/config.h"
#include "engine/exchange_info.h"
#include "engine/ike_engine.h"
#include "engine/ike_sa.h"
#include "engine/tunnel.h"
#include "base/log.h"
#include "kernel/kernel.h"

static const struct gateway_config *gw(const struct ike_sa *sa)
{
	return ike_sa_gateway(sa);
}

static bool icmp(const struct gateway_config *g)
{
	return g->keepalive.kind == KEEPALIVE_ICMP_ECHO;
}

/* Every kind but ICMP echo is RFC 4306 liveness in IKEv2, sent with `on`
 * only; ICMP echo treats `auto` like `on` (reference 1.14). */
static bool enabled(const struct gateway_config *g)
{
	if (!g)
		return false;
	if (icmp(g))
		return config_icmp_keepalive(g);
	return g->keepalive.sw == TRI_ON;
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

static void echo_tick(struct loop *l, struct ike_sa *sa, const struct gateway_config *g);

static void fired(struct loop *l, struct loop_timer *t, void *arg)
{
	struct ike_sa *sa = arg;
	struct exchange_info_state *s = sa->info;
	const struct gateway_config *g = gw(sa);
	if (!s || !enabled(g))
		return;
	if (icmp(g)) {
		echo_tick(l, sa, g);
		return;
	}
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
	if (icmp(g))
		due = s->echo_next_ms;
	else if (s->probing && window_due_ms(&sa->win, s->probe_msgid))
		due = window_due_ms(&sa->win, s->probe_msgid);
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
	/* Any 16 bits that differ between SAs: the SPI is random. */
	s->echo_id = (uint16_t)(sa->spi_i ^ sa->spi_i >> 16 ^ sa->spi_i >> 32 ^ sa->spi_i >> 48);
	if (enabled(g)) {
		s->echo_next_ms = ike_core_now_ms(sa->e) + interval_ms(g);
		loop_timer_arm(sa->e->d.loop, &s->live_timer, interval_ms(g));
	}
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
	if (!enabled(g)) {
		loop_timer_disarm(sa->e->d.loop, &s->live_timer);
	} else if (!loop_timer_armed(&s->live_timer)) {
		s->echo_next_ms = ike_core_now_ms(sa->e) + interval_ms(g);
		loop_timer_arm(sa->e->d.loop, &s->live_timer, interval_ms(g));
	}
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
static void declare_dead(struct ike_sa *sa)
{
	struct ike_core *e = sa->e;
	unsigned id = sa->gateway;
	bool initiator = sa->initiator;
	ike_sa_log(sa, LOG_DEAD_PEER);
	ike_attempt_failed(sa);
	const struct gateway_config *g = ike_core_gateway(e, id);
	struct gw_state *gs = initiator || !g || !ike_auto_refresh(e, g) ? NULL
			      : ike_gw_state(e, id);
	if (gs && !loop_timer_armed(&gs->retry))
		loop_timer_arm(e->d.loop, &gs->retry, config_retry_ms(e->d.config));
}

bool liveness_timed_out(struct ike_sa *sa, uint32_t msgid)
{
	struct exchange_info_state *s = sa->info;
	if (!s || !s->probing || s->probe_msgid != msgid)
		return false;
	s->probing = false;
	declare_dead(sa);
	return true;
}

/* ---- icmp-echo ---------------------------------------------------------- */

static bool in_prefix(const struct ip_addr *a, const struct ip_addr *net, unsigned len)
{
	if (a->family != net->family || len > (a->family == AF_INET6 ? 128u : 32u))
		return false;
	unsigned whole = len / 8, rest = len % 8;
	if (memcmp(a->bytes, net->bytes, whole))
		return false;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return !rest || (a->bytes[whole] & mask) == (net->bytes[whole] & mask);
}

/* The echo leaves from an address the tunnel's policies carry: the
 * `ip lanN address` (or ipv6) inside a local selector, else our mode-cfg
 * address; family 0 lets the kernel pick (selectors of everything). */
static struct ip_addr echo_source(struct ike_sa *sa, unsigned tunnel, int family)
{
	const struct tunnel_state *t = tunnel_state_of(sa->e, tunnel);
	const struct ipsec_config *c = sa->e->d.config;
	const struct lan_config *lans = family == AF_INET6 ? c->lan6 : c->lan;
	for (size_t i = 0; t && i < t->n_sels; i++)
		for (unsigned n = 1; n <= CONFIG_LAN_MAX; n++)
			if (lans[n].set && in_prefix(&lans[n].addr, &t->sels[i].ts_l,
						     t->sels[i].ts_l_len))
				return lans[n].addr;
	if (t && t->addr_refs && t->addr.family == family)
		return t->addr;
	return (struct ip_addr){ 0 };
}

static void echo_send(struct ike_sa *sa, const struct gateway_config *g)
{
	struct exchange_info_state *s = sa->info;
	struct kernel *k = sa->e->d.kernel;
	struct ip_addr dst;
	unsigned tunnel = ike_gateway_tunnel(sa->e, sa->gateway);
	s->echo_seq++;
	s->echo_waiting = true;   /* an echo that cannot leave is a miss too */
	if (!k->ops->ping || ip_addr_parse(g->keepalive.icmp_target, &dst))
		return;
	struct ip_addr src = echo_source(sa, tunnel, dst.family);
	uint16_t len = (uint16_t)(g->keepalive.icmp_length ? g->keepalive.icmp_length : 64);
	if (k->ops->ping(k, tunnel, &src, &dst, len, s->echo_id, s->echo_seq) == 0)
		klog(sa, LOG_SEND_KEEPALIVE);
}

/* Each interval: the echo before it unanswered is one miss, `count`
 * misses in a row and the peer is dead as with RFC 4306 liveness; else
 * the next echo goes out. Not before the tunnel counts as up (upwait). */
static void echo_tick(struct loop *l, struct ike_sa *sa, const struct gateway_config *g)
{
	struct exchange_info_state *s = sa->info;
	unsigned count = g->keepalive.count ? g->keepalive.count : 6;
	uint64_t iv = interval_ms(g);
	if (s->echo_waiting && ++s->echo_misses >= count) {
		s->echo_waiting = false;
		declare_dead(sa);
		return;
	}
	if (liveness_tunnel_up(sa))
		echo_send(sa, g);
	s->echo_next_ms = ike_core_now_ms(sa->e) + iv;
	loop_timer_arm(l, &s->live_timer, iv);
}

void liveness_echo_reply(struct ike_core *c, const struct kernel_event *ev)
{
	for (struct ike_sa *sa = c->sas; sa; sa = sa->next) {
		struct exchange_info_state *s = sa->info;
		const struct gateway_config *g = gw(sa);
		struct ip_addr target;
		/* A late answer to one of the echoes counted as missed still
		 * shows the path works. */
		if (!s || !s->echo_waiting || s->echo_id != ev->echo_id ||
		    (uint16_t)(s->echo_seq - ev->echo_seq) > s->echo_misses || !g || !icmp(g) ||
		    ip_addr_parse(g->keepalive.icmp_target, &target) ||
		    !ip_addr_equal(&target, &ev->sa.src))
			continue;
		s->echo_waiting = false;
		s->echo_misses = 0;
		klog(sa, LOG_RECV_KEEPALIVE);
		return;
	}
}

bool liveness_tunnel_up(struct ike_sa *sa)
{
	struct exchange_info_state *s = sa->info;
	return ike_sa_up(sa) && s && ike_core_now_ms(sa->e) >= s->up_at_ms;
}
