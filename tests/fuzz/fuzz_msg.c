/* libFuzzer target for message decoding: the header and payload chain, the
 * rules, the payload-info dump and re-encoding of whatever decoded; SK
 * decryption with fixed keys (where the fuzzer cannot forge the ICV, so
 * that path checks refusal); and, treating an SK body as the plaintext
 * inside it, the inner chain, the full rules and an encrypt/decrypt round
 * trip that must give the same payloads back. SKF bodies go through the
 * reassembler.
 *
 * By hand: ./tests/fuzz/fuzz_msg -max_total_time=60 fuzz-work/fuzz_msg \
 *       $(top_srcdir)/tests/fuzz/corpus/fuzz_msg */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alg.h"
#include "engine/crypto.h"
#include "engine/msg.h"

static struct crypto_lib *lib;
static uint8_t ek[ALG_MAX_KEY_LEN], ak[ALG_MAX_KEY_LEN];
static struct sk_keys keys;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (crypto_lib_new(&lib))
		abort();
	memset(ek, 0x4b, sizeof(ek));
	memset(ak, 0xa5, sizeof(ak));
	keys = (struct sk_keys){ alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 128),
				 alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0), ek, ak };
	return 0;
}

static void sink(void *ctx, const char *line)
{
	size_t *n = ctx;
	*n += strlen(line);
}

static int zero_rng(void *arg, uint8_t *buf, size_t len)
{
	(void)arg;
	memset(buf, 0, len);
	return 0;
}

static size_t count_inner(const struct msg *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->npl; i++)
		n += m->pl[i].encrypted;
	return n;
}

/* The same encrypted payloads, in any order: the encoder sorts by the
 * rules, so a peer's order need not survive. */
static bool same_inner(const struct msg *a, const struct msg *b)
{
	if (count_inner(a) != count_inner(b))
		return false;
	for (size_t i = 0; i < a->npl; i++) {
		bool found = !a->pl[i].encrypted;
		for (size_t j = 0; j < b->npl && !found; j++)
			found = payload_equal(&a->pl[i], &b->pl[j]);
		if (!found)
			return false;
	}
	return true;
}

/* m's encrypted payloads survive msg_encrypt + msg_decode + msg_decrypt. */
static void sk_roundtrip(const struct msg *m)
{
	struct wr w;
	struct msg d;
	wr_init(&w);
	if (msg_encrypt(m, lib, &keys, zero_rng, NULL, &w) == 0) {
		if (msg_decode(&d, w.buf, w.len, NULL, NULL) ||
		    msg_decrypt(&d, lib, &keys, NULL, NULL, NULL) || !same_inner(m, &d))
			abort();
		msg_free(&d);
	}
	wr_free(&w);
}

static void skf_once(struct msg *m, const struct payload *f)
{
	struct skf_reasm r;
	struct pctx c = { .arena = &m->arena };
	skf_reasm_init(&r);
	if (skf_reasm_add(&r, &c, &f->u.skf, f->u.skf.data.ptr, f->u.skf.data.len) == 1) {
		uint8_t *out, first;
		size_t len;
		if (!skf_reasm_take(&r, &out, &len, &first))
			free(out);
	}
	skf_reasm_reset(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg m;
	size_t chars = 0;
	int err = msg_decode(&m, data, size, NULL, NULL);
	payload_dump_msg(&m, false, sink, &chars);
	if (!err) {
		struct wr w;
		wr_init(&w);
		msg_encode(&m, &w);
		wr_free(&w);
		struct skf_reasm r;
		skf_reasm_init(&r);
		msg_decrypt(&m, lib, &keys, &r, NULL, NULL);
		skf_reasm_reset(&r);
		const struct payload *sk = msg_find(&m, IKEV2_PAYLOAD_SK, 0);
		if (sk && msg_decode_inner(&m, sk->u.sk.inner_next, sk->u.sk.data.ptr,
					   sk->u.sk.data.len, NULL, NULL) == 0)
			sk_roundtrip(&m);
		const struct payload *f = msg_find(&m, IKEV2_PAYLOAD_SKF, 0);
		if (f)
			skf_once(&m, f);
	}
	msg_free(&m);
	return 0;
}
