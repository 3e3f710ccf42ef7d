/* IKE_AUTH with certificates: see auth_cert.h. */
#include "engine/auth_cert.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/err.h"
#include "base/log.h"
#include "engine/auth_psk.h"
#include "engine/auth_sig.h"
#include "engine/config.h"
#include "engine/exchange.h"
#include "engine/iana.h"
#include "engine/ike_core.h"
#include "engine/ike_sa.h"
#include "engine/loop.h"
#include "engine/msg.h"
#include "engine/pki.h"
#include "engine/pki_store.h"
#include "engine/sig_job.h"
#include "base/clock.h"

/* One refusal line: "[IKE2] GW:1/SA:2/AUTH certificate has expired ...".
 * INFO, unlike the seed's debug-level "unmatched auth ..." lines: a
 * certificate problem is the operator's to fix and should be seen
 * without `syslog debug on`. */
static void refuse(struct ike_sa *sa, const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void refuse(struct ike_sa *sa, const char *sub, const char *fmt, ...)
{
	char text[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_text(sa->e->d.log, LOG_INFO, "[IKE2] %s %s", sub, text);
}

static void gw_sub(const struct gateway_config *g, char *buf, size_t cap)
{
	snprintf(buf, cap, "GW:%u", g->id);
}

const struct pki_cred *auth_cert_own(struct ike_sa *sa, const struct gateway_config *g,
				     const char *sub)
{
	const struct pki_cred *c = g->pki_cert ? pki_store_cert(sa->e->d.pki, g->pki_cert) : NULL;
	if (!sub)
		return c && pki_cred_key(c) ? c : NULL;
	char gs[16];
	gw_sub(g, gs, sizeof(gs));
	if (!g->pki_cert) {
		log_ike(sa->e->d.log, gs, LOG_NOT_CONFIGURED, "ipsec ike pki file");
		return NULL;
	}
	if (!c) {
		refuse(sa, sub, "certificate file %u is not loaded (show pki certificate summary)",
		       g->pki_cert);
		return NULL;
	}
	if (!pki_cred_key(c)) {
		refuse(sa, sub, "certificate file %u holds no private key (use a pkcs12 file)",
		       g->pki_cert);
		return NULL;
	}
	return c;
}

bool auth_cert_gateway(const struct gateway_config *g)
{
	return config_gateway_auth(g) == AUTH_METHOD_CERTIFICATE;
}

int auth_cert_subject_id(const struct pki_cred *cred, uint8_t *data, size_t cap, size_t *len)
{
	uint8_t *der;
	size_t n;
	int err = pki_cert_subject_der(pki_cred_cert(cred, 0), &der, &n);
	if (err)
		return err;
	if (n > cap) {
		free(der);
		return -RTX_ERANGE;
	}
	memcpy(data, der, n);
	*len = n;
	free(der);
	return 0;
}

int auth_cert_add_certs(struct ike_sa *sa, struct msg *m, const struct pki_cred *cred)
{
	X509 *chain[PKI_CRED_MAX_CERTS];
	size_t n = pki_cred_send_chain(cred, chain, PKI_CRED_MAX_CERTS);
	(void)sa;
	for (size_t i = 0; i < n; i++) {
		uint8_t *der;
		size_t len;
		int err = pki_cert_der(chain[i], &der, &len);
		if (err)
			return err;
		const uint8_t *copy = exchange_copy(m, der, len);
		free(der);
		struct payload *p = copy ? msg_add(m, IKEV2_PAYLOAD_CERT, true) : NULL;
		if (!p)
			return -RTX_ENOMEM;
		p->u.cert = (struct payload_cert){ IKEV2_CERT_X509_SIGNATURE, { copy, len } };
	}
	return 0;
}

int auth_cert_add_certreq(struct ike_core *e, struct msg *m, const struct gateway_config *g,
			  bool encrypted)
{
	struct pki_trust *t;
	uint8_t *hashes;
	size_t len;
	if (!e->d.pki || (g ? pki_store_trust(e->d.pki, g->pki_cert, &t)
			    : pki_store_trust_all(e->d.pki, &t)))
		return 0;   /* nothing to ask for: the peer's chain will fail later, logged */
	int err = pki_trust_certreq(e->d.crypto, t, &hashes, &len);
	pki_trust_free(t);
	if (err || !len)
		return err;
	const uint8_t *copy = exchange_copy(m, hashes, len);
	free(hashes);
	struct payload *p = copy ? msg_add(m, IKEV2_PAYLOAD_CERTREQ, encrypted) : NULL;
	if (!p)
		return -RTX_ENOMEM;
	p->u.cert = (struct payload_cert){ IKEV2_CERT_X509_SIGNATURE, { copy, len } };
	return 0;
}

/* The key-info dump of a signature: what was signed (hashed) and how. */
static void dump_sig(struct ike_sa *sa, const char *sub, enum auth_sig_scheme s,
		     const uint8_t *octets, size_t len, const char *what)
{
	struct auth_sig_key_info ki;
	if (!(ike_sa_log_types(sa) & LOGTYPE_KEY) ||
	    auth_sig_key_info(sa->e->d.crypto, s, octets, len, &ki))
		return;
	log_text(sa->e->d.log, LOG_DEBUG, "[IKE2] %s %s signature: %s", sub, what, ki.alg);
	ike_sa_dump_key(sa, sub, "msg-octets:", octets, len);
	char title[48];
	snprintf(title, sizeof(title), "%s(msg-octets):", ki.hash_name);
	ike_sa_dump_key(sa, sub, title, ki.hash, ki.hash_len);
}

void auth_cert_sign_begin(struct ike_sa *sa, const struct pki_cred *cred, struct chunk id_body,
			  struct sig_job *j)
{
	EVP_PKEY *key = pki_cred_key(cred);
	int err = auth_sig_choose(key, sa->peer_hashes, &j->scheme);
	if (!err)
		err = auth_signed_octets(sa, sa->initiator, id_body, &j->octets, &j->octets_len);
	if (!err && !EVP_PKEY_up_ref(key))
		err = -RTX_ENOMEM;
	if (!err)
		j->key = key;
	j->sign_err = err;
}

int auth_cert_sign_end(struct ike_sa *sa, struct msg *m, const struct sig_job *j,
		       const char *sub)
{
	if (j->sign_err) {
		refuse(sa, sub, "cannot sign with the certificate's key (%s)",
		       rtx_strerror(j->sign_err));
		return j->sign_err;
	}
	dump_sig(sa, sub, j->scheme, j->octets, j->octets_len, "calculate");
	const uint8_t *copy = exchange_copy(m, j->auth, j->auth_len);
	struct payload *p = copy ? msg_add(m, IKEV2_PAYLOAD_AUTH, true) : NULL;
	if (!p)
		return -RTX_ENOMEM;
	p->u.auth = (struct payload_auth){ auth_sig_method(j->scheme), { copy, j->auth_len } };
	return 0;
}

/* ---- the peer ---------------------------------------------------------- */

static int peer_chain(const struct msg *m, struct pki_chain **out)
{
	struct pki_chain *c;
	int err = pki_chain_new(&c);
	const struct payload *p;
	for (size_t i = 0; !err && (p = msg_find(m, IKEV2_PAYLOAD_CERT, i)); i++)
		if (p->u.cert.encoding == IKEV2_CERT_X509_SIGNATURE)
			err = pki_chain_add_der(c, p->u.cert.data.ptr, p->u.cert.data.len);
	if (err) {
		pki_chain_free(c);
		return err;
	}
	*out = c;
	return 0;
}

static bool sig_method(uint8_t method)
{
	return method == IKEV2_AUTH_RSA_SIG || method == IKEV2_AUTH_ECDSA_SHA256_P256 ||
	       method == IKEV2_AUTH_ECDSA_SHA384_P384 || method == IKEV2_AUTH_ECDSA_SHA512_P521 ||
	       method == IKEV2_AUTH_DIGITAL_SIGNATURE;
}

/* g's trust anchors and CRL into j; -RTX_EAUTH (logged) without them. */
static int trust_of(struct ike_sa *sa, const struct gateway_config *g, struct sig_job *j,
		    const char *sub)
{
	const struct pki_store *st = sa->e->d.pki;
	const struct pki_crl *crl = NULL;
	if (!st || pki_store_trust(st, g->pki_cert, &j->trust)) {
		refuse(sa, sub, "no trusted CA certificate (ipsec ike pki file, pki certificate file)");
		return -RTX_EAUTH;
	}
	if (g->pki_crl && !(crl = pki_store_crl(st, g->pki_crl))) {
		refuse(sa, sub, "CRL file %u is not loaded (show pki crl)", g->pki_crl);
		return -RTX_EAUTH;
	}
	if (crl && pki_crl_ref(crl, &j->crl))
		return -RTX_ENOMEM;
	struct clock *clk = loop_clock(sa->e->d.loop);
	j->now = clk->wall(clk);
	return 0;
}

static void chain_refused(struct ike_sa *sa, const struct sig_job *j, const char *sub)
{
	const struct pki_chain *chain = j->chain;
	if (j->chain_err != -RTX_EAUTH) {
		refuse(sa, sub, "certificate verification failed (%s)", rtx_strerror(j->chain_err));
		return;
	}
	struct pki_cert_info info;
	const struct pki_verify_result *res = &j->res;
	X509 *bad = res->depth >= 0 && (size_t)res->depth < pki_chain_count(chain)
		    ? pki_chain_cert(chain, (size_t)res->depth) : pki_chain_cert(chain, 0);
	if (bad && !pki_cert_info(bad, &info))
		refuse(sa, sub, "%s: %s", pki_verify_reason_text(res->reason), info.subject);
	else
		refuse(sa, sub, "%s", pki_verify_reason_text(res->reason));
}

static void id_text(const struct payload_id *id, char *buf, size_t cap)
{
	if (id->id_type == IKEV2_ID_DER_ASN1_DN &&
	    !pki_dn_text(id->data.ptr, id->data.len, buf, cap))
		return;
	size_t w = 0;
	for (size_t i = 0; i < id->data.len && w + 1 < cap; i++) {
		uint8_t c = id->data.ptr[i];
		buf[w++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
	}
	buf[w] = '\0';
}

static int copy_id(struct sig_job_id *to, uint8_t type, struct chunk data)
{
	to->type = type;
	to->len = data.len;
	return (to->data = bytes_dup(data.ptr, data.len)) ? 0 : -RTX_ENOMEM;
}

int auth_cert_check_begin(struct ike_sa *sa, const struct gateway_config *g,
			  const struct msg *m, const struct payload *id,
			  const struct payload_id *remote_name, struct sig_job *j, const char *sub)
{
	const struct payload *auth = msg_find(m, IKEV2_PAYLOAD_AUTH, 0);
	int err;
	if (!auth || !sig_method(auth->u.auth.method)) {
		log_ike(sa->e->d.log, sub, LOG_UNMATCHED_AUTH_METHOD);
		return -RTX_EAUTH;
	}
	if (peer_chain(m, &j->chain)) {
		refuse(sa, sub, "malformed certificate received");
		return -RTX_EAUTH;
	}
	if (pki_chain_count(j->chain) == 0) {
		refuse(sa, sub, "%s", pki_verify_reason_text(PKI_VERIFY_NO_CERT));
		return -RTX_EAUTH;
	}
	if ((err = trust_of(sa, g, j, sub)))
		return err;
	if (copy_id(&j->id, id->u.id.id_type, id->u.id.data) ||
	    (remote_name && copy_id(&j->name, remote_name->id_type, remote_name->data)))
		return -RTX_ENOMEM;
	j->method = auth->u.auth.method;
	j->peer_auth_len = auth->u.auth.data.len;
	if (!(j->peer_auth = bytes_dup(auth->u.auth.data.ptr, j->peer_auth_len)))
		return -RTX_ENOMEM;
	return auth_signed_octets(sa, !sa->initiator, id->body, &j->peer_octets,
				  &j->peer_octets_len);
}

int auth_cert_check_end(struct ike_sa *sa, const struct sig_job *j, const char *sub)
{
	char idt[160];
	struct payload_id id = { .id_type = j->id.type, .data = { j->id.data, j->id.len } };
	switch (j->fail) {
	case SIG_JOB_OK:
		dump_sig(sa, sub, j->chk.scheme, j->peer_octets, j->peer_octets_len, "verified");
		return 0;
	case SIG_JOB_CHAIN:
		chain_refused(sa, j, sub);
		return j->chain_err;
	case SIG_JOB_ID:
		id_text(&id, idt, sizeof(idt));
		refuse(sa, sub, "ID %s is not in the peer's certificate", idt);
		return -RTX_EAUTH;
	case SIG_JOB_NAME:
		id = (struct payload_id){ .id_type = j->name.type,
					  .data = { j->name.data, j->name.len } };
		id_text(&id, idt, sizeof(idt));
		refuse(sa, sub, "ipsec ike remote name %s is not in the peer's certificate", idt);
		return -RTX_EAUTH;
	case SIG_JOB_SIGNATURE:
		break;
	}
	const struct auth_sig_check *chk = &j->chk;
	if (chk->fail == AUTH_SIG_BAD_SIGNATURE)
		log_ike(sa->e->d.log, sub, LOG_UNMATCHED_AUTH_DATA);
	else if (chk->fail == AUTH_SIG_UNKNOWN_METHOD || chk->fail == AUTH_SIG_KEY_MISMATCH)
		log_ike(sa->e->d.log, sub, LOG_UNMATCHED_AUTH_METHOD);
	else
		refuse(sa, sub, "%s%s%s", auth_sig_fail_text(chk->fail), chk->alg_name ? ": " : "",
		       chk->alg_name ? chk->alg_name : "");
	return j->sig_err;
}

int auth_cert_add_hashes(struct msg *m)
{
	uint8_t ids[16];
	size_t n = auth_sig_hashes_encode(AUTH_SIG_HASHES_OURS, ids, sizeof(ids));
	return exchange_add_notify(m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS, false, ids, n)
	       ? 0 : -RTX_ENOMEM;
}

void auth_cert_read_hashes(struct ike_sa *sa, const struct msg *m)
{
	const struct payload *n = msg_find_notify(m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS);
	unsigned mask = 0;
	if (n && !auth_sig_hashes_decode(n->u.notify.data.ptr, n->u.notify.data.len, &mask))
		sa->peer_hashes = mask;
}

/* `ipsec ike local name` as the ID it becomes (exchange_auth.c builds the
 * same for the wire). false for names that cannot be in a certificate. */
static bool name_id(const char *name, enum id_type t, struct payload_id *id, uint8_t *buf)
{
	struct ip_addr a;
	bool is_addr = !ip_addr_parse(name, &a);
	if (t == ID_TYPE_NONE)
		t = is_addr ? (a.family == AF_INET6 ? ID_TYPE_IPV6_ADDR : ID_TYPE_IPV4_ADDR)
			    : ID_TYPE_FQDN;
	switch (t) {
	case ID_TYPE_IPV4_ADDR:
	case ID_TYPE_IPV6_ADDR:
		if (!is_addr || (a.family == AF_INET6) != (t == ID_TYPE_IPV6_ADDR))
			return false;
		memcpy(buf, a.bytes, a.family == AF_INET6 ? 16 : 4);
		*id = (struct payload_id){ .id_type = t == ID_TYPE_IPV6_ADDR ? IKEV2_ID_IPV6_ADDR
									 : IKEV2_ID_IPV4_ADDR,
					   .data = { buf, a.family == AF_INET6 ? 16u : 4u } };
		return true;
	case ID_TYPE_FQDN:
	case ID_TYPE_USER_FQDN:
		*id = (struct payload_id){ .id_type = t == ID_TYPE_FQDN ? IKEV2_ID_FQDN
									: IKEV2_ID_RFC822_ADDR,
					   .data = { (const uint8_t *)name, strlen(name) } };
		return true;
	default:
		return false;
	}
}

void auth_cert_check_names(struct log *log, const struct ipsec_config *c,
			   const struct pki_store *st)
{
	for (size_t i = 0; i < c->n_gateways; i++) {
		const struct gateway_config *g = c->gateways[i];
		const struct pki_cred *cred = pki_store_cert(st, g->pki_cert);
		struct payload_id id;
		uint8_t buf[16];
		if (g->version != 2 || !g->local_name || !cred || !pki_cred_key(cred) ||
		    !auth_cert_gateway(g))
			continue;
		if (!name_id(g->local_name, g->local_name_type, &id, buf) ||
		    pki_id_match(pki_cred_cert(cred, 0), id.id_type, id.data.ptr, id.data.len) !=
			    PKI_ID_MATCH)
			log_text(log, LOG_INFO,
				 "[IKE2] GW:%u warning: ipsec ike local name %s is not in certificate "
				 "file %u (peers will refuse it)", g->id, g->local_name, g->pki_cert);
	}
}
