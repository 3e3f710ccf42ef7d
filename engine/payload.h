/* IKEv2 payloads (RFC 7296 section 3, RFC 7383 SKF) as plain structs, the
 * bounds-checked big-endian cursor they are decoded with, the growable
 * writer they are encoded into, and the generic chain walker/emitter.
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

#include "base/log.h"

/* Payload types (IANA "IKEv2 Payload Types"). */
enum {
	IKEV2_PAYLOAD_NONE = 0,
	IKEV2_PAYLOAD_SA = 33,
	IKEV2_PAYLOAD_KE = 34,
	IKEV2_PAYLOAD_IDI = 35,
	IKEV2_PAYLOAD_IDR = 36,
	IKEV2_PAYLOAD_CERT = 37,
	IKEV2_PAYLOAD_CERTREQ = 38,
	IKEV2_PAYLOAD_AUTH = 39,
	IKEV2_PAYLOAD_NONCE = 40,
	IKEV2_PAYLOAD_NOTIFY = 41,
	IKEV2_PAYLOAD_DELETE = 42,
	IKEV2_PAYLOAD_VENDOR = 43,
	IKEV2_PAYLOAD_TSI = 44,
	IKEV2_PAYLOAD_TSR = 45,
	IKEV2_PAYLOAD_SK = 46,
	IKEV2_PAYLOAD_CP = 47,
	IKEV2_PAYLOAD_EAP = 48,
	IKEV2_PAYLOAD_SKF = 53,
};

enum { IKEV2_PROTO_IKE = 1, IKEV2_PROTO_AH = 2, IKEV2_PROTO_ESP = 3 };

enum {
	IKEV2_TRANSFORM_ENCR = 1,
	IKEV2_TRANSFORM_PRF = 2,
	IKEV2_TRANSFORM_INTEG = 3,
	IKEV2_TRANSFORM_DH = 4,
	IKEV2_TRANSFORM_ESN = 5,
};

enum { IKEV2_ATTR_KEY_LENGTH = 14 };

enum {
	IKEV2_ID_IPV4_ADDR = 1,
	IKEV2_ID_FQDN = 2,
	IKEV2_ID_RFC822_ADDR = 3,
	IKEV2_ID_IPV6_ADDR = 5,
	IKEV2_ID_DER_ASN1_DN = 9,
	IKEV2_ID_DER_ASN1_GN = 10,
	IKEV2_ID_KEY_ID = 11,
};

enum { IKEV2_TS_IPV4_ADDR_RANGE = 7, IKEV2_TS_IPV6_ADDR_RANGE = 8 };

/* Notify message types used by the codec itself; names.c knows them all. */
enum {
	IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	IKEV2_N_INVALID_MAJOR_VERSION = 5,
	IKEV2_N_INVALID_SYNTAX = 7,
	IKEV2_N_INVALID_KE_PAYLOAD = 17,
	IKEV2_N_ERROR_MAX = 16383,           /* below: errors, above: status */
	IKEV2_N_INITIAL_CONTACT = 16384,
	IKEV2_N_NAT_DETECTION_SOURCE_IP = 16388,
	IKEV2_N_NAT_DETECTION_DESTINATION_IP = 16389,
	IKEV2_N_COOKIE = 16390,
	IKEV2_N_USE_TRANSPORT_MODE = 16391,
	IKEV2_N_REKEY_SA = 16393,
	IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED = 16430,
	IKEV2_N_SIGNATURE_HASH_ALGORITHMS = 16431,
};

/* A borrowed byte string. */
struct chunk {
	const uint8_t *ptr;
	size_t len;
};

/* ---- cursor and writer ------------------------------------------------ */

/* Reads never go past len; a failed read leaves the cursor unchanged. */
struct rd {
	const uint8_t *p;
	size_t len, off;
};

