/* EAP-MD5 (RFC 3748, RFC 1994 4.1): the response value against digests
 * computed independently (Python's hashlib.md5 over id || secret ||
 * challenge), and the server and client machines against each other:
 * success, wrong password, unknown user, user without eap-md5=on, Nak,
 * and responses with the wrong id or code (dropped, as retransmitted or
 * stray messages must be). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/eap_md5.h"
#include "engine/iana.h"

static void hex(const char *s, uint8_t *out)
{
	for (size_t i = 0; s[2 * i]; i++) {
		unsigned v;
		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static void test_value_known_answer(void **state)
{
	(void)state;
	uint8_t chal[16], out[16], want[16];
	for (int i = 0; i < 16; i++)
		chal[i] = (uint8_t)i;
	assert_int_equal(eap_md5_value(1, (const uint8_t *)"secret", 6, chal, 16, out), 0);
	hex("740e86463bda3a4d7017d6e0fba0699d", want);
	assert_memory_equal(out, want, 16);
	hex("0123456789abcdeffedcba9876543210", chal);
	assert_int_equal(eap_md5_value(0x2a, (const uint8_t *)"rtx-pass", 8, chal, 16, out), 0);
	hex("d2dc135354c3cfa55e9447729bf32eb1", want);
	assert_memory_equal(out, want, 16);
}

/* Users: alice (eap-md5=on, "wonderland"), bob (eap-md5 off). */
static int lookup(void *ctx, const char *name, struct eap_user *u)
{
	(void)ctx;
	if (!strcmp(name, "alice")) {
		*u = (struct eap_user){ "wonderland", true };
		return 0;
	}
	if (!strcmp(name, "bob")) {
		*u = (struct eap_user){ "builder", false };
		return 0;
	}
	return -1;
}

static const uint8_t challenge[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6 };

/* A whole conversation: the server's last rc and why. */
static enum eap_rc converse(const char *name, const char *password, enum eap_why *why)
{
	struct eap_server s;
	struct eap_client c = { .name = name, .password = password };
	struct payload_eap req, resp;
	enum eap_rc rc;
	eap_server_start(&s, 7, &req);
	assert_int_equal(req.code, EAP_REQUEST);
	assert_int_equal(req.eap_type, EAP_TYPE_IDENTITY);
	for (int round = 0; round < 4; round++) {
		assert_int_equal(eap_client_input(&c, &req, &resp), EAP_RC_SEND);
		assert_int_equal(resp.id, req.id);
		rc = eap_server_input(&s, &resp, challenge, lookup, NULL, &req);
		if (rc != EAP_RC_SEND)
			break;
		assert_int_equal(req.eap_type, EAP_TYPE_MD5);
		assert_int_equal(req.data.ptr[0], 16);
	}
	/* the client agrees with the server's verdict */
	enum eap_rc crc = eap_client_input(&c, &req, &resp);
	assert_int_equal(crc, rc);
	*why = s.why;
	assert_string_equal(s.identity, name);
	return rc;
}

static void test_success(void **state)
{
	(void)state;
	enum eap_why why;
	assert_int_equal(converse("alice", "wonderland", &why), EAP_RC_SUCCESS);
	assert_int_equal(why, EAP_WHY_NONE);
}

static void test_wrong_password(void **state)
{
	(void)state;
	enum eap_why why;
	assert_int_equal(converse("alice", "looking-glass", &why), EAP_RC_FAILURE);
	assert_int_equal(why, EAP_WHY_BAD_PASSWORD);
}

static void test_unknown_user(void **state)
{
	(void)state;
	enum eap_why why;
	assert_int_equal(converse("carol", "wonderland", &why), EAP_RC_FAILURE);
	assert_int_equal(why, EAP_WHY_UNKNOWN_USER);
}

static void test_not_allowed(void **state)
{
	(void)state;
	enum eap_why why;
	assert_int_equal(converse("bob", "builder", &why), EAP_RC_FAILURE);
	assert_int_equal(why, EAP_WHY_NOT_ALLOWED);
}

/* Wrong id or code: dropped, and the conversation still succeeds. */
static void test_stray_and_duplicate(void **state)
{
	(void)state;
	struct eap_server s;
	struct eap_client c = { .name = "alice", .password = "wonderland" };
	struct payload_eap req, resp, chal, out;
	eap_server_start(&s, 200, &req);
	assert_int_equal(eap_client_input(&c, &req, &resp), EAP_RC_SEND);
	struct payload_eap stray = resp;
	stray.id++;
	assert_int_equal(eap_server_input(&s, &stray, challenge, lookup, NULL, &out),
			 EAP_RC_IGNORE);
	stray = resp;
	stray.code = EAP_REQUEST;
	assert_int_equal(eap_server_input(&s, &stray, challenge, lookup, NULL, &out),
			 EAP_RC_IGNORE);
	assert_int_equal(eap_server_input(&s, &resp, challenge, lookup, NULL, &chal), EAP_RC_SEND);
	/* the identity again (a duplicate): the id has moved on */
	assert_int_equal(eap_server_input(&s, &resp, challenge, lookup, NULL, &out),
			 EAP_RC_IGNORE);
	/* a Success before any request is not believed */
	struct eap_client fresh = { .name = "alice", .password = "wonderland" };
	struct payload_eap succ = { EAP_SUCCESS, 1, 0, { NULL, 0 } };
	assert_int_equal(eap_client_input(&fresh, &succ, &out), EAP_RC_IGNORE);
	assert_int_equal(eap_client_input(&c, &chal, &resp), EAP_RC_SEND);
	assert_int_equal(eap_server_input(&s, &resp, challenge, lookup, NULL, &out),
			 EAP_RC_SUCCESS);
	assert_int_equal(out.code, EAP_SUCCESS);
	assert_int_equal(out.id, resp.id);
}

/* A method we do not do: the client Naks with MD5; the server ends on a
 * Nak to its challenge. */
static void test_nak(void **state)
{
	(void)state;
	struct eap_client c = { .name = "alice", .password = "wonderland" };
	struct payload_eap req = { EAP_REQUEST, 3, 26, { NULL, 0 } }, resp, out;
	assert_int_equal(eap_client_input(&c, &req, &resp), EAP_RC_SEND);
	assert_int_equal(resp.eap_type, EAP_TYPE_NAK);
	assert_int_equal(resp.data.len, 1);
	assert_int_equal(resp.data.ptr[0], EAP_TYPE_MD5);
	struct eap_server s;
	eap_server_start(&s, 1, &req);
	assert_int_equal(eap_client_input(&c, &req, &resp), EAP_RC_SEND);
	assert_int_equal(eap_server_input(&s, &resp, challenge, lookup, NULL, &req), EAP_RC_SEND);
	struct payload_eap nak = { EAP_RESPONSE, req.id, EAP_TYPE_NAK, { (const uint8_t *)"\x1a", 1 } };
	assert_int_equal(eap_server_input(&s, &nak, challenge, lookup, NULL, &out), EAP_RC_FAILURE);
	assert_int_equal(s.why, EAP_WHY_NAK);
	assert_int_equal(out.code, EAP_FAILURE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_known_answer),
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_unknown_user),
		cmocka_unit_test(test_not_allowed),
		cmocka_unit_test(test_stray_and_duplicate),
		cmocka_unit_test(test_nak),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
