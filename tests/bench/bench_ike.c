/* Whole handshakes (IKE_SA_INIT + IKE_AUTH + first CHILD SA) between two
 * engines in one process, per DH group, beside the crypto-only cost of
 * the same handshake measured in the same run (two keygens, two derives,
 * two KDFs: what bench_kex times for one side, twice); then the same
 * number of tunnels started at once, with the key exchanges on the loop's
 * thread and on worker threads (engine/workers.h: one per CPU in all, as a
 * process has, and one per CPU per engine), and once they are up all
 * their IKE SAs rekeyed at once (a key exchange each side, on the loop or
 * on the workers like IKE_SA_INIT's), then all their CHILD SAs with PFS,
 * started by the kernel's soft limit as in a router (A's key pairs made
 * ahead on the workers);
 * then certificate logins (RSA-2048 and P-256, each side checking the
 * other's chain and signature and signing its own) eight tunnels at a
 * time, inline and on workers; then the memory an established IKE SA with
 * one CHILD SA costs at 10,000 SAs.
 *
 * usage: bench_ike [handshakes-per-group] [sas-for-memory] [group|cert] [rounds]
 * (200, 10000, all of 14, 19, 31 and the certificate round; "cert": that
 * round alone, n/8 times eight handshakes; 1). With several rounds each
 * group's figures are taken that many times, one at a time and at once
 * side by side in each round, and the median of the rounds' ratios is
 * printed: on a shared machine a burst of load in one measurement moves a
 * ratio more than any change of ours, and pairs measured minutes apart
 * do not share it. */
#include <malloc.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "engine/alg.h"
#include "engine/crypto.h"
#include "engine/dh.h"
#include "engine/keys.h"
#include "engine/pki.h"
#include "engine/pki_store.h"
#include "engine/rekey.h"
#include "tests/ike_pair.h"
#include "tests/pki_fixture.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The IKE proposal of every gateway on both sides: aes256-cbc with
 * sha256 (what bench-rate.sh and real configs use), not the Yamaha
 * default of 3des-cbc and sha1, whose 3DES alone was a fifth of the
 * loop thread's share of a handshake. */
static void modern(struct ike_pair *p)
{
	struct ipsec_config *cs[] = { p->a.config, p->b.config };
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < cs[k]->n_gateways; i++) {
			struct gateway_config *g = cs[k]->gateways[i];
			g->encryption = IKEV2_ENCR_AES_CBC;
			g->encryption_bits = 256;
			g->hash = IKEV2_PRF_HMAC_SHA2_256;
		}
}

/* Both sides' key exchange and SK_* derivation, nothing else. */
static int crypto_only(struct crypto_lib *lib, uint16_t group)
{
	static const uint8_t n[32] = { 1 };
	const struct alg *prf = alg_find(ALG_PRF, IKEV2_PRF_HMAC_SHA2_512, 0);
	const struct alg *encr = alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 256);
	const struct alg *integ = alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_512_256, 0);
	uint8_t pa[ALG_MAX_DH_PUB_LEN], pb[ALG_MAX_DH_PUB_LEN], s[ALG_MAX_DH_PUB_LEN];
	struct dh *a, *b;
	struct ike_keys k;
	struct ike_auth_keys ak;
	int err = dh_new(lib, group, &a);
	if (err || (err = dh_new(lib, group, &b)))
		return err;
	size_t pl = dh_public_len(a), sl = dh_secret_len(a);
	const struct keys_input in = { prf, encr, integ, { n, 32 }, { n, 32 }, { s, sl },
				       2ull << 56, 2ull << 56 };
	err = dh_public(a, pa, sizeof(pa)) || dh_public(b, pb, sizeof(pb)) ||
	      dh_derive(a, pb, pl, s, sl) ||
	      keys_ike_sa_init(lib, &in, &k, &ak) || dh_derive(b, pa, pl, s, sl) ||
	      keys_ike_sa_init(lib, &in, &k, &ak);
	dh_free(a);
	dh_free(b);
	return err;
}

