/* The netlink kernel backend: XFRM SAs and policies over NETLINK_XFRM,
 * xfrm interfaces and routes over NETLINK_ROUTE, acquire and expire
 * events on a separate non-blocking socket the router's loop polls.
 *
 * Every object this instance installs is remembered, so flush() removes
 * exactly those and nothing another user of XFRM installed. Each call
 * installs at most one kernel object, so a failed call leaves nothing
 * behind; rolling back an SA/policy pair is the engine's business. */
#include "kernel/kernel_netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>
#include <netlink/route/link/xfrmi.h>
#include <netlink/route/route.h>

#include "base/err.h"
#include "base/log.h"
#include "kernel/kernel_nl.h"

bool kernel_netlink_is_ours(uint32_t v)
{
	uint32_t base = kernel_tunnel_if_id(0);
	return v >= base && v - base <= 0xffffu;
}

/* ---- tracking --------------------------------------------------------- */

static ssize_t find_sa(const struct kernel_nl *k, const struct kernel_sa_id *id)
{
	return kernel_nl_vec_find(&k->sas, id);
}

static ssize_t find_policy(const struct kernel_nl *k, const struct kernel_policy_id *id)
{
	return kernel_nl_vec_find(&k->policies, id);
}

static ssize_t find_if(const struct kernel_nl *k, unsigned tunnel)
{
	return kernel_nl_vec_find(&k->ifs, &tunnel);
}

static ssize_t find_route(const struct kernel_nl *k, const struct kernel_route *r)
{
	return kernel_nl_vec_find(&k->routes, r);
}

static void track_sa(struct kernel_nl *k, const struct kernel_sa_id *id, bool larval)
{
	ssize_t i = find_sa(k, id);
	struct tracked_sa t = { .id = *id, .larval = larval };
	if (i >= 0)
		((struct tracked_sa *)kernel_nl_vec_at(&k->sas, (size_t)i))->larval = larval;
	else if (kernel_nl_vec_push(&k->sas, &t))
		NOTE(k, "[KERNEL] out of memory tracking SA SPI 0x%08x",
			 id->spi);
}

bool kernel_nl_sa_ours(const struct kernel_nl *k, const struct kernel_sa_id *id)
{
	/* As the kernel's input lookup: by destination, SPI and protocol. A
	 * larval SA (a reserved SPI) takes no packet, so it is not known.
	 * Our SA's source is the sender's address, so the index finds every
	 * packet of ours at once; only an SPI we do not hold (or a sender
	 * that moved) costs the scan. */
	ssize_t at = kernel_nl_vec_find(&k->sas, id);
	if (at >= 0 && !((const struct tracked_sa *)kernel_nl_vec_at(&k->sas, (size_t)at))->larval)
		return true;
	for (size_t i = 0; i < k->sas.n; i++) {
		const struct tracked_sa *t = kernel_nl_vec_at(&k->sas, i);
		if (!t->larval && t->id.spi == id->spi && t->id.proto == id->proto &&
		    ip_addr_equal(&t->id.dst, &id->dst))
			return true;
	}
	return false;
}

size_t kernel_netlink_tracked(const struct kernel *k)
{
	const struct kernel_nl *n = (const struct kernel_nl *)k;
	return n->sas.n + n->policies.n + n->ifs.n + n->routes.n + n->addrs.n;
}

/* ---- requests --------------------------------------------------------- */

/* nl_socket_get_cb() hands out a reference: clone, then drop it. */
static struct nl_cb *clone_cb(struct nl_sock *sk)
{
	struct nl_cb *orig = nl_socket_get_cb(sk);
	struct nl_cb *cb = orig ? nl_cb_clone(orig) : NULL;
	if (orig)
		nl_cb_put(orig);
	return cb;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	(void)who;
	((struct kernel_nl *)arg)->last_errno = -e->error;
	return NL_STOP;   /* libnl still returns the translated error */
}

int kernel_netlink_last_errno(const struct kernel *k)
{
	return ((const struct kernel_nl *)k)->last_errno;
}

static int fail(struct kernel_nl *k, int nlerr, const char *what)
{
	const char *name = k->last_errno ? strerrorname_np(k->last_errno) : NULL;
	if (k->log)
		NOTE(k, "[KERNEL] %s failed: %s (%s)", what,
			 nl_geterror(nlerr), name ? name : "no errno");
	return -RTX_EKERNEL;
}

/* The replies of one request, read with recv() into a buffer of ours so
 * that SA replies (GETSA and dumps carry every SA's keys, ours and other
 * users') are wiped before they are freed: libnl's own receive buffers
 * are not. Each data message goes to reply as an nl_msg copy, wiped
 * after. Ends at the ACK or error of a one-shot request, or at
 * NLMSG_DONE of a dump. Returns 0 or a negative libnl error. */
