#include "engine/diagnosis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "engine/child_sa.h"
#include "engine/config.h"
#include "engine/iana.h"
#include "engine/ike_engine.h"
#include "engine/ike_sa.h"
#include "engine/names.h"
#include "engine/payload_sa.h"

const struct diagnosis *ike_diagnosis(struct ike_engine *e, unsigned gateway)
{
	const struct gw_state *gs = ike_gw_find(e, gateway);
	return gs ? gs->diag : NULL;
}

/* A fresh record for gateway gw, or NULL (no such gateway, no memory). */
static struct diagnosis *record(struct ike_sa *sa, unsigned gw, enum diag_kind kind)
{
	struct gw_state *gs = gw ? ike_gw_state(sa->e, gw) : NULL;
	if (!gs)
		return NULL;
	if (!gs->diag && !(gs->diag = malloc(sizeof(*gs->diag))))
		return NULL;
	*gs->diag = (struct diagnosis){ .kind = kind, .gateway = gw,
					.at_ms = ike_core_now_ms(sa->e) };
	return gs->diag;
}

/* The one INFO line that points at the record. */
static void hint(struct ike_sa *sa, const char *sub, unsigned gw, const char *what)
{
	log_text(sa->e->d.log, LOG_INFO, "[IKE2] %s %s: see show ipsec sa gateway %u diagnosis",
		 sub ? sub : "", what, gw);
}

/* "ENCR_AES_CBC-256/PRF_HMAC_SHA2_256/AUTH_HMAC_SHA2_256_128/MODP_2048",
 * proposals separated by " | ", cut (with "...") at cap. */
static void offer_text(const struct payload_sa *offer, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < offer->nproposals && n < cap; i++) {
		const struct sa_proposal *p = &offer->proposals[i];
		n += (size_t)snprintf(buf + n, cap - n, "%s", i ? " | " : "");
		for (size_t t = 0; t < p->ntransforms && n < cap; t++) {
			const struct sa_transform *tr = &p->transforms[t];
			char num[8];
			const char *name = names_or_num(names_transform(tr->type, tr->id), tr->id,
							num, sizeof(num));
			if (tr->type == IKEV2_TRANSFORM_ESN)
				continue;
			n += (size_t)snprintf(buf + n, cap - n, "%s%s", t ? "/" : "", name);
			for (size_t a = 0; a < tr->nattrs && n < cap; a++)
				if (tr->attrs[a].type == IKEV2_ATTR_KEY_LENGTH && tr->attrs[a].tv)
					n += (size_t)snprintf(buf + n, cap - n, "-%u",
							      tr->attrs[a].value);
		}
	}
	if (n >= cap && cap > 4)
		memcpy(buf + cap - 4, "...", 4);
}

void diag_proposal_refused(struct ike_sa *sa, const struct gateway_config *g,
			   const struct policy_config *p, const struct payload_sa *offer,
			   const char *sub)
{
	uint8_t proto = p ? IKEV2_PROTO_ESP : IKEV2_PROTO_IKE;
	struct diagnosis *d = g ? record(sa, g->id, DIAG_PROPOSAL_REFUSED) : NULL;
	if (!d)
		return;
	d->protocol = proto;
	d->policy = p ? p->id : 0;
	d->limited = g->proposal_limitation;
	offer_text(offer, d->offer, sizeof(d->offer));
	/* What rtxsh would take with no limit at all: the settings to make. */
	d->fits = proposal_select(offer, proto, NULL, sa->e->d.crypto, &d->fit) == 0;
	hint(sa, sub, g->id, p ? "no ESP proposal of the peer fits this router's ipsec sa policy"
			       : "no IKE proposal of the peer fits this router's settings");
}

void diag_proposal_refused_by_peer(struct ike_sa *sa, uint8_t protocol,
				   const struct payload_sa *offer, const char *sub)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	struct diagnosis *d = g ? record(sa, g->id, DIAG_PROPOSAL_REFUSED_BY_PEER) : NULL;
	if (!d)
		return;
	d->protocol = protocol;
	d->limited = g->proposal_limitation;
	if (offer)
		offer_text(offer, d->offer, sizeof(d->offer));
	hint(sa, sub, g->id, protocol == IKEV2_PROTO_ESP ? "the peer accepts none of our ESP proposals"
			     : "the peer accepts none of our IKE proposals");
}

void diag_no_response(struct ike_sa *sa, uint8_t exchange, unsigned tries)
{
	struct diagnosis *d = record(sa, sa->gateway, DIAG_NO_RESPONSE);
	if (!d)
		return;
	d->peer = sa->remote.addr;
	d->port = sa->remote.port;
	d->tries = tries;
	d->exchange = exchange;
	char sub[16], addr[64], what[128];
	snprintf(sub, sizeof(sub), "GW:%u", sa->gateway);
	snprintf(what, sizeof(what), "no answer from %s to %u %s requests",
		 ip_addr_str(&d->peer, addr, sizeof(addr)), tries,
		 names_exchange(exchange) ? names_exchange(exchange) : "IKE");
	hint(sa, sub, sa->gateway, what);
}

void diag_psk_mismatch(struct ike_sa *sa, const char *sub)
{
	if (record(sa, sa->gateway, DIAG_PSK_MISMATCH))
		hint(sa, sub, sa->gateway, "the peer's pre-shared key differs from this router's");
}

void diag_auth_refused_by_peer(struct ike_sa *sa, const char *sub)
{
	struct diagnosis *d = record(sa, sa->gateway, DIAG_AUTH_REFUSED_BY_PEER);
	if (!d)
		return;
	snprintf(d->local_id, sizeof(d->local_id), "%s", sa->local_id);
	hint(sa, sub, sa->gateway, "the peer refused this router's authentication");
}

/* The gateway a stranger most likely meant: the one of its address, else
 * the one that takes any address (`ipsec ike remote address GW any`). */
static unsigned gateway_of(const struct ipsec_config *c, const struct ip_addr *from)
{
	unsigned any = 0;
	for (size_t i = 0; i < c->n_gateways; i++) {
		const struct gateway_config *g = c->gateways[i];
		struct ip_addr a;
		if (g->version != 2 || !g->remote_address)
			continue;
		if (!ip_addr_parse(g->remote_address, &a) && ip_addr_equal(&a, from))
			return g->id;
		if (!any && !strcmp(g->remote_address, "any"))
			any = g->id;
	}
	return any;
}

void diag_unknown_id(struct ike_sa *sa, const struct ip_addr *from, uint8_t id_type,
		     const char *id, const char *sub)
{
	unsigned gw = gateway_of(sa->e->d.config, from);
	struct diagnosis *d = record(sa, gw, DIAG_UNKNOWN_ID);
	if (!d)
		return;
	d->peer = *from;
	d->peer_id_type = id_type;
	snprintf(d->peer_id, sizeof(d->peer_id), "%s", id);
	hint(sa, sub, gw, "the peer's ID is no gateway's remote name");
}

/* A gateway with an IKE or a CHILD SA up has nothing left to explain. */
static void clear(struct ike_sa *sa)
{
	struct gw_state *gs = ike_gw_find(ike_engine_of(sa->e), sa->gateway);
	if (gs) {
		free(gs->diag);
		gs->diag = NULL;
	}
}

static void on_ike(struct ike_sa *sa, enum sa_event ev)
{
	if (ev == SA_EV_ESTABLISHED)
		clear(sa);
}

static void on_child(struct child_sa *c, enum sa_event ev)
{
	if (ev == SA_EV_ESTABLISHED)
		clear(c->ike);
}

const struct sa_listener diagnosis_listener = { .ike = on_ike, .child = on_child };
