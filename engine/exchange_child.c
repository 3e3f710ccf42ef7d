/* CREATE_CHILD_SA (RFC 7296 1.3, 2.8, 2.17, 2.18): both roles of the three
 * uses of the exchange. Which SA to rekey and what becomes of the old one
 * is rekey.c's business; here the payloads are built and checked, keys
 * derived and the new SA made. A failed CREATE_CHILD_SA never takes the
 * IKE SA down: errors answer with a notify and the initiator tries again
 * later. */
#include "engine/exchange_child.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alg.h"
#include "engine/child_sa.h"
#include "engine/config.h"
#include "engine/crypto.h"
#include "engine/dh.h"
#include "base/err.h"
#include "engine/diagnosis.h"
#include "engine/exchange_info.h"
#include "engine/ike_engine.h"
#include "engine/ike_sa.h"
#include "engine/kex_job.h"
#include "engine/keys.h"
#include "base/log.h"
#include "engine/names.h"
#include "engine/rekey.h"

#define NONCE_LEN 32
#define KE_RESTARTS_MAX 2

struct child_xchg {
	enum child_xchg_kind kind;
	struct child_sa *old;        /* CX_REKEY_CHILD: NULL once it went */
	struct child_sa *c;          /* the new CHILD SA, SPI allocated */
	struct ike_sa *nsa;          /* CX_REKEY_IKE: the new IKE SA */
	unsigned tunnel;
	struct proposal_offer offer;
	struct dh *dh;               /* ours; a worker's while it derives */
	uint16_t ke_group;           /* of our KE payload; 0: none (no PFS) */
	uint8_t ni[NONCE_LEN];
	uint8_t restarts;
};

/* ---- small helpers ------------------------------------------------------------ */

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_spi32(struct proposal_choice *c, uint32_t spi)
{
	c->spi_size = 4;
	for (int i = 0; i < 4; i++)
		c->spi[i] = (uint8_t)(spi >> (24 - 8 * i));
}

static void log_notify(struct ike_sa *sa, const char *sub, uint16_t type)
{
	char num[8];
	log_text(sa->e->d.log, LOG_DEBUG, "[IKE2] %s received %s", sub,
		 names_or_num(names_notify(type), type, num, sizeof(num)));
}

static enum xchg_rc answer_error(struct msg *resp, uint16_t type, uint16_t group)
{
	uint8_t data[2] = { (uint8_t)(group >> 8), (uint8_t)group };
	resp->npl = 0;
	exchange_add_notify(resp, type, true, group ? data : NULL, group ? 2 : 0);
	return XCHG_DONE;
}

static int add_nonce(struct msg *m, const uint8_t *nonce, size_t len)
{
	const uint8_t *copy = exchange_copy(m, nonce, len);
	struct payload *p = copy ? msg_add(m, IKEV2_PAYLOAD_NONCE, true) : NULL;
	if (!p)
		return -RTX_ENOMEM;
	p->u.nonce.data = (struct chunk){ copy, len };
	return 0;
}

static int add_ke(struct msg *m, uint16_t group, const uint8_t *pub, size_t len)
{
	const uint8_t *copy = exchange_copy(m, pub, len);
	struct payload *p = copy ? msg_add(m, IKEV2_PAYLOAD_KE, true) : NULL;
	if (!p)
		return -RTX_ENOMEM;
	p->u.ke = (struct payload_ke){ group, { copy, len } };
	return 0;
}

/* The key exchanges of this exchange run on the engine's workers
 * (kex_job.h): the responder's key pair and g^ir before it answers, the
 * initiator's g^ir when the answer is in. The request or answer waits in
 * the job; when the job is back, the exchange is processed from the start
 * with its result, so what changed meanwhile (an SA deleted, the
 * configuration) is seen as if the message had just arrived. Our key
 * pair for a rekey's request is made ahead, before the exchange starts
 * (exchange_child_key_ahead), when rekey.c's timers ask for it. */

/* 0 when j holds g^ir for a KE of `group` (not so when the configuration
 * changed while it ran, or the peer's value was refused). */
static int job_result(const struct kex_job *j, uint16_t group)
{
	return !j || j->group != group || j->err || j->bad_ke || !j->gir_len ? -RTX_ECRYPTO : 0;
}

/* KEYMAT's first half protects what the exchange's initiator sends (RFC
 * 7296 2.17), while child_sa_install reads it from the IKE SA's original
 * initiator: swap when the two differ. */
static void orient(struct child_keys *k, bool xchg_initiator, bool ike_initiator)
{
	if (xchg_initiator == ike_initiator)
		return;
	uint8_t t[ALG_MAX_KEY_LEN];
	memcpy(t, k->ei, sizeof(t)), memcpy(k->ei, k->er, sizeof(t)), memcpy(k->er, t, sizeof(t));
	memcpy(t, k->ai, sizeof(t)), memcpy(k->ai, k->ar, sizeof(t)), memcpy(k->ar, t, sizeof(t));
	OPENSSL_cleanse(t, sizeof(t));
}

/* KEYMAT (with g^ir under PFS) and the kernel install of c; hold_out for
 * the responder of a rekey (child_sa_install_holding_out). */
