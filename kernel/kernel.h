/* The kernel layer: the one interface through which the engine installs
 * SAs, policies, tunnel interfaces and routes, and hears back about
 * acquires and expiries. Two backends: sim (in-memory SAD/SPD, the default
 * and the test double) and netlink (Linux XFRM through libnl).
 *
 * Id structs stay apart from data structs (as in strongSwan's
 * kernel_ipsec), so lookups and deletes need only the id. Algorithms are
 * IANA IKEv2 transform ids; each backend maps them to its own names. */
#ifndef RTX_KERNEL_H
#define RTX_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/ip_addr.h"

enum kernel_backend {
	KERNEL_SIM,       /* in-memory SAD/SPD: the default, needs no privileges */
	KERNEL_NETLINK,   /* Linux XFRM through libnl */
};

/* "sim" or "netlink"; returns 0 or -RTX_EINVAL. */
int kernel_backend_parse(const char *name, enum kernel_backend *out);
const char *kernel_backend_name(enum kernel_backend b);

#define KERNEL_PROTO_ESP 50
#define KERNEL_KEY_MAX 64         /* bytes: AES-256 + 4-byte salt, SHA-512 */

struct kernel_sa_id {
	struct ip_addr src, dst;
	uint32_t spi;             /* host order */
	uint8_t proto;            /* KERNEL_PROTO_ESP */
};

struct kernel_lifetime {
	uint64_t soft_secs, hard_secs;     /* 0: unlimited */
	uint64_t soft_bytes, hard_bytes;   /* 0: unlimited */
};

struct kernel_sa {
	struct kernel_sa_id id;
	uint32_t reqid;
	uint32_t if_id;                    /* xfrm interface id of the tunnel */
	bool inbound;
	uint16_t encr;                     /* IKEv2 ENCR transform id */
	uint16_t integ;                    /* IKEv2 INTEG transform id, 0 for AEAD */
	uint16_t encr_key_len, integ_key_len;   /* bytes; AEAD keys include the salt */
	uint8_t encr_key[KERNEL_KEY_MAX], integ_key[KERNEL_KEY_MAX];
	uint32_t replay_window;            /* packets; 0 disables the check */
	bool esn;
	bool encap;                        /* UDP encapsulation (RFC 3948) */
	uint16_t encap_sport, encap_dport; /* host order */
	struct kernel_lifetime life;
};

struct kernel_sa_stats {
	uint64_t bytes, packets;
	uint64_t add_time;                 /* wall-clock seconds when installed */
};

enum kernel_dir { KERNEL_DIR_IN, KERNEL_DIR_OUT, KERNEL_DIR_FWD };

struct kernel_policy_id {
	struct ip_addr src_net, dst_net;   /* selectors */
	uint8_t src_len, dst_len;              /* prefix lengths */
	enum kernel_dir dir;
	uint32_t if_id;
};

struct kernel_policy {
	struct kernel_policy_id id;
	struct ip_addr tun_src, tun_dst;   /* tunnel-mode template endpoints */
	uint32_t reqid;
	uint32_t priority;
};

struct kernel_route {
	struct ip_addr dst;
	uint8_t dst_len;
	unsigned tunnel;                       /* Yamaha tunnel number: via its interface */
};

enum kernel_event_type {
	KERNEL_EV_ACQUIRE,       /* traffic hit a policy without an SA */
	KERNEL_EV_EXPIRE_SOFT,   /* time to rekey */
	KERNEL_EV_EXPIRE_HARD,   /* the SA is gone */
	/* ESP arrived for an SPI the kernel has no SA for, while watch_spi is
	 * on (`ipsec log illegal-spi`): sa.src sent it to sa.dst. */
	KERNEL_EV_UNKNOWN_SPI,
	/* An ICMP echo reply: sa.src answered the ping echo_id/echo_seq. */
	KERNEL_EV_ECHO_REPLY,
};

