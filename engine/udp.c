/* UDP transport: one socket per local address and port, served by the
 * loop. Wildcard sockets learn the local address of each datagram from
 * IP_PKTINFO / IPV6_PKTINFO, so replies and NAT detection use the address
 * the peer actually reached. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <linux/udp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/err.h"
#include "engine/loop.h"
#include "engine/transport.h"

#define UDP_MAX_SOCKS 32
#define UDP_RCVBUF (8 << 20)
/* Receive buffer per datagram of `ipsec ike queue length`: the kernel
 * charges a datagram's buffer (truesize), not its bytes, and an IKE
 * message of a few hundred bytes costs about this much. */
#define UDP_QUEUE_SLOT 2048

struct udp_sock {
	int fd;
	struct endpoint local;   /* wildcard address when bound to any */
	bool wildcard;
	uint32_t drops;          /* the kernel's drop count (SO_RXQ_OVFL) */
};

struct udp_transport {
	struct transport base;
	struct loop *loop;
	struct udp_sock socks[UDP_MAX_SOCKS];
	size_t n;
	uint16_t ike_port, natt_port;   /* as bound: the standard ports or test ports */
	unsigned queue;                 /* datagrams; 0: the deep default */
};

/* The socket's receive queue: `ipsec ike queue length` datagrams, or the
 * deep default. */
static void set_rcvbuf(int fd, unsigned queue)
{
	int rcvbuf = queue ? (int)(queue * UDP_QUEUE_SLOT) : UDP_RCVBUF;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
}

static void to_sockaddr(const struct endpoint *e, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (e->addr.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(e->port);
		memcpy(&s6->sin6_addr, e->addr.bytes, 16);
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(e->port);
		memcpy(&s4->sin_addr, e->addr.bytes, 4);
		*len = sizeof(*s4);
	}
}

static void from_sockaddr(const struct sockaddr_storage *ss, struct endpoint *e)
{
	memset(e, 0, sizeof(*e));
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		e->addr.family = AF_INET6;
		memcpy(e->addr.bytes, &s6->sin6_addr, 16);
		e->port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		e->addr.family = AF_INET;
		memcpy(e->addr.bytes, &s4->sin_addr, 4);
		e->port = ntohs(s4->sin_port);
	}
}

/* The engine speaks of standard ports; map them to what we bound. */
static uint16_t std_port(const struct udp_transport *u, uint16_t bound)
{
	return bound == u->ike_port ? IKE_PORT : IKE_NATT_PORT;
}

/* The local address (wildcard sockets) and the kernel's count of
 * datagrams the full queue dropped, from the control messages. */
static void read_cmsgs(struct msghdr *mh, struct endpoint *local, bool wildcard,
		       uint32_t *drops)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(drops, CMSG_DATA(c), sizeof(*drops));
			continue;
		}
		if (!wildcard)
			continue;
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memcpy(local->addr.bytes, &pi.ipi_addr, 4);
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memcpy(local->addr.bytes, &pi.ipi6_addr, 16);
		}
	}
}

static void udp_readable(struct loop *l, int fd, unsigned revents, void *arg)
{
	(void)l;
	(void)revents;
	struct udp_transport *u = arg;
	struct udp_sock *s = NULL;
	for (size_t i = 0; i < u->n; i++)
		if (u->socks[i].fd == fd)
			s = &u->socks[i];
	if (!s)
		return;
	static uint8_t buf[IKE_MSG_MAX + 4];   /* one thread, one loop */
	for (int budget = 64; budget > 0; budget--) {
		struct sockaddr_storage from;
		char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(uint32_t))];
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
				     .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0)
			return;        /* EAGAIN, or an ICMP error: nothing to do */
		if (mh.msg_flags & MSG_TRUNC)
			continue;
		struct endpoint local = s->local, remote;
		from_sockaddr(&from, &remote);
		read_cmsgs(&mh, &local, s->wildcard, &s->drops);
		local.port = std_port(u, s->local.port);
		const uint8_t *msg;
		size_t len;
		if (!transport_unframe(local.port, buf, (size_t)n, &msg, &len))
			continue;
		if (u->base.recv)
			u->base.recv(u->base.recv_arg, &local, &remote, msg, len);
	}
}

/* The socket to send from: the one bound to local's address and port, or
 * the wildcard of that family and port. */
static struct udp_sock *pick_sock(struct udp_transport *u, const struct endpoint *local)
{
	uint16_t bound = local->port == IKE_PORT ? u->ike_port : u->natt_port;
	struct udp_sock *wild = NULL;
	for (size_t i = 0; i < u->n; i++) {
		struct udp_sock *s = &u->socks[i];
		if (s->local.port != bound || s->local.addr.family != local->addr.family)
			continue;
		if (s->wildcard)
			wild = s;
		else if (ip_addr_equal(&s->local.addr, &local->addr))
			return s;
	}
	return wild;
}

static int udp_sendto(struct udp_transport *u, const struct endpoint *local,
		      const struct endpoint *remote, const uint8_t *dgram, size_t len)
{
	struct udp_sock *s = pick_sock(u, local);
	if (!s)
		return -RTX_ENOENT;
	struct sockaddr_storage to;
	socklen_t tolen;
	to_sockaddr(remote, &to, &tolen);
	if (sendto(s->fd, dgram, len, 0, (struct sockaddr *)&to, tolen) < 0)
		return -RTX_EIO;
	return 0;
}

static int udp_send(struct transport *t, const struct endpoint *local,
		    const struct endpoint *remote, const uint8_t *msg, size_t len)
{
	static uint8_t buf[IKE_MSG_MAX + 4];
	size_t n = transport_frame(local->port, msg, len, buf, sizeof(buf));
	if (!n)
		return -RTX_EINVAL;
	return udp_sendto((struct udp_transport *)t, local, remote, buf, n);
}

