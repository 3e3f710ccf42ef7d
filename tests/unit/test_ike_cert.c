/* Two routers authenticating with certificates over the in-memory network
 * on the virtual clock: RSA and ECDSA, either side initiating, and every
 * way the peer's certificate or signature is refused (one AUTH line on
 * the refusing side, AUTHENTICATION_FAILED to the other, no SA).
 *
 * The PKI is made once at test time (tests/pki_fixture.c) with the pair's
 * clock epoch as its `now`; credentials go into each router's pki store
 * as `pki certificate file` would put them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "base/log.h"
#include "engine/auth_cert.h"
#include "engine/iana.h"
#include "engine/msg.h"
#include "engine/pki.h"
#include "engine/pki_store.h"
#include "tests/ike_pair.h"
#include "engine/sig_job.h"
#include "tests/pki_fixture.h"

#define EPOCH IKE_PAIR_EPOCH

static struct pki_fixture *fx;

static int group_setup(void **state)
{
	(void)state;
	return pki_fixture_new(EPOCH, &fx) ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	pki_fixture_free(fx);
	return 0;
}

static int setup(void **state)
{
	return ike_pair_setup(state, 7);
}

/* Router r authenticates with leaf (gateway 1, certificate=1). */
static void use_cert(struct ike_router *r, enum pki_fx_cert leaf)
{
	assert_int_equal(pki_fixture_use(r->pki, 1, pki_fixture_cred(fx, leaf, NULL),
					 r->config->gateways[0]), 0);
}

static void set_name(char **field, enum id_type *type, const char *name, enum id_type t)
{
	free(*field);
	*field = strdup(name);
	*type = t;
}

static void assert_up(struct ike_pair *p)
{
	if (ike_router_ike_up(&p->a) != 1 || ike_router_ike_up(&p->b) != 1) {
		ike_router_log_print(&p->a);
		ike_router_log_print(&p->b);
	}
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
	assert_int_equal(ike_router_child_up(&p->a), 1);
	assert_int_equal(ike_router_child_up(&p->b), 1);
}

static void establish(struct ike_pair *p, struct ike_router *initiator)
{
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(initiator->engine, 1), 0);
	ike_pair_run(p, 3000);
	assert_up(p);
}

static void test_rsa2048_a_initiates(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_RSA2048);
	use_cert(&p->b, FX_LEAF_RSA3072);
	p->a.config->gateways[0]->log_types = LOGTYPE_KEY;
	p->b.config->gateways[0]->log_types = LOGTYPE_KEY;
	establish(p, &p->a);
	/* RFC 7427: both announced SHA-2, so both signed with method 14 and
	 * RSASSA-PSS; the key-info dump names it, never a key */
	assert_int_equal(ike_router_log_count(&p->a, "AUTH calculate signature: RSASSA-PSS with SHA-256"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "AUTH verified signature: RSASSA-PSS with SHA-256"), 1);
	assert_int_equal(ike_router_log_count(&p->b, "AUTH verified signature: RSASSA-PSS with SHA-256"), 1);
	assert_int_equal(ike_router_log_count(&p->b, "SHA-256(msg-octets):"), 2);
	assert_int_equal(ike_router_log_count(&p->a, "PRIVATE"), 0);
}

/* ECDSA under RFC 7427 (method 14): the hash follows the curve. */
static void test_ecdsa_method_14(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_P384);
	use_cert(&p->b, FX_LEAF_P256);
	p->a.config->gateways[0]->log_types = LOGTYPE_KEY;
	establish(p, &p->a);
	assert_int_equal(ike_router_log_count(&p->a, "calculate signature: ecdsa-with-SHA384"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "verified signature: ecdsa-with-SHA256"), 1);
}

static void test_ecdsa_b_initiates(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_P256);
	use_cert(&p->b, FX_LEAF_P384);
	establish(p, &p->b);
}

static void test_p521_and_rsa_both_roles(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_P521);
	use_cert(&p->b, FX_LEAF_RSA2048);
	establish(p, &p->a);
}

/* Names: each side sends its FQDN (in its certificate) and expects the
 * other's; the ID shown is the name. */
static void test_fqdn_names(void **state)
{
	struct ike_pair *p = *state;
	char fa[64], fb[64];
	pki_fixture_fqdn(FX_LEAF_P256, fa, sizeof(fa));
	pki_fixture_fqdn(FX_LEAF_RSA2048, fb, sizeof(fb));
	use_cert(&p->a, FX_LEAF_P256);
	use_cert(&p->b, FX_LEAF_RSA2048);
	struct gateway_config *ga = p->a.config->gateways[0], *gb = p->b.config->gateways[0];
	set_name(&ga->local_name, &ga->local_name_type, fa, ID_TYPE_FQDN);
	set_name(&ga->remote_name, &ga->remote_name_type, fb, ID_TYPE_FQDN);
	set_name(&gb->local_name, &gb->local_name_type, fb, ID_TYPE_FQDN);
	set_name(&gb->remote_name, &gb->remote_name_type, fa, ID_TYPE_FQDN);
	establish(p, &p->a);
}

