/* The grammar: table sanity, every parameter type, the matcher's errors,
 * `?` and TAB. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "engine/model.h"
#include "engine/router.h"
#include "shell/cli.h"
#include "shell/grammar.h"

#include "tests/unit/router_fixture.h"

/* ---- a router, a script session and its captured output ---- */

static struct fx *fx_new(const char *model, bool admin)
{
	return fx_start_as((struct router_opts){ .model = model ? model_find(model) : NULL },
			   admin);
}

/* Runs one line and returns what it printed (valid until the next call). */
static const char *line_out(struct fx *f, const char *line, unsigned lineno, int *rc)
{
	fflush(f->outf);
	rewind(f->outf);
	f->out[0] = '\0';
	int r = cli_exec(f->s, line, lineno);
	if (rc)
		*rc = r;
	fputc('\0', f->outf);
	fflush(f->outf);
	return f->out;
}

static void expect(struct fx *f, const char *line, const char *out)
{
	int rc;
	const char *got = line_out(f, line, 0, &rc);
	assert_string_equal(got, out);
	if (out[0])
		assert_true(rc < 0);
	else
		assert_int_equal(rc, 0);
}

/* Output of a line that is accepted. */
static void expect_ok(struct fx *f, const char *line, const char *out)
{
	int rc;
	assert_string_equal(line_out(f, line, 0, &rc), out);
	assert_int_equal(rc, 0);
}

static const struct tok *find_tok(const char *setting, const char *name)
{
	for (size_t i = 0; i < cmd_table_len; i++) {
		const struct cmd_row *r = &cmd_table[i];
		if (!r->setting || strcmp(r->setting, setting) != 0)
			continue;
		for (size_t j = 0; j < row_ntok(r); j++)
			if (r->tok[j].kind != TK_KW && strcmp(r->tok[j].name, name) == 0)
				return &r->tok[j];
	}
	fail_msg("no token %s in %s", name, setting);
	return NULL;
}

/* ---- the table ---- */

static void test_table_help_per_token(void **state)
{
	(void)state;
	for (size_t i = 0; i < cmd_table_len; i++) {
		const struct cmd_row *r = &cmd_table[i];
		size_t n = row_ntok(r);
		assert_true(n > 0 && n < ROW_TOKS);
		for (size_t j = 0; j < n; j++) {
			const struct tok *t = &r->tok[j];
			assert_non_null(t->name);
			if (!t->help || !t->help[0])
				fail_msg("row %zu token %zu (%s) has no help", i, j, t->name);
			for (const struct tok *o = t->opts; o && o->kind != TK_END; o++)
				assert_true(o->help && o->help[0]);
		}
	}
}

static void test_table_shape(void **state)
{
	(void)state;
	for (size_t i = 0; i < cmd_table_len; i++) {
		const struct cmd_row *r = &cmd_table[i];
		if (!r->setting) {
			/* operational: stores nothing, has no `no` form */
			assert_int_equal(r->section, SEC_NONE);
			assert_true(r->flags & R_NONO);
			continue;
		}
		assert_true(r->section != SEC_NONE);
		assert_true(r->nkey >= 1 && r->nkey <= row_ntok(r));
		for (size_t j = 0; j < r->nkey; j++)
			assert_false(r->tok[j].flags & (T_OPT | T_REPEAT));
		/* rows of one setting are adjacent and share a section */
		size_t first = row_order(r);
		assert_int_equal(cmd_table[first].section, r->section);
		for (size_t k = first; k < i; k++)
			assert_string_equal(cmd_table[k].setting, r->setting);
	}
}

/* ---- parameter types ---- */

