/* What the netlink backend installed: a growable array per object kind
 * with a hash index beside it. Every add, delete and event looks its
 * object up, so with a linear scan 10,000 tunnels cost quadratic time;
 * the index makes each lookup a few probes.
 *
 * The index is open addressing with linear probing. A slot holds the
 * item's position + 1 (0: empty), so the items stay one dense array that
 * flush() can pop from the end, and removal keeps the array dense by
 * moving the last item into the hole (one slot to rewrite). Deletion
 * shifts later probes back instead of leaving tombstones, so lookups
 * never slow down after many deletes. */
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "base/err.h"
#include "kernel/kernel_nl.h"

uint32_t kernel_nl_hash(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;   /* FNV-1a */
	return h;
}

void kernel_nl_vec_init(struct vec *v, size_t size, uint32_t (*hash)(const void *),
			bool (*eq)(const void *, const void *))
{
	*v = (struct vec){ .size = size, .hash = hash, .eq = eq };
}

void kernel_nl_vec_free(struct vec *v)
{
	free(v->items);
	free(v->slots);
	kernel_nl_vec_init(v, v->size, v->hash, v->eq);
}

void *kernel_nl_vec_at(const struct vec *v, size_t i)
{
	return (char *)v->items + i * v->size;
}

static size_t home(const struct vec *v, const void *key)
{
	return v->hash(key) & (v->n_slots - 1);
}

/* The slot that holds position `pos`, whose item is at that position. */
static size_t slot_of(const struct vec *v, size_t pos)
{
	size_t s = home(v, kernel_nl_vec_at(v, pos));
	while (v->slots[s] != pos + 1)
		s = (s + 1) & (v->n_slots - 1);
	return s;
}

ssize_t kernel_nl_vec_find(const struct vec *v, const void *key)
{
	if (!v->hash) {
		for (size_t i = 0; i < v->n; i++)
			if (v->eq(kernel_nl_vec_at(v, i), key))
				return (ssize_t)i;
		return -1;
	}
	if (!v->n)
		return -1;
	for (size_t s = home(v, key); v->slots[s]; s = (s + 1) & (v->n_slots - 1))
		if (v->eq(kernel_nl_vec_at(v, v->slots[s] - 1), key))
			return (ssize_t)(v->slots[s] - 1);
	return -1;
}

static void slot_put(struct vec *v, size_t pos)
{
	size_t s = home(v, kernel_nl_vec_at(v, pos));
	while (v->slots[s])
		s = (s + 1) & (v->n_slots - 1);
	v->slots[s] = (uint32_t)pos + 1;
}

/* At most half full, so a miss ends at an empty slot within a few
 * probes. */
static int grow(struct vec *v)
{
	size_t cap = v->cap ? v->cap * 2 : 16;
	if (cap > UINT32_MAX / 2)
		return -RTX_ENOMEM;
	void *p = realloc(v->items, cap * v->size);
	if (!p)
		return -RTX_ENOMEM;
	v->items = p;
	if (v->hash) {
		uint32_t *slots = calloc(cap * 2, sizeof(*slots));
		if (!slots)
			return -RTX_ENOMEM;   /* the larger array is kept: harmless */
		free(v->slots);
		v->slots = slots;
		v->n_slots = cap * 2;
		for (size_t i = 0; i < v->n; i++)
			slot_put(v, i);
	}
	v->cap = cap;
	return 0;
}

int kernel_nl_vec_push(struct vec *v, const void *item)
{
	int err;
	if (v->n == v->cap && (err = grow(v)))
		return err;
	memcpy(kernel_nl_vec_at(v, v->n), item, v->size);
	if (v->hash)
		slot_put(v, v->n);
	v->n++;
	return 0;
}

/* Empties slot s, then moves back every later item of the same run that
 * could live at s (its home is not cyclically within (s, j]), so no probe
 * sequence crosses an empty slot it did not cross before. */
static void slot_clear(struct vec *v, size_t s)
{
	size_t mask = v->n_slots - 1;
	v->slots[s] = 0;
	for (size_t j = (s + 1) & mask; v->slots[j]; j = (j + 1) & mask) {
		size_t h = home(v, kernel_nl_vec_at(v, v->slots[j] - 1));
		if (((j - h) & mask) >= ((j - s) & mask)) {
			v->slots[s] = v->slots[j];
			v->slots[j] = 0;
			s = j;
		}
	}
}

