/* The matcher: splits a line into words, walks the table's rows with a small
 * backtracking matcher (optional groups, repeats, key=value options), and
 * is the one place that turns matcher and handler statuses into text.
 * grammar_next_tokens() is what `?`, TAB and the `no` forms build on. */
#include "shell/grammar.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINE_MAX_BYTES 4096
#define WORDS_MAX 256

/* ---- words ---------------------------------------------------------- */

/* What each byte may be to the splitter and joiner: printable ASCII but
 * '#' and '"' is none of these, and a word is mostly such bytes. */
enum { B_END = 1, B_SPACE = 2, B_HASH = 4, B_QUOTE = 8 };
static const unsigned char byte_class[256] = {
	[0] = B_END, [0x01 ... 0x20] = B_SPACE, ['#'] = B_HASH, ['"'] = B_QUOTE,
	[0x7f ... 0xff] = B_SPACE,
};

/* isspace() for the bytes B_SPACE marks, the locale asked only outside
 * ASCII's space and printable characters: those are graph characters,
 * never space in any locale (POSIX). */
static inline bool is_space(unsigned char c)
{
	return c == ' ' || ((byte_class[c] & B_SPACE) && isspace(c));
}

/* One block per line: the word pointers, their offsets, then the words
 * themselves. A line of N words was 2N reallocs and N copies, a fifth of
 * reading a large config. */
static enum gerr words_alloc(struct words *ws, size_t len)
{
	size_t most = len / 2 + 1;   /* words need a separator between them */
	if (most > WORDS_MAX)
		most = WORDS_MAX;
	char *block = malloc(most * (sizeof(char *) + sizeof(size_t)) + len + most);
	if (!block)
		return GE_NOMEM;
	ws->w = (char **)block;
	ws->off = (size_t *)(block + most * sizeof(char *));
	ws->cap = most;
	return GE_OK;
}

/* A '"' opens a quoted stretch anywhere in a word; the quotes themselves
 * are dropped, so `"a b"` is the one word `a b`. */
enum gerr words_split(const char *line, struct words *ws, size_t *bad)
{
	size_t len = strlen(line);
	memset(ws, 0, sizeof(*ws));
	*bad = 0;
	if (len > LINE_MAX_BYTES)
		return GE_LONG;
	enum gerr e = words_alloc(ws, len);
	if (e)
		return e;
	char *buf = (char *)(ws->off + ws->cap);
	size_t i = 0;
	while (e == GE_OK) {
		while (line[i] && is_space((unsigned char)line[i]))
			i++;
		if (!line[i])
			break;
		size_t start = i, n = 0;
		bool quoted = false;
		size_t qpos = 0;
		for (;; i++) {
			unsigned char c = (unsigned char)line[i];
			if (!byte_class[c] || c == '#') {
				buf[n++] = (char)c;
			} else if (c == '"') {
				quoted = !quoted;
				qpos = i;
			} else if (!c || (!quoted && is_space(c))) {
				break;
			} else {
				buf[n++] = (char)c;
			}
		}
		if (quoted) {
			*bad = qpos;
			e = GE_QUOTE;
		} else if (ws->n == WORDS_MAX) {
			*bad = start;
			e = GE_TOO_MANY;
		} else {
			buf[n] = '\0';
			ws->w[ws->n] = buf;
			ws->off[ws->n++] = start;
			buf += n + 1;
		}
	}
	if (e)
		words_free(ws);
	return e;
}

void words_free(struct words *ws)
{
	free(ws->w);
	memset(ws, 0, sizeof(*ws));
}

/* A word's length, and whether it needs quotes to stay one word. */
static size_t word_len(const char *w, bool *quote)
{
	size_t n = 0;
	*quote = !*w;
	for (;; n++) {
		unsigned char c = (unsigned char)w[n];
		if (!byte_class[c] || c == '"')
			continue;
		if (!c)
			return n;
		if (c == '#' || is_space(c))
			*quote = true;
	}
}

