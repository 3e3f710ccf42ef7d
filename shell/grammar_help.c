/* `?` and TAB: both ask grammar_next_tokens() what may follow the words
 * typed so far, then describe or complete the word being typed. vtysh's
 * rule: a prefix ending in a space asks about the next word. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/model.h"
#include "shell/grammar.h"

struct cand {
	char *word;              /* description or completion */
	const char *help;
	bool pass;               /* only from pass-through rows */
	unsigned char miss;      /* R_ADMIN, R_TUNNEL, R_PP, R_RA the scope lacks for
				  * every row offering it (0: may run now) */
};

struct collect {
	const struct rtx_model *m;
	const struct help_scope *scope;  /* NULL: TAB, every row */
	const char *partial;     /* the word being typed, or NULL */
	bool complete;           /* TAB: literal words only */
	bool cr;                 /* the line may end here (a row in scope) */
	bool cr_other;           /* ... only for a row out of scope */
	struct cand *c;
	size_t n;
	bool oom;
};

/* What the scope (and model m) lacks to run row (NULL: the `no` keyword,
 * which only administrator mode may use). */
static unsigned char row_miss(const struct help_scope *sc, const struct rtx_model *m,
			      const struct cmd_row *row)
{
	unsigned flags = row ? row->flags : R_ADMIN;
	unsigned char miss = 0;
	if (!sc)
		return 0;
	if ((flags & R_ADMIN) && !sc->admin)
		miss |= R_ADMIN;
	if ((flags & R_TUNNEL) && !sc->tunnel)
		miss |= R_TUNNEL;
	if ((flags & R_PP) && !sc->pp)
		miss |= R_PP;
	if ((flags & R_RA) && m && !m->remote_access)
		miss |= R_RA;
	return miss;
}

static void add(struct collect *k, const char *word, const char *help, bool pass,
		unsigned char miss)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->c[i].word, word) == 0) {
			k->c[i].pass &= pass;
			k->c[i].miss &= miss;
			return;
		}
	struct cand *c = realloc(k->c, (k->n + 1) * sizeof(*c));
	if (!c || !(word = strdup(word))) {
		if (c)
			k->c = c;
		k->oom = true;
		return;
	}
	k->c = c;
	k->c[k->n++] = (struct cand){ (char *)word, help, pass, miss };
}

static bool starts(const char *s, const char *p)
{
	return !p || strncasecmp(s, p, strlen(p)) == 0;
}

static void add_values(struct collect *k, const struct tok *t, bool pass,
		       unsigned char miss)
{
	for (size_t i = 0; t->vals && t->vals[i]; i++) {
		const char *v = t->vals[i];
		while (*v) {
			size_t len = strcspn(v, "|");
			char word[64];
			snprintf(word, sizeof(word), "%.*s", (int)(len && v[len - 1] == '*'
				 ? len - 1 : len), v);
			if (starts(word, k->partial) && tok_needs_ok(k->m, t, word))
				add(k, word, t->help, pass, miss);
			v += len + (v[len] == '|');
		}
	}
}

/* `?` before a value is typed: one line naming every value of the token
 * ("3des-cbc|des-cbc|aes-cbc|aes256-cbc  Cipher"); aliases are accepted
 * but not listed. */
static void add_enum_line(struct collect *k, const struct tok *t, bool pass,
			  unsigned char miss)
{
	char line[512];
	size_t used = 0;
	line[0] = '\0';
	for (size_t i = 0; t->vals && t->vals[i] && used < sizeof(line); i++) {
		char word[64];
		size_t len = strcspn(t->vals[i], "|*");
		snprintf(word, sizeof(word), "%.*s", (int)len, t->vals[i]);
		if (!tok_needs_ok(k->m, t, word))
			continue;
		int w = snprintf(line + used, sizeof(line) - used, "%s%s", used ? "|" : "", word);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (used)
		add(k, line, t->help, pass, miss);
}

static void add_opts(struct collect *k, const struct tok *t, bool pass, unsigned char miss)
{
	char buf[128], word[160];
	for (const struct tok *o = t->opts; o && o->kind != TK_END; o++) {
		if (k->complete) {
			snprintf(word, sizeof(word), "%s=", o->name);
		} else {
			const char *d = o->kind == TK_ENUM || o->kind == TK_INT
				? tok_describe(k->m, o, buf, sizeof(buf)) : "<value>";
			snprintf(word, sizeof(word), "%s=%s", o->name, d);
		}
		if (starts(o->name, k->partial))
			add(k, word, o->help, pass, miss);
	}
}

static void on_next(void *arg, const struct cmd_row *row, const struct tok *t)
{
	struct collect *k = arg;
	bool pass = row && (row->flags & R_PASS);
	unsigned char miss = row_miss(k->scope, k->m, row);
	char buf[160];
	if (!t) {
		if (miss)
			k->cr_other = true;
		else
			k->cr = true;
		return;
	}
	if (t->kind == TK_KW) {
		if (starts(t->name, k->partial))
			add(k, t->name, t->help, pass, miss);
	} else if (t->kind == TK_ENUM) {
		if (k->complete || k->partial)
			add_values(k, t, pass, miss);
		else
			add_enum_line(k, t, pass, miss);
	} else if (t->kind == TK_OPTS) {
		add_opts(k, t, pass, miss);
	} else if (k->complete) {
		add_values(k, t, pass, miss);
	} else {
		add(k, tok_describe(k->m, t, buf, sizeof(buf)), t->help, pass, miss);
	}
}

static void collect_free(struct collect *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->c[i].word);
	free(k->c);
}

