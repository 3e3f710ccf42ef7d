#include "tests/ike_pair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/child_sa.h"
#include "engine/crypto.h"
#include "base/err.h"
#include "base/log.h"
#include "engine/loop.h"
#include "engine/msg.h"

/* The engines' RNG seam: splitmix64, reproducible and good enough for
 * SPIs and nonces; a test may ask for zeros first (rng_zeros). */
static int rng(void *arg, uint8_t *buf, size_t len)
{
	struct ike_router *r = arg;
	uint64_t *s = &r->rng;
	for (size_t i = 0; i < len; i++) {
		if (r->rng_zeros) {
			r->rng_zeros--;
			buf[i] = 0;
			continue;
		}
		uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		buf[i] = (uint8_t)(z ^ (z >> 31));
	}
	return 0;
}

static int config_defaults(struct ike_router *r, const char *self, const char *peer,
			   const char *peer_lan)
{
	struct ipsec_config *c = r->config;
	struct gateway_config *g = config_gateway_get(c, 1);
	struct policy_config *p = config_policy_get(c, 1);
	struct tunnel_config *t = config_tunnel_get(c, 1);
	if (!g || !p || !t)
		return -RTX_ENOMEM;
	g->version = 2;
	memcpy(g->psk, "secret", 6);
	g->psk_len = 6;
	g->remote_address = strdup(peer);
	g->local_address = strdup(self);
	p->gateway = 1;
	p->integ = IKEV2_AUTH_HMAC_SHA1_96;
	t->policy = 1;
	t->enabled = true;
	struct route_config route = { .len = strchr(peer_lan, ':') ? 64 : 24, .tunnel = 1 };
	if (!g->remote_address || !g->local_address || ip_addr_parse(peer_lan, &route.net))
		return -RTX_ENOMEM;
	return config_route_add(c, &route);
}

/* RTX_FUZZ_CORPUS=DIR: every IKE message the two routers send is also
 * written to DIR (named by its FNV-1a hash, without the non-ESP marker of
 * port 4500), to seed fuzz_msg's corpus from real traffic
 * (tests/fuzz/make-corpus). */
static void corpus_keep(const uint8_t *dgram, size_t len)
{
	const char *dir = getenv("RTX_FUZZ_CORPUS");
	if (!dir || !*dir)
		return;
	/* NAT rewrites ports, so judge by the bytes: an initiator SPI is
	 * never zero, the marker always is; a keepalive is one byte. */
	if (len >= 4 && !memcmp(dgram, "\0\0\0\0", 4)) {
		dgram += 4;
		len -= 4;
	}
	if (len < 28)
		return;
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ dgram[i]) * 1099511628211ull;
	char path[4096];
	snprintf(path, sizeof(path), "%s/ike-%016llx", dir, (unsigned long long)h);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(dgram, 1, len, f);
		fclose(f);
	}
}

static void tap(void *arg, const struct endpoint *src, const struct endpoint *dst,
		const uint8_t *dgram, size_t len)
{
	struct ike_pair *p = arg;
	(void)dst;
	corpus_keep(dgram, len);
	struct ike_router *r = ip_addr_equal(&src->addr, &p->a.addr) ? &p->a : &p->b;
	r->msgs_sent++;
	/* header: exchange at 18, flags at 19 (R bit 0x20) */
	if (len >= 28 && dgram[18] == IKEV2_EXCH_IKE_SA_INIT && !(dgram[19] & 0x20))
		r->init_sent++;
	if (len >= 28 && !(dgram[19] & 0x20) && len <= sizeof(r->last_req)) {
		memcpy(r->last_req, dgram, len);
		r->last_req_len = len;
	}
}

void ike_pair_replay(struct ike_pair *p, struct ike_router *from)
{
	struct ike_router *to = from == &p->a ? &p->b : &p->a;
	struct endpoint src = { from->addr, IKE_PORT }, dst = { to->addr, IKE_PORT };
	to->transport->recv(to->transport->recv_arg, &dst, &src, from->last_req, from->last_req_len);
}

static int router_init(struct ike_pair *p, struct ike_router *r, const char *name,
		       const char *self, const char *peer, const char *peer_lan, uint64_t seed)
{
	r->name = name;
	r->rng = seed;
	if (ip_addr_parse(self, &r->addr))
		return -RTX_EINVAL;
	r->log = log_new(4096, &p->clock.base);
	r->kernel = kernel_sim_new();
	r->config = config_new(NULL);
	r->transport = memnet_attach(p->net, &r->addr);
	r->pki = pki_store_new();
	if (!r->log || !r->kernel || !r->config || !r->transport || !r->pki)
		return -RTX_ENOMEM;
	log_set_debug(r->log, true);
	return config_defaults(r, self, peer, peer_lan);
}

