/* IKE_SA_INIT (RFC 7296 1.2): proposals, key exchange, nonces, the COOKIE
 * (2.6) and INVALID_KE_PAYLOAD (1.2) rounds, NAT detection (2.23) and the
 * derivation of SKEYSEED and the SK_* keys (2.14). */
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/alg.h"
#include "engine/auth_cert.h"
#include "engine/config.h"
#include "engine/crypto.h"
#include "engine/dh.h"
#include "base/err.h"
#include "base/ip_addr.h"
#include "engine/diagnosis.h"
#include "engine/exchange.h"
#include "engine/ike_engine.h"
#include "engine/ike_sa.h"
#include "engine/kex_job.h"
#include "base/log.h"
#include "engine/names.h"
#include "engine/natt.h"

#define NONCE_LEN 32
#define COOKIE_MAX 64
#define INIT_RESTARTS_MAX 4
#define COOKIE_ROTATE_MS (5 * 60 * 1000)

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* ---- NAT detection (RFC 7296 2.23) ------------------------------------ */

/* SHA-1(SPIi | SPIr | IP | port). */
static int nat_hash(struct crypto_lib *lib, uint64_t spi_i, uint64_t spi_r,
		    const struct endpoint *ep, uint8_t out[20])
{
	uint8_t in[8 + 8 + 16 + 2];
	size_t alen = ep->addr.family == AF_INET6 ? 16 : 4;
	put_be64(in, spi_i);
	put_be64(in + 8, spi_r);
	memcpy(in + 16, ep->addr.bytes, alen);
	in[16 + alen] = (uint8_t)(ep->port >> 8);
	in[17 + alen] = (uint8_t)ep->port;
	return crypto_sha1(lib, in, 18 + alen, out);
}

static int add_nat_notifies(struct ike_sa *sa, struct msg *m, uint64_t spi_r)
{
	uint8_t src[20], dst[20];
	struct crypto_lib *lib = sa->e->d.crypto;
	int err = nat_hash(lib, sa->spi_i, spi_r, &sa->local, src);
	if (!err)
		err = nat_hash(lib, sa->spi_i, spi_r, &sa->remote, dst);
	if (!err && (!exchange_add_notify(m, IKEV2_N_NAT_DETECTION_SOURCE_IP, false, src, 20) ||
		     !exchange_add_notify(m, IKEV2_N_NAT_DETECTION_DESTINATION_IP, false, dst, 20)))
		err = -RTX_ENOMEM;
	return err;
}

/* Whether any notify of `type` carries the hash of ep. */
static bool nat_match(struct ike_sa *sa, const struct msg *m, uint16_t type,
		      const struct endpoint *ep, bool *present)
{
	uint8_t h[20];
	if (nat_hash(sa->e->d.crypto, m->hdr.spi_i, m->hdr.spi_r, ep, h))
		return false;
	for (size_t i = 0; i < m->npl; i++) {
		const struct payload *p = &m->pl[i];
		if (p->type != IKEV2_PAYLOAD_NOTIFY || p->u.notify.type != type)
			continue;
		*present = true;
		if (p->u.notify.data.len == 20 && !memcmp(p->u.notify.data.ptr, h, 20))
			return true;
	}
	return false;
}

/* Source hash checked against the peer, destination against us. Only
 * detection and logging here; switching to port 4500 builds on it. */
static void nat_check(struct ike_sa *sa, const struct msg_rx *rx)
{
	bool have_src = false, have_dst = false;
	bool remote_ok = nat_match(sa, &rx->m, IKEV2_N_NAT_DETECTION_SOURCE_IP, &rx->remote,
				   &have_src);
	bool local_ok = nat_match(sa, &rx->m, IKEV2_N_NAT_DETECTION_DESTINATION_IP, &rx->local,
				  &have_dst);
	if (!have_src || !have_dst)
		return;
	sa->nat_remote = !remote_ok;
	sa->nat_local = !local_ok;
	log_ike(sa->e->d.log, rx->sub, sa->nat_local ? LOG_NAT_LOCAL : LOG_NO_NAT_LOCAL);
	log_ike(sa->e->d.log, rx->sub, sa->nat_remote ? LOG_NAT_REMOTE : LOG_NO_NAT_REMOTE);
}

/* ---- keys --------------------------------------------------------------- */

