#include "engine/window.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "engine/crypto.h"
#include "engine/wire.h"

static void retransmit(struct loop *l, struct loop_timer *t, void *arg);

static void req_slot_init(struct window *w, struct window_req *r)
{
	*r = (struct window_req){ .w = w };
	loop_timer_init(&r->timer, retransmit, r);
}

void window_init(struct window *w, struct loop *loop, struct log *log,
		 bool orig_initiator, const struct window_ops *ops, void *arg)
{
	*w = (struct window){ .ops = ops, .arg = arg, .loop = loop, .log = log,
			      .orig_initiator = orig_initiator,
			      .retry_count = 10, .retry_ms = 5000,
			      .send_size = 1, .recv_size = 1 };
	req_slot_init(w, &w->req1);
}

/* Slot i (0..) of each kind: the first is inline, the rest come with a
 * size above 1. */
static unsigned nslots(const struct window *w)
{
	return w->more ? WINDOW_MAX : 1;
}

static struct window_req *req_at(const struct window *w, unsigned i)
{
	return i ? &w->more->req[i - 1] : (struct window_req *)&w->req1;
}

static struct window_resp *resp_at(const struct window *w, unsigned i)
{
	return i ? &w->more->resp[i - 1] : (struct window_resp *)&w->resp1;
}

static void req_clear(struct window *w, struct window_req *r)
{
	loop_timer_disarm(w->loop, &r->timer);
	if (r->pending)
		w->npending--;
	if (w->alone && r->pending && r->msgid == w->alone_id)
		w->alone = false;
	r->pending = false;
	r->tag = NULL;
	free(r->buf);
	r->buf = NULL;
}

void window_free(struct window *w)
{
	for (unsigned i = 0; i < nslots(w); i++) {
		if (w->loop)
			req_clear(w, req_at(w, i));
		free(resp_at(w, i)->buf);
		resp_at(w, i)->buf = NULL;
		resp_at(w, i)->cached = false;
	}
	free(w->more);
	w->more = NULL;
	w->npending = 0;
}

void window_set_retry(struct window *w, unsigned count, unsigned interval_secs)
{
	w->retry_count = count;
	w->retry_ms = (uint64_t)(interval_secs ? interval_secs : 1) * 1000;
}

static unsigned clamp(unsigned n)
{
	return n < 1 ? 1 : n > WINDOW_MAX ? WINDOW_MAX : n;
}

int window_set_size(struct window *w, unsigned send, unsigned recv)
{
	send = clamp(send);
	recv = clamp(recv);
	if ((send > 1 || recv > 1) && !w->more) {
		if (!(w->more = calloc(1, sizeof(*w->more))))
			return -RTX_ENOMEM;
		for (unsigned i = 1; i < WINDOW_MAX; i++)
			req_slot_init(w, req_at(w, i));
	}
	w->send_size = send;
	/* Answered IDs above msgid_expect live in the first recv_size
	 * response slots: shrinking would lose track of them. */
	if (recv > w->recv_size)
		w->recv_size = recv;
	return 0;
}

static uint64_t now_ms(const struct window *w)
{
	struct clock *c = loop_clock(w->loop);
	return c->mono_ms(c);
}

static uint64_t jitter_span(const struct window *w, const struct window_req *r)
{
	return w->ops->random ? r->retry_ms / WINDOW_JITTER_DIV : 0;
}

/* Arms r's timer for its next attempt, a retransmission at the earliest
 * point of its jitter span or the give-up on time. The random point is
 * drawn only when the timer fires there: a request answered in time
 * costs no randomness, so seeded test runs keep their SPIs and nonces
 * unless a retransmission happens. */
static int arm_next(struct window *w, struct window_req *r)
{
	unsigned n = r->tries + 1;
	uint64_t at = r->sent_ms + (uint64_t)n * r->retry_ms, now = now_ms(w);
	r->jitter_due = n <= r->retry_count && jitter_span(w, r);
	if (r->jitter_due)
		at -= jitter_span(w, r);
	return loop_timer_arm(w->loop, &r->timer, at > now ? at - now : 0);
}

/* At the earliest point of a retransmission's span: true when it is
 * due now, false when the timer was moved to the drawn point. */
static bool jitter_reached(struct window *w, struct window_req *r)
{
	uint32_t x;
	if (!r->jitter_due)
		return true;
	r->jitter_due = false;
	/* Without randomness the attempt keeps its nominal time. */
	uint64_t wait = w->ops->random(w->arg, (uint8_t *)&x, sizeof(x))
			? jitter_span(w, r) : x % (jitter_span(w, r) + 1);
	return !wait || loop_timer_arm(w->loop, &r->timer, wait) != 0;
}

