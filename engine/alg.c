#include <stdio.h>
#include <strings.h>

#include "engine/alg.h"

/* Designated initializers keep the rows readable: a field not named is 0
 * or NULL, which every consumer reads as "not applicable". */
#define ENCR_CBC(id_, name_, bits_, attr_, kw_, ossl_, blk_, xfrm_, str_, leg_, sw_) \
	{ .type = ALG_ENCR, .id = (id_), .name = (name_), .key_bits = (bits_),    \
	  .swan = (sw_),                                                          \
	  .key_attr = (attr_), .yamaha = (kw_), .yamaha_esp = (kw_),             \
	  .ossl = (ossl_), .key_len = (bits_) / 8, .block_len = (blk_),          \
	  .iv_len = (blk_), .xfrm = (xfrm_), .strength = (str_),                 \
	  .legacy = (leg_) }

#define ENCR_AEAD(id_, name_, bits_, attr_, ossl_, xfrm_, str_, sw_)          \
	{ .type = ALG_ENCR, .id = (id_), .name = (name_), .key_bits = (bits_),    \
	  .swan = (sw_),                                                          \
	  .key_attr = (attr_), .aead = true, .ossl = (ossl_),                    \
	  .key_len = (bits_) / 8 + 4, .salt_len = 4, .block_len = 1,             \
	  .iv_len = 8, .icv_len = 16, .xfrm = (xfrm_), .xfrm_icv_bits = 128,     \
	  .strength = (str_) }

#define PRF(id_, name_, kw_, ossl_, len_, str_, sw_)                          \
	{ .type = ALG_PRF, .id = (id_), .name = (name_), .yamaha = (kw_),         \
	  .swan = (sw_),                                                          \
	  .ossl = (ossl_), .key_len = (len_), .out_len = (len_),                 \
	  .strength = (str_) }

#define INTEG(id_, name_, kw_, esp_, ossl_, len_, icv_, xfrm_, str_, sw_)     \
	{ .type = ALG_INTEG, .id = (id_), .name = (name_), .yamaha = (kw_),       \
	  .swan = (sw_),                                                          \
	  .yamaha_esp = (esp_), .ossl = (ossl_), .key_len = (len_),              \
	  .out_len = (len_), .icv_len = (icv_), .xfrm = (xfrm_),                 \
	  .xfrm_icv_bits = (icv_) * 8, .strength = (str_) }

#define DH(id_, name_, kw_, kind_, ossl_, pub_, sec_, str_, sw_)              \
	{ .type = ALG_DH, .id = (id_), .name = (name_), .yamaha = (kw_),          \
	  .swan = (sw_),                                                          \
	  .dh_kind = (kind_), .ossl = (ossl_), .pub_len = (pub_),                \
	  .secret_len = (sec_), .strength = (str_) }