/* A responder that takes any address finds the gateway only from IDi:
 * its CERTREQ names the anchors of every gateway, and it still answers
 * with its fragmentation support. */
static void test_responder_any_address(void **state)
{
	struct ike_pair *p = *state;
	char fa[64];
	pki_fixture_fqdn(FX_LEAF_P256, fa, sizeof(fa));
	use_cert(&p->a, FX_LEAF_P256);
	use_cert(&p->b, FX_LEAF_RSA2048);
	struct gateway_config *ga = p->a.config->gateways[0], *gb = p->b.config->gateways[0];
	set_name(&ga->local_name, &ga->local_name_type, fa, ID_TYPE_FQDN);
	set_name(&gb->remote_name, &gb->remote_name_type, fa, ID_TYPE_FQDN);
	free(gb->remote_address);
	gb->remote_address = strdup("any");
	gb->frag_size = 700;
	establish(p, &p->a);
	/* B's IKE_AUTH response, cut to the size of the gateway IDi found */
	assert_int_equal(ike_router_log_count(&p->b, "fragments (fragment size 700)"), 1);
}

/* B's certificate fails at A (the initiator), or A's at B (responder). */
static void refused(struct ike_pair *p, struct ike_router *checker, const char *line)
{
	struct ike_router *other = checker == &p->a ? &p->b : &p->a;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 3000);
	if (ike_router_log_count(checker, line) != 1) {
		ike_router_log_print(checker);
		fail_msg("no line \"%s\"", line);
	}
	assert_int_equal(ike_router_log_count(other, "received AUTHENTICATION_FAILED"), 1);
	assert_int_equal(ike_router_ike_up(&p->a) + ike_router_ike_up(&p->b), 0);
	assert_int_equal(kernel_sim_sa_count(p->a.kernel) + kernel_sim_sa_count(p->b.kernel), 0);
}

static void test_unknown_ca_responder(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_ROGUE);
	use_cert(&p->b, FX_LEAF_P256);
	/* A trusts the real root too, so that only B refuses */
	X509 *root = fx->cert[FX_ROOT];
	struct pki_cred *ca;
	struct pki_load_error err;
	assert_int_equal(pki_cred_from(NULL, &root, 1, &ca, &err), 0);
	pki_store_put_cert(p->a.pki, 2, ca);
	refused(p, &p->b, "[IKE2] GW:1/SA:1/AUTH certificate issued by an unknown CA");
}

static void test_unknown_ca_initiator(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_P256);
	use_cert(&p->b, FX_LEAF_ROGUE);
	X509 *root = fx->cert[FX_ROOT];
	struct pki_cred *ca;
	struct pki_load_error err;
	assert_int_equal(pki_cred_from(NULL, &root, 1, &ca, &err), 0);
	pki_store_put_cert(p->b.pki, 2, ca);
	refused(p, &p->a, "/AUTH certificate issued by an unknown CA");
}

static void test_expired(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_EXPIRED);
	use_cert(&p->b, FX_LEAF_P256);
	refused(p, &p->b, "/AUTH certificate has expired");
}

static void test_not_yet_valid(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_P256);
	use_cert(&p->b, FX_LEAF_NOT_YET);
	refused(p, &p->a, "/AUTH certificate is not yet valid");
}

static void test_revoked(void **state)
{
	struct ike_pair *p = *state;
	struct pki_crl *crl;
	use_cert(&p->a, FX_LEAF_REVOKED);
	use_cert(&p->b, FX_LEAF_P256);
	assert_int_equal(pki_crl_from(fx->crl[FX_CRL_GOOD], &crl), 0);
	pki_store_put_crl(p->b.pki, 1, crl);
	p->b.config->gateways[0]->pki_crl = 1;
	refused(p, &p->b, "/AUTH certificate has been revoked");
}

static void test_crl_not_loaded(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_P256);
	use_cert(&p->b, FX_LEAF_P256);
	p->a.config->gateways[0]->pki_crl = 3;
	refused(p, &p->a, "/AUTH CRL file 3 is not loaded");
}

/* B says it is p256.example.com but its certificate names another host. */
static void test_wrong_san(void **state)
{
	struct ike_pair *p = *state;
	char name[64];
	pki_fixture_fqdn(FX_LEAF_P256, name, sizeof(name));
	use_cert(&p->a, FX_LEAF_WRONG_SAN);
	use_cert(&p->b, FX_LEAF_P256);
	struct gateway_config *ga = p->a.config->gateways[0];
	set_name(&ga->local_name, &ga->local_name_type, name, ID_TYPE_FQDN);
	refused(p, &p->b, "/AUTH ID p256.example.com is not in the peer's certificate");
}

/* The responder's certificate does not carry the configured remote name. */
static void test_remote_name_not_in_cert(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_P256);
	use_cert(&p->b, FX_LEAF_RSA2048);
	struct gateway_config *ga = p->a.config->gateways[0];
	set_name(&ga->remote_name, &ga->remote_name_type, "vpn.example.net", ID_TYPE_FQDN);
	refused(p, &p->a, "/AUTH ipsec ike remote name vpn.example.net is not in the peer's certificate");
}

