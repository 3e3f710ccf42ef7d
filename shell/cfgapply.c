/* Stored config lines -> struct ipsec_config. Each stored line carries its
 * normalized words (canonical keywords and enum spellings, numbers without
 * leading zeros), so every handler reads fixed positions; the grammar has
 * already checked types and ranges. */
#include "shell/cfgapply.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <strings.h>

#include "engine/config.h"
#include "base/err.h"
#include "shell/cfgstore.h"
#include "shell/grammar.h"

/* ---- algorithms -------------------------------------------------------- */

/* Keywords newer than the reference's edition, so rtxsh can propose what
 * strongSwan users run. Only the spelling lives here; everything about
 * the algorithm comes from engine/alg.c through its IANA id. */
static const struct {
	const char *keyword;
	enum alg_type type;
	uint16_t id, bits;
} extensions[] = {
	{ "aes-gcm", ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 128 },
	{ "aes256-gcm", ALG_ENCR, IKEV2_ENCR_AES_GCM_16, 256 },
	{ "chacha20-poly1305", ALG_ENCR, IKEV2_ENCR_CHACHA20_POLY1305, 0 },
	{ "modp3072", ALG_DH, IKEV2_DH_MODP_3072, 0 },
	{ "modp4096", ALG_DH, IKEV2_DH_MODP_4096, 0 },
	{ "modp6144", ALG_DH, IKEV2_DH_MODP_6144, 0 },
	{ "modp8192", ALG_DH, IKEV2_DH_MODP_8192, 0 },
	{ "ecp256", ALG_DH, IKEV2_DH_ECP_256, 0 },
	{ "ecp384", ALG_DH, IKEV2_DH_ECP_384, 0 },
	{ "ecp521", ALG_DH, IKEV2_DH_ECP_521, 0 },
	{ "x25519", ALG_DH, IKEV2_DH_CURVE25519, 0 },
	{ "x448", ALG_DH, IKEV2_DH_CURVE448, 0 },
};

#define N_EXT (sizeof(extensions) / sizeof(extensions[0]))

const struct alg *cfgapply_alg(enum alg_type type, const char *keyword)
{
	for (size_t i = 0; i < N_EXT; i++)
		if (extensions[i].type == type && strcasecmp(extensions[i].keyword, keyword) == 0)
			return alg_find(type, extensions[i].id, extensions[i].bits);
	return alg_by_keyword(type, keyword);
}

bool cfgapply_is_extension(const char *keyword)
{
	for (size_t i = 0; i < N_EXT; i++)
		if (strcasecmp(extensions[i].keyword, keyword) == 0)
			return true;
	return false;
}

/* ---- helpers ------------------------------------------------------------- */

struct build {
	struct ipsec_config *c;
	const struct cfg_entry *e;
	char **v;                    /* the words after the key */
	size_t nv;
	int err;
};

static bool on(const char *w)
{
	return strcmp(w, "on") == 0;
}

static unsigned num(const char *w)
{
	return (unsigned)strtoul(w, NULL, 10);
}

static int set_str(char **field, const char *v)
{
	char *copy = strdup(v);
	if (!copy)
		return -RTX_ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

/* "key=value" words: the value of key, or NULL. */
static const char *opt(char **v, size_t n, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i < n; i++)
		if (strncmp(v[i], key, kl) == 0 && v[i][kl] == '=')
			return v[i] + kl + 1;
	return NULL;
}

static unsigned log_types(char **v, size_t n)
{
	unsigned t = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i], "message-info") == 0)
			t |= LOGTYPE_MESSAGE;
		else if (strcmp(v[i], "payload-info") == 0)
			t |= LOGTYPE_PAYLOAD;
		else if (strcmp(v[i], "key-info") == 0)
			t |= LOGTYPE_KEY;
	}
	return t;
}

static enum id_type id_type(const char *w)
{
	static const char *const names[] = {
		[ID_TYPE_IPV4_ADDR] = "ipv4-addr", [ID_TYPE_FQDN] = "fqdn",
		[ID_TYPE_USER_FQDN] = "user-fqdn", [ID_TYPE_IPV6_ADDR] = "ipv6-addr",
		[ID_TYPE_KEY_ID] = "key-id", [ID_TYPE_TEL] = "tel",
		[ID_TYPE_TEL_KEY] = "tel-key",
	};
	for (size_t i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(w, names[i]) == 0)
			return (enum id_type)i;
	return ID_TYPE_NONE;
}