static int child_keys_install(struct ike_sa *sa, struct child_sa *c, bool initiator,
			      bool hold_out, const uint8_t *gir, size_t gir_len, const uint8_t *ni,
			      size_t ni_len, const uint8_t *nr, size_t nr_len)
{
	struct child_keys keys;
	const struct keys_input in = { .encr = c->prop.encr, .integ = c->prop.integ,
				       .ni = { ni, ni_len }, .nr = { nr, nr_len },
				       .gir = { gir, gir_len } };
	char sub[40];
	ike_sa_xsub(sa, "CHLD", sub, sizeof(sub));
	if (gir)      /* key-info: the PFS shared value (RFC 7296 2.17) */
		ike_sa_dump_key(sa, sub, "Diffie-Hellman value:", gir, gir_len);
	c->by_create_child = true;
	int err = keys_child(sa->e->d.crypto, &sa->keys, &in, &keys);
	c->made_by_us = initiator;
	if (!err) {
		orient(&keys, initiator, sa->initiator);
		err = hold_out ? child_sa_install_holding_out(c, &keys)
			       : child_sa_install(c, &keys);
	}
	keys_child_wipe(&keys);
	if (!err)
		sa_nonce_min(ni, ni_len, nr, nr_len, c->nonce_min, &c->nonce_min_len);
	return err;
}

/* ---- our offers ------------------------------------------------------------------ */

/* PFS (reference 1.26): the first `ipsec ike group` as the only DH
 * transform of the ESP proposal, replacing one a restart put there. */
static int offer_group(struct proposal_offer *o, uint16_t group)
{
	for (size_t k = 0; k < o->nprops; k++) {
		struct sa_proposal *p = &o->props[k];
		size_t n = 0;
		for (size_t i = 0; i < p->ntransforms; i++)
			if (p->transforms[i].type != ALG_DH)
				p->transforms[n++] = p->transforms[i];
		if (n >= PROPOSAL_MAX_TRANSFORMS)
			return -RTX_ENOMEM;
		p->transforms[n++] = (struct sa_transform){ .type = ALG_DH, .id = group };
		p->ntransforms = n;
	}
	return 0;
}

static int ike_offer(struct ike_sa *sa, const struct gateway_config *g, uint16_t group,
		     struct child_xchg *cx)
{
	int err = proposal_ike(g, sa->e->d.config->model, sa->e->d.crypto, group, &cx->offer);
	if (err)
		return err;
	uint8_t spi[8];
	put_be64(spi, cx->nsa->spi_i);
	proposal_offer_spi(&cx->offer, spi, 8);
	return 0;
}

/* The KE group of our next CREATE_CHILD_SA of `kind` on sa; 0: none. */
static uint16_t request_group(const struct ike_sa *sa, enum child_xchg_kind kind)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	if (!g)
		return 0;
	if (kind == CX_REKEY_IKE)
		return sa->prop.dh ? sa->prop.dh->id : g->group[0];
	return g->pfs ? g->group[0] : 0;
}

/* A key pair made ahead (exchange_child_key_ahead) is kept on sa for group. */
static bool spare_for(const struct ike_sa *sa, uint16_t group)
{
	return group && sa->spare_dh && dh_alg(sa->spare_dh)->id == group;
}

/* Our key pair for the request: the one made ahead when it is of the
 * group, else made here. */
static int new_dh(struct ike_sa *sa, struct child_xchg *cx, uint16_t group)
{
	dh_free(cx->dh);
	cx->dh = NULL;
	cx->ke_group = group;
	if (spare_for(sa, group)) {
		cx->dh = sa->spare_dh;
		sa->spare_dh = NULL;
		return 0;
	}
	return group ? dh_new(sa->e->d.crypto, group, &cx->dh) : 0;
}

static void made_ahead(struct kex_job *j)
{
	struct ike_sa *sa = j->sa;
	void (*then)(struct ike_sa *sa, unsigned n) = j->then;
	unsigned n = j->then_n;
	if (!j->err && sa->state != IKE_STATE_CLOSED) {
		dh_free(sa->spare_dh);
		sa->spare_dh = j->dh;
		j->dh = NULL;
	}
	kex_job_free(j);
	then(sa, n);     /* made or not, the rekey goes on */
}

bool exchange_child_key_ahead(struct ike_sa *sa, enum child_xchg_kind kind,
			      void (*then)(struct ike_sa *sa, unsigned n), unsigned n)
{
	uint16_t group = request_group(sa, kind);
	if (!group || !sa->e->workers || spare_for(sa, group))
		return false;
	struct kex_job *j = kex_job_new(sa, group, made_ahead, "");
	if (!j)
		return false;
	j->then = then;
	j->then_n = n;
	if (kex_job_submit_aside(j))
		return true;
	kex_job_free(j);     /* not reached: the engine has workers */
	return false;
}

void exchange_child_key_drop(struct ike_sa *sa)
{
	dh_free(sa->spare_dh);
	sa->spare_dh = NULL;
}

/* ---- initiator ----------------------------------------------------------------- */

