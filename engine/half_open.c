#include "engine/half_open.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "base/err.h"

struct half_open_src {
	struct half_open_src *next;
	struct ip_addr addr;
	unsigned n;
};

/* FNV-1a over the address. Senders choose their addresses, but a long
 * chain only costs time in proportion to the half-open SAs, which are
 * capped. */
static unsigned bucket_of(const struct ip_addr *a)
{
	uint32_t h = 2166136261u;
	size_t len = a->family == AF_INET6 ? 16 : 4;
	h = (h ^ a->family) * 16777619u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ a->bytes[i]) * 16777619u;
	return h % HALF_OPEN_BUCKETS;
}

static struct half_open_src **find(const struct half_open_table *t, const struct ip_addr *a)
{
	struct half_open_src *const *pp = &t->bucket[bucket_of(a)];
	while (*pp && !ip_addr_equal(&(*pp)->addr, a))
		pp = &(*pp)->next;
	return (struct half_open_src **)pp;
}

unsigned half_open_count(const struct half_open_table *t, const struct ip_addr *a)
{
	struct half_open_src *s = *find(t, a);
	return s ? s->n : 0;
}

int half_open_add(struct half_open_table *t, const struct ip_addr *a)
{
	struct half_open_src **pp = find(t, a);
	if (!*pp) {
		struct half_open_src *s = calloc(1, sizeof(*s));
		if (!s)
			return -RTX_ENOMEM;
		s->addr = *a;
		*pp = s;
		t->n_src++;
	}
	(*pp)->n++;
	return 0;
}

void half_open_remove(struct half_open_table *t, const struct ip_addr *a)
{
	struct half_open_src **pp = find(t, a), *s = *pp;
	if (!s)
		return;
	if (--s->n == 0) {
		*pp = s->next;
		free(s);
		t->n_src--;
	}
}

void half_open_table_free(struct half_open_table *t)
{
	for (size_t i = 0; i < HALF_OPEN_BUCKETS; i++)
		while (t->bucket[i]) {
			struct half_open_src *s = t->bucket[i];
			t->bucket[i] = s->next;
			free(s);
		}
	t->n_src = 0;
}
