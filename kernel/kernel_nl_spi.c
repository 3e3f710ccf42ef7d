/* `ipsec log illegal-spi` on the netlink backend. XFRM drops ESP with an
 * unknown SPI and only counts it (XfrmInNoStates in /proc/net/xfrm_stat,
 * without SPI or sender), so while the switch is on a raw IPPROTO_ESP
 * socket per family gets a copy of every inbound ESP packet (Linux hands
 * raw sockets their copy before the ESP handler runs) and its SPI is
 * compared with the SAs this instance installed.
 *
 * UDP-encapsulated ESP (RFC 3948, port 4500) never reaches user space:
 * the IKE socket's encapsulation handler passes it to XFRM inside the
 * kernel, which drops an unknown SPI the same way. Raw UDP sockets get
 * their copy before that, so one per family, filtered in the kernel to
 * ESP-in-UDP for our NAT-T port, watches it too. */
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
#define UDP_HDR 8
#define KEEP_UDP4 (60 + UDP_HDR + ESP_HDR)
#define KEEP_UDP6 (UDP_HDR + ESP_HDR)

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
	*out = (struct kernel_sa_id){ .proto = KERNEL_PROTO_ESP, .spi = kernel_nl_be32(buf + ihl) };
	out->src.family = out->dst.family = AF_INET;
	memcpy(&out->src.bytes, buf + 12, 4);
	memcpy(&out->dst.bytes, buf + 16, 4);
	return 0;
}

int kernel_nl_esp_parse6(const uint8_t *buf, size_t len, uint32_t *spi)
{
	if (len < 4)
		return -RTX_EPARSE;
	*spi = kernel_nl_be32(buf);
	return 0;
}

/* The ports and SPI of ESP in UDP behind an IP header of ihl octets. */
static int espinudp_at(const uint8_t *buf, size_t len, size_t ihl, uint16_t port,
		       uint32_t *spi, uint16_t *sport)
{
	if (len < ihl + UDP_HDR + 4 || kernel_nl_be16(buf + ihl + 2) != port ||
	    kernel_nl_be16(buf + ihl + 4) <= UDP_HDR + ESP_HDR)
		return -RTX_EPARSE;
	*spi = kernel_nl_be32(buf + ihl + UDP_HDR);
	*sport = kernel_nl_be16(buf + ihl);
	return *spi ? 0 : -RTX_EPARSE;
}

int kernel_nl_espinudp_parse4(const uint8_t *buf, size_t len, uint16_t port,
			      struct kernel_sa_id *out, uint16_t *sport)
{
	if (len < 20 || buf[0] >> 4 != 4)
		return -RTX_EPARSE;
	size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
	bool later_fragment = ((buf[6] & 0x1f) << 8 | buf[7]) != 0;
	uint32_t spi;
	if (ihl < 20 || buf[9] != IPPROTO_UDP || later_fragment ||
	    espinudp_at(buf, len, ihl, port, &spi, sport))
		return -RTX_EPARSE;
	*out = (struct kernel_sa_id){ .proto = KERNEL_PROTO_ESP, .spi = spi };
	out->src.family = out->dst.family = AF_INET;
	memcpy(out->src.bytes, buf + 12, 4);
	memcpy(out->dst.bytes, buf + 16, 4);
	return 0;
}

int kernel_nl_espinudp_parse6(const uint8_t *buf, size_t len, uint16_t port, uint32_t *spi,
			      uint16_t *sport)
{
	return espinudp_at(buf, len, 0, port, spi, sport);
}

/* The kernel queues ESP in UDP to port only, cut to the headers: a raw
 * UDP socket would otherwise copy every UDP datagram of the host. The
 * tests are those of the parsers above; X is the IP header's length
 * (IPv4 reads start at the IP header, IPv6 ones at UDP). */
static int espinudp_filter(int fd, int family, uint16_t port)
{
	struct sock_filter f[] = {
		family == AF_INET ? (struct sock_filter)BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0)
				  : (struct sock_filter)BPF_STMT(BPF_LDX | BPF_IMM, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),                   /* destination port */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 5),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),                   /* UDP length */
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, UDP_HDR + ESP_HDR, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_IND, UDP_HDR),             /* SPI or marker */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, family == AF_INET ? KEEP_UDP4 : KEEP_UDP6),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