char *words_join_at(char *const *w, size_t n, size_t k, size_t *at, char *buf,
		    size_t cap)
{
	size_t len = 1, wl[WORDS_MAX];
	bool q[WORDS_MAX];
	if (n > WORDS_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++)
		len += (wl[i] = word_len(w[i], &q[i])) + 2 * q[i] + (i > 0);
	char *out = buf && len <= cap ? buf : malloc(len), *p = out;
	if (!out)
		return NULL;
	/* memcpy, not sprintf: a 6000-tunnel config joins 300,000 keys */
	for (size_t i = 0; i < n; i++) {
		if (i == k && at)
			*at = (size_t)(p - out);
		if (i)
			*p++ = ' ';
		if (q[i])
			*p++ = '"';
		memcpy(p, w[i], wl[i]);
		p += wl[i];
		if (q[i])
			*p++ = '"';
	}
	*p = '\0';
	if (k >= n && at)
		*at = (size_t)(p - out);
	return out;
}

char *words_join(char *const *w, size_t n)
{
	return words_join_at(w, n, n, NULL, NULL, 0);
}

/* ---- rows ----------------------------------------------------------- */

size_t row_ntok(const struct cmd_row *r)
{
	size_t n = 0;
	while (n < ROW_TOKS && r->tok[n].kind != TK_END)
		n++;
	return n;
}

size_t row_order(const struct cmd_row *r)
{
	size_t i = (size_t)(r - cmd_table);
	while (i > 0 && r->setting && cmd_table[i - 1].setting &&
	       strcmp(cmd_table[i - 1].setting, r->setting) == 0)
		i--;
	return i;
}

static bool kw_before(const struct cmd_row *r, size_t ti)
{
	for (size_t i = 0; i < ti; i++)
		if (r->tok[i].kind != TK_KW)
			return false;
	return true;
}

/* ---- the matcher ------------------------------------------------------ */

struct mstate {
	const struct rtx_model *m;
	const struct cmd_row *row;
	char **w;
	size_t n;
	unsigned char tokof[WORDS_MAX];
	size_t bad;
	enum gerr err;
	grammar_next_fn fn;      /* prefix mode: report, never succeed */
	void *arg;
};

/* At the same word, a more specific complaint wins. */
static int err_rank(enum gerr e)
{
	switch (e) {
	case GE_EMPTY: return 6;
	case GE_RANGE: return 5;
	case GE_INVALID: return 4;
	case GE_TOO_MANY: return 3;
	case GE_TOO_FEW: return 2;
	case GE_CMDNAME: return 1;
	default: return 0;
	}
}

static void fail(struct mstate *s, size_t wi, enum gerr e)
{
	if (s->err == GE_OK || wi > s->bad ||
	    (wi == s->bad && err_rank(e) > err_rank(s->err))) {
		s->bad = wi;
		s->err = e;
	}
}

static bool m_tok(struct mstate *s, size_t ti, size_t wi, bool rep);

static size_t skip_to(const struct mstate *s, size_t ti, bool rep)
{
	const struct tok *t = &s->row->tok[ti];
	size_t j = ti + 1;
	if (!rep && t->grp)
		while (j < ROW_TOKS && s->row->tok[j].kind != TK_END &&
		       s->row->tok[j].grp == t->grp)
			j++;
	return j;
}

static bool opts_required(const struct tok *t)
{
	for (const struct tok *o = t->opts; o && o->kind != TK_END; o++)
		if (o->flags & T_REQ)
			return true;
	return false;
}

static const struct tok *opt_find(const struct tok *t, const char *w,
				  size_t len, size_t *idx)
{
	for (size_t i = 0; t->opts && t->opts[i].kind != TK_END; i++)
		if (strlen(t->opts[i].name) == len &&
		    strncasecmp(t->opts[i].name, w, len) == 0) {
			*idx = i;
			return &t->opts[i];
		}
	return NULL;
}

