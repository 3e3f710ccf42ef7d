/* Message-ID window of one IKE SA on a virtual clock: retransmission
 * count and interval, timeout, duplicate requests, stale messages; and
 * the jitter that keeps many SAs from retransmitting in step; windows
 * above 1 (SET_WINDOW_SIZE): requests in flight together, each retried and
 * given up on its own, and the peer's requests out of order, each answered
 * once and retransmitted from its own cached response. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/clock.h"
#include "base/err.h"
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
	uint32_t timeout_id;
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
	((struct fx *)arg)->timeouts++;
	((struct fx *)arg)->timeout_id = msgid;
}

/* No randomness: every attempt on its nominal time. */
static const struct window_ops ops = { .resend = resend, .timed_out = timed_out };

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
	assert_int_equal(window_sent_response(&f->w, 0, Q("r0")), 0);
	assert_int_equal(check(f, 0, "q0", &peer), WINDOW_RETRANSMIT);
	assert_int_equal(f->resent, 1);
	assert_memory_equal(f->last, "r0", 2);
	assert_string_equal(line(f, 0), "[IKE2] S rWindow retransmit response[msgID:0]");
	assert_int_equal(check(f, 5, "q5", &peer), WINDOW_DROP);
	assert_string_equal(line(f, 1), "[IKE2] S rWindow dropped message[msgID:5]");
	assert_int_equal(check(f, 1, "q1", &peer), WINDOW_NEW);
	assert_int_equal(window_sent_response(&f->w, 1, Q("r1")), 0);
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
	assert_int_equal(window_sent_response(&f->w, 0, Q("resp-0")), 0);
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

/* ---- windows above 1 -------------------------------------------------------- */

#define R(s) (const uint8_t *)(s), sizeof(s) - 1

/* Four requests in flight, each on its own timer: the second, sent a
 * second later, is retransmitted a second later and given up on a second
 * later; answers come in any order, but the next ID waits for the oldest
 * outstanding one (the window is a span of IDs); a stranger's ID
 * completes nothing. */
static void test_concurrent_requests(void **state)
{
	struct fx *f = *state;
	assert_int_equal(window_set_size(&f->w, 4, 1), 0);
	assert_int_equal(window_sent_request(&f->w, 0, R("q0"), "S"), 0);
	advance(f, 1000);
	for (uint32_t id = 1; id < 4; id++) {
		assert_true(window_can_send(&f->w));
		assert_int_equal(window_sent_request(&f->w, id, R("qN"), "S"), 0);
	}
	assert_false(window_can_send(&f->w));
	assert_int_equal(window_sent_request(&f->w, 4, R("q4"), "S"), -RTX_EEXIST);
	assert_int_equal(f->w.msgid_next, 4);
	window_set_tag(&f->w, 2, "two");
	assert_string_equal(window_tag(&f->w, 2), "two");
	assert_null(window_tag(&f->w, 4));

	advance(f, 1000);                   /* t = 2000: request 0's first retry */
	assert_int_equal(f->resent, 1);
	assert_memory_equal(f->last, "q0", 2);
	assert_string_equal(line(f, 0), "[IKE2] S iWindow retransmit request[msgID:0 cnt:1]");
	assert_true(window_accept_response(&f->w, 1, "S"));    /* out of order */
	/* RFC 7296 2.3 counts IDs: 4 waits for 0, whatever came back above it */
	assert_false(window_can_send(&f->w));
	assert_false(window_accept_response(&f->w, 1, "S"));   /* answered already */
	assert_false(window_accept_response(&f->w, 9, "S"));
	assert_true(window_awaits(&f->w, 0));
	assert_false(window_awaits(&f->w, 1));
	advance(f, 1000);                   /* t = 3000: 2 and 3 retry, 1 does not */
	assert_int_equal(f->resent, 3);
	assert_string_equal(line(f, 3), "[IKE2] S iWindow retransmit request[msgID:2 cnt:1]");
	assert_string_equal(line(f, 4), "[IKE2] S iWindow retransmit request[msgID:3 cnt:1]");
	assert_true(window_accept_response(&f->w, 2, "S"));
	assert_true(window_accept_response(&f->w, 3, "S"));
	assert_false(window_can_send(&f->w));
	advance(f, 5000);                   /* t = 8000: (3 + 1) * 2 s after request 0 */
	assert_int_equal(f->timeouts, 1);
	assert_int_equal(f->timeout_id, 0);
	assert_int_equal(f->w.tries, 3);
	assert_true(window_idle(&f->w));
	assert_true(window_can_send(&f->w));
	assert_int_equal(loop_next_timer_ms(f->loop), -1);
}

