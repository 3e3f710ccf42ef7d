#include "kernel/kernel.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/err.h"

/* Tunnel N is if_id 0x52540000 + N ("RT" in the top half): our range,
 * so start-up cleanup can tell our state from anybody else's. */
#define KERNEL_IF_ID_BASE 0x52540000u

int kernel_backend_parse(const char *name, enum kernel_backend *out)
{
	if (strcmp(name, "sim") == 0)
		*out = KERNEL_SIM;
	else if (strcmp(name, "netlink") == 0)
		*out = KERNEL_NETLINK;
	else
		return -RTX_EINVAL;
	return 0;
}

const char *kernel_backend_name(enum kernel_backend b)
{
	return b == KERNEL_NETLINK ? "netlink" : "sim";
}

void kernel_set_event_handler(struct kernel *k, kernel_event_fn fn, void *arg)
{
	k->event = fn;
	k->event_arg = arg;
}

void kernel_free(struct kernel *k)
{
	if (k)
		k->ops->destroy(k);
}

uint32_t kernel_tunnel_if_id(unsigned tunnel)
{
	return KERNEL_IF_ID_BASE + tunnel;
}

uint32_t kernel_tunnel_reqid(unsigned tunnel)
{
	return KERNEL_IF_ID_BASE + tunnel;
}

int kernel_addr_parse(const char *text, struct kernel_addr *out)
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

const char *kernel_addr_str(const struct kernel_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family == AF_INET6 ? AF_INET6 : AF_INET, a->bytes, buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

bool kernel_addr_equal(const struct kernel_addr *a, const struct kernel_addr *b)
{
	size_t n = a->family == AF_INET6 ? 16 : 4;
	return a->family == b->family && memcmp(a->bytes, b->bytes, n) == 0;
}
