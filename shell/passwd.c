/* Console password hashing: OpenSSL's PBKDF2 and base64, nothing of our
 * own but the textual frame (see passwd.h). */
#include "shell/passwd.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define SALT_LEN 16
#define HASH_LEN 32
#define B64_LEN(n) (4 * (((n) + 2) / 3))

static bool derive(const char *pw, const unsigned char *salt, size_t salt_len,
		   unsigned long iter, unsigned char out[HASH_LEN])
{
	return PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), salt, (int)salt_len, (int)iter,
				 EVP_sha256(), HASH_LEN, out) == 1;
}

char *passwd_hash(const char *pw)
{
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	char salt64[B64_LEN(SALT_LEN) + 1], hash64[B64_LEN(HASH_LEN) + 1];
	char *out = NULL;
	if (RAND_bytes(salt, sizeof(salt)) != 1 ||
	    !derive(pw, salt, sizeof(salt), PASSWD_ITERATIONS, hash))
		return NULL;
	EVP_EncodeBlock((unsigned char *)salt64, salt, sizeof(salt));
	EVP_EncodeBlock((unsigned char *)hash64, hash, sizeof(hash));
	if (asprintf(&out, PASSWD_PREFIX "%u$%s$%s", PASSWD_ITERATIONS, salt64, hash64) < 0)
		out = NULL;
	OPENSSL_cleanse(hash, sizeof(hash));
	return out;
}

/* Splits one of ours into its parts; false when it is not well formed. */
static bool parse(const char *s, unsigned long *iter, unsigned char salt[SALT_LEN],
		  unsigned char hash[HASH_LEN])
{
	char salt64[B64_LEN(SALT_LEN) + 1], hash64[B64_LEN(HASH_LEN) + 1];
	unsigned char buf[B64_LEN(HASH_LEN)];
	size_t plen = strlen(PASSWD_PREFIX);
	if (strncmp(s, PASSWD_PREFIX, plen) != 0)
		return false;
	s += plen;
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	*iter = strtoul(s, &end, 10);
	if (*end != '$' || *iter < 1000 || *iter > PASSWD_ITERATIONS_MAX)
		return false;
	s = end + 1;
	const char *d = strchr(s, '$');
	if (!d || (size_t)(d - s) != B64_LEN(SALT_LEN) || strlen(d + 1) != B64_LEN(HASH_LEN))
		return false;
	memcpy(salt64, s, B64_LEN(SALT_LEN));
	salt64[B64_LEN(SALT_LEN)] = '\0';
	strcpy(hash64, d + 1);
	/* EVP_DecodeBlock counts the padding bytes in: take the leading ones. */
	if (EVP_DecodeBlock(buf, (unsigned char *)salt64, (int)strlen(salt64)) < SALT_LEN)
		return false;
	memcpy(salt, buf, SALT_LEN);
	if (EVP_DecodeBlock(buf, (unsigned char *)hash64, (int)strlen(hash64)) < HASH_LEN)
		return false;
	memcpy(hash, buf, HASH_LEN);
	return true;
}

bool passwd_ours(const char *stored)
{
	unsigned long iter;
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	return parse(stored, &iter, salt, hash);
}

bool passwd_rtx(const char *stored)
{
	if (stored[0] != '*' || !stored[1])
		return false;
	for (const char *p = stored + 1; *p; p++)
		if (!isxdigit((unsigned char)*p))
			return false;
	return true;
}

bool passwd_check(const char *pw, const char *stored)
{
	unsigned long iter;
	unsigned char salt[SALT_LEN], want[HASH_LEN], got[HASH_LEN];
	if (!parse(stored, &iter, salt, want) || !derive(pw, salt, SALT_LEN, iter, got))
		return false;
	bool ok = CRYPTO_memcmp(want, got, HASH_LEN) == 0;
	OPENSSL_cleanse(got, sizeof(got));
	return ok;
}