/* Each request keeps the retry settings it was sent with: liveness.c sets
 * a probe's count and interval around it, which must not move a request
 * already outstanding beside it. */
static void test_retry_settings_per_request(void **state)
{
	struct fx *f = *state;
	assert_int_equal(window_set_size(&f->w, 2, 1), 0);
	assert_int_equal(window_sent_request(&f->w, 0, R("q0"), "S"), 0);   /* 3 x 2 s */
	window_set_retry(&f->w, 1, 5);
	assert_int_equal(window_sent_request(&f->w, 1, R("q1"), "S"), 0);   /* 1 x 5 s */
	window_set_retry(&f->w, 3, 2);
	advance(f, 2000);
	assert_int_equal(f->resent, 1);
	assert_memory_equal(f->last, "q0", 2);
	advance(f, 3000);                   /* t = 5000 */
	assert_int_equal(f->resent, 3);     /* q0 at 4 s, q1 at 5 s */
	assert_memory_equal(f->last, "q1", 2);
	advance(f, 3000);                   /* t = 8000: q0 gives up */
	assert_int_equal(f->timeouts, 1);
	assert_int_equal(f->timeout_id, 0);
	advance(f, 2000);                   /* t = 10000: q1 gives up */
	assert_int_equal(f->timeouts, 2);
	assert_int_equal(f->timeout_id, 1);
	assert_int_equal(f->resent, 4);     /* q0 at 2, 4, 6 s; q1 at 5 s */
}

/* Window 1 as before: one request at a time, whatever is set for the
 * other direction. */
static void test_size_one_stays_one(void **state)
{
	struct fx *f = *state;
	assert_int_equal(window_set_size(&f->w, 1, 4), 0);
	assert_int_equal(window_sent_request(&f->w, 0, R("q0"), "S"), 0);
	assert_false(window_can_send(&f->w));
	assert_int_equal(window_sent_request(&f->w, 1, R("q1"), "S"), -RTX_EEXIST);
	/* out of range sizes are clamped */
	assert_int_equal(window_set_size(&f->w, 0, 99), 0);
	assert_int_equal(f->w.send_size, 1);
	assert_int_equal(f->w.recv_size, WINDOW_MAX);
}

/* An IKE SA rekey goes alone; abandoning forgets every request and timer. */
static void test_alone_and_abandon(void **state)
{
	struct fx *f = *state;
	assert_int_equal(window_set_size(&f->w, 4, 1), 0);
	assert_int_equal(window_sent_request(&f->w, 0, R("q0"), "S"), 0);
	window_alone(&f->w, 0);
	assert_false(window_can_send(&f->w));
	assert_true(window_accept_response(&f->w, 0, "S"));
	assert_true(window_can_send(&f->w));
	for (uint32_t id = 1; id < 4; id++)
		assert_int_equal(window_sent_request(&f->w, id, R("qN"), "S"), 0);
	assert_int_not_equal(window_due_ms(&f->w, 2), 0);
	assert_int_equal(window_due_ms(&f->w, 0), 0);
	window_abandon(&f->w);
	assert_true(window_idle(&f->w));
	assert_int_equal(f->w.msgid_next, 4);
	assert_int_equal(loop_next_timer_ms(f->loop), -1);
	advance(f, 20000);
	assert_int_equal(f->resent, 0);
	assert_int_equal(f->timeouts, 0);
}

/* The peer's requests in a window of 4, out of order: each is new once,
 * its retransmission is answered from its own cached response, the lower
 * edge moves past every answered ID, and the cache keeps the latest four. */
