/* `show config tunnel N swanctl` (see export_swanctl.h). Every setting the
 * peer needs is written as a swanctl.conf key; what strongSwan cannot be
 * told becomes a `#` comment that says so, so an engineer reading the file
 * sees the whole tunnel. The pre-shared key is printed (as `show config`
 * prints it: the administrator asked for it), never logged. */
#include "config.h"

#include "shell/export_swanctl.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "base/err.h"
#include "base/ip_addr.h"
#include "engine/alg.h"
#include "engine/auth_eap.h"
#include "engine/config.h"
#include "engine/payload_sa.h"
#include "engine/pool.h"
#include "engine/proposal.h"

/* ---- proposals ---------------------------------------------------------- */

struct sbuf {
	char *p;
	size_t cap, used;
	bool full;
};

static void put(struct sbuf *b, const char *word)
{
	size_t n = strlen(word) + (b->used ? 1 : 0);
	if (b->full || b->used + n + 1 > b->cap) {
		b->full = true;
		return;
	}
	if (b->used)
		b->p[b->used++] = '-';
	strcpy(b->p + b->used, word);
	b->used += strlen(word);
}

/* strongSwan derives one PRF per integrity algorithm when a proposal names
 * none ("sha256" brings "prfsha256"): the PRFs are written only when they
 * are not exactly that list. */
static bool prfs_implied(const struct alg **integ, size_t ni, const struct alg **prf, size_t np)
{
	if (np == 0)
		return true;
	if (ni != np)
		return false;
	for (size_t i = 0; i < ni; i++)
		if (strncmp(prf[i]->swan, "prf", 3) || strcmp(prf[i]->swan + 3, integ[i]->swan))
			return false;
	return true;
}

int swanctl_proposal(const struct sa_proposal *p, unsigned extra_dh, char *buf, size_t len)
{
	const struct alg *by[ALG_ESN + 1][PROPOSAL_MAX_TRANSFORMS + 1];
	size_t n[ALG_ESN + 1] = { 0 };
	bool esn = false;
	for (size_t i = 0; i < p->ntransforms; i++) {
		const struct sa_transform *t = &p->transforms[i];
		if (t->type == ALG_ESN) {
			esn |= t->id == IKEV2_ESN_YES;
			continue;
		}
		const struct alg *a = t->type >= ALG_ENCR && t->type < ALG_ESN
			? alg_find((enum alg_type)t->type, t->id, sa_transform_keylen(t)) : NULL;
		if (!a || !a->swan)
			return -RTX_EUNSUPP;
		/* single DES: offered only where OpenSSL's legacy provider
		 * loads, never chosen over the rest; left out so the file
		 * does not depend on the machine it was printed on */
		if (a->legacy)
			continue;
		if (n[a->type] < PROPOSAL_MAX_TRANSFORMS)
			by[a->type][n[a->type]++] = a;
	}
	if (extra_dh) {
		const struct alg *d = alg_find(ALG_DH, (uint16_t)extra_dh, 0);
		if (!d || !d->swan)
			return -RTX_EUNSUPP;
		bool have = false;
		for (size_t i = 0; i < n[ALG_DH]; i++)
			have |= by[ALG_DH][i] == d;
		if (!have)
			by[ALG_DH][n[ALG_DH]++] = d;
	}
	if (n[ALG_ENCR] == 0)
		return -RTX_EUNSUPP;
	struct sbuf b = { buf, len, 0, len == 0 };
	static const enum alg_type order[] = { ALG_ENCR, ALG_INTEG, ALG_PRF, ALG_DH };
	bool skip_prf = prfs_implied(by[ALG_INTEG], n[ALG_INTEG], by[ALG_PRF], n[ALG_PRF]) &&
			n[ALG_INTEG] > 0;
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		if (order[k] == ALG_PRF && skip_prf)
			continue;
		for (size_t i = 0; i < n[order[k]]; i++)
			put(&b, by[order[k]][i]->swan);
	}
	if (esn)
		put(&b, "esn");
	if (b.full || b.used == 0)
		return b.full ? -RTX_ERANGE : -RTX_EUNSUPP;
	return 0;
}