static bool m_opts(struct mstate *s, size_t ti, size_t wi)
{
	const struct tok *t = &s->row->tok[ti];
	unsigned long seen = 0;
	size_t j = wi;
	for (; j < s->n; j++) {
		const char *eq = strchr(s->w[j], '=');
		size_t idx;
		const struct tok *o = eq ? opt_find(t, s->w[j], (size_t)(eq - s->w[j]), &idx) : NULL;
		if (!o) {
			if (eq)
				fail(s, j, GE_INVALID);
			break;
		}
		enum gerr e = (seen >> idx) & 1 ? GE_INVALID : tok_check(s->m, o, eq + 1);
		if (e) {
			fail(s, j, e);
			return false;
		}
		seen |= 1ul << idx;
		s->tokof[j] = (unsigned char)ti;
	}
	for (size_t i = 0; t->opts && t->opts[i].kind != TK_END; i++)
		if ((t->opts[i].flags & T_REQ) && !((seen >> i) & 1)) {
			if (s->fn && j == s->n)
				s->fn(s->arg, s->row, t);
			fail(s, j, GE_TOO_FEW);
			return false;
		}
	if (j == wi) {
		/* The skip path covers "no options" unless one is needed. */
		if (t->flags & T_REQ)
			fail(s, j, GE_INVALID);
		return false;
	}
	if (s->fn && j == s->n)
		s->fn(s->arg, s->row, t);
	return m_tok(s, ti + 1, j, false);
}

static bool m_rest(struct mstate *s, size_t ti, size_t wi)
{
	const struct tok *t = &s->row->tok[ti];
	size_t bad = 0;
	if (t->vals && tok_enum_find(t->vals, s->w[wi])) {
		fail(s, wi, GE_INVALID);
		return false;
	}
	if (t->rest) {
		enum gerr e = t->rest(s->m, s->w + wi, s->n - wi, &bad, NULL);
		if (e) {
			fail(s, wi + bad, e);
			return false;
		}
	}
	for (size_t j = wi; j < s->n; j++)
		s->tokof[j] = (unsigned char)ti;
	if (s->fn)
		s->fn(s->arg, s->row, t);
	return m_tok(s, ti + 1, s->n, false);
}

static bool m_here(struct mstate *s, size_t ti, size_t wi)
{
	const struct tok *t = &s->row->tok[ti];
	if (t->kind == TK_OPTS)
		return m_opts(s, ti, wi);
	if (t->kind == TK_REST)
		return m_rest(s, ti, wi);
	enum gerr e = tok_check(s->m, t, s->w[wi]);
	if (e) {
		if (e == GE_CMDNAME && !kw_before(s->row, ti))
			e = GE_INVALID;
		fail(s, wi, e);
		return false;
	}
	s->tokof[wi] = (unsigned char)ti;
	if (t->flags & T_REPEAT)
		return m_tok(s, ti, wi + 1, true);
	return m_tok(s, ti + 1, wi + 1, false);
}

static bool m_tok(struct mstate *s, size_t ti, size_t wi, bool rep)
{
	const struct tok *t = ti < ROW_TOKS ? &s->row->tok[ti] : NULL;
	if (!t || t->kind == TK_END) {
		if (wi == s->n) {
			if (s->fn)
				s->fn(s->arg, s->row, NULL);
			return !s->fn;
		}
		fail(s, wi, GE_TOO_MANY);
		return false;
	}
	bool optional = rep || (t->flags & T_OPT) ||
			(t->kind == TK_OPTS && !opts_required(t) && !(t->flags & T_REQ)) ||
			(t->kind == TK_REST && (t->flags & T_OPT));
	if (wi == s->n) {
		if (s->fn)
			s->fn(s->arg, s->row, t);
		if (optional)
			return m_tok(s, skip_to(s, ti, rep), wi, false);
		fail(s, wi, GE_TOO_FEW);
		return false;
	}
	if (m_here(s, ti, wi))
		return true;
	return optional && m_tok(s, skip_to(s, ti, rep), wi, false);
}

