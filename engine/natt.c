#include "engine/natt.h"

#include "engine/config.h"
#include "engine/exchange_info.h"
#include "engine/ike_sa.h"
#include "engine/msg_io.h"

static const struct gateway_config *gw(const struct ike_sa *sa)
{
	return ike_gateway(sa->e, sa->gateway);
}

void natt_after_init(struct ike_sa *sa)
{
	const struct gateway_config *g = gw(sa);
	if (!g || !g->natt.on || !(sa->nat_local || sa->nat_remote || g->natt.force))
		return;
	sa->local.port = IKE_NATT_PORT;
	sa->remote.port = IKE_NATT_PORT;
}

/* Decided by where IKE runs: an initiator moves to 4500 only through
 * natt_after_init(), a responder only by following the peer there. */
bool natt_in_use(struct ike_sa *sa)
{
	const struct gateway_config *g = gw(sa);
	return sa->local.port == IKE_NATT_PORT && g && g->natt.on;
}

void natt_encap(struct ike_sa *sa, bool out, struct kernel_sa *k)
{
	if (!natt_in_use(sa))
		return;
	k->encap = true;
	k->encap_sport = out ? sa->local.port : sa->remote.port;
	k->encap_dport = out ? sa->remote.port : sa->local.port;
}

void natt_on_authenticated(struct ike_sa *sa, const struct msg_rx *rx)
{
	if (rx->local.port == IKE_NATT_PORT && sa->local.port != IKE_NATT_PORT) {
		/* The peer switched (2.23): answer it there from now on. */
		sa->local.port = IKE_NATT_PORT;
		sa->remote = rx->remote;
		return;
	}
	/* A NAT in front of the peer may have given it a new mapping. The
	 * kernel SAs keep their encapsulation port until the next rekey:
	 * update_sa would need keys the engine does not keep. */
	if (sa->local.port == IKE_NATT_PORT && sa->nat_remote &&
	    !endpoint_equal(&rx->remote, &sa->remote))
		sa->remote = rx->remote;
}

static void keepalive_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	struct ike_sa *sa = arg;
	const struct gateway_config *g = gw(sa);
	if (!g || !g->natt.keepalive || !natt_in_use(sa))
		return;
	struct transport *tr = sa->e->d.transport;
	tr->ops->send_keepalive(tr, &sa->local, &sa->remote);
	loop_timer_arm(l, t, (uint64_t)g->natt.keepalive * 1000);
}

/* RFC 3948 2.3: only the side behind the NAT needs to keep its mapping. */
void natt_start(struct ike_sa *sa)
{
	struct exchange_info_state *s = exchange_info_state(sa);
	const struct gateway_config *g = gw(sa);
	if (!s)
		return;
	loop_timer_init(&s->natt_timer, keepalive_fired, sa);
	if (g && g->natt.keepalive && sa->nat_local && natt_in_use(sa))
		loop_timer_arm(sa->e->d.loop, &s->natt_timer, (uint64_t)g->natt.keepalive * 1000);
}
