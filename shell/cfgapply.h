/* Stored config lines -> the engine's typed config (engine/config.h).
 *
 * The typed config is rebuilt from scratch from the line store: the store
 * is the one truth (a `no` form, a replaced line, a deleted tunnel all
 * just stop being there), and a rebuild of a 6000-tunnel config costs a
 * few milliseconds. cli.c decides when to rebuild (see cli_apply()). */
#ifndef RTX_SHELL_CFGAPPLY_H
#define RTX_SHELL_CFGAPPLY_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/alg.h"

struct cfgstore;
struct ipsec_config;
struct rtx_model;

/* A fresh typed config for model m from every line of st; 0 or
 * -RTX_ENOMEM. Lines without an engine meaning (IKEv1-only settings,
 * pass-through lines) leave it untouched. */
int cfgapply_build(const struct cfgstore *st, const struct rtx_model *m,
		   struct ipsec_config **out);

/* The algorithm a keyword of `ipsec ike encryption` / `ipsec ike group` /
 * `ipsec sa policy` names: the reference's keywords through the algorithm
 * table, rtxsh's extensions (aes-gcm, ecp256, ...) by IANA id and key
 * bits. NULL for anything else. */
const struct alg *cfgapply_alg(enum alg_type type, const char *keyword);
/* Whether keyword is one of rtxsh's extensions (not in the reference). */
bool cfgapply_is_extension(const char *keyword);

#endif