static void cx_free(struct child_xchg *cx)
{
	if (!cx)
		return;
	child_sa_discard(cx->c);
	if (cx->nsa) {
		ike_sa_delete(cx->nsa);
		ike_sa_put(cx->nsa);
	}
	dh_free(cx->dh);
	OPENSSL_cleanse(cx->ni, sizeof(cx->ni));
	free(cx);
}

/* A closing IKE SA drops our pending CREATE_CHILD_SA with what it made
 * (the CHILD SA or IKE SA it would have installed); a CHILD SA that goes
 * while its rekey is pending leaves the rekey to go on without it. */
static void on_ike(struct ike_sa *sa, enum sa_event ev)
{
	if (ev != SA_EV_DELETING && ev != SA_EV_GONE)
		return;
	struct child_xchg *cx = sa->cx;
	sa->cx = NULL;
	cx_free(cx);
}

static void on_child(struct child_sa *c, enum sa_event ev)
{
	struct ike_sa *sa = c->ike;
	if (ev == SA_EV_GONE && sa->cx && sa->cx->old == c)
		sa->cx->old = NULL;
}

const struct sa_listener exchange_child_listener = { .ike = on_ike, .child = on_child };

static int prepare_child(struct ike_sa *sa, const struct gateway_config *g,
			 struct child_xchg *cx)
{
	const struct ipsec_config *cfg = sa->e->d.config;
	const struct tunnel_config *t = config_tunnel_find(cfg, cx->tunnel);
	uint32_t pid = cx->old ? cx->old->policy : t ? t->policy : 0;
	const struct policy_config *p = config_policy_find(cfg, pid);
	int err = -RTX_ENOENT;
	if (!p || !(cx->c = child_sa_new(sa, cx->tunnel, pid, &err)))
		return err;
	if ((err = proposal_esp(g, p, cfg->model, sa->e->d.crypto, cx->c->spi_in, &cx->offer)))
		return err;
	if (!g->pfs)
		return 0;
	return (err = offer_group(&cx->offer, g->group[0])) ? err : new_dh(sa, cx, g->group[0]);
}

static int prepare_ike(struct ike_sa *sa, const struct gateway_config *g, struct child_xchg *cx)
{
	struct ike_core *e = sa->e;
	uint16_t group = request_group(sa, CX_REKEY_IKE);
	if (!(cx->nsa = ike_sa_new(e, true, sa->gateway, &sa->local, &sa->remote)))
		return -RTX_ENOMEM;
	/* held: an engine that closes may delete it before sa, whose cx_free
	 * then deletes it again */
	ike_sa_hold(cx->nsa);
	/* RFC 7383 2.3: what IKE_SA_INIT negotiated carries over to the rekeyed SA */
	cx->nsa->frag = sa->frag;
	cx->nsa->frag_size = sa->frag_size;
	int err = ike_offer(sa, g, group, cx);
	return err ? err : new_dh(sa, cx, group);
}

int exchange_child_start(struct ike_sa *sa, enum child_xchg_kind kind,
			 struct child_sa *old, unsigned tunnel)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	/* An IKE SA rekey goes alone (exchange_start_alone): what the old SA
	 * still had outstanding would be lost with it. */
	if (sa->cx || !window_can_send(&sa->win) ||
	    (kind == CX_REKEY_IKE && !window_idle(&sa->win)))
		return -RTX_EEXIST;
	if (!g || !ike_sa_up(sa) || sa->succ)
		return -RTX_EINVAL;
	struct child_xchg *cx = calloc(1, sizeof(*cx));
	if (!cx)
		return -RTX_ENOMEM;
	*cx = (struct child_xchg){ .kind = kind, .old = old,
				   .tunnel = old ? old->tunnel : tunnel };
	int err = ike_core_random(sa->e, cx->ni, sizeof(cx->ni));
	if (!err)
		err = kind == CX_REKEY_IKE ? prepare_ike(sa, g, cx) : prepare_child(sa, g, cx);
	if (!err) {
		sa->cx = cx;
		err = kind == CX_REKEY_IKE ? exchange_start_alone(sa, &exchange_child_ops)
					   : exchange_start(sa, &exchange_child_ops);
	}
	if (err) {
		sa->cx = NULL;
		cx_free(cx);
	}
	return err;
}

