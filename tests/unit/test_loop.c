/* The event loop: fds, timers on a virtual clock, signals, stop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/clock.h"
#include "base/err.h"
#include "engine/loop.h"

struct fixture {
	struct clock_virtual clock;
	struct loop *loop;
	char trace[256];   /* what fired, in order */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	clock_virtual_init(&f->clock, 0);
	f->loop = loop_new(&f->clock.base);
	*state = f;
	return f->loop ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	loop_free(f->loop);
	free(f);
	return 0;
}

static void trace(struct fixture *f, const char *what)
{
	strncat(f->trace, what, sizeof(f->trace) - strlen(f->trace) - 1);
}

/* ---- fds ---- */

struct reader {
	struct fixture *f;
	char got[64];
	size_t len;
	int eof;
};

static void on_read(struct loop *l, int fd, unsigned revents, void *arg)
{
	struct reader *r = arg;
	assert_true(revents & LOOP_READ);
	ssize_t n = read(fd, r->got + r->len, sizeof(r->got) - 1 - r->len);
	if (n <= 0) {
		r->eof++;
		loop_fd_del(l, fd);
		return;
	}
	r->len += (size_t)n;
}

static void test_fd_read_and_eof(void **state)
{
	struct fixture *f = *state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	struct reader r = { .f = f };
	assert_int_equal(loop_fd_add(f->loop, p[0], LOOP_READ, on_read, &r), 0);
	assert_int_equal(loop_fd_add(f->loop, p[0], LOOP_READ, on_read, &r), -RTX_EEXIST);

	/* Nothing ready: a zero wait returns without calling back. */
	assert_int_equal(loop_run_once(f->loop, 0), 0);
	assert_int_equal(r.len, 0);

	assert_int_equal(write(p[1], "abc", 3), 3);
	assert_int_equal(loop_run_once(f->loop, 0), 0);
	assert_string_equal(r.got, "abc");

	close(p[1]);
	assert_int_equal(loop_run_once(f->loop, 0), 0);
	assert_int_equal(r.eof, 1);
	/* Deleted from its own callback: never called again, and loop_run
	 * returns at once because nothing is left to wait for. */
	assert_int_equal(loop_run_once(f->loop, 0), 0);
	assert_int_equal(r.eof, 1);
	assert_int_equal(loop_run(f->loop), 0);
	close(p[0]);
}

static void on_write(struct loop *l, int fd, unsigned revents, void *arg)
{
	struct fixture *f = arg;
	assert_true(revents & LOOP_WRITE);
	assert_int_equal(write(fd, "x", 1), 1);
	trace(f, "w");
	loop_fd_set_events(l, fd, 0);  /* written once: lose interest */
}

static void test_fd_write_interest(void **state)
{
	struct fixture *f = *state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(loop_fd_add(f->loop, p[1], LOOP_WRITE, on_write, f), 0);
	loop_run_once(f->loop, 0);
	loop_run_once(f->loop, 0);
	assert_string_equal(f->trace, "w");
	char c;
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(loop_fd_set_events(f->loop, 99999, LOOP_READ), -RTX_ENOENT);
	loop_fd_del(f->loop, p[1]);
	close(p[0]);
	close(p[1]);
}

/* A callback that deletes another ready fd: the deleted one must not be
 * called in the same round, even though poll() reported it. */
struct pair {
	struct fixture *f;
	int other;
};

static void on_kill_other(struct loop *l, int fd, unsigned revents, void *arg)
{
	(void)fd;
	(void)revents;
	struct pair *p = arg;
	trace(p->f, "k");
	loop_fd_del(l, p->other);
	loop_fd_del(l, fd);
}

static void test_fd_delete_other_in_callback(void **state)
{
	struct fixture *f = *state;
	int a[2], b[2];
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	assert_int_equal(write(a[1], "1", 1), 1);
	assert_int_equal(write(b[1], "1", 1), 1);
	struct pair pa = { f, b[0] }, pb = { f, a[0] };
	loop_fd_add(f->loop, a[0], LOOP_READ, on_kill_other, &pa);
	loop_fd_add(f->loop, b[0], LOOP_READ, on_kill_other, &pb);
	loop_run_once(f->loop, 0);
	assert_string_equal(f->trace, "k");
	close(a[0]); close(a[1]); close(b[0]); close(b[1]);
}

/* ---- timers ---- */

static void on_timer(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	struct fixture *f = *(struct fixture **)arg;
	trace(f, (const char *)((void **)arg)[1]);
}

