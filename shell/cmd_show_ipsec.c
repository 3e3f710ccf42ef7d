/* Operations on the engine's SAs: `show ipsec sa` in its three layouts,
 * `show status tunnel N`, `ipsec sa delete`, `ipsec refresh sa`, and the
 * engine side of `tunnel enable/disable`. Every view is fed from
 * ike_sa_rows(); a router without an engine shows what a router with no SA
 * shows. Layouts follow the reference's section 5. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/ip_addr.h"
#include "engine/config.h"
#include "engine/ike.h"
#include "engine/router.h"
#include "shell/cfgstore.h"
#include "shell/cmd.h"

struct rows {
	struct ike_sa_row *v;
	size_t n;
};

/* Established SAs only: one still negotiating has no life to show. Of
 * those, the IKE SAs pick names with all their rows (NULL: all). */
static enum gerr rows_get(struct cli_session *s, const struct ike_sa_pick *pick,
			  struct rows *out)
{
	struct router *r = s->c->r;
	*out = (struct rows){ 0 };
	if (!r->engine)
		return GE_OK;
	if (cli_apply(s->c) < 0 || ike_sa_rows_of(r->engine, pick, &out->v, &out->n) < 0)
		return GE_NOMEM;
	size_t k = 0;
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].established)
			out->v[k++] = out->v[i];
	out->n = k;
	return GE_OK;
}

static const char *row_dir(const struct ike_sa_row *w)
{
	return w->kind == IKE_SA_ROW_SEND ? "send" : w->kind == IKE_SA_ROW_RECV ? "recv" : "-";
}

/* ---- show ipsec sa ------------------------------------------------------- */

/* only: one SA number (`show ipsec sa ID`), 0 for all. */
static void summary(FILE *out, const struct rows *rs, unsigned only)
{
	unsigned n[3] = { 0 };
	for (size_t i = 0; i < rs->n; i++)
		if (!only || rs->v[i].number == only)
			n[rs->v[i].kind]++;
	fprintf(out, "Total: isakmp:%u send:%u recv:%u\n\n"
		"sa    sgw isakmp connection    dir  life[s] remote-id\n"
		"-----------------------------------------------------------------------------\n",
		n[IKE_SA_ROW_IKE], n[IKE_SA_ROW_SEND], n[IKE_SA_ROW_RECV]);
	for (size_t i = 0; i < rs->n; i++) {
		const struct ike_sa_row *w = &rs->v[i];
		char isakmp[16] = "-", conn[24] = "ike", addr[64];
		if (only && w->number != only)
			continue;
		if (w->kind != IKE_SA_ROW_IKE) {
			snprintf(isakmp, sizeof(isakmp), "%u", w->ike_number);
			snprintf(conn, sizeof(conn), "tun[%04u]esp", w->tunnel);
		}
		fprintf(out, "%-6u%-5u%-6s%-14s%-5s%-8llu%s\n", w->number, w->gateway, isakmp,
			conn, row_dir(w), (unsigned long long)w->life_remaining,
			ip_addr_str(&w->remote, addr, sizeof(addr)));
	}
}

static void hex_bytes(FILE *out, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--)
		fprintf(out, "%02x%s", (unsigned)(v >> (8 * i)) & 0xff, i ? " " : "");
}

static void detail_one(FILE *out, const struct ike_sa_row *w)
{
	char buf[64];
	fprintf(out, "SA[%u] Duration: %llus\n", w->number, (unsigned long long)w->duration);
	fprintf(out, "Local ID: %s\n", w->local_id[0] ? w->local_id
			: ip_addr_str(&w->local, buf, sizeof(buf)));
	fprintf(out, "Remote ID: %s\n", w->remote_id[0] ? w->remote_id
			: ip_addr_str(&w->remote, buf, sizeof(buf)));
	if (w->kind == IKE_SA_ROW_IKE) {
		/* The RTX's words (reference 5.3); the role is in `show log`. */
		fputs("Protocol: IKE\n", out);
		fprintf(out, "Algorithm: %s\n", w->algorithm);
		fputs("SPI: ", out);
		hex_bytes(out, w->spi_i, 8);
		fputc(' ', out);
		hex_bytes(out, w->spi_r, 8);
		fputc('\n', out);
		if (w->nat_local || w->nat_remote)
			fprintf(out, "NAT: %s\n", w->nat_local && w->nat_remote ? "both sides"
				: w->nat_local ? "local side" : "remote side");
		if (w->eap_user[0])
			fprintf(out, "EAP-MD5 user: %s\n", w->eap_user);
		if (w->cp_addr.family)
			/* mode-cfg: the server leased it, the client was given it */
			fprintf(out, "%s: %s\n", w->eap_client ? "Assigned address"
				: "Client address", ip_addr_str(&w->cp_addr, buf, sizeof(buf)));
		if (w->cp_dns.family)
			fprintf(out, "Assigned DNS server: %s\n",
				ip_addr_str(&w->cp_dns, buf, sizeof(buf)));
	} else {
		fprintf(out, "Direction: %s\n", row_dir(w));
		fputs("Protocol: ESP (Mode: tunnel)\n", out);
		fprintf(out, "Algorithm: %s\n", w->algorithm);
		fputs("SPI: ", out);
		hex_bytes(out, w->spi, 4);
		fputc('\n', out);
	}
	fputs("Key: ** ** ** ** **  (confidential)   ** ** ** ** **\n"
	      "----------------------------------------------------\n", out);
}

