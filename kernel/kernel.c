#include "kernel/kernel.h"

#include <string.h>

#include "base/err.h"

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