static int udp_send_keepalive(struct transport *t, const struct endpoint *local,
			      const struct endpoint *remote)
{
	static const uint8_t ka = 0xff;
	struct endpoint l = *local;
	l.port = IKE_NATT_PORT;
	return udp_sendto((struct udp_transport *)t, &l, remote, &ka, 1);
}

/* A connected UDP socket sends nothing but makes the kernel pick the
 * route and source address, which getsockname then reports. */
static int udp_source_for(struct transport *t, const struct ip_addr *remote,
			  struct ip_addr *local)
{
	(void)t;
	struct endpoint to = { .addr = *remote, .port = IKE_PORT }, from;
	struct sockaddr_storage ss;
	socklen_t len;
	to_sockaddr(&to, &ss, &len);
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -RTX_EIO;
	int err = 0;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (len = sizeof(ss), getsockname(fd, (struct sockaddr *)&ss, &len) < 0))
		err = -RTX_ENOENT;
	close(fd);
	if (err)
		return err;
	from_sockaddr(&ss, &from);
	*local = from.addr;
	return 0;
}

static void udp_destroy(struct transport *t)
{
	struct udp_transport *u = (struct udp_transport *)t;
	for (size_t i = 0; i < u->n; i++) {
		loop_fd_del(u->loop, u->socks[i].fd);
		close(u->socks[i].fd);
	}
	free(u);
}

static const struct transport_ops udp_ops = {
	.send = udp_send,
	.send_keepalive = udp_send_keepalive,
	.source_for = udp_source_for,
	.destroy = udp_destroy,
};

static int open_sock(struct udp_transport *u, const struct ip_addr *addr,
		     bool wildcard, uint16_t port, bool natt)
{
	if (u->n == UDP_MAX_SOCKS)
		return -RTX_ERANGE;
	int af = addr->family == AF_INET6 ? AF_INET6 : AF_INET;
	int fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -RTX_EIO;
	/* A router bringing up thousands of tunnels at once gets their answers
	 * in one burst while each costs a DH computation: a deep queue keeps
	 * them until they are served (FORCE passes rmem_max with CAP_NET_ADMIN). */
	set_rcvbuf(fd, u->queue);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	if (af == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	} else {
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	}
	/* On the NAT-T port the kernel takes ESP-in-UDP for its SAs (RFC 3948)
	 * and hands up only IKE (behind the non-ESP marker); a kernel without
	 * XFRM refuses, and then there is no ESP to take anyway. */
	int encap = UDP_ENCAP_ESPINUDP;
	if (natt)
		setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &encap, sizeof(encap));
	struct endpoint local = { .addr = *addr, .port = port };
	struct sockaddr_storage ss;
	socklen_t len;
	to_sockaddr(&local, &ss, &len);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		int e = errno;
		close(fd);
		return e == EACCES ? -RTX_EINVAL : -RTX_EIO;
	}
	from_sockaddr(&ss, &local);
	int err = loop_fd_add(u->loop, fd, LOOP_READ, udp_readable, u);
	if (err) {
		close(fd);
		return err;
	}
	u->socks[u->n++] = (struct udp_sock){ .fd = fd, .local = local, .wildcard = wildcard };
	return 0;
}

/* Binds one address on both ports; an ephemeral request (port 0) for the
 * first address fixes the port every later address uses. */
static int open_pair(struct udp_transport *u, const struct ip_addr *a, bool wildcard)
{
	int err = open_sock(u, a, wildcard, u->ike_port, false);
	if (err)
		return err;
	if (!u->ike_port)
		u->ike_port = u->socks[u->n - 1].local.port;
	if ((err = open_sock(u, a, wildcard, u->natt_port, true)))
		return err;
	if (!u->natt_port)
		u->natt_port = u->socks[u->n - 1].local.port;
	return 0;
}

struct transport *udp_transport_new(struct loop *loop, const struct ip_addr *addrs,
				    size_t n, uint16_t ike_port, uint16_t natt_port,
				    int *err)
{
	struct udp_transport *u = calloc(1, sizeof(*u));
	if (!u) {
		*err = -RTX_ENOMEM;
		return NULL;
	}
	u->base.ops = &udp_ops;
	u->loop = loop;
	u->ike_port = ike_port;
	u->natt_port = natt_port;
	*err = 0;
	if (n == 0) {
		struct ip_addr any4 = { .family = AF_INET }, any6 = { .family = AF_INET6 };
		*err = open_pair(u, &any4, true);
		/* A host without IPv6 still gets an IPv4 router. */
		if (!*err && open_pair(u, &any6, true))
			*err = 0;
	}
	for (size_t i = 0; i < n && !*err; i++)
		*err = open_pair(u, &addrs[i], false);
	if (*err) {
		udp_destroy(&u->base);
		return NULL;
	}
	return &u->base;
}

void udp_transport_set_queue(struct transport *t, unsigned datagrams)
{
	struct udp_transport *u = (struct udp_transport *)t;
	if (u->queue == datagrams)
		return;
	u->queue = datagrams;
	for (size_t i = 0; i < u->n; i++)
		set_rcvbuf(u->socks[i].fd, datagrams);
}

uint64_t udp_transport_dropped(const struct transport *t)
{
	const struct udp_transport *u = (const struct udp_transport *)t;
	uint64_t n = 0;
	for (size_t i = 0; i < u->n; i++)
		n += u->socks[i].drops;
	return n;
}

uint16_t udp_transport_port(const struct transport *t, uint16_t which)
{
	const struct udp_transport *u = (const struct udp_transport *)t;
	return which == IKE_PORT ? u->ike_port : u->natt_port;
}