/* "a, b" of every proposal in an offer, each with extra_dh. */
static void offer_line(FILE *out, const char *key, const struct proposal_offer *o,
		       unsigned extra_dh)
{
	char one[512];
	bool any = false;
	for (size_t i = 0; i < o->nprops; i++) {
		if (swanctl_proposal(&o->props[i], extra_dh, one, sizeof(one)))
			continue;
		fprintf(out, "%s%s", any ? ", " : key, one);
		any = true;
	}
	if (any)
		fputc('\n', out);
	else
		fprintf(out, "%.*s# none that strongSwan can take (single DES is not exported)\n",
			(int)strspn(key, "\t"), key);
}

/* ---- identities, addresses, selectors ------------------------------------- */

/* strongSwan's spelling of an `ipsec ike local/remote name`, typed as
 * rtxsh sends it (exchange_auth.c); NULL for the types strongSwan lacks. */
static const char *swan_id(const char *name, enum id_type type, char *buf, size_t len)
{
	struct ip_addr a;
	bool is_addr = !ip_addr_parse(name, &a);
	const char *prefix;
	switch (type) {
	case ID_TYPE_NONE: prefix = is_addr ? "" : "fqdn:"; break;
	case ID_TYPE_IPV4_ADDR:
	case ID_TYPE_IPV6_ADDR: prefix = ""; break;
	case ID_TYPE_FQDN: prefix = "fqdn:"; break;
	case ID_TYPE_USER_FQDN: prefix = "email:"; break;
	case ID_TYPE_KEY_ID:
	case ID_TYPE_TEL_KEY: prefix = "keyid:"; break;
	default: return NULL;
	}
	snprintf(buf, len, "%s%s", prefix, name);
	return buf;
}

static bool concrete(const char *addr)
{
	return addr && *addr && strcasecmp(addr, "any") != 0;
}

static void put_net(FILE *out, const struct ip_addr *net, uint8_t len, bool *first)
{
	struct ip_addr m = *net;
	size_t bytes = m.family == AF_INET6 ? 16 : 4;
	for (size_t i = 0; i < bytes; i++) {
		unsigned keep = len >= (i + 1) * 8 ? 8 : len > i * 8 ? len - i * 8 : 0;
		m.bytes[i] &= (uint8_t)(0xff00u >> keep);
	}
	char a[64];
	fprintf(out, "%s%s/%u", *first ? "" : ", ", ip_addr_str(&m, a, sizeof(a)), len);
	*first = false;
}

/* The tunnel's address family: its peer's (rtxsh proposes and picks
 * traffic selectors of that family only, exchange_auth.c). */
static uint8_t family_of(const struct gateway_config *g)
{
	struct ip_addr a;
	if ((g->remote_address && !ip_addr_parse(g->remote_address, &a)) ||
	    (g->local_address && !ip_addr_parse(g->local_address, &a)))
		return a.family;
	return AF_INET;
}

/* One side's networks of the tunnel's family as `key = a, b`, or
 * everything with why when there is none. */
struct nets {
	const struct ip_addr *net[CONFIG_LAN_MAX + 64];
	uint8_t len[CONFIG_LAN_MAX + 64];
	size_t n, other;          /* kept; left out for their family */
	bool full;
};

static void nets_add(struct nets *s, uint8_t fam, const struct ip_addr *net, uint8_t len)
{
	if (net->family != fam)
		s->other++;
	else if (s->n < sizeof(s->net) / sizeof(s->net[0]))
		s->net[s->n] = net, s->len[s->n++] = len;
	else
		s->full = true;
}