/* RFC 7296 2.3 counts the window in message IDs, not in requests: with
 * the peer's window N, request X waits until every request up to X - N
 * is answered (the peer accepts only [its lowest unanswered, + N - 1]).
 * So the new ID must lie within send_size of the oldest outstanding one;
 * at size 1 that is "nothing outstanding". */
static bool id_fits(const struct window *w, uint32_t msgid)
{
	if (w->alone)
		return false;
	for (unsigned i = 0; i < nslots(w); i++) {
		const struct window_req *r = req_at(w, i);
		if (r->pending && msgid - r->msgid >= w->send_size)
			return false;
	}
	return true;
}

bool window_can_send(const struct window *w)
{
	return id_fits(w, w->msgid_next);
}

bool window_idle(const struct window *w)
{
	return w->npending == 0;
}

static void wlog(struct window *w, const char *sub, enum log_id i_id, enum log_id r_id, ...)
{
	va_list ap;
	va_start(ap, r_id);
	log_ikev(w->log, sub, w->orig_initiator ? i_id : r_id, ap);
	va_end(ap);
}

static struct window_req *find_req(const struct window *w, uint32_t msgid)
{
	for (unsigned i = 0; i < nslots(w); i++)
		if (req_at(w, i)->pending && req_at(w, i)->msgid == msgid)
			return req_at(w, i);
	return NULL;
}

int window_sent_request(struct window *w, uint32_t msgid, const uint8_t *buf,
			size_t len, const char *sub)
{
	struct window_req *r = NULL;
	if (!id_fits(w, msgid) || find_req(w, msgid))
		return -RTX_EEXIST;
	for (unsigned i = 0; i < nslots(w) && !r; i++)
		if (!req_at(w, i)->pending)
			r = req_at(w, i);
	if (!r)
		return -RTX_EEXIST;
	uint8_t *copy = bytes_dup(buf, len);
	if (!copy)
		return -RTX_ENOMEM;
	free(r->buf);
	r->buf = copy;
	r->len = len;
	r->pending = true;
	r->tag = NULL;
	r->msgid = msgid;
	r->tries = 0;
	r->retry_count = w->retry_count;
	r->retry_ms = w->retry_ms;
	r->sent_ms = now_ms(w);
	snprintf(r->sub, sizeof(r->sub), "%s", sub ? sub : "");
	w->npending++;
	w->msgid_next = msgid + 1;
	return arm_next(w, r);
}

void window_set_tag(struct window *w, uint32_t msgid, const void *tag)
{
	struct window_req *r = find_req(w, msgid);
	if (r)
		r->tag = tag;
}

const void *window_tag(const struct window *w, uint32_t msgid)
{
	const struct window_req *r = find_req(w, msgid);
	return r ? r->tag : NULL;
}

void window_alone(struct window *w, uint32_t msgid)
{
	if (find_req(w, msgid)) {
		w->alone = true;
		w->alone_id = msgid;
	}
}

bool window_awaits(const struct window *w, uint32_t msgid)
{
	return find_req(w, msgid) != NULL;
}

uint64_t window_due_ms(const struct window *w, uint32_t msgid)
{
	const struct window_req *r = find_req(w, msgid);
	return r && r->timer.slot ? r->timer.due_ms : 0;
}

/* The retry interval is the same for every attempt: `ipsec ike retry`
 * gives a count and one interval, not a backoff (RFC 7296 2.4 asks for
 * an exponential one; the RTX's command, which we follow, has none). */
static void retransmit(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	struct window_req *r = arg;
	struct window *w = r->w;
	if (!r->pending || !jitter_reached(w, r))
		return;
	if (r->tries >= r->retry_count) {
		uint32_t msgid = r->msgid;
		char sub[sizeof(r->sub)];
		memcpy(sub, r->sub, sizeof(sub));
		w->tries = r->tries;
		req_clear(w, r);
		wlog(w, sub, LOG_I_RETRANSMIT_TIMEOUT, LOG_R_RETRANSMIT_TIMEOUT, (unsigned)msgid);
		w->ops->timed_out(w->arg, msgid);   /* may free the owner */
		return;
	}
	r->tries++;
	wlog(w, r->sub, LOG_I_RETRANSMIT_REQ, LOG_R_RETRANSMIT_REQ, (unsigned)r->msgid, r->tries);
	w->ops->resend(w->arg, r->buf, r->len);
	arm_next(w, r);
}

bool window_accept_response(struct window *w, uint32_t msgid, const char *sub)
{
	struct window_req *r = find_req(w, msgid);
	if (!r) {
		wlog(w, sub, LOG_I_DROPPED, LOG_R_DROPPED, (unsigned)msgid);
		return false;
	}
	req_clear(w, r);
	return true;
}

