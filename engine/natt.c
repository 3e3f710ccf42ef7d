#include "engine/natt.h"

#include "engine/config.h"
#include "engine/ike_sa.h"
#include "engine/loop.h"
#include "engine/transport.h"

static const struct gateway_config *gw(const struct ike_sa *sa)
{
	return ike_sa_gateway(sa);
}

void natt_after_init(struct ike_sa *sa)
{
	const struct gateway_config *g = gw(sa);
	if (!g || !g->natt.on || !(sa->nat_local || sa->nat_remote || g->natt.force))
		return;
	sa->local.port = IKE_NATT_PORT;
	sa->remote.port = IKE_NATT_PORT;
}

void natt_on_authenticated(struct ike_sa *sa, const struct endpoint *local,
			   const struct endpoint *remote)
{
	if (local->port == IKE_NATT_PORT && sa->local.port != IKE_NATT_PORT) {
		/* The peer switched (2.23): answer it there from now on. */
		sa->local.port = IKE_NATT_PORT;
		sa->remote = *remote;
		return;
	}
	/* A NAT in front of the peer may have given it a new mapping. The
	 * kernel SAs keep their encapsulation port until the next rekey:
	 * update_sa would need keys the engine does not keep. */
	if (sa->local.port == IKE_NATT_PORT && sa->nat_remote && !endpoint_equal(remote, &sa->remote))
		sa->remote = *remote;
}

static void keepalive_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	struct ike_sa *sa = arg;
	const struct gateway_config *g = gw(sa);
	if (!g || !g->natt.keepalive || !ike_sa_udp_encap(sa))
		return;
	struct transport *tr = sa->e->d.transport;
	tr->ops->send_keepalive(tr, &sa->local, &sa->remote);
	loop_timer_arm(l, t, (uint64_t)g->natt.keepalive * 1000);
}

/* RFC 3948 2.3: only the side behind the NAT needs to keep its mapping. */
static void start(struct ike_sa *sa)
{
	const struct gateway_config *g = gw(sa);
	if (g && g->natt.keepalive && sa->nat_local && ike_sa_udp_encap(sa))
		loop_timer_arm(sa->e->d.loop, &sa->natt_keepalive,
			       (uint64_t)g->natt.keepalive * 1000);
}

static void on_ike(struct ike_sa *sa, enum sa_event ev)
{
	if (ev == SA_EV_CREATED)
		loop_timer_init(&sa->natt_keepalive, keepalive_fired, sa);
	else if (ev == SA_EV_ESTABLISHED)
		start(sa);
	else if (ev == SA_EV_DELETING)
		loop_timer_disarm(sa->e->d.loop, &sa->natt_keepalive);
}

const struct sa_listener natt_listener = { .ike = on_ike };
