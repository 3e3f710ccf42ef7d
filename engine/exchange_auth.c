/* IKE_AUTH (RFC 7296 1.2, 2.15) with pre-shared keys or certificates
 * (the signature side is engine/auth_cert.c): identities from
 * `ipsec ike local/remote name`, the gateway found by the peer's IDi as the
 * Yamaha reference says, INITIAL_CONTACT (2.4), and the first CHILD SA
 * with route-based traffic selectors (2.9). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/auth_cert.h"
#include "engine/auth_eap.h"
#include "engine/modecfg.h"
#include "engine/auth_psk.h"
#include "engine/child_sa.h"
#include "engine/config.h"
#include "base/err.h"
#include "engine/exchange.h"
#include "engine/exchange_info.h"
#include "engine/ike_engine.h"
#include "engine/ike_sa.h"
#include "engine/keys.h"
#include "base/log.h"
#include "engine/names.h"
#include "engine/diagnosis.h"
#include "engine/pki.h"
#include "engine/rekey.h"
#include "engine/sig_job.h"

/* ---- identities ------------------------------------------------------------ */

struct ident {
	uint8_t type;               /* IKEV2_ID_* */
	uint8_t data[1024];         /* a subject DN can be long */
	size_t len;
};

/* A configured name as an ID payload. A name without a type is taken as
 * an address when it reads as one, else as an FQDN (the reference leaves
 * the default open). -RTX_EINVAL: the name is not valid for its type. */
static int ident_from_name(const char *name, enum id_type type, struct ident *id)
{
	struct ip_addr a;
	size_t n = strlen(name);
	bool is_addr = !ip_addr_parse(name, &a);
	switch (type) {
	case ID_TYPE_NONE:
		if (is_addr)
			return ident_from_name(name, a.family == AF_INET6 ? ID_TYPE_IPV6_ADDR
									 : ID_TYPE_IPV4_ADDR, id);
		id->type = IKEV2_ID_FQDN;
		break;
	case ID_TYPE_IPV4_ADDR:
	case ID_TYPE_IPV6_ADDR:
		if (!is_addr || (a.family == AF_INET6) != (type == ID_TYPE_IPV6_ADDR))
			return -RTX_EINVAL;
		id->type = type == ID_TYPE_IPV6_ADDR ? IKEV2_ID_IPV6_ADDR : IKEV2_ID_IPV4_ADDR;
		id->len = type == ID_TYPE_IPV6_ADDR ? 16 : 4;
		memcpy(id->data, a.bytes, id->len);
		return 0;
	case ID_TYPE_FQDN: id->type = IKEV2_ID_FQDN; break;
	case ID_TYPE_USER_FQDN: id->type = IKEV2_ID_RFC822_ADDR; break;
	case ID_TYPE_KEY_ID:
	case ID_TYPE_TEL_KEY: id->type = IKEV2_ID_KEY_ID; break;
	default: return -RTX_EINVAL;   /* tel: needs the NGN address, not supported */
	}
	if (n == 0 || n > sizeof(id->data))
		return -RTX_EINVAL;
	memcpy(id->data, name, n);
	id->len = n;
	return 0;
}

static void ident_from_addr(const struct ip_addr *a, struct ident *id)
{
	bool v6 = a->family == AF_INET6;
	id->type = v6 ? IKEV2_ID_IPV6_ADDR : IKEV2_ID_IPV4_ADDR;
	id->len = v6 ? 16 : 4;
	memcpy(id->data, a->bytes, id->len);
}

/* Our ID for gateway g. With a certificate (cred) and no local name it
 * is the certificate's subject, which every peer can bind to it (RFC
 * 4945 3.1.5). */
static int local_ident_of(struct ike_sa *sa, const struct gateway_config *g,
			  const struct pki_cred *cred, struct ident *id)
{
	if (!g->local_name && cred) {
		id->type = IKEV2_ID_DER_ASN1_DN;
		return auth_cert_subject_id(cred, id->data, sizeof(id->data), &id->len);
	}
	if (!g->local_name) {
		ident_from_addr(&sa->local.addr, id);
		return 0;
	}
	return ident_from_name(g->local_name, g->local_name_type, id);
}

/* The same, logging "invalid ipsec ike local name" when needed. */
static int local_ident(struct ike_sa *sa, const struct gateway_config *g,
		       const struct pki_cred *cred, struct ident *id)
{
	int err = local_ident_of(sa, g, cred, id);
	if (err && g->local_name) {
		char sub[16];
		snprintf(sub, sizeof(sub), "GW:%u", g->id);
		log_ike(sa->e->d.log, sub, LOG_INVALID_NAME, "ipsec ike local name");
	}
	return err;
}

static void ident_text(uint8_t type, const uint8_t *data, size_t len, char *buf, size_t cap)
{
	struct ip_addr a = { 0 };
	if (type == IKEV2_ID_DER_ASN1_DN && !pki_dn_text(data, len, buf, cap))
		return;
	if ((type == IKEV2_ID_IPV4_ADDR && len == 4) || (type == IKEV2_ID_IPV6_ADDR && len == 16)) {
		a.family = len == 4 ? AF_INET : AF_INET6;
		memcpy(a.bytes, data, len);
		char tmp[64];
		snprintf(buf, cap, "%s", ip_addr_str(&a, tmp, sizeof(tmp)));
		return;
	}
	size_t w = 0;
	for (size_t i = 0; i < len && w + 1 < cap; i++)
		buf[w++] = data[i] >= 0x20 && data[i] < 0x7f ? (char)data[i] : '.';
	buf[w] = '\0';
}

