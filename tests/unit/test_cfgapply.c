/* Config lines -> struct ipsec_config: every IPsec command with an engine
 * meaning lands in its field, `no` forms and replaced lines go back to the
 * defaults, extension keywords map through the algorithm table, and the
 * rebuilt config reaches the router when input pauses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "engine/alg.h"
#include "base/clock.h"
#include "engine/config.h"
#include "engine/loop.h"
#include "engine/model.h"
#include "engine/router.h"
#include "shell/cfgapply.h"
#include "shell/cli.h"
#include "shell/grammar.h"

#include "tests/unit/router_fixture.h"

static struct fx *fx_new(const char *model)
{
	return fx_start((struct router_opts){ .model = model ? model_find(model) : NULL });
}

static const char site[] =
	"ipsec auto refresh on\n"
	"ipsec ike retry 7 3 2\n"
	"ipsec ike log message-info key-info\n"
	"ip route 10.2.0.0/24 gateway tunnel 1\n"
	"ip route default gateway 192.0.2.254\n"
	"tunnel select 1\n"
	"description tunnel to-site-b\n"
	"ipsec tunnel 101\n"
	"ipsec sa policy 101 1 esp aes256-cbc sha256-hmac anti-replay-check=off\n"
	"ipsec ike version 1 2\n"
	"ipsec ike pre-shared-key 1 text s3cret\n"
	"ipsec ike local address 1 192.0.2.1\n"
	"ipsec ike remote address 1 198.51.100.2\n"
	"ipsec ike local name 1 a.example fqdn\n"
	"ipsec ike remote name 1 b@example.net user-fqdn\n"
	"ipsec ike encryption 1 aes256-cbc\n"
	"ipsec ike hash 1 sha256\n"
	"ipsec ike group 1 modp2048\n"
	"ipsec ike keepalive use 1 on rfc4306 10 3\n"
	"ipsec ike duration ipsec-sa 1 3600 rekey 80%\n"
	"ipsec ike duration isakmp-sa 1 7200 rekey off\n"
	"ipsec ike nat-traversal 1 on keepalive=30 force=on type=2\n"
	"ipsec ike pfs 1 on\n"
	"ipsec ike proposal-limitation 1 on\n"
	"ipsec ike always-on 1 on\n"
	"ipsec ike log 1 payload-info\n"
	"ipsec ike auth method 1 pre-shared-key\n"
	"tunnel enable 1\n";

static void test_site_config(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	run(f, site);
	const struct ipsec_config *c = f->r->ipsec;
	assert_true(c->auto_refresh);
	assert_int_equal(c->retry_count, 7);
	assert_int_equal(c->retry_interval, 3);
	assert_int_equal(c->retry_max_session, 2);
	assert_int_equal(c->log_types, LOGTYPE_MESSAGE | LOGTYPE_KEY);

	const struct gateway_config *g = config_gateway_find(c, 1);
	assert_non_null(g);
	assert_int_equal(g->version, 2);
	assert_int_equal(g->psk_len, 6);
	assert_memory_equal(g->psk, "s3cret", 6);
	assert_string_equal(g->local_address, "192.0.2.1");
	assert_string_equal(g->remote_address, "198.51.100.2");
	assert_string_equal(g->local_name, "a.example");
	assert_int_equal(g->local_name_type, ID_TYPE_FQDN);
	assert_string_equal(g->remote_name, "b@example.net");
	assert_int_equal(g->remote_name_type, ID_TYPE_USER_FQDN);
	assert_int_equal(g->encryption, IKEV2_ENCR_AES_CBC);
	assert_int_equal(g->encryption_bits, 256);
	assert_int_equal(g->hash, IKEV2_PRF_HMAC_SHA2_256);
	assert_int_equal(g->group[0], IKEV2_DH_MODP_2048);
	assert_int_equal(g->group[1], 0);
	assert_int_equal(g->keepalive.sw, TRI_ON);
	assert_int_equal(g->keepalive.kind, KEEPALIVE_RFC4306);
	assert_int_equal(g->keepalive.interval, 10);
	assert_int_equal(g->keepalive.count, 3);
	assert_int_equal(g->child_life.seconds, 3600);
	assert_int_equal(g->child_life.rekey_pct, 80);
	assert_int_equal(g->child_life.kbytes, 2000000);
	assert_int_equal(g->ike_life.seconds, 7200);
	assert_int_equal(g->ike_life.rekey_pct, 0);
	assert_true(g->natt.on);
	assert_int_equal(g->natt.keepalive, 30);
	assert_true(g->natt.force);
	assert_int_equal(g->natt.type, 2);
	assert_true(g->pfs);
	assert_true(g->proposal_limitation);
	assert_true(g->always_on);
	assert_true(g->auto_refresh);
	assert_int_equal(g->log_types, LOGTYPE_PAYLOAD);
	assert_int_equal(g->auth_method, AUTH_METHOD_PSK);

	const struct policy_config *p = config_policy_find(c, 101);
	assert_non_null(p);
	assert_int_equal(p->gateway, 1);
	assert_true(p->esp);
	assert_int_equal(p->encr, IKEV2_ENCR_AES_CBC);
	assert_int_equal(p->encr_bits, 256);
	assert_int_equal(p->integ, IKEV2_AUTH_HMAC_SHA2_256_128);
	assert_false(p->anti_replay);

	const struct tunnel_config *t = config_tunnel_find(c, 1);
	assert_non_null(t);
	assert_int_equal(t->policy, 101);
	assert_true(t->enabled);
	assert_string_equal(t->description, "to-site-b");
	assert_ptr_equal(config_tunnel_gateway(c, t), g);

	/* Only the tunnel route is the engine's. */
	assert_int_equal(c->n_routes, 1);
	assert_int_equal(c->routes[0].tunnel, 1);
	assert_int_equal(c->routes[0].len, 24);
	assert_int_equal(c->routes[0].net.family, AF_INET);
	assert_memory_equal(c->routes[0].net.bytes, ((uint8_t[]){ 10, 2, 0, 0 }), 4);
	fx_free(f);
}