static void nets_print(FILE *out, const struct nets *s, uint8_t fam, const char *key,
		       const char *none)
{
	bool first = true;
	if (s->other)
		fprintf(out, "\t\t\t\t# %zu %s network(s) left out: rtxsh negotiates the family of\n"
			     "\t\t\t\t# its peer's address only\n", s->other,
			fam == AF_INET6 ? "IPv4" : "IPv6");
	if (s->n > 1 || s->full)
		fputs("\t\t\t\t# rtxsh keeps one selector of each side per CHILD SA (the\n"
		      "\t\t\t\t# first): the SA covers the first network of this list only\n", out);
	if (s->n == 0) {
		fprintf(out, "\t\t\t\t# %s\n\t\t\t\t%s = %s\n", none, key,
			fam == AF_INET6 ? "::/0" : "0.0.0.0/0");
		return;
	}
	fprintf(out, "\t\t\t\t%s = ", key);
	for (size_t i = 0; i < s->n; i++)
		put_net(out, s->net[i], s->len[i], &first);
	fputc('\n', out);
}

/* The peer's local_ts: this router's routes into the tunnel. */
static void ts_routes(FILE *out, const struct ipsec_config *c, const struct gateway_config *g,
		      unsigned num)
{
	struct nets s = { .n = 0 };
	uint8_t fam = family_of(g);
	char why[80];
	for (size_t i = 0; i < c->n_routes; i++)
		if (c->routes[i].tunnel == num)
			nets_add(&s, fam, &c->routes[i].net, c->routes[i].len);
	snprintf(why, sizeof(why), "no `ip route ... gateway tunnel %u`: rtxsh routes nothing in yet",
		 num);
	nets_print(out, &s, fam, "local_ts", why);
}

/* The peer's remote_ts: this router's LANs (`ip lanN address`); for an
 * EAP client, which asks for an inner address, that address. */
static void ts_lans(FILE *out, const struct ipsec_config *c, const struct gateway_config *g)
{
	struct nets s = { .n = 0 };
	uint8_t fam = family_of(g);
	if (auth_eap_client(g)) {
		fputs("\t\t\t\t# rtxsh, an EAP-MD5 client, sends from the address this side leases\n"
		      "\t\t\t\tremote_ts = dynamic\n", out);
		return;
	}
	for (unsigned n = 1; n <= CONFIG_LAN_MAX; n++) {
		if (c->lan[n].set)
			nets_add(&s, fam, &c->lan[n].addr, c->lan[n].len);
		if (c->lan6[n].set)
			nets_add(&s, fam, &c->lan6[n].addr, c->lan6[n].len);
	}
	nets_print(out, &s, fam, "remote_ts", "no `ip lanN address`: rtxsh's side is not known");
}

/* ---- the connection ------------------------------------------------------ */

struct ids {
	const char *peer, *ours;     /* strongSwan spelling, NULL: not known */
	char pbuf[300], obuf[300];
};

static void ids_of(const struct gateway_config *g, struct ids *d)
{
	d->peer = g->remote_name ? swan_id(g->remote_name, g->remote_name_type, d->pbuf,
					   sizeof(d->pbuf))
		  : concrete(g->remote_address) ? g->remote_address : NULL;
	d->ours = g->local_name ? swan_id(g->local_name, g->local_name_type, d->obuf,
					  sizeof(d->obuf))
		  : concrete(g->local_address) ? g->local_address : NULL;
}

static void ike_proposals(FILE *out, const struct ipsec_config *c,
			  const struct gateway_config *g, struct crypto_lib *lib)
{
	struct proposal_offer o;
	if (proposal_ike(g, c->model, lib, g->group[0], &o)) {
		fputs("\t\t# no IKE proposal: rtxsh cannot run the configured algorithms\n", out);
		return;
	}
	if (g->proposal_limitation)
		fputs("\t\t# ipsec ike proposal-limitation on: rtxsh takes only these\n", out);
	else
		fputs("\t\t# proposal-limitation off: what rtxsh offers, its choice first;\n"
		      "\t\t# as responder it also takes any other algorithm it can run\n", out);
	/* rtxsh sends group[0] only; with limitation off it accepts a second */
	unsigned second = g->group[1] && !g->proposal_limitation ? g->group[1] : 0;
	if (g->group[1] && g->proposal_limitation)
		fprintf(out, "\t\t# ipsec ike group %u: with proposal-limitation on rtxsh takes\n"
			     "\t\t# the first group only\n", g->id);
	offer_line(out, "\t\tproposals = ", &o, second);
}

