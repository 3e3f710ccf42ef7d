#include "engine/memnet.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "engine/loop.h"

struct host {
	struct transport base;
	struct memnet *net;
	struct ip_addr addr;
};

struct nat_map {
	struct endpoint inside, outside;
};

struct nat {
	struct ip_addr inside, public;
	bool keep_ports;          /* one-to-one: only the address changes */
	struct nat_map *maps;
	size_t n_maps;
	uint16_t next_port;
};

struct packet {
	struct endpoint src, dst;
	uint8_t *data;            /* framed datagram */
	size_t len;
	struct loop_timer timer;  /* delayed delivery with a loop */
	struct memnet *net;
};

struct memnet {
	struct loop *loop;
	uint64_t rng;
	struct memnet_faults faults;
	struct host **hosts;
	size_t n_hosts;
	struct nat *nats;
	size_t n_nats;
	struct packet **q;        /* in flight, oldest first */
	size_t n_q;
	memnet_tap_fn *tap;
	void *tap_arg;
	memnet_mangle_fn *mangle;
	void *mangle_arg;
};

/* splitmix64: small, seeded, good enough to pick faults. */
static unsigned roll(struct memnet *n)
{
	uint64_t z = (n->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (unsigned)((z ^ (z >> 31)) % 100u);
}

struct memnet *memnet_new(struct loop *loop, uint64_t seed)
{
	struct memnet *n = calloc(1, sizeof(*n));
	if (n) {
		n->loop = loop;
		n->rng = seed;
	}
	return n;
}

static void packet_free(struct packet *p)
{
	if (!p)
		return;
	if (p->net->loop)
		loop_timer_disarm(p->net->loop, &p->timer);
	free(p->data);
	free(p);
}

void memnet_free(struct memnet *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n_q; i++)
		packet_free(n->q[i]);
	for (size_t i = 0; i < n->n_nats; i++)
		free(n->nats[i].maps);
	free(n->q);
	free(n->nats);
	free(n->hosts);
	free(n);
}

void memnet_set_faults(struct memnet *n, const struct memnet_faults *f)
{
	n->faults = *f;
}

void memnet_set_tap(struct memnet *n, memnet_tap_fn *fn, void *arg)
{
	n->tap = fn;
	n->tap_arg = arg;
}

void memnet_set_mangle(struct memnet *n, memnet_mangle_fn *fn, void *arg)
{
	n->mangle = fn;
	n->mangle_arg = arg;
}

size_t memnet_in_flight(const struct memnet *n)
{
	return n->n_q;
}

static int add_nat(struct memnet *n, const struct ip_addr *inside,
		   const struct ip_addr *public, bool keep_ports)
{
	struct nat *grown = realloc(n->nats, (n->n_nats + 1) * sizeof(*grown));
	if (!grown)
		return -RTX_ENOMEM;
	n->nats = grown;
	n->nats[n->n_nats++] = (struct nat){ *inside, *public, keep_ports, NULL, 0, 1024 };
	return 0;
}

int memnet_add_nat(struct memnet *n, const struct ip_addr *inside,
		   const struct ip_addr *public)
{
	return add_nat(n, inside, public, false);
}

void memnet_nat_rebind(struct memnet *n)
{
	for (size_t i = 0; i < n->n_nats; i++) {
		free(n->nats[i].maps);
		n->nats[i].maps = NULL;
		n->nats[i].n_maps = 0;
	}
}

int memnet_add_static_nat(struct memnet *n, const struct ip_addr *inside,
			  const struct ip_addr *public)
{
	return add_nat(n, inside, public, true);
}

/* Source NAT for packets leaving an inside host. */
static int nat_out(struct memnet *n, struct endpoint *src)
{
	for (size_t i = 0; i < n->n_nats; i++) {
		struct nat *t = &n->nats[i];
		if (!ip_addr_equal(&t->inside, &src->addr))
			continue;
		if (t->keep_ports) {
			src->addr = t->public;
			return 0;
		}
		for (size_t m = 0; m < t->n_maps; m++)
			if (endpoint_equal(&t->maps[m].inside, src)) {
				*src = t->maps[m].outside;
				return 0;
			}
		struct nat_map *grown = realloc(t->maps, (t->n_maps + 1) * sizeof(*grown));
		if (!grown)
			return -RTX_ENOMEM;
		t->maps = grown;
		struct nat_map map = { *src, { t->public, t->next_port++ } };
		t->maps[t->n_maps++] = map;
		*src = map.outside;
		return 0;
	}
	return 0;
}

/* Destination NAT for replies to a mapping, and for anything to the
 * public address of a one-to-one NAT. */
static void nat_in(struct memnet *n, struct endpoint *dst)
{
	for (size_t i = 0; i < n->n_nats; i++) {
		if (n->nats[i].keep_ports && ip_addr_equal(&n->nats[i].public, &dst->addr)) {
			dst->addr = n->nats[i].inside;
			return;
		}
	}
	for (size_t i = 0; i < n->n_nats; i++)
		for (size_t m = 0; m < n->nats[i].n_maps; m++)
			if (endpoint_equal(&n->nats[i].maps[m].outside, dst)) {
				*dst = n->nats[i].maps[m].inside;
				return;
			}
}

static void deliver(struct memnet *n, struct packet *p)
{
	struct endpoint dst = p->dst;
	nat_in(n, &dst);
	for (size_t i = 0; i < n->n_hosts; i++) {
		struct host *h = n->hosts[i];
		if (!ip_addr_equal(&h->addr, &dst.addr))
			continue;
		const uint8_t *msg;
		size_t len;
		if (h->base.recv && transport_unframe(dst.port, p->data, p->len, &msg, &len))
			h->base.recv(h->base.recv_arg, &dst, &p->src, msg, len);
		return;
	}
}

