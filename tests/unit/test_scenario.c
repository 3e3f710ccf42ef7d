/* rtxsh --scenario: durations, every refusal of a broken file (exit 2,
 * nothing run), a refused router line (exit 1, the error in the
 * transcript), and what the timeline does: commands on the virtual clock,
 * the network going down and up, a router rebooting from its running
 * config, the same transcript on every run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "shell/scenario.h"

struct result {
	int rc;
	char *out, *err;
	size_t outlen, errlen;
};

static struct result run_text(const char *text)
{
	char path[] = "/tmp/rtxsh-scn-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct result r = { 0 };
	FILE *o = open_memstream(&r.out, &r.outlen), *e = open_memstream(&r.err, &r.errlen);
	r.rc = scenario_run(path, o, e);
	fclose(o);
	fclose(e);
	unlink(path);
	return r;
}

static void result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

static void test_durations(void **state)
{
	(void)state;
	static const struct { const char *text; long long ms; } t[] = {
		{ "90s", 90000 }, { "1h30m", 5400000 }, { "250ms", 250 }, { "2d", 172800000 },
		{ "45", 45000 }, { "0s", 0 }, { "1m30s500ms", 90500 }, { "1000d", 86400000000LL },
		{ "", -1 }, { "s", -1 }, { "1x", -1 }, { "-1s", -1 }, { "1.5h", -1 },
		{ "1001d", -1 }, { "99999999999999999999s", -1 }, { "1h 2m", -1 }, { "1h30", -1 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(scenario_duration_ms(t[i].text), t[i].ms);
}

/* Each broken file is refused with its line and why; nothing runs. */
static void test_refusals(void **state)
{
	(void)state;
	static const struct { const char *text, *says; } t[] = {
		{ "", ": no router: declare one" },
		{ "# only a comment\n\n", ": no router" },
		{ "  ipsec use on\n", ":1: an indented config line outside a router block" },
		{ "router a 192.0.2.1\nrouter a 192.0.2.2\n", ":2: router: 'a' is declared twice" },
		{ "router all 192.0.2.1\n", ":1: router: 'all' is not a name" },
		{ "router a 192.0.2.300\n", ":1: router: '192.0.2.300' is not an IPv4 or IPv6 address" },
		{ "router a 192.0.2.1\nrouter b 192.0.2.1\n", ":2: router: a already has address 192.0.2.1" },
		{ "router a 192.0.2.1 model RTX9\n", ":1: router: unknown model 'RTX9'" },
		{ "router a 192.0.2.1\nat 1x a: show ipsec sa\n", ":2: at: '1x' is not a time" },
		{ "router a 192.0.2.1\nat 1s b: show ipsec sa\n", ":2: no router named 'b'" },
		{ "router a 192.0.2.1\nat 1s a:\n", ":2: at: no command after 'a:'" },
		{ "router a 192.0.2.1\nat 1s restart b\n", ":2: restart: no router named 'b'" },
		{ "router a 192.0.2.1\nat 1s nat rebind\n", ":2: nat rebind: no router is behind a NAT" },
		{ "router a 192.0.2.1\nat 1s fly away\n", ":2: at 1s: say 'NAME: COMMAND'" },
		{ "router a 192.0.2.1\nnetwork drop 101%\n", ":2: network: drop wants a percentage" },
		{ "router a 192.0.2.1\nnetwork delay 2m\n", ":2: network: delay wants a duration up to 60s" },
		{ "router a 192.0.2.1\nnetwork jitter 5ms\n", ":2: network: unknown setting 'jitter'" },
		{ "router a 192.0.2.1\nnetwork drop\n", ":2: network: 'drop' wants a value" },
		/* found by fuzz_scenario: refused without a word */
		{ "router a 192.0.2.1\nat 1s network drop 1% drop 1% drop 1% drop 1% drop 1% drop\n",
		  ":2: network: too many words" },
		{ "router a 192.0.2.1\nnat a 2001:db8::1\n", ":2: nat: '2001:db8::1' is not an address of a's family" },
		{ "router a 192.0.2.1\nseed x\n", ":2: seed: wants one number" },
		{ "router a 192.0.2.1\nat 1s a: show ipsec sa\nrouter b 192.0.2.2\n",
		  ":3: router: routers are declared before the timeline" },
		{ "hello\n", ":1: unknown directive 'hello'" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct result r = run_text(t[i].text);
		if (r.rc != 2 || !strstr(r.err, t[i].says) || r.outlen)
			fail_msg("case %zu: rc %d, err '%s', out '%s'", i, r.rc, r.err, r.out);
		result_free(&r);
	}
}

static const char pair[] =
	"seed 3\n"
	"router a 192.0.2.1\n"
	"  ipsec auto refresh on\n"
	"  tunnel select 1\n"
	"   ipsec tunnel 1\n"
	"    ipsec sa policy 1 1 esp aes-cbc sha-hmac\n"
	"    ipsec ike version 1 2\n"
	"    ipsec ike local address 1 192.0.2.1\n"
	"    ipsec ike remote address 1 192.0.2.2\n"
	"    ipsec ike pre-shared-key 1 text s3cret\n"
	"    ipsec ike keepalive use 1 on rfc4306 10 3\n"
	"    ipsec ike always-on 1 on\n"
	"   tunnel enable 1\n"
	"router b 192.0.2.2\n"
	"  tunnel select 1\n"
	"   ipsec tunnel 1\n"
	"    ipsec sa policy 1 1 esp aes-cbc sha-hmac\n"
	"    ipsec ike version 1 2\n"
	"    ipsec ike local address 1 192.0.2.2\n"
	"    ipsec ike remote address 1 192.0.2.1\n"
	"    ipsec ike pre-shared-key 1 text s3cret\n"
	"   tunnel enable 1\n";

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Up at once; the network down: dead peer detection clears a's SAs; up
 * again: always-on brings the tunnel back; b reboots: its SAs are gone,
 * and a finds out and builds the tunnel again. */
static void test_timeline(void **state)
{
	(void)state;
	char *text;
	assert_true(asprintf(&text, "%s%s", pair,
			     "at 10s all: show ipsec sa\n"
			     "at 1m network down\n"
			     "at 3m a: show ipsec sa\n"
			     "at 3m network up\n"
			     "at 5m a: show ipsec sa\n"
			     "at 6m restart b\n"
			     "at 6m b: show ipsec sa\n"
			     "at 9m all: show ipsec sa\n"
			     "at 9m a: show log\n") > 0);
	struct result r = run_text(text);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.errlen, 0);
	/* every command echoed at its time, with the prompt */
	assert_non_null(strstr(r.out, "[0:00:10.000 a] # show ipsec sa\nTotal: isakmp:1 send:1 recv:1\n"));
	assert_non_null(strstr(r.out, "[0:00:10.000 b] # show ipsec sa\nTotal: isakmp:1 send:1 recv:1\n"));
	assert_non_null(strstr(r.out, "[0:01:00.000] network down\n"));
	assert_non_null(strstr(r.out, "[0:03:00.000 a] # show ipsec sa\nTotal: isakmp:0 send:0 recv:0\n"));
	assert_non_null(strstr(r.out, "[0:05:00.000 a] # show ipsec sa\nTotal: isakmp:1 send:1 recv:1\n"));
	assert_non_null(strstr(r.out, "[0:06:00.000] restart b\n"));
	assert_non_null(strstr(r.out, "[0:06:00.000 b] # show ipsec sa\nTotal: isakmp:0 send:0 recv:0\n"));
	assert_non_null(strstr(r.out, "[0:09:00.000 b] # show ipsec sa\nTotal: isakmp:1 send:1 recv:1\n"));
	assert_int_equal(count(r.out, "IKE dead peer detection"), 2);
	/* log timestamps on the virtual clock */
	assert_non_null(strstr(r.out, "2026/01/01 00:00:00: [IKE2] SA:1/IKE established"));
	/* the same transcript again */
	struct result again = run_text(text);
	assert_int_equal(again.rc, 0);
	assert_int_equal(again.outlen, r.outlen);
	assert_memory_equal(again.out, r.out, r.outlen);
	result_free(&again);
	result_free(&r);
	free(text);
}