static void esp_proposals(FILE *out, const struct ipsec_config *c,
			  const struct gateway_config *g, const struct policy_config *p,
			  struct crypto_lib *lib)
{
	struct proposal_offer o;
	if (!p->esp) {
		fputs("\t\t\t\t# ipsec sa policy ... ah: not exported (rtxsh negotiates ESP only)\n",
		      out);
		return;
	}
	if (proposal_esp(g, p, c->model, lib, 0, &o)) {
		fputs("\t\t\t\t# no ESP proposal: rtxsh cannot run the configured algorithms\n", out);
		return;
	}
	if (g->pfs)
		fputs("\t\t\t\t# ipsec ike pfs on: the group is required when CHILD SAs rekey\n", out);
	offer_line(out, "\t\t\t\tesp_proposals = ", &o, g->pfs ? g->group[0] : 0);
}

static void lifetimes_ike(FILE *out, const struct gateway_config *g)
{
	uint32_t d = g->ike_life.seconds;
	if (g->ike_life.rekey_pct)
		fprintf(out, "\t\t# ipsec ike duration ike-sa %u %u: rtxsh rekeys at %u %%; this\n"
			     "\t\t# side at 80-90 %% and keeps no SA past rtxsh's lifetime\n",
			g->id, d, g->ike_life.rekey_pct);
	else
		fprintf(out, "\t\t# ipsec ike duration ike-sa %u %u: rtxsh does not rekey; this\n"
			     "\t\t# side does at 80-90 %%\n", g->id, d);
	fprintf(out, "\t\trekey_time = %us\n\t\tover_time = %us\n", d - d / 10, d / 10);
}

static void lifetimes_child(FILE *out, const struct gateway_config *g)
{
	uint32_t d = g->child_life.seconds;
	fprintf(out, "\t\t\t\trekey_time = %us\n\t\t\t\tlife_time = %us\n", d - d / 10, d);
	if (g->child_life.kbytes) {
		unsigned long long b = (unsigned long long)g->child_life.kbytes * 1024;
		fprintf(out, "\t\t\t\trekey_bytes = %llu\n\t\t\t\tlife_bytes = %llu\n",
			b - b / 10, b);
	}
}

static void dpd(FILE *out, const struct gateway_config *g)
{
	if (g->keepalive.sw == TRI_ON && g->keepalive.kind == KEEPALIVE_ICMP_ECHO) {
		fputs("\t\t# ipsec ike keepalive use ... icmp-echo: not exported (strongSwan has\n"
		      "\t\t# no ICMP keepalive); rtxsh answers DPD in any case\n", out);
		fputs("\t\tdpd_delay = 0s\n", out);
	} else if (g->keepalive.sw == TRI_ON) {
		fprintf(out, "\t\t# ipsec ike keepalive use %u on: rtxsh checks every %u s and gives\n"
			     "\t\t# up after %u misses; strongSwan's timeout is its retransmissions\n",
			g->id, g->keepalive.interval, g->keepalive.count);
		fprintf(out, "\t\tdpd_delay = %us\n", g->keepalive.interval);
	} else {
		fprintf(out, "\t\t# rtxsh sends no keepalive (ipsec ike keepalive use %u is not on):\n"
			     "\t\t# it answers this side's DPD\n", g->id);
		fputs("\t\tdpd_delay = 0s\n", out);
	}
}

static void psk_secret(FILE *out, const struct gateway_config *g)
{
	bool text = g->psk_len > 0;
	for (size_t i = 0; i < g->psk_len; i++)
		text &= isprint(g->psk[i]) && g->psk[i] != '"' && g->psk[i] != '\\';
	fputs("\t\tsecret = ", out);
	if (text) {
		fprintf(out, "\"%.*s\"\n", (int)g->psk_len, (const char *)g->psk);
		return;
	}
	fputs("0x", out);
	for (size_t i = 0; i < g->psk_len; i++)
		fprintf(out, "%02x", g->psk[i]);
	fputc('\n', out);
}

