/* The swanctl.conf export: strongSwan's keywords in the algorithm table,
 * proposals spelled as strongSwan reads them, and the file for a PSK
 * tunnel built from a typed config (the errors too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/err.h"
#include "base/ip_addr.h"
#include "engine/alg.h"
#include "engine/config.h"
#include "engine/crypto.h"
#include "engine/model.h"
#include "engine/payload_sa.h"
#include "shell/export_swanctl.h"

/* Every transform rtxsh negotiates has one strongSwan keyword, unique
 * within its type, and the well-known ones are spelled as strongSwan does. */
static void test_table_names(void **state)
{
	(void)state;
	for (size_t i = 0; alg_at(i); i++) {
		const struct alg *a = alg_at(i);
		if (a->type == ALG_ESN)
			continue;
		assert_non_null(a->swan);
		for (size_t j = i + 1; alg_at(j); j++)
			if (alg_at(j)->type == a->type && alg_at(j)->swan)
				assert_string_not_equal(alg_at(j)->swan, a->swan);
	}
	static const struct { enum alg_type t; uint16_t id, bits; const char *sw; } want[] = {
		{ ALG_ENCR, IKEV2_ENCR_AES_CBC, 128, "aes128" },
		{ ALG_ENCR, IKEV2_ENCR_AES_CBC, 256, "aes256" },
		{ ALG_ENCR, IKEV2_ENCR_3DES, 0, "3des" },
		{ ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 128, "aes128gcm16" },
		{ ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 256, "aes256gcm16" },
		{ ALG_ENCR, IKEV2_ENCR_CHACHA20_POLY1305, 0, "chacha20poly1305" },
		{ ALG_INTEG, IKEV2_AUTH_HMAC_SHA1_96, 0, "sha1" },
		{ ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0, "sha256" },
		{ ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0, "prfsha256" },
		{ ALG_PRF, IKEV2_PRF_HMAC_SHA2_512, 0, "prfsha512" },
		{ ALG_DH, IKEV2_DH_MODP_1024, 0, "modp1024" },
		{ ALG_DH, IKEV2_DH_MODP_2048, 0, "modp2048" },
		{ ALG_DH, IKEV2_DH_ECP_256, 0, "ecp256" },
		{ ALG_DH, IKEV2_DH_CURVE25519, 0, "curve25519" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct alg *a = alg_find(want[i].t, want[i].id, want[i].bits);
		assert_non_null(a);
		assert_string_equal(a->swan, want[i].sw);
	}
}

struct tr { uint8_t type; uint16_t id, bits; };

static void make(struct sa_proposal *p, struct sa_transform *t, const struct tr *in, size_t n)
{
	memset(p, 0, sizeof(*p));
	memset(t, 0, n * sizeof(*t));
	for (size_t i = 0; i < n; i++) {
		t[i].type = in[i].type;
		t[i].id = in[i].id;
		if (in[i].bits) {
			t[i].nattrs = 1;
			t[i].attrs[0] = (struct sa_attr){ .type = IKEV2_ATTR_KEY_LENGTH, .tv = true,
							  .value = in[i].bits };
		}
	}
	p->ntransforms = n;
	p->transforms = t;
}

static const char *spell(const struct tr *in, size_t n, unsigned extra, int *rc)
{
	static char buf[256];
	struct sa_proposal p;
	struct sa_transform t[16];
	make(&p, t, in, n);
	*rc = swanctl_proposal(&p, extra, buf, sizeof(buf));
	return buf;
}

#define SPELL(extra, ...) ({ static const struct tr in_[] = { __VA_ARGS__ }; \
	int rc_; const char *s_ = spell(in_, sizeof(in_) / sizeof(in_[0]), extra, &rc_); \
	assert_int_equal(rc_, 0); s_; })

static void test_proposals(void **state)
{
	(void)state;
	/* the PRF that strongSwan derives from the integrity is left out */
	assert_string_equal(SPELL(0, { ALG_ENCR, IKEV2_ENCR_AES_CBC, 256 },
				  { ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0 },
				  { ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0 },
				  { ALG_DH, IKEV2_DH_MODP_2048, 0 }),
			    "aes256-sha256-modp2048");
	/* AEAD: no integrity, so the PRF is named */
	assert_string_equal(SPELL(0, { ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 128 },
				  { ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0 },
				  { ALG_DH, IKEV2_DH_ECP_256, 0 }),
			    "aes128gcm16-prfsha256-ecp256");
	/* a PRF other than the integrity's is named */
	assert_string_equal(SPELL(0, { ALG_ENCR, IKEV2_ENCR_AES_CBC, 128 },
				  { ALG_INTEG, IKEV2_AUTH_HMAC_SHA1_96, 0 },
				  { ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0 },
				  { ALG_DH, IKEV2_DH_MODP_1024, 0 }),
			    "aes128-sha1-prfsha256-modp1024");
	/* several of a type keep their order */
	assert_string_equal(SPELL(0, { ALG_ENCR, IKEV2_ENCR_AES_CBC, 256 },
				  { ALG_ENCR, IKEV2_ENCR_3DES, 0 },
				  { ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0 },
				  { ALG_INTEG, IKEV2_AUTH_HMAC_SHA1_96, 0 },
				  { ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0 },
				  { ALG_PRF, IKEV2_PRF_HMAC_SHA1, 0 },
				  { ALG_DH, IKEV2_DH_MODP_2048, 0 }),
			    "aes256-3des-sha256-sha1-modp2048");
	/* ESP with PFS: the group is added once; no ESN is the default */
	assert_string_equal(SPELL(IKEV2_DH_MODP_2048, { ALG_ENCR, IKEV2_ENCR_AES_CBC, 256 },
				  { ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0 },
				  { ALG_ESN, IKEV2_ESN_NONE, 0 }),
			    "aes256-sha256-modp2048");
	assert_string_equal(SPELL(IKEV2_DH_ECP_256, { ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 256 },
				  { ALG_DH, IKEV2_DH_ECP_256, 0 },
				  { ALG_ESN, IKEV2_ESN_YES, 0 }),
			    "aes256gcm16-ecp256-esn");
	/* single DES is left out, and alone it leaves nothing */
	assert_string_equal(SPELL(0, { ALG_ENCR, IKEV2_ENCR_DES, 0 },
				  { ALG_ENCR, IKEV2_ENCR_AES_CBC, 128 },
				  { ALG_INTEG, IKEV2_AUTH_HMAC_SHA1_96, 0 }),
			    "aes128-sha1");
	int rc;
	static const struct tr des[] = { { ALG_ENCR, IKEV2_ENCR_DES, 0 },
					 { ALG_INTEG, IKEV2_AUTH_HMAC_SHA1_96, 0 } };
	spell(des, 2, 0, &rc);
	assert_int_equal(rc, -RTX_EUNSUPP);
	/* a transform strongSwan has no keyword for (here: unknown to rtxsh) */
	static const struct tr odd[] = { { ALG_ENCR, IKEV2_ENCR_CAMELLIA_CBC, 128 } };
	spell(odd, 1, 0, &rc);
	assert_int_equal(rc, -RTX_EUNSUPP);
	/* too small a buffer */
	struct sa_proposal p;
	struct sa_transform t[2];
	char small[8];
	static const struct tr big[] = { { ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 256 },
					 { ALG_PRF, IKEV2_PRF_HMAC_SHA2_512, 0 } };
	make(&p, t, big, 2);
	assert_int_equal(swanctl_proposal(&p, 0, small, sizeof(small)), -RTX_ERANGE);
}