static int hex_val(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)(ch | 0x20);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* "0x..." into buf; an odd digit count reads as a leading zero nibble. */
static size_t hex_decode(const char *w, uint8_t *buf, size_t cap)
{
	const char *p = w + 2;
	size_t digits = strlen(p), n = 0;
	bool high = digits % 2 == 0;
	unsigned acc = 0;
	for (; *p && n < cap; p++) {
		int d = hex_val(*p);
		if (d < 0)
			return 0;
		acc = (acc << 4) | (unsigned)d;
		if (!high)
			buf[n++] = (uint8_t)acc, acc = 0;
		high = !high;
	}
	return n;
}

/* ---- global settings ---------------------------------------------------- */

static void g_ipsec_use(struct build *b) { b->c->ipsec_use = on(b->v[0]); }
static void g_auto_refresh(struct build *b) { b->c->auto_refresh = on(b->v[0]); }
static void g_illegal_spi(struct build *b) { b->c->log_illegal_spi = on(b->v[0]); }
static void g_queue(struct build *b) { b->c->queue_length = num(b->v[0]); }
static void g_ike_log(struct build *b) { b->c->log_types = log_types(b->v, b->nv); }

static void g_retry(struct build *b)
{
	if (b->nv < 2)
		return;
	b->c->retry_count = num(b->v[0]);
	b->c->retry_interval = num(b->v[1]);
	if (b->nv > 2)
		b->c->retry_max_session = num(b->v[2]);
}

/* ipsec sa policy P GW esp [cipher] [integ] [anti-replay-check=x]
 * ipsec sa policy P GW ah [integ] [options] */
static void g_policy(struct build *b)
{
	if (b->nv < 2)
		return;
	struct policy_config *p = config_policy_get(b->c, num(b->e->w[3]));
	if (!p) {
		b->err = -RTX_ENOMEM;
		return;
	}
	p->gateway = num(b->v[0]);
	p->esp = strcmp(b->v[1], "esp") == 0;
	for (size_t i = 2; i < b->nv; i++) {
		const struct alg *a;
		if (strchr(b->v[i], '='))
			continue;
		if (p->esp && (a = cfgapply_alg(ALG_ENCR, b->v[i]))) {
			p->encr = a->id;
			p->encr_bits = a->key_bits;
		} else if ((a = cfgapply_alg(ALG_INTEG, b->v[i]))) {
			p->integ = a->id;
		}
	}
	if (!p->esp) {
		p->encr = 0;
		p->encr_bits = 0;
		if (!p->integ)
			p->integ = IKEV2_AUTH_HMAC_SHA1_96;   /* AH's default */
	}
	const char *ar = opt(b->v + 2, b->nv - 2, "anti-replay-check");
	if (ar)
		p->anti_replay = on(ar);
}

/* ---- per gateway ------------------------------------------------------------ */

struct gw_build {
	struct build *b;
	struct gateway_config *g;
};

/* Sets the on/off setting's field; false when setting is not one. */
static bool gw_bool(struct gateway_config *g, const char *setting, const char *v)
{
	static const struct { const char *s; size_t off; } flags[] = {
		{ "ipsec auto refresh gw", offsetof(struct gateway_config, auto_refresh) },
		{ "ipsec ike negotiate-strictly", offsetof(struct gateway_config, negotiate_strictly) },
		{ "ipsec ike always-on", offsetof(struct gateway_config, always_on) },
		{ "ipsec ike proposal-limitation", offsetof(struct gateway_config, proposal_limitation) },
		{ "ipsec ike message-id-control", offsetof(struct gateway_config, message_id_control) },
		{ "ipsec ike pfs", offsetof(struct gateway_config, pfs) },
		{ "ipsec ike negotiation receive", offsetof(struct gateway_config, negotiation_receive) },
		{ "ipsec ike eap send certreq", offsetof(struct gateway_config, eap_send_certreq) },
		{ "ipsec ike keepalive log", offsetof(struct gateway_config, keepalive.log) },
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(flags[i].s, setting) == 0) {
			*(bool *)((char *)g + flags[i].off) = on(v);
			return true;
		}
	return false;
}

static int gw_psk(struct gateway_config *g, char **v, size_t n)
{
	explicit_bzero(g->psk, sizeof(g->psk));
	if (strcmp(v[0], "text") == 0) {
		if (n < 2)
			return 0;
		size_t len = strlen(v[1]);
		g->psk_len = len < sizeof(g->psk) ? len : sizeof(g->psk);
		memcpy(g->psk, v[1], g->psk_len);
	} else {
		g->psk_len = hex_decode(v[0], g->psk, sizeof(g->psk));
	}
	return 0;
}