void window_drop(struct window *w, uint32_t msgid, const char *sub)
{
	wlog(w, sub, LOG_I_DROPPED, LOG_R_DROPPED, (unsigned)msgid);
}

void window_abandon(struct window *w)
{
	for (unsigned i = 0; i < nslots(w); i++)
		req_clear(w, req_at(w, i));
	w->alone = false;
}

void window_restart(struct window *w)
{
	window_abandon(w);
	w->msgid_next = 0;
}

/* ---- the peer's requests ------------------------------------------------- */

/* SHA-256 so that a sender who has not seen the request cannot make a
 * different one that matches. False when it could not be computed. */
static bool hash_request(const struct window *w, const uint8_t *buf, size_t len,
			 uint8_t out[32])
{
	if (buf && !(w->ops->sha256 ? w->ops->sha256(w->arg, buf, len, out)
				     : crypto_sha256(NULL, buf, len, out)))
		return true;
	memset(out, 0, 32);
	return false;
}

static struct window_resp *find_resp(const struct window *w, uint32_t msgid)
{
	for (unsigned i = 0; i < nslots(w); i++)
		if (resp_at(w, i)->cached && resp_at(w, i)->msgid == msgid)
			return resp_at(w, i);
	return NULL;
}

static bool same_request(const struct window *w, const struct window_resp *c,
			 const uint8_t *buf, size_t len, const struct endpoint *from,
			 const struct endpoint *current)
{
	uint8_t h[32];
	if (!from || !(endpoint_equal(from, &c->from) ||
		       (current && endpoint_equal(from, current))))
		return false;
	return hash_request(w, buf, len, h) && memcmp(h, c->hash, sizeof(h)) == 0;
}

bool window_answered(const struct window *w, uint32_t msgid)
{
	return find_resp(w, msgid) != NULL;
}

enum window_verdict window_check_request(struct window *w, uint32_t msgid,
					 const char *sub, const uint8_t *buf, size_t len,
					 const struct endpoint *from,
					 const struct endpoint *current)
{
	struct window_resp *c = find_resp(w, msgid);
	if (!c && msgid - w->msgid_expect < w->recv_size) {
		/* The response goes out before the next datagram is read, so
		 * this is the request window_sent_response answers. */
		hash_request(w, buf, len, w->in_hash);
		w->in_from = from ? *from : (struct endpoint){ 0 };
		w->in_msgid = msgid;
		w->in_valid = true;
		return WINDOW_NEW;
	}
	if (c && same_request(w, c, buf, len, from, current)) {
		wlog(w, sub, LOG_I_RETRANSMIT_RESP, LOG_R_RETRANSMIT_RESP, (unsigned)msgid);
		w->ops->resend(w->arg, c->buf, c->len);
		return WINDOW_RETRANSMIT;
	}
	wlog(w, sub, LOG_I_DROPPED, LOG_R_DROPPED, (unsigned)msgid);
	return WINDOW_DROP;
}

/* Where the response to msgid goes: a free slot among the first
 * recv_size, else the one of the lowest ID. Of recv_size slots at most
 * recv_size - 1 hold IDs at or above msgid_expect (msgid_expect itself
 * is unanswered until this call), so the one given up is below it: the
 * cache keeps the latest answers. */
static struct window_resp *resp_slot(struct window *w)
{
	struct window_resp *best = NULL;
	for (unsigned i = 0; i < w->recv_size && i < nslots(w); i++) {
		struct window_resp *c = resp_at(w, i);
		if (!c->cached)
			return c;
		/* how far below msgid_expect: the oldest goes */
		if (!best || (int32_t)(w->msgid_expect - c->msgid) >
			     (int32_t)(w->msgid_expect - best->msgid))
			best = c;
	}
	return best;
}

int window_sent_response(struct window *w, uint32_t msgid, const uint8_t *buf, size_t len)
{
	struct window_resp *c = find_resp(w, msgid);
	uint8_t *copy = bytes_dup(buf, len);
	if (!copy)
		return -RTX_ENOMEM;
	if (!c)
		c = resp_slot(w);
	free(c->buf);
	*c = (struct window_resp){ .cached = true, .msgid = msgid, .buf = copy, .len = len };
	if (w->in_valid && w->in_msgid == msgid) {
		memcpy(c->hash, w->in_hash, sizeof(c->hash));
		c->from = w->in_from;
	}
	w->in_valid = false;
	while (find_resp(w, w->msgid_expect))
		w->msgid_expect++;
	return 0;
}
