/* The SA core of one engine: what its IKE and CHILD SAs share, and how the
 * modules above follow their lives.
 *
 * The core (ike_core.c, tunnel.c, ike_sa.c, child_sa.c) knows nothing
 * above it. Rekeying, liveness, INFORMATIONAL, NAT-T, the exchanges and
 * the engine itself learn what happens to an SA from lifecycle events:
 * the engine hands the core a table of listeners when it builds it, and
 * the one writer of each SA's state (ike_sa_set_state, child_sa_set_state)
 * tells them in the order of that table. Nothing in an SA points at code.
 * tests/layering.sh keeps the core's includes to itself and below. */
#ifndef RTX_IKE_CORE_H
#define RTX_IKE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr_count.h"
#include "engine/lease.h"
#include "engine/ike_deps.h"

struct child_sa;
struct gateway_config;
struct ike_sa;
struct tunnel_state;
struct window_ops;

/* Lifecycle events, the same for IKE and CHILD SAs. doc/sa-states.md
 * shows which state change raises which. */
enum sa_event {
	SA_EV_NONE,         /* a move that tells nobody (a failed rekey going back) */
	SA_EV_CREATED,      /* allocated and numbered, nothing negotiated yet */
	SA_EV_ESTABLISHED,  /* usable: IKE SA authenticated, CHILD SA in the kernel */
	SA_EV_REKEYING,     /* its replacement is being negotiated or was made */
	SA_EV_DELETING,     /* going: timers stop; a Delete may still be sent */
	SA_EV_GONE,         /* closed: let go of everything held for it */
	SA_EV_COUNT,
};

/* A state machine as data: the legal moves between states (numbered from
 * 0), the event each raises, and the prerequisite flags each state needs.
 * ike_sa.c and child_sa.c each have one; doc/sa-states.md prints them. */
struct sa_move {
	int from, to;
	enum sa_event ev;          /* SA_EV_NONE: a move that tells nobody */
};

struct sa_machine {
	const char *const *names;  /* [n_states] */
	const unsigned *needs;     /* [n_states]: flags a state needs */
	int n_states;
	const struct sa_move *moves;
	size_t n_moves;
};

/* The moves both kinds of SA share once established: REKEYING while a
 * replacement is negotiated or made (back when our rekey fails, or again
 * when a rekey of the peer's replaced it meanwhile), and going. M(from, to,
 * event) spells the kind's own state and event names. */
#define SA_MOVES_WHEN_UP(M) \
	M(ESTABLISHED, REKEYING, REKEYING), \
	M(ESTABLISHED, DELETING, DELETING), \
	M(REKEYING, REKEYING, NONE), \
	M(REKEYING, ESTABLISHED, NONE), \
	M(REKEYING, DELETING, DELETING), \
	M(DELETING, CLOSED, GONE)

/* The move from -> to when the machine has it and flags meet what `to`
 * needs; NULL otherwise. */
const struct sa_move *ike_core_move(const struct sa_machine *m, int from, int to,
				    unsigned flags);
const char *ike_core_state_name(const struct sa_machine *m, int state);

/* A module that follows SA lifecycles; either function may be NULL. */
struct sa_listener {
	void (*ike)(struct ike_sa *sa, enum sa_event ev);
	void (*child)(struct child_sa *c, enum sa_event ev);
};

#define IKE_SA_BUCKETS 4096
#define IKE_SA_SIDE_BUCKETS 1024

struct ike_core {
	struct ike_deps d;
	struct workers *workers;               /* d.threads of them, or NULL: inline */
	const struct sa_listener *const *listeners;   /* told in this order */
	size_t n_listeners;
	const struct window_ops *window_ops;   /* of every IKE SA's message window */
	struct ike_sa *sas;                    /* all IKE SAs, newest first */
	struct ike_sa *bucket[IKE_SA_BUCKETS]; /* by our SPI */
	/* With thousands of tunnels, walking every SA per handshake is what
	 * costs: SAs by gateway, and responder SAs by the peer's SPI (for a
	 * retransmitted IKE_SA_INIT). */
	struct ike_sa *gw_bucket[IKE_SA_SIDE_BUCKETS];
	struct ike_sa *peer_bucket[IKE_SA_SIDE_BUCKETS];
	/* and by gateway and the peer's identity: a road-warrior's earlier SAs
	 * at its login, among all the gateway's */
	struct ike_sa *id_bucket[IKE_SA_SIDE_BUCKETS];
	/* installed CHILD SAs by inbound and outbound SPI (child_sa.c) */
	struct child_sa *spi_in_bucket[IKE_SA_SIDE_BUCKETS];
	struct child_sa *spi_out_bucket[IKE_SA_SIDE_BUCKETS];
	size_t n_sas;
	unsigned half_open;                    /* responder SAs not yet established */
	struct addr_count half_open_src;  /* the same, per source address */
	struct lease_table leases;             /* the live IKE SAs' cp_addr */
	/* SA numbers in use and what each names: open addressing with
	 * linear probing (rekey.c follows successors by number) */
	struct sa_number *numbers;
	size_t numbers_cap, numbers_used;
	unsigned number_next;
	struct tunnel_state *tunnels;          /* tunnel.c */
	size_t n_tunnels;
	/* What the last failed CHILD SA install could not put into the
	 * kernel, in words ("adding the route 10.1.0.0/24 to tunnel 1");
	 * written by child_sa.c and tunnel.c, read while the CHILD SA goes. */
	char install_why[128];
	/* The engine is being freed: nothing starts, and the interfaces of
	 * the tunnels that go are left to the kernel backend's flush, which
	 * deletes them as one (tunnel.c). */
	bool closing;
};

void ike_core_init(struct ike_core *c, const struct ike_deps *d,
		   const struct sa_listener *const *listeners, size_t n_listeners,
		   const struct window_ops *window_ops);
/* Frees what the core allocated; its SAs are deleted before. */
void ike_core_free(struct ike_core *c);

/* Tells every listener, in table order. */
void ike_core_emit_ike(struct ike_core *c, struct ike_sa *sa, enum sa_event ev);
void ike_core_emit_child(struct ike_core *c, struct child_sa *ch, enum sa_event ev);
const char *ike_core_event_name(enum sa_event ev);

uint64_t ike_core_now_ms(const struct ike_core *c);
/* The rng of the deps, else the crypto library's DRBG. */
int ike_core_random(struct ike_core *c, uint8_t *buf, size_t len);
/* Gateway `id` of the configuration; NULL for 0 or an unknown id. */
const struct gateway_config *ike_core_gateway(const struct ike_core *c, unsigned id);

/* The router shows small SA numbers that keep counting up, one counter
 * for IKE and CHILD SAs, skipping numbers still in use; each names its
 * SA until freed. A CHILD SA gets two, the one returned for its send
 * direction and the next for its receive direction, both freed with the
 * first. 0: none left, or out of memory. */
enum sa_kind { SA_KIND_IKE = 1, SA_KIND_CHILD };
struct sa_number {
	unsigned n;             /* 0: a free slot */
	enum sa_kind kind;
	void *sa;
};
unsigned ike_core_number_alloc(struct ike_core *c, enum sa_kind kind, void *sa);
/* The SA of that kind number n names, or NULL. */
void *ike_core_number_sa(const struct ike_core *c, unsigned n, enum sa_kind kind);
/* The number the next ike_core_number_alloc() returns (0: none free). */
unsigned ike_core_number_peek(const struct ike_core *c);
void ike_core_number_free(struct ike_core *c, unsigned n);

#endif
