#include "engine/workers.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/err.h"
#include "engine/loop.h"

/* One lock for both lists: jobs are few (one per handshake step) and
 * each runs for a hundred microseconds or more, so contention is not
 * where the time goes. The eventfd wakes the loop once per batch. */
struct workers {
	struct loop *loop;
	int efd;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	struct work *queue, **queue_tail;
	struct work *done, **done_tail;
	unsigned busy;          /* loop thread only: submitted, not delivered */
	unsigned n;
	pthread_t th[];
};

static void append(struct work ***tail, struct work *w)
{
	w->next = NULL;
	**tail = w;
	*tail = &w->next;
}

static void *worker_main(void *arg)
{
	struct workers *ws = arg;
	pthread_mutex_lock(&ws->mu);
	for (;;) {
		while (!ws->stop && !ws->queue)
			pthread_cond_wait(&ws->cv, &ws->mu);
		if (ws->stop)
			break;
		struct work *w = ws->queue;
		if (!(ws->queue = w->next))
			ws->queue_tail = &ws->queue;
		pthread_mutex_unlock(&ws->mu);
		w->ops->run(w);
		pthread_mutex_lock(&ws->mu);
		bool wake = !ws->done;
		append(&ws->done_tail, w);
		if (wake) {
			uint64_t one = 1;
			/* a full counter still leaves the fd readable */
			ssize_t r = write(ws->efd, &one, sizeof(one));
			(void)r;
		}
	}
	pthread_mutex_unlock(&ws->mu);
	return NULL;
}

static void deliver(struct loop *l, int fd, unsigned revents, void *arg)
{
	(void)l;
	(void)revents;
	struct workers *ws = arg;
	uint64_t n;
	ssize_t r = read(fd, &n, sizeof(n));   /* EAGAIN: another round took it */
	(void)r;
	pthread_mutex_lock(&ws->mu);
	struct work *w = ws->done;
	ws->done = NULL;
	ws->done_tail = &ws->done;
	pthread_mutex_unlock(&ws->mu);
	while (w) {
		struct work *next = w->next;
		ws->busy--;
		w->ops->done(w);
		w = next;
	}
}

static void drop_list(struct work *w)
{
	while (w) {
		struct work *next = w->next;
		w->ops->drop(w);
		w = next;
	}
}

int workers_new(struct loop *l, unsigned n, struct workers **out)
{
	struct workers *ws = calloc(1, sizeof(*ws) + n * sizeof(ws->th[0]));
	*out = NULL;
	if (!ws)
		return -RTX_ENOMEM;
	ws->loop = l;
	ws->queue_tail = &ws->queue;
	ws->done_tail = &ws->done;
	pthread_mutex_init(&ws->mu, NULL);
	pthread_cond_init(&ws->cv, NULL);
	ws->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int err = ws->efd < 0 ? -RTX_EIO : loop_fd_add(l, ws->efd, LOOP_READ, deliver, ws);
	/* Signals are the loop's (its signalfd, the line editor's SIGINT,
	 * SIGTSTP, SIGWINCH): the threads start with all of them blocked. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	while (!err && ws->n < n)
		if (pthread_create(&ws->th[ws->n], NULL, worker_main, ws))
			err = -RTX_ENOMEM;
		else
			ws->n++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		workers_free(ws);
		return err;
	}
	*out = ws;
	return 0;
}

void workers_free(struct workers *ws)
{
	if (!ws)
		return;
	pthread_mutex_lock(&ws->mu);
	ws->stop = true;
	pthread_cond_broadcast(&ws->cv);
	pthread_mutex_unlock(&ws->mu);
	for (unsigned i = 0; i < ws->n; i++)
		pthread_join(ws->th[i], NULL);
	drop_list(ws->queue);
	drop_list(ws->done);
	if (ws->efd >= 0) {
		loop_fd_del(ws->loop, ws->efd);
		close(ws->efd);
	}
	pthread_cond_destroy(&ws->cv);
	pthread_mutex_destroy(&ws->mu);
	free(ws);
}

bool workers_submit(struct workers *ws, struct work *w)
{
	if (!ws) {
		w->ops->run(w);
		return false;
	}
	pthread_mutex_lock(&ws->mu);
	append(&ws->queue_tail, w);
	pthread_cond_signal(&ws->cv);
	pthread_mutex_unlock(&ws->mu);
	ws->busy++;
	return true;
}

unsigned workers_busy(const struct workers *ws)
{
	return ws ? ws->busy : 0;
}
