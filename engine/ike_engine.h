/* The engine's insides, shared by the IKE modules above the SA core:
 * struct ike_engine around its core, the per-gateway memory, and the
 * engine's answers to a failed attempt and to "a new IKE SA, please".
 * ike.c implements them next to ike.h. */
#ifndef RTX_IKE_ENGINE_H
#define RTX_IKE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr_count.h"
#include "engine/ike.h"
#include "engine/ike_core.h"
#include "engine/illegal_spi.h"
#include "engine/loop.h"

struct ike_sa;

/* Per-gateway memory that outlives its IKE SAs. Allocated one by one:
 * the retry timer is linked into the loop's heap by address. */
struct gw_state {
	struct ike_engine *e;
	unsigned id;
	uint16_t ke_group;       /* asked for by the peer's INVALID_KE_PAYLOAD */
	bool contacted;          /* INITIAL_CONTACT already sent to this peer */
	bool paused;             /* a failed attempt stopped initiation */
	bool queued;             /* in the engine's queue of initiations */
	struct loop_timer retry;
	/* child_retry.c: a CHILD SA the kernel refused, negotiated again */
	struct loop_timer child_timer;
	unsigned child_fails;    /* refusals in a row, for the back-off */
	unsigned child_tunnel;
	char down_why[192];      /* why that tunnel is down; "" once it is up */
	struct diagnosis *diag;  /* diagnosis.c: the last failure, or NULL */
};

/* Which tunnel a gateway serves, as of the last ike_config_changed. */
struct gw_tunnel {
	unsigned gw, tunnel;
};

/* A gateway's `ipsec ike remote address`, parsed, and where the gateway
 * is in the configuration's array. */
struct gw_addr {
	struct ip_addr addr;
	size_t pos;
};

struct ike_engine {
	struct ike_core core;                 /* the SAs and the dependencies */
	struct gw_state **gws;                /* sorted by gateway id */
	size_t n_gws;
	unsigned cookie_threshold;            /* half-open SAs before COOKIE */
	unsigned half_open_per_source;        /* IKE_SA_INIT dropped beyond (0: no limit) */
	unsigned half_open_max;               /* the same over all sources */
	uint64_t cookies_sent, dropped_per_source, dropped_max;
	uint8_t cookie_secret[2][32];         /* [0] current, [1] previous */
	uint64_t cookie_rotated_ms;
	struct illegal_spi illegal_spi;       /* `ipsec log illegal-spi` lines */
	struct gw_tunnel *gw_tunnels;         /* sorted by gateway */
	size_t n_gw_tunnels;
	struct gw_addr *gw_addrs;             /* IKEv2 gateways, by remote address */
	size_t n_gw_addrs;
	bool any_cert_gw;                     /* some IKEv2 gateway uses certificates */
	uint64_t config_gen;                  /* ike_config_changed calls so far */
	/* Our own initiations under way, in all and per peer, and the
	 * gateways waiting for their turn (ike.c, start_or_queue). */
	unsigned *queue;
	size_t queue_head, queue_len, queue_cap;
	unsigned starting;
	struct addr_count starting_to;
	struct name_index *names;             /* exchange_auth.c: gateways by remote name */
	char why[96];                         /* child_retry.c: ike_tunnel_down_why's text */
};

static inline struct ike_engine *ike_engine_of(struct ike_core *c)
{
	return (struct ike_engine *)((char *)c - offsetof(struct ike_engine, core));
}

/* The router's own initiations under way at once: as many half-open SAs
 * as our own COOKIE threshold lets a responder hold without cookies, at
 * most IKE_HALF_OPEN_PER_SOURCE to one peer address (what our responder
 * and strongSwan's block_threshold let one sender have). One counts from
 * its IKE_SA_INIT until it is up, gone, or retransmits. */
#define IKE_INIT_BURST 16

/* The gateway's memory, made on first use; NULL for 0 or out of memory. */
struct gw_state *ike_gw_state(struct ike_core *c, unsigned id);
/* The same without making one: NULL when the gateway has none. */
struct gw_state *ike_gw_find(struct ike_engine *e, unsigned id);
/* The tunnel gateway gw serves (the first in number order), or 0: what
 * config_gateway_tunnel says, which walks every tunnel. Handshakes ask it
 * several times each, so the engine indexes the answers when the
 * configuration changes, and checks the one it finds at each use (the
 * shell edits the configuration a moment before it tells the engine). */
unsigned ike_gateway_tunnel(struct ike_core *c, unsigned gw);
/* The first IKEv2 gateway in configuration order whose `ipsec ike remote
 * address` is a, or NULL: indexed like ike_gateway_tunnel, the hit
 * checked against the configuration, a miss walked. */
const struct gateway_config *ike_gateway_by_addr(struct ike_core *c, const struct ip_addr *a);
/* Whether some IKEv2 gateway authenticates with certificates (as of the
 * last configuration change). */
bool ike_any_cert_gateway(struct ike_core *c);
/* Frees exchange_auth.c's index of gateways by remote name. */
void exchange_auth_forget(struct ike_engine *e);
/* Whether the router starts key exchanges for g by itself (reference 1.4:
 * global and per-gateway `ipsec auto refresh` both on, IKEv2, the peer's
 * address known). */
bool ike_auto_refresh(const struct ike_core *c, const struct gateway_config *g);
/* A failed attempt: sa is deleted locally, then its gateway retries later
 * or pauses (Yamaha 1.6). */
void ike_attempt_failed(struct ike_sa *sa);
/* A new IKE SA to the gateway even while others exist (a type-1 rekey by
 * IKE_SA_INIT, a CHILD SA re-created with a new IKE SA). NULL: *err. */
struct ike_sa *ike_initiate_fresh(struct ike_core *c, unsigned gateway, int *err);

#endif