static void set_remote_id(struct ike_sa *sa, const struct payload *id)
{
	char text[sizeof(sa->remote_id)];
	ident_text(id->u.id.id_type, id->u.id.data.ptr, id->u.id.data.len, text, sizeof(text));
	ike_sa_set_remote_id(sa, text);
}

/* The body of id's payload (type, reserved, data), which AUTH covers,
 * written into buf (IDENT_BODY_MAX bytes). */
#define IDENT_BODY_MAX (4 + sizeof(((struct ident *)0)->data))
static struct chunk ident_body(const struct ident *id, uint8_t *buf)
{
	memset(buf, 0, 4);
	buf[0] = id->type;
	memcpy(buf + 4, id->data, id->len);
	return (struct chunk){ buf, 4 + id->len };
}

/* The ID payload and a view of its body in m. */
static struct payload *add_ident(struct msg *m, uint8_t ptype, const struct ident *id,
				 struct chunk *body)
{
	uint8_t buf[IDENT_BODY_MAX];
	struct chunk b = ident_body(id, buf);
	const uint8_t *copy = exchange_copy(m, b.ptr, b.len);
	struct payload *p = copy ? msg_add(m, ptype, true) : NULL;
	if (!p)
		return NULL;
	p->u.id = (struct payload_id){ .id_type = id->type, .data = { copy + 4, id->len } };
	*body = (struct chunk){ copy, b.len };
	return p;
}

/* Our AUTH payload with the PSK's MAC. */
static int add_psk_auth(struct ike_sa *sa, struct msg *m, const struct gateway_config *g,
			struct chunk id_body, const char *sub)
{
	uint8_t auth[ALG_MAX_PRF_LEN];
	size_t len;
	int err = auth_psk_compute(sa, sa->initiator, g->psk, g->psk_len, id_body, auth, &len,
				   sub);
	const uint8_t *copy = err ? NULL : exchange_copy(m, auth, len);
	struct payload *p = copy ? msg_add(m, IKEV2_PAYLOAD_AUTH, true) : NULL;
	if (!p)
		return err ? err : -RTX_ENOMEM;
	p->u.auth = (struct payload_auth){ IKEV2_AUTH_SHARED_KEY_MIC, { copy, len } };
	return 0;
}

/* The initiator's signature AUTH: the one made ahead of the request
 * (exchange_auth_start) when it signed what this request carries, else
 * made here, on the loop's thread. */
static int add_sig_auth_i(struct ike_sa *sa, struct msg *m, const struct pki_cred *cred,
			  struct chunk id_body, const char *sub)
{
	struct sig_job *j = sig_job_new(sa, NULL), *ahead = sa->own_sig;
	sa->own_sig = NULL;
	if (!j) {
		sig_job_free(ahead);
		return -RTX_ENOMEM;
	}
	auth_cert_sign_begin(sa, cred, id_body, j);
	if (ahead && !j->sign_err && !ahead->sign_err && ahead->key == j->key &&
	    ahead->scheme == j->scheme && ahead->octets_len == j->octets_len &&
	    !memcmp(ahead->octets, j->octets, j->octets_len)) {
		sig_job_free(j);
		j = ahead;
	} else {
		sig_job_free(ahead);
		if (!j->sign_err)
			sig_job_run_here(j);
	}
	int err = auth_cert_sign_end(sa, m, j, sub);
	sig_job_free(j);
	return err;
}

/* ---- CHILD SA payloads --------------------------------------------------- */

static uint32_t spi_of(const struct proposal_choice *c)
{
	return (uint32_t)c->spi[0] << 24 | (uint32_t)c->spi[1] << 16 |
	       (uint32_t)c->spi[2] << 8 | c->spi[3];
}

/* KEYMAT without PFS (IKE_AUTH never has it) and the kernel install. */
static int child_complete(struct ike_sa *sa, struct child_sa *c)
{
	struct child_keys keys;
	const struct keys_input in = { .encr = c->prop.encr, .integ = c->prop.integ,
				       .ni = { sa->ni, sa->ni_len }, .nr = { sa->nr, sa->nr_len } };
	int err = keys_child(sa->e->d.crypto, &sa->keys, &in, &keys);
	/* Responder of a fresh IKE SA that replaces an up one (type 1): make
	 * before break, as for a CREATE_CHILD_SA rekey (rekey.h). */
	struct child_sa *old = sa->initiator ? NULL : rekey_child_replaced(sa, c->tunnel);
	if (!err)
		err = old ? child_sa_install_holding_out(c, &keys) : child_sa_install(c, &keys);
	keys_child_wipe(&keys);
	if (!err && old)
		rekey_fresh_answered(old, c);
	return err;
}

/* ---- initiator ------------------------------------------------------------- */

