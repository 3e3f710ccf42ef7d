/* Address pools of mode-cfg (see pool.h). A pick walks the pool from
 * its start past the addresses taken; a pick happens once per login. */
#include "engine/pool.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

pool_addr pool_addr_of(const struct ip_addr *a)
{
	size_t n = a->family == AF_INET6 ? 16 : 4;
	pool_addr v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | a->bytes[i];
	return v;
}

struct ip_addr pool_ip(uint8_t family, pool_addr a)
{
	struct ip_addr ip = { .family = family };
	size_t n = family == AF_INET6 ? 16 : 4;
	for (size_t i = n; i-- > 0; a >>= 8)
		ip.bytes[i] = (uint8_t)a;
	return ip;
}

/* One address of the pool's family (the first one read sets it). */
static int parse_one(const char *s, struct pool_config *p, pool_addr *out)
{
	struct ip_addr a;
	if (ip_addr_parse(s, &a) || (p->family && a.family != p->family))
		return -RTX_EINVAL;
	p->family = a.family;
	*out = pool_addr_of(&a);
	return 0;
}

int pool_parse(const char *text, struct pool_config *out)
{
	char buf[128];
	struct pool_config p = { .id = out->id };
	if (strlen(text) >= sizeof(buf))
		return -RTX_EINVAL;
	snprintf(buf, sizeof(buf), "%s", text);
	char *dash = strchr(buf, '-'), *slash = strchr(buf, '/'), *end;
	unsigned long len = 0;
	if (slash) {
		*slash = '\0';
		len = strtoul(slash + 1, &end, 10);
		if (*end || !slash[1] || len < 1)
			return -RTX_EINVAL;
	}
	if (dash) {
		/* a range's mask is the clients' netmask on the RTX; each
		 * client here gets a host route, so only the range counts */
		*dash = '\0';
		if (parse_one(buf, &p, &p.first) || parse_one(dash + 1, &p, &p.last) ||
		    p.last < p.first || len > (p.family == AF_INET6 ? 128u : 32u))
			return -RTX_EINVAL;
	} else if (slash) {
		pool_addr a;
		if (parse_one(buf, &p, &a))
			return -RTX_EINVAL;
		unsigned bits = p.family == AF_INET6 ? 128 : 32;
		if (len > bits)
			return -RTX_EINVAL;
		pool_addr host = len == bits ? 0 : ((pool_addr)1 << (bits - len)) - 1;
		p.first = a & ~host;
		p.last = a | host;
		if (p.family == AF_INET && host >= 3) {
			p.first++;     /* not the network */
			p.last--;      /* nor the broadcast address */
		} else if (p.family == AF_INET6 && host >= 1) {
			p.first++;     /* not the Subnet-Router anycast address */
		}
	} else if (parse_one(buf, &p, &p.first)) {
		return -RTX_EINVAL;
	} else {
		p.last = p.first;
	}
	*out = p;
	return 0;
}

int pool_set(struct pool_table **tp, unsigned id, const struct pool_config *src)
{
	struct pool_table *t = *tp;
	struct pool_config v = *src;
	v.id = id;
	if (!t && !(t = *tp = calloc(1, sizeof(*t))))
		return -RTX_ENOMEM;
	for (size_t i = 0; i < t->n; i++)
		if (t->pools[i].id == id) {
			t->pools[i] = v;
			return 0;
		}
	struct pool_config *p = realloc(t->pools, (t->n + 1) * sizeof(*p));
	if (!p)
		return -RTX_ENOMEM;
	t->pools = p;
	p[t->n++] = v;
	return 0;
}

const struct pool_config *pool_find(const struct pool_table *t, unsigned id)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (t->pools[i].id == id)
			return &t->pools[i];
	return NULL;
}

void pool_table_free(struct pool_table *t)
{
	if (t)
		free(t->pools);
	free(t);
}
