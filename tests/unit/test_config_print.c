/* `show config`: canonical order and nesting, `no` forms, defaults left
 * out, save, and the round trip of every config in testdata/configs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/log.h"
#include "engine/model.h"
#include "engine/router.h"
#include "shell/cli.h"

#include "tests/unit/router_fixture.h"

static struct fx *fx_new(const char *config_path)
{
	return fx_start((struct router_opts){ .config_path = config_path });
}

/* Feeds text line by line; every line must be accepted. */
static void feed(struct fx *f, const char *text)
{
	char *copy = strdup(text), *save = NULL;
	unsigned n = 0;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		int rc = cli_exec(f->s, l, ++n);
		fflush(f->outf);
		/* a pki file that does not load: reported, and kept */
		if (rc != 0 && !(rc == -RTX_EIO && strncmp(l, "pki ", 4) == 0))
			fail_msg("line %u refused: %s (%s)", n, l, f->out);
	}
	free(copy);
}

static char *show(struct fx *f)
{
	char *buf = NULL;
	size_t len;
	FILE *o = open_memstream(&buf, &len);
	cli_show_config(f->c, o);
	fclose(o);
	return buf;
}

static void expect_config(const char *input, const char *want)
{
	struct fx *f = fx_new(NULL);
	feed(f, input);
	char *got = show(f);
	assert_string_equal(got, want);
	free(got);
	fx_free(f);
}

static void test_order_and_nesting(void **state)
{
	(void)state;
	/* typed in a scrambled order, with the gateway's lines outside the block */
	expect_config(
		"dns server 192.0.2.53\n"
		"ipsec ike pre-shared-key 10 text k10\n"
		"ipsec ike version 10 2\n"
		"ipsec ike version 2 2\n"
		"ip filter 10 pass * * esp\n"
		"ip filter 9 reject * *\n"
		"tunnel select 10\n"
		"tunnel enable 10\n"
		"ip tunnel address 169.254.0.2/30\n"
		"ipsec tunnel 110\n"
		"description tunnel t10\n"
		"tunnel select 2\n"
		"ipsec tunnel 2\n"
		"tunnel select none\n"
		"ipsec sa policy 110 10 esp aes-cbc sha-hmac\n"
		"ipsec sa policy 2 2 esp\n"
		"ipsec sa policy 999 5 esp\n"
		"ipsec ike encryption 5 aes-cbc\n"
		"ipsec auto refresh on\n"
		"ip route default gateway 192.0.2.1\n"
		"ip route 10.2.0.0/16 gateway tunnel 2\n"
		"ip route 10.10.0.0/16 gateway tunnel 10 gateway tunnel 2 weight=2 hide\n"
		"ip lan1 address 192.0.2.10/24\n"
		"console character ja.utf8\n"
		"bgp use on\n",
		"console character ja.utf8\n"
		"ip route default gateway 192.0.2.1\n"
		"ip route 10.2.0.0/16 gateway tunnel 2\n"
		"ip route 10.10.0.0/16 gateway tunnel 10 gateway tunnel 2 weight=2 hide\n"
		"ip lan1 address 192.0.2.10/24\n"
		"tunnel select 2\n"
		" ipsec tunnel 2\n"
		"  ipsec sa policy 2 2 esp\n"
		"  ipsec ike version 2 2\n"
		"tunnel select 10\n"
		" description tunnel t10\n"
		" ipsec tunnel 110\n"
		"  ipsec sa policy 110 10 esp aes-cbc sha-hmac\n"
		"  ipsec ike version 10 2\n"
		"  ipsec ike pre-shared-key 10 text k10\n"
		" ip tunnel address 169.254.0.2/30\n"
		" tunnel enable 10\n"
		"ip filter 9 reject * *\n"
		"ip filter 10 pass * * esp\n"
		"ipsec auto refresh on\n"
		"ipsec sa policy 999 5 esp\n"
		"ipsec ike encryption 5 aes-cbc\n"
		"dns server 192.0.2.53\n"
		"bgp use on\n");
}

static void test_no_forms_and_defaults(void **state)
{
	(void)state;
	expect_config(
		/* defaults are not printed */
		"ipsec ike version 1 1\n"
		"ipsec use on\n"
		"ipsec ike encryption 1 3des-cbc\n"
		"ipsec ike queue length 2200\n"
		"ipsec ike retry 10 5 3\n"
		"ipsec ike duration ike-sa 1 28800\n"
		/* setting the default again deletes the line */
		"ipsec ike hash 1 sha256\n"
		"ipsec ike hash 1 sha\n"
		/* `no` restores the default; trailing words are ignored */
		"ipsec ike pfs 1 on\n"
		"no ipsec ike pfs 1 on\n"
		"ipsec ike group 1 modp2048\n"
		"no ipsec ike group 1 modp2048 modp1024\n"
		/* a `no` without the gateway clears every gateway */
		"ipsec ike always-on 1 on\n"
		"ipsec ike always-on 2 on\n"
		"no ipsec ike always-on\n"
		/* `no ipsec ike log` takes the gateway-less form only */
		"ipsec ike log message-info payload-info\n"
		"ipsec ike log 3 key-info\n"
		"no ipsec ike log\n"
		/* re-typing a key replaces its line, synonyms print canonically */
		"ipsec ike duration child-sa 4 3600\n"
		"ipsec ike duration ipsec-sa 4 7200 rekey 80%\n"
		"ipsec ike remote name 4 peer@example.com rfc822-addr\n"
		"ipsec ike nat-traversal 4 on force=on keepalive=0300\n"
		"tunnel select 4\n"
		"tunnel enable 4\n"
		"tunnel disable 4\n"
		"ip tunnel mtu 1400\n"
		"no ip tunnel mtu\n"
		"ipsec tunnel 4\n"
		"pp select 1\n"
		"pp auth myname a b\n"
		"pp auth accept chap\n"
		"no pp auth accept\n",
		"pp select 1\n"
		" pp auth myname a b\n"
		"tunnel select 4\n"
		" ipsec tunnel 4\n"
		"ipsec ike log 3 key-info\n"
		"ipsec ike remote name 4 peer@example.com user-fqdn\n"
		"ipsec ike duration ipsec-sa 4 7200 rekey 80%\n"
		"ipsec ike nat-traversal 4 on keepalive=300 force=on\n");
}

