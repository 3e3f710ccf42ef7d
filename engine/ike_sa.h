/* The IKE SA (RFC 7296 2): its data and its state, part of the SA core
 * (ike_core.h), which knows nothing above it.
 *
 * An IKE SA has a short linear state with one writer, ike_sa_set_state(),
 * which accepts only the moves of a transition table (data:
 * ike_sa_machine, printed in doc/sa-states.md), checks the prerequisites the target state
 * needs (IKE_SAF_* flags, iked's sa_stateok), emits the catalogue line and
 * tells the listeners the event the move raises. */
#ifndef RTX_IKE_SA_H
#define RTX_IKE_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/log.h"
#include "engine/ike_core.h"
#include "engine/keys.h"
#include "engine/loop.h"
#include "engine/proposal.h"
#include "engine/transport.h"
#include "engine/window.h"

struct child_sa;
struct skf_reasm;
struct child_xchg;
struct dh;
struct exchange_info_state;
struct exchange_ops;

enum ike_state {
	IKE_STATE_INIT,          /* created, nothing sent or received yet */
	IKE_STATE_INIT_SENT,     /* IKE_SA_INIT done on our side, SK_* keys derived */
	IKE_STATE_AUTH_SENT,     /* initiator: our IKE_AUTH request is out */
	IKE_STATE_ESTABLISHED,   /* authenticated and usable */
	IKE_STATE_REKEYING,      /* usable; its replacement is negotiated or made */
	IKE_STATE_DELETING,      /* going: timers stopped, a Delete may be sent */
	IKE_STATE_CLOSED,        /* out of the engine; freed when nobody holds it */
	IKE_STATE_COUNT,
};

/* Prerequisites a state needs (ike_sa_set_state checks them). */
enum ike_sa_flag {
	IKE_SAF_KEYED = 1u << 0,     /* SK_* keys derived: SK payloads work */
	IKE_SAF_AUTHED = 1u << 1,    /* the peer is authenticated (or the SA this one
					rekeyed was) */
	IKE_SAF_EAP_CONTACT = 1u << 2,   /* an EAP login's first request had
					    INITIAL_CONTACT (acted on at its end) */
};

struct auth_eap;
struct sig_job;

struct ike_sa {
	struct ike_core *e;
	struct ike_sa *next, *prev, *hnext;   /* core list (prev: O(1) unlink), hash bucket */
	struct ike_sa *gnext, *pnext;         /* by gateway, by the peer's SPI */
	struct ike_sa *inext;                 /* by gateway and remote_id */
	unsigned number;
	unsigned gateway;                     /* 0 while unknown (responder) */
	bool initiator;                       /* original initiator */
	enum ike_state state;                 /* ike_sa_set_state() alone writes it */
	unsigned flags;                       /* IKE_SAF_* */
	unsigned holds;                       /* ike_sa_hold(): memory kept after delete */
	uint64_t spi_i, spi_r;
	struct endpoint local, remote;
	struct ip_addr half_open_from;        /* counted there while half-open */
	bool half_open_counted;
	struct proposal_offer *offer;         /* what we proposed, until agreed */
	struct proposal_choice prop;          /* what was agreed */
	struct dh *dh;
	struct dh *spare_dh;                  /* exchange_child.c: made ahead of a rekey */
	/* Needed only while the SA is set up: the nonces (sized as sent or
	 * received), SKEYSEED and SK_pi/SK_pr; ike_sa_setup_done() lets them
	 * go, keeping the lower nonce for a simultaneous rekey (2.8.1). */
	uint8_t *ni, *nr;
	size_t ni_len, nr_len;
	struct ike_auth_keys *akeys;
	uint8_t nonce_min[32];
	uint8_t nonce_min_len;
	struct ike_keys keys;
	uint8_t *init_i, *init_r;             /* IKE_SA_INIT messages, for AUTH */
	struct sig_job *own_sig;              /* exchange_auth.c: the initiator's AUTH, made ahead */
	size_t init_i_len, init_r_len;
	uint8_t *cookie;
	size_t cookie_len;
	uint8_t init_restarts;                /* COOKIE / INVALID_KE rounds */
	struct window win;                    /* ops from the core (the engine's) */
	struct child_sa *children;            /* installed CHILD SAs */
	struct child_sa *first_child;         /* negotiated in IKE_AUTH */
	char local_id[64], remote_id[64];
	struct ip_addr cp_addr;               /* mode-cfg address (family 0: none): the
						 server's lease while sa lives, or ours;
						 ike_sa_set_cp_addr() writes it */
	bool cp_held;                         /* cp_addr counted in e->leases */
	struct ip_addr cp_dns;                /* client: the DNS server the reply named */
	struct auth_eap *eap;                 /* auth_eap.c: an EAP login under way */
	char *eap_user;                       /* auth_eap.c, server: who logged in */
	unsigned peer_hashes;                 /* auth_cert.c: SIGNATURE_HASH_ALGORITHMS, a mask */
	bool frag;                            /* msg_io.c: both announced RFC 7383 */
	unsigned frag_size;                   /* msg_io.c: our fragments' IP size */
	struct skf_reasm *frag_rx;            /* msg_io.c: fragments being collected */
	uint32_t frag_rx_msgid;
	bool frag_rx_response;
	bool nat_local, nat_remote;           /* NAT detected on that side */
	uint64_t created_ms, established_ms;
	uint32_t life_secs;

