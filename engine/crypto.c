#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "engine/alg.h"
#include "engine/crypto.h"
#include "base/err.h"

/* The fetched EVP objects are cached per table row: fetching by name walks
 * the provider store, which would otherwise dominate a short HMAC. */
struct crypto_lib {
	OSSL_LIB_CTX *ctx;
	OSSL_PROVIDER *deflt;
	OSSL_PROVIDER *legacy;     /* NULL when the module is not installed */
	EVP_MAC *hmac;
	size_t nalgs;
	EVP_CIPHER **ciphers;      /* indexed like alg_at() */
	EVP_MD **mds;
	/* An HMAC context per PRF and integrity row with its digest set and
	 * no key: a copy of it is keyed per use. Setting the digest by name
	 * on every init fetches it again, which cost more than the MAC of a
	 * short message. Only read once made, so worker threads share them. */
	EVP_MAC_CTX **hmacs;
	EVP_MD *sha1, *sha256;
};

static size_t table_len(void)
{
	size_t n = 0;

	while (alg_at(n))
		n++;
	return n;
}

static size_t alg_index(const struct alg *a)
{
	return (size_t)(a - alg_at(0));
}

static EVP_MAC_CTX *hmac_template(EVP_MAC *mac, const char *digest)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
	if (ctx && !EVP_MAC_CTX_set_params(ctx, params)) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	if (!ctx)
		ERR_clear_error();   /* crypto_hmac falls back to the full init */
	return ctx;
}

static void fetch_all(struct crypto_lib *lib)
{
	for (size_t i = 0; i < lib->nalgs; i++) {
		const struct alg *a = alg_at(i);

		if (!a->ossl)
			continue;
		if (a->type == ALG_ENCR)
			lib->ciphers[i] = EVP_CIPHER_fetch(lib->ctx, a->ossl, NULL);
		else if (a->type == ALG_PRF || a->type == ALG_INTEG)
			lib->mds[i] = EVP_MD_fetch(lib->ctx, a->ossl, NULL);
		if (lib->mds[i] && lib->hmac)
			lib->hmacs[i] = hmac_template(lib->hmac, a->ossl);
	}
}

int crypto_lib_new(struct crypto_lib **out)
{
	struct crypto_lib *lib = calloc(1, sizeof(*lib));
	int rc = -RTX_ENOMEM;

	*out = NULL;
	if (!lib)
		return rc;
	lib->nalgs = table_len();
	lib->ciphers = calloc(lib->nalgs, sizeof(*lib->ciphers));
	lib->mds = calloc(lib->nalgs, sizeof(*lib->mds));
	lib->hmacs = calloc(lib->nalgs, sizeof(*lib->hmacs));
	lib->ctx = OSSL_LIB_CTX_new();
	if (!lib->ciphers || !lib->mds || !lib->hmacs || !lib->ctx)
		goto out;
	rc = -RTX_ECRYPTO;
	lib->deflt = OSSL_PROVIDER_load(lib->ctx, "default");
	if (!lib->deflt)
		goto out;
	/* Optional: single DES lives only here in OpenSSL 3. Its absence is
	 * reported through crypto_lib_supports(), not as a failure. */
	lib->legacy = OSSL_PROVIDER_load(lib->ctx, "legacy");
	if (!lib->legacy)
		ERR_clear_error();   /* expected: no stale error for others */
	lib->hmac = EVP_MAC_fetch(lib->ctx, OSSL_MAC_NAME_HMAC, NULL);
	if (!lib->hmac)
		goto out;
	fetch_all(lib);
	lib->sha1 = EVP_MD_fetch(lib->ctx, "SHA1", NULL);
	lib->sha256 = EVP_MD_fetch(lib->ctx, "SHA256", NULL);
	if (!lib->sha1 || !lib->sha256)
		goto out;
	*out = lib;
	return 0;
out:
	crypto_lib_free(lib);
	return rc;
}

void crypto_lib_free(struct crypto_lib *lib)
{
	if (!lib)
		return;
	for (size_t i = 0; i < lib->nalgs; i++) {
		if (lib->ciphers)
			EVP_CIPHER_free(lib->ciphers[i]);
		if (lib->mds)
			EVP_MD_free(lib->mds[i]);
		if (lib->hmacs)
			EVP_MAC_CTX_free(lib->hmacs[i]);
	}
	free(lib->ciphers);
	free(lib->mds);
	free(lib->hmacs);
	EVP_MD_free(lib->sha1);
	EVP_MD_free(lib->sha256);
	EVP_MAC_free(lib->hmac);
	if (lib->legacy)
		OSSL_PROVIDER_unload(lib->legacy);
	if (lib->deflt)
		OSSL_PROVIDER_unload(lib->deflt);
	OSSL_LIB_CTX_free(lib->ctx);
	free(lib);
}

