/* struct router owns everything one emulated router has: no global mutable
 * state, so tests and benchmarks can run many routers in one process.
 * The shell keeps its own per-router state (grammar, config lines) beside
 * it and never the other way round: the engine includes no shell header. */
#ifndef RTX_ROUTER_H
#define RTX_ROUTER_H

#include <stdbool.h>

#include "kernel/kernel.h"

struct clock;
struct log;
struct loop;
struct rtx_model;

struct router {
	const struct rtx_model *model;
	struct clock *clock;
	struct log *log;
	struct loop *loop;        /* the one event loop, on clock */
	enum kernel_backend kernel;
	char *config_path;        /* -c FILE: where `save` writes; may be NULL */
	bool shutdown;            /* set by `shutdown` or a signal: leave the loop */
};

struct router_opts {
	const struct rtx_model *model;   /* NULL: the default model */
	struct clock *clock;             /* NULL: the real clock */
	enum kernel_backend kernel;
	const char *config_path;
	unsigned log_lines;              /* 0: the default ring size */
};

struct router *router_new(const struct router_opts *opts);
void router_free(struct router *r);

#endif
