/* The icmp-echo keepalive's pinger on the netlink backend: one raw ICMP
 * and one raw ICMPv6 socket while some gateway uses it (watch_echo), each
 * filtered by the kernel to echo replies. A request leaves through the
 * tunnel's xfrm interface, chosen per packet with IP_PKTINFO /
 * IPV6_PKTINFO (interface and source), so the route and the tunnel's
 * policies take it into ESP as any LAN traffic. */
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/icmp.h>

#include "base/err.h"
#include "base/log.h"
#include "kernel/kernel_netlink.h"
#include "kernel/kernel_nl.h"

#define ICMP_HDR 8
#define ECHO_DATA_MAX 1500        /* the reference's largest length= */
#define READS_PER_CALL 64

static uint16_t checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += kernel_nl_be16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t kernel_nl_echo_build(int family, uint16_t length, uint16_t id, uint16_t seq,
			    uint8_t *buf, size_t cap)
{
	size_t len = ICMP_HDR + length;
	if (length > ECHO_DATA_MAX || len > cap)
		return 0;
	memset(buf, 0, ICMP_HDR);
	buf[0] = family == AF_INET6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	buf[4] = (uint8_t)(id >> 8);
	buf[5] = (uint8_t)id;
	buf[6] = (uint8_t)(seq >> 8);
	buf[7] = (uint8_t)seq;
	for (size_t i = 0; i < length; i++)
		buf[ICMP_HDR + i] = (uint8_t)i;
	/* ICMPv6's checksum covers a pseudo-header: the kernel fills it in
	 * for raw ICMPv6 sockets. ICMP's is ours to write. */
	if (family == AF_INET) {
		uint16_t c = checksum(buf, len);
		buf[2] = (uint8_t)(c >> 8);
		buf[3] = (uint8_t)c;
	}
	return len;
}

int kernel_nl_echo_parse4(const uint8_t *buf, size_t len, struct ip_addr *src, uint16_t *id,
			  uint16_t *seq)
{
	if (len < 20 || buf[0] >> 4 != 4)
		return -RTX_EPARSE;
	size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
	if (ihl < 20 || len < ihl + ICMP_HDR || buf[9] != IPPROTO_ICMP ||
	    buf[ihl] != ICMP_ECHOREPLY || buf[ihl + 1] != 0)
		return -RTX_EPARSE;
	*src = (struct ip_addr){ .family = AF_INET };
	memcpy(src->bytes, buf + 12, 4);
	*id = kernel_nl_be16(buf + ihl + 4);
	*seq = kernel_nl_be16(buf + ihl + 6);
	return 0;
}

int kernel_nl_echo_parse6(const uint8_t *buf, size_t len, uint16_t *id, uint16_t *seq)
{
	if (len < ICMP_HDR || buf[0] != ICMP6_ECHO_REPLY || buf[1] != 0)
		return -RTX_EPARSE;
	*id = kernel_nl_be16(buf + 4);
	*seq = kernel_nl_be16(buf + 6);
	return 0;
}

/* Only echo replies reach the queue: the host's other ICMP is not ours. */
static int reply_filter(int fd, int family)
{
	if (family == AF_INET) {
		struct icmp_filter f = { .data = ~(1u << ICMP_ECHOREPLY) };
		return setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f));
	}
	struct icmp6_filter f;
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
	return setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
}

static int open_icmp(int family)
{
	int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -errno;
	if (reply_filter(fd, family) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int kernel_nl_watch_echo(struct kernel *k, bool on)
{
	struct kernel_nl *n = knl(k);
	if (!on) {
		kernel_nl_close_fd(&n->echo.fd4);
		kernel_nl_close_fd(&n->echo.fd6);
		return 0;
	}
	if (n->echo.fd4 < 0)
		n->echo.fd4 = open_icmp(AF_INET);
	if (n->echo.fd6 < 0)
		n->echo.fd6 = open_icmp(AF_INET6);
	if (n->echo.fd4 >= 0 || n->echo.fd6 >= 0)
		return 0;
	NOTE(n, "[KERNEL] cannot open a raw ICMP socket for icmp-echo keepalive: %s",
	     strerror(-n->echo.fd4));
	n->echo.fd4 = n->echo.fd6 = -1;
	return -RTX_EKERNEL;
}

/* Interface and source of one packet: IP_PKTINFO / IPV6_PKTINFO. */
static void pktinfo(struct msghdr *mh, void *space, size_t cap, int ifindex,
		    const struct ip_addr *src, int family)
{
	mh->msg_control = space;
	mh->msg_controllen = cap;
	struct cmsghdr *c = CMSG_FIRSTHDR(mh);
	if (family == AF_INET) {
		struct in_pktinfo pi = { .ipi_ifindex = ifindex };
		if (src->family == AF_INET)
			memcpy(&pi.ipi_spec_dst, src->bytes, 4);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)ifindex };
		if (src->family == AF_INET6)
			memcpy(&pi.ipi6_addr, src->bytes, 16);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
	}
}

