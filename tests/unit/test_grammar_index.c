/* The index over the command table (shell/grammar_index.c) against linear
 * walks over the table: every row reachable, the same candidate rows for
 * every line of the transcripts and sample configs, and the same matched
 * row as the first row a full walk accepts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <glob.h>
#include <cmocka.h>

#include "engine/model.h"
#include "shell/grammar.h"

static bool plain_kw(const struct tok *t)
{
	return t->kind == TK_KW && !(t->flags & (T_OPT | T_REPEAT));
}

/* What the index promises, by a walk: every leading keyword of the row is
 * there, each equal to the word at its position. */
static bool reachable(const struct cmd_row *r, char *const *w, size_t n)
{
	for (size_t i = 0; i < ROW_TOKS && plain_kw(&r->tok[i]); i++)
		if (i >= n || strcasecmp(r->tok[i].name, w[i]) != 0)
			return false;
	return true;
}

static void check_rows(char *const *w, size_t n)
{
	unsigned short *rows = calloc(cmd_table_len, sizeof(*rows));
	assert_non_null(rows);
	size_t got = grammar_index_rows(w, n, rows), k = 0;
	for (size_t i = 0; i < cmd_table_len; i++) {
		if (!reachable(&cmd_table[i], w, n))
			continue;
		if (k >= got || rows[k] != i)
			fail_msg("row %zu (%s) missing for \"%s\"", i,
				 cmd_table[i].setting ? cmd_table[i].setting : "-", n ? w[0] : "");
		k++;
	}
	assert_int_equal(k, got);
	free(rows);
}

static void test_every_row_reachable(void **state)
{
	(void)state;
	for (size_t i = 0; i < cmd_table_len; i++) {
		const struct cmd_row *r = &cmd_table[i];
		char up[ROW_TOKS][64], *w[ROW_TOKS];
		size_t n = 0;
		for (; n < ROW_TOKS && plain_kw(&r->tok[n]); n++) {
			snprintf(up[n], sizeof(up[n]), "%s", r->tok[n].name);
			w[n] = up[n];
		}
		check_rows(w, n);
		for (size_t j = 0; j < n; j++)   /* keywords match in any case */
			for (char *p = up[j]; *p; p++)
				*p = (char)toupper((unsigned char)*p);
		check_rows(w, n);
		unsigned short *rows = calloc(cmd_table_len, sizeof(*rows));
		assert_non_null(rows);
		size_t got = grammar_index_rows(w, n, rows), k = 0;
		while (k < got && rows[k] != i)
			k++;
		assert_true(k < got);
		free(rows);
	}
}

struct first_full {
	const struct cmd_row *row;
};

/* grammar_next_tokens walks every row; tok NULL: the row takes the whole
 * line. The first such row is the one grammar_match must return. */
static void on_next(void *arg, const struct cmd_row *row, const struct tok *tok)
{
	struct first_full *f = arg;
	if (!tok && row && (!f->row || row < f->row))
		f->row = row;
}

static void check_line(const struct rtx_model *m, const char *line)
{
	struct words ws;
	struct cmd_args a;
	size_t bad;
	while (isspace((unsigned char)*line))
		line++;
	if (!*line || *line == '#' || words_split(line, &ws, &bad) != GE_OK)
		return;
	check_rows(ws.w, ws.n);
	if (ws.n && strcasecmp(ws.w[0], "no") != 0) {
		struct first_full f = { NULL };
		grammar_next_tokens(m, ws.w, ws.n, on_next, &f);
		enum gerr e = grammar_match(m, ws.w, ws.n, &a, &bad);
		if (f.row != (e == GE_OK ? a.row : NULL))
			fail_msg("\"%s\" matched another row than a walk", line);
		if (e == GE_OK)
			cmd_args_free(&a);
	}
	words_free(&ws);
}

static size_t check_files(const char *pattern)
{
	const struct rtx_model *models[] = { model_default(), model_find("vRX") };
	glob_t g;
	size_t lines = 0;
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");
		char buf[4200];
		assert_non_null(f);
		while (fgets(buf, sizeof(buf), f)) {
			buf[strcspn(buf, "\r\n")] = '\0';
			for (size_t k = 0; k < 2; k++)
				check_line(models[k], buf);
			lines++;
		}
		fclose(f);
	}
	globfree(&g);
	return lines;
}

static void test_transcript_lines(void **state)
{
	(void)state;
	assert_true(check_files(TESTDATA_DIR "/transcripts/*.in") > 500);
	assert_true(check_files(TESTDATA_DIR "/configs/*") > 50);
}

/* Lines no row reaches, or shorter than the keywords: no candidates, or
 * only those a walk also leaves. */
static void test_odd_lines(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"", "ipsec", "ipsec ike", "IPSEC IKE VERSION 1 2", "foo bar",
		"ip", "ip route", "tunnel select 1 2", "show", "show config tunnel",
		"Ipsec Ike Hash 1 sha256", "ipsec ike foo 1", "description tunnel x",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		check_line(model_default(), lines[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_reachable),
		cmocka_unit_test(test_transcript_lines),
		cmocka_unit_test(test_odd_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
