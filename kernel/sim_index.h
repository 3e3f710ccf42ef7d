/* A hash index over one of the sim backend's arrays: the arrays keep
 * their order (dumps and transcripts print it) and stay dense (a removal
 * moves the last element into the hole), and the index maps a key's hash
 * to array positions so that a lookup no longer walks the array. Without
 * it, loading a config of thousands of tunnels was quadratic in the sim's
 * policy, interface and route lookups.
 *
 * Open addressing with linear probing; a slot holds position + 1, 0 is
 * empty. The caller supplies the hash of the element at a position, so
 * the index can grow and close gaps on its own. */
#ifndef RTX_KERNEL_SIM_INDEX_H
#define RTX_KERNEL_SIM_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ip_addr;

/* The hash of the element at array position pos. */
typedef uint64_t (*sim_index_hash_fn)(const void *ctx, size_t pos);
/* Whether the element at pos has key. */
typedef bool (*sim_index_match_fn)(const void *ctx, size_t pos, const void *key);

struct sim_index {
	uint32_t *slot;
	size_t cap;             /* 0 or a power of two */
	size_t n;               /* positions indexed: 0 .. n-1 of the array */
	sim_index_hash_fn hash;
	sim_index_match_fn match;
};

void sim_index_init(struct sim_index *x, sim_index_hash_fn hash, sim_index_match_fn match);
void sim_index_free(struct sim_index *x);
/* Forgets every position (the array was emptied). */
void sim_index_clear(struct sim_index *x);
/* The position of the element with key (hash h), or false. */
bool sim_index_find(const struct sim_index *x, const void *ctx, uint64_t h, const void *key,
		    size_t *pos);
/* Indexes position x->n, the element just appended; 0 or -RTX_ENOMEM
 * (the caller then drops the element). */
int sim_index_add(struct sim_index *x, const void *ctx);
/* Before the caller moves the last element (x->n - 1) into pos: forgets
 * pos and points the last element's slot at pos. */
void sim_index_del(struct sim_index *x, const void *ctx, size_t pos);

/* FNV-1a steps for the key parts. */
uint64_t sim_hash_bytes(uint64_t h, const void *p, size_t len);
uint64_t sim_hash_addr(uint64_t h, const struct ip_addr *a);
#define SIM_HASH_INIT 14695981039346656037ull

#endif
