#include "engine/child_sa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/config.h"
#include "base/err.h"
#include "engine/ike_sa.h"
#include "base/log.h"
#include "engine/natt.h"
#include "engine/rekey.h"

/* Packets; the kernel's usual default when the check is on. */
#define REPLAY_WINDOW 32

static void child_log(struct child_sa *c, bool send, enum log_id id, ...)
{
	char sub[32];
	va_list ap;
	snprintf(sub, sizeof(sub), "SA:%u/%s", send ? c->num_send : c->num_recv,
		 send ? "CHLD_SEND" : "CHLD_RECV");
	va_start(ap, id);
	log_ikev(c->ike->e->d.log, sub, id, ap);
	va_end(ap);
}

static void kerr(struct child_sa *c, const char *op, int err)
{
	log_text(c->ike->e->d.log, LOG_INFO, "[IKE2] SA:%u/CHLD_SEND kernel %s failed: %s",
		 c->num_send, op, rtx_strerror(err));
}

struct child_sa *child_sa_new(struct ike_sa *ike, unsigned tunnel, uint32_t policy,
			      int *err)
{
	struct ike_engine *e = ike->e;
	struct child_sa *c = calloc(1, sizeof(*c));
	*err = -RTX_ENOMEM;
	if (!c)
		return NULL;
	c->ike = ike;
	rekey_child_init(c);
	c->tunnel = tunnel;
	c->policy = policy;
	c->reqid = kernel_tunnel_reqid(tunnel);
	c->if_id = kernel_tunnel_if_id(tunnel);
	if (!(c->num_send = ike_number_alloc(e)) || !(c->num_recv = ike_number_alloc(e))) {
		ike_number_free(e, c->num_send);
		free(c);
		return NULL;
	}
	for (int send = 1; send >= 0; send--) {
		child_log(c, send, LOG_SA_TEMP_ASSIGNED);
		child_log(c, send, LOG_BOUND_ON_SA, ike->number);
		child_log(c, send, LOG_ASSIGNED_POLICY, tunnel, (unsigned)policy);
	}
	*err = e->d.kernel->ops->get_spi(e->d.kernel, &ike->remote.addr, &ike->local.addr,
					 c->reqid, &c->spi_in);
	if (*err) {
		kerr(c, "get_spi", *err);
		child_sa_discard(c);
		return NULL;
	}
	return c;
}

/* ---- the tunnel's interface, policies and routes ------------------------ */

