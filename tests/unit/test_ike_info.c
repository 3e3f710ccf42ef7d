/* Two routers, INFORMATIONAL exchanges: Delete of CHILD and IKE SAs from
 * either side, `ipsec sa delete all`, unknown SPIs, the initiator refusing
 * the responder's AUTH, and liveness checks (RFC 4306 keepalive) up to
 * dead peer detection and the way back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/child_sa.h"
#include "base/err.h"
#include "engine/exchange_info.h"
#include "engine/liveness.h"
#include "base/log.h"
#include "tests/ike_pair.h"

static int setup(void **state)
{
	return ike_pair_setup(state, 3);
}

static void up(struct ike_pair *p, struct ike_router *initiator)
{
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(initiator->engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
}

/* The first row of a kind in r's `show ipsec sa`. */
static struct ike_sa_row row(struct ike_router *r, enum ike_sa_kind kind)
{
	struct ike_sa_row *rows, out = { 0 };
	size_t n;
	assert_int_equal(ike_sa_rows(r->engine, &rows, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (rows[i].kind == kind) {
			out = rows[i];
			break;
		}
	free(rows);
	assert_int_not_equal(out.number, 0);
	return out;
}

static size_t count(struct ike_router *r, const char *text)
{
	return ike_router_log_count(r, text);
}

static void assert_kernel_empty(struct ike_router *r)
{
	assert_int_equal(kernel_sim_sa_count(r->kernel), 0);
	assert_int_equal(kernel_sim_policy_count(r->kernel), 0);
	assert_int_equal(kernel_sim_route_count(r->kernel), 0);
}

/* `ipsec sa delete N` for a CHILD SA: gone here at once, the peer told,
 * the peer's answer closing the exchange; the IKE SA stays. */
static void delete_child_from(struct ike_pair *p, struct ike_router *x, struct ike_router *y)
{
	struct ike_sa_row xs = row(x, IKE_SA_ROW_SEND), ys = row(y, IKE_SA_ROW_SEND);
	char line[64];
	assert_int_equal(ike_delete_sa(x->engine, xs.number), 0);
	assert_kernel_empty(x);
	assert_int_equal(kernel_sim_sa_count(y->kernel), 2);
	ike_pair_run(p, 100);
	assert_kernel_empty(y);
	snprintf(line, sizeof(line), "[IKE2] SA:%u/CHLD_SEND deleted", xs.number);
	assert_int_equal(count(x, line), 1);
	snprintf(line, sizeof(line), "[IKE2] SA:%u/CHLD_RECV deleted", xs.number + 1);
	assert_int_equal(count(x, line), 1);
	snprintf(line, sizeof(line), "[IKE2] SA:%u/CHLD_SEND deleted", ys.number);
	assert_int_equal(count(y, line), 1);
	assert_int_equal(count(x, "/SA:1/INFO exchange terminated"), 1);
	assert_int_equal(count(y, "/SA:1/INFO exchange terminated"), 1);
	assert_int_equal(count(x, "not found CHILD SA") + count(y, "not found CHILD SA"), 0);
	assert_int_equal(count(y, "cannot find or create exchange"), 0);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
	assert_int_equal(ike_router_child_up(&p->a) + ike_router_child_up(&p->b), 0);
	/* answered: nothing is retransmitted */
	ike_pair_run(p, 60000);
	assert_int_equal(count(x, "retransmit") + count(y, "retransmit"), 0);
}

static void test_delete_child_from_a(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	delete_child_from(p, &p->a, &p->b);
}

static void test_delete_child_from_b(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	delete_child_from(p, &p->b, &p->a);
	/* the IKE SA still carries requests both ways */
	assert_int_equal(ike_delete_sa(p->a.engine, 1), 0);
	ike_pair_run(p, 100);
	assert_int_equal(ike_router_ike_up(&p->b), 0);
}

static void delete_ike_from(struct ike_pair *p, struct ike_router *x, struct ike_router *y)
{
	unsigned n = row(x, IKE_SA_ROW_IKE).number;
	assert_int_equal(ike_delete_sa(x->engine, n), 0);
	assert_int_equal(ike_router_ike_up(x), 0);
	assert_kernel_empty(x);
	ike_pair_run(p, 100);
	assert_int_equal(ike_router_ike_up(y), 0);
	assert_kernel_empty(y);
	assert_int_equal(count(y, "[IKE2] SA:1/IKE deleted"), 1);
	assert_int_equal(count(y, "/CHLD_SEND deleted"), 1);
	assert_int_equal(count(y, "/CHLD_RECV deleted"), 1);
	assert_int_equal(count(y, "GW:1/SA:1/INFO exchange started"), 1);
	/* a new IKE SA comes up from scratch */
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
}

static void test_delete_ike_from_a(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	delete_ike_from(p, &p->a, &p->b);
}

static void test_delete_ike_from_b(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	delete_ike_from(p, &p->b, &p->a);
}

/* `tunnel disable` tells the peer as well. */
static void test_tunnel_disable(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->b);
	ike_tunnel_enable(p->a.engine, 1, false);
	ike_pair_run(p, 100);
	assert_int_equal(ike_router_ike_up(&p->a) + ike_router_ike_up(&p->b), 0);
	assert_kernel_empty(&p->a);
	assert_kernel_empty(&p->b);
}

static void test_delete_all(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	struct ike_sa_row ra = row(&p->a, IKE_SA_ROW_IKE);
	assert_int_equal(ra.number, 1);
	ike_delete_all(p->a.engine);
	assert_int_equal(ike_router_ike_up(&p->a), 0);
	assert_kernel_empty(&p->a);
	ike_pair_run(p, 100);
	assert_int_equal(ike_router_ike_up(&p->b), 0);
	assert_kernel_empty(&p->b);
	assert_int_equal(count(&p->b, "[IKE2] SA:1/IKE deleted"), 1);
	/* A kept its SA until B's answer came: nothing unknown arrived */
	assert_int_equal(count(&p->a, "cannot find or create IKE SA"), 0);
	assert_int_equal(count(&p->a, "[IKE2] GW:1/SA:1/INFO exchange terminated"), 1);
	assert_int_equal(count(&p->a, "[IKE2] SA:1/IKE deleted"), 1);
}

/* B forgot its CHILD SA; A's Delete names an SPI B does not know. */
static void test_unknown_spi(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	struct ike_sa_row recv = row(&p->a, IKE_SA_ROW_RECV);
	struct ike_sa *sb = p->b.engine->core.sas;
	child_sa_delete(sb->children);
	assert_int_equal(ike_delete_sa(p->a.engine, recv.number), 0);
	ike_pair_run(p, 100);
	char line[96];
	snprintf(line, sizeof(line), "[IKE2] GW:1/SA:1/INFO not found CHILD SA, ignored(SPI:%08x)",
		 (unsigned)recv.spi);
	assert_int_equal(count(&p->b, line), 1);
	assert_int_equal(count(&p->a, "/SA:1/INFO exchange terminated"), 1);
	assert_int_equal(ike_router_ike_up(&p->a) + ike_router_ike_up(&p->b), 2);
	ike_pair_run(p, 60000);
	assert_int_equal(count(&p->a, "retransmit"), 0);
}

/* INVALID_SPI from the peer: our outbound SA there is useless. */
static void test_invalid_spi_notify(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	struct ike_sa_row send = row(&p->b, IKE_SA_ROW_SEND);
	struct ike_sa *sa = p->a.engine->core.sas;
	struct msg m;
	uint8_t spi[4] = { (uint8_t)(send.spi >> 24), (uint8_t)(send.spi >> 16),
			   (uint8_t)(send.spi >> 8), (uint8_t)send.spi };
	msg_init(&m, IKEV2_EXCH_INFORMATIONAL, sa->win.msgid_next, IKEV2_FLAG_INITIATOR);
	assert_non_null(exchange_add_notify(&m, IKEV2_N_INVALID_SPI, true, spi, 4));
	assert_int_equal(msg_io_send(sa, &m, "test"), 0);
	msg_free(&m);
	ike_pair_run(p, 100);
	assert_int_equal(count(&p->b, "GW:1/SA:1/INFO received INVALID_SPI"), 1);
	assert_int_equal(ike_router_child_up(&p->b), 0);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
}

/* A request that decrypts but does not parse (a Delete of ESP SAs naming
 * none) is answered with INVALID_SYNTAX, which ends the IKE SA at A. */
static void test_invalid_syntax(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	struct ike_sa *sa = p->a.engine->core.sas;
	struct msg m;
	uint32_t id = sa->win.msgid_next;
	msg_init(&m, IKEV2_EXCH_INFORMATIONAL, id, IKEV2_FLAG_INITIATOR);
	struct payload *d = msg_add(&m, IKEV2_PAYLOAD_DELETE, true);
	assert_non_null(d);
	d->u.del = (struct payload_delete){ .protocol = IKEV2_PROTO_ESP, .spi_size = 4 };
	assert_int_equal(msg_io_send(sa, &m, "test"), 0);
	msg_free(&m);
	window_set_tag(&sa->win, id, &exchange_info_ops);
	ike_pair_run(p, 100);
	assert_int_equal(count(&p->b, "GW:1/SA:1/INFO cannot process"), 1);
	assert_int_equal(count(&p->a, "GW:1/SA:1/INFO received INVALID_SYNTAX"), 1);
	assert_int_equal(ike_router_ike_up(&p->a), 0);
	assert_kernel_empty(&p->a);
	/* B's window moved on: a retransmission is answered from its cache */
	assert_int_equal(ike_router_ike_up(&p->b), 1);
	ike_pair_replay(p, &p->a);
	ike_pair_run(p, 100);
	assert_int_equal(count(&p->b, "rWindow retransmit response[msgID:2]"), 1);
}

/* Issue 15 item 2 end to end: B answers a copy of A's last request
 * (IKE_AUTH, ID 1) from its cache only when it is the very request, from
 * A; a third host that replays it, or a changed copy from A's address,
 * makes B send nothing towards A. */
static void test_lookalike_not_reflected(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	uint8_t req[sizeof(p->a.last_req)];
	size_t len = p->a.last_req_len;
	memcpy(req, p->a.last_req, len);
	assert_int_equal(req[18], IKEV2_EXCH_IKE_AUTH);
	struct endpoint to = { p->b.addr, IKE_PORT }, a = { p->a.addr, IKE_PORT };
	struct endpoint third = { .port = IKE_PORT }, a_other_port = { p->a.addr, 4501 };
	assert_int_equal(ip_addr_parse("198.51.100.7", &third.addr), 0);
	unsigned sent = p->b.msgs_sent;
	struct transport *t = p->b.transport;
	t->recv(t->recv_arg, &to, &third, req, len);
	t->recv(t->recv_arg, &to, &a_other_port, req, len);
	req[len - 1] ^= 1;                  /* the ICV no longer verifies */
	t->recv(t->recv_arg, &to, &a, req, len);
	ike_pair_run(p, 100);
	assert_int_equal(p->b.msgs_sent, sent);
	assert_int_equal(count(&p->b, "rWindow dropped message[msgID:1]"), 3);
	assert_int_equal(count(&p->b, "retransmit response[msgID:1]"), 0);
	req[len - 1] ^= 1;
	t->recv(t->recv_arg, &to, &a, req, len);
	ike_pair_run(p, 100);
	assert_int_equal(p->b.msgs_sent, sent + 1);
	assert_int_equal(count(&p->b, "rWindow retransmit response[msgID:1]"), 1);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
}

/* A refuses B's AUTH (A's key changed while its request was on the way):
 * A says so in an INFORMATIONAL and B, which thought the SA was up, drops
 * it and its CHILD SA. */
static void test_refused_responder_auth(void **state)
{
	struct ike_pair *p = *state;
	struct memnet_faults f = { .delay_ms = 10 };
	memnet_set_faults(p->net, &f);
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 25);
	memcpy(p->a.config->gateways[0]->psk, "Secret", 6);
	ike_pair_run(p, 100);
	assert_int_equal(count(&p->a, "[IKE2] GW:1/SA:1/AUTH unmatched auth data"), 1);
	assert_int_equal(count(&p->a, "[IKE2] GW:1/SA:1/INFO exchange started"), 1);
	assert_int_equal(count(&p->b, "[IKE2] GW:1/SA:1/INFO received AUTHENTICATION_FAILED"), 1);
	assert_int_equal(count(&p->b, "[IKE2] SA:1/IKE deleted"), 1);
	assert_int_equal(ike_router_ike_up(&p->a) + ike_router_ike_up(&p->b), 0);
	assert_kernel_empty(&p->a);
	assert_kernel_empty(&p->b);
}

