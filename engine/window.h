/* Message-ID windows and retransmission of one IKE SA (RFC 7296 2.1-2.3).
 *
 * The window starts at 1 both ways: at most one request of ours
 * outstanding, and only the peer's next request accepted. With
 * `ipsec ike window-size` (an rtxsh extension, engine/window_size.c) both
 * sides may announce more in IKE_AUTH (SET_WINDOW_SIZE, RFC 7296 2.3):
 * `send_size` requests of ours may then be outstanding at once, each with
 * its own copy and retransmission timer, and the peer's requests are
 * accepted anywhere in [msgid_expect, msgid_expect + recv_size - 1], in
 * any order, each answered once and its response cached for
 * retransmissions. At size 1 everything is as it always was.
 * `ipsec ike message-id-control on` asks for no new request while one is
 * pending: window_size.c keeps send_size at 1 then.
 *
 * Log wording: the seed has "iWindow" and "rWindow" lines. We read the
 * letter as the role this router had when the IKE SA was created (original
 * initiator -> iWindow, original responder -> rWindow) for every line of
 * that SA, whichever side sends a particular request. */
#ifndef RTX_WINDOW_H
#define RTX_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/loop.h"
#include "engine/transport.h"

struct log;

/* Largest window either way: what `ipsec ike window-size` accepts. */
#define WINDOW_MAX 16

/* What the owner does for the window: put bytes on the wire again, give
 * up after the last retransmission, supply randomness for the
 * retransmission jitter (NULL, or a non-zero return: the attempt goes
 * out on its nominal time) and SHA-256 a request (NULL: the window
 * fetches the digest itself each time). */
struct window_ops {
	int (*resend)(void *arg, const uint8_t *buf, size_t len);
	void (*timed_out)(void *arg, uint32_t msgid);
	int (*random)(void *arg, uint8_t *buf, size_t len);
	int (*sha256)(void *arg, const uint8_t *buf, size_t len, uint8_t out[32]);
};

/* Retransmission k of a request (1..retry count) goes out at a random
 * point of [k * interval - interval / WINDOW_JITTER_DIV, k * interval]
 * after the request was first sent; the window gives up at exactly
 * (count + 1) * interval. So the count and the give-up time of `ipsec ike
 * retry` hold, gaps stay within a tenth of the interval, and SAs that
 * sent together (a mass start, a burst of answers) drift apart instead of
 * retransmitting in step. doc/initiation.md has the rule. */
#define WINDOW_JITTER_DIV 10

struct window;

/* One request of ours in flight. */
struct window_req {
	struct window *w;
	bool pending;
	uint32_t msgid;
	const void *tag;            /* the owner's, for the answer (window_tag) */
	uint8_t *buf;               /* the request as sent */
	size_t len;
	unsigned tries;             /* retransmissions so far */
	/* The retry count and interval in force when it was sent: a probe's
	 * (liveness.c sets them around it) must not change the schedule of
	 * a request beside it. */
	unsigned retry_count;
	uint64_t retry_ms;
	uint64_t sent_ms;           /* when the request first went out */
	bool jitter_due;            /* the timer is at the attempt's earliest point */
	char sub[40];               /* log sub-prefix of the exchange */
	struct loop_timer timer;
};

/* The response to one of the peer's requests. Only the very request we
 * answered earns it again (RFC 7296 2.1 asks for a retransmission; a
 * look-alike with the same SPIs and ID from a third host must not make us
 * reflect responses): its SHA-256 and source are kept with it. */
struct window_resp {
	bool cached;
	uint32_t msgid;
	uint8_t *buf;
	size_t len;
	uint8_t hash[32];
	struct endpoint from;
};

/* Slots 1.. of both kinds, allocated when a size above 1 is set: an IKE
 * SA that stays at window 1 does not pay for them. */
struct window_more {
	struct window_req req[WINDOW_MAX - 1];
	struct window_resp resp[WINDOW_MAX - 1];
};

struct window {
	const struct window_ops *ops;
	void *arg;
	struct loop *loop;
	struct log *log;
	bool orig_initiator;        /* picks iWindow / rWindow wording */
	unsigned retry_count;       /* ipsec ike retry count, for requests sent from now */
	uint64_t retry_ms;          /* ipsec ike retry interval, likewise */
	unsigned send_size;         /* our requests outstanding at most (1..WINDOW_MAX) */
	unsigned recv_size;         /* the peer's accepted at once (1..WINDOW_MAX) */

