/* EAP-MD5 in IKE_AUTH (RFC 7296 2.16); see auth_eap.h. */
#include "engine/auth_eap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "engine/auth_psk.h"
#include "engine/config.h"
#include "engine/eap_md5.h"
#include "engine/ike_engine.h"
#include "engine/ike_sa.h"
#include "engine/user.h"

enum eap_step { STEP_EAP, STEP_FINAL };

struct auth_eap {
	enum eap_step step;
	bool server;
	struct eap_client client;
	struct eap_server srv;
	struct payload_eap next;     /* client: the response to send */
	struct chunk id_l, id_r;     /* ID payload bodies: ours, the peer's (owned) */
	void *child;                 /* server: the first CHILD SA's pick */
	unsigned gid;                /* server: `ipsec ike eap request GW on GID` */
};

bool auth_eap_client(const struct gateway_config *g)
{
	return config_gateway_auth(g) == AUTH_METHOD_EAP_MD5 && g->eap_name && g->eap_password;
}

bool auth_eap_server(const struct gateway_config *g)
{
	return g->eap_request && g->pki_cert;
}

static bool logged_in(const struct auth_eap *x)
{
	return x && x->server && x->step == STEP_FINAL;
}

const char *auth_eap_user(const struct ike_sa *sa)
{
	return sa->eap_user ? sa->eap_user : logged_in(sa->eap) ? sa->eap->srv.identity : NULL;
}

bool auth_eap_running(const struct ike_sa *sa)
{
	return sa->eap != NULL;
}

static int dup_chunk(struct chunk *dst, struct chunk src)
{
	uint8_t *p = bytes_dup(src.ptr, src.len);
	if (!p)
		return -RTX_ENOMEM;
	*dst = (struct chunk){ p, src.len };
	return 0;
}

void auth_eap_free(struct ike_sa *sa)
{
	struct auth_eap *x = sa->eap;
	if (!x)
		return;
	/* The login outlives its exchange: show ipsec sa and the lease name
	 * the user (a configured name: it matched an `auth user`). */
	if (logged_in(x) && !sa->eap_user)
		sa->eap_user = strdup(x->srv.identity);
	free((void *)x->id_l.ptr);
	free((void *)x->id_r.ptr);
	free(x->child);
	free(x);
	sa->eap = NULL;
}

static struct auth_eap *eap_new(struct ike_sa *sa)
{
	auth_eap_free(sa);
	return sa->eap = calloc(1, sizeof(struct auth_eap));
}

static int add_eap(struct msg *m, const struct payload_eap *e)
{
	struct payload *p = msg_add(m, IKEV2_PAYLOAD_EAP, true);
	const uint8_t *copy = p ? exchange_copy(m, e->data.ptr, e->data.len) : NULL;
	if (!copy)
		return -RTX_ENOMEM;
	p->u.eap = *e;
	p->u.eap.data.ptr = e->data.len ? copy : NULL;
	return 0;
}

/* Our AUTH after EAP: a MAC keyed with SK_p (no MSK from EAP-MD5). */
static int add_final_auth(struct ike_sa *sa, struct msg *m, const char *sub)
{
	struct auth_eap *x = sa->eap;
	uint8_t mac[ALG_MAX_PRF_LEN];
	size_t len;
	const struct ike_auth_keys *k = sa->akeys;
	if (!k)
		return -RTX_EINVAL;
	const uint8_t *key = sa->initiator ? k->sk_pi : k->sk_pr;
	int err = auth_psk_compute(sa, sa->initiator, key, k->p_len, x->id_l, mac, &len, sub);
	const uint8_t *copy = err ? NULL : exchange_copy(m, mac, len);
	struct payload *p = copy ? msg_add(m, IKEV2_PAYLOAD_AUTH, true) : NULL;
	if (!p)
		return err ? err : -RTX_ENOMEM;
	p->u.auth = (struct payload_auth){ IKEV2_AUTH_SHARED_KEY_MIC, { copy, len } };
	return 0;
}