/* ---- liveness ----------------------------------------------------------------- */

static struct gateway_config *gw(struct ike_router *r)
{
	return r->config->gateways[0];
}

static void cut(struct ike_pair *p, bool down)
{
	struct memnet_faults f = { .drop_pct = down ? 100 : 0 };
	memnet_set_faults(p->net, &f);
}

/* Defaults 10 s x 6: the first probe after 10 s of silence, then one
 * failure per interval; dead after the sixth. */
static void test_dead_peer(void **state)
{
	struct ike_pair *p = *state;
	gw(&p->a)->keepalive.sw = TRI_ON;
	p->a.config->auto_refresh = true;
	up(p, &p->a);
	cut(p, true);
	ike_pair_run(p, 10000);
	assert_int_equal(count(&p->a, "[IKE2] GW:1/SA:1/INFO send keepalive"), 1);
	ike_pair_run(p, 59000);
	assert_int_equal(count(&p->a, "iWindow retransmit request[msgID:2 cnt:5]"), 1);
	assert_int_equal(count(&p->a, "cnt:6]"), 0);
	assert_int_equal(count(&p->a, "dead peer detection"), 0);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	ike_pair_run(p, 1500);
	assert_int_equal(count(&p->a, "[IKE2] SA:1/IKE dead peer detection"), 1);
	assert_int_equal(count(&p->a, "[IKE2] SA:1/IKE deleted"), 1);
	assert_int_equal(ike_router_ike_up(&p->a), 0);
	assert_kernel_empty(&p->a);
	assert_int_equal(count(&p->a, "received keepalive"), 0);
	/* keepalive keeps the router trying, a retry interval apart, never in
	 * a tight loop; once B is back the tunnel returns */
	ike_pair_run(p, 30000);
	assert_int_equal(count(&p->a, "[IKE2] SA:4/IKE temporarily assigned"), 1);
	assert_int_equal(count(&p->a, "[IKE2] GW:1/SA:4/INIT exchange started"), 1);
	assert_int_equal(count(&p->a, "SA:5/IKE"), 0);
	cut(p, false);
	ike_pair_run(p, 60000);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_router_child_up(&p->a), 1);
	assert_int_equal(kernel_sim_sa_count(p->a.kernel), 2);
}