static inline struct rd rd_init(const void *p, size_t len)
{
	return (struct rd){ p, len, 0 };
}
static inline size_t rd_left(const struct rd *r) { return r->len - r->off; }
bool rd_u8(struct rd *r, uint8_t *v);
bool rd_u16(struct rd *r, uint16_t *v);
bool rd_u32(struct rd *r, uint32_t *v);
bool rd_u64(struct rd *r, uint64_t *v);
bool rd_bytes(struct rd *r, void *dst, size_t n);
bool rd_chunk(struct rd *r, size_t n, struct chunk *c);   /* view, no copy */
/* Splits off the next n bytes as their own cursor. */
bool rd_sub(struct rd *r, size_t n, struct rd *sub);

/* Growable output; the first failure sticks in err and later writes are
 * ignored, so encoders check once at the end. */
struct wr {
	uint8_t *buf;
	size_t len, cap;
	int err;              /* 0 or a negative rtx_err */
};

#define WR_MAX_SIZE ((size_t)1 << 20)

void wr_init(struct wr *w);
void wr_free(struct wr *w);
void wr_u8(struct wr *w, uint8_t v);
void wr_u16(struct wr *w, uint16_t v);
void wr_u32(struct wr *w, uint32_t v);
void wr_u64(struct wr *w, uint64_t v);
void wr_bytes(struct wr *w, const void *p, size_t n);
void wr_chunk(struct wr *w, struct chunk c);
void wr_zero(struct wr *w, size_t n);
/* Length fields of a structure are written by the structure's own encoder
 * once its body is known: mark where it starts, then close it. */
size_t wr_mark(struct wr *w);
void wr_set_u16(struct wr *w, size_t at, uint16_t v);

/* ---- decode context --------------------------------------------------- */

struct arena_blk;
struct arena {
	struct arena_blk *head;
	size_t total;
};

#define ARENA_MAX ((size_t)4 << 20)

void *arena_alloc(struct arena *a, size_t n);  /* zeroed, NULL on failure */
void arena_free(struct arena *a);
/* Makes room for one more element of an arena array holding n of *cap:
 * returns the (possibly moved) array or NULL. */
void *arena_grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t size);

/* Where decode errors go, and what RFC 7296 would have us answer. */
struct pctx {
	struct log *log;          /* may be NULL */
	const char *sub;          /* log sub-prefix, may be NULL */
	struct arena *arena;
	uint16_t notify;          /* 0, INVALID_SYNTAX, UNSUPPORTED_CRITICAL_PAYLOAD */
	uint8_t notify_type;      /* the payload type for UNSUPPORTED_CRITICAL */
	uint8_t cur;              /* type of the payload being decoded, for logs */
};

/* Logs a catalogue line (LOG_*) if c->log is set. */
void pctx_log(struct pctx *c, enum log_id id, ...);
/* Records INVALID_SYNTAX (unless a notify is already set) and returns
 * -RTX_EPARSE, so decoders can `return pctx_syntax(c);`. */
int pctx_syntax(struct pctx *c);
/* Logs "cannot process <name> payload" and fails with INVALID_SYNTAX. */
int pctx_cannot_process(struct pctx *c, uint8_t type);

/* ---- payloads --------------------------------------------------------- */

#define SA_MAX_ATTRS 4

struct sa_attr {
	uint16_t type;         /* without the AF bit */
	bool tv;               /* TV format: value in `value`; TLV: in `data` */
	uint16_t value;
	struct chunk data;
};

struct sa_transform {
	uint8_t type;          /* IKEV2_TRANSFORM_* */
	uint16_t id;
	size_t nattrs;
	struct sa_attr attrs[SA_MAX_ATTRS];
};

struct sa_proposal {
	uint8_t num;
	uint8_t protocol;      /* IKEV2_PROTO_* */
	uint8_t spi_size;      /* 0, 4 or 8 */
	uint8_t spi[8];
	size_t ntransforms;
	struct sa_transform *transforms;
};

