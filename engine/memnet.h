/* The in-memory network of the two-router tests: hosts attach with an
 * address and get a struct transport; messages queue in flight and are
 * delivered one at a time (ladder style, memnet_deliver_next) or by loop
 * timers after a delay. Faults (drop, duplicate, reorder, delay) come from
 * a seeded generator, so every run of a scenario is the same run. */
#ifndef RTX_MEMNET_H
#define RTX_MEMNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/transport.h"

struct loop;
struct memnet;

/* loop may be NULL when only memnet_deliver_next drives delivery. */
struct memnet *memnet_new(struct loop *loop, uint64_t seed);
void memnet_free(struct memnet *n);   /* after every attached transport */

/* A host with one address; its transport sends from any port. */
struct transport *memnet_attach(struct memnet *n, const struct ip_addr *addr);

struct memnet_faults {
	unsigned drop_pct, dup_pct, reorder_pct;   /* 0..100 */
	uint32_t delay_ms;                         /* with a loop: delivery delay */
};
void memnet_set_faults(struct memnet *n, const struct memnet_faults *f);

/* A NAT box: datagrams from inside to anyone leave with the source
 * rewritten to public and a mapped port; replies to that mapping go back
 * to the inside host's original endpoint. */
int memnet_add_nat(struct memnet *n, const struct ip_addr *inside,
		   const struct ip_addr *public);
/* The NAT boxes forget their mappings (a NAT reboot or timeout): the
 * next datagram from inside gets a new public port. */
void memnet_nat_rebind(struct memnet *n);
/* A one-to-one NAT: the inside host's address becomes public both ways,
 * its ports stay. Its peer still sees the NAT in NAT detection (RFC 7296
 * 2.23) without any port to follow, as with a peer that fakes detection. */
int memnet_add_static_nat(struct memnet *n, const struct ip_addr *inside,
			  const struct ip_addr *public);

/* Every datagram as it is sent (after NAT), framed as on the wire. */
typedef void memnet_tap_fn(void *arg, const struct endpoint *src,
			   const struct endpoint *dst, const uint8_t *dgram, size_t len);
void memnet_set_tap(struct memnet *n, memnet_tap_fn *fn, void *arg);

/* A middlebox on the path: fn sees every datagram after NAT, framed as on
 * the wire, and may write a rewritten one into out (cap bytes: the
 * datagram's length plus MEMNET_MANGLE_ROOM) and return its length, or
 * return 0 to let it pass as it is. The tap sees what fn made of it. */
#define MEMNET_MANGLE_ROOM 256
typedef size_t memnet_mangle_fn(void *arg, const struct endpoint *src,
				const struct endpoint *dst, const uint8_t *dgram, size_t len,
				uint8_t *out, size_t cap);
void memnet_set_mangle(struct memnet *n, memnet_mangle_fn *fn, void *arg);

size_t memnet_in_flight(const struct memnet *n);
/* Delivers the oldest message in flight; false when none. A message to an
 * address no host has is dropped silently, as on a real network. */
bool memnet_deliver_next(struct memnet *n);
/* Drops the oldest message in flight (a scripted loss). */
bool memnet_drop_next(struct memnet *n);
/* Delivers until nothing is in flight or max messages were delivered;
 * returns how many were delivered. */
size_t memnet_deliver_all(struct memnet *n, size_t max);

#endif
