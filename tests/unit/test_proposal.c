/* Proposal building (Yamaha order, proposal-limitation) and the
 * responder's choice (strongest offered, limits, malformed answers). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/alg.h"
#include "engine/config.h"
#include "engine/crypto.h"
#include "base/err.h"
#include "engine/model.h"
#include "engine/proposal.h"

static struct crypto_lib *lib;

static int group_setup(void **state)
{
	(void)state;
	return crypto_lib_new(&lib);
}

static int group_teardown(void **state)
{
	(void)state;
	crypto_lib_free(lib);
	return 0;
}

static void test_ike_default_order(void **state)
{
	(void)state;
	struct gateway_config g;
	struct proposal_offer o;
	config_gateway_defaults(&g, 1);
	assert_int_equal(proposal_ike(&g, model_find("RTX1300"), lib, IKEV2_DH_MODP_1024, &o), 0);
	const struct sa_transform *t = o.props[0].transforms;
	/* the configured 3des-cbc / sha lead their types, then Yamaha's order */
	assert_int_equal(t[0].type, ALG_ENCR);
	assert_int_equal(t[0].id, IKEV2_ENCR_3DES);
	assert_int_equal(sa_transform_keylen(&t[1]), 256);
	assert_int_equal(sa_transform_keylen(&t[2]), 192);
	assert_int_equal(sa_transform_keylen(&t[3]), 128);
	size_t i = crypto_lib_supports(lib, alg_find(ALG_ENCR, IKEV2_ENCR_DES, 0)) ? 5 : 4;
	assert_int_equal(t[i].type, ALG_PRF);
	assert_int_equal(t[i].id, IKEV2_PRF_HMAC_SHA1);
	assert_int_equal(t[i + 1].id, IKEV2_PRF_HMAC_SHA2_512);
	size_t n = o.props[0].ntransforms;
	size_t first_integ = 0;
	while (t[first_integ].type != ALG_INTEG)
		first_integ++;
	assert_int_equal(t[first_integ].id, IKEV2_AUTH_HMAC_SHA1_96);
	assert_int_equal(t[first_integ + 1].id, IKEV2_AUTH_HMAC_SHA2_512_256);
	assert_int_equal(t[n - 1].type, ALG_DH);
	assert_int_equal(t[n - 1].id, IKEV2_DH_MODP_1024);
	size_t groups = 0;
	for (size_t k = 0; k < o.props[0].ntransforms; k++)
		groups += t[k].type == ALG_DH;
	assert_int_equal(groups, 1);
}

/* Models without sha384/sha512 do not offer them. */
static void test_model_without_long_sha(void **state)
{
	(void)state;
	struct gateway_config g;
	struct proposal_offer o;
	config_gateway_defaults(&g, 1);
	const struct rtx_model *m = NULL;
	for (unsigned i = 0; model_at(i); i++)
		if (!model_at(i)->sha2_long)
			m = model_at(i);
	assert_non_null(m);
	assert_int_equal(proposal_ike(&g, m, lib, IKEV2_DH_MODP_2048, &o), 0);
	for (size_t k = 0; k < o.props[0].ntransforms; k++)
		assert_false(o.props[0].transforms[k].id == IKEV2_PRF_HMAC_SHA2_512 &&
			     o.props[0].transforms[k].type == ALG_PRF);
}

static void test_limitation(void **state)
{
	(void)state;
	struct gateway_config g;
	struct proposal_offer o;
	config_gateway_defaults(&g, 1);
	g.proposal_limitation = true;
	assert_int_equal(proposal_ike(&g, NULL, lib, IKEV2_DH_MODP_1024, &o), 0);
	assert_int_equal(o.props[0].ntransforms, 4);
	assert_int_equal(o.props[0].transforms[0].id, IKEV2_ENCR_3DES);
	assert_int_equal(o.props[0].transforms[1].id, IKEV2_PRF_HMAC_SHA1);
	assert_int_equal(o.props[0].transforms[2].id, IKEV2_AUTH_HMAC_SHA1_96);
	struct policy_config p = { .id = 1, .esp = true, .encr = IKEV2_ENCR_AES_CBC,
				   .encr_bits = 256, .integ = IKEV2_AUTH_HMAC_SHA2_256_128 };
	assert_int_equal(proposal_esp(&g, &p, NULL, lib, 0x01020304, &o), 0);
	assert_int_equal(o.props[0].ntransforms, 3);
	assert_int_equal(o.props[0].spi_size, 4);
	assert_memory_equal(o.props[0].spi, "\1\2\3\4", 4);
}