/* `no` forms, defaults and replaced lines: the rebuild starts from scratch. */
static void test_no_forms_restore_defaults(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	run(f, site);
	run(f, "no ipsec ike encryption 1\n"
	       "no ipsec ike keepalive use 1\n"
	       "no ipsec ike duration ipsec-sa 1\n"
	       "ipsec ike pre-shared-key 1 0x0a0B0c\n"
	       "ipsec ike group 1 modp1024\n"
	       "no ip route 10.2.0.0/24\n"
	       "no ipsec auto refresh\n"
	       "tunnel disable 1\n");
	const struct ipsec_config *c = f->r->ipsec;
	const struct gateway_config *g = config_gateway_find(c, 1);
	assert_non_null(g);
	assert_int_equal(g->encryption, IKEV2_ENCR_3DES);
	assert_int_equal(g->keepalive.sw, TRI_AUTO);
	assert_int_equal(g->keepalive.interval, 10);
	assert_int_equal(g->keepalive.count, 6);
	assert_int_equal(g->child_life.seconds, 28800);
	assert_int_equal(g->child_life.rekey_pct, 75);
	assert_int_equal(g->psk_len, 3);
	assert_memory_equal(g->psk, "\x0a\x0b\x0c", 3);
	assert_int_equal(g->group[0], IKEV2_DH_MODP_1024);
	assert_int_equal(c->n_routes, 0);
	assert_false(c->auto_refresh);
	assert_false(config_tunnel_find(c, 1)->enabled);

	run(f, "no ipsec sa policy 101\ntunnel select 1\nno ipsec tunnel\n");
	assert_null(config_policy_find(f->r->ipsec, 101));
	assert_int_equal(config_tunnel_find(f->r->ipsec, 1)->policy, 0);
	fx_free(f);
}