int kernel_nl_ping(struct kernel *k, unsigned tunnel, const struct ip_addr *src,
		   const struct ip_addr *dst, uint16_t length, uint16_t id, uint16_t seq)
{
	struct kernel_nl *n = knl(k);
	int fd = dst->family == AF_INET6 ? n->echo.fd6 : n->echo.fd4;
	char name[IFNAMSIZ];
	snprintf(name, sizeof(name), KERNEL_NL_IFNAME_FMT, tunnel);
	int ifindex = (int)if_nametoindex(name);
	if (fd < 0)
		return -RTX_EINVAL;
	if (!ifindex)
		return -RTX_ENOENT;
	uint8_t pkt[ICMP_HDR + ECHO_DATA_MAX];
	size_t len = kernel_nl_echo_build(dst->family, length, id, seq, pkt, sizeof(pkt));
	if (!len)
		return -RTX_EINVAL;
	struct sockaddr_storage to = { 0 };
	socklen_t tolen;
	if (dst->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&to;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, dst->bytes, 16);
		tolen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&to;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, dst->bytes, 4);
		tolen = sizeof(*s4);
	}
	union {
		struct cmsghdr h;
		uint8_t space[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct iovec iov = { .iov_base = pkt, .iov_len = len };
	struct msghdr mh = { .msg_name = &to, .msg_namelen = tolen, .msg_iov = &iov,
			     .msg_iovlen = 1 };
	pktinfo(&mh, &ctl, sizeof(ctl), ifindex, src, dst->family);
	if (sendmsg(fd, &mh, MSG_DONTWAIT) < 0) {
		NOTE(n, "[KERNEL] icmp-echo keepalive through %s: %s", name, strerror(errno));
		return -RTX_EKERNEL;
	}
	return 0;
}

/* One reply into ev: 1, 0 for one to skip, or a negative errno. */
static int read_reply(int fd, bool v6, struct kernel_event *ev)
{
	uint8_t buf[60 + ICMP_HDR];   /* headers are all that is needed */
	struct sockaddr_in6 from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			     .msg_iovlen = 1 };
	ssize_t got = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (got < 0)
		return -errno;
	*ev = (struct kernel_event){ .type = KERNEL_EV_ECHO_REPLY };
	if (!v6)
		return kernel_nl_echo_parse4(buf, (size_t)got, &ev->sa.src, &ev->echo_id,
					     &ev->echo_seq) == 0;
	if (mh.msg_namelen < sizeof(from) || from.sin6_family != AF_INET6 ||
	    kernel_nl_echo_parse6(buf, (size_t)got, &ev->echo_id, &ev->echo_seq))
		return 0;
	ev->sa.src.family = AF_INET6;
	memcpy(ev->sa.src.bytes, &from.sin6_addr, 16);
	return 1;
}

int kernel_nl_process_echo(struct kernel_nl *n, int fd)
{
	int delivered = 0;
	for (int i = 0; i < READS_PER_CALL; i++) {
		struct kernel_event ev;
		int got = read_reply(fd, fd == n->echo.fd6, &ev);
		if (got == -EAGAIN || got == -EWOULDBLOCK)
			break;
		if (got == -EINTR || got == 0)
			continue;
		if (got < 0) {
			NOTE(n, "[KERNEL] reading the raw ICMP socket: %s", strerror(-got));
			return -RTX_EKERNEL;
		}
		delivered++;
		if (n->base.event)
			n->base.event(n->base.event_arg, &ev);
	}
	return delivered;
}