void kernel_nl_vec_remove(struct vec *v, size_t i)
{
	size_t last = v->n - 1;
	if (v->hash) {
		slot_clear(v, slot_of(v, i));
		if (i != last)
			v->slots[slot_of(v, last)] = (uint32_t)i + 1;
	}
	if (i != last)
		memcpy(kernel_nl_vec_at(v, i), kernel_nl_vec_at(v, last), v->size);
	v->n--;
}

/* ---- the backend's keys ------------------------------------------------ */

/* Each hash reads exactly what its eq compares, so equal keys hash
 * alike (only the address bytes the family uses, never padding). */
uint32_t kernel_nl_hash_addr(uint32_t h, const struct ip_addr *a)
{
	h = kernel_nl_hash(h, &a->family, 1);
	return kernel_nl_hash(h, a->bytes, a->family == AF_INET6 ? 16 : 4);
}

static uint32_t sa_id_hash(const void *key)
{
	const struct kernel_sa_id *id = key;
	uint32_t h = kernel_nl_hash(KERNEL_NL_HASH_SEED, &id->spi, sizeof(id->spi));
	h = kernel_nl_hash(h, &id->proto, 1);
	return kernel_nl_hash_addr(kernel_nl_hash_addr(h, &id->src), &id->dst);
}

static bool sa_id_eq(const void *item, const void *key)
{
	const struct kernel_sa_id *a = item, *b = key;
	return a->spi == b->spi && a->proto == b->proto &&
	       ip_addr_equal(&a->src, &b->src) && ip_addr_equal(&a->dst, &b->dst);
}

uint32_t kernel_nl_policy_id_hash(const void *key)
{
	const struct kernel_policy_id *id = key;
	uint32_t dir = id->dir;
	uint32_t h = kernel_nl_hash(KERNEL_NL_HASH_SEED, &id->if_id, sizeof(id->if_id));
	h = kernel_nl_hash(h, &dir, sizeof(dir));
	h = kernel_nl_hash(h, &id->src_len, 1);
	h = kernel_nl_hash(h, &id->dst_len, 1);
	return kernel_nl_hash_addr(kernel_nl_hash_addr(h, &id->src_net), &id->dst_net);
}

bool kernel_nl_policy_id_eq(const void *item, const void *key)
{
	const struct kernel_policy_id *a = item, *b = key;
	return a->dir == b->dir && a->if_id == b->if_id && a->src_len == b->src_len &&
	       a->dst_len == b->dst_len && ip_addr_equal(&a->src_net, &b->src_net) &&
	       ip_addr_equal(&a->dst_net, &b->dst_net);
}

uint32_t kernel_nl_unsigned_hash(const void *key)
{
	return kernel_nl_hash(KERNEL_NL_HASH_SEED, key, sizeof(unsigned));
}

bool kernel_nl_unsigned_eq(const void *item, const void *key)
{
	return *(const unsigned *)item == *(const unsigned *)key;
}

static uint32_t route_hash(const void *key)
{
	const struct kernel_route *r = key;
	uint32_t h = kernel_nl_hash(KERNEL_NL_HASH_SEED, &r->tunnel, sizeof(r->tunnel));
	h = kernel_nl_hash(h, &r->dst_len, 1);
	return kernel_nl_hash_addr(h, &r->dst);
}

static bool route_eq(const void *item, const void *key)
{
	const struct kernel_route *a = item, *b = key;
	return a->tunnel == b->tunnel && a->dst_len == b->dst_len &&
	       ip_addr_equal(&a->dst, &b->dst);
}

void kernel_nl_track_init(struct kernel_nl *n)
{
	kernel_nl_vec_init(&n->sas, sizeof(struct tracked_sa), sa_id_hash, sa_id_eq);
	kernel_nl_vec_init(&n->policies, sizeof(struct kernel_policy_id), kernel_nl_policy_id_hash,
			   kernel_nl_policy_id_eq);
	kernel_nl_vec_init(&n->ifs, sizeof(unsigned), kernel_nl_unsigned_hash, kernel_nl_unsigned_eq);
	kernel_nl_vec_init(&n->routes, sizeof(struct kernel_route), route_hash, route_eq);
	/* A few `ip lanN address` lines: kernel_nl_addr.c scans them. */
	kernel_nl_vec_init(&n->addrs, sizeof(struct tracked_addr), NULL, NULL);
}

void kernel_nl_track_free(struct kernel_nl *n)
{
	kernel_nl_vec_free(&n->sas);
	kernel_nl_vec_free(&n->policies);
	kernel_nl_vec_free(&n->ifs);
	kernel_nl_vec_free(&n->routes);
	kernel_nl_vec_free(&n->addrs);
}