/* Splits prefix into complete words and the partial last one. */
static bool run(const struct rtx_model *m, const char *prefix, struct collect *k,
		char **partial)
{
	struct words ws;
	size_t bad;
	size_t len = strlen(prefix);
	bool trailing = len == 0 || isspace((unsigned char)prefix[len - 1]);
	*partial = NULL;
	if (words_split(prefix, &ws, &bad) != GE_OK)
		return false;
	size_t n = ws.n;
	if (!trailing && n > 0 && !(*partial = strdup(ws.w[--n]))) {
		words_free(&ws);
		return false;
	}
	k->m = m;
	k->partial = *partial;
	grammar_next_tokens(m, ws.w, n, on_next, k);
	words_free(&ws);
	return !k->oom;
}

/* As the RTX lists them: alphabetically. */
static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	return strcmp(x->word, y->word);
}

#define HELP_COL 28

static void print_line(FILE *out, const char *word, const char *help,
		       const struct cand *c)
{
	char note[96] = "";
	if (c && (c->miss & R_ADMIN))
		strcat(note, " (administrator mode)");
	if (c && (c->miss & R_TUNNEL))
		strcat(note, " (after tunnel select)");
	if (c && (c->miss & R_PP))
		strcat(note, " (after pp select)");
	if (c && (c->miss & R_RA))
		strcat(note, " (not on this model)");
	if (c && c->pass)
		strcat(note, " (not emulated)");
	if (strlen(word) > HELP_COL)   /* a long list of values: help below */
		fprintf(out, "  %s\n  %-*s %s%s\n", word, HELP_COL, "", help, note);
	else
		fprintf(out, "  %-*s %s%s\n", HELP_COL, word, help, note);
}

void grammar_help(const struct rtx_model *m, const char *prefix,
		  const struct help_scope *scope, FILE *out)
{
	static const struct help_scope everything = { true, true, true, true };
	struct collect k = { .scope = scope ? scope : &everything };
	char *partial;
	bool all = k.scope->all;
	if (run(m, prefix, &k, &partial)) {
		size_t shown = 0, rest = 0;
		if (k.n)   /* qsort of a NULL array is undefined even for 0 */
			qsort(k.c, k.n, sizeof(*k.c), cmp_cand);
		for (size_t i = 0; i < k.n; i++)   /* what may run here, first */
			if (!k.c[i].pass && !k.c[i].miss) {
				print_line(out, k.c[i].word, k.c[i].help, NULL);
				shown++;
			}
		for (size_t i = 0; i < k.n; i++)
			if (k.c[i].pass || k.c[i].miss) {
				if (all)
					print_line(out, k.c[i].word, k.c[i].help, &k.c[i]);
				rest++;
			}
		if ((k.cr || (all && k.cr_other)) && !partial)
			print_line(out, "<cr>", "Run the command", NULL);
		else if (k.cr_other && !partial)
			rest++;
		if (rest && !all)
			fprintf(out, "  (%zu more: not emulated, or for another mode; "
				"? again lists them)\n", rest);
		if (shown == 0 && rest == 0 && !k.cr && !k.cr_other)
			print_line(out, "(none)", "Nothing can follow", NULL);
	}
	free(partial);
	collect_free(&k);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t grammar_complete(const struct rtx_model *m, const char *prefix,
			char ***out)
{
	struct collect k = { .complete = true };
	char *partial;
	*out = NULL;
	if (!run(m, prefix, &k, &partial) || k.n == 0) {
		free(partial);
		collect_free(&k);
		return 0;
	}
	char **r = calloc(k.n, sizeof(*r));
	if (!r) {
		free(partial);
		collect_free(&k);
		return 0;
	}
	for (size_t i = 0; i < k.n; i++) {
		r[i] = k.c[i].word;
		k.c[i].word = NULL;
	}
	size_t n = k.n;
	qsort(r, n, sizeof(*r), cmp_str);
	free(partial);
	collect_free(&k);
	*out = r;
	return n;
}
