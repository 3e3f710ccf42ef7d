/* CHILD SAs the kernel refused; see child_retry.h. */
#include "engine/child_retry.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "engine/child_sa.h"
#include "engine/config.h"
#include "engine/exchange_info.h"
#include "engine/ike.h"
#include "engine/ike_engine.h"
#include "engine/ike_sa.h"
#include "engine/rekey.h"

/* A busy IKE SA (another exchange pending) is asked again this soon. */
#define BUSY_RETRY_MS 1000

static bool keeps_up(const struct ike_core *e, const struct gateway_config *g)
{
	return ike_auto_refresh(e, g);
}

static uint64_t backoff_ms(const struct ike_core *e, unsigned fails)
{
	uint64_t ms = config_retry_ms(e->d.config);
	for (unsigned i = 1; i < fails && ms < CHILD_RETRY_MAX_SECS * 1000ull; i++)
		ms *= 2;
	return ms < CHILD_RETRY_MAX_SECS * 1000ull ? ms : CHILD_RETRY_MAX_SECS * 1000ull;
}

static void install_failed(struct child_sa *c)
{
	struct ike_sa *sa = c->ike;
	struct ike_core *e = sa->e;
	const struct gateway_config *g = ike_sa_gateway(sa);
	struct gw_state *gs = ike_gw_state(e, sa->gateway);
	/* The peer answered our request and installed its half: without a
	 * Delete it would send into a tunnel we do not have. */
	bool tell = c->made_by_us && c->spi_out;
	if (tell)
		exchange_info_delete_spi(sa, c->spi_in);
	char again[48] = "not retried: ipsec auto refresh is off";
	if (gs) {
		snprintf(gs->down_why, sizeof(gs->down_why), "%s failed: %s", e->install_why,
			 rtx_strerror(c->install_err));
		gs->child_tunnel = c->tunnel;
	}
	if (gs && g && keeps_up(e, g)) {
		uint64_t ms = backoff_ms(e, ++gs->child_fails);
		loop_timer_arm(e->d.loop, &gs->child_timer, ms);
		snprintf(again, sizeof(again), "trying again in %llu s",
			 (unsigned long long)((ms + 999) / 1000));
	}
	log_text(e->d.log, LOG_INFO, "[IKE2] tunnel %u: the CHILD SA could not be installed: "
		 "%s failed: %s%s; %s", c->tunnel, e->install_why, rtx_strerror(c->install_err),
		 tell ? "; the peer is told to delete it" : "", again);
}

static void installed(struct child_sa *c)
{
	struct ike_engine *eng = ike_engine_of(c->ike->e);
	struct gw_state *gs = ike_gw_find(eng, c->ike->gateway);
	if (!gs || gs->child_tunnel != c->tunnel)
		return;
	gs->child_fails = 0;
	gs->down_why[0] = '\0';
	loop_timer_disarm(c->ike->e->d.loop, &gs->child_timer);
}

/* An up CHILD SA went without successor while its IKE SA stays (the
 * peer's Delete, `ipsec sa delete N`): with auto refresh a new one is
 * negotiated a retry interval later. Deferred, as we are inside the
 * deletion here. */
static void child_gone(struct child_sa *c)
{
	struct ike_sa *sa = c->ike;
	struct ike_core *e = sa->e;
	const struct gateway_config *g = ike_sa_gateway(sa);
	if (!(c->flags & CHILD_SAF_IN) || c->succ || !ike_sa_up(sa) || !g || !keeps_up(e, g))
		return;
	struct gw_state *gs = ike_gw_state(e, sa->gateway);
	if (!gs || loop_timer_armed(&gs->child_timer))
		return;
	gs->child_tunnel = c->tunnel;
	loop_timer_arm(e->d.loop, &gs->child_timer, backoff_ms(e, 1));
}

static void on_child(struct child_sa *c, enum sa_event ev)
{
	if (ev == SA_EV_DELETING && c->install_err)
		install_failed(c);
	else if (ev == SA_EV_DELETING)
		child_gone(c);
	else if (ev == SA_EV_ESTABLISHED)
		installed(c);
}

const struct sa_listener child_retry_listener = { .child = on_child };

void child_retry_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	struct gw_state *gs = arg;
	struct ike_core *e = &gs->e->core;
	const struct gateway_config *g = ike_core_gateway(e, gs->id);
	(void)t;
	if (!g || !keeps_up(e, g))
		return;
	struct ike_sa *up = NULL;
	for (struct ike_sa *sa = ike_sa_of_gateway(e, gs->id, NULL); sa && !up;
	     sa = ike_sa_of_gateway(e, gs->id, sa))
		if (ike_sa_up(sa) && !sa->succ)
			up = sa;
	if (!up) {
		/* The IKE SA went too: the gateway starts over. */
		ike_initiate(gs->e, gs->id);
		return;
	}
	for (struct child_sa *c = up->children; c; c = c->next)
		if (c->tunnel == gs->child_tunnel)
			return;
	if (rekey_child_wanted(up, gs->child_tunnel) == -RTX_EEXIST)
		loop_timer_arm(l, &gs->child_timer, BUSY_RETRY_MS);
}

const char *ike_tunnel_down_why(struct ike_engine *eng, unsigned tunnel)
{
	const struct ipsec_config *cfg = eng->core.d.config;
	const struct tunnel_config *t = config_tunnel_find(cfg, tunnel);
	const struct gateway_config *g = t ? config_tunnel_gateway(cfg, t) : NULL;
	/* Yamaha's IKEv2 has no traffic selectors to tell two tunnels of one
	 * gateway apart: the gateway negotiates for its first tunnel only. */
	unsigned first = g && g->version == 2 ? ike_gateway_tunnel(&eng->core, g->id) : 0;
	if (first && first != tunnel) {
		snprintf(eng->why, sizeof(eng->why),
			 "gateway %u negotiates for tunnel %u: IKEv2 makes one tunnel per "
			 "gateway", g->id, first);
		return eng->why;
	}
	const struct gw_state *gs = g ? ike_gw_find(eng, g->id) : NULL;
	return gs && gs->down_why[0] && gs->child_tunnel == tunnel ? gs->down_why : NULL;
}
