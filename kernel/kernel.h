/* The kernel layer: which backend installs SAs and policies. The
 * kernel_ops interface itself arrives with the IKEv2 exchanges. */
#ifndef RTX_KERNEL_H
#define RTX_KERNEL_H

enum kernel_backend {
	KERNEL_SIM,       /* in-memory SAD/SPD: the default, needs no privileges */
	KERNEL_NETLINK,   /* Linux XFRM through libnl */
};

/* "sim" or "netlink"; returns 0 or -RTX_EINVAL. */
int kernel_backend_parse(const char *name, enum kernel_backend *out);
const char *kernel_backend_name(enum kernel_backend b);

#endif
