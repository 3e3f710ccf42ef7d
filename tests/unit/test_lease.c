/* The lease table (engine/lease.c): addresses counted per holder, the
 * lowest free address of a pool, and the point below which a pool is
 * full, against a brute-force model through random holds and releases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "base/err.h"
#include "engine/lease.h"

static struct ip_addr ip(uint8_t family, pool_addr a)
{
	return pool_ip(family, a);
}

static void hold(struct lease_table *t, uint8_t family, pool_addr a)
{
	struct ip_addr x = ip(family, a);
	assert_int_equal(lease_hold(t, &x), 0);
}

static void release(struct lease_table *t, uint8_t family, pool_addr a)
{
	struct ip_addr x = ip(family, a);
	lease_release(t, &x);
}

/* 0 and the address picked, or -RTX_ENOENT */
static int pick(struct lease_table *t, const struct pool_config *p, pool_addr *a)
{
	struct ip_addr x;
	int err = lease_pick(t, p, &x);
	if (!err) {
		assert_int_equal(x.family, p->family);
		*a = pool_addr_of(&x);
	}
	return err;
}

static void test_pick(void **state)
{
	(void)state;
	struct lease_table t = { 0 };
	struct pool_config p = { 1, AF_INET, 0x0a080001, 0x0a080003 };
	pool_addr a;
	assert_int_equal(pick(&t, &p, &a), 0);
	assert_true(a == 0x0a080001);
	/* below the pool, two holders of one address, above it: only 1 and 2 count */
	hold(&t, AF_INET, 0x0a080000);
	hold(&t, AF_INET, 0x0a080001);
	hold(&t, AF_INET, 0x0a080001);
	hold(&t, AF_INET, 0x0a080002);
	hold(&t, AF_INET, 0x0a090001);
	assert_int_equal(pick(&t, &p, &a), 0);
	assert_true(a == 0x0a080003);
	hold(&t, AF_INET, 0x0a080003);
	assert_int_equal(pick(&t, &p, &a), -RTX_ENOENT);
	release(&t, AF_INET, 0x0a080002);      /* an SA went: free again */
	assert_int_equal(pick(&t, &p, &a), 0);
	assert_true(a == 0x0a080002);
	release(&t, AF_INET, 0x0a080001);      /* one of its two holders went */
	assert_int_equal(pick(&t, &p, &a), 0);
	assert_true(a == 0x0a080002);
	/* the same number in the other family is another address */
	struct ip_addr v6 = ip(AF_INET6, 0x0a080002);
	assert_false(lease_held(&t, &v6));
	/* no wrap past the top of either family */
	struct pool_config top = { 2, AF_INET, 0xfffffffe, 0xffffffff };
	hold(&t, AF_INET, 0xfffffffe);
	hold(&t, AF_INET, 0xffffffff);
	assert_int_equal(pick(&t, &top, &a), -RTX_ENOENT);
	struct pool_config top6 = { 3, AF_INET6, ~(pool_addr)0 - 1, ~(pool_addr)0 };
	hold(&t, AF_INET6, ~(pool_addr)0 - 1);
	hold(&t, AF_INET6, ~(pool_addr)0);
	assert_int_equal(pick(&t, &top6, &a), -RTX_ENOENT);
	release(&t, AF_INET6, ~(pool_addr)0);
	assert_int_equal(pick(&t, &top6, &a), 0);
	assert_true(a == ~(pool_addr)0);
	lease_table_free(&t);
}

#define SPAN 96

/* Random holds and releases over two pools that overlap and a range
 * beyond them, pools that change their range under the same id, more
 * pools than the table keeps points for: every answer is the model's. */
static void test_against_a_model(void **state)
{
	(void)state;
	struct lease_table t = { 0 };
	unsigned count[SPAN] = { 0 };
	const pool_addr base = 0x0a080000;
	uint64_t r = 99;
	for (int step = 0; step < 20000; step++) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		unsigned i = (unsigned)(r >> 33) % SPAN, op = (unsigned)(r >> 45) % 3;
		if (op == 0 || !count[i]) {
			hold(&t, AF_INET, base + i);
			count[i]++;
		} else {
			release(&t, AF_INET, base + i);
			count[i]--;
		}
		if (op != 2)
			continue;
		/* a pool of 20 ids whose range moves: [lo, hi] inside SPAN */
		unsigned lo = (unsigned)(r >> 20) % 64, hi = lo + (unsigned)(r >> 10) % 32;
		struct pool_config p = { (unsigned)(r >> 56) % 20 + 1, AF_INET, base + lo, base + hi };
		unsigned want = lo;
		while (want <= hi && count[want])
			want++;
		pool_addr a;
		int err = pick(&t, &p, &a);
		if (want > hi) {
			assert_int_equal(err, -RTX_ENOENT);
		} else {
			assert_int_equal(err, 0);
			assert_true(a == base + want);
		}
		for (unsigned k = 0; k < SPAN; k++) {
			struct ip_addr x = ip(AF_INET, base + k);
			assert_int_equal(lease_held(&t, &x), count[k] != 0);
		}
	}
	for (unsigned k = 0; k < SPAN; k++)
		while (count[k]--)
			release(&t, AF_INET, base + k);
	assert_int_equal(t.held.n, 0);
	lease_table_free(&t);
}

/* Thousands of clients of one pool: filled from the bottom, the table
 * grows, and each pick is the next address. */
static void test_many(void **state)
{
	(void)state;
	struct lease_table t = { 0 };
	struct pool_config p = { 1, AF_INET6, 0x20010db8ull << 32, (0x20010db8ull << 32) + 70000 };
	for (unsigned i = 0; i < 60000; i++) {
		pool_addr a;
		assert_int_equal(pick(&t, &p, &a), 0);
		assert_true(a == p.first + i);
		hold(&t, AF_INET6, a);
	}
	assert_int_equal(t.held.n, 60000);
	release(&t, AF_INET6, p.first + 777);
	pool_addr a;
	assert_int_equal(pick(&t, &p, &a), 0);
	assert_true(a == p.first + 777);
	for (unsigned i = 0; i < 60000; i++)
		if (i != 777)
			release(&t, AF_INET6, p.first + i);
	assert_int_equal(t.held.n, 0);
	lease_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_against_a_model),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
