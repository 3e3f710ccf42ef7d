/* Stored config lines -> struct ipsec_config, one apply step per command
 * form. Steps read the line's typed parameters (grammar.h struct params):
 * the grammar has already checked types and ranges, and enum values arrive
 * as their index in the row's value list. */
#include "shell/cfgapply.h"
#include "engine/pool.h"
#include "engine/user.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <strings.h>

#include "base/err.h"
#include "engine/config.h"
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

const char *cfgapply_keyword(const struct alg *a, bool esp)
{
	if (!a)
		return NULL;
	if (esp && a->yamaha_esp)
		return a->yamaha_esp;
	if (a->yamaha)
		return a->yamaha;
	for (size_t i = 0; i < N_EXT; i++)
		if (extensions[i].type == a->type && extensions[i].id == a->id &&
		    (!extensions[i].bits || extensions[i].bits == a->key_bits))
			return extensions[i].keyword;
	return NULL;
}

bool cfgapply_is_extension(const char *keyword)
{
	for (size_t i = 0; i < N_EXT; i++)
		if (strcasecmp(extensions[i].keyword, keyword) == 0)
			return true;
	return false;
}

/* ---- typed parameters ---------------------------------------------------- */

static bool on(const struct params *p, enum param id)
{
	return param(p, id)->idx == SW_ON;
}

