/* The one algorithm table: every IKEv2/ESP transform rtxsh knows, with its
 * IANA number and name, the Yamaha keyword, the OpenSSL name, the sizes the
 * codec and key derivation need, and the Linux XFRM name for the kernel
 * layer. The codec, proposal selection, log dumps and the kernel backend
 * all read this table, so a transform is added in exactly one place. */
#ifndef RTX_ALG_H
#define RTX_ALG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/iana.h"

/* Transform types (RFC 7296 3.3.2), as the table's type. */
enum alg_type {
	ALG_ENCR = IKEV2_TRANSFORM_ENCR,
	ALG_PRF = IKEV2_TRANSFORM_PRF,
	ALG_INTEG = IKEV2_TRANSFORM_INTEG,
	ALG_DH = IKEV2_TRANSFORM_DH,
	ALG_ESN = IKEV2_TRANSFORM_ESN,
};

/* Transform ids: the ones the table below implements, and the rest of
 * each registry that names.c names so a peer's proposal can be printed. */

/* IANA "Transform Type 1 - Encryption Algorithm Transform IDs". */
enum {
	IKEV2_ENCR_DES_IV64 = 1,
	IKEV2_ENCR_DES = 2,
	IKEV2_ENCR_3DES = 3,
	IKEV2_ENCR_RC5 = 4,
	IKEV2_ENCR_IDEA = 5,
	IKEV2_ENCR_CAST = 6,
	IKEV2_ENCR_BLOWFISH = 7,
	IKEV2_ENCR_3IDEA = 8,
	IKEV2_ENCR_DES_IV32 = 9,
	IKEV2_ENCR_NULL = 11,
	IKEV2_ENCR_AES_CBC = 12,
	IKEV2_ENCR_AES_CTR = 13,
	IKEV2_ENCR_AES_CCM_8 = 14,
	IKEV2_ENCR_AES_CCM_12 = 15,
	IKEV2_ENCR_AES_CCM_16 = 16,
	IKEV2_ENCR_AES_GCM_8 = 18,
	IKEV2_ENCR_AES_GCM_12 = 19,
	IKEV2_ENCR_AES_GCM_16 = 20,
	IKEV2_ENCR_NULL_AUTH_AES_GMAC = 21,
	IKEV2_ENCR_CAMELLIA_CBC = 23,
	IKEV2_ENCR_CAMELLIA_CTR = 24,
	IKEV2_ENCR_CAMELLIA_CCM_8 = 25,
	IKEV2_ENCR_CAMELLIA_CCM_12 = 26,
	IKEV2_ENCR_CAMELLIA_CCM_16 = 27,
	IKEV2_ENCR_CHACHA20_POLY1305 = 28,
};

/* IANA "Transform Type 2 - Pseudorandom Function Transform IDs". */
enum {
	IKEV2_PRF_HMAC_MD5 = 1,
	IKEV2_PRF_HMAC_SHA1 = 2,
	IKEV2_PRF_HMAC_TIGER = 3,
	IKEV2_PRF_AES128_XCBC = 4,
	IKEV2_PRF_HMAC_SHA2_256 = 5,
	IKEV2_PRF_HMAC_SHA2_384 = 6,
	IKEV2_PRF_HMAC_SHA2_512 = 7,
	IKEV2_PRF_AES128_CMAC = 8,
};

/* IANA "Transform Type 3 - Integrity Algorithm Transform IDs". */
enum {
	IKEV2_AUTH_NONE = 0,
	IKEV2_AUTH_HMAC_MD5_96 = 1,
	IKEV2_AUTH_HMAC_SHA1_96 = 2,
	IKEV2_AUTH_DES_MAC = 3,
	IKEV2_AUTH_KPDK_MD5 = 4,
	IKEV2_AUTH_AES_XCBC_96 = 5,
	IKEV2_AUTH_HMAC_MD5_128 = 6,
	IKEV2_AUTH_HMAC_SHA1_160 = 7,
	IKEV2_AUTH_AES_CMAC_96 = 8,
	IKEV2_AUTH_AES_128_GMAC = 9,
	IKEV2_AUTH_AES_192_GMAC = 10,
	IKEV2_AUTH_AES_256_GMAC = 11,
	IKEV2_AUTH_HMAC_SHA2_256_128 = 12,
	IKEV2_AUTH_HMAC_SHA2_384_192 = 13,
	IKEV2_AUTH_HMAC_SHA2_512_256 = 14,
};

/* IANA "Transform Type 4 - Key Exchange Method Transform IDs". */
enum {
	IKEV2_DH_NONE = 0,
	IKEV2_DH_MODP_768 = 1,
	IKEV2_DH_MODP_1024 = 2,
	IKEV2_DH_MODP_1536 = 5,
	IKEV2_DH_MODP_2048 = 14,
	IKEV2_DH_MODP_3072 = 15,
	IKEV2_DH_MODP_4096 = 16,
	IKEV2_DH_MODP_6144 = 17,
	IKEV2_DH_MODP_8192 = 18,
	IKEV2_DH_ECP_256 = 19,
	IKEV2_DH_ECP_384 = 20,
	IKEV2_DH_ECP_521 = 21,
	IKEV2_DH_MODP_1024_160 = 22,
	IKEV2_DH_MODP_2048_224 = 23,
	IKEV2_DH_MODP_2048_256 = 24,
	IKEV2_DH_ECP_192 = 25,
	IKEV2_DH_ECP_224 = 26,
	IKEV2_DH_BRAINPOOL_P224R1 = 27,
	IKEV2_DH_BRAINPOOL_P256R1 = 28,
	IKEV2_DH_BRAINPOOL_P384R1 = 29,
	IKEV2_DH_BRAINPOOL_P512R1 = 30,
	IKEV2_DH_CURVE25519 = 31,
	IKEV2_DH_CURVE448 = 32,
};

