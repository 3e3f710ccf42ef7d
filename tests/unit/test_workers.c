/* The worker pool: inline without a pool, results delivered on the loop's
 * thread, and jobs dropped (not lost, not delivered) when the pool goes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <cmocka.h>

#include "engine/loop.h"
#include "engine/workers.h"

#define JOBS 200

struct job {
	struct work w;
	unsigned in, out;            /* run computes out from in */
	pthread_t ran_on;
	unsigned done, dropped;
	unsigned *order;             /* the loop's delivery count, when done */
	unsigned delivered_as;
};

static void run(struct work *w)
{
	struct job *j = (struct job *)w;
	j->out = j->in * j->in + 1;
	j->ran_on = pthread_self();
}

static void done(struct work *w)
{
	struct job *j = (struct job *)w;
	j->done++;
	j->delivered_as = ++*j->order;
}

static void drop(struct work *w)
{
	((struct job *)w)->dropped++;
}

static const struct work_ops ops = { run, done, drop };

static void test_inline_without_pool(void **state)
{
	(void)state;
	unsigned order = 0;
	struct job j = { .w.ops = &ops, .in = 7, .order = &order };
	assert_false(workers_submit(NULL, &j.w));
	assert_int_equal(j.out, 50);
	assert_true(pthread_equal(j.ran_on, pthread_self()));
	assert_int_equal(j.done, 0);      /* the caller goes on by itself */
	assert_int_equal(workers_busy(NULL), 0);
}

static bool all_done(const struct job *jobs)
{
	for (size_t i = 0; i < JOBS; i++)
		if (!jobs[i].done)
			return false;
	return true;
}

static void test_results_come_back_on_the_loop(void **state)
{
	(void)state;
	struct loop *l = loop_new(NULL);
	struct workers *ws;
	assert_int_equal(workers_new(l, 3, &ws), 0);
	static struct job jobs[JOBS];
	unsigned order = 0;
	memset(jobs, 0, sizeof(jobs));
	for (unsigned i = 0; i < JOBS; i++) {
		jobs[i] = (struct job){ .w.ops = &ops, .in = i, .order = &order };
		assert_true(workers_submit(ws, &jobs[i].w));
	}
	assert_int_equal(workers_busy(ws), JOBS);
	/* a hang guard, not a timing assertion */
	time_t give_up = time(NULL) + 60;
	while (!all_done(jobs) && time(NULL) < give_up)
		assert_int_equal(loop_run_once(l, 100), 0);
	assert_true(all_done(jobs));
	assert_int_equal(workers_busy(ws), 0);
	bool seen[JOBS + 1] = { false };
	for (unsigned i = 0; i < JOBS; i++) {
		assert_int_equal(jobs[i].out, i * i + 1);
		assert_int_equal(jobs[i].done, 1);
		assert_int_equal(jobs[i].dropped, 0);
		assert_false(pthread_equal(jobs[i].ran_on, pthread_self()));
		assert_in_range(jobs[i].delivered_as, 1, JOBS);
		assert_false(seen[jobs[i].delivered_as]);
		seen[jobs[i].delivered_as] = true;
	}
	workers_free(ws);
	loop_free(l);
}

/* Freed before the loop delivered anything: every job is dropped exactly
 * once, none is delivered, whether it ran already or never started. */
static void test_free_drops_the_rest(void **state)
{
	(void)state;
	struct loop *l = loop_new(NULL);
	struct workers *ws;
	assert_int_equal(workers_new(l, 2, &ws), 0);
	static struct job jobs[JOBS];
	unsigned order = 0;
	for (unsigned i = 0; i < JOBS; i++) {
		jobs[i] = (struct job){ .w.ops = &ops, .in = i, .order = &order };
		workers_submit(ws, &jobs[i].w);
	}
	workers_free(ws);
	for (unsigned i = 0; i < JOBS; i++) {
		assert_int_equal(jobs[i].done, 0);
		assert_int_equal(jobs[i].dropped, 1);
	}
	/* the pool's eventfd left the loop with it */
	assert_int_equal(loop_run_once(l, 0), 0);
	loop_free(l);
}

static void test_free_of_nothing(void **state)
{
	(void)state;
	workers_free(NULL);
	struct loop *l = loop_new(NULL);
	struct workers *ws;
	assert_int_equal(workers_new(l, 1, &ws), 0);
	workers_free(ws);
	loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline_without_pool),
		cmocka_unit_test(test_results_come_back_on_the_loop),
		cmocka_unit_test(test_free_drops_the_rest),
		cmocka_unit_test(test_free_of_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
