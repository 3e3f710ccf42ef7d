/* `ipsec ike keepalive use 1 on icmp-echo IP [length=N] [interval count
 * [upwait]]` (reference 1.14, form 3) between two routers on the sim:
 * A pings B's LAN address through tunnel 1 every interval (the sim
 * records each ping, the test answers it or not); `count` unanswered in a
 * row and A's SA goes as for a dead peer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "base/err.h"
#include "engine/config.h"
#include "engine/liveness.h"
#include "kernel/kernel.h"
#include "tests/ike_pair.h"

static int setup(void **state) { return ike_pair_setup(state, 0x1c3e); }

static struct gateway_config *gw(struct ike_router *r)
{
	return r->config->gateways[0];
}

/* A: icmp-echo to B's LAN 10.0.2.1, interval 10, count 3, from its own
 * LAN address 10.0.1.1; then up. */
static void up_with_echo(struct ike_pair *p, enum tristate sw, unsigned upwait)
{
	struct gateway_config *g = gw(&p->a);
	g->keepalive.sw = sw;
	g->keepalive.kind = KEEPALIVE_ICMP_ECHO;
	g->keepalive.icmp_target = strdup("10.0.2.1");
	assert_non_null(g->keepalive.icmp_target);
	g->keepalive.icmp_length = 100;
	g->keepalive.interval = 10;
	g->keepalive.count = 3;
	g->keepalive.upwait = upwait;
	p->a.config->lan[1] = (struct lan_config){ .set = true, .len = 24 };
	assert_int_equal(ip_addr_parse("10.0.1.1", &p->a.config->lan[1].addr), 0);
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
}

/* Runs until ms after A's IKE SA was established (the keepalive's
 * intervals count from there, whatever the handshake took). */
static void run_to(struct ike_pair *p, uint64_t ms)
{
	uint64_t at = p->a.engine->core.sas->established_ms + ms;
	assert_true(at >= p->clock.now_ms);
	ike_pair_run(p, at - p->clock.now_ms);
}

static size_t pings(struct ike_pair *p)
{
	return kernel_sim_ping_count(p->a.kernel);
}

static void answer_last(struct ike_pair *p)
{
	const struct kernel_sim_ping *last = kernel_sim_ping_get(p->a.kernel, pings(p) - 1);
	assert_non_null(last);
	struct kernel_sim_ping copy = *last;
	kernel_sim_echo_reply(p->a.kernel, &copy);
}

static size_t count(struct ike_router *r, const char *text)
{
	return ike_router_log_count(r, text);
}

/* One echo an interval, each answered: the keepalive lines, the ping's
 * addresses, length and tunnel, and the SA stays. */
static void test_answered(void **state)
{
	struct ike_pair *p = *state;
	up_with_echo(p, TRI_ON, 0);
	run_to(p, 9900);
	assert_int_equal(pings(p), 0);
	run_to(p, 10100);
	assert_int_equal(pings(p), 1);
	const struct kernel_sim_ping *e = kernel_sim_ping_get(p->a.kernel, 0);
	char src[48], dst[48];
	assert_string_equal(ip_addr_str(&e->src, src, sizeof(src)), "10.0.1.1");
	assert_string_equal(ip_addr_str(&e->dst, dst, sizeof(dst)), "10.0.2.1");
	assert_int_equal(e->tunnel, 1);
	assert_int_equal(e->length, 100);
	assert_int_equal(count(&p->a, "GW:1/SA:1/INFO send keepalive"), 1);
	for (int i = 0; i < 10; i++) {
		answer_last(p);
		ike_pair_run(p, 10000);
	}
	assert_int_equal(pings(p), 11);
	assert_int_equal(count(&p->a, "GW:1/SA:1/INFO received keepalive"), 10);
	assert_int_equal(count(&p->a, "dead peer detection"), 0);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	/* B, without icmp-echo of its own, pings nothing */
	assert_int_equal(kernel_sim_ping_count(p->b.kernel), 0);
}

