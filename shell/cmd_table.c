/* THE command table: one row per command form. Matching, `?`, TAB, error
 * text, the config store key, the `show config` position and how a stored
 * line reaches the engine (its apply step, fed the parameters the tokens
 * name with .param) all come from these rows (see grammar.h for the token
 * and row fields).
 *
 * Rows of one setting (the forms of one command) must stay adjacent: the
 * setting's position in this table is its order inside its `show config`
 * section. The first row that matches a whole line wins, so specific forms
 * come before the pass-through rows that would also accept them.
 *
 * Canonical spellings: enum values print as the first spelling listed
 * (isakmp-sa for ike-sa, ipsec-sa for child-sa, user-fqdn for rfc822-addr).
 * Options (key=value) print in the order listed here. */
#include "shell/grammar.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/config.h"
#include "shell/cfgapply.h"
#include "shell/cmd.h"

#define V(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define O(...) ((const struct tok[]){ __VA_ARGS__, { .kind = TK_END } })

#define KW(s, h, ...)  { .kind = TK_KW, .name = (s), .help = (h), __VA_ARGS__ }
#define EN(n, v, h, ...) { .kind = TK_ENUM, .name = (n), .vals = (v), .help = (h), __VA_ARGS__ }
#define NUM(n, l, u, h, ...) { .kind = TK_INT, .name = (n), .lo = (l), .hi = (u), .help = (h), __VA_ARGS__ }
#define TXT(n, l, u, h, ...) { .kind = TK_TEXT, .name = (n), .lo = (l), .hi = (u), .help = (h), __VA_ARGS__ }
#define TY(k, n, h, ...) { .kind = (k), .name = (n), .help = (h), __VA_ARGS__ }
#define OPTS(n, o, h, ...) { .kind = TK_OPTS, .name = (n), .opts = (o), .help = (h), __VA_ARGS__ }
#define REST(n, h, ...) { .kind = TK_REST, .name = (n), .help = (h), __VA_ARGS__ }

/* How a row's stored line reaches the engine's typed config (ap below):
 * AP(step) names its apply step (shell/cfgapply.h); SWITCH(field) and
 * GW_SWITCH(field) name the bool of struct ipsec_config or of the
 * gateway that its on/off sets; NOAP: none (operational, R_PASS, R_KEPT).
 * Each is one parenthesized argument, unwrapped inside ROW. */
#define AP(step) (.apply = (step))
#define NOAP (.apply = NULL)
#define BOOL_FIELD(type, f) _Generic(((struct type *)0)->f, bool: offsetof(struct type, f))
#define SWITCH(f) (.apply = cfgapply_switch, .field = BOOL_FIELD(ipsec_config, f))
#define GW_SWITCH(f) (.apply = cfgapply_gw_switch, .field = BOOL_FIELD(gateway_config, f))
#define UNWRAP(...) __VA_ARGS__

#define ROW(set, sec, fl, nk, df, fn, ap, ...) \
	{ .setting = (set), .section = (sec), .flags = (fl), .nkey = (nk), \
	  .dflt = (df), .run = (fn), UNWRAP ap, .tok = { __VA_ARGS__ } }
/* A stored setting of the IPsec model the engine applies. */
#define CFG(set, nk, df, ap, ...) ROW(set, SEC_IPSEC, R_ADMIN, nk, df, NULL, ap, __VA_ARGS__)
/* The same for a remote-access VPN server setting (model-dependent). */
#define CFG_RA(set, nk, df, ap, ...) \
	ROW(set, SEC_IPSEC, R_ADMIN | R_RA, nk, df, NULL, ap, __VA_ARGS__)
/* A stored setting of the IPsec model that is not emulated (IKEv1 only,
 * or needs what rtxsh does not have): typed, stored, printed. */
#define KEPT(set, nk, df, ...) \
	ROW(set, SEC_IPSEC, R_ADMIN | R_KEPT, nk, df, NULL, NOAP, __VA_ARGS__)
/* An operational command. */
#define OP(fl, fn, ...) ROW(NULL, SEC_NONE, (fl) | R_NONO, 0, NULL, fn, NOAP, __VA_ARGS__)
/* A command accepted and kept as typed, not emulated. */
#define PASS(set, sec, fl, nk, ...) \
	ROW(set, sec, R_ADMIN | R_PASS | (fl), nk, NULL, NULL, NOAP, __VA_ARGS__)

/* Shared tokens. */
#define K_IPSEC  KW("ipsec", "IPsec settings")
#define K_IKE    KW("ike", "IKE settings")
#define K_IP     KW("ip", "IP settings")
#define K_IPV6   KW("ipv6", "IPv6 settings")
#define K_TUNNEL KW("tunnel", "Tunnel interface")
#define K_SA     KW("sa", "Security associations")
#define K_AUTH   KW("auth", "Authentication")
#define K_USER   KW("user", "User accounts")
#define K_SHOW   KW("show", "Show information")
#define GW       TY(TK_GW, "gateway_id", "Security gateway ID", .param = P_GATEWAY)
#define GWOPT(g) TY(TK_GW, "gateway_id", "Security gateway ID", .flags = T_OPT, .grp = (g))
/* On/off values in the order of SW_ON, SW_OFF, SW_AUTO (grammar.h). */
#define ONOFF    V("on", "off")
#define SW       EN("switch", ONOFF, "on or off", .param = P_SWITCH)
#define SW3      EN("switch", V("on", "off", "auto"), "on, off or auto", .param = P_SWITCH)
#define ID32(n, h, ...) NUM(n, 1, 2147483647, h, __VA_ARGS__)
#define LAN      TY(TK_LAN, "lanN", "LAN interface", .param = P_LAN)
#define REMAIN   REST("parameters", "Parameters (kept as typed)")
#define TUNNEL_KEPT (R_ADMIN | R_TUNNEL | R_KEPT)

#define IDTYPES V("ipv4-addr", "fqdn", "user-fqdn|rfc822-addr", "ipv6-addr", \
		  "key-id", "tel", "tel-key")
#define HASHES V("md5", "sha", "sha256", "sha384*", "sha512*")
#define CIPHERS V("3des-cbc", "des-cbc", "aes-cbc", "aes256-cbc")
#define GROUPS V("modp768", "modp1024", "modp1536", "modp2048")
/* Keywords newer than the reference (shell/cfgapply.c maps them to the
 * algorithm table): what strongSwan peers commonly run. */
#define EXT " (rtxsh extension)"
#define EXT_CIPHERS V("aes-gcm", "aes256-gcm", "chacha20-poly1305")
#define EXT_GROUPS V("modp3072", "modp4096", "modp6144", "modp8192", "ecp256", \
		     "ecp384", "ecp521", "x25519", "x448")
#define AHALGS V("md5-hmac", "sha-hmac", "sha256-hmac", "sha384-hmac*", "sha512-hmac*")
#define INTERVAL(g) NUM("interval", 1, 600, "Keepalive interval in seconds", .flags = T_OPT, \
			.grp = (g), .param = P_INTERVAL)
#define COUNT(g)    NUM("count", 1, 50, "Failures before the peer is down", .grp = (g), \
			.param = P_COUNT)
