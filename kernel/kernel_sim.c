/* The sim backend: an in-memory SAD, SPD, interface and route table that
 * behaves like the kernel where the engine can tell (duplicates refused,
 * unknown ids reported, lifetimes expiring soft then hard, routes dying with
 * their interface). It is the default without privileges and the test
 * double for every engine test. */
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "base/err.h"
#include "kernel/kernel.h"
#include "kernel/sim_index.h"

struct sim_sa {
	struct kernel_sa sa;
	struct kernel_sa_stats stats;
	uint64_t seq;             /* order of install: Linux sends on the newest */
	bool soft_fired;
};

struct sim_if {
	unsigned tunnel;
	uint32_t if_id;
	bool up;
	struct ip_addr addr;          /* add_tunnel_addr; family 0: none */
	uint8_t addr_len;
};

struct kernel_sim {
	struct kernel base;
	struct sim_sa *sas;
	size_t n_sas, cap_sas;
	struct kernel_policy *pols;
	size_t n_pols, cap_pols;
	struct sim_if *ifs;
	size_t n_ifs, cap_ifs;
	struct kernel_route *routes;
	size_t n_routes, cap_routes;
	/* by SA id, policy id, tunnel, route destination (sim_index.h) */
	struct sim_index sa_idx, pol_idx, if_idx, route_idx;
	uint32_t spi_next;
	uint64_t now;
	uint64_t sa_seq;
	enum kernel_sim_op fail_op;   /* kernel_sim_fail */
	int fail_err;
	unsigned fail_count;
	bool watch_spi;               /* `ipsec log illegal-spi on` */
	struct kernel_sim_ping *pings;
	size_t n_pings, cap_pings;
};

static struct kernel_sim *sim(struct kernel *k) { return (struct kernel_sim *)k; }

/* An injected refusal of op, counted down (kernel_sim_fail). */
static int injected(struct kernel_sim *s, enum kernel_sim_op op)
{
	if (!s->fail_count || s->fail_op != op)
		return 0;
	s->fail_count--;
	return s->fail_err;
}
static const struct kernel_sim *csim(const struct kernel *k)
{
	return (const struct kernel_sim *)k;
}

/* Grows *arr to hold one more element; 0 or -RTX_ENOMEM. */
static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return -RTX_ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static bool sa_id_equal(const struct kernel_sa_id *a, const struct kernel_sa_id *b)
{
	return a->spi == b->spi && a->proto == b->proto &&
	       ip_addr_equal(&a->dst, &b->dst);
}

static uint64_t sa_id_hash(const struct kernel_sa_id *id)
{
	uint64_t h = sim_hash_bytes(SIM_HASH_INIT, &id->spi, sizeof(id->spi));
	h = sim_hash_bytes(h, &id->proto, sizeof(id->proto));
	return sim_hash_addr(h, &id->dst);
}

static uint64_t sa_hash_at(const void *ctx, size_t pos)
{
	return sa_id_hash(&((const struct kernel_sim *)ctx)->sas[pos].sa.id);
}

static bool sa_match_at(const void *ctx, size_t pos, const void *key)
{
	return sa_id_equal(&((const struct kernel_sim *)ctx)->sas[pos].sa.id, key);
}

static struct sim_sa *sa_lookup(const struct kernel_sim *s, const struct kernel_sa_id *id)
{
	size_t pos;
	return sim_index_find(&s->sa_idx, s, sa_id_hash(id), id, &pos) ? &s->sas[pos] : NULL;
}

static void sa_remove(struct kernel_sim *s, struct sim_sa *e)
{
	sim_index_del(&s->sa_idx, s, (size_t)(e - s->sas));
	explicit_bzero(&e->sa, sizeof(e->sa));   /* keys */
	*e = s->sas[--s->n_sas];
}

static int sim_get_spi(struct kernel *k, const struct ip_addr *src,
		       const struct ip_addr *dst, uint32_t reqid, uint32_t *spi)
{
	(void)src;
	(void)reqid;
	struct kernel_sim *s = sim(k);
	struct kernel_sa_id id = { .dst = *dst, .proto = KERNEL_PROTO_ESP };
	/* Deterministic, so test transcripts are stable; SPIs below 256 are
	 * reserved by RFC 4303. */
	do {
		s->spi_next = s->spi_next * 1103515245u + 12345u;
		id.spi = s->spi_next | 0x100u;
	} while (sa_lookup(s, &id));
	*spi = id.spi;
	return 0;
}