static int xfrm_replies(struct kernel_nl *k, uint32_t seq, bool dump,
			nl_recvmsg_msg_cb_t reply, void *arg)
{
	uint8_t *buf = k->rxbuf;
	int fd = nl_socket_get_fd(k->xfrm), err = 0;
	for (bool done = false; !done;) {
		ssize_t n = recv(fd, buf, KERNEL_NL_RXBUF, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			k->last_errno = errno;
			err = -nl_syserr2nlerr(errno);
			break;
		}
		int left = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; !done && NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE) {
				done = dump;
			} else if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				k->last_errno = -e->error;
				err = e->error ? -nl_syserr2nlerr(-e->error) : 0;
				done = true;
			} else if (reply) {
				struct nl_msg *m = nlmsg_convert(h);
				if (!m) {
					err = -NLE_NOMEM;
					done = true;
				} else {
					reply(m, arg);
					kernel_nl_msg_free(m);
				}
			}
		}
		explicit_bzero(buf, (size_t)n);
	}
	return err;
}

/* Sends msg (always freed, wiped) on the XFRM socket and reads what the
 * kernel answers; with reply, each data message goes to it. Returns 0 or
 * a negative libnl error, logging nothing: the SA and policy paths
 * describe the request only when it failed (at 10,000 SA pairs in the
 * guest the descriptions' printf was 6 % of the backend's samples). */
static int xfrm_talk(struct kernel_nl *k, struct nl_msg *msg, nl_recvmsg_msg_cb_t reply,
		     void *arg)
{
	bool dump = nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP;
	k->last_errno = 0;
	int err = nl_send_auto(k->xfrm, msg);
	uint32_t seq = nlmsg_hdr(msg)->nlmsg_seq;
	kernel_nl_msg_free(msg);
	if (err >= 0)
		err = xfrm_replies(k, seq, dump, reply, arg);
	return err < 0 ? err : 0;
}

/* xfrm_talk, a failure logged with what. */
static int xfrm_request(struct kernel_nl *k, struct nl_msg *msg, const char *what,
			nl_recvmsg_msg_cb_t reply, void *arg)
{
	int err = xfrm_talk(k, msg, reply, arg);
	return err < 0 ? fail(k, err, what) : 0;
}

static const char *sa_desc(const char *op, const struct kernel_sa_id *id, char *buf,
			   size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	snprintf(buf, len, "%s SA %s->%s SPI 0x%08x", op, ip_addr_str(&id->src, s, sizeof(s)),
		 ip_addr_str(&id->dst, d, sizeof(d)), id->spi);
	return buf;
}

static const char *policy_desc(const char *op, const struct kernel_policy_id *id,
			       char *buf, size_t len)
{
	static const char *const dirs[] = { "in", "out", "fwd" };
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	snprintf(buf, len, "%s policy %s/%u->%s/%u dir %s if_id 0x%08x", op,
		 ip_addr_str(&id->src_net, s, sizeof(s)), id->src_len,
		 ip_addr_str(&id->dst_net, d, sizeof(d)), id->dst_len,
		 (unsigned)id->dir <= KERNEL_DIR_FWD ? dirs[id->dir] : "?", id->if_id);
	return buf;
}

/* A request that could not even be built is the caller's mistake, not
 * the kernel's: report it as such, but log it all the same. */
int kernel_nl_build_failed(struct kernel_nl *k, int err, const char *what)
{
	if (k->log)
		NOTE(k, "[KERNEL] %s: cannot build request: %s", what,
			 rtx_strerror(err));
	return err;
}

/* ---- SAs -------------------------------------------------------------- */

struct sa_reply {
	struct kernel_nl_sa_info info;
	bool got;
};

static int on_sa_reply(struct nl_msg *msg, void *arg)
{
	struct sa_reply *r = arg;
	r->got = kernel_nl_parse_sa(nlmsg_hdr(msg), &r->info) == 0;
	return NL_STOP;
}

static int nl_get_spi(struct kernel *k, const struct ip_addr *src,
		      const struct ip_addr *dst, uint32_t reqid, uint32_t *spi)
{
	struct kernel_nl *n = knl(k);
	struct sa_reply r = { .got = false };
	struct kernel_sa_id id = { .src = *src, .dst = *dst, .proto = KERNEL_PROTO_ESP };
	struct nl_msg *msg;
	char what[160];
	sa_desc("allocate SPI for", &id, what, sizeof(what));
	int err = kernel_nl_build_allocspi(src, dst, reqid, 0, &msg);
	if (err)
		return kernel_nl_build_failed(n, err, what);
	err = xfrm_request(n, msg, what, on_sa_reply, &r);
	if (err)
		return err;
	if (!r.got || r.info.id.spi < KERNEL_NL_SPI_MIN) {
		NOTE(n, "[KERNEL] %s: no SPI in the reply", what);
		return -RTX_EKERNEL;
	}
	id.spi = r.info.id.spi;
	track_sa(n, &id, true);
	*spi = id.spi;
	return 0;
}

/* quiet_esrch: the caller handles ESRCH (a larval SA gone), so that is
 * not logged as a failure. */
static int request_sa(struct kernel_nl *n, const struct kernel_sa *sa, bool update,
		      bool quiet_esrch)
{
	const char *op = update ? "update" : "add";
	struct nl_msg *msg;
	char what[160];
	int err = kernel_nl_build_sa(sa, update, &msg);
	if (err)
		return kernel_nl_build_failed(n, err, sa_desc(op, &sa->id, what, sizeof(what)));
	err = xfrm_talk(n, msg, NULL, NULL);
	if (err < 0 && quiet_esrch && n->last_errno == ESRCH)
		return -RTX_EKERNEL;
	return err < 0 ? fail(n, err, sa_desc(op, &sa->id, what, sizeof(what))) : 0;
}