static char *export_text(struct ipsec_config *c, struct crypto_lib *lib, unsigned num,
			 enum export_rc *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	*rc = export_swanctl(f, c, lib, num);
	fclose(f);
	return text;
}

static void test_export_psk(void **state)
{
	(void)state;
	struct crypto_lib *lib;
	assert_int_equal(crypto_lib_new(&lib), 0);
	struct ipsec_config *c = config_new(model_default());
	assert_non_null(c);
	struct gateway_config *g = config_gateway_get(c, 1);
	struct policy_config *p = config_policy_get(c, 101);
	struct tunnel_config *t = config_tunnel_get(c, 1);
	assert_non_null(g);
	assert_non_null(p);
	assert_non_null(t);
	g->version = 2;
	memcpy(g->psk, "s3cret", 6);
	g->psk_len = 6;
	g->local_address = strdup("192.0.2.1");
	g->remote_address = strdup("192.0.2.2");
	g->remote_name = strdup("peer.example");
	g->remote_name_type = ID_TYPE_FQDN;
	g->encryption = IKEV2_ENCR_AES_CBC;
	g->encryption_bits = 256;
	g->hash = IKEV2_PRF_HMAC_SHA2_256;
	g->group[0] = IKEV2_DH_MODP_2048;
	g->proposal_limitation = true;
	g->pfs = true;
	p->gateway = 1;
	p->encr = IKEV2_ENCR_AES_CBC;
	p->encr_bits = 128;
	p->integ = IKEV2_AUTH_HMAC_SHA1_96;
	t->policy = 101;
	t->enabled = true;
	struct route_config r = { .len = 24, .tunnel = 1 };
	assert_int_equal(ip_addr_parse("10.2.0.0", &r.net), 0);
	assert_int_equal(config_route_add(c, &r), 0);
	c->lan[1].set = true;
	c->lan[1].len = 24;
	assert_int_equal(ip_addr_parse("10.1.0.77", &c->lan[1].addr), 0);

	enum export_rc rc;
	char *text = export_text(c, lib, 1, &rc);
	assert_int_equal(rc, EXPORT_OK);
	static const char *const lines[] = {
		"\t\tlocal_addrs = 192.0.2.2\n", "\t\tremote_addrs = 192.0.2.1\n",
		"\t\tproposals = aes256-sha256-modp2048\n",
		"\t\t\t\tesp_proposals = aes128-sha1-modp2048\n",
		"\t\t\tid = fqdn:peer.example\n", "\t\t\tid = 192.0.2.1\n",
		"\t\t\t\tlocal_ts = 10.2.0.0/24\n", "\t\t\t\tremote_ts = 10.1.0.0/24\n",
		"\t\tsecret = \"s3cret\"\n", "\t\t\t\tstart_action = start\n",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (!strstr(text, lines[i]))
			fail_msg("missing %s in:\n%s", lines[i], text);
	free(text);

	/* auto refresh on: rtxsh initiates, the peer waits */
	c->auto_refresh = true;
	text = export_text(c, lib, 1, &rc);
	assert_non_null(strstr(text, "start_action = none\n"));
	free(text);

	/* a key with a quote goes out in hex */
	memcpy(g->psk, "a\"b", 3);
	g->psk_len = 3;
	text = export_text(c, lib, 1, &rc);
	assert_non_null(strstr(text, "secret = 0x612262\n"));
	free(text);

	text = export_text(c, lib, 2, &rc);
	assert_int_equal(rc, EXPORT_NO_TUNNEL);
	assert_string_equal(text, "");
	free(text);
	t->policy = 0;
	text = export_text(c, lib, 1, &rc);
	assert_int_equal(rc, EXPORT_NOT_IPSEC);
	assert_string_equal(text, "");
	free(text);

	config_free(c);
	crypto_lib_free(lib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_names),
		cmocka_unit_test(test_proposals),
		cmocka_unit_test(test_export_psk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
