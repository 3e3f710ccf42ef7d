/* The sim backend against a model: plain arrays searched by scans and
 * emptied by moving the last item into the hole, which is what the sim's
 * tables were before they got a hash index. 20,000 random adds, deletes,
 * updates, lookups, interface removals and expiry ticks over small key
 * pools (so duplicates, misses and refills are common) must give the same
 * answers, the same expiry count and the same `kernel_sim_dump` order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "base/err.h"
#include "kernel/kernel.h"

enum { ROUNDS = 20000, N_SPI = 150, N_TUNNEL = 40, N_ROUTE = 120, N_IFID = 20, MAX = 1024 };

struct model_sa {
	struct kernel_sa_id id;
	uint32_t reqid;
	uint64_t add_time, hard_secs;
};

struct model {
	struct model_sa sas[MAX];
	struct kernel_policy_id pols[MAX];
	unsigned ifs[MAX];
	struct kernel_route routes[MAX];
	size_t n_sas, n_pols, n_ifs, n_routes;
	uint64_t now;
	unsigned hard_events;
};

static uint32_t rnd(uint32_t *s, uint32_t n)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) % n;
}

static void on_event(void *arg, const struct kernel_event *ev)
{
	if (ev->type == KERNEL_EV_EXPIRE_HARD)
		((struct model *)arg)->hard_events++;
}

static struct ip_addr addr(const char *text)
{
	struct ip_addr a;
	assert_int_equal(ip_addr_parse(text, &a), 0);
	return a;
}

/* The model's removal: the last item fills the hole. Its finds scan. */
#define MODEL_REMOVE(arr, n, i) ((arr)[i] = (arr)[--(n)])

static ssize_t sa_find(const struct model *m, const struct kernel_sa_id *id)
{
	for (size_t i = 0; i < m->n_sas; i++)
		if (m->sas[i].id.spi == id->spi && ip_addr_equal(&m->sas[i].id.dst, &id->dst))
			return (ssize_t)i;
	return -1;
}

static ssize_t pol_find(const struct model *m, const struct kernel_policy_id *id)
{
	for (size_t i = 0; i < m->n_pols; i++) {
		const struct kernel_policy_id *p = &m->pols[i];
		if (p->dir == id->dir && p->if_id == id->if_id && p->src_len == id->src_len &&
		    p->dst_len == id->dst_len && ip_addr_equal(&p->src_net, &id->src_net) &&
		    ip_addr_equal(&p->dst_net, &id->dst_net))
			return (ssize_t)i;
	}
	return -1;
}

static ssize_t if_find(const struct model *m, unsigned tunnel)
{
	for (size_t i = 0; i < m->n_ifs; i++)
		if (m->ifs[i] == tunnel)
			return (ssize_t)i;
	return -1;
}

static ssize_t route_find(const struct model *m, const struct kernel_route *r)
{
	for (size_t i = 0; i < m->n_routes; i++)
		if (m->routes[i].dst_len == r->dst_len && ip_addr_equal(&m->routes[i].dst, &r->dst))
			return (ssize_t)i;
	return -1;
}

/* An SA from small pools: three destinations (one IPv6), the source
 * varying independently, since it is not part of an SA's key. */
static struct kernel_sa random_sa(uint32_t *seed)
{
	static const char *dst4[] = { "198.51.100.1", "198.51.100.2" };
	static const char *src4[] = { "192.0.2.1", "192.0.2.2" };
	uint32_t d = rnd(seed, 3), src = rnd(seed, 2);
	struct kernel_sa sa = { .id.proto = KERNEL_PROTO_ESP, .id.spi = 0x1000 + rnd(seed, N_SPI),
				.reqid = rnd(seed, 1000), .encr = 12, .encr_key_len = 16,
				.integ = 12, .integ_key_len = 32 };
	sa.id.dst = addr(d < 2 ? dst4[d] : "2001:db8::2");
	sa.id.src = addr(d < 2 ? src4[src] : src ? "2001:db8::1" : "2001:db8::3");
	if (!rnd(seed, 4))
		sa.life.hard_secs = 1 + rnd(seed, 40);
	return sa;
}