static const struct alg table[] = {
	/* Yamaha 1.16 preference: AES256 > AES192 > AES128 > 3DES > DES; the
	 * AEAD modes (not offered by an RTX) rank above CBC. */
	ENCR_CBC(IKEV2_ENCR_DES, "ENCR_DES", 64, false, "des-cbc", "DES-CBC",
		 8, "cbc(des)", 1, true, "des"),
	ENCR_CBC(IKEV2_ENCR_3DES, "ENCR_3DES", 192, false, "3des-cbc",
		 "DES-EDE3-CBC", 8, "cbc(des3_ede)", 2, false, "3des"),
	ENCR_CBC(IKEV2_ENCR_AES_CBC, "ENCR_AES_CBC", 128, true, "aes-cbc",
		 "AES-128-CBC", 16, "cbc(aes)", 3, false, "aes128"),
	ENCR_CBC(IKEV2_ENCR_AES_CBC, "ENCR_AES_CBC", 192, true, NULL,
		 "AES-192-CBC", 16, "cbc(aes)", 4, false, "aes192"),
	ENCR_CBC(IKEV2_ENCR_AES_CBC, "ENCR_AES_CBC", 256, true, "aes256-cbc",
		 "AES-256-CBC", 16, "cbc(aes)", 5, false, "aes256"),
	ENCR_AEAD(IKEV2_ENCR_AES_GCM_16, "ENCR_AES_GCM_16", 128, true,
		  "AES-128-GCM", "rfc4106(gcm(aes))", 6, "aes128gcm16"),
	ENCR_AEAD(IKEV2_ENCR_AES_GCM_16, "ENCR_AES_GCM_16", 192, true,
		  "AES-192-GCM", "rfc4106(gcm(aes))", 7, "aes192gcm16"),
	ENCR_AEAD(IKEV2_ENCR_AES_GCM_16, "ENCR_AES_GCM_16", 256, true,
		  "AES-256-GCM", "rfc4106(gcm(aes))", 9, "aes256gcm16"),
	ENCR_AEAD(IKEV2_ENCR_CHACHA20_POLY1305, "ENCR_CHACHA20_POLY1305", 256,
		  false, "ChaCha20-Poly1305", "rfc7539esp(chacha20,poly1305)", 8,
		  "chacha20poly1305"),

	PRF(IKEV2_PRF_HMAC_MD5, "PRF_HMAC_MD5", "md5", "MD5", 16, 1, "prfmd5"),
	PRF(IKEV2_PRF_HMAC_SHA1, "PRF_HMAC_SHA1", "sha", "SHA1", 20, 2, "prfsha1"),
	PRF(IKEV2_PRF_HMAC_SHA2_256, "PRF_HMAC_SHA2_256", "sha256", "SHA256", 32, 3, "prfsha256"),
	PRF(IKEV2_PRF_HMAC_SHA2_384, "PRF_HMAC_SHA2_384", "sha384", "SHA384", 48, 4, "prfsha384"),
	PRF(IKEV2_PRF_HMAC_SHA2_512, "PRF_HMAC_SHA2_512", "sha512", "SHA512", 64, 5, "prfsha512"),

	INTEG(IKEV2_AUTH_HMAC_MD5_96, "AUTH_HMAC_MD5_96", "md5", "md5-hmac",
	      "MD5", 16, 12, "hmac(md5)", 1, "md5"),
	INTEG(IKEV2_AUTH_HMAC_SHA1_96, "AUTH_HMAC_SHA1_96", "sha", "sha-hmac",
	      "SHA1", 20, 12, "hmac(sha1)", 2, "sha1"),
	INTEG(IKEV2_AUTH_HMAC_SHA2_256_128, "AUTH_HMAC_SHA2_256_128", "sha256",
	      "sha256-hmac", "SHA256", 32, 16, "hmac(sha256)", 3, "sha256"),
	INTEG(IKEV2_AUTH_HMAC_SHA2_384_192, "AUTH_HMAC_SHA2_384_192", "sha384",
	      "sha384-hmac", "SHA384", 48, 24, "hmac(sha384)", 4, "sha384"),
	INTEG(IKEV2_AUTH_HMAC_SHA2_512_256, "AUTH_HMAC_SHA2_512_256", "sha512",
	      "sha512-hmac", "SHA512", 64, 32, "hmac(sha512)", 5, "sha512"),

	/* MODP strength follows the prime size; ECP/ECX rank by their
	 * symmetric-equivalent strength (RFC 5903 / RFC 7748). */
	DH(IKEV2_DH_MODP_768, "MODP_768", "modp768", ALG_DH_MODP, NULL, 96, 96, 1, "modp768"),
	DH(IKEV2_DH_MODP_1024, "MODP_1024", "modp1024", ALG_DH_MODP, NULL, 128, 128, 2, "modp1024"),
	DH(IKEV2_DH_MODP_1536, "MODP_1536", "modp1536", ALG_DH_MODP, "modp_1536", 192, 192, 3, "modp1536"),
	DH(IKEV2_DH_MODP_2048, "MODP_2048", "modp2048", ALG_DH_MODP, "modp_2048", 256, 256, 4, "modp2048"),
	DH(IKEV2_DH_MODP_3072, "MODP_3072", NULL, ALG_DH_MODP, "modp_3072", 384, 384, 6, "modp3072"),
	DH(IKEV2_DH_MODP_4096, "MODP_4096", NULL, ALG_DH_MODP, "modp_4096", 512, 512, 8, "modp4096"),
	DH(IKEV2_DH_MODP_6144, "MODP_6144", NULL, ALG_DH_MODP, "modp_6144", 768, 768, 10, "modp6144"),
	DH(IKEV2_DH_MODP_8192, "MODP_8192", NULL, ALG_DH_MODP, "modp_8192", 1024, 1024, 12, "modp8192"),
	DH(IKEV2_DH_ECP_256, "ECP_256", NULL, ALG_DH_ECP, "P-256", 64, 32, 7, "ecp256"),
	DH(IKEV2_DH_ECP_384, "ECP_384", NULL, ALG_DH_ECP, "P-384", 96, 48, 11, "ecp384"),
	DH(IKEV2_DH_ECP_521, "ECP_521", NULL, ALG_DH_ECP, "P-521", 132, 66, 13, "ecp521"),
	DH(IKEV2_DH_CURVE25519, "Curve25519", NULL, ALG_DH_ECX, "X25519", 32, 32, 7, "curve25519"),
	DH(IKEV2_DH_CURVE448, "Curve448", NULL, ALG_DH_ECX, "X448", 56, 56, 11, "curve448"),

	{ .type = ALG_ESN, .id = IKEV2_ESN_NONE, .name = "NO_ESN", .strength = 1 },
	{ .type = ALG_ESN, .id = IKEV2_ESN_YES, .name = "ESN", .strength = 2 },
};