static unsigned num(const struct params *p, enum param id)
{
	return (unsigned)param(p, id)->num;
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

static const struct alg *keyword_alg(const struct params *p, enum param id, enum alg_type type)
{
	return param_given(p, id) ? cfgapply_alg(type, param(p, id)->text) : NULL;
}

/* message-info, payload-info, key-info in the table's order. */
static unsigned log_types(const struct params *p)
{
	static const unsigned bits[] = { LOGTYPE_MESSAGE, LOGTYPE_PAYLOAD, LOGTYPE_KEY };
	unsigned long long set = param(p, P_LOG)->set;
	unsigned t = 0;
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (set & (1ull << i))
			t |= bits[i];
	return t;
}

/* ---- switches ------------------------------------------------------------- */

int cfgapply_switch(struct cfgapply *a, const struct params *p)
{
	*(bool *)((char *)a->c + a->row->field) = on(p, P_SWITCH);
	return 0;
}

int cfgapply_gw_switch(struct cfgapply *a, const struct params *p)
{
	*(bool *)((char *)a->g + a->row->field) = on(p, P_SWITCH);
	return 0;
}

/* ---- global settings -------------------------------------------------------- */

int cfgapply_ike_retry(struct cfgapply *a, const struct params *p)
{
	a->c->retry_count = num(p, P_COUNT);
	a->c->retry_interval = num(p, P_INTERVAL);
	if (param_given(p, P_MAX_SESSION))
		a->c->retry_max_session = num(p, P_MAX_SESSION);
	return 0;
}

int cfgapply_queue_length(struct cfgapply *a, const struct params *p)
{
	a->c->queue_length = num(p, P_LENGTH);
	return 0;
}

int cfgapply_ike_log(struct cfgapply *a, const struct params *p)
{
	a->c->log_types = log_types(p);
	return 0;
}

/* ipsec sa policy P GW esp|ah ...: what both forms share. */
static struct policy_config *sa_policy(struct cfgapply *a, const struct params *p)
{
	struct policy_config *pol = config_policy_get(a->c, (uint32_t)param(p, P_POLICY)->num);
	if (!pol)
		return NULL;
	pol->gateway = num(p, P_GATEWAY);
	if (param_given(p, P_ANTI_REPLAY))
		pol->anti_replay = on(p, P_ANTI_REPLAY);
	return pol;
}

int cfgapply_sa_policy_esp(struct cfgapply *a, const struct params *p)
{
	struct policy_config *pol = sa_policy(a, p);
	const struct alg *alg;
	if (!pol)
		return -RTX_ENOMEM;
	pol->esp = true;
	if ((alg = keyword_alg(p, P_CIPHER, ALG_ENCR))) {
		pol->encr = alg->id;
		pol->encr_bits = alg->key_bits;
	}
	if ((alg = keyword_alg(p, P_INTEG, ALG_INTEG)))
		pol->integ = alg->id;
	return 0;
}

int cfgapply_sa_policy_ah(struct cfgapply *a, const struct params *p)
{
	struct policy_config *pol = sa_policy(a, p);
	const struct alg *alg = keyword_alg(p, P_INTEG, ALG_INTEG);
	if (!pol)
		return -RTX_ENOMEM;
	pol->esp = false;
	pol->encr = 0;
	pol->encr_bits = 0;
	pol->integ = alg ? alg->id : IKEV2_AUTH_HMAC_SHA1_96;   /* AH's default */
	return 0;
}

/* ip route NET gateway tunnel N ...: the first tunnel gateway carries it;
 * `default` is 0.0.0.0/0, or ::/0 for `ipv6 route`. */
static int route(struct cfgapply *a, const struct params *p, uint8_t default_family)
{
	const struct param_val *net = param(p, P_NETWORK);
	struct route_config r = { .tunnel = num(p, P_ROUTE_GW) };
	if (!r.tunnel)
		return 0;
	if (net->idx >= 0) {
		r.net.family = default_family;
	} else {
		r.net = net->addr;
		r.len = net->plen;
	}
	return config_route_add(a->c, &r);
}

int cfgapply_ip_route(struct cfgapply *a, const struct params *p)
{
	return route(a, p, AF_INET);
}

int cfgapply_ipv6_route(struct cfgapply *a, const struct params *p)
{
	return route(a, p, AF_INET6);
}

/* ip lanN address A/LEN: the router puts it on lanN's host interface
 * (dhcp needs a DHCP client rtxsh does not have). */
int cfgapply_lan_address(struct cfgapply *a, const struct params *p)
{
	const struct param_val *v = param(p, P_ADDRESS);
	unsigned n = num(p, P_LAN);
	if (n < 1 || n > CONFIG_LAN_MAX || !v->addr.family)
		return 0;
	a->c->lan[n] = (struct lan_config){ .set = true, .addr = v->addr, .len = v->plen };
	return 0;
}

/* ipv6 lanN address A/LEN: beside lanN's `ip lanN address`. */
int cfgapply_lan6_address(struct cfgapply *a, const struct params *p)
{
	const struct param_val *v = param(p, P_ADDRESS);
	unsigned n = num(p, P_LAN);
	if (n < 1 || n > CONFIG_LAN_MAX || v->addr.family != AF_INET6)
		return 0;
	a->c->lan6[n] = (struct lan_config){ .set = true, .addr = v->addr, .len = v->plen };
	return 0;
}

/* ---- tunnels ------------------------------------------------------------------ */

int cfgapply_tunnel_policy(struct cfgapply *a, const struct params *p)
{
	a->t->policy = (uint32_t)param(p, P_POLICY)->num;
	return 0;
}

int cfgapply_tunnel_description(struct cfgapply *a, const struct params *p)
{
	return set_str(&a->t->description, param(p, P_TEXT)->text);
}

/* `tunnel enable N` is stored per tunnel (cmd_tunnel_enable expands `all`). */
int cfgapply_tunnel_enable(struct cfgapply *a, const struct params *p)
{
	unsigned n = num(p, P_TUNNEL);
	struct tunnel_config *t;
	if (!n)
		return 0;
	if (!(t = config_tunnel_get(a->c, n)))
		return -RTX_ENOMEM;
	t->enabled = true;
	return 0;
}

/* ---- per gateway ---------------------------------------------------------------- */

int cfgapply_ike_version(struct cfgapply *a, const struct params *p)
{
	a->g->version = (uint8_t)num(p, P_VERSION);
	return 0;
}

int cfgapply_auth_method(struct cfgapply *a, const struct params *p)
{
	/* auto, pre-shared-key, certificate, eap-md5 in the table's order */
	static const enum auth_method methods[] = {
		AUTH_METHOD_AUTO, AUTH_METHOD_PSK, AUTH_METHOD_CERTIFICATE, AUTH_METHOD_EAP_MD5,
	};
	int i = param(p, P_METHOD)->idx;
	a->g->auth_method = i >= 0 && (size_t)i < sizeof(methods) / sizeof(methods[0])
			    ? methods[i] : AUTH_METHOD_AUTO;
	return 0;
}

int cfgapply_psk_hex(struct cfgapply *a, const struct params *p)
{
	struct gateway_config *g = a->g;
	explicit_bzero(g->psk, sizeof(g->psk));
	g->psk_len = tok_hex_bytes(param(p, P_KEY)->text, g->psk, sizeof(g->psk));
	return 0;
}

int cfgapply_psk_text(struct cfgapply *a, const struct params *p)
{
	struct gateway_config *g = a->g;
	const char *key = param(p, P_KEY)->text;
	size_t len = strlen(key);
	explicit_bzero(g->psk, sizeof(g->psk));
	g->psk_len = len < sizeof(g->psk) ? len : sizeof(g->psk);
	memcpy(g->psk, key, g->psk_len);
	return 0;
}

/* NAME [TYPE] of `ipsec ike remote/local name`. */
static int name(char **field, enum id_type *type, const struct params *p)
{
	/* the ID types in the table's order */
	static const enum id_type types[] = {
		ID_TYPE_IPV4_ADDR, ID_TYPE_FQDN, ID_TYPE_USER_FQDN, ID_TYPE_IPV6_ADDR,
		ID_TYPE_KEY_ID, ID_TYPE_TEL, ID_TYPE_TEL_KEY,
	};
	int i = param(p, P_IDTYPE)->idx;
	*type = i >= 0 && (size_t)i < sizeof(types) / sizeof(types[0]) ? types[i] : ID_TYPE_NONE;
	return set_str(field, param(p, P_NAME)->text);
}

int cfgapply_remote_name(struct cfgapply *a, const struct params *p)
{
	return name(&a->g->remote_name, &a->g->remote_name_type, p);
}

int cfgapply_local_name(struct cfgapply *a, const struct params *p)
{
	return name(&a->g->local_name, &a->g->local_name_type, p);
}

/* An address, a host name or `any`: the engine resolves it. */
int cfgapply_remote_address(struct cfgapply *a, const struct params *p)
{
	return set_str(&a->g->remote_address, param(p, P_ADDRESS)->text);
}

int cfgapply_local_address(struct cfgapply *a, const struct params *p)
{
	return set_str(&a->g->local_address, param(p, P_ADDRESS)->text);
}

/* SW [kind [target] [length=N]] [interval count [upwait]] [down=...] */
static int keepalive(struct cfgapply *a, const struct params *p, enum keepalive_kind kind)
{
	static const enum tristate sw[] = { [SW_ON] = TRI_ON, [SW_OFF] = TRI_OFF,
					    [SW_AUTO] = TRI_AUTO };
	struct gateway_config *g = a->g;
	int i = param(p, P_SWITCH)->idx;
	g->keepalive.sw = i >= 0 && (size_t)i < sizeof(sw) / sizeof(sw[0]) ? sw[i] : TRI_AUTO;
	g->keepalive.kind = kind;
	if (param_given(p, P_INTERVAL)) {
		g->keepalive.interval = num(p, P_INTERVAL);
		g->keepalive.count = num(p, P_COUNT);
	}
	if (param_given(p, P_UPWAIT))
		g->keepalive.upwait = num(p, P_UPWAIT);
	if (param_given(p, P_ICMP_LENGTH))
		g->keepalive.icmp_length = num(p, P_ICMP_LENGTH);
	if (param_given(p, P_ADDRESS))
		return set_str(&g->keepalive.icmp_target, param(p, P_ADDRESS)->text);
	return 0;
}

int cfgapply_keepalive(struct cfgapply *a, const struct params *p)
{
	return keepalive(a, p, KEEPALIVE_RFC4306);
}

int cfgapply_keepalive_heartbeat(struct cfgapply *a, const struct params *p)
{
	return keepalive(a, p, KEEPALIVE_HEARTBEAT);
}

int cfgapply_keepalive_icmp_echo(struct cfgapply *a, const struct params *p)
{
	return keepalive(a, p, KEEPALIVE_ICMP_ECHO);
}

int cfgapply_keepalive_dpd(struct cfgapply *a, const struct params *p)
{
	return keepalive(a, p, KEEPALIVE_DPD);
}

int cfgapply_keepalive_rfc4306(struct cfgapply *a, const struct params *p)
{
	return keepalive(a, p, KEEPALIVE_RFC4306);
}

int cfgapply_ike_encryption(struct cfgapply *a, const struct params *p)
{
	const struct alg *alg = keyword_alg(p, P_CIPHER, ALG_ENCR);
	if (alg) {
		a->g->encryption = alg->id;
		a->g->encryption_bits = alg->key_bits;
	}
	return 0;
}

int cfgapply_ike_group(struct cfgapply *a, const struct params *p)
{
	const struct alg *g1 = keyword_alg(p, P_GROUP, ALG_DH), *g2 = keyword_alg(p, P_GROUP2, ALG_DH);
	a->g->group[0] = g1 ? g1->id : 0;
	a->g->group[1] = g2 ? g2->id : 0;
	return 0;
}

int cfgapply_ike_hash(struct cfgapply *a, const struct params *p)
{
	const struct alg *alg = keyword_alg(p, P_HASH, ALG_PRF);
	if (alg)
		a->g->hash = alg->id;
	return 0;
}

int cfgapply_child_exchange(struct cfgapply *a, const struct params *p)
{
	a->g->child_exchange_type = (uint8_t)num(p, P_TYPE);
	return 0;
}

int cfgapply_window_size(struct cfgapply *a, const struct params *p)
{
	a->g->window_size = num(p, P_WINDOW);
	return 0;
}

int cfgapply_gw_log(struct cfgapply *a, const struct params *p)
{
	a->g->log_types = log_types(p);
	return 0;
}

/* SEC [rekey PCT%|off] [forced-reduction=N], shared by both SAs. */
static void duration(struct sa_duration *d, const struct params *p)
{
	d->seconds = num(p, P_SECONDS);
	if (param_given(p, P_REKEY))
		d->rekey_pct = param(p, P_REKEY)->idx >= 0 ? 0 : (uint8_t)num(p, P_REKEY);
	if (param_given(p, P_FORCED))
		d->forced_reduction = num(p, P_FORCED);
}

/* ipsec-sa: SEC [KBYTES|off] ... */
int cfgapply_duration_child(struct cfgapply *a, const struct params *p)
{
	struct sa_duration *d = &a->g->child_life;
	duration(d, p);
	if (param_given(p, P_KBYTES))
		d->kbytes = param(p, P_KBYTES)->idx >= 0 ? 0 : num(p, P_KBYTES);
	return 0;
}

int cfgapply_duration_ike(struct cfgapply *a, const struct params *p)
{
	duration(&a->g->ike_life, p);
	return 0;
}

int cfgapply_nat_traversal(struct cfgapply *a, const struct params *p)
{
	struct gateway_config *g = a->g;
	g->natt.on = on(p, P_SWITCH);
	if (param_given(p, P_NATT_KEEPALIVE))
		g->natt.keepalive = param(p, P_NATT_KEEPALIVE)->idx >= 0 ? 0
				    : num(p, P_NATT_KEEPALIVE);
	if (param_given(p, P_FORCE))
		g->natt.force = on(p, P_FORCE);
	if (param_given(p, P_TYPE))
		g->natt.type = (uint8_t)num(p, P_TYPE);
	return 0;
}

int cfgapply_pki_file(struct cfgapply *a, const struct params *p)
{
	a->g->pki_cert = num(p, P_CERT);
	a->g->pki_crl = num(p, P_CRL);
	return 0;
}

int cfgapply_eap_myname(struct cfgapply *a, const struct params *p)
{
	int err = set_str(&a->g->eap_name, param(p, P_NAME)->text);
	return err ? err : set_str(&a->g->eap_password, param(p, P_PASSWORD)->text);
}

int cfgapply_eap_request(struct cfgapply *a, const struct params *p)
{
	a->g->eap_request = on(p, P_SWITCH);
	a->g->eap_request_group = num(p, P_USER_GROUP);
	return 0;
}

/* ---- certificates ---------------------------------------------------------- */

static int pki_file(struct pki_file_config *f, const struct params *p, bool pkcs12)
{
	config_pki_file_clear(f);
	f->pkcs12 = pkcs12;
	if (!(f->path = strdup(param(p, P_FILE)->text)))
		return -RTX_ENOMEM;
	if (param_given(p, P_PASSWORD) &&
	    !(f->password = strdup(param(p, P_PASSWORD)->text)))
		return -RTX_ENOMEM;
	return 0;
}

int cfgapply_pki_cert(struct cfgapply *a, const struct params *p)
{
	/* pkcs12, x509-pem in the table's order */
	return pki_file(&a->c->pki_cert[num(p, P_PKI_ID)], p, param(p, P_FORMAT)->idx == 0);
}

int cfgapply_fragmentation(struct cfgapply *a, const struct params *p)
{
	a->g->frag = on(p, P_SWITCH);
	if (param_given(p, P_FRAG_SIZE))
		a->g->frag_size = num(p, P_FRAG_SIZE);
	return 0;
}

int cfgapply_pki_crl(struct cfgapply *a, const struct params *p)
{
	return pki_file(&a->c->pki_crl[num(p, P_PKI_ID)], p, false);
}

/* ---- users (reference 2.4) ------------------------------------------------------ */

int cfgapply_user(struct cfgapply *a, const struct params *p)
{
	return user_set(&a->c->users, num(p, P_USER_ID), param(p, P_NAME)->text,
			param(p, P_PASSWORD)->text);
}

int cfgapply_user_attribute(struct cfgapply *a, const struct params *p)
{
	struct user_config *u = user_get(&a->c->users, num(p, P_USER_ID));
	if (!u)
		return -RTX_ENOMEM;
	if (param_given(p, P_EAP_MD5)) {
		u->eap_md5 = on(p, P_EAP_MD5);
		u->eap_md5_set = true;
	}
	if (param_given(p, P_XAUTH_ADDRESS))
		u->address = param(p, P_XAUTH_ADDRESS)->addr;
	if (param_given(p, P_XAUTH_DNS))
		u->dns = param(p, P_XAUTH_DNS)->addr;
	return 0;
}

int cfgapply_user_group_attribute(struct cfgapply *a, const struct params *p)
{
	struct user_group *g = user_group_get(&a->c->users, num(p, P_USER_ID));
	if (!g)
		return -RTX_ENOMEM;
	if (param_given(p, P_EAP_MD5))
		g->eap_md5 = on(p, P_EAP_MD5);
	if (param_given(p, P_XAUTH_ADDRESS))
		g->address = param(p, P_XAUTH_ADDRESS)->addr;
	if (param_given(p, P_XAUTH_DNS))
		g->dns = param(p, P_XAUTH_DNS)->addr;
	if (param_given(p, P_XAUTH_POOL))
		g->pool = num(p, P_XAUTH_POOL);
	return 0;
}

/* `auth user group GID ID|N-M ...`: the words after the group id, which
 * the grammar has range-checked already. */
int cfgapply_user_group(struct cfgapply *a, const struct params *p)
{
	unsigned *ids = NULL;
	size_t n = 0;
	int err = 0;
	for (size_t i = 4; i < a->n && !err; i++) {
		unsigned long lo, hi;
		char *end;
		lo = hi = strtoul(a->w[i], &end, 10);
		if (*end == '-')
			hi = strtoul(end + 1, NULL, 10);
		for (unsigned long v = lo; v <= hi && !err; v++) {
			unsigned *grown = realloc(ids, (n + 1) * sizeof(*ids));
			if (!grown)
				err = -RTX_ENOMEM;
			else
				(ids = grown)[n++] = (unsigned)v;
		}
	}
	if (!err)
		err = user_group_set(&a->c->users, num(p, P_USER_ID), ids, n);
	free(ids);
	return err;
}

/* ---- mode-cfg (reference 2.5) ------------------------------------------------------ */

/* A range the grammar let through but pool_parse refuses (an IPv4 mask
 * on an IPv6 range, say) stays stored and printed, unused. */
int cfgapply_modecfg_pool(struct cfgapply *a, const struct params *p)
{
	struct pool_config v = { 0 };
	if (pool_parse(param(p, P_TEXT)->text, &v))
		return 0;
	return pool_set(&a->c->pools, num(p, P_POOL), &v);
}

int cfgapply_modecfg_address(struct cfgapply *a, const struct params *p)
{
	a->g->modecfg_pool = num(p, P_POOL);
	return 0;
}

/* ---- the walk ------------------------------------------------------------------ */

/* Rows whose key names a gateway (`ipsec ike ... GW`) apply to that
 * gateway, which the line brings into being. */
static bool gateway_keyed(const struct cmd_row *r)
{
	for (size_t i = 0; i < r->nkey; i++)
		if (r->tok[i].param == P_GATEWAY)
			return true;
	return false;
}

static int apply_entry(struct ipsec_config *c, const struct rtx_model *m,
		       const struct cfg_entry *e)
{
	const struct cmd_row *r = e->row;
	struct cfgapply a = { .c = c, .row = r, .w = e->w, .n = e->n };
	struct params p;
	if (!r->apply || ((r->flags & R_TUNNEL) && !e->ctx))
		return 0;
	params_fill(m, r, e->w, e->tok, e->n, &p);
	if (gateway_keyed(r) && !(a.g = config_gateway_get(c, num(&p, P_GATEWAY))))
		return -RTX_ENOMEM;
	if ((r->flags & R_TUNNEL) && !(a.t = config_tunnel_get(c, e->ctx)))
		return -RTX_ENOMEM;
	return r->apply(&a, &p);
}

int cfgapply_build(const struct cfgstore *st, const struct rtx_model *m,
		   struct ipsec_config **out)
{
	struct ipsec_config *c = config_new(m);
	int err = 0;
	*out = NULL;
	if (!c)
		return -RTX_ENOMEM;
	for (const struct cfg_entry *e = cfgstore_first(st); e && !err; e = e->next)
		err = apply_entry(c, m, e);
	if (err) {
		config_free(c);
		return err;
	}
	*out = c;
	return 0;
}
