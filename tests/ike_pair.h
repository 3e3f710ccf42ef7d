/* Two routers in one process for IKE scenario tests and benchmarks: two
 * engines with their own config, log capture and sim kernel, one in-memory
 * network, one virtual clock and loop, seeded randomness.
 *
 * Router A is 192.0.2.1 and B is 192.0.2.2; both start with gateway 1
 * (IKEv2, PSK "secret", the peer's address), SA policy 1 (esp aes-cbc
 * sha-hmac), tunnel 1 using it, and a route to the peer's LAN through the
 * tunnel. Tests change the config before ike_pair_start(). */
#ifndef RTX_TESTS_IKE_PAIR_H
#define RTX_TESTS_IKE_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/clock.h"
#include "engine/config.h"
#include "engine/child_sa.h"
#include "engine/ike.h"
#include "engine/ike_engine.h"
#include "engine/ike_sa.h"
#include "engine/memnet.h"
#include "engine/pki_store.h"

/* Where the virtual clock starts (wall time, s): a test PKI is made for it. */
#define IKE_PAIR_EPOCH 1700000000

struct ike_router {
	const char *name;
	struct ip_addr addr;
	struct log *log;
	struct kernel *kernel;
	struct transport *transport;
	struct ipsec_config *config;
	struct pki_store *pki;   /* certificates: tests put credentials here */
	struct ike_engine *engine;
	uint64_t rng;            /* the engine's seeded RNG state */
	size_t rng_zeros;        /* the next this many random bytes are 0 */
	unsigned init_sent;      /* IKE_SA_INIT requests this router sent */
	unsigned msgs_sent;
	uint8_t last_req[4096];  /* the last request this router sent, framed */
	size_t last_req_len;
};


struct ike_pair {
	struct clock_virtual clock;
	struct loop *loop;
	struct memnet *net;
	struct crypto_lib *crypto;
	struct ike_router a, b;
	unsigned threads;        /* each engine's workers (0: inline); before start */
};

/* Hands from's last request to the other router again, as a replay. */
void ike_pair_replay(struct ike_pair *p, struct ike_router *from);
/* Builds both routers (no engines yet); 0 or a negative rtx_err. */
int ike_pair_init(struct ike_pair *p, uint64_t seed);
/* The same over IPv6: A 2001:db8::1 (LAN 2001:db8:2::/64 behind B's
 * route), B 2001:db8::2 (2001:db8:1::/64). */
int ike_pair_init6(struct ike_pair *p, uint64_t seed);
/* Creates the engines from the current configs. */
int ike_pair_start(struct ike_pair *p);
/* A router's engine thrown away and built again from scratch (a reboot):
 * its kernel state is flushed, its memory of peers gone. */
int ike_pair_restart(struct ike_pair *p, struct ike_router *r);
void ike_pair_free(struct ike_pair *p);
/* cmocka fixtures: *state becomes a pair on the heap, initialised with
 * seed (setup returns 0 or -1); teardown frees it. */
int ike_pair_setup(void **state, uint64_t seed);
int ike_pair_teardown(void **state);

/* Runs the loop on the virtual clock for ms milliseconds. */
void ike_pair_run(struct ike_pair *p, uint64_t ms);
/* Runs until both routers have an established IKE SA with one CHILD SA, or
 * max_ms passed; true when they have. */
bool ike_pair_run_until_up(struct ike_pair *p, uint64_t max_ms);

/* Lines of r's log containing text. */
size_t ike_router_log_count(const struct ike_router *r, const char *text);
/* Established IKE SAs, and CHILD SAs (send rows), r's engine shows. */
size_t ike_router_ike_up(const struct ike_router *r);
size_t ike_router_child_up(const struct ike_router *r);
/* Established IKE SAs of r that still hold what only their setup needed
 * (nonces, SKEYSEED and SK_pi/SK_pr, the IKE_SA_INIT messages) or lack the
 * lower nonce a simultaneous rekey compares: 0 when all let it go. */
size_t ike_router_setup_kept(const struct ike_router *r);
/* Prints r's log to stderr (for failing tests). */
void ike_router_log_print(const struct ike_router *r);

#endif
