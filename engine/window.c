#include "engine/window.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"

static void retransmit(struct loop *l, struct loop_timer *t, void *arg);

void window_init(struct window *w, struct loop *loop, struct log *log,
		 bool orig_initiator, const struct window_ops *ops, void *arg)
{
	*w = (struct window){ .ops = ops, .arg = arg, .loop = loop, .log = log,
			      .orig_initiator = orig_initiator,
			      .retry_count = 10, .retry_ms = 5000 };
	loop_timer_init(&w->timer, retransmit, w);
}

void window_free(struct window *w)
{
	if (w->loop)
		loop_timer_disarm(w->loop, &w->timer);
	free(w->req);
	free(w->resp);
	w->req = w->resp = NULL;
	w->pending = w->have_resp = false;
}

void window_set_retry(struct window *w, unsigned count, unsigned interval_secs)
{
	w->retry_count = count;
	w->retry_ms = (uint64_t)(interval_secs ? interval_secs : 1) * 1000;
}

static uint64_t now_ms(const struct window *w)
{
	struct clock *c = loop_clock(w->loop);
	return c->mono_ms(c);
}

static uint64_t jitter_span(const struct window *w)
{
	return w->ops->random ? w->retry_ms / WINDOW_JITTER_DIV : 0;
}

/* Arms the timer for the next attempt, a retransmission at the earliest
 * point of its jitter span or the give-up on time. The random point is
 * drawn only when the timer fires there: a request answered in time
 * costs no randomness, so seeded test runs keep their SPIs and nonces
 * unless a retransmission happens. */
static int arm_next(struct window *w)
{
	unsigned n = w->tries + 1;
	uint64_t at = w->sent_ms + (uint64_t)n * w->retry_ms, now = now_ms(w);
	w->jitter_due = n <= w->retry_count && jitter_span(w);
	if (w->jitter_due)
		at -= jitter_span(w);
	return loop_timer_arm(w->loop, &w->timer, at > now ? at - now : 0);
}

/* At the earliest point of a retransmission's span: true when it is
 * due now, false when the timer was moved to the drawn point. */
static bool jitter_reached(struct window *w)
{
	uint32_t r;
	if (!w->jitter_due)
		return true;
	w->jitter_due = false;
	/* Without randomness the attempt keeps its nominal time. */
	uint64_t wait = w->ops->random(w->arg, (uint8_t *)&r, sizeof(r))
			? jitter_span(w) : r % (jitter_span(w) + 1);
	return !wait || loop_timer_arm(w->loop, &w->timer, wait) != 0;
}

bool window_can_send(const struct window *w)
{
	return !w->pending;
}

static void wlog(struct window *w, const char *sub, enum log_id i_id, enum log_id r_id, ...)
{
	va_list ap;
	va_start(ap, r_id);
	log_ikev(w->log, sub, w->orig_initiator ? i_id : r_id, ap);
	va_end(ap);
}

int window_sent_request(struct window *w, uint32_t msgid, const uint8_t *buf,
			size_t len, const char *sub)
{
	if (w->pending)
		return -RTX_EEXIST;
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		return -RTX_ENOMEM;
	memcpy(copy, buf, len);
	free(w->req);
	w->req = copy;
	w->req_len = len;
	w->pending = true;
	w->tries = 0;
	w->sent_ms = now_ms(w);
	w->msgid_next = msgid;
	snprintf(w->sub, sizeof(w->sub), "%s", sub ? sub : "");
	return arm_next(w);
}

/* The retry interval is the same for every attempt: `ipsec ike retry`
 * gives a count and one interval, not a backoff (RFC 7296 2.4 asks for
 * an exponential one; the RTX's command, which we follow, has none). */
static void retransmit(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	struct window *w = arg;
	if (!w->pending || !jitter_reached(w))
		return;
	if (w->tries >= w->retry_count) {
		w->pending = false;
		wlog(w, w->sub, LOG_I_RETRANSMIT_TIMEOUT, LOG_R_RETRANSMIT_TIMEOUT,
		     (unsigned)w->msgid_next);
		w->ops->timed_out(w->arg, w->msgid_next);   /* may free the owner */
		return;
	}
	w->tries++;
	wlog(w, w->sub, LOG_I_RETRANSMIT_REQ, LOG_R_RETRANSMIT_REQ,
	     (unsigned)w->msgid_next, w->tries);
	w->ops->resend(w->arg, w->req, w->req_len);
	arm_next(w);
}

bool window_accept_response(struct window *w, uint32_t msgid, const char *sub)
{
	if (!w->pending || msgid != w->msgid_next) {
		wlog(w, sub, LOG_I_DROPPED, LOG_R_DROPPED, (unsigned)msgid);
		return false;
	}
	loop_timer_disarm(w->loop, &w->timer);
	w->pending = false;
	w->msgid_next++;
	free(w->req);
	w->req = NULL;
	return true;
}

void window_drop(struct window *w, uint32_t msgid, const char *sub)
{
	wlog(w, sub, LOG_I_DROPPED, LOG_R_DROPPED, (unsigned)msgid);
}

void window_abandon(struct window *w)
{
	loop_timer_disarm(w->loop, &w->timer);
	if (w->pending)
		w->msgid_next++;
	w->pending = false;
	free(w->req);
	w->req = NULL;
}

void window_restart(struct window *w)
{
	window_abandon(w);
	w->msgid_next = 0;
}

/* SHA-256 so that a sender who has not seen the request cannot make a
 * different one that matches. False when it could not be computed. */
static bool hash_request(const uint8_t *buf, size_t len, uint8_t out[32])
{
	size_t n = 0;
	if (buf && EVP_Q_digest(NULL, "SHA256", NULL, buf, len, out, &n) && n == 32)
		return true;
	memset(out, 0, 32);
	return false;
}

static bool same_request(const struct window *w, const uint8_t *buf, size_t len,
			 const struct endpoint *from, const struct endpoint *current)
{
	uint8_t h[32];
	if (!from || !(endpoint_equal(from, &w->ans_from) ||
		       (current && endpoint_equal(from, current))))
		return false;
	return hash_request(buf, len, h) && memcmp(h, w->ans_hash, sizeof(h)) == 0;
}

enum window_verdict window_check_request(struct window *w, uint32_t msgid,
					 const char *sub, const uint8_t *buf, size_t len,
					 const struct endpoint *from,
					 const struct endpoint *current)
{
	if (msgid == w->msgid_expect) {
		/* The response goes out before the next datagram is read, so
		 * this is the request window_sent_response answers. */
		hash_request(buf, len, w->in_hash);
		w->in_from = from ? *from : (struct endpoint){ 0 };
		return WINDOW_NEW;
	}
	if (w->have_resp && msgid + 1 == w->msgid_expect &&
	    same_request(w, buf, len, from, current)) {
		wlog(w, sub, LOG_I_RETRANSMIT_RESP, LOG_R_RETRANSMIT_RESP, (unsigned)msgid);
		w->ops->resend(w->arg, w->resp, w->resp_len);
		return WINDOW_RETRANSMIT;
	}
	wlog(w, sub, LOG_I_DROPPED, LOG_R_DROPPED, (unsigned)msgid);
	return WINDOW_DROP;
}

int window_sent_response(struct window *w, const uint8_t *buf, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		return -RTX_ENOMEM;
	memcpy(copy, buf, len);
	free(w->resp);
	w->resp = copy;
	w->resp_len = len;
	w->have_resp = true;
	memcpy(w->ans_hash, w->in_hash, sizeof(w->ans_hash));
	w->ans_from = w->in_from;
	w->msgid_expect++;
	return 0;
}
