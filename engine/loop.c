#include "engine/loop.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"

/* Entries are allocated one by one so a callback may add or delete fds
 * while the loop walks a snapshot of them: deleted entries are only marked
 * and swept after the round. */
struct loop_fd {
	int fd;
	unsigned events;
	bool dead;
	loop_fd_fn *fn;
	void *arg;
};

struct loop_sig {
	loop_signal_fn *fn;
	void *arg;
};

struct loop {
	struct clock *clock;
	bool stopped;

	struct loop_fd **fds;
	size_t nfds, fds_cap;
	struct pollfd *pfd;
	size_t pfd_cap;

	/* Binary min-heap on (due_ms, seq). */
	struct loop_timer **heap;
	size_t nheap, heap_cap;
	uint64_t seq;

	int sigfd;
	sigset_t sigs;       /* the signals taken from the process */
	sigset_t old_mask;   /* restored by loop_free */
	struct loop_sig sig[_NSIG];
};

struct loop *loop_new(struct clock *clock)
{
	struct loop *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->clock = clock ? clock : clock_real();
	l->sigfd = -1;
	sigemptyset(&l->sigs);
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nfds; i++)
		free(l->fds[i]);
	free(l->fds);
	free(l->pfd);
	for (size_t i = 0; i < l->nheap; i++)
		l->heap[i]->slot = 0;
	free(l->heap);
	if (l->sigfd >= 0) {
		close(l->sigfd);
		sigprocmask(SIG_SETMASK, &l->old_mask, NULL);
	}
	free(l);
}

struct clock *loop_clock(const struct loop *l)
{
	return l->clock;
}

static struct loop_fd *fd_find(struct loop *l, int fd)
{
	for (size_t i = 0; i < l->nfds; i++)
		if (l->fds[i]->fd == fd && !l->fds[i]->dead)
			return l->fds[i];
	return NULL;
}

int loop_fd_add(struct loop *l, int fd, unsigned events, loop_fd_fn *fn, void *arg)
{
	if (fd < 0 || !fn)
		return -RTX_EINVAL;
	if (fd_find(l, fd))
		return -RTX_EEXIST;
	if (l->nfds == l->fds_cap) {
		size_t cap = l->fds_cap ? l->fds_cap * 2 : 8;
		struct loop_fd **n = realloc(l->fds, cap * sizeof(*n));
		if (!n)
			return -RTX_ENOMEM;
		l->fds = n;
		l->fds_cap = cap;
	}
	struct loop_fd *e = calloc(1, sizeof(*e));
	if (!e)
		return -RTX_ENOMEM;
	*e = (struct loop_fd){ .fd = fd, .events = events, .fn = fn, .arg = arg };
	l->fds[l->nfds++] = e;
	return 0;
}

int loop_fd_set_events(struct loop *l, int fd, unsigned events)
{
	struct loop_fd *e = fd_find(l, fd);
	if (!e)
		return -RTX_ENOENT;
	e->events = events;
	return 0;
}

void loop_fd_del(struct loop *l, int fd)
{
	struct loop_fd *e = fd_find(l, fd);
	if (e)
		e->dead = true;
}

static void fds_sweep(struct loop *l)
{
	size_t j = 0;
	for (size_t i = 0; i < l->nfds; i++) {
		if (l->fds[i]->dead)
			free(l->fds[i]);
		else
			l->fds[j++] = l->fds[i];
	}
	l->nfds = j;
}

/* ---- timers ---- */

static bool timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->due_ms < b->due_ms || (a->due_ms == b->due_ms && a->seq < b->seq);
}

static void heap_place(struct loop *l, size_t i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->slot = i + 1;
}

static void heap_up(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!timer_before(t, l->heap[parent]))
			break;
		heap_place(l, i, l->heap[parent]);
		i = parent;
	}
	heap_place(l, i, t);
}

static void heap_down(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= l->nheap)
			break;
		if (c + 1 < l->nheap && timer_before(l->heap[c + 1], l->heap[c]))
			c++;
		if (!timer_before(l->heap[c], t))
			break;
		heap_place(l, i, l->heap[c]);
		i = c;
	}
	heap_place(l, i, t);
}

void loop_timer_init(struct loop_timer *t, loop_timer_fn *fn, void *arg)
{
	*t = (struct loop_timer){ .fn = fn, .arg = arg };
}

bool loop_timer_armed(const struct loop_timer *t)
{
	return t->slot != 0;
}

void loop_timer_disarm(struct loop *l, struct loop_timer *t)
{
	if (!t->slot)
		return;
	size_t i = t->slot - 1;
	t->slot = 0;
	struct loop_timer *last = l->heap[--l->nheap];
	if (i == l->nheap)
		return;
	heap_place(l, i, last);
	heap_up(l, i);
	heap_down(l, last->slot - 1);
}

int loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t delay_ms)
{
	loop_timer_disarm(l, t);
	if (l->nheap == l->heap_cap) {
		size_t cap = l->heap_cap ? l->heap_cap * 2 : 16;
		struct loop_timer **n = realloc(l->heap, cap * sizeof(*n));
		if (!n)
			return -RTX_ENOMEM;
		l->heap = n;
		l->heap_cap = cap;
	}
	uint64_t now = l->clock->mono_ms(l->clock);
	t->due_ms = delay_ms > UINT64_MAX - now ? UINT64_MAX : now + delay_ms;
	t->seq = l->seq++;
	l->heap[l->nheap] = t;
	l->nheap++;
	heap_up(l, l->nheap - 1);
	return 0;
}