/* ---- whole-line matching -------------------------------------------- */

static bool is_no(char **w, size_t n)
{
	return n > 0 && strcasecmp(w[0], "no") == 0;
}

/* `no` forms name the key and ignore the rest. Returns the number of key
 * tokens matched, or -1 when the words do not fit the row. */
static int m_no(struct mstate *s, char **w, size_t n)
{
	const struct cmd_row *r = s->row;
	size_t nk = r->nkey, i;
	if (r->flags & R_NONO)
		return -1;
	for (i = 0; i < n && i < nk; i++) {
		enum gerr e = tok_check(s->m, &r->tok[i], w[i]);
		if (e) {
			fail(s, i + 1, e == GE_CMDNAME && !kw_before(r, i) ? GE_INVALID : e);
			return -1;
		}
		s->tokof[i] = (unsigned char)i;
	}
	for (size_t j = i; j < n; j++)
		s->tokof[j] = (unsigned char)(nk ? nk - 1 : 0);
	size_t kws = 0;
	while (kws < nk && r->tok[kws].kind == TK_KW)
		kws++;
	if (i < kws) {
		fail(s, n + 1, GE_TOO_FEW);
		return -1;
	}
	return (int)i;
}

/* key=value with the key as the table spells it and the value normalized;
 * into out as tok_norm_to writes. */
static size_t norm_opt(const struct tok *t, const char *w, char *out, size_t cap)
{
	const char *eq = strchr(w, '=');
	size_t idx, len = strlen(w);
	const struct tok *o = eq ? opt_find(t, w, (size_t)(eq - w), &idx) : NULL;
	if (!o) {
		if (len < cap)
			memcpy(out, w, len + 1);
		return len;
	}
	size_t klen = strlen(o->name) + 1;
	if (klen < cap) {
		memcpy(out, o->name, klen - 1);
		out[klen - 1] = '=';
		out[klen] = '\0';
	}
	size_t v = tok_norm_to(o, eq + 1, klen < cap ? out + klen : NULL,
			       klen < cap ? cap - klen : 0);
	return v == SIZE_MAX ? v : klen + v;
}

static size_t opt_index(const struct tok *t, const char *w)
{
	size_t idx = 0;
	const char *eq = strchr(w, '=');
	if (!eq || !opt_find(t, w, (size_t)(eq - w), &idx))
		return 0;
	return idx;
}

/* Options print in table order whatever order they were typed in. */
static void sort_opts(struct cmd_args *a)
{
	for (size_t i = 1; i < a->n; i++) {
		const struct tok *t = &a->row->tok[a->tok[i]];
		if (t->kind != TK_OPTS || a->no)
			continue;
		for (size_t j = i; j > 0 && a->tok[j - 1] == a->tok[j] &&
		     opt_index(t, a->w[j - 1]) > opt_index(t, a->w[j]); j--) {
			char *tmp = a->w[j];
			a->w[j] = a->w[j - 1];
			a->w[j - 1] = tmp;
		}
	}
}

/* Word i of a matched line as stored: normalized by its token, or as
 * typed (the tail of a `no` line, a rest of the line). */
static size_t arg_norm(const struct mstate *s, char *const *w, size_t i, bool no,
		       char *out, size_t cap)
{
	const struct tok *t = &s->row->tok[s->tokof[i]];
	if ((no && i >= s->row->nkey) || t->kind == TK_REST) {
		size_t len = strlen(w[i]);
		if (len < cap)
			memcpy(out, w[i], len + 1);
		return len;
	}
	if (t->kind == TK_OPTS)
		return norm_opt(t, w[i], out, cap);
	return tok_norm_to(t, w[i], out, cap);
}

/* The word pointers, their tokens and the normalized words in one block:
 * an allocation per word was a tenth of loading a large config. The
 * block grows when normalizing lengthens the words beyond the guess. */
