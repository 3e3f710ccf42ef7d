#include "engine/window.h"

#include <stdlib.h>
#include <string.h>

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
	w->msgid_next = msgid;
	snprintf(w->sub, sizeof(w->sub), "%s", sub ? sub : "");
	return loop_timer_arm(w->loop, &w->timer, w->retry_ms);
}

/* The retry interval is the same for every attempt: `ipsec ike retry`
 * gives a count and one interval, not a backoff. */
static void retransmit(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)t;
	struct window *w = arg;
	if (!w->pending)
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
	loop_timer_arm(l, &w->timer, w->retry_ms);
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

enum window_verdict window_check_request(struct window *w, uint32_t msgid,
					 const char *sub)
{
	if (msgid == w->msgid_expect)
		return WINDOW_NEW;
	if (w->have_resp && msgid + 1 == w->msgid_expect) {
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
	w->msgid_expect++;
	return 0;
}
