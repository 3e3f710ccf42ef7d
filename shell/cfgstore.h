/* The running config as normalized command lines, keyed by setting (the
 * table row family), context (tunnel or pp number, 0 for global) and the
 * key words (e.g. "ipsec ike version 1"). Setting a key replaces its line;
 * a `no` form deletes it. Named cfgstore_* because engine/config.h owns
 * the typed config_* view. */
#ifndef RTX_SHELL_CFGSTORE_H
#define RTX_SHELL_CFGSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cmd_row;

struct cfg_entry {
	const struct cmd_row *row;    /* the form that stored it */
	char *key;
	char *line;                   /* what `show config` prints */
	char **w;                     /* the normalized words of line */
	size_t n;
	unsigned long seq;            /* input order, for R_SEQ rows */
	uint64_t hash;                /* of setting, ctx and key (cfgstore.c) */
	struct cfg_entry *prev, *next;
	unsigned ctx;                 /* tunnel/pp number, 0: global */
	bool mark;                    /* scratch for the printer */
	unsigned char tok[];          /* the row token each word matched */
};

struct cfgstore;

struct cfgstore *cfgstore_new(void);
void cfgstore_free(struct cfgstore *st);

/* Stores (replacing) the line of words w[0..n), word i having matched
 * row token tok[i]; returns 0 or -RTX_ENOMEM. */
int cfgstore_set(struct cfgstore *st, const struct cmd_row *row, unsigned ctx,
		 const char *key, char *const *w, const unsigned char *tok, size_t n);
/* The same with the line already joined: words_join(w, n). */
int cfgstore_put(struct cfgstore *st, const struct cmd_row *row, unsigned ctx,
		 const char *key, const char *line, char *const *w,
		 const unsigned char *tok, size_t n);
/* Deletes the key, or with prefix every key that starts with the words of
 * key. Returns how many lines went. */
size_t cfgstore_del(struct cfgstore *st, const char *setting, unsigned ctx,
		    const char *key, bool prefix);
const struct cfg_entry *cfgstore_find(const struct cfgstore *st,
				      const char *setting, unsigned ctx,
				      const char *key);
/* Input order; entry->next walks on. */
const struct cfg_entry *cfgstore_first(const struct cfgstore *st);
size_t cfgstore_count(const struct cfgstore *st);

#endif