struct payload_sa {
	size_t nproposals;
	struct sa_proposal *proposals;
};

struct payload_ke {
	uint16_t group;
	struct chunk data;
};

struct payload_id {            /* IDi and IDr */
	uint8_t id_type;
	uint8_t reserved[3];   /* kept: AUTH signs the body as received */
	struct chunk data;
};

struct payload_cert {          /* CERT and CERTREQ */
	uint8_t encoding;
	struct chunk data;
};

struct payload_auth {
	uint8_t method;
	struct chunk data;
};

struct payload_nonce {
	struct chunk data;
};

struct payload_notify {
	uint8_t protocol;
	uint8_t spi_size;
	uint16_t type;
	uint8_t spi[8];
	struct chunk data;
};

struct payload_delete {
	uint8_t protocol;
	uint8_t spi_size;
	uint16_t nspis;
	struct chunk spis;     /* nspis * spi_size bytes */
};

struct payload_vendor {
	struct chunk data;
};

struct ts_selector {
	uint8_t type;          /* IKEV2_TS_IPV4/IPV6_ADDR_RANGE */
	uint8_t ip_proto;
	uint16_t start_port, end_port;
	uint8_t start[16], end[16];  /* 4 or 16 bytes used */
};

struct payload_ts {            /* TSi and TSr */
	size_t nts;
	struct ts_selector *ts;
};

struct cp_attr {
	uint16_t type;         /* 15 bits */
	struct chunk value;
};

struct payload_cp {
	uint8_t cfg_type;      /* CFG_REQUEST 1, REPLY 2, SET 3, ACK 4 */
	size_t nattrs;
	struct cp_attr *attrs;
};

struct payload_eap {
	uint8_t code;          /* 1 request, 2 response, 3 success, 4 failure */
	uint8_t id;
	uint8_t eap_type;      /* requests and responses only */
	struct chunk data;     /* type data after the type octet */
};

struct payload_sk {
	uint8_t inner_next;    /* type of the first payload inside */
	struct chunk data;     /* IV, ciphertext with padding, ICV */
};

struct payload_skf {
	uint8_t inner_next;    /* fragment 1 only, else 0 */
	uint16_t frag_num, frag_total;
	struct chunk data;
};

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

/* Per payload: decode the body (the cursor covers exactly the body, the
 * generic header already consumed), verify the semantics RFC 7296 states,
 * encode the body. Decoders call their verify. */
#define PAYLOAD_CODEC(name, st)                                              \
	int payload_##name##_decode(struct pctx *c, struct rd *rd, st *p);    \
	int payload_##name##_verify(struct pctx *c, const st *p);             \
	int payload_##name##_encode(struct wr *w, const st *p)

PAYLOAD_CODEC(sa, struct payload_sa);
PAYLOAD_CODEC(ke, struct payload_ke);
PAYLOAD_CODEC(id, struct payload_id);
PAYLOAD_CODEC(cert, struct payload_cert);
PAYLOAD_CODEC(auth, struct payload_auth);
PAYLOAD_CODEC(nonce, struct payload_nonce);
PAYLOAD_CODEC(notify, struct payload_notify);
PAYLOAD_CODEC(delete, struct payload_delete);
PAYLOAD_CODEC(vendor, struct payload_vendor);
PAYLOAD_CODEC(ts, struct payload_ts);
PAYLOAD_CODEC(cp, struct payload_cp);
PAYLOAD_CODEC(eap, struct payload_eap);
PAYLOAD_CODEC(sk, struct payload_sk);
PAYLOAD_CODEC(skf, struct payload_skf);

/* The key length attribute of a transform, or 0 if it has none. */
uint16_t sa_transform_keylen(const struct sa_transform *t);
/* SPI i of a Delete payload (4-byte SPIs) in host order. */
uint32_t payload_delete_spi(const struct payload_delete *d, size_t i);

/* ---- RFC 7383 reassembly ---------------------------------------------- */

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