struct gw_sum {
	unsigned gw, ike, send, recv;
	const struct ike_sa_row *ike_row;
};

static void gateway_line(FILE *out, struct cli *c, const struct gw_sum *g)
{
	const struct gateway_config *cfg = config_gateway_find(c->r->ipsec, g->gw);
	char flags[8], lid[64], rid[64];
	snprintf(flags, sizeof(flags), "%s %s", g->ike_row ? "U" : " ",
		 cfg && cfg->keepalive.sw == TRI_ON ? "K" : " ");
	const struct ike_sa_row *w = g->ike_row;
	if (w) {
		snprintf(lid, sizeof(lid), "%s", w->local_id);
		snprintf(rid, sizeof(rid), "%s", w->remote_id);
	} else {
		snprintf(lid, sizeof(lid), "-");
		snprintf(rid, sizeof(rid), "-");
	}
	fprintf(out, "%-5u%-6s%-29s %-16s %s%u s:%u r:%u\n", g->gw, flags, lid, rid, "i:",
		g->ike, g->send, g->recv);
}

/* One line per gateway that has SAs, in gateway order. */
static void gateways(FILE *out, struct cli *c, const struct rows *rs, unsigned only)
{
	fputs("sgw  flags local-id                      remote-id        # of sa\n"
	      "--------------------------------------------------------------------------\n", out);
	struct gw_sum *g = calloc(rs->n + 1, sizeof(*g));
	size_t ng = 0;
	if (!g)
		return;
	for (size_t i = 0; i < rs->n; i++) {
		const struct ike_sa_row *w = &rs->v[i];
		size_t j = 0;
		if (only && w->gateway != only)
			continue;
		while (j < ng && g[j].gw != w->gateway)
			j++;
		if (j == ng)
			g[ng++].gw = w->gateway;
		unsigned *cnt = w->kind == IKE_SA_ROW_IKE ? &g[j].ike
				: w->kind == IKE_SA_ROW_SEND ? &g[j].send : &g[j].recv;
		(*cnt)++;
		if (w->kind == IKE_SA_ROW_IKE && !g[j].ike_row)
			g[j].ike_row = w;
	}
	for (size_t i = 1; i < ng; i++)      /* few gateways: insertion sort */
		for (size_t j = i; j > 0 && g[j - 1].gw > g[j].gw; j--) {
			struct gw_sum t = g[j];
			g[j] = g[j - 1];
			g[j - 1] = t;
		}
	for (size_t i = 0; i < ng; i++)
		gateway_line(out, c, &g[i]);
	free(g);
}

enum gerr cmd_show_ipsec_sa(struct cli_session *s, const struct cmd_args *a)
{
	bool gw = a->n >= 4 && strcmp(a->w[3], "gateway") == 0;
	bool detail = a->n >= 5 && strcmp(a->w[a->n - 1], "detail") == 0;
	unsigned only = gw && a->n >= 5 && strcmp(a->w[4], "detail") != 0
			? (unsigned)strtoul(a->w[4], NULL, 10) : 0;
	unsigned number = !gw && a->n == 4 ? (unsigned)strtoul(a->w[3], NULL, 10) : 0;
	struct rows rs;
	enum gerr e = rows_get(s, &(struct ike_sa_pick){ .gateway = only, .number = number }, &rs);
	if (e)
		return e;
	size_t shown = 0;
	if (only && cli_apply(s->c) < 0) {
		free(rs.v);
		return GE_NOMEM;
	}
	bool known = !only || config_gateway_find(s->c->r->ipsec, only);
	for (size_t i = 0; !known && i < rs.n; i++)
		known = rs.v[i].gateway == only;   /* SAs of a gateway since removed */
	if (!known) {
		free(rs.v);
		return (s->detail = strdup(a->w[4])) ? GE_NO_GATEWAY : GE_NOMEM;
	}
	for (size_t i = 0; gw && detail && i < rs.n; i++)
		if (!only || rs.v[i].gateway == only) {
			detail_one(s->out, &rs.v[i]);
			shown++;
		}
	/* Without an SA to detail, the gateway view says there is none. */
	if (gw && !shown)
		gateways(s->out, s->c, &rs, only);
	else if (!gw)
		summary(s->out, &rs, number);
	free(rs.v);
	return GE_OK;
}

