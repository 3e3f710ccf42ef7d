#include "base/ip_addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/err.h"

int ip_addr_parse(const char *text, struct ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, text, out->bytes) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, out->bytes) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -RTX_EINVAL;
}

const char *ip_addr_str(const struct ip_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family == AF_INET6 ? AF_INET6 : AF_INET, a->bytes, buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

bool ip_addr_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	size_t n = a->family == AF_INET6 ? 16 : 4;
	return a->family == b->family && memcmp(a->bytes, b->bytes, n) == 0;
}
