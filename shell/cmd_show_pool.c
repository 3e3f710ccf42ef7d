/* `show ipsec ike mode-cfg pool [pool_id]`: each address pool of the
 * remote-access server and who holds its addresses now. The reference
 * names no show command for the pools; this one sits beside the command
 * that configures them. A lease is a live IKE SA answered with an
 * address of the pool (engine/pool.h: nothing else records it). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ip_addr.h"
#include "engine/config.h"
#include "engine/ike.h"
#include "engine/pool.h"
#include "engine/router.h"
#include "shell/cmd.h"

static int by_addr(const void *x, const void *y)
{
	const struct ike_sa_row *a = x, *b = y;
	return (a->cp_addr4 > b->cp_addr4) - (a->cp_addr4 < b->cp_addr4);
}

static void one_pool(FILE *out, const struct pool_config *p, struct ike_sa_row *rows, size_t n)
{
	char first[16], last[16], addr[16];
	size_t used = 0;
	for (size_t i = 0; i < n; i++)
		used += rows[i].cp_addr4 >= p->first && rows[i].cp_addr4 <= p->last;
	ip4_str(p->first, first, sizeof(first));
	ip4_str(p->last, last, sizeof(last));
	unsigned long long size = (unsigned long long)p->last - p->first + 1;
	fprintf(out, "Pool %u: %s-%s, %llu %s, %zu in use\n", p->id, first, last, size,
		size == 1 ? "address" : "addresses", used);
	for (size_t i = 0; i < n; i++) {
		const struct ike_sa_row *w = &rows[i];
		if (w->cp_addr4 < p->first || w->cp_addr4 > p->last)
			continue;
		ip4_str(w->cp_addr4, addr, sizeof(addr));
		fprintf(out, "  %-15s  gateway %-4u SA[%u]  %s\n", addr, w->gateway, w->number,
			w->eap_user[0] ? w->eap_user : w->remote_id);
	}
}

enum gerr cmd_show_pool(struct cli_session *s, const struct cmd_args *a)
{
	struct router *r = s->c->r;
	unsigned only = a->n > 5 ? (unsigned)strtoul(a->w[5], NULL, 10) : 0;
	if (cli_apply(s->c) < 0)
		return GE_NOMEM;
	const struct pool_table *t = r->ipsec->pools;
	if (only && !pool_find(t, only))
		return (s->detail = strdup(a->w[5])) ? GE_INVALID : GE_NOMEM;
	struct ike_sa_row *rows = NULL;
	size_t n = 0, k = 0;
	if (r->engine && ike_sa_rows(r->engine, &rows, &n) < 0)
		return GE_NOMEM;
	/* the leases: IKE SAs this router answered with an address */
	for (size_t i = 0; i < n; i++)
		if (rows[i].kind == IKE_SA_ROW_IKE && rows[i].established && !rows[i].eap_client &&
		    rows[i].cp_addr4)
			rows[k++] = rows[i];
	if (k > 1)
		qsort(rows, k, sizeof(*rows), by_addr);
	if (!t || !t->n)
		fputs("No address pool (ipsec ike mode-cfg address pool).\n", s->out);
	for (size_t i = 0; t && i < t->n; i++)
		if (!only || t->pools[i].id == only)
			one_pool(s->out, &t->pools[i], rows, k);
	free(rows);
	return GE_OK;
}