static int sa_check(const struct kernel_sa *sa)
{
	if (sa->id.proto != KERNEL_PROTO_ESP || sa->id.spi < 256)
		return -RTX_EINVAL;
	if (sa->id.src.family != sa->id.dst.family)
		return -RTX_EINVAL;
	if (!sa->encr || !sa->encr_key_len || sa->encr_key_len > KERNEL_KEY_MAX ||
	    sa->integ_key_len > KERNEL_KEY_MAX || (sa->integ && !sa->integ_key_len))
		return -RTX_EINVAL;
	return 0;
}

static int sim_add_sa(struct kernel *k, const struct kernel_sa *sa)
{
	struct kernel_sim *s = sim(k);
	int err = sa_check(sa);
	if (!err)
		err = injected(s, KERNEL_SIM_OP_ADD_SA);
	if (err)
		return err;
	if (sa_lookup(s, &sa->id))
		return -RTX_EEXIST;
	if ((err = grow((void **)&s->sas, &s->cap_sas, s->n_sas, sizeof(*s->sas))))
		return err;
	s->sas[s->n_sas] = (struct sim_sa){ .sa = *sa, .stats.add_time = s->now,
					    .seq = s->sa_seq + 1 };
	if ((err = sim_index_add(&s->sa_idx, s)))
		return err;
	s->n_sas++;
	s->sa_seq++;
	return 0;
}

static int sim_update_sa(struct kernel *k, const struct kernel_sa *sa)
{
	struct sim_sa *e = sa_lookup(sim(k), &sa->id);
	int err = sa_check(sa);
	if (err)
		return err;
	if (!e)
		return -RTX_ENOENT;
	e->sa = *sa;
	return 0;
}

static int sim_update_encap(struct kernel *k, const struct kernel_sa_id *id, uint16_t sport,
			    uint16_t dport)
{
	struct sim_sa *e = sa_lookup(sim(k), id);
	if (!e)
		return -RTX_ENOENT;
	if (!e->sa.encap)
		return -RTX_EINVAL;
	e->sa.encap_sport = sport;
	e->sa.encap_dport = dport;
	return 0;
}

static int sim_del_sa(struct kernel *k, const struct kernel_sa_id *id)
{
	struct sim_sa *e = sa_lookup(sim(k), id);
	if (!e)
		return -RTX_ENOENT;
	sa_remove(sim(k), e);
	return 0;
}

static int sim_query_sa(struct kernel *k, const struct kernel_sa_id *id,
			struct kernel_sa_stats *out)
{
	struct sim_sa *e = sa_lookup(sim(k), id);
	if (!e)
		return -RTX_ENOENT;
	*out = e->stats;
	return 0;
}

static bool pol_id_equal(const struct kernel_policy_id *a, const struct kernel_policy_id *b)
{
	return a->dir == b->dir && a->if_id == b->if_id && a->src_len == b->src_len &&
	       a->dst_len == b->dst_len && ip_addr_equal(&a->src_net, &b->src_net) &&
	       ip_addr_equal(&a->dst_net, &b->dst_net);
}

static uint64_t pol_id_hash(const struct kernel_policy_id *id)
{
	uint64_t h = sim_hash_bytes(SIM_HASH_INIT, &id->dir, sizeof(id->dir));
	h = sim_hash_bytes(h, &id->if_id, sizeof(id->if_id));
	h = sim_hash_bytes(h, &id->src_len, sizeof(id->src_len));
	h = sim_hash_bytes(h, &id->dst_len, sizeof(id->dst_len));
	return sim_hash_addr(sim_hash_addr(h, &id->src_net), &id->dst_net);
}

static uint64_t pol_hash_at(const void *ctx, size_t pos)
{
	return pol_id_hash(&((const struct kernel_sim *)ctx)->pols[pos].id);
}

static bool pol_match_at(const void *ctx, size_t pos, const void *key)
{
	return pol_id_equal(&((const struct kernel_sim *)ctx)->pols[pos].id, key);
}

static struct kernel_policy *pol_lookup(const struct kernel_sim *s,
					const struct kernel_policy_id *id)
{
	size_t pos;
	return sim_index_find(&s->pol_idx, s, pol_id_hash(id), id, &pos) ? &s->pols[pos] : NULL;
}

