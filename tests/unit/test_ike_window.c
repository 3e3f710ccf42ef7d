/* Window size above 1 (SET_WINDOW_SIZE, RFC 7296 2.3; `ipsec ike
 * window-size`, an rtxsh extension) between two routers: with 4 on both
 * sides, four CHILD SA Deletes asked for at once are four requests in
 * flight together, all answered; under loss each is retransmitted on its
 * own. Without the command, or with a peer that announces nothing (as
 * strongSwan and an RTX do), the same requests go out one at a time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/config.h"
#include "engine/exchange.h"
#include "engine/exchange_child.h"
#include "engine/ike_sa.h"
#include "engine/memnet.h"
#include "engine/rekey.h"
#include "engine/window_size.h"
#include "engine/transport.h"
#include "tests/ike_pair.h"

static int setup(void **state)
{
	return ike_pair_setup(state, 17);
}

/* A's requests as the tap saw them: which are unanswered, how many were
 * at most, and the requests that were not the first of their ID. */
struct ledger {
	struct ike_pair *p;
	uint64_t open;           /* bit per message ID below 64 */
	unsigned requests, most, repeats;
	uint64_t seen;
};

static uint32_t msgid_of(const uint8_t *d)
{
	return (uint32_t)d[20] << 24 | (uint32_t)d[21] << 16 | (uint32_t)d[22] << 8 | d[23];
}

static unsigned bits(uint64_t v)
{
	unsigned n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

static void watch(void *arg, const struct endpoint *src, const struct endpoint *dst,
		  const uint8_t *dgram, size_t len)
{
	(void)dst;
	struct ledger *l = arg;
	if (len < 28 || src->port != IKE_PORT || msgid_of(dgram) >= 64)
		return;
	uint64_t bit = 1ull << msgid_of(dgram);
	bool from_a = ip_addr_equal(&src->addr, &l->p->a.addr);
	bool response = dgram[19] & 0x20;
	if (from_a && !response) {
		l->repeats += (l->seen & bit) != 0;
		l->seen |= bit;
		l->open |= bit;
		l->requests++;
		if (bits(l->open) > l->most)
			l->most = bits(l->open);
	} else if (!from_a && response) {
		l->open &= ~bit;
	}
}

static void set_window(struct ike_router *r, unsigned n)
{
	r->config->gateways[0]->window_size = n;
}

static struct ike_sa *the_ike(struct ike_router *r)
{
	return r->engine->core.sas;
}

static size_t n_children(struct ike_router *r)
{
	size_t n = 0;
	for (struct child_sa *c = the_ike(r)->children; c; c = c->next)
		n++;
	return n;
}

/* Up with 4 CHILD SAs of tunnel 1 on one IKE SA: the first from IKE_AUTH,
 * three more by CREATE_CHILD_SA (one at a time: sa->cx). */
static void up_with_four(struct ike_pair *p)
{
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(exchange_child_start(the_ike(&p->a), CX_NEW, NULL, 1), 0);
		ike_pair_run(p, 1000);
	}
	assert_int_equal(n_children(&p->a), 4);
	assert_int_equal(n_children(&p->b), 4);
}

/* All four CHILD SAs of A asked to go at once. */
static void delete_all_children(struct ike_pair *p)
{
	unsigned nums[4], n = 0;
	for (struct child_sa *c = the_ike(&p->a)->children; c; c = c->next)
		nums[n++] = c->num_send;
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(ike_delete_sa(p->a.engine, nums[i]), 0);
}

static void test_four_in_flight(void **state)
{
	struct ike_pair *p = *state;
	set_window(&p->a, 4);
	set_window(&p->b, 4);
	up_with_four(p);
	struct ike_sa *a = the_ike(&p->a), *b = the_ike(&p->b);
	assert_int_equal(a->win.send_size, 4);
	assert_int_equal(a->win.recv_size, 4);
	assert_int_equal(b->win.send_size, 4);
	assert_int_equal(ike_router_log_count(&p->a, "GW:1/SA:1/AUTH iWindow size[send:4 receive:4]"), 1);
	assert_int_equal(ike_router_log_count(&p->b, "GW:1/SA:1/AUTH rWindow size[send:4 receive:4]"), 1);
	struct ledger l = { .p = p };
	memnet_set_tap(p->net, watch, &l);
	delete_all_children(p);
	assert_int_equal(a->win.npending, 4);       /* before any answer */
	ike_pair_run(p, 1000);
	assert_int_equal(l.requests, 4);
	assert_int_equal(l.most, 4);
	assert_int_equal(l.open, 0);
	assert_int_equal(l.repeats, 0);
	assert_true(window_idle(&a->win));
	assert_int_equal(ike_router_child_up(&p->a), 0);
	assert_int_equal(ike_router_child_up(&p->b), 0);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_router_log_count(&p->a, "iWindow dropped") +
			 ike_router_log_count(&p->b, "rWindow dropped"), 0);
}

