/* EAP-MD5 inside IKE_AUTH (RFC 7296 2.16): the client (initiator) sends
 * IDi without AUTH, answers the server's EAP requests one IKE_AUTH
 * exchange each, and after EAP Success sends AUTH; the server
 * (responder, `ipsec ike eap request GW on`) authenticates itself with
 * its certificate in the first response, runs EAP against `auth user`,
 * and answers the final AUTH with its own. EAP-MD5 makes no MSK, so both
 * final AUTHs are keyed with SK_pi / SK_pr, as 2.16 says for methods
 * that generate no key. exchange_auth.c calls in; this file holds the
 * per-SA state (sa->eap) and every EAP log line. */
#ifndef RTX_AUTH_EAP_H
#define RTX_AUTH_EAP_H

#include <stdbool.h>

#include "engine/exchange.h"
#include "engine/payload.h"

struct gateway_config;
struct ike_sa;

/* g logs in with EAP-MD5 (initiator): method eap-md5 and a myname. */
bool auth_eap_client(const struct gateway_config *g);
/* g asks initiators for EAP-MD5 (responder). */
bool auth_eap_server(const struct gateway_config *g);
/* Whether sa is past its first IKE_AUTH exchange of an EAP login. */
bool auth_eap_running(const struct ike_sa *sa);

/* Initiator: the first request was built with ID body id_body (copied). */
int auth_eap_begin_i(struct ike_sa *sa, struct chunk id_body);
/* Initiator: the server's IDr body and the first response (its EAP
 * request), after the caller verified the server's certificate AUTH. */
enum xchg_rc auth_eap_first_i(struct ike_sa *sa, struct chunk idr_body, struct msg_rx *rx);
/* Initiator: the next request (an EAP response, or the final AUTH). */
int auth_eap_build_i(struct ike_sa *sa, struct msg *m);
/* Initiator: a later response. XCHG_DONE when it is the answer to our
 * final AUTH and that carries the server's valid AUTH. */
enum xchg_rc auth_eap_process_i(struct ike_sa *sa, struct msg_rx *rx);

/* Responder, first request (no AUTH): the IDi and our IDr bodies are
 * kept; child: what the caller picked for the first CHILD SA (copied,
 * size bytes) to install once EAP succeeds. Adds the EAP Request. */
int auth_eap_begin_r(struct ike_sa *sa, struct chunk idi_body, struct chunk idr_body,
		     const void *child, size_t size, struct msg *resp, const char *sub);
/* Responder, a later request. XCHG_MORE: answered, keep going;
 * XCHG_FAIL: refused (resp holds the notify or EAP Failure); XCHG_DONE:
 * the peer's final AUTH is good and our AUTH is in resp; *child is the
 * kept CHILD SA pick. */
enum xchg_rc auth_eap_respond(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp,
			      const void **child);

/* Server: the user name EAP authenticated on sa, or NULL. */
const char *auth_eap_user(const struct ike_sa *sa);

void auth_eap_free(struct ike_sa *sa);

#endif
