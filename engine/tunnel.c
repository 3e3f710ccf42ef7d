#include "engine/tunnel.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "engine/config.h"
#include "engine/ike_core.h"
#include "kernel/kernel.h"

/* c->tunnels is kept sorted by number: a config of thousands of tunnels
 * looks each up while it stands them, which a walk made quadratic. Where
 * num is, or where it would go. */
static size_t tunnel_pos(const struct ike_core *c, unsigned num, bool *found)
{
	size_t lo = 0, hi = c->n_tunnels;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->tunnels[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < c->n_tunnels && c->tunnels[lo].num == num;
	return lo;
}

static struct tunnel_state *tunnel_find(const struct ike_core *c, unsigned num)
{
	bool found;
	size_t i = tunnel_pos(c, num, &found);
	return found ? &c->tunnels[i] : NULL;
}

static bool same_selectors(const struct tunnel_sel *a, const struct tunnel_sel *b)
{
	return ip_addr_equal(&a->ts_l, &b->ts_l) && ip_addr_equal(&a->ts_r, &b->ts_r) &&
	       a->ts_l_len == b->ts_l_len && a->ts_r_len == b->ts_r_len;
}

static bool same_template(const struct tunnel_sel *a, const struct tunnel_sel *b)
{
	return ip_addr_equal(&a->local, &b->local) && ip_addr_equal(&a->remote, &b->remote);
}

static uint32_t sel_hash(const struct tunnel_sel *s)
{
	uint32_t h = pos_hash_addr(pos_hash_addr(POS_HASH0, &s->ts_l), &s->ts_r);
	h = pos_hash(h, &s->ts_l_len, 1);
	return pos_hash(h, &s->ts_r_len, 1);
}

/* A tunnel's sets are indexed once it has a second one (a remote-access
 * tunnel: one per client); every site-to-site tunnel has one set, and
 * an index of its own would cost each of thousands of tunnels memory.
 * The index holds all sets or none. */
static struct tunnel_sel *sel_find(const struct tunnel_state *t, const struct tunnel_sel *want)
{
	const struct pos_index *x = &t->sel_index;
	if (!x->n) {
		for (size_t i = 0; i < t->n_sels; i++)
			if (same_selectors(&t->sels[i], want))
				return &t->sels[i];
		return NULL;
	}
	for (size_t i = pos_index_first(x, sel_hash(want)); i != POS_NONE; i = pos_index_next(x, i))
		if (same_selectors(&t->sels[i], want))
			return &t->sels[i];
	return NULL;
}

static void sels_free(struct tunnel_state *t)
{
	free(t->sels);
	t->sels = NULL;
	t->n_sels = 0;
	pos_index_free(&t->sel_index);
}

static void policy_ids(const struct tunnel_state *t, const struct tunnel_sel *s,
		       struct kernel_policy *p /* [3] */)
{
	static const enum kernel_dir dirs[] = { KERNEL_DIR_OUT, KERNEL_DIR_IN, KERNEL_DIR_FWD };
	for (int i = 0; i < 3; i++) {
		bool out = dirs[i] == KERNEL_DIR_OUT;
		p[i] = (struct kernel_policy){
			.id = { .src_net = out ? s->ts_l : s->ts_r, .dst_net = out ? s->ts_r : s->ts_l,
				.src_len = out ? s->ts_l_len : s->ts_r_len,
				.dst_len = out ? s->ts_r_len : s->ts_l_len,
				.dir = dirs[i], .if_id = t->if_id },
			.tun_src = out ? s->local : s->remote,
			.tun_dst = out ? s->remote : s->local,
			.reqid = t->reqid,
		};
	}
}

/* The three policies of s, all or none. */
static int sel_install(struct ike_core *c, const struct tunnel_state *t,
		       const struct tunnel_sel *s)
{
	struct kernel *k = c->d.kernel;
	struct kernel_policy p[3];
	int err = 0, i = 0;
	snprintf(c->install_why, sizeof(c->install_why), "adding tunnel %u's IPsec policies",
		 t->num);
	policy_ids(t, s, p);
	for (; i < 3; i++)
		if ((err = k->ops->add_policy(k, &p[i])))
			break;
	if (err)
		while (i-- > 0)
			k->ops->del_policy(k, &p[i].id);
	return err;
}

static void sel_remove(struct ike_core *c, const struct tunnel_state *t,
		       const struct tunnel_sel *s)
{
	struct kernel *k = c->d.kernel;
	struct kernel_policy p[3];
	policy_ids(t, s, p);
	for (int i = 0; i < 3; i++)
		k->ops->del_policy(k, &p[i].id);
}

/* Routes of `ip route ... gateway tunnel N`; the first error is returned,
 * but every route is tried. */
static int routes_apply(struct ike_core *c, unsigned tunnel, bool add)
{
	struct kernel *k = c->d.kernel;
	const struct ipsec_config *cfg = c->d.config;
	const uint32_t *idx;
	int err = 0;
	size_t n = config_tunnel_routes(cfg, tunnel, &idx);
	for (size_t i = 0; i < n; i++) {
		const struct route_config *r = &cfg->routes[idx[i]];
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

/* Routes, the first `policies` sets of policies, the interface. Not the
 * interface while the engine closes: the kernel unregisters a link
 * deleted alone after its own RCU grace period under the host's one RTNL
 * lock (20 ms each in the QEMU guest: 6,000 tunnels took minutes to
 * exit), and the backend's flush deletes them all as one. */
static void tunnel_teardown(struct ike_core *c, struct tunnel_state *t, size_t policies)
{
	routes_apply(c, t->num, false);
	for (size_t i = 0; i < policies && i < t->n_sels; i++)
		sel_remove(c, t, &t->sels[i]);
	if (!c->closing)
		c->d.kernel->ops->del_if(c->d.kernel, t->num);
}

/* Interface, every set of t->sels, routes; all or nothing. */
static int tunnel_up(struct ike_core *c, struct tunnel_state *t)
{
	struct kernel *k = c->d.kernel;
	size_t i = 0;
	int err = k->ops->add_if(k, t->num, t->if_id);
	snprintf(c->install_why, sizeof(c->install_why), "creating tunnel %u's interface", t->num);
	if (err)
		return err;
	snprintf(c->install_why, sizeof(c->install_why), "bringing tunnel %u's interface up",
		 t->num);
	if ((err = k->ops->set_if_up(k, t->num, true)))
		goto fail;
	for (; i < t->n_sels; i++)
		if ((err = sel_install(c, t, &t->sels[i])))
			goto fail;
	if ((err = routes_apply(c, t->num, true)))
		goto fail;
	return 0;
fail:
	tunnel_teardown(c, t, i);
	return err;
}

/* t->sels holds its one set, s. */
static int sels_set(struct tunnel_state *t, const struct tunnel_sel *s)
{
	struct tunnel_sel *one = malloc(sizeof(*one));
	if (!one)
		return -RTX_ENOMEM;
	*one = *s;
	free(t->sels);
	t->sels = one;
	t->n_sels = 1;
	pos_index_free(&t->sel_index);
	return 0;
}

/* Puts a tunnel with the one set s up and keeps it; nothing is kept when
 * the kernel refuses. */
static int tunnel_add(struct ike_core *c, const struct tunnel_state *proto,
		      const struct tunnel_sel *s)
{
	struct tunnel_state fresh = *proto;
	fresh.sels = NULL;
	fresh.sel_index = (struct pos_index){ 0 };
	int err = sels_set(&fresh, s);
	if (err) {
		sels_free(&fresh);
		return err;
	}
	struct tunnel_state *grown = realloc(c->tunnels, (c->n_tunnels + 1) * sizeof(*grown));
	if (!grown) {
		sels_free(&fresh);
		return -RTX_ENOMEM;
	}
	c->tunnels = grown;
	if ((err = tunnel_up(c, &fresh))) {
		sels_free(&fresh);
		return err;
	}
	bool found;
	size_t i = tunnel_pos(c, fresh.num, &found);
	memmove(c->tunnels + i + 1, c->tunnels + i, (c->n_tunnels - i) * sizeof(*c->tunnels));
	c->tunnels[i] = fresh;
	c->n_tunnels++;
	return 0;
}

static void tunnel_remove(struct ike_core *c, struct tunnel_state *t)
{
	size_t i = (size_t)(t - c->tunnels);
	sels_free(t);
	memmove(t, t + 1, (c->n_tunnels - i - 1) * sizeof(*t));
	c->n_tunnels--;
}

/* A tunnel without CHILD SA (standing on the config's guess) is put up
 * again with want's selectors alone. */
static int tunnel_redo(struct ike_core *c, struct tunnel_state *t, const struct tunnel_sel *want)
{
	tunnel_teardown(c, t, t->n_sels);
	int err = sels_set(t, want);
	if (!err)
		err = tunnel_up(c, t);
	if (err) {
		tunnel_remove(c, t);
		return err;
	}
	return 0;
}

/* Another template (the peer's address moved) for the policies of s:
 * the old ones go first, since the kernel keys a policy by its selector;
 * when the new ones are refused the old ones come back. */
static int sel_retemplate(struct ike_core *c, struct tunnel_state *t, struct tunnel_sel *s,
			  const struct tunnel_sel *want)
{
	struct tunnel_sel moved = *s;
	moved.local = want->local;
	moved.remote = want->remote;
	sel_remove(c, t, s);
	int err = sel_install(c, t, &moved);
	if (err) {
		sel_install(c, t, s);
		return err;
	}
	*s = moved;
	return 0;
}

/* One more set on a tunnel in use. */
static int sel_add(struct ike_core *c, struct tunnel_state *t, const struct tunnel_sel *want)
{
	struct tunnel_sel *grown = realloc(t->sels, (t->n_sels + 1) * sizeof(*grown));
	if (!grown)
		return -RTX_ENOMEM;
	t->sels = grown;
	struct pos_index *x = &t->sel_index;
	if (t->n_sels && pos_index_reserve(x, t->n_sels + 1))
		return -RTX_ENOMEM;
	int err = sel_install(c, t, want);
	if (err)
		return err;
	t->sels[t->n_sels] = *want;
	t->sels[t->n_sels++].refs = 0;
	for (size_t i = x->n; t->n_sels > 1 && i < t->n_sels; i++)
		pos_index_push(x, sel_hash(&t->sels[i]));
	return 0;
}

int tunnel_hold(struct ike_core *c, unsigned num, uint32_t if_id, uint32_t reqid,
		const struct tunnel_sel *want)
{
	struct tunnel_state *t = tunnel_find(c, num);
	struct tunnel_sel one = *want;
	one.refs = 1;
	if (!t) {
		struct tunnel_state proto = { .num = num, .nchild = 1, .if_id = if_id,
					      .reqid = reqid };
		return tunnel_add(c, &proto, &one);
	}
	struct tunnel_sel *s = sel_find(t, want);
	int err = 0;
	if (!t->nchild) {
		if (!s || !same_template(s, want)) {
			if ((err = tunnel_redo(c, t, &one)))
				return err;
			t->nchild = 1;
			return 0;
		}
	} else if (!s) {
		if ((err = sel_add(c, t, want)))
			return err;
		s = &t->sels[t->n_sels - 1];
	} else if (!same_template(s, want) && (err = sel_retemplate(c, t, s, want))) {
		return err;
	}
	s->refs++;
	t->nchild++;
	return 0;
}

void tunnel_release(struct ike_core *c, unsigned num, const struct tunnel_sel *sel)
{
	struct tunnel_state *t = tunnel_find(c, num);
	if (!t || !t->nchild)
		return;
	struct tunnel_sel *s = sel_find(t, sel);
	if (s && s->refs)
		s->refs--;
	if (!--t->nchild) {
		/* A standing tunnel keeps its last policies for the acquire. */
		if (!t->standing) {
			tunnel_teardown(c, t, t->n_sels);
			tunnel_remove(c, t);
		}
		return;
	}
	if (s && !s->refs) {
		sel_remove(c, t, s);
		if (t->sel_index.n)
			pos_index_swap_remove(&t->sel_index, (size_t)(s - t->sels));
		*s = t->sels[--t->n_sels];
	}
}

static uint8_t host_len(const struct ip_addr *a)
{
	return a->family == AF_INET6 ? 128 : 32;
}

int tunnel_addr_hold(struct ike_core *c, unsigned num, const struct ip_addr *a)
{
	struct kernel *k = c->d.kernel;
	struct tunnel_state *t = tunnel_find(c, num);
	if (!t)
		return -RTX_ENOENT;
	if (t->addr_refs && ip_addr_equal(&t->addr, a)) {
		t->addr_refs++;
		return 0;
	}
	snprintf(c->install_why, sizeof(c->install_why), "adding our address to tunnel %u",
		 num);
	if (t->addr_refs)
		k->ops->del_tunnel_addr(k, num, &t->addr, host_len(&t->addr));
	t->addr_refs = 0;
	int err = k->ops->add_tunnel_addr(k, num, a, host_len(a));
	if (err)
		return err;
	t->addr = *a;
	t->addr_refs = 1;
	return 0;
}

void tunnel_addr_release(struct ike_core *c, unsigned num, const struct ip_addr *a)
{
	struct kernel *k = c->d.kernel;
	struct tunnel_state *t = tunnel_find(c, num);
	if (!t || !t->addr_refs || !ip_addr_equal(&t->addr, a) || --t->addr_refs)
		return;
	k->ops->del_tunnel_addr(k, num, a, host_len(a));
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
	struct tunnel_state proto = { .num = num, .standing = true,
				      .if_id = kernel_tunnel_if_id(num),
				      .reqid = kernel_tunnel_reqid(num) };
	struct tunnel_sel guess = { .local = *local, .remote = *remote, .ts_l = all, .ts_r = all };
	return tunnel_add(c, &proto, &guess);
}

void tunnel_unstand(struct ike_core *c, unsigned num)
{
	struct tunnel_state *t = tunnel_find(c, num);
	if (!t || !t->standing)
		return;
	t->standing = false;
	if (t->nchild)
		return;
	tunnel_teardown(c, t, t->n_sels);
	tunnel_remove(c, t);
}

bool tunnel_standing(const struct ike_core *c, unsigned num)
{
	const struct tunnel_state *t = tunnel_find(c, num);
	return t && t->standing;
}

const struct tunnel_state *tunnel_state_of(const struct ike_core *c, unsigned num)
{
	return tunnel_find(c, num);
}

bool tunnel_is_up(const struct ike_core *c, unsigned num)
{
	return tunnel_find(c, num) != NULL;
}

void tunnel_forget_all(struct ike_core *c)
{
	for (size_t i = 0; i < c->n_tunnels; i++)
		sels_free(&c->tunnels[i]);
	free(c->tunnels);
	c->tunnels = NULL;
	c->n_tunnels = 0;
}
