/* `ipsec ike mode-cfg address pool PID A-B` (reference 2.5): IPv4
 * address pools for remote-access clients. Which addresses are in use
 * is not stored here: an address is taken while a live IKE SA holds it
 * (sa->cp_addr4), so it returns to the pool the moment that SA goes,
 * whatever way it goes. */
#ifndef RTX_POOL_H
#define RTX_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pool_config {
	unsigned id;
	uint32_t first, last;     /* host order, inclusive */
};

struct pool_table {
	struct pool_config *pools;
	size_t n;
};

/* "A.B.C.D-E.F.G.H", "A.B.C.D" or "A.B.C.D/len" (the hosts of the
 * subnet, network and broadcast left out) into *first..*last;
 * -RTX_EINVAL for anything else (IPv6 pools are not emulated). */
int pool_parse(const char *text, uint32_t *first, uint32_t *last);
/* Sets pool id (replacing it); 0 or -RTX_ENOMEM. */
int pool_set(struct pool_table **t, unsigned id, uint32_t first, uint32_t last);
const struct pool_config *pool_find(const struct pool_table *t, unsigned id);
void pool_table_free(struct pool_table *t);

/* The lowest address of p not in taken (ascending, duplicates allowed,
 * addresses outside p ignored): 0 and *out, or -RTX_ENOENT when the pool
 * is exhausted. The caller gathers and sorts the holders once per lease
 * (asking about each address in turn walked all holders per address). */
int pool_pick_sorted(const struct pool_config *p, const uint32_t *taken, size_t n,
		     uint32_t *out);

#endif