OSSL_LIB_CTX *crypto_lib_ctx(const struct crypto_lib *lib)
{
	return lib ? lib->ctx : NULL;
}

bool crypto_lib_has_legacy(const struct crypto_lib *lib)
{
	return lib && lib->legacy;
}

/* A reference to the cipher for a, from the library's cache or, for a
 * NULL lib, fetched from the default context: free it either way. */
static EVP_CIPHER *get_cipher(struct crypto_lib *lib, const struct alg *a)
{
	if (!a || a->type != ALG_ENCR || !a->ossl)
		return NULL;
	if (!lib)
		return EVP_CIPHER_fetch(NULL, a->ossl, NULL);
	EVP_CIPHER *c = lib->ciphers[alg_index(a)];
	return c && EVP_CIPHER_up_ref(c) ? c : NULL;
}

/* The keyless HMAC context of a table row, or NULL (a copy of a row, as
 * tests make with other lengths, or no template). */
static EVP_MAC_CTX *hmac_of(const struct crypto_lib *lib, const struct alg *a)
{
	uintptr_t p = (uintptr_t)a, first = (uintptr_t)alg_at(0);
	if (!lib || p < first || (p - first) % sizeof(*a))
		return NULL;
	size_t i = alg_index(a);
	return i < lib->nalgs && alg_at(i) == a ? lib->hmacs[i] : NULL;
}

/* The same for HMAC. */
static EVP_MAC *get_hmac(struct crypto_lib *lib)
{
	if (!lib)
		return EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	return lib->hmac && EVP_MAC_up_ref(lib->hmac) ? lib->hmac : NULL;
}

bool crypto_lib_supports(const struct crypto_lib *lib, const struct alg *a)
{
	EVP_CIPHER *c;
	EVP_MD *md;
	bool ok;

	if (!a)
		return false;
	if (lib && (a->type == ALG_ENCR || a->type == ALG_PRF ||
		    a->type == ALG_INTEG))
		return a->type == ALG_ENCR ? lib->ciphers[alg_index(a)] != NULL
					   : lib->mds[alg_index(a)] != NULL;
	switch (a->type) {
	case ALG_ENCR:
		c = EVP_CIPHER_fetch(NULL, a->ossl, NULL);
		ok = c != NULL;
		EVP_CIPHER_free(c);
		return ok;
	case ALG_PRF:
	case ALG_INTEG:
		md = EVP_MD_fetch(NULL, a->ossl, NULL);
		ok = md != NULL;
		EVP_MD_free(md);
		return ok;
	default:
		return true;   /* DH groups and ESN need nothing optional */
	}
}

int crypto_cbc(struct crypto_lib *lib, const struct alg *encr, bool encrypt,
	       const uint8_t *key, const uint8_t *iv,
	       const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER *c;
	EVP_CIPHER_CTX *ctx = NULL;
	int n1 = 0, n2 = 0, rc;

	if (!encr || encr->aead || encr->type != ALG_ENCR)
		return -RTX_EINVAL;
	c = get_cipher(lib, encr);
	if (!c)
		return -RTX_EUNSUPP;
	rc = -RTX_EINVAL;
	if (len % encr->block_len || len > INT32_MAX ||
	    EVP_CIPHER_get_key_length(c) != encr->key_len ||
	    EVP_CIPHER_get_iv_length(c) != encr->iv_len)
		goto out;
	rc = -RTX_ECRYPTO;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || !EVP_CipherInit_ex2(ctx, c, key, iv, encrypt ? 1 : 0, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
	    !EVP_CipherUpdate(ctx, out, &n1, in, (int)len) ||
	    !EVP_CipherFinal_ex(ctx, out + n1, &n2) || (size_t)(n1 + n2) != len)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return rc;
}