static int handshake(struct ike_pair *p)
{
	if (ike_initiate(p->a.engine, 1))
		return -1;
	ike_pair_run(p, 10);
	if (ike_router_ike_up(&p->a) != 1 || ike_router_child_up(&p->b) != 1)
		return -1;
	ike_refresh(p->a.engine);
	ike_refresh(p->b.engine);
	return 0;
}

/* Handshakes/s one after another, or a negative figure on failure. */
static double bench_group(uint16_t group, unsigned n)
{
	struct ike_pair p;
	struct crypto_lib *lib;
	if (ike_pair_init(&p, group) || crypto_lib_new(&lib))
		return -1;
	p.a.config->gateways[0]->group[0] = group;
	modern(&p);
	if (ike_pair_start(&p))
		return -1;
	log_set_debug(p.a.log, false);
	log_set_debug(p.b.log, false);
	double t0 = now_s();
	for (unsigned i = 0; i < n; i++)
		if (handshake(&p)) {
			fprintf(stderr, "handshake %u failed for group %u\n", i, group);
			return -1;
		}
	double t1 = now_s();
	for (unsigned i = 0; i < n; i++)
		if (crypto_only(lib, group))
			return -1;
	double t2 = now_s();
	double hs = (t1 - t0) / n * 1e6, cr = (t2 - t1) / n * 1e6;
	printf("group %-3u %8.0f handshakes/s  %9.1f us/handshake  crypto-only %9.1f us  ratio %.2f\n",
	       group, 1e6 / hs, hs, cr, hs / cr);
	crypto_lib_free(lib);
	ike_pair_free(&p);
	return 1e6 / hs;
}