static int sim_add_policy(struct kernel *k, const struct kernel_policy *p)
{
	struct kernel_sim *s = sim(k);
	int inj = injected(s, KERNEL_SIM_OP_ADD_POLICY);
	if (inj)
		return inj;
	unsigned max = p->id.src_net.family == AF_INET6 ? 128 : 32;
	if (p->id.src_len > max || p->id.dst_len > max ||
	    p->id.src_net.family != p->id.dst_net.family)
		return -RTX_EINVAL;
	if (pol_lookup(s, &p->id))
		return -RTX_EEXIST;
	int err = grow((void **)&s->pols, &s->cap_pols, s->n_pols, sizeof(*s->pols));
	if (err)
		return err;
	s->pols[s->n_pols] = *p;
	if ((err = sim_index_add(&s->pol_idx, s)))
		return err;
	s->n_pols++;
	return 0;
}

static int sim_del_policy(struct kernel *k, const struct kernel_policy_id *id)
{
	struct kernel_sim *s = sim(k);
	struct kernel_policy *p = pol_lookup(s, id);
	if (!p)
		return -RTX_ENOENT;
	sim_index_del(&s->pol_idx, s, (size_t)(p - s->pols));
	*p = s->pols[--s->n_pols];
	return 0;
}

static uint64_t if_hash(unsigned tunnel)
{
	return sim_hash_bytes(SIM_HASH_INIT, &tunnel, sizeof(tunnel));
}

static uint64_t if_hash_at(const void *ctx, size_t pos)
{
	return if_hash(((const struct kernel_sim *)ctx)->ifs[pos].tunnel);
}

static bool if_match_at(const void *ctx, size_t pos, const void *key)
{
	return ((const struct kernel_sim *)ctx)->ifs[pos].tunnel == *(const unsigned *)key;
}

static struct sim_if *if_lookup(const struct kernel_sim *s, unsigned tunnel)
{
	size_t pos;
	return sim_index_find(&s->if_idx, s, if_hash(tunnel), &tunnel, &pos) ? &s->ifs[pos]
									     : NULL;
}

static void route_remove(struct kernel_sim *s, size_t i);

static int sim_add_if(struct kernel *k, unsigned tunnel, uint32_t if_id)
{
	struct kernel_sim *s = sim(k);
	if (if_lookup(s, tunnel))
		return -RTX_EEXIST;
	int err = grow((void **)&s->ifs, &s->cap_ifs, s->n_ifs, sizeof(*s->ifs));
	if (err)
		return err;
	s->ifs[s->n_ifs] = (struct sim_if){ .tunnel = tunnel, .if_id = if_id };
	if ((err = sim_index_add(&s->if_idx, s)))
		return err;
	s->n_ifs++;
	return 0;
}

static int sim_del_if(struct kernel *k, unsigned tunnel)
{
	struct kernel_sim *s = sim(k);
	struct sim_if *i = if_lookup(s, tunnel);
	if (!i)
		return -RTX_ENOENT;
	sim_index_del(&s->if_idx, s, (size_t)(i - s->ifs));
	*i = s->ifs[--s->n_ifs];
	/* As in Linux, routes through a deleted interface go with it. */
	for (size_t r = 0; r < s->n_routes;)
		if (s->routes[r].tunnel == tunnel)
			route_remove(s, r);
		else
			r++;
	return 0;
}

static int sim_set_if_up(struct kernel *k, unsigned tunnel, bool up)
{
	struct sim_if *i = if_lookup(sim(k), tunnel);
	if (!i)
		return -RTX_ENOENT;
	i->up = up;
	return 0;
}

/* One address per interface is all the engine puts there. */
static int sim_add_tunnel_addr(struct kernel *k, unsigned tunnel, const struct ip_addr *a,
			       uint8_t len)
{
	struct sim_if *i = if_lookup(sim(k), tunnel);
	if (!i)
		return -RTX_ENOENT;
	if (i->addr.family)
		return -RTX_EEXIST;
	i->addr = *a;
	i->addr_len = len;
	return 0;
}

static int sim_del_tunnel_addr(struct kernel *k, unsigned tunnel, const struct ip_addr *a,
			       uint8_t len)
{
	struct sim_if *i = if_lookup(sim(k), tunnel);
	if (!i || !i->addr.family || i->addr_len != len || !ip_addr_equal(&i->addr, a))
		return -RTX_ENOENT;
	i->addr = (struct ip_addr){ 0 };
	return 0;
}