static int child_build_i(struct ike_sa *sa, struct msg *m)
{
	struct child_xchg *cx = sa->cx;
	if (!cx)
		return -RTX_EINVAL;
	if (cx->kind == CX_REKEY_CHILD && cx->old) {
		uint32_t spi = cx->old->spi_in;
		struct payload *n = exchange_add_notify(m, IKEV2_N_REKEY_SA, true, NULL, 0);
		if (!n)
			return -RTX_ENOMEM;
		n->u.notify.protocol = IKEV2_PROTO_ESP;
		n->u.notify.spi_size = 4;
		for (int i = 0; i < 4; i++)
			n->u.notify.spi[i] = (uint8_t)(spi >> (24 - 8 * i));
	}
	int err = exchange_add_sa(m, &cx->offer, true);
	if (!err)
		err = add_nonce(m, cx->ni, sizeof(cx->ni));
	if (!err && cx->ke_group) {
		uint8_t pub[ALG_MAX_DH_PUB_LEN];
		err = cx->dh ? dh_public(cx->dh, pub, sizeof(pub)) : -RTX_EINVAL;
		if (!err)
			err = add_ke(m, cx->ke_group, pub, dh_public_len(cx->dh));
	}
	if (err || cx->kind == CX_REKEY_IKE)
		return err;
	struct ip_addr all = { .family = sa->remote.addr.family };
	const struct child_sa *o = cx->old;
	if ((err = exchange_add_ts(m, IKEV2_PAYLOAD_TSI, o ? &o->ts_l : &all, o ? o->ts_l_len : 0)))
		return err;
	return exchange_add_ts(m, IKEV2_PAYLOAD_TSR, o ? &o->ts_r : &all, o ? o->ts_r_len : 0);
}

/* INVALID_KE_PAYLOAD: the same request again with the group asked for. */
static enum xchg_rc retry_group(struct ike_sa *sa, struct child_xchg *cx, const struct payload *n)
{
	const struct chunk *d = &n->u.notify.data;
	uint16_t group = d->len == 2 ? (uint16_t)(d->ptr[0] << 8 | d->ptr[1]) : 0;
	const struct alg *a = alg_find(ALG_DH, group, 0);
	if (!cx->ke_group || !a || !crypto_lib_supports(sa->e->d.crypto, a) ||
	    group == cx->ke_group || cx->restarts++ >= KE_RESTARTS_MAX)
		return XCHG_FAIL;
	const struct gateway_config *g = ike_sa_gateway(sa);
	int err = cx->kind == CX_REKEY_IKE ? (g ? ike_offer(sa, g, group, cx) : -RTX_ENOENT)
					   : offer_group(&cx->offer, group);
	if (err || new_dh(sa, cx, group))
		return XCHG_FAIL;
	return XCHG_MORE;
}

/* j: the job that derived g^ir from the answer's KE (PFS). */
static int finish_child_i(struct ike_sa *sa, struct child_xchg *cx, struct msg_rx *rx,
			  const struct kex_job *j)
{
	const struct msg *m = &rx->m;
	const struct payload *sap = msg_find(m, IKEV2_PAYLOAD_SA, 0);
	const struct payload *nr = msg_find(m, IKEV2_PAYLOAD_NONCE, 0);
	const struct payload *ke = msg_find(m, IKEV2_PAYLOAD_KE, 0);
	const struct payload *tsi = msg_find(m, IKEV2_PAYLOAD_TSI, 0);
	const struct payload *tsr = msg_find(m, IKEV2_PAYLOAD_TSR, 0);
	struct child_sa *c = cx->c;
	uint8_t fam = sa->remote.addr.family;
	if (!sap || !nr || !tsi || !tsr ||
	    proposal_accept(&sap->u.sa, &cx->offer, sa->e->d.crypto, &c->prop) ||
	    c->prop.spi_size != 4 || (cx->ke_group && !c->prop.dh) || (!cx->ke_group && ke)) {
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "SA");
		return -RTX_ENOPROP;
	}
	if (child_sa_ts_pick(&tsi->u.ts, fam, &c->ts_l, &c->ts_l_len) ||
	    child_sa_ts_pick(&tsr->u.ts, fam, &c->ts_r, &c->ts_r_len)) {
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "TSi");
		return -RTX_ENOPROP;
	}
	if (cx->ke_group && job_result(j, cx->ke_group)) {
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_PROCESS, "KE");
		return -RTX_ECRYPTO;
	}
	c->spi_out = get_be32(c->prop.spi);
	/* The peer installed both its SAs before answering: ours both go in
	 * now, and traffic moves to the new outbound SA at once. */
	int err = child_keys_install(sa, c, true, false, cx->ke_group ? j->gir : NULL,
				     cx->ke_group ? j->gir_len : 0, cx->ni, sizeof(cx->ni),
				     nr->u.nonce.data.ptr, nr->u.nonce.data.len);
	if (err)
		return err;
	cx->c = NULL;
	rekey_child_done(cx->kind == CX_REKEY_CHILD ? cx->old : NULL, c);
	return 0;
}