static int pair_init(struct ike_pair *p, uint64_t seed, bool v6)
{
	memset(p, 0, sizeof(*p));
	clock_virtual_init(&p->clock, IKE_PAIR_EPOCH);
	if (!(p->loop = loop_new(&p->clock.base)) || !(p->net = memnet_new(p->loop, seed)))
		return -RTX_ENOMEM;
	int err = crypto_lib_new(&p->crypto);
	if (!err && v6)
		err = router_init(p, &p->a, "A", "2001:db8::1", "2001:db8::2", "2001:db8:2::",
				  seed * 2 + 1);
	else if (!err)
		err = router_init(p, &p->a, "A", "192.0.2.1", "192.0.2.2", "10.2.0.0", seed * 2 + 1);
	if (!err && v6)
		err = router_init(p, &p->b, "B", "2001:db8::2", "2001:db8::1", "2001:db8:1::",
				  seed * 2 + 2);
	else if (!err)
		err = router_init(p, &p->b, "B", "192.0.2.2", "192.0.2.1", "10.1.0.0", seed * 2 + 2);
	memnet_set_tap(p->net, tap, p);
	return err;
}

int ike_pair_init(struct ike_pair *p, uint64_t seed)
{
	return pair_init(p, seed, false);
}

int ike_pair_init6(struct ike_pair *p, uint64_t seed)
{
	return pair_init(p, seed, true);
}

static int engine_start(struct ike_pair *p, struct ike_router *r)
{
	struct ike_deps d = {
		.log = r->log, .loop = p->loop, .kernel = r->kernel, .transport = r->transport,
		.crypto = p->crypto, .config = r->config, .pki = r->pki, .rng = rng,
		.rng_arg = r, .threads = p->threads,
	};
	int err;
	r->engine = ike_engine_new(&d, &err);
	return err;
}

int ike_pair_start(struct ike_pair *p)
{
	int err = engine_start(p, &p->a);
	return err ? err : engine_start(p, &p->b);
}

int ike_pair_restart(struct ike_pair *p, struct ike_router *r)
{
	ike_engine_free(r->engine);
	r->kernel->ops->flush(r->kernel);
	r->rng ^= 0x5555aaaa;
	return engine_start(p, r);
}

void ike_pair_free(struct ike_pair *p)
{
	struct ike_router *rs[] = { &p->a, &p->b };
	for (int i = 0; i < 2; i++) {
		ike_engine_free(rs[i]->engine);
		transport_free(rs[i]->transport);
	}
	memnet_free(p->net);
	for (int i = 0; i < 2; i++) {
		kernel_free(rs[i]->kernel);
		config_free(rs[i]->config);
		pki_store_free(rs[i]->pki);
		log_free(rs[i]->log);
	}
	loop_free(p->loop);
	crypto_lib_free(p->crypto);
}

int ike_pair_setup(void **state, uint64_t seed)
{
	struct ike_pair *p = calloc(1, sizeof(*p));
	*state = p;
	return p && !ike_pair_init(p, seed) ? 0 : -1;
}

int ike_pair_teardown(void **state)
{
	if (*state)
		ike_pair_free(*state);
	free(*state);
	return 0;
}

void ike_pair_run(struct ike_pair *p, uint64_t ms)
{
	uint64_t end = p->clock.now_ms + ms;
	for (;;) {
		loop_run_once(p->loop, 0);
		int64_t next = loop_next_timer_ms(p->loop);
		if (next < 0 || p->clock.now_ms + (uint64_t)next > end)
			break;
		clock_virtual_advance(&p->clock, (uint64_t)next);
	}
	if (p->clock.now_ms < end)
		clock_virtual_advance(&p->clock, end - p->clock.now_ms);
	loop_run_once(p->loop, 0);
}

bool ike_pair_run_until_up(struct ike_pair *p, uint64_t max_ms)
{
	for (uint64_t t = 0; t <= max_ms; t += 100) {
		if (ike_router_ike_up(&p->a) >= 1 && ike_router_ike_up(&p->b) >= 1 &&
		    ike_router_child_up(&p->a) >= 1 && ike_router_child_up(&p->b) >= 1)
			return true;
		ike_pair_run(p, 100);
	}
	return false;
}

size_t ike_router_log_count(const struct ike_router *r, const char *text)
{
	size_t n = 0;
	for (size_t i = 0; i < log_count(r->log); i++)
		if (strstr(log_get(r->log, i)->text, text))
			n++;
	return n;
}

/* What `show ipsec sa` counts as up (ike_sa_rows: IKE SAs up, and one send
 * row per CHILD SA of those), walked without building the rows: benchmarks
 * poll it while SAs come up, and the rows' text would be most of their
 * loop's work. */
static size_t count_up(const struct ike_router *r, bool children)
{
	size_t k = 0;
	for (const struct ike_sa *sa = r->engine->core.sas; sa; sa = sa->next) {
		if (!ike_sa_up(sa))
			continue;
		if (!children)
			k++;
		for (const struct child_sa *c = sa->children; children && c; c = c->next)
			k++;
	}
	return k;
}

size_t ike_router_ike_up(const struct ike_router *r)
{
	return count_up(r, false);
}

size_t ike_router_child_up(const struct ike_router *r)
{
	return count_up(r, true);
}

size_t ike_router_setup_kept(const struct ike_router *r)
{
	size_t n = 0;
	for (const struct ike_sa *sa = r->engine->core.sas; sa; sa = sa->next)
		if (ike_sa_up(sa) && (sa->ni || sa->nr || sa->akeys || sa->init_i ||
				      sa->init_r || sa->nonce_min_len < 16))
			n++;
	return n;
}

void ike_router_log_print(const struct ike_router *r)
{
	for (size_t i = 0; i < log_count(r->log); i++)
		fprintf(stderr, "%s: %s\n", r->name, log_get(r->log, i)->text);
}