static uint64_t route_hash(const struct kernel_route *r)
{
	return sim_hash_addr(sim_hash_bytes(SIM_HASH_INIT, &r->dst_len, sizeof(r->dst_len)),
			     &r->dst);
}

static uint64_t route_hash_at(const void *ctx, size_t pos)
{
	return route_hash(&((const struct kernel_sim *)ctx)->routes[pos]);
}

static bool route_match_at(const void *ctx, size_t pos, const void *key)
{
	const struct kernel_route *a = &((const struct kernel_sim *)ctx)->routes[pos], *b = key;
	return a->dst_len == b->dst_len && ip_addr_equal(&a->dst, &b->dst);
}

static struct kernel_route *route_lookup(const struct kernel_sim *s,
					 const struct kernel_route *r)
{
	size_t pos;
	return sim_index_find(&s->route_idx, s, route_hash(r), r, &pos) ? &s->routes[pos]
									 : NULL;
}

static void route_remove(struct kernel_sim *s, size_t i)
{
	sim_index_del(&s->route_idx, s, i);
	s->routes[i] = s->routes[--s->n_routes];
}

static int sim_add_route(struct kernel *k, const struct kernel_route *r)
{
	struct kernel_sim *s = sim(k);
	int inj = injected(s, KERNEL_SIM_OP_ADD_ROUTE);
	if (inj)
		return inj;
	if (!if_lookup(s, r->tunnel))
		return -RTX_ENOENT;
	if (route_lookup(s, r))
		return -RTX_EEXIST;
	int err = grow((void **)&s->routes, &s->cap_routes, s->n_routes, sizeof(*s->routes));
	if (err)
		return err;
	s->routes[s->n_routes] = *r;
	if ((err = sim_index_add(&s->route_idx, s)))
		return err;
	s->n_routes++;
	return 0;
}

static int sim_del_route(struct kernel *k, const struct kernel_route *r)
{
	struct kernel_sim *s = sim(k);
	struct kernel_route *e = route_lookup(s, r);
	if (!e || e->tunnel != r->tunnel)
		return -RTX_ENOENT;
	route_remove(s, (size_t)(e - s->routes));
	return 0;
}

static int sim_flush(struct kernel *k)
{
	struct kernel_sim *s = sim(k);
	while (s->n_sas)
		sa_remove(s, &s->sas[0]);
	s->n_pols = s->n_ifs = s->n_routes = 0;
	sim_index_clear(&s->pol_idx);
	sim_index_clear(&s->if_idx);
	sim_index_clear(&s->route_idx);
	return 0;
}

static int sim_watch_spi(struct kernel *k, bool on)
{
	sim(k)->watch_spi = on;
	return 0;
}

/* Recorded for the test to answer; an interface that is down or missing
 * sends nothing, as SO_BINDTODEVICE or the route would refuse. */
static int sim_ping(struct kernel *k, unsigned tunnel, const struct ip_addr *src,
		    const struct ip_addr *dst, uint16_t length, uint16_t id, uint16_t seq)
{
	struct kernel_sim *s = sim(k);
	if (!if_lookup(s, tunnel))
		return -RTX_ENOENT;
	int err = grow((void **)&s->pings, &s->cap_pings, s->n_pings, sizeof(*s->pings));
	if (err)
		return err;
	s->pings[s->n_pings++] = (struct kernel_sim_ping){
		.tunnel = tunnel, .src = *src, .dst = *dst, .length = length, .id = id, .seq = seq,
	};
	return 0;
}

static void sim_destroy(struct kernel *k)
{
	struct kernel_sim *s = sim(k);
	sim_flush(k);
	free(s->pings);
	free(s->sas);
	free(s->pols);
	free(s->ifs);
	free(s->routes);
	sim_index_free(&s->sa_idx);
	sim_index_free(&s->pol_idx);
	sim_index_free(&s->if_idx);
	sim_index_free(&s->route_idx);
	free(s);
}

static const struct kernel_ops sim_ops = {
	.name = "sim",
	.get_spi = sim_get_spi,
	.add_sa = sim_add_sa,
	.update_sa = sim_update_sa,
	.del_sa = sim_del_sa,
	.update_encap = sim_update_encap,
	.query_sa = sim_query_sa,
	.add_policy = sim_add_policy,
	.del_policy = sim_del_policy,
	.add_if = sim_add_if,
	.del_if = sim_del_if,
	.set_if_up = sim_set_if_up,
	.add_route = sim_add_route,
	.del_route = sim_del_route,
	.add_tunnel_addr = sim_add_tunnel_addr,
	.del_tunnel_addr = sim_del_tunnel_addr,
	.watch_spi = sim_watch_spi,
	.ping = sim_ping,
	.flush = sim_flush,
	.destroy = sim_destroy,
};