/* IANA "Transform Type 5 - Extended Sequence Numbers Transform IDs". */
enum {
	IKEV2_ESN_NONE = 0,
	IKEV2_ESN_YES = 1,
};

enum alg_dh_kind {
	ALG_DH_MODP = 1,   /* RFC 2409 / RFC 3526 safe-prime groups, g = 2 */
	ALG_DH_ECP,        /* RFC 5903 NIST curves, public value x || y */
	ALG_DH_ECX,        /* RFC 8031 Curve25519 / Curve448 */
};

/* Largest sizes of any entry, for fixed buffers in callers. */
#define ALG_MAX_KEY_LEN 64    /* ENCR key+salt, INTEG key, PRF key */
#define ALG_MAX_ENCR_KEY_LEN 36   /* ENCR key+salt: AES-256 with a 4-byte salt */
#define ALG_MAX_PRF_LEN 64    /* PRF output */
#define ALG_MAX_ICV_LEN 32
#define ALG_MAX_IV_LEN 16
#define ALG_MAX_BLOCK_LEN 16
#define ALG_MAX_DH_PUB_LEN 1024   /* MODP_8192 */

struct alg {
	enum alg_type type;
	uint16_t id;              /* IANA transform id */
	uint16_t key_bits;        /* ENCR: value of the Key Length attribute
	                           * (key without salt); 0 for the others */
	bool key_attr;            /* a Key Length attribute must be sent */
	bool aead;                /* ENCR only: combined mode, no INTEG */
	bool legacy;              /* needs OpenSSL's legacy provider */
	const char *name;         /* IANA spelling: "ENCR_AES_CBC", "MODP_2048" */
	const char *yamaha;       /* `ipsec ike encryption/hash/group` keyword,
	                           * NULL when the RTX has none */
	const char *yamaha_esp;   /* `ipsec sa policy` keyword, NULL if none */
	const char *ossl;         /* OpenSSL cipher / digest / group name */
	const char *swan;         /* strongSwan proposal keyword ("aes256",
	                           * "prfsha256", "modp2048"), for the
	                           * swanctl.conf export of a tunnel's peer */

	/* ENCR: key_len = key + salt bytes taken from prf+; INTEG: HMAC key
	 * length; PRF: preferred key length (= out_len for HMAC). */
	uint8_t key_len;
	uint8_t salt_len;         /* AEAD implicit salt (RFC 5282/7634): 4 */
	uint8_t block_len;        /* ENCR: padding unit (1 for AEAD) */
	uint8_t iv_len;           /* ENCR: IV carried in the SK payload */
	uint8_t icv_len;          /* INTEG: truncated ICV; AEAD: tag length */
	uint8_t out_len;          /* PRF / INTEG: untruncated digest length */

	/* DH only */
	enum alg_dh_kind dh_kind;
	uint16_t pub_len;         /* KE payload key exchange data length */
	uint16_t secret_len;      /* shared secret length, leading zeros kept */

	/* Linux XFRM (ESP) */
	const char *xfrm;         /* "cbc(aes)", "hmac(sha256)", ... */
	uint16_t xfrm_icv_bits;   /* INTEG: trunc bits; AEAD: ICV bits */

	/* Responder preference (Yamaha 1.16/1.19): higher is stronger. */
	uint8_t strength;
};

/* Exact lookup. key_bits is the Key Length attribute; pass 0 when the
 * transform carried none. Algorithms that require the attribute are not
 * found with 0, and fixed-length ones are found with 0 or their length. */
const struct alg *alg_find(enum alg_type type, uint16_t id, uint16_t key_bits);

/* Yamaha keyword for a type ("aes-cbc" as ENCR, "sha" as PRF or INTEG,
 * "sha-hmac" as INTEG, "modp1024" as DH). Case-insensitive. */
const struct alg *alg_by_keyword(enum alg_type type, const char *keyword);

/* IANA name lookup, case-insensitive ("ENCR_AES_GCM_16" matches the first
 * key length; use alg_find for a specific one). */
const struct alg *alg_by_name(enum alg_type type, const char *name);

/* Iteration over the whole table: NULL past the end. */
const struct alg *alg_at(size_t i);

/* "ENCR", "PRF", "INTEG", "DH", "ESN"; "?" when unknown. */
const char *alg_type_name(enum alg_type type);

/* Name for log dumps even of unknown ids: the IANA name or "ENCR_<id>".
 * buf is used only for unknown values. */
const char *alg_id_name(enum alg_type type, uint16_t id, char *buf, size_t len);

/* Key bytes an algorithm takes from prf+ (0 for NULL / non-keyed types). */
size_t alg_key_len(const struct alg *a);

#endif