static int auth_build_i(struct ike_sa *sa, struct msg *m)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	struct gw_state *gs = ike_gw_state(sa->e, sa->gateway);
	unsigned tn = g ? ike_gateway_tunnel(sa->e, g->id) : 0;
	const struct tunnel_config *t = tn ? config_tunnel_find(sa->e->d.config, tn) : NULL;
	const struct policy_config *p = t ? config_policy_find(sa->e->d.config, t->policy) : NULL;
	struct ident id, rid;
	struct chunk body, rbody;
	char sub[40];
	int err;
	if (!p)
		return -RTX_ENOENT;
	if (auth_eap_running(sa))
		return auth_eap_build_i(sa, m);
	ike_sa_xsub(sa, "AUTH", sub, sizeof(sub));
	const struct pki_cred *cred = NULL;
	if (auth_cert_gateway(g) && !(cred = auth_cert_own(sa, g, sub)))
		return -RTX_ENOENT;
	if ((err = local_ident(sa, g, cred, &id)))
		return err;
	if (!add_ident(m, IKEV2_PAYLOAD_IDI, &id, &body))
		return -RTX_ENOMEM;
	/* RFC 7296 3.6/3.7: our chain, and which CAs we would accept */
	if (cred && ((err = auth_cert_add_certs(sa, m, cred)) ||
		     (err = auth_cert_add_certreq(sa->e, m, g, true))))
		return err;
	ident_text(id.type, id.data, id.len, sa->local_id, sizeof(sa->local_id));
	if (gs && !gs->contacted &&
	    !exchange_add_notify(m, IKEV2_N_INITIAL_CONTACT, true, NULL, 0))
		return -RTX_ENOMEM;
	if (g->remote_name && !ident_from_name(g->remote_name, g->remote_name_type, &rid) &&
	    !add_ident(m, IKEV2_PAYLOAD_IDR, &rid, &rbody))
		return -RTX_ENOMEM;
	/* RFC 7296 2.16: an EAP client leaves AUTH out until EAP succeeds */
	if ((err = auth_eap_client(g) ? auth_eap_begin_i(sa, body)
		   : cred ? add_sig_auth_i(sa, m, cred, body, sub) : add_psk_auth(sa, m, g, body, sub)))
		return err;
	if (!sa->first_child && !(sa->first_child = child_sa_new(sa, tn, p->id, &err)))
		return err;
	if (!sa->offer && !(sa->offer = calloc(1, sizeof(*sa->offer))))
		return -RTX_ENOMEM;
	if ((err = proposal_esp(g, p, sa->e->d.config->model, sa->e->d.crypto,
				sa->first_child->spi_in, sa->offer)) ||
	    (err = exchange_add_sa(m, sa->offer, true)))
		return err;
	struct ip_addr all = { .family = sa->remote.addr.family };
	if ((err = exchange_add_ts(m, IKEV2_PAYLOAD_TSI, &all, 0)) ||
	    (err = exchange_add_ts(m, IKEV2_PAYLOAD_TSR, &all, 0)))
		return err;
	/* `ipsec ike eap send certreq`: name our CAs, so that a server that
	 * sends its certificate only when asked (strongSwan's default) does */
	if (auth_eap_client(g) && g->eap_send_certreq &&
	    (err = auth_cert_add_certreq(sa->e, m, g, true)))
		return err;
	/* a remote-access client asks for its inner address (RFC 7296 2.19) */
	if (auth_eap_client(g) && (err = modecfg_add_request(m, sa->remote.addr.family)))
		return err;
	return ike_sa_set_state(sa, IKE_STATE_AUTH_SENT);
}

static void log_notify(struct ike_sa *sa, const char *sub, uint16_t type)
{
	char num[8];
	log_text(sa->e->d.log, LOG_DEBUG, "[IKE2] %s received %s", sub,
		 names_or_num(names_notify(type), type, num, sizeof(num)));
}

/* The CHILD SA half of the response; failures leave the IKE SA up. */
static void auth_child_i(struct ike_sa *sa, struct msg_rx *rx)
{
	struct child_sa *c = sa->first_child;
	const struct msg *m = &rx->m;
	const struct payload *sap = msg_find(m, IKEV2_PAYLOAD_SA, 0);
	const struct payload *tsi = msg_find(m, IKEV2_PAYLOAD_TSI, 0);
	const struct payload *tsr = msg_find(m, IKEV2_PAYLOAD_TSR, 0);
	uint8_t fam = sa->remote.addr.family;
	sa->first_child = NULL;
	int err = -RTX_ENOPROP;
	if (sap && tsi && tsr &&
	    !proposal_accept(&sap->u.sa, sa->offer, sa->e->d.crypto, &c->prop) &&
	    c->prop.spi_size == 4 && !child_sa_ts_pick(&tsi->u.ts, fam, &c->ts_l, &c->ts_l_len) &&
	    !child_sa_ts_pick(&tsr->u.ts, fam, &c->ts_r, &c->ts_r_len)) {
		c->spi_out = spi_of(&c->prop);
		err = child_complete(sa, c);
	} else {
		uint16_t n = exchange_error_notify(m);
		if (n)
			log_notify(sa, rx->sub, n);
		else
			log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_ACCEPT, sap ? "TSi" : "SA");
		if (n == IKEV2_N_NO_PROPOSAL_CHOSEN)
			diag_proposal_refused_by_peer(sa, IKEV2_PROTO_ESP, NULL, rx->sub);
	}
	if (err)
		child_sa_discard(c);
}

