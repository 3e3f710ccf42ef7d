/* The IKEv2 engine as the rest of the router sees it: built from its
 * dependencies (no globals), told when the configuration changes, asked to
 * initiate or delete, and queried for `show ipsec sa`. Messages arrive
 * through the transport's receive callback and kernel events through the
 * kernel's event handler, both of which the engine installs itself. */
#ifndef RTX_IKE_H
#define RTX_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/ike_deps.h"
#include "kernel/kernel.h"

struct ike_engine;

struct ike_engine *ike_engine_new(const struct ike_deps *deps, int *err);
/* Deletes every SA from the kernel (without telling peers) and frees. */
void ike_engine_free(struct ike_engine *e);

/* The configuration was changed: apply it (new gateways may initiate per
 * `ipsec auto refresh`, removed ones are torn down). */
void ike_config_changed(struct ike_engine *e);

/* Start an IKE SA (and its first CHILD SA) to the gateway now. */
int ike_initiate(struct ike_engine *e, unsigned gateway);
/* Why tunnel's CHILD SA is not up when the kernel refused it ("adding the
 * route 10.1.0.0/24 to tunnel 1 failed: ...") or its IKEv2 gateway serves
 * another tunnel, or NULL (child_retry.c). Valid until the next call. */
const char *ike_tunnel_down_why(struct ike_engine *e, unsigned tunnel);
/* `ipsec sa delete N`: delete SA number N (IKE or CHILD) and tell the peer. */
int ike_delete_sa(struct ike_engine *e, unsigned sa_number);
/* `ipsec sa delete all`. */
void ike_delete_all(struct ike_engine *e);
/* `ipsec refresh sa`: drop every SA and reset state without notifying. */
void ike_refresh(struct ike_engine *e);
/* `tunnel disable N` / `tunnel enable N`. */
void ike_tunnel_enable(struct ike_engine *e, unsigned tunnel, bool enable);

/* Keep tunnel N's interface, policies (template local -> remote) and
 * routes installed while it has no CHILD SA, so that traffic into it
 * raises a kernel acquire; unstand removes them once no CHILD SA needs
 * them. 0 or a negative rtx_err (the kernel's refusal, all rolled back). */
int ike_tunnel_stand(struct ike_engine *e, unsigned tunnel, const struct ip_addr *local,
		     const struct ip_addr *remote);
void ike_tunnel_unstand(struct ike_engine *e, unsigned tunnel);
bool ike_tunnel_standing(const struct ike_engine *e, unsigned tunnel);
/* The tunnel's interface, policies and routes are in the kernel. */
bool ike_tunnel_routed(const struct ike_engine *e, unsigned tunnel);

/* One row of `show ipsec sa`, fed from the engine's real state. */
enum ike_sa_kind { IKE_SA_ROW_IKE, IKE_SA_ROW_SEND, IKE_SA_ROW_RECV };

struct ike_sa_row {
	unsigned number;                 /* the `sa` column, for ipsec sa delete */
	unsigned gateway;                /* `sgw` */
	unsigned ike_number;             /* `isakmp`: owning IKE SA, 0 for IKE rows */
	enum ike_sa_kind kind;
	unsigned tunnel;                 /* ESP rows: the tunnel they serve */
	uint64_t life_remaining;         /* seconds */
	uint64_t duration;               /* seconds since established */
	struct ip_addr local, remote;
	char local_id[64], remote_id[64];
	uint64_t spi_i, spi_r;           /* IKE rows */
	uint32_t spi;                    /* ESP rows (host order) */
	char algorithm[96];              /* "AES256-CBC, SHA-256, MODP 2048bit" (proposal_text) */
	bool established;                /* false while still negotiating */
	bool initiator;                  /* we started this IKE SA */
	bool nat_local, nat_remote;      /* NAT detected on that side */
	char eap_user[257];              /* IKE rows, server: the EAP-MD5 login (a
	                                  * configured user name, up to 256) */
	struct ip_addr cp_addr;          /* IKE rows: mode-cfg address (family 0:
	                                  * none), the client's lease or, as client, ours */
	bool eap_client;                 /* IKE rows: we log in with EAP-MD5 (and so
	                                  * cp_addr is ours, not a client's) */
	struct ip_addr cp_dns;           /* IKE rows, client: the DNS server we were
	                                  * given (family 0: none) */
	long keepalive_next;             /* seconds to the IKE SA's next keepalive
	                                  * request, -1: none (liveness_next_send) */
	uint64_t bytes, packets;         /* ESP rows: kernel counters */
};

/* Half-open IKE SAs (responder SAs not yet authenticated) and the limits
 * on them, for `show status ipsec`. From the COOKIE threshold on, an
 * IKE_SA_INIT must echo a cookie (RFC 7296 2.6); a sender with
 * per_source half-open SAs, or any sender once there are max, is ignored
 * until some complete or time out, so that a peer that returns cookies
 * cannot make us spend DH computations and memory without bound. */
#define IKE_COOKIE_THRESHOLD 16
#define IKE_HALF_OPEN_PER_SOURCE 5     /* strongSwan's block_threshold */
#define IKE_HALF_OPEN_MAX 1000         /* ~20 KB each: ~20 MB at most */
struct ike_half_open_status {
	unsigned half_open, sources;     /* now, and from how many addresses */
	unsigned cookie_threshold, per_source, max;
	uint64_t cookies_sent, dropped_per_source, dropped_max;
};
void ike_half_open_status(struct ike_engine *e, struct ike_half_open_status *out);
/* Other limits than the defaults (0: none), for tests and benchmarks. */
void ike_set_half_open_limits(struct ike_engine *e, unsigned cookie_threshold,
			      unsigned per_source, unsigned max);

/* A snapshot, sorted by number; *out is malloc'd, free it with free(). */
int ike_sa_rows(struct ike_engine *e, struct ike_sa_row **out, size_t *n);

/* Which IKE SAs a snapshot shows, each with all its rows: those of
 * gateway, those with a CHILD SA of tunnel, those with number among their
 * SA numbers (each 0: none by that field; all three 0: every SA). A show
 * of one tunnel or SA among thousands then makes its own rows only. */
struct ike_sa_pick {
	unsigned gateway, tunnel, number;
};
int ike_sa_rows_of(struct ike_engine *e, const struct ike_sa_pick *pick,
		   struct ike_sa_row **out, size_t *n);

#endif
