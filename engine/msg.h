/* An IKEv2 message (RFC 7296 3.1): the header and its payloads, decoded
 * from a datagram or encoded into one, checked against the per-exchange
 * rules of msg_rules.h. */
#ifndef RTX_MSG_H
#define RTX_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/iana.h"
#include "engine/payload.h"
#include "engine/sk.h"

enum {
	IKEV2_FLAG_INITIATOR = 0x08,
	IKEV2_FLAG_VERSION = 0x10,
	IKEV2_FLAG_RESPONSE = 0x20,
};

#define IKEV2_HDR_LEN 28
#define IKEV2_VERSION 0x20   /* major 2, minor 0 */

struct ike_hdr {
	uint64_t spi_i, spi_r;
	uint8_t next;          /* decode: as received; encode: computed */
	uint8_t version;
	uint8_t exchange;
	uint8_t flags;
	uint32_t msgid;
	uint32_t length;       /* decode: as received; encode: computed */
};

struct msg {
	struct ike_hdr hdr;
	struct payload *pl;    /* outer payloads, then decrypted ones */
	size_t npl, cap;
	bool decrypted;        /* msg_decode_inner() has run */
	struct chunk raw;      /* decode: the datagram, for SK's AAD */
	uint16_t notify;       /* after a failed decode: what to answer, or 0 */
	uint8_t notify_type;   /* the payload type for UNSUPPORTED_CRITICAL */
	struct arena arena;
};

/* An empty message to fill for sending; version and flags are set. */
void msg_init(struct msg *m, uint8_t exchange, uint32_t msgid, uint8_t flags);
void msg_free(struct msg *m);
/* Moves a decoded message's decrypted payloads (and its header) to `to`,
 * leaving `from` empty: what outlives the datagram, whose bytes the outer
 * payloads point into. */
void msg_move_inner(struct msg *from, struct msg *to);
/* A zeroed payload appended to m; the pointer stays valid until the next
 * msg_add. NULL when out of memory. */
struct payload *msg_add(struct msg *m, uint8_t type, bool encrypted);

bool msg_is_response(const struct msg *m);
/* The nth payload of a type (0 = first), or NULL. */
const struct payload *msg_find(const struct msg *m, uint8_t type, size_t nth);
const struct payload *msg_find_notify(const struct msg *m, uint16_t notify);

int ike_hdr_decode(struct pctx *c, struct rd *rd, struct ike_hdr *h);
int ike_hdr_encode(struct wr *w, const struct ike_hdr *h);

/* Decodes a datagram (which must outlive m) into m, which it initializes:
 * the header, the payloads outside SK, and the rules that can be checked
 * before decryption. On failure m->notify says what RFC 7296 would answer
 * (the caller decides whether to: not for unauthenticated messages). m
 * must be freed with msg_free() either way. */
int msg_decode(struct msg *m, const uint8_t *buf, size_t len,
	       struct log *log, const char *sub);
/* Adds the payloads found in the decrypted content of SK (or reassembled
 * SKF), whose first payload has type `first`, then checks all rules. */
int msg_decode_inner(struct msg *m, uint8_t first, const uint8_t *plain,
		     size_t len, struct log *log, const char *sub);

/* The header and the payloads outside SK, in rule order; next-payload and
 * lengths are computed. An SK/SKF payload, if any, goes last. */
int msg_encode(const struct msg *m, struct wr *w);
/* The payloads that go inside SK, in rule order, as the plaintext to be
 * encrypted; *first gets the type to put into SK's next-payload field. */
int msg_encode_inner(const struct msg *m, struct wr *w, uint8_t *first);

/* ---- SK protection (sk.h does the cryptography) ----------------------- */

/* The whole message with its encrypted payloads protected inside SK. */
int msg_encrypt(const struct msg *m, struct crypto_lib *lib, const struct sk_keys *k,
		sk_rng_fn rng, void *rng_arg, struct wr *w);
/* RFC 7383: the same split into SKF messages of at most max_plain bytes
 * of inner payloads each; out[i] (initialized writers, n of them) receive
 * the fragments, *nfrag their number. */
int msg_encrypt_fragments(const struct msg *m, struct crypto_lib *lib,
			  const struct sk_keys *k, sk_rng_fn rng, void *rng_arg,
			  size_t max_plain, struct wr *out, size_t n, size_t *nfrag);
/* After msg_decode(): checks and decrypts SK, or one SKF fragment which r
 * collects, and decodes the payloads inside. Returns 0 when they are
 * decoded, 1 when a fragment was kept and more are needed, or a negative
 * rtx_err (-RTX_EAUTH: "authentication is wrong", drop the message). */
int msg_decrypt(struct msg *m, struct crypto_lib *lib, const struct sk_keys *k,
		struct skf_reasm *r, struct log *log, const char *sub);

/* ---- payload_dump.c: payload-info ------------------------------------- */

typedef void (*dump_line_fn)(void *ctx, const char *line);

/* "generate|process IKE header[msgID:n]" then one "generate|process X
 * payload" line per payload, each followed by indented detail lines. */
void payload_dump_msg(const struct msg *m, bool generate, dump_line_fn fn, void *ctx);
void payload_dump(const struct payload *p, bool generate, dump_line_fn fn, void *ctx);
/* The same into a logger at LOG_DEBUG, with "[IKE2] sub " in front. */
void payload_dump_log(const struct msg *m, bool generate, struct log *l, const char *sub);

#endif