/* The peer is authenticated (checked by the caller): the SA is up. */
static int established(struct ike_sa *sa)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	sa->flags |= IKE_SAF_AUTHED;
	int err = ike_sa_set_state(sa, IKE_STATE_ESTABLISHED);
	if (err)
		return err;
	sa->life_secs = g ? g->ike_life.seconds : 28800;
	loop_timer_arm(sa->e->d.loop, &sa->expire, (uint64_t)sa->life_secs * 1000);
	return 0;
}

/* Whether the peer proves itself with a certificate (else the PSK):
 * always with a certificate gateway, and an EAP client's server too. */
static bool peer_signs(const struct ike_sa *sa, const struct gateway_config *g)
{
	return auth_cert_gateway(g) || (sa->initiator && auth_eap_client(g));
}

/* The certificate checks of the peer's side into j (sig_job.h), with
 * `ipsec ike remote name` to bind: 0 or -RTX_EAUTH (logged). */
static int check_begin(struct ike_sa *sa, const struct gateway_config *g, const struct msg *m,
		       const struct payload *id, struct sig_job *j, const char *sub)
{
	struct ident rn;
	if (!g->remote_name || ident_from_name(g->remote_name, g->remote_name_type, &rn))
		return auth_cert_check_begin(sa, g, m, id, NULL, j, sub);
	struct payload_id want = { .id_type = rn.type, .data = { rn.data, rn.len } };
	return auth_cert_check_begin(sa, g, m, id, &want, j, sub);
}

/* Authenticated both ways: the SA is up, and the CHILD SA half. */
static enum xchg_rc auth_up_i(struct ike_sa *sa, struct msg_rx *rx)
{
	auth_eap_free(sa);
	modecfg_read_reply(sa, &rx->m, rx->sub);
	if (established(sa))
		return XCHG_FAIL;
	struct gw_state *gs = ike_gw_state(sa->e, sa->gateway);
	if (gs) {
		gs->contacted = true;
		gs->paused = false;
	}
	auth_child_i(sa, rx);
	ike_sa_setup_done(sa);
	free(sa->offer);
	sa->offer = NULL;
	return XCHG_DONE;
}

/* RFC 7296 2.21.2: the responder believes the SA is up; tell it. */
static enum xchg_rc peer_refused_i(struct ike_sa *sa)
{
	exchange_info_send_error(sa, IKEV2_N_AUTHENTICATION_FAILED);
	return XCHG_FAIL;
}

/* The responder is authenticated: EAP goes on, or the SA is up. */
static enum xchg_rc authed_i(struct ike_sa *sa, struct msg_rx *rx)
{
	const struct payload *idr = msg_find(&rx->m, IKEV2_PAYLOAD_IDR, 0);
	set_remote_id(sa, idr);
	if (auth_eap_running(sa))
		return auth_eap_first_i(sa, idr->body, rx);
	return auth_up_i(sa, rx);
}

static enum xchg_rc checked_i(struct sig_job *j, struct msg_rx *rx)
{
	struct ike_sa *sa = j->sa;
	return auth_cert_check_end(sa, j, rx->sub) ? peer_refused_i(sa) : authed_i(sa, rx);
}

static void checked_i_async(struct sig_job *j)
{
	struct ike_sa *sa = j->sa;
	exchange_resume_i(sa, &exchange_auth_ops, checked_i(j, &j->req), &j->req.m);
	sig_job_free(j);
}

static enum xchg_rc auth_process_i(struct ike_sa *sa, struct msg_rx *rx)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	const struct msg *m = &rx->m;
	if (g && auth_eap_running(sa) && !msg_find(m, IKEV2_PAYLOAD_IDR, 0)) {
		enum xchg_rc rc = auth_eap_process_i(sa, rx);
		return rc == XCHG_DONE ? auth_up_i(sa, rx) : rc;
	}
	const struct payload *idr = msg_find(m, IKEV2_PAYLOAD_IDR, 0);
	const struct payload *auth = msg_find(m, IKEV2_PAYLOAD_AUTH, 0);
	if (!g)
		return XCHG_FAIL;
	if (!idr || !auth) {
		uint16_t n = exchange_error_notify(m);
		if (n)
			log_notify(sa, rx->sub, n);
		else
			log_ike(sa->e->d.log, rx->sub, LOG_PAYLOAD_NOT_CONTAINED, idr ? "AUTH" : "IDr");
		if (n == IKEV2_N_AUTHENTICATION_FAILED)
			diag_auth_refused_by_peer(sa, rx->sub);
		return XCHG_FAIL;
	}
	if (!peer_signs(sa, g))
		return auth_psk_verify(sa, g->psk, g->psk_len, idr->body, &auth->u.auth, rx->sub)
		       ? peer_refused_i(sa) : authed_i(sa, rx);
	struct sig_job *j = sig_job_new(sa, checked_i_async);
	if (!j || check_begin(sa, g, m, idr, j, rx->sub)) {
		sig_job_free(j);
		return peer_refused_i(sa);
	}
	if (!sig_job_submit(j)) {
		enum xchg_rc rc = checked_i(j, rx);
		sig_job_free(j);
		return rc;
	}
	msg_rx_keep(rx, &j->req);
	return XCHG_PENDING;
}

