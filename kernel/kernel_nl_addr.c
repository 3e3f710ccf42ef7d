/* The addresses `ip lanN address` puts on host interfaces, over the
 * backend's NETLINK_ROUTE socket. Only what this instance added is
 * tracked and ever removed: an address the interface already had belongs
 * to whoever put it there. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "base/err.h"
#include "base/log.h"
#include "kernel/kernel_nl.h"

static ssize_t find_addr(const struct kernel_nl *k, const char *ifname,
			 const struct ip_addr *a, uint8_t len)
{
	for (size_t i = 0; i < k->addrs.n; i++) {
		const struct tracked_addr *t = kernel_nl_vec_at(&k->addrs, i);
		if (t->len == len && strcmp(t->ifname, ifname) == 0 && ip_addr_equal(&t->a, a))
			return (ssize_t)i;
	}
	return -1;
}

/* The request's object: address, prefix length and the interface's index
 * as this namespace's kernel knows it. */
static int addr_build(struct kernel_nl *n, const char *ifname, const struct ip_addr *a,
		      uint8_t len, const char *what, struct rtnl_addr **out)
{
	struct rtnl_link *link = NULL;
	n->last_errno = 0;
	int err = kernel_nl_route_result(n, rtnl_link_get_kernel(n->route, 0, ifname, &link), what);
	if (err)
		return err;
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(a->family, a->bytes, a->family == AF_INET6 ? 16 : 4);
	if (ra && local) {
		nl_addr_set_prefixlen(local, len);
		rtnl_addr_set_ifindex(ra, rtnl_link_get_ifindex(link));
		rtnl_addr_set_family(ra, a->family);
		err = rtnl_addr_set_local(ra, local);
		rtnl_addr_set_prefixlen(ra, len);
	}
	rtnl_link_put(link);
	if (local)
		nl_addr_put(local);
	if (!ra || !local || err) {
		if (ra)
			rtnl_addr_put(ra);
		return kernel_nl_build_failed(n, -RTX_ENOMEM, what);
	}
	*out = ra;
	return 0;
}

static const char *addr_desc(const char *op, const char *ifname, const struct ip_addr *a,
			     uint8_t len, char *buf, size_t size)
{
	char s[INET6_ADDRSTRLEN];
	snprintf(buf, size, "%s address %s/%u on %s", op, ip_addr_str(a, s, sizeof(s)), len,
		 ifname);
	return buf;
}

int kernel_nl_add_addr(struct kernel *k, const char *ifname, const struct ip_addr *a,
		       uint8_t len)
{
	struct kernel_nl *n = knl(k);
	struct rtnl_addr *ra = NULL;
	char what[128];
	addr_desc("add", ifname, a, len, what, sizeof(what));
	if (strlen(ifname) >= IFNAMSIZ || (a->family != AF_INET && a->family != AF_INET6))
		return kernel_nl_build_failed(n, -RTX_EINVAL, what);
	int err = addr_build(n, ifname, a, len, what, &ra);
	if (err)
		return err;
	n->last_errno = 0;
	int nlerr = rtnl_addr_add(n->route, ra, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_addr_put(ra);
	/* Already there: someone else's (or the system's), so never removed. */
	if (nlerr == -NLE_EXIST || n->last_errno == EEXIST)
		return 0;
	if ((err = kernel_nl_route_result(n, nlerr, what)))
		return err;
	struct tracked_addr t = { .a = *a, .len = len };
	snprintf(t.ifname, sizeof(t.ifname), "%s", ifname);
	if (find_addr(n, ifname, a, len) < 0 && kernel_nl_vec_push(&n->addrs, &t))
		NOTE(n, "[KERNEL] out of memory tracking %s", what);
	return 0;
}

int kernel_nl_del_addr(struct kernel *k, const char *ifname, const struct ip_addr *a,
		       uint8_t len)
{
	struct kernel_nl *n = knl(k);
	struct rtnl_addr *ra = NULL;
	char what[128];
	ssize_t i = find_addr(n, ifname, a, len);
	if (i < 0)
		return 0;   /* not ours */
	addr_desc("delete", ifname, a, len, what, sizeof(what));
	int err = addr_build(n, ifname, a, len, what, &ra);
	if (!err) {
		n->last_errno = 0;
		err = kernel_nl_route_result(n, rtnl_addr_delete(n->route, ra, 0), what);
		rtnl_addr_put(ra);
	}
	/* Gone with its interface, or by hand: forget it either way. */
	if (!err || n->last_errno == ENODEV || n->last_errno == EADDRNOTAVAIL)
		kernel_nl_vec_remove(&n->addrs, (size_t)i);
	return err;
}

int kernel_nl_flush_addrs(struct kernel *k)
{
	struct kernel_nl *n = knl(k);
	int first = 0, err;
	while (n->addrs.n) {
		struct tracked_addr t =
			*(struct tracked_addr *)kernel_nl_vec_at(&n->addrs, n->addrs.n - 1);
		if ((err = kernel_nl_del_addr(k, t.ifname, &t.a, t.len)) &&
		    find_addr(n, t.ifname, &t.a, t.len) >= 0)
			kernel_nl_vec_remove(&n->addrs, n->addrs.n - 1);
		first = first ? first : err;
	}
	return first;
}