/* After ALLOCSPI the kernel holds a larval state with that SPI: filling
 * it in is an update, a new state would collide with it. The larval
 * state lives net.core.xfrm_acq_expires (30 s by default): an exchange
 * slower than that (1,000 tunnels starting at once in an emulated guest)
 * finds it gone (ESRCH), and the SPI is then added as a new state. That
 * is said as such, not as a failed update: at 3,000 tunnels in the guest
 * 1,344 such lines were counted as kernel failures. */
static int install_sa(struct kernel *k, const struct kernel_sa *sa, bool update)
{
	struct kernel_nl *n = knl(k);
	ssize_t i = find_sa(n, &sa->id);
	bool larval = i >= 0 && ((struct tracked_sa *)kernel_nl_vec_at(&n->sas, (size_t)i))->larval;
	int err = request_sa(n, sa, update || larval, larval);
	if (err && larval && n->last_errno == ESRCH) {
		NOTE(n, "[KERNEL] reserved SPI 0x%08x expired before its SA came "
			"(net.core.xfrm_acq_expires); adding the SA", sa->id.spi);
		err = request_sa(n, sa, false, false);
	}
	if (!err)
		track_sa(n, &sa->id, false);
	return err;
}

static int nl_add_sa(struct kernel *k, const struct kernel_sa *sa)
{
	return install_sa(k, sa, false);
}

static int nl_update_sa(struct kernel *k, const struct kernel_sa *sa)
{
	return install_sa(k, sa, true);
}

static int nl_del_sa(struct kernel *k, const struct kernel_sa_id *id)
{
	struct kernel_nl *n = knl(k);
	struct nl_msg *msg;
	char what[160];
	int err = kernel_nl_build_del_sa(id, &msg);
	if (err)
		return kernel_nl_build_failed(n, err, sa_desc("delete", id, what, sizeof(what)));
	ssize_t i = find_sa(n, id);
	bool larval = i >= 0 && ((struct tracked_sa *)kernel_nl_vec_at(&n->sas, (size_t)i))->larval;
	err = xfrm_talk(n, msg, NULL, NULL);
	/* A reserved SPI the kernel already expired is gone, as asked. */
	if (err < 0 && larval && n->last_errno == ESRCH)
		err = 0;
	else if (err < 0)
		err = fail(n, err, sa_desc("delete", id, what, sizeof(what)));
	/* Gone either way when the kernel no longer knows it (hard expiry). */
	if (i >= 0 && (!err || n->last_errno == ESRCH))
		kernel_nl_vec_remove(&n->sas, (size_t)i);
	return err;
}

static int nl_query_sa(struct kernel *k, const struct kernel_sa_id *id,
		       struct kernel_sa_stats *out)
{
	struct kernel_nl *n = knl(k);
	struct sa_reply r = { .got = false };
	struct nl_msg *msg;
	char what[160];
	sa_desc("query", id, what, sizeof(what));
	int err = kernel_nl_build_get_sa(id, &msg);
	if (err)
		return kernel_nl_build_failed(n, err, what);
	err = xfrm_request(n, msg, what, on_sa_reply, &r);
	if (!err && !r.got) {
		NOTE(n, "[KERNEL] %s: unreadable reply", what);
		err = -RTX_EKERNEL;
	}
	if (!err)
		*out = r.info.stats;
	return err;
}

/* Asked without a log line: no SA is the answer looked for, not a
 * failure. The reply carries keys: xfrm_replies wipes it. */
bool kernel_nl_sa_exists(struct kernel_nl *k, const struct kernel_sa_id *id)
{
	struct sa_reply r = { .got = false };
	struct nl_msg *msg;
	if (kernel_nl_build_get_sa(id, &msg))
		return false;
	int err = nl_send_auto(k->xfrm, msg);
	uint32_t seq = nlmsg_hdr(msg)->nlmsg_seq;
	kernel_nl_msg_free(msg);
	if (err >= 0)
		err = xfrm_replies(k, seq, false, on_sa_reply, &r);
	return err >= 0 && r.got;
}

/* A NAT mapping changed: the SA's UDP encapsulation ports follow. XFRM
 * updates the encapsulation of a valid SA on XFRM_MSG_UPDSA, but only from
 * a complete SA, keys included, which the engine does not keep: the
 * kernel's own GETSA reply is sent back as UPDSA with the ports patched
 * (strongSwan's update_sa does the same). Both messages are wiped. */
struct sa_copy {
	struct nl_msg *m;
};

static int on_sa_copy(struct nl_msg *msg, void *arg)
{
	struct sa_copy *c = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	if (h->nlmsg_type != XFRM_MSG_NEWSA || c->m)
		return NL_STOP;
	c->m = nlmsg_alloc_simple(XFRM_MSG_UPDSA, 0);
	if (c->m && nlmsg_append(c->m, nlmsg_data(h), (size_t)nlmsg_datalen(h), 0) < 0) {
		kernel_nl_msg_free(c->m);
		c->m = NULL;
	}
	return NL_STOP;
}

