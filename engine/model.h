/* The RTX models rtxsh can emulate, and the per-model limits the command
 * reference lists (tunnel/gateway numbers, IKE queue length, which
 * algorithms exist). */
#ifndef RTX_MODEL_H
#define RTX_MODEL_H

#include <stdbool.h>

struct rtx_model {
	const char *name;         /* as given to --model, e.g. "RTX1300" */
	unsigned tunnel_max;      /* gateway_id and tunnel_num: 1..tunnel_max */
	unsigned queue_min, queue_max, queue_default;  /* ipsec ike queue length */
	unsigned auth_user_max;   /* auth user userid: 1..auth_user_max */
	bool sha2_long;           /* sha384/sha512 (IKE hash, ESP sha384/512-hmac) */
	bool send_only_new_sa_auto; /* keepalive send-only-new-sa default is auto */
	bool anti_replay_default; /* ipsec sa policy anti-replay-check default */
	bool remote_access;       /* remote-access VPN server commands exist */
};

#define RTX_MODEL_DEFAULT "RTX1300"

/* Case-insensitive lookup; NULL when unknown. */
const struct rtx_model *model_find(const char *name);
const struct rtx_model *model_default(void);
/* Iterate: returns NULL past the end. */
const struct rtx_model *model_at(unsigned i);

#endif
