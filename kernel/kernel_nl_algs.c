/* IKEv2 transform ids (IANA) -> Linux crypto API names for ESP.
 *
 * Kept here rather than read from engine/alg.h because the kernel library
 * links after the engine one and must not pull engine objects; the ids are
 * the IANA values, so the two tables cannot disagree about what a number
 * means, only about what is supported. */
#include "kernel/kernel_nl.h"

#include <stddef.h>

/* AEAD ICVs are all 16 bytes for the ids we offer (ENCR_AES_GCM_16,
 * ENCR_CHACHA20_POLY1305); integrity truncation follows RFC 2404 (96),
 * RFC 4868 (N/2 bits for SHA-2). */
static const struct kernel_nl_alg encr_table[] = {
	{ 2,  "cbc(des)",                   0,   false },   /* ENCR_DES */
	{ 3,  "cbc(des3_ede)",              0,   false },   /* ENCR_3DES */
	{ 12, "cbc(aes)",                   0,   false },   /* ENCR_AES_CBC */
	{ 20, "rfc4106(gcm(aes))",          128, true },    /* ENCR_AES_GCM_16 */
	{ 28, "rfc7539esp(chacha20,poly1305)", 128, true }, /* ENCR_CHACHA20_POLY1305 */
};

static const struct kernel_nl_alg integ_table[] = {
	{ 1,  "hmac(md5)",    96,  false },   /* AUTH_HMAC_MD5_96 */
	{ 2,  "hmac(sha1)",   96,  false },   /* AUTH_HMAC_SHA1_96 */
	{ 12, "hmac(sha256)", 128, false },   /* AUTH_HMAC_SHA2_256_128 */
	{ 13, "hmac(sha384)", 192, false },   /* AUTH_HMAC_SHA2_384_192 */
	{ 14, "hmac(sha512)", 256, false },   /* AUTH_HMAC_SHA2_512_256 */
};

static const struct kernel_nl_alg *find(const struct kernel_nl_alg *t, size_t n,
					uint16_t id)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return &t[i];
	return NULL;
}

const struct kernel_nl_alg *kernel_nl_alg_encr(uint16_t id)
{
	return find(encr_table, sizeof(encr_table) / sizeof(encr_table[0]), id);
}

const struct kernel_nl_alg *kernel_nl_alg_integ(uint16_t id)
{
	return find(integ_table, sizeof(integ_table) / sizeof(integ_table[0]), id);
}
