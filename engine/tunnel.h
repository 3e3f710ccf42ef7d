/* Route-based tunnels in the kernel: tunnel N's xfrm interface and the
 * routes of `ip route ... gateway tunnel N` come up with the first CHILD SA
 * that uses the tunnel and go with the last one. Each distinct pair of
 * traffic selectors among its CHILD SAs has its own three policies (out,
 * in, fwd) on the tunnel's interface: a remote-access gateway carries one
 * CHILD SA per road-warrior, each narrowed to its own lease, all on one
 * tunnel. A standing tunnel keeps interface, routes and its last
 * policies without any CHILD SA, so that traffic into it raises an XFRM
 * acquire (the router's answer to `ipsec auto refresh off`).
 * Part of the SA core (see ike_core.h). */
#ifndef RTX_TUNNEL_H
#define RTX_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ip_addr.h"
#include "base/pos_index.h"

struct ike_core;

/* One set of three policies: selectors and tunnel-mode template. */
struct tunnel_sel {
	struct ip_addr local, remote;     /* the policies' template */
	struct ip_addr ts_l, ts_r;        /* the policies' selectors */
	uint8_t ts_l_len, ts_r_len;
	unsigned refs;                    /* CHILD SAs on these selectors */
};

/* A tunnel whose interface, routes and policies are installed. */
struct tunnel_state {
	unsigned num;
	unsigned nchild;         /* CHILD SAs using it */
	bool standing;           /* kept without CHILD SA, for acquires */
	uint32_t if_id, reqid;
	struct tunnel_sel *sels; /* distinct selectors, each its policies */
	size_t n_sels;
	struct pos_index sel_index; /* sels by selectors: one set per client */
	struct ip_addr addr;     /* our mode-cfg address on the interface */
	unsigned addr_refs;      /* CHILD SAs using it; 0: none there */
};

/* A CHILD SA of tunnel num (interface if_id, reqid) is in the kernel with
 * want's template and selectors (want->refs is not read). The first one
 * puts the tunnel up; selectors no other CHILD SA of the tunnel has get
 * their policies; the same selectors with another template (the peer
 * moved) take the new one, as the newest SA is the one traffic leaves on.
 * A standing tunnel whose guess from the config differs (a NAT, narrower
 * selectors) is put up again as the negotiated CHILD SA says. 0, or the
 * kernel's refusal with everything of this call rolled back. */
int tunnel_hold(struct ike_core *c, unsigned num, uint32_t if_id, uint32_t reqid,
		const struct tunnel_sel *want);
/* A CHILD SA of tunnel num with selectors sel (its template is not read)
 * left the kernel: the last one on those selectors takes their policies,
 * the last one on the tunnel the tunnel, unless it stands. */
void tunnel_release(struct ike_core *c, unsigned num, const struct tunnel_sel *sel);

/* A CHILD SA of a remote-access client holds tunnel num (tunnel_hold
 * first) and wants a, the address the server assigned, on the tunnel's
 * interface (/32 or /128): the source of the client's traffic into the
 * tunnel. Counted like the selectors; another address replaces the old
 * one. 0 or a negative rtx_err. */
int tunnel_addr_hold(struct ike_core *c, unsigned num, const struct ip_addr *a);
/* Such a CHILD SA lets go of a (before tunnel_release): the last one
 * takes the address off the interface. */
void tunnel_addr_release(struct ike_core *c, unsigned num, const struct ip_addr *a);

/* Keeps tunnel num up without CHILD SA, its policies from local to remote
 * for everything of the family (what an initiator proposes, so the first
 * CHILD SA finds them in place). 0 or a negative rtx_err, rolled back. */
int tunnel_stand(struct ike_core *c, unsigned num, const struct ip_addr *local,
		 const struct ip_addr *remote);
/* The tunnel no longer stands; it goes now unless a CHILD SA uses it. */
void tunnel_unstand(struct ike_core *c, unsigned num);
bool tunnel_standing(const struct ike_core *c, unsigned num);
/* The installed state of tunnel num, or NULL while it is down. */
const struct tunnel_state *tunnel_state_of(const struct ike_core *c, unsigned num);
/* Tunnel num is up (a CHILD SA uses it, or it stands): its routes are in. */
bool tunnel_is_up(const struct ike_core *c, unsigned num);
/* Frees the bookkeeping of every tunnel (the kernel is not touched). */
void tunnel_forget_all(struct ike_core *c);

#endif