void exchange_dump_ike_keys(struct ike_sa *sa, const struct ike_auth_keys *ak,
			    const char *sub, const uint8_t *gir, size_t gir_len)
{
	const struct ike_keys *k = &sa->keys;
	uint8_t spi[8];
	ike_sa_dump_key(sa, sub, "Diffie-Hellman value:", gir, gir_len);
	ike_sa_dump_key(sa, sub, "Ni:", sa->ni, sa->ni_len);
	ike_sa_dump_key(sa, sub, "Nr:", sa->nr, sa->nr_len);
	ike_sa_dump_key(sa, sub, "SKEYSEED:", ak->skeyseed, ak->skeyseed_len);
	put_be64(spi, sa->spi_i);
	ike_sa_dump_key(sa, sub, "SPIi:", spi, 8);
	put_be64(spi, sa->spi_r);
	ike_sa_dump_key(sa, sub, "SPIr:", spi, 8);
	ike_sa_dump_key(sa, sub, "SK_d:", k->sk_d, k->d_len);
	ike_sa_dump_key(sa, sub, "SK_ai:", k->sk_ai, k->a_len);
	ike_sa_dump_key(sa, sub, "SK_ar:", k->sk_ar, k->a_len);
	ike_sa_dump_key(sa, sub, "SK_ei:", k->sk_ei, k->e_len);
	ike_sa_dump_key(sa, sub, "SK_er:", k->sk_er, k->e_len);
	ike_sa_dump_key(sa, sub, "SK_pi:", ak->sk_pi, ak->p_len);
	ike_sa_dump_key(sa, sub, "SK_pr:", ak->sk_pr, ak->p_len);
}

/* The job's g^ir, SKEYSEED and SK_* become the SA's (the private key
 * went with the job). */
static int take_keys(struct ike_sa *sa, struct kex_job *j)
{
	if (j->bad_ke)
		log_ike(sa->e->d.log, j->sub, LOG_CANNOT_PROCESS, "KE");
	if (j->err)
		return j->err;
	struct ike_auth_keys *ak = ike_sa_auth_keys(sa);
	if (!ak)
		return -RTX_ENOMEM;
	sa->keys = j->keys;
	*ak = j->akeys;
	sa->flags |= IKE_SAF_KEYED;
	exchange_dump_ike_keys(sa, ak, j->sub, j->gir, j->gir_len);
	return 0;
}

/* KE and Nonce; the KE data is ours once the key pair exists (pub NULL:
 * a slot of the group's length that init_keyed_r fills). */
static int add_ke_nonce(struct msg *m, const struct alg *group,
			const uint8_t *pub, const uint8_t *nonce, size_t nlen)
{
	const uint8_t *kp = pub ? exchange_copy(m, pub, group->pub_len) : NULL;
	struct payload *ke = kp || !pub ? msg_add(m, IKEV2_PAYLOAD_KE, false) : NULL;
	if (!ke)
		return -RTX_ENOMEM;
	ke->u.ke = (struct payload_ke){ group->id, { kp, kp ? group->pub_len : 0 } };
	struct payload *n = msg_add(m, IKEV2_PAYLOAD_NONCE, false);
	if (!n)
		return -RTX_ENOMEM;
	n->u.nonce.data = (struct chunk){ nonce, nlen };
	return 0;
}

/* ---- initiator ---------------------------------------------------------- */

/* The offer for a fresh or restarted attempt with KE group `group`. */
static int prepare_offer(struct ike_sa *sa, uint16_t group)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	if (!g)
		return -RTX_ENOENT;
	if (!sa->offer && !(sa->offer = calloc(1, sizeof(*sa->offer))))
		return -RTX_ENOMEM;
	dh_free(sa->dh);
	sa->dh = NULL;
	return proposal_ike(g, sa->e->d.config->model, sa->e->d.crypto, group, sa->offer);
}

/* The key pair is there: the first request goes out. */
static int send_first(struct kex_job *j)
{
	struct ike_sa *sa = j->sa;
	int err = j->err;
	if (!err) {
		sa->dh = j->dh;
		j->dh = NULL;
		err = exchange_start(sa, &exchange_init_ops);
	}
	kex_job_free(j);
	return err;
}

static void keypair_ready(struct kex_job *j)
{
	struct ike_sa *sa = j->sa;
	if (send_first(j))
		ike_sa_delete(sa);
}

