/* Config lines -> struct ipsec_config: every IPsec command with an engine
 * meaning lands in its field, `no` forms and replaced lines go back to the
 * defaults, extension keywords map through the algorithm table, every
 * stored row of the command table either applies or says it is kept, and
 * the rebuilt config reaches the router when input pauses. */
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
#include "engine/pool.h"
#include "engine/user.h"
#include "engine/loop.h"
#include "engine/model.h"
#include "engine/router.h"
#include "shell/cfgapply.h"
#include "shell/cli.h"
#include "shell/cmd.h"
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

/* ---- every row: applied, or kept on purpose ---------------------------- */

/* Every field of the typed config as text, to see whether a line changed it. */
static char *dump(const struct ipsec_config *c)
{
	char *buf = NULL, a[64];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	fprintf(f, "%d %d %u %u %u %u %d %u\n", c->ipsec_use, c->auto_refresh, c->retry_count,
		c->retry_interval, c->retry_max_session, c->queue_length, c->log_illegal_spi,
		c->log_types);
	for (size_t i = 0; i < c->n_gateways; i++) {
		const struct gateway_config *g = c->gateways[i];
		fprintf(f, "gw %u %u %zu", g->id, g->version, g->psk_len);
		for (size_t j = 0; j < g->psk_len; j++)
			fprintf(f, "%02x", g->psk[j]);
		fprintf(f, " %s %d %s %s %d %s", g->remote_name ? g->remote_name : "-",
			g->remote_name_type, g->remote_address ? g->remote_address : "-",
			g->local_name ? g->local_name : "-", g->local_name_type,
			g->local_address ? g->local_address : "-");
		fprintf(f, " %d%d%d%d%d%d%d%d %u %u/%u %u %u/%u", g->auto_refresh, g->always_on,
			g->negotiate_strictly, g->proposal_limitation, g->message_id_control,
			g->pfs, g->negotiation_receive, g->eap_send_certreq,
			g->child_exchange_type, g->encryption, g->encryption_bits, g->hash,
			g->group[0], g->group[1]);
		fprintf(f, " ka %d %d %u %u %u %s %u %d", g->keepalive.sw, g->keepalive.kind,
			g->keepalive.interval, g->keepalive.count, g->keepalive.upwait,
			g->keepalive.icmp_target ? g->keepalive.icmp_target : "-",
			g->keepalive.icmp_length, g->keepalive.log);
		fprintf(f, " natt %d %u %d %u", g->natt.on, g->natt.keepalive, g->natt.force,
			g->natt.type);
		const struct sa_duration *d[] = { &g->ike_life, &g->child_life };
		for (size_t j = 0; j < 2; j++)
			fprintf(f, " life %u %u %u %u", d[j]->seconds, d[j]->kbytes,
				d[j]->rekey_pct, d[j]->forced_reduction);
		fprintf(f, " %d %u %u %s %s %d %u %u frag %d %u\n", g->auth_method, g->pki_cert,
			g->pki_crl, g->eap_name ? g->eap_name : "-",
			g->eap_password ? g->eap_password : "-", g->eap_request,
			g->eap_request_group, g->log_types, g->frag, g->frag_size);
		fprintf(f, " pool %u\n", g->modecfg_pool);
	}
	for (size_t i = 0; i < c->n_policies; i++) {
		const struct policy_config *p = c->policies[i];
		fprintf(f, "policy %u %u %d %u %u %u %d\n", p->id, p->gateway, p->esp, p->encr,
			p->encr_bits, p->integ, p->anti_replay);
	}
	for (size_t i = 0; i < c->n_tunnels; i++) {
		const struct tunnel_config *t = c->tunnels[i];
		fprintf(f, "tunnel %u %u %d %s\n", t->num, t->policy, t->enabled,
			t->description ? t->description : "-");
	}
	for (size_t i = 0; i < c->n_routes; i++)
		fprintf(f, "route %s/%u %u\n", ip_addr_str(&c->routes[i].net, a, sizeof(a)),
			c->routes[i].len, c->routes[i].tunnel);
	for (size_t i = 0; i <= CONFIG_LAN_MAX; i++) {
		if (c->lan[i].set)
			fprintf(f, "lan%zu %s/%u\n", i, ip_addr_str(&c->lan[i].addr, a, sizeof(a)),
				c->lan[i].len);
		if (c->lan6[i].set)
			fprintf(f, "lan%zu v6 %s/%u\n", i, ip_addr_str(&c->lan6[i].addr, a, sizeof(a)),
				c->lan6[i].len);
	}
	for (size_t i = 0; i <= CONFIG_PKI_MAX; i++) {
		const struct pki_file_config *pc = &c->pki_cert[i], *pl = &c->pki_crl[i];
		if (pc->path)
			fprintf(f, "cert%zu %s %d %s\n", i, pc->path, pc->pkcs12,
				pc->password ? pc->password : "-");
		if (pl->path)
			fprintf(f, "crl%zu %s\n", i, pl->path);
	}
	for (size_t i = 0; c->users && i < c->users->n_users; i++) {
		const struct user_config *u = &c->users->users[i];
		char b1[64], b2[64];
		fprintf(f, "user %u %s %s %d%d %s %s\n", u->id, u->name ? u->name : "-",
			u->password ? u->password : "-", u->eap_md5, u->eap_md5_set,
			u->address.family ? ip_addr_str(&u->address, b1, sizeof(b1)) : "-",
			u->dns.family ? ip_addr_str(&u->dns, b2, sizeof(b2)) : "-");
	}
	for (size_t i = 0; c->pools && i < c->pools->n; i++) {
		const struct pool_config *pl = &c->pools->pools[i];
		struct ip_addr first = pool_ip(pl->family, pl->first), last = pool_ip(pl->family, pl->last);
		char b1[64], b2[64];
		fprintf(f, "pool %u %s-%s\n", pl->id, ip_addr_str(&first, b1, sizeof(b1)),
			ip_addr_str(&last, b2, sizeof(b2)));
	}
	for (size_t i = 0; c->users && i < c->users->n_groups; i++) {
		const struct user_group *g = &c->users->groups[i];
		char b1[64], b2[64];
		fprintf(f, "group %u %d %u %s %s:", g->id, g->eap_md5, g->pool,
			g->address.family ? ip_addr_str(&g->address, b1, sizeof(b1)) : "-",
			g->dns.family ? ip_addr_str(&g->dns, b2, sizeof(b2)) : "-");
		for (size_t j = 0; j < g->n; j++)
			fprintf(f, " %u", g->ids[j]);
		fputc('\n', f);
	}
	fclose(f);
	return buf;
}

