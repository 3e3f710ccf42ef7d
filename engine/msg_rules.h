/* Message structure as data (after strongSwan's message.c): for each
 * exchange and direction, the payloads allowed, how many, whether they
 * must be inside SK, and the order we send them in (RFC 7296 1.2-1.5).
 * The rules judge a list of payloads; msg.c applies them to its messages. */
#ifndef RTX_MSG_RULES_H
#define RTX_MSG_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/payload.h"

#define RULE_MANY 255

struct msg_rule {
	uint8_t type;
	uint16_t notify;       /* for Notify rows: this type only; 0 = any */
	uint8_t min, max;
	bool encrypted;        /* must be inside SK */
};

struct msg_rules {
	uint8_t exchange;
	bool response;
	bool encrypted;        /* the exchange is protected by SK */
	const struct msg_rule *rules;   /* in the order payloads are sent */
	size_t n;
};

/* The rules of an exchange and direction, or NULL for an exchange we do
 * not know. */
const struct msg_rules *msg_rules_find(uint8_t exchange, bool response);
/* Checks presence, counts and encryption of the npl payloads of one
 * message; mandatory payloads inside SK are only looked for once it is
 * decrypted. -RTX_EUNSUPP without rules (RFC 7296 2.5: not ours to parse). */
int msg_rules_check(const struct msg_rules *rs, const struct payload *pl, size_t npl,
		    bool decrypted, struct pctx *c);
/* The payloads with the given encrypted flag in rule order (stable for
 * equal rows), or in their own order without rules. out must hold npl
 * entries. -RTX_EINVAL for one the rules would refuse. */
int msg_rules_order(const struct msg_rules *rs, const struct payload *pl, size_t npl,
		    bool encrypted, const struct payload **out, size_t *n);

#endif