int exchange_init_begin(struct ike_sa *sa, uint16_t group)
{
	uint8_t *ni = ike_sa_nonce(sa, false, NONCE_LEN);
	int err = ni ? ike_core_random(sa->e, ni, NONCE_LEN) : -RTX_ENOMEM;
	if (err || (err = prepare_offer(sa, group)))
		return err;
	struct kex_job *j = kex_job_new(sa, group, keypair_ready, "");
	if (!j)
		return -RTX_ENOMEM;
	if (!kex_job_submit(j))
		return send_first(j);
	return 0;
}

static int init_build_i(struct ike_sa *sa, struct msg *m)
{
	if (sa->cookie && !exchange_add_notify(m, IKEV2_N_COOKIE, false, sa->cookie,
					      sa->cookie_len))
		return -RTX_ENOMEM;
	int err = exchange_add_sa(m, sa->offer, false);
	if (err)
		return err;
	uint8_t pub[ALG_MAX_DH_PUB_LEN];
	if ((err = dh_public(sa->dh, pub, sizeof(pub))))
		return err;
	err = add_ke_nonce(m, dh_alg(sa->dh), pub, sa->ni, sa->ni_len);
	if (!err)
		err = add_nat_notifies(sa, m, 0);
	/* RFC 7427 4: announce the hashes we verify, so a peer can sign
	 * with method 14 */
	const struct gateway_config *g = ike_sa_gateway(sa);
	if (!err && g && auth_cert_gateway(g))
		err = auth_cert_add_hashes(m);
	/* RFC 7383 2.3: certificate chains outgrow one datagram */
	if (!err && g && auth_cert_gateway(g) && g->frag &&
	    !exchange_add_notify(m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, false, NULL, 0))
		err = -RTX_ENOMEM;
	return err;
}

static enum xchg_rc init_retry_cookie(struct ike_sa *sa, const struct payload *n)
{
	const struct chunk *c = &n->u.notify.data;
	if (!c->len || c->len > COOKIE_MAX)
		return XCHG_FAIL;
	free(sa->cookie);
	if (!(sa->cookie = malloc(c->len)))
		return XCHG_FAIL;
	memcpy(sa->cookie, c->ptr, c->len);
	sa->cookie_len = c->len;
	window_restart(&sa->win);
	return XCHG_MORE;
}

/* Yamaha 1.18: retry with the group asked for and keep preferring it for
 * this peer until the configuration changes. */
static enum xchg_rc init_retry_group(struct ike_sa *sa, const struct payload *n,
				     const char *sub)
{
	const struct chunk *c = &n->u.notify.data;
	if (c->len != 2)
		return XCHG_FAIL;
	uint16_t group = (uint16_t)(c->ptr[0] << 8 | c->ptr[1]);
	const struct alg *a = alg_find(ALG_DH, group, 0);
	if (!a || !crypto_lib_supports(sa->e->d.crypto, a) || group == dh_alg(sa->dh)->id) {
		log_ike(sa->e->d.log, sub, LOG_CANNOT_ACCEPT, "Notify");
		return XCHG_FAIL;
	}
	struct gw_state *gs = ike_gw_state(sa->e, sa->gateway);
	if (gs)
		gs->ke_group = group;
	if (prepare_offer(sa, group) || dh_new(sa->e->d.crypto, group, &sa->dh))
		return XCHG_FAIL;
	window_restart(&sa->win);
	return XCHG_MORE;
}

static void log_error_notify(struct ike_sa *sa, const char *sub, uint16_t type)
{
	char num[8];
	log_text(sa->e->d.log, LOG_DEBUG, "[IKE2] %s received %s", sub,
		 names_or_num(names_notify(type), type, num, sizeof(num)));
}

/* The initiator's keys: IKE_SA_INIT is done. Frees j. */
static enum xchg_rc keyed_i(struct kex_job *j)
{
	struct ike_sa *sa = j->sa;
	enum xchg_rc rc = XCHG_FAIL;
	if (!take_keys(sa, j) && !ike_sa_set_state(sa, IKE_STATE_INIT_SENT)) {
		free(sa->offer);
		sa->offer = NULL;
		rc = XCHG_DONE;
	}
	kex_job_free(j);
	return rc;
}

static void keyed_i_async(struct kex_job *j)
{
	struct ike_sa *sa = j->sa;
	exchange_resume_i(sa, &exchange_init_ops, keyed_i(j), NULL);
}