/* An AEAD cipher under proposal-limitation: no INTEG transform goes out
 * (RFC 5282 section 8), for the IKE SA and for ESP alike. */
static void test_limitation_aead(void **state)
{
	(void)state;
	struct gateway_config g;
	struct proposal_offer o;
	config_gateway_defaults(&g, 1);
	g.proposal_limitation = true;
	g.encryption = IKEV2_ENCR_AES_GCM_16;
	g.encryption_bits = 128;
	g.hash = IKEV2_PRF_HMAC_SHA2_256;
	assert_int_equal(proposal_ike(&g, NULL, lib, IKEV2_DH_ECP_256, &o), 0);
	assert_int_equal(o.props[0].ntransforms, 3);
	for (size_t k = 0; k < o.props[0].ntransforms; k++)
		assert_int_not_equal(o.tr[k].type, ALG_INTEG);
	assert_int_equal(o.tr[0].id, IKEV2_ENCR_AES_GCM_16);
	assert_int_equal(o.tr[1].id, IKEV2_PRF_HMAC_SHA2_256);

	struct policy_config p = { .id = 1, .gateway = 1, .esp = true,
				   .encr = IKEV2_ENCR_AES_GCM_16, .encr_bits = 256,
				   .integ = IKEV2_AUTH_HMAC_SHA2_256_128 };
	assert_int_equal(proposal_esp(&g, &p, NULL, lib, 0x1234, &o), 0);
	for (size_t k = 0; k < o.props[0].ntransforms; k++)
		assert_int_not_equal(o.tr[k].type, ALG_INTEG);
}

static void test_select_strongest(void **state)
{
	(void)state;
	struct gateway_config g;
	struct proposal_offer o;
	struct proposal_choice c;
	config_gateway_defaults(&g, 1);
	assert_int_equal(proposal_ike(&g, model_find("RTX1300"), lib, IKEV2_DH_MODP_2048, &o), 0);
	struct payload_sa sa = { 1, &o.props[0] };
	assert_int_equal(proposal_select(&sa, IKEV2_PROTO_IKE, NULL, lib, &c), 0);
	assert_int_equal(c.encr->key_bits, 256);
	assert_int_equal(c.prf->id, IKEV2_PRF_HMAC_SHA2_512);
	assert_int_equal(c.integ->id, IKEV2_AUTH_HMAC_SHA2_512_256);
	assert_int_equal(c.dh->id, IKEV2_DH_MODP_2048);
	/* a limit picks the configured one out of the same offer */
	struct proposal_limit lim = { .encr = alg_find(ALG_ENCR, IKEV2_ENCR_3DES, 0),
				      .dh = IKEV2_DH_MODP_2048 };
	assert_int_equal(proposal_select(&sa, IKEV2_PROTO_IKE, &lim, lib, &c), 0);
	assert_int_equal(c.encr->id, IKEV2_ENCR_3DES);
	lim.dh = IKEV2_DH_MODP_1024;
	assert_int_equal(proposal_select(&sa, IKEV2_PROTO_IKE, &lim, lib, &c), -RTX_ENOPROP);
	assert_int_equal(proposal_select(&sa, IKEV2_PROTO_ESP, NULL, lib, &c), -RTX_ENOPROP);
	/* the answer round-trips through proposal_accept */
	assert_int_equal(proposal_select(&sa, IKEV2_PROTO_IKE, NULL, lib, &c), 0);
	struct proposal_offer ans;
	proposal_from_choice(&c, &ans);
	struct payload_sa asa = { 1, &ans.props[0] };
	struct proposal_choice back;
	assert_int_equal(proposal_accept(&asa, &o, lib, &back), 0);
	assert_ptr_equal(back.encr, c.encr);
	assert_ptr_equal(back.dh, c.dh);
	char text[96];
	proposal_text(&back, text, sizeof(text));
	assert_string_equal(text, "AES256-CBC, SHA-512, MODP 2048bit");
}

