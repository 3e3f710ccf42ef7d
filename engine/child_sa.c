#include "engine/child_sa.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/err.h"
#include "base/log.h"
#include "engine/auth_eap.h"
#include "engine/config.h"
#include "engine/ike_sa.h"
#include "engine/tunnel.h"

/* Packets; the kernel's usual default when the check is on. */
#define REPLAY_WINDOW 32

/* ---- the transition table ------------------------------------------------ */

#define M(f, t, ev) { CHILD_STATE_##f, CHILD_STATE_##t, SA_EV_##ev }
static const struct sa_move moves[] = {
	M(LARVAL, ESTABLISHED, ESTABLISHED),
	M(LARVAL, DELETING, DELETING),           /* negotiation or install failed */
	SA_MOVES_WHEN_UP(M),
};
#undef M

#define IN_KERNEL (CHILD_SAF_IN | CHILD_SAF_OUT | CHILD_SAF_TUNNEL)
static const unsigned needs[CHILD_STATE_COUNT] = {
	[CHILD_STATE_ESTABLISHED] = IN_KERNEL,
	[CHILD_STATE_REKEYING] = IN_KERNEL,
};

static const char *const names[CHILD_STATE_COUNT] = {
	"LARVAL", "ESTABLISHED", "REKEYING", "DELETING", "CLOSED",
};

const struct sa_machine child_sa_machine = {
	names, needs, CHILD_STATE_COUNT, moves, sizeof(moves) / sizeof(moves[0]),
};

const char *child_state_name(enum child_state s)
{
	return ike_core_state_name(&child_sa_machine, (int)s);
}

int child_sa_set_state(struct child_sa *c, enum child_state to)
{
	const struct sa_move *m = ike_core_move(&child_sa_machine, (int)c->state, (int)to,
						c->flags);
	if (!m)
		return -RTX_EINVAL;
	c->state = to;
	if (m->ev != SA_EV_NONE)
		ike_core_emit_child(c->ike->e, c, m->ev);
	return 0;
}

/* ---- logging ---------------------------------------------------------------- */

static void child_log(struct child_sa *c, bool send, enum log_id id, ...)
{
	char sub[32];
	va_list ap;
	if (!log_ike_wanted(c->ike->e->d.log, id))
		return;
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
	struct ike_core *e = ike->e;
	struct child_sa *c = calloc(1, sizeof(*c));
	*err = -RTX_ENOMEM;
	if (!c)
		return NULL;
	c->ike = ike;
	c->tunnel = tunnel;
	c->policy = policy;
	c->reqid = kernel_tunnel_reqid(tunnel);
	c->if_id = kernel_tunnel_if_id(tunnel);
	c->made_by_us = ike->initiator;   /* IKE_AUTH's; CREATE_CHILD_SA sets its own */
	if (!(c->num_send = ike_core_number_alloc(e, SA_KIND_CHILD, c))) {
		free(c);
		return NULL;
	}
	c->num_recv = c->num_send + 1;
	for (int send = 1; send >= 0; send--) {
		child_log(c, send, LOG_SA_TEMP_ASSIGNED);
		child_log(c, send, LOG_BOUND_ON_SA, ike->number);
		child_log(c, send, LOG_ASSIGNED_POLICY, tunnel, (unsigned)policy);
	}
	ike_core_emit_child(e, c, SA_EV_CREATED);
	*err = e->d.kernel->ops->get_spi(e->d.kernel, &ike->remote.addr, &ike->local.addr,
					 c->reqid, &c->spi_in);
	if (*err) {
		kerr(c, "get_spi", *err);
		child_sa_discard(c);
		return NULL;
	}
	return c;
}

/* ---- by SPI: the kernel's events name an SA by SPI and destination ------- */

static size_t spi_bucket(uint32_t spi)
{
	return (size_t)((spi ^ (spi >> 10) ^ (spi >> 20)) % IKE_SA_SIDE_BUCKETS);
}

static void spi_link(struct child_sa *c)
{
	struct ike_core *e = c->ike->e;
	struct child_sa **in = &e->spi_in_bucket[spi_bucket(c->spi_in)];
	struct child_sa **out = &e->spi_out_bucket[spi_bucket(c->spi_out)];
	c->in_next = *in;
	*in = c;
	c->out_next = *out;
	*out = c;
}

/* Takes c out of the list at *head that links through the pointer at
 * offset `link` of each CHILD SA. */
