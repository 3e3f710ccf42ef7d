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
#include "kernel/kernel_nl.h"   /* struct vec: the netlink backend's indexed arrays */

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

/* Each table is a dense array with a hash index (struct vec), so a
 * concentrator's thousands of CHILD SAs cost a few probes per install, not
 * a scan. Removal moves the last item into the hole, exactly as the plain
 * arrays did before, so `kernel_sim_dump` lists in the same order. */
struct kernel_sim {
	struct kernel base;
	struct vec sas;               /* struct sim_sa */
	struct vec pols;              /* struct kernel_policy */
	struct vec ifs;               /* struct sim_if */
	struct vec routes;            /* struct kernel_route */
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

/* ---- the tables' keys ------------------------------------------------ */

/* Each hash reads exactly what its eq compares, and only the address bytes
 * the family uses, so equal keys hash alike. */

/* As in Linux, an SA is (daddr, SPI, proto): the source is not part of the
 * key, so update_sa may change it in place. */
static uint32_t sa_id_hash(const void *key)
{
	const struct kernel_sa_id *id = key;
	uint32_t h = pos_hash(POS_HASH0, &id->spi, sizeof(id->spi));
	h = pos_hash(h, &id->proto, 1);
	return pos_hash_addr(h, &id->dst);
}

static bool sa_id_eq(const void *item, const void *key)
{
	const struct kernel_sa_id *a = item, *b = key;
	return a->spi == b->spi && a->proto == b->proto && ip_addr_equal(&a->dst, &b->dst);
}

/* A route is its destination prefix; the tunnel is data. */
static uint32_t route_hash(const void *key)
{
	const struct kernel_route *r = key;
	return pos_hash_addr(pos_hash(POS_HASH0, &r->dst_len, 1), &r->dst);
}

static bool route_eq(const void *item, const void *key)
{
	const struct kernel_route *a = item, *b = key;
	return a->dst_len == b->dst_len && ip_addr_equal(&a->dst, &b->dst);
}

/* ---- SAs ---------------------------------------------------------------- */

static struct sim_sa *sa_at(const struct kernel_sim *s, size_t i)
{
	return kernel_nl_vec_at(&s->sas, i);
}

/* The position of an item a lookup returned. */
static size_t pos_of(const struct vec *v, const void *item)
{
	return (size_t)((const char *)item - (const char *)v->items) / v->size;
}

static void *find(const struct vec *v, const void *key)
{
	ssize_t i = kernel_nl_vec_find(v, key);
	return i < 0 ? NULL : kernel_nl_vec_at(v, (size_t)i);
}

static struct sim_sa *sa_lookup(const struct kernel_sim *s, const struct kernel_sa_id *id)
{
	return find(&s->sas, id);
}

static void sa_remove(struct kernel_sim *s, size_t i)
{
	kernel_nl_vec_remove(&s->sas, i);
	/* Past the end now: the removed SA itself, or the stale copy of the
	 * last one that moved into its place. Either holds keys. */
	explicit_bzero(sa_at(s, s->sas.n), s->sas.size);
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
	struct sim_sa e = { .sa = *sa, .stats.add_time = s->now, .seq = s->sa_seq + 1 };
	err = kernel_nl_vec_push(&s->sas, &e);
	explicit_bzero(&e, sizeof(e));   /* keys */
	if (!err)
		s->sa_seq++;
	return err;
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
	struct kernel_sim *s = sim(k);
	ssize_t i = kernel_nl_vec_find(&s->sas, id);
	if (i < 0)
		return -RTX_ENOENT;
	sa_remove(s, (size_t)i);
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

static struct kernel_policy *pol_lookup(const struct kernel_sim *s,
					const struct kernel_policy_id *id)
{
	return find(&s->pols, id);
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
	return kernel_nl_vec_push(&s->pols, p);
}

static int sim_del_policy(struct kernel *k, const struct kernel_policy_id *id)
{
	struct kernel_sim *s = sim(k);
	ssize_t i = kernel_nl_vec_find(&s->pols, id);
	if (i < 0)
		return -RTX_ENOENT;
	kernel_nl_vec_remove(&s->pols, (size_t)i);
	return 0;
}

static struct sim_if *if_lookup(const struct kernel_sim *s, unsigned tunnel)
{
	return find(&s->ifs, &tunnel);
}

static struct kernel_route *route_at(const struct kernel_sim *s, size_t i)
{
	return kernel_nl_vec_at(&s->routes, i);
}

static int sim_add_if(struct kernel *k, unsigned tunnel, uint32_t if_id)
{
	struct kernel_sim *s = sim(k);
	if (if_lookup(s, tunnel))
		return -RTX_EEXIST;
	struct sim_if i = { .tunnel = tunnel, .if_id = if_id };
	return kernel_nl_vec_push(&s->ifs, &i);
}

static int sim_del_if(struct kernel *k, unsigned tunnel)
{
	struct kernel_sim *s = sim(k);
	ssize_t i = kernel_nl_vec_find(&s->ifs, &tunnel);
	if (i < 0)
		return -RTX_ENOENT;
	kernel_nl_vec_remove(&s->ifs, (size_t)i);
	/* As in Linux, routes through a deleted interface go with it. A scan:
	 * it runs once per tunnel removed, not per SA installed. */
	for (size_t r = 0; r < s->routes.n;)
		if (route_at(s, r)->tunnel == tunnel)
			kernel_nl_vec_remove(&s->routes, r);
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

/* By destination alone, whichever tunnel: one route per prefix. */
static struct kernel_route *route_lookup(const struct kernel_sim *s,
					 const struct kernel_route *r)
{
	return find(&s->routes, r);
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
	return kernel_nl_vec_push(&s->routes, r);
}

static int sim_del_route(struct kernel *k, const struct kernel_route *r)
{
	struct kernel_sim *s = sim(k);
	struct kernel_route *e = route_lookup(s, r);
	if (!e || e->tunnel != r->tunnel)
		return -RTX_ENOENT;
	kernel_nl_vec_remove(&s->routes, pos_of(&s->routes, e));
	return 0;
}

static int sim_flush(struct kernel *k)
{
	struct kernel_sim *s = sim(k);
	if (s->sas.n)
		explicit_bzero(s->sas.items, s->sas.n * s->sas.size);   /* keys */
	kernel_nl_vec_free(&s->sas);
	kernel_nl_vec_free(&s->pols);
	kernel_nl_vec_free(&s->ifs);
	kernel_nl_vec_free(&s->routes);
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
	kernel_nl_vec_init(&s->sas, sizeof(struct sim_sa), sa_id_hash, sa_id_eq);
	kernel_nl_vec_init(&s->pols, sizeof(struct kernel_policy), kernel_nl_policy_id_hash, kernel_nl_policy_id_eq);
	kernel_nl_vec_init(&s->ifs, sizeof(struct sim_if), kernel_nl_unsigned_hash, kernel_nl_unsigned_eq);
	kernel_nl_vec_init(&s->routes, sizeof(struct kernel_route), route_hash, route_eq);
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
	struct sim_sa *e = sa_at(s, i);
	const struct kernel_lifetime *l = &e->sa.life;
	uint64_t age = s->now - e->stats.add_time;
	struct kernel_event ev = { .sa = e->sa.id, .reqid = e->sa.reqid, .if_id = e->sa.if_id };
	if ((l->hard_secs && age >= l->hard_secs) ||
	    (l->hard_bytes && e->stats.bytes >= l->hard_bytes)) {
		sa_remove(s, i);
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
	sa_check_expiry(s, pos_of(&s->sas, e));
	return 0;
}

void kernel_sim_tick(struct kernel *k, uint64_t now_secs)
{
	struct kernel_sim *s = sim(k);
	s->now = now_secs;
	for (size_t i = 0; i < s->sas.n;)
		if (!sa_check_expiry(s, i))
			i++;
}

int kernel_sim_acquire(struct kernel *k, uint32_t if_id)
{
	struct kernel_sim *s = sim(k);
	for (size_t i = 0; i < s->pols.n; i++) {
		const struct kernel_policy *p = kernel_nl_vec_at(&s->pols, i);
		if (p->id.if_id != if_id || p->id.dir != KERNEL_DIR_OUT)
			continue;
		struct kernel_event ev = { .type = KERNEL_EV_ACQUIRE,
					   .reqid = p->reqid, .if_id = if_id };
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
	for (size_t i = 0; i < s->sas.n; i++) {
		const struct sim_sa *e = sa_at(s, i);
		if (!e->sa.inbound && e->sa.if_id == if_id && (!best || e->seq > best->seq))
			best = e;
	}
	if (!best)
		return -RTX_ENOENT;
	*spi = best->sa.id.spi;
	return 0;
}

size_t kernel_sim_sa_count(const struct kernel *k) { return csim(k)->sas.n; }
size_t kernel_sim_policy_count(const struct kernel *k) { return csim(k)->pols.n; }
size_t kernel_sim_route_count(const struct kernel *k) { return csim(k)->routes.n; }
size_t kernel_sim_if_count(const struct kernel *k) { return csim(k)->ifs.n; }

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
	for (size_t i = 0; i < s->sas.n; i++) {
		const struct sim_sa *e = sa_at(s, i);
		fprintf(out, "sa %s -> %s spi 0x%08x reqid %u if_id 0x%x %s encr %u/%u integ %u/%u%s bytes %llu packets %llu\n",
			ip_addr_str(&e->sa.id.src, a, sizeof(a)),
			ip_addr_str(&e->sa.id.dst, b, sizeof(b)), e->sa.id.spi,
			e->sa.reqid, e->sa.if_id, e->sa.inbound ? "in" : "out",
			e->sa.encr, e->sa.encr_key_len * 8u, e->sa.integ,
			e->sa.integ_key_len * 8u, e->sa.encap ? " encap" : "",
			(unsigned long long)e->stats.bytes,
			(unsigned long long)e->stats.packets);
	}
	for (size_t i = 0; i < s->pols.n; i++) {
		const struct kernel_policy *p = kernel_nl_vec_at(&s->pols, i);
		char c[64], d[64];
		fprintf(out, "policy %s/%u -> %s/%u dir %s if_id 0x%x tmpl %s -> %s reqid %u\n",
			ip_addr_str(&p->id.src_net, a, sizeof(a)), p->id.src_len,
			ip_addr_str(&p->id.dst_net, b, sizeof(b)), p->id.dst_len,
			dir_name(p->id.dir), p->id.if_id,
			ip_addr_str(&p->tun_src, c, sizeof(c)),
			ip_addr_str(&p->tun_dst, d, sizeof(d)), p->reqid);
	}
	for (size_t i = 0; i < s->ifs.n; i++) {
		const struct sim_if *f = kernel_nl_vec_at(&s->ifs, i);
		fprintf(out, "interface tunnel%u if_id 0x%x %s\n", f->tunnel, f->if_id,
			f->up ? "up" : "down");
		if (f->addr.family)
			fprintf(out, "address %s/%u dev tunnel%u\n",
				ip_addr_str(&f->addr, a, sizeof(a)), f->addr_len, f->tunnel);
	}
	for (size_t i = 0; i < s->routes.n; i++) {
		const struct kernel_route *r = route_at(s, i);
		fprintf(out, "route %s/%u dev tunnel%u\n", ip_addr_str(&r->dst, a, sizeof(a)),
			r->dst_len, r->tunnel);
	}
}
