/* Stored config lines -> the engine's typed config (engine/config.h).
 *
 * The typed config is rebuilt from scratch from the line store: the store
 * is the one truth (a `no` form, a replaced line, a deleted tunnel all
 * just stop being there), and a rebuild of a 6000-tunnel config costs a
 * few milliseconds. cli.c decides when to rebuild (see cli_apply()).
 *
 * Each row of the command table names its apply step (grammar.h
 * cmd_row.apply): the walk hands the step the line's typed parameters
 * (struct params) and the objects the line belongs to, so a step is a few
 * typed assignments. Adding a command means one row and, unless it is a
 * plain switch (SWITCH/GW_SWITCH in cmd_table.c), one step below. */
#ifndef RTX_SHELL_CFGAPPLY_H
#define RTX_SHELL_CFGAPPLY_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/alg.h"

struct cfgstore;
struct cmd_row;
struct gateway_config;
struct ipsec_config;
struct params;
struct rtx_model;
struct tunnel_config;

/* What a step writes into. */
struct cfgapply {
	struct ipsec_config *c;
	const struct cmd_row *row;      /* the form that stored the line */
	struct gateway_config *g;       /* rows keyed by a gateway_id: that gateway */
	struct tunnel_config *t;        /* R_TUNNEL rows: the selected tunnel */
	char *const *w;                 /* the line's normalized words, for lists */
	size_t n;
};

/* A fresh typed config for model m from every line of st; 0 or
 * -RTX_ENOMEM. Lines of rows without an apply step (R_PASS, R_KEPT)
 * leave it untouched. */
int cfgapply_build(const struct cfgstore *st, const struct rtx_model *m,
		   struct ipsec_config **out);

/* The algorithm a keyword of `ipsec ike encryption` / `ipsec ike group` /
 * `ipsec sa policy` names: the reference's keywords through the algorithm
 * table, rtxsh's extensions (aes-gcm, ecp256, ...) by IANA id and key
 * bits. NULL for anything else. */
const struct alg *cfgapply_alg(enum alg_type type, const char *keyword);
/* The reverse: the keyword a command takes for a (`ipsec sa policy`'s
 * when esp), or NULL when no command can name it. */
const char *cfgapply_keyword(const struct alg *a, bool esp);
/* Whether keyword is one of rtxsh's extensions (not in the reference). */
bool cfgapply_is_extension(const char *keyword);

/* The apply steps the table names; 0 or -RTX_ENOMEM. */
typedef int cfgapply_step(struct cfgapply *a, const struct params *p);

/* the bool at row->field of struct ipsec_config / of the gateway */
cfgapply_step cfgapply_switch, cfgapply_gw_switch;
/* global */
cfgapply_step cfgapply_ike_retry, cfgapply_queue_length, cfgapply_ike_log,
	cfgapply_sa_policy_esp, cfgapply_sa_policy_ah, cfgapply_ip_route,
	cfgapply_lan_address, cfgapply_ipv6_route, cfgapply_lan6_address;
/* tunnels */
cfgapply_step cfgapply_tunnel_policy, cfgapply_tunnel_description, cfgapply_tunnel_enable;
/* per gateway */
cfgapply_step cfgapply_ike_version, cfgapply_auth_method, cfgapply_psk_hex,
	cfgapply_psk_text, cfgapply_remote_name, cfgapply_remote_address,
	cfgapply_local_name, cfgapply_local_address, cfgapply_keepalive,
	cfgapply_keepalive_heartbeat, cfgapply_keepalive_icmp_echo, cfgapply_keepalive_dpd,
	cfgapply_keepalive_rfc4306, cfgapply_ike_encryption, cfgapply_ike_group,
	cfgapply_ike_hash, cfgapply_child_exchange, cfgapply_window_size, cfgapply_gw_log,
	cfgapply_duration_child, cfgapply_duration_ike, cfgapply_nat_traversal,
	cfgapply_pki_file, cfgapply_eap_myname, cfgapply_eap_request,
	cfgapply_user, cfgapply_user_attribute, cfgapply_user_group, cfgapply_user_group_attribute,
	cfgapply_modecfg_pool, cfgapply_modecfg_address;
/* certificates */
cfgapply_step cfgapply_pki_cert, cfgapply_pki_crl, cfgapply_fragmentation;

#endif