static int nl_update_encap(struct kernel *k, const struct kernel_sa_id *id, uint16_t sport,
			   uint16_t dport)
{
	struct kernel_nl *n = knl(k);
	struct sa_copy c = { NULL };
	struct nl_msg *msg;
	char what[160];
	sa_desc("update UDP encapsulation of", id, what, sizeof(what));
	int err = kernel_nl_build_get_sa(id, &msg);
	if (err)
		return kernel_nl_build_failed(n, err, what);
	if ((err = xfrm_request(n, msg, what, on_sa_copy, &c)))
		return err;
	if (!c.m) {
		NOTE(n, "[KERNEL] %s: unreadable reply", what);
		return -RTX_EKERNEL;
	}
	struct nlattr *a = nlmsg_find_attr(nlmsg_hdr(c.m), sizeof(struct xfrm_usersa_info),
					   XFRMA_ENCAP);
	if (!a || nla_len(a) < (int)sizeof(struct xfrm_encap_tmpl)) {
		kernel_nl_msg_free(c.m);
		return kernel_nl_build_failed(n, -RTX_EINVAL, what);
	}
	struct xfrm_encap_tmpl *e = nla_data(a);
	e->encap_sport = htons(sport);
	e->encap_dport = htons(dport);
	return xfrm_request(n, c.m, what, NULL, NULL);
}

/* ---- policies --------------------------------------------------------- */

static int nl_add_policy(struct kernel *k, const struct kernel_policy *p)
{
	struct kernel_nl *n = knl(k);
	struct nl_msg *msg;
	char what[200];
	int err = kernel_nl_build_policy(p, &msg);
	if (err)
		return kernel_nl_build_failed(n, err, policy_desc("add", &p->id, what, sizeof(what)));
	err = xfrm_talk(n, msg, NULL, NULL);
	if (err < 0)
		return fail(n, err, policy_desc("add", &p->id, what, sizeof(what)));
	if (find_policy(n, &p->id) < 0 && kernel_nl_vec_push(&n->policies, &p->id))
		NOTE(n, "[KERNEL] out of memory tracking %s",
			 policy_desc("add", &p->id, what, sizeof(what)));
	return 0;
}

static int nl_del_policy(struct kernel *k, const struct kernel_policy_id *id)
{
	struct kernel_nl *n = knl(k);
	struct nl_msg *msg;
	char what[200];
	int err = kernel_nl_build_del_policy(id, &msg);
	if (err)
		return kernel_nl_build_failed(n, err, policy_desc("delete", id, what, sizeof(what)));
	err = xfrm_talk(n, msg, NULL, NULL);
	if (err < 0)
		err = fail(n, err, policy_desc("delete", id, what, sizeof(what)));
	ssize_t i = find_policy(n, id);
	if (i >= 0 && (!err || n->last_errno == ENOENT))
		kernel_nl_vec_remove(&n->policies, (size_t)i);
	return err;
}

/* ---- interfaces and routes -------------------------------------------- */

static void if_name(unsigned tunnel, char *buf, size_t len)
{
	snprintf(buf, len, KERNEL_NL_IFNAME_FMT, tunnel);
}

int kernel_nl_route_result(struct kernel_nl *k, int err, const char *what)
{
	return err < 0 ? fail(k, err, what) : 0;
}

static int nl_add_if(struct kernel *k, unsigned tunnel, uint32_t if_id)
{
	struct kernel_nl *n = knl(k);
	char name[IFNAMSIZ], what[96];
	if_name(tunnel, name, sizeof(name));
	snprintf(what, sizeof(what), "add xfrm interface %s if_id 0x%08x", name, if_id);
	struct rtnl_link *link = rtnl_link_xfrmi_alloc();
	if (!link)
		return kernel_nl_build_failed(n, -RTX_ENOMEM, what);
	rtnl_link_set_name(link, name);
	rtnl_link_set_group(link, KERNEL_NL_IF_GROUP);
	rtnl_link_xfrmi_set_if_id(link, if_id);
	if (n->if_link)
		rtnl_link_xfrmi_set_link(link, (uint32_t)n->if_link);
	n->last_errno = 0;
	int err = kernel_nl_route_result(n, rtnl_link_add(n->route, link, NLM_F_CREATE | NLM_F_EXCL), what);
	rtnl_link_put(link);
	if (!err && find_if(n, tunnel) < 0 && kernel_nl_vec_push(&n->ifs, &tunnel))
		NOTE(n, "[KERNEL] out of memory tracking %s", name);
	return err;
}

/* The tunnel's interface by its name, as `ip lanN address` does. */
static int nl_add_tunnel_addr(struct kernel *k, unsigned tunnel, const struct ip_addr *a,
			      uint8_t len)
{
	char name[IFNAMSIZ];
	if_name(tunnel, name, sizeof(name));
	return kernel_nl_add_addr(k, name, a, len);
}

static int nl_del_tunnel_addr(struct kernel *k, unsigned tunnel, const struct ip_addr *a,
			      uint8_t len)
{
	char name[IFNAMSIZ];
	if_name(tunnel, name, sizeof(name));
	return kernel_nl_del_addr(k, name, a, len);
}

static void untrack_routes_via(struct kernel_nl *k, unsigned tunnel)
{
	for (size_t i = k->routes.n; i-- > 0;)
		if (((struct kernel_route *)kernel_nl_vec_at(&k->routes, i))->tunnel == tunnel)
			kernel_nl_vec_remove(&k->routes, i);
}