static void test_numbers_and_model_ranges(void **state)
{
	(void)state;
	const struct rtx_model *m1300 = model_find("RTX1300");
	const struct rtx_model *m830 = model_find("RTX830");
	const struct rtx_model *vrx = model_find("vRX");
	struct tok gw = { .kind = TK_GW, .name = "gw", .help = "x" };
	assert_int_equal(tok_check(m1300, &gw, "100"), GE_OK);
	assert_int_equal(tok_check(m1300, &gw, "101"), GE_RANGE);
	assert_int_equal(tok_check(m830, &gw, "20"), GE_OK);
	assert_int_equal(tok_check(m830, &gw, "21"), GE_RANGE);
	assert_int_equal(tok_check(vrx, &gw, "6000"), GE_OK);
	assert_int_equal(tok_check(m1300, &gw, "0"), GE_RANGE);
	assert_int_equal(tok_check(m1300, &gw, "-1"), GE_INVALID);
	assert_int_equal(tok_check(m1300, &gw, "1x"), GE_INVALID);
	assert_int_equal(tok_check(m1300, &gw, "99999999999999999999999"), GE_RANGE);
	struct tok q = { .kind = TK_QLEN, .name = "q", .help = "x" };
	assert_int_equal(tok_check(m1300, &q, "1100"), GE_OK);
	assert_int_equal(tok_check(m1300, &q, "1099"), GE_RANGE);
	assert_int_equal(tok_check(m830, &q, "200"), GE_OK);
	assert_int_equal(tok_check(m830, &q, "201"), GE_RANGE);
	const struct tok *mss = find_tok("ip tunnel tcp mss limit", "mss");
	assert_int_equal(tok_check(m1300, mss, "1379"), GE_OK);
	assert_int_equal(tok_check(m1300, mss, "auto"), GE_OK);
	assert_int_equal(tok_check(m1300, mss, "100"), GE_RANGE);
	char *n = tok_norm(mss, "01379");
	assert_string_equal(n, "1379");
	free(n);
}

static void test_addresses(void **state)
{
	(void)state;
	const struct rtx_model *m = model_default();
	struct tok v4 = { .kind = TK_IPV4, .name = "a", .help = "x" };
	struct tok ip = { .kind = TK_IP, .name = "a", .help = "x" };
	struct tok pfx = { .kind = TK_PREFIX, .name = "p", .help = "x" };
	struct tok msk = { .kind = TK_IPMASK, .name = "p", .help = "x" };
	assert_int_equal(tok_check(m, &v4, "192.0.2.1"), GE_OK);
	assert_int_equal(tok_check(m, &v4, "2001:db8::1"), GE_INVALID);
	assert_int_equal(tok_check(m, &v4, "192.0.2.256"), GE_INVALID);
	assert_int_equal(tok_check(m, &ip, "2001:db8::1"), GE_OK);
	assert_int_equal(tok_check(m, &pfx, "10.0.0.0/8"), GE_OK);
	assert_int_equal(tok_check(m, &pfx, "10.0.0.0/33"), GE_RANGE);
	assert_int_equal(tok_check(m, &pfx, "10.0.0.0"), GE_INVALID);
	assert_int_equal(tok_check(m, &pfx, "2001:db8::/32"), GE_OK);
	assert_int_equal(tok_check(m, &pfx, "2001:db8::/129"), GE_RANGE);
	assert_int_equal(tok_check(m, &msk, "10.1.0.0"), GE_OK);
	assert_int_equal(tok_check(m, &msk, "10.1.0.0/255.255.0.0"), GE_OK);
	char *n = tok_norm(&ip, "2001:DB8:0:0::1");
	assert_string_equal(n, "2001:db8::1");
	free(n);
	n = tok_norm(&pfx, "2001:DB8:0::/048");
	assert_string_equal(n, "2001:db8::/48");
	free(n);
	/* A host route's three spellings are one setting. */
	struct tok host = { .kind = TK_IPMASK, .name = "p", .help = "x", .flags = T_HOST };
	const char *same[] = { "198.51.100.1", "198.51.100.1/32", "198.51.100.1/255.255.255.255" };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(tok_check(m, &host, same[i]), GE_OK);
		n = tok_norm(&host, same[i]);
		assert_string_equal(n, "198.51.100.1");
		free(n);
	}
	n = tok_norm(&host, "10.0.0.0/8");
	assert_string_equal(n, "10.0.0.0/8");
	free(n);
	/* Digits and dots are an address or nothing, never a host name. */
	struct tok hn = { .kind = TK_HOST, .name = "h", .help = "x" };
	assert_int_equal(tok_check(m, &hn, "192.0.2.1"), GE_OK);
	assert_int_equal(tok_check(m, &hn, "vpn1.example.com"), GE_OK);
	assert_int_equal(tok_check(m, &hn, "300.1.1.1"), GE_RANGE);
	assert_int_equal(tok_check(m, &hn, "1.2.3"), GE_INVALID);
	assert_int_equal(tok_check(m, &hn, "1.2.3.4."), GE_INVALID);
	assert_int_equal(tok_check(m, &hn, "1..2.3"), GE_INVALID);
	assert_int_equal(tok_check(m, &hn, "99999999999.1.1.1"), GE_INVALID);
}