/* A value of token t: its lowest (hi false) or highest one, as words go. */
static void sample_value(const struct rtx_model *m, const struct tok *t, bool hi,
			 bool key, char *out, size_t len)
{
	static const char *const addr[][2] = {
		[TK_IPV4] = { "192.0.2.1", "198.51.100.7" },
		[TK_IP] = { "192.0.2.1", "2001:db8::7" },
		[TK_IPMASK] = { "10.0.0.0/8", "2001:db8::/48" },
		[TK_PREFIX] = { "10.1.0.0/16", "2001:db8::/32" },
		[TK_HOST] = { "192.0.2.9", "peer.example" },
		[TK_POOL] = { "192.0.2.10-192.0.2.20", "2001:db8::/64" },
		[TK_HEX] = { "0x01", "0xaabbccddeeff" },
		[TK_REST] = { "tunnel 1", "192.0.2.254 gateway tunnel 2" },
	};
	long long lo = t->lo, top = t->hi;
	hi = hi && !key;   /* the same gateway, tunnel and policy in both lines */
	switch (t->kind) {
	case TK_KW:
		snprintf(out, len, "%s", t->name);
		return;
	case TK_ENUM:
		for (size_t i = 0; t->vals[i]; i++) {
			char v[48];
			snprintf(v, sizeof(v), "%.*s", (int)strcspn(t->vals[i], "|*"), t->vals[i]);
			if (tok_check(m, t, v) == GE_OK && (hi || i == 0))
				snprintf(out, len, "%s", v);
		}
		return;
	case TK_GW:
	case TK_QLEN:
	case TK_USER:
	case TK_IDLIST:
		lo = t->kind == TK_QLEN ? m->queue_min : 1;
		top = t->kind == TK_GW ? m->tunnel_max : t->kind == TK_QLEN ? m->queue_max
		      : t->kind == TK_USER ? m->auth_user_max : 1;
		/* fall through */
	case TK_INT:
		snprintf(out, len, "%lld", hi ? top : lo);
		return;
	case TK_TEXT:
		if (strcmp(t->name, "hash") == 0) {   /* a password hash has its own form */
			snprintf(out, len, "$pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw==$"
				 "%s", hi ? "f+p1dt5Pv/WKAHCAqWe7vBAPWYBRYD8+nuK+Vm9T83U="
				 : "32ADBAqeXfg7SygD3HB6rQc0HA1/yd/gLEuujRmRd14=");
			return;
		}
		snprintf(out, len, "%.*s", (int)(hi && t->hi < 20 ? t->hi : hi ? 20 : t->lo),
			 hi ? "bbbbbbbbbbbbbbbbbbbb" : "aaaaaaaaaaaaaaaaaaaa");
		return;
	case TK_PERCENT:
		snprintf(out, len, "%lld%%", hi ? t->hi : t->lo);
		return;
	case TK_LAN:
		snprintf(out, len, "lan%d", hi ? 9 : 1);
		return;
	default:
		/* an `ipv6 ...` row: IPv6 both times */
		snprintf(out, len, "%s", (t->flags & T_V6) && !hi
			 ? (t->kind == TK_IPMASK ? "2001:db8:1::/64" : "2001:db8:2::1/64")
			 : addr[t->kind][hi]);
		return;
	}
}

