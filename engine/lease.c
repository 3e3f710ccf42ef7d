#include "engine/lease.h"

#include "base/err.h"

int lease_hold(struct lease_table *t, const struct ip_addr *a)
{
	return addr_count_add(&t->held, a);
}

void lease_release(struct lease_table *t, const struct ip_addr *addr)
{
	if (addr_count_remove(&t->held, addr))
		return;
	pool_addr a = pool_addr_of(addr);
	for (size_t i = 0; i < t->n_hints; i++) {
		struct lease_hint *h = &t->hints[i];
		if (h->family == addr->family && h->first <= a && a <= h->last && a < h->next)
			h->next = a;
	}
}

bool lease_held(const struct lease_table *t, const struct ip_addr *a)
{
	return addr_count_of(&t->held, a) != 0;
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
	struct ip_addr ip;
	while (ip = pool_ip(p->family, a), lease_held(t, &ip)) {
		if (a == p->last) {
			h->next = a;     /* all but the last seen held; it is too */
			return -RTX_ENOENT;
		}
		a++;
	}
	h->next = a;
	*out = ip;
	return 0;
}

void lease_table_free(struct lease_table *t)
{
	addr_count_free(&t->held);
	*t = (struct lease_table){ 0 };
}
