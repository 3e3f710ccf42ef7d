/* CREATE_CHILD_SA (RFC 7296 1.3, 2.8, 2.17, 2.18): an additional CHILD SA,
 * the rekey of a CHILD SA (REKEY_SA, optional PFS), and the rekey of the
 * IKE SA itself. rekey.c decides when; this file runs the exchange and
 * hands what it made back to rekey.c. */
#ifndef RTX_EXCHANGE_CHILD_H
#define RTX_EXCHANGE_CHILD_H

#include "engine/exchange.h"
#include "engine/ike_core.h"

struct child_sa;
struct ike_sa;

enum child_xchg_kind {
	CX_NEW,           /* one more CHILD SA for a tunnel */
	CX_REKEY_CHILD,   /* replace a CHILD SA */
	CX_REKEY_IKE,     /* replace the IKE SA */
};

extern const struct exchange_ops exchange_child_ops;

/* Starts our CREATE_CHILD_SA on sa: `old` is the CHILD SA to rekey
 * (CX_REKEY_CHILD), `tunnel` the tunnel of a new one (CX_NEW). 0, or
 * -RTX_EEXIST while another exchange of ours is pending. */
int exchange_child_start(struct ike_sa *sa, enum child_xchg_kind kind,
			 struct child_sa *old, unsigned tunnel);
/* With the engine's workers, our key pair for the next CREATE_CHILD_SA of
 * `kind` on sa is made on one before the exchange starts, and kept on sa
 * for exchange_child_start to take; then(sa, n) follows when it is back
 * (made or not), unless sa closed meanwhile. true: a worker has it. false:
 * nothing to make ahead (no KE, no workers, one is kept already): start
 * now. Nothing about sa changes meanwhile, so the rekey rules see the
 * exchange start as if the timer had fired a moment later. */
bool exchange_child_key_ahead(struct ike_sa *sa, enum child_xchg_kind kind,
			      void (*then)(struct ike_sa *sa, unsigned n), unsigned n);
/* Frees a key pair kept for a rekey that will not start. */
void exchange_child_key_drop(struct ike_sa *sa);
/* Drops a closing IKE SA's pending CREATE_CHILD_SA, and forgets a CHILD
 * SA that goes while its rekey is pending. */
extern const struct sa_listener exchange_child_listener;

#endif
