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
	if (a->cp_addr.family != b->cp_addr.family)
		return a->cp_addr.family < b->cp_addr.family ? -1 : 1;
	pool_addr u = pool_addr_of(&a->cp_addr), v = pool_addr_of(&b->cp_addr);
	return (u > v) - (u < v);
}

static bool in_pool(const struct pool_config *p, const struct ike_sa_row *w)
{
	pool_addr a = pool_addr_of(&w->cp_addr);
	return w->cp_addr.family == p->family && a >= p->first && a <= p->last;
}

/* A pool's size, or "2^N" past what 64 bits count (IPv6 prefixes). */
static void size_text(const struct pool_config *p, char *buf, size_t cap)
{
	pool_addr n = p->last - p->first;
	if (n >= UINT64_MAX) {
		unsigned bits = 0;
		while (bits < 128 && (n >> bits))
			bits++;
		snprintf(buf, cap, "about 2^%u addresses", bits);
	} else {
		snprintf(buf, cap, "%llu %s", (unsigned long long)n + 1, n ? "addresses" : "address");
	}
}

static void one_pool(FILE *out, const struct pool_config *p, struct ike_sa_row *rows, size_t n)
{
	char first[64], last[64], addr[64], size[48];
	size_t used = 0;
	for (size_t i = 0; i < n; i++)
		used += in_pool(p, &rows[i]);
	struct ip_addr f = pool_ip(p->family, p->first), l = pool_ip(p->family, p->last);
	size_text(p, size, sizeof(size));
	fprintf(out, "Pool %u: %s-%s, %s, %zu in use\n", p->id,
		ip_addr_str(&f, first, sizeof(first)), ip_addr_str(&l, last, sizeof(last)), size,
		used);
	for (size_t i = 0; i < n; i++) {
		const struct ike_sa_row *w = &rows[i];
		if (!in_pool(p, w))
			continue;
		fprintf(out, "  %-15s  gateway %-4u SA[%u]  %s\n",
			ip_addr_str(&w->cp_addr, addr, sizeof(addr)), w->gateway, w->number,
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
		    rows[i].cp_addr.family)
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