/* A line of row r with every optional part given: the lowest values, or
 * the highest for token vary (all of them when all_hi). */
static void sample_line(const struct rtx_model *m, const struct cmd_row *r,
			const struct tok *vary, bool all_hi, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < row_ntok(r); i++) {
		const struct tok *t = &r->tok[i];
		char v[256];
		for (const struct tok *o = t->kind == TK_OPTS ? t->opts : NULL; o && o->kind; o++) {
			sample_value(m, o, all_hi || o == vary, false, v, sizeof(v));
			used += (size_t)snprintf(out + used, len - used, " %s=%s", o->name, v);
		}
		if (t->kind != TK_OPTS) {
			sample_value(m, t, all_hi || t == vary, i < r->nkey, v, sizeof(v));
			used += (size_t)snprintf(out + used, len - used, " %s", v);
		}
		assert_true(used < len);
	}
}

static bool gateway_keyed(const struct cmd_row *r)
{
	for (size_t i = 0; i < r->nkey; i++)
		if (r->tok[i].param == P_GATEWAY)
			return true;
	return false;
}

/* The typed config after running a sample line of row r on a fresh router. */
static char *dump_after(const struct cmd_row *r, const struct tok *vary, bool all_hi)
{
	struct fx *f = fx_new(NULL);
	char line[1024];
	struct words ws;
	struct cmd_args a;
	size_t bad;
	sample_line(f->r->model, r, vary, all_hi, line, sizeof(line));
	assert_int_equal(words_split(line, &ws, &bad), GE_OK);
	if (grammar_match(f->r->model, ws.w, ws.n, &a, &bad) != GE_OK || a.row != r)
		fail_msg("row %zu: sample \"%s\" is not the row's", (size_t)(r - cmd_table), line);
	cmd_args_free(&a);
	words_free(&ws);
	run(f, (r->flags & R_TUNNEL) ? "tunnel select 1" : "show config");
	run(f, line);
	char *d = dump(f->r->ipsec);
	fx_free(f);
	return d;
}

/* What the typed config is before a line of r: the objects the walk hands
 * the step (a gateway-keyed row's gateway, an R_TUNNEL row's tunnel). */
static char *dump_before(const struct cmd_row *r)
{
	struct ipsec_config *c = config_new(NULL);
	assert_non_null(c);
	if (r->apply && gateway_keyed(r))
		assert_non_null(config_gateway_get(c, 1));
	if (r->apply && (r->flags & R_TUNNEL))
		assert_non_null(config_tunnel_get(c, 1));
	char *d = dump(c);
	config_free(c);
	return d;
}

/* No stored row falls through: each has an apply step, or is marked R_PASS
 * (kept as typed) or R_KEPT (typed, not emulated) - exactly one. */