int64_t loop_next_timer_ms(struct loop *l)
{
	if (!l->nheap)
		return -1;
	uint64_t now = l->clock->mono_ms(l->clock);
	uint64_t due = l->heap[0]->due_ms;
	if (due <= now)
		return 0;
	return due - now > INT64_MAX ? INT64_MAX : (int64_t)(due - now);
}

/* Fires what is due now. A timer re-armed by its own callback with a zero
 * delay waits for the next round, so a callback cannot starve the fds. */
static void timers_fire(struct loop *l)
{
	uint64_t now = l->clock->mono_ms(l->clock);
	uint64_t round = l->seq;
	while (l->nheap && !l->stopped) {
		struct loop_timer *t = l->heap[0];
		if (t->due_ms > now || t->seq >= round)
			break;
		loop_timer_disarm(l, t);
		t->fn(l, t, t->arg);
	}
}

/* ---- signals ---- */

static void signals_read(struct loop *l)
{
	struct signalfd_siginfo si;
	for (;;) {
		ssize_t n = read(l->sigfd, &si, sizeof(si));
		if (n != (ssize_t)sizeof(si))
			return;
		int signo = (int)si.ssi_signo;
		if (signo > 0 && signo < _NSIG && l->sig[signo].fn)
			l->sig[signo].fn(l, signo, l->sig[signo].arg);
	}
}

int loop_signal_add(struct loop *l, int signo, loop_signal_fn *fn, void *arg)
{
	if (signo <= 0 || signo >= _NSIG || !fn)
		return -RTX_EINVAL;
	sigset_t want = l->sigs;
	sigaddset(&want, signo);
	sigset_t old;
	if (sigprocmask(SIG_BLOCK, &want, &old) < 0)
		return -RTX_EIO;
	int fd = signalfd(l->sigfd, &want, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -RTX_EIO;
	}
	if (l->sigfd < 0)
		l->old_mask = old;
	l->sigfd = fd;
	l->sigs = want;
	l->sig[signo] = (struct loop_sig){ fn, arg };
	return 0;
}

/* ---- running ---- */

static int poll_timeout(struct loop *l, int max_wait_ms)
{
	int64_t next = loop_next_timer_ms(l);
	if (next < 0)
		return max_wait_ms;
	if (next > INT_MAX)
		next = INT_MAX;
	if (max_wait_ms < 0 || next < max_wait_ms)
		return (int)next;
	return max_wait_ms;
}

static int pfd_build(struct loop *l, size_t *count)
{
	size_t need = l->nfds + 1;
	if (need > l->pfd_cap) {
		struct pollfd *n = realloc(l->pfd, need * sizeof(*n));
		if (!n)
			return -RTX_ENOMEM;
		l->pfd = n;
		l->pfd_cap = need;
	}
	size_t n = 0;
	for (size_t i = 0; i < l->nfds; i++) {
		struct loop_fd *e = l->fds[i];
		short ev = 0;
		if (e->events & LOOP_READ)
			ev |= POLLIN;
		if (e->events & LOOP_WRITE)
			ev |= POLLOUT;
		/* An fd with no interest stays listed (fd -1) so that pfd[i]
		 * keeps matching fds[i]. */
		l->pfd[n++] = (struct pollfd){ .fd = ev ? e->fd : -1, .events = ev };
	}
	l->pfd[n++] = (struct pollfd){ .fd = l->sigfd, .events = POLLIN };
	*count = n;
	return 0;
}

static unsigned revents_of(short re)
{
	unsigned r = 0;
	if (re & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
		r |= LOOP_READ;
	if (re & POLLOUT)
		r |= LOOP_WRITE;
	if (re & (POLLHUP | POLLERR | POLLNVAL))
		r |= LOOP_HUP;
	return r;
}

static void fds_dispatch(struct loop *l, size_t count)
{
	/* count - 1: the last slot is the signalfd. New fds added by a
	 * callback sit past the snapshot and wait for the next round. */
	for (size_t i = 0; i + 1 < count && !l->stopped; i++) {
		struct loop_fd *e = l->fds[i];
		if (e->dead || !l->pfd[i].revents || l->pfd[i].fd < 0)
			continue;
		e->fn(l, e->fd, revents_of(l->pfd[i].revents), e->arg);
	}
}

int loop_run_once(struct loop *l, int max_wait_ms)
{
	size_t count;
	int rc = pfd_build(l, &count);
	if (rc < 0)
		return rc;
	int n = poll(l->pfd, count, poll_timeout(l, max_wait_ms));
	if (n < 0 && errno != EINTR)
		return -RTX_EIO;
	if (n > 0) {
		if (l->sigfd >= 0 && l->pfd[count - 1].revents)
			signals_read(l);
		fds_dispatch(l, count);
	}
	fds_sweep(l);
	timers_fire(l);
	return 0;
}

static bool loop_idle(const struct loop *l)
{
	if (l->nheap || l->sigfd >= 0)
		return false;
	for (size_t i = 0; i < l->nfds; i++)
		if (!l->fds[i]->dead && l->fds[i]->events)
			return false;
	return true;
}

int loop_run(struct loop *l)
{
	/* Nothing left to wait for would block poll() forever. */
	while (!l->stopped && !loop_idle(l)) {
		int rc = loop_run_once(l, -1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stopped = true;
}

bool loop_stopped(const struct loop *l)
{
	return l->stopped;
}