static struct tunnel_state *tunnel_find(struct ike_engine *e, unsigned num)
{
	for (size_t i = 0; i < e->n_tunnels; i++)
		if (e->tunnels[i].num == num)
			return &e->tunnels[i];
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

/* Routes of `ip route ... gateway tunnel N`; n_done tells how many went in. */
static int routes_apply(struct ike_engine *e, unsigned tunnel, bool add)
{
	struct kernel *k = e->d.kernel;
	const struct ipsec_config *cfg = e->d.config;
	int err = 0;
	for (size_t i = 0; i < cfg->n_routes; i++) {
		const struct route_config *r = &cfg->routes[i];
		if (r->tunnel != tunnel)
			continue;
		struct kernel_route kr = { r->net, r->len, tunnel };
		int rc = add ? k->ops->add_route(k, &kr) : k->ops->del_route(k, &kr);
		if (rc && !err)
			err = rc;
	}
	return err;
}

static void tunnel_teardown(struct ike_engine *e, struct tunnel_state *t, int policies)
{
	struct kernel *k = e->d.kernel;
	struct kernel_policy p[3];
	routes_apply(e, t->num, false);
	policy_ids(t, p);
	for (int i = 0; i < policies; i++)
		k->ops->del_policy(k, &p[i].id);
	k->ops->del_if(k, t->num);
}

static int tunnel_up(struct ike_engine *e, struct tunnel_state *t)
{
	struct kernel *k = e->d.kernel;
	struct kernel_policy p[3];
	int err = k->ops->add_if(k, t->num, t->if_id), i = 0;
	if (err)
		return err;
	if ((err = k->ops->set_if_up(k, t->num, true)))
		goto fail;
	policy_ids(t, p);
	for (; i < 3; i++)
		if ((err = k->ops->add_policy(k, &p[i])))
			goto fail;
	if ((err = routes_apply(e, t->num, true)))
		goto fail;
	return 0;
fail:
	tunnel_teardown(e, t, i);
	return err;
}

static void tunnel_set(struct tunnel_state *t, const struct child_sa *c)
{
	t->if_id = c->if_id;
	t->reqid = c->reqid;
	t->local = c->ike->local.addr;
	t->remote = c->ike->remote.addr;
	t->ts_l = c->ts_l;
	t->ts_r = c->ts_r;
	t->ts_l_len = c->ts_l_len;
	t->ts_r_len = c->ts_r_len;
}

static bool tunnel_fits(const struct tunnel_state *t, const struct child_sa *c)
{
	return ip_addr_equal(&t->local, &c->ike->local.addr) &&
	       ip_addr_equal(&t->remote, &c->ike->remote.addr) &&
	       ip_addr_equal(&t->ts_l, &c->ts_l) && ip_addr_equal(&t->ts_r, &c->ts_r) &&
	       t->ts_l_len == c->ts_l_len && t->ts_r_len == c->ts_r_len;
}

static int tunnel_hold(struct child_sa *c)
{
	struct ike_engine *e = c->ike->e;
	struct tunnel_state *t = tunnel_find(e, c->tunnel);
	if (t && !t->nchild && !tunnel_fits(t, c)) {
		/* Standing on the config's guess (a NAT, narrower selectors):
		 * the negotiated CHILD SA decides. */
		tunnel_teardown(e, t, 3);
		tunnel_set(t, c);
		int err = tunnel_up(e, t);
		if (err) {
			*t = e->tunnels[--e->n_tunnels];
			return err;
		}
	}
	if (t) {
		t->nchild++;
		return 0;
	}
	struct tunnel_state *grown = realloc(e->tunnels, (e->n_tunnels + 1) * sizeof(*grown));
	if (!grown)
		return -RTX_ENOMEM;
	e->tunnels = grown;
	t = &e->tunnels[e->n_tunnels];
	*t = (struct tunnel_state){ .num = c->tunnel, .nchild = 1 };
	tunnel_set(t, c);
	int err = tunnel_up(e, t);
	if (!err)
		e->n_tunnels++;
	return err;
}

static void tunnel_release(struct child_sa *c)
{
	struct ike_engine *e = c->ike->e;
	struct tunnel_state *t = tunnel_find(e, c->tunnel);
	if (!t || --t->nchild || t->standing)
		return;
	tunnel_teardown(e, t, 3);
	*t = e->tunnels[--e->n_tunnels];
}

/* A standing tunnel keeps its interface, policies and routes while it has
 * no CHILD SA, so traffic into it raises an XFRM acquire (the router's
 * answer to `ipsec auto refresh off`). The selectors are those the
 * initiator proposes (everything of the family), so the first CHILD SA
 * finds its policies already in place. */
int ike_tunnel_stand(struct ike_engine *e, unsigned num, const struct ip_addr *local,
		     const struct ip_addr *remote)
{
	struct tunnel_state *t = tunnel_find(e, num);
	if (t) {
		t->standing = true;
		return 0;
	}
	struct tunnel_state *grown = realloc(e->tunnels, (e->n_tunnels + 1) * sizeof(*grown));
	if (!grown)
		return -RTX_ENOMEM;
	e->tunnels = grown;
	t = &e->tunnels[e->n_tunnels];
	struct ip_addr all = { .family = remote->family };
	*t = (struct tunnel_state){ .num = num, .standing = true,
				    .if_id = kernel_tunnel_if_id(num),
				    .reqid = kernel_tunnel_reqid(num), .local = *local,
				    .remote = *remote, .ts_l = all, .ts_r = all };
	int err = tunnel_up(e, t);
	if (!err)
		e->n_tunnels++;
	return err;
}

void ike_tunnel_unstand(struct ike_engine *e, unsigned num)
{
	struct tunnel_state *t = tunnel_find(e, num);
	if (!t || !t->standing)
		return;
	t->standing = false;
	if (t->nchild)
		return;
	tunnel_teardown(e, t, 3);
	*t = e->tunnels[--e->n_tunnels];
}

bool ike_tunnel_standing(const struct ike_engine *e, unsigned num)
{
	for (size_t i = 0; i < e->n_tunnels; i++)
		if (e->tunnels[i].num == num)
			return e->tunnels[i].standing;
	return false;
}

/* ---- SAs ------------------------------------------------------------------ */

static void fill_sa(struct child_sa *c, bool out, const struct child_keys *k,
		    struct kernel_sa *sa)
{
	struct ike_sa *ike = c->ike;
	const struct gateway_config *g = ike_gateway(ike->e, ike->gateway);
	const struct policy_config *p = config_policy_find(ike->e->d.config, c->policy);
	/* KEYMAT i->r protects what the original initiator sends. */
	bool i_to_r = out == ike->initiator;
	*sa = (struct kernel_sa){
		.id = { .src = out ? ike->local.addr : ike->remote.addr,
			.dst = out ? ike->remote.addr : ike->local.addr,
			.spi = out ? c->spi_out : c->spi_in, .proto = KERNEL_PROTO_ESP },
		.reqid = c->reqid, .if_id = c->if_id, .inbound = !out,
		.encr = k->encr->id, .integ = k->integ ? k->integ->id : 0,
		.encr_key_len = (uint16_t)k->e_len, .integ_key_len = (uint16_t)k->a_len,
		.replay_window = !out && p && p->anti_replay ? REPLAY_WINDOW : 0,
		.esn = c->prop.esn,
	};
	natt_encap(ike, out, sa);
	memcpy(sa->encr_key, i_to_r ? k->ei : k->er, k->e_len);
	memcpy(sa->integ_key, i_to_r ? k->ai : k->ar, k->a_len);
	if (g) {
		const struct sa_duration *d = &g->child_life;
		unsigned pct = d->rekey_pct ? d->rekey_pct : 75;
		sa->life.hard_secs = d->seconds;
		sa->life.soft_secs = (uint64_t)d->seconds * pct / 100;
		sa->life.hard_bytes = (uint64_t)d->kbytes * 1024;
		sa->life.soft_bytes = sa->life.hard_bytes * 75 / 100;
	}
}

static void dump_keymat(struct child_sa *c, const struct kernel_sa *out,
			const struct kernel_sa *in)
{
	struct ike_sa *ike = c->ike;
	char sub[40];
	if (!(ike_log_types(ike) & LOGTYPE_KEY))
		return;
	ike_sa_xsub(ike, "AUTH", sub, sizeof(sub));
	log_text(ike->e->d.log, LOG_DEBUG, "[IKE2] %s calculate KEYMAT", sub);
	const struct kernel_sa *dir[2] = { out, in };
	static const char *titles[2][3] = {
		{ "SPI(send):", "encryption key(send):", "authentication key(send):" },
		{ "SPI(recv):", "encryption key(recv):", "authentication key(recv):" },
	};
	for (int i = 0; i < 2; i++) {
		uint8_t spi[4] = { (uint8_t)(dir[i]->id.spi >> 24), (uint8_t)(dir[i]->id.spi >> 16),
				   (uint8_t)(dir[i]->id.spi >> 8), (uint8_t)dir[i]->id.spi };
		ike_sa_dump_key(ike, sub, titles[i][0], spi, 4);
		ike_sa_dump_key(ike, sub, titles[i][1], dir[i]->encr_key, dir[i]->encr_key_len);
		ike_sa_dump_key(ike, sub, titles[i][2], dir[i]->integ_key, dir[i]->integ_key_len);
	}
}

int child_sa_install(struct child_sa *c, const struct child_keys *keys)
{
	struct kernel *k = c->ike->e->d.kernel;
	struct kernel_sa in, out;
	fill_sa(c, false, keys, &in);
	fill_sa(c, true, keys, &out);
	dump_keymat(c, &out, &in);
	int err = k->ops->add_sa(k, &in);
	const char *op = "add_sa(in)";
	if (!err) {
		c->in_installed = true;
		op = "add_sa(out)";
		err = k->ops->add_sa(k, &out);
	}
	if (!err) {
		c->out_installed = true;
		op = "tunnel";
		err = tunnel_hold(c);
	}
	explicit_bzero(&in, sizeof(in));
	explicit_bzero(&out, sizeof(out));
	if (err) {
		kerr(c, op, err);
		return err;
	}
	c->tunnel_held = true;
	c->established = true;
	c->established_ms = ike_now_ms(c->ike->e);
	c->next = c->ike->children;
	c->ike->children = c;
	child_log(c, true, LOG_SA_ESTABLISHED);
	child_log(c, false, LOG_SA_ESTABLISHED);
	rekey_child_installed(c);
	return 0;
}

static void uninstall(struct child_sa *c)
{
	struct ike_sa *ike = c->ike;
	struct kernel *k = ike->e->d.kernel;
	struct kernel_sa_id in = { ike->remote.addr, ike->local.addr, c->spi_in,
				   KERNEL_PROTO_ESP };
	struct kernel_sa_id out = { ike->local.addr, ike->remote.addr, c->spi_out,
				    KERNEL_PROTO_ESP };
	if (c->tunnel_held)
		tunnel_release(c);
	if (c->out_installed)
		k->ops->del_sa(k, &out);
	if (c->in_installed || !c->established)
		k->ops->del_sa(k, &in);   /* also a larval SPI allocation */
	c->tunnel_held = c->out_installed = c->in_installed = false;
}

static void finish(struct child_sa *c)
{
	struct ike_engine *e = c->ike->e;
	rekey_child_gone(c);
	child_log(c, true, LOG_SA_DELETED);
	child_log(c, false, LOG_SA_DELETED);
	ike_number_free(e, c->num_send);
	ike_number_free(e, c->num_recv);
	free(c);
}

void child_sa_delete(struct child_sa *c)
{
	for (struct child_sa **p = &c->ike->children; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	uninstall(c);
	finish(c);
}

void child_sa_discard(struct child_sa *c)
{
	if (!c)
		return;
	uninstall(c);
	finish(c);
}

void child_sa_rebind(struct child_sa *c, struct ike_sa *to)
{
	for (struct child_sa **p = &c->ike->children; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	c->ike = to;
	c->next = to->children;
	to->children = c;
	child_log(c, true, LOG_BOUND_ON_SA_CHANGED, to->number);
	child_log(c, false, LOG_BOUND_ON_SA_CHANGED, to->number);
}

/* ---- traffic selectors ---------------------------------------------------- */

void child_sa_ts_all(uint8_t family, struct ts_selector *ts)
{
	bool v6 = family == AF_INET6;
	*ts = (struct ts_selector){ .type = v6 ? IKEV2_TS_IPV6_ADDR_RANGE
					       : IKEV2_TS_IPV4_ADDR_RANGE,
				    .end_port = 65535 };
	memset(ts->end, 0xff, v6 ? 16 : 4);
}

/* The prefix length when start..end is exactly one prefix, else -1. */
static int range_prefix(const uint8_t *s, const uint8_t *e, size_t n)
{
	int len = 0;
	size_t i = 0;
	for (; i < n && s[i] == e[i]; i++)
		len += 8;
	if (i == n)
		return len;
	uint8_t diff = (uint8_t)(s[i] ^ e[i]);
	int bits = 0;
	while (bits < 8 && !(diff & (0x80 >> bits)))
		bits++;
	uint8_t mask = (uint8_t)(0xff >> bits);
	if ((s[i] & mask) != 0 || (e[i] & mask) != mask)
		return -1;
	for (size_t j = i + 1; j < n; j++)
		if (s[j] != 0 || e[j] != 0xff)
			return -1;
	return len + bits;
}

int child_sa_ts_pick(const struct payload_ts *offered, uint8_t family,
		     struct ip_addr *net, uint8_t *len)
{
	bool v6 = family == AF_INET6;
	size_t n = v6 ? 16 : 4;
	for (size_t i = 0; i < offered->nts; i++) {
		const struct ts_selector *t = &offered->ts[i];
		if (t->type != (v6 ? IKEV2_TS_IPV6_ADDR_RANGE : IKEV2_TS_IPV4_ADDR_RANGE) ||
		    t->ip_proto != 0 || t->start_port != 0 || t->end_port != 65535)
			continue;
		int plen = range_prefix(t->start, t->end, n);
		if (plen < 0)
			continue;
		*net = (struct ip_addr){ .family = family };
		memcpy(net->bytes, t->start, n);
		*len = (uint8_t)plen;
		return 0;
	}
	return -RTX_ENOENT;
}

void child_sa_ts_from_prefix(const struct ip_addr *net, uint8_t len,
			     struct ts_selector *ts)
{
	bool v6 = net->family == AF_INET6;
	size_t n = v6 ? 16 : 4;
	child_sa_ts_all(net->family, ts);
	for (size_t i = 0; i < n; i++) {
		int bits = (int)len - (int)(i * 8);
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		ts->start[i] = net->bytes[i] & mask;
		ts->end[i] = (uint8_t)(net->bytes[i] | (uint8_t)~mask);
	}
}