/* CPU seconds of the whole process (every thread) so far. */
static double cpu_s(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return u.ru_utime.tv_sec + u.ru_stime.tv_sec +
	       (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

/* B as a concentrator for n peers: gateway, policy and tunnel i for the
 * peer that calls itself peer-i (an FQDN). 0 or -1. */
static int add_peers(struct ipsec_config *c, unsigned n)
{
	for (unsigned i = 1; i <= n; i++) {
		struct gateway_config *g = config_gateway_get(c, i);
		struct policy_config *p = config_policy_get(c, i);
		struct tunnel_config *t = config_tunnel_get(c, i);
		char name[32];
		snprintf(name, sizeof(name), "peer-%u", i);
		if (!g || !p || !t)
			return -1;
		g->version = 2;
		memcpy(g->psk, "secret", 6);
		g->psk_len = 6;
		free(g->remote_name);
		if (!(g->remote_name = strdup(name)))
			return -1;
		g->remote_name_type = ID_TYPE_FQDN;
		p->gateway = i;
		p->integ = IKEV2_AUTH_HMAC_SHA1_96;
		t->policy = i;
		t->enabled = true;
	}
	return 0;
}

/* A names itself peer-i for its next IKE SA. */
static int rename_a(struct ike_pair *p, unsigned i)
{
	struct gateway_config *g = p->a.config->gateways[0];
	char name[32];
	snprintf(name, sizeof(name), "peer-%u", i);
	free(g->local_name);
	g->local_name_type = ID_TYPE_FQDN;
	return (g->local_name = strdup(name)) ? 0 : -1;
}

/* B answers n distinct peers, one IKE SA and one CHILD SA each, as a
 * concentrator does: A plays each peer in turn (a new name per IKE SA)
 * and forgets the SA it made (ipsec refresh sa), so only B's SAs stay;
 * each peer's INITIAL_CONTACT concerns that peer alone. */
static int bench_memory(unsigned n)
{
	struct ike_pair p;
	if (ike_pair_init(&p, 99) || add_peers(p.b.config, n))
		return -1;
	modern(&p);
	p.a.config->gateways[0]->group[0] = IKEV2_DH_CURVE25519;
	if (ike_pair_start(&p))
		return -1;
	log_set_debug(p.a.log, false);
	log_set_debug(p.b.log, false);
	struct mallinfo2 m0 = mallinfo2();
	long r0 = rss_kb();
	for (unsigned i = 1; i <= n; i++) {
		if (rename_a(&p, i) || ike_initiate(p.a.engine, 1))
			return -1;
		ike_pair_run(&p, 5);
		ike_refresh(p.a.engine);
	}
	struct mallinfo2 m1 = mallinfo2();
	long r1 = rss_kb();
	size_t up = ike_router_ike_up(&p.b);
	printf("memory: %zu IKE SAs + %zu CHILD SAs established on one engine\n",
	       up, ike_router_child_up(&p.b));
	printf("memory: heap %.0f bytes per IKE SA with one CHILD SA (kernel_sim entries "
	       "included), RSS %.0f bytes\n",
	       up ? (double)(m1.uordblks - m0.uordblks) / (double)up : 0.0,
	       up ? (double)(r1 - r0) * 1024 / (double)up : 0.0);
	ike_pair_free(&p);
	return 0;
}

/* A's gateway/policy/tunnel i (2..k) like its gateway 1, naming itself
 * peer-i, with a LAN route of its own; B answers peer-i as gateway i. */
static int add_tunnels(struct ike_pair *p, unsigned k, uint16_t group)
{
	struct ipsec_config *c = p->a.config;
	const struct gateway_config *g1 = c->gateways[0];
	char name[32], net[32];
	for (unsigned i = 1; i <= k; i++) {
		struct gateway_config *g = config_gateway_get(c, i);
		struct policy_config *pol = config_policy_get(c, i);
		struct tunnel_config *t = config_tunnel_get(c, i);
		if (!g || !pol || !t)
			return -1;
		snprintf(name, sizeof(name), "peer-%u", i);
		snprintf(net, sizeof(net), "10.%u.%u.0", 100 + i / 250, i % 250);
		g->version = 2;
		g->group[0] = group;
		memcpy(g->psk, "secret", 6);
		g->psk_len = 6;
		free(g->local_name);
		g->local_name = strdup(name);
		g->local_name_type = ID_TYPE_FQDN;
		if (i > 1) {
			g->remote_address = strdup(g1->remote_address);
			g->local_address = strdup(g1->local_address);
		}
		pol->gateway = i;
		pol->integ = IKEV2_AUTH_HMAC_SHA1_96;
		t->policy = i;
		t->enabled = true;
		struct route_config route = { .len = 24, .tunnel = i };
		if (!g->local_name || !g->remote_address || !g->local_address ||
		    ip_addr_parse(net, &route.net) || (i > 1 && config_route_add(c, &route)))
			return -1;
	}
	return add_peers(p->b.config, k);
}

/* Runs the loop until cond holds (checked every 2 ms: counting walks
 * every SA); false after 20 s. */
static bool run_until(struct ike_pair *p, bool (*cond)(struct ike_pair *p, unsigned k),
		      unsigned k)
{
	for (double t0 = now_s(), checked = t0;;) {
		ike_pair_run(p, 0);
		loop_run_once(p->loop, 1);
		if (now_s() - checked < 0.002)
			continue;
		checked = now_s();
		if (cond(p, k))
			return true;
		if (checked - t0 > 20) {
			fprintf(stderr, "after 20 s: A %zu IKE %zu CHILD, B %zu IKE %zu CHILD of %u\n",
				ike_router_ike_up(&p->a), ike_router_child_up(&p->a),
				ike_router_ike_up(&p->b), ike_router_child_up(&p->b), k);
			return false;
		}
	}
}

static bool all_up(struct ike_pair *p, unsigned k)
{
	return ike_router_child_up(&p->a) >= k && ike_router_child_up(&p->b) >= k;
}

/* Every IKE SA of A replaced by a rekey, the old ones gone on both sides. */
static bool all_rekeyed(struct ike_pair *p, unsigned k)
{
	if (p->a.engine->core.n_sas != k || p->b.engine->core.n_sas != k)
		return false;
	for (const struct ike_sa *sa = p->a.engine->core.sas; sa; sa = sa->next)
		if (!ike_sa_up(sa) || sa->rekeys != 1)
			return false;
	return ike_router_child_up(&p->a) >= k && ike_router_child_up(&p->b) >= k;
}

static size_t made_by_rekey(const struct ike_router *r)
{
	size_t n = 0;
	for (const struct ike_sa *sa = r->engine->core.sas; sa; sa = sa->next)
		for (const struct child_sa *c = sa->children; c; c = c->next)
			n += c->by_create_child;
	return n;
}

/* Every CHILD SA has a successor made by CREATE_CHILD_SA on both sides. */
static bool children_rekeyed(struct ike_pair *p, unsigned k)
{
	return made_by_rekey(&p->a) >= k && made_by_rekey(&p->b) >= k;
}

/* handshakes, IKE SA rekeys, PFS CHILD SA rekeys per second; negative:
 * failed */
enum { R_UP, R_IKE, R_CHILD, R_N };
struct rates {
	double v[R_N];
	double cpu_us, cpus;   /* handshakes: CPU time per handshake, CPUs busy */
};

/* k tunnels started together: handshakes/s to the last CHILD SA; then
 * IKE SA rekeys/s, all k started together; then CHILD SA rekeys/s with
 * PFS, all k at A's kernel's soft limit; and for the handshakes the
 * process's CPU time per handshake and the CPUs it kept busy. Virtual
 * time stands still: the loop waits in real time for the workers, and no
 * retransmission falls due. */
static struct rates concurrent(uint16_t group, unsigned k, unsigned threads)
{
	struct ike_pair p;
	struct rates r = { { -1, -1, -1 }, 0, 0 };
	unsigned *nums = calloc(k, sizeof(*nums));
	if (!nums || ike_pair_init(&p, group) || add_tunnels(&p, k, group)) {
		free(nums);
		return r;
	}
	modern(&p);
	for (size_t i = 0; i < p.a.config->n_gateways; i++)
		p.a.config->gateways[i]->pfs = true;
	p.threads = threads;
	if (ike_pair_start(&p))
		goto out;
	/* a throughput figure: no COOKIE round, no half-open limits (what
	 * bench-rate.sh asks of charon too) */
	ike_set_half_open_limits(p.b.engine, k + 1, 0, 0);
	log_set_debug(p.a.log, false);
	log_set_debug(p.b.log, false);
	double t0 = now_s(), c0 = cpu_s();
	for (unsigned i = 1; i <= k; i++)
		if (ike_initiate(p.a.engine, i))
			goto out;
	if (!run_until(&p, all_up, k))
		goto out;
	double wall = now_s() - t0, cpu = cpu_s() - c0;
	r.v[R_UP] = k / wall;
	r.cpu_us = cpu / k * 1e6;
	r.cpus = cpu / wall;
	/* the list changes as the rekeys go: their numbers first */
	unsigned n = 0;
	for (const struct ike_sa *sa = p.a.engine->core.sas; sa && n < k; sa = sa->next)
		nums[n++] = sa->number;
	t0 = now_s();
	for (unsigned i = 0; i < n; i++)
		if (rekey_sa_number(p.a.engine, nums[i]))
			goto out;
	if (!run_until(&p, all_rekeyed, k))
		goto out;
	r.v[R_IKE] = k / (now_s() - t0);
	t0 = now_s();
	kernel_sim_tick(p.a.kernel, 21600);      /* 75 % of 28800 s */
	if (run_until(&p, children_rekeyed, k))
		r.v[R_CHILD] = k / (now_s() - t0);
out:
	free(nums);
	ike_pair_free(&p);
	return r;
}

static const char *const what[R_N] = { "handshakes/s", "IKE SA rekeys/s",
				       "PFS CHILD SA rekeys/s" };

/* A round's ratios: with 1+1 workers to one at a time (handshakes), and
 * with 1+1 and 2+2 workers to inline (each figure). */
struct ratios {
	double split_one, split[R_N], each[R_N];
};

/* Inline, then with workers two ways: as many in all as a process has by
 * default (one per CPU, split between the two engines), and one per CPU
 * for each engine. Both engines share the one loop thread, so the second
 * has twice a process's workers competing with that thread for the CPUs.
 * one: this round's handshakes/s one at a time. */
static int bench_concurrent(uint16_t group, unsigned k, double one, struct ratios *out)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned t = cpus < 1 ? 1 : (unsigned)cpus, half = t > 1 ? t / 2 : 1;
	struct rates inl = concurrent(group, k, 0), split = concurrent(group, k, half),
		     each = concurrent(group, k, t);
	const double *a = inl.v, *b = split.v, *c = each.v;
	for (int i = 0; i < R_N; i++) {
		if (a[i] < 0 || b[i] < 0 || c[i] < 0) {
			fprintf(stderr, "group %u: %s failed\n", group, what[i]);
			return -1;
		}
		printf("group %-3u %u at once: %8.0f %s inline, %8.0f with %u+%u workers: %.2fx, "
		       "%8.0f with %u+%u: %.2fx\n", group, k, a[i], what[i], b[i], half, half,
		       b[i] / a[i], c[i], t, t, c[i] / a[i]);
		out->split[i] = b[i] / a[i];
		out->each[i] = c[i] / a[i];
	}
	/* what a ratio to one at a time is made of: the CPUs kept busy, and
	 * the CPU time a handshake costs at once and across threads */
	printf("group %-3u %u at once: CPU per handshake %6.1f us inline (%.2f CPUs busy), "
	       "%6.1f us with %u+%u workers (%.2f), %6.1f us with %u+%u (%.2f); one at a time "
	       "%6.1f us\n", group, k, inl.cpu_us, inl.cpus, split.cpu_us, half, half, split.cpus,
	       each.cpu_us, t, t, each.cpus, 1e6 / one);
	out->split_one = b[R_UP] / one;
	return 0;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

#define ROUNDS_MAX 64

/* The median of n figures, sorted in place. */
static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* `rounds` rounds of one group: one at a time, then k at once. */
static int bench_rounds(uint16_t group, unsigned k, unsigned rounds)
{
	double one[ROUNDS_MAX], split[R_N][ROUNDS_MAX], each[R_N][ROUNDS_MAX];
	for (unsigned i = 0; i < rounds; i++) {
		struct ratios r;
		double rate = bench_group(group, k);
		if (rate < 0 || bench_concurrent(group, k, rate, &r))
			return -1;
		one[i] = r.split_one;
		for (int f = 0; f < R_N; f++) {
			split[f][i] = r.split[f];
			each[f][i] = r.each[f];
		}
	}
	if (rounds < 2)
		return 0;
	printf("group %-3u median of %u rounds: handshakes with 1+1 workers / one at a time "
	       "%.2fx\n", group, rounds, median(one, rounds));
	for (int f = 0; f < R_N; f++)
		printf("group %-3u median of %u rounds: %s with 1+1 workers / inline %.2fx, "
		       "2+2 / inline %.2fx\n", group, rounds, what[f], median(split[f], rounds),
		       median(each[f], rounds));
	return 0;
}

/* ---- certificates ------------------------------------------------------ */

/* One certificate file per tunnel of A: `pki certificate file` has 8. */
#define CERT_TUNNELS CONFIG_PKI_MAX

/* A's tunnel i authenticates as peer-i with a leaf of its own made like
 * `like` (same key and CA); B answers every tunnel with like's own bundle,
 * whose CA it trusts. add_tunnels() made the names. 0 or -1. */
static int use_certs(struct ike_pair *p, struct pki_fixture *fx, enum pki_fx_cert like)
{
	if (pki_fixture_use(p->b.pki, 1, pki_fixture_cred(fx, like, NULL), p->b.config->gateways[0]))
		return -1;
	for (unsigned i = 1; i <= CERT_TUNNELS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "peer-%u", i);
		X509 *leaf = pki_fixture_leaf(fx, like, name, 0x2000 + i);
		struct pki_cred *c = leaf ? pki_fixture_cred(fx, like, leaf) : NULL;
		X509_free(leaf);
		if (pki_fixture_use(p->a.pki, i, c, p->a.config->gateways[i - 1]))
			return -1;
		p->b.config->gateways[i - 1]->psk_len = 0;   /* B's certificate file 1, as gateway 1 */
		p->b.config->gateways[i - 1]->pki_cert = 1;
	}
	return 0;
}

/* `rounds` times: A's eight tunnels started together, all up, then both
 * sides refresh. Handshakes/s, or a negative figure on failure. */
static double concurrent_cert(struct pki_fixture *fx, enum pki_fx_cert like, unsigned rounds,
			      unsigned threads)
{
	struct ike_pair p;
	double rate = -1;
	const unsigned k = CERT_TUNNELS;
	if (ike_pair_init(&p, IKEV2_DH_CURVE25519) ||
	    add_tunnels(&p, k, IKEV2_DH_CURVE25519) || use_certs(&p, fx, like))
		return -1;
	modern(&p);
	p.threads = threads;
	if (ike_pair_start(&p))
		return -1;
	log_set_debug(p.a.log, false);
	log_set_debug(p.b.log, false);
	double t0 = now_s();
	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned i = 1; i <= k; i++)
			if (ike_initiate(p.a.engine, i))
				goto out;
		while (ike_router_child_up(&p.a) < k || ike_router_child_up(&p.b) < k) {
			ike_pair_run(&p, 0);
			loop_run_once(p.loop, 1);
			if (now_s() - t0 > 60) {
				fprintf(stderr, "round %u after 60 s: A %zu CHILD, B %zu CHILD of %u\n",
					r, ike_router_child_up(&p.a), ike_router_child_up(&p.b), k);
				goto out;
			}
		}
		ike_refresh(p.a.engine);
		ike_refresh(p.b.engine);
	}
	rate = k * rounds / (now_s() - t0);
