/* The token types' fast spellings (shell/grammar_types.c) against the
 * plain ones they replaced: enum lookup by strcspn/strncasecmp, numbers
 * and addresses normalized through printf and inet_ntop. Same answers
 * for every enum value of the table in several spellings, and for
 * numbers and addresses of every shape the checks let through; and the
 * normalized spelling written into buffers of every size. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "shell/grammar.h"

/* ---- the former spellings ---- */

static bool ref_alt_eq(const char *alt, size_t len, const char *v)
{
	if (len && alt[len - 1] == '*')
		len--;
	return strlen(v) == len && strncasecmp(alt, v, len) == 0;
}

static int ref_enum_index(const char *const *vals, const char *v)
{
	for (size_t i = 0; vals && vals[i]; i++) {
		const char *p = vals[i];
		while (*p) {
			size_t len = strcspn(p, "|");
			if (ref_alt_eq(p, len, v))
				return (int)i;
			p += len + (p[len] == '|');
		}
	}
	return -1;
}

static bool ref_parse(const char *s, unsigned char buf[16], int *family)
{
	if (inet_pton(AF_INET, s, buf) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, buf) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

static char *ref_norm_addr(const char *w)
{
	char addr[INET6_ADDRSTRLEN + 8], out[INET6_ADDRSTRLEN];
	size_t alen = strcspn(w, "/");
	unsigned char buf[16];
	int fam;
	if (alen >= sizeof(addr))
		return strdup(w);
	memcpy(addr, w, alen);
	addr[alen] = '\0';
	if (!ref_parse(addr, buf, &fam) || !inet_ntop(fam, buf, out, sizeof(out)))
		return strdup(w);
	char *r;
	if (w[alen] && isdigit((unsigned char)w[alen + 1]) && !strchr(w + alen + 1, '.')) {
		if (asprintf(&r, "%s/%lld", out, atoll(w + alen + 1)) < 0)
			return NULL;
	} else if (asprintf(&r, "%s%s", out, w + alen) < 0) {
		return NULL;
	}
	return r;
}

static char *ref_norm_num(const char *w)
{
	char *r;
	if (!isdigit((unsigned char)*w))
		return strdup(w);
	if (asprintf(&r, "%lld", atoll(w)) < 0)
		return NULL;
	return r;
}

/* ---- the comparisons ---- */

static void enum_same(const char *const *vals, const char *v)
{
	if (tok_enum_index(vals, v) != ref_enum_index(vals, v))
		fail_msg("enum \"%s\": %d, formerly %d (first value %s)", v,
			 tok_enum_index(vals, v), ref_enum_index(vals, v), vals[0]);
}

/* Each alternative as written, upper-cased, with and without the '*',
 * cut short, made longer, and two alternatives run together. */
static void enum_spellings(const char *const *vals)
{
	for (size_t i = 0; vals[i]; i++) {
		char buf[128];
		const char *p = vals[i];
		enum_same(vals, vals[i]);
		while (*p) {
			size_t len = strcspn(p, "|");
			snprintf(buf, sizeof(buf), "%.*s", (int)len, p);
			enum_same(vals, buf);
			for (char *c = buf; *c; c++)
				*c = (char)toupper((unsigned char)*c);
			enum_same(vals, buf);
			if (len && p[len - 1] == '*') {
				snprintf(buf, sizeof(buf), "%.*s", (int)len - 1, p);
				enum_same(vals, buf);
			}
			snprintf(buf, sizeof(buf), "%.*s", len > 1 ? (int)len - 1 : 0, p);
			enum_same(vals, buf);
			snprintf(buf, sizeof(buf), "%.*sx", (int)len, p);
			enum_same(vals, buf);
			snprintf(buf, sizeof(buf), "%.*s*x", (int)len, p);
			enum_same(vals, buf);
			p += len + (p[len] == '|');
		}
	}
	enum_same(vals, "");
	enum_same(vals, "|");
	enum_same(vals, "*");
}

static void test_enum_index(void **state)
{
	(void)state;
	size_t seen = 0;
	for (size_t i = 0; i < cmd_table_len; i++)
		for (size_t j = 0; j < ROW_TOKS && cmd_table[i].tok[j].kind != TK_END; j++) {
			const struct tok *t = &cmd_table[i].tok[j];
			if (t->vals) {
				enum_spellings(t->vals);
				seen++;
			}
			for (const struct tok *o = t->opts; o && o->kind != TK_END; o++)
				if (o->vals)
					enum_spellings(o->vals);
		}
	assert_true(seen > 50);
	static const char *const odd[] = { "a*|b", "c|d*", "*", "e**", "", NULL };
	enum_spellings(odd);
	assert_int_equal(tok_enum_index(NULL, "x"), -1);
}

static void norm_same(const struct tok *t, const char *w, char *(*ref)(const char *))
{
	char *got = tok_norm(t, w), *want = ref(w);
	assert_non_null(got);
	assert_non_null(want);
	if (strcmp(got, want) != 0)
		fail_msg("\"%s\": \"%s\", formerly \"%s\"", w, got, want);
	free(got);
	free(want);
}

static void test_norm_numbers(void **state)
{
	(void)state;
	static const struct tok num = { .kind = TK_INT, .name = "n", .lo = 0, .hi = 1 };
	static const char *const words[] = {
		"0", "00", "000", "7", "007", "10", "0100", "2147483647", "02147483647",
		"999999999999999999", "0999999999999999999", "9999999999999999999",
		"99999999999999999999999", "000000000000000000000000001", "12abc", "0x10",
		"1.5", "",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		norm_same(&num, words[i], ref_norm_num);
	char w[32];
	for (unsigned v = 0; v < 3000; v += 7) {
		snprintf(w, sizeof(w), "%u", v);
		norm_same(&num, w, ref_norm_num);
		snprintf(w, sizeof(w), "000%u", v);
		norm_same(&num, w, ref_norm_num);
	}
}

/* Numbers read back as strtoull reads them, a short digit run without it. */
static void test_values(void **state)
{
	(void)state;
	static const struct tok num = { .kind = TK_INT, .name = "n", .lo = 0, .hi = 1 };
	static const struct tok pct = { .kind = TK_PERCENT, .name = "p", .lo = 0, .hi = 100 };
	static const char *const words[] = {
		"0", "007", "6000", "2147483647", "9999999999999999999",
		"18446744073709551615", "18446744073709551616", "99999999999999999999999",
		"50%", "", "x", "-1", " 5", "+5", "12abc",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		struct param_val v;
		tok_value(&num, words[i], &v);
		assert_true(v.num == strtoull(words[i], NULL, 10));
		tok_value(&pct, words[i], &v);
		assert_true(v.num == strtoull(words[i], NULL, 10));
	}
}

static void test_norm_addresses(void **state)
{
	(void)state;
	static const struct tok ip = { .kind = TK_IP, .name = "a" };
	static const struct tok mask = { .kind = TK_IPMASK, .name = "a" };
	static const struct tok pfx = { .kind = TK_PREFIX, .name = "a" };
	static const char *const words[] = {
		"0.0.0.0", "255.255.255.255", "192.0.2.1", "10.0.0.0/8", "10.0.0.0/08",
		"10.0.0.0/0", "10.0.0.0/000", "10.0.0.0/255.0.0.0", "10.0.0.0/",
		"10.0.0.0/x", "1.2.3.4/32", "1.2.3.4/99999999999999999999", "::", "::1",
		"2001:DB8:0:0::1", "2001:db8::/048", "::ffff:1.2.3.4", "::ffff:1.2.3.4/96",
		"fe80::1/64", "300.1.1.1", "host.example", "1.2.3", "", "/24",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		norm_same(&ip, words[i], ref_norm_addr);
		norm_same(&mask, words[i], ref_norm_addr);
		norm_same(&pfx, words[i], ref_norm_addr);
	}
	char w[64];
	for (unsigned a = 0; a < 256; a += 3) {
		snprintf(w, sizeof(w), "%u.%u.%u.%u/%u", a, 255 - a, a / 2, (a * 7) % 256, a % 33);
		norm_same(&pfx, w, ref_norm_addr);
		snprintf(w, sizeof(w), "%u.%u.%u.%u", (a * 11) % 256, a, 0u, 99u);
		norm_same(&ip, w, ref_norm_addr);
	}
}

/* tok_norm_to into every buffer size: the same length each time, and the
 * word written whole once it fits, as tok_norm returns it. */
static void test_norm_to_any_size(void **state)
{
	(void)state;
	static const char *const dflt[] = { "default", NULL };
	static const char *const sas[] = { "isakmp-sa|ike-sa", "sha384*", NULL };
	static const struct tok host = { .kind = TK_IPMASK, .name = "a", .flags = T_HOST,
					 .vals = dflt };
	static const struct tok lan = { .kind = TK_LAN, .name = "lan" };
	static const struct tok pct = { .kind = TK_PERCENT, .name = "p", .lo = 0, .hi = 100 };
	static const struct tok kw = { .kind = TK_KW, .name = "keyword" };
	static const struct tok en = { .kind = TK_ENUM, .name = "e", .vals = sas };
	static const struct { const struct tok *t; const char *w, *want; } cases[] = {
		{ &host, "10.0.0.1/32", "10.0.0.1" },
		{ &host, "10.0.0.1/255.255.255.255", "10.0.0.1" },
		{ &host, "10.0.0.0/024", "10.0.0.0/24" },
		{ &host, "2001:DB8::1/128", "2001:db8::1" },
		{ &host, "2001:db8::/64", "2001:db8::/64" },
		{ &host, "DEFAULT", "default" },
		{ &lan, "lan01", "lan1" },
		{ &pct, "050%", "50%" },
		{ &kw, "KEYWORD", "keyword" },
		{ &en, "IKE-SA", "isakmp-sa" },
		{ &en, "sha384", "sha384" },
	};
	char buf[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *n = tok_norm(cases[i].t, cases[i].w);
		assert_non_null(n);
		assert_string_equal(n, cases[i].want);
		size_t len = strlen(n);
		for (size_t cap = 0; cap <= len + 1; cap++) {
			memset(buf, 'x', sizeof(buf));
			assert_int_equal(tok_norm_to(cases[i].t, cases[i].w, cap ? buf : NULL, cap),
					 len);
			if (cap > len)
				assert_string_equal(buf, n);
			assert_int_equal(buf[cap], 'x');   /* nothing past cap */
		}
		free(n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enum_index),
		cmocka_unit_test(test_norm_numbers),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_norm_addresses),
		cmocka_unit_test(test_norm_to_any_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