static enum xchg_rc init_process_i(struct ike_sa *sa, struct msg_rx *rx)
{
	const struct msg *m = &rx->m;
	const struct payload *n;
	if ((n = msg_find_notify(m, IKEV2_N_COOKIE)) && sa->init_restarts++ < INIT_RESTARTS_MAX)
		return init_retry_cookie(sa, n);
	if ((n = msg_find_notify(m, IKEV2_N_INVALID_KE_PAYLOAD)) &&
	    sa->init_restarts++ < INIT_RESTARTS_MAX)
		return init_retry_group(sa, n, rx->sub);
	uint16_t err_type = exchange_error_notify(m);
	if (err_type || n) {
		log_error_notify(sa, rx->sub, err_type ? err_type : n->u.notify.type);
		if (err_type == IKEV2_N_NO_PROPOSAL_CHOSEN && sa->offer) {
			struct payload_sa offer = proposal_offer_sa(sa->offer);
			diag_proposal_refused_by_peer(sa, IKEV2_PROTO_IKE, &offer, rx->sub);
		}
		return XCHG_FAIL;
	}
	const struct payload *sap = msg_find(m, IKEV2_PAYLOAD_SA, 0);
	const struct payload *ke = msg_find(m, IKEV2_PAYLOAD_KE, 0);
	const struct payload *nr = msg_find(m, IKEV2_PAYLOAD_NONCE, 0);
	if (!sap || !ke || !nr || !m->hdr.spi_r)
		return XCHG_FAIL;
	if (proposal_accept(&sap->u.sa, sa->offer, sa->e->d.crypto, &sa->prop) ||
	    ke->u.ke.group != sa->prop.dh->id || ke->u.ke.group != dh_alg(sa->dh)->id) {
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "SA");
		return XCHG_FAIL;
	}
	if (nr->u.nonce.data.len < 16 ||
	    ike_sa_set_nonce(sa, true, nr->u.nonce.data.ptr, nr->u.nonce.data.len))
		return XCHG_FAIL;
	auth_cert_read_hashes(sa, m);
	const struct gateway_config *g = ike_sa_gateway(sa);
	if (g && auth_cert_gateway(g) && g->frag &&
	    msg_find_notify(m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED)) {
		sa->frag = true;
		sa->frag_size = g->frag_size;
	}
	ike_sa_set_spi_r(sa, m->hdr.spi_r);
	uint8_t *copy = bytes_dup(rx->buf, rx->len);
	if (!copy)
		return XCHG_FAIL;
	free(sa->init_r);
	sa->init_r = copy;
	sa->init_r_len = rx->len;
	nat_check(sa, rx);
	natt_after_init(sa);
	struct kex_job *j = kex_job_new(sa, ke->u.ke.group, keyed_i_async, rx->sub);
	if (!j)
		return XCHG_FAIL;
	j->dh = sa->dh;
	sa->dh = NULL;
	kex_job_set_peer(j, &ke->u.ke);
	if (!kex_job_submit(j))
		return keyed_i(j);
	return XCHG_PENDING;
}

static void init_done_i(struct ike_sa *sa)
{
	if (exchange_auth_start(sa))
		ike_attempt_failed(sa);
}

/* ---- responder ---------------------------------------------------------- */

/* The gateway an IKE_SA_INIT probably belongs to, by the peer's address;
 * only used to apply its proposal-limitation before IDi is known. */
static const struct gateway_config *guess_gateway(struct ike_core *e,
						  const struct endpoint *remote)
{
	return ike_gateway_by_addr(e, &remote->addr);
}

/* Cookie (RFC 7296 2.6): version byte | HMAC-SHA256(secret, Ni | IPi |
 * SPIi); the secret turns over every few minutes, the previous one still
 * accepted so a cookie handed out just before stays good. */
