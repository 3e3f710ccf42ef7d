#include "engine/natt.h"

#include "base/log.h"
#include "engine/child_sa.h"
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

static void follow_port(struct ike_sa *sa)
{
	struct kernel *k = sa->e->d.kernel;
	for (struct child_sa *c = sa->children; c; c = c->next) {
		struct kernel_sa_id out = { sa->local.addr, sa->remote.addr, c->spi_out,
					    KERNEL_PROTO_ESP };
		struct kernel_sa_id in = { sa->remote.addr, sa->local.addr, c->spi_in,
					   KERNEL_PROTO_ESP };
		int err = 0;
		if (c->out_held) {
			c->out_held->encap_dport = sa->remote.port;
		} else if (c->flags & CHILD_SAF_OUT) {
			err = k->ops->update_encap(k, &out, sa->local.port, sa->remote.port);
		}
		if (!err && (c->flags & CHILD_SAF_IN))
			err = k->ops->update_encap(k, &in, sa->remote.port, sa->local.port);
		log_text(sa->e->d.log, err ? LOG_INFO : LOG_DEBUG,
			 "[IKE2] SA:%u/CHLD_SEND the peer's NAT mapping moved to port %u: %s",
			 c->num_send, sa->remote.port,
			 err ? "updating the kernel SAs failed" : "kernel SAs updated");
	}
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
	/* A NAT in front of the peer may have given it a new mapping: IKE
	 * follows it, and so do the CHILD SAs' UDP encapsulation ports (a new
	 * public address would need new SAs and policies: not followed). */
	if (sa->local.port == IKE_NATT_PORT && sa->nat_remote && !endpoint_equal(remote, &sa->remote)) {
		bool port_only = ip_addr_equal(&remote->addr, &sa->remote.addr);
		sa->remote = *remote;
		if (port_only && ike_sa_udp_encap(sa))
			follow_port(sa);
	}
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