static void test_every_stored_row_applies_or_is_kept(void **state)
{
	(void)state;
	size_t applied = 0;
	for (size_t i = 0; i < cmd_table_len; i++) {
		const struct cmd_row *r = &cmd_table[i];
		int ways = (r->apply != NULL) + !!(r->flags & R_PASS) + !!(r->flags & R_KEPT);
		if (!r->setting) {
			if (ways)
				fail_msg("row %zu: an operational command stores nothing to apply", i);
			continue;
		}
		if (ways != 1)
			fail_msg("row %zu (%s): %s", i, r->setting,
				 ways ? "both an apply step and a kept flag"
				      : "no apply step and not marked R_PASS or R_KEPT");
		applied += r->apply != NULL;
	}
	assert_true(applied >= 40);
}

/* A sample line of every applied row changes the typed config; one of every
 * kept row is accepted and changes nothing. Two lines per row (lowest and
 * highest values), since one of them may be the setting's default. */
static void test_sample_line_of_every_row(void **state)
{
	(void)state;
	for (size_t i = 0; i < cmd_table_len; i++) {
		const struct cmd_row *r = &cmd_table[i];
		if (!r->setting || (r->flags & (R_PASS | R_PP)))
			continue;
		char *before = dump_before(r), *lo = dump_after(r, NULL, false),
		     *hi = dump_after(r, NULL, true);
		if (r->apply && strcmp(lo, before) == 0 && strcmp(hi, before) == 0)
			fail_msg("row %zu (%s): its apply step changes nothing", i, r->setting);
		if (!r->apply && (strcmp(lo, before) != 0 || strcmp(hi, before) != 0))
			fail_msg("row %zu (%s) is kept but changed the config", i, r->setting);
		free(before);
		free(lo);
		free(hi);
	}
}

/* Every typed parameter of an applied row reaches the typed config: its
 * lowest and highest values give different configs. */
static void check_param_reaches(const struct cmd_row *r, const struct tok *t, const char *lo)
{
	if (!t->param)
		return;
	char *hi = dump_after(r, t, false);
	if (strcmp(lo, hi) == 0)
		fail_msg("row %zu (%s): parameter %s changes nothing", (size_t)(r - cmd_table),
			 r->setting, t->name);
	free(hi);
}

static void test_every_parameter_reaches_the_config(void **state)
{
	(void)state;
	size_t checked = 0;
	for (size_t i = 0; i < cmd_table_len; i++) {
		const struct cmd_row *r = &cmd_table[i];
		if (!r->apply)
			continue;
		char *lo = dump_after(r, NULL, false);
		for (size_t j = r->nkey; j < row_ntok(r); j++) {
			const struct tok *t = &r->tok[j];
			check_param_reaches(r, t, lo);
			for (const struct tok *o = t->kind == TK_OPTS ? t->opts : NULL; o && o->kind; o++)
				check_param_reaches(r, o, lo);
			checked += t->param != P_NONE;
		}
		free(lo);
	}
	assert_true(checked >= 50);
}

/* Steps read on/off as the value's index: every on/off list keeps the order
 * of SW_ON, SW_OFF, SW_AUTO. */
static void check_switch_order(const struct tok *t)
{
	if (t->kind != TK_ENUM || !tok_enum_find(t->vals, "on") || !tok_enum_find(t->vals, "off"))
		return;
	assert_int_equal(tok_enum_index(t->vals, "on"), SW_ON);
	assert_int_equal(tok_enum_index(t->vals, "off"), SW_OFF);
	if (tok_enum_find(t->vals, "auto"))
		assert_int_equal(tok_enum_index(t->vals, "auto"), SW_AUTO);
}

static void test_switch_value_order(void **state)
{
	(void)state;
	for (size_t i = 0; i < cmd_table_len; i++)
		for (const struct tok *t = cmd_table[i].tok; t->kind != TK_END; t++) {
			check_switch_order(t);
			for (const struct tok *o = t->opts; o && o->kind != TK_END; o++)
				check_switch_order(o);
		}
}

