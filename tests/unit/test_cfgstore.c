/* The config line store against a plain model of it: after many sets,
 * replacements and deletes of keys that share hash slots, every key is
 * found exactly when the model has it, the count agrees, and each line
 * keeps the input order number of its first set (a replaced line keeps
 * its place in `show config`). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "shell/cfgstore.h"
#include "shell/grammar.h"

#define KEYS 3000
#define CTXS 4

struct model {
	unsigned long order[CTXS][KEYS];   /* 0: absent, else its seq */
	unsigned long next;
	size_t count;
};

static const struct cmd_row *some_row(void)
{
	for (size_t i = 0; i < cmd_table_len; i++)
		if (cmd_table[i].setting)
			return &cmd_table[i];
	return NULL;
}

static void key_of(unsigned k, char *buf, size_t len)
{
	snprintf(buf, len, "k %u", k);
}

static void set(struct cfgstore *st, struct model *m, unsigned ctx, unsigned k)
{
	char key[32], num[16];
	char *w[2] = { "k", num };
	static const unsigned char tok[2] = { 0, 1 };
	key_of(k, key, sizeof(key));
	snprintf(num, sizeof(num), "%u", k);
	assert_int_equal(cfgstore_set(st, some_row(), ctx, key, w, tok, 2), 0);
	if (!m->order[ctx][k]) {
		m->order[ctx][k] = ++m->next;
		m->count++;
	}
}

static void del(struct cfgstore *st, struct model *m, unsigned ctx, unsigned k)
{
	char key[32];
	key_of(k, key, sizeof(key));
	assert_int_equal(cfgstore_del(st, some_row()->setting, ctx, key, false),
			 m->order[ctx][k] ? 1 : 0);
	if (m->order[ctx][k])
		m->count--;
	m->order[ctx][k] = 0;
}

static void check(const struct cfgstore *st, const struct model *m)
{
	char key[32];
	assert_int_equal(cfgstore_count(st), m->count);
	for (unsigned c = 0; c < CTXS; c++)
		for (unsigned k = 0; k < KEYS; k++) {
			key_of(k, key, sizeof(key));
			const struct cfg_entry *e = cfgstore_find(st, some_row()->setting, c, key);
			assert_true(!e == !m->order[c][k]);
			if (e)
				assert_string_equal(e->key, key);
		}
	size_t n = 0;
	for (const struct cfg_entry *e = cfgstore_first(st); e; e = e->next, n++) {
		unsigned k = (unsigned)strtoul(e->w[1], NULL, 10);
		assert_int_equal(e->seq, m->order[e->ctx][k]);
	}
	assert_int_equal(n, m->count);
}

static void test_against_model(void **state)
{
	(void)state;
	struct cfgstore *st = cfgstore_new();
	struct model *m = calloc(1, sizeof(*m));
	assert_non_null(st);
	assert_non_null(m);
	uint32_t r = 12345;
	for (int round = 0; round < 6; round++) {
		for (int i = 0; i < 8000; i++) {
			r = r * 1103515245u + 12345u;
			unsigned ctx = (r >> 8) % CTXS, k = (r >> 12) % KEYS;
			if ((r >> 28) % 4 == 0)
				del(st, m, ctx, k);
			else
				set(st, m, ctx, k);
		}
		check(st, m);
	}
	for (unsigned k = 0; k < KEYS; k += 2)     /* half of one context goes */
		del(st, m, 1, k);
	check(st, m);
	cfgstore_free(st);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