/* proposal-limitation off, responding: the configured algorithm of each
 * type wins over a stronger one when offered, otherwise the strongest;
 * a configured AEAD cipher puts the combined-mode proposal first. */
static void test_prefer_configured(void **state)
{
	(void)state;
	struct gateway_config g, mine;
	struct proposal_offer o;
	struct proposal_choice c;
	config_gateway_defaults(&g, 1);
	assert_int_equal(proposal_ike(&g, model_find("RTX1300"), lib, IKEV2_DH_MODP_2048, &o), 0);
	struct payload_sa sa = { o.nprops, o.props };
	config_gateway_defaults(&mine, 1);
	mine.encryption = IKEV2_ENCR_AES_CBC;
	mine.encryption_bits = 128;
	mine.hash = IKEV2_PRF_HMAC_SHA2_256;
	assert_int_equal(proposal_select_ike(&sa, &mine, lib, &c), 0);
	assert_int_equal(c.encr->id, IKEV2_ENCR_AES_CBC);
	assert_int_equal(c.encr->key_bits, 128);
	assert_int_equal(c.prf->id, IKEV2_PRF_HMAC_SHA2_256);
	assert_int_equal(c.integ->id, IKEV2_AUTH_HMAC_SHA2_256_128);
	/* the DH group is the KE payload's business, not a preference */
	assert_int_equal(c.dh->id, IKEV2_DH_MODP_2048);
	/* a configured cipher the peer does not offer: the strongest offered,
	 * the configured hash still preferred */
	mine.encryption = IKEV2_ENCR_AES_GCM_16;
	mine.encryption_bits = 128;
	assert_int_equal(proposal_ike(&g, NULL, lib, IKEV2_DH_MODP_2048, &o), 0);
	o.nprops = 1;      /* no combined-mode proposal */
	sa = (struct payload_sa){ o.nprops, o.props };
	assert_int_equal(proposal_select_ike(&sa, &mine, lib, &c), 0);
	assert_int_equal(c.encr->key_bits, 256);
	assert_int_equal(c.prf->id, IKEV2_PRF_HMAC_SHA2_256);
	/* with proposal-limitation on the same offer is refused */
	mine.proposal_limitation = true;
	assert_int_equal(proposal_select_ike(&sa, &mine, lib, &c), -RTX_ENOPROP);
	/* no gateway known yet: the strongest */
	assert_int_equal(proposal_select_ike(&sa, NULL, lib, &c), 0);
	assert_int_equal(c.encr->key_bits, 256);
	/* initiator with an AEAD cipher configured: its proposal goes first */
	g.encryption = IKEV2_ENCR_AES_GCM_16;
	g.encryption_bits = 128;
	assert_int_equal(proposal_ike(&g, NULL, lib, IKEV2_DH_MODP_2048, &o), 0);
	assert_int_equal(o.nprops, 2);
	assert_int_equal(o.props[0].num, 1);
	assert_int_equal(o.props[0].transforms[0].id, IKEV2_ENCR_AES_GCM_16);
	assert_int_equal(sa_transform_keylen(&o.props[0].transforms[0]), 128);
	assert_int_equal(o.props[1].num, 2);
	assert_int_equal(o.props[1].transforms[0].id, IKEV2_ENCR_AES_CBC);
	/* ESP: the configured policy algorithms lead and are chosen */
	struct policy_config p = { .id = 1, .esp = true, .encr = IKEV2_ENCR_AES_CBC,
				   .encr_bits = 128, .integ = IKEV2_AUTH_HMAC_SHA1_96 };
	mine.proposal_limitation = false;
	assert_int_equal(proposal_esp(&mine, &p, NULL, lib, 0x1234, &o), 0);
	assert_int_equal(o.nprops, 2);
	assert_int_equal(sa_transform_keylen(&o.props[0].transforms[0]), 128);
	sa = (struct payload_sa){ o.nprops, o.props };
	assert_int_equal(proposal_select_esp(&sa, &mine, &p, lib, &c), 0);
	assert_int_equal(c.encr->key_bits, 128);
	assert_int_equal(c.integ->id, IKEV2_AUTH_HMAC_SHA1_96);
}

