/* Encrypted payload SK (RFC 7296 3.14), Encrypted Fragment payload SKF
 * (RFC 7383 2.5) and the reassembly of fragments. */
#ifndef RTX_PAYLOAD_SK_H
#define RTX_PAYLOAD_SK_H

#include "engine/wire.h"

struct payload_sk {
	uint8_t inner_next;    /* type of the first payload inside */
	struct chunk data;     /* IV, ciphertext with padding, ICV */
};

struct payload_skf {
	uint8_t inner_next;    /* fragment 1 only, else 0 */
	uint16_t frag_num, frag_total;
	struct chunk data;
};

PAYLOAD_CODEC(sk, struct payload_sk);
PAYLOAD_CODEC(skf, struct payload_skf);

/* Limits on what one fragmented message may cost us before it is whole. */
#define SKF_MAX_FRAGMENTS 64
#define SKF_MAX_BYTES ((size_t)64 * 1024)

/* Collects the decrypted contents of the fragments of one message. Each
 * fragment is integrity-checked and decrypted on its own (RFC 7383 2.6.2)
 * before it is added, so only authentic fragments occupy memory. */
struct skf_reasm {
	uint16_t total;         /* 0: empty */
	uint16_t received;
	uint8_t first_type;     /* next payload of fragment 1 */
	size_t bytes;
	struct chunk_buf {
		uint8_t *data;
		size_t len;
		bool have;
	} frag[SKF_MAX_FRAGMENTS];
};

void skf_reasm_init(struct skf_reasm *r);
void skf_reasm_reset(struct skf_reasm *r);   /* frees what was collected */
/* Returns 1 when every fragment is in, 0 when more are needed (this
 * includes duplicates and fragments of an older, smaller set, which are
 * dropped), or a negative rtx_err (the fragment was refused). */
int skf_reasm_add(struct skf_reasm *r, struct pctx *c, const struct payload_skf *f,
		  const uint8_t *plain, size_t len);
/* The reassembled plaintext (malloc'd, the caller frees it) and the type
 * of its first payload; the collector is reset. */
int skf_reasm_take(struct skf_reasm *r, uint8_t **out, size_t *len, uint8_t *first);

#endif
