#include "base/addr_count.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/err.h"

struct addr_count_slot {
	struct ip_addr a;
	unsigned count;        /* 0: the slot is empty */
};

/* splitmix64's finaliser over the address: pools lease runs of addresses,
 * which must not land in runs of slots. Senders choose their addresses,
 * but a probe only ever costs time in proportion to what is held, and
 * the half-open SAs are capped. */
static size_t home(const struct addr_count *t, const struct ip_addr *a)
{
	uint64_t lo = 0, hi = 0;
	if (a->family == AF_INET6) {
		memcpy(&lo, a->bytes, 8);
		memcpy(&hi, a->bytes + 8, 8);
	} else {
		memcpy(&lo, a->bytes, 4);
	}
	uint64_t h = lo ^ (hi * 0x9e3779b97f4a7c15ull) ^ a->family;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return (size_t)h & (t->cap - 1);
}

static struct addr_count_slot *find(const struct addr_count *t, const struct ip_addr *a)
{
	if (!t->cap)
		return NULL;
	for (size_t i = home(t, a);; i = (i + 1) & (t->cap - 1)) {
		struct addr_count_slot *s = &t->slots[i];
		if (!s->count)
			return NULL;
		if (ip_addr_equal(&s->a, a))
			return s;
	}
}

static void place(struct addr_count *t, const struct addr_count_slot *from)
{
	size_t i = home(t, &from->a);
	while (t->slots[i].count)
		i = (i + 1) & (t->cap - 1);
	t->slots[i] = *from;
}

/* At most three quarters full, so that a probe ends soon. */
static int grow(struct addr_count *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct addr_count_slot *old = t->slots, *s = calloc(cap, sizeof(*s));
	if (!s)
		return -RTX_ENOMEM;
	size_t old_cap = t->cap;
	t->slots = s;
	t->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].count)
			place(t, &old[i]);
	free(old);
	return 0;
}

unsigned addr_count_of(const struct addr_count *t, const struct ip_addr *a)
{
	const struct addr_count_slot *s = find(t, a);
	return s ? s->count : 0;
}

int addr_count_add(struct addr_count *t, const struct ip_addr *a)
{
	struct addr_count_slot *s = find(t, a);
	if (s) {
		s->count++;
		return 0;
	}
	if ((t->n + 1) * 4 > t->cap * 3) {
		int err = grow(t);
		if (err)
			return err;
	}
	struct addr_count_slot fresh = { .count = 1 };
	fresh.a.family = a->family;
	memcpy(fresh.a.bytes, a->bytes, a->family == AF_INET6 ? 16 : 4);
	place(t, &fresh);
	t->n++;
	return 0;
}

/* Deletion without tombstones: the entries after the freed slot that
 * would no longer be found from their home move back into it. */
static void remove_slot(struct addr_count *t, struct addr_count_slot *s)
{
	size_t mask = t->cap - 1, i = (size_t)(s - t->slots), j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (!t->slots[j].count)
			break;
		size_t k = home(t, &t->slots[j].a);
		/* j stays where it is when its home k lies cyclically in (i, j] */
		if (i < j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->slots[i] = t->slots[j];
		i = j;
	}
	t->slots[i].count = 0;
	t->n--;
}

unsigned addr_count_remove(struct addr_count *t, const struct ip_addr *a)
{
	struct addr_count_slot *s = find(t, a);
	if (!s)
		return 0;
	if (--s->count)
		return s->count;
	remove_slot(t, s);
	return 0;
}

void addr_count_free(struct addr_count *t)
{
	free(t->slots);
	*t = (struct addr_count){ 0 };
}