static void test_extension_keywords(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	run(f, "ipsec ike encryption 1 aes-gcm\n"
	       "ipsec ike encryption 2 aes256-gcm\n"
	       "ipsec ike encryption 3 chacha20-poly1305\n"
	       "ipsec ike group 1 ecp256\n"
	       "ipsec ike group 2 x25519\n"
	       "ipsec ike group 3 modp8192 modp2048\n"
	       "ipsec sa policy 1 1 esp aes-gcm\n"
	       "ipsec sa policy 2 2 esp aes256-gcm\n"
	       "ipsec sa policy 3 3 esp chacha20-poly1305 anti-replay-check=on\n");
	const struct ipsec_config *c = f->r->ipsec;
	const struct gateway_config *g1 = config_gateway_find(c, 1), *g2 = config_gateway_find(c, 2),
				    *g3 = config_gateway_find(c, 3);
	assert_int_equal(g1->encryption, IKEV2_ENCR_AES_GCM_16);
	assert_int_equal(g1->encryption_bits, 128);
	assert_int_equal(g2->encryption, IKEV2_ENCR_AES_GCM_16);
	assert_int_equal(g2->encryption_bits, 256);
	assert_int_equal(g3->encryption, IKEV2_ENCR_CHACHA20_POLY1305);
	assert_non_null(alg_find(ALG_ENCR, g3->encryption, g3->encryption_bits));
	assert_int_equal(g1->group[0], IKEV2_DH_ECP_256);
	assert_int_equal(g2->group[0], IKEV2_DH_CURVE25519);
	assert_int_equal(g3->group[0], IKEV2_DH_MODP_8192);
	assert_int_equal(g3->group[1], IKEV2_DH_MODP_2048);
	const struct policy_config *p2 = config_policy_find(c, 2), *p3 = config_policy_find(c, 3);
	assert_int_equal(config_policy_find(c, 1)->encr_bits, 128);
	assert_int_equal(p2->encr, IKEV2_ENCR_AES_GCM_16);
	assert_int_equal(p2->encr_bits, 256);
	assert_int_equal(p2->integ, 0);   /* AEAD: no separate integrity */
	assert_int_equal(p3->encr, IKEV2_ENCR_CHACHA20_POLY1305);
	assert_true(p3->anti_replay);
	assert_true(alg_find(ALG_ENCR, p2->encr, p2->encr_bits)->aead);
	fx_free(f);
}

/* Every algorithm value the table accepts maps to an entry of the one
 * algorithm table: the grammar and the mapping cannot drift apart. */
static void test_every_table_value_maps(void **state)
{
	(void)state;
	static const struct { const char *setting, *tok; enum alg_type type; } uses[] = {
		{ "ipsec ike encryption", "algorithm", ALG_ENCR },
		{ "ipsec ike group", "group", ALG_DH },
		{ "ipsec ike hash", "algorithm", ALG_PRF },
		{ "ipsec sa policy", "esp_algorithm", ALG_ENCR },
		{ "ipsec sa policy", "ah_algorithm", ALG_INTEG },
	};
	size_t checked = 0, ext = 0;
	for (size_t i = 0; i < cmd_table_len; i++) {
		const struct cmd_row *r = &cmd_table[i];
		for (size_t u = 0; u < sizeof(uses) / sizeof(uses[0]); u++) {
			if (!r->setting || strcmp(r->setting, uses[u].setting) != 0)
				continue;
			for (const struct tok *t = r->tok; t->kind != TK_END; t++) {
				if (t->kind != TK_ENUM || strcmp(t->name, uses[u].tok) != 0)
					continue;
				for (size_t v = 0; t->vals[v]; v++) {
					char word[32];
					size_t len = strcspn(t->vals[v], "|*");
					snprintf(word, sizeof(word), "%.*s", (int)len, t->vals[v]);
					const struct alg *a = cfgapply_alg(uses[u].type, word);
					if (!a)
						fail_msg("%s: %s maps to no algorithm", r->setting, word);
					bool marked = strstr(t->help, "(rtxsh extension)") != NULL;
					assert_int_equal(marked, cfgapply_is_extension(word));
					ext += marked;
					checked++;
				}
			}
		}
	}
	assert_true(checked >= 30);
	assert_int_equal(ext, 3 + 9 + 3);
	assert_null(cfgapply_alg(ALG_ENCR, "aes128-gcm"));
	assert_null(cfgapply_alg(ALG_DH, "ecp256x"));
}

