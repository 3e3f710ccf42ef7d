/* `?` and TAB: both ask grammar_next_tokens() what may follow the words
 * typed so far, then describe or complete the word being typed. vtysh's
 * rule: a prefix ending in a space asks about the next word. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shell/grammar.h"

struct cand {
	char *word;              /* description or completion */
	const char *help;
	bool pass;               /* from a pass-through row */
};

struct collect {
	const struct rtx_model *m;
	const char *partial;     /* the word being typed, or NULL */
	bool complete;           /* TAB: literal words only */
	bool cr;                 /* the line may end here */
	struct cand *c;
	size_t n;
	bool oom;
};

static void add(struct collect *k, const char *word, const char *help, bool pass)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->c[i].word, word) == 0) {
			k->c[i].pass &= pass;
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
	k->c[k->n++] = (struct cand){ (char *)word, help, pass };
}

static bool starts(const char *s, const char *p)
{
	return !p || strncasecmp(s, p, strlen(p)) == 0;
}

static void add_values(struct collect *k, const struct tok *t, bool pass)
{
	for (size_t i = 0; t->vals && t->vals[i]; i++) {
		const char *v = t->vals[i];
		while (*v) {
			size_t len = strcspn(v, "|");
			char word[64];
			snprintf(word, sizeof(word), "%.*s", (int)(len && v[len - 1] == '*'
				 ? len - 1 : len), v);
			if (starts(word, k->partial) && tok_needs_ok(k->m, t, word))
				add(k, word, t->help, pass);
			v += len + (v[len] == '|');
		}
	}
}

static void add_opts(struct collect *k, const struct tok *t, bool pass)
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
			add(k, word, o->help, pass);
	}
}

static void on_next(void *arg, const struct cmd_row *row, const struct tok *t)
{
	struct collect *k = arg;
	bool pass = row && (row->flags & R_PASS);
	char buf[160];
	if (!t) {
		k->cr = true;
		return;
	}
	if (t->kind == TK_KW) {
		if (starts(t->name, k->partial))
			add(k, t->name, t->help, pass);
	} else if (t->kind == TK_ENUM) {
		add_values(k, t, pass);
	} else if (t->kind == TK_OPTS) {
		add_opts(k, t, pass);
	} else if (k->complete) {
		add_values(k, t, pass);
	} else {
		add(k, tok_describe(k->m, t, buf, sizeof(buf)), t->help, pass);
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
	if (!trailing && n > 0) {
		*partial = ws.w[--n];
		ws.w[n] = NULL;
		ws.n = n;
	}
	k->m = m;
	k->partial = *partial;
	grammar_next_tokens(m, ws.w, n, on_next, k);
	words_free(&ws);
	return !k->oom;
}

void grammar_help(const struct rtx_model *m, const char *prefix, FILE *out)
{
	struct collect k = { 0 };
	char *partial;
	if (run(m, prefix, &k, &partial)) {
		for (size_t i = 0; i < k.n; i++)
			fprintf(out, "  %-28s %s%s\n", k.c[i].word, k.c[i].help,
				k.c[i].pass ? " (not emulated)" : "");
		if (k.cr && !partial)
			fprintf(out, "  %-28s %s\n", "<cr>", "Run the command");
		if (k.n == 0 && !k.cr)
			fprintf(out, "  %-28s %s\n", "(none)", "Nothing can follow");
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
