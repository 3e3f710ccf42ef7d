/* The addresses the engine's live IKE SAs hold (sa->cp_addr: a lease we
 * gave a client, or the address a server gave us), counted per address: a
 * rekeyed IKE SA holds its client's lease beside the old one until that
 * goes. A remote-access gateway holds every client, so a login finds its
 * lease here and never walks the SAs (it did: a pass over every SA and a
 * sort per login, a sixth of a login's time at 10,000 clients).
 *
 * Per pool the table also remembers how far up from the pool's first
 * address every address is held, so that filling a pool from the bottom
 * costs one look per login; an address given back below that point moves
 * it down. */
#ifndef RTX_LEASE_H
#define RTX_LEASE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/addr_count.h"
#include "engine/pool.h"

/* How many pools keep their point; more are forgotten in turn (the point
 * only saves looks, it is never needed). */
#define LEASE_HINTS 16

struct lease_hint {
	unsigned id;
	uint8_t family;
	pool_addr first, last;
	pool_addr next;       /* every address of [first, next) is held */
};

struct lease_table {
	struct addr_count held;
	struct lease_hint hints[LEASE_HINTS];
	size_t n_hints, evict;
};

/* One more holder of a; 0 or -RTX_ENOMEM. */
int lease_hold(struct lease_table *t, const struct ip_addr *a);
/* One holder fewer (a must be held). */
void lease_release(struct lease_table *t, const struct ip_addr *a);
bool lease_held(const struct lease_table *t, const struct ip_addr *a);
/* The lowest address of p nobody holds, not yet held by the caller:
 * 0 and *out, or -RTX_ENOENT when the pool is exhausted. */
int lease_pick(struct lease_table *t, const struct pool_config *p, struct ip_addr *out);
void lease_table_free(struct lease_table *t);

#endif
