/* CHILD SAs (RFC 7296 1.3, 2.17): one ESP SA pair in tunnel mode for a
 * route-based RTX tunnel, installed through kernel_ops together with its
 * tunnel (tunnel.c). Part of the SA core (ike_core.h).
 *
 * Like an IKE SA, a CHILD SA has a short state with one writer,
 * child_sa_set_state(), a transition table (child_sa_machine, printed in
 * doc/sa-states.md) and prerequisites: what must be in the kernel before
 * it counts as established (CHILD_SAF_*, also what teardown undoes). */
#ifndef RTX_CHILD_SA_H
#define RTX_CHILD_SA_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/ike_core.h"
#include "engine/keys.h"
#include "engine/loop.h"
#include "engine/proposal.h"
#include "kernel/kernel.h"

struct ike_sa;

enum child_state {
	CHILD_STATE_LARVAL,       /* numbered, inbound SPI allocated, negotiating */
	CHILD_STATE_ESTABLISHED,  /* both SAs and the tunnel in the kernel */
	CHILD_STATE_REKEYING,     /* established; its replacement is negotiated or made */
	CHILD_STATE_DELETING,     /* leaving the kernel */
	CHILD_STATE_CLOSED,       /* gone; about to be freed */
	CHILD_STATE_COUNT,
};

/* What is in the kernel (ESTABLISHED needs all three). */
enum child_sa_flag {
	CHILD_SAF_IN = 1u << 0,       /* the inbound SA */
	CHILD_SAF_OUT = 1u << 1,      /* the outbound SA, or it held back (out_held) */
	CHILD_SAF_TUNNEL = 1u << 2,   /* a hold on the tunnel (tunnel_hold) */
	CHILD_SAF_ADDR = 1u << 3,     /* a hold on our mode-cfg address (tunnel_addr_hold) */
};

struct child_sa {
	struct child_sa *next;
	struct child_sa *in_next, *out_next;  /* the core's SPI buckets, while listed */
	struct ike_sa *ike;
	enum child_state state;          /* child_sa_set_state() alone writes it */
	unsigned flags;                  /* CHILD_SAF_* */
	unsigned num_send, num_recv;     /* the `sa` numbers of both directions */
	unsigned tunnel;
	uint32_t policy;
	uint32_t spi_in, spi_out;        /* host order; spi_out 0 until agreed */
	struct proposal_choice prop;
	uint32_t reqid, if_id;
	struct ip_addr ts_l, ts_r;       /* traffic selectors as prefixes */
	uint8_t ts_l_len, ts_r_len;
	struct ip_addr own_addr;         /* while CHILD_SAF_ADDR: the address it holds */
	uint64_t established_ms;
	uint32_t life_secs;
	/* The outbound SA, made but not yet in the kernel: the responder of a
	 * rekey keeps sending on the old SA until the peer surely has the new
	 * inbound one (child_sa_release_out). NULL once installed. */
	struct kernel_sa *out_held;
	/* The kernel's refusal when child_sa_install failed (the words are in
	 * the core's install_why), for those who hear it go; 0 otherwise. */
	int install_err;
	/* Kept here for rekey.c; the core never reads them. */
	struct loop_timer rekey;         /* rekey point, hard life, or the cut after rekey */
	struct loop_timer held;          /* while out_held: looks for the peer's traffic */
	uint8_t rk_phase;
	unsigned succ;                   /* num_send of the CHILD SA that replaced it */
	uint8_t nonce_min[32];           /* lowest nonce of the exchange that made it */
	uint8_t nonce_min_len;
	bool made_by_us;                 /* we initiated the exchange that made it */
	bool by_create_child;            /* made by CREATE_CHILD_SA, not IKE_AUTH
	                                  * (the prefix of its KEYMAT lines) */
};

/* A CHILD SA for tunnel/policy under ike: numbers assigned ("temporarily
 * assigned", "bound on SA:n/IKE", "assigned policy" logged), SA_EV_CREATED
 * told, and an inbound SPI allocated from the kernel. NULL on failure. */
struct child_sa *child_sa_new(struct ike_sa *ike, unsigned tunnel, uint32_t policy,
			      int *err);
/* Installs both SAs with KEYMAT from keys (RFC order i->r then r->i), then
 * holds the tunnel; established, it joins its IKE SA's children. On
 * failure it stays LARVAL and the caller discards it, which removes what
 * it installed. */
int child_sa_install(struct child_sa *c, const struct child_keys *keys);
/* The same for the responder of a rekey (RFC 7296 2.8): the inbound SA
 * goes in now, before our answer lets the peer send on it; the outbound SA
 * is held back, because the kernel sends on the newest outbound SA at once
 * and the peer installs our new inbound SA only when our answer reaches
 * it. rekey.c releases it at the peer's first packet on the new inbound
 * SA, or when the replaced SA goes (the peer's Delete, the end of its
 * grace, its hard life). */
int child_sa_install_holding_out(struct child_sa *c, const struct child_keys *keys);
/* Puts a held outbound SA into the kernel (nothing to do when none is
 * held); from then on traffic leaves on it. 0 or the kernel's refusal,
 * logged; the SA stays held then and goes with c. */
int child_sa_release_out(struct child_sa *c);
/* Removes it from the kernel (and the tunnel's objects if last), logs
 * "deleted" for both directions, unlinks it from its IKE SA and frees. */
void child_sa_delete(struct child_sa *c);
/* The same for one that never joined its IKE SA (NULL is fine). */
void child_sa_discard(struct child_sa *c);
/* Moves c to IKE SA `to` (an IKE SA rekey): "bound on SA:n/IKE (changed)". */
void child_sa_rebind(struct child_sa *c, struct ike_sa *to);
/* The installed CHILD SA one of whose kernel SAs id names (the kernel's
 * expire events), without a walk of every SA; NULL when none. */
struct child_sa *child_sa_by_kernel_id(struct ike_core *e, const struct kernel_sa_id *id);

/* The one writer of c->state; 0 or -RTX_EINVAL (see ike_sa_set_state). */
int child_sa_set_state(struct child_sa *c, enum child_state to);
extern const struct sa_machine child_sa_machine;
const char *child_state_name(enum child_state s);

static inline bool child_sa_up(const struct child_sa *c)
{
	return c->state == CHILD_STATE_ESTABLISHED || c->state == CHILD_STATE_REKEYING;
}

/* CHILD SAs go with their IKE SA: this listener deletes them when it
 * closes. The engine lists it after every listener that still reads them. */
extern const struct sa_listener child_sa_listener;

/* Traffic selectors: the whole address family, as a route-based RTX
 * tunnel offers them. */
void child_sa_ts_all(uint8_t family, struct ts_selector *ts);
/* Narrowing (RFC 7296 2.9): the first offered selector of our family that
 * is an exact prefix. 0 or -RTX_ENOENT (TS_UNACCEPTABLE). */
int child_sa_ts_pick(const struct payload_ts *offered, uint8_t family,
		     struct ip_addr *net, uint8_t *len);
/* Our selector written back from a prefix. */
void child_sa_ts_from_prefix(const struct ip_addr *net, uint8_t len,
			     struct ts_selector *ts);

#endif
