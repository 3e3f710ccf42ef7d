/* The IKE SA (RFC 7296 2) and the engine state the IKE modules share.
 *
 * An IKE SA has a short linear state (INIT .. CLOSED) with one writer,
 * ike_sa_set_state(), which refuses illegal moves and emits the
 * catalogue lines. Everything hangs off struct ike_engine: no globals. */
#ifndef RTX_IKE_SA_H
#define RTX_IKE_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/ike.h"
#include "engine/keys.h"
#include "engine/loop.h"
#include "engine/proposal.h"
#include "engine/transport.h"
#include "engine/window.h"

struct child_sa;
struct dh;
struct gateway_config;
struct exchange_ops;
struct exchange_info_state;

enum ike_state {
	IKE_STATE_INIT,          /* created, nothing sent or received yet */
	IKE_STATE_INIT_SENT,     /* IKE_SA_INIT done on our side, keys pending */
	IKE_STATE_AUTH_SENT,     /* keys derived, IKE_AUTH under way */
	IKE_STATE_ESTABLISHED,
	IKE_STATE_REKEYING,
	IKE_STATE_DELETING,
	IKE_STATE_CLOSED,
};

/* Per-gateway memory that outlives its IKE SAs. Allocated one by one:
 * the retry timer is linked into the loop's heap by address. */
struct gw_state {
	struct ike_engine *e;
	unsigned id;
	uint16_t ke_group;       /* asked for by the peer's INVALID_KE_PAYLOAD */
	bool contacted;          /* INITIAL_CONTACT already sent to this peer */
	bool paused;             /* a failed attempt stopped initiation */
	struct loop_timer retry;
};

/* A tunnel whose interface, policies and routes are installed. */
struct tunnel_state {
	unsigned num;
	unsigned nchild;         /* CHILD SAs using it */
	bool standing;           /* kept without CHILD SA, for acquires */
	uint32_t if_id, reqid;
	struct ip_addr local, remote;     /* the policies' template */
	struct ip_addr ts_l, ts_r;        /* the policies' selectors */
	uint8_t ts_l_len, ts_r_len;
};

/* Knobs for tests only; production leaves them zero. */
struct ike_test_hooks {
	const struct sa_proposal *ike_offer;  /* replaces our IKE proposal */
	const struct sa_proposal *esp_offer;  /* replaces our ESP proposal */
	uint16_t ke_group;                    /* first KE group to send */
	bool natt_fake;                       /* NAT_DETECTION_SOURCE_IP never matches */
	bool no_rekey_jitter;                 /* rekey timers fire at exactly rekey % */
	bool no_initial_contact;              /* benchmarks: forget peers silently */
};

#define IKE_SA_BUCKETS 4096

struct ike_engine {
	struct ike_deps d;
	struct ike_sa *sas;                   /* all SAs, newest first */
	struct ike_sa *bucket[IKE_SA_BUCKETS]; /* by our SPI */
	size_t n_sas;
	uint32_t *numbers;                    /* bitmap of SA numbers in use */
	size_t numbers_words;
	unsigned number_next;
	struct gw_state **gws;
	size_t n_gws;
	struct tunnel_state *tunnels;
	size_t n_tunnels;
	unsigned cookie_threshold;            /* half-open SAs before COOKIE */
	uint8_t cookie_secret[2][32];         /* [0] current, [1] previous */
	uint64_t cookie_rotated_ms;
	unsigned half_open;
	struct ike_sa *busy;                  /* SA of the message being dispatched */
	struct ike_test_hooks hooks;
};

