#include "engine/lease.h"

#include <stdint.h>
#include <stdlib.h>

#include "base/err.h"

struct lease_slot {
	pool_addr a;
	uint8_t family;
	unsigned count;        /* 0: the slot is empty */
};

static size_t home(const struct lease_table *t, uint8_t family, pool_addr a)
{
	uint64_t h = (uint64_t)a ^ (uint64_t)(a >> 64) ^ family;
	h ^= h >> 30;          /* splitmix64's finaliser: pools are runs of addresses */
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return (size_t)h & (t->cap - 1);
}

static struct lease_slot *find(const struct lease_table *t, uint8_t family, pool_addr a)
{
	if (!t->cap)
		return NULL;
	for (size_t i = home(t, family, a);; i = (i + 1) & (t->cap - 1)) {
		struct lease_slot *s = &t->slots[i];
		if (!s->count)
			return NULL;
		if (s->a == a && s->family == family)
			return s;
	}
}

static void place(struct lease_table *t, const struct lease_slot *from)
{
	size_t i = home(t, from->family, from->a);
	while (t->slots[i].count)
		i = (i + 1) & (t->cap - 1);
	t->slots[i] = *from;
}

/* At most three quarters full, so that a probe ends soon. */
static int grow(struct lease_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct lease_slot *old = t->slots, *s = calloc(cap, sizeof(*s));
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

int lease_hold(struct lease_table *t, const struct ip_addr *addr)
{
	pool_addr a = pool_addr_of(addr);
	struct lease_slot *s = find(t, addr->family, a);
	if (s) {
		s->count++;
		return 0;
	}
	if ((t->n + 1) * 4 > t->cap * 3) {
		int err = grow(t);
		if (err)
			return err;
	}
	place(t, &(struct lease_slot){ a, addr->family, 1 });
	t->n++;
	return 0;
}

/* Deletion without tombstones: the entries after the freed slot that
 * would no longer be found from their home move back into it. */
static void remove_slot(struct lease_table *t, struct lease_slot *s)
{
	size_t mask = t->cap - 1, i = (size_t)(s - t->slots), j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (!t->slots[j].count)
			break;
		size_t k = home(t, t->slots[j].family, t->slots[j].a);
		/* j stays where it is when its home k lies cyclically in (i, j] */
		if (i < j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->slots[i] = t->slots[j];
		i = j;
	}
	t->slots[i].count = 0;
	t->n--;
}

void lease_release(struct lease_table *t, const struct ip_addr *addr)
{
	pool_addr a = pool_addr_of(addr);
	struct lease_slot *s = find(t, addr->family, a);
	if (!s || --s->count)
		return;
	remove_slot(t, s);
	for (size_t i = 0; i < t->n_hints; i++) {
		struct lease_hint *h = &t->hints[i];
		if (h->family == addr->family && h->first <= a && a <= h->last && a < h->next)
			h->next = a;
	}
}

bool lease_held(const struct lease_table *t, const struct ip_addr *addr)
{
	return find(t, addr->family, pool_addr_of(addr)) != NULL;
}

/* The point of pool p: kept as long as p's range is the same. */
static struct lease_hint *hint_of(struct lease_table *t, const struct pool_config *p)
{
	for (size_t i = 0; i < t->n_hints; i++) {
		struct lease_hint *h = &t->hints[i];
		if (h->id == p->id && h->family == p->family && h->first == p->first &&
		    h->last == p->last)
			return h;
	}
	struct lease_hint *h = &t->hints[t->n_hints < LEASE_HINTS ? t->n_hints++
						   : t->evict++ % LEASE_HINTS];
	*h = (struct lease_hint){ p->id, p->family, p->first, p->last, p->first };
	return h;
}

int lease_pick(struct lease_table *t, const struct pool_config *p, struct ip_addr *out)
{
	struct lease_hint *h = hint_of(t, p);
	pool_addr a = h->next;
	while (find(t, p->family, a)) {
		if (a == p->last) {
			h->next = a;     /* all but the last seen held; it is too */
			return -RTX_ENOENT;
		}
		a++;
	}
	h->next = a;
	*out = pool_ip(p->family, a);
	return 0;
}

void lease_table_free(struct lease_table *t)
{
	free(t->slots);
	*t = (struct lease_table){ 0 };
}