struct kernel *kernel_sim_new(void)
{
	struct kernel_sim *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &sim_ops;
	s->spi_next = 0xc0ffee;
	sim_index_init(&s->sa_idx, sa_hash_at, sa_match_at);
	sim_index_init(&s->pol_idx, pol_hash_at, pol_match_at);
	sim_index_init(&s->if_idx, if_hash_at, if_match_at);
	sim_index_init(&s->route_idx, route_hash_at, route_match_at);
	return &s->base;
}

void kernel_sim_seed(struct kernel *k, uint32_t seed)
{
	sim(k)->spi_next = seed;
}

static void emit(struct kernel_sim *s, const struct kernel_event *ev)
{
	if (s->base.event)
		s->base.event(s->base.event_arg, ev);
}

/* Fires soft then hard expiry for entry i; returns true if it was removed. */
static bool sa_check_expiry(struct kernel_sim *s, size_t i)
{
	struct sim_sa *e = &s->sas[i];
	const struct kernel_lifetime *l = &e->sa.life;
	uint64_t age = s->now - e->stats.add_time;
	struct kernel_event ev = { .sa = e->sa.id, .reqid = e->sa.reqid, .if_id = e->sa.if_id };
	if ((l->hard_secs && age >= l->hard_secs) ||
	    (l->hard_bytes && e->stats.bytes >= l->hard_bytes)) {
		sa_remove(s, e);
		ev.type = KERNEL_EV_EXPIRE_HARD;
		emit(s, &ev);
		return true;
	}
	if (!e->soft_fired && ((l->soft_secs && age >= l->soft_secs) ||
			       (l->soft_bytes && e->stats.bytes >= l->soft_bytes))) {
		e->soft_fired = true;
		ev.type = KERNEL_EV_EXPIRE_SOFT;
		emit(s, &ev);
	}
	return false;
}

int kernel_sim_account(struct kernel *k, const struct kernel_sa_id *id,
		       uint64_t bytes, uint64_t packets)
{
	struct kernel_sim *s = sim(k);
	struct sim_sa *e = sa_lookup(s, id);
	if (!e)
		return -RTX_ENOENT;
	e->stats.bytes += bytes;
	e->stats.packets += packets;
	sa_check_expiry(s, (size_t)(e - s->sas));
	return 0;
}

void kernel_sim_tick(struct kernel *k, uint64_t now_secs)
{
	struct kernel_sim *s = sim(k);
	s->now = now_secs;
	for (size_t i = 0; i < s->n_sas;)
		if (!sa_check_expiry(s, i))
			i++;
}

int kernel_sim_acquire(struct kernel *k, uint32_t if_id)
{
	struct kernel_sim *s = sim(k);
	for (size_t i = 0; i < s->n_pols; i++) {
		if (s->pols[i].id.if_id != if_id || s->pols[i].id.dir != KERNEL_DIR_OUT)
			continue;
		struct kernel_event ev = { .type = KERNEL_EV_ACQUIRE,
					   .reqid = s->pols[i].reqid, .if_id = if_id };
		emit(s, &ev);
		return 0;
	}
	return -RTX_ENOENT;
}

int kernel_sim_esp(struct kernel *k, const struct ip_addr *src, const struct ip_addr *dst,
		   uint32_t spi, uint16_t encap_port)
{
	struct kernel_sim *s = sim(k);
	struct kernel_sa_id id = { .src = *src, .dst = *dst, .spi = spi,
				   .proto = KERNEL_PROTO_ESP };
	if (sa_lookup(s, &id)) {
		kernel_sim_account(k, &id, 0, 1);
		return 0;
	}
	if (!s->watch_spi)
		return 0;
	struct kernel_event ev = { .type = KERNEL_EV_UNKNOWN_SPI, .sa = id,
				   .encap_port = encap_port };
	emit(s, &ev);
	return 1;
}

size_t kernel_sim_ping_count(const struct kernel *k) { return csim(k)->n_pings; }

const struct kernel_sim_ping *kernel_sim_ping_get(const struct kernel *k, size_t i)
{
	return i < csim(k)->n_pings ? &csim(k)->pings[i] : NULL;
}

