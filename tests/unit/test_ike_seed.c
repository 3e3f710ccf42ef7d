/* Seed commands that change nothing on the wire in IKEv2, or only what
 * rtxsh always does, proved with two routers (reference 1.5, 1.21):
 * `ipsec ike negotiate-strictly on` is IKEv1 only (an IKEv2 responder
 * still accepts anything it supports), and `ipsec ike message-id-control
 * on` (window size 1) holds: never two requests of ours outstanding.
 * (`ipsec ike send info off`, IKEv1 only too, is never read by the
 * engine; tests/loopback/two_routers.sh sets it and still sees the Delete
 * reach the peer.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/config.h"
#include "engine/ike_sa.h"
#include "engine/memnet.h"
#include "engine/transport.h"
#include "engine/rekey.h"
#include "tests/ike_pair.h"

static int setup(void **state)
{
	return ike_pair_setup(state, 5);
}

/* B refuses nothing it supports although strict: the IKEv1-only switch. */
static void test_negotiate_strictly_ignored(void **state)
{
	struct ike_pair *p = *state;
	struct gateway_config *ga = p->a.config->gateways[0], *gb = p->b.config->gateways[0];
	gb->negotiate_strictly = true;
	gb->encryption = IKEV2_ENCR_AES_CBC;
	gb->encryption_bits = 256;
	gb->hash = IKEV2_PRF_HMAC_SHA2_256;
	ga->proposal_limitation = true;      /* A offers 3des-cbc / sha alone */
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	assert_int_equal(p->b.engine->core.sas->prop.encr->id, IKEV2_ENCR_3DES);
	assert_int_equal(p->b.engine->core.sas->prop.prf->id, IKEV2_PRF_HMAC_SHA1);
}

/* What the tap saw of A's requests and B's responses. */
struct ledger {
	struct ike_pair *p;
	bool outstanding;
	uint32_t msgid;          /* of the outstanding request */
	unsigned requests, overlaps;
};

static uint32_t msgid_of(const uint8_t *d)
{
	return (uint32_t)d[20] << 24 | (uint32_t)d[21] << 16 | (uint32_t)d[22] << 8 | d[23];
}

static void watch(void *arg, const struct endpoint *src, const struct endpoint *dst,
		  const uint8_t *dgram, size_t len)
{
	(void)dst;
	struct ledger *l = arg;
	if (len < 28 || src->port != IKE_PORT)
		return;
	bool from_a = ip_addr_equal(&src->addr, &l->p->a.addr);
	bool response = dgram[19] & 0x20;
	if (from_a && !response) {
		uint32_t id = msgid_of(dgram);
		if (l->outstanding && id != l->msgid)
			l->overlaps++;      /* a new request while one is unanswered */
		l->outstanding = true;
		l->msgid = id;
		l->requests++;
	} else if (!from_a && response && msgid_of(dgram) == l->msgid) {
		l->outstanding = false;
	}
}

/* message-id-control on: a CHILD SA rekey, a keepalive probe and a CHILD
 * SA Delete asked for at once go out one after the other. */
static void test_message_id_control(void **state)
{
	struct ike_pair *p = *state;
	struct gateway_config *ga = p->a.config->gateways[0];
	ga->message_id_control = true;
	ga->keepalive.sw = TRI_ON;
	ga->keepalive.interval = 1;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	struct ledger l = { .p = p };
	memnet_set_tap(p->net, watch, &l);
	struct child_sa *c = p->a.engine->core.sas->children;
	assert_non_null(c);
	unsigned old = c->num_send;
	assert_int_equal(rekey_sa_number(p->a.engine, old), 0);
	ike_pair_run(p, 1500);                  /* a probe falls due meanwhile */
	assert_int_equal(ike_delete_sa(p->a.engine, p->a.engine->core.sas->children->num_send), 0);
	ike_pair_run(p, 5000);
	assert_true(l.requests >= 3);
	assert_int_equal(l.overlaps, 0);
	assert_int_equal(ike_router_log_count(&p->a, "iWindow dropped") +
			 ike_router_log_count(&p->b, "rWindow dropped"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_negotiate_strictly_ignored, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_message_id_control, setup, ike_pair_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
