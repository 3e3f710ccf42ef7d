/* A small pool of threads for the engine's expensive, side-effect-free
 * work (DH key generation and derivation, SKEYSEED and SK_*): a job runs
 * on a worker and its result comes back to the loop's thread, where the
 * engine's state lives. Jobs touch nothing but what they own and the
 * crypto library (its fetched algorithms are read-only after creation).
 *
 * Without a pool (NULL) a job runs inline, at once, in the caller: the
 * virtual-clock tests and scenario runs stay deterministic, and the code
 * after a job is the same either way. */
#ifndef RTX_WORKERS_H
#define RTX_WORKERS_H

#include <stdbool.h>

struct loop;
struct work;

/* run: on a worker (or inline). done: on the loop's thread after an
 * asynchronous run. drop: instead of done, when the pool goes away with
 * the job unfinished or its result not yet delivered (frees the job). */
struct work_ops {
	void (*run)(struct work *w);
	void (*done)(struct work *w);
	void (*drop)(struct work *w);
};

struct work {
	const struct work_ops *ops;
	struct work *next;
};

struct workers;

/* Starts n threads whose results reach the loop l; 0 or a negative rtx_err. */
int workers_new(struct loop *l, unsigned n, struct workers **out);
/* Stops the threads; unfinished and undelivered jobs are dropped. */
void workers_free(struct workers *ws);

/* false: the job ran inline (ws NULL) and the caller goes on with its
 * result; true: it was queued and ops->done will get the result later. */
bool workers_submit(struct workers *ws, struct work *w);

/* Jobs queued, running or waiting for delivery (0 without a pool). */
unsigned workers_busy(const struct workers *ws);

#endif
