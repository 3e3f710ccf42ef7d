/* The configuration payload of remote access (RFC 7296 2.19, 3.15):
 * a client asks for an INTERNAL_IP4_ADDRESS or INTERNAL_IP6_ADDRESS in
 * its first IKE_AUTH request; a server with `ipsec ike mode-cfg address
 * GW PID` leases one from the pool (engine/pool.h) for the life of the
 * IKE SA, answers with it (a host netmask, a /128 prefix), and narrows
 * the client's TSi to it. A CHILD SA's traffic has the family of the IKE
 * SA's addresses (child_sa_ts_pick), so that is the family asked for and
 * leased; the other family's attributes are passed over. */
#ifndef RTX_MODECFG_H
#define RTX_MODECFG_H

#include <stdbool.h>
#include <stdint.h>

struct gateway_config;
struct ike_sa;
struct msg;

/* Client: CFG_REQUEST for an address of family; 0 or -RTX_ENOMEM. */
int modecfg_add_request(struct msg *m, uint8_t family);
/* Client: the address of a CFG_REPLY in m into sa->cp_addr, its first
 * DNS server into sa->cp_dns (both logged). */
void modecfg_read_reply(struct ike_sa *sa, const struct msg *m, const char *sub);

/* Server: whether m holds a CFG_REQUEST for an address of family. */
bool modecfg_requested(const struct msg *m, uint8_t family);
/* Server: a lease for sa when g hands out addresses. 0 (leased, or no
 * pool configured), else the notify refusing the CHILD SA after one
 * `[IKE2]` line: FAILED_CP_REQUIRED without a request,
 * INTERNAL_ADDRESS_FAILURE when the pool is missing or exhausted. */
uint16_t modecfg_lease(struct ike_sa *sa, const struct gateway_config *g, bool requested,
		       const char *sub);
/* Server: CFG_REPLY with sa's lease; 0 or -RTX_ENOMEM. */
int modecfg_add_reply(struct ike_sa *sa, struct msg *m);

#endif