/* Which files the peer needs: its own certificate when it signs (peer),
 * the CA of rtxsh's certificate when rtxsh signs (ca). */
static void cert_files(FILE *out, const struct ipsec_config *c,
		       const struct gateway_config *g, unsigned num, bool peer, bool ca)
{
	const struct pki_file_config *f = g->pki_cert ? &c->pki_cert[g->pki_cert] : NULL;
	fputs("# Certificates:\n", out);
	if (peer)
		fprintf(out, "# - this side's own certificate, issued by a CA rtxsh trusts (one in a\n"
			     "#   `pki certificate file`): x509/tunnel%u-peer.pem, its key in private/\n",
			num);
	if (ca && f && f->path)
		fprintf(out, "# - the CA that issued rtxsh's certificate (pki certificate file %u\n"
			     "#   %s): x509ca/tunnel%u-ca.pem\n", g->pki_cert, f->path, num);
	else if (ca)
		fprintf(out, "# - the CA that issued rtxsh's certificate (not configured: ipsec ike\n"
			     "#   pki file %u certificate=ID): x509ca/tunnel%u-ca.pem\n", g->id, num);
	if (ca && g->pki_crl)
		fprintf(out, "# rtxsh checks this side's certificate against pki crl file %u;\n"
			     "# the CRL of rtxsh's CA in x509crl/ lets this side check rtxsh's.\n",
			g->pki_crl);
}

static void auth_sections(FILE *out, const struct ipsec_config *c,
			  const struct gateway_config *g, const struct ids *d, unsigned num)
{
	enum auth_method m = config_gateway_auth(g);
	bool psk = m == AUTH_METHOD_PSK;
	bool eap_c = auth_eap_client(g), eap_s = auth_eap_server(g);
	const char *peer_auth = psk ? "psk" : eap_s ? "eap-md5" : "pubkey";
	const char *our_auth = psk ? "psk" : eap_c ? "eap-md5" : "pubkey";
	fputs("\t\tlocal {\n", out);
	fprintf(out, "\t\t\tauth = %s\n", peer_auth);
	if (d->peer)
		fprintf(out, "\t\t\tid = %s\n", d->peer);
	else if (g->remote_name)
		fprintf(out, "\t\t\t# id: ipsec ike remote name %u %s: type not exported\n",
			g->id, g->remote_name);
	else
		fputs("\t\t\t# id: rtxsh accepts any (no ipsec ike remote name)\n", out);
	if (!psk && !eap_s)
		fprintf(out, "\t\t\tcerts = tunnel%u-peer.pem\n", num);
	if (eap_s)
		fputs("\t\t\t# eap_id: the name of an `auth user` of the group rtxsh asks\n"
		      "\t\t\t# (ipsec ike eap request); its password is not exported\n", out);
	fputs("\t\t}\n\t\tremote {\n", out);
	fprintf(out, "\t\t\tauth = %s\n", our_auth);
	if (d->ours)
		fprintf(out, "\t\t\tid = %s\n", d->ours);
	else if (g->local_name)
		fprintf(out, "\t\t\t# id: ipsec ike local name %u %s: type not exported\n",
			g->id, g->local_name);
	else
		fputs("\t\t\tid = %any\n", out);
	if (eap_c && g->eap_name)
		fprintf(out, "\t\t\teap_id = %s\n", g->eap_name);
	if (!psk && !eap_c)
		fprintf(out, "\t\t\tcacerts = tunnel%u-ca.pem\n", num);
	fputs("\t\t}\n", out);
	(void)c;
}