/* The new IKE SA's keys: SKEYSEED from the old SA's SK_d (RFC 7296 2.18). */
static int ike_rekey_keys(struct ike_sa *old, struct ike_sa *nsa, const uint8_t *gir,
			  size_t glen)
{
	const struct keys_input in = {
		nsa->prop.prf, nsa->prop.encr, nsa->prop.encr->aead ? NULL : nsa->prop.integ,
		{ nsa->ni, nsa->ni_len }, { nsa->nr, nsa->nr_len }, { gir, glen },
		nsa->spi_i, nsa->spi_r,
	};
	struct ike_auth_keys ak;
	int err = keys_ike_sa_rekey(old->e->d.crypto, &old->keys, &in, &nsa->keys, &ak);
	if (err)
		return err;
	/* key-info of the new IKE SA, under the exchange that made it */
	char sub[40];
	ike_sa_xsub(old, "CHLD", sub, sizeof(sub));
	exchange_dump_ike_keys(nsa, &ak, sub, gir, glen);
	keys_ike_auth_wipe(&ak);
	nsa->flags |= IKE_SAF_KEYED | IKE_SAF_AUTHED;
	memcpy(nsa->local_id, old->local_id, sizeof(nsa->local_id));
	ike_sa_set_remote_id(nsa, old->remote_id);
	nsa->nat_local = old->nat_local;
	nsa->nat_remote = old->nat_remote;
	/* A road-warrior's lease and login move to the new IKE SA: the old
	 * one's Delete must not free the address its client keeps using. */
	if (ike_sa_set_cp_addr(nsa, &old->cp_addr))
		return -RTX_ENOMEM;
	nsa->cp_dns = old->cp_dns;
	if (old->eap_user && !nsa->eap_user && !(nsa->eap_user = strdup(old->eap_user)))
		return -RTX_ENOMEM;
	nsa->rekeys = old->rekeys + 1;
	ike_sa_setup_done(nsa);
	return ike_sa_set_state(nsa, IKE_STATE_ESTABLISHED);
}

static int finish_ike_i(struct ike_sa *sa, struct child_xchg *cx, struct msg_rx *rx,
			const struct kex_job *j)
{
	const struct msg *m = &rx->m;
	const struct payload *sap = msg_find(m, IKEV2_PAYLOAD_SA, 0);
	const struct payload *nr = msg_find(m, IKEV2_PAYLOAD_NONCE, 0);
	const struct payload *ke = msg_find(m, IKEV2_PAYLOAD_KE, 0);
	struct ike_sa *nsa = cx->nsa;
	if (!sap || !nr || proposal_accept(&sap->u.sa, &cx->offer, sa->e->d.crypto,
					   &nsa->prop) || nsa->prop.spi_size != 8 ||
	    !get_be64(nsa->prop.spi) || nr->u.nonce.data.len < 16 ||
	    ike_sa_set_nonce(nsa, true, nr->u.nonce.data.ptr, nr->u.nonce.data.len)) {
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "SA");
		return -RTX_ENOPROP;
	}
	if (!ke || job_result(j, cx->ke_group)) {
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_PROCESS, "KE");
		return -RTX_ECRYPTO;
	}
	ike_sa_set_spi_r(nsa, get_be64(nsa->prop.spi));
	int err = ike_sa_set_nonce(nsa, false, cx->ni, sizeof(cx->ni));
	if (!err)
		err = ike_rekey_keys(sa, nsa, j->gir, j->gir_len);
	if (err)
		return err;
	cx->nsa = NULL;
	ike_sa_put(nsa);
	rekey_ike_done(sa, nsa);
	return 0;
}

static enum xchg_rc process_i(struct ike_sa *sa, struct msg_rx *rx, struct kex_job *j);

static void derived_i_async(struct kex_job *j)
{
	struct ike_sa *sa = j->sa;
	exchange_resume_i(sa, &exchange_child_ops, process_i(sa, &j->req, j), &j->req.m);
	kex_job_free(j);
}

/* g^ir of the answer's KE on a worker, our private key moved to the job;
 * sa->cx stays, and nothing else goes out on sa until the job is back
 * (exchange_info's may_talk): an IKE SA rekey still goes alone. */
static enum xchg_rc derive_i(struct ike_sa *sa, struct child_xchg *cx, struct msg_rx *rx,
			     const struct payload *ke)
{
	struct kex_job *j = kex_job_new(sa, cx->ke_group, derived_i_async, rx->sub);
	if (!j) {
		dh_free(cx->dh);     /* fails as a KE that cannot be processed */
		cx->dh = NULL;
		return process_i(sa, rx, NULL);
	}
	j->dh = cx->dh;
	cx->dh = NULL;
	kex_job_set_ke(j, &ke->u.ke);
	if (!kex_job_submit(j)) {
		enum xchg_rc rc = process_i(sa, rx, j);
		kex_job_free(j);
		return rc;
	}
	msg_rx_keep(rx, &j->req);
	return XCHG_PENDING;
}

static enum xchg_rc child_process_i(struct ike_sa *sa, struct msg_rx *rx)
{
	return process_i(sa, rx, NULL);
}

/* j: NULL, or the job back with g^ir of the answer's KE. */
static enum xchg_rc process_i(struct ike_sa *sa, struct msg_rx *rx, struct kex_job *j)
{
	struct child_xchg *cx = sa->cx;
	const struct payload *n;
	if (!cx)
		return XCHG_DONE;
	if (!j && (n = msg_find_notify(&rx->m, IKEV2_N_INVALID_KE_PAYLOAD)) &&
	    retry_group(sa, cx, n) == XCHG_MORE)
		return XCHG_MORE;
	uint16_t type = exchange_error_notify(&rx->m);
	const struct payload *ke = msg_find(&rx->m, IKEV2_PAYLOAD_KE, 0);
	if (!j && !type && cx->dh && ke && ke->u.ke.group == cx->ke_group)
		return derive_i(sa, cx, rx, ke);
	sa->cx = NULL;
	int err = type ? -RTX_EAUTH : 0;
	if (type)
		log_notify(sa, rx->sub, type);
	else if (cx->kind == CX_REKEY_IKE)
		err = finish_ike_i(sa, cx, rx, j);
	else
		err = finish_child_i(sa, cx, rx, j);
	if (err && type == IKEV2_N_CHILD_SA_NOT_FOUND && cx->old)
		child_sa_delete(cx->old);         /* the peer has no such SA any more */
	else if (err && cx->kind == CX_REKEY_IKE)
		rekey_ike_later(sa);
	else if (err && cx->old)
		rekey_child_later(cx->old);
	cx_free(cx);
	return XCHG_DONE;
}