/* Shared setup of both AEAD directions: cipher, key, salt | iv nonce, AAD. */
static int aead_start(EVP_CIPHER_CTX *ctx, EVP_CIPHER *c,
		      const struct alg *encr, bool encrypt,
		      const uint8_t *key, const uint8_t *iv,
		      const struct crypto_chunk *aad, size_t naad)
{
	size_t klen = encr->key_len - encr->salt_len;
	uint8_t nonce[16];
	int n, ok;

	if ((size_t)EVP_CIPHER_get_key_length(c) != klen ||
	    encr->salt_len + encr->iv_len > sizeof(nonce))
		return -RTX_EINVAL;
	memcpy(nonce, key + klen, encr->salt_len);
	memcpy(nonce + encr->salt_len, iv, encr->iv_len);
	ok = EVP_CipherInit_ex2(ctx, c, NULL, NULL, encrypt ? 1 : 0, NULL) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN,
				 encr->salt_len + encr->iv_len, NULL) > 0 &&
	     EVP_CipherInit_ex2(ctx, NULL, key, nonce, encrypt ? 1 : 0, NULL);
	OPENSSL_cleanse(nonce, sizeof(nonce));
	if (!ok)
		return -RTX_ECRYPTO;
	for (size_t i = 0; i < naad; i++) {
		if (aad[i].len > INT32_MAX)
			return -RTX_EINVAL;
		if (aad[i].len &&
		    !EVP_CipherUpdate(ctx, NULL, &n, aad[i].p, (int)aad[i].len))
			return -RTX_ECRYPTO;
	}
	return 0;
}

/* After aead_start: the text, then the tag checked (open) or made (seal). */
static int aead_finish(EVP_CIPHER_CTX *ctx, const struct alg *encr, bool encrypt,
		       const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	int n1 = 0, n2 = 0;

	if (len && !EVP_CipherUpdate(ctx, out, &n1, in, (int)len))
		return -RTX_ECRYPTO;
	if (!encrypt) {
		if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
					encr->icv_len, tag) <= 0)
			return -RTX_ECRYPTO;
		return EVP_CipherFinal_ex(ctx, out + n1, &n2) > 0 ? 0 : -RTX_EAUTH;
	}
	if (!EVP_CipherFinal_ex(ctx, out + n1, &n2) ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, encr->icv_len,
				tag) <= 0)
		return -RTX_ECRYPTO;
	return 0;
}

static int aead_run(struct crypto_lib *lib, const struct alg *encr,
		    bool encrypt, const uint8_t *key, const uint8_t *iv,
		    const struct crypto_chunk *aad, size_t naad,
		    const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER *c;
	EVP_CIPHER_CTX *ctx;
	int rc;

	if (!encr || encr->type != ALG_ENCR || !encr->aead)
		return -RTX_EINVAL;
	c = get_cipher(lib, encr);
	if (!c)
		return -RTX_EUNSUPP;
	ctx = EVP_CIPHER_CTX_new();
	rc = -RTX_ENOMEM;
	if (ctx)
		rc = len > INT32_MAX ? -RTX_EINVAL
				     : aead_start(ctx, c, encr, encrypt, key, iv, aad, naad);
	if (rc == 0)
		rc = aead_finish(ctx, encr, encrypt, in, len, out, tag);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return rc;
}

int crypto_aead_seal(struct crypto_lib *lib, const struct alg *encr,
		     const uint8_t *key, const uint8_t *iv,
		     const struct crypto_chunk *aad, size_t naad,
		     const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	return aead_run(lib, encr, true, key, iv, aad, naad, in, len, out, tag);
}

int crypto_aead_open(struct crypto_lib *lib, const struct alg *encr,
		     const uint8_t *key, const uint8_t *iv,
		     const struct crypto_chunk *aad, size_t naad,
		     const uint8_t *in, size_t len, uint8_t *out,
		     const uint8_t *tag)
{
	return aead_run(lib, encr, false, key, iv, aad, naad, in, len, out,
			(uint8_t *)tag);
}

static int digest(EVP_MD *md, const char *name, const void *in, size_t len, uint8_t *out,
		  unsigned want)
{
	EVP_MD *own = md ? NULL : EVP_MD_fetch(NULL, name, NULL);
	unsigned n = 0;
	int ok = (md || own) && EVP_Digest(in, len, out, &n, md ? md : own, NULL) == 1 &&
		 n == want;
	EVP_MD_free(own);
	return ok ? 0 : -RTX_ECRYPTO;
}

int crypto_sha1(struct crypto_lib *lib, const void *in, size_t len, uint8_t *out)
{
	return digest(lib ? lib->sha1 : NULL, "SHA1", in, len, out, 20);
}

int crypto_sha256(struct crypto_lib *lib, const void *in, size_t len, uint8_t *out)
{
	return digest(lib ? lib->sha256 : NULL, "SHA256", in, len, out, 32);
}

struct crypto_mac {
	EVP_MAC_CTX *ctx;
	const struct alg *a;
	bool used;             /* a MAC was taken: the next starts over */
};

/* Keys m for a (m->ctx NULL on failure): from the row's keyless context
 * when the library has one. */
