#include "engine/router.h"

#include <stdlib.h>
#include <string.h>

#include "engine/clock.h"
#include "engine/log.h"
#include "engine/loop.h"
#include "engine/model.h"

#define ROUTER_LOG_LINES 2000

struct router *router_new(const struct router_opts *opts)
{
	struct router *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->model = opts->model ? opts->model : model_default();
	r->clock = opts->clock ? opts->clock : clock_real();
	r->kernel = opts->kernel;
	r->log = log_new(opts->log_lines ? opts->log_lines : ROUTER_LOG_LINES, r->clock);
	r->loop = loop_new(r->clock);
	if (opts->config_path)
		r->config_path = strdup(opts->config_path);
	if (!r->log || !r->loop || (opts->config_path && !r->config_path)) {
		router_free(r);
		return NULL;
	}
	return r;
}

void router_free(struct router *r)
{
	if (!r)
		return;
	loop_free(r->loop);
	log_free(r->log);
	free(r->config_path);
	free(r);
}