static void secrets(FILE *out, const struct gateway_config *g, const struct ids *d,
		    unsigned num)
{
	enum auth_method m = config_gateway_auth(g);
	fputs("secrets {\n", out);
	if (m == AUTH_METHOD_PSK && g->psk_len) {
		fprintf(out, "\tike-tunnel%u {\n", num);
		if (d->peer)
			fprintf(out, "\t\tid-peer = %s\n", d->peer);
		if (d->ours)
			fprintf(out, "\t\tid-rtxsh = %s\n", d->ours);
		psk_secret(out, g);
		fputs("\t}\n", out);
	} else if (m == AUTH_METHOD_PSK) {
		fprintf(out, "\t# no ipsec ike pre-shared-key %u: nothing to export\n", g->id);
	}
	if (auth_eap_client(g) && g->eap_name && g->eap_password) {
		fprintf(out, "\teap-tunnel%u {\n\t\tid = %s\n", num, g->eap_name);
		fprintf(out, "\t\tsecret = \"%s\"\n\t}\n", g->eap_password);
	}
	fputs("}\n", out);
}

/* Who starts: rtxsh initiates when auto refresh is on for the gateway and
 * its peer's address is known (engine/ike.c, wants_auto). */
static bool we_initiate(const struct ipsec_config *c, const struct gateway_config *g)
{
	return c->ipsec_use && c->auto_refresh && g->auto_refresh && g->version == 2 &&
	       concrete(g->remote_address);
}

static void child(FILE *out, const struct ipsec_config *c, const struct gateway_config *g,
		  const struct policy_config *p, struct crypto_lib *lib, unsigned num)
{
	bool ours = we_initiate(c, g);
	fprintf(out, "\t\tchildren {\n\t\t\ttunnel%u {\n\t\t\t\tmode = tunnel\n", num);
	ts_routes(out, c, g, num);
	ts_lans(out, c, g);
	esp_proposals(out, c, g, p, lib);
	fprintf(out, "\t\t\t\t# ipsec ike duration ipsec-sa %u %u\n", g->id, g->child_life.seconds);
	lifetimes_child(out, g);
	if (ours) {
		fputs("\t\t\t\t# rtxsh initiates (ipsec auto refresh on): nothing to start\n"
		      "\t\t\t\t# here; `trap` would also bring it up on traffic\n", out);
		fputs("\t\t\t\tstart_action = none\n", out);
	} else if (!concrete(g->local_address)) {
		fputs("\t\t\t\t# neither side can start: rtxsh has no address to call and this\n"
		      "\t\t\t\t# side none to call (see remote_addrs; then start_action = start)\n",
		      out);
		fputs("\t\t\t\tstart_action = none\n", out);
	} else {
		fputs("\t\t\t\t# rtxsh only answers (ipsec auto refresh off, or no remote\n"
		      "\t\t\t\t# address to call): this side brings the tunnel up\n", out);
		fputs("\t\t\t\tstart_action = start\n", out);
	}
	fprintf(out, "\t\t\t\tdpd_action = %s\n",
		g->keepalive.sw == TRI_ON && !ours ? "restart" : "clear");
	fputs("\t\t\t\tclose_action = none\n", out);
	fputs("\t\t\t}\n\t\t}\n", out);
}

static void notes(FILE *out, const struct ipsec_config *c, const struct gateway_config *g,
		  const struct tunnel_config *t)
{
	if (g->version != 2)
		fprintf(out, "\t\t# rtxsh negotiates only with `ipsec ike version %u 2`\n", g->id);
	if (!t->enabled)
		fprintf(out, "\t\t# tunnel %u is not enabled (tunnel enable %u)\n", t->num, t->num);
	if (!c->ipsec_use)
		fputs("\t\t# ipsec use off: rtxsh negotiates nothing\n", out);
	if (!g->negotiation_receive)
		fprintf(out, "\t\t# ipsec ike negotiation receive %u off: rtxsh answers no peer\n",
			g->id);
	if (g->natt.on && (g->natt.keepalive != 300 || g->natt.type != 1))
		fputs("\t\t# NAT-T keepalive interval and type: not exported (strongswan.conf\n"
		      "\t\t# charon.keep_alive sets the interval for all connections)\n", out);
}