/* Nobody answers: a miss at each interval after the first echo, the
 * third one ends the SA as a dead peer, and with it the CHILD SA. */
static void test_unanswered(void **state)
{
	struct ike_pair *p = *state;
	up_with_echo(p, TRI_ON, 0);
	run_to(p, 39900);   /* echo 1 at 10 s; misses and echoes 2, 3 at 20 s, 30 s */
	assert_int_equal(pings(p), 3);
	assert_int_equal(count(&p->a, "dead peer detection"), 0);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	run_to(p, 40100);   /* the third miss */
	assert_int_equal(count(&p->a, "[IKE2] SA:1/IKE dead peer detection"), 1);
	assert_int_equal(ike_router_ike_up(&p->a), 0);
	assert_int_equal(ike_router_child_up(&p->a), 0);
	assert_int_equal(pings(p), 3);
}

/* An answer, even late (to an echo already counted as missed), resets
 * the count of misses. */
static void test_late_answer_resets(void **state)
{
	struct ike_pair *p = *state;
	up_with_echo(p, TRI_ON, 0);
	run_to(p, 10100);
	struct kernel_sim_ping first = *kernel_sim_ping_get(p->a.kernel, 0);
	run_to(p, 30100);   /* two misses */
	kernel_sim_echo_reply(p->a.kernel, &first);
	assert_int_equal(count(&p->a, "received keepalive"), 1);
	/* 40 s: nothing awaited, an echo; 50 s and 60 s: two misses */
	run_to(p, 69900);
	assert_int_equal(count(&p->a, "dead peer detection"), 0);
	run_to(p, 70100);   /* the third */
	assert_int_equal(count(&p->a, "dead peer detection"), 1);
}

/* A reply from anyone but the target, or to an echo not ours, counts
 * not. */

static void test_wrong_reply_ignored(void **state)
{
	struct ike_pair *p = *state;
	up_with_echo(p, TRI_ON, 0);
	run_to(p, 10100);
	struct kernel_sim_ping e = *kernel_sim_ping_get(p->a.kernel, 0);
	struct kernel_sim_ping other = e;
	assert_int_equal(ip_addr_parse("10.0.2.99", &other.dst), 0);
	kernel_sim_echo_reply(p->a.kernel, &other);
	other = e;
	other.id ^= 1;
	kernel_sim_echo_reply(p->a.kernel, &other);
	other = e;
	other.seq += 5;
	kernel_sim_echo_reply(p->a.kernel, &other);
	assert_int_equal(count(&p->a, "received keepalive"), 0);
	run_to(p, 40100);
	assert_int_equal(count(&p->a, "dead peer detection"), 1);
}

/* upwait: no echo before the tunnel counts as up; `auto` acts as `on`;
 * `show status tunnel`'s next send counts down to the next echo. */
static void test_upwait_auto_next_send(void **state)
{
	struct ike_pair *p = *state;
	up_with_echo(p, TRI_AUTO, 25);
	struct ike_sa *sa = p->a.engine->core.sas;
	uint64_t now = p->clock.now_ms;
	assert_in_range(liveness_next_send(sa, now), 9, 10);
	run_to(p, 29900);
	assert_int_equal(pings(p), 0);       /* 10 s and 20 s: within upwait */
	run_to(p, 30100);
	assert_int_equal(pings(p), 1);
	assert_in_range(liveness_next_send(sa, p->clock.now_ms), 9, 10);
	assert_int_equal(count(&p->a, "dead peer detection"), 0);
}

/* off: nothing is sent. */
static void test_off(void **state)
{
	struct ike_pair *p = *state;
	up_with_echo(p, TRI_OFF, 0);
	ike_pair_run(p, 100000);
	assert_int_equal(pings(p), 0);
	assert_int_equal(liveness_next_send(p->a.engine->core.sas, p->clock.now_ms), -1);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_answered, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_unanswered, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_late_answer_resets, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_reply_ignored, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_upwait_auto_next_send, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_off, setup, ike_pair_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