static void test_hex_text_percent_enum(void **state)
{
	(void)state;
	const struct rtx_model *m = model_default();
	const struct tok *hex = find_tok("ipsec ike pre-shared-key", "key");
	char key[2 + 2 * 129 + 1] = "0x";
	memset(key + 2, 'a', 256);
	key[258] = '\0';
	assert_int_equal(tok_check(m, hex, key), GE_OK);          /* 128 bytes */
	key[258] = 'b';
	key[259] = 'c';
	key[260] = '\0';
	assert_int_equal(tok_check(m, hex, key), GE_RANGE);       /* 129 bytes */
	assert_int_equal(tok_check(m, hex, "0xCDEEEDC0CDEDCD"), GE_OK);
	assert_int_equal(tok_check(m, hex, "0x"), GE_INVALID);
	assert_int_equal(tok_check(m, hex, "0xZZ"), GE_INVALID);
	assert_int_equal(tok_check(m, hex, "CDEE"), GE_INVALID);
	const struct tok *text = find_tok("ipsec ike pre-shared-key", "text");
	char longtext[130];
	memset(longtext, 'x', 129);
	longtext[129] = '\0';
	assert_int_equal(tok_check(m, text, longtext), GE_RANGE);
	longtext[128] = '\0';
	assert_int_equal(tok_check(m, text, longtext), GE_OK);
	assert_int_equal(tok_check(m, text, ""), GE_EMPTY);
	const struct tok *p = find_tok("ipsec ike duration", "rekey");
	assert_int_equal(tok_check(m, p, "75%"), GE_OK);
	assert_int_equal(tok_check(m, p, "91%"), GE_RANGE);
	assert_int_equal(tok_check(m, p, "75"), GE_INVALID);
	const struct tok *sa = find_tok("ipsec ike duration", "sa");
	char *n = tok_norm(sa, "child-sa");
	assert_string_equal(n, "ipsec-sa");
	free(n);
	const struct tok *hash = find_tok("ipsec ike hash", "algorithm");
	assert_int_equal(tok_check(model_find("RTX1300"), hash, "sha512"), GE_OK);
	assert_int_equal(tok_check(model_find("RTX830"), hash, "sha512"), GE_INVALID);
	assert_int_equal(tok_check(m, hash, "SHA256"), GE_OK);
	assert_int_equal(tok_check(m, hash, "sha1"), GE_INVALID);
}

/* Typed values: what apply steps read instead of words. */
static void test_typed_values(void **state)
{
	(void)state;
	struct param_val v;
	tok_value(find_tok("ipsec ike remote name", "type"), "rfc822-addr", &v);
	assert_int_equal(v.idx, 2);                   /* user-fqdn|rfc822-addr */
	assert_int_equal(v.set, 1u << 2);
	tok_value(find_tok("ipsec ike duration", "kbytes"), "off", &v);
	assert_int_equal(v.idx, 0);                   /* a special spelling */
	tok_value(find_tok("ipsec ike duration", "kbytes"), "4096", &v);
	assert_int_equal(v.idx, -1);
	assert_int_equal(v.num, 4096);
	tok_value(find_tok("ipsec ike duration", "rekey"), "80%", &v);
	assert_int_equal(v.num, 80);
	tok_value(find_tok("ip lan address", "lanN"), "lan3", &v);
	assert_int_equal(v.num, 3);
	tok_value(find_tok("ip route", "network"), "10.1.0.0/255.255.240.0", &v);
	assert_int_equal(v.addr.family, AF_INET);
	assert_int_equal(v.plen, 20);
	assert_memory_equal(v.addr.bytes, ((uint8_t[]){ 10, 1, 0, 0 }), 4);
	tok_value(find_tok("ip route", "network"), "2001:db8::/48", &v);
	assert_int_equal(v.addr.family, AF_INET6);
	assert_int_equal(v.plen, 48);
	tok_value(find_tok("ip route", "network"), "default", &v);
	assert_int_equal(v.idx, 0);
	assert_int_equal(v.addr.family, 0);
	tok_value(find_tok("ipsec ike remote address", "ip_address"), "peer.example", &v);
	assert_int_equal(v.addr.family, 0);
	assert_string_equal(v.text, "peer.example");
	tok_value(find_tok("ipsec ike local address", "ip_address"), "192.0.2.1", &v);
	assert_int_equal(v.addr.family, AF_INET);
	assert_int_equal(v.plen, 32);

	uint8_t buf[4];
	assert_int_equal(tok_hex_bytes("0xabc", buf, sizeof(buf)), 2);   /* 0x0abc */
	assert_memory_equal(buf, "\x0a\xbc", 2);
	assert_int_equal(tok_hex_bytes("0X0102030405", buf, sizeof(buf)), 4);
	assert_int_equal(tok_hex_bytes("0xzz", buf, sizeof(buf)), 0);
	assert_int_equal(tok_hex_bytes("abcd", buf, sizeof(buf)), 0);
}