static int del_link_named(struct kernel_nl *n, const char *name, const char *what)
{
	struct rtnl_link *link = rtnl_link_alloc();
	if (!link)
		return kernel_nl_build_failed(n, -RTX_ENOMEM, what);
	rtnl_link_set_name(link, name);
	n->last_errno = 0;
	int err = kernel_nl_route_result(n, rtnl_link_delete(n->route, link), what);
	rtnl_link_put(link);
	return err;
}

static int nl_del_if(struct kernel *k, unsigned tunnel)
{
	struct kernel_nl *n = knl(k);
	char name[IFNAMSIZ], what[64];
	if_name(tunnel, name, sizeof(name));
	snprintf(what, sizeof(what), "delete interface %s", name);
	int err = del_link_named(n, name, what);
	ssize_t i = find_if(n, tunnel);
	if (i >= 0 && (!err || n->last_errno == ENODEV)) {
		kernel_nl_vec_remove(&n->ifs, (size_t)i);
		untrack_routes_via(n, tunnel);   /* the kernel dropped them */
	}
	return err;
}

/* The link as this namespace's kernel sees it (not if_nametoindex, which
 * asks the namespace of the calling thread). */
static int get_link(struct kernel_nl *n, unsigned tunnel, struct rtnl_link **out,
		    const char *what)
{
	char name[IFNAMSIZ];
	if_name(tunnel, name, sizeof(name));
	n->last_errno = 0;
	return kernel_nl_route_result(n, rtnl_link_get_kernel(n->route, 0, name, out), what);
}

static int nl_set_if_up(struct kernel *k, unsigned tunnel, bool up)
{
	struct kernel_nl *n = knl(k);
	struct rtnl_link *orig = NULL, *change = NULL;
	char what[64];
	snprintf(what, sizeof(what), "set tunnel %u %s", tunnel, up ? "up" : "down");
	int err = get_link(n, tunnel, &orig, what);
	if (err)
		return err;
	change = rtnl_link_alloc();
	if (!change) {
		err = kernel_nl_build_failed(n, -RTX_ENOMEM, what);
		goto out;
	}
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	n->last_errno = 0;
	err = kernel_nl_route_result(n, rtnl_link_change(n->route, orig, change, 0), what);
out:
	if (change)
		rtnl_link_put(change);
	rtnl_link_put(orig);
	return err;
}

static struct rtnl_route *route_build(const struct kernel_route *r, int ifindex,
				      uint32_t table)
{
	size_t alen = r->dst.family == AF_INET6 ? 16 : 4;
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nl_addr_build(r->dst.family, r->dst.bytes, alen);
	if (!rt || !nh || !dst) {
		if (nh)
			rtnl_route_nh_free(nh);
		if (rt)
			rtnl_route_put(rt);
		rt = NULL;
		goto out;
	}
	nl_addr_set_prefixlen(dst, r->dst_len);
	rtnl_route_set_family(rt, r->dst.family);
	rtnl_route_set_dst(rt, dst);
	rtnl_route_set_table(rt, table);
	rtnl_route_set_protocol(rt, RTPROT_STATIC);
	rtnl_route_set_scope(rt, RT_SCOPE_LINK);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(rt, nh);   /* the route owns it now */
out:
	if (dst)
		nl_addr_put(dst);
	return rt;
}

static int route_op(struct kernel *k, const struct kernel_route *r, bool add)
{
	struct kernel_nl *n = knl(k);
	struct rtnl_link *link = NULL;
	char what[128], d[INET6_ADDRSTRLEN];
	snprintf(what, sizeof(what), "%s route %s/%u via tunnel %u (table %u)",
		 add ? "add" : "delete", ip_addr_str(&r->dst, d, sizeof(d)), r->dst_len,
		 r->tunnel, n->table);
	if (r->dst.family != AF_INET && r->dst.family != AF_INET6)
		return kernel_nl_build_failed(n, -RTX_EINVAL, what);
	int err = add ? kernel_nl_rule_hold(n, r->dst.family) : 0;
	if (!err)
		err = get_link(n, r->tunnel, &link, what);
	if (err)
		return err;
	struct rtnl_route *rt = route_build(r, rtnl_link_get_ifindex(link), n->table);
	rtnl_link_put(link);
	if (!rt)
		return kernel_nl_build_failed(n, -RTX_ENOMEM, what);
	n->last_errno = 0;
	err = add ? rtnl_route_add(n->route, rt, NLM_F_CREATE | NLM_F_EXCL)
		  : rtnl_route_delete(n->route, rt, 0);
	rtnl_route_put(rt);
	err = kernel_nl_route_result(n, err, what);
	ssize_t i = find_route(n, r);
	if (add && !err && i < 0 && kernel_nl_vec_push(&n->routes, r))
		NOTE(n, "[KERNEL] out of memory tracking %s", what);
	if (!add && i >= 0 && (!err || n->last_errno == ESRCH))
		kernel_nl_vec_remove(&n->routes, (size_t)i);
	return err;
}

static int nl_add_route(struct kernel *k, const struct kernel_route *r)
{
	return route_op(k, r, true);
}

static int nl_del_route(struct kernel *k, const struct kernel_route *r)
{
	return route_op(k, r, false);
}

/* ---- flush, events, life cycle ---------------------------------------- */

/* Whether every link of our group is an interface this backend made and
 * still tracks (false too when the links cannot be listed): only then may
 * one request delete the group. */
