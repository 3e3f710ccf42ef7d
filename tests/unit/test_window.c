/* Message-ID window of one IKE SA on a virtual clock: retransmission
 * count and interval, timeout, duplicate requests, stale messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/clock.h"
#include "base/ip_addr.h"
#include "base/log.h"
#include "engine/loop.h"
#include "engine/window.h"

struct fx {
	struct clock_virtual clock;
	struct loop *loop;
	struct log *log;
	struct window w;
	unsigned resent, timeouts;
	uint8_t last[8];
	size_t last_len;
};

static int resend(void *arg, const uint8_t *buf, size_t len)
{
	struct fx *f = arg;
	f->resent++;
	f->last_len = len < 8 ? len : 8;
	memcpy(f->last, buf, f->last_len);
	return 0;
}

static void timed_out(void *arg, uint32_t msgid)
{
	(void)msgid;
	((struct fx *)arg)->timeouts++;
}

static const struct window_ops ops = { resend, timed_out };

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	clock_virtual_init(&f->clock, 0);
	f->loop = loop_new(&f->clock.base);
	f->log = log_new(64, &f->clock.base);
	log_set_debug(f->log, true);
	window_init(&f->w, f->loop, f->log, true, &ops, f);
	window_set_retry(&f->w, 3, 2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	window_free(&f->w);
	loop_free(f->loop);
	log_free(f->log);
	free(f);
	return 0;
}

static void advance(struct fx *f, uint64_t ms)
{
	for (uint64_t i = 0; i < ms; i += 100) {
		clock_virtual_advance(&f->clock, 100);
		loop_run_once(f->loop, 0);
	}
}

static const char *line(struct fx *f, size_t i)
{
	return log_get(f->log, i)->text;
}

static void test_retransmit_then_timeout(void **state)
{
	struct fx *f = *state;
	assert_true(window_can_send(&f->w));
	assert_int_equal(window_sent_request(&f->w, 0, (const uint8_t *)"req", 3, "GW:1/SA:1/INIT"), 0);
	assert_false(window_can_send(&f->w));
	assert_int_not_equal(window_sent_request(&f->w, 1, (const uint8_t *)"x", 1, NULL), 0);
	advance(f, 1900);
	assert_int_equal(f->resent, 0);
	advance(f, 100);
	assert_int_equal(f->resent, 1);
	assert_memory_equal(f->last, "req", 3);
	assert_string_equal(line(f, 0), "[IKE2] GW:1/SA:1/INIT iWindow retransmit request[msgID:0 cnt:1]");
	advance(f, 4000);
	assert_int_equal(f->resent, 3);
	assert_int_equal(f->timeouts, 0);
	advance(f, 2000);
	assert_int_equal(f->timeouts, 1);
	assert_string_equal(line(f, 3), "[IKE2] GW:1/SA:1/INIT iWindow retransmission timed out[msgID:0]");
	advance(f, 10000);
	assert_int_equal(f->resent, 3);
}

static void test_response_matching(void **state)
{
	struct fx *f = *state;
	assert_int_equal(window_sent_request(&f->w, 0, (const uint8_t *)"a", 1, "S"), 0);
	assert_false(window_accept_response(&f->w, 1, "S"));
	assert_string_equal(line(f, 0), "[IKE2] S iWindow dropped message[msgID:1]");
	assert_true(window_accept_response(&f->w, 0, "S"));
	assert_int_equal(f->w.msgid_next, 1);
	assert_false(window_accept_response(&f->w, 0, "S"));    /* duplicate */
	advance(f, 10000);
	assert_int_equal(f->resent, 0);
	/* restart for IKE_SA_INIT goes back to ID 0 */
	assert_int_equal(window_sent_request(&f->w, 1, (const uint8_t *)"b", 1, "S"), 0);
	window_restart(&f->w);
	assert_int_equal(f->w.msgid_next, 0);
	assert_true(window_can_send(&f->w));
}

