/* The configuration payload of remote access (RFC 7296 2.19, 3.15):
 * a client asks for an INTERNAL_IP4_ADDRESS in its first IKE_AUTH
 * request; a server with `ipsec ike mode-cfg address GW PID` leases one
 * from the pool (engine/pool.h) for the life of the IKE SA, answers with
 * it and a host netmask, and narrows the client's TSi to it. */
#ifndef RTX_MODECFG_H
#define RTX_MODECFG_H

#include <stdbool.h>
#include <stdint.h>

struct gateway_config;
struct ike_sa;
struct msg;

/* Client: CFG_REQUEST for an IPv4 address; 0 or -RTX_ENOMEM. */
int modecfg_add_request(struct msg *m);
/* Client: the address of a CFG_REPLY in m into sa->cp_addr4 (logged). */
void modecfg_read_reply(struct ike_sa *sa, const struct msg *m, const char *sub);

/* Server: whether m holds a CFG_REQUEST with INTERNAL_IP4_ADDRESS. */
bool modecfg_requested(const struct msg *m);
/* Server: a lease for sa when g hands out addresses. 0 (leased, or no
 * pool configured), else the notify refusing the CHILD SA after one
 * `[IKE2]` line: FAILED_CP_REQUIRED without a request,
 * INTERNAL_ADDRESS_FAILURE when the pool is missing or exhausted. */
uint16_t modecfg_lease(struct ike_sa *sa, const struct gateway_config *g, bool requested,
		       const char *sub);
/* Server: CFG_REPLY with sa's lease; 0 or -RTX_ENOMEM. */
int modecfg_add_reply(struct ike_sa *sa, struct msg *m);

#endif
