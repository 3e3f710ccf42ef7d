#include "engine/kex_job.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "engine/dh.h"
#include "engine/ike_core.h"
#include "engine/ike_sa.h"
#include "engine/payload_ke.h"

static void run(struct work *w)
{
	struct kex_job *j = (struct kex_job *)w;
	if (j->bad_ke)
		return;
	if (!j->dh && (j->err = dh_new(j->lib, j->group, &j->dh)))
		return;
	j->pub_len = dh_public_len(j->dh);
	if ((j->err = dh_public(j->dh, j->pub, sizeof(j->pub))) || !j->peer_len)
		return;
	j->gir_len = dh_secret_len(j->dh);
	if ((j->err = dh_derive(j->dh, j->peer, j->peer_len, j->gir, j->gir_len))) {
		j->bad_ke = true;
		return;
	}
	const struct keys_input in = {
		j->prf, j->encr, j->integ, { j->ni, j->ni_len }, { j->nr, j->nr_len },
		{ j->gir, j->gir_len }, j->spi_i, j->spi_r,
	};
	if (j->prf)
		j->err = keys_ike_sa_init(j->lib, &in, &j->keys, &j->akeys);
	/* the private key has done its work */
	dh_free(j->dh);
	j->dh = NULL;
}

/* On the loop's thread: an SA deleted while its job ran wants nothing,
 * unless the job has someone to tell (then: a rekey waits for it, maybe
 * of a CHILD SA that moved to another IKE SA). cont runs with the SA
 * held, as cont may free j and the job's hold with it. */
static void done(struct work *w)
{
	struct kex_job *j = (struct kex_job *)w;
	struct ike_sa *sa = j->sa;
	if (sa->state == IKE_STATE_CLOSED && !j->then) {
		kex_job_free(j);
		return;
	}
	ike_sa_hold(sa);
	if (j->busy)
		sa->job_busy = false;
	j->cont(j);
	ike_sa_put(sa);
}

static void drop(struct work *w)
{
	kex_job_free((struct kex_job *)w);
}

static const struct work_ops kex_ops = { run, done, drop };

struct kex_job *kex_job_new(struct ike_sa *sa, uint16_t group,
			    void (*cont)(struct kex_job *j), const char *sub)
{
	struct kex_job *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->w.ops = &kex_ops;
	j->sa = sa;
	ike_sa_hold(sa);
	j->cont = cont;
	snprintf(j->sub, sizeof(j->sub), "%s", sub);
	j->lib = sa->e->d.crypto;
	j->group = group;
	return j;
}

void kex_job_set_ke(struct kex_job *j, const struct payload_ke *ke)
{
	if (ke->data.len > sizeof(j->peer) || !ke->data.len) {
		j->err = -RTX_EPARSE;
		j->bad_ke = true;
	} else {
		j->peer_len = ke->data.len;
		memcpy(j->peer, ke->data.ptr, j->peer_len);
	}
}

void kex_job_set_peer(struct kex_job *j, const struct payload_ke *ke)
{
	const struct ike_sa *sa = j->sa;
	kex_job_set_ke(j, ke);
	memcpy(j->ni, sa->ni, sa->ni_len);
	j->ni_len = sa->ni_len;
	memcpy(j->nr, sa->nr, sa->nr_len);
	j->nr_len = sa->nr_len;
	j->prf = sa->prop.prf;
	j->encr = sa->prop.encr;
	j->integ = sa->prop.encr->aead ? NULL : sa->prop.integ;
	j->spi_i = sa->spi_i;
	j->spi_r = sa->spi_r;
}

bool kex_job_submit(struct kex_job *j)
{
	j->busy = true;               /* before a worker has the job */
	if (!workers_submit(j->sa->e->workers, &j->w))
		return j->busy = false;
	j->sa->job_busy = true;
	return true;
}

bool kex_job_submit_aside(struct kex_job *j)
{
	return workers_submit(j->sa->e->workers, &j->w);
}

void kex_job_free(struct kex_job *j)
{
	if (!j)
		return;
	dh_free(j->dh);
	msg_free(&j->resp);
	msg_free(&j->req.m);
	ike_sa_put(j->sa);
	OPENSSL_cleanse(j, sizeof(*j));
	free(j);
}