static enum keepalive_kind keepalive_kind(const char *w)
{
	if (strcmp(w, "heartbeat") == 0)
		return KEEPALIVE_HEARTBEAT;
	if (strcmp(w, "dpd") == 0)
		return KEEPALIVE_DPD;
	if (strcmp(w, "icmp-echo") == 0)
		return KEEPALIVE_ICMP_ECHO;
	return KEEPALIVE_RFC4306;
}

/* SW [kind [target] [length=N]] [interval count [upwait]] [down=...] */
static int gw_keepalive(struct gateway_config *g, char **v, size_t n)
{
	g->keepalive.sw = on(v[0]) ? TRI_ON : strcmp(v[0], "off") == 0 ? TRI_OFF : TRI_AUTO;
	size_t i = 1;
	if (i < n && !strchr(v[i], '=') && (v[i][0] < '0' || v[i][0] > '9'))
		g->keepalive.kind = keepalive_kind(v[i++]);
	if (g->keepalive.kind == KEEPALIVE_ICMP_ECHO && i < n) {
		if (set_str(&g->keepalive.icmp_target, v[i++]))
			return -RTX_ENOMEM;
	}
	unsigned nums[3], k = 0;
	for (; i < n; i++) {
		if (strncmp(v[i], "length=", 7) == 0)
			g->keepalive.icmp_length = num(v[i] + 7);
		else if (!strchr(v[i], '=') && k < 3)
			nums[k++] = num(v[i]);
	}
	if (k >= 2) {
		g->keepalive.interval = nums[0];
		g->keepalive.count = nums[1];
	}
	if (k == 3)
		g->keepalive.upwait = nums[2];
	return 0;
}

/* ipsec-sa: SEC [KBYTES|off] [rekey PCT%] [forced-reduction=N]
 * isakmp-sa: SEC [rekey PCT%|off] [forced-reduction=N] */
static void gw_duration(struct gateway_config *g, const char *kind, char **v, size_t n)
{
	bool child = strcmp(kind, "ipsec-sa") == 0;
	struct sa_duration *d = child ? &g->child_life : &g->ike_life;
	d->seconds = num(v[0]);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(v[i], "rekey") == 0 && i + 1 < n) {
			i++;
			d->rekey_pct = strcmp(v[i], "off") == 0 ? 0 : (uint8_t)num(v[i]);
		} else if (strncmp(v[i], "forced-reduction=", 17) == 0) {
			d->forced_reduction = num(v[i] + 17);
		} else if (child && strcmp(v[i], "off") == 0) {
			d->kbytes = 0;
		} else if (child) {
			d->kbytes = num(v[i]);
		}
	}
}

static void gw_natt(struct gateway_config *g, char **v, size_t n)
{
	g->natt.on = on(v[0]);
	const char *ka = opt(v + 1, n - 1, "keepalive");
	const char *force = opt(v + 1, n - 1, "force");
	const char *type = opt(v + 1, n - 1, "type");
	if (ka)
		g->natt.keepalive = strcmp(ka, "off") == 0 ? 0 : num(ka);
	if (force)
		g->natt.force = on(force);
	if (type)
		g->natt.type = (uint8_t)num(type);
}

static void gw_algorithm(struct gateway_config *g, const char *setting, char **v, size_t n)
{
	const struct alg *a;
	if (strcmp(setting, "ipsec ike encryption") == 0 && (a = cfgapply_alg(ALG_ENCR, v[0]))) {
		g->encryption = a->id;
		g->encryption_bits = a->key_bits;
	} else if (strcmp(setting, "ipsec ike hash") == 0 && (a = cfgapply_alg(ALG_PRF, v[0]))) {
		g->hash = a->id;
	} else if (strcmp(setting, "ipsec ike group") == 0) {
		for (size_t i = 0; i < 2; i++)
			g->group[i] = i < n && (a = cfgapply_alg(ALG_DH, v[i])) ? a->id : 0;
	}
}

static enum auth_method auth_method(const char *w)
{
	if (strcmp(w, "pre-shared-key") == 0)
		return AUTH_METHOD_PSK;
	if (strcmp(w, "certificate") == 0)
		return AUTH_METHOD_CERTIFICATE;
	if (strcmp(w, "eap-md5") == 0)
		return AUTH_METHOD_EAP_MD5;
	return AUTH_METHOD_AUTO;
}