static enum gerr args_fill(struct cmd_args *a, const struct mstate *s,
			   char **w, size_t n, bool no)
{
	size_t head = (n + 1) * sizeof(*a->w) + n + 1, cap = head, used = head;
	size_t off[WORDS_MAX];
	for (size_t i = 0; i < n; i++)
		cap += strlen(w[i]) + 8;
	char *block = malloc(cap);
	if (!block)
		return GE_NOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t len = arg_norm(s, w, i, no, block + used, cap - used);
		if (len != SIZE_MAX && used + len >= cap) {
			char *grown = realloc(block, used + len + 1 + (cap - head));
			if (!grown) {
				free(block);
				return GE_NOMEM;
			}
			block = grown;
			cap = used + len + 1 + (cap - head);
			len = arg_norm(s, w, i, no, block + used, cap - used);
		}
		if (len == SIZE_MAX) {
			free(block);
			return GE_NOMEM;
		}
		off[i] = used;
		used += len + 1;
	}
	a->row = s->row;
	a->no = no;
	a->n = n;
	a->w = (char **)block;
	a->tok = (unsigned char *)(a->w + n + 1);
	for (size_t i = 0; i < n; i++) {
		a->w[i] = block + off[i];
		a->tok[i] = s->tokof[i];
		if (s->tokof[i] < s->row->nkey && (!no || i < s->row->nkey))
			a->nkeyw = i + 1;
	}
	a->w[n] = NULL;
	a->tok[n] = 0;
	sort_opts(a);
	return GE_OK;
}

/* The first word that differs from the row's leading plain keywords
 * (neither optional nor repeated), or n when none does before the words
 * or those keywords end. m_tok fails such a row at that word with
 * GE_CMDNAME and nothing else; the first letters decide most rows
 * without a strcasecmp. */
static size_t kw_mismatch(const struct cmd_row *r, char **w, size_t n)
{
	for (size_t i = 0; i < n && i < ROW_TOKS; i++) {
		const struct tok *t = &r->tok[i];
		if (t->kind != TK_KW || (t->flags & (T_OPT | T_REPEAT)))
			return n;
		if (tolower((unsigned char)t->name[0]) != tolower((unsigned char)w[i][0]) ||
		    strcasecmp(t->name, w[i]) != 0)
			return i;
	}
	return n;
}

/* Every row in table order: the first that matches wins, and each failure
 * is recorded (fail) so the error names the word the best row stopped at.
 * A `no` line keeps the row matching the most key words. */
static const struct cmd_row *walk_all(struct mstate *s, bool no,
				      unsigned char *best_tokof)
{
	const struct cmd_row *best = NULL;
	int best_keys = -1;
	for (size_t i = 0; i < cmd_table_len; i++) {
		s->row = &cmd_table[i];
		if (!no) {
			size_t at = kw_mismatch(s->row, s->w, s->n);
			if (at < s->n) {
				fail(s, at, GE_CMDNAME);
				continue;
			}
			if (m_tok(s, 0, 0, false)) {
				memcpy(best_tokof, s->tokof, s->n);
				return s->row;
			}
			continue;
		}
		int k = m_no(s, s->w + 1, s->n - 1);
		if (k > best_keys) {
			best_keys = k;
			best = s->row;
			memcpy(best_tokof, s->tokof, s->n);
		}
	}
	return best;
}

/* The rows the index gives are those walk_all would not skip on a keyword
 * (less the ones too long for the line), in the same order, so the first
 * that matches is the same row; and m_tok leaves tokof as that row alone
 * sets it. Only a line that matches nothing needs the whole walk, for the
 * error its failures add up to. */