/* ---- show status tunnel ---------------------------------------------------- */

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n > 1 ? many : one;
}

/* A CHILD SA carries traffic of its IKE SA's family (child_sa_ts_pick):
 * its counters go on that line, the other family's stays at 0. */
static void counters(FILE *out, const char *label, const struct ike_sa_row *w)
{
	bool v6 = w && w->local.family == AF_INET6;
	for (int f = 0; f < 2; f++) {
		uint64_t p = w && v6 == f ? w->packets : 0, b = w && v6 == f ? w->bytes : 0;
		fprintf(out, "  %-13s(IPv%d) %llu %s [%llu %s]\n", f ? "" : label, f ? 6 : 4,
			(unsigned long long)p, plural(p, "packet", "packets"),
			(unsigned long long)b, plural(b, "octet", "octets"));
	}
}

static void connected_since(FILE *out, struct router *r, uint64_t secs)
{
	time_t from = r->clock->wall(r->clock) - (time_t)secs;
	struct tm tm;
	char when[32] = "-";
	if (localtime_r(&from, &tm))
		strftime(when, sizeof(when), "%Y/%m/%d %H:%M:%S", &tm);
	fprintf(out, "  from %s.\n  ", when);
	unsigned long long d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60;
	if (d)
		fprintf(out, "%llu %s ", d, plural(d, "day", "days"));
	if (d || h)
		fprintf(out, "%llu %s ", h, plural(h, "hour", "hours"));
	if (d || h || m)
		fprintf(out, "%llu %s ", m, plural(m, "minute", "minutes"));
	fprintf(out, "%llu %s  connection.\n", (unsigned long long)(secs % 60),
		plural(secs % 60, "second", "seconds"));
}

static const char *tunnel_mtu(struct cli *c, unsigned tunnel)
{
	const struct cfg_entry *e = cfgstore_find(c->cfg, "ip tunnel mtu", tunnel, "ip tunnel mtu");
	return e && e->n == 4 && strcmp(e->w[3], "auto") ? e->w[3] : "1280";
}

/* next: seconds to the next keepalive request (-1: unknown, not shown). */
static void keepalive_block(FILE *out, const struct gateway_config *g, bool up, long next)
{
	static const char *const kinds[] = { "rfc4306", "heartbeat", "dpd", "icmp-echo" };
	if (!g)
		return;
	/* IKEv2 runs heartbeat and dpd as RFC 4306 liveness checks; ICMP echo
	 * takes `auto` for `on` (reference 1.14). */
	enum keepalive_kind k = g->keepalive.kind == KEEPALIVE_ICMP_ECHO ? KEEPALIVE_ICMP_ECHO
				: KEEPALIVE_RFC4306;
	if (g->keepalive.sw != TRI_ON && !(k == KEEPALIVE_ICMP_ECHO && g->keepalive.sw == TRI_AUTO))
		return;
	fprintf(out, "  IKE keepalive:\n    [Type]: %s\n    [Status]: %s\n", kinds[k],
		up ? "OK" : "-");
	if (up && next >= 0)
		fprintf(out, "    [Next send]: %ld sec after\n", next);
}

/* An established IKE SA of gateway's on which a remote-access client is
 * logged in to us (a login, or a lease without one). */
static bool ra_client_row(const struct ike_sa_row *w, unsigned gateway)
{
	return w->kind == IKE_SA_ROW_IKE && w->gateway == gateway && w->established &&
	       !w->eap_client && (w->eap_user[0] || w->cp_addr.family);
}

/* Remote access on the tunnel's gateway: as server, who is logged in
 * with which address (one line each); as client, what we were given. */
static void remote_access(FILE *out, const struct rows *rs, unsigned gateway)
{
	size_t clients = 0;
	char addr[64], peer[64];
	for (size_t i = 0; i < rs->n; i++) {
		const struct ike_sa_row *w = &rs->v[i];
		clients += ra_client_row(w, gateway);
		if (w->kind != IKE_SA_ROW_IKE || w->gateway != gateway || !w->established ||
		    !w->eap_client || !w->cp_addr.family)
			continue;
		fprintf(out, "  Assigned address: %s\n", ip_addr_str(&w->cp_addr, addr, sizeof(addr)));
		if (w->cp_dns.family)
			fprintf(out, "  Assigned DNS server: %s\n",
				ip_addr_str(&w->cp_dns, addr, sizeof(addr)));
	}
	if (!clients)
		return;
	fprintf(out, "  Remote access: %zu %s\n", clients, plural(clients, "client", "clients"));
	for (size_t i = 0; i < rs->n; i++) {
		const struct ike_sa_row *w = &rs->v[i];
		if (ra_client_row(w, gateway))
			fprintf(out, "    %-16s %-15s  from %s\n", w->eap_user[0] ? w->eap_user : "-",
				w->cp_addr.family ? ip_addr_str(&w->cp_addr, addr, sizeof(addr)) : "-",
				ip_addr_str(&w->remote, peer, sizeof(peer)));
	}
}

