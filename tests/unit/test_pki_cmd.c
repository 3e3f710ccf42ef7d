/* `pki certificate file`, `pki crl file` and `show pki ...` against files
 * of a test PKI written at run time: what loads, each load error as the
 * console shows it (line kept), paths relative to the -c file's
 * directory, the auto auth method, and no private key ever printed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "base/log.h"
#include "engine/config.h"
#include "engine/pki_store.h"
#include "engine/router.h"
#include "shell/cli.h"
#include "tests/pki_fixture.h"
#include "tests/unit/router_fixture.h"

static struct pki_fixture *pfx;
static char dir[256], conf[300];

static int group_setup(void **state)
{
	(void)state;
	if (pki_fixture_new(1700000000, &pfx) || pki_fixture_mkdtemp(dir, sizeof(dir)) ||
	    pki_fixture_write(pfx, dir))
		return -1;
	snprintf(conf, sizeof(conf), "%s/rtx.conf", dir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	pki_fixture_rmtree(dir);
	pki_fixture_free(pfx);
	return 0;
}

/* Runs one line; returns its rc, output since the last call in *out. */
static int line(struct fx *f, const char *l, unsigned lineno, const char **out)
{
	fflush(f->outf);
	size_t before = f->outlen;
	int rc = cli_exec(f->s, l, lineno);
	fflush(f->outf);
	*out = f->out + before;
	return rc;
}

static size_t log_lines(struct fx *f, const char *text)
{
	size_t n = 0;
	for (size_t i = 0; i < log_count(f->r->log); i++)
		if (strstr(log_get(f->r->log, i)->text, text))
			n++;
	return n;
}

static struct fx *start(void)
{
	struct router_opts o = { .config_path = conf };
	return fx_start(o);
}

static void test_loads_and_shows(void **state)
{
	(void)state;
	struct fx *f = start();
	const char *out;
	/* relative to the -c file's directory */
	assert_int_equal(line(f, "pki certificate file 1 p256.p12 pkcs12 " PKI_FX_PASSWORD, 0, &out), 0);
	assert_int_equal(line(f, "pki certificate file 2 cas.pem x509-pem", 0, &out), 0);
	assert_int_equal(line(f, "pki crl file 1 crl.der", 0, &out), 0);
	assert_non_null(pki_store_cert(f->r->pki, 1));
	assert_non_null(pki_store_crl(f->r->pki, 1));
	assert_int_equal(line(f, "show pki certificate summary 1", 0, &out), 0);
	assert_non_null(strstr(out, "Certificate file 1: p256.p12"));
	assert_non_null(strstr(out, "CN=p256"));
	assert_non_null(strstr(out, "(valid)"));
	assert_non_null(strstr(out, "Key: ECDSA P-256"));
	assert_non_null(strstr(out, "private key present"));
	assert_non_null(strstr(out, "DNS:p256.example.com"));
	assert_null(strstr(out, "PRIVATE"));
	assert_int_equal(line(f, "show pki crl", 0, &out), 0);
	assert_non_null(strstr(out, "CRL file 1: crl.der"));
	assert_non_null(strstr(out, "Revoked certificates: 1"));
	/* auto picks the certificate once the pki file is set and no PSK */
	run(f, "ipsec ike pki file 1 certificate=1 crl=1");
	const struct gateway_config *g = config_gateway_find(f->r->ipsec, 1);
	assert_non_null(g);
	assert_int_equal(config_gateway_auth(g), AUTH_METHOD_CERTIFICATE);
	run(f, "ipsec ike pre-shared-key 1 text secret");
	g = config_gateway_find(f->r->ipsec, 1);
	assert_int_equal(config_gateway_auth(g), AUTH_METHOD_PSK);
	run(f, "ipsec ike auth method 1 certificate");
	g = config_gateway_find(f->r->ipsec, 1);
	assert_int_equal(config_gateway_auth(g), AUTH_METHOD_CERTIFICATE);
	/* the typed config names the files; the store keeps what was loaded */
	assert_string_equal(f->r->ipsec->pki_cert[1].path, "p256.p12");
	assert_non_null(pki_store_cert(f->r->pki, 1));
	/* a local name the certificate does not carry: warned at config time */
	run(f, "ipsec ike version 1 2\nipsec ike local name 1 other.example.net fqdn");
	assert_int_equal(log_lines(f, "[IKE2] GW:1 warning: ipsec ike local name other.example.net "
				   "is not in certificate file 1"), 1);
	run(f, "ipsec ike local name 1 p256.example.com fqdn");
	assert_int_equal(log_lines(f, "warning: ipsec ike local name"), 1);
	run(f, "no pki certificate file 1");
	assert_null(pki_store_cert(f->r->pki, 1));
	fx_free(f);
}

static void refused(const char *l, const char *want)
{
	struct fx *f = start();
	const char *out;
	assert_int_equal(line(f, l, 7, &out), -RTX_EIO);
	if (!strstr(out, want))
		fail_msg("%s: got %s", l, out);
	assert_non_null(strstr(out, "line 7: Error: Cannot load the file (the line is kept)"));
	/* kept: show config prints it */
	assert_int_equal(line(f, "show config", 0, &out), 0);
	assert_non_null(strstr(out, l));
	fx_free(f);
}

static void test_load_errors(void **state)
{
	(void)state;
	refused("pki certificate file 1 p256.p12 pkcs12 wrong", "wrong password for the PKCS#12 file");
	refused("pki certificate file 1 nokey.p12 pkcs12 " PKI_FX_PASSWORD,
		"the PKCS#12 file holds no private key");
	refused("pki certificate file 1 missing.p12 pkcs12 x", "missing.p12: cannot read the file");
	refused("pki certificate file 1 crl.pem x509-pem", "crl.pem: ");
	refused("pki crl file 1 root.pem", "root.pem: ");
	refused("pki certificate file 1 weak.p12 pkcs12 " PKI_FX_PASSWORD, "unsupported key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads_and_shows),
		cmocka_unit_test(test_load_errors),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