/* The kernel copies only KEEP bytes of each packet into the queue. */
static int truncate_filter(int fd, unsigned keep)
{
	struct sock_filter ret = BPF_STMT(BPF_RET | BPF_K, keep);
	struct sock_fprog prog = { .len = 1, .filter = &ret };
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

/* A raw ESP socket, or with port a raw UDP one for ESP in UDP to it. */
static int open_raw(int family, uint16_t port)
{
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			port ? IPPROTO_UDP : IPPROTO_ESP);
	if (fd < 0)
		return -errno;
	int one = 1;
	int filtered = port ? espinudp_filter(fd, family, port)
			    : truncate_filter(fd, family == AF_INET ? KEEP4 : KEEP6);
	if (filtered < 0 ||
	    (family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) < 0)) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

void kernel_nl_close_fd(int *fd)
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
		kernel_nl_close_fd(&n->spi.fd4);
		kernel_nl_close_fd(&n->spi.fd6);
		kernel_nl_close_fd(&n->spi.udp4);
		kernel_nl_close_fd(&n->spi.udp6);
		n->spi.n_foreign = n->spi.next_foreign = 0;
		return 0;
	}
	uint16_t port = n->spi.natt_port ? n->spi.natt_port : 4500;
	if (n->spi.fd4 < 0)
		n->spi.fd4 = open_raw(AF_INET, 0);
	if (n->spi.fd6 < 0)
		n->spi.fd6 = open_raw(AF_INET6, 0);
	if (n->spi.udp4 < 0)
		n->spi.udp4 = open_raw(AF_INET, port);
	if (n->spi.udp6 < 0)
		n->spi.udp6 = open_raw(AF_INET6, port);
	if (n->spi.udp4 < 0 && n->spi.udp6 < 0)
		NOTE(n, "[KERNEL] cannot open a raw UDP socket for ESP in UDP: %s",
		     strerror(-n->spi.udp4));
	if (n->spi.fd4 >= 0 || n->spi.fd6 >= 0)
		return 0;
	NOTE(n, "[KERNEL] cannot open a raw ESP socket: %s", strerror(-n->spi.fd4));
	kernel_nl_watch_spi(k, false);
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

/* One packet of fd (one of the four watch sockets) into ev's sa and
 * encap_port: 1, 0 for a packet to skip (not ESP as expected, no
 * destination to look up), or a negative errno (-EAGAIN: none left). */
static int read_one(const struct kernel_nl *n, int fd, struct kernel_event *ev)
{
	bool v6 = fd == n->spi.fd6 || fd == n->spi.udp6;
	bool udp = fd == n->spi.udp4 || fd == n->spi.udp6;
	uint16_t port = n->spi.natt_port ? n->spi.natt_port : 4500;
	struct kernel_sa_id *id = &ev->sa;
	uint8_t buf[KEEP_UDP4];
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
	size_t len = (size_t)got;
	if (!v6)
		return (udp ? kernel_nl_espinudp_parse4(buf, len, port, id, &ev->encap_port)
			    : kernel_nl_esp_parse4(buf, len, id)) == 0;
	*id = (struct kernel_sa_id){ .proto = KERNEL_PROTO_ESP };
	int bad = udp ? kernel_nl_espinudp_parse6(buf, len, port, &id->spi, &ev->encap_port)
		      : kernel_nl_esp_parse6(buf, len, &id->spi);
	if (bad || mh.msg_namelen < sizeof(from) || from.sin6_family != AF_INET6)
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
		int got = read_one(n, fd, &ev);
		if (got == -EAGAIN || got == -EWOULDBLOCK)
			break;
		if (got == -EINTR || got == 0)
			continue;
		if (got < 0) {
			NOTE(n, "[KERNEL] reading a raw ESP or UDP socket: %s", strerror(-got));
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
