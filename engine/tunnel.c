#include "engine/tunnel.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/err.h"
#include "engine/config.h"
#include "engine/ike_core.h"
#include "kernel/kernel.h"

static struct tunnel_state *tunnel_find(const struct ike_core *c, unsigned num)
{
	for (size_t i = 0; i < c->n_tunnels; i++)
		if (c->tunnels[i].num == num)
			return &c->tunnels[i];
	return NULL;
}

static void policy_ids(const struct tunnel_state *t, struct kernel_policy *p /* [3] */)
{
	static const enum kernel_dir dirs[] = { KERNEL_DIR_OUT, KERNEL_DIR_IN, KERNEL_DIR_FWD };
	for (int i = 0; i < 3; i++) {
		bool out = dirs[i] == KERNEL_DIR_OUT;
		p[i] = (struct kernel_policy){
			.id = { .src_net = out ? t->ts_l : t->ts_r, .dst_net = out ? t->ts_r : t->ts_l,
				.src_len = out ? t->ts_l_len : t->ts_r_len,
				.dst_len = out ? t->ts_r_len : t->ts_l_len,
				.dir = dirs[i], .if_id = t->if_id },
			.tun_src = out ? t->local : t->remote,
			.tun_dst = out ? t->remote : t->local,
			.reqid = t->reqid,
		};
	}
}

/* Routes of `ip route ... gateway tunnel N`; the first error is returned,
 * but every route is tried. */
static int routes_apply(struct ike_core *c, unsigned tunnel, bool add)
{
	struct kernel *k = c->d.kernel;
	const struct ipsec_config *cfg = c->d.config;
	int err = 0;
	for (size_t i = 0; i < cfg->n_routes; i++) {
		const struct route_config *r = &cfg->routes[i];
		if (r->tunnel != tunnel)
			continue;
		struct kernel_route kr = { r->net, r->len, tunnel };
		int rc = add ? k->ops->add_route(k, &kr) : k->ops->del_route(k, &kr);
		if (rc && !err) {
			char net[INET6_ADDRSTRLEN];
			err = rc;
			if (add)
				snprintf(c->install_why, sizeof(c->install_why),
					 "adding the route %s/%u to tunnel %u",
					 ip_addr_str(&r->net, net, sizeof(net)), r->len, tunnel);
		}
	}
	return err;
}

static void tunnel_teardown(struct ike_core *c, struct tunnel_state *t, int policies)
{
	struct kernel *k = c->d.kernel;
	struct kernel_policy p[3];
	routes_apply(c, t->num, false);
	policy_ids(t, p);
	for (int i = 0; i < policies; i++)
		k->ops->del_policy(k, &p[i].id);
	k->ops->del_if(k, t->num);
}

static int tunnel_up(struct ike_core *c, struct tunnel_state *t)
{
	struct kernel *k = c->d.kernel;
	struct kernel_policy p[3];
	int err = k->ops->add_if(k, t->num, t->if_id), i = 0;
	snprintf(c->install_why, sizeof(c->install_why), "creating tunnel %u's interface", t->num);
	if (err)
		return err;
	snprintf(c->install_why, sizeof(c->install_why), "bringing tunnel %u's interface up",
		 t->num);
	if ((err = k->ops->set_if_up(k, t->num, true)))
		goto fail;
	policy_ids(t, p);
	snprintf(c->install_why, sizeof(c->install_why), "adding tunnel %u's IPsec policies",
		 t->num);
	for (; i < 3; i++)
		if ((err = k->ops->add_policy(k, &p[i])))
			goto fail;
	if ((err = routes_apply(c, t->num, true)))
		goto fail;
	return 0;
fail:
	tunnel_teardown(c, t, i);
	return err;
}

/* Puts t up and keeps it; nothing is kept when the kernel refuses. */
static int tunnel_add(struct ike_core *c, const struct tunnel_state *t)
{
	struct tunnel_state *grown = realloc(c->tunnels, (c->n_tunnels + 1) * sizeof(*grown));
	if (!grown)
		return -RTX_ENOMEM;
	c->tunnels = grown;
	c->tunnels[c->n_tunnels] = *t;
	int err = tunnel_up(c, &c->tunnels[c->n_tunnels]);
	if (!err)
		c->n_tunnels++;
	return err;
}

static void tunnel_remove(struct ike_core *c, struct tunnel_state *t)
{
	*t = c->tunnels[--c->n_tunnels];
}

static bool tunnel_fits(const struct tunnel_state *t, const struct tunnel_state *want)
{
	return ip_addr_equal(&t->local, &want->local) && ip_addr_equal(&t->remote, &want->remote) &&
	       ip_addr_equal(&t->ts_l, &want->ts_l) && ip_addr_equal(&t->ts_r, &want->ts_r) &&
	       t->ts_l_len == want->ts_l_len && t->ts_r_len == want->ts_r_len;
}

int tunnel_hold(struct ike_core *c, const struct tunnel_state *want)
{
	struct tunnel_state *t = tunnel_find(c, want->num);
	if (t && !t->nchild && !tunnel_fits(t, want)) {
		/* Standing on the config's guess: the negotiated CHILD SA decides. */
		bool standing = t->standing;
		tunnel_teardown(c, t, 3);
		*t = *want;
		t->nchild = 0;
		t->standing = standing;
		int err = tunnel_up(c, t);
		if (err) {
			tunnel_remove(c, t);
			return err;
		}
	}
	if (t) {
		t->nchild++;
		return 0;
	}
	struct tunnel_state fresh = *want;
	fresh.nchild = 1;
	fresh.standing = false;
	return tunnel_add(c, &fresh);
}

void tunnel_release(struct ike_core *c, unsigned num)
{
	struct tunnel_state *t = tunnel_find(c, num);
	if (!t || --t->nchild || t->standing)
		return;
	tunnel_teardown(c, t, 3);
	tunnel_remove(c, t);
}

int tunnel_stand(struct ike_core *c, unsigned num, const struct ip_addr *local,
		 const struct ip_addr *remote)
{
	struct tunnel_state *t = tunnel_find(c, num);
	if (t) {
		t->standing = true;
		return 0;
	}
	struct ip_addr all = { .family = remote->family };
	struct tunnel_state fresh = { .num = num, .standing = true,
				      .if_id = kernel_tunnel_if_id(num),
				      .reqid = kernel_tunnel_reqid(num), .local = *local,
				      .remote = *remote, .ts_l = all, .ts_r = all };
	return tunnel_add(c, &fresh);
}

void tunnel_unstand(struct ike_core *c, unsigned num)
{
	struct tunnel_state *t = tunnel_find(c, num);
	if (!t || !t->standing)
		return;
	t->standing = false;
	if (t->nchild)
		return;
	tunnel_teardown(c, t, 3);
	tunnel_remove(c, t);
}

bool tunnel_standing(const struct ike_core *c, unsigned num)
{
	const struct tunnel_state *t = tunnel_find(c, num);
	return t && t->standing;
}

bool tunnel_is_up(const struct ike_core *c, unsigned num)
{
	return tunnel_find(c, num) != NULL;
}
