/* Message-ID windows and retransmission of one IKE SA (RFC 7296 2.1-2.3).
 *
 * Our window size is 1 both ways: we never have more than one request of
 * our own outstanding, and we accept only the next request of the peer.
 * `ipsec ike message-id-control on` asks for exactly that (no new request
 * while one is pending), so with window 1 the setting is always honoured
 * and needs no code of its own.
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

/* What the owner does for the window: put bytes on the wire again, give
 * up after the last retransmission, and supply randomness for the
 * retransmission jitter (NULL, or a non-zero return: the attempt goes
 * out on its nominal time). */
struct window_ops {
	int (*resend)(void *arg, const uint8_t *buf, size_t len);
	void (*timed_out)(void *arg, uint32_t msgid);
	int (*random)(void *arg, uint8_t *buf, size_t len);
};

/* Retransmission k of a request (1..retry count) goes out at a random
 * point of [k * interval - interval / WINDOW_JITTER_DIV, k * interval]
 * after the request was first sent; the window gives up at exactly
 * (count + 1) * interval. So the count and the give-up time of `ipsec ike
 * retry` hold, gaps stay within a tenth of the interval, and SAs that
 * sent together (a mass start, a burst of answers) drift apart instead of
 * retransmitting in step. doc/initiation.md has the rule. */
#define WINDOW_JITTER_DIV 10

struct window {
	const struct window_ops *ops;
	void *arg;
	struct loop *loop;
	struct log *log;
	bool orig_initiator;        /* picks iWindow / rWindow wording */
	char sub[40];               /* log sub-prefix of the pending exchange */

	/* our requests */
	uint32_t msgid_next;        /* ID of our next request */
	bool pending;
	uint8_t *req;               /* the pending request as sent */
	size_t req_len;
	unsigned tries;             /* retransmissions so far */
	uint64_t sent_ms;           /* when the request first went out */
	bool jitter_due;            /* the timer is at the attempt's earliest point */
	unsigned retry_count;       /* ipsec ike retry count */
	uint64_t retry_ms;          /* ipsec ike retry interval */
	struct loop_timer timer;

	/* the peer's requests */
	uint32_t msgid_expect;      /* ID of the peer's next request */
	bool have_resp;
	uint8_t *resp;              /* response to msgid_expect - 1 */
	size_t resp_len;
	/* Only the very request we answered earns the cached response again
	 * (RFC 7296 2.1 asks for a retransmission; a look-alike with the same
	 * SPIs and ID from a third host must not make us reflect responses):
	 * its SHA-256 and source. `in_*` is the request being answered now;
	 * window_sent_response promotes it to `ans_*`. */
	uint8_t in_hash[32], ans_hash[32];
	struct endpoint in_from, ans_from;
};

void window_init(struct window *w, struct loop *loop, struct log *log,
		 bool orig_initiator, const struct window_ops *ops, void *arg);
/* Disarms the timer and frees the cached messages. */
void window_free(struct window *w);
void window_set_retry(struct window *w, unsigned count, unsigned interval_secs);

/* True when a request of ours may be sent now. */
bool window_can_send(const struct window *w);
/* Keeps a copy of the request just sent with ID msgid and arms the
 * retransmission timer. 0 or -RTX_ENOMEM / -RTX_EEXIST (one pending). */
int window_sent_request(struct window *w, uint32_t msgid, const uint8_t *buf,
			size_t len, const char *sub);
/* A response arrived: true when it answers the pending request (which is
 * then complete), false (and logged as dropped) otherwise. */
bool window_accept_response(struct window *w, uint32_t msgid, const char *sub);
/* Logs a message of ours that is not wanted as dropped. */
void window_drop(struct window *w, uint32_t msgid, const char *sub);
/* Forgets the pending request without an answer (the exchange was
 * abandoned). */
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
 * request was answered; NULL: none). The cached response goes out again
 * only when buf is byte-identical to the request it answered and came
 * from that request's source or from `current`; anything else with the
 * answered ID is dropped and logged. */
enum window_verdict window_check_request(struct window *w, uint32_t msgid,
					 const char *sub, const uint8_t *buf, size_t len,
					 const struct endpoint *from,
					 const struct endpoint *current);
/* The response to the peer's current request was sent: cache it and move
 * the window on. */
int window_sent_response(struct window *w, const uint8_t *buf, size_t len);

#endif
