/* Console password hashes: what is stored checks the right password and
 * only it, salts differ, and malformed or foreign forms are told apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "shell/passwd.h"

static void test_round_trip(void **state)
{
	(void)state;
	char *a = passwd_hash("s3cret");
	char *b = passwd_hash("s3cret");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(strncmp(a, PASSWD_PREFIX "100000$", strlen(PASSWD_PREFIX) + 7) == 0);
	assert_string_not_equal(a, b);              /* fresh salts */
	assert_true(passwd_ours(a));
	assert_true(passwd_check("s3cret", a));
	assert_true(passwd_check("s3cret", b));
	assert_false(passwd_check("s3cret ", a));
	assert_false(passwd_check("", a));
	assert_false(passwd_check("S3cret", a));
	assert_null(strstr(a, "s3cret"));
	free(a);
	free(b);
	char *u = passwd_hash("東京パスワード");
	assert_true(passwd_check("東京パスワード", u));
	assert_false(passwd_check("東京", u));
	free(u);
}

static void test_forms(void **state)
{
	(void)state;
	char *a = passwd_hash("x");
	size_t len = strlen(a);
	a[len - 2] = '\0';                          /* truncated */
	assert_false(passwd_ours(a));
	assert_false(passwd_check("x", a));
	free(a);
	assert_false(passwd_ours("junk"));
	assert_false(passwd_ours(PASSWD_PREFIX "10$AAAAAAAAAAAAAAAAAAAAAA==$"
				 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));  /* too few rounds */
	assert_true(passwd_ours(PASSWD_PREFIX "1000$AAAAAAAAAAAAAAAAAAAAAA==$"
				"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
	assert_false(passwd_ours(PASSWD_PREFIX "1000001$AAAAAAAAAAAAAAAAAAAAAA==$"
				 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));  /* would stall the loop */
	assert_false(passwd_ours(PASSWD_PREFIX "1000$AAAAAAAAAAAAAAAAAAAAAA==$"
				 "AAAA*AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
	assert_true(passwd_rtx("*0123abcdEF"));
	assert_false(passwd_rtx("*"));
	assert_false(passwd_rtx("*01x"));
	assert_false(passwd_rtx("0123"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