static void test_out_of_order_requests(void **state)
{
	struct fx *f = *state;
	struct endpoint peer = ep("192.0.2.2", 500);
	f->w.orig_initiator = false;
	assert_int_equal(window_set_size(&f->w, 1, 4), 0);
	assert_int_equal(check(f, 2, "q2", &peer), WINDOW_NEW);
	assert_int_equal(window_sent_response(&f->w, 2, Q("r2")), 0);
	assert_int_equal(f->w.msgid_expect, 0);
	assert_true(window_answered(&f->w, 2));
	assert_int_equal(check(f, 4, "q4", &peer), WINDOW_DROP);      /* beyond 0..3 */
	assert_string_equal(line(f, 0), "[IKE2] S rWindow dropped message[msgID:4]");
	assert_int_equal(check(f, 2, "q2", &peer), WINDOW_RETRANSMIT);
	assert_memory_equal(f->last, "r2", 2);
	assert_int_equal(check(f, 2, "qX", &peer), WINDOW_DROP);      /* not the same */
	assert_int_equal(check(f, 0, "q0", &peer), WINDOW_NEW);
	assert_int_equal(window_sent_response(&f->w, 0, Q("r0")), 0);
	assert_int_equal(f->w.msgid_expect, 1);
	assert_int_equal(check(f, 1, "q1", &peer), WINDOW_NEW);
	assert_int_equal(window_sent_response(&f->w, 1, Q("r1")), 0);
	assert_int_equal(f->w.msgid_expect, 3);                       /* past 2 */
	assert_int_equal(check(f, 0, "q0", &peer), WINDOW_RETRANSMIT);
	assert_memory_equal(f->last, "r0", 2);
	for (uint32_t id = 3; id < 7; id++) {
		char q[3] = { 'q', (char)('0' + id), 0 };
		assert_int_equal(check(f, id, q, &peer), WINDOW_NEW);
		assert_int_equal(window_sent_response(&f->w, id, Q("rN")), 0);
	}
	assert_int_equal(f->w.msgid_expect, 7);
	assert_false(window_answered(&f->w, 2));                      /* evicted */
	assert_int_equal(check(f, 2, "q2", &peer), WINDOW_DROP);
	assert_int_equal(check(f, 3, "q3", &peer), WINDOW_RETRANSMIT);
	assert_int_equal(check(f, 10, "qA", &peer), WINDOW_NEW);      /* 7..10 */
	assert_int_equal(check(f, 11, "qB", &peer), WINDOW_DROP);
}

/* ---- jitter: many SAs that sent at the same instant ----------------------- */

enum { N_SA = 200, COUNT = 10, IVAL_S = 5, IVAL_MS = IVAL_S * 1000 };

struct crowd;

struct member {
	struct crowd *c;
	struct window w;
	uint64_t at[COUNT + 1];   /* virtual time of each retransmission */
	unsigned n;
	uint64_t gave_up_at;      /* 0: not yet */
};

struct crowd {
	struct clock_virtual clock;
	struct loop *loop;
	struct log *log;
	uint64_t seed;            /* the fixed rng every member shares */
	unsigned draws;
	bool rng_fails;
	struct member m[N_SA];
};

static uint64_t crowd_now(struct crowd *c)
{
	return c->clock.base.mono_ms(&c->clock.base);
}

static int m_resend(void *arg, const uint8_t *buf, size_t len)
{
	(void)buf;
	(void)len;
	struct member *m = arg;
	assert_true(m->n < COUNT);
	m->at[m->n++] = crowd_now(m->c);
	return 0;
}

static void m_timed_out(void *arg, uint32_t msgid)
{
	(void)msgid;
	struct member *m = arg;
	m->gave_up_at = crowd_now(m->c);
}

/* splitmix64: seeded, so two runs draw the same numbers. */
static int m_random(void *arg, uint8_t *buf, size_t len)
{
	struct crowd *c = ((struct member *)arg)->c;
	c->draws++;
	if (c->rng_fails)
		return -1;
	for (size_t i = 0; i < len; i++) {
		uint64_t z = (c->seed += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		buf[i] = (uint8_t)(z ^ (z >> 31));
	}
	return 0;
}

static const struct window_ops jitter_ops = { m_resend, m_timed_out, m_random, NULL };

static struct crowd *crowd_new(uint64_t seed)
{
	struct crowd *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	clock_virtual_init(&c->clock, 0);
	c->loop = loop_new(&c->clock.base);
	c->log = log_new(16, &c->clock.base);
	c->seed = seed;
	for (unsigned i = 0; i < N_SA; i++) {
		c->m[i].c = c;
		window_init(&c->m[i].w, c->loop, c->log, true, &jitter_ops, &c->m[i]);
		window_set_retry(&c->m[i].w, COUNT, IVAL_S);
	}
	return c;
}

static void crowd_free(struct crowd *c)
{
	for (unsigned i = 0; i < N_SA; i++)
		window_free(&c->m[i].w);
	loop_free(c->loop);
	log_free(c->log);
	free(c);
}

/* Every member sends its IKE_SA_INIT at t = 0 and never hears back; the
 * clock jumps from timer to timer, so each time recorded is exact. */
static void crowd_run(struct crowd *c)
{
	for (unsigned i = 0; i < N_SA; i++)
		assert_int_equal(window_sent_request(&c->m[i].w, 0, (const uint8_t *)"init", 4,
						     "GW:1/SA:1/INIT"), 0);
	int64_t next;
	while ((next = loop_next_timer_ms(c->loop)) >= 0) {
		clock_virtual_advance(&c->clock, (uint64_t)next);
		loop_run_once(c->loop, 0);
	}
}

/* The count and the give-up time of `ipsec ike retry 10 5` hold for every
 * SA; retransmission k falls in [k * 5 s - 0.5 s, k * 5 s]. */
static void test_jitter_bounds(void **state)
{
	(void)state;
	struct crowd *c = crowd_new(1);
	crowd_run(c);
	for (unsigned i = 0; i < N_SA; i++) {
		const struct member *m = &c->m[i];
		assert_int_equal(m->n, COUNT);
		for (unsigned k = 1; k <= COUNT; k++) {
			assert_true(m->at[k - 1] <= (uint64_t)k * IVAL_MS);
			assert_true(m->at[k - 1] >= (uint64_t)k * IVAL_MS - IVAL_MS / WINDOW_JITTER_DIV);
		}
		assert_int_equal(m->gave_up_at, (uint64_t)(COUNT + 1) * IVAL_MS);
	}
	crowd_free(c);
}

static unsigned distinct(const uint64_t *v, unsigned n)
{
	unsigned d = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned j = 0;
		while (j < i && v[j] != v[i])
			j++;
		d += j == i;
	}
	return d;
}

