/* The config line store: a hash table for lookups (configs of thousands
 * of tunnels load in linear time) plus a list in input order. */
#include "shell/cfgstore.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "shell/grammar.h"

/* Open addressing with a 32-bit tag of each entry's hash in an array of
 * its own: a lookup compares tags in one small array and reads an entry
 * only when its tag is the one sought. Chained buckets read every entry
 * on the chain, a cache miss each, and storing a 6000-tunnel config
 * (96,000 lines, each looked up first) spent a seventh of its time there;
 * the tags of that config fit in 512 KB. The tag also places the entry
 * (its home slot is tag & mask), so growing and deleting never read the
 * entries themselves. */
struct cfgstore {
	uint32_t *tag;                /* tag_of(hash); 0: empty slot */
	struct cfg_entry **slot;
	size_t mask;                  /* slots - 1, a power of two less one */
	size_t count;
	unsigned long seq;
	struct cfg_entry *head, *tail;
};

static uint32_t tag_of(uint64_t h)
{
	return (uint32_t)h ? (uint32_t)h : 1;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* An entry keeps its hash: a set looks its key up, unlinks the line it
 * replaces and links the new one, and growing rehashes every line. */
static uint64_t hash_of(const char *setting, unsigned ctx, const char *key)
{
	uint64_t h = 14695981039346656037ull;
	h = hash_str(h, setting);
	h = (h ^ ctx) * 1099511628211ull;
	return hash_str(h, key);
}

static int table_new(struct cfgstore *st, size_t slots)
{
	st->tag = calloc(slots, sizeof(*st->tag));
	st->slot = calloc(slots, sizeof(*st->slot));
	st->mask = slots - 1;
	if (st->tag && st->slot)
		return 0;
	free(st->tag);
	free(st->slot);
	return -RTX_ENOMEM;
}

struct cfgstore *cfgstore_new(void)
{
	struct cfgstore *st = calloc(1, sizeof(*st));
	if (!st || table_new(st, 512)) {
		free(st);
		return NULL;
	}
	return st;
}

/* An entry is one allocation (entry_new). */
static void entry_free(struct cfg_entry *e)
{
	free(e);
}

void cfgstore_free(struct cfgstore *st)
{
	if (!st)
		return;
	for (struct cfg_entry *e = st->head, *next; e; e = next) {
		next = e->next;
		entry_free(e);
	}
	free(st->tag);
	free(st->slot);
	free(st);
}

static bool entry_is(const struct cfg_entry *e, uint64_t h, const char *setting,
		     unsigned ctx, const char *key)
{
	return e->hash == h && e->ctx == ctx && strcmp(e->row->setting, setting) == 0 &&
	       strcmp(e->key, key) == 0;
}

static struct cfg_entry *find_hashed(const struct cfgstore *st, uint64_t h,
				     const char *setting, unsigned ctx, const char *key)
{
	uint32_t t = tag_of(h);
	for (size_t k = t & st->mask; st->tag[k]; k = (k + 1) & st->mask)
		if (st->tag[k] == t && entry_is(st->slot[k], h, setting, ctx, key))
			return st->slot[k];
	return NULL;
}

const struct cfg_entry *cfgstore_find(const struct cfgstore *st,
				      const char *setting, unsigned ctx,
				      const char *key)
{
	return find_hashed(st, hash_of(setting, ctx, key), setting, ctx, key);
}

static void slot_put(struct cfgstore *st, uint32_t tag, struct cfg_entry *e)
{
	size_t k = tag & st->mask;
	while (st->tag[k])
		k = (k + 1) & st->mask;
	st->tag[k] = tag;
	st->slot[k] = e;
}

/* Twice the slots; -RTX_ENOMEM keeps the table as it is. */
static int grow(struct cfgstore *st)
{
	struct cfgstore bigger = *st;
	if (table_new(&bigger, (st->mask + 1) * 2))
		return -RTX_ENOMEM;
	for (size_t k = 0; k <= st->mask; k++)
		if (st->tag[k])
			slot_put(&bigger, st->tag[k], st->slot[k]);
	free(st->tag);
	free(st->slot);
	*st = bigger;
	return 0;
}

/* Takes e out of the table, moving back the entries that probed past its
 * slot (no tombstones), and out of the list. */
static void unlink_entry(struct cfgstore *st, struct cfg_entry *e)
{
	size_t i = tag_of(e->hash) & st->mask;
	while (st->tag[i] && st->slot[i] != e)
		i = (i + 1) & st->mask;
	if (st->tag[i]) {
		for (size_t j = (i + 1) & st->mask; st->tag[j]; j = (j + 1) & st->mask) {
			size_t home = st->tag[j] & st->mask;
			/* j's entry may fill the hole at i unless its home
			 * lies cyclically in (i, j] */
			if (((j - home) & st->mask) >= ((j - i) & st->mask)) {
				st->tag[i] = st->tag[j];
				st->slot[i] = st->slot[j];
				i = j;
			}
		}
		st->tag[i] = 0;
		st->slot[i] = NULL;
	}
	if (e->prev)
		e->prev->next = e->next;
	else
		st->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		st->tail = e->prev;
	st->count--;
	entry_free(e);
}

/* The entry, its tokens, its word pointers, key, line and words in one
 * block: a config of thousands of tunnels keeps ~100,000 lines, and a
 * dozen small allocations for each were most of its load time (malloc
 * and the page faults of its 9 KB per tunnel). */
static struct cfg_entry *entry_new(const struct cmd_row *row, unsigned ctx,
				   const char *key, const char *line, char *const *w,
				   const unsigned char *tok, size_t n)
{
	size_t ptrs = offsetof(struct cfg_entry, tok) + n;
	ptrs = (ptrs + _Alignof(char *) - 1) / _Alignof(char *) * _Alignof(char *);
	size_t key_len = strlen(key) + 1, line_len = strlen(line) + 1, words = 0;
	for (size_t i = 0; i < n; i++)
		words += strlen(w[i]) + 1;
	struct cfg_entry *e =
		malloc(ptrs + (n + 1) * sizeof(char *) + key_len + line_len + words);
	if (!e)
		return NULL;
	*e = (struct cfg_entry){ .row = row, .ctx = ctx, .n = n };
	memcpy(e->tok, tok, n);
	e->w = (char **)((char *)e + ptrs);
	char *p = (char *)(e->w + n + 1);
	e->key = memcpy(p, key, key_len);
	e->line = memcpy(p + key_len, line, line_len);
	p += key_len + line_len;
	for (size_t i = 0; i < n; i++) {
		e->w[i] = p;
		p = stpcpy(p, w[i]) + 1;
	}
	e->w[n] = NULL;
	return e;
}

int cfgstore_put(struct cfgstore *st, const struct cmd_row *row, unsigned ctx,
		 const char *key, const char *line, char *const *w,
		 const unsigned char *tok, size_t n)
{
	struct cfg_entry *e = entry_new(row, ctx, key, line, w, tok, n);
	if (!e)
		return -RTX_ENOMEM;
	e->hash = hash_of(row->setting, ctx, key);
	const struct cfg_entry *old = find_hashed(st, e->hash, row->setting, ctx, key);
	/* At most three quarters full (a miss then reads a few tags, one
	 * cache line); fuller when growing fails, never full. */
	if (!old && 4 * (st->count + 1) > 3 * (st->mask + 1) && grow(st) &&
	    st->count + 2 > st->mask) {
		entry_free(e);
		return -RTX_ENOMEM;
	}
	if (old) {
		/* Keep the old position so re-typed lines do not move. */
		e->seq = old->seq;
		unlink_entry(st, (struct cfg_entry *)old);
	} else {
		e->seq = ++st->seq;
	}
	slot_put(st, tag_of(e->hash), e);
	e->prev = st->tail;
	if (st->tail)
		st->tail->next = e;
	else
		st->head = e;
	st->tail = e;
	st->count++;
	return 0;
}

int cfgstore_set(struct cfgstore *st, const struct cmd_row *row, unsigned ctx,
		 const char *key, char *const *w, const unsigned char *tok, size_t n)
{
	char *line = words_join(w, n);
	if (!line)
		return -RTX_ENOMEM;
	int err = cfgstore_put(st, row, ctx, key, line, w, tok, n);
	free(line);
	return err;
}

static bool key_has_prefix(const char *key, const char *prefix)
{
	size_t len = strlen(prefix);
	return strncmp(key, prefix, len) == 0 && (key[len] == '\0' || key[len] == ' ');
}

size_t cfgstore_del(struct cfgstore *st, const char *setting, unsigned ctx,
		    const char *key, bool prefix)
{
	if (!prefix) {
		const struct cfg_entry *e = cfgstore_find(st, setting, ctx, key);
		if (!e)
			return 0;
		unlink_entry(st, (struct cfg_entry *)e);
		return 1;
	}
	size_t n = 0;
	for (struct cfg_entry *e = st->head, *next; e; e = next) {
		next = e->next;
		if (e->ctx == ctx && strcmp(e->row->setting, setting) == 0 &&
		    key_has_prefix(e->key, key)) {
			unlink_entry(st, e);
			n++;
		}
	}
	return n;
}

const struct cfg_entry *cfgstore_first(const struct cfgstore *st)
{
	return st->head;
}

size_t cfgstore_count(const struct cfgstore *st)
{
	return st->count;
}