/* Only the plain address form has an engine meaning (vrrp, ipv6 prefix
 * and ipcp forms need interfaces rtxsh does not emulate). */
static int gw_address(char **field, const char *v)
{
	struct ip_addr a;
	if (ip_addr_parse(v, &a))
		return 0;
	return set_str(field, v);
}

static int gw_text(struct gateway_config *g, const char *s, char **v, size_t n)
{
	if (strcmp(s, "ipsec ike remote name") == 0) {
		g->remote_name_type = n > 1 ? id_type(v[1]) : ID_TYPE_NONE;
		return set_str(&g->remote_name, v[0]);
	}
	if (strcmp(s, "ipsec ike local name") == 0) {
		g->local_name_type = n > 1 ? id_type(v[1]) : ID_TYPE_NONE;
		return set_str(&g->local_name, v[0]);
	}
	if (strcmp(s, "ipsec ike remote address") == 0)
		return set_str(&g->remote_address, v[0]);
	if (strcmp(s, "ipsec ike local address") == 0)
		return gw_address(&g->local_address, v[0]);
	if (strcmp(s, "ipsec ike eap myname") == 0 && n > 1)
		return set_str(&g->eap_name, v[0]) ? -RTX_ENOMEM : set_str(&g->eap_password, v[1]);
	return 0;
}

/* The settings keyed by a gateway id (the last word of the key). */
static const char *const gw_settings[] = {
	"ipsec auto refresh gw", "ipsec ike version", "ipsec ike auth method",
	"ipsec ike pre-shared-key", "ipsec ike negotiate-strictly", "ipsec ike always-on",
	"ipsec ike remote name", "ipsec ike remote address", "ipsec ike local name",
	"ipsec ike local address", "ipsec ike keepalive use", "ipsec ike keepalive log",
	"ipsec ike encryption", "ipsec ike group", "ipsec ike hash",
	"ipsec ike proposal-limitation", "ipsec ike message-id-control",
	"ipsec ike child-exchange type", "ipsec ike pfs", "ipsec ike log gw",
	"ipsec ike duration", "ipsec ike nat-traversal", "ipsec ike pki file",
	"ipsec ike eap myname", "ipsec ike eap request", "ipsec ike eap send certreq",
	"ipsec ike negotiation receive", NULL,
};

static bool is_gw_setting(const char *s)
{
	for (size_t i = 0; gw_settings[i]; i++)
		if (strcmp(gw_settings[i], s) == 0)
			return true;
	return false;
}

static void gw_apply(struct build *b)
{
	const struct cfg_entry *e = b->e;
	const char *s = e->row->setting;
	struct gateway_config *g = config_gateway_get(b->c, num(e->w[e->row->nkey - 1]));
	char **v = b->v;
	size_t n = b->nv;
	if (!g) {
		b->err = -RTX_ENOMEM;
		return;
	}
	if (strcmp(s, "ipsec ike version") == 0)
		g->version = (uint8_t)num(v[0]);
	else if (strcmp(s, "ipsec ike auth method") == 0)
		g->auth_method = auth_method(v[0]);
	else if (strcmp(s, "ipsec ike pre-shared-key") == 0)
		b->err = gw_psk(g, v, n);
	else if (strcmp(s, "ipsec ike keepalive use") == 0)
		b->err = gw_keepalive(g, v, n);
	else if (strcmp(s, "ipsec ike child-exchange type") == 0)
		g->child_exchange_type = (uint8_t)num(v[0]);
	else if (strcmp(s, "ipsec ike log gw") == 0)
		g->log_types = log_types(v, n);
	else if (strcmp(s, "ipsec ike duration") == 0)
		gw_duration(g, e->w[3], v, n);
	else if (strcmp(s, "ipsec ike nat-traversal") == 0)
		gw_natt(g, v, n);
	else if (strcmp(s, "ipsec ike pki file") == 0) {
		const char *cert = opt(v, n, "certificate"), *crl = opt(v, n, "crl");
		g->pki_cert = cert ? num(cert) : 0;
		g->pki_crl = crl ? num(crl) : 0;
	} else if (strcmp(s, "ipsec ike eap request") == 0) {
		g->eap_request = on(v[0]);
		g->eap_request_group = n > 1 ? num(v[1]) : 0;
	} else if (!gw_bool(g, s, v[0])) {
		gw_algorithm(g, s, v, n);
		b->err = gw_text(g, s, v, n);
	}
}

/* ---- tunnels and routes ------------------------------------------------------ */