static const struct cmd_row *first_match(struct mstate *s, unsigned char *best_tokof)
{
	unsigned short rows[cmd_table_len];
	size_t nrows = grammar_index_rows(s->w, s->n, rows);
	for (size_t i = 0; i < nrows; i++) {
		s->row = &cmd_table[rows[i]];
		/* The index compared the row's leading keywords with the first
		 * words already, and a required keyword leaves m_tok no other
		 * path: start behind them. */
		size_t k = 0;
		while (k < ROW_TOKS && s->row->tok[k].kind == TK_KW &&
		       !(s->row->tok[k].flags & (T_OPT | T_REPEAT))) {
			s->tokof[k] = (unsigned char)k;
			k++;
		}
		if (m_tok(s, k, k, false)) {
			memcpy(best_tokof, s->tokof, s->n);
			return s->row;
		}
	}
	return NULL;
}

enum gerr grammar_match(const struct rtx_model *m, char **w, size_t n,
			struct cmd_args *out, size_t *badw)
{
	struct mstate s = { .m = m, .w = w, .n = n };
	bool no = is_no(w, n);
	const struct cmd_row *best = NULL;
	unsigned char best_tokof[WORDS_MAX];
	memset(out, 0, sizeof(*out));
	if (n == 0 || n > WORDS_MAX)
		return n ? GE_TOO_MANY : GE_OK;
	if (!no)
		best = first_match(&s, best_tokof);
	if (!best) {
		s = (struct mstate){ .m = m, .w = w, .n = n };
		best = walk_all(&s, no, best_tokof);
	}
	if (!best) {
		*badw = s.bad;
		return s.err ? s.err : GE_CMDNAME;
	}
	s.row = best;
	memcpy(s.tokof, best_tokof, n);
	enum gerr e = args_fill(out, &s, w + no, n - no, no);
	if (e)
		cmd_args_free(out);
	return e;
}

void cmd_args_free(struct cmd_args *a)
{
	free(a->w);   /* the tokens and words too (args_fill) */
	memset(a, 0, sizeof(*a));
}

/* ---- typed parameters --------------------------------------------------- */

/* A repeated enum (T_REPEAT) adds each further value to the set. */
static void param_put(struct params *p, const struct tok *t, const char *w)
{
	struct param_val *v = &p->v[t->param];
	if (param_given(p, t->param) && (t->flags & T_REPEAT)) {
		int idx = tok_enum_index(t->vals, w);
		if (idx >= 0)
			v->set |= 1ull << idx;
		return;
	}
	tok_value(t, w, v);
	p->given |= 1ull << t->param;
}

void params_fill(const struct rtx_model *m, const struct cmd_row *r, char *const *w,
		 const unsigned char *tok, size_t n, struct params *out)
{
	out->given = 0;
	for (size_t i = 0; i < n; i++) {
		const struct tok *t = &r->tok[tok[i]];
		if (t->kind == TK_OPTS) {
			const char *eq = strchr(w[i], '=');
			size_t idx;
			const struct tok *o = eq ? opt_find(t, w[i], (size_t)(eq - w[i]), &idx) : NULL;
			if (o && o->param)
				param_put(out, o, eq + 1);
		} else if (t->kind == TK_REST) {
			if (!t->param)
				return;
			struct param_val *v = &out->v[t->param];
			size_t bad;
			*v = (struct param_val){ .tok = t, .text = w[i], .idx = -1 };
			if (t->rest)
				t->rest(m, (char **)w + i, n - i, &bad, v);
			out->given |= 1ull << t->param;
			return;
		} else if (t->param) {
			param_put(out, t, w[i]);
		}
	}
}

const struct param_val *param(const struct params *p, enum param id)
{
	static const struct param_val absent = { .text = "", .idx = -1 };
	return param_given(p, id) ? &p->v[id] : &absent;
}

/* ---- next tokens: `?`, TAB -------------------------------------------- */

static const struct tok tok_no = {
	.kind = TK_KW, .name = "no", .help = "Restore the default of a setting",
};

