/* CHILD SAs (RFC 7296 1.3, 2.17): one ESP SA pair in tunnel mode for a
 * route-based RTX tunnel, installed through kernel_ops, and the tunnel's
 * interface, policies and routes that come up with its first CHILD SA and
 * go with its last. */
#ifndef RTX_CHILD_SA_H
#define RTX_CHILD_SA_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/keys.h"
#include "engine/loop.h"
#include "engine/proposal.h"
#include "kernel/kernel.h"

struct ike_sa;

struct child_sa {
	struct child_sa *next;
	struct ike_sa *ike;
	unsigned num_send, num_recv;     /* the `sa` numbers of both directions */
	unsigned tunnel;
	uint32_t policy;
	uint32_t spi_in, spi_out;        /* host order; spi_out 0 until agreed */
	struct proposal_choice prop;
	uint32_t reqid, if_id;
	struct ip_addr ts_l, ts_r;   /* traffic selectors as prefixes */
	uint8_t ts_l_len, ts_r_len;
	bool in_installed, out_installed, tunnel_held;
	bool established;
	uint64_t established_ms;
	uint32_t life_secs;
	/* rekey.c */
	struct loop_timer rekey;         /* rekey point, hard life, or the cut after rekey */
	uint8_t rk_phase;
	unsigned succ;                   /* num_send of the CHILD SA that replaced it */
	uint8_t nonce_min[32];           /* lowest nonce of the exchange that made it */
	uint8_t nonce_min_len;
	bool made_by_us;                 /* we initiated the exchange that made it */
};

/* A CHILD SA for tunnel/policy under ike: numbers assigned ("temporarily
 * assigned", "bound on SA:n/IKE", "assigned policy" logged) and an inbound
 * SPI allocated from the kernel. NULL on failure (logged). */
struct child_sa *child_sa_new(struct ike_sa *ike, unsigned tunnel, uint32_t policy,
			      int *err);
/* Installs both SAs with KEYMAT from keys (RFC order i->r then r->i), then
 * the tunnel's interface, policies and routes if this is its first CHILD
 * SA. On failure everything this CHILD SA installed is removed again. */
int child_sa_install(struct child_sa *c, const struct child_keys *keys);
/* Removes it from the kernel (and the tunnel's objects if last), logs
 * "deleted" for both directions, unlinks it from its IKE SA and frees. */
void child_sa_delete(struct child_sa *c);
/* Frees a CHILD SA that never got installed, without kernel calls. */
void child_sa_discard(struct child_sa *c);
/* Moves c to IKE SA `to` (an IKE SA rekey): "bound on SA:n/IKE (changed)". */
void child_sa_rebind(struct child_sa *c, struct ike_sa *to);

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