/* Loss: of the four Deletes in flight the first and the third are lost.
 * B answers the second and fourth at once, above the gap (out of order);
 * A retransmits just the two lost ones, each on its own timer, and B
 * takes them as new although higher IDs were answered first. */
static void test_loss_retransmits_each(void **state)
{
	struct ike_pair *p = *state;
	set_window(&p->a, 4);
	set_window(&p->b, 4);
	up_with_four(p);
	struct ike_sa *a = the_ike(&p->a), *b = the_ike(&p->b);
	uint32_t first = a->win.msgid_next;
	struct ledger l = { .p = p };
	memnet_set_tap(p->net, watch, &l);
	delete_all_children(p);
	assert_int_equal(memnet_in_flight(p->net), 4);
	assert_true(memnet_drop_next(p->net));      /* first */
	assert_true(memnet_deliver_next(p->net));   /* second, answered */
	assert_true(memnet_drop_next(p->net));      /* third */
	ike_pair_run(p, 1000);                      /* fourth, and the answers */
	assert_int_equal(b->win.msgid_expect, first);
	assert_true(window_answered(&b->win, first + 1));
	assert_true(window_answered(&b->win, first + 3));
	assert_int_equal(a->win.npending, 2);
	assert_true(window_awaits(&a->win, first) && window_awaits(&a->win, first + 2));
	ike_pair_run(p, 10000);
	assert_int_equal(l.requests, 6);
	assert_int_equal(l.repeats, 2);
	assert_int_equal(l.open, 0);
	char line[96];
	snprintf(line, sizeof(line), "iWindow retransmit request[msgID:%u cnt:1]", (unsigned)first);
	assert_int_equal(ike_router_log_count(&p->a, line), 1);
	snprintf(line, sizeof(line), "iWindow retransmit request[msgID:%u cnt:1]",
		 (unsigned)first + 2);
	assert_int_equal(ike_router_log_count(&p->a, line), 1);
	assert_int_equal(ike_router_log_count(&p->a, "iWindow retransmit request"), 2);
	assert_int_equal(b->win.msgid_expect, first + 4);
	assert_int_equal(ike_router_child_up(&p->a), 0);
	assert_int_equal(ike_router_child_up(&p->b), 0);
	assert_int_equal(ike_router_log_count(&p->b, "rWindow dropped"), 0);
}

/* A probe alongside a CREATE_CHILD_SA: A's CHILD SA rekey request is lost,
 * and while it waits for its retransmission A's keepalive probes go out
 * beside it (at window 1 they would wait); the rekey completes on its
 * retransmission and every probe is answered. */
static void test_probe_beside_rekey(void **state)
{
	struct ike_pair *p = *state;
	set_window(&p->a, 4);
	set_window(&p->b, 4);
	struct gateway_config *ga = p->a.config->gateways[0];
	ga->keepalive.sw = TRI_ON;
	ga->keepalive.interval = 1;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	struct ledger l = { .p = p };
	memnet_set_tap(p->net, watch, &l);
	struct child_sa *c = the_ike(&p->a)->children;
	unsigned old = c->num_send;
	assert_int_equal(rekey_sa_number(p->a.engine, old), 0);
	assert_int_equal(memnet_in_flight(p->net), 1);
	assert_true(memnet_drop_next(p->net));          /* the CREATE_CHILD_SA */
	ike_pair_run(p, 4000);
	assert_non_null(the_ike(&p->a)->cx);            /* still waiting */
	assert_true(l.most >= 2);                       /* probes beside it */
	ike_pair_run(p, 4000);
	assert_null(the_ike(&p->a)->cx);
	assert_int_equal(l.open, 0);
	assert_int_equal(ike_router_log_count(&p->a, "GW:1/SA:1/CHLD iWindow retransmit request"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "dead peer"), 0);
	assert_int_equal(ike_router_log_count(&p->a, "iWindow dropped") +
			 ike_router_log_count(&p->b, "rWindow dropped"), 0);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_true(ike_router_child_up(&p->a) >= 1);
	assert_true(ike_router_child_up(&p->b) >= 1);
}

/* What A makes of B's SET_WINDOW_SIZE data (RFC 7296 3.10.1: a 4-byte
 * count): the smaller of it and A's own size; 0, a malformed length or no
 * notify at all count as 1. */
static uint32_t adopt(struct ike_sa *sa, const uint8_t *data, size_t len, bool notify)
{
	struct msg m;
	msg_init(&m, IKEV2_EXCH_IKE_AUTH, 1, IKEV2_FLAG_RESPONSE);
	if (notify)
		assert_non_null(exchange_add_notify(&m, IKEV2_N_SET_WINDOW_SIZE, true, data, len));
	window_size_adopt(sa, &m);
	msg_free(&m);
	return sa->win.send_size;
}