static void test_show_config_tunnel(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	feed(f, "tunnel select 1\nipsec tunnel 1\ntunnel select 2\nipsec tunnel 2\n"
		"ipsec sa policy 2 2 esp\ntunnel enable 2\nipsec ike version 2 2\n");
	char *buf = NULL;
	size_t len;
	FILE *o = open_memstream(&buf, &len);
	cli_session_set_out(f->s, o);
	assert_int_equal(cli_exec(f->s, "show config tunnel 2", 0), 0);
	fclose(o);
	assert_string_equal(buf, "tunnel select 2\n ipsec tunnel 2\n  ipsec sa policy 2 2 esp\n"
			    "  ipsec ike version 2 2\n tunnel enable 2\n");
	free(buf);
	fx_free(f);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char *buf = NULL;
	size_t len;
	FILE *o = open_memstream(&buf, &len);
	int ch;
	while ((ch = fgetc(fp)) != EOF)
		fputc(ch, o);
	fclose(o);
	fclose(fp);
	return buf;
}

/* load -> print -> load the print -> print: identical */
static void test_round_trip_configs(void **state)
{
	(void)state;
	DIR *d = opendir(CONFIGS_DIR);
	struct dirent *de;
	int seen = 0;
	assert_non_null(d);
	while ((de = readdir(d))) {
		if (!strstr(de->d_name, ".conf"))
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", CONFIGS_DIR, de->d_name);
		char *text = slurp(path);
		struct fx *a = fx_new(NULL), *b = fx_new(NULL);
		feed(a, text);
		char *p1 = show(a);
		feed(b, p1);
		char *p2 = show(b);
		if (strcmp(p1, p2) != 0)
			fail_msg("%s does not round-trip:\n%s\n---\n%s", de->d_name, p1, p2);
		assert_true(strlen(p1) > 100);
		free(p1);
		free(p2);
		free(text);
		fx_free(a);
		fx_free(b);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 5);
}

static void test_save(void **state)
{
	(void)state;
	char dir[] = "/tmp/rtxsh-save-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/config", dir);
	struct fx *f = fx_new(path);
	cli_session_set_script(f->s, false);   /* someone at the console answers */
	feed(f, "ipsec ike pre-shared-key 1 text secret\n");
	assert_true(cli_dirty(f->c));
	assert_int_equal(cli_exec(f->s, "save", 0), 0);
	assert_false(cli_dirty(f->c));
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *saved = slurp(path), *now = show(f);
	assert_string_equal(saved, now);
	free(saved);
	free(now);
	/* exit with unsaved changes asks, Y saves */
	feed(f, "ipsec ike version 1 2\nexit\n");
	assert_string_equal(cli_prompt(f->s), "Save new configuration ? (Y/N) ");
	assert_int_equal(cli_exec(f->s, "y", 0), 0);
	assert_string_equal(cli_prompt(f->s), "> ");
	saved = slurp(path);
	assert_non_null(strstr(saved, "ipsec ike version 1 2\n"));
	free(saved);
	fx_free(f);
	unlink(path);
	rmdir(dir);

	/* no path: a clear error, nothing written */
	f = fx_new(NULL);
	cli_session_set_script(f->s, false);
	assert_true(cli_exec(f->s, "save", 0) < 0);
	fflush(f->outf);
	assert_non_null(strstr(f->out, "Error: No configuration file"));
	feed(f, "ipsec ike version 1 2\nexit\n");
	assert_int_equal(cli_exec(f->s, "n", 0), 0);
	assert_string_equal(cli_prompt(f->s), "> ");
	fx_free(f);
}

static void test_side_effects(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	assert_false(log_debug_enabled(f->r->log));
	feed(f, "syslog debug on\n");
	assert_true(log_debug_enabled(f->r->log));
	feed(f, "no syslog debug\n");
	assert_false(log_debug_enabled(f->r->log));
	feed(f, "shutdown\n");
	assert_true(f->r->shutdown);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_nesting),
		cmocka_unit_test(test_no_forms_and_defaults),
		cmocka_unit_test(test_show_config_tunnel),
		cmocka_unit_test(test_round_trip_configs),
		cmocka_unit_test(test_save),
		cmocka_unit_test(test_side_effects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