/* Sent together, they do not retransmit together: every round spreads
 * over the span (500 of 501 possible milliseconds, 200 SAs), and an SA's
 * place in one round says nothing of its place in the next. */
static void test_jitter_spreads(void **state)
{
	(void)state;
	struct crowd *c = crowd_new(7);
	crowd_run(c);
	uint64_t round[N_SA];
	for (unsigned k = 0; k < COUNT; k++) {
		uint64_t lo = UINT64_MAX, hi = 0;
		for (unsigned i = 0; i < N_SA; i++) {
			round[i] = c->m[i].at[k];
			lo = round[i] < lo ? round[i] : lo;
			hi = round[i] > hi ? round[i] : hi;
		}
		assert_true(distinct(round, N_SA) >= N_SA / 2);
		assert_true(hi - lo >= IVAL_MS / WINDOW_JITTER_DIV / 2);
	}
	/* The gaps between one SA's retransmissions vary too. */
	unsigned varied = 0;
	for (unsigned i = 0; i < N_SA; i++)
		varied += c->m[i].at[1] - c->m[i].at[0] != c->m[i].at[2] - c->m[i].at[1];
	assert_true(varied >= N_SA / 2);
	crowd_free(c);
}

/* A fixed rng gives the same schedule twice; another seed another one. */
static void test_jitter_deterministic(void **state)
{
	(void)state;
	struct crowd *a = crowd_new(42), *b = crowd_new(42), *o = crowd_new(43);
	crowd_run(a);
	crowd_run(b);
	crowd_run(o);
	bool same_other = true;
	for (unsigned i = 0; i < N_SA; i++) {
		assert_memory_equal(a->m[i].at, b->m[i].at, sizeof(a->m[i].at));
		same_other = same_other && memcmp(a->m[i].at, o->m[i].at, sizeof(a->m[i].at)) == 0;
	}
	assert_false(same_other);
	assert_int_equal(a->draws, N_SA * COUNT);
	crowd_free(a);
	crowd_free(b);
	crowd_free(o);
}

/* Randomness is drawn only for a retransmission that happens: an answer
 * before the earliest point costs none, so seeded runs without loss keep
 * their SPIs and nonces. Without randomness the nominal times hold. */
static void test_jitter_draws(void **state)
{
	(void)state;
	struct crowd *c = crowd_new(3);
	struct window *w = &c->m[0].w;
	assert_int_equal(window_sent_request(w, 0, (const uint8_t *)"x", 1, "S"), 0);
	clock_virtual_advance(&c->clock, IVAL_MS - IVAL_MS / WINDOW_JITTER_DIV - 1);
	loop_run_once(c->loop, 0);
	assert_true(window_accept_response(w, 0, "S"));
	assert_int_equal(c->draws, 0);
	assert_int_equal(loop_next_timer_ms(c->loop), -1);

	c->rng_fails = true;
	crowd_run(c);
	for (unsigned i = 0; i < N_SA; i++)
		for (unsigned k = 1; k <= COUNT; k++)
			assert_int_equal(c->m[i].at[k - 1], (uint64_t)k * IVAL_MS + IVAL_MS - 1 -
							     IVAL_MS / WINDOW_JITTER_DIV);
	crowd_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_retransmit_then_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_response_matching, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests_from_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookalike_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_settings_per_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_size_one_stays_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alone_and_abandon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order_requests, setup, teardown),
		cmocka_unit_test(test_jitter_bounds),
		cmocka_unit_test(test_jitter_spreads),
		cmocka_unit_test(test_jitter_deterministic),
		cmocka_unit_test(test_jitter_draws),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
