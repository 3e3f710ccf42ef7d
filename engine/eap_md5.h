/* EAP (RFC 3748) with the MD5-Challenge method (RFC 3748 5.4, RFC 1994
 * 4.1), both roles, without IKE: the exchange glue (engine/auth_eap.c)
 * carries each message in an EAP payload. The server asks for the
 * identity, challenges, and ends with Success or Failure; the client
 * answers Identity and MD5-Challenge requests and Naks other types.
 * Messages point into caller-owned buffers; nothing here logs, so no
 * password can reach a log: the caller words the outcome. */
#ifndef RTX_EAP_MD5_H
#define RTX_EAP_MD5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/payload_eap.h"

#define EAP_MD5_LEN 16
#define EAP_MD5_CHALLENGE_LEN 16
#define EAP_NAME_MAX 256

/* value = MD5(id || secret || challenge) (RFC 1994 4.1). 0 or
 * -RTX_ECRYPTO. */
int eap_md5_value(uint8_t id, const uint8_t *secret, size_t secret_len,
		  const uint8_t *challenge, size_t challenge_len, uint8_t out[EAP_MD5_LEN]);

enum eap_rc {
	EAP_RC_SEND,      /* send *out and wait for the answer */
	EAP_RC_SUCCESS,   /* server: send *out (Success); client: Success received */
	EAP_RC_FAILURE,   /* server: send *out (Failure); client: Failure received */
	EAP_RC_IGNORE,    /* not for this conversation (wrong code or id): drop */
};

/* Why a server refused, for the caller's log line. */
enum eap_why {
	EAP_WHY_NONE,
	EAP_WHY_UNKNOWN_USER,   /* no `auth user` with that name (in the group) */
	EAP_WHY_NOT_ALLOWED,    /* the user lacks eap-md5=on */
	EAP_WHY_BAD_PASSWORD,   /* the MD5 response does not match */
	EAP_WHY_NAK,            /* the client refused MD5-Challenge */
	EAP_WHY_MALFORMED,      /* a response of the wrong type or length */
};

/* A user as the server's lookup finds it; password NUL-terminated. */
struct eap_user {
	const char *password;
	bool eap_md5;
};
/* 0 and *u filled, or -RTX_ENOENT for an unknown name. */
typedef int (*eap_user_fn)(void *ctx, const char *name, struct eap_user *u);

enum eap_server_state { EAP_S_IDLE, EAP_S_IDENTITY, EAP_S_CHALLENGE, EAP_S_DONE };

struct eap_server {
	enum eap_server_state state;
	uint8_t id;                                 /* of the outstanding request */
	uint8_t challenge[EAP_MD5_CHALLENGE_LEN];
	char identity[EAP_NAME_MAX + 1];            /* what the client answered */
	enum eap_why why;                           /* after EAP_RC_FAILURE */
	uint8_t buf[1 + EAP_MD5_CHALLENGE_LEN];     /* type data of our request */
};

/* Request/Identity with first id `id`. */
void eap_server_start(struct eap_server *s, uint8_t id, struct payload_eap *out);
/* The client's response in; *out is what to send. challenge: fresh
 * random bytes, used when the identity arrives. */
enum eap_rc eap_server_input(struct eap_server *s, const struct payload_eap *in,
			     const uint8_t challenge[EAP_MD5_CHALLENGE_LEN],
			     eap_user_fn lookup, void *ctx, struct payload_eap *out);

struct eap_client {
	const char *name, *password;   /* borrowed from the gateway's config */
	bool answered;                 /* a request was answered */
	uint8_t buf[1 + EAP_MD5_LEN + EAP_NAME_MAX];   /* type data we send */
};

/* A server message in; on EAP_RC_SEND *out is the response. */
enum eap_rc eap_client_input(struct eap_client *c, const struct payload_eap *in,
			     struct payload_eap *out);

#endif
