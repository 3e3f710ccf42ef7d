/* Every wire constant defined in iana.h and alg.h has its name in names.c.
 * The constants are read from the headers' text (like iked's genmap), so
 * one added without a name fails here rather than printing as a number. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alg.h"
#include "engine/names.h"

struct constant {
	char name[64];
	unsigned long value;
};

/* Every `NAME = number` of a header, enums and all. */
static size_t read_constants(const char *path, struct constant *out, size_t cap)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char text[64 * 1024];
	size_t len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	assert_true(len < sizeof(text) - 1);
	text[len] = 0;
	size_t n = 0;
	for (const char *p = text; *p;) {
		if (!(isalpha((unsigned char)*p) || *p == '_') ||
		    (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))) {
			p++;
			continue;
		}
		const char *id = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		size_t idlen = (size_t)(p - id);
		const char *q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '=' || q[1] == '=')
			continue;
		q += 1 + strspn(q + 1, " \t");
		if (!isdigit((unsigned char)*q))
			continue;             /* defined by another constant */
		unsigned long v = strtoul(q, NULL, 0);
		assert_true(n < cap && idlen < sizeof(out[n].name));
		memcpy(out[n].name, id, idlen);
		out[n].name[idlen] = 0;
		out[n].value = v;
		n++;
	}
	return n;
}

struct registry {
	const char *prefix;
	const char *(*name)(unsigned v);   /* NULL: a transform id of `type` */
	unsigned type;
	const char *strip;     /* the name is the constant without this, or NULL */
	size_t min;            /* the header defines at least this many */
};

static const char *skipped[] = { "IKEV2_N_ERROR_MAX", "IKEV2_PAYLOAD_NONE" };

static bool is_skipped(const char *name)
{
	for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (strcmp(name, skipped[i]) == 0)
			return true;
	return false;
}

static void check_registry(const struct constant *c, size_t n, const struct registry *r)
{
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(c[i].name, r->prefix, strlen(r->prefix)) != 0 || is_skipped(c[i].name))
			continue;
		found++;
		unsigned v = (unsigned)c[i].value;
		const char *name = r->name ? r->name(v) : names_transform(r->type, v);
		if (!name)
			fail_msg("%s (%u) has no name", c[i].name, v);
		if (r->strip && strcmp(name, c[i].name + strlen(r->strip)) != 0)
			fail_msg("%s is named %s", c[i].name, name);
	}
	if (found < r->min)
		fail_msg("%s: %zu constants, expected at least %zu", r->prefix, found, r->min);
}

static struct constant iana[400], algs[200];
static size_t niana, nalgs;

static void test_iana_named(void **state)
{
	(void)state;
	static const struct registry regs[] = {
		{ "IKEV2_EXCH_", names_exchange, 0, "IKEV2_EXCH_", 7 },
		{ "IKEV2_PAYLOAD_", names_payload, 0, NULL, 18 },
		{ "IKEV2_N_", names_notify, 0, "IKEV2_N_", 80 },
		{ "IKEV2_TRANSFORM_", names_transform_type, 0, "IKEV2_TRANSFORM_", 5 },
		{ "IKEV2_PROTO_", names_protocol, 0, "IKEV2_PROTO_", 3 },
		{ "IKEV2_ID_", names_id_type, 0, "IKEV2_", 9 },
		{ "IKEV2_CERT_", names_cert_encoding, 0, "IKEV2_CERT_", 14 },
		{ "IKEV2_AUTH_", names_auth_method, 0, NULL, 9 },
		{ "IKEV2_TS_", names_ts_type, 0, "IKEV2_", 3 },
		{ "IKEV2_CFG_", names_cp_type, 0, "IKEV2_", 4 },
		{ "IKEV2_CP_", names_cp_attr, 0, "IKEV2_CP_", 12 },
		{ "EAP_", names_eap_code, 0, NULL, 4 },
	};
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		check_registry(iana, niana, &regs[i]);
}

static void test_transform_ids_named(void **state)
{
	(void)state;
	static const struct registry regs[] = {
		{ "IKEV2_ENCR_", NULL, ALG_ENCR, NULL, 25 },
		{ "IKEV2_PRF_", NULL, ALG_PRF, NULL, 8 },
		{ "IKEV2_AUTH_", NULL, ALG_INTEG, NULL, 15 },
		{ "IKEV2_DH_", NULL, ALG_DH, NULL, 23 },
		{ "IKEV2_ESN_", NULL, ALG_ESN, NULL, 2 },
	};
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		check_registry(algs, nalgs, &regs[i]);
}

/* Names are unique within a registry: the reverse lookups give back the
 * constant. */
static void test_reverse(void **state)
{
	(void)state;
	size_t n = 0;
	for (size_t i = 0; i < niana; i++) {
		unsigned v = (unsigned)iana[i].value;
		if (strncmp(iana[i].name, "IKEV2_N_", 8) == 0 && names_notify(v)) {
			assert_int_equal(names_notify_value(names_notify(v)), v);
			n++;
		}
		if (strncmp(iana[i].name, "IKEV2_PAYLOAD_", 14) == 0 && names_payload(v))
			assert_int_equal(names_payload_value(names_payload(v)), v);
	}
	assert_true(n >= 80);
}

int main(void)
{
	niana = read_constants(IANA_H, iana, sizeof(iana) / sizeof(iana[0]));
	nalgs = read_constants(ALG_H, algs, sizeof(algs) / sizeof(algs[0]));
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iana_named),
		cmocka_unit_test(test_transform_ids_named),
		cmocka_unit_test(test_reverse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