/* Enum values arrive as indexes: each spelling lands as its engine value. */
static void test_enum_values_map(void **state)
{
	(void)state;
	static const struct { const char *w; enum id_type t; } ids[] = {
		{ "ipv4-addr", ID_TYPE_IPV4_ADDR }, { "fqdn", ID_TYPE_FQDN },
		{ "user-fqdn", ID_TYPE_USER_FQDN }, { "rfc822-addr", ID_TYPE_USER_FQDN },
		{ "ipv6-addr", ID_TYPE_IPV6_ADDR }, { "key-id", ID_TYPE_KEY_ID },
		{ "tel", ID_TYPE_TEL }, { "tel-key", ID_TYPE_TEL_KEY },
	};
	static const struct { const char *w; enum auth_method m; } methods[] = {
		{ "pre-shared-key", AUTH_METHOD_PSK }, { "certificate", AUTH_METHOD_CERTIFICATE },
		{ "eap-md5", AUTH_METHOD_EAP_MD5 },
	};
	static const struct { const char *w; enum tristate sw; } sws[] = {
		{ "on", TRI_ON }, { "off", TRI_OFF },
	};
	struct fx *f = fx_new(NULL);
	char line[128];
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(line, sizeof(line), "ipsec ike remote name %zu n %s\n"
			 "ipsec ike local name %zu n %s", i + 1, ids[i].w, i + 1, ids[i].w);
		run(f, line);
		const struct gateway_config *g = config_gateway_find(f->r->ipsec, (unsigned)i + 1);
		assert_int_equal(g->remote_name_type, ids[i].t);
		assert_int_equal(g->local_name_type, ids[i].t);
	}
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		snprintf(line, sizeof(line), "ipsec ike auth method 1 %s", methods[i].w);
		run(f, line);
		assert_int_equal(config_gateway_find(f->r->ipsec, 1)->auth_method, methods[i].m);
	}
	for (size_t i = 0; i < sizeof(sws) / sizeof(sws[0]); i++) {
		snprintf(line, sizeof(line), "ipsec ike keepalive use 1 %s dpd", sws[i].w);
		run(f, line);
		const struct gateway_config *g = config_gateway_find(f->r->ipsec, 1);
		assert_int_equal(g->keepalive.sw, sws[i].sw);
		assert_int_equal(g->keepalive.kind, KEEPALIVE_DPD);
	}
	fx_free(f);
}

/* Prefixes with a dotted mask count its bits; `gateway TUNNEL N` is a
 * tunnel route whatever its case, as the grammar accepts it. */
