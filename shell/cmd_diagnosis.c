/* `show ipsec sa gateway N diagnosis`: the gateway's last failed
 * negotiation (engine/diagnosis.h) said in this router's own commands:
 * what the peer offered or sent, what the config allows, and the lines
 * that would make the two meet. Lines the router cannot know (the peer's
 * key, the peer's settings) are printed with the part to fill in <...>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "engine/alg.h"
#include "engine/config.h"
#include "engine/diagnosis.h"
#include "engine/iana.h"
#include "engine/names.h"
#include "engine/proposal.h"
#include "engine/router.h"
#include "shell/cfgapply.h"
#include "shell/cmd.h"

static const char *kw(const struct alg *a, bool esp)
{
	const char *k = cfgapply_keyword(a, esp);
	return k ? k : "?";
}

/* "aes-cbc, sha256, modp1024" for gateway g. */
static void ike_settings(FILE *out, const struct gateway_config *g)
{
	const struct alg *dh2 = g->group[1] ? alg_find(ALG_DH, g->group[1], 0) : NULL;
	fprintf(out, "%s, %s, %s%s%s", kw(alg_find(ALG_ENCR, g->encryption, g->encryption_bits), false),
		kw(alg_find(ALG_PRF, g->hash, 0), false), kw(alg_find(ALG_DH, g->group[0], 0), false),
		dh2 ? " " : "", dh2 ? kw(dh2, false) : "");
}

static bool has_group(const struct gateway_config *g, uint16_t id)
{
	return g->group[0] == id || g->group[1] == id;
}

/* The commands that make the limited gateway take fit; false when some
 * algorithm of fit has no keyword (then only limitation off helps). */
static bool ike_fix(FILE *out, const struct gateway_config *g, const struct proposal_choice *fit)
{
	const char *e = cfgapply_keyword(fit->encr, false);
	const char *h = cfgapply_keyword(fit->prf, false);
	const char *d = cfgapply_keyword(fit->dh, false);
	struct proposal_limit now;
	if (!e || !h || !d)
		return false;
	proposal_limit_ike(g, &now);
	if (fit->encr != now.encr)
		fprintf(out, "  ipsec ike encryption %u %s\n", g->id, e);
	if (fit->prf != now.prf)
		fprintf(out, "  ipsec ike hash %u %s\n", g->id, h);
	if (!has_group(g, fit->dh->id))
		fprintf(out, "  ipsec ike group %u %s\n", g->id, d);
	return true;
}

static void proposal_refused(FILE *out, const struct diagnosis *d, const struct ipsec_config *c,
			     const struct gateway_config *g)
{
	bool esp = d->protocol == IKEV2_PROTO_ESP;
	const struct policy_config *p = esp ? config_policy_find(c, d->policy) : NULL;
	fprintf(out, "Cause: no %s proposal of the peer fits this router's settings\n"
		"       (the peer was answered NO_PROPOSAL_CHOSEN).\n", esp ? "ESP" : "IKE");
	fprintf(out, "The peer offered: %s\n", d->offer);
	fputs("This router allows: ", out);
	if (p)
		fprintf(out, "%s %s", kw(alg_find(ALG_ENCR, p->encr, p->encr_bits), true),
			p->integ ? kw(alg_find(ALG_INTEG, p->integ, 0), true) : "");
	else if (!esp)
		ike_settings(out, g);
	fprintf(out, " (proposal-limitation %s)\n", d->limited ? "on: only these"
			 : "off: these first, any other rtxsh supports");
	if (!d->fits) {
		fputs("rtxsh supports no algorithm set the peer offered: change the peer's proposal.\n", out);
		return;
	}
	fputs("To accept the peer's proposal, enter:\n", out);
	if (esp && p) {
		const char *e = cfgapply_keyword(d->fit.encr, true);
		const char *i = d->fit.integ ? cfgapply_keyword(d->fit.integ, true) : "";
		if (e && i)
			fprintf(out, "  ipsec sa policy %u %u esp %s%s%s\n", p->id, g->id, e,
				*i ? " " : "", i);
		else
			fprintf(out, "  ipsec ike proposal-limitation %u off\n", g->id);
	} else if (!ike_fix(out, g, &d->fit)) {
		fprintf(out, "  ipsec ike proposal-limitation %u off\n", g->id);
	} else if (d->limited) {
		fprintf(out, "or accept any algorithm rtxsh supports (configured ones first):\n"
			"  ipsec ike proposal-limitation %u off\n", g->id);
	}
}

static void refused_by_peer(FILE *out, const struct diagnosis *d, const struct gateway_config *g)
{
	bool esp = d->protocol == IKEV2_PROTO_ESP;
	fprintf(out, "Cause: the peer accepts none of this router's %s proposals\n"
		"       (it answered NO_PROPOSAL_CHOSEN).\n", esp ? "ESP" : "IKE");
	if (d->offer[0])
		fprintf(out, "This router offered: %s\n", d->offer);
	if (d->limited) {
		fprintf(out, "With proposal-limitation on only the configured algorithms are offered;\n"
			"to offer every algorithm rtxsh supports (configured ones first), enter:\n"
			"  ipsec ike proposal-limitation %u off\n", g->id);
		if (!esp)
			fprintf(out, "The DH group is always a configured one: add the peer's as a second\n"
				"  ipsec ike group %u %s <the peer's group>\n", g->id,
				kw(alg_find(ALG_DH, g->group[0], 0), false));
	} else {
		fputs("Every algorithm rtxsh supports was offered: the peer's proposal has to change,\n"
		      "or set this router's algorithms to the peer's:\n", out);
		fprintf(out, esp ? "  ipsec sa policy <policy> %u esp <encryption> <hash>\n"
				 : "  ipsec ike group %u <the peer's group>\n", g->id);
	}
}