static int verify_final_auth(struct ike_sa *sa, const struct msg *m, const char *sub)
{
	const struct payload *auth = msg_find(m, IKEV2_PAYLOAD_AUTH, 0);
	const struct ike_auth_keys *k = sa->akeys;
	if (!auth) {
		log_ike(sa->e->d.log, sub, LOG_PAYLOAD_NOT_CONTAINED, "AUTH");
		return -RTX_EAUTH;
	}
	if (!k)
		return -RTX_EAUTH;
	const uint8_t *key = sa->initiator ? k->sk_pr : k->sk_pi;
	return auth_psk_verify(sa, key, k->p_len, sa->eap->id_r, &auth->u.auth, sub);
}

/* ---- client ------------------------------------------------------------------- */

int auth_eap_begin_i(struct ike_sa *sa, struct chunk id_body)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	struct auth_eap *x = eap_new(sa);
	if (!x || dup_chunk(&x->id_l, id_body))
		return -RTX_ENOMEM;
	x->client = (struct eap_client){ .name = g->eap_name, .password = g->eap_password };
	return 0;
}

/* The server's EAP message in: the next request to send, or the end. */
static enum xchg_rc client_step(struct ike_sa *sa, struct msg_rx *rx)
{
	struct auth_eap *x = sa->eap;
	const struct payload *ep = msg_find(&rx->m, IKEV2_PAYLOAD_EAP, 0);
	if (!ep) {
		uint16_t n = exchange_error_notify(&rx->m);
		log_text(sa->e->d.log, LOG_INFO, "[IKE2] %s EAP-MD5: no EAP payload%s%s", rx->sub,
			 n ? ", peer refused with notify " : "", n ? "(error)" : "");
		return XCHG_FAIL;
	}
	switch (eap_client_input(&x->client, &ep->u.eap, &x->next)) {
	case EAP_RC_SEND:
		return XCHG_MORE;
	case EAP_RC_SUCCESS:
		x->step = STEP_FINAL;
		return XCHG_MORE;
	case EAP_RC_FAILURE:
		log_text(sa->e->d.log, LOG_INFO,
			 "[IKE2] %s EAP-MD5 authentication failed: the server refused user %s",
			 rx->sub, x->client.name);
		return XCHG_FAIL;
	default:
		log_text(sa->e->d.log, LOG_INFO, "[IKE2] %s EAP-MD5: unexpected EAP message",
			 rx->sub);
		return XCHG_FAIL;
	}
}

enum xchg_rc auth_eap_first_i(struct ike_sa *sa, struct chunk idr_body, struct msg_rx *rx)
{
	if (dup_chunk(&sa->eap->id_r, idr_body))
		return XCHG_FAIL;
	return client_step(sa, rx);
}

int auth_eap_build_i(struct ike_sa *sa, struct msg *m)
{
	struct auth_eap *x = sa->eap;
	char sub[40];
	ike_sa_xsub(sa, "AUTH", sub, sizeof(sub));
	return x->step == STEP_FINAL ? add_final_auth(sa, m, sub) : add_eap(m, &x->next);
}

enum xchg_rc auth_eap_process_i(struct ike_sa *sa, struct msg_rx *rx)
{
	if (sa->eap->step != STEP_FINAL)
		return client_step(sa, rx);
	return verify_final_auth(sa, &rx->m, rx->sub) ? XCHG_FAIL : XCHG_DONE;
}

/* ---- server ------------------------------------------------------------------- */

struct lookup_ctx {
	const struct user_table *users;
	unsigned gid;
};

static int lookup(void *ctx, const char *name, struct eap_user *u)
{
	const struct lookup_ctx *l = ctx;
	const struct user_config *uc = user_find(l->users, name, l->gid);
	if (!uc || !uc->password)
		return -RTX_ENOENT;
	*u = (struct eap_user){ uc->password, user_eap_md5(l->users, uc) };
	return 0;
}

