/* A router with a script console on a virtual clock, for the drivers that
 * feed it config lines and read its console (test_cfgapply,
 * test_router_kernel, test_grammar, test_config_print). Include after
 * <cmocka.h>. */
#ifndef TEST_ROUTER_FIXTURE_H
#define TEST_ROUTER_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "engine/router.h"
#include "shell/cli.h"

struct fx {
	struct clock_virtual clock;
	struct router *r;
	struct cli *c;
	struct cli_session *s;
	char *out;             /* everything the console printed */
	size_t outlen;
	FILE *outf;
};

/* o: the router's options; its clock is the fixture's own. The console
 * session is an administrator's unless admin is false. */
static inline struct fx *fx_start_as(struct router_opts o, bool admin)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	clock_virtual_init(&f->clock, 1700000000);
	o.clock = &f->clock.base;
	f->r = router_new(&o);
	assert_non_null(f->r);
	f->c = cli_new(f->r);
	assert_non_null(f->c);
	f->outf = open_memstream(&f->out, &f->outlen);
	f->s = cli_session_new(f->c, f->outf, admin);
	assert_non_null(f->s);
	return f;
}

static inline struct fx *fx_start(struct router_opts o)
{
	return fx_start_as(o, true);
}

static inline void fx_free(struct fx *f)
{
	cli_session_free(f->s);
	cli_free(f->c);
	router_free(f->r);
	fclose(f->outf);
	free(f->out);
	free(f);
}

/* Runs each line, which must be accepted, then applies. */
static inline void run(struct fx *f, const char *text)
{
	char *copy = strdup(text), *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		int rc = cli_exec(f->s, l, 0);
		const char *w = l + strspn(l, " \t");
		/* a pki file that does not load: reported, and kept */
		if (rc != 0 && !(rc == -RTX_EIO && strncmp(w, "pki ", 4) == 0)) {
			fflush(f->outf);
			fail_msg("line refused: %s\n%s", l, f->out);
		}
	}
	free(copy);
	assert_int_equal(cli_apply(f->c), 0);
}

#endif
