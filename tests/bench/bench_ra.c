/* Remote-access server capacity (issue 11's figures), in one process on
 * the in-memory network and the virtual clock: router A logs in to B by
 * EAP-MD5 as user-1 .. user-N in turn and forgets each SA it made (ipsec
 * refresh sa), so B, the server (P-256 certificate, pool 10.8.0.0/16 or
 * so), ends with N connected clients: N IKE SAs, each with its login, a
 * lease and a CHILD SA narrowed to it (three policies of its own in the
 * sim kernel). Prints the logins per second (both ends' CPU: one process
 * plays both) and B's heap per connected client.
 *
 * usage: bench_ra [clients]  (100; at most 60000) */
#include <malloc.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "engine/pki.h"
#include "engine/pool.h"
#include "engine/user.h"
#include "kernel/kernel.h"
#include "tests/ike_pair.h"
#include "tests/pki_fixture.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* `pki certificate file 1` with leaf's key and chain, used by gateway 1:
 * the server's own credential; the client checks against its root. */
static int use_cert(struct pki_fixture *fx, struct ike_router *r, enum pki_fx_cert leaf)
{
	X509 *certs[8] = { fx->cert[leaf] };
	size_t n = 1 + pki_fixture_chain(fx, leaf, certs + 1, 7);
	struct pki_cred *c;
	struct pki_load_error err;
	if (pki_cred_from(pki_fixture_key(fx, leaf), certs, n, &c, &err))
		return -1;
	struct gateway_config *g = r->config->gateways[0];
	g->psk_len = 0;
	g->pki_cert = 1;
	pki_store_put_cert(r->pki, 1, c);
	return 0;
}

/* A the client, B the server of user-1 .. user-n (eap-md5=on) with a pool
 * of n addresses from 10.8.0.1. */
static int configure(struct ike_pair *p, struct pki_fixture *fx, unsigned n)
{
	struct gateway_config *ga = p->a.config->gateways[0];
	struct gateway_config *gb = p->b.config->gateways[0];
	if (use_cert(fx, &p->a, FX_LEAF_P256) || use_cert(fx, &p->b, FX_LEAF_P256))
		return -1;
	ga->group[0] = IKEV2_DH_CURVE25519;
	ga->auth_method = AUTH_METHOD_EAP_MD5;
	ga->eap_password = strdup("wonderland");
	gb->eap_request = true;
	free(gb->remote_address);
	gb->remote_address = strdup("any");
	if (!ga->eap_password || !gb->remote_address)
		return -1;
	for (unsigned i = 1; i <= n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "user-%u", i);
		if (user_set(&p->b.config->users, i, name, "wonderland"))
			return -1;
		user_get(&p->b.config->users, i)->eap_md5 = true;
		user_get(&p->b.config->users, i)->eap_md5_set = true;
	}
	gb->modecfg_pool = 1;
	struct pool_config v = { .family = AF_INET, .first = 0x0a080001, .last = 0x0a080000 + n };
	return pool_set(&p->b.config->pools, 1, &v);
}

/* A logs in as user-i. */
static int login(struct ike_pair *p, unsigned i)
{
	struct gateway_config *ga = p->a.config->gateways[0];
	char name[32];
	snprintf(name, sizeof(name), "user-%u", i);
	free(ga->eap_name);
	if (!(ga->eap_name = strdup(name)) || ike_initiate(p->a.engine, 1))
		return -1;
	ike_pair_run(p, 200);
	if (ike_router_ike_up(&p->a) != 1)
		return -1;
	ike_refresh(p->a.engine);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 100;
	struct pki_fixture *fx;
	struct ike_pair p;
	if (n < 1 || n > 60000) {
		fprintf(stderr, "usage: bench_ra [clients 1-60000]\n");
		return 2;
	}
	/* the virtual clock's epoch (as test_ike_eap): certificates valid then */
	if (pki_fixture_new(1700000000, &fx) || ike_pair_init(&p, 7) || configure(&p, fx, n) ||
	    ike_pair_start(&p)) {
		fprintf(stderr, "bench_ra: set-up failed\n");
		return 1;
	}
	log_set_debug(p.a.log, false);
	log_set_debug(p.b.log, false);
	/* Both logs are rings of malloc'd lines: full ones before the count
	 * starts, so that the heap figure is the clients', not the log's. */
	for (int i = 0; i < 4096; i++) {
		log_text(p.a.log, LOG_INFO, "%-80s", "bench_ra: filling the log ring");
		log_text(p.b.log, LOG_INFO, "%-80s", "bench_ra: filling the log ring");
	}
	struct mallinfo2 m0 = mallinfo2();
	double t0 = now_s();
	for (unsigned i = 1; i <= n; i++)
		if (login(&p, i)) {
			fprintf(stderr, "bench_ra: login %u failed (EAP_LOG=1 for the logs)\n", i);
			if (getenv("EAP_LOG")) {
				log_set_debug(p.a.log, true);
				ike_router_log_print(&p.a);
				ike_router_log_print(&p.b);
			}
			return 1;
		}
	double t1 = now_s();
	struct mallinfo2 m1 = mallinfo2();
	size_t ike = ike_router_ike_up(&p.b), child = ike_router_child_up(&p.b);
	size_t pols = kernel_sim_policy_count(p.b.kernel);
	printf("remote access: %u EAP-MD5 logins (x25519, P-256 certificate) in %.3f s: "
	       "%.0f logins/s, %.0f us each (client and server in one process)\n",
	       n, t1 - t0, n / (t1 - t0), (t1 - t0) / n * 1e6);
	printf("remote access: server holds %zu IKE SAs, %zu CHILD SAs, %zu policies; "
	       "heap %.0f bytes per connected client (sim kernel entries included)\n",
	       ike, child, pols, ike ? (double)(m1.uordblks - m0.uordblks) / (double)ike : 0.0);
	ike_pair_free(&p);
	pki_fixture_free(fx);
	return ike == n && child == n ? 0 : 1;
}