static bool group_is_ours(struct kernel_nl *n)
{
	struct nl_cache *cache;
	if (rtnl_link_alloc_cache(n->route, AF_UNSPEC, &cache) < 0)
		return false;
	bool ours = true;
	for (struct nl_object *o = nl_cache_get_first(cache); o && ours; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *name = rtnl_link_get_name(l);
		unsigned t;
		char end;
		if (rtnl_link_get_group(l) == KERNEL_NL_IF_GROUP)
			ours = name && sscanf(name, KERNEL_NL_IFNAME_FMT "%c", &t, &end) == 1 &&
			       find_if(n, t) >= 0;
	}
	nl_cache_free(cache);
	return ours;
}

/* All our interfaces in one RTM_DELLINK of their link group: the kernel
 * unregisters a link deleted alone after its own RCU grace period, under
 * the one RTNL lock of the host (20 ms each in the QEMU guest, 20 s for
 * 1,000), a group at once (0.6 s). When this cannot be done, the flush
 * deletes them one by one as before. */
static void del_if_group(struct kernel_nl *n)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	if (!n->ifs.n || !group_is_ours(n))
		return;
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELLINK, 0);
	if (!msg)
		return;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, IFLA_GROUP, KERNEL_NL_IF_GROUP) < 0) {
		nlmsg_free(msg);
		return;
	}
	if (nl_send_sync(n->route, msg) < 0)   /* frees msg */
		return;
	while (n->ifs.n) {
		unsigned t = *(unsigned *)kernel_nl_vec_at(&n->ifs, n->ifs.n - 1);
		kernel_nl_vec_remove(&n->ifs, n->ifs.n - 1);
		if (n->routes.n)
			untrack_routes_via(n, t);   /* the kernel dropped them */
	}
}

/* Routes first (they hang on interfaces), then policies so no traffic
 * triggers acquires for SAs about to go, then SAs, then interfaces. */
static int nl_flush(struct kernel *k)
{
	struct kernel_nl *n = knl(k);
	int first = 0, err;
	while (n->routes.n) {
		struct kernel_route r = *(struct kernel_route *)kernel_nl_vec_at(&n->routes, n->routes.n - 1);
		if ((err = nl_del_route(k, &r)) && find_route(n, &r) >= 0)
			kernel_nl_vec_remove(&n->routes, n->routes.n - 1);
		first = first ? first : err;
	}
	while (n->policies.n) {
		struct kernel_policy_id id =
			*(struct kernel_policy_id *)kernel_nl_vec_at(&n->policies, n->policies.n - 1);
		if ((err = nl_del_policy(k, &id)) && find_policy(n, &id) >= 0)
			kernel_nl_vec_remove(&n->policies, n->policies.n - 1);
		first = first ? first : err;
	}
	while (n->sas.n) {
		struct tracked_sa t = *(struct tracked_sa *)kernel_nl_vec_at(&n->sas, n->sas.n - 1);
		if ((err = nl_del_sa(k, &t.id)) && find_sa(n, &t.id) >= 0)
			kernel_nl_vec_remove(&n->sas, n->sas.n - 1);
		first = first ? first : err;
	}
	del_if_group(n);
	while (n->ifs.n) {
		unsigned t = *(unsigned *)kernel_nl_vec_at(&n->ifs, n->ifs.n - 1);
		if ((err = nl_del_if(k, t)) && find_if(n, t) >= 0)
			kernel_nl_vec_remove(&n->ifs, n->ifs.n - 1);
		first = first ? first : err;
	}
	err = kernel_nl_rule_flush(n);
	first = first ? first : err;
	err = kernel_nl_flush_addrs(k);
	first = first ? first : err;
	return first;
}

struct event_count {
	struct kernel_nl *k;
	int delivered;
};

/* Events about our own objects only: other users of XFRM in this
 * namespace raise theirs on the same multicast groups. */
static void log_event(struct kernel_nl *k, const struct kernel_event *ev)
{
	char what[160];
	if (!k->log)
		return;
	if (ev->type == KERNEL_EV_ACQUIRE) {
		if (kernel_netlink_is_ours(ev->if_id))
			log_text(k->log, LOG_INFO, "[KERNEL] XFRM acquire: traffic for tunnel %u "
				 "without SA (if_id 0x%08x)",
				 ev->if_id - kernel_tunnel_if_id(0), ev->if_id);
		return;
	}
	if (find_sa(k, &ev->sa) < 0)
		return;
	log_text(k->log, LOG_INFO, "[KERNEL] XFRM %s expire: %s",
		 ev->type == KERNEL_EV_EXPIRE_SOFT ? "soft" : "hard",
		 sa_desc("", &ev->sa, what, sizeof(what)) + 1);
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct event_count *c = arg;
	struct kernel_event ev;
	if (kernel_nl_parse_event(nlmsg_hdr(msg), &ev) != 0)
		return NL_OK;   /* other multicast traffic or garbage: skip it */
	c->delivered++;
	log_event(c->k, &ev);
	if (c->k->base.event)
		c->k->base.event(c->k->base.event_arg, &ev);
	return NL_OK;
}

int kernel_netlink_event_fd(struct kernel *k)
{
	return nl_socket_get_fd(knl(k)->events);
}

