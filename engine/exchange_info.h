/* INFORMATIONAL exchanges (RFC 7296 1.4, 1.5, 2.4, 3.10, 3.11): Delete of
 * CHILD SAs and of the IKE SA both ways, liveness checks (empty requests,
 * liveness.c decides when), error notifies sent and acted on.
 *
 * Deleting is local first: the CHILD SA or IKE SA leaves the kernel and
 * the engine when the operator (or a rekey) asks, and the peer is told in
 * the same breath. That keeps `ipsec sa delete` synchronous for the shell
 * and lets a new SA start at once. A CHILD SA Delete is a request like any
 * other (queued behind a pending exchange, retransmitted, the peer's
 * answering Delete names SAs we no longer have and is taken as done). An
 * IKE SA Delete goes out ahead of anything pending; the IKE SA's CHILD SAs
 * leave the kernel and the SA leaves `show ipsec sa` at once, but it stays
 * DELETING, retransmitting the Delete, until the peer answers or the
 * retries run out: so the answer finds its SA (no "cannot find or create
 * IKE SA") and a peer that missed one copy still learns of the delete. A
 * request the peer sends meanwhile is answered only if it is
 * INFORMATIONAL (a crossing Delete). A new IKE SA for the gateway may
 * start at once.
 *
 * Each IKE SA that gets this far carries a struct exchange_info_state
 * (allocated on first use): the queue of Delete requests and the liveness
 * state. It goes when the SA is gone (exchange_info_listener). */
#ifndef RTX_EXCHANGE_INFO_H
#define RTX_EXCHANGE_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/exchange.h"
#include "engine/ike_core.h"
#include "engine/loop.h"

struct child_sa;
struct ike_sa;

struct info_job;

struct exchange_info_state {
	struct ike_sa *sa;
	struct info_job *jobs;        /* Delete requests not yet sent, oldest first */
	struct info_job *inflight;    /* sent, by message ID: as many as the window
					 lets out (ipsec ike window-size) */
	bool close_after;             /* responder: drop the IKE SA once answered */

	/* liveness.c */
	struct loop_timer live_timer;
	uint64_t last_rx_ms;          /* last authenticated message from the peer */
	uint64_t up_at_ms;            /* established + upwait: the tunnel counts as up */
	bool probing;                 /* our liveness request is in flight */
	uint32_t probe_msgid;         /* its message ID */
	/* icmp-echo keepalive: the echo in flight and the misses in a row */
	uint16_t echo_id, echo_seq;
	bool echo_waiting;
	unsigned echo_misses;
	uint64_t echo_next_ms;        /* when the next echo goes out */
};

extern const struct exchange_ops exchange_info_ops;

/* The SA's state, allocated on first use; NULL when out of memory or
 * once the SA is closed. */
struct exchange_info_state *exchange_info_state(struct ike_sa *sa);
/* Frees the state of an SA that is gone. */
extern const struct sa_listener exchange_info_listener;
/* An authenticated message from the peer arrived (msg_io.c). */
void exchange_info_on_authenticated(struct ike_sa *sa, struct msg_rx *rx);

/* Deletes CHILD SA c of sa now (kernel, "deleted" lines) and tells the
 * peer with a Delete of its inbound SPI. Also for the old CHILD SA after a
 * rekey. 0, or a negative rtx_err when the peer could not be told (c is
 * deleted either way). */
int exchange_info_delete_child(struct ike_sa *sa, struct child_sa *c);
/* The same for a CHILD SA that a rekey replaced, in the order that loses
 * no packet: the Delete goes out first and c leaves the kernel when it is
 * answered, so what the peer sent on c before it saw the Delete still
 * lands (c is deleted at once when the peer cannot be told). */
int exchange_info_retire_child(struct ike_sa *sa, struct child_sa *c);
/* A Delete for a CHILD SA we no longer have (spi: our inbound SPI of it),
 * whose other half the peer installed: a CHILD SA the kernel refused here
 * after the peer had answered. Nothing when the SA cannot talk. */
int exchange_info_delete_spi(struct ike_sa *sa, uint32_t spi);
/* Tells the peer that sa goes away and deletes it with its CHILD SAs. */
int exchange_info_delete_ike(struct ike_sa *sa);
/* A one-shot INFORMATIONAL request carrying an error notify (RFC 7296
 * 2.21.2: the initiator refusing the responder's AUTH says so). */
int exchange_info_send_error(struct ike_sa *sa, uint16_t type);
/* An empty INFORMATIONAL request (liveness.c). -RTX_EEXIST while another
 * request of ours is pending. */
int exchange_info_send_probe(struct ike_sa *sa);
/* A request that decrypted but did not parse (RFC 7296 2.21.2): answer
 * with the error notify the codec chose (INVALID_SYNTAX or
 * UNSUPPORTED_CRITICAL_PAYLOAD), which also moves the window on. */
void exchange_info_answer_error(struct ike_sa *sa, struct msg_rx *rx);
/* Another exchange of ours finished: send the next queued request. */
void exchange_info_kick(struct ike_sa *sa);

#endif
