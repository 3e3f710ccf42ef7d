/* An IPv4 or IPv6 address in network order, as every layer passes it:
 * the config names peers and LANs with it, the engine's endpoints and the
 * kernel's SAs, policies and routes carry it. */
#ifndef RTX_IP_ADDR_H
#define RTX_IP_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ip_addr {
	uint8_t family;           /* AF_INET or AF_INET6 */
	uint8_t bytes[16];        /* network order; IPv4 uses the first 4 */
};

/* Parse "192.0.2.1" or "2001:db8::1"; 0 or -RTX_EINVAL. */
int ip_addr_parse(const char *text, struct ip_addr *out);
/* Into buf (at least 46 bytes); returns buf. */
const char *ip_addr_str(const struct ip_addr *a, char *buf, size_t len);
bool ip_addr_equal(const struct ip_addr *a, const struct ip_addr *b);

#endif