struct kernel_event {
	enum kernel_event_type type;
	struct kernel_sa_id sa;      /* expire events */
	uint32_t reqid;              /* acquire: the policy's reqid */
	uint32_t if_id;              /* acquire: the tunnel's interface id */
	uint16_t encap_port;         /* unknown SPI: the sender's UDP port of
					ESP-in-UDP, 0 for plain ESP */
	uint16_t echo_id, echo_seq;  /* echo reply */
};

struct kernel;
typedef void (*kernel_event_fn)(void *arg, const struct kernel_event *ev);

/* Every call returns 0 or a negative rtx_err. */
struct kernel_ops {
	const char *name;
	int (*get_spi)(struct kernel *k, const struct ip_addr *src,
		       const struct ip_addr *dst, uint32_t reqid, uint32_t *spi);
	int (*add_sa)(struct kernel *k, const struct kernel_sa *sa);
	int (*update_sa)(struct kernel *k, const struct kernel_sa *sa);
	int (*del_sa)(struct kernel *k, const struct kernel_sa_id *id);
	/* New UDP encapsulation ports (host order) of a UDP-encapsulated SA:
	 * the peer's NAT gave it a new mapping. -RTX_EINVAL for plain ESP. */
	int (*update_encap)(struct kernel *k, const struct kernel_sa_id *id, uint16_t sport,
			    uint16_t dport);
	int (*query_sa)(struct kernel *k, const struct kernel_sa_id *id,
			struct kernel_sa_stats *out);
	int (*add_policy)(struct kernel *k, const struct kernel_policy *p);
	int (*del_policy)(struct kernel *k, const struct kernel_policy_id *id);
	int (*add_if)(struct kernel *k, unsigned tunnel, uint32_t if_id);
	int (*del_if)(struct kernel *k, unsigned tunnel);
	int (*set_if_up)(struct kernel *k, unsigned tunnel, bool up);
	int (*add_route)(struct kernel *k, const struct kernel_route *r);
	int (*del_route)(struct kernel *k, const struct kernel_route *r);
	/* The address of a host interface (`ip lanN address`). Optional: a
	 * backend without host interfaces (sim) leaves both NULL. An address
	 * the interface already had is not ours: del_addr then leaves it. */
	int (*add_addr)(struct kernel *k, const char *ifname, const struct ip_addr *a,
			uint8_t len);
	int (*del_addr)(struct kernel *k, const char *ifname, const struct ip_addr *a,
			uint8_t len);
	/* Our mode-cfg address (the one a remote-access server assigned) on
	 * tunnel N's interface: the source of our traffic into the tunnel.
	 * The interface must exist; its deletion takes the address too. */
	int (*add_tunnel_addr)(struct kernel *k, unsigned tunnel, const struct ip_addr *a,
			       uint8_t len);
	int (*del_tunnel_addr)(struct kernel *k, unsigned tunnel, const struct ip_addr *a,
			       uint8_t len);
	/* Watch inbound ESP and raise KERNEL_EV_UNKNOWN_SPI for SPIs without
	 * SA while on. Linux has no event for it, so the netlink backend
	 * opens raw ESP sockets then (kernel_netlink_aux_fds) and closes them
	 * when off. 0 or a negative rtx_err. */
	int (*watch_spi)(struct kernel *k, bool on);
	/* `ipsec ike keepalive use GW on icmp-echo`: one ICMP echo request
	 * (or ICMPv6) with length octets of data, identifier id and sequence
	 * seq, from src (family 0: the kernel picks) to dst out through
	 * tunnel N's interface; the reply comes back as KERNEL_EV_ECHO_REPLY.
	 * Optional: NULL where the backend cannot ping. 0 or a negative
	 * rtx_err (-RTX_ENOENT: the tunnel has no interface). */
	int (*ping)(struct kernel *k, unsigned tunnel, const struct ip_addr *src,
		    const struct ip_addr *dst, uint16_t length, uint16_t id, uint16_t seq);
	/* Receive echo replies while on (some gateway uses icmp-echo): the
	 * netlink backend opens raw ICMP sockets for them then. Optional:
	 * NULL where replies need nothing opened (sim). */
	int (*watch_echo)(struct kernel *k, bool on);
	/* Remove everything this router installed. */
	int (*flush)(struct kernel *k);
	void (*destroy)(struct kernel *k);
};