	/* Kept here for the modules above; the core never reads them. */
	struct loop_timer expire;             /* ike.c: half-open timeout, then hard life */
	bool job_busy;                        /* a kex_job or sig_job of an exchange runs */
	bool starting;                        /* ike.c: counted in engine->starting */
	struct exchange_info_state *info;     /* exchange_info.c, liveness.c */
	struct loop_timer natt_keepalive;     /* natt.c */
	struct child_xchg *cx;                /* exchange_child.c: our CREATE_CHILD_SA */
	struct loop_timer rekey;              /* rekey.c: rekey point, retry, retirement */
	uint8_t rk_phase;                     /* rekey.c: what the rekey timer does */
	bool rekey_due;                       /* rekey.c: `rekey off`, due when needed */
	unsigned succ, pred;                  /* rekey.c: numbers of the SA replacing /
						 replaced */
	unsigned rekeys;                      /* rekey.c: CREATE_CHILD_SA rekeys in line */
};

/* A new IKE SA with our SPI, numbered and indexed; "temporarily
 * assigned" (and the gateway when known) logged, SA_EV_CREATED told.
 * A responder SA counts as half-open until it is established. */
struct ike_sa *ike_sa_new(struct ike_core *e, bool initiator, unsigned gateway,
			  const struct endpoint *local, const struct endpoint *remote);
void ike_sa_set_spi_r(struct ike_sa *sa, uint64_t spi_r);
/* The peer's SPI of a responder SA (an initiator's is its own, fixed). */
void ike_sa_set_spi_i(struct ike_sa *sa, uint64_t spi_i);
void ike_sa_set_gateway(struct ike_sa *sa, unsigned gateway);
/* Nonces are 16..IKE_NONCE_MAX bytes (RFC 7296 3.9). */
#define IKE_NONCE_MAX 256

/* A buffer of len bytes for Ni (responder false) or Nr, replacing the
 * last one; NULL when out of memory or len is over IKE_NONCE_MAX. */
uint8_t *ike_sa_nonce(struct ike_sa *sa, bool responder, size_t len);
/* The same with the bytes copied in. 0 or -RTX_ENOMEM / -RTX_EINVAL. */
int ike_sa_set_nonce(struct ike_sa *sa, bool responder, const uint8_t *data, size_t len);
/* A place for SKEYSEED and SK_pi/SK_pr (zeroed); NULL when out of memory. */
struct ike_auth_keys *ike_sa_auth_keys(struct ike_sa *sa);
/* a sorts before b, octet by octet, the shorter first on a tie (RFC 7296
 * 2.8.1's lowest nonce). */