static void test_bad_cert_signature(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_BAD_SIG);
	use_cert(&p->b, FX_LEAF_P256);
	refused(p, &p->b, "/AUTH bad signature in the certificate chain");
}

static void test_no_digital_signature_usage(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_P256);
	use_cert(&p->b, FX_LEAF_NO_DIGSIG);
	refused(p, &p->a, "/AUTH certificate not allowed for digital signatures");
}

/* A peer using a pre-shared key where a signature is expected. */
static void test_psk_peer(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->b, FX_LEAF_P256);
	refused(p, &p->b, "[IKE2] GW:1/SA:1/AUTH unmatched auth method");
}

/* A middlebox rewrites one byte of A's IKE_SA_INIT request (inside a NAT
 * detection hash, so the exchange still works): what A signed is no
 * longer what B saw, so the signature does not verify. */
static size_t mangle_init(void *arg, const struct endpoint *src, const struct endpoint *dst,
			  const uint8_t *d, size_t len, uint8_t *out, size_t cap)
{
	(void)arg, (void)src, (void)dst;
	if (len < 28 || d[18] != IKEV2_EXCH_IKE_SA_INIT || (d[19] & 0x20) || len > cap)
		return 0;
	memcpy(out, d, len);
	for (size_t i = 28; i + 8 < len; i++)
		if (out[i + 4] == 0 && out[i + 5] == 0 && out[i + 6] == 0x40 && out[i + 7] == 0x05) {
			out[i + 8] ^= 1;    /* NAT_DETECTION_DESTINATION_IP data */
			return len;
		}
	return 0;
}

static void test_bad_auth_signature(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_RSA2048);
	use_cert(&p->b, FX_LEAF_P256);
	memnet_set_mangle(p->net, mangle_init, NULL);
	refused(p, &p->b, "[IKE2] GW:1/SA:1/AUTH unmatched auth data");
}

/* A signature AUTH without any CERT payload: the peer's key is unknown.
 * (rtxsh always sends its chain, so the message is made by hand and
 * handed to B's established SA.) */
static void test_no_certificate_received(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_P256);
	use_cert(&p->b, FX_LEAF_P256);
	establish(p, &p->a);
	struct ike_sa *sa = p->b.engine->core.sas;
	assert_non_null(sa);
	struct msg m;
	static const uint8_t name[] = "p256.example.com", sig[64] = { 1 };
	msg_init(&m, IKEV2_EXCH_IKE_AUTH, 1, 0);
	struct payload *id = msg_add(&m, IKEV2_PAYLOAD_IDI, true);
	assert_non_null(id);
	id->u.id = (struct payload_id){ .id_type = IKEV2_ID_FQDN,
					.data = { name, sizeof(name) - 1 } };
	struct payload *auth = msg_add(&m, IKEV2_PAYLOAD_AUTH, true);
	assert_non_null(auth);
	auth->u.auth = (struct payload_auth){ IKEV2_AUTH_ECDSA_SHA256_P256, { sig, sizeof(sig) } };
	const struct payload *idp = msg_find(&m, IKEV2_PAYLOAD_IDI, 0);
	struct sig_job *j = sig_job_new(sa, NULL);
	assert_non_null(j);
	assert_int_equal(auth_cert_check_begin(sa, p->b.config->gateways[0], &m, idp, NULL, j,
					       "GW:1/SA:9/AUTH"), -RTX_EAUTH);
	sig_job_free(j);
	assert_int_equal(ike_router_log_count(&p->b, "[IKE2] GW:1/SA:9/AUTH no certificate received"), 1);
	msg_free(&m);
}

static void test_no_own_certificate(void **state)
{
	struct ike_pair *p = *state;
	use_cert(&p->a, FX_LEAF_P256);
	p->a.config->gateways[0]->pki_cert = 4;   /* nothing there */
	assert_int_equal(ike_pair_start(p), 0);
	ike_initiate(p->a.engine, 1);
	ike_pair_run(p, 3000);
	assert_int_equal(ike_router_log_count(&p->a, "certificate file 4 is not loaded"), 1);
	assert_int_equal(ike_router_ike_up(&p->a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, ike_pair_teardown)
		T(test_rsa2048_a_initiates),
		T(test_ecdsa_b_initiates),
		T(test_ecdsa_method_14),
		T(test_p521_and_rsa_both_roles),
		T(test_fqdn_names),
		T(test_responder_any_address),
		T(test_unknown_ca_responder),
		T(test_unknown_ca_initiator),
		T(test_expired),
		T(test_not_yet_valid),
		T(test_revoked),
		T(test_crl_not_loaded),
		T(test_wrong_san),
		T(test_remote_name_not_in_cert),
		T(test_bad_cert_signature),
		T(test_no_digital_signature_usage),
		T(test_psk_peer),
		T(test_bad_auth_signature),
		T(test_no_certificate_received),
		T(test_no_own_certificate),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