/* always-on with a short interval and count; auto refresh on the peer. */
static void test_dead_peer_configured(void **state)
{
	struct ike_pair *p = *state;
	gw(&p->a)->keepalive.sw = TRI_ON;
	gw(&p->a)->keepalive.kind = KEEPALIVE_DPD;   /* IKEv2: acts as rfc4306 */
	gw(&p->a)->keepalive.interval = 3;
	gw(&p->a)->keepalive.count = 2;
	gw(&p->a)->always_on = true;
	p->a.config->auto_refresh = true;
	up(p, &p->a);
	cut(p, true);
	ike_pair_run(p, 8500);
	assert_int_equal(count(&p->a, "dead peer detection"), 0);
	ike_pair_run(p, 700);
	assert_int_equal(count(&p->a, "dead peer detection"), 1);
	cut(p, false);
	ike_pair_run(p, 20000);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
}

/* An idle peer that answers: a probe every interval, each answered, with
 * the keepalive lines only while `ipsec ike keepalive log` is on. */
static void test_keepalive_answered(void **state)
{
	struct ike_pair *p = *state;
	gw(&p->a)->keepalive.sw = TRI_ON;
	up(p, &p->a);
	ike_pair_run(p, 35000);
	assert_int_equal(count(&p->a, "[IKE2] GW:1/SA:1/INFO send keepalive"), 3);
	assert_int_equal(count(&p->a, "[IKE2] GW:1/SA:1/INFO received keepalive"), 3);
	assert_int_equal(count(&p->b, "GW:1/SA:1/INFO exchange terminated"), 3);
	assert_int_equal(count(&p->b, "cannot find or create exchange"), 0);
	gw(&p->a)->keepalive.log = false;
	ike_pair_run(p, 30000);
	assert_int_equal(count(&p->a, "send keepalive"), 3);
	assert_int_equal(count(&p->b, "GW:1/SA:1/INFO exchange terminated"), 6);
	assert_int_equal(count(&p->a, "dead peer"), 0);
	/* turned off: no more probes */
	gw(&p->a)->keepalive.sw = TRI_OFF;
	ike_config_changed(p->a.engine);
	ike_pair_run(p, 60000);
	assert_int_equal(count(&p->b, "GW:1/SA:1/INFO exchange terminated"), 6);
}