/* ---- responder ----------------------------------------------------------------- */

/* The CHILD SA a REKEY_SA notify names: our outbound SPI. */
static struct child_sa *rekeyed_child(struct ike_sa *sa, const struct payload *n)
{
	const struct payload_notify *pn = &n->u.notify;
	if (pn->protocol != IKEV2_PROTO_ESP || pn->spi_size != 4)
		return NULL;
	uint32_t spi = get_be32(pn->spi);
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->spi_out == spi)
			return c;
	return NULL;
}

/* The ESP choice with the KE rule of PFS: the peer decides (reference
 * 1.26); a KE of another group than the chosen one is refused with the
 * group we want. Returns 0 or the notify to answer with. */
static uint16_t child_choose(struct ike_sa *sa, const struct gateway_config *g,
			     const struct policy_config *p, struct msg_rx *rx,
			     struct proposal_choice *choice, uint16_t *want)
{
	const struct payload *sap = msg_find(&rx->m, IKEV2_PAYLOAD_SA, 0);
	const struct payload *ke = msg_find(&rx->m, IKEV2_PAYLOAD_KE, 0);
	if (proposal_select_esp(&sap->u.sa, g, p, sa->e->d.crypto, choice) ||
	    (ke && !choice->dh)) {
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "SA");
		diag_proposal_refused(sa, g, p, &sap->u.sa, rx->sub);
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	if (!ke) {
		choice->dh = NULL;
		return 0;
	}
	for (size_t i = 0; i < sap->u.sa.nproposals; i++)
		if (sap->u.sa.proposals[i].num == choice->num &&
		    proposal_has_group(&sap->u.sa.proposals[i], ke->u.ke.group)) {
			const struct alg *a = alg_find(ALG_DH, ke->u.ke.group, 0);
			if (a && crypto_lib_supports(sa->e->d.crypto, a))
				choice->dh = a;
		}
	if (choice->dh->id != ke->u.ke.group) {
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "KE");
		*want = choice->dh->id;
		return IKEV2_N_INVALID_KE_PAYLOAD;
	}
	return 0;
}

struct child_req {
	struct child_sa *old;
	unsigned tunnel;
	const struct policy_config *p;
	struct ip_addr ts_i, ts_r;
	uint8_t li, lr;
	struct proposal_choice choice;
};

/* What the request asks for, checked; 0 or the notify to answer with. */
static uint16_t child_request(struct ike_sa *sa, struct msg_rx *rx, const struct gateway_config *g,
			      struct child_req *q, uint16_t *want)
{
	const struct ipsec_config *cfg = sa->e->d.config;
	const struct payload *rk = msg_find_notify(&rx->m, IKEV2_N_REKEY_SA);
	const struct payload *tsi = msg_find(&rx->m, IKEV2_PAYLOAD_TSI, 0);
	const struct payload *tsr = msg_find(&rx->m, IKEV2_PAYLOAD_TSR, 0);
	uint8_t fam = sa->remote.addr.family;
	if (rk && !(q->old = rekeyed_child(sa, rk))) {
		uint32_t spi = rk->u.notify.spi_size == 4 ? get_be32(rk->u.notify.spi) : 0;
		log_ike(sa->e->d.log, rx->sub, LOG_CHILD_NOT_FOUND, spi);
		return IKEV2_N_CHILD_SA_NOT_FOUND;
	}
	q->tunnel = q->old ? q->old->tunnel : ike_gateway_tunnel(sa->e, g->id);
	const struct tunnel_config *t = config_tunnel_find(cfg, q->tunnel);
	q->p = config_policy_find(cfg, q->old ? q->old->policy : t ? t->policy : 0);
	if (!q->p || !t || !t->enabled) {
		char sub[16];
		snprintf(sub, sizeof(sub), "GW:%u", g->id);
		log_ike(sa->e->d.log, sub, LOG_NOT_CONFIGURED, q->p ? "tunnel enable" : "ipsec sa policy");
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	uint16_t n = child_choose(sa, g, q->p, rx, &q->choice, want);
	if (n)
		return n;
	if (!tsi || !tsr || child_sa_ts_pick(&tsi->u.ts, fam, &q->ts_i, &q->li) ||
	    child_sa_ts_pick(&tsr->u.ts, fam, &q->ts_r, &q->lr)) {
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "TSi");
		return IKEV2_N_TS_UNACCEPTABLE;
	}
	return 0;
}

/* Our half: nonce, keys, install, and the answer's payloads; with PFS j
 * holds our KE and g^ir. */