static struct endpoint ep(const char *addr, uint16_t port)
{
	struct endpoint e = { .port = port };
	assert_int_equal(ip_addr_parse(addr, &e.addr), 0);
	return e;
}

#define Q(s) (const uint8_t *)(s), sizeof(s) - 1

static enum window_verdict check(struct fx *f, uint32_t msgid, const char *req,
				 const struct endpoint *from)
{
	struct endpoint cur = ep("192.0.2.2", 500);
	return window_check_request(&f->w, msgid, "S", (const uint8_t *)req, strlen(req),
				    from, &cur);
}

static void test_requests_from_peer(void **state)
{
	struct fx *f = *state;
	struct endpoint peer = ep("192.0.2.2", 500);
	f->w.orig_initiator = false;
	assert_int_equal(check(f, 0, "q0", &peer), WINDOW_NEW);
	assert_int_equal(window_sent_response(&f->w, Q("r0")), 0);
	assert_int_equal(check(f, 0, "q0", &peer), WINDOW_RETRANSMIT);
	assert_int_equal(f->resent, 1);
	assert_memory_equal(f->last, "r0", 2);
	assert_string_equal(line(f, 0), "[IKE2] S rWindow retransmit response[msgID:0]");
	assert_int_equal(check(f, 5, "q5", &peer), WINDOW_DROP);
	assert_string_equal(line(f, 1), "[IKE2] S rWindow dropped message[msgID:5]");
	assert_int_equal(check(f, 1, "q1", &peer), WINDOW_NEW);
	assert_int_equal(window_sent_response(&f->w, Q("r1")), 0);
	assert_int_equal(check(f, 0, "q0", &peer), WINDOW_DROP);   /* too old */
}

/* Issue 15 item 2: a third host that knows the SPIs and the last message
 * ID must not make us reflect the cached response; neither may a changed
 * request from the peer's own address. */
static void test_lookalike_requests(void **state)
{
	struct fx *f = *state;
	struct endpoint peer = ep("192.0.2.2", 500), third = ep("198.51.100.7", 500);
	struct endpoint peer_port = ep("192.0.2.2", 4500), nat = ep("203.0.113.9", 4500);
	f->w.orig_initiator = false;
	assert_int_equal(check(f, 0, "request-0", &peer), WINDOW_NEW);
	/* a forged request with the same ID that never got answered does
	 * not replace the one that did */
	assert_int_equal(window_sent_response(&f->w, Q("resp-0")), 0);
	assert_int_equal(check(f, 0, "request-X", &peer), WINDOW_DROP);
	assert_int_equal(check(f, 0, "request-0", &third), WINDOW_DROP);
	assert_int_equal(check(f, 0, "request-0", &peer_port), WINDOW_DROP);
	assert_int_equal(check(f, 0, "request-", &peer), WINDOW_DROP);
	assert_int_equal(f->resent, 0);
	assert_string_equal(line(f, 0), "[IKE2] S rWindow dropped message[msgID:0]");
	assert_int_equal(check(f, 0, "request-0", &peer), WINDOW_RETRANSMIT);
	assert_int_equal(f->resent, 1);
	/* the SA's current peer address (moved by NAT-T) is also accepted */
	struct endpoint cur = nat;
	assert_int_equal(window_check_request(&f->w, 0, "S", Q("request-0"), &nat, &cur),
			 WINDOW_RETRANSMIT);
	assert_int_equal(f->resent, 2);
	assert_int_equal(window_check_request(&f->w, 0, "S", Q("request-0"), &third, &cur),
			 WINDOW_DROP);
	assert_int_equal(f->resent, 2);
	/* a new request whose processing failed (no response) leaves the
	 * answered one in place */
	assert_int_equal(check(f, 1, "request-1", &third), WINDOW_NEW);
	assert_int_equal(check(f, 0, "request-0", &peer), WINDOW_RETRANSMIT);
	assert_int_equal(f->resent, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_retransmit_then_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_response_matching, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests_from_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookalike_requests, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
