/* RFC 7383 reassembly: fragments in order, out of order, duplicated,
 * re-fragmented with a larger total, and the limits on count and size. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "codec_util.h"
#include "base/err.h"

static struct pctx ctx(struct log *l)
{
	return (struct pctx){ .log = l, .sub = "SA:1/AUTH" };
}

static struct payload_skf frag(uint16_t num, uint16_t total)
{
	static const uint8_t ct[] = { 0xee };
	return (struct payload_skf){ num == 1 ? IKEV2_PAYLOAD_IDI : 0, num, total, { ct, 1 } };
}

static int add(struct skf_reasm *r, uint16_t num, uint16_t total, const char *text)
{
	struct pctx c = ctx(NULL);
	struct payload_skf f = frag(num, total);
	return skf_reasm_add(r, &c, &f, (const uint8_t *)text, strlen(text));
}

static void expect(struct skf_reasm *r, const char *want)
{
	uint8_t *out, first;
	size_t len;
	assert_int_equal(skf_reasm_take(r, &out, &len, &first), 0);
	assert_int_equal(first, IKEV2_PAYLOAD_IDI);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
	free(out);
	assert_int_equal(r->total, 0);     /* the collector is empty again */
}

static void test_in_order(void **state)
{
	(void)state;
	struct skf_reasm r;
	skf_reasm_init(&r);
	assert_int_equal(add(&r, 1, 3, "alpha-"), 0);
	assert_int_equal(add(&r, 2, 3, "beta-"), 0);
	assert_int_equal(add(&r, 3, 3, "gamma"), 1);
	expect(&r, "alpha-beta-gamma");
}

static void test_out_of_order_and_duplicates(void **state)
{
	(void)state;
	struct skf_reasm r;
	uint8_t *out, first;
	size_t len;
	skf_reasm_init(&r);
	assert_int_equal(add(&r, 3, 3, "C"), 0);
	assert_int_equal(skf_reasm_take(&r, &out, &len, &first), -RTX_ENOENT);
	assert_int_equal(add(&r, 3, 3, "X"), 0);          /* duplicate: kept the first */
	assert_int_equal(add(&r, 1, 3, "A"), 0);
	assert_int_equal(r.received, 2);
	assert_int_equal(add(&r, 2, 3, "B"), 1);
	assert_int_equal(add(&r, 2, 3, "Y"), 0);          /* late duplicate */
	expect(&r, "ABC");
}

static void test_total_changes(void **state)
{
	(void)state;
	struct skf_reasm r;
	skf_reasm_init(&r);
	assert_int_equal(add(&r, 1, 2, "old1"), 0);
	/* The sender re-fragmented smaller: the old set is discarded. */
	assert_int_equal(add(&r, 2, 3, "n2"), 0);
	assert_int_equal(r.received, 1);
	assert_int_equal(r.total, 3);
	/* A fragment of the older, smaller set is ignored. */
	assert_int_equal(add(&r, 2, 2, "old2"), 0);
	assert_int_equal(r.received, 1);
	assert_int_equal(add(&r, 1, 3, "n1"), 0);
	assert_int_equal(add(&r, 3, 3, "n3"), 1);
	expect(&r, "n1n2n3");
}

static void test_limits(void **state)
{
	(void)state;
	struct skf_reasm r;
	struct log *l = cap_log();
	struct pctx c = ctx(l);
	skf_reasm_init(&r);
	struct payload_skf f = frag(1, SKF_MAX_FRAGMENTS + 1);
	assert_int_equal(skf_reasm_add(&r, &c, &f, (const uint8_t *)"x", 1), -RTX_ERANGE);
	assert_string_equal(last_line(l),
			    "[IKE2] SA:1/AUTH cannot accept Encrypted Fragment payload");
	assert_int_equal(r.received, 0);
	static uint8_t big[SKF_MAX_BYTES / 2 + 1];
	f = frag(1, 2);
	assert_int_equal(skf_reasm_add(&r, &c, &f, big, sizeof(big)), 0);
	f = frag(2, 2);
	assert_int_equal(skf_reasm_add(&r, &c, &f, big, sizeof(big)), -RTX_ERANGE);
	assert_int_equal(r.total, 0);                     /* dropped altogether */
	f = frag(0, 2);
	assert_int_equal(skf_reasm_add(&r, &c, &f, big, 1), -RTX_EPARSE);
	f = frag(3, 2);
	assert_int_equal(skf_reasm_add(&r, &c, &f, big, 1), -RTX_EPARSE);
	assert_string_equal(last_line(l),
			    "[IKE2] SA:1/AUTH cannot process Encrypted Fragment payload");
	skf_reasm_reset(&r);
	log_free(l);
}

/* The SKF payload of a decoded message feeds the collector. */
static void test_from_message(void **state)
{
	(void)state;
	static uint8_t ct1[40], ct2[40];
	struct skf_reasm r;
	struct pctx c = ctx(NULL);
	skf_reasm_init(&r);
	for (uint16_t n = 2; n >= 1; n--) {
		struct msg m, d;
		struct wr w;
		msg_init(&m, IKEV2_EXCH_IKE_AUTH, 1, IKEV2_FLAG_INITIATOR);
		struct payload *p = msg_add(&m, IKEV2_PAYLOAD_SKF, false);
		p->u.skf = (struct payload_skf){ n == 1 ? IKEV2_PAYLOAD_IDI : 0, n, 2,
						 { n == 1 ? ct1 : ct2, 40 } };
		wr_init(&w);
		assert_int_equal(msg_encode(&m, &w), 0);
		assert_int_equal(msg_decode(&d, w.buf, w.len, NULL, NULL), 0);
		const struct payload *f = msg_find(&d, IKEV2_PAYLOAD_SKF, 0);
		assert_non_null(f);
		/* Stands in for the decrypted fragment. */
		const char *plain = n == 1 ? "first+" : "second";
		assert_int_equal(skf_reasm_add(&r, &c, &f->u.skf, (const uint8_t *)plain,
					       strlen(plain)), n == 1 ? 1 : 0);
		msg_free(&d);
		msg_free(&m);
		wr_free(&w);
	}
	expect(&r, "first+second");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_out_of_order_and_duplicates),
		cmocka_unit_test(test_total_changes),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_from_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