static int make_cookie(struct ike_engine *e, int which, const struct msg_rx *rx,
		       const struct chunk *ni, uint8_t out[33])
{
	const struct alg *h = alg_find(ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	uint8_t spi[8];
	put_be64(spi, rx->m.hdr.spi_i);
	struct crypto_chunk in[] = {
		{ ni->ptr, ni->len },
		{ rx->remote.addr.bytes, rx->remote.addr.family == AF_INET6 ? 16u : 4u },
		{ spi, 8 },
	};
	out[0] = (uint8_t)((e->cookie_rotated_ms / COOKIE_ROTATE_MS + (unsigned)which) & 1);
	return crypto_hmac(e->core.d.crypto, h, e->cookie_secret[which], 32, in, 3, out + 1);
}

static void cookie_rotate(struct ike_engine *e)
{
	uint64_t now = ike_core_now_ms(&e->core);
	if (e->cookie_rotated_ms && now - e->cookie_rotated_ms < COOKIE_ROTATE_MS)
		return;
	memcpy(e->cookie_secret[1], e->cookie_secret[0], 32);
	ike_core_random(&e->core, e->cookie_secret[0], 32);
	e->cookie_rotated_ms = now ? now : 1;
}

static bool cookie_valid(struct ike_engine *e, const struct msg_rx *rx, const struct chunk *ni)
{
	const struct payload *n = msg_find_notify(&rx->m, IKEV2_N_COOKIE);
	uint8_t want[33];
	if (!n || n->u.notify.data.len != sizeof(want))
		return false;
	for (int which = 0; which < 2; which++)
		if (!make_cookie(e, which, rx, ni, want) &&
		    !memcmp(want + 1, n->u.notify.data.ptr + 1, 32))
			return true;
	return false;
}

static void send_stateless(struct ike_core *e, struct msg_rx *rx, uint16_t type,
			   const void *data, size_t len)
{
	struct msg m;
	msg_init(&m, IKEV2_EXCH_IKE_SA_INIT, 0, IKEV2_FLAG_RESPONSE);
	m.hdr.spi_i = rx->m.hdr.spi_i;
	if (exchange_add_notify(&m, type, false, data, len))
		msg_io_send_stateless(e, &rx->local, &rx->remote, &m, rx->sub);
	msg_free(&m);
}

static void init_error(struct msg *resp, uint16_t type, const void *data, size_t len)
{
	resp->npl = 0;
	exchange_add_notify(resp, type, false, data, len);
}

/* RFC 7296 1.2: the group of the KE payload is used when the chosen
 * proposal allows it; otherwise INVALID_KE_PAYLOAD names the one we want. */
static enum xchg_rc init_pick(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp,
			      const struct payload_ke **ke_out)
{
	const struct gateway_config *g = guess_gateway(sa->e, &rx->remote);
	struct proposal_limit lim;
	const struct payload *sap = msg_find(&rx->m, IKEV2_PAYLOAD_SA, 0);
	const struct payload *ke = msg_find(&rx->m, IKEV2_PAYLOAD_KE, 0);
	if (g && g->proposal_limitation)
		proposal_limit_ike(g, &lim);
	if (!sap || !ke || proposal_select_ike(&sap->u.sa, g, sa->e->d.crypto, &sa->prop)) {
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "SA");
		if (sap)
			diag_proposal_refused(sa, g, NULL, &sap->u.sa, rx->sub);
		init_error(resp, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return XCHG_FAIL;
	}
	const struct alg *kg = alg_find(ALG_DH, ke->u.ke.group, 0);
	bool lim_ok = !(g && g->proposal_limitation) || ke->u.ke.group == lim.dh;
	if (kg && crypto_lib_supports(sa->e->d.crypto, kg) && lim_ok &&
	    proposal_has_group(&sap->u.sa.proposals[0], kg->id))
		sa->prop.dh = kg;
	for (size_t i = 0; i < sap->u.sa.nproposals; i++)
		if (sap->u.sa.proposals[i].num == sa->prop.num && kg &&
		    proposal_has_group(&sap->u.sa.proposals[i], kg->id) && lim_ok &&
		    crypto_lib_supports(sa->e->d.crypto, kg))
			sa->prop.dh = kg;
	if (ke->u.ke.group != sa->prop.dh->id) {
		uint8_t want[2] = { (uint8_t)(sa->prop.dh->id >> 8), (uint8_t)sa->prop.dh->id };
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "KE");
		init_error(resp, IKEV2_N_INVALID_KE_PAYLOAD, want, 2);
		return XCHG_FAIL;
	}
	*ke_out = &ke->u.ke;
	return XCHG_DONE;
}

/* The certificate gateway an IKE_SA_INIT is for, by the peer's address.
 * *any says whether some IKEv2 gateway uses certificates at all (the
 * gateway is only known for sure from IDi). */
static const struct gateway_config *guess_cert_gateway(struct ike_core *e,
						       const struct endpoint *remote, bool *any)
{
	const struct gateway_config *g = guess_gateway(e, remote);
	*any = ike_any_cert_gateway(e);
	return g && auth_cert_gateway(g) ? g : NULL;
}

