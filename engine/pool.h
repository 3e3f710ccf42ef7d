/* `ipsec ike mode-cfg address pool PID RANGE` (reference 2.5): IPv4 or
 * IPv6 address pools for remote-access clients. Which addresses are in
 * use is not stored here: an address is taken while a live IKE SA holds
 * it (sa->cp_addr, counted in the engine's lease table, lease.h), so it
 * returns to the pool the moment that SA goes, whatever way it goes. */
#ifndef RTX_POOL_H
#define RTX_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ip_addr.h"

/* An address as a number, so that ranges compare and count alike for
 * both families (IPv4 in the low 32 bits). */
typedef unsigned __int128 pool_addr;

struct pool_config {
	unsigned id;
	uint8_t family;           /* AF_INET or AF_INET6 */
	pool_addr first, last;    /* inclusive */
};

struct pool_table {
	struct pool_config *pools;
	size_t n;
};

/* "A-B[/len]", "A" or "A/len" of either family into *out (id
 * untouched); -RTX_EINVAL for anything else. A prefix gives its hosts:
 * IPv4 without the network and broadcast addresses (from /30 on), IPv6
 * without the Subnet-Router anycast address (from /127 on). */
int pool_parse(const char *text, struct pool_config *out);
/* Sets pool id to the range of p (replacing it); 0 or -RTX_ENOMEM. */
int pool_set(struct pool_table **t, unsigned id, const struct pool_config *p);
const struct pool_config *pool_find(const struct pool_table *t, unsigned id);
void pool_table_free(struct pool_table *t);

pool_addr pool_addr_of(const struct ip_addr *a);
struct ip_addr pool_ip(uint8_t family, pool_addr a);

#endif
