/* The certificate half of IKE_AUTH as a job for the worker pool
 * (workers.h): the peer's chain verified, its ID bound to the leaf, its
 * AUTH signature checked, then our own signature made. These are the
 * expensive steps of a certificate login (an RSA-2048 signature costs
 * more than a MODP-2048 key exchange), and none of them touches the SA.
 *
 * auth_cert.c fills a job on the loop's thread (auth_cert_check_begin,
 * auth_cert_sign_begin) and reads its result back (..._end), which is
 * where every refusal is logged; exchange_auth.c decides what follows.
 * The job owns copies or references of all it reads, so a configuration
 * or PKI reload while it runs frees nothing under it. */
#ifndef RTX_SIG_JOB_H
#define RTX_SIG_JOB_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "engine/auth_sig.h"
#include "engine/msg_io.h"
#include "engine/pki.h"
#include "engine/workers.h"

struct ike_sa;

/* The first check of the peer's side that failed. */
enum sig_job_fail {
	SIG_JOB_OK = 0,
	SIG_JOB_CHAIN,        /* pki_verify(): chain_err, res */
	SIG_JOB_ID,           /* the peer's ID is not in its certificate */
	SIG_JOB_NAME,         /* nor `ipsec ike remote name` */
	SIG_JOB_SIGNATURE,    /* auth_sig_verify(): sig_err, chk */
};

/* An ID as the peer sent it (or as configured), copied (malloc'ed):
 * jobs are in flight by the thousand in a mass start. */
struct sig_job_id {
	uint8_t type;
	uint8_t *data;
	size_t len;
};

struct sig_job {
	struct work w;
	struct ike_sa *sa;                    /* held while the job is in flight */
	void (*cont)(struct sig_job *j);      /* after an asynchronous run */
	struct crypto_lib *lib;

	/* The peer's side, checked when chain is set. */
	struct pki_chain *chain;
	struct pki_trust *trust;
	struct pki_crl *crl;                  /* NULL: no CRL for this gateway */
	time_t now;
	struct sig_job_id id;
	struct sig_job_id name;               /* `ipsec ike remote name`; data NULL: none */
	uint8_t method;
	uint8_t *peer_auth, *peer_octets;
	size_t peer_auth_len, peer_octets_len;
	enum sig_job_fail fail;
	int chain_err, sig_err;
	struct pki_verify_result res;
	struct auth_sig_check chk;

	/* Ours, signed when key is set (and the peer's side, if any, passed);
	 * sign_err set before the run: nothing to sign with. */
	EVP_PKEY *key;
	enum auth_sig_scheme scheme;
	uint8_t *octets;
	size_t octets_len;
	int sign_err;
	uint8_t *auth;                        /* the AUTH data */
	size_t auth_len;

	/* What the exchange continues with after an asynchronous run: the
	 * request (its decrypted payloads, msg_rx_keep()) and the answer. */
	struct msg_rx req;
	struct msg resp;
	struct chunk own_id;                  /* our ID payload's body in resp */
};

/* A job for sa (held); NULL when out of memory. */
struct sig_job *sig_job_new(struct ike_sa *sa, void (*cont)(struct sig_job *j));
/* false: it ran inline and the result is there; true: a worker has it,
 * and cont follows unless the SA goes first; then the SA is job_busy (no
 * requests, no INFORMATIONAL) until cont, which runs with it cleared. */
bool sig_job_submit(struct sig_job *j);
/* Runs it here and now, whatever the engine's pool. */
void sig_job_run_here(struct sig_job *j);
/* Lets the SA go; the result stays with the job (an initiator keeps its
 * signature on the SA until the request is built). */
void sig_job_release_sa(struct sig_job *j);
/* Wipes and frees all the job still owns. */
void sig_job_free(struct sig_job *j);

#endif
