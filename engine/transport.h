/* How IKE messages leave and reach the engine: real UDP sockets (ports 500
 * and 4500) or an in-memory network for tests that can drop, delay,
 * duplicate and reorder messages and put a NAT between hosts.
 *
 * The engine sees whole IKE messages only: on the NAT-T port the transport
 * adds and strips the 4-byte non-ESP marker (RFC 3948 2.2), swallows NAT
 * keepalives and leaves ESP-in-UDP to the kernel. */
#ifndef RTX_TRANSPORT_H
#define RTX_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/kernel.h"

#define IKE_PORT 500
#define IKE_NATT_PORT 4500
#define IKE_MSG_MAX 65535

struct endpoint {
	struct ip_addr addr;
	uint16_t port;               /* host order */
};

bool endpoint_equal(const struct endpoint *a, const struct endpoint *b);
/* "192.0.2.1[500]" / "2001:db8::1[4500]" into buf (>= 56 bytes). */
const char *endpoint_str(const struct endpoint *e, char *buf, size_t len);

struct transport;
/* local: the address and port the message arrived on. */
typedef void transport_recv_fn(void *arg, const struct endpoint *local,
			       const struct endpoint *remote,
			       const uint8_t *msg, size_t len);

struct transport_ops {
	/* Sends one IKE message from local (its port picks plain IKE or
	 * NAT-T framing) to remote. 0 or a negative rtx_err. */
	int (*send)(struct transport *t, const struct endpoint *local,
		    const struct endpoint *remote, const uint8_t *msg, size_t len);
	/* A NAT keepalive (RFC 3948 2.3) from local:4500 to remote. */
	int (*send_keepalive)(struct transport *t, const struct endpoint *local,
			      const struct endpoint *remote);
	/* The local address the system would send from to reach remote (the
	 * interface nearest to the peer), for gateways without `ipsec ike
	 * local address`. 0 or a negative rtx_err. */
	int (*source_for)(struct transport *t, const struct ip_addr *remote,
			  struct ip_addr *local);
	void (*destroy)(struct transport *t);
};

struct transport {
	const struct transport_ops *ops;
	transport_recv_fn *recv;
	void *recv_arg;
};

static inline void transport_set_recv(struct transport *t, transport_recv_fn *fn, void *arg)
{
	t->recv = fn;
	t->recv_arg = arg;
}

static inline void transport_free(struct transport *t)
{
	if (t)
		t->ops->destroy(t);
}

/* Frames an outgoing message for a source port: on anything but IKE_PORT
 * the non-ESP marker goes first. Returns the framed length (<= cap), or 0
 * if it does not fit. */
size_t transport_frame(uint16_t local_port, const uint8_t *msg, size_t len,
		       uint8_t *out, size_t cap);
/* Unframes a datagram received on local_port: sets *msg and *len to the IKE
 * message, or returns false for what is not IKE (NAT keepalive, ESP in
 * UDP, a datagram too short). */
bool transport_unframe(uint16_t local_port, const uint8_t *dgram, size_t dlen,
		       const uint8_t **msg, size_t *len);

struct loop;

/* UDP sockets bound to each of addrs (or the IPv4 and IPv6 wildcards when
 * n == 0) on ike_port and natt_port, served by loop. Production passes
 * IKE_PORT and IKE_NATT_PORT; tests pass 0 for ephemeral ports. The engine
 * always speaks of the standard ports: the transport maps them. On failure
 * NULL with *err set. */
struct transport *udp_transport_new(struct loop *loop, const struct ip_addr *addrs,
				    size_t n, uint16_t ike_port, uint16_t natt_port,
				    int *err);
/* `ipsec ike queue length`: each socket's receive queue holds about this
 * many datagrams (0: a deep default for bursts of thousands); a burst
 * beyond it is dropped by the kernel and counted. */
void udp_transport_set_queue(struct transport *t, unsigned datagrams);
/* Datagrams the full queues dropped so far, as the kernel last reported
 * with a received datagram (SO_RXQ_OVFL stamps the count on the datagrams
 * queued after a drop, so it shows with the next one read). */
uint64_t udp_transport_dropped(const struct transport *t);
/* The port a socket actually got (useful with ephemeral test ports):
 * which = IKE_PORT or IKE_NATT_PORT. */
uint16_t udp_transport_port(const struct transport *t, uint16_t which);

#endif
