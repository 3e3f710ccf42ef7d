/* `show config`: walks the stored lines in the router's canonical order.
 *
 * The order, kept stable on purpose (transcripts and round trips rely on
 * it): sections in enum cfg_section order -
 *   console/syslog, ip route, ip lanN, pp blocks, tunnel blocks,
 *   ip filter, nat descriptor, global ipsec, pki/auth, the rest;
 * inside a section by table position of the setting, then key (numbers
 * compared as numbers), or input order for lines kept as typed.
 *
 * A tunnel block is `tunnel select N` followed by its lines indented by one
 * space; right after its `ipsec tunnel P` come, indented by two, the
 * `ipsec sa policy P` line and every gateway-keyed `ipsec ike ...` line of
 * that policy's gateway (as real RTX dumps show). A policy used by no
 * tunnel prints with the global ipsec lines; so do the lines of gateways
 * used by no tunnel, grouped per gateway in ascending order, after the
 * global ones. `tunnel enable N` ends its block. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "shell/cfgprint.h"
#include "shell/cfgstore.h"
#include "shell/grammar.h"

#define PP_ANONYMOUS 0xffffffffu

/* Digit runs compare by value (so 10.2.0.0 < 10.10.0.0 and 2 < 10);
 * `default` (ip route) sorts before any prefix. */
static int word_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	bool da = la == 7 && strncmp(a, "default", 7) == 0;
	bool db = lb == 7 && strncmp(b, "default", 7) == 0;
	if (da != db)
		return da ? -1 : 1;
	size_t i = 0, j = 0;
	while (i < la && j < lb) {
		if (isdigit((unsigned char)a[i]) && isdigit((unsigned char)b[j])) {
			while (i < la && a[i] == '0')
				i++;
			while (j < lb && b[j] == '0')
				j++;
			size_t ni = i, nj = j;
			while (ni < la && isdigit((unsigned char)a[ni]))
				ni++;
			while (nj < lb && isdigit((unsigned char)b[nj]))
				nj++;
			if (ni - i != nj - j)
				return ni - i < nj - j ? -1 : 1;
			int r = strncmp(a + i, b + j, ni - i);
			if (r)
				return r;
			i = ni;
			j = nj;
		} else if (a[i] != b[j]) {
			return (unsigned char)a[i] < (unsigned char)b[j] ? -1 : 1;
		} else {
			i++;
			j++;
		}
	}
	return i < la ? 1 : j < lb ? -1 : 0;
}

/* Word by word, numbers by value: "ipsec ike version 2" < "... 10". */
static int key_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		size_t la = strcspn(a, " "), lb = strcspn(b, " ");
		int r = word_cmp(a, la, b, lb);
		if (r)
			return r;
		a += la + (a[la] == ' ');
		b += lb + (b[lb] == ' ');
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct cfg_entry *a = *(const struct cfg_entry *const *)pa;
	const struct cfg_entry *b = *(const struct cfg_entry *const *)pb;
	if (a->row->section != b->row->section)
		return a->row->section < b->row->section ? -1 : 1;
	if (a->ctx != b->ctx)
		return a->ctx < b->ctx ? -1 : 1;
	size_t oa = row_order(a->row), ob = row_order(b->row);
	if (oa != ob)
		return oa < ob ? -1 : 1;
	if (!(a->row->flags & R_SEQ)) {
		int r = key_cmp(a->key, b->key);
		if (r)
			return r;
	}
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The gateway a gateway-keyed ipsec line belongs to, or 0. */
static unsigned entry_gw(const struct cfg_entry *e)
{
	if (e->row->section != SEC_IPSEC)
		return 0;
	for (size_t i = 0; i < e->row->nkey && i < e->n; i++)
		if (e->row->tok[i].kind == TK_GW)
			return (unsigned)strtoul(e->w[i], NULL, 10);
	return 0;
}

static int gw_cmp(const void *pa, const void *pb)
{
	const struct cfg_entry *a = *(const struct cfg_entry *const *)pa;
	const struct cfg_entry *b = *(const struct cfg_entry *const *)pb;
	unsigned ga = entry_gw(a), gb = entry_gw(b);
	if (ga != gb)
		return ga < gb ? -1 : 1;
	return entry_cmp(pa, pb);
}