static void no_response(FILE *out, const struct diagnosis *d, const struct gateway_config *g)
{
	char addr[64];
	ip_addr_str(&d->peer, addr, sizeof(addr));
	fprintf(out, "Cause: %s at %s (UDP %u) did not answer %u %s requests.\n", "the peer", addr,
		(unsigned)d->port, d->tries,
		names_exchange(d->exchange) ? names_exchange(d->exchange) : "IKE");
	fputs("Check that the peer's address is right, that it runs IKEv2 and that UDP 500\n"
	      "and 4500 pass every firewall on the way. The settings in use:\n", out);
	fprintf(out, "  ipsec ike remote address %u %s\n", g->id,
		g->remote_address ? g->remote_address : "<not set>");
	fprintf(out, "  ipsec ike version %u %u\n", g->id, (unsigned)g->version);
	if (d->exchange == IKEV2_EXCH_IKE_AUTH)
		fputs("The peer answered IKE_SA_INIT but not IKE_AUTH: large messages may be lost\n"
		      "(certificates: a path that drops IP fragments), or the peer gave up on us.\n", out);
}

static void unknown_id(FILE *out, const struct diagnosis *d, const struct gateway_config *g)
{
	const char *type = d->peer_id_type == IKEV2_ID_FQDN ? "fqdn"
			 : d->peer_id_type == IKEV2_ID_RFC822_ADDR ? "user-fqdn"
			 : d->peer_id_type == IKEV2_ID_IPV4_ADDR ? "ipv4-addr"
			 : d->peer_id_type == IKEV2_ID_IPV6_ADDR ? "ipv6-addr"
			 : d->peer_id_type == IKEV2_ID_KEY_ID ? "key-id" : NULL;
	char num[8];
	fprintf(out, "Cause: the peer identified itself as %s (%s), which is the\n"
		"       remote name of no gateway (the peer was answered AUTHENTICATION_FAILED).\n",
		d->peer_id, names_or_num(names_id_type(d->peer_id_type), d->peer_id_type, num,
					  sizeof(num)));
	fprintf(out, "Gateway %u expects: %s\n", g->id, g->remote_name ? g->remote_name : "<not set>");
	if (type) {
		fprintf(out, "To accept the peer's ID, enter:\n  ipsec ike remote name %u %s %s\n", g->id,
			d->peer_id, type);
	} else {
		fputs("rtxsh cannot name that ID type in `ipsec ike remote name`: change the peer's ID.\n",
		      out);
	}
}

static void explain(FILE *out, const struct diagnosis *d, const struct ipsec_config *c,
		    const struct gateway_config *g)
{
	switch (d->kind) {
	case DIAG_PROPOSAL_REFUSED:
		proposal_refused(out, d, c, g);
		break;
	case DIAG_PROPOSAL_REFUSED_BY_PEER:
		refused_by_peer(out, d, g);
		break;
	case DIAG_NO_RESPONSE:
		no_response(out, d, g);
		break;
	case DIAG_PSK_MISMATCH:
		fprintf(out, "Cause: the peer's AUTH payload does not verify with this gateway's\n"
			"       pre-shared key: the two keys differ.\n"
			"Both sides need the same key. To use the peer's, enter:\n"
			"  ipsec ike pre-shared-key %u text <the peer's key>\n", g->id);
		break;
	case DIAG_AUTH_REFUSED_BY_PEER:
		fprintf(out, "Cause: the peer refused this router's authentication\n"
			"       (it answered AUTHENTICATION_FAILED).\n"
			"This router identified itself as %s. The peer's key or the ID it\n"
			"expects differ from this router's:\n"
			"  ipsec ike pre-shared-key %u text <the peer's key>\n"
			"  ipsec ike local name %u <the name the peer expects> <type>\n",
			d->local_id[0] ? d->local_id : "<none>", g->id, g->id);
		if (g->remote_name)
			fprintf(out, "and this router asked for the peer's ID %s\n"
				"  (ipsec ike remote name %u %s)\n", g->remote_name, g->id, g->remote_name);
		break;
	case DIAG_UNKNOWN_ID:
		unknown_id(out, d, g);
		break;
	case DIAG_NONE:
		break;
	}
}

enum gerr cmd_show_ipsec_diagnosis(struct cli_session *s, const struct cmd_args *a)
{
	struct router *r = s->c->r;
	unsigned gw = (unsigned)strtoul(a->w[4], NULL, 10);
	if (cli_apply(s->c) < 0)
		return GE_NOMEM;
	const struct gateway_config *g = config_gateway_find(r->ipsec, gw);
	if (!g)
		return (s->detail = strdup(a->w[4])) ? GE_NO_GATEWAY : GE_NOMEM;
	const struct diagnosis *d = r->engine ? ike_diagnosis(r->engine, gw) : NULL;
	if (!d) {
		fprintf(s->out, "Gateway %u: no failed negotiation since the last success.\n", gw);
		return GE_OK;
	}
	uint64_t ago = (r->clock->mono_ms(r->clock) - d->at_ms) / 1000;
	fprintf(s->out, "Gateway %u: the last negotiation failed %llu s ago.\n", gw,
		(unsigned long long)ago);
	explain(s->out, d, r->ipsec, g);
	return GE_OK;
}