out:
	ike_pair_free(&p);
	return rate;
}

static int bench_cert(unsigned rounds)
{
	static const enum pki_fx_cert leaves[] = { FX_LEAF_RSA2048, FX_LEAF_P256 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned t = cpus < 1 ? 1 : (unsigned)cpus, half = t > 1 ? t / 2 : 1;
	struct pki_fixture *fx;
	if (pki_fixture_new(IKE_PAIR_EPOCH, &fx))
		return -1;
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		double one = concurrent_cert(fx, leaves[i], rounds, 0),
		       split = concurrent_cert(fx, leaves[i], rounds, half),
		       each = concurrent_cert(fx, leaves[i], rounds, t);
		if (one < 0 || split < 0 || each < 0) {
			fprintf(stderr, "certificate handshakes failed (%s)\n",
				pki_fixture_tag(leaves[i]));
			pki_fixture_free(fx);
			return -1;
		}
		printf("cert %-7s %u at a time: %8.0f handshakes/s inline, %8.0f with %u+%u "
		       "workers: %.2fx, %8.0f with %u+%u: %.2fx\n", pki_fixture_tag(leaves[i]),
		       CERT_TUNNELS, one, split, half, half, split / one, each, t, t, each / one);
	}
	pki_fixture_free(fx);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 200;
	unsigned sas = argc > 2 ? (unsigned)atoi(argv[2]) : 10000;
	static const uint16_t groups[] = { IKEV2_DH_MODP_2048, IKEV2_DH_ECP_256,
					   IKEV2_DH_CURVE25519 };
	bool cert = argc > 3 && !strcmp(argv[3], "cert");
	unsigned only = argc > 3 ? (cert ? 1 : (unsigned)atoi(argv[3])) : 0;
	unsigned rounds = argc > 4 ? (unsigned)atoi(argv[4]) : 1;
	if (rounds < 1 || rounds > ROUNDS_MAX) {
		fprintf(stderr, "bench_ike: rounds is 1 to %d\n", ROUNDS_MAX);
		return 2;
	}
	for (size_t i = 0; i < 3; i++)
		if ((!only || groups[i] == only) && bench_rounds(groups[i], n ? n : 1, rounds))
			return 1;
	if ((!only || cert) && bench_cert(n / CERT_TUNNELS ? n / CERT_TUNNELS : 1))
		return 1;
	return bench_memory(sas) ? 1 : 0;
}
