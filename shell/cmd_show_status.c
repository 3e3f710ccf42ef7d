/* `show status ipsec`: what the engine does to stay bounded under load
 * (issue 15): half-open IKE SAs against their limits, the COOKIE
 * threshold, what was turned away, and the log lines held back. Not an
 * RTX command; the RTX has no such figures to show. */
#include <stdio.h>

#include "base/log.h"
#include "engine/config.h"
#include "engine/ike.h"
#include "engine/model.h"
#include "engine/router.h"
#include "shell/cmd.h"

static void limit(FILE *out, const char *label, unsigned v)
{
	if (v)
		fprintf(out, "  %-24s%u\n", label, v);
	else
		fprintf(out, "  %-24snone\n", label);
}

enum gerr cmd_show_status_ipsec(struct cli_session *s, const struct cmd_args *a)
{
	(void)a;
	struct router *r = s->c->r;
	struct ike_half_open_status st = {
		.cookie_threshold = IKE_COOKIE_THRESHOLD, .per_source = IKE_HALF_OPEN_PER_SOURCE,
		.max = IKE_HALF_OPEN_MAX,
	};
	if (cli_apply(s->c) < 0)
		return GE_NOMEM;
	if (r->engine)
		ike_half_open_status(r->engine, &st);
	FILE *out = s->out;
	fprintf(out, "Half-open IKE SAs:        %u from %u %s\n", st.half_open, st.sources,
		st.sources == 1 ? "address" : "addresses");
	fprintf(out, "  %-24s%u half-open IKE SAs\n", "COOKIE required from:", st.cookie_threshold);
	limit(out, "Limit per address:", st.per_source);
	limit(out, "Limit in all:", st.max);
	fprintf(out, "  %-24s%llu\n", "COOKIEs sent:", (unsigned long long)st.cookies_sent);
	fprintf(out, "  %-24s%llu (address limit), %llu (limit in all)\n", "IKE_SA_INIT ignored:",
		(unsigned long long)st.dropped_per_source, (unsigned long long)st.dropped_max);
	/* At the model's default rtxsh keeps a deeper queue (router.c). */
	const struct ipsec_config *c = r->ipsec;
	if (c->model && c->queue_length != c->model->queue_default)
		fprintf(out, "IKE receive queue:        %u datagrams", c->queue_length);
	else
		fputs("IKE receive queue:        the model's default (rtxsh queues deeper)", out);
	fprintf(out, ", %llu dropped when full\n", (unsigned long long)router_ike_queue_drops(r));
	fprintf(out, "Log lines suppressed:     %llu\n", log_suppressed(r->log));
	return GE_OK;
}