/* The RTX's spelling in `show ipsec sa gateway N detail` (reference 5.3). */
static void test_show_names(void **state)
{
	(void)state;
	char t[96];
	struct proposal_choice c = {
		.protocol = IKEV2_PROTO_IKE, .encr = alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 128),
		.integ = alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA1_96, 0),
		.prf = alg_find(ALG_PRF, IKEV2_PRF_HMAC_SHA1, 0),
		.dh = alg_find(ALG_DH, IKEV2_DH_MODP_1024, 0),
	};
	proposal_text(&c, t, sizeof(t));
	assert_string_equal(t, "AES-CBC, SHA-1, MODP 1024bit");
	c.encr = alg_find(ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 256);
	c.integ = NULL;
	c.prf = alg_find(ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	c.dh = alg_find(ALG_DH, IKEV2_DH_ECP_256, 0);
	proposal_text(&c, t, sizeof(t));
	assert_string_equal(t, "AES256-GCM, SHA-256, ECP 256bit");
	c.dh = alg_find(ALG_DH, IKEV2_DH_CURVE25519, 0);
	proposal_text(&c, t, sizeof(t));
	assert_string_equal(t, "AES256-GCM, SHA-256, X25519");
	struct proposal_choice esp = {
		.protocol = IKEV2_PROTO_ESP, .encr = alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 128),
		.integ = alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA1_96, 0),
	};
	proposal_text(&esp, t, sizeof(t));
	assert_string_equal(t, "AES-CBC (for Auth.: HMAC-SHA)");
	esp.encr = alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 256);
	esp.integ = alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0);
	proposal_text(&esp, t, sizeof(t));
	assert_string_equal(t, "AES256-CBC (for Auth.: HMAC-SHA256)");
	esp.encr = alg_find(ALG_ENCR, IKEV2_ENCR_3DES, 0);
	esp.integ = alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_MD5_96, 0);
	proposal_text(&esp, t, sizeof(t));
	assert_string_equal(t, "3DES-CBC (for Auth.: HMAC-MD5)");
	esp.encr = alg_find(ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 128);
	esp.integ = NULL;
	proposal_text(&esp, t, sizeof(t));
	assert_string_equal(t, "AES-GCM");
}

static void test_accept_refuses(void **state)
{
	(void)state;
	struct gateway_config g;
	struct proposal_offer o, other;
	struct proposal_choice c;
	config_gateway_defaults(&g, 1);
	g.proposal_limitation = true;
	assert_int_equal(proposal_ike(&g, NULL, lib, IKEV2_DH_MODP_1024, &o), 0);
	g.encryption = IKEV2_ENCR_AES_CBC;
	g.encryption_bits = 128;
	assert_int_equal(proposal_ike(&g, NULL, lib, IKEV2_DH_MODP_1024, &other), 0);
	struct payload_sa bad = { 1, &other.props[0] };
	assert_int_equal(proposal_accept(&bad, &o, lib, &c), -RTX_ENOPROP);
	/* the whole offer back (several of one type) is not an answer */
	struct proposal_offer all;
	g.proposal_limitation = false;
	assert_int_equal(proposal_ike(&g, NULL, lib, IKEV2_DH_MODP_1024, &all), 0);
	struct payload_sa many = { 1, &all.props[0] };
	assert_int_equal(proposal_accept(&many, &all, lib, &c), -RTX_ENOPROP);
	struct payload_sa none = { 0, NULL };
	assert_int_equal(proposal_accept(&none, &o, lib, &c), -RTX_ENOPROP);
	assert_int_equal(proposal_select(&none, IKEV2_PROTO_IKE, NULL, lib, &c), -RTX_ENOPROP);
}

/* With proposal-limitation off the combined-mode ciphers go in a second
 * proposal of their own, which a responder may pick and the initiator
 * then accepts by its number. */
