/* IKEv2 payloads (RFC 7296 section 3, RFC 7383 SKF): the generic chain
 * walker and emitter over the payload files, each of which (payload_X.h)
 * declares its plain struct and its decode/verify/encode over wire.h's
 * cursor and writer.
 *
 * Decoded structs never own memory of their own: byte strings are views
 * (struct chunk) into the buffer that was decoded, and arrays (proposals,
 * selectors, ...) come from the arena of the decode context. The buffer and
 * the arena must therefore outlive the structs. For encoding, the caller
 * fills the same structs with views of its own data.
 *
 * Malformations are logged with the seed's wording; every "xx/xx" reads
 * actual/needed: the datagram against the IKE header (IKE header, message
 * lines), the whole payload, generic header included, against what its
 * fields need (payload lines), and the bytes left for a substructure
 * (proposal, transform, attribute, selector) against its fixed header or
 * length (field lines), except "field size unmatched" on a transform count,
 * which reads transforms found/announced. "too few payload length" is a
 * payload running past its container, "too match payload length" bytes
 * after the last payload, which are ignored. */
#ifndef RTX_PAYLOAD_H
#define RTX_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/iana.h"
#include "engine/payload_auth.h"
#include "engine/payload_cert.h"
#include "engine/payload_cp.h"
#include "engine/payload_delete.h"
#include "engine/payload_eap.h"
#include "engine/payload_id.h"
#include "engine/payload_ke.h"
#include "engine/payload_nonce.h"
#include "engine/payload_notify.h"
#include "engine/payload_sa.h"
#include "engine/payload_sk.h"
#include "engine/payload_ts.h"
#include "engine/payload_vendor.h"
#include "engine/wire.h"

/* One payload of any type, as the chain holds it. */
struct payload {
	uint8_t type;
	bool critical;
	bool encrypted;        /* inside SK (decoded) / to be put inside (encode) */
	struct chunk body;     /* decode only: the body as received */
	union {
		struct payload_sa sa;
		struct payload_ke ke;
		struct payload_id id;
		struct payload_cert cert;
		struct payload_auth auth;
		struct payload_nonce nonce;
		struct payload_notify notify;
		struct payload_delete del;
		struct payload_vendor vendor;
		struct payload_ts ts;
		struct payload_cp cp;
		struct payload_eap eap;
		struct payload_sk sk;
		struct payload_skf skf;
	} u;
};

/* ---- chain ------------------------------------------------------------ */

/* True for the payload types this codec understands. */
bool payload_type_known(uint8_t type);

/* One payload of type `type` with its generic header at rd. On success
 * *next is the following payload type. Unknown non-critical payloads are
 * skipped: p->type is then IKEV2_PAYLOAD_NONE. */
int payload_decode(struct pctx *c, struct rd *rd, uint8_t type,
		   uint8_t *next, struct payload *p);

/* Walks a chain starting with type `first` over all of rd, appending to
 * *pl (arena-allocated, grown as needed). Stops after SK/SKF, which must
 * be last. */
int payload_decode_chain(struct pctx *c, struct rd *rd, uint8_t first,
			 struct payload **pl, size_t *npl, size_t *cap,
			 bool encrypted);

/* The generic header (next, critical, length) then the body. */
int payload_encode(struct wr *w, const struct payload *p, uint8_t next);
/* Encodes n payloads chained in the given order; *first gets the type of
 * the first one (NONE if n == 0). */
int payload_encode_chain(struct wr *w, const struct payload *const *pl,
			 size_t n, uint8_t *first);

/* Structural equality (views compared by content), for tests and for
 * detecting retransmitted requests. */
bool payload_equal(const struct payload *a, const struct payload *b);

#endif