void kernel_sim_echo_reply(struct kernel *k, const struct kernel_sim_ping *p)
{
	struct kernel_event ev = { .type = KERNEL_EV_ECHO_REPLY, .sa.src = p->dst,
				   .sa.dst = p->src, .echo_id = p->id, .echo_seq = p->seq };
	emit(sim(k), &ev);
}

void kernel_sim_fail(struct kernel *k, enum kernel_sim_op op, int err, unsigned count)
{
	struct kernel_sim *s = sim(k);
	s->fail_op = op;
	s->fail_err = err;
	s->fail_count = count;
}

int kernel_sim_out_spi(const struct kernel *k, uint32_t if_id, uint32_t *spi)
{
	const struct kernel_sim *s = csim(k);
	const struct sim_sa *best = NULL;
	for (size_t i = 0; i < s->n_sas; i++) {
		const struct sim_sa *e = &s->sas[i];
		if (!e->sa.inbound && e->sa.if_id == if_id && (!best || e->seq > best->seq))
			best = e;
	}
	if (!best)
		return -RTX_ENOENT;
	*spi = best->sa.id.spi;
	return 0;
}

size_t kernel_sim_sa_count(const struct kernel *k) { return csim(k)->n_sas; }
size_t kernel_sim_policy_count(const struct kernel *k) { return csim(k)->n_pols; }
size_t kernel_sim_route_count(const struct kernel *k) { return csim(k)->n_routes; }

const struct kernel_sa *kernel_sim_sa_find(const struct kernel *k,
					   const struct kernel_sa_id *id)
{
	struct sim_sa *e = sa_lookup(csim(k), id);
	return e ? &e->sa : NULL;
}

static const char *dir_name(enum kernel_dir d)
{
	return d == KERNEL_DIR_IN ? "in" : d == KERNEL_DIR_OUT ? "out" : "fwd";
}

void kernel_sim_dump(const struct kernel *k, FILE *out)
{
	const struct kernel_sim *s = csim(k);
	char a[64], b[64];
	for (size_t i = 0; i < s->n_sas; i++) {
		const struct sim_sa *e = &s->sas[i];
		fprintf(out, "sa %s -> %s spi 0x%08x reqid %u if_id 0x%x %s encr %u/%u integ %u/%u%s bytes %llu packets %llu\n",
			ip_addr_str(&e->sa.id.src, a, sizeof(a)),
			ip_addr_str(&e->sa.id.dst, b, sizeof(b)), e->sa.id.spi,
			e->sa.reqid, e->sa.if_id, e->sa.inbound ? "in" : "out",
			e->sa.encr, e->sa.encr_key_len * 8u, e->sa.integ,
			e->sa.integ_key_len * 8u, e->sa.encap ? " encap" : "",
			(unsigned long long)e->stats.bytes,
			(unsigned long long)e->stats.packets);
	}
	for (size_t i = 0; i < s->n_pols; i++) {
		const struct kernel_policy *p = &s->pols[i];
		char c[64], d[64];
		fprintf(out, "policy %s/%u -> %s/%u dir %s if_id 0x%x tmpl %s -> %s reqid %u\n",
			ip_addr_str(&p->id.src_net, a, sizeof(a)), p->id.src_len,
			ip_addr_str(&p->id.dst_net, b, sizeof(b)), p->id.dst_len,
			dir_name(p->id.dir), p->id.if_id,
			ip_addr_str(&p->tun_src, c, sizeof(c)),
			ip_addr_str(&p->tun_dst, d, sizeof(d)), p->reqid);
	}
	for (size_t i = 0; i < s->n_ifs; i++) {
		fprintf(out, "interface tunnel%u if_id 0x%x %s\n", s->ifs[i].tunnel,
			s->ifs[i].if_id, s->ifs[i].up ? "up" : "down");
		if (s->ifs[i].addr.family)
			fprintf(out, "address %s/%u dev tunnel%u\n",
				ip_addr_str(&s->ifs[i].addr, a, sizeof(a)), s->ifs[i].addr_len,
				s->ifs[i].tunnel);
	}
	for (size_t i = 0; i < s->n_routes; i++)
		fprintf(out, "route %s/%u dev tunnel%u\n",
			ip_addr_str(&s->routes[i].dst, a, sizeof(a)), s->routes[i].dst_len,
			s->routes[i].tunnel);
}