static void test_timers_virtual_clock(void **state)
{
	struct fixture *f = *state;
	void *ca[2] = { f, "a" }, *cb[2] = { f, "b" }, *cc[2] = { f, "c" };
	struct loop_timer a, b, c;
	loop_timer_init(&a, on_timer, ca);
	loop_timer_init(&b, on_timer, cb);
	loop_timer_init(&c, on_timer, cc);
	assert_int_equal(loop_next_timer_ms(f->loop), -1);
	loop_timer_arm(f->loop, &a, 300);
	loop_timer_arm(f->loop, &b, 100);
	loop_timer_arm(f->loop, &c, 100);   /* same deadline: after b */
	assert_true(loop_timer_armed(&a));
	assert_int_equal(loop_next_timer_ms(f->loop), 100);

	clock_virtual_advance(&f->clock, 99);
	loop_run_once(f->loop, 0);
	assert_string_equal(f->trace, "");
	clock_virtual_advance(&f->clock, 1);
	loop_run_once(f->loop, 0);
	assert_string_equal(f->trace, "bc");
	assert_false(loop_timer_armed(&b));
	assert_int_equal(loop_next_timer_ms(f->loop), 200);

	/* Re-arming moves a timer; disarming removes it. */
	loop_timer_arm(f->loop, &b, 50);
	loop_timer_disarm(f->loop, &a);
	loop_timer_disarm(f->loop, &a);    /* twice is harmless */
	clock_virtual_advance(&f->clock, 1000);
	loop_run_once(f->loop, 0);
	assert_string_equal(f->trace, "bcb");
	assert_int_equal(loop_next_timer_ms(f->loop), -1);
}

/* Many timers armed in random order fire in deadline order. */
static void on_order(struct loop *l, struct loop_timer *t, void *arg)
{
	uint64_t *last = arg;
	(void)l;
	assert_true(t->due_ms >= *last);
	*last = t->due_ms;
}

static void test_timer_heap_order(void **state)
{
	struct fixture *f = *state;
	enum { N = 200 };
	struct loop_timer t[N];
	uint64_t last = 0;
	srand(7);
	for (int i = 0; i < N; i++) {
		loop_timer_init(&t[i], on_order, &last);
		loop_timer_arm(f->loop, &t[i], (uint64_t)(rand() % 1000));
	}
	for (int i = 0; i < N; i += 3)
		loop_timer_disarm(f->loop, &t[i]);
	clock_virtual_advance(&f->clock, 1000);
	loop_run_once(f->loop, 0);
	for (int i = 0; i < N; i++)
		assert_false(loop_timer_armed(&t[i]));
	assert_true(last > 0);
}

/* A timer that re-arms itself with no delay fires once per round. */
static void on_rearm(struct loop *l, struct loop_timer *t, void *arg)
{
	int *n = arg;
	(*n)++;
	loop_timer_arm(l, t, 0);
}

static void test_timer_rearm_zero_no_starvation(void **state)
{
	struct fixture *f = *state;
	int n = 0;
	struct loop_timer t;
	loop_timer_init(&t, on_rearm, &n);
	loop_timer_arm(f->loop, &t, 0);
	loop_run_once(f->loop, 0);
	assert_int_equal(n, 1);
	loop_run_once(f->loop, 0);
	assert_int_equal(n, 2);
	loop_timer_disarm(f->loop, &t);
}

/* ---- stop and signals ---- */

static void on_stop(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)t;
	(*(int *)arg)++;
	loop_stop(l);
}

static void test_stop_from_timer(void **state)
{
	struct fixture *f = *state;
	int fired = 0;
	struct loop_timer t1, t2;
	loop_timer_init(&t1, on_stop, &fired);
	loop_timer_init(&t2, on_stop, &fired);
	loop_timer_arm(f->loop, &t1, 0);
	loop_timer_arm(f->loop, &t2, 0);
	assert_false(loop_stopped(f->loop));
	assert_int_equal(loop_run(f->loop), 0);
	assert_true(loop_stopped(f->loop));
	/* The stop takes effect at once: the second due timer waits. */
	assert_int_equal(fired, 1);
	assert_true(loop_timer_armed(&t2));
	loop_timer_disarm(f->loop, &t2);
}

static void on_signal(struct loop *l, int signo, void *arg)
{
	*(int *)arg = signo;
	loop_stop(l);
}

static void test_signal_through_loop(void **state)
{
	struct fixture *f = *state;
	int got = 0;
	assert_int_equal(loop_signal_add(f->loop, SIGUSR1, on_signal, &got), 0);
	assert_int_equal(loop_signal_add(f->loop, 0, on_signal, &got), -RTX_EINVAL);
	/* Blocked and queued: the process survives and the loop sees it. */
	raise(SIGUSR1);
	assert_int_equal(loop_run(f->loop), 0);
	assert_int_equal(got, SIGUSR1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fd_read_and_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_write_interest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_delete_other_in_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timers_virtual_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_heap_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_rearm_zero_no_starvation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_from_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_through_loop, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