/* `show status tunnel`'s "[Next send]: N sec after": counts down to the
 * next probe; none on a router that only answers. */
static void test_keepalive_next_send(void **state)
{
	struct ike_pair *p = *state;
	gw(&p->a)->keepalive.sw = TRI_ON;
	gw(&p->a)->keepalive.interval = 20;
	up(p, &p->a);
	struct ike_sa_row ra = row(&p->a, IKE_SA_ROW_IKE);
	assert_in_range(ra.keepalive_next, 19, 20);
	assert_int_equal(row(&p->a, IKE_SA_ROW_SEND).keepalive_next, ra.keepalive_next);
	assert_int_equal(row(&p->b, IKE_SA_ROW_IKE).keepalive_next, -1);
	ike_pair_run(p, 5000);
	assert_int_equal(row(&p->a, IKE_SA_ROW_IKE).keepalive_next, ra.keepalive_next - 5);
	/* a probe went out and was answered: the next one an interval later */
	ike_pair_run(p, 16000);
	assert_int_equal(count(&p->a, "send keepalive"), 1);
	assert_in_range(row(&p->a, IKE_SA_ROW_IKE).keepalive_next, 18, 20);
}

/* The default `auto` only answers: nothing is sent by itself. */
static void test_keepalive_auto(void **state)
{
	struct ike_pair *p = *state;
	up(p, &p->a);
	unsigned sent = p->a.msgs_sent + p->b.msgs_sent;
	ike_pair_run(p, 120000);
	assert_int_equal(p->a.msgs_sent + p->b.msgs_sent, sent);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
}