enum export_rc export_swanctl(FILE *out, const struct ipsec_config *c,
			      struct crypto_lib *lib, unsigned num)
{
	const struct tunnel_config *t = config_tunnel_find(c, num);
	if (!t)
		return EXPORT_NO_TUNNEL;
	const struct policy_config *p = t->policy ? config_policy_find(c, t->policy) : NULL;
	const struct gateway_config *g = p ? config_gateway_find(c, p->gateway) : NULL;
	if (!g)
		return EXPORT_NOT_IPSEC;
	struct ids d;
	ids_of(g, &d);
	enum auth_method m = config_gateway_auth(g);
	fprintf(out, "# swanctl.conf for the strongSwan peer of rtxsh tunnel %u\n"
		     "# (ipsec tunnel %u, ipsec sa policy %u, gateway %u): its local side is\n"
		     "# rtxsh's remote side.%s\n",
		num, p->id, p->id, g->id,
		m == AUTH_METHOD_PSK ? " It holds the pre-shared key: keep it private." : "");
	if (m != AUTH_METHOD_PSK)
		cert_files(out, c, g, num, !auth_eap_server(g), !auth_eap_client(g));
	fprintf(out, "connections {\n\trtxsh-tunnel%u {\n\t\tversion = 2\n", num);
	notes(out, c, g, t);
	if (concrete(g->remote_address))
		fprintf(out, "\t\tlocal_addrs = %s\n", g->remote_address);
	else
		fprintf(out, "\t\t# ipsec ike remote address %u %s: any address of this side\n"
			     "\t\tlocal_addrs = %%any\n", g->id, g->remote_address ? g->remote_address
										 : "(not set)");
	if (concrete(g->local_address))
		fprintf(out, "\t\tremote_addrs = %s\n", g->local_address);
	else
		fprintf(out, "\t\t# no ipsec ike local address %u: put rtxsh's address here for\n"
			     "\t\t# this side to start the tunnel\n"
			     "\t\tremote_addrs = %%any\n", g->id);
	ike_proposals(out, c, g, lib);
	lifetimes_ike(out, g);
	if (g->natt.on && g->natt.force)
		fputs("\t\t# ipsec ike nat-traversal ... force=on: UDP-encapsulate ESP always\n"
		      "\t\tencap = yes\n", out);
	dpd(out, g);
	fprintf(out, "\t\tfragmentation = %s\n", g->frag ? "yes" : "no");
	if (g->frag && g->frag_size != CONFIG_FRAG_SIZE_DEFAULT)
		fprintf(out, "\t\t# IKE fragments of at most %u bytes: not exported (strongswan.conf\n"
			     "\t\t# charon.fragment_size sets it for all connections)\n", g->frag_size);
	fputs("\t\t# rtxsh does not implement MOBIKE (RFC 4555)\n\t\tmobike = no\n", out);
	if (auth_eap_client(g))
		fprintf(out, "\t\t# rtxsh (an EAP-MD5 client) asks for an inner address (RFC 7296\n"
			     "\t\t# 2.19): lease it from the pool below\n"
			     "\t\tpools = rtxsh-tunnel%u\n", num);
	if (g->modecfg_pool) {
		const struct pool_config *pl = pool_find(c->pools, g->modecfg_pool);
		fprintf(out, "\t\t# ipsec ike mode-cfg address %u %u: rtxsh leases this side an "
			     "address\n\t\tvips = %s\n", g->id, g->modecfg_pool,
			pl && pl->family == AF_INET6 ? "::" : "0.0.0.0");
	}
	auth_sections(out, c, g, &d, num);
	child(out, c, g, p, lib, num);
	fputs("\t}\n}\n", out);
	secrets(out, g, &d, num);
	if (auth_eap_client(g))
		fprintf(out, "pools {\n\trtxsh-tunnel%u {\n"
			     "\t\t# an example range: use addresses free in this side's network\n"
			     "\t\taddrs = 100.64.0.0/24\n\t}\n}\n", num);
	return ferror(out) ? EXPORT_NOMEM : EXPORT_OK;
}