#define UPWAIT(g)   NUM("upwait", 0, 1000000, "Seconds before the tunnel is up", .flags = T_OPT, \
			.grp = (g), .param = P_UPWAIT)
#define LOGTYPES EN("type", V("message-info", "payload-info", "key-info"), "What to log", \
		    .flags = T_REPEAT, .param = P_LOG)
#define POLICY   ID32("policy_id", "SA policy ID", .param = P_POLICY)
#define NAME     TXT("name", 1, 256, "Identity", .param = P_NAME)
#define IDTYPE   EN("type", IDTYPES, "ID type", .flags = T_OPT, .param = P_IDTYPE)
#define GROUP2   EN("group", GROUPS, "Phase-2 group (IKEv1)", .flags = T_OPT, .param = P_GROUP2)
#define SECONDS  NUM("second", 300, 691200, "Lifetime in seconds", .param = P_SECONDS)
#define FORCED   OPTS("option", O(NUM("forced-reduction", 1, 691200, "Old SA remaining life", \
				      .param = P_FORCED)), "Options")

static const struct tok opt_down[] = {
	EN("down", V("disconnect"), "Disconnect the PP when the peer is down"),
	EN("send-only-new-sa", V("on", "off", "auto"), "Send only on the newest SA"),
	{ .kind = TK_END },
};
static const struct tok opt_replay[] = {
	EN("anti-replay-check", ONOFF, "Check ESP sequence numbers", .param = P_ANTI_REPLAY),
	{ .kind = TK_END },
};
static const struct tok opt_ah[] = {
	TY(TK_IPMASK, "local-id", "Local ID (IKEv1)"),
	TY(TK_IPMASK, "remote-id", "Remote ID (IKEv1)"),
	EN("anti-replay-check", ONOFF, "Check sequence numbers", .param = P_ANTI_REPLAY),
	{ .kind = TK_END },
};
static const struct tok opt_natt[] = {
	NUM("keepalive", 30, 100000, "NAT keepalive interval in seconds", .vals = V("off"),
	    .param = P_NATT_KEEPALIVE),
	EN("force", ONOFF, "Use NAT-T even without a NAT", .param = P_FORCE),
	NUM("type", 1, 2, "NAT-T payload type", .param = P_TYPE),
	{ .kind = TK_END },
};
static const struct tok opt_pki[] = {
	NUM("certificate", 1, 8, "Certificate id (pki certificate file)", .flags = T_REQ,
	    .param = P_CERT),
	NUM("crl", 1, 8, "CRL id (pki crl file)", .param = P_CRL),
	{ .kind = TK_END },
};
/* xauth-address=, xauth-dns= and (groups only) xauth-address-pool=
 * reach the mode-cfg reply; the rest is IKEv1 XAUTH's and only kept. */
#define XAUTH_OPTS \
	EN("xauth", ONOFF, "Allow XAUTH"), \
	TY(TK_IP, "xauth-address", "Address handed out", .param = P_XAUTH_ADDRESS), \
	TY(TK_IP, "xauth-dns", "DNS server handed out", .param = P_XAUTH_DNS), \
	TY(TK_IP, "xauth-wins", "WINS server handed out"), \
	TXT("xauth-filter", 1, 256, "Filters for the user"), \
	EN("eap-md5", ONOFF, "Allow IKEv2 EAP-MD5", .param = P_EAP_MD5)
static const struct tok opt_user[] = { XAUTH_OPTS, { .kind = TK_END } };
static const struct tok opt_group[] = {
	XAUTH_OPTS,
	NUM("xauth-address-pool", 1, 65535, "Address pool id", .param = P_XAUTH_POOL),
	{ .kind = TK_END },
};

/* `ip route` gateways: `gateway GW [param ...]` one or more times, GW being
 * an address, `pp N`, `tunnel N`, `dhcp lanN`, `lanN` or `null`. The typed
 * value (out->num) is the first tunnel gateway's number, 0 if none. */
static enum gerr rest_route(const struct rtx_model *m, char **w, size_t n,
			    size_t *bad, struct param_val *out)
{
	static const struct tok tun = TY(TK_GW, "tunnel", "");
	static const struct tok pp = NUM("pp", 1, 65535, "");
	static const struct tok ip = TY(TK_IP, "ip", "");
	static const struct tok lan = TY(TK_LAN, "lan", "");
	size_t i = 0;
	while (i < n) {
		enum gerr e = GE_OK;
		const char *g = w[i];
		*bad = i;
		if (strcasecmp(g, "tunnel") == 0 || strcasecmp(g, "pp") == 0 ||
		    strcasecmp(g, "dhcp") == 0) {
			if (++i == n) {
				*bad = n;
				return GE_TOO_FEW;
			}
			*bad = i;
			bool is_tun = tolower((unsigned char)g[0]) == 't';
			e = tok_check(m, is_tun ? &tun : tolower((unsigned char)g[0]) == 'p'
				      ? &pp : &lan, w[i]);
			if (!e && is_tun && out && !out->num)
				out->num = strtoull(w[i], NULL, 10);
		} else if (strcasecmp(g, "null") != 0 && tok_check(m, &lan, g) &&
			   tok_check(m, &ip, g)) {
			e = GE_INVALID;
		}
		if (e)
			return e;
		for (i++; i < n && strcasecmp(w[i], "gateway") != 0; i++)
			if (!strchr(w[i], '=') && strcasecmp(w[i], "hide") != 0 &&
			    strcasecmp(w[i], "filter") != 0 &&
			    !isdigit((unsigned char)w[i][0])) {
				*bad = i;
				return GE_INVALID;
			}
		if (i < n && ++i == n) {
			*bad = n;
			return GE_TOO_FEW;
		}
	}
	return GE_OK;
}

/* Pass-through `ip ...` lines: anything but the forms typed above. */
static enum gerr rest_ip_other(const struct rtx_model *m, char **w, size_t n,
			       size_t *bad, struct param_val *out)
{
	static const char *const own[] = { "route", "tunnel", "filter", "pp", NULL };
	(void)m;
	(void)out;
	*bad = 0;
	if (n && (tok_enum_find(own, w[0]) || strncasecmp(w[0], "lan", 3) == 0))
		return GE_INVALID;
	return GE_OK;
}

/* Pass-through `ipv6 ...` lines: all but the routes and LAN lines rows of
 * their own take. */
static enum gerr rest_ipv6_other(const struct rtx_model *m, char **w, size_t n,
				 size_t *bad, struct param_val *out)
{
	(void)m;
	(void)out;
	*bad = 0;
	if (n && (strcasecmp(w[0], "route") == 0 || strncasecmp(w[0], "lan", 3) == 0))
		return GE_INVALID;
	return GE_OK;
}

/* Pass-through `ip filter ...` lines that are neither numbered nor dynamic. */
static enum gerr rest_filter_other(const struct rtx_model *m, char **w,
				   size_t n, size_t *bad, struct param_val *out)
{
	(void)m;
	(void)out;
	*bad = 0;
	if (n && (isdigit((unsigned char)w[0][0]) || strcasecmp(w[0], "dynamic") == 0))
		return GE_INVALID;
	return GE_OK;
}