/* Traffic from the peer postpones the probe. */
static void test_keepalive_postponed(void **state)
{
	struct ike_pair *p = *state;
	gw(&p->a)->keepalive.sw = TRI_ON;
	gw(&p->b)->keepalive.sw = TRI_ON;
	gw(&p->b)->keepalive.interval = 7;
	up(p, &p->a);
	/* B probes every 7 s, each probe is heard by A within its 10 s */
	ike_pair_run(p, 40000);
	assert_int_equal(count(&p->b, "send keepalive"), 5);
	assert_int_equal(count(&p->a, "send keepalive"), 0);
}

/* A Delete asked for while our probe is in flight waits for it (window
 * of one) and then goes out by itself. */
static void test_delete_queued_behind_probe(void **state)
{
	struct ike_pair *p = *state;
	struct memnet_faults slow = { .delay_ms = 50 };
	gw(&p->a)->keepalive.sw = TRI_ON;
	up(p, &p->a);
	memnet_set_faults(p->net, &slow);
	for (int i = 0; i < 1100 && !count(&p->a, "send keepalive"); i++)
		ike_pair_run(p, 10);
	assert_int_equal(count(&p->a, "send keepalive"), 1);
	assert_int_equal(count(&p->a, "received keepalive"), 0);
	assert_int_equal(ike_delete_sa(p->a.engine, row(&p->a, IKE_SA_ROW_SEND).number), 0);
	assert_kernel_empty(&p->a);
	assert_int_equal(kernel_sim_sa_count(p->b.kernel), 2);
	ike_pair_run(p, 500);
	assert_int_equal(count(&p->a, "received keepalive"), 1);
	assert_int_equal(count(&p->a, "GW:1/SA:1/INFO exchange terminated"), 2);
	assert_kernel_empty(&p->b);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
}

