/* The seed's log forms, line for line, with `ipsec ike log message-info
 * payload-info key-info` on both routers: sub-prefixes (no "SA:*": the
 * SA number or no sub-prefix at all), retransmissions dumped under their
 * exchange, KEYMAT and key-info of CREATE_CHILD_SA under "/CHLD", the
 * payload-info role lines, a too short datagram, and an IKE SA Delete
 * that is waited for (no "cannot find or create IKE SA" afterwards). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/config.h"
#include "engine/memnet.h"
#include "engine/transport.h"
#include "engine/ike_sa.h"
#include "engine/rekey.h"
#include "base/log.h"
#include "tests/ike_pair.h"

static int setup(void **state)
{
	int err = ike_pair_setup(state, 11);
	struct ike_pair *p = *state;
	if (!err) {
		unsigned all = LOGTYPE_MESSAGE | LOGTYPE_PAYLOAD | LOGTYPE_KEY;
		p->a.config->log_types = all;
		p->b.config->log_types = all;
	}
	return err;
}

static size_t count(const struct ike_router *r, const char *text)
{
	return ike_router_log_count(r, text);
}

/* Whether a line equal to text (after "[IKE2] ") is in r's log. */
static bool has_line(const struct ike_router *r, const char *text)
{
	char want[160];
	snprintf(want, sizeof(want), "[IKE2] %s", text);
	for (size_t i = 0; i < log_count(r->log); i++)
		if (!strcmp(log_get(r->log, i)->text, want))
			return true;
	return false;
}

/* The line after the first one equal to text, or "". */
static const char *line_after(const struct ike_router *r, const char *text)
{
	char want[160];
	snprintf(want, sizeof(want), "[IKE2] %s", text);
	for (size_t i = 0; i + 1 < log_count(r->log); i++)
		if (!strcmp(log_get(r->log, i)->text, want))
			return log_get(r->log, i + 1)->text;
	return "";
}

static void no_star_sa(const struct ike_pair *p)
{
	assert_int_equal(count(&p->a, "SA:*") + count(&p->b, "SA:*"), 0);
}

static void up(struct ike_pair *p)
{
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
}

/* A new IKE_SA_INIT is logged under the number its SA gets; the roles of
 * both sides in each exchange come before the payloads. */
static void test_init_prefixes_and_roles(void **state)
{
	struct ike_pair *p = *state;
	up(p);
	assert_true(has_line(&p->b, "GW:*/SA:1/INIT receive message:"));
	assert_true(has_line(&p->b, "GW:*/SA:1/INIT responder IKE_SA_INIT"));
	assert_true(has_line(&p->b, "GW:*/SA:1/INIT process IKE header[msgID:0]"));
	assert_true(has_line(&p->a, "GW:1/SA:1/INIT initiator IKE_SA_INIT"));
	assert_string_equal(line_after(&p->a, "GW:1/SA:1/INIT initiator IKE_SA_INIT"),
			    "[IKE2] GW:1/SA:1/INIT generate IKE header[msgID:0]");
	assert_true(has_line(&p->a, "GW:1/SA:1/AUTH initiator IKE_AUTH"));
	assert_true(has_line(&p->b, "GW:1/SA:1/AUTH responder IKE_AUTH"));
	/* key-info of IKE_SA_INIT, KEYMAT of IKE_AUTH */
	assert_true(has_line(&p->a, "GW:1/SA:1/INIT SKEYSEED:"));
	assert_true(has_line(&p->a, "GW:1/SA:1/INIT Diffie-Hellman value:"));
	assert_true(has_line(&p->a, "GW:1/SA:1/AUTH calculate KEYMAT"));
	no_star_sa(p);
}

/* A lost request is sent again and dumped under its exchange's prefix;
 * so is a cached response sent again for a repeated request. */
static void test_retransmissions_under_exchange(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(memnet_drop_next(p->net));          /* A's IKE_SA_INIT */
	assert_true(ike_pair_run_until_up(p, 30000));
	assert_true(has_line(&p->a, "GW:1/SA:1/INIT iWindow retransmit request[msgID:0 cnt:1]"));
	assert_string_equal(line_after(&p->a,
				       "GW:1/SA:1/INIT iWindow retransmit request[msgID:0 cnt:1]"),
			    "[IKE2] GW:1/SA:1/INIT send message:");
	ike_pair_replay(p, &p->a);                      /* A's IKE_AUTH again */
	assert_true(has_line(&p->b, "GW:1/SA:1/AUTH rWindow retransmit response[msgID:1]"));
	assert_string_equal(line_after(&p->b, "GW:1/SA:1/AUTH rWindow retransmit response[msgID:1]"),
			    "[IKE2] GW:1/SA:1/AUTH send message:");
	assert_int_equal(count(&p->a, "/IKE send message:") + count(&p->b, "/IKE send message:"), 0);
	no_star_sa(p);
}

