#include "kernel/sim_index.h"

#include <stdlib.h>
#include <sys/socket.h>

#include "base/err.h"
#include "base/ip_addr.h"

uint64_t sim_hash_bytes(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

/* The bytes ip_addr_equal compares, no more: the rest need not be zero. */
uint64_t sim_hash_addr(uint64_t h, const struct ip_addr *a)
{
	h = sim_hash_bytes(h, &a->family, 1);
	return sim_hash_bytes(h, a->bytes, a->family == AF_INET6 ? 16 : 4);
}

void sim_index_init(struct sim_index *x, sim_index_hash_fn hash, sim_index_match_fn match)
{
	*x = (struct sim_index){ .hash = hash, .match = match };
}

void sim_index_free(struct sim_index *x)
{
	free(x->slot);
	x->slot = NULL;
	x->cap = x->n = 0;
}

void sim_index_clear(struct sim_index *x)
{
	for (size_t i = 0; i < x->cap; i++)
		x->slot[i] = 0;
	x->n = 0;
}

static size_t home(const struct sim_index *x, uint64_t h)
{
	/* The high bits mix best after FNV's multiply. */
	return (size_t)(h ^ (h >> 32)) & (x->cap - 1);
}

static void put(struct sim_index *x, const void *ctx, size_t pos)
{
	size_t i = home(x, x->hash(ctx, pos));
	while (x->slot[i])
		i = (i + 1) & (x->cap - 1);
	x->slot[i] = (uint32_t)pos + 1;
}

bool sim_index_find(const struct sim_index *x, const void *ctx, uint64_t h, const void *key,
		    size_t *pos)
{
	if (!x->cap)
		return false;
	for (size_t i = home(x, h); x->slot[i]; i = (i + 1) & (x->cap - 1))
		if (x->match(ctx, x->slot[i] - 1, key)) {
			*pos = x->slot[i] - 1;
			return true;
		}
	return false;
}

/* At most half full, so probes stay short. */
int sim_index_add(struct sim_index *x, const void *ctx)
{
	if ((x->n + 1) * 2 > x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		uint32_t *slot = calloc(cap, sizeof(*slot));
		if (!slot)
			return -RTX_ENOMEM;
		free(x->slot);
		x->slot = slot;
		x->cap = cap;
		for (size_t p = 0; p < x->n; p++)
			put(x, ctx, p);
	}
	put(x, ctx, x->n++);
	return 0;
}

static size_t slot_of(const struct sim_index *x, const void *ctx, size_t pos)
{
	size_t i = home(x, x->hash(ctx, pos));
	while (x->slot[i] != pos + 1)
		i = (i + 1) & (x->cap - 1);
	return i;
}

/* Linear probing without tombstones: after emptying a slot, later
 * entries of the run that could live in it move back (Knuth's
 * algorithm R), so every lookup still reaches its entry. */
static void empty_slot(struct sim_index *x, const void *ctx, size_t i)
{
	size_t mask = x->cap - 1;
	x->slot[i] = 0;
	for (size_t j = (i + 1) & mask; x->slot[j]; j = (j + 1) & mask) {
		size_t k = home(x, x->hash(ctx, x->slot[j] - 1));
		/* Stays when its home lies cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		x->slot[i] = x->slot[j];
		x->slot[j] = 0;
		i = j;
	}
}

void sim_index_del(struct sim_index *x, const void *ctx, size_t pos)
{
	size_t last = x->n - 1;
	empty_slot(x, ctx, slot_of(x, ctx, pos));
	if (last != pos)
		x->slot[slot_of(x, ctx, last)] = (uint32_t)pos + 1;
	x->n--;
}
