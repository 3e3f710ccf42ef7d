/* Addresses counted by holder (base/addr_count.c), against a brute-force
 * model: random adds and removes over few addresses (high counts, both
 * families, an IPv4 and an IPv6 address with the same first bytes) and
 * over many (growth, and the last entry moved into a freed place). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "base/addr_count.h"

/* Address k of a universe: even k IPv4 10.0.x.y, odd k IPv6 whose first
 * four bytes are the IPv4 one's. */
static struct ip_addr addr_k(unsigned k)
{
	struct ip_addr a = { .family = k & 1 ? AF_INET6 : AF_INET };
	unsigned v = k >> 1;
	a.bytes[0] = 10;
	a.bytes[1] = (uint8_t)(v >> 16);
	a.bytes[2] = (uint8_t)(v >> 8);
	a.bytes[3] = (uint8_t)v;
	if (a.family == AF_INET6)
		a.bytes[15] = 1;
	return a;
}

static void check_all(const struct addr_count *t, const unsigned *model, unsigned universe)
{
	size_t n = 0;
	for (unsigned k = 0; k < universe; k++) {
		struct ip_addr a = addr_k(k);
		assert_int_equal(addr_count_of(t, &a), model[k]);
		n += model[k] != 0;
	}
	assert_int_equal(t->n, n);
}

static void run_model(unsigned universe, unsigned steps, unsigned seed)
{
	struct addr_count t = { 0 };
	unsigned *model = calloc(universe, sizeof(*model));
	assert_non_null(model);
	srand(seed);
	for (unsigned i = 0; i < steps; i++) {
		unsigned k = (unsigned)rand() % universe;
		struct ip_addr a = addr_k(k);
		/* adds outnumber removes early on, then the table drains */
		if ((unsigned)rand() % steps >= i) {
			assert_int_equal(addr_count_add(&t, &a), 0);
			model[k]++;
		} else {
			if (model[k])
				model[k]--;
			assert_int_equal(addr_count_remove(&t, &a), model[k]);
		}
		if (universe <= 64 || i % 997 == 0)
			check_all(&t, model, universe);
	}
	check_all(&t, model, universe);
	addr_count_free(&t);
	assert_int_equal(t.n, 0);
	free(model);
}

static void test_few_addresses(void **state)
{
	(void)state;
	run_model(9, 20000, 1);
}

static void test_many_addresses(void **state)
{
	(void)state;
	run_model(40000, 200000, 2);
}

/* An IPv4 address is its first four bytes: what lies beyond is not part
 * of it (ip_addr_equal), here as much as in a lookup. */
static void test_ipv4_tail_ignored(void **state)
{
	(void)state;
	struct addr_count t = { 0 };
	struct ip_addr a = addr_k(4), junk = a;
	memset(junk.bytes + 4, 0xee, 12);
	assert_int_equal(addr_count_add(&t, &a), 0);
	assert_int_equal(addr_count_add(&t, &junk), 0);
	assert_int_equal(addr_count_of(&t, &a), 2);
	assert_int_equal(t.n, 1);
	assert_int_equal(addr_count_remove(&t, &junk), 1);
	assert_int_equal(addr_count_remove(&t, &a), 0);
	assert_int_equal(addr_count_remove(&t, &a), 0);
	assert_int_equal(t.n, 0);
	addr_count_free(&t);
}

/* Every address of a run added, then removed from the middle outwards:
 * each removal moves another entry into the freed place. */
static void test_run_drained(void **state)
{
	(void)state;
	struct addr_count t = { 0 };
	enum { N = 30000 };
	for (unsigned k = 0; k < N; k++) {
		struct ip_addr a = addr_k(2 * k);
		assert_int_equal(addr_count_add(&t, &a), 0);
	}
	assert_int_equal(t.n, N);
	for (unsigned i = 0; i < N; i++) {
		unsigned k = i % 2 ? N / 2 + i / 2 : N / 2 - 1 - i / 2;
		struct ip_addr a = addr_k(2 * k);
		assert_int_equal(addr_count_remove(&t, &a), 0);
		assert_int_equal(addr_count_of(&t, &a), 0);
		if (i % 1000 == 0) {
			struct ip_addr low = addr_k(0), high = addr_k(2 * (N - 1));
			assert_int_equal(addr_count_of(&t, &low), 1);
			assert_int_equal(addr_count_of(&t, &high), 1);
		}
	}
	struct ip_addr first = addr_k(0);
	assert_int_equal(addr_count_of(&t, &first), 0);
	assert_int_equal(t.n, 0);
	addr_count_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_few_addresses),
		cmocka_unit_test(test_many_addresses),
		cmocka_unit_test(test_ipv4_tail_ignored),
		cmocka_unit_test(test_run_drained),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