struct printer {
	struct cfgstore *st;
	FILE *out;
	struct cfg_entry **all;     /* canonical order */
	size_t n;
	struct cfg_entry **bygw;    /* gateway-keyed lines by gateway */
	size_t ngw;
};

static void emit(FILE *out, struct cfg_entry *e, int indent)
{
	fprintf(out, "%*s%s\n", indent, "", e->line);
	e->mark = true;
}

static void print_gateway(struct printer *p, unsigned gw, int indent)
{
	size_t lo = 0, hi = p->ngw;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (entry_gw(p->bygw[mid]) < gw)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < p->ngw && entry_gw(p->bygw[lo]) == gw; lo++)
		if (!p->bygw[lo]->mark)
			emit(p->out, p->bygw[lo], indent);
}

static void print_nested(struct printer *p, const struct cfg_entry *tun)
{
	char key[64];
	if (tun->n < 3)
		return;
	snprintf(key, sizeof(key), "ipsec sa policy %s", tun->w[2]);
	struct cfg_entry *pol = (struct cfg_entry *)cfgstore_find(p->st,
		"ipsec sa policy", 0, key);
	if (!pol || pol->mark || pol->n < 5)
		return;
	emit(p->out, pol, 2);
	print_gateway(p, (unsigned)strtoul(pol->w[4], NULL, 10), 2);
}

static size_t print_block(struct printer *p, size_t i, const char *what)
{
	unsigned ctx = p->all[i]->ctx;
	enum cfg_section sec = p->all[i]->row->section;
	if (ctx == PP_ANONYMOUS)
		fprintf(p->out, "%s select anonymous\n", what);
	else
		fprintf(p->out, "%s select %u\n", what, ctx);
	for (; i < p->n && p->all[i]->ctx == ctx && p->all[i]->row->section == sec; i++) {
		struct cfg_entry *e = p->all[i];
		emit(p->out, e, 1);
		if (strcmp(e->row->setting, "ipsec tunnel") == 0)
			print_nested(p, e);
	}
	return i;
}

static bool collect(struct printer *p)
{
	size_t n = cfgstore_count(p->st);
	p->all = calloc(n + 1, sizeof(*p->all));
	p->bygw = calloc(n + 1, sizeof(*p->bygw));
	if (!p->all || !p->bygw)
		return false;
	for (const struct cfg_entry *c = cfgstore_first(p->st); c; c = c->next) {
		struct cfg_entry *e = (struct cfg_entry *)c;
		e->mark = false;
		p->all[p->n++] = e;
		if (entry_gw(e))
			p->bygw[p->ngw++] = e;
	}
	qsort(p->all, p->n, sizeof(*p->all), entry_cmp);
	qsort(p->bygw, p->ngw, sizeof(*p->bygw), gw_cmp);
	return true;
}

void cfgprint(struct cfgstore *st, FILE *out, unsigned tunnel_only)
{
	struct printer p = { .st = st, .out = out };
	if (!collect(&p))
		goto out;
	for (size_t i = 0; i < p.n;) {
		struct cfg_entry *e = p.all[i];
		enum cfg_section sec = e->row->section;
		if (tunnel_only && (sec != SEC_TUNNEL || e->ctx != tunnel_only)) {
			i++;
		} else if (sec == SEC_PP) {
			i = print_block(&p, i, "pp");
		} else if (sec == SEC_TUNNEL) {
			i = print_block(&p, i, "tunnel");
		} else {
			/* Gateways used by no tunnel: each one's lines together,
			 * gateways in ascending order. */
			if (!e->mark && entry_gw(e)) {
				for (size_t g = 0; g < p.ngw; g++)
					if (!p.bygw[g]->mark)
						emit(out, p.bygw[g], 0);
			} else if (!e->mark)
				emit(out, e, 0);
			i++;
		}
	}
out:
	free(p.all);
	free(p.bygw);
}
