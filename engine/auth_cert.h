/* IKE_AUTH with certificates (RFC 7296 2.15, 3.6-3.8; RFC 4754; RFC
 * 7427): the CERT, CERTREQ and signature AUTH payloads we send and the
 * checks of the peer's, on top of engine/pki.h and engine/auth_sig.h. The
 * exchange code (exchange_auth.c) decides when; this file decides how,
 * and words every refusal as one `[IKE2] GW:n/SA:n/AUTH ...` line
 * (doc/pki.md lists them). */
#ifndef RTX_AUTH_CERT_H
#define RTX_AUTH_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/payload.h"

struct gateway_config;
struct ike_core;
struct ike_sa;
struct msg;
struct pki_cred;
struct pki_trust;
struct sig_job;

/* g's own credential (`ipsec ike pki file g certificate=N` with a key),
 * or NULL after logging why not (not configured / not loaded / no key;
 * sub NULL: without a word). */
const struct pki_cred *auth_cert_own(struct ike_sa *sa, const struct gateway_config *g,
				     const char *sub);

/* The ID we send with a certificate and no `ipsec ike local name`: the
 * certificate's subject as ID_DER_ASN1_DN; data holds cap bytes. */
int auth_cert_subject_id(const struct pki_cred *cred, uint8_t *data, size_t cap,
			 size_t *len);

/* CERT payloads for cred's chain (leaf, then intermediates). */
int auth_cert_add_certs(struct ike_sa *sa, struct msg *m, const struct pki_cred *cred);
/* A CERTREQ naming the trust anchors of gateway g, or of every gateway
 * when g is NULL (nothing when there are none). encrypted: inside SK (IKE_AUTH) or not (IKE_SA_INIT). */
int auth_cert_add_certreq(struct ike_core *e, struct msg *m, const struct gateway_config *g,
			  bool encrypted);
/* Our signature AUTH over id_body, in two halves around a sig_job
 * (sig_job.h): begin chooses the method the peer's
 * SIGNATURE_HASH_ALGORITHMS allows (sa->peer_hashes) and puts the key
 * and the signed octets into j, or the reason it cannot into
 * j->sign_err; end adds the AUTH payload the job made to m, or logs why
 * there is none. */
void auth_cert_sign_begin(struct ike_sa *sa, const struct pki_cred *cred, struct chunk id_body,
			  struct sig_job *j);
int auth_cert_sign_end(struct ike_sa *sa, struct msg *m, const struct sig_job *j,
		       const char *sub);

/* Whether the peer may use certificates with g: the gateway's method is
 * certificate and its trust anchors are loaded. */
bool auth_cert_gateway(const struct gateway_config *g);

/* The peer's side of IKE_AUTH, also around a sig_job: its CERT chain
 * verified against g's anchors at the engine's clock, the CRL of g when
 * set, its ID (id, the IDi/IDr payload) and `ipsec ike remote name`
 * (remote_name as an ID, NULL when unset) bound to the certificate, and
 * its AUTH signature. begin takes what the job needs from m (0, or
 * -RTX_EAUTH after one log line when there is nothing to check); end
 * reads the job's verdict: 0, or -RTX_EAUTH after one log line saying
 * why (other negative rtx_err for our own failures, also logged). */
int auth_cert_check_begin(struct ike_sa *sa, const struct gateway_config *g,
			  const struct msg *m, const struct payload *id,
			  const struct payload_id *remote_name, struct sig_job *j, const char *sub);
int auth_cert_check_end(struct ike_sa *sa, const struct sig_job *j, const char *sub);

/* Warns (one INFO line per gateway) when a certificate gateway's `ipsec
 * ike local name` is not among its certificate's names: the peer would
 * refuse the ID, as strongSwan warns at load time too. */
struct ipsec_config;
struct log;
struct pki_store;
void auth_cert_check_names(struct log *log, const struct ipsec_config *c,
			   const struct pki_store *st);

/* SIGNATURE_HASH_ALGORITHMS (RFC 7427 4): ours into m, the peer's from
 * rx into sa->peer_hashes. */
int auth_cert_add_hashes(struct msg *m);
void auth_cert_read_hashes(struct ike_sa *sa, const struct msg *m);

#endif
