/* EAP-MD5 (RFC 3748 5.4, RFC 1994 4.1) in both roles; see eap_md5.h. */
#include "engine/eap_md5.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/err.h"
#include "engine/iana.h"

int eap_md5_value(uint8_t id, const uint8_t *secret, size_t secret_len,
		  const uint8_t *challenge, size_t challenge_len, uint8_t out[EAP_MD5_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned n = 0;
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) &&
		 EVP_DigestUpdate(ctx, &id, 1) &&
		 EVP_DigestUpdate(ctx, secret, secret_len) &&
		 EVP_DigestUpdate(ctx, challenge, challenge_len) &&
		 EVP_DigestFinal_ex(ctx, out, &n) && n == EAP_MD5_LEN;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -RTX_ECRYPTO;
}

/* ---- server ---------------------------------------------------------------- */

void eap_server_start(struct eap_server *s, uint8_t id, struct payload_eap *out)
{
	*s = (struct eap_server){ .state = EAP_S_IDENTITY, .id = id };
	*out = (struct payload_eap){ EAP_REQUEST, id, EAP_TYPE_IDENTITY, { NULL, 0 } };
}

static enum eap_rc server_end(struct eap_server *s, enum eap_why why, struct payload_eap *out)
{
	s->why = why;
	s->state = EAP_S_DONE;
	/* RFC 3748 4.2: Success/Failure carry the id of the last response */
	*out = (struct payload_eap){ why ? EAP_FAILURE : EAP_SUCCESS, s->id, 0, { NULL, 0 } };
	return why ? EAP_RC_FAILURE : EAP_RC_SUCCESS;
}

static enum eap_rc server_identity(struct eap_server *s, const struct payload_eap *in,
				   const uint8_t challenge[EAP_MD5_CHALLENGE_LEN],
				   struct payload_eap *out)
{
	if (in->eap_type != EAP_TYPE_IDENTITY || in->data.len == 0 ||
	    in->data.len > EAP_NAME_MAX || memchr(in->data.ptr, 0, in->data.len))
		return server_end(s, EAP_WHY_MALFORMED, out);
	memcpy(s->identity, in->data.ptr, in->data.len);
	s->identity[in->data.len] = '\0';
	memcpy(s->challenge, challenge, EAP_MD5_CHALLENGE_LEN);
	s->buf[0] = EAP_MD5_CHALLENGE_LEN;
	memcpy(s->buf + 1, s->challenge, EAP_MD5_CHALLENGE_LEN);
	s->state = EAP_S_CHALLENGE;
	s->id++;
	*out = (struct payload_eap){ EAP_REQUEST, s->id, EAP_TYPE_MD5,
				     { s->buf, 1 + EAP_MD5_CHALLENGE_LEN } };
	return EAP_RC_SEND;
}

/* The user is looked up only now, so a client learns nothing from the
 * timing or the step at which an unknown name fails. */
static enum eap_rc server_md5(struct eap_server *s, const struct payload_eap *in,
			      eap_user_fn lookup, void *ctx, struct payload_eap *out)
{
	struct eap_user u;
	uint8_t want[EAP_MD5_LEN];
	if (in->eap_type == EAP_TYPE_NAK)
		return server_end(s, EAP_WHY_NAK, out);
	if (in->eap_type != EAP_TYPE_MD5 || in->data.len < 1 + EAP_MD5_LEN ||
	    in->data.ptr[0] != EAP_MD5_LEN)
		return server_end(s, EAP_WHY_MALFORMED, out);
	if (lookup(ctx, s->identity, &u))
		return server_end(s, EAP_WHY_UNKNOWN_USER, out);
	if (!u.eap_md5)
		return server_end(s, EAP_WHY_NOT_ALLOWED, out);
	if (eap_md5_value(s->id, (const uint8_t *)u.password, strlen(u.password), s->challenge,
			  EAP_MD5_CHALLENGE_LEN, want))
		return server_end(s, EAP_WHY_MALFORMED, out);
	bool ok = !CRYPTO_memcmp(want, in->data.ptr + 1, EAP_MD5_LEN);
	OPENSSL_cleanse(want, sizeof(want));
	return server_end(s, ok ? EAP_WHY_NONE : EAP_WHY_BAD_PASSWORD, out);
}

enum eap_rc eap_server_input(struct eap_server *s, const struct payload_eap *in,
			     const uint8_t challenge[EAP_MD5_CHALLENGE_LEN],
			     eap_user_fn lookup, void *ctx, struct payload_eap *out)
{
	if (in->code != EAP_RESPONSE || in->id != s->id)
		return EAP_RC_IGNORE;   /* RFC 3748 4.1: ids must match */
	switch (s->state) {
	case EAP_S_IDENTITY: return server_identity(s, in, challenge, out);
	case EAP_S_CHALLENGE: return server_md5(s, in, lookup, ctx, out);
	default: return EAP_RC_IGNORE;
	}
}

/* ---- client ---------------------------------------------------------------- */

static enum eap_rc client_md5(struct eap_client *c, const struct payload_eap *in,
			      struct payload_eap *out)
{
	size_t nlen = strlen(c->name);
	if (in->data.len < 1 || in->data.ptr[0] == 0 || in->data.ptr[0] > in->data.len - 1 ||
	    nlen > EAP_NAME_MAX)
		return EAP_RC_IGNORE;
	c->buf[0] = EAP_MD5_LEN;
	if (eap_md5_value(in->id, (const uint8_t *)c->password, strlen(c->password),
			  in->data.ptr + 1, in->data.ptr[0], c->buf + 1))
		return EAP_RC_IGNORE;
	memcpy(c->buf + 1 + EAP_MD5_LEN, c->name, nlen);
	*out = (struct payload_eap){ EAP_RESPONSE, in->id, EAP_TYPE_MD5,
				     { c->buf, 1 + EAP_MD5_LEN + nlen } };
	return EAP_RC_SEND;
}

enum eap_rc eap_client_input(struct eap_client *c, const struct payload_eap *in,
			     struct payload_eap *out)
{
	size_t nlen = strlen(c->name);
	switch (in->code) {
	case EAP_SUCCESS: return c->answered ? EAP_RC_SUCCESS : EAP_RC_IGNORE;
	case EAP_FAILURE: return EAP_RC_FAILURE;
	case EAP_REQUEST: break;
	default: return EAP_RC_IGNORE;
	}
	c->answered = true;
	switch (in->eap_type) {
	case EAP_TYPE_IDENTITY:
		if (nlen > EAP_NAME_MAX)
			return EAP_RC_IGNORE;
		memcpy(c->buf, c->name, nlen);
		*out = (struct payload_eap){ EAP_RESPONSE, in->id, EAP_TYPE_IDENTITY,
					     { c->buf, nlen } };
		return EAP_RC_SEND;
	case EAP_TYPE_MD5:
		return client_md5(c, in, out);
	default:
		/* RFC 3748 5.3.1: a legacy Nak names the method we do */
		c->buf[0] = EAP_TYPE_MD5;
		*out = (struct payload_eap){ EAP_RESPONSE, in->id, EAP_TYPE_NAK, { c->buf, 1 } };
		return EAP_RC_SEND;
	}
}
