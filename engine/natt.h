/* NAT traversal (RFC 7296 2.23, RFC 3948; Yamaha reference 1.33).
 *
 * IKE_SA_INIT sends and checks NAT_DETECTION_* (exchange_init.c). Then:
 * - initiator: with `ipsec ike nat-traversal GW on`, when a NAT was found
 *   on either side (a peer that fakes detection, as strongSwan does with
 *   `encap = yes`, looks like a NAT at the remote side) or `force=on`,
 *   IKE_AUTH and everything after go to port 4500 (the transport adds the
 *   non-ESP marker) and the CHILD SAs are UDP-encapsulated.
 * - responder: the reference says NAT-T needs the command on both sides
 *   and that `force` matters only to the initiator; we read that as: the
 *   responder follows the initiator. Every message is answered where it
 *   came from (2.23 requires it, or the answer would not pass the NAT),
 *   and when the peer moved to 4500 its CHILD SAs are encapsulated if the
 *   gateway has `nat-traversal on`; with it off they stay plain ESP, as a
 *   router without NAT-T would install them.
 * - after authenticated messages the peer's address and port are followed
 *   when it is behind a NAT (a mapping that changed); kernel SAs get the
 *   new encapsulation port (kernel_ops update_encap). A new public address
 *   is followed by IKE only: its CHILD SAs are not moved.
 * - the side behind the NAT sends NAT keepalives every `keepalive=`
 *   seconds (default 300; off disables) as a plain period. */
#ifndef RTX_NATT_H
#define RTX_NATT_H

#include <stdbool.h>

#include "engine/ike_core.h"

struct endpoint;
struct ike_sa;

/* Initiator, IKE_SA_INIT answered and NAT detection done: switch or not. */
void natt_after_init(struct ike_sa *sa);
/* An authenticated message came from remote to local: move to 4500 /
 * follow the peer as needed. */
void natt_on_authenticated(struct ike_sa *sa, const struct endpoint *local,
			   const struct endpoint *remote);
/* NAT keepalives start when an SA is established with us behind a NAT,
 * and stop when it goes. (Whether ESP is encapsulated follows from where
 * IKE runs: ike_sa_udp_encap.) */
extern const struct sa_listener natt_listener;

#endif
