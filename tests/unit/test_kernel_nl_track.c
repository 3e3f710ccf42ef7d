/* The netlink backend's installed-object arrays and their hash index:
 * every item stays findable at its position through pushes, growth and
 * removals in any order, also when all keys collide, and a removed key is
 * never found again. A model array says what should be there. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/kernel_nl.h"

struct item {
	uint32_t key;      /* the leading struct the index reads */
	uint32_t payload;  /* rides along, not compared */
};

static bool key_eq(const void *item, const void *key)
{
	return *(const uint32_t *)item == *(const uint32_t *)key;
}

static uint32_t key_hash(const void *key)
{
	return pos_hash(POS_HASH0, key, sizeof(uint32_t));
}

/* Long probe runs that wrap around the table's end: the case backward
 * shift deletion gets wrong first. */
static uint32_t clash_hash(const void *key)
{
	return *(const uint32_t *)key % 3 == 0 ? 0xffffffffu : 0;
}

/* Every key of the model is found where the item with that key sits, and
 * every key outside it is not found. */
static void check_against(const struct vec *v, const bool *present, uint32_t n_keys)
{
	size_t count = 0;
	for (uint32_t k = 0; k < n_keys; k++) {
		ssize_t i = kernel_nl_vec_find(v, &k);
		if (!present[k]) {
			assert_int_equal(i, -1);
			continue;
		}
		assert_true(i >= 0 && (size_t)i < v->n);
		const struct item *it = kernel_nl_vec_at(v, (size_t)i);
		assert_int_equal(it->key, k);
		assert_int_equal(it->payload, k * 7 + 1);
		count++;
	}
	assert_int_equal(count, v->n);
}

static uint32_t next_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void churn(uint32_t (*hash)(const void *), uint32_t n_keys, unsigned rounds)
{
	struct vec v;
	kernel_nl_vec_init(&v, sizeof(struct item), hash, key_eq);
	bool *present = calloc(n_keys, sizeof(*present));
	assert_non_null(present);
	uint32_t seed = 42;
	for (unsigned r = 0; r < rounds; r++) {
		uint32_t k = next_rand(&seed) % n_keys;
		ssize_t i = kernel_nl_vec_find(&v, &k);
		assert_int_equal(i >= 0, present[k]);
		if (i >= 0) {
			kernel_nl_vec_remove(&v, (size_t)i);
			present[k] = false;
		} else {
			struct item it = { k, k * 7 + 1 };
			assert_int_equal(kernel_nl_vec_push(&v, &it), 0);
			present[k] = true;
		}
		if (r % 97 == 0)
			check_against(&v, present, n_keys);
	}
	check_against(&v, present, n_keys);
	/* flush() pops from the end: the index must follow to empty. */
	while (v.n) {
		const struct item *last = kernel_nl_vec_at(&v, v.n - 1);
		present[last->key] = false;
		kernel_nl_vec_remove(&v, v.n - 1);
	}
	check_against(&v, present, n_keys);
	kernel_nl_vec_free(&v);
	free(present);
}

static void test_churn_spread(void **state)
{
	(void)state;
	churn(key_hash, 600, 20000);
}

static void test_churn_colliding(void **state)
{
	(void)state;
	churn(clash_hash, 200, 6000);
}

/* The backend's scale: 20,000 SAs (10,000 pairs) in, every one found,
 * every other one out again. */
static void test_many(void **state)
{
	(void)state;
	enum { N = 20000 };
	struct vec v;
	kernel_nl_vec_init(&v, sizeof(struct item), key_hash, key_eq);
	for (uint32_t k = 0; k < N; k++) {
		struct item it = { k, k * 7 + 1 };
		assert_int_equal(kernel_nl_vec_push(&v, &it), 0);
	}
	assert_int_equal(v.index.n, v.n);
	bool *present = malloc(N * sizeof(*present));
	assert_non_null(present);
	for (uint32_t k = 0; k < N; k++)
		present[k] = true;
	check_against(&v, present, N);
	for (uint32_t k = 0; k < N; k += 2) {
		ssize_t i = kernel_nl_vec_find(&v, &k);
		assert_true(i >= 0);
		kernel_nl_vec_remove(&v, (size_t)i);
		present[k] = false;
	}
	check_against(&v, present, N);
	kernel_nl_vec_free(&v);
	free(present);
}

/* Without a hash (the few `ip lanN address` items) finds scan. */
static void test_unindexed(void **state)
{
	(void)state;
	struct vec v;
	kernel_nl_vec_init(&v, sizeof(struct item), NULL, key_eq);
	bool present[40] = { false };
	for (uint32_t k = 0; k < 40; k += 3) {
		struct item it = { k, k * 7 + 1 };
		assert_int_equal(kernel_nl_vec_push(&v, &it), 0);
		present[k] = true;
	}
	assert_int_equal(v.index.cap, 0);
	check_against(&v, present, 40);
	kernel_nl_vec_remove(&v, 0);
	present[0] = false;
	check_against(&v, present, 40);
	kernel_nl_vec_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_churn_spread),
		cmocka_unit_test(test_churn_colliding),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_unindexed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