static struct kernel_policy random_policy(uint32_t *seed)
{
	char net[32];
	struct kernel_policy p = { .id.dir = (enum kernel_dir)rnd(seed, 3),
				   .id.if_id = kernel_tunnel_if_id(1 + rnd(seed, N_IFID)),
				   .id.src_len = 24, .id.dst_len = 16 };
	snprintf(net, sizeof(net), "10.0.%u.0", rnd(seed, 5));
	p.id.src_net = addr(net);
	p.id.dst_net = addr("10.1.0.0");
	return p;
}

static struct kernel_route random_route(uint32_t *seed)
{
	char net[32];
	struct kernel_route r = { .dst_len = 24, .tunnel = 1 + rnd(seed, N_TUNNEL) };
	snprintf(net, sizeof(net), "172.16.%u.0", rnd(seed, N_ROUTE));
	r.dst = addr(net);
	return r;
}

static void op_sa(struct kernel *k, struct model *m, uint32_t *seed)
{
	struct kernel_sa sa = random_sa(seed);
	ssize_t i = sa_find(m, &sa.id);
	const struct kernel_sa *got = kernel_sim_sa_find(k, &sa.id);
	assert_int_equal(got != NULL, i >= 0);
	if (got)
		assert_int_equal(got->reqid, m->sas[i].reqid);
	switch (rnd(seed, 4)) {
	case 0:   /* update: maybe a new source, reqid and lifetime, same key */
		assert_int_equal(k->ops->update_sa(k, &sa), i >= 0 ? 0 : -RTX_ENOENT);
		if (i >= 0) {
			m->sas[i].id.src = sa.id.src;
			m->sas[i].reqid = sa.reqid;
			m->sas[i].hard_secs = sa.life.hard_secs;
		}
		break;
	case 1:
		assert_int_equal(k->ops->del_sa(k, &sa.id), i >= 0 ? 0 : -RTX_ENOENT);
		if (i >= 0)
			MODEL_REMOVE(m->sas, m->n_sas, (size_t)i);
		break;
	default:
		assert_int_equal(k->ops->add_sa(k, &sa), i >= 0 ? -RTX_EEXIST : 0);
		if (i < 0)
			m->sas[m->n_sas++] = (struct model_sa){ sa.id, sa.reqid, m->now,
								sa.life.hard_secs };
	}
}

static void op_policy(struct kernel *k, struct model *m, uint32_t *seed)
{
	struct kernel_policy p = random_policy(seed);
	ssize_t i = pol_find(m, &p.id);
	if (rnd(seed, 2)) {
		assert_int_equal(k->ops->add_policy(k, &p), i >= 0 ? -RTX_EEXIST : 0);
		if (i < 0)
			m->pols[m->n_pols++] = p.id;
	} else {
		assert_int_equal(k->ops->del_policy(k, &p.id), i >= 0 ? 0 : -RTX_ENOENT);
		if (i >= 0)
			MODEL_REMOVE(m->pols, m->n_pols, (size_t)i);
	}
}

/* Removing an interface takes its routes along, in array order. */
static void op_if(struct kernel *k, struct model *m, uint32_t *seed)
{
	unsigned t = 1 + rnd(seed, N_TUNNEL);
	ssize_t i = if_find(m, t);
	if (rnd(seed, 3)) {
		assert_int_equal(k->ops->add_if(k, t, kernel_tunnel_if_id(t)),
				 i >= 0 ? -RTX_EEXIST : 0);
		if (i < 0)
			m->ifs[m->n_ifs++] = t;
		return;
	}
	assert_int_equal(k->ops->del_if(k, t), i >= 0 ? 0 : -RTX_ENOENT);
	if (i < 0)
		return;
	MODEL_REMOVE(m->ifs, m->n_ifs, (size_t)i);
	for (size_t r = 0; r < m->n_routes;)
		if (m->routes[r].tunnel == t)
			MODEL_REMOVE(m->routes, m->n_routes, r);
		else
			r++;
}

static void op_route(struct kernel *k, struct model *m, uint32_t *seed)
{
	struct kernel_route r = random_route(seed);
	ssize_t i = route_find(m, &r);
	if (rnd(seed, 2)) {
		int want = if_find(m, r.tunnel) < 0 ? -RTX_ENOENT : i >= 0 ? -RTX_EEXIST : 0;
		assert_int_equal(k->ops->add_route(k, &r), want);
		if (!want)
			m->routes[m->n_routes++] = r;
	} else {
		bool mine = i >= 0 && m->routes[i].tunnel == r.tunnel;
		assert_int_equal(k->ops->del_route(k, &r), mine ? 0 : -RTX_ENOENT);
		if (mine)
			MODEL_REMOVE(m->routes, m->n_routes, (size_t)i);
	}
}

