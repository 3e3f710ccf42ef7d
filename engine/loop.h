/* The one event loop: every file descriptor (tty, console sockets, later
 * the IKE UDP sockets and the netlink event socket), every timer and the
 * signals the process cares about are served by one poll() loop, so
 * nothing needs locks and nothing blocks.
 *
 * Timers run on the router's struct clock: with a virtual clock a test
 * advances time and calls loop_run_once(l, 0) to fire what became due.
 * Timer structs are embedded in their owner (an IKE SA, a session), so
 * arming one never allocates on the hot path except to grow the heap. */
#ifndef RTX_LOOP_H
#define RTX_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct clock;
struct loop;
struct loop_timer;

/* Interest and readiness bits. LOOP_HUP is only ever reported, together
 * with LOOP_READ, so a reader sees the end of file through read(). */
enum loop_events {
	LOOP_READ = 1,
	LOOP_WRITE = 2,
	LOOP_HUP = 4,
};

typedef void loop_fd_fn(struct loop *l, int fd, unsigned revents, void *arg);
typedef void loop_timer_fn(struct loop *l, struct loop_timer *t, void *arg);
typedef void loop_signal_fn(struct loop *l, int signo, void *arg);

struct loop_timer {
	loop_timer_fn *fn;
	void *arg;
	uint64_t due_ms;   /* on the loop's clock */
	uint64_t seq;      /* arm order: equal deadlines fire first-armed first */
	size_t slot;       /* heap index + 1; 0 while disarmed */
};

/* clock NULL: the real clock. */
struct loop *loop_new(struct clock *clock);
/* Disarms nothing the owners still hold: owners disarm their timers and
 * close their fds; signals taken by loop_signal_add are given back. */
void loop_free(struct loop *l);
struct clock *loop_clock(const struct loop *l);

/* One callback per fd; adding an fd twice is -RTX_EEXIST. Removing an fd
 * from inside any callback is safe, also the fd being served. */
int loop_fd_add(struct loop *l, int fd, unsigned events, loop_fd_fn *fn, void *arg);
int loop_fd_set_events(struct loop *l, int fd, unsigned events);
void loop_fd_del(struct loop *l, int fd);

void loop_timer_init(struct loop_timer *t, loop_timer_fn *fn, void *arg);
/* (Re)arms t to fire once, delay_ms from now. 0 or -RTX_ENOMEM. */
int loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t delay_ms);
void loop_timer_disarm(struct loop *l, struct loop_timer *t);
bool loop_timer_armed(const struct loop_timer *t);
/* Milliseconds until the earliest timer, or -1 when none is armed. */
int64_t loop_next_timer_ms(struct loop *l);

/* Deliver signo through the loop (signalfd) instead of a handler: the
 * signal is blocked for the process until loop_free. 0 or negative. */
int loop_signal_add(struct loop *l, int signo, loop_signal_fn *fn, void *arg);

/* Serve one round: wait up to max_wait_ms (-1: until an fd, a timer or a
 * signal is ready; 0: do not wait), dispatch ready fds and signals, then
 * fire the timers that are due. Returns 0 or -RTX_EIO. */
int loop_run_once(struct loop *l, int max_wait_ms);
/* Serve rounds until loop_stop(), or until nothing is left to wait for
 * (no fd with interest, no timer, no signal). */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);
bool loop_stopped(const struct loop *l);

#endif