enum gerr cmd_show_status_tunnel(struct cli_session *s, const struct cmd_args *a)
{
	unsigned num = (unsigned)strtoul(a->w[a->n - 1], NULL, 10);
	/* the tunnel's gateway as applied: its clients are listed */
	if (s->c->r->engine && cli_apply(s->c) < 0)
		return GE_NOMEM;
	const struct ipsec_config *cfg = s->c->r->ipsec;
	const struct tunnel_config *t = config_tunnel_find(cfg, num);
	const struct gateway_config *g = t ? config_tunnel_gateway(cfg, t) : NULL;
	struct rows rs;
	enum gerr e = rows_get(s, &(struct ike_sa_pick){ .gateway = g ? g->id : 0, .tunnel = num },
			       &rs);
	if (e)
		return e;
	const struct ike_sa_row *send = NULL, *recv = NULL;
	for (size_t i = 0; i < rs.n; i++) {
		const struct ike_sa_row *w = &rs.v[i];
		if (w->kind == IKE_SA_ROW_SEND && w->tunnel == num && !send)
			send = w;
		else if (w->kind == IKE_SA_ROW_RECV && w->tunnel == num && !recv)
			recv = w;
	}
	bool up = send && recv;
	FILE *out = s->out;
	fprintf(out, "TUNNEL[%u]:\nDescription:%s%s\n", num,
		t && t->description ? " " : "", t && t->description ? t->description : "");
	fprintf(out, "  Interface type: %s\n", t && t->policy ? "IPsec" : "None");
	fprintf(out, "  Current status is %s.\n", up ? "Online" : "Offline");
	if (up)
		connected_since(out, s->c->r, send->duration);
	const char *why = up || !s->c->r->engine ? NULL
			  : ike_tunnel_down_why(s->c->r->engine, num);
	if (why)   /* rtxsh: the kernel refused the CHILD SA */
		fprintf(out, "  Down because %s.\n", why);
	if (g)
		remote_access(out, &rs, g->id);
	const char *mtu = tunnel_mtu(s->c, num);
	fprintf(out, "  Maximum Transmission Unit(MTU):\n    IPv4: %s octets\n"
		"    IPv6: %s octets\n", mtu, mtu);
	counters(out, "Received:", recv);
	counters(out, "Transmitted:", send);
	keepalive_block(out, g, up,
			send ? send->keepalive_next : -1);
	free(rs.v);
	return GE_OK;
}

/* ---- operations --------------------------------------------------------------- */

enum gerr cmd_sa_delete(struct cli_session *s, const struct cmd_args *a)
{
	struct router *r = s->c->r;
	bool all = strcmp(a->w[3], "all") == 0;
	if (!r->engine && all)
		return GE_OK;
	if (r->engine && cli_apply(s->c) < 0)
		return GE_NOMEM;
	if (all)
		ike_delete_all(r->engine);
	else if (!r->engine ||
		 ike_delete_sa(r->engine, (unsigned)strtoul(a->w[3], NULL, 10)) < 0)
		return (s->detail = strdup(a->w[3])) ? GE_NO_SA : GE_NOMEM;
	return GE_OK;
}

enum gerr cmd_refresh_sa(struct cli_session *s, const struct cmd_args *a)
{
	(void)a;
	struct router *r = s->c->r;
	if (r->engine) {
		if (cli_apply(s->c) < 0)
			return GE_NOMEM;
		ike_refresh(r->engine);
	}
	return GE_OK;
}

/* Enabling needs nothing more than the applied config (the engine starts
 * what auto refresh wants); a disabled tunnel's SAs are torn down when
 * the config is applied. Waiting for the apply keeps a pasted config of
 * thousands of `tunnel enable` lines linear. */
void cmd_engine_tunnel(struct cli_session *s, unsigned tunnel, bool enable)
{
	struct cli *c = s->c;
	if (enable || !c->r->engine)
		return;
	unsigned *grown = realloc(c->disabled, (c->n_disabled + 1) * sizeof(*grown));
	if (!grown)
		return;
	c->disabled = grown;
	c->disabled[c->n_disabled++] = tunnel;
}

void cmd_engine_applied(struct cli *c)
{
	for (size_t i = 0; c->r->engine && i < c->n_disabled; i++)
		ike_tunnel_enable(c->r->engine, c->disabled[i], false);
	free(c->disabled);
	c->disabled = NULL;
	c->n_disabled = 0;
}
