/* Lifetimes and rekey policy (RFC 7296 2.8, Yamaha reference 1.22, 1.29):
 * when an IKE or CHILD SA is rekeyed, how a superseded SA goes, what a
 * kernel expire or acquire starts, and which of two SAs made by
 * simultaneous rekeys survives (2.8.1).
 *
 * Each SA has one rekey timer whose meaning is its phase: waiting for the
 * rekey point (rekey % of `ipsec ike duration`, minus a little jitter so
 * both peers do not fire together), retrying a rekey that could not run,
 * or counting down the grace an SA keeps after it was replaced. The
 * exchanges themselves are in exchange_child.c. */
#ifndef RTX_REKEY_H
#define RTX_REKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/ike_core.h"

struct child_sa;
struct ike_engine;
struct ike_sa;
struct kernel_event;

enum rekey_phase {
	RK_IDLE,      /* timer not in use */
	RK_WAIT,      /* fires at the rekey point */
	RK_RETRY,     /* a rekey was started or refused: check again */
	RK_HARD,      /* CHILD SA: the rekey did not happen, fires at hard expiry */
	RK_RETIRED,   /* replaced: fires when the grace is over and it goes */
	RK_KEYING,    /* no timer: our key pair for the rekey is being made ahead */
};

/* Seconds a replaced CHILD SA lives on when `forced-reduction` is unset. */
#define REKEY_CHILD_GRACE_SECS 30

/* ---- SA lifecycles ---------------------------------------------------------- */

/* An SA's rekey timer starts when it is established and stops when it
 * goes. Rekeys mark the SA REKEYING while its replacement is negotiated
 * and after it was made; a failed one marks it ESTABLISHED again. */
extern const struct sa_listener rekey_listener;
/* c is in the kernel (SA_EV_ESTABLISHED): its rekey timer starts, its IKE
 * SA is made to live at least as long (reference 1.29), and a type-1
 * fresh IKE SA that c completes retires the one it replaces. */
void rekey_child_installed(struct child_sa *c);

/* ---- what starts rekeys ----------------------------------------------------- */

/* The engine's kernel event handler: soft expire rekeys, hard expire
 * deletes, acquire negotiates for the tunnel. */
void rekey_kernel_event(struct ike_engine *e, const struct kernel_event *ev);
/* Rekey IKE or CHILD SA number n now (either direction's number for a
 * CHILD SA). 0, -RTX_ENOENT, or -RTX_EEXIST while an exchange is pending. */
int rekey_sa_number(struct ike_engine *e, unsigned n);
int rekey_child_start(struct child_sa *c);
int rekey_ike_start(struct ike_sa *sa);
/* A CHILD SA for `tunnel` is wanted under sa (type 2: CREATE_CHILD_SA,
 * type 1: a new IKE SA replacing sa). */
int rekey_child_wanted(struct ike_sa *sa, unsigned tunnel);

/* ---- results of exchange_child.c --------------------------------------------- */

/* nsa was made by rekeying old (either side started it): resolves a
 * simultaneous rekey, moves the CHILD SAs, retires old. nsa may be
 * deleted here as the redundant one. */
void rekey_ike_done(struct ike_sa *old, struct ike_sa *nsa);
/* n was made by rekeying old (old may be NULL when it went meanwhile). */
void rekey_child_done(struct child_sa *old, struct child_sa *n);
/* The CHILD SA that a CHILD SA for tunnel under the fresh IKE SA nsa
 * replaces (type 1: the peer made a new IKE SA with IKE_AUTH while the old
 * one is up), or NULL. Its responder installs holding the outbound SA
 * back and hands both to rekey_child_done. "The peer" is the same gateway
 * and the same authenticated identity: road-warriors share one gateway
 * entry and tunnel, and one's login must not replace another's SAs. */
struct child_sa *rekey_child_replaced(struct ike_sa *nsa, unsigned tunnel);
/* Its responder's half of that: n under the peer's fresh IKE SA replaces
 * old, and old's IKE SA is replaced with it, as when we make the fresh IKE
 * SA ourselves: it goes once its CHILD SAs' grace is over, and its own
 * rekey timer does not make yet another IKE SA. */
void rekey_fresh_answered(struct child_sa *old, struct child_sa *n);
/* Our rekey could not complete now (TEMPORARY_FAILURE, INVALID_KE
 * exhausted, no proposal): try again after a while. */
void rekey_ike_later(struct ike_sa *sa);
void rekey_child_later(struct child_sa *c);

#endif
