#include "base/pos_index.h"

#include <stdlib.h>
#include <sys/socket.h>

#include "base/err.h"

#define END UINT32_MAX

uint32_t pos_hash(uint32_t h, const void *p, size_t len)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

uint32_t pos_hash_addr(uint32_t h, const struct ip_addr *a)
{
	h = pos_hash(h, &a->family, 1);
	return pos_hash(h, a->bytes, a->family == AF_INET6 ? 16 : 4);
}

/* The hash's high bits mixed in: FNV-1a's low bits alone follow the
 * last byte too closely for runs of addresses or ids. */
static size_t bucket(const struct pos_index *x, uint32_t h)
{
	return (h ^ (h >> 15) ^ (h >> 23)) & x->mask;
}

static void link_pos(struct pos_index *x, size_t pos)
{
	size_t b = bucket(x, x->hash[pos]);
	x->next[pos] = x->head[b];
	x->head[b] = (uint32_t)pos;
}

static void unlink_pos(struct pos_index *x, size_t pos)
{
	uint32_t *pp = &x->head[bucket(x, x->hash[pos])];
	while (*pp != pos)
		pp = &x->next[*pp];
	*pp = x->next[pos];
}

int pos_index_reserve(struct pos_index *x, size_t n)
{
	if (n <= x->cap)
		return 0;
	if (n >= END)
		return -RTX_ENOMEM;
	size_t cap = x->cap ? x->cap : 8;
	while (cap < n)
		cap *= 2;
	uint32_t *hash = realloc(x->hash, cap * sizeof(*hash));
	if (!hash)
		return -RTX_ENOMEM;
	x->hash = hash;
	uint32_t *next = realloc(x->next, cap * sizeof(*next));
	if (!next)
		return -RTX_ENOMEM;
	x->next = next;
	/* as many buckets as positions: chains of one on average */
	uint32_t *head = malloc(cap * sizeof(*head));
	if (!head)
		return -RTX_ENOMEM;
	free(x->head);
	x->head = head;
	x->cap = cap;
	x->mask = cap - 1;
	for (size_t b = 0; b < cap; b++)
		head[b] = END;
	for (size_t pos = 0; pos < x->n; pos++)
		link_pos(x, pos);
	return 0;
}

void pos_index_push(struct pos_index *x, uint32_t h)
{
	x->hash[x->n] = h;
	link_pos(x, x->n++);
}

void pos_index_rehash(struct pos_index *x, size_t pos, uint32_t h)
{
	unlink_pos(x, pos);
	x->hash[pos] = h;
	link_pos(x, pos);
}

void pos_index_swap_remove(struct pos_index *x, size_t pos)
{
	size_t last = x->n - 1;
	unlink_pos(x, pos);
	if (pos != last) {
		unlink_pos(x, last);
		x->hash[pos] = x->hash[last];
		link_pos(x, pos);
	}
	x->n--;
}

static size_t from(const struct pos_index *x, uint32_t pos, uint32_t h)
{
	while (pos != END && x->hash[pos] != h)
		pos = x->next[pos];
	return pos == END ? POS_NONE : pos;
}

size_t pos_index_first(const struct pos_index *x, uint32_t h)
{
	return x->cap ? from(x, x->head[bucket(x, h)], h) : POS_NONE;
}

size_t pos_index_next(const struct pos_index *x, size_t pos)
{
	return from(x, x->next[pos], x->hash[pos]);
}

void pos_index_clear(struct pos_index *x)
{
	for (size_t b = 0; b < x->cap; b++)
		x->head[b] = END;
	x->n = 0;
}

void pos_index_free(struct pos_index *x)
{
	free(x->hash);
	free(x->next);
	free(x->head);
	*x = (struct pos_index){ 0 };
}
