/* Route-based tunnels in the kernel: tunnel N's xfrm interface, its three
 * policies and the routes of `ip route ... gateway tunnel N` come up with
 * the first CHILD SA that uses the tunnel and go with the last one. A
 * standing tunnel keeps them without any CHILD SA, so that traffic into it
 * raises an XFRM acquire (the router's answer to `ipsec auto refresh off`).
 * Part of the SA core (see ike_core.h). */
#ifndef RTX_TUNNEL_H
#define RTX_TUNNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/ip_addr.h"

struct ike_core;

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

/* A CHILD SA of tunnel want->num is in the kernel; want carries its
 * template and selectors (nchild and standing are not read). The first
 * one puts the tunnel up; a standing tunnel whose guess from the config
 * differs (a NAT, narrower selectors) is put up again as the negotiated
 * CHILD SA says. 0, or the kernel's refusal with everything rolled back. */
int tunnel_hold(struct ike_core *c, const struct tunnel_state *want);
/* A CHILD SA of tunnel num left the kernel: the last one takes the
 * tunnel down, unless it stands. */
void tunnel_release(struct ike_core *c, unsigned num);

/* Keeps tunnel num up without CHILD SA, its policies from local to remote
 * for everything of the family (what an initiator proposes, so the first
 * CHILD SA finds them in place). 0 or a negative rtx_err, rolled back. */
int tunnel_stand(struct ike_core *c, unsigned num, const struct ip_addr *local,
		 const struct ip_addr *remote);
/* The tunnel no longer stands; it goes now unless a CHILD SA uses it. */
void tunnel_unstand(struct ike_core *c, unsigned num);
bool tunnel_standing(const struct ike_core *c, unsigned num);
/* Tunnel num is up (a CHILD SA uses it, or it stands): its routes are in. */
bool tunnel_is_up(const struct ike_core *c, unsigned num);

#endif
