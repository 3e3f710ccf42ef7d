#include "engine/auth_psk.h"

#include <openssl/crypto.h>
#include <stdlib.h>

#include "engine/config.h"
#include "base/err.h"
#include "engine/diagnosis.h"
#include "engine/exchange.h"
#include "engine/ike_sa.h"
#include "base/log.h"
#include "engine/prf.h"

static const char key_pad[] = "Key Pad for IKEv2";

/* prf(secret, "Key Pad for IKEv2") alone, only for the key-info dump; the
 * AUTH value itself comes from keys_psk_auth. */
static void dump_key_pad(struct ike_sa *sa, const char *sub, const uint8_t *psk,
			 size_t psk_len)
{
	const struct alg *p = sa->prop.prf;
	uint8_t kp[ALG_MAX_PRF_LEN];
	struct crypto_chunk in = { (const uint8_t *)key_pad, sizeof(key_pad) - 1 };
	if (!prf(sa->e->d.crypto, p, psk, psk_len, &in, 1, kp))
		ike_sa_dump_key(sa, sub, "prf(secret, key-pad):", kp, p->out_len);
	OPENSSL_cleanse(kp, sizeof(kp));
}

int auth_signed_octets(struct ike_sa *sa, bool initiator_side, struct chunk id_body,
		       uint8_t **octets, size_t *len)
{
	const struct ike_auth_keys *k = sa->akeys;
	const uint8_t *msg = initiator_side ? sa->init_i : sa->init_r;
	size_t msg_len = initiator_side ? sa->init_i_len : sa->init_r_len;
	const uint8_t *nonce = initiator_side ? sa->nr : sa->ni;
	size_t nonce_len = initiator_side ? sa->nr_len : sa->ni_len;
	if (!msg || !nonce || !k || !(sa->flags & IKE_SAF_KEYED))
		return -RTX_EINVAL;
	const struct keys_octets o = {
		sa->prop.prf, { initiator_side ? k->sk_pi : k->sk_pr, k->p_len },
		{ msg, msg_len }, { nonce, nonce_len }, { id_body.ptr, id_body.len },
	};
	return keys_signed_octets(sa->e->d.crypto, &o, octets, len);
}

int auth_psk_compute(struct ike_sa *sa, bool initiator_side, const uint8_t *psk,
		     size_t psk_len, struct chunk id_body, uint8_t *out, size_t *out_len,
		     const char *sub)
{
	uint8_t *octets = NULL;
	size_t octets_len = 0;
	int err = auth_signed_octets(sa, initiator_side, id_body, &octets, &octets_len);
	if (!err)
		err = keys_psk_auth(sa->e->d.crypto, sa->prop.prf, psk, psk_len, octets,
				    octets_len, out);
	if (!err && (ike_sa_log_types(sa) & LOGTYPE_KEY)) {
		log_text(sa->e->d.log, LOG_DEBUG, "[IKE2] %s calculate xAuth data", sub);
		ike_sa_dump_key(sa, sub, "msg-octets:", octets, octets_len);
		dump_key_pad(sa, sub, psk, psk_len);
		ike_sa_dump_key(sa, sub, "prf(prf(secret, key-pad), msg-octets):", out,
				sa->prop.prf->out_len);
	}
	*out_len = sa->prop.prf->out_len;
	free(octets);
	return err;
}

int auth_psk_verify(struct ike_sa *sa, const uint8_t *psk, size_t psk_len,
		    struct chunk id_body, const struct payload_auth *auth, const char *sub)
{
	uint8_t want[ALG_MAX_PRF_LEN];
	size_t len;
	if (auth->method != IKEV2_AUTH_SHARED_KEY_MIC) {
		log_ike(sa->e->d.log, sub, LOG_UNMATCHED_AUTH_METHOD);
		return -RTX_EAUTH;
	}
	int err = auth_psk_compute(sa, !sa->initiator, psk, psk_len, id_body, want, &len, sub);
	if (err)
		return err;
	bool ok = auth->data.len == len && CRYPTO_memcmp(want, auth->data.ptr, len) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	if (!ok) {
		log_ike(sa->e->d.log, sub, LOG_UNMATCHED_AUTH_DATA);
		diag_psk_mismatch(sa, sub);
		return -RTX_EAUTH;
	}
	return 0;
}