/* A config line the router refuses: the run goes on, the error (with the
 * scenario's line number) is in the transcript, the status is 1; so is a
 * refused timeline command. */
static void test_refused_line(void **state)
{
	(void)state;
	struct result r = run_text("router a 192.0.2.1\n  ipsec ike bogus 1\nat 1s a: show nothing\n"
				   "at 2s a: show ipsec sa\n");
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.out, "line 2"));
	assert_non_null(strstr(r.out, "[0:00:01.000 a] # show nothing\n"));
	assert_non_null(strstr(r.out, "[0:00:02.000 a] # show ipsec sa\nTotal: isakmp:0"));
	result_free(&r);
}

/* A lossy, duplicating, reordering network changes the run, not its
 * repeatability; another seed gives another run. */
static void test_seeded_faults(void **state)
{
	(void)state;
	char *a, *b;
	assert_true(asprintf(&a, "%snetwork drop 30%% duplicate 20%% reorder 20%% delay 40ms\n"
			     "at 2m all: show ipsec sa gateway 1 detail\n", pair) > 0);
	assert_true(asprintf(&b, "%s", a) > 0);
	b[5] = '4';   /* "seed 4" */
	struct result r1 = run_text(a), r2 = run_text(a), r3 = run_text(b);
	assert_int_equal(r1.rc, 0);
	assert_int_equal(r1.outlen, r2.outlen);
	assert_memory_equal(r1.out, r2.out, r1.outlen);
	assert_true(r1.outlen != r3.outlen || memcmp(r1.out, r3.out, r1.outlen));
	result_free(&r1);
	result_free(&r2);
	result_free(&r3);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_refused_line),
		cmocka_unit_test(test_seeded_faults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
