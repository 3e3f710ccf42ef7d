/* The typed IPsec configuration the engine reads: gateways, SA policies,
 * tunnels and routes, with the Yamaha defaults. The shell parses command
 * lines and fills it; the engine never sees command text. Everything the
 * reference gives a default for starts at that default here, so a gateway
 * created by any one command behaves as the router would. */
#ifndef RTX_CONFIG_H
#define RTX_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/pos_index.h"
#include "kernel/kernel.h"

enum id_type {               /* ipsec ike local/remote name TYPE */
	ID_TYPE_NONE = 0,        /* not given */
	ID_TYPE_IPV4_ADDR,
	ID_TYPE_FQDN,
	ID_TYPE_USER_FQDN,       /* also rfc822-addr */
	ID_TYPE_IPV6_ADDR,
	ID_TYPE_KEY_ID,
	ID_TYPE_TEL,
	ID_TYPE_TEL_KEY,
};

enum auth_method {           /* ipsec ike auth method */
	AUTH_METHOD_AUTO = 0,
	AUTH_METHOD_PSK,
	AUTH_METHOD_CERTIFICATE,
	AUTH_METHOD_EAP_MD5,
};

enum keepalive_kind {        /* ipsec ike keepalive use ... */
	KEEPALIVE_RFC4306 = 0,   /* IKEv2: heartbeat and dpd fall back to this */
	KEEPALIVE_HEARTBEAT,
	KEEPALIVE_DPD,
	KEEPALIVE_ICMP_ECHO,
};

enum tristate { TRI_OFF = 0, TRI_ON, TRI_AUTO };

struct sa_duration {
	uint32_t seconds;        /* 300..691200, default 28800 */
	uint32_t kbytes;         /* ipsec-sa only; 0: off */
	uint8_t rekey_pct;       /* 70..90, default 75; 0: off (isakmp-sa only) */
	uint32_t forced_reduction;  /* seconds; 0: not set */
};

struct gateway_config {
	unsigned id;
	uint8_t version;                 /* 1 (default) or 2 */
	uint8_t psk[128];                /* pre-shared key bytes */
	size_t psk_len;                  /* 0: not set */
	char *remote_name;
	enum id_type remote_name_type;
	char *remote_address;            /* IP, host name or "any"; NULL: unset */
	char *local_name;
	enum id_type local_name_type;
	char *local_address;
	bool auto_refresh;               /* per-gateway form, default on */
	bool always_on;
	bool negotiate_strictly;
	bool proposal_limitation;
	bool message_id_control;
	unsigned window_size;             /* ipsec ike window-size: 1 (default, off)..16 */
	uint8_t child_exchange_type;     /* 1 (default) or 2 */
	bool pfs;
	bool negotiation_receive;        /* default on */
	uint16_t encryption;             /* IKEV2_ENCR_* (+ key bits below) */
	uint16_t encryption_bits;
	uint16_t hash;                   /* IKEV2_PRF_* as configured by `hash` */
	uint16_t integ;                  /* IKEV2_AUTH_* of the IKE SA; 0: the one of
					    `hash` (IKEv2 maps hash to both) */
	uint16_t group[2];               /* IKEV2_DH_*; group[1] 0 when single */
	struct {
		enum tristate sw;            /* default auto */
		enum keepalive_kind kind;
		unsigned interval, count, upwait;   /* 10, 6, 0 */
		char *icmp_target;
		unsigned icmp_length;        /* 64 */
		bool log;                    /* ipsec ike keepalive log, default on */
	} keepalive;
	struct {
		bool on;
		unsigned keepalive;          /* seconds, 0: off; default 300 */
		bool force;
		uint8_t type;                /* 1 (default) or 2 */
	} natt;
	struct sa_duration ike_life, child_life;
	enum auth_method auth_method;
	unsigned pki_cert, pki_crl;      /* 1..8, 0: unset */
	bool frag;                       /* IKE fragmentation (RFC 7383), default on */
	unsigned frag_size;              /* largest IP datagram of a fragment, 1280 */
	char *eap_name, *eap_password;   /* ipsec ike eap myname */
	bool eap_request;
	unsigned eap_request_group;
	bool eap_send_certreq;
	unsigned modecfg_pool;           /* ipsec ike mode-cfg address GW PID; 0: none */
	unsigned log_types;              /* LOGTYPE_* bits of `ipsec ike log N` */
};

enum { LOGTYPE_MESSAGE = 1, LOGTYPE_PAYLOAD = 2, LOGTYPE_KEY = 4 };

struct policy_config {
	uint32_t id;                     /* 1..2147483647 */
	unsigned gateway;
	bool esp;                        /* false: AH */
	uint16_t encr, encr_bits;        /* IKEV2_ENCR_*; ESP default aes-cbc */
	uint16_t integ;                  /* IKEV2_AUTH_*, 0: none given */
	bool anti_replay;
};

struct tunnel_config {
	unsigned num;
	uint32_t policy;                 /* ipsec tunnel P; 0: none */
	bool enabled;
	char *description;
};

struct route_config {
	struct ip_addr net;
	uint8_t len;
	unsigned tunnel;                 /* 0: not a tunnel route */
};

/* `ip lanN address A/LEN`; the router maps lanN to a host interface. */
#define CONFIG_LAN_MAX 16
struct lan_config {
	bool set;
	struct ip_addr addr;
	uint8_t len;
};