static void test_adopt_rules(void **state)
{
	struct ike_pair *p = *state;
	set_window(&p->a, 4);
	up_with_four(p);
	struct ike_sa *a = the_ike(&p->a);
	const uint8_t two[4] = { 0, 0, 0, 2 }, zero[4] = { 0 }, big[4] = { 0, 1, 0, 0 };
	assert_int_equal(adopt(a, two, 4, true), 2);
	assert_int_equal(adopt(a, big, 4, true), 4);       /* our 4 bounds it */
	assert_int_equal(adopt(a, zero, 4, true), 1);
	assert_int_equal(adopt(a, two, 3, true), 1);       /* malformed */
	assert_int_equal(adopt(a, two, 4, true), 2);
	assert_int_equal(adopt(a, NULL, 0, false), 1);     /* none */
	assert_int_equal(a->win.recv_size, 4);
	assert_int_equal(ike_router_log_count(&p->a, "iWindow size[send:2 receive:4]"), 2);
	/* without the command A adopts nothing, whatever B says */
	set_window(&p->a, 1);
	assert_int_equal(adopt(a, two, 4, true), 1);
	assert_int_equal(ike_router_log_count(&p->a, "iWindow size[send:2"), 2);
}

/* The peer's window bounds ours: B says 2, A keeps 2 outstanding. */
static void test_peer_window_bounds(void **state)
{
	struct ike_pair *p = *state;
	set_window(&p->a, 4);
	set_window(&p->b, 2);
	up_with_four(p);
	assert_int_equal(the_ike(&p->a)->win.send_size, 2);
	assert_int_equal(the_ike(&p->b)->win.send_size, 2);
	struct ledger l = { .p = p };
	memnet_set_tap(p->net, watch, &l);
	delete_all_children(p);
	ike_pair_run(p, 1000);
	assert_int_equal(l.requests, 4);
	assert_int_equal(l.most, 2);
	assert_int_equal(ike_router_child_up(&p->b), 0);
}

/* Without the command on one side nothing changes: no SET_WINDOW_SIZE
 * from B (as from strongSwan), so A with 4 stays at 1 and says so; B
 * never hears of a window. */
static void test_peer_without_notify(void **state)
{
	struct ike_pair *p = *state;
	set_window(&p->a, 4);
	up_with_four(p);
	assert_int_equal(the_ike(&p->a)->win.send_size, 1);
	assert_int_equal(the_ike(&p->b)->win.send_size, 1);
	assert_int_equal(the_ike(&p->b)->win.recv_size, 1);
	assert_int_equal(ike_router_log_count(&p->a, "iWindow size[send:1 receive:4]"), 1);
	assert_int_equal(ike_router_log_count(&p->b, "Window size"), 0);
	struct ledger l = { .p = p };
	memnet_set_tap(p->net, watch, &l);
	delete_all_children(p);
	ike_pair_run(p, 1000);
	assert_int_equal(l.requests, 4);
	assert_int_equal(l.most, 1);
	assert_int_equal(ike_router_child_up(&p->b), 0);
}

/* Neither side configured: no notify, window 1, nothing logged. */
static void test_default_off(void **state)
{
	struct ike_pair *p = *state;
	up_with_four(p);
	assert_int_equal(the_ike(&p->a)->win.send_size, 1);
	assert_int_equal(the_ike(&p->b)->win.recv_size, 1);
	assert_null(the_ike(&p->a)->win.more);
	assert_int_equal(ike_router_log_count(&p->a, "Window size") +
			 ike_router_log_count(&p->b, "Window size"), 0);
	struct ledger l = { .p = p };
	memnet_set_tap(p->net, watch, &l);
	delete_all_children(p);
	ike_pair_run(p, 1000);
	assert_int_equal(l.most, 1);
	assert_int_equal(l.requests, 4);
}

/* message-id-control on keeps A at one request although both announce 4;
 * B, which has no such switch, still uses A's window. */
static void test_message_id_control_wins(void **state)
{
	struct ike_pair *p = *state;
	set_window(&p->a, 4);
	set_window(&p->b, 4);
	p->a.config->gateways[0]->message_id_control = true;
	up_with_four(p);
	assert_int_equal(the_ike(&p->a)->win.send_size, 1);
	assert_int_equal(the_ike(&p->a)->win.recv_size, 4);
	assert_int_equal(the_ike(&p->b)->win.send_size, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_four_in_flight, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_loss_retransmits_each, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_probe_beside_rekey, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_adopt_rules, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_peer_window_bounds, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_peer_without_notify, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_default_off, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_message_id_control_wins, setup,
						ike_pair_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