struct kernel {
	const struct kernel_ops *ops;
	kernel_event_fn event;
	void *event_arg;
};

void kernel_set_event_handler(struct kernel *k, kernel_event_fn fn, void *arg);
void kernel_free(struct kernel *k);

/* The if_id a Yamaha tunnel number maps to (a fixed offset keeps ours
 * recognisable among other users of XFRM interfaces). */
uint32_t kernel_tunnel_if_id(unsigned tunnel);
/* The reqid of a tunnel's SAs and policies: the same recognisable range,
 * so stale cleanup also finds the larval SAs SPI allocation leaves. */
uint32_t kernel_tunnel_reqid(unsigned tunnel);

/* The sim backend. */
struct kernel *kernel_sim_new(void);
/* Where the sim's SPI sequence starts: routers seed it randomly so two of
 * them never hand out the same SPIs; tests may pick their own. */
void kernel_sim_seed(struct kernel *k, uint32_t seed);
/* Test and demo hooks: pretend traffic used an SA (counters, byte
 * lifetimes), time passed (time lifetimes), or traffic hit a policy. */
int kernel_sim_account(struct kernel *k, const struct kernel_sa_id *id,
		       uint64_t bytes, uint64_t packets);
void kernel_sim_tick(struct kernel *k, uint64_t now_secs);
int kernel_sim_acquire(struct kernel *k, uint32_t if_id);
/* An ESP packet from src to dst with spi reached the sim (encap_port: the
 * sender's UDP port of ESP-in-UDP, else 0). An SA for (dst, spi) takes it
 * (counted as one packet); without one, and while watch_spi is on, it is
 * reported as KERNEL_EV_UNKNOWN_SPI. 1 when reported, 0 otherwise. */
int kernel_sim_esp(struct kernel *k, const struct ip_addr *src, const struct ip_addr *dst,
		   uint32_t spi, uint16_t encap_port);
/* The pings the sim was asked to send, oldest first; the test answers
 * one with kernel_sim_echo_reply (the reply's sender is the ping's dst)
 * or leaves it unanswered (lost on the way). */
struct kernel_sim_ping {
	unsigned tunnel;
	struct ip_addr src, dst;
	uint16_t length, id, seq;
};
size_t kernel_sim_ping_count(const struct kernel *k);
const struct kernel_sim_ping *kernel_sim_ping_get(const struct kernel *k, size_t i);
void kernel_sim_echo_reply(struct kernel *k, const struct kernel_sim_ping *p);
/* Failure injection: the next count calls of op fail with err (a
 * negative rtx_err), as a real kernel refuses (a conflicting route). */
enum kernel_sim_op { KERNEL_SIM_OP_ADD_SA, KERNEL_SIM_OP_ADD_POLICY, KERNEL_SIM_OP_ADD_ROUTE };
void kernel_sim_fail(struct kernel *k, enum kernel_sim_op op, int err, unsigned count);
/* The SPI of the outbound SA traffic into tunnel interface if_id leaves
 * on: like Linux, the newest one installed. 0 or -RTX_ENOENT. */
int kernel_sim_out_spi(const struct kernel *k, uint32_t if_id, uint32_t *spi);
size_t kernel_sim_sa_count(const struct kernel *k);
size_t kernel_sim_policy_count(const struct kernel *k);
size_t kernel_sim_route_count(const struct kernel *k);
size_t kernel_sim_if_count(const struct kernel *k);
const struct kernel_sa *kernel_sim_sa_find(const struct kernel *k,
					   const struct kernel_sa_id *id);
/* A stable text dump of the SAD, SPD, interfaces and routes. */
void kernel_sim_dump(const struct kernel *k, FILE *out);

#endif