/* Bounded, so a flood of acquires cannot starve the rest of the loop; the
 * fd stays readable and the loop comes back. */
int kernel_netlink_process_events(struct kernel *k)
{
	struct kernel_nl *n = knl(k);
	struct event_count c = { .k = n };
	struct nl_cb *cb = clone_cb(n->events);
	if (!cb)
		return -RTX_ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &c);
	int err = 0;
	int lost = 0;
	for (int round = 0; round < 64; round++) {
		errno = 0;
		err = nl_recvmsgs(n->events, cb);
		lost = errno == ENOBUFS;
		if (err < 0)
			break;
	}
	nl_cb_put(cb);
	if (err < 0 && err != -NLE_AGAIN) {
		/* ENOBUFS (which libnl reports as out of memory): events were
		 * lost; the engine's timers still expire SAs, so say so and
		 * carry on. */
		if (lost)
			NOTE(n, "[KERNEL] reading XFRM events: some were lost, the "
				"socket's receive buffer overflowed (ENOBUFS)");
		else
			NOTE(n, "[KERNEL] reading XFRM events: %s", nl_geterror(err));
		if (err != -NLE_NOMEM)
			return -RTX_EKERNEL;
	}
	return c.delivered;
}

void kernel_netlink_set_natt_port(struct kernel *k, uint16_t port)
{
	knl(k)->spi.natt_port = port;
}

size_t kernel_netlink_aux_fds(struct kernel *k, int fds[KERNEL_NL_AUX_MAX])
{
	struct kernel_nl *n = knl(k);
	const int all[KERNEL_NL_AUX_MAX] = { n->spi.fd4, n->spi.fd6, n->spi.udp4, n->spi.udp6,
					     n->echo.fd4, n->echo.fd6 };
	size_t c = 0;
	for (size_t i = 0; i < KERNEL_NL_AUX_MAX; i++)
		if (all[i] >= 0)
			fds[c++] = all[i];
	return c;
}

int kernel_netlink_process_aux(struct kernel *k, int fd)
{
	struct kernel_nl *n = knl(k);
	if (fd < 0)
		return -RTX_EINVAL;
	if (fd == n->spi.fd4 || fd == n->spi.fd6 || fd == n->spi.udp4 || fd == n->spi.udp6)
		return kernel_nl_process_spi(n, fd);
	if (fd == n->echo.fd4 || fd == n->echo.fd6)
		return kernel_nl_process_echo(n, fd);
	return -RTX_EINVAL;
}

void kernel_netlink_set_if_link(struct kernel *k, int ifindex)
{
	knl(k)->if_link = ifindex;
}

static void nl_destroy(struct kernel *k)
{
	struct kernel_nl *n = knl(k);
	kernel_nl_watch_spi(k, false);
	kernel_nl_watch_echo(k, false);
	nl_socket_free(n->xfrm);
	nl_socket_free(n->route);
	nl_socket_free(n->events);
	kernel_nl_track_free(n);
	free(n->rxbuf);
	free(n);
}

static const struct kernel_ops netlink_ops = {
	.name = "netlink",
	.get_spi = nl_get_spi,
	.add_sa = nl_add_sa,
	.update_sa = nl_update_sa,
	.del_sa = nl_del_sa,
	.query_sa = nl_query_sa,
	.add_policy = nl_add_policy,
	.del_policy = nl_del_policy,
	.add_if = nl_add_if,
	.del_if = nl_del_if,
	.set_if_up = nl_set_if_up,
	.update_encap = nl_update_encap,
	.add_route = nl_add_route,
	.del_route = nl_del_route,
	.add_addr = kernel_nl_add_addr,
	.del_addr = kernel_nl_del_addr,
	.add_tunnel_addr = nl_add_tunnel_addr,
	.del_tunnel_addr = nl_del_tunnel_addr,
	.watch_spi = kernel_nl_watch_spi,
	.ping = kernel_nl_ping,
	.watch_echo = kernel_nl_watch_echo,
	.flush = nl_flush,
	.destroy = nl_destroy,
};

static int open_sockets(struct kernel_nl *n)
{
	n->xfrm = nl_socket_alloc();
	n->route = nl_socket_alloc();
	n->events = nl_socket_alloc();
	if (!n->xfrm || !n->route || !n->events)
		return -NLE_NOMEM;
	nl_socket_modify_err_cb(n->route, NL_CB_CUSTOM, on_error, n);
	int err = nl_connect(n->xfrm, NETLINK_XFRM);
	if (!err)
		err = nl_connect(n->route, NETLINK_ROUTE);
	if (!err)
		err = nl_connect(n->events, NETLINK_XFRM);
	if (err)
		return err;
	/* Multicast messages carry no sequence number of ours. */
	nl_socket_disable_seq_check(n->events);
	/* The default buffer (net.core.rmem_default, 208 KiB) holds a few
	 * hundred events: thousands of tunnels negotiating at once expire
	 * that many reserved SPIs together, and the overflow (ENOBUFS) loses
	 * events. As root the buffer may pass net.core.rmem_max; otherwise
	 * it gets what the limit allows. */
	int size = KERNEL_NL_EVENT_RCVBUF, fd = nl_socket_get_fd(n->events);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	err = nl_socket_add_memberships(n->events, XFRMNLGRP_ACQUIRE, XFRMNLGRP_EXPIRE, 0);
	if (!err)
		err = nl_socket_set_nonblocking(n->events);
	return err;
}

