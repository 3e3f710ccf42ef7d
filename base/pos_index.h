/* The positions of an array chained by a hash of each element's key, so
 * that a table kept as an array (the `auth user` table, a tunnel's sets
 * of selectors, the config's routes, addr_count, the kernel backends'
 * vectors) finds an element without a walk. The caller hashes its
 * keys (pos_hash) and tells the index what it does to the array: an
 * element appended, an element's key changed, the last element moved
 * into a freed position. A lookup yields every position whose hash is
 * the one asked; the caller compares the keys. */
#ifndef RTX_POS_INDEX_H
#define RTX_POS_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "base/ip_addr.h"

#define POS_NONE SIZE_MAX

struct pos_index {
	uint32_t *hash;      /* per position */
	uint32_t *next;      /* per position: the next of its bucket */
	uint32_t *head;      /* per bucket */
	size_t n, cap, mask; /* positions, their room, buckets - 1 */
};

/* FNV-1a of len bytes at p, continuing from h (start with POS_HASH0). */
#define POS_HASH0 2166136261u
uint32_t pos_hash(uint32_t h, const void *p, size_t len);
/* The same over an address: its family and the bytes the family uses
 * (what ip_addr_equal compares, so equal addresses hash alike). */
uint32_t pos_hash_addr(uint32_t h, const struct ip_addr *a);

/* Room for n positions, so that pos_index_push cannot fail: 0 or
 * -RTX_ENOMEM (the index is unchanged). */
int pos_index_reserve(struct pos_index *x, size_t n);
/* Position x->n, appended with key hash h (room reserved). */
void pos_index_push(struct pos_index *x, uint32_t h);
/* The key of position pos changed: its hash is now h. */
void pos_index_rehash(struct pos_index *x, size_t pos, uint32_t h);
/* Position pos is gone and the last position moved into it. */
void pos_index_swap_remove(struct pos_index *x, size_t pos);
/* Positions whose hash is h, in no order: POS_NONE ends them.
 * for (size_t p = pos_index_first(x, h); p != POS_NONE; p = pos_index_next(x, p)) */
size_t pos_index_first(const struct pos_index *x, uint32_t h);
size_t pos_index_next(const struct pos_index *x, size_t pos);
/* No positions (the memory is kept). */
void pos_index_clear(struct pos_index *x);
void pos_index_free(struct pos_index *x);

#endif
