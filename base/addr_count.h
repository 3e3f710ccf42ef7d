/* Addresses counted by holder: an address has an entry only while its
 * count is above zero, so the table's memory follows what is held. The
 * engine counts half-open IKE SAs per source address with it (to refuse
 * a sender that opens too many) and the mode-cfg leases its IKE SAs hold
 * (engine/lease.c), which a remote-access gateway has one of per client. */
#ifndef RTX_ADDR_COUNT_H
#define RTX_ADDR_COUNT_H

#include <stddef.h>

#include "base/ip_addr.h"
#include "base/pos_index.h"

struct addr_count_entry;

struct addr_count {
	struct addr_count_entry *v;      /* dense, in no order */
	size_t n, cap;                   /* n: addresses counted */
	struct pos_index index;          /* v's positions by address */
};

unsigned addr_count_of(const struct addr_count *t, const struct ip_addr *a);
/* One more holder of a: 0 or -RTX_ENOMEM. */
int addr_count_add(struct addr_count *t, const struct ip_addr *a);
/* One holder fewer; returns how many are left (0 also when a had none). */
unsigned addr_count_remove(struct addr_count *t, const struct ip_addr *a);
void addr_count_free(struct addr_count *t);

#endif
