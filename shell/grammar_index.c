/* An index over the one command table: a trie of the rows' leading plain
 * keywords, built once. Matching a line tried it against every row in
 * turn, and a 6000-tunnel config's 100,000 lines spent most of their
 * matching time failing rows on a keyword ("ipsec ike hash" against
 * ~80 other `ipsec` rows). The table stays the only description of the
 * grammar: the index only says which rows a line can reach. */
#include "shell/grammar.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

struct gi_node {
	const char *kw;              /* NULL at the root */
	int parent;
	size_t first, nrows;         /* its rows: gi.rows[first .. first + nrows) */
};

/* Children are found by (parent, keyword) in one open-addressing table:
 * the root alone has some forty. */
static struct {
	struct gi_node *node;
	size_t nnode;
	int *slot;                   /* node index + 1; 0: empty */
	size_t mask;
	unsigned short *rows;        /* grouped by node, table order inside */
	bool ok;
} gi;

static pthread_once_t gi_once = PTHREAD_ONCE_INIT;

/* A keyword that must be there: optional or repeated ones end the run. */
static bool plain_kw(const struct tok *t)
{
	return t->kind == TK_KW && !(t->flags & (T_OPT | T_REPEAT));
}

static size_t slot_hash(int parent, const char *word)
{
	uint32_t h = 2166136261u ^ (uint32_t)parent;
	for (; *word; word++)
		h = (h ^ (unsigned char)tolower((unsigned char)*word)) * 16777619u;
	return h;
}

/* The child of parent named word, or -1 with *free_slot where it would go. */
static int child_find(int parent, const char *word, size_t *free_slot)
{
	size_t k = slot_hash(parent, word) & gi.mask;
	for (; gi.slot[k]; k = (k + 1) & gi.mask) {
		const struct gi_node *c = &gi.node[gi.slot[k] - 1];
		if (c->parent == parent && strcasecmp(c->kw, word) == 0)
			return gi.slot[k] - 1;
	}
	*free_slot = k;
	return -1;
}

/* The node that ends row r's leading keywords, made if missing. */
static int node_of(const struct cmd_row *r)
{
	int at = 0;
	for (size_t i = 0; i < ROW_TOKS && plain_kw(&r->tok[i]); i++) {
		size_t k;
		int c = child_find(at, r->tok[i].name, &k);
		if (c < 0) {
			c = (int)gi.nnode++;
			gi.node[c] = (struct gi_node){ .kw = r->tok[i].name, .parent = at };
			gi.slot[k] = c + 1;
		}
		at = c;
	}
	return at;
}

static void gi_build(void)
{
	size_t most = cmd_table_len * ROW_TOKS + 1, nslot = 16;
	while (nslot < 2 * most)
		nslot *= 2;
	int *of = calloc(cmd_table_len, sizeof(*of));
	gi.node = calloc(most, sizeof(*gi.node));
	gi.slot = calloc(nslot, sizeof(*gi.slot));
	gi.rows = calloc(cmd_table_len, sizeof(*gi.rows));
	if (!of || !gi.node || !gi.slot || !gi.rows || cmd_table_len > USHRT_MAX) {
		free(gi.node);
		free(gi.slot);
		free(gi.rows);
		free(of);
		return;
	}
	gi.mask = nslot - 1;
	gi.node[0] = (struct gi_node){ .parent = -1 };
	gi.nnode = 1;
	for (size_t i = 0; i < cmd_table_len; i++) {
		of[i] = node_of(&cmd_table[i]);
		gi.node[of[i]].nrows++;
	}
	for (size_t k = 0, at = 0; k < gi.nnode; k++) {
		gi.node[k].first = at;
		at += gi.node[k].nrows;
		gi.node[k].nrows = 0;
	}
	for (size_t i = 0; i < cmd_table_len; i++) {
		struct gi_node *nd = &gi.node[of[i]];
		gi.rows[nd->first + nd->nrows++] = (unsigned short)i;
	}
	free(of);
	gi.ok = true;
}

static size_t rows_by_walk(char *const *w, size_t n, unsigned short *out)
{
	size_t count = 0;
	for (size_t i = 0; i < cmd_table_len; i++) {
		const struct cmd_row *r = &cmd_table[i];
		size_t k = 0;
		while (k < ROW_TOKS && plain_kw(&r->tok[k]) && k < n &&
		       strcasecmp(r->tok[k].name, w[k]) == 0)
			k++;
		if (k == ROW_TOKS || !plain_kw(&r->tok[k]))
			out[count++] = (unsigned short)i;
	}
	return count;
}

size_t grammar_index_rows(char *const *w, size_t n, unsigned short *out)
{
	pthread_once(&gi_once, gi_build);
	if (!gi.ok)     /* out of memory once: the same rows by a walk */
		return rows_by_walk(w, n, out);
	const struct gi_node *path[ROW_TOKS + 1];
	size_t depth = 0, pos[ROW_TOKS + 1] = { 0 }, count = 0, k;
	int at = 0;
	if (gi.node[0].nrows)
		path[depth++] = &gi.node[0];
	for (size_t i = 0; i < n && i < ROW_TOKS && (at = child_find(at, w[i], &k)) >= 0; i++)
		if (gi.node[at].nrows)   /* most keywords only lead to others */
			path[depth++] = &gi.node[at];
	/* Each node's rows are in table order; merged, the first row that
	 * matches is the one a walk over the whole table finds first. */
	for (;;) {
		size_t best = depth;
		for (size_t d = 0; d < depth; d++)
			if (pos[d] < path[d]->nrows &&
			    (best == depth || gi.rows[path[d]->first + pos[d]] <
						      gi.rows[path[best]->first + pos[best]]))
				best = d;
		if (best == depth)
			return count;
		out[count++] = gi.rows[path[best]->first + pos[best]++];
	}
}