	/* our requests */
	uint32_t msgid_next;        /* ID of our next new request */
	unsigned npending;
	bool alone;                 /* the pending `alone_id` lets nothing else out */
	uint32_t alone_id;
	unsigned tries;             /* retransmissions of the request given up on last */

	/* the peer's requests */
	uint32_t msgid_expect;      /* lowest ID of the peer's not answered yet */
	/* `in_*` is the request being answered now; window_sent_response
	 * keeps its hash and source with the response. */
	uint32_t in_msgid;
	bool in_valid;
	uint8_t in_hash[32];
	struct endpoint in_from;

	struct window_req req1;
	struct window_resp resp1;
	struct window_more *more;
};

void window_init(struct window *w, struct loop *loop, struct log *log,
		 bool orig_initiator, const struct window_ops *ops, void *arg);
/* Disarms the timers and frees the cached messages. */
void window_free(struct window *w);
void window_set_retry(struct window *w, unsigned count, unsigned interval_secs);
/* Our requests outstanding at most and the peer's accepted at once, each
 * 1..WINDOW_MAX (clamped). 0, or -RTX_ENOMEM (both stay as they were). */
int window_set_size(struct window *w, unsigned send, unsigned recv);

/* True when a request of ours may be sent now: its ID (msgid_next) is
 * within send_size of every outstanding one. */
bool window_can_send(const struct window *w);
/* True when no request of ours is outstanding. */
bool window_idle(const struct window *w);
/* Keeps a copy of the request just sent with ID msgid and arms its
 * retransmission timer. 0 or -RTX_ENOMEM / -RTX_EEXIST (window full). */
int window_sent_request(struct window *w, uint32_t msgid, const uint8_t *buf,
			size_t len, const char *sub);
/* The owner's tag of the outstanding request msgid (NULL: none, or not
 * outstanding), and setting it. */
void window_set_tag(struct window *w, uint32_t msgid, const void *tag);
const void *window_tag(const struct window *w, uint32_t msgid);
/* The outstanding request msgid lets no other request out until it is
 * answered or given up (an IKE SA rekey: RFC 7296 2.18's old SA should
 * carry nothing alongside). */
void window_alone(struct window *w, uint32_t msgid);
/* True when msgid is a request of ours awaiting its response. */
bool window_awaits(const struct window *w, uint32_t msgid);
/* When the next attempt of outstanding request msgid is due (the timer's
 * time on the loop's clock), or 0 when it is not outstanding. */
uint64_t window_due_ms(const struct window *w, uint32_t msgid);
/* A response arrived: true when it answers an outstanding request (which
 * is then complete), false (and logged as dropped) otherwise. */
bool window_accept_response(struct window *w, uint32_t msgid, const char *sub);
/* Logs a message of ours that is not wanted as dropped. */
void window_drop(struct window *w, uint32_t msgid, const char *sub);
/* Forgets every outstanding request without an answer (the exchanges
 * were abandoned). */
void window_abandon(struct window *w);
/* IKE_SA_INIT is restarted with ID 0 after COOKIE or INVALID_KE_PAYLOAD. */
void window_restart(struct window *w);

enum window_verdict {
	WINDOW_NEW,          /* process it */
	WINDOW_RETRANSMIT,   /* answered from the cache already */
	WINDOW_DROP,         /* stale or out of window: dropped and logged */
};
/* A request of the peer arrived: buf/len as received, from where, and
 * `current` the SA's peer address now (NAT-T may have moved it since the
 * request was answered; NULL: none). New when its ID is in the window and
 * not answered yet. The cached response goes out again only when buf is
 * byte-identical to the request it answered and came from that request's
 * source or from `current`; anything else with an answered ID is dropped
 * and logged. */
enum window_verdict window_check_request(struct window *w, uint32_t msgid,
					 const char *sub, const uint8_t *buf, size_t len,
					 const struct endpoint *from,
					 const struct endpoint *current);
/* True when the peer's request msgid was answered and its response is
 * still cached. */
bool window_answered(const struct window *w, uint32_t msgid);
/* The response to the peer's request msgid was sent: cache it and move
 * the window on past every answered ID. */
int window_sent_response(struct window *w, uint32_t msgid, const uint8_t *buf, size_t len);

#endif