/* A matched line's parameters by slot: options by key, repeats as a set,
 * ip route's gateway list through its rest function. */
static void test_params_fill(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"ipsec ike nat-traversal 3 on type=2 keepalive=off",
		"ipsec ike log key-info message-info",
		"ip route 10.0.0.0/8 gateway 192.0.2.1 gateway Tunnel 7",
		"ip route 10.0.0.0/8 gateway 192.0.2.1",
	};
	const struct rtx_model *m = model_default();
	struct params p[4];
	for (size_t i = 0; i < 4; i++) {
		struct words ws;
		struct cmd_args a;
		size_t bad;
		assert_int_equal(words_split(lines[i], &ws, &bad), GE_OK);
		assert_int_equal(grammar_match(m, ws.w, ws.n, &a, &bad), GE_OK);
		params_fill(m, a.row, a.w, a.tok, a.n, &p[i]);
		/* the values point into a: read them before it goes */
		if (i == 0) {
			assert_int_equal(param(&p[0], P_GATEWAY)->num, 3);
			assert_int_equal(param(&p[0], P_SWITCH)->idx, SW_ON);
			assert_int_equal(param(&p[0], P_TYPE)->num, 2);
			assert_int_equal(param(&p[0], P_NATT_KEEPALIVE)->idx, 0);
			assert_false(param_given(&p[0], P_FORCE));
			assert_int_equal(param(&p[0], P_FORCE)->idx, -1);
			assert_string_equal(param(&p[0], P_FORCE)->text, "");
		}
		cmd_args_free(&a);
		words_free(&ws);
	}
	assert_int_equal(p[1].v[P_LOG].set, (1u << 2) | (1u << 0));
	assert_int_equal(param(&p[2], P_ROUTE_GW)->num, 7);
	assert_true(param_given(&p[3], P_ROUTE_GW));
	assert_int_equal(param(&p[3], P_ROUTE_GW)->num, 0);
}

static void test_words_split(void **state)
{
	(void)state;
	struct words w;
	size_t bad;
	assert_int_equal(words_split("  a \"b c\"  d\"e f\" ", &w, &bad), GE_OK);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.w[1], "b c");
	assert_string_equal(w.w[2], "de f");
	words_free(&w);
	assert_int_equal(words_split("x \"open", &w, &bad), GE_QUOTE);
	assert_int_equal(bad, 2);
	char *big = malloc(10000);
	memset(big, 'a', 9999);
	big[9999] = '\0';
	assert_int_equal(words_split(big, &w, &bad), GE_LONG);
	for (size_t i = 0; i < 9998; i += 2)
		big[i + 1] = ' ';
	big[4000] = '\0';
	assert_int_equal(words_split(big, &w, &bad), GE_TOO_MANY);
	assert_int_equal(bad, 512);             /* the 257th word */
	free(big);
	/* tabs, a form feed and bytes above ASCII: separators only where
	 * isspace says so */
	assert_int_equal(words_split("\ta\f#b\x01" "c \xc3\xa9t\xc3\xa9\t\"x#y\"\v", &w, &bad),
			 GE_OK);
	assert_int_equal(w.n, 4);
	assert_string_equal(w.w[0], "a");
	assert_string_equal(w.w[1], "#b\x01" "c");
	assert_string_equal(w.w[2], "\xc3\xa9t\xc3\xa9");
	assert_int_equal(w.off[2], 8);
	assert_string_equal(w.w[3], "x#y");
	words_free(&w);
}