static uint16_t child_make_r(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp,
			     struct child_req *q, const struct kex_job *j)
{
	const struct payload *ni = msg_find(&rx->m, IKEV2_PAYLOAD_NONCE, 0);
	const struct alg *pfs = q->choice.dh;
	uint8_t nr[NONCE_LEN];
	int err;
	struct child_sa *c = child_sa_new(sa, q->tunnel, q->p->id, &err);
	struct proposal_offer *o = arena_alloc(&resp->arena, sizeof(*o));
	if (!c || !o || ike_core_random(sa->e, nr, sizeof(nr)) || (pfs && job_result(j, pfs->id))) {
		child_sa_discard(c);
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	c->prop = q->choice;
	c->spi_out = get_be32(q->choice.spi);
	c->ts_l = q->ts_r, c->ts_l_len = q->lr, c->ts_r = q->ts_i, c->ts_r_len = q->li;
	if (child_keys_install(sa, c, false, q->old != NULL, pfs ? j->gir : NULL,
			       pfs ? j->gir_len : 0, ni->u.nonce.data.ptr, ni->u.nonce.data.len,
			       nr, sizeof(nr))) {
		child_sa_discard(c);
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	struct proposal_choice mine = q->choice;
	put_spi32(&mine, c->spi_in);
	proposal_from_choice(&mine, o);
	if (exchange_add_sa(resp, o, true) || add_nonce(resp, nr, sizeof(nr)) ||
	    (pfs && add_ke(resp, j->group, j->pub, j->pub_len)) ||
	    exchange_add_ts(resp, IKEV2_PAYLOAD_TSI, &q->ts_i, q->li) ||
	    exchange_add_ts(resp, IKEV2_PAYLOAD_TSR, &q->ts_r, q->lr)) {
		child_sa_delete(c);
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	rekey_child_done(q->old, c);
	return 0;
}

static enum xchg_rc respond(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp,
			    struct kex_job *j);

static void keyed_r_async(struct kex_job *j)
{
	struct ike_sa *sa = j->sa;
	struct msg resp = j->resp;
	j->resp = (struct msg){ 0 };
	exchange_resume_r(sa, &exchange_child_ops, &resp, respond(sa, &j->req, &resp, j),
			  &j->req.m);
	kex_job_free(j);
	if (sa->state != IKE_STATE_CLOSED)
		exchange_info_kick(sa);      /* Deletes held back while it ran */
}

/* Our key pair and g^ir of the request's KE on a worker: the answer
 * follows from keyed_r_async (XCHG_PENDING), or at once when it ran
 * inline. */
static enum xchg_rc key_r(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp,
			  const struct payload *ke)
{
	struct kex_job *j = kex_job_new(sa, ke->u.ke.group, keyed_r_async, rx->sub);
	if (!j)
		return answer_error(resp, IKEV2_N_NO_PROPOSAL_CHOSEN, 0);
	kex_job_set_ke(j, &ke->u.ke);
	if (!kex_job_submit(j)) {
		enum xchg_rc rc = respond(sa, rx, resp, j);
		kex_job_free(j);
		return rc;
	}
	/* the worker reads none of what the loop's thread moves here */
	j->resp = *resp;
	msg_rx_keep(rx, &j->req);
	return XCHG_PENDING;
}

static enum xchg_rc respond_child(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp,
				  const struct gateway_config *g, struct kex_job *j)
{
	struct child_req q = { 0 };
	uint16_t want = 0;
	/* RFC 7296 2.25: not while our IKE SA rekey runs. */
	if (sa->cx && sa->cx->kind == CX_REKEY_IKE)
		return answer_error(resp, IKEV2_N_TEMPORARY_FAILURE, 0);
	uint16_t n = child_request(sa, rx, g, &q, &want);
	if (!n && q.choice.dh && !j)
		return key_r(sa, rx, resp, msg_find(&rx->m, IKEV2_PAYLOAD_KE, 0));
	if (!n)
		n = child_make_r(sa, rx, resp, &q, j);
	return n ? answer_error(resp, n, want) : XCHG_DONE;
}

static uint16_t ike_choose(struct ike_sa *sa, struct msg_rx *rx, const struct gateway_config *g,
			   struct proposal_choice *c, uint16_t *want)
{
	const struct payload *sap = msg_find(&rx->m, IKEV2_PAYLOAD_SA, 0);
	const struct payload *ke = msg_find(&rx->m, IKEV2_PAYLOAD_KE, 0);
	struct proposal_limit lim;
	if (g->proposal_limitation)
		proposal_limit_ike(g, &lim);
	if (!ke || proposal_select_ike(&sap->u.sa, g, sa->e->d.crypto, c) ||
	    c->spi_size != 8 || !get_be64(c->spi)) {
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "SA");
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	const struct alg *kg = alg_find(ALG_DH, ke->u.ke.group, 0);
	for (size_t i = 0; i < sap->u.sa.nproposals; i++)
		if (sap->u.sa.proposals[i].num == c->num && kg &&
		    crypto_lib_supports(sa->e->d.crypto, kg) &&
		    (!g->proposal_limitation || !lim.dh || lim.dh == kg->id) &&
		    proposal_has_group(&sap->u.sa.proposals[i], kg->id))
			c->dh = kg;
	if (c->dh->id != ke->u.ke.group) {
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "KE");
		*want = c->dh->id;
		return IKEV2_N_INVALID_KE_PAYLOAD;
	}
	return 0;
}

/* The new IKE SA with our SPI, nonce and KE (j's), keyed; NULL on failure. */
static struct ike_sa *ike_make_r(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp,
				 const struct proposal_choice *c, const struct kex_job *j)
{
	const struct payload *ni = msg_find(&rx->m, IKEV2_PAYLOAD_NONCE, 0);
	struct proposal_offer *o = arena_alloc(&resp->arena, sizeof(*o));
	if (!o || job_result(j, c->dh->id) || ni->u.nonce.data.len < 16 ||
	    ni->u.nonce.data.len > IKE_NONCE_MAX)
		return NULL;
	struct ike_sa *nsa = ike_sa_new(sa->e, false, sa->gateway, &sa->local, &sa->remote);
	if (!nsa)
		return NULL;
	nsa->frag = sa->frag;            /* RFC 7383 2.3 */
	nsa->frag_size = sa->frag_size;
	ike_sa_set_spi_i(nsa, get_be64(c->spi));
	nsa->prop = *c;
	uint8_t *nr = ike_sa_nonce(nsa, true, NONCE_LEN);
	int err = ike_sa_set_nonce(nsa, false, ni->u.nonce.data.ptr, ni->u.nonce.data.len);
	if (!err)
		err = nr ? ike_core_random(sa->e, nr, NONCE_LEN) : -RTX_ENOMEM;
	struct proposal_choice mine = *c;
	put_be64(mine.spi, nsa->spi_r);
	proposal_from_choice(&mine, o);
	if (!err)
		err = exchange_add_sa(resp, o, true);
	if (!err)
		err = add_nonce(resp, nr, NONCE_LEN);
	if (!err)
		err = add_ke(resp, j->group, j->pub, j->pub_len);
	if (!err)
		err = ike_rekey_keys(sa, nsa, j->gir, j->gir_len);
	if (err) {
		ike_sa_delete(nsa);
		return NULL;
	}
	return nsa;
}

static enum xchg_rc respond_ike(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp,
				const struct gateway_config *g, struct kex_job *j)
{
	struct proposal_choice c;
	uint16_t want = 0;
	/* RFC 7296 2.25.2: a CHILD SA exchange of ours is under way; the peer
	 * tries again later. Our own IKE SA rekey is a collision (2.8.1). */
	if (sa->cx && sa->cx->kind != CX_REKEY_IKE)
		return answer_error(resp, IKEV2_N_TEMPORARY_FAILURE, 0);
	uint16_t n = ike_choose(sa, rx, g, &c, &want);
	if (n)
		return answer_error(resp, n, want);
	if (!j)
		return key_r(sa, rx, resp, msg_find(&rx->m, IKEV2_PAYLOAD_KE, 0));
	struct ike_sa *nsa = ike_make_r(sa, rx, resp, &c, j);
	if (!nsa)
		return answer_error(resp, IKEV2_N_NO_PROPOSAL_CHOSEN, 0);
	rekey_ike_done(sa, nsa);
	return XCHG_DONE;
}

static enum xchg_rc child_respond(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp)
{
	return respond(sa, rx, resp, NULL);
}

/* j: NULL, or the job back with our KE and g^ir (key_r). */
static enum xchg_rc respond(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp,
			    struct kex_job *j)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	const struct payload *sap = msg_find(&rx->m, IKEV2_PAYLOAD_SA, 0);
	const struct payload *ni = msg_find(&rx->m, IKEV2_PAYLOAD_NONCE, 0);
	if (!sap || !ni || !sap->u.sa.nproposals)
		return answer_error(resp, IKEV2_N_INVALID_SYNTAX, 0);
	/* An IKE SA that was replaced or is not up takes no new SAs. */
	if (!g || !ike_sa_up(sa) || sa->succ)
		return answer_error(resp, IKEV2_N_TEMPORARY_FAILURE, 0);
	if (ni->u.nonce.data.len < 16 || ni->u.nonce.data.len > IKE_NONCE_MAX)
		return answer_error(resp, IKEV2_N_INVALID_SYNTAX, 0);
	if (sap->u.sa.proposals[0].protocol == IKEV2_PROTO_IKE)
		return respond_ike(sa, rx, resp, g, j);
	return respond_child(sa, rx, resp, g, j);
}

/* A failed CREATE_CHILD_SA leaves the IKE SA as it was. */
static void child_after_r(struct ike_sa *sa, enum xchg_rc rc)
{
	(void)sa;
	(void)rc;
}

const struct exchange_ops exchange_child_ops = {
	.type = IKEV2_EXCH_CREATE_CHILD_SA,
	.tag = "CHLD",
	.build_i = child_build_i,
	.process_i = child_process_i,
	.respond = child_respond,
	.after_r = child_after_r,
};
