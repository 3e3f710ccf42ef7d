/* IKE keepalive (Yamaha reference 1.14, RFC 7296 1.4 / 2.4): with
 * `ipsec ike keepalive use GW on` an empty INFORMATIONAL request goes out
 * when nothing was heard from the peer for `interval` seconds. IKEv2 has
 * RFC 4306 liveness only, so `heartbeat` and `dpd` act as `rfc4306` with
 * their interval, count and upwait; `auto` and `off` only answer (every
 * INFORMATIONAL is answered anyway).
 *
 * Counting failures: the probe rides the message-ID window, re-armed for
 * the probe to retransmit every `interval` seconds `count - 1` times. Each
 * interval that passes without an answer is one failure and each
 * retransmission is what starts the next interval, so a probe that is
 * being retransmitted is never counted twice; when the window gives up
 * (count intervals after the first probe) the peer is dead. A probe is
 * not sent while another request of ours is pending: that request's own
 * retransmission already watches the peer.
 *
 * `icmp-echo IP` (form 3) is not an IKE exchange: an ICMP echo to IP
 * through the gateway's tunnel (kernel_ops ping) every interval, past
 * upwait; an interval ending with the echo unanswered is a miss, and
 * `count` misses in a row end the SA as a failed probe does. */
#ifndef RTX_LIVENESS_H
#define RTX_LIVENESS_H

#include <stdbool.h>

#include "engine/ike_core.h"

struct ike_sa;

/* Starts probing when an SA is established, stops when it goes. */
extern const struct sa_listener liveness_listener;
/* Keepalive settings may have changed. */
void liveness_config_changed(struct ike_sa *sa);
/* Something authenticated came from the peer. */
void liveness_heard(struct ike_sa *sa);
/* The answer to our probe arrived. */
void liveness_answered(struct ike_sa *sa);
/* The window gave up on sa's request msgid: true when it was our probe,
 * in which case the peer has been declared dead and sa is deleted. */
bool liveness_timed_out(struct ike_sa *sa, uint32_t msgid);
/* Seconds until our next keepalive request for sa goes out (a probe, or
 * the retransmission of the one in flight), rounded up; -1 when keepalive
 * is not on for its gateway or sa is not up. For `show status tunnel`'s
 * "[Next send]: N sec after". */
long liveness_next_send(const struct ike_sa *sa, uint64_t now_ms);
/* An ICMP echo reply reached the kernel (icmp-echo keepalive). */
struct kernel_event;
void liveness_echo_reply(struct ike_core *c, const struct kernel_event *ev);
/* Whether the tunnel counts as up: established and past `upwait`. */
bool liveness_tunnel_up(struct ike_sa *sa);

#endif