static void next_no(const struct rtx_model *m, char **w, size_t n,
		    grammar_next_fn fn, void *arg)
{
	for (size_t i = 0; i < cmd_table_len; i++) {
		const struct cmd_row *r = &cmd_table[i];
		size_t j, kws = 0;
		if (r->flags & R_NONO)
			continue;
		for (j = 0; j < n && j < r->nkey; j++)
			if (tok_check(m, &r->tok[j], w[j]) != GE_OK)
				break;
		if (j < n && j < r->nkey)
			continue;
		while (kws < r->nkey && r->tok[kws].kind == TK_KW)
			kws++;
		if (n < r->nkey)
			fn(arg, r, &r->tok[n]);
		if (n >= kws)
			fn(arg, r, NULL);
	}
}

void grammar_next_tokens(const struct rtx_model *m, char **w, size_t n,
			 grammar_next_fn fn, void *arg)
{
	if (n > WORDS_MAX)
		return;
	if (is_no(w, n)) {
		next_no(m, w + 1, n - 1, fn, arg);
		return;
	}
	if (n == 0)
		fn(arg, NULL, &tok_no);
	struct mstate s = { .m = m, .w = w, .n = n, .fn = fn, .arg = arg };
	for (size_t i = 0; i < cmd_table_len; i++) {
		s.row = &cmd_table[i];
		m_tok(&s, 0, 0, false);
	}
}

/* ---- messages --------------------------------------------------------- */

static const char *const msg_en[GE_COUNT] = {
	[GE_OK] = "OK",
	[GE_CMDNAME] = "Invalid command name",
	[GE_TOO_FEW] = "Too few parameters",
	[GE_TOO_MANY] = "Too many parameters",
	[GE_INVALID] = "Invalid parameter",
	[GE_RANGE] = "Parameter out of range",
	[GE_PERM] = "Permission denied",
	[GE_QUOTE] = "Unterminated quote",
	[GE_LONG] = "Line too long",
	[GE_NO_TUNNEL] = "No tunnel interface selected (use tunnel select N)",
	[GE_NO_PP] = "No pp interface selected (use pp select N)",
	[GE_NO_PATH] = "No configuration file to save to (use save FILE, or start rtxsh with -c FILE)",
	[GE_SAVE] = "Cannot save the configuration",
	[GE_EMPTY] = "Empty parameter (the no form removes a setting)",
	[GE_NO_SA] = "No such SA (see show ipsec sa)",
	[GE_NO_GATEWAY] = "No such security gateway",
	[GE_PASSWORD] = "Incorrect password",
	[GE_PW_DIFFER] = "The new passwords differ; the password is unchanged",
	[GE_PW_SCRIPT] = "A script cannot type a password (use ... password encrypted HASH)",
	[GE_NOMEM] = "Out of memory",
	[GE_PKI_LOAD] = "Cannot load the file (the line is kept)",
	[GE_NO_TUNNEL_N] = "No such tunnel interface",
	[GE_NOT_IPSEC] = "Not an IPsec tunnel (no ipsec tunnel, ipsec sa policy and gateway)",
	[GE_MODEL] = "Not available on this model (no remote-access VPN firmware)",
};

/* Only the wording the reference documents; the rest stays English. */
static const char *const msg_ja[GE_COUNT] = {
	[GE_RANGE] = "パラメータが範囲を越えています",
};

const char *grammar_message(enum gerr e, bool ja)
{
	if ((unsigned)e >= GE_COUNT)
		e = GE_INVALID;
	if (ja && msg_ja[e])
		return msg_ja[e];
	return msg_en[e];
}

/* The one error format: [line N: ]Error: <message>[: "<word>"]. */
void grammar_error(FILE *out, unsigned lineno, enum gerr e, bool ja,
		   const char *word)
{
	if (lineno)
		fprintf(out, "line %u: ", lineno);
	fprintf(out, "%s: %s", ja && msg_ja[e] ? "エラー" : "Error",
		grammar_message(e, ja));
	if (word)
		fprintf(out, ": \"%s\"", word);
	fputc('\n', out);
}