static struct packet *dequeue(struct memnet *n, size_t i)
{
	struct packet *p = n->q[i];
	memmove(n->q + i, n->q + i + 1, (n->n_q - i - 1) * sizeof(*n->q));
	n->n_q--;
	return p;
}

static void timer_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	struct packet *p = arg;
	struct memnet *n = p->net;
	for (size_t i = 0; i < n->n_q; i++)
		if (n->q[i] == p) {
			dequeue(n, i);
			deliver(n, p);
			packet_free(p);
			return;
		}
}

static int enqueue(struct memnet *n, const struct endpoint *src,
		   const struct endpoint *dst, const uint8_t *data, size_t len)
{
	struct packet *p = calloc(1, sizeof(*p));
	struct packet **grown = realloc(n->q, (n->n_q + 1) * sizeof(*grown));
	if (grown)
		n->q = grown;
	if (!p || !grown || !(p->data = malloc(len ? len : 1))) {
		free(p);
		return -RTX_ENOMEM;
	}
	memcpy(p->data, data, len);
	*p = (struct packet){ *src, *dst, p->data, len, .net = n };
	/* Reordering: the new packet overtakes the one before it. */
	size_t at = n->n_q;
	if (at && roll(n) < n->faults.reorder_pct)
		at--;
	memmove(n->q + at + 1, n->q + at, (n->n_q - at) * sizeof(*n->q));
	n->q[at] = p;
	n->n_q++;
	if (n->loop) {
		loop_timer_init(&p->timer, timer_fired, p);
		return loop_timer_arm(n->loop, &p->timer, n->faults.delay_ms);
	}
	return 0;
}

/* What leaves a host after NAT and middlebox: seen, maybe lost, queued,
 * maybe twice. */
static int send_out(struct memnet *n, const struct endpoint *src,
		    const struct endpoint *remote, const uint8_t *dgram, size_t len)
{
	int err;
	if (n->tap)
		n->tap(n->tap_arg, src, remote, dgram, len);
	if (roll(n) < n->faults.drop_pct)
		return 0;
	if ((err = enqueue(n, src, remote, dgram, len)))
		return err;
	if (roll(n) < n->faults.dup_pct)
		return enqueue(n, src, remote, dgram, len);
	return 0;
}

static int host_sendto(struct host *h, const struct endpoint *local,
		       const struct endpoint *remote, const uint8_t *dgram, size_t len)
{
	struct memnet *n = h->net;
	struct endpoint src = { h->addr, local->port };
	uint8_t *rewritten = NULL;
	int err = nat_out(n, &src);
	if (err)
		return err;
	if (n->mangle && (rewritten = malloc(len + MEMNET_MANGLE_ROOM))) {
		size_t nlen = n->mangle(n->mangle_arg, &src, remote, dgram, len, rewritten,
					len + MEMNET_MANGLE_ROOM);
		if (nlen) {
			dgram = rewritten;
			len = nlen;
		}
	}
	err = send_out(n, &src, remote, dgram, len);
	free(rewritten);
	return err;
}

static int host_send(struct transport *t, const struct endpoint *local,
		     const struct endpoint *remote, const uint8_t *msg, size_t len)
{
	uint8_t *buf = malloc(len + 4);
	if (!buf)
		return -RTX_ENOMEM;
	size_t n = transport_frame(local->port, msg, len, buf, len + 4);
	int err = n ? host_sendto((struct host *)t, local, remote, buf, n) : -RTX_EINVAL;
	free(buf);
	return err;
}

static int host_send_keepalive(struct transport *t, const struct endpoint *local,
			       const struct endpoint *remote)
{
	static const uint8_t ka = 0xff;
	struct endpoint l = *local;
	l.port = IKE_NATT_PORT;
	return host_sendto((struct host *)t, &l, remote, &ka, 1);
}

static int host_source_for(struct transport *t, const struct ip_addr *remote,
			   struct ip_addr *local)
{
	struct host *h = (struct host *)t;
	if (h->addr.family != remote->family)
		return -RTX_ENOENT;
	*local = h->addr;
	return 0;
}

static void host_destroy(struct transport *t)
{
	struct host *h = (struct host *)t;
	struct memnet *n = h->net;
	for (size_t i = 0; i < n->n_hosts; i++)
		if (n->hosts[i] == h) {
			n->hosts[i] = n->hosts[--n->n_hosts];
			break;
		}
	free(h);
}

static const struct transport_ops host_ops = {
	.send = host_send,
	.send_keepalive = host_send_keepalive,
	.source_for = host_source_for,
	.destroy = host_destroy,
};

struct transport *memnet_attach(struct memnet *n, const struct ip_addr *addr)
{
	struct host *h = calloc(1, sizeof(*h));
	struct host **grown = realloc(n->hosts, (n->n_hosts + 1) * sizeof(*grown));
	if (grown)
		n->hosts = grown;
	if (!h || !grown) {
		free(h);
		return NULL;
	}
	h->base.ops = &host_ops;
	h->net = n;
	h->addr = *addr;
	n->hosts[n->n_hosts++] = h;
	return &h->base;
}

bool memnet_deliver_next(struct memnet *n)
{
	if (!n->n_q)
		return false;
	struct packet *p = dequeue(n, 0);
	deliver(n, p);
	packet_free(p);
	return true;
}

bool memnet_drop_next(struct memnet *n)
{
	if (!n->n_q)
		return false;
	packet_free(dequeue(n, 0));
	return true;
}

size_t memnet_deliver_all(struct memnet *n, size_t max)
{
	size_t done = 0;
	while (done < max && memnet_deliver_next(n))
		done++;
	return done;
}
