/* A CHILD SA the kernel would not take leaves no half-alive tunnel: the
 * failure is logged in plain words, the peer that installed its half is
 * sent a Delete for it, and while the router keeps the tunnel up (`ipsec
 * auto refresh on` with the gateway's on, or always-on) the CHILD SA is
 * negotiated again after a back-off that doubles per failure (from
 * `ipsec ike retry` interval, at most CHILD_RETRY_MAX_SECS). `show status
 * tunnel` tells why the tunnel is down (ike_tunnel_down_why in ike.h). */
#ifndef RTX_CHILD_RETRY_H
#define RTX_CHILD_RETRY_H

#include "engine/ike_core.h"
#include "engine/loop.h"

#define CHILD_RETRY_MAX_SECS 300

/* Hears CHILD SAs fail to install and come up (in ike.c's listener list). */
extern const struct sa_listener child_retry_listener;
/* The gateway's retry timer (struct gw_state child_timer), arg the gw_state. */
void child_retry_fired(struct loop *l, struct loop_timer *t, void *arg);

#endif