/* Certificate material of an IKE_SA_INIT response: our hashes when the
 * peer announced its own (RFC 7427 4), and CERTREQ (RFC 7296 3.7), which
 * peers such as strongSwan wait for before sending their certificate. */
static int init_cert_payloads(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp)
{
	bool any;
	const struct gateway_config *g = guess_cert_gateway(sa->e, &rx->remote, &any);
	int err = 0;
	auth_cert_read_hashes(sa, &rx->m);
	if (!any)
		return 0;
	if (msg_find_notify(&rx->m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS))
		err = auth_cert_add_hashes(resp);
	/* without a gateway by address, the defaults of a fresh gateway */
	bool frag = g ? g->frag : true;
	if (!err && frag && msg_find_notify(&rx->m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED)) {
		if (!exchange_add_notify(resp, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, false, NULL, 0))
			return -RTX_ENOMEM;
		sa->frag = true;
		sa->frag_size = g ? g->frag_size : CONFIG_FRAG_SIZE_DEFAULT;
	}
	return err ? err : auth_cert_add_certreq(sa->e, resp, g, false);
}

/* The responder's keys and KE data into the answer. Frees j. */
static enum xchg_rc keyed_r(struct kex_job *j, struct msg *resp)
{
	struct ike_sa *sa = j->sa;
	int err = take_keys(sa, j);
	const uint8_t *kp = err ? NULL : exchange_copy(resp, j->pub, j->pub_len);
	if (!err && !kp)
		err = -RTX_ENOMEM;
	if (!err) {
		resp->pl[j->ke_index].u.ke.data = (struct chunk){ kp, j->pub_len };
		err = ike_sa_set_state(sa, IKE_STATE_INIT_SENT);
	}
	kex_job_free(j);
	if (err) {
		init_error(resp, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return XCHG_FAIL;
	}
	return XCHG_DONE;
}

static void keyed_r_async(struct kex_job *j)
{
	struct ike_sa *sa = j->sa;
	struct msg resp = j->resp;
	j->resp = (struct msg){ 0 };
	exchange_resume_r(sa, &exchange_init_ops, &resp, keyed_r(j, &resp), NULL);
}

static enum xchg_rc init_respond(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp)
{
	const struct payload *ni = msg_find(&rx->m, IKEV2_PAYLOAD_NONCE, 0);
	const struct payload_ke *ke = NULL;
	if (!ni || ni->u.nonce.data.len < 16 || ni->u.nonce.data.len > IKE_NONCE_MAX) {
		init_error(resp, IKEV2_N_INVALID_SYNTAX, NULL, 0);
		return XCHG_FAIL;
	}
	if (init_pick(sa, rx, resp, &ke) != XCHG_DONE)
		return XCHG_FAIL;
	struct proposal_offer *answer = calloc(1, sizeof(*answer));
	struct kex_job *j = NULL;
	int err = answer ? ike_sa_set_nonce(sa, false, ni->u.nonce.data.ptr,
					    ni->u.nonce.data.len) : -RTX_ENOMEM;
	uint8_t *nr = err ? NULL : ike_sa_nonce(sa, true, NONCE_LEN);
	if (!err)
		err = nr ? ike_core_random(sa->e, nr, NONCE_LEN) : -RTX_ENOMEM;
	if (!err && !(j = kex_job_new(sa, sa->prop.dh->id, keyed_r_async, rx->sub)))
		err = -RTX_ENOMEM;
	if (!err) {
		proposal_from_choice(&sa->prop, answer);
		sa->offer = answer;      /* freed with the SA's negotiation state */
		err = exchange_add_sa(resp, answer, false);
	} else {
		free(answer);
	}
	if (!err) {
		j->ke_index = resp->npl;
		err = add_ke_nonce(resp, sa->prop.dh, NULL, sa->nr, sa->nr_len);
	}
	if (!err)
		err = add_nat_notifies(sa, resp, sa->spi_r);
	if (!err)
		err = init_cert_payloads(sa, rx, resp);
	nat_check(sa, rx);
	if (err) {
		kex_job_free(j);
		init_error(resp, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return XCHG_FAIL;
	}
	kex_job_set_peer(j, ke);
	if (!kex_job_submit(j))
		return keyed_r(j, resp);
	/* the worker reads none of what the loop's thread writes here */
	j->resp = *resp;
	return XCHG_PENDING;
}

/* A half-open SA that never authenticates goes after the time the peer
 * would spend retransmitting. */
static void arm_half_open(struct ike_sa *sa)
{
	loop_timer_arm(sa->e->d.loop, &sa->expire, config_retry_span_ms(sa->e->d.config));
}

/* After the cookie (so that a spoofed sender cannot use up a real one's
 * share): a sender at its limit of half-open SAs, or anyone when the
 * engine is at its cap, is ignored without a reply (strongSwan does the
 * same); its retransmissions get through once some complete or expire.
 * The remote address of a configured gateway has no per-address limit
 * (only the cap): a peer bringing up many tunnels between the same two
 * addresses at once must not wait for retransmissions. */
static bool over_limits(struct ike_engine *eng, struct msg_rx *rx)
{
	struct ike_core *e = &eng->core;
	char from[48];
	unsigned n = addr_count_of(&e->half_open_src, &rx->remote.addr);
	if (eng->half_open_per_source && n >= eng->half_open_per_source &&
	    !guess_gateway(e, &rx->remote)) {
		eng->dropped_per_source++;
		log_text_limited(e->d.log, LOG_DEBUG, "[IKE2] %s ignored IKE_SA_INIT from %s: "
				 "%u half-open IKE SAs from that address (limit %u)", rx->sub,
				 ip_addr_str(&rx->remote.addr, from, sizeof(from)), n,
				 eng->half_open_per_source);
		return true;
	}
	if (eng->half_open_max && e->half_open >= eng->half_open_max) {
		eng->dropped_max++;
		log_text_limited(e->d.log, LOG_DEBUG, "[IKE2] %s ignored IKE_SA_INIT from %s: "
				 "%u half-open IKE SAs (limit %u)", rx->sub,
				 ip_addr_str(&rx->remote.addr, from, sizeof(from)), e->half_open,
				 eng->half_open_max);
		return true;
	}
	return false;
}

void exchange_init_new(struct ike_core *e, struct msg_rx *rx)
{
	struct ike_engine *eng = ike_engine_of(e);
	const struct payload *ni = msg_find(&rx->m, IKEV2_PAYLOAD_NONCE, 0);
	if (!ni)
		return;
	/* Reference: `ipsec ike negotiation receive GW off` never answers
	 * the peer of GW (it must be configured by address), only initiates. */
	const struct gateway_config *g = guess_gateway(e, &rx->remote);
	if (g && !g->negotiation_receive) {
		char a[INET6_ADDRSTRLEN];
		log_text(e->d.log, LOG_DEBUG, "[IKE2] IKE_SA_INIT from %s dropped: ipsec ike "
			 "negotiation receive %u off", ip_addr_str(&rx->remote.addr, a, sizeof(a)),
			 g->id);
		return;
	}
	if (e->half_open >= eng->cookie_threshold) {
		cookie_rotate(eng);
		if (!cookie_valid(eng, rx, &ni->u.nonce.data)) {
			uint8_t c[33];
			if (!make_cookie(eng, 0, rx, &ni->u.nonce.data, c)) {
				send_stateless(e, rx, IKEV2_N_COOKIE, c, sizeof(c));
				eng->cookies_sent++;
			}
			return;
		}
	}
	if (over_limits(eng, rx))
		return;
	struct ike_sa *sa = ike_sa_new(e, false, 0, &rx->local, &rx->remote);
	if (!sa) {
		log_ike(e->d.log, rx->sub, LOG_NO_IKE_SA);
		return;
	}
	ike_sa_set_spi_i(sa, rx->m.hdr.spi_i);
	uint8_t *copy = bytes_dup(rx->buf, rx->len);
	if (copy) {
		sa->init_i = copy;
		sa->init_i_len = rx->len;
	}
	arm_half_open(sa);
	ike_sa_hold(sa);
	ike_sa_xsub(sa, "INIT", rx->sub, sizeof(rx->sub));
	if (window_check_request(&sa->win, rx->m.hdr.msgid, rx->sub, rx->buf, rx->len,
				 &rx->remote, NULL) == WINDOW_NEW && copy)
		exchange_on_request(sa, rx);
	else
		ike_sa_delete(sa);
	ike_sa_put(sa);
}

const struct exchange_ops exchange_init_ops = {
	.type = IKEV2_EXCH_IKE_SA_INIT,
	.tag = "INIT",
	.build_i = init_build_i,
	.process_i = init_process_i,
	.done_i = init_done_i,
	.respond = init_respond,
};