/* A joined line's first k words are its first *at bytes, quoting
 * included. */
static void test_words_join_at(void **state)
{
	(void)state;
	char *w[] = { "ipsec", "ike", "remote name", "", "a#b", "x" };
	size_t n = sizeof(w) / sizeof(w[0]);
	char *line = words_join(w, n);
	assert_string_equal(line, "ipsec ike \"remote name\" \"\" \"a#b\" x");
	for (size_t k = 0; k <= n + 1; k++) {
		size_t at = 99;
		char *same = words_join_at(w, n, k, &at, NULL, 0);
		char *key = words_join(w, k < n ? k : n), buf[64];
		assert_string_equal(same, line);
		assert_int_equal(at, strlen(key));
		assert_memory_equal(line, key, at);
		/* into a buffer that just holds it, and one byte short */
		size_t len = strlen(line);
		assert_ptr_equal(words_join_at(w, n, k, &at, buf, len + 1), buf);
		assert_string_equal(buf, line);
		char *big = words_join_at(w, n, k, &at, buf, len);
		assert_ptr_not_equal(big, buf);
		assert_string_equal(big, line);
		free(big);
		free(same);
		free(key);
	}
	free(line);
}

/* ---- errors, modes ---- */

static void test_error_texts(void **state)
{
	(void)state;
	struct fx *f = fx_new("RTX1300", true);
	expect(f, "ipsec ike version 1 2", "");
	expect(f, "ipsec ike version 1 3", "Error: Parameter out of range: \"3\"\n");
	expect(f, "ipsec ike version 101 2", "Error: Parameter out of range: \"101\"\n");
	expect(f, "ipsec ike version 1", "Error: Too few parameters\n");
	expect(f, "ipsec ike version 1 2 3", "Error: Too many parameters: \"3\"\n");
	expect(f, "ipsec ike versio 1 2", "Error: Invalid command name: \"versio\"\n");
	expect(f, "frobnicate", "Error: Invalid command name: \"frobnicate\"\n");
	expect(f, "ipsec ike encryption 1 aes128", "Error: Invalid parameter: \"aes128\"\n");
	expect(f, "ipsec ike pre-shared-key 1 text \"abc",
	       "Error: Unterminated quote: \"\"abc\"\n");
	expect(f, "ipsec ike keepalive use 1 on rfc4306 10",
	       "Error: Too few parameters\n");
	expect(f, "ipsec ike keepalive use 1 on rfc4306 601 3",
	       "Error: Parameter out of range: \"601\"\n");
	expect(f, "ipsec ike keepalive use 1 maybe", "Error: Invalid parameter: \"maybe\"\n");
	expect(f, "ip tunnel address 10.0.0.1/30",
	       "Error: No tunnel interface selected (use tunnel select N)\n");
	expect(f, "pp auth myname a b", "Error: No pp interface selected (use pp select N)\n");
	const char *out = line_out(f, "ipsec ike version 1 9", 12, NULL);
	assert_string_equal(out, "line 12: Error: Parameter out of range: \"9\"\n");
	expect(f, "console character ja.utf8", "");
	expect(f, "tunnel select 2001", "エラー: パラメータが範囲を越えています: \"2001\"\n");
	expect(f, "frobnicate", "Error: Invalid command name: \"frobnicate\"\n");
	expect(f, "  # a comment", "");
	expect(f, "", "");
	fx_free(f);
}

static void test_options(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, true);
	expect(f, "ipsec ike nat-traversal 1 on type=2 keepalive=60 force=on", "");
	expect(f, "ipsec ike nat-traversal 1 on keepalive=10",
	       "Error: Parameter out of range: \"keepalive=10\"\n");
	expect(f, "ipsec ike nat-traversal 1 on keepalive=off keepalive=60",
	       "Error: Invalid parameter: \"keepalive=60\"\n");
	expect(f, "ipsec ike nat-traversal 1 on speed=1", "Error: Invalid parameter: \"speed=1\"\n");
	expect(f, "ipsec ike pki file 1 crl=1", "Error: Too few parameters\n");
	expect(f, "ipsec ike pki file 1", "Error: Too few parameters\n");
	expect(f, "ipsec ike pki file 1 crl=2 certificate=9",
	       "Error: Parameter out of range: \"certificate=9\"\n");
	expect(f, "ipsec ike pki file 1 crl=2 certificate=3", "");
	expect(f, "auth user attribute 1", "Error: Too few parameters\n");
	expect(f, "auth user attribute 1 eap-md5=on eap-md5=off",
	       "Error: Invalid parameter: \"eap-md5=off\"\n");
	fx_free(f);
}

