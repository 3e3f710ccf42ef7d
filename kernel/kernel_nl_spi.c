/* `ipsec log illegal-spi` on the netlink backend. XFRM drops ESP with an
 * unknown SPI and only counts it (XfrmInNoStates in /proc/net/xfrm_stat,
 * without SPI or sender), so while the switch is on a raw IPPROTO_ESP
 * socket per family gets a copy of every inbound ESP packet (Linux hands
 * raw sockets their copy before the ESP handler runs) and its SPI is
 * compared with the SAs this instance installed.
 *
 * UDP-encapsulated ESP (RFC 3948, port 4500) is not seen here: it is UDP,
 * and the IKE socket's encapsulation handler passes it to XFRM inside the
 * kernel, which drops it the same way; it never reaches user space. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/filter.h>

#include "base/err.h"
#include "base/log.h"
#include "kernel/kernel_netlink.h"
#include "kernel/kernel_nl.h"

/* What a read keeps of a packet: the largest IPv4 header and the ESP
 * header (SPI and sequence number). IPv6 raw sockets start at ESP. */
#define ESP_HDR 8
#define KEEP4 (60 + ESP_HDR)
#define KEEP6 ESP_HDR
/* Packets read per readable fd: a flood of ESP cannot starve the loop. */
#define READS_PER_CALL 64

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int kernel_nl_esp_parse4(const uint8_t *buf, size_t len, struct kernel_sa_id *out)
{
	if (len < 20 || buf[0] >> 4 != 4)
		return -RTX_EPARSE;
	size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
	/* Reassembled before raw delivery, so only a first fragment or a
	 * whole packet starts with the ESP header. */
	bool later_fragment = ((buf[6] & 0x1f) << 8 | buf[7]) != 0;
	if (ihl < 20 || len < ihl + 4 || buf[9] != KERNEL_PROTO_ESP || later_fragment)
		return -RTX_EPARSE;
	*out = (struct kernel_sa_id){ .proto = KERNEL_PROTO_ESP, .spi = be32(buf + ihl) };
	out->src.family = out->dst.family = AF_INET;
	memcpy(&out->src.bytes, buf + 12, 4);
	memcpy(&out->dst.bytes, buf + 16, 4);
	return 0;
}

int kernel_nl_esp_parse6(const uint8_t *buf, size_t len, uint32_t *spi)
{
	if (len < 4)
		return -RTX_EPARSE;
	*spi = be32(buf);
	return 0;
}

/* The kernel copies only KEEP bytes of each packet into the queue. */
static int truncate_filter(int fd, unsigned keep)
{
	struct sock_filter ret = BPF_STMT(BPF_RET | BPF_K, keep);
	struct sock_fprog prog = { .len = 1, .filter = &ret };
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static int open_raw(int family)
{
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ESP);
	if (fd < 0)
		return -errno;
	int one = 1;
	if (truncate_filter(fd, family == AF_INET ? KEEP4 : KEEP6) < 0 ||
	    (family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) < 0)) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* On: both families if the host has them, at least one; a host without
 * IPv6 still watches IPv4. */
int kernel_nl_watch_spi(struct kernel *k, bool on)
{
	struct kernel_nl *n = knl(k);
	if (!on) {
		close_fd(&n->spi.fd4);
		close_fd(&n->spi.fd6);
		n->spi.n_foreign = n->spi.next_foreign = 0;
		return 0;
	}
	if (n->spi.fd4 < 0)
		n->spi.fd4 = open_raw(AF_INET);
	if (n->spi.fd6 < 0)
		n->spi.fd6 = open_raw(AF_INET6);
	if (n->spi.fd4 >= 0 || n->spi.fd6 >= 0)
		return 0;
	NOTE(n, "[KERNEL] cannot open a raw ESP socket: %s", strerror(-n->spi.fd4));
	n->spi.fd4 = n->spi.fd6 = -1;
	return -RTX_EKERNEL;
}

static bool foreign_cached(const struct kernel_nl_spi *s, const struct kernel_sa_id *id)
{
	for (size_t i = 0; i < s->n_foreign; i++)
		if (s->foreign[i].spi == id->spi && ip_addr_equal(&s->foreign[i].dst, &id->dst))
			return true;
	return false;
}

static void foreign_add(struct kernel_nl_spi *s, const struct kernel_sa_id *id)
{
	s->foreign[s->next_foreign] = *id;
	s->next_foreign = (s->next_foreign + 1) % KERNEL_NL_FOREIGN_MAX;
	if (s->n_foreign < KERNEL_NL_FOREIGN_MAX)
		s->n_foreign++;
}

/* rtxsh shares the host's XFRM with other users: their SAs' traffic is
 * not "illegal". Ours are known without asking; anything else is asked
 * of the kernel once and remembered when it exists. */
static bool unknown(struct kernel_nl *n, const struct kernel_sa_id *id)
{
	if (kernel_nl_sa_ours(n, id) || foreign_cached(&n->spi, id))
		return false;
	if (!kernel_nl_sa_exists(n, id))
		return true;
	foreign_add(&n->spi, id);
	return false;
}

/* One packet into id: 1, 0 for a packet to skip (not ESP as expected,
 * no destination to look up), or a negative errno (-EAGAIN: none left). */
static int read_one(int fd, bool v6, struct kernel_sa_id *id)
{
	uint8_t buf[KEEP4];
	struct sockaddr_in6 from;
	union {
		struct cmsghdr h;
		uint8_t space[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = &ctl, .msg_controllen = sizeof(ctl) };
	ssize_t got = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (got < 0)
		return -errno;
	if (!v6)
		return kernel_nl_esp_parse4(buf, (size_t)got, id) == 0;
	*id = (struct kernel_sa_id){ .proto = KERNEL_PROTO_ESP };
	if (mh.msg_namelen < sizeof(from) || from.sin6_family != AF_INET6 ||
	    kernel_nl_esp_parse6(buf, (size_t)got, &id->spi))
		return 0;
	id->src.family = id->dst.family = AF_INET6;
	memcpy(id->src.bytes, &from.sin6_addr, 16);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memcpy(id->dst.bytes, &pi.ipi6_addr, 16);
			return 1;
		}
	return 0;
}

int kernel_nl_process_spi(struct kernel_nl *n, int fd)
{
	int reported = 0;
	for (int i = 0; i < READS_PER_CALL; i++) {
		struct kernel_event ev = { .type = KERNEL_EV_UNKNOWN_SPI };
		int got = read_one(fd, fd == n->spi.fd6, &ev.sa);
		if (got == -EAGAIN || got == -EWOULDBLOCK)
			break;
		if (got == -EINTR || got == 0)
			continue;
		if (got < 0) {
			NOTE(n, "[KERNEL] reading the raw ESP socket: %s", strerror(-got));
			return -RTX_EKERNEL;
		}
		if (!unknown(n, &ev.sa))
			continue;
		reported++;
		if (n->base.event)
			n->base.event(n->base.event_arg, &ev);
	}
	return reported;
}