static int mac_init(struct crypto_mac *m, struct crypto_lib *lib, const struct alg *a,
		    const uint8_t *key, size_t key_len)
{
	static const uint8_t empty_key[1];
	OSSL_PARAM params[2];

	*m = (struct crypto_mac){ .a = a };
	if (!a || (a->type != ALG_PRF && a->type != ALG_INTEG) || !a->ossl)
		return -RTX_EINVAL;
	EVP_MAC_CTX *tmpl = hmac_of(lib, a);
	EVP_MAC *mac = tmpl ? NULL : get_hmac(lib);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)a->ossl, 0);
	params[1] = OSSL_PARAM_construct_end();
	m->ctx = tmpl ? EVP_MAC_CTX_dup(tmpl) : mac ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac);
	/* A NULL key means "keep the previous key" to OpenSSL: an empty PSK
	 * must still be a (zero-length) key. */
	if (m->ctx && EVP_MAC_init(m->ctx, key ? key : empty_key, key_len,
				   tmpl ? NULL : params))
		return 0;
	EVP_MAC_CTX_free(m->ctx);
	m->ctx = NULL;
	return -RTX_ECRYPTO;
}

int crypto_mac_new(struct crypto_lib *lib, const struct alg *a, const uint8_t *key,
		   size_t key_len, struct crypto_mac **out)
{
	struct crypto_mac *m = malloc(sizeof(*m));
	*out = NULL;
	if (!m)
		return -RTX_ENOMEM;
	int err = mac_init(m, lib, a, key, key_len);
	if (err)
		free(m);
	else
		*out = m;
	return err;
}

int crypto_mac(struct crypto_mac *m, const struct crypto_chunk *in, size_t n, uint8_t *out)
{
	size_t outl = 0;
	/* no key: HMAC starts again from the keyed state it kept */
	if (m->used && !EVP_MAC_init(m->ctx, NULL, 0, NULL))
		return -RTX_ECRYPTO;
	m->used = true;
	for (size_t i = 0; i < n; i++)
		if (in[i].len && !EVP_MAC_update(m->ctx, in[i].p, in[i].len))
			return -RTX_ECRYPTO;
	if (!EVP_MAC_final(m->ctx, out, &outl, m->a->out_len) || outl != m->a->out_len)
		return -RTX_ECRYPTO;
	return 0;
}

void crypto_mac_free(struct crypto_mac *m)
{
	if (!m)
		return;
	EVP_MAC_CTX_free(m->ctx);
	free(m);
}

int crypto_hmac(struct crypto_lib *lib, const struct alg *a,
		const uint8_t *key, size_t key_len,
		const struct crypto_chunk *in, size_t n, uint8_t *out)
{
	struct crypto_mac m;    /* one MAC: no allocation for the key's holder */
	int rc = mac_init(&m, lib, a, key, key_len);
	if (!rc)
		rc = crypto_mac(&m, in, n, out);
	EVP_MAC_CTX_free(m.ctx);
	return rc;
}

int crypto_integ(struct crypto_lib *lib, const struct alg *integ,
		 const uint8_t *key, const struct crypto_chunk *in, size_t n,
		 uint8_t *icv)
{
	uint8_t full[ALG_MAX_PRF_LEN];
	int rc;

	if (!integ || integ->type != ALG_INTEG || integ->out_len > sizeof(full))
		return -RTX_EINVAL;
	rc = crypto_hmac(lib, integ, key, integ->key_len, in, n, full);
	if (rc == 0)
		memcpy(icv, full, integ->icv_len);
	OPENSSL_cleanse(full, sizeof(full));
	return rc;
}

int crypto_integ_verify(struct crypto_lib *lib, const struct alg *integ,
			const uint8_t *key, const struct crypto_chunk *in,
			size_t n, const uint8_t *icv)
{
	uint8_t mine[ALG_MAX_ICV_LEN];
	int rc;

	if (!integ || integ->icv_len > sizeof(mine))
		return -RTX_EINVAL;
	rc = crypto_integ(lib, integ, key, in, n, mine);
	if (rc == 0 && CRYPTO_memcmp(mine, icv, integ->icv_len) != 0)
		rc = -RTX_EAUTH;
	OPENSSL_cleanse(mine, sizeof(mine));
	return rc;
}

int crypto_random(struct crypto_lib *lib, uint8_t *buf, size_t len)
{
	if (len == 0)
		return 0;
	return RAND_bytes_ex(crypto_lib_ctx(lib), buf, len, 0) == 1
		? 0 : -RTX_ECRYPTO;
}

void crypto_free_secret(void *p, size_t len)
{
	if (!p)
		return;
	OPENSSL_cleanse(p, len);
	free(p);
}