/* CREATE_CHILD_SA with PFS: the Diffie-Hellman value and the KEYMAT under
 * "/CHLD"; an IKE SA rekey: SKEYSEED and SK_* of the new SA under the
 * exchange that made it. The old IKE SA waits for the answer to its
 * Delete: nothing arrives for an unknown SA. */
static void test_rekey_key_info(void **state)
{
	struct ike_pair *p = *state;
	p->a.config->gateways[0]->pfs = true;
	up(p);
	struct child_sa *c = p->a.engine->core.sas->children;
	assert_non_null(c);
	assert_int_equal(rekey_sa_number(p->a.engine, c->num_send), 0);
	ike_pair_run(p, 1000);
	assert_true(has_line(&p->a, "GW:1/SA:1/CHLD Diffie-Hellman value:"));
	assert_true(has_line(&p->a, "GW:1/SA:1/CHLD calculate KEYMAT"));
	assert_true(has_line(&p->b, "GW:1/SA:1/CHLD Diffie-Hellman value:"));
	assert_true(has_line(&p->b, "GW:1/SA:1/CHLD calculate KEYMAT"));
	assert_true(has_line(&p->a, "GW:1/SA:1/CHLD initiator CREATE_CHILD_SA"));
	assert_true(has_line(&p->b, "GW:1/SA:1/CHLD responder CREATE_CHILD_SA"));
	assert_int_equal(count(&p->a, "/AUTH calculate KEYMAT"), 1);
	log_clear(p->a.log);
	log_clear(p->b.log);
	assert_int_equal(rekey_sa_number(p->b.engine, p->b.engine->core.sas->number), 0);
	ike_pair_run(p, 60000);
	for (int i = 0; i < 2; i++) {
		const struct ike_router *r = i ? &p->b : &p->a;
		assert_true(has_line(r, "GW:1/SA:1/CHLD SKEYSEED:"));
		assert_true(has_line(r, "GW:1/SA:1/CHLD SK_d:"));
		assert_true(has_line(r, "GW:1/SA:1/CHLD SK_pr:"));
		assert_true(has_line(r, "GW:1/SA:1/CHLD Diffie-Hellman value:"));
		assert_int_equal(count(r, "cannot find or create IKE SA"), 0);
	}
	assert_true(has_line(&p->b, "SA:1/IKE deleted"));
	assert_true(has_line(&p->b, "GW:1/SA:1/INFO exchange terminated"));
	no_star_sa(p);
}

/* A datagram shorter than an IKE header is logged, under no SA. */
static void test_short_datagram(void **state)
{
	struct ike_pair *p = *state;
	up(p);
	uint8_t junk[10] = { 0 };
	struct endpoint src = { p->a.addr, IKE_PORT }, dst = { p->b.addr, IKE_PORT };
	p->b.transport->recv(p->b.transport->recv_arg, &dst, &src, junk, sizeof(junk));
	assert_true(has_line(&p->b, "IKE header size is not enough 10/28"));
}

/* A local delete: the Delete is retransmitted until answered, the SA kept
 * (DELETING, out of `show ipsec sa`) until then. */
static void test_delete_retransmitted(void **state)
{
	struct ike_pair *p = *state;
	up(p);
	assert_int_equal(ike_delete_sa(p->a.engine, 1), 0);
	assert_int_equal(ike_router_ike_up(&p->a), 0);
	assert_true(memnet_drop_next(p->net));          /* the first Delete */
	ike_pair_run(p, 30000);
	assert_true(has_line(&p->a, "GW:1/SA:1/INFO iWindow retransmit request[msgID:2 cnt:1]"));
	assert_true(has_line(&p->a, "GW:1/SA:1/INFO exchange terminated"));
	assert_true(has_line(&p->a, "SA:1/IKE deleted"));
	assert_true(has_line(&p->b, "SA:1/IKE deleted"));
	assert_int_equal(count(&p->a, "cannot find or create IKE SA"), 0);
	assert_int_equal(count(&p->b, "cannot find or create IKE SA"), 0);
	assert_null(p->a.engine->core.sas);
	no_star_sa(p);
}

/* Both sides delete at once: each answers the other's Delete and goes;
 * nothing lingers, nothing is retried for long. */
static void test_crossing_deletes(void **state)
{
	struct ike_pair *p = *state;
	up(p);
	assert_int_equal(ike_delete_sa(p->a.engine, 1), 0);
	assert_int_equal(ike_delete_sa(p->b.engine, 1), 0);
	ike_pair_run(p, 60000);
	assert_null(p->a.engine->core.sas);
	assert_null(p->b.engine->core.sas);
	assert_true(has_line(&p->a, "SA:1/IKE deleted"));
	assert_true(has_line(&p->b, "SA:1/IKE deleted"));
	assert_int_equal(ike_router_ike_up(&p->a) + ike_router_ike_up(&p->b), 0);
	no_star_sa(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_prefixes_and_roles, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_retransmissions_under_exchange, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_rekey_key_info, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_short_datagram, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_delete_retransmitted, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_crossing_deletes, setup, ike_pair_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
