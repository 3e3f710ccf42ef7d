#include "kernel/kernel.h"

#include <string.h>

#include "engine/err.h"

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
