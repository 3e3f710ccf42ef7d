/* A key exchange as a job for the worker pool (workers.h): our key pair,
 * g^ir from the peer's KE and, for IKE_SA_INIT, SKEYSEED and SK_*; for a
 * CREATE_CHILD_SA (PFS or an IKE SA rekey) only the first two, the keys
 * following on the loop from the old SA's. The exchange fills it from an
 * SA on the loop's thread, the job runs on a worker (or inline without a
 * pool), and the exchange takes the result back to the SA in `cont`,
 * which only runs while the SA lives. */
#ifndef RTX_KEX_JOB_H
#define RTX_KEX_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/alg.h"
#include "engine/ike_sa.h"
#include "engine/keys.h"
#include "engine/msg.h"
#include "engine/msg_io.h"
#include "engine/workers.h"

struct dh;
struct ike_sa;
struct payload_ke;

struct kex_job {
	struct work w;
	struct ike_sa *sa;                    /* held while the job exists */
	void (*cont)(struct kex_job *j);      /* after an asynchronous run */
	char sub[40];                         /* log sub-prefix for cont */
	bool busy;                            /* holds sa->job_busy (kex_job_submit) */
	/* what cont hands back to whoever asked for a key pair ahead */
	void (*then)(struct ike_sa *sa, unsigned n);
	unsigned then_n;

	/* input, copied from the SA: the job reads nothing else of it */
	struct crypto_lib *lib;
	uint16_t group;
	struct dh *dh;                        /* NULL: the job makes the key pair */
	uint8_t peer[ALG_MAX_DH_PUB_LEN];     /* the peer's KE data */
	size_t peer_len;                      /* 0: the key pair only */
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t ni_len, nr_len;
	const struct alg *prf, *encr, *integ; /* prf NULL: no SK_* (kex_job_set_ke) */
	uint64_t spi_i, spi_r;

	/* output */
	int err;                              /* key pair or keys */
	bool bad_ke;                          /* the peer's value was refused */
	uint8_t pub[ALG_MAX_DH_PUB_LEN];      /* ours, dh_public_len(dh) bytes */
	size_t pub_len;
	uint8_t gir[ALG_MAX_DH_PUB_LEN];
	size_t gir_len;
	struct ike_keys keys;
	struct ike_auth_keys akeys;

	/* the responder's answer, finished in cont */
	struct msg resp;
	size_t ke_index;                      /* its KE payload, data to fill */
	/* the message the exchange goes on with in cont (msg_rx_keep) */
	struct msg_rx req;
};

/* A job for sa's KE group `group` (sa held); NULL when out of memory. */
struct kex_job *kex_job_new(struct ike_sa *sa, uint16_t group,
			    void (*cont)(struct kex_job *j), const char *sub);
/* Also derive g^ir from the peer's KE data (refused: bad_ke). */
void kex_job_set_ke(struct kex_job *j, const struct payload_ke *ke);
/* The same, and SKEYSEED and SK_* of IKE_SA_INIT from the nonces, SPIs
 * and transforms sa holds now. */
void kex_job_set_peer(struct kex_job *j, const struct payload_ke *ke);
/* Runs it: false when it ran inline (the result is there), true when a
 * worker has it (cont follows, unless the SA goes first); then the SA is
 * job_busy (no requests, no INFORMATIONAL) until cont, which runs with
 * it cleared. */
bool kex_job_submit(struct kex_job *j);
/* The same for a job the SA's exchanges do not wait for (a key pair made
 * ahead): the SA is not made busy. */
bool kex_job_submit_aside(struct kex_job *j);
/* Wipes the secrets, frees what the job still owns and lets the SA go. */
void kex_job_free(struct kex_job *j);

#endif
