#include "engine/sig_job.h"

#include <stdlib.h>

#include "engine/ike_core.h"
#include "engine/ike_sa.h"

static bool id_in_leaf(const struct pki_chain *chain, const struct sig_job_id *id)
{
	return pki_id_match(pki_chain_cert(chain, 0), id->type, id->data, id->len) ==
	       PKI_ID_MATCH;
}

/* In the order the checks were always made: a peer refused for its chain
 * is not also told its signature is wrong, and we sign for nobody we
 * refuse. */
static void run(struct work *w)
{
	struct sig_job *j = (struct sig_job *)w;
	if (j->chain) {
		j->chain_err = pki_verify(j->lib, j->trust, j->chain, j->crl, j->now, &j->res);
		if (j->chain_err) {
			j->fail = SIG_JOB_CHAIN;
			return;
		}
		if (!id_in_leaf(j->chain, &j->id)) {
			j->fail = SIG_JOB_ID;
			return;
		}
		if (j->name.data && !id_in_leaf(j->chain, &j->name)) {
			j->fail = SIG_JOB_NAME;
			return;
		}
		j->sig_err = auth_sig_verify(j->lib, pki_chain_pubkey(j->chain), j->method,
					     j->peer_auth, j->peer_auth_len, j->peer_octets,
					     j->peer_octets_len, &j->chk);
		if (j->sig_err) {
			j->fail = SIG_JOB_SIGNATURE;
			return;
		}
	}
	if (j->key)
		j->sign_err = auth_sig_sign(j->lib, j->key, j->scheme, j->octets, j->octets_len,
					    &j->auth, &j->auth_len);
}

/* On the loop's thread: an SA deleted while its job ran wants nothing.
 * cont runs with the SA no longer busy and held, as cont may free j (or
 * let the SA go) and the job's hold with it. */
static void done(struct work *w)
{
	struct sig_job *j = (struct sig_job *)w;
	struct ike_sa *sa = j->sa;
	if (sa->state == IKE_STATE_CLOSED) {
		sig_job_free(j);
		return;
	}
	ike_sa_hold(sa);
	sa->job_busy = false;
	j->cont(j);
	ike_sa_put(sa);
}

static void drop(struct work *w)
{
	sig_job_free((struct sig_job *)w);
}

static const struct work_ops sig_ops = { run, done, drop };

struct sig_job *sig_job_new(struct ike_sa *sa, void (*cont)(struct sig_job *j))
{
	struct sig_job *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->w.ops = &sig_ops;
	j->sa = sa;
	ike_sa_hold(sa);
	j->cont = cont;
	j->lib = sa->e->d.crypto;
	return j;
}

bool sig_job_submit(struct sig_job *j)
{
	struct ike_sa *sa = j->sa;
	if (!workers_submit(sa->e->workers, &j->w))
		return false;
	sa->job_busy = true;
	return true;
}

void sig_job_run_here(struct sig_job *j)
{
	run(&j->w);
}

void sig_job_release_sa(struct sig_job *j)
{
	if (j->sa)
		ike_sa_put(j->sa);
	j->sa = NULL;
}

void sig_job_free(struct sig_job *j)
{
	if (!j)
		return;
	free(j->id.data);
	free(j->name.data);
	pki_chain_free(j->chain);
	pki_trust_free(j->trust);
	pki_crl_free(j->crl);
	free(j->peer_auth);
	free(j->peer_octets);
	EVP_PKEY_free(j->key);
	free(j->octets);
	free(j->auth);
	msg_free(&j->req.m);
	msg_free(&j->resp);
	sig_job_release_sa(j);
	free(j);
}