struct ike_sa {
	struct ike_engine *e;
	struct ike_sa *next, *hnext;          /* engine list, hash bucket */
	unsigned number;
	unsigned gateway;                     /* 0 while unknown (responder) */
	bool initiator;                       /* original initiator */
	bool half_open;                       /* counted in e->half_open */
	enum ike_state state;
	uint64_t spi_i, spi_r;
	struct endpoint local, remote;
	struct proposal_offer *offer;         /* what we proposed, until agreed */
	struct proposal_choice prop;          /* what was agreed */
	struct dh *dh;
	uint8_t ni[256], nr[256];
	size_t ni_len, nr_len;
	struct ike_keys keys;
	bool keyed;
	uint8_t *init_i, *init_r;             /* IKE_SA_INIT messages, for AUTH */
	size_t init_i_len, init_r_len;
	uint8_t *cookie;
	size_t cookie_len;
	uint8_t init_restarts;                /* COOKIE / INVALID_KE rounds */
	struct window win;
	const struct exchange_ops *ix;        /* our exchange in flight */
	struct child_sa *children;
	struct child_sa *first_child;         /* negotiated in IKE_AUTH */
	char local_id[64], remote_id[64];
	bool nat_local, nat_remote;
	uint64_t created_ms, established_ms;
	uint32_t life_secs;
	struct loop_timer expire;             /* half-open timeout, then hard life */
	bool deleted;                         /* freed at the end of dispatch */
	struct exchange_info_state *info;              /* exchange_info.c, liveness.c, natt.c */
	/* rekey.c and exchange_child.c */
	struct child_xchg *cx;                /* our CREATE_CHILD_SA in flight */
	struct loop_timer rekey;              /* rekey point, retry, or retirement */
	uint8_t rk_phase;                     /* what rekey does when it fires */
	bool rekey_due;                       /* `rekey off`: rekey when a CHILD SA is needed */
	unsigned succ, pred;                  /* numbers of the SA replacing / replaced */
	unsigned rekeys;                      /* CREATE_CHILD_SA rekeys in this SA's line */
};

/* ---- engine helpers (engine.c) ---------------------------------------- */

uint64_t ike_now_ms(const struct ike_engine *e);
int ike_random(struct ike_engine *e, uint8_t *buf, size_t len);
const struct gateway_config *ike_gateway(const struct ike_engine *e, unsigned id);
struct gw_state *ike_gw_state(struct ike_engine *e, unsigned id);
/* Bits LOGTYPE_* in force for an SA (global plus its gateway's). */
unsigned ike_log_types(const struct ike_sa *sa);
/* A failed attempt: delete sa locally and retry later or pause. */
void ike_sa_failed(struct ike_sa *sa);
/* A new IKE SA to the gateway even while others exist (a type-1 rekey by
 * IKE_SA_INIT, a CHILD SA re-created with a new IKE SA). NULL: *err. */
struct ike_sa *ike_initiate_fresh(struct ike_engine *e, unsigned gateway, int *err);

/* ---- SA numbers (ike_sa.c) -------------------------------------------- */

/* One counter for IKE and CHILD SAs, skipping numbers still in use. */
unsigned ike_number_alloc(struct ike_engine *e);
void ike_number_free(struct ike_engine *e, unsigned n);

/* ---- IKE SAs (ike_sa.c) ----------------------------------------------- */

struct ike_sa *ike_sa_new(struct ike_engine *e, bool initiator, unsigned gateway,
			  const struct endpoint *local, const struct endpoint *remote);
/* Sets the responder SPI once known and indexes the SA by our SPI. */
void ike_sa_set_spi_r(struct ike_sa *sa, uint64_t spi_r);
/* The SA whose SPIs a received header names, or NULL. */
struct ike_sa *ike_sa_find(struct ike_engine *e, uint64_t spi_i, uint64_t spi_r,
			   bool from_initiator);
/* A half-open responder SA for a retransmitted IKE_SA_INIT request. */
struct ike_sa *ike_sa_find_half_open(struct ike_engine *e, uint64_t spi_i,
				     const struct endpoint *remote);
int ike_sa_set_state(struct ike_sa *sa, enum ike_state to);
void ike_sa_set_gateway(struct ike_sa *sa, unsigned gateway);
/* Local teardown: CHILD SAs out of the kernel, "deleted" logged, the SA
 * unlinked and freed (deferred while a message for it is dispatched). */
void ike_sa_delete(struct ike_sa *sa);
void ike_sa_release(struct ike_sa *sa);     /* frees a deleted SA */

/* "SA:n/IKE" and "GW:g/SA:n/TAG" (GW:* while the gateway is unknown). */
void ike_sa_sub(const struct ike_sa *sa, char *buf, size_t len);
void ike_sa_xsub(const struct ike_sa *sa, const char *tag, char *buf, size_t len);
void ike_sa_log(struct ike_sa *sa, enum log_id id, ...);

/* key-info dump of len bytes under `title`, when enabled for sa. */
void ike_sa_dump_key(const struct ike_sa *sa, const char *sub, const char *title,
		     const void *data, size_t len);

const char *ike_state_name(enum ike_state s);

#endif