/* Time passes; hard lifetimes run out in array order, each removal
 * moving the last SA into the hole before the walk goes on. */
static void op_tick(struct kernel *k, struct model *m, uint32_t *seed)
{
	m->now += rnd(seed, 4);
	unsigned before = m->hard_events;
	kernel_sim_tick(k, m->now);
	unsigned expired = 0;
	for (size_t i = 0; i < m->n_sas;)
		if (m->sas[i].hard_secs && m->now - m->sas[i].add_time >= m->sas[i].hard_secs) {
			MODEL_REMOVE(m->sas, m->n_sas, i);
			expired++;
		} else {
			i++;
		}
	assert_int_equal(m->hard_events - before, expired);
}

/* Each dump line begins as the model says, in the model's order. */
static void check_dump(struct kernel *k, const struct model *m)
{
	char *buf = NULL, a[64], b[64], want[160];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	kernel_sim_dump(k, f);
	fclose(f);
	const char *line = buf;
#define EXPECT(...)                                                          \
	do {                                                                 \
		snprintf(want, sizeof(want), __VA_ARGS__);                   \
		assert_int_equal(strncmp(line, want, strlen(want)), 0);      \
		line = strchr(line, '\n') + 1;                               \
	} while (0)
	for (size_t i = 0; i < m->n_sas; i++)
		EXPECT("sa %s -> %s spi 0x%08x reqid %u ",
		       ip_addr_str(&m->sas[i].id.src, a, sizeof(a)),
		       ip_addr_str(&m->sas[i].id.dst, b, sizeof(b)), m->sas[i].id.spi,
		       m->sas[i].reqid);
	for (size_t i = 0; i < m->n_pols; i++)
		EXPECT("policy %s/%u -> %s/%u dir %s if_id 0x%x ",
		       ip_addr_str(&m->pols[i].src_net, a, sizeof(a)), m->pols[i].src_len,
		       ip_addr_str(&m->pols[i].dst_net, b, sizeof(b)), m->pols[i].dst_len,
		       m->pols[i].dir == KERNEL_DIR_IN ? "in" :
		       m->pols[i].dir == KERNEL_DIR_OUT ? "out" : "fwd",
		       m->pols[i].if_id);
	for (size_t i = 0; i < m->n_ifs; i++)
		EXPECT("interface tunnel%u ", m->ifs[i]);
	for (size_t i = 0; i < m->n_routes; i++)
		EXPECT("route %s/%u dev tunnel%u\n", ip_addr_str(&m->routes[i].dst, a, sizeof(a)),
		       m->routes[i].dst_len, m->routes[i].tunnel);
#undef EXPECT
	assert_string_equal(line, "");
	free(buf);
}

static void test_against_model(void **state)
{
	(void)state;
	struct model *m = calloc(1, sizeof(*m));
	assert_non_null(m);
	struct kernel *k = kernel_sim_new();
	kernel_set_event_handler(k, on_event, m);
	uint32_t seed = 7;
	for (unsigned r = 0; r < ROUNDS; r++) {
		uint32_t op = rnd(&seed, 20);
		if (op < 8)
			op_sa(k, m, &seed);
		else if (op < 13)
			op_policy(k, m, &seed);
		else if (op < 15)
			op_if(k, m, &seed);
		else if (op < 19)
			op_route(k, m, &seed);
		else
			op_tick(k, m, &seed);
		assert_int_equal(kernel_sim_sa_count(k), m->n_sas);
		assert_int_equal(kernel_sim_policy_count(k), m->n_pols);
		assert_int_equal(kernel_sim_route_count(k), m->n_routes);
		if (r % 200 == 0)
			check_dump(k, m);
	}
	check_dump(k, m);
	assert_true(m->hard_events > 0);
	/* A fresh SPI is one no SA at that destination has. */
	struct kernel_sa sa = random_sa(&seed);
	assert_int_equal(k->ops->get_spi(k, &sa.id.src, &sa.id.dst, 1, &sa.id.spi), 0);
	assert_int_equal(sa_find(m, &sa.id), -1);
	assert_int_equal(k->ops->flush(k), 0);
	*m = (struct model){ .now = m->now };
	check_dump(k, m);
	kernel_free(k);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