#define TABLE_LEN (sizeof(table) / sizeof(table[0]))

const struct alg *alg_at(size_t i)
{
	return i < TABLE_LEN ? &table[i] : NULL;
}

const struct alg *alg_find(enum alg_type type, uint16_t id, uint16_t key_bits)
{
	for (size_t i = 0; i < TABLE_LEN; i++) {
		const struct alg *a = &table[i];

		if (a->type != type || a->id != id)
			continue;
		if (a->key_attr ? key_bits == a->key_bits
				: key_bits == 0 || key_bits == a->key_bits)
			return a;
	}
	return NULL;
}

const struct alg *alg_by_keyword(enum alg_type type, const char *keyword)
{
	if (!keyword)
		return NULL;
	for (size_t i = 0; i < TABLE_LEN; i++) {
		const struct alg *a = &table[i];

		if (a->type != type)
			continue;
		if ((a->yamaha && !strcasecmp(a->yamaha, keyword)) ||
		    (a->yamaha_esp && !strcasecmp(a->yamaha_esp, keyword)))
			return a;
	}
	return NULL;
}

const struct alg *alg_by_name(enum alg_type type, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < TABLE_LEN; i++)
		if (table[i].type == type && !strcasecmp(table[i].name, name))
			return &table[i];
	return NULL;
}

const char *alg_type_name(enum alg_type type)
{
	switch (type) {
	case ALG_ENCR: return "ENCR";
	case ALG_PRF: return "PRF";
	case ALG_INTEG: return "INTEG";
	case ALG_DH: return "DH";
	case ALG_ESN: return "ESN";
	}
	return "?";
}

const char *alg_id_name(enum alg_type type, uint16_t id, char *buf, size_t len)
{
	for (size_t i = 0; i < TABLE_LEN; i++)
		if (table[i].type == type && table[i].id == id)
			return table[i].name;
	if (type == ALG_INTEG && id == IKEV2_AUTH_NONE)
		return "AUTH_NONE";
	if (type == ALG_DH && id == IKEV2_DH_NONE)
		return "NONE";
	if (!buf || len == 0)
		return "?";
	snprintf(buf, len, "%s_%u", alg_type_name(type), (unsigned)id);
	return buf;
}

size_t alg_key_len(const struct alg *a)
{
	if (!a)
		return 0;
	switch (a->type) {
	case ALG_ENCR:
	case ALG_PRF:
	case ALG_INTEG:
		return a->key_len;
	default:
		return 0;
	}
}