struct kernel *kernel_netlink_new(struct log *log, int *err)
{
	struct kernel_nl *n = calloc(1, sizeof(*n));
	if (!n) {
		*err = -RTX_ENOMEM;
		return NULL;
	}
	n->base.ops = &netlink_ops;
	n->log = log;
	if (!(n->rxbuf = malloc(KERNEL_NL_RXBUF))) {
		free(n);
		*err = -RTX_ENOMEM;
		return NULL;
	}
	kernel_nl_track_init(n);
	n->table = KERNEL_NL_ROUTE_TABLE;
	n->spi.fd4 = n->spi.fd6 = n->spi.udp4 = n->spi.udp6 = -1;
	n->echo.fd4 = n->echo.fd6 = -1;
	int nlerr = open_sockets(n);
	if (nlerr) {
		NOTE(n, "[KERNEL] cannot open netlink sockets: %s", nl_geterror(nlerr));
		nl_destroy(&n->base);
		*err = nlerr == -NLE_NOMEM ? -RTX_ENOMEM : -RTX_EKERNEL;
		return NULL;
	}
	*err = 0;
	return &n->base;
}

/* ---- leftovers of a crashed rtxsh ------------------------------------- */

struct stale {
	struct vec sas;        /* struct kernel_sa_id */
	struct vec policies;   /* struct kernel_policy_id */
	bool short_of_memory;
};

static int on_stale_sa(struct nl_msg *msg, void *arg)
{
	struct stale *s = arg;
	struct kernel_nl_sa_info info;
	if (kernel_nl_parse_sa(nlmsg_hdr(msg), &info) == 0 &&
	    (kernel_netlink_is_ours(info.if_id) ||
	     (info.if_id == 0 && kernel_netlink_is_ours(info.reqid))) &&
	    kernel_nl_vec_push(&s->sas, &info.id))
		s->short_of_memory = true;
	return NL_OK;
}

static int on_stale_policy(struct nl_msg *msg, void *arg)
{
	struct stale *s = arg;
	struct kernel_nl_policy_info info;
	if (kernel_nl_parse_policy(nlmsg_hdr(msg), &info) == 0 &&
	    kernel_netlink_is_ours(info.id.if_id) && kernel_nl_vec_push(&s->policies, &info.id))
		s->short_of_memory = true;
	return NL_OK;
}

static int dump(struct kernel_nl *n, int type, nl_recvmsg_msg_cb_t fn, void *arg,
		const char *what)
{
	struct nl_msg *msg;
	int err = kernel_nl_build_dump(type, &msg);
	if (err)
		return kernel_nl_build_failed(n, err, what);
	return xfrm_request(n, msg, what, fn, arg);
}

/* An interface is ours when both its name and its if_id say so. */
static bool stale_link(struct rtnl_link *l, unsigned *tunnel)
{
	const char *name = rtnl_link_get_name(l), *type = rtnl_link_get_type(l);
	uint32_t if_id;
	char extra;
	return name && type && strcmp(type, "xfrm") == 0 &&
	       sscanf(name, KERNEL_NL_IFNAME_FMT "%c", tunnel, &extra) == 1 &&
	       rtnl_link_xfrmi_get_if_id(l, &if_id) == 0 && kernel_netlink_is_ours(if_id);
}

static int remove_stale_links(struct kernel_nl *n, int *removed)
{
	struct nl_cache *cache = NULL;
	n->last_errno = 0;
	int err = rtnl_link_alloc_cache(n->route, AF_UNSPEC, &cache);
	if (err < 0)
		return fail(n, err, "list interfaces");
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		unsigned tunnel;
		if (stale_link((struct rtnl_link *)o, &tunnel) && nl_del_if(&n->base, tunnel) == 0)
			(*removed)++;
	}
	nl_cache_free(cache);
	return 0;
}

int kernel_netlink_cleanup_stale(struct kernel *k)
{
	struct kernel_nl *n = knl(k);
	struct stale s = { .sas.size = sizeof(struct kernel_sa_id),
			   .policies.size = sizeof(struct kernel_policy_id) };
	int removed = 0;
	int err = dump(n, XFRM_MSG_GETPOLICY, on_stale_policy, &s, "list XFRM policies");
	if (!err)
		err = dump(n, XFRM_MSG_GETSA, on_stale_sa, &s, "list XFRM SAs");
	if (s.short_of_memory) {
		NOTE(n, "[KERNEL] out of memory listing stale XFRM state");
		err = err ? err : -RTX_ENOMEM;
	}
	/* Policies before SAs, as in flush(). */
	for (size_t i = 0; i < s.policies.n; i++)
		if (nl_del_policy(k, kernel_nl_vec_at(&s.policies, i)) == 0)
			removed++;
	for (size_t i = 0; i < s.sas.n; i++)
		if (nl_del_sa(k, kernel_nl_vec_at(&s.sas, i)) == 0)
			removed++;
	if (!err)
		err = remove_stale_links(n, &removed);
	if (!err)
		err = kernel_nl_rule_cleanup_stale(n, &removed);
	kernel_nl_vec_free(&s.sas);
	kernel_nl_vec_free(&s.policies);
	return err ? err : removed;
}
