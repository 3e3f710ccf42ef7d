/* What an IKE engine is built from: its logger, loop, kernel, transport,
 * crypto library, configuration and randomness. ike.h hands it in from
 * the router; the SA core (ike_core.h) keeps it, so the modules of every
 * layer reach their dependencies the same way (sa->e->d). */
#ifndef RTX_IKE_DEPS_H
#define RTX_IKE_DEPS_H

#include <stddef.h>
#include <stdint.h>

struct crypto_lib;
struct ipsec_config;
struct kernel;
struct log;
struct loop;
struct pki_store;
struct transport;

/* Randomness the engine uses for SPIs, nonces, IVs and rekey jitter;
 * tests seed or stub it. */
typedef int (*ike_rng_fn)(void *arg, uint8_t *buf, size_t len);

struct ike_deps {
	struct log *log;
	struct loop *loop;                 /* timers (on its clock) */
	struct kernel *kernel;             /* SAs, policies, interfaces, routes */
	struct transport *transport;       /* IKE messages */
	struct crypto_lib *crypto;
	const struct ipsec_config *config; /* read on ike_config_changed() */
	const struct pki_store *pki;       /* certificates and CRLs; may be NULL */
	ike_rng_fn rng;                    /* NULL: the crypto library's DRBG */
	void *rng_arg;
	/* Threads for the key exchange of IKE_SA_INIT (workers.h); 0: it runs
	 * on the loop's thread, as the virtual-clock tests need. */
	unsigned threads;
};

#endif
