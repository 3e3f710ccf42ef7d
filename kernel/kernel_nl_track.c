/* What the netlink backend installed: a growable array per object kind
 * with a hash index beside it (base/pos_index.c). Every add, delete and
 * event looks its object up, so with a linear scan 10,000 tunnels cost
 * quadratic time. The items stay one dense array that flush() can pop
 * from the end; removal moves the last item into the hole, and the index
 * is told so. */
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "base/err.h"
#include "kernel/kernel_nl.h"

void kernel_nl_vec_init(struct vec *v, size_t size, uint32_t (*hash)(const void *),
			bool (*eq)(const void *, const void *))
{
	*v = (struct vec){ .size = size, .hash = hash, .eq = eq };
}

void kernel_nl_vec_free(struct vec *v)
{
	free(v->items);
	pos_index_free(&v->index);
	kernel_nl_vec_init(v, v->size, v->hash, v->eq);
}

void *kernel_nl_vec_at(const struct vec *v, size_t i)
{
	return (char *)v->items + i * v->size;
}

ssize_t kernel_nl_vec_find(const struct vec *v, const void *key)
{
	if (!v->hash) {
		for (size_t i = 0; i < v->n; i++)
			if (v->eq(kernel_nl_vec_at(v, i), key))
				return (ssize_t)i;
		return -1;
	}
	const struct pos_index *x = &v->index;
	for (size_t i = pos_index_first(x, v->hash(key)); i != POS_NONE; i = pos_index_next(x, i))
		if (v->eq(kernel_nl_vec_at(v, i), key))
			return (ssize_t)i;
	return -1;
}

int kernel_nl_vec_push(struct vec *v, const void *item)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		void *p = cap > UINT32_MAX / 2 ? NULL : realloc(v->items, cap * v->size);
		if (!p)
			return -RTX_ENOMEM;
		v->items = p;
		v->cap = cap;
	}
	if (v->hash && pos_index_reserve(&v->index, v->n + 1))
		return -RTX_ENOMEM;
	memcpy(kernel_nl_vec_at(v, v->n), item, v->size);
	if (v->hash)
		pos_index_push(&v->index, v->hash(item));
	v->n++;
	return 0;
}

void kernel_nl_vec_remove(struct vec *v, size_t i)
{
	size_t last = v->n - 1;
	if (v->hash)
		pos_index_swap_remove(&v->index, i);
	if (i != last)
		memcpy(kernel_nl_vec_at(v, i), kernel_nl_vec_at(v, last), v->size);
	v->n--;
}

/* ---- the backend's keys ------------------------------------------------ */

/* Each hash reads exactly what its eq compares, so equal keys hash
 * alike (only the address bytes the family uses, never padding). */

static uint32_t sa_id_hash(const void *key)
{
	const struct kernel_sa_id *id = key;
	uint32_t h = pos_hash(POS_HASH0, &id->spi, sizeof(id->spi));
	h = pos_hash(h, &id->proto, 1);
	return pos_hash_addr(pos_hash_addr(h, &id->src), &id->dst);
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
	uint32_t h = pos_hash(POS_HASH0, &id->if_id, sizeof(id->if_id));
	h = pos_hash(h, &dir, sizeof(dir));
	h = pos_hash(h, &id->src_len, 1);
	h = pos_hash(h, &id->dst_len, 1);
	return pos_hash_addr(pos_hash_addr(h, &id->src_net), &id->dst_net);
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
	return pos_hash(POS_HASH0, key, sizeof(unsigned));
}

bool kernel_nl_unsigned_eq(const void *item, const void *key)
{
	return *(const unsigned *)item == *(const unsigned *)key;
}

static uint32_t route_hash(const void *key)
{
	const struct kernel_route *r = key;
	uint32_t h = pos_hash(POS_HASH0, &r->tunnel, sizeof(r->tunnel));
	h = pos_hash(h, &r->dst_len, 1);
	return pos_hash_addr(h, &r->dst);
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