static void test_permission(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, false);
	assert_string_equal(cli_prompt(f->s), "> ");
	expect(f, "ipsec ike version 1 2", "Error: Permission denied\n");
	expect(f, "save", "Error: Permission denied\n");
	expect_ok(f, "show ipsec sa",
	       "Total: isakmp:0 send:0 recv:0\n\n"
	       "sa    sgw isakmp connection    dir  life[s] remote-id\n"
	       "-----------------------------------------------------------------------------\n");
	expect(f, "administrator", "");
	assert_string_equal(cli_prompt(f->s), "# ");
	expect(f, "tunnel select 7", "");
	assert_string_equal(cli_prompt(f->s), "tunnel7# ");
	expect(f, "exit", "");
	assert_string_equal(cli_prompt(f->s), "> ");
	assert_false(cli_session_closed(f->s));
	expect(f, "quit", "");
	assert_true(cli_session_closed(f->s));
	fx_free(f);
}

/* ---- `?` and TAB ---- */

/* `?` after prefix, asked times times in a row (the last answer). */
static char *help_n(const char *model, bool admin, const char *prefix, int times)
{
	struct fx *f = fx_new(model, admin);
	char *buf = NULL;
	size_t len;
	for (int i = 0; i < times; i++) {
		free(buf);
		buf = NULL;
		FILE *o = open_memstream(&buf, &len);
		cli_help(f->s, prefix, o);
		fclose(o);
	}
	fx_free(f);
	return buf;
}

static char *help(const char *model, const char *prefix)
{
	return help_n(model, true, prefix, 1);
}

/* The listed words (first column) are in strcmp order. */
static void assert_sorted(const char *h)
{
	char prev[64] = "", cur[64];
	for (const char *l = h; *l; l = strchr(l, '\n') + 1) {
		if (sscanf(l, " %63s", cur) == 1 && l[2] != ' ' && cur[0] != '(' &&
		    strcmp(cur, "<cr>") != 0) {
			assert_true(strcmp(prev, cur) < 0);
			snprintf(prev, sizeof(prev), "%s", cur);
		}
		if (!strchr(l, '\n'))
			break;
	}
}

static void test_help_scope(void **state)
{
	(void)state;
	/* Normal mode: what it may run, alphabetically, the rest counted. */
	char *h = help_n(NULL, false, "", 1);
	assert_sorted(h);
	assert_non_null(strstr(h, "  administrator "));
	assert_non_null(strstr(h, "  help "));
	assert_non_null(strstr(h, "  show "));
	assert_null(strstr(h, "shutdown"));
	assert_null(strstr(h, "  no "));
	assert_null(strstr(h, "not emulated)\n  "));
	assert_non_null(strstr(h, "more: not emulated, or for another mode; ? again lists them)\n"));
	free(h);
	/* `?` again: the rest too, marked, after what may run. */
	h = help_n(NULL, false, "", 2);
	assert_non_null(strstr(h, "  shutdown                     Stop the router (rtxsh) (administrator mode)\n"));
	assert_non_null(strstr(h, "  bgp                          Kept as typed (administrator mode) (not emulated)\n"));
	assert_true(strstr(h, "  show ") < strstr(h, "  auth "));
	assert_null(strstr(h, "more:"));
	free(h);
	/* Tunnel-scoped words wait for tunnel select. */
	h = help_n(NULL, true, "tunnel ", 1);
	assert_null(strstr(h, "encapsulation"));
	assert_non_null(strstr(h, "  select "));
	free(h);
	/* Values are named on one line, then one by one once a word begins. */
	h = help(NULL, "ipsec ike encryption 1 ");
	assert_non_null(strstr(h, "  3des-cbc|des-cbc|aes-cbc|aes256-cbc\n"));
	free(h);
	h = help(NULL, "ipsec ike encryption 1 aes2");
	assert_string_equal(h, "  aes256-cbc                   Cipher\n"
			       "  aes256-gcm                   AEAD cipher, no separate integrity"
			       " (rtxsh extension)\n");
	free(h);
}

