/* The sim backend's hash index finds every element of its array through
 * additions, removals that move the last element into the hole, growth
 * and clearing, also when every key collides (the probe runs are long and
 * the gap closing of a removal is what keeps them reachable). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "kernel/sim_index.h"

struct arr {
	unsigned key[4096];
	size_t n;
	unsigned hash_mod;   /* keys hash to key % hash_mod: collisions on purpose */
};

static uint64_t key_hash(const struct arr *a, unsigned key)
{
	unsigned k = key % a->hash_mod;
	return sim_hash_bytes(SIM_HASH_INIT, &k, sizeof(k));
}

static uint64_t hash_at(const void *ctx, size_t pos)
{
	const struct arr *a = ctx;
	return key_hash(a, a->key[pos]);
}

static bool match_at(const void *ctx, size_t pos, const void *key)
{
	return ((const struct arr *)ctx)->key[pos] == *(const unsigned *)key;
}

static bool find(const struct sim_index *x, const struct arr *a, unsigned key, size_t *pos)
{
	return sim_index_find(x, a, key_hash(a, key), &key, pos);
}

static void add(struct sim_index *x, struct arr *a, unsigned key)
{
	a->key[a->n] = key;
	assert_int_equal(sim_index_add(x, a), 0);
	a->n++;
}

static void del(struct sim_index *x, struct arr *a, size_t pos)
{
	sim_index_del(x, a, pos);
	a->key[pos] = a->key[--a->n];
}

/* Every element is found at its position, and a few absent keys are not. */
static void check_all(const struct sim_index *x, const struct arr *a)
{
	size_t pos;
	for (size_t i = 0; i < a->n; i++) {
		assert_true(find(x, a, a->key[i], &pos));
		assert_int_equal(pos, i);
	}
	assert_false(find(x, a, 999999, &pos));
}

static void churn(unsigned hash_mod)
{
	struct arr *a = calloc(1, sizeof(*a));
	struct sim_index x;
	assert_non_null(a);
	a->hash_mod = hash_mod;
	sim_index_init(&x, hash_at, match_at);
	srand(7);
	unsigned next = 1;
	for (int round = 0; round < 3000; round++) {
		if (a->n < 3 || (rand() % 3 && a->n < 2000))
			add(&x, a, next++);
		else
			del(&x, a, (size_t)rand() % a->n);
		if (round % 97 == 0)
			check_all(&x, a);
	}
	check_all(&x, a);
	while (a->n)
		del(&x, a, a->n / 2);
	check_all(&x, a);
	sim_index_free(&x);
	free(a);
}

static void test_distinct_keys(void **state)
{
	(void)state;
	churn(1000000);
}

static void test_colliding_keys(void **state)
{
	(void)state;
	churn(5);
}

static void test_clear(void **state)
{
	(void)state;
	struct arr *a = calloc(1, sizeof(*a));
	struct sim_index x;
	size_t pos;
	assert_non_null(a);
	a->hash_mod = 1000;
	sim_index_init(&x, hash_at, match_at);
	assert_false(find(&x, a, 1, &pos));   /* nothing allocated yet */
	for (unsigned k = 1; k <= 100; k++)
		add(&x, a, k);
	sim_index_clear(&x);
	a->n = 0;
	assert_false(find(&x, a, 5, &pos));
	add(&x, a, 5);
	check_all(&x, a);
	sim_index_free(&x);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distinct_keys),
		cmocka_unit_test(test_colliding_keys),
		cmocka_unit_test(test_clear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