static void test_aead_second_proposal(void **state)
{
	(void)state;
	struct gateway_config g;
	struct proposal_offer o;
	struct proposal_choice c, back;
	config_gateway_defaults(&g, 1);
	assert_int_equal(proposal_ike(&g, model_find("RTX1300"), lib, IKEV2_DH_ECP_256, &o), 0);
	assert_int_equal(o.nprops, 2);
	assert_int_equal(o.props[1].num, 2);
	for (size_t k = 0; k < o.props[0].ntransforms; k++)
		assert_false(alg_find(o.props[0].transforms[k].type, o.props[0].transforms[k].id,
				      sa_transform_keylen(&o.props[0].transforms[k])) &&
			     o.props[0].transforms[k].type == ALG_ENCR &&
			     o.props[0].transforms[k].id == IKEV2_ENCR_AES_GCM_16);
	for (size_t k = 0; k < o.props[1].ntransforms; k++)
		assert_int_not_equal(o.props[1].transforms[k].type, ALG_INTEG);
	struct payload_sa sa = proposal_offer_sa(&o);
	assert_int_equal(proposal_select(&sa, IKEV2_PROTO_IKE, NULL, lib, &c), 0);
	assert_int_equal(c.num, 2);
	assert_int_equal(c.encr->id, IKEV2_ENCR_AES_GCM_16);
	assert_int_equal(c.encr->key_bits, 256);
	assert_null(c.integ);
	struct proposal_offer ans;
	proposal_from_choice(&c, &ans);
	struct payload_sa asa = proposal_offer_sa(&ans);
	assert_int_equal(proposal_accept(&asa, &o, lib, &back), 0);
	assert_ptr_equal(back.encr, c.encr);
	/* ESP too, with the same SPI in both proposals */
	struct policy_config p = { .id = 1, .gateway = 1, .esp = true,
				   .encr = IKEV2_ENCR_AES_CBC, .encr_bits = 128 };
	assert_int_equal(proposal_esp(&g, &p, NULL, lib, 0xc0ffee01, &o), 0);
	assert_int_equal(o.nprops, 2);
	assert_memory_equal(o.props[0].spi, "\xc0\xff\xee\x01", 4);
	assert_memory_equal(o.props[1].spi, "\xc0\xff\xee\x01", 4);
}

/* Transforms the table does not know are skipped, not fatal. */
static void test_unknown_transforms(void **state)
{
	(void)state;
	struct sa_transform tr[] = {
		{ .type = ALG_ENCR, .id = 999 }, { .type = ALG_ENCR, .id = IKEV2_ENCR_AES_GCM_16,
		  .nattrs = 1, .attrs = { { .type = IKEV2_ATTR_KEY_LENGTH, .tv = true, .value = 256 } } },
		{ .type = ALG_PRF, .id = 77 }, { .type = ALG_PRF, .id = IKEV2_PRF_HMAC_SHA2_256 },
		{ .type = ALG_DH, .id = 1000 }, { .type = ALG_DH, .id = IKEV2_DH_CURVE25519 },
		{ .type = 9, .id = 1 },
	};
	struct sa_proposal p = { .num = 1, .protocol = IKEV2_PROTO_IKE, .ntransforms = 7,
				 .transforms = tr };
	struct payload_sa sa = { 1, &p };
	struct proposal_choice c;
	assert_int_equal(proposal_select(&sa, IKEV2_PROTO_IKE, NULL, lib, &c), 0);
	assert_true(c.encr->aead);
	assert_null(c.integ);
	assert_int_equal(c.dh->id, IKEV2_DH_CURVE25519);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ike_default_order),
		cmocka_unit_test(test_model_without_long_sha),
		cmocka_unit_test(test_limitation),
		cmocka_unit_test(test_limitation_aead),
		cmocka_unit_test(test_aead_second_proposal),
		cmocka_unit_test(test_select_strongest),
		cmocka_unit_test(test_prefer_configured),
		cmocka_unit_test(test_show_names),
		cmocka_unit_test(test_accept_refuses),
		cmocka_unit_test(test_unknown_transforms),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