/* `pki certificate file ID FILE TYPE [PASSWORD]` / `pki crl file ID FILE`
 * as typed: the files are read by engine/pki_store.c (relative paths
 * against the -c file's directory), not here. */
#define CONFIG_PKI_MAX 8
#define CONFIG_FRAG_SIZE_DEFAULT 1280
/* ipsec ike window-size: the most requests either side may have
 * outstanding (engine/window.h keeps that many slots). */
#define CONFIG_WINDOW_MAX 16
#define CONFIG_FRAG_SIZE_MIN 576
struct pki_file_config {
	char *path;                      /* NULL: not configured */
	bool pkcs12;                     /* false: x509-pem (or a CRL) */
	char *password;                  /* pkcs12 only */
};

struct user_table;
struct pool_table;

struct ipsec_config {
	const struct rtx_model *model;   /* per-model ranges and defaults */
	bool ipsec_use;                  /* default on */
	bool auto_refresh;               /* global form, default off */
	unsigned retry_count, retry_interval, retry_max_session;  /* 10, 5, 3 */
	unsigned queue_length;           /* model default */
	bool log_illegal_spi;
	unsigned log_types;              /* `ipsec ike log TYPES` without gateway */
	struct gateway_config **gateways;     /* sorted by id */
	size_t n_gateways;
	struct policy_config **policies;      /* sorted by id */
	size_t n_policies;
	struct tunnel_config **tunnels;       /* sorted by num */
	size_t n_tunnels;
	struct route_config *routes;
	size_t n_routes, cap_routes;
	struct pos_index route_index;    /* config.c: routes by network */
	uint32_t *route_by_tunnel;       /* config.c: indexes of routes sorted
					    by (tunnel, index) */
	struct lan_config lan[CONFIG_LAN_MAX + 1];   /* by N; [0] unused */
	struct lan_config lan6[CONFIG_LAN_MAX + 1];  /* `ipv6 lanN address`, beside it */
	struct pki_file_config pki_cert[CONFIG_PKI_MAX + 1];   /* by ID; [0] unused */
	struct pki_file_config pki_crl[CONFIG_PKI_MAX + 1];
	struct user_table *users;        /* auth user (engine/user.h), NULL: none */
	struct pool_table *pools;        /* mode-cfg address pools (engine/pool.h) */
};

struct rtx_model;

/* A config with every global default for the model. */
struct ipsec_config *config_new(const struct rtx_model *model);
void config_free(struct ipsec_config *c);

/* Lookups; the _get variants create the object with its defaults. NULL
 * on allocation failure (get) or absence (find). */
struct gateway_config *config_gateway_find(const struct ipsec_config *c, unsigned id);
struct gateway_config *config_gateway_get(struct ipsec_config *c, unsigned id);
void config_gateway_del(struct ipsec_config *c, unsigned id);
struct policy_config *config_policy_find(const struct ipsec_config *c, uint32_t id);
struct policy_config *config_policy_get(struct ipsec_config *c, uint32_t id);
void config_policy_del(struct ipsec_config *c, uint32_t id);
struct tunnel_config *config_tunnel_find(const struct ipsec_config *c, unsigned num);
struct tunnel_config *config_tunnel_get(struct ipsec_config *c, unsigned num);
void config_tunnel_del(struct ipsec_config *c, unsigned num);
int config_route_add(struct ipsec_config *c, const struct route_config *r);
void config_route_del(struct ipsec_config *c, const struct ip_addr *net, uint8_t len);
/* The routes through tunnel N in the order they were added: *idx[0..count)
 * index c->routes; valid until routes change. */
size_t config_tunnel_routes(const struct ipsec_config *c, unsigned tunnel,
			    const uint32_t **idx);

/* The gateway a tunnel's traffic is protected by, through its policy. */
struct gateway_config *config_tunnel_gateway(const struct ipsec_config *c,
					     const struct tunnel_config *t);
/* Whether g pings through its tunnel (`ipsec ike keepalive use` form 3):
 * a target and on, or auto, which ICMP echo takes for on (reference
 * 1.14). */
bool config_icmp_keepalive(const struct gateway_config *g);
/* `ipsec ike retry`'s interval in ms (at least a second), and how long a
 * request is retransmitted before the sender gives up: count + 1
 * intervals. */
uint64_t config_retry_ms(const struct ipsec_config *c);
uint64_t config_retry_span_ms(const struct ipsec_config *c);
/* The first tunnel whose policy uses gateway gw (0 if none). */
unsigned config_gateway_tunnel(const struct ipsec_config *c, unsigned gw);

/* The method `ipsec ike auth method` means for g (reference 2.1): an
 * explicit one as set; `auto` is PSK when a key is set, else the
 * certificate when `ipsec ike pki file` is set and no EAP settings are,
 * else EAP-MD5 when they are, else PSK (which then reports the missing
 * key). */
enum auth_method config_gateway_auth(const struct gateway_config *g);
/* Frees what a pki_file_config holds (the password wiped) and clears it. */
void config_pki_file_clear(struct pki_file_config *f);

/* Gateway defaults alone, for resetting one setting with a `no` form. */
void config_gateway_defaults(struct gateway_config *g, unsigned id);

#endif