#define NOT(...) .vals = V(__VA_ARGS__)
#define MISC(word) PASS("misc", SEC_MISC, R_SEQ, 1, KW(word, "Kept as typed"), REMAIN)

const struct cmd_row cmd_table[] = {
	/* ---- sessions and operation ---- */
	OP(0, cmd_administrator, KW("administrator", "Enter administrator mode")),
	OP(R_ADMIN, cmd_password, KW("administrator", "Enter administrator mode"),
	   KW("password", "Set the administrator password (asks for it)")),
	ROW("administrator password", SEC_HEAD, R_ADMIN | R_KEPT, 2, NULL, cmd_password_store,
	    NOAP, KW("administrator", "Enter administrator mode"),
	    KW("password", "Set the administrator password (asks for it)"),
	    KW("encrypted", "The password as save writes it (a salted hash)"),
	    TXT("hash", 1, 255, "$pbkdf2-sha256$... (or an RTX's *hex, kept, not checked)",
		.flags = T_OPT)),
	OP(R_ADMIN, cmd_password, KW("login", "Login settings"),
	   KW("password", "Set the console login password (asks for it)")),
	ROW("login password", SEC_HEAD, R_ADMIN | R_KEPT, 2, NULL, cmd_password_store,
	    NOAP, KW("login", "Login settings"),
	    KW("password", "Set the console login password (asks for it)"),
	    KW("encrypted", "The password as save writes it (a salted hash)"),
	    TXT("hash", 1, 255, "$pbkdf2-sha256$... (or an RTX's *hex, kept, not checked)",
		.flags = T_OPT)),
	OP(0, cmd_help, KW("help", "How to use the console")),
	OP(0, cmd_exit, KW("exit", "Leave administrator mode or the session")),
	OP(0, cmd_exit, KW("quit", "Leave administrator mode or the session")),
	OP(R_ADMIN, cmd_shutdown, KW("shutdown", "Stop the router (rtxsh)")),
	OP(R_ADMIN, cmd_save, KW("save", "Save the running configuration"),
	   TXT("filename", 1, 4095, "File to write; without -c it becomes the config file",
	       .flags = T_OPT)),
	OP(0, cmd_show_config, K_SHOW, KW("config", "Running configuration")),
	OP(0, cmd_show_config, K_SHOW, KW("config", "Running configuration"),
	   KW("tunnel", "One tunnel interface"), TY(TK_GW, "tunnel_num", "Tunnel number"),
	   KW("expand", "With the settings tunnel template copies in", .flags = T_OPT)),
	OP(0, cmd_show_config_swanctl, K_SHOW, KW("config", "Running configuration"),
	   KW("tunnel", "One tunnel interface"), TY(TK_GW, "tunnel_num", "Tunnel number"),
	   KW("swanctl", "A swanctl.conf for the tunnel's strongSwan peer")),
	OP(0, cmd_show_ipsec_sa, K_SHOW, K_IPSEC, K_SA,
	   ID32("id", "SA number", .flags = T_OPT)),
	OP(0, cmd_show_ipsec_sa, K_SHOW, K_IPSEC, K_SA,
	   KW("gateway", "Per security gateway"), GWOPT(0),
	   KW("detail", "Detailed view", .flags = T_OPT)),
	OP(R_RA, cmd_show_pool, K_SHOW, K_IPSEC, K_IKE, KW("mode-cfg", "Mode config"),
	   KW("pool", "Remote-access address pools and who holds their addresses"),
	   NUM("pool_id", 1, 65535, "Pool id", .flags = T_OPT)),
	OP(0, cmd_show_ipsec_diagnosis, K_SHOW, K_IPSEC, K_SA,
	   KW("gateway", "Per security gateway"), TY(TK_GW, "gateway_id", "Security gateway ID"),
	   KW("diagnosis", "Why the last negotiation failed and the commands that fix it")),
	OP(0, cmd_show_environment, K_SHOW,
	   KW("environment", "Version, model, kernel backend, config file, uptime")),
	OP(0, cmd_show_status_tunnel, K_SHOW, KW("status", "Interface status"),
	   K_TUNNEL, TY(TK_GW, "tunnel_num", "Tunnel number")),
	OP(0, cmd_show_status_ipsec, K_SHOW, KW("status", "Interface status"),
	   K_IPSEC),
	OP(0, cmd_show_pki_cert, K_SHOW, KW("pki", "Certificates"),
	   KW("certificate", "Certificate files"), KW("summary", "Summary"),
	   NUM("cert_id", 1, 8, "Certificate id", .flags = T_OPT)),
	OP(0, cmd_show_pki_crl, K_SHOW, KW("pki", "Certificates"),
	   KW("crl", "Revocation lists"), NUM("crl_id", 1, 8, "CRL id", .flags = T_OPT)),
	OP(0, cmd_show_ip_route, K_SHOW, K_IP, KW("route", "The router's routes")),
	OP(0, cmd_show_log, K_SHOW, KW("log", "The router log"),
	   KW("reverse", "Newest first", .flags = T_OPT)),
	OP(R_ADMIN, cmd_clear_log, KW("clear", "Clear information"), KW("log", "The router log")),
	OP(R_ADMIN, cmd_sa_delete, K_IPSEC, K_SA, KW("delete", "Delete SAs"),
	   ID32("id", "SA number", .vals = V("all"))),
	OP(R_ADMIN, cmd_refresh_sa, K_IPSEC, KW("refresh", "Refresh"),
	   KW("sa", "Delete every SA without notifying the peers")),
	OP(R_ADMIN, cmd_tunnel_select, K_TUNNEL, KW("select", "Select the tunnel interface"),
	   TY(TK_GW, "tunnel_num", "Tunnel number", .vals = V("none"))),
	OP(R_ADMIN, cmd_pp_select, KW("pp", "PP interface"), KW("select", "Select the pp interface"),
	   NUM("peer_num", 1, 65535, "Peer number", .vals = V("none", "anonymous"))),

	/* ---- console and syslog ---- */
	ROW("console character", SEC_HEAD, R_KEPT, 2, "ascii", cmd_console_character, NOAP,
	    KW("console", "Console settings"), KW("character", "Character set"),
	    EN("code", V("ascii", "ja.sjis", "ja.euc", "ja.utf8", "en.ascii"),
	       "Character set of the console")),
	PASS("console", SEC_HEAD, R_SEQ, 1, KW("console", "Console settings"),
	     REST("parameters", "Parameters (kept as typed)", NOT("character"))),
	ROW("syslog debug", SEC_HEAD, R_ADMIN | R_KEPT, 2, "off", cmd_syslog_debug, NOAP,
	    KW("syslog", "Syslog settings"), KW("debug", "Record DEBUG messages"), SW),
	PASS("syslog", SEC_HEAD, R_SEQ, 1, KW("syslog", "Syslog settings"),
	     REST("parameters", "Parameters (kept as typed)", NOT("debug"))),

	/* ---- routes and LAN interfaces ---- */
	ROW("ip route", SEC_ROUTE, R_ADMIN, 3, NULL, NULL, AP(cfgapply_ip_route), K_IP,
	    KW("route", "Static route"),
	    TY(TK_IPMASK, "network", "Destination: prefix, host address or default",
	       .vals = V("default"), .flags = T_HOST, .param = P_NETWORK),
	    KW("gateway", "Next hop"),
	    REST("gateway", "Address, pp N, tunnel N, dhcp lanN or null, params", .rest = rest_route,
		 .param = P_ROUTE_GW)),
	ROW("ip lan address", SEC_LAN, R_ADMIN, 3, NULL, NULL, AP(cfgapply_lan_address), K_IP,
	    LAN, KW("address", "Interface address"),
	    TY(TK_PREFIX, "address/len", "Address and prefix length", .vals = V("dhcp"),
	       .param = P_ADDRESS)),
	ROW("description lan", SEC_LAN, R_ADMIN | R_KEPT, 2, NULL, NULL, NOAP,
	    KW("description", "Interface description"), LAN,
	    TXT("text", 1, 255, "Description")),
	PASS("ip lan secure filter", SEC_LAN, 0, 5, K_IP, LAN,
	     KW("secure", "Secure filters"), KW("filter", "Filter lists"),
	     EN("direction", V("in", "out"), "Direction"), REMAIN),
	PASS("ip lan nat descriptor", SEC_LAN, 0, 4, K_IP, LAN,
	     KW("nat", "NAT"), KW("descriptor", "NAT descriptor"), REMAIN),
	PASS("ip lan", SEC_LAN, R_SEQ, 2, K_IP, LAN,
	     REST("parameters", "Parameters (kept as typed)", NOT("address", "secure", "nat"))),
	ROW("ipv6 route", SEC_ROUTE, R_ADMIN, 3, NULL, NULL, AP(cfgapply_ipv6_route), K_IPV6,
	    KW("route", "Static route"),
	    TY(TK_IPMASK, "network", "Destination: IPv6 prefix, host address or default",
	       .vals = V("default"), .flags = T_HOST | T_V6, .param = P_NETWORK),
	    KW("gateway", "Next hop"),
	    REST("gateway", "Address, pp N, tunnel N, dhcp lanN or null, params", .rest = rest_route,
		 .param = P_ROUTE_GW)),
	ROW("ipv6 lan address", SEC_LAN, R_ADMIN, 3, NULL, NULL, AP(cfgapply_lan6_address), K_IPV6,
	    LAN, KW("address", "Interface address"),
	    TY(TK_PREFIX, "address/len", "IPv6 address and prefix length", .flags = T_V6,
	       .param = P_ADDRESS)),
	PASS("ipv6 lan", SEC_LAN, R_SEQ, 2, K_IPV6, LAN,
	     REST("parameters", "Parameters (kept as typed)", NOT("address"))),

	/* ---- pp blocks (not emulated) ---- */
	PASS("description pp", SEC_PP, R_PP, 2, KW("description", "Interface description"),
	     KW("pp", "PP interface"), TXT("text", 1, 255, "Description")),
	PASS("pp", SEC_PP, R_PP | R_SEQ, 1, KW("pp", "PP interface"),
	     REST("parameters", "Parameters (kept as typed)", NOT("select"))),
	PASS("pp", SEC_PP, R_PP | R_SEQ, 1, KW("ppp", "PPP settings"), REMAIN),
	PASS("pp", SEC_PP, R_PP | R_SEQ, 1, KW("pppoe", "PPPoE settings"), REMAIN),
	PASS("pp", SEC_PP, R_PP | R_SEQ, 2, K_IP, KW("pp", "PP interface"), REMAIN),
	PASS("pp", SEC_PP, R_PP | R_SEQ, 2, KW("ipv6", "IPv6 settings"),
	     KW("pp", "PP interface"), REMAIN),

	/* ---- tunnel interface ---- */
	ROW("description tunnel", SEC_TUNNEL, R_ADMIN | R_TUNNEL, 2, NULL, NULL,
	    AP(cfgapply_tunnel_description),
	    KW("description", "Interface description"), K_TUNNEL,
	    TXT("text", 1, 255, "Description", .param = P_TEXT)),
	ROW("tunnel encapsulation", SEC_TUNNEL, TUNNEL_KEPT, 2, "ipsec", NULL, NOAP,
	    K_TUNNEL, KW("encapsulation", "Tunnel type"),
	    EN("type", V("ipsec", "l2tp", "l2tpv3", "l2tpv3-raw", "ipip"), "Encapsulation")),
	ROW("tunnel backup", SEC_TUNNEL, TUNNEL_KEPT, 2, "none", NULL, NOAP,
	    K_TUNNEL, KW("backup", "Backup interface"), KW("none", "No backup")),
	ROW("tunnel backup", SEC_TUNNEL, TUNNEL_KEPT, 2, "none", NULL, NOAP,
	    K_TUNNEL, KW("backup", "Backup interface"), LAN,
	    TY(TK_IP, "ip_address", "Next hop on that LAN")),
	ROW("tunnel backup", SEC_TUNNEL, TUNNEL_KEPT, 2, "none", NULL, NOAP,
	    K_TUNNEL, KW("backup", "Backup interface"), KW("pp", "PP interface"),
	    NUM("peer_num", 1, 65535, "Peer number"),
	    OPTS("option", O(EN("switch-router", ONOFF, "Switch router")), "Options")),
	ROW("tunnel backup", SEC_TUNNEL, TUNNEL_KEPT, 2, "none", NULL, NOAP,
	    K_TUNNEL, KW("backup", "Backup interface"), K_TUNNEL,
	    TY(TK_GW, "tunnel_num", "Tunnel number"),
	    OPTS("option", O(EN("switch-interface", ONOFF, "Switch interface")), "Options")),
	ROW("tunnel template", SEC_TUNNEL, TUNNEL_KEPT, 2, NULL, NULL, NOAP,
	    K_TUNNEL, KW("template", "Copy this tunnel's settings to other tunnels"),
	    TY(TK_IDLIST, "tunnel_num", "Tunnel number or range N-M", .hi = -1, .flags = T_REPEAT)),
	ROW("ipsec tunnel", SEC_TUNNEL, R_ADMIN | R_TUNNEL, 2, NULL, NULL,
	    AP(cfgapply_tunnel_policy), K_IPSEC, K_TUNNEL, POLICY),
	ROW("ipsec tunnel outer df-bit", SEC_TUNNEL, TUNNEL_KEPT, 4, "copy", NULL, NOAP,
	    K_IPSEC, K_TUNNEL, KW("outer", "Outer header"), KW("df-bit", "DF bit"),
	    EN("mode", V("copy", "set", "clear"), "DF bit of the outer header")),
	ROW("ipsec ipcomp type", SEC_TUNNEL, TUNNEL_KEPT, 3, "none", NULL, NOAP,
	    K_IPSEC, KW("ipcomp", "IP compression"), KW("type", "Compression type"),
	    EN("type", V("deflate", "none"), "Algorithm")),
	ROW("ip tunnel address", SEC_TUNNEL, TUNNEL_KEPT, 3, NULL, NULL, NOAP,
	    K_IP, K_TUNNEL, KW("address", "Tunnel interface address"),
	    TY(TK_PREFIX, "address/len", "Address and prefix length")),
	ROW("ip tunnel remote address", SEC_TUNNEL, TUNNEL_KEPT, 4, NULL, NULL, NOAP,
	    K_IP, K_TUNNEL, KW("remote", "Remote end"), KW("address", "Remote address"),
	    TY(TK_IP, "ip_address", "Remote tunnel address")),
	ROW("ip tunnel tcp mss limit", SEC_TUNNEL, TUNNEL_KEPT, 5, "off", NULL, NOAP,
	    K_IP, K_TUNNEL, KW("tcp", "TCP"), KW("mss", "Maximum segment size"),
	    KW("limit", "Clamp the MSS"),
	    NUM("mss", 536, 1460, "MSS in bytes", .vals = V("auto", "off"))),
	ROW("ip tunnel mtu", SEC_TUNNEL, TUNNEL_KEPT, 3, "auto", NULL, NOAP,
	    K_IP, K_TUNNEL, KW("mtu", "Interface MTU"),
	    NUM("mtu", 64, 1500, "MTU in bytes", .vals = V("auto"))),
	PASS("ip tunnel", SEC_TUNNEL, R_TUNNEL | R_SEQ, 2, K_IP, K_TUNNEL,
	     REST("parameters", "Parameters (kept as typed)",
		  NOT("address", "remote", "tcp", "mtu"))),
	ROW("tunnel enable", SEC_TUNNEL, R_ADMIN, 3, NULL, cmd_tunnel_enable,
	    AP(cfgapply_tunnel_enable), K_TUNNEL, KW("enable", "Enable the tunnel interface"),
	    TY(TK_GW, "tunnel_num", "Tunnel number", .vals = V("all"), .param = P_TUNNEL)),
	OP(R_ADMIN, cmd_tunnel_disable, K_TUNNEL, KW("disable", "Disable the tunnel interface"),
	   TY(TK_GW, "tunnel_num", "Tunnel number", .vals = V("all"))),

	/* ---- filters and NAT (not emulated) ---- */
	PASS("ip filter", SEC_FILTER, 0, 3, K_IP, KW("filter", "IP filter"),
	     NUM("filter_num", 1, 2147483647, "Filter number"), REMAIN),
	PASS("ip filter dynamic", SEC_FILTER, 0, 4, K_IP, KW("filter", "IP filter"),
	     KW("dynamic", "Dynamic filter"),
	     NUM("filter_num", 1, 2147483647, "Filter number"), REMAIN),
	PASS("ip filter other", SEC_FILTER, R_SEQ, 2, K_IP, KW("filter", "IP filter"),
	     REST("parameters", "Parameters (kept as typed)", .rest = rest_filter_other)),
	PASS("nat descriptor", SEC_NAT, R_SEQ, 2, KW("nat", "NAT"),
	     KW("descriptor", "NAT descriptor"), REMAIN),

	/* ---- IPsec: global switches ---- */
	CFG("ipsec use", 2, "on", SWITCH(ipsec_use), K_IPSEC, KW("use", "Use IPsec"), SW),
	CFG("ipsec auto refresh", 3, "off", SWITCH(auto_refresh), K_IPSEC,
	    KW("auto", "Automatic"), KW("refresh", "Initiate key exchanges"), SW),
	CFG("ipsec log illegal-spi", 3, "off", SWITCH(log_illegal_spi), K_IPSEC,
	    KW("log", "IPsec logging"), KW("illegal-spi", "Log packets with an unknown SPI"), SW),
	CFG("ipsec ike retry", 3, "10 5|10 5 3", AP(cfgapply_ike_retry), K_IPSEC, K_IKE,
	    KW("retry", "Retransmission"),
	    NUM("count", 1, 50, "Retransmissions", .param = P_COUNT),
	    NUM("interval", 1, 100, "Seconds between them", .param = P_INTERVAL),
	    NUM("max_session", 1, 5, "Concurrent phase-1 sessions (IKEv1)", .flags = T_OPT,
		.param = P_MAX_SESSION)),
	CFG("ipsec ike queue length", 4, "@queue", AP(cfgapply_queue_length), K_IPSEC, K_IKE,
	    KW("queue", "Receive queue"), KW("length", "Queue length"),
	    TY(TK_QLEN, "length", "Packets", .param = P_LENGTH)),
	CFG("ipsec ike log", 3, NULL, AP(cfgapply_ike_log), K_IPSEC, K_IKE,
	    KW("log", "IKE logging"), LOGTYPES),
	KEPT("ipsec tunnel fastpath-fragment-function", 5, "off", K_IPSEC, K_TUNNEL,
	    KW("fastpath-fragment-function", "Fast-path fragmentation"),
	    KW("follow", "Follow"), KW("df-bit", "The DF bit"), SW),
	KEPT("ipsec transport", 3, NULL, K_IPSEC, KW("transport", "Transport mode"),
	    ID32("id", "Transport id"), ID32("policy_id", "SA policy ID"),
	    TXT("proto", 1, 32, "Protocol", .flags = T_OPT, .grp = 1),
	    TXT("src_port_list", 1, 255, "Source ports", .flags = T_OPT, .grp = 1),
	    TXT("dst_port_list", 1, 255, "Destination ports", .flags = T_OPT, .grp = 1)),
	KEPT("ipsec transport template", 4, NULL, K_IPSEC, KW("transport", "Transport mode"),
	    KW("template", "Copy a transport"), ID32("id", "Transport id"),
	    TY(TK_IDLIST, "id", "Target id or range N-M", .lo = 1, .hi = 2147483647,
	       .flags = T_REPEAT)),
	CFG_RA("ipsec ike mode-cfg address pool", 6, NULL, AP(cfgapply_modecfg_pool), K_IPSEC, K_IKE,
	    KW("mode-cfg", "Mode config"), KW("address", "Address assignment"),
	    KW("pool", "Address pool"), NUM("pool_id", 1, 65535, "Pool id", .param = P_POOL),
	    TY(TK_POOL, "range", "address[-address][/len]", .param = P_TEXT)),
	PASS("ipsec ike license-key", SEC_IPSEC, R_SEQ, 3, K_IPSEC, K_IKE,
	     KW("license-key", "XAUTH license key (IKEv1)"), REMAIN),

	/* ---- IPsec: SA policies ---- */
	CFG("ipsec sa policy", 4, NULL, AP(cfgapply_sa_policy_esp), K_IPSEC, K_SA,
	    KW("policy", "SA policy"), POLICY, GW, KW("esp", "ESP"),
	    EN("esp_algorithm", CIPHERS, "Cipher", .flags = T_OPT, .param = P_CIPHER),
	    EN("ah_algorithm", AHALGS, "Integrity", .flags = T_OPT, .param = P_INTEG),
	    OPTS("option", opt_replay, "Options")),
	CFG("ipsec sa policy", 4, NULL, AP(cfgapply_sa_policy_esp), K_IPSEC, K_SA,
	    KW("policy", "SA policy"), POLICY, GW, KW("esp", "ESP"),
	    EN("esp_algorithm", EXT_CIPHERS, "AEAD cipher, no separate integrity" EXT,
	       .param = P_CIPHER),
	    OPTS("option", opt_replay, "Options")),
	CFG("ipsec sa policy", 4, NULL, AP(cfgapply_sa_policy_ah), K_IPSEC, K_SA,
	    KW("policy", "SA policy"), POLICY, GW, KW("ah", "AH"),
	    EN("ah_algorithm", AHALGS, "Integrity", .flags = T_OPT, .param = P_INTEG),
	    OPTS("option", opt_ah, "Options")),

	/* ---- IPsec: per gateway, in the reference's order ---- */
	CFG("ipsec auto refresh gw", 4, "on", GW_SWITCH(auto_refresh), K_IPSEC, KW("auto", "Automatic"),
	    KW("refresh", "Initiate key exchanges"), GW, SW),
	CFG("ipsec ike version", 4, "1", AP(cfgapply_ike_version), K_IPSEC, K_IKE,
	    KW("version", "IKE version"), GW,
	    NUM("version", 1, 2, "1 (IKEv1) or 2 (IKEv2)", .param = P_VERSION)),
	CFG("ipsec ike auth method", 5, "auto", AP(cfgapply_auth_method), K_IPSEC, K_IKE,
	    KW("auth", "Authentication"), KW("method", "Authentication method"), GW,
	    EN("method", V("auto", "pre-shared-key", "certificate", "eap-md5"), "Method",
	       .param = P_METHOD)),
	CFG("ipsec ike pre-shared-key", 4, NULL, AP(cfgapply_psk_hex), K_IPSEC, K_IKE,
	    KW("pre-shared-key", "Pre-shared key"), GW,
	    TY(TK_HEX, "key", "0x followed by up to 128 bytes in hex", .hi = 128,
	       .param = P_KEY)),
	CFG("ipsec ike pre-shared-key", 4, NULL, AP(cfgapply_psk_text), K_IPSEC, K_IKE,
	    KW("pre-shared-key", "Pre-shared key"), GW, KW("text", "Key as text"),
	    TXT("text", 1, 128, "Key, up to 128 characters", .param = P_KEY)),
	CFG("ipsec ike negotiate-strictly", 4, "off", GW_SWITCH(negotiate_strictly), K_IPSEC,
	    K_IKE, KW("negotiate-strictly", "Refuse mismatching proposals (IKEv1)"), GW, SW),
	CFG("ipsec ike always-on", 4, "off", GW_SWITCH(always_on), K_IPSEC, K_IKE,
	    KW("always-on", "Keep retrying after failures"), GW, SW),
	CFG("ipsec ike remote name", 5, NULL, AP(cfgapply_remote_name), K_IPSEC, K_IKE,
	    KW("remote", "Peer settings"), KW("name", "Peer identity"), GW, NAME,
	    IDTYPE),
	CFG("ipsec ike remote address", 5, NULL, AP(cfgapply_remote_address), K_IPSEC, K_IKE,
	    KW("remote", "Peer settings"), KW("address", "Peer address"), GW,
	    TY(TK_HOST, "ip_address", "Address, host name or any", .vals = V("any"),
	       .param = P_ADDRESS)),
	KEPT("ipsec ike remote id", 5, NULL, K_IPSEC, K_IKE, KW("remote", "Peer settings"),
	    KW("id", "Phase-2 remote ID (IKEv1)"), GW,
	    TY(TK_IPMASK, "ip_address", "address[/mask]")),
	CFG("ipsec ike local name", 5, NULL, AP(cfgapply_local_name), K_IPSEC, K_IKE,
	    KW("local", "Local settings"), KW("name", "Own identity"), GW, NAME, IDTYPE),
	CFG("ipsec ike local address", 5, NULL, AP(cfgapply_local_address), K_IPSEC, K_IKE,
	    KW("local", "Local settings"), KW("address", "Own address"), GW,
	    TY(TK_IP, "ip_address", "Own address", .param = P_ADDRESS)),
	/* The vrrp, ipv6 prefix and ipcp forms need interfaces rtxsh does not
	 * emulate. */
	KEPT("ipsec ike local address", 5, NULL, K_IPSEC, K_IKE, KW("local", "Local settings"),
	    KW("address", "Own address"), GW, KW("vrrp", "VRRP virtual address"),
	    LAN, NUM("vrid", 1, 255, "VRRP group")),
	KEPT("ipsec ike local address", 5, NULL, K_IPSEC, K_IKE, KW("local", "Local settings"),
	    KW("address", "Own address"), GW, KW("ipv6", "IPv6"), KW("prefix", "Prefix"),
	    TXT("prefix", 1, 255, "Prefix"), KW("on", "On interface"),
	    TXT("interface", 1, 32, "Interface")),
	KEPT("ipsec ike local address", 5, NULL, K_IPSEC, K_IKE, KW("local", "Local settings"),
	    KW("address", "Own address"), GW, KW("ipcp", "Address from IPCP"),
	    KW("pp", "PP interface"), NUM("peer_num", 1, 65535, "Peer number")),
	KEPT("ipsec ike local id", 5, NULL, K_IPSEC, K_IKE, KW("local", "Local settings"),
	    KW("id", "Phase-2 local ID (IKEv1)"), GW,
	    TY(TK_IPMASK, "ip_address", "address[/mask]")),
	CFG("ipsec ike keepalive use", 5, "auto", AP(cfgapply_keepalive), K_IPSEC, K_IKE,
	    KW("keepalive", "IKE keepalive"), KW("use", "Keepalive method"), GW, SW3,
	    OPTS("option", opt_down, "Options")),
	CFG("ipsec ike keepalive use", 5, "auto", AP(cfgapply_keepalive_heartbeat), K_IPSEC,
	    K_IKE, KW("keepalive", "IKE keepalive"), KW("use", "Keepalive method"), GW, SW3,
	    KW("heartbeat", "Yamaha heartbeat (RFC 4306 for IKEv2)"),
	    INTERVAL(1), COUNT(1), UPWAIT(1), OPTS("option", opt_down, "Options")),
	CFG("ipsec ike keepalive use", 5, "auto", AP(cfgapply_keepalive_icmp_echo), K_IPSEC,
	    K_IKE, KW("keepalive", "IKE keepalive"), KW("use", "Keepalive method"), GW, SW3,
	    KW("icmp-echo", "ICMP echo"),
	    TY(TK_IP, "ip_address", "Ping target", .param = P_ADDRESS),
	    OPTS("option", O(NUM("length", 64, 1500, "ICMP data length", .param = P_ICMP_LENGTH)),
		 "Options"),
	    INTERVAL(1), COUNT(1), UPWAIT(1),
	    OPTS("option", O(EN("down", V("disconnect"), "Disconnect the PP")), "Options")),
	CFG("ipsec ike keepalive use", 5, "auto", AP(cfgapply_keepalive_dpd), K_IPSEC, K_IKE,
	    KW("keepalive", "IKE keepalive"), KW("use", "Keepalive method"), GW, SW3,
	    KW("dpd", "Dead peer detection (RFC 4306 for IKEv2)"),
	    INTERVAL(1), COUNT(1), UPWAIT(1)),
	CFG("ipsec ike keepalive use", 5, "auto", AP(cfgapply_keepalive_rfc4306), K_IPSEC,
	    K_IKE, KW("keepalive", "IKE keepalive"), KW("use", "Keepalive method"), GW, SW3,
	    KW("rfc4306", "Empty INFORMATIONAL liveness check"),
	    INTERVAL(1), COUNT(1), UPWAIT(1)),
	CFG("ipsec ike keepalive log", 5, "on", GW_SWITCH(keepalive.log), K_IPSEC, K_IKE,
	    KW("keepalive", "IKE keepalive"), KW("log", "Keepalive logging"), GW, SW),
	CFG("ipsec ike encryption", 4, "3des-cbc", AP(cfgapply_ike_encryption), K_IPSEC, K_IKE,
	    KW("encryption", "IKE cipher"), GW,
	    EN("algorithm", CIPHERS, "Cipher", .param = P_CIPHER)),
	CFG("ipsec ike encryption", 4, "3des-cbc", AP(cfgapply_ike_encryption), K_IPSEC, K_IKE,
	    KW("encryption", "IKE cipher"), GW,
	    EN("algorithm", EXT_CIPHERS, "AEAD cipher, no separate integrity" EXT,
	       .param = P_CIPHER)),
	CFG("ipsec ike group", 4, "modp1024", AP(cfgapply_ike_group), K_IPSEC, K_IKE,
	    KW("group", "DH group"), GW, EN("group", GROUPS, "Group", .param = P_GROUP),
	    GROUP2),
	CFG("ipsec ike group", 4, "modp1024", AP(cfgapply_ike_group), K_IPSEC, K_IKE,
	    KW("group", "DH group"), GW, EN("group", EXT_GROUPS, "Group" EXT, .param = P_GROUP),
	    GROUP2),
	CFG("ipsec ike hash", 4, "sha", AP(cfgapply_ike_hash), K_IPSEC, K_IKE,
	    KW("hash", "IKE hash"), GW,
	    EN("algorithm", HASHES, "Hash (integrity and PRF)", .param = P_HASH)),
	CFG("ipsec ike proposal-limitation", 4, "off", GW_SWITCH(proposal_limitation), K_IPSEC,
	    K_IKE, KW("proposal-limitation", "Propose only the configured algorithms"), GW, SW),
	CFG("ipsec ike message-id-control", 4, "off", GW_SWITCH(message_id_control), K_IPSEC,
	    K_IKE, KW("message-id-control", "One outstanding request at a time"), GW, SW),
	CFG("ipsec ike window-size", 4, "1", AP(cfgapply_window_size), K_IPSEC, K_IKE,
	    KW("window-size", "Requests outstanding at once, SET_WINDOW_SIZE (RFC 7296 2.3)" EXT),
	    GW, NUM("size", 1, CONFIG_WINDOW_MAX, "1 (off) to 16", .param = P_WINDOW)),
	CFG("ipsec ike child-exchange type", 5, "1", AP(cfgapply_child_exchange), K_IPSEC, K_IKE,
	    KW("child-exchange", "CHILD SA creation"), KW("type", "Method"), GW,
	    NUM("type", 1, 2, "1 (new IKE_AUTH) or 2 (CREATE_CHILD_SA)", .param = P_TYPE)),
	KEPT("ipsec ike payload type", 5, "2 2", K_IPSEC, K_IKE, KW("payload", "Payload format"),
	    KW("type", "Format"), GW, NUM("type1", 1, 3, "IKEv1 format"),
	    NUM("type2", 1, 2, "IKEv2 format", .flags = T_OPT)),
	KEPT("ipsec ike send info", 5, "on", K_IPSEC, K_IKE, KW("send", "Sending"),
	    KW("info", "Informational payloads (IKEv1)"), GW, SW),
	CFG("ipsec ike pfs", 4, "off", GW_SWITCH(pfs), K_IPSEC, K_IKE,
	    KW("pfs", "Perfect forward secrecy"), GW, SW),
	CFG("ipsec ike log gw", 4, NULL, AP(cfgapply_gw_log), K_IPSEC, K_IKE,
	    KW("log", "IKE logging"), GW, LOGTYPES),
	KEPT("ipsec ike esp-encapsulation", 4, "off", K_IPSEC, K_IKE,
	    KW("esp-encapsulation", "Yamaha UDP encapsulation (IKEv1)"), GW, SW),
	CFG("ipsec ike duration", 5, "28800", AP(cfgapply_duration_child), K_IPSEC, K_IKE,
	    KW("duration", "SA lifetime"), EN("sa", V("ipsec-sa|child-sa"), "CHILD SA"), GW,
	    SECONDS,
	    NUM("kbytes", 100, 2147483647, "Lifetime in kilobytes", .vals = V("off"), .flags = T_OPT,
		.param = P_KBYTES),
	    KW("rekey", "Rekey point", .flags = T_OPT, .grp = 2),
	    TY(TK_PERCENT, "rekey", "70%-90% of the lifetime", .lo = 70, .hi = 90, .grp = 2,
	       .param = P_REKEY),
	    FORCED),
	CFG("ipsec ike duration", 5, "28800", AP(cfgapply_duration_ike), K_IPSEC, K_IKE,
	    KW("duration", "SA lifetime"), EN("sa", V("isakmp-sa|ike-sa"), "IKE SA"), GW,
	    SECONDS,
	    KW("rekey", "Rekey point", .flags = T_OPT, .grp = 2),
	    TY(TK_PERCENT, "rekey", "70%-90% of the lifetime, or off", .lo = 70, .hi = 90,
	       .vals = V("off"), .grp = 2, .param = P_REKEY),
	    FORCED),
	KEPT("ipsec ike restrict-dangling-sa", 4, "auto", K_IPSEC, K_IKE,
	    KW("restrict-dangling-sa", "Dangling SA handling (IKEv1)"), GW,
	    EN("action", V("auto", "off"), "auto or off")),
	CFG("ipsec ike nat-traversal", 4, "off", AP(cfgapply_nat_traversal), K_IPSEC, K_IKE,
	    KW("nat-traversal", "NAT traversal"), GW, SW, OPTS("option", opt_natt, "Options")),
	CFG("ipsec ike pki file", 5, NULL, AP(cfgapply_pki_file), K_IPSEC, K_IKE,
	    KW("pki", "Certificates"), KW("file", "Certificate files"), GW,
	    OPTS("option", opt_pki, "Options")),
	CFG("ipsec ike fragmentation", 4, "on", AP(cfgapply_fragmentation), K_IPSEC, K_IKE,
	    KW("fragmentation", "IKE fragmentation, RFC 7383 (certificates)" EXT), GW, SW,
	    OPTS("option", O(NUM("size", CONFIG_FRAG_SIZE_MIN, 65535,
				 "Largest IP datagram of a fragment, default 1280",
				 .param = P_FRAG_SIZE)), "Options")),
	CFG("ipsec ike eap myname", 5, NULL, AP(cfgapply_eap_myname), K_IPSEC, K_IKE,
	    KW("eap", "EAP-MD5"), KW("myname", "Own EAP identity"), GW,
	    TXT("name", 1, 256, "Name", .param = P_NAME),
	    TXT("password", 1, 64, "Password", .param = P_PASSWORD)),
	CFG_RA("ipsec ike eap request", 5, "off", AP(cfgapply_eap_request), K_IPSEC, K_IKE,
	    KW("eap", "EAP-MD5"), KW("request", "Request EAP-MD5 from initiators"), GW, SW,
	    TY(TK_USER, "group_id", "auth user group", .flags = T_OPT, .param = P_USER_GROUP)),
	CFG("ipsec ike eap send certreq", 6, "off", GW_SWITCH(eap_send_certreq), K_IPSEC, K_IKE,
	    KW("eap", "EAP-MD5"), KW("send", "Sending"), KW("certreq", "CERTREQ in IKE_AUTH"),
	    GW, SW),
	CFG_RA("ipsec ike mode-cfg address", 5, NULL, AP(cfgapply_modecfg_address), K_IPSEC, K_IKE,
	    KW("mode-cfg", "Mode config"), KW("address", "Address assignment"), GW,
	    NUM("pool_id", 1, 65535, "Pool id", .param = P_POOL)),
	KEPT("ipsec ike mode-cfg method", 5, "set", K_IPSEC, K_IKE,
	    KW("mode-cfg", "Mode config"), KW("method", "Method"), GW,
	    EN("method", V("set"), "Method"),
	    EN("option", V("openswan"), "Option", .flags = T_OPT)),
	KEPT("ipsec ike xauth myname", 5, NULL, K_IPSEC, K_IKE, KW("xauth", "XAUTH (IKEv1)"),
	    KW("myname", "Own XAUTH identity"), GW, TXT("name", 1, 256, "Name"),
	    TXT("password", 1, 64, "Password")),
	KEPT("ipsec ike xauth request", 5, "off", K_IPSEC, K_IKE, KW("xauth", "XAUTH (IKEv1)"),
	    KW("request", "Request XAUTH"), GW, SW,
	    TY(TK_USER, "group_id", "auth user group", .flags = T_OPT)),
	KEPT("ipsec ike auto received-id-route-add", 5, "off", K_IPSEC, K_IKE,
	    KW("auto", "Automatic"), KW("received-id-route-add", "Route to received IDs (IKEv1)"),
	    GW, SW),
	KEPT("ipsec ike backward-compatibility", 4, "1", K_IPSEC, K_IKE,
	    KW("backward-compatibility", "IKEv1 key exchange type"), GW,
	    NUM("type", 1, 2, "Type")),
	CFG("ipsec ike negotiation receive", 5, "on", GW_SWITCH(negotiation_receive), K_IPSEC,
	    K_IKE,
	    KW("negotiation", "Negotiation"), KW("receive", "Answer peer-initiated exchanges"),
	    GW, SW),

	/* ---- certificates and users ---- */
	ROW("pki certificate file", SEC_AUTH, R_ADMIN, 4, NULL, cmd_pki_file, AP(cfgapply_pki_cert),
	    KW("pki", "Certificates"), KW("certificate", "Certificate"), KW("file", "File"),
	    NUM("cert_id", 1, 8, "Certificate id", .param = P_PKI_ID),
	    TXT("file", 1, 255, "Path (relative: to the -c file's directory)", .param = P_FILE),
	    EN("type", V("pkcs12", "x509-pem"), "File format", .param = P_FORMAT),
	    TXT("password", 1, 64, "Password (pkcs12)", .flags = T_OPT, .param = P_PASSWORD)),
	ROW("pki crl file", SEC_AUTH, R_ADMIN, 4, NULL, cmd_pki_file, AP(cfgapply_pki_crl),
	    KW("pki", "Certificates"), KW("crl", "Revocation list"), KW("file", "File"),
	    NUM("crl_id", 1, 8, "CRL id", .param = P_PKI_ID),
	    TXT("file", 1, 255, "Path, PEM or DER (relative: to the -c file's directory)",
		.param = P_FILE)),
	ROW("auth user", SEC_AUTH, R_ADMIN, 3, NULL, NULL, AP(cfgapply_user), K_AUTH, K_USER,
	    TY(TK_USER, "userid", "User id", .param = P_USER_ID),
	    TXT("username", 3, 256, "User name", .param = P_NAME),
	    TXT("password", 3, 64, "Password", .param = P_PASSWORD)),
	ROW("auth user attribute", SEC_AUTH, R_ADMIN, 4, NULL, NULL, AP(cfgapply_user_attribute),
	    K_AUTH, K_USER,
	    KW("attribute", "User attributes"), TY(TK_USER, "userid", "User id", .param = P_USER_ID),
	    OPTS("attribute", opt_user, "Attributes", .flags = T_REQ)),
	ROW("auth user group", SEC_AUTH, R_ADMIN, 4, NULL, NULL, AP(cfgapply_user_group), K_AUTH,
	    K_USER,
	    KW("group", "User group"), TY(TK_USER, "groupid", "Group id", .param = P_USER_ID),
	    TY(TK_IDLIST, "userid", "User id or range N-M", .flags = T_REPEAT)),
	ROW("auth user group attribute", SEC_AUTH, R_ADMIN, 5, NULL, NULL,
	    AP(cfgapply_user_group_attribute), K_AUTH, K_USER,
	    KW("group", "User group"), KW("attribute", "Group attributes"),
	    TY(TK_USER, "groupid", "Group id", .param = P_USER_ID),
	    OPTS("attribute", opt_group, "Attributes", .flags = T_REQ)),

	/* ---- everything else a pasted config holds (not emulated) ---- */
	PASS("ip other", SEC_MISC, R_SEQ, 1, K_IP,
	     REST("parameters", "Parameters (kept as typed)", .rest = rest_ip_other)),
	PASS("ipv6 other", SEC_MISC, R_SEQ, 1, K_IPV6,
	     REST("parameters", "Parameters (kept as typed)", .rest = rest_ipv6_other)),
	MISC("dns"), MISC("dhcp"), MISC("bgp"), MISC("ospf"),
	MISC("rip"), MISC("ntpdate"), MISC("sntpd"), MISC("telnetd"), MISC("sshd"),
	MISC("sftpd"), MISC("httpd"), MISC("timezone"), MISC("login"),
	MISC("schedule"), MISC("security"), MISC("statistics"), MISC("snmp"),
	MISC("upnp"), MISC("operation"), MISC("switch"), MISC("lan"),
	MISC("provider"), MISC("tftp"), MISC("netvolante-dns"), MISC("l2tp"),
	MISC("vlan"), MISC("ethernet"), MISC("mail"), MISC("dashboard"),
	MISC("external-memory"), MISC("wins"), MISC("heartbeat"), MISC("user"),
};

const size_t cmd_table_len = sizeof(cmd_table) / sizeof(cmd_table[0]);