/* upwait: the tunnel counts as up only that long after the SA came up. */
static void test_upwait(void **state)
{
	struct ike_pair *p = *state;
	gw(&p->a)->keepalive.upwait = 30;
	up(p, &p->a);
	struct ike_sa *sa = p->a.engine->core.sas;
	assert_false(liveness_tunnel_up(sa));
	ike_pair_run(p, 29000);
	assert_false(liveness_tunnel_up(sa));
	ike_pair_run(p, 1500);
	assert_true(liveness_tunnel_up(sa));
	assert_true(liveness_tunnel_up(p->b.engine->core.sas));   /* B: upwait 0 */
}

/* ---- the auto refresh rule (reference 1.4) ------------------------------------ */

/* With `ipsec auto refresh off` the router only answers: after dead peer
 * detection neither side starts again, keepalive and always-on or not. */
static void test_dead_peer_refresh_off(void **state)
{
	struct ike_pair *p = *state;
	gw(&p->a)->keepalive.sw = TRI_ON;
	gw(&p->a)->always_on = true;
	gw(&p->b)->keepalive.sw = TRI_ON;
	gw(&p->b)->always_on = true;
	up(p, &p->a);
	cut(p, true);
	ike_pair_run(p, 80000);
	assert_int_equal(count(&p->a, "dead peer detection"), 1);
	cut(p, false);
	unsigned a_init = p->a.init_sent, b_init = p->b.init_sent;
	ike_pair_run(p, 60000);
	assert_int_equal(p->a.init_sent, a_init);
	assert_int_equal(p->b.init_sent, b_init);
	assert_int_equal(ike_router_ike_up(&p->a), 0);
}

/* SAs removed (`ipsec sa delete`, the peer's Delete of the IKE SA or of
 * the CHILD SA): with auto refresh on, A negotiates them again a retry
 * interval later; with it off nothing comes back by itself. */
static void removed(struct ike_pair *p, bool refresh, int how)
{
	p->a.config->auto_refresh = refresh;
	up(p, &p->a);
	struct ike_sa *sa = p->a.engine->core.sas, *sb = p->b.engine->core.sas;
	if (how == 0)
		exchange_info_delete_ike(sa);            /* A: ipsec sa delete */
	else if (how == 1)
		exchange_info_delete_ike(sb);            /* B's Delete of the IKE SA */
	else
		exchange_info_delete_child(sb, sb->children);   /* of the CHILD SA */
	ike_pair_run(p, 500);
	assert_int_equal(ike_router_child_up(&p->a), 0);
	ike_pair_run(p, 10000);
	assert_int_equal(ike_router_child_up(&p->a), refresh ? 1 : 0);
	assert_int_equal(ike_router_child_up(&p->b), refresh ? 1 : 0);
	assert_int_equal(kernel_sim_sa_count(p->b.kernel), refresh ? 2u : 0u);
}

static void test_refresh_on_after_delete(void **state)
{
	removed(*state, true, 0);
}

static void test_refresh_on_after_peer_delete(void **state)
{
	removed(*state, true, 1);
}

static void test_refresh_on_after_peer_child_delete(void **state)
{
	removed(*state, true, 2);
}

static void test_refresh_off_after_delete(void **state)
{
	removed(*state, false, 0);
}

static void test_refresh_off_after_peer_child_delete(void **state)
{
	removed(*state, false, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_delete_child_from_a, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_delete_child_from_b, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_delete_ike_from_a, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_delete_ike_from_b, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_tunnel_disable, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_delete_all, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_spi, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_invalid_spi_notify, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_invalid_syntax, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_refused_responder_auth, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_dead_peer, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_dead_peer_configured, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_answered, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_next_send, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_auto, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_postponed, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_delete_queued_behind_probe, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_upwait, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_lookalike_not_reflected, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_dead_peer_refresh_off, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_refresh_on_after_delete, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_refresh_on_after_peer_delete, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_refresh_on_after_peer_child_delete, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_refresh_off_after_delete, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_refresh_off_after_peer_child_delete, setup,
						ike_pair_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