static void test_prefix_forms(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	run(f, "ip route 10.5.0.0/255.255.0.0 gateway tunnel 1\n"
	       "ip route 10.6.0.0/24 gateway TUNNEL 2\n"
	       "ip route 10.7.0.0/24 gateway 192.0.2.254 gateway tunnel 3\n"
	       "ip lan2 address 192.0.2.9/255.255.255.128\n");
	const struct ipsec_config *c = f->r->ipsec;
	assert_int_equal(c->n_routes, 3);
	assert_int_equal(c->routes[0].len, 16);
	assert_int_equal(c->routes[0].tunnel, 1);
	assert_int_equal(c->routes[1].tunnel, 2);
	assert_int_equal(c->routes[2].tunnel, 3);
	assert_true(c->lan[2].set);
	assert_int_equal(c->lan[2].len, 25);
	fx_free(f);
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

/* After an apply that took long (a large config), the pause that applies
 * is CLI_APPLY_COST_FACTOR times as long, up to CLI_APPLY_QUIET_MAX_MS:
 * a slow paste is not re-applied at every gap. On the virtual clock an
 * apply takes no time, so the test sets the measured duration. */
static void test_pause_follows_apply_cost(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	f->c->apply_ms = 50;
	assert_int_equal(cli_exec(f->s, "ipsec ike version 5 2", 0), 0);
	clock_virtual_advance(&f->clock, 50 * CLI_APPLY_COST_FACTOR - 1);
	assert_int_equal(loop_run_once(f->r->loop, 0), 0);
	assert_null(config_gateway_find(f->r->ipsec, 5));
	clock_virtual_advance(&f->clock, 1);
	assert_int_equal(loop_run_once(f->r->loop, 0), 0);
	assert_non_null(config_gateway_find(f->r->ipsec, 5));
	/* this apply took 0 ms: back to the plain pause */
	assert_int_equal(f->c->apply_ms, 0);
	f->c->apply_ms = 100000;
	assert_int_equal(cli_exec(f->s, "ipsec ike version 6 2", 0), 0);
	assert_int_equal(loop_next_timer_ms(f->r->loop), CLI_APPLY_QUIET_MAX_MS);
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

/* tunnel template (reference §2.6): the engine gets the copies, with ids
 * renumbered, the remote name numbered, and the target's own lines kept. */
static void test_tunnel_template(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	run(f, "tunnel select 1\n"
	       "ipsec tunnel 1\n"
	       "ipsec sa policy 1 1 esp aes-cbc sha256-hmac\n"
	       "ipsec ike version 1 2\n"
	       "ipsec ike pre-shared-key 1 text secret\n"
	       "ipsec ike remote address 1 any\n"
	       "ipsec ike remote name 1 client key-id\n"
	       "description tunnel HQ\n"
	       "tunnel template 2 5-6\n"
	       "tunnel enable 1\n"
	       "tunnel select 5\n"
	       "ipsec ike pre-shared-key 5 text own\n"
	       "tunnel select 6\n"
	       "ipsec tunnel 60\n"
	       "tunnel select none\n");
	assert_int_equal(cli_apply(f->c), 0);
	const struct ipsec_config *c = f->r->ipsec;
	const struct gateway_config *g2 = config_gateway_find(c, 2), *g5 = config_gateway_find(c, 5);
	assert_non_null(g2);
	assert_non_null(g5);
	assert_int_equal(g2->version, 2);
	assert_string_equal(g2->remote_name, "client2");
	assert_int_equal(g2->remote_name_type, ID_TYPE_KEY_ID);
	assert_string_equal(g2->remote_address, "any");
	assert_memory_equal(g2->psk, "secret", 6);
	assert_memory_equal(g5->psk, "own", 3);          /* the target's own line wins */
	assert_string_equal(g5->remote_name, "client5");
	const struct tunnel_config *t2 = config_tunnel_find(c, 2);
	assert_non_null(t2);
	assert_int_equal(t2->policy, 2);
	assert_true(t2->enabled);
	assert_null(t2->description);                    /* one tunnel's own, not copied */
	assert_non_null(config_policy_find(c, 2));
	assert_int_equal(config_tunnel_find(c, 6)->policy, 60);
	assert_null(config_gateway_find(c, 6));          /* 6 keeps its own policy */
	assert_null(config_gateway_find(c, 3));
	/* show config keeps the template line; expand shows the copies. */
	char *buf = NULL;
	size_t len;
	FILE *o = open_memstream(&buf, &len);
	cli_show_config(f->c, o);
	fclose(o);
	assert_null(strstr(buf, "client2"));
	assert_non_null(strstr(buf, " tunnel template 2 5-6\n"));
	free(buf);
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

/* cfgapply_keyword names every algorithm a keyword configures, and
 * cfgapply_alg reads that keyword back as the same algorithm: the
 * diagnosis's commands configure what they say. */
static void test_keyword_round_trip(void **state)
{
	(void)state;
	size_t named = 0;
	for (size_t i = 0; alg_at(i); i++) {
		const struct alg *a = alg_at(i);
		for (int esp = 0; esp <= 1; esp++) {
			const char *k = cfgapply_keyword(a, esp);
			if (!k)
				continue;
			named++;
			const struct alg *back = cfgapply_alg(a->type, k);
			assert_non_null(back);
			assert_int_equal(back->id, a->id);
			assert_int_equal(back->key_bits, a->key_bits);
		}
	}
	assert_non_null(cfgapply_keyword(alg_find(ALG_DH, IKEV2_DH_ECP_384, 0), false));
	assert_string_equal(cfgapply_keyword(alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0),
					     true), "sha256-hmac");
	assert_null(cfgapply_keyword(alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 192), false));
	assert_true(named > 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_site_config),
		cmocka_unit_test(test_no_forms_restore_defaults),
		cmocka_unit_test(test_extension_keywords),
		cmocka_unit_test(test_every_table_value_maps),
		cmocka_unit_test(test_every_stored_row_applies_or_is_kept),
		cmocka_unit_test(test_sample_line_of_every_row),
		cmocka_unit_test(test_every_parameter_reaches_the_config),
		cmocka_unit_test(test_switch_value_order),
		cmocka_unit_test(test_enum_values_map),
		cmocka_unit_test(test_prefix_forms),
		cmocka_unit_test(test_applied_when_input_pauses),
		cmocka_unit_test(test_pause_follows_apply_cost),
		cmocka_unit_test(test_script_exit_does_not_ask),
		cmocka_unit_test(test_tunnel_template),
		cmocka_unit_test(test_many_tunnels),
		cmocka_unit_test(test_keyword_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
