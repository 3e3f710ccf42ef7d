/* The positions of an array chained by hash (base/pos_index.c), against
 * the array itself: random appends, key changes and swap-removes, as
 * the user table and a tunnel's selectors make them; after each, every
 * hash asked yields exactly the positions whose key has it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/pos_index.h"

enum { MAX = 5000 };

static uint32_t key_hash(unsigned key)
{
	return pos_hash(POS_HASH0, &key, sizeof(key));
}

/* Every key of the universe: the positions the index yields for its hash
 * are those whose key hashes alike, each once. */
static void check(const struct pos_index *x, const unsigned *keys, size_t n, unsigned universe)
{
	static unsigned char seen[MAX];
	assert_int_equal(x->n, n);
	for (unsigned k = 0; k < universe; k++) {
		uint32_t h = key_hash(k);
		size_t want = 0, got = 0;
		memset(seen, 0, n);
		for (size_t i = 0; i < n; i++)
			want += key_hash(keys[i]) == h;
		for (size_t p = pos_index_first(x, h); p != POS_NONE; p = pos_index_next(x, p)) {
			assert_true(p < n);
			assert_int_equal(key_hash(keys[p]), h);
			assert_int_equal(seen[p], 0);
			seen[p] = 1;
			got++;
		}
		assert_int_equal(got, want);
	}
}

static void run(unsigned universe, unsigned steps, unsigned every, unsigned seed)
{
	struct pos_index x = { 0 };
	static unsigned keys[MAX];
	size_t n = 0;
	srand(seed);
	for (unsigned i = 0; i < steps; i++) {
		unsigned op = (unsigned)rand() % 10, k = (unsigned)rand() % universe;
		if (n && op < 3) {
			size_t pos = (size_t)rand() % n;
			pos_index_swap_remove(&x, pos);
			keys[pos] = keys[--n];
		} else if (n && op < 5) {
			size_t pos = (size_t)rand() % n;
			keys[pos] = k;
			pos_index_rehash(&x, pos, key_hash(k));
		} else if (n < MAX) {
			assert_int_equal(pos_index_reserve(&x, n + 1), 0);
			keys[n++] = k;
			pos_index_push(&x, key_hash(k));
		}
		if (i % every == 0)
			check(&x, keys, n, universe);
	}
	check(&x, keys, n, universe);
	pos_index_clear(&x);
	check(&x, keys, 0, universe);
	pos_index_free(&x);
}

/* Few keys: long chains of one hash, removal of heads and middles. */
static void test_few_keys(void **state)
{
	(void)state;
	run(7, 5000, 1, 1);
}

/* Many: the index grows and relinks under the changes. */
static void test_many_keys(void **state)
{
	(void)state;
	run(20000, 12000, 1500, 2);
}

/* FNV-1a's published value for "a", so the hash is the one named; an
 * address hashes only the bytes its family uses. */
static void test_hash(void **state)
{
	(void)state;
	assert_int_equal(pos_hash(POS_HASH0, "a", 1), 0xe40c292cu);
	assert_int_equal(pos_hash(POS_HASH0, "", 0), POS_HASH0);
	struct ip_addr a, b;
	assert_int_equal(ip_addr_parse("192.0.2.1", &a), 0);
	b = a;
	b.bytes[9] = 0x55;
	assert_int_equal(pos_hash_addr(POS_HASH0, &a), pos_hash_addr(POS_HASH0, &b));
	assert_int_equal(ip_addr_parse("2001:db8::1", &b), 0);
	assert_int_not_equal(pos_hash_addr(POS_HASH0, &a), pos_hash_addr(POS_HASH0, &b));
}

static void test_empty(void **state)
{
	(void)state;
	struct pos_index x = { 0 };
	assert_int_equal(pos_index_first(&x, key_hash(1)), POS_NONE);
	pos_index_clear(&x);
	pos_index_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_few_keys),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
