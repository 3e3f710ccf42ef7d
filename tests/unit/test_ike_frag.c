/* IKE fragmentation (RFC 7383) between two routers authenticating with an
 * RSA-4096 chain of three (root, intermediate, leaf, made here at test
 * time): the IKE_AUTH messages do not fit 1280 octets, so both sides
 * announce the capability, send SKF fragments no larger than the
 * configured size, and reassemble them; a side that does not announce it
 * gets whole messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/err.h"
#include "engine/iana.h"
#include "engine/pki.h"
#include "engine/pki_store.h"
#include "tests/ike_pair.h"

#define EPOCH IKE_PAIR_EPOCH

static EVP_PKEY *key[3];     /* root, intermediate, leaf */
static X509 *cert[3];

static int ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
	int ok = e && X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok ? 0 : -1;
}

static X509 *make(int i, const char *cn, X509 *issuer, EVP_PKEY *ikey)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"rtxsh test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 100 + i);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_time_adj_ex(X509_getm_notBefore(x), -1, 0, &(time_t){ EPOCH });
	X509_time_adj_ex(X509_getm_notAfter(x), 365, 0, &(time_t){ EPOCH });
	X509_set_pubkey(x, key[i]);
	X509 *is = issuer ? issuer : x;
	int rc = ext(x, is, NID_subject_key_identifier, "hash");
	if (i < 2) {
		rc |= ext(x, is, NID_basic_constraints, "critical,CA:TRUE");
		rc |= ext(x, is, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		rc |= ext(x, is, NID_key_usage, "critical,digitalSignature");
		rc |= ext(x, is, NID_subject_alt_name, "DNS:big.example.com");
	}
	if (issuer)
		rc |= ext(x, is, NID_authority_key_identifier, "keyid:always");
	X509_NAME_free(n);
	if (rc || !X509_sign(x, ikey, EVP_sha256())) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static int group_setup(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++)
		if (!(key[i] = EVP_RSA_gen(4096)))
			return -1;
	cert[0] = make(0, "big root", NULL, key[0]);
	cert[1] = make(1, "big intermediate", cert[0], key[0]);
	cert[2] = make(2, "big.example.com", cert[1], key[1]);
	return cert[0] && cert[1] && cert[2] ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++) {
		X509_free(cert[i]);
		EVP_PKEY_free(key[i]);
	}
	return 0;
}

static int setup(void **state)
{
	return ike_pair_setup(state, 11);
}

/* What the middlebox saw: fragments and the largest datagram. */
struct seen {
	unsigned skf, whole_auth;
	size_t largest;
};

static size_t observe(void *arg, const struct endpoint *src, const struct endpoint *dst,
		      const uint8_t *d, size_t len, uint8_t *out, size_t cap)
{
	struct seen *s = arg;
	(void)src, (void)dst, (void)out, (void)cap;
	if (len < 28)
		return 0;
	if (len > s->largest)
		s->largest = len;
	if (d[16] == IKEV2_PAYLOAD_SKF)
		s->skf++;
	else if (d[18] == IKEV2_EXCH_IKE_AUTH)
		s->whole_auth++;
	return 0;
}

static void use_big_chain(struct ike_router *r)
{
	struct pki_cred *c;
	struct pki_load_error err;
	X509 *chain[3] = { cert[2], cert[1], cert[0] };
	assert_int_equal(pki_cred_from(key[2], chain, 3, &c, &err), 0);
	struct gateway_config *g = r->config->gateways[0];
	g->psk_len = 0;
	g->pki_cert = 1;
	pki_store_put_cert(r->pki, 1, c);
}

static void run(struct ike_pair *p, struct seen *s)
{
	memnet_set_mangle(p->net, observe, s);
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 3000);
	if (ike_router_ike_up(&p->a) != 1 || ike_router_ike_up(&p->b) != 1) {
		ike_router_log_print(&p->a);
		ike_router_log_print(&p->b);
	}
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
	assert_int_equal(ike_router_child_up(&p->a), 1);
}

/* UDP payload of a fragment: the IP size less IPv4, UDP and the marker. */
#define UDP_MAX(ip) ((ip) - 20 - 8 - 4)

static void test_rsa4096_chain_fragments(void **state)
{
	struct ike_pair *p = *state;
	struct seen s = { 0 };
	use_big_chain(&p->a);
	use_big_chain(&p->b);
	run(p, &s);
	/* leaf + intermediate alone are over 2.5 kB each way */
	assert_true(s.skf >= 6);
	assert_int_equal(s.whole_auth, 0);
	assert_true(s.largest <= UDP_MAX(CONFIG_FRAG_SIZE_DEFAULT));
}

static void test_smaller_size(void **state)
{
	struct ike_pair *p = *state;
	struct seen s = { 0 };
	use_big_chain(&p->a);
	use_big_chain(&p->b);
	p->a.config->gateways[0]->frag_size = CONFIG_FRAG_SIZE_MIN;
	p->b.config->gateways[0]->frag_size = CONFIG_FRAG_SIZE_MIN;
	run(p, &s);
	assert_true(s.skf >= 12);
	assert_true(s.largest <= UDP_MAX(CONFIG_FRAG_SIZE_MIN) ||
		    /* IKE_SA_INIT is never fragmented (RFC 7383 2.5) */
		    s.largest < 600);
}

/* B does not announce: A must send its IKE_AUTH whole (the in-memory
 * network carries it; a real path might not). */
static void test_not_negotiated(void **state)
{
	struct ike_pair *p = *state;
	struct seen s = { 0 };
	use_big_chain(&p->a);
	use_big_chain(&p->b);
	p->b.config->gateways[0]->frag = false;
	run(p, &s);
	assert_int_equal(s.skf, 0);
	assert_int_equal(s.whole_auth, 2);
	assert_true(s.largest > UDP_MAX(CONFIG_FRAG_SIZE_DEFAULT));
}

/* Lost fragments: the whole train is retransmitted and reassembled. */
static void test_lost_fragment(void **state)
{
	struct ike_pair *p = *state;
	use_big_chain(&p->a);
	use_big_chain(&p->b);
	struct memnet_faults f = { .drop_pct = 20 };
	memnet_set_faults(p->net, &f);
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 60000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, ike_pair_teardown)
		T(test_rsa4096_chain_fragments),
		T(test_smaller_size),
		T(test_not_negotiated),
		T(test_lost_fragment),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