/* The initiator's signature, made before its IKE_AUTH request goes out;
 * add_sig_auth_i() takes it. */
static int presigned(struct sig_job *j)
{
	struct ike_sa *sa = j->sa;
	sig_job_release_sa(j);
	sig_job_free(sa->own_sig);
	sa->own_sig = j;
	return exchange_start(sa, &exchange_auth_ops);
}

static void presigned_async(struct sig_job *j)
{
	struct ike_sa *sa = j->sa;
	if (presigned(j))
		ike_attempt_failed(sa);
}

int exchange_auth_start(struct ike_sa *sa)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	const struct pki_cred *cred;
	struct ident id;
	/* anything amiss is said by the request's own building */
	if (!g || !auth_cert_gateway(g) || auth_eap_client(g) ||
	    !(cred = auth_cert_own(sa, g, NULL)) || local_ident_of(sa, g, cred, &id))
		return exchange_start(sa, &exchange_auth_ops);
	struct sig_job *j = sig_job_new(sa, presigned_async);
	uint8_t buf[IDENT_BODY_MAX];
	if (j)
		auth_cert_sign_begin(sa, cred, ident_body(&id, buf), j);
	if (!j || j->sign_err) {
		sig_job_free(j);
		return exchange_start(sa, &exchange_auth_ops);
	}
	if (!sig_job_submit(j))
		return presigned(j);
	return 0;
}

/* ---- responder --------------------------------------------------------------- */

static bool ident_equal(const struct ident *a, const struct payload_id *p)
{
	return a->type == p->id_type && a->len == p->data.len &&
	       !memcmp(a->data, p->data.ptr, a->len);
}

/* ---- gateways by the name the peer gives ------------------------------------ */

/* find_gateway turns every gateway's remote name into an ID to compare
 * with IDi: with thousands of gateways that is most of an IKE_AUTH. The
 * index holds a hash of each IKEv2 gateway's name as an ID, in gateway
 * order, and is made again after each configuration change; a hit is
 * checked against the configuration as it is now, and a miss falls back
 * to the walk (the shell edits the configuration a moment before it tells
 * the engine). */
struct name_entry {
	uint64_t hash;
	size_t pos;          /* in c->gateways */
	unsigned gw;
};

struct name_index {
	uint64_t gen;        /* ike_engine.config_gen it was made for */
	struct name_entry *v;
	size_t n;
};