static void t_apply(struct build *b, unsigned num_, void (*fn)(struct build *, struct tunnel_config *))
{
	struct tunnel_config *t = num_ ? config_tunnel_get(b->c, num_) : NULL;
	if (!t) {
		b->err = num_ ? -RTX_ENOMEM : 0;
		return;
	}
	fn(b, t);
}

static void t_policy(struct build *b, struct tunnel_config *t) { t->policy = num(b->v[0]); }
static void t_enable(struct build *b, struct tunnel_config *t) { (void)b; t->enabled = true; }

static void t_description(struct build *b, struct tunnel_config *t)
{
	b->err = set_str(&t->description, b->v[0]);
}

/* ip route NET gateway tunnel N ...: the first tunnel gateway carries it. */
static void g_route(struct build *b)
{
	struct route_config r = { 0 };
	const char *net = b->e->w[2];
	for (size_t i = 0; i + 2 < b->nv && !r.tunnel; i++)
		if (strcmp(b->v[i], "gateway") == 0 && strcmp(b->v[i + 1], "tunnel") == 0)
			r.tunnel = num(b->v[i + 2]);
	if (!r.tunnel)
		return;
	if (strcmp(net, "default") == 0) {
		r.net.family = AF_INET;   /* 0.0.0.0/0 */
	} else {
		char buf[64];
		snprintf(buf, sizeof(buf), "%s", net);
		char *slash = strchr(buf, '/');
		if (!slash)
			return;
		*slash = '\0';
		if (ip_addr_parse(buf, &r.net))
			return;
		r.len = (uint8_t)num(slash + 1);
	}
	b->err = config_route_add(b->c, &r);
}

/* ip lanN address A/LEN: the router puts it on lanN's host interface
 * (dhcp and the other forms need a DHCP client rtxsh does not have). */
static void g_lan(struct build *b)
{
	const char *w = b->e->w[1];
	char buf[64], *slash;
	unsigned long n = strtoul(w + 3, NULL, 10);
	snprintf(buf, sizeof(buf), "%s", b->v[0]);
	if (strncasecmp(w, "lan", 3) != 0 || n < 1 || n > CONFIG_LAN_MAX ||
	    !(slash = strchr(buf, '/')))
		return;
	*slash = '\0';
	struct lan_config *l = &b->c->lan[n];
	if (ip_addr_parse(buf, &l->addr))
		return;
	l->len = (uint8_t)num(slash + 1);
	l->set = true;
}

/* ---- the walk ------------------------------------------------------------------ */

static void apply_entry(struct build *b)
{
	static const struct { const char *s; void (*fn)(struct build *); } globals[] = {
		{ "ipsec use", g_ipsec_use }, { "ipsec auto refresh", g_auto_refresh },
		{ "ipsec log illegal-spi", g_illegal_spi }, { "ipsec ike retry", g_retry },
		{ "ipsec ike queue length", g_queue }, { "ipsec ike log", g_ike_log },
		{ "ipsec sa policy", g_policy }, { "ip route", g_route },
		{ "ip lan address", g_lan },
	};
	const char *s = b->e->row->setting;
	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++)
		if (strcmp(globals[i].s, s) == 0) {
			globals[i].fn(b);
			return;
		}
	if (is_gw_setting(s))
		gw_apply(b);
	else if (strcmp(s, "ipsec tunnel") == 0)
		t_apply(b, b->e->ctx, t_policy);
	else if (strcmp(s, "tunnel enable") == 0)
		t_apply(b, b->e->ctx, t_enable);
	else if (strcmp(s, "description tunnel") == 0)
		t_apply(b, b->e->ctx, t_description);
}

int cfgapply_build(const struct cfgstore *st, const struct rtx_model *m,
		   struct ipsec_config **out)
{
	struct build b = { .c = config_new(m) };
	*out = NULL;
	if (!b.c)
		return -RTX_ENOMEM;
	for (const struct cfg_entry *e = cfgstore_first(st); e && !b.err; e = e->next) {
		if (!e->row->setting || (e->row->flags & R_PASS) || e->n < e->row->nkey ||
		    (e->n == e->row->nkey && strcmp(e->row->setting, "tunnel enable") != 0))
			continue;
		b.e = e;
		b.v = e->w + e->row->nkey;
		b.nv = e->n - e->row->nkey;
		apply_entry(&b);
	}
	if (b.err) {
		config_free(b.c);
		return b.err;
	}
	*out = b.c;
	return 0;
}
