/* libFuzzer target: whole-message decoding, then the payload-info dump and
 * a re-encode of whatever decoded, and SKF reassembly of SKF payloads.
 * Run: ./tests/fuzz/fuzz_msg -max_total_time=60 DIR testdata/fuzz/fuzz_msg */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/msg.h"

static void sink(void *ctx, const char *line)
{
	size_t *n = ctx;
	*n += strlen(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg m;
	int err = msg_decode(&m, data, size, NULL, NULL);
	size_t chars = 0;
	payload_dump_msg(&m, false, sink, &chars);
	if (!err) {
		struct wr w;
		wr_init(&w);
		msg_encode(&m, &w);
		wr_free(&w);
		/* Treat an SK body as if it were the plaintext: exercises the
		 * inner chain and the full rules without needing keys. */
		const struct payload *sk = msg_find(&m, IKEV2_PAYLOAD_SK, 0);
		if (sk)
			msg_decode_inner(&m, sk->u.sk.inner_next, sk->u.sk.data.ptr,
					 sk->u.sk.data.len, NULL, NULL);
		const struct payload *f = msg_find(&m, IKEV2_PAYLOAD_SKF, 0);
		if (f) {
			struct skf_reasm r;
			struct pctx c = { .arena = &m.arena };
			skf_reasm_init(&r);
			if (skf_reasm_add(&r, &c, &f->u.skf, f->u.skf.data.ptr,
					  f->u.skf.data.len) == 1) {
				uint8_t *out, first;
				size_t len;
				if (!skf_reasm_take(&r, &out, &len, &first))
					free(out);
			}
			skf_reasm_reset(&r);
		}
	}
	msg_free(&m);
	return 0;
}