static void unlink_from(struct child_sa **head, struct child_sa *c, size_t link)
{
#define LINK(x) (*(struct child_sa **)((char *)(x) + link))
	for (struct child_sa **p = head; *p; p = &LINK(*p))
		if (*p == c) {
			*p = LINK(c);
			LINK(c) = NULL;
			return;
		}
#undef LINK
}

static void spi_unlink(struct child_sa *c)
{
	struct ike_core *e = c->ike->e;
	unlink_from(&e->spi_in_bucket[spi_bucket(c->spi_in)], c,
		    offsetof(struct child_sa, in_next));
	unlink_from(&e->spi_out_bucket[spi_bucket(c->spi_out)], c,
		    offsetof(struct child_sa, out_next));
}

/* ---- SAs ------------------------------------------------------------------ */

static void fill_sa(struct child_sa *c, bool out, const struct child_keys *k,
		    struct kernel_sa *sa)
{
	struct ike_sa *ike = c->ike;
	const struct gateway_config *g = ike_sa_gateway(ike);
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
	if (ike_sa_udp_encap(ike)) {
		sa->encap = true;
		sa->encap_sport = out ? ike->local.port : ike->remote.port;
		sa->encap_dport = out ? ike->remote.port : ike->local.port;
	}
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
	if (!(ike_sa_log_types(ike) & LOGTYPE_KEY))
		return;
	ike_sa_xsub(ike, c->by_create_child ? "CHLD" : "AUTH", sub, sizeof(sub));
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

/* The policies this CHILD SA wants on its tunnel: template and selectors. */
static void tunnel_want(const struct child_sa *c, struct tunnel_sel *t)
{
	*t = (struct tunnel_sel){ .local = c->ike->local.addr, .remote = c->ike->remote.addr,
				  .ts_l = c->ts_l, .ts_r = c->ts_r,
				  .ts_l_len = c->ts_l_len, .ts_r_len = c->ts_r_len };
}

/* The address a remote-access server assigned us (mode-cfg), which our
 * traffic into the tunnel leaves from: true on a client that got one. A
 * server's cp_addr is its client's lease, never its own. */
static bool own_cp_addr(const struct child_sa *c, struct ip_addr *out)
{
	const struct ike_sa *ike = c->ike;
	if (!ike->cp_addr.family || !auth_eap_client(ike_sa_gateway(ike)))
		return false;
	*out = ike->cp_addr;
	return true;
}

static int install(struct child_sa *c, const struct child_keys *keys, bool hold_out)
{
	struct ike_core *e = c->ike->e;
	struct kernel *k = e->d.kernel;
	struct kernel_sa in, out;
	struct tunnel_sel want;
	fill_sa(c, false, keys, &in);
	fill_sa(c, true, keys, &out);
	dump_keymat(c, &out, &in);
	int err = k->ops->add_sa(k, &in);
	const char *op = "add_sa(in)";
	snprintf(e->install_why, sizeof(e->install_why), "installing its inbound SA (SPI 0x%08x)",
		 c->spi_in);
	if (!err) {
		c->flags |= CHILD_SAF_IN;
		op = "add_sa(out)";
		snprintf(e->install_why, sizeof(e->install_why),
			 "installing its outbound SA (SPI 0x%08x)", c->spi_out);
		if (!hold_out)
			err = k->ops->add_sa(k, &out);
		else if (!(c->out_held = malloc(sizeof(*c->out_held))))
			err = -RTX_ENOMEM;
		else
			*c->out_held = out;
	}
	if (!err) {
		c->flags |= CHILD_SAF_OUT;
		op = "tunnel";
		tunnel_want(c, &want);
		err = tunnel_hold(e, c->tunnel, c->if_id, c->reqid, &want);
	}
	if (!err) {
		c->flags |= CHILD_SAF_TUNNEL;
		if (own_cp_addr(c, &c->own_addr)) {
			op = "address";
			if (!(err = tunnel_addr_hold(e, c->tunnel, &c->own_addr)))
				c->flags |= CHILD_SAF_ADDR;
		}
	}
	explicit_bzero(&in, sizeof(in));
	explicit_bzero(&out, sizeof(out));
	if (err) {
		kerr(c, op, err);
		c->install_err = err;
		return err;
	}
	c->established_ms = ike_core_now_ms(e);
	c->next = c->ike->children;
	c->ike->children = c;
	spi_link(c);
	child_log(c, true, LOG_SA_ESTABLISHED);
	child_log(c, false, LOG_SA_ESTABLISHED);
	return child_sa_set_state(c, CHILD_STATE_ESTABLISHED);
}

int child_sa_install(struct child_sa *c, const struct child_keys *keys)
{
	return install(c, keys, false);
}

int child_sa_install_holding_out(struct child_sa *c, const struct child_keys *keys)
{
	return install(c, keys, true);
}

static void drop_held(struct child_sa *c)
{
	if (!c->out_held)
		return;
	explicit_bzero(c->out_held, sizeof(*c->out_held));
	free(c->out_held);
	c->out_held = NULL;
}

int child_sa_release_out(struct child_sa *c)
{
	struct kernel *k = c->ike->e->d.kernel;
	if (!c->out_held)
		return 0;
	int err = k->ops->add_sa(k, c->out_held);
	if (err) {
		kerr(c, "add_sa(out)", err);
		return err;
	}
	drop_held(c);
	return 0;
}

/* Undoes what CHILD_SAF_* says is in the kernel. The inbound SPI goes in
 * any case: a larval CHILD SA holds it as an allocation. */
static void uninstall(struct child_sa *c)
{
	struct ike_sa *ike = c->ike;
	struct kernel *k = ike->e->d.kernel;
	struct kernel_sa_id in = { ike->remote.addr, ike->local.addr, c->spi_in,
				   KERNEL_PROTO_ESP };
	struct kernel_sa_id out = { ike->local.addr, ike->remote.addr, c->spi_out,
				    KERNEL_PROTO_ESP };
	if (c->flags & CHILD_SAF_ADDR)
		tunnel_addr_release(ike->e, c->tunnel, &c->own_addr);
	if (c->flags & CHILD_SAF_TUNNEL) {
		struct tunnel_sel sel;
		tunnel_want(c, &sel);
		tunnel_release(ike->e, c->tunnel, &sel);
	}
	if ((c->flags & CHILD_SAF_OUT) && !c->out_held)
		k->ops->del_sa(k, &out);
	drop_held(c);
	k->ops->del_sa(k, &in);
	c->flags = 0;
}

static void unlink_child(struct child_sa *c)
{
	unlink_from(&c->ike->children, c, offsetof(struct child_sa, next));
}

/* DELETING, out of the kernel, CLOSED (the listeners let go), freed. */
static void child_close(struct child_sa *c)
{
	struct ike_core *e = c->ike->e;
	int err = child_sa_set_state(c, CHILD_STATE_DELETING);
	assert(!err);   /* every state but CLOSED may go */
	uninstall(c);
	if (!err)
		err = child_sa_set_state(c, CHILD_STATE_CLOSED);
	assert(!err);
	(void)err;
	child_log(c, true, LOG_SA_DELETED);
	child_log(c, false, LOG_SA_DELETED);
	ike_core_number_free(e, c->num_send);
	free(c);
}

void child_sa_delete(struct child_sa *c)
{
	unlink_child(c);
	spi_unlink(c);
	child_close(c);
}

struct child_sa *child_sa_by_kernel_id(struct ike_core *e, const struct kernel_sa_id *id)
{
	struct child_sa *c;
	for (c = e->spi_in_bucket[spi_bucket(id->spi)]; c; c = c->in_next)
		if (c->spi_in == id->spi && ip_addr_equal(&id->dst, &c->ike->local.addr))
			return c;
	for (c = e->spi_out_bucket[spi_bucket(id->spi)]; c; c = c->out_next)
		if (c->spi_out == id->spi && ip_addr_equal(&id->dst, &c->ike->remote.addr))
			return c;
	return NULL;
}

void child_sa_discard(struct child_sa *c)
{
	if (c)
		child_close(c);
}

void child_sa_rebind(struct child_sa *c, struct ike_sa *to)
{
	unlink_child(c);
	c->ike = to;
	c->next = to->children;
	to->children = c;
	child_log(c, true, LOG_BOUND_ON_SA_CHANGED, to->number);
	child_log(c, false, LOG_BOUND_ON_SA_CHANGED, to->number);
}

/* The CHILD SAs leave the kernel as soon as their IKE SA starts to go
 * (it may wait DELETING for the answer to its Delete). */
static void on_ike(struct ike_sa *sa, enum sa_event ev)
{
	if (ev != SA_EV_DELETING && ev != SA_EV_GONE)
		return;
	while (sa->children)
		child_sa_delete(sa->children);
	child_sa_discard(sa->first_child);
	sa->first_child = NULL;
}

const struct sa_listener child_sa_listener = { .ike = on_ike };

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
