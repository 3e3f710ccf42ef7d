#include "base/addr_count.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/err.h"

struct addr_count_entry {
	struct ip_addr a;
	unsigned count;
};

/* The entry of a, or POS_NONE. */
static size_t find(const struct addr_count *t, const struct ip_addr *a)
{
	const struct pos_index *x = &t->index;
	for (size_t i = pos_index_first(x, pos_hash_addr(POS_HASH0, a)); i != POS_NONE;
	     i = pos_index_next(x, i))
		if (ip_addr_equal(&t->v[i].a, a))
			return i;
	return POS_NONE;
}

unsigned addr_count_of(const struct addr_count *t, const struct ip_addr *a)
{
	size_t i = find(t, a);
	return i == POS_NONE ? 0 : t->v[i].count;
}

int addr_count_add(struct addr_count *t, const struct ip_addr *a)
{
	size_t i = find(t, a);
	if (i != POS_NONE) {
		t->v[i].count++;
		return 0;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct addr_count_entry *v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return -RTX_ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	if (pos_index_reserve(&t->index, t->n + 1))
		return -RTX_ENOMEM;
	struct addr_count_entry *e = &t->v[t->n++];
	*e = (struct addr_count_entry){ .a.family = a->family, .count = 1 };
	memcpy(e->a.bytes, a->bytes, a->family == AF_INET6 ? 16 : 4);
	pos_index_push(&t->index, pos_hash_addr(POS_HASH0, a));
	return 0;
}

unsigned addr_count_remove(struct addr_count *t, const struct ip_addr *a)
{
	size_t i = find(t, a);
	if (i == POS_NONE)
		return 0;
	if (--t->v[i].count)
		return t->v[i].count;
	pos_index_swap_remove(&t->index, i);
	t->v[i] = t->v[--t->n];
	return 0;
}

void addr_count_free(struct addr_count *t)
{
	free(t->v);
	pos_index_free(&t->index);
	*t = (struct addr_count){ 0 };
}