/* Lines reach the router's config when input pauses, not per line. */
static void test_applied_when_input_pauses(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	assert_int_equal(cli_exec(f->s, "ipsec ike version 5 2", 0), 0);
	assert_null(config_gateway_find(f->r->ipsec, 5));
	clock_virtual_advance(&f->clock, CLI_APPLY_QUIET_MS - 1);
	assert_int_equal(loop_run_once(f->r->loop, 0), 0);
	assert_null(config_gateway_find(f->r->ipsec, 5));
	/* another line pushes the deadline on */
	assert_int_equal(cli_exec(f->s, "ipsec ike version 6 2", 0), 0);
	clock_virtual_advance(&f->clock, 2);
	assert_int_equal(loop_run_once(f->r->loop, 0), 0);
	assert_null(config_gateway_find(f->r->ipsec, 5));
	clock_virtual_advance(&f->clock, CLI_APPLY_QUIET_MS);
	assert_int_equal(loop_run_once(f->r->loop, 0), 0);
	assert_non_null(config_gateway_find(f->r->ipsec, 5));
	assert_int_equal(config_gateway_find(f->r->ipsec, 6)->version, 2);
	/* a refused line changes nothing and arms nothing */
	assert_true(cli_exec(f->s, "ipsec ike version 7 3", 0) < 0);
	assert_int_equal(loop_next_timer_ms(f->r->loop), -1);
	fx_free(f);
}

/* A script cannot answer "Save new configuration ? (Y/N)". */
static void test_script_exit_does_not_ask(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	run(f, "ipsec ike version 1 2\nexit\n");
	assert_string_equal(cli_prompt(f->s), "> ");
	fflush(f->outf);
	assert_non_null(strstr(f->out, "Configuration not saved"));
	assert_true(cli_dirty(f->c));
	/* at a console the question comes, with a space after it */
	cli_session_set_script(f->s, false);
	run(f, "administrator\nexit\n");
	assert_string_equal(cli_prompt(f->s), "Save new configuration ? (Y/N) ");
	fx_free(f);
}

/* Big configs: the vRX's 6000 tunnels rebuild in one pass. */
static void test_many_tunnels(void **state)
{
	(void)state;
	struct fx *f = fx_new("vRX");
	char line[160];
	for (unsigned n = 1; n <= 6000; n++) {
		snprintf(line, sizeof(line), "tunnel select %u", n);
		assert_int_equal(cli_exec(f->s, line, 0), 0);
		snprintf(line, sizeof(line), "ipsec tunnel %u", n);
		assert_int_equal(cli_exec(f->s, line, 0), 0);
		snprintf(line, sizeof(line), "ipsec sa policy %u %u esp aes-cbc sha-hmac", n, n);
		assert_int_equal(cli_exec(f->s, line, 0), 0);
		snprintf(line, sizeof(line), "ipsec ike version %u 2", n);
		assert_int_equal(cli_exec(f->s, line, 0), 0);
		snprintf(line, sizeof(line), "tunnel enable %u", n);
		assert_int_equal(cli_exec(f->s, line, 0), 0);
	}
	assert_int_equal(cli_apply(f->c), 0);
	const struct ipsec_config *c = f->r->ipsec;
	assert_int_equal(c->n_gateways, 6000);
	assert_int_equal(c->n_policies, 6000);
	assert_int_equal(c->n_tunnels, 6000);
	assert_int_equal(config_gateway_tunnel(c, 4321), 4321);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_site_config),
		cmocka_unit_test(test_no_forms_restore_defaults),
		cmocka_unit_test(test_extension_keywords),
		cmocka_unit_test(test_every_table_value_maps),
		cmocka_unit_test(test_applied_when_input_pauses),
		cmocka_unit_test(test_script_exit_does_not_ask),
		cmocka_unit_test(test_many_tunnels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