int auth_eap_begin_r(struct ike_sa *sa, struct chunk idi_body, struct chunk idr_body,
		     const void *child, size_t size, struct msg *resp, const char *sub)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	struct auth_eap *x = eap_new(sa);
	struct payload_eap req;
	uint8_t id;
	(void)sub;
	if (!x || dup_chunk(&x->id_r, idi_body) || dup_chunk(&x->id_l, idr_body) ||
	    !(x->child = malloc(size)))
		return -RTX_ENOMEM;
	memcpy(x->child, child, size);
	x->server = true;
	x->gid = g->eap_request_group;
	if (crypto_random(sa->e->d.crypto, &id, 1))
		return -RTX_ECRYPTO;
	eap_server_start(&x->srv, id, &req);
	return add_eap(resp, &req);
}

static const char *why_text(enum eap_why w)
{
	switch (w) {
	case EAP_WHY_UNKNOWN_USER: return "unknown user";
	case EAP_WHY_NOT_ALLOWED: return "eap-md5 not allowed for the user";
	case EAP_WHY_BAD_PASSWORD: return "wrong password";
	case EAP_WHY_NAK: return "the client refused EAP-MD5";
	default: return "malformed EAP response";
	}
}

/* A user name as the peer sent it, printable for a log line. */
static void printable(const char *in, char *out, size_t cap)
{
	size_t w = 0;
	for (; *in && w + 1 < cap; in++)
		out[w++] = *in >= 0x20 && *in < 0x7f ? *in : '.';
	out[w] = '\0';
}

enum xchg_rc auth_eap_respond(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp,
			      const void **child)
{
	struct auth_eap *x = sa->eap;
	*child = x->child;
	if (x->step == STEP_FINAL) {
		if (verify_final_auth(sa, &rx->m, rx->sub) || add_final_auth(sa, resp, rx->sub))
			return XCHG_FAIL;
		return XCHG_DONE;
	}
	const struct payload *ep = msg_find(&rx->m, IKEV2_PAYLOAD_EAP, 0);
	if (!ep) {
		log_ike(sa->e->d.log, rx->sub, LOG_PAYLOAD_NOT_CONTAINED, "EAP");
		return XCHG_FAIL;
	}
	uint8_t chal[EAP_MD5_CHALLENGE_LEN];
	struct lookup_ctx l = { sa->e->d.config->users, x->gid };
	struct payload_eap out;
	if (crypto_random(sa->e->d.crypto, chal, sizeof(chal)))
		return XCHG_FAIL;
	enum eap_rc rc = eap_server_input(&x->srv, &ep->u.eap, chal, lookup, &l, &out);
	char who[EAP_NAME_MAX + 1];
	printable(x->srv.identity, who, sizeof(who));
	switch (rc) {
	case EAP_RC_SEND:
		return add_eap(resp, &out) ? XCHG_FAIL : XCHG_MORE;
	case EAP_RC_SUCCESS:
		log_text(sa->e->d.log, LOG_INFO, "[IKE2] %s EAP-MD5 user %s authenticated",
			 rx->sub, who);
		x->step = STEP_FINAL;
		char id[sizeof(sa->remote_id)];
		printable(x->srv.identity, id, sizeof(id));
		ike_sa_set_remote_id(sa, id);
		return add_eap(resp, &out) ? XCHG_FAIL : XCHG_MORE;
	case EAP_RC_FAILURE:
		log_text(sa->e->d.log, LOG_INFO,
			 "[IKE2] %s EAP-MD5 authentication failed for user %s: %s", rx->sub, who,
			 why_text(x->srv.why));
		/* RFC 7296 2.16: the EAP Failure, then the IKE SA goes; the
		 * notify tells the client plainly. */
		add_eap(resp, &out);
		exchange_add_notify(resp, IKEV2_N_AUTHENTICATION_FAILED, true, NULL, 0);
		return XCHG_FAIL;
	default:
		log_text(sa->e->d.log, LOG_INFO, "[IKE2] %s EAP-MD5: unexpected EAP message",
			 rx->sub);
		return XCHG_FAIL;
	}
}