static void test_help(void **state)
{
	(void)state;
	char *h = help("RTX830", "ipsec ike version ");
	assert_string_equal(h, "  <1-20>                       Security gateway ID\n");
	free(h);
	h = help(NULL, "ipsec ike version 1 2 ");
	assert_string_equal(h, "  <cr>                         Run the command\n");
	free(h);
	h = help_n(NULL, true, "ipsec ike ", 2);
	assert_non_null(strstr(h, "  version                      IKE version\n"));
	assert_non_null(strstr(h, "license-key") );
	assert_non_null(strstr(h, "(IKEv1) (not emulated)\n"));
	free(h);
	h = help_n(NULL, true, "", 2);
	assert_non_null(strstr(h, "  no   "));
	assert_non_null(strstr(h, "  bgp                          Kept as typed (not emulated)\n"));
	assert_non_null(strstr(h, "  ipsec                        IPsec settings\n"));
	assert_null(strstr(h, "<cr>"));
	free(h);
	h = help(NULL, "ipsec ike nat-traversal 1 on ");
	assert_non_null(strstr(h, "keepalive=<30-100000>|off"));
	assert_non_null(strstr(h, "force=on|off"));
	assert_non_null(strstr(h, "<cr>"));
	free(h);
	h = help(NULL, "ipsec ike ha");
	assert_string_equal(h, "  hash                         IKE hash\n");
	free(h);
	h = help(NULL, "no ipsec ike always-on ");
	assert_non_null(strstr(h, "<1-100>"));
	assert_non_null(strstr(h, "<cr>"));
	free(h);
}

static void test_complete(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, true);
	char **c;
	size_t n = cli_complete(f->s, "ipsec ike ke", &c);
	assert_int_equal(n, 1);
	assert_string_equal(c[0], "keepalive");
	free(c[0]);
	free(c);
	n = cli_complete(f->s, "ipsec ike duration ", &c);
	assert_int_equal(n, 4);
	assert_string_equal(c[0], "child-sa");
	assert_string_equal(c[3], "isakmp-sa");
	for (size_t i = 0; i < n; i++)
		free(c[i]);
	free(c);
	n = cli_complete(f->s, "ipsec ike nat-traversal 1 on f", &c);
	assert_int_equal(n, 1);
	assert_string_equal(c[0], "force=");
	free(c[0]);
	free(c);
	n = cli_complete(f->s, "ipsec ike version 1 ", &c);
	assert_int_equal(n, 0);
	n = cli_complete(f->s, "zzz", &c);
	assert_int_equal(n, 0);
	n = cli_complete(f->s, "\"unterminated", &c);
	assert_int_equal(n, 0);
	fx_free(f);
}

/* The remote-access server commands exist only on models whose firmware
 * has remote-access VPN (the IKEv2 page's model table): refused with the
 * model named, nothing stored; the default model takes them. */
static void test_remote_access_models(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"ipsec ike mode-cfg address pool 1 10.8.0.1-10.8.0.9",
		"ipsec ike mode-cfg address 1 1",
		"ipsec ike eap request 1 on",
	};
	char want[160];
	for (int k = 0; k < 2; k++) {
		const char *model = k ? "RTX1210" : "vRX";
		struct fx *f = fx_new(model, true);
		snprintf(want, sizeof(want), "Error: Not available on this model (no remote-access "
			 "VPN firmware): \"%s\"\n", model);
		for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
			expect(f, lines[i], want);
		expect_ok(f, "show config", "");
		fx_free(f);
	}
	struct fx *f = fx_new(NULL, true);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		expect_ok(f, lines[i], "");
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_help_per_token),
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_numbers_and_model_ranges),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_hex_text_percent_enum),
		cmocka_unit_test(test_typed_values),
		cmocka_unit_test(test_params_fill),
		cmocka_unit_test(test_words_split),
		cmocka_unit_test(test_words_join_at),
		cmocka_unit_test(test_error_texts),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_permission),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_help_scope),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_remote_access_models),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