static uint64_t id_hash(uint8_t type, const uint8_t *p, size_t len)
{
	uint64_t h = 14695981039346656037ull ^ type;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static int name_cmp(const void *a, const void *b)
{
	const struct name_entry *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static struct name_index *names_of(struct ike_engine *eng)
{
	const struct ipsec_config *c = eng->core.d.config;
	struct name_index *x = eng->names;
	if (x && x->gen == eng->config_gen)
		return x;
	if (!x && !(x = eng->names = calloc(1, sizeof(*x))))
		return NULL;
	free(x->v);
	x->n = 0;
	if (!(x->v = malloc((c->n_gateways + 1) * sizeof(*x->v))))
		return NULL;
	x->gen = eng->config_gen;
	struct ident want;
	for (size_t i = 0; i < c->n_gateways; i++) {
		const struct gateway_config *g = c->gateways[i];
		if (g->version == 2 && g->remote_name &&
		    !ident_from_name(g->remote_name, g->remote_name_type, &want))
			x->v[x->n++] = (struct name_entry){ id_hash(want.type, want.data, want.len),
							    i, g->id };
	}
	qsort(x->v, x->n, sizeof(*x->v), name_cmp);
	return x;
}

void exchange_auth_forget(struct ike_engine *eng)
{
	if (eng->names)
		free(eng->names->v);
	free(eng->names);
	eng->names = NULL;
}

static const struct gateway_config *indexed_gateway(struct ike_core *e,
						    const struct payload_id *idi)
{
	const struct ipsec_config *c = e->d.config;
	const struct name_index *x = names_of(ike_engine_of(e));
	if (!x)
		return NULL;
	uint64_t h = id_hash(idi->id_type, idi->data.ptr, idi->data.len);
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->v[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	struct ident want;
	for (; lo < x->n && x->v[lo].hash == h; lo++) {
		const struct gateway_config *g = x->v[lo].pos < c->n_gateways
						 ? c->gateways[x->v[lo].pos] : NULL;
		if (g && g->id == x->v[lo].gw && g->version == 2 && g->remote_name &&
		    !ident_from_name(g->remote_name, g->remote_name_type, &want) &&
		    ident_equal(&want, idi))
			return g;
	}
	return NULL;
}

/* Reference 1.8: name AND type of `ipsec ike remote name` must match IDi;
 * only when no IKEv2 gateway has a remote name, the peer's address picks. */
static const struct gateway_config *find_gateway(struct ike_core *e, const struct payload_id *idi,
						 const struct endpoint *remote)
{
	const struct ipsec_config *c = e->d.config;
	const struct gateway_config *hit = indexed_gateway(e, idi);
	if (hit)
		return hit;
	bool any_name = false;
	for (size_t i = 0; i < c->n_gateways; i++) {
		const struct gateway_config *g = c->gateways[i];
		struct ident want;
		if (g->version != 2 || !g->remote_name)
			continue;
		any_name = true;
		if (!ident_from_name(g->remote_name, g->remote_name_type, &want) &&
		    ident_equal(&want, idi))
			return g;
	}
	if (!any_name && (hit = ike_gateway_by_addr(e, &remote->addr)))
		return hit;
	/* `ipsec ike remote address GW any` without a remote name: the
	 * gateway of road-warriors, which any peer may reach */
	for (size_t i = 0; i < c->n_gateways; i++) {
		const struct gateway_config *g = c->gateways[i];
		if (g->version == 2 && !g->remote_name && g->remote_address &&
		    !strcmp(g->remote_address, "any"))
			return g;
	}
	return NULL;
}

static enum xchg_rc auth_refuse(struct msg *resp)
{
	resp->npl = 0;
	exchange_add_notify(resp, IKEV2_N_AUTHENTICATION_FAILED, true, NULL, 0);
	return XCHG_FAIL;
}

/* The peer is authenticated: older IKE SAs with it are stale (RFC 7296
 * 2.4), deleted here without telling anyone. "It" is the same gateway and
 * the same authenticated identity: road-warriors share one gateway entry,
 * and one's reboot must not end another's SAs. */
static void initial_contact(struct ike_sa *sa)
{
	struct ike_sa *o = ike_sa_of_identity(sa->e, sa->gateway, sa->remote_id, NULL), *next;
	for (; o; o = next) {
		next = ike_sa_of_identity(sa->e, sa->gateway, sa->remote_id, o);
		if (o != sa && o->state != IKE_STATE_CLOSED)
			ike_sa_delete(o);
	}
}

/* What the first request asks of the first CHILD SA, chosen when it
 * arrives (with EAP it is installed some exchanges later). */
struct child_pick {
	uint16_t notify;              /* non-zero: refuse the CHILD SA with it */
	unsigned tn;
	uint32_t policy;
	struct proposal_choice choice;
	struct ip_addr ts_i, ts_r;
	uint8_t li, lr;
	bool cp_request;              /* a CFG_REQUEST for an address came */
};

static void child_pick_r(struct ike_sa *sa, struct msg_rx *rx, const struct gateway_config *g,
			 struct child_pick *k)
{
	struct ike_core *e = sa->e;
	unsigned tn = ike_gateway_tunnel(e, g->id);
	const struct tunnel_config *t = tn ? config_tunnel_find(e->d.config, tn) : NULL;
	const struct policy_config *p = t ? config_policy_find(e->d.config, t->policy) : NULL;
	const struct payload *sap = msg_find(&rx->m, IKEV2_PAYLOAD_SA, 0);
	const struct payload *tsi = msg_find(&rx->m, IKEV2_PAYLOAD_TSI, 0);
	const struct payload *tsr = msg_find(&rx->m, IKEV2_PAYLOAD_TSR, 0);
	uint8_t fam = sa->remote.addr.family;
	*k = (struct child_pick){ .notify = IKEV2_N_NO_PROPOSAL_CHOSEN, .tn = tn,
				  .cp_request = modecfg_requested(&rx->m, fam) };
	if (!p || !t->enabled) {
		char sub[16];
		snprintf(sub, sizeof(sub), "GW:%u", g->id);
		log_ike(e->d.log, sub, LOG_NOT_CONFIGURED, p ? "tunnel enable" : "ipsec sa policy");
		return;
	}
	k->policy = p->id;
	if (!sap || proposal_select_esp(&sap->u.sa, g, p, e->d.crypto, &k->choice)) {
		log_ike(e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "SA");
		if (sap)
			diag_proposal_refused(sa, g, p, &sap->u.sa, rx->sub);
		return;
	}
	if (!tsi || !tsr || child_sa_ts_pick(&tsi->u.ts, fam, &k->ts_i, &k->li) ||
	    child_sa_ts_pick(&tsr->u.ts, fam, &k->ts_r, &k->lr)) {
		log_ike(e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "TSi");
		k->notify = IKEV2_N_TS_UNACCEPTABLE;
		return;
	}
	k->notify = 0;
}

/* Installs and answers for the first CHILD SA picked in k. 0, or the
 * notify to send instead. */
static uint16_t auth_child_r(struct ike_sa *sa, const struct child_pick *k, struct msg *resp)
{
	struct proposal_choice choice = k->choice;
	struct ip_addr ts_i = k->ts_i, ts_r = k->ts_r;
	uint8_t li = k->li, lr = k->lr;
	int err;
	char sub[40];
	if (k->notify)
		return k->notify;
	ike_sa_xsub(sa, "AUTH", sub, sizeof(sub));
	uint16_t n = modecfg_lease(sa, ike_sa_gateway(sa), k->cp_request, sub);
	if (n)
		return n;
	if (sa->cp_addr.family == ts_i.family) {
		/* the client's traffic comes from its leased address only */
		ts_i = sa->cp_addr;
		li = ts_i.family == AF_INET6 ? 128 : 32;
	}
	struct child_sa *c = child_sa_new(sa, k->tn, k->policy, &err);
	if (!c)
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	c->prop = choice;
	c->spi_out = spi_of(&choice);
	c->ts_l = ts_r, c->ts_l_len = lr, c->ts_r = ts_i, c->ts_r_len = li;
	struct proposal_offer *o = arena_alloc(&resp->arena, sizeof(*o));
	if (!o || child_complete(sa, c)) {
		child_sa_discard(c);
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	struct proposal_choice mine = choice;
	for (int i = 0; i < 4; i++)
		mine.spi[i] = (uint8_t)(c->spi_in >> (24 - 8 * i));
	proposal_from_choice(&mine, o);
	if (exchange_add_sa(resp, o, true) || exchange_add_ts(resp, IKEV2_PAYLOAD_TSI, &ts_i, li) ||
	    exchange_add_ts(resp, IKEV2_PAYLOAD_TSR, &ts_r, lr) ||
	    (sa->cp_addr.family && modecfg_add_reply(sa, resp)))
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	return 0;
}

/* Gateway and its PSK for an IDi; NULL (logged) when the peer is refused. */
static const struct gateway_config *auth_gateway(struct ike_sa *sa, struct msg_rx *rx,
						 const struct payload *idi)
{
	const struct gateway_config *g = find_gateway(sa->e, &idi->u.id, &rx->remote);
	char sub[16];
	if (!g) {
		char text[160];
		log_ike(sa->e->d.log, rx->sub, LOG_CANNOT_ACCEPT, "IDi");
		ident_text(idi->u.id.id_type, idi->u.id.data.ptr, idi->u.id.data.len, text,
			   sizeof(text));
		diag_unknown_id(sa, &rx->remote.addr, idi->u.id.id_type, text, rx->sub);
		return NULL;
	}
	ike_sa_set_gateway(sa, g->id);
	ike_sa_xsub(sa, "AUTH", rx->sub, sizeof(rx->sub));
	/* IKE_SA_INIT only guessed the gateway: its own fragment settings */
	sa->frag = sa->frag && g->frag;
	sa->frag_size = g->frag_size;
	snprintf(sub, sizeof(sub), "GW:%u", g->id);
	enum auth_method am = config_gateway_auth(g);
	if (am == AUTH_METHOD_EAP_MD5 && !auth_eap_server(g)) {
		log_ike(sa->e->d.log, sub, LOG_NOT_CONFIGURED,
			g->eap_request ? "ipsec ike pki file" : "ipsec ike eap request");
		return NULL;
	}
	if (am == AUTH_METHOD_PSK && !g->psk_len) {
		log_ike(sa->e->d.log, sub, LOG_NOT_CONFIGURED, "ipsec ike pre-shared-key");
		return NULL;
	}
	return g;
}

/* RFC 7296 2.16, first request without AUTH, our AUTH made: the EAP
 * Request/Identity; the CHILD SA waits for EAP to succeed. */
static enum xchg_rc eap_signed_r(struct sig_job *j, struct msg_rx *rx, struct msg *resp)
{
	struct ike_sa *sa = j->sa;
	const struct gateway_config *g = ike_sa_gateway(sa);
	const struct payload *idi = msg_find(&rx->m, IKEV2_PAYLOAD_IDI, 0);
	struct child_pick k;
	if (!g || auth_cert_sign_end(sa, resp, j, rx->sub))
		return auth_refuse(resp);
	child_pick_r(sa, rx, g, &k);
	if (auth_eap_begin_r(sa, idi->body, j->own_id, &k, sizeof(k), resp, rx->sub))
		return auth_refuse(resp);
	if (msg_find_notify(&rx->m, IKEV2_N_INITIAL_CONTACT))
		sa->flags |= IKE_SAF_EAP_CONTACT;
	return XCHG_DONE;
}

/* The peer authenticated (checked_r) and our AUTH made: the SA is up,
 * and the first CHILD SA. */
static enum xchg_rc answer_r(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp,
			     const struct gateway_config *g)
{
	const struct payload *idi = msg_find(&rx->m, IKEV2_PAYLOAD_IDI, 0);
	set_remote_id(sa, idi);
	if (msg_find_notify(&rx->m, IKEV2_N_INITIAL_CONTACT))
		initial_contact(sa);
	if (established(sa))
		return auth_refuse(resp);
	struct child_pick k;
	child_pick_r(sa, rx, g, &k);
	uint16_t n = auth_child_r(sa, &k, resp);
	if (n)
		exchange_add_notify(resp, n, true, NULL, 0);
	ike_sa_setup_done(sa);
	free(sa->offer);
	sa->offer = NULL;
	return XCHG_DONE;
}

/* The certificate checks of the peer and our signature are done. */
static enum xchg_rc signed_r(struct sig_job *j, struct msg_rx *rx, struct msg *resp)
{
	struct ike_sa *sa = j->sa;
	const struct gateway_config *g = ike_sa_gateway(sa);
	if (!j->chain)   /* nothing checked: an EAP client proves itself later */
		return eap_signed_r(j, rx, resp);
	if (!g || auth_cert_check_end(sa, j, rx->sub) || auth_cert_sign_end(sa, resp, j, rx->sub))
		return auth_refuse(resp);
	return answer_r(sa, rx, resp, g);
}

static void signed_r_async(struct sig_job *j)
{
	struct ike_sa *sa = j->sa;
	struct msg resp = j->resp;
	j->resp = (struct msg){ 0 };
	exchange_resume_r(sa, &exchange_auth_ops, &resp, signed_r(j, &j->req, &resp), &j->req.m);
	sig_job_free(j);
}

/* A certificate gateway's answer: our IDr and CERTs now, the checks of
 * the peer's certificate (when it sent AUTH: not so the first request of
 * an EAP client) and our signature in a job, the rest in signed_r. */
static enum xchg_rc sign_r(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp,
			   const struct gateway_config *g, const struct payload *idi, bool check)
{
	const struct pki_cred *cred = auth_cert_own(sa, g, rx->sub);
	struct sig_job *j = cred ? sig_job_new(sa, signed_r_async) : NULL;
	struct ident id;
	if (!j || (check && check_begin(sa, g, &rx->m, idi, j, rx->sub)) ||
	    local_ident(sa, g, cred, &id) || !add_ident(resp, IKEV2_PAYLOAD_IDR, &id, &j->own_id) ||
	    auth_cert_add_certs(sa, resp, cred)) {
		sig_job_free(j);
		return auth_refuse(resp);
	}
	ident_text(id.type, id.data, id.len, sa->local_id, sizeof(sa->local_id));
	auth_cert_sign_begin(sa, cred, j->own_id, j);
	if (!sig_job_submit(j)) {
		enum xchg_rc rc = signed_r(j, rx, resp);
		sig_job_free(j);
		return rc;
	}
	/* the worker reads none of what the loop's thread moves here */
	j->resp = *resp;
	msg_rx_keep(rx, &j->req);
	return XCHG_PENDING;
}

/* A later request of an EAP login: the next EAP round, or the final AUTH. */
static enum xchg_rc auth_eap_next_r(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp)
{
	const void *child;
	enum xchg_rc rc = auth_eap_respond(sa, rx, resp, &child);
	if (rc == XCHG_MORE)
		return XCHG_DONE;   /* this exchange is done; the login goes on */
	if (rc == XCHG_FAIL)
		return XCHG_FAIL;
	if (sa->flags & IKE_SAF_EAP_CONTACT)
		initial_contact(sa);
	if (established(sa))
		return auth_refuse(resp);
	uint16_t n = auth_child_r(sa, child, resp);
	if (n)
		exchange_add_notify(resp, n, true, NULL, 0);
	auth_eap_free(sa);
	ike_sa_setup_done(sa);
	return XCHG_DONE;
}

static enum xchg_rc auth_respond(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp)
{
	const struct msg *m = &rx->m;
	const struct payload *idi = msg_find(m, IKEV2_PAYLOAD_IDI, 0);
	const struct payload *auth = msg_find(m, IKEV2_PAYLOAD_AUTH, 0);
	const struct gateway_config *g;
	struct ident id;
	struct chunk body;
	if (sa->state != IKE_STATE_INIT_SENT)
		return auth_refuse(resp);
	if (sa->state == IKE_STATE_INIT_SENT && auth_eap_running(sa))
		return auth_eap_next_r(sa, rx, resp);
	if (!idi) {
		log_ike(sa->e->d.log, rx->sub, LOG_PAYLOAD_NOT_CONTAINED, "IDi");
		return auth_refuse(resp);
	}
	if (!(g = auth_gateway(sa, rx, idi)))
		return auth_refuse(resp);
	if (!auth && auth_eap_server(g))
		return sign_r(sa, rx, resp, g, idi, false);
	if (!auth) {
		log_ike(sa->e->d.log, rx->sub, LOG_PAYLOAD_NOT_CONTAINED, "AUTH");
		return auth_refuse(resp);
	}
	if (peer_signs(sa, g))
		return sign_r(sa, rx, resp, g, idi, true);
	if (auth_psk_verify(sa, g->psk, g->psk_len, idi->body, &auth->u.auth, rx->sub) ||
	    local_ident(sa, g, NULL, &id))
		return auth_refuse(resp);
	ident_text(id.type, id.data, id.len, sa->local_id, sizeof(sa->local_id));
	if (!add_ident(resp, IKEV2_PAYLOAD_IDR, &id, &body) ||
	    add_psk_auth(sa, resp, g, body, rx->sub))
		return auth_refuse(resp);
	return answer_r(sa, rx, resp, g);
}

const struct exchange_ops exchange_auth_ops = {
	.type = IKEV2_EXCH_IKE_AUTH,
	.tag = "AUTH",
	.build_i = auth_build_i,
	.process_i = auth_process_i,
	.respond = auth_respond,
};