bool sa_nonce_lower(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
/* The lower of two nonces into out (its first 32 bytes). */
void sa_nonce_min(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
		  uint8_t *out, uint8_t *out_len);
/* The lower of sa's Ni and Nr (its first 32 bytes), kept after setup. */
void ike_sa_nonce_min(const struct ike_sa *sa, uint8_t *out, uint8_t *out_len);
/* Authenticated and keyed (IKE_AUTH and its CHILD SA done, or made by a
 * rekey): frees what only the setup needed. */
void ike_sa_setup_done(struct ike_sa *sa);
/* The SA whose SPIs a received header names, or NULL. */
struct ike_sa *ike_sa_find(struct ike_core *e, uint64_t spi_i, uint64_t spi_r,
			   bool from_initiator);
/* A half-open responder SA for a retransmitted IKE_SA_INIT request. */
struct ike_sa *ike_sa_find_half_open(struct ike_core *e, uint64_t spi_i,
				     const struct endpoint *remote);
/* The SAs of gateway gw (not 0) in no particular order: the first after `after`
 * (NULL: from the start). A walk that deletes takes the next SA first. */
struct ike_sa *ike_sa_of_gateway(struct ike_core *e, unsigned gw, struct ike_sa *after);
/* The same for the SAs of gateway gw whose peer authenticated as id (not
 * ""): one road-warrior's among the thousands a `remote address any`
 * gateway holds. */
struct ike_sa *ike_sa_of_identity(struct ike_core *e, unsigned gw, const char *id,
				  struct ike_sa *after);
/* The one writer of sa->remote_id (cut to its size), which the index of
 * ike_sa_of_identity follows. */
void ike_sa_set_remote_id(struct ike_sa *sa, const char *id);
/* The one writer of sa->cp_addr (NULL or family 0: none), which the
 * engine's lease table (lease.h) counts until the SA closes. 0, or
 * -RTX_ENOMEM with sa holding no address. */
int ike_sa_set_cp_addr(struct ike_sa *sa, const struct ip_addr *a);

/* The one writer of sa->state: 0, or -RTX_EINVAL for a move the table
 * does not have or a state whose prerequisites are missing. */
int ike_sa_set_state(struct ike_sa *sa, enum ike_state to);
/* The transition table and the prerequisites (IKE_SAF_*) of each state. */
extern const struct sa_machine ike_sa_machine;
const char *ike_state_name(enum ike_state s);

/* Established and not going: exchanges may run, CHILD SAs may be made. */
static inline bool ike_sa_up(const struct ike_sa *sa)
{
	return sa->state == IKE_STATE_ESTABLISHED || sa->state == IKE_STATE_REKEYING;
}

/* Local teardown: DELETING (unless already), then CLOSED, at which the
 * listeners let go and the CHILD SAs leave the kernel with it; "deleted"
 * logged, the SA unlinked and freed unless held. */
void ike_sa_delete(struct ike_sa *sa);
/* A message for sa is being dispatched: a delete meanwhile keeps its
 * memory until ike_sa_put(). */
void ike_sa_hold(struct ike_sa *sa);
void ike_sa_put(struct ike_sa *sa);

/* The SA's gateway configuration (NULL while unknown or removed). */
const struct gateway_config *ike_sa_gateway(const struct ike_sa *sa);
/* Bits LOGTYPE_* in force for the SA (global plus its gateway's). */
unsigned ike_sa_log_types(const struct ike_sa *sa);
/* Whether ESP of its CHILD SAs is UDP-encapsulated (RFC 3948): IKE runs
 * on port 4500 and the gateway has `nat-traversal on`. */
bool ike_sa_udp_encap(const struct ike_sa *sa);

/* "SA:n/IKE" and "GW:g/SA:n/TAG" (GW:* while the gateway is unknown). */
void ike_sa_sub(const struct ike_sa *sa, char *buf, size_t len);
void ike_sa_xsub(const struct ike_sa *sa, const char *tag, char *buf, size_t len);
void ike_sa_log(struct ike_sa *sa, enum log_id id, ...);
/* key-info dump of len bytes under `title`, when enabled for sa. */
void ike_sa_dump_key(const struct ike_sa *sa, const char *sub, const char *title,
		     const void *data, size_t len);

#endif
