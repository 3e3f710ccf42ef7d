/* Half-open IKE SAs (responder SAs not yet authenticated) counted per
 * source address, so that the engine can refuse a sender that opens too
 * many of them (what strongSwan calls block_threshold). An address has an
 * entry only while it has half-open SAs: the table's memory follows the
 * number of half-open SAs, which the engine caps. */
#ifndef RTX_HALF_OPEN_H
#define RTX_HALF_OPEN_H

#include <stddef.h>

#include "base/ip_addr.h"

#define HALF_OPEN_BUCKETS 256

struct half_open_src;

struct half_open_table {
	struct half_open_src *bucket[HALF_OPEN_BUCKETS];
	size_t n_src;              /* addresses with half-open SAs */
};

/* Half-open SAs from a. */
unsigned half_open_count(const struct half_open_table *t, const struct ip_addr *a);
/* One more from a: 0 or -RTX_ENOMEM. */
int half_open_add(struct half_open_table *t, const struct ip_addr *a);
/* One fewer from a (which half_open_add counted). */
void half_open_remove(struct half_open_table *t, const struct ip_addr *a);
void half_open_table_free(struct half_open_table *t);

#endif
