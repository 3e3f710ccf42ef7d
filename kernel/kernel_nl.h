/* Inside the netlink backend: the transform-id -> XFRM name table, and
 * building requests / parsing replies apart from sending them, so unit
 * tests can check every attribute without root. */
#ifndef RTX_KERNEL_NL_H
#define RTX_KERNEL_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/netlink.h>
#include <net/if.h>
#include <sys/types.h>

#include "base/pos_index.h"
#include "kernel/kernel.h"

struct nl_msg;

struct kernel_nl_alg {
	uint16_t id;           /* IKEv2 transform id */
	const char *xfrm;      /* Linux crypto API name */
	uint16_t icv_bits;     /* AEAD: ICV length; INTEG: truncation length */
	bool aead;
};

/* NULL when the transform has no XFRM equivalent here. */
const struct kernel_nl_alg *kernel_nl_alg_encr(uint16_t id);
const struct kernel_nl_alg *kernel_nl_alg_integ(uint16_t id);

/* Lowest and highest SPI handed out by XFRM_MSG_ALLOCSPI (RFC 4303: 1-255
 * are reserved). */
#define KERNEL_NL_SPI_MIN 0x00000100u
#define KERNEL_NL_SPI_MAX 0xfffffffeu

/* Requests. Each returns 0 with a new message in *out (the caller frees it
 * with nlmsg_free), or a negative rtx_err: -RTX_EINVAL for inconsistent
 * input (mixed families, unknown algorithm, key too long), -RTX_ENOMEM. */
int kernel_nl_build_sa(const struct kernel_sa *sa, bool update, struct nl_msg **out);
/* SA requests and replies carry ESP keys: wipe a message's bytes, or wipe
 * and free it (NULL is ignored). */
void kernel_nl_msg_wipe(struct nl_msg *msg);
void kernel_nl_msg_free(struct nl_msg *msg);
int kernel_nl_build_del_sa(const struct kernel_sa_id *id, struct nl_msg **out);
int kernel_nl_build_get_sa(const struct kernel_sa_id *id, struct nl_msg **out);
int kernel_nl_build_allocspi(const struct ip_addr *src, const struct ip_addr *dst,
			     uint32_t reqid, uint32_t if_id, struct nl_msg **out);
int kernel_nl_build_policy(const struct kernel_policy *p, struct nl_msg **out);
int kernel_nl_build_del_policy(const struct kernel_policy_id *id, struct nl_msg **out);
/* A dump of all SAs (XFRM_MSG_GETSA) or policies (XFRM_MSG_GETPOLICY). */
int kernel_nl_build_dump(int type, struct nl_msg **out);

/* Replies and events. Each checks lengths before reading and returns 0 or
 * -RTX_EPARSE; none keeps pointers into the message. */
/* XFRM_MSG_NEWSA (GETSA reply, ALLOCSPI reply, dump entry). */
struct kernel_nl_sa_info {
	struct kernel_sa_id id;
	uint32_t reqid, if_id;
	struct kernel_sa_stats stats;
};
int kernel_nl_parse_sa(const struct nlmsghdr *h, struct kernel_nl_sa_info *out);
/* XFRM_MSG_NEWPOLICY (dump entry). */
struct kernel_nl_policy_info {
	struct kernel_policy_id id;
	uint32_t reqid;        /* first template's; 0 without template */
};
int kernel_nl_parse_policy(const struct nlmsghdr *h, struct kernel_nl_policy_info *out);
/* XFRM_MSG_ACQUIRE and XFRM_MSG_EXPIRE; -RTX_EUNSUPP for other types. */
int kernel_nl_parse_event(const struct nlmsghdr *h, struct kernel_event *out);

/* ---- the instance, shared by kernel_netlink.c and kernel_nl_addr.c ---- */

struct log;
struct nl_sock;

struct tracked_sa {
	struct kernel_sa_id id;
	bool larval;          /* reserved by ALLOCSPI, not yet filled in */
};

/* An address put on a host interface for `ip lanN address`. */
struct tracked_addr {
	char ifname[IFNAMSIZ];
	struct ip_addr a;
	uint8_t len;
};

/* Installed objects of one kind, dense, in no particular order, with a
 * hash index (kernel_nl_track.c). The key is each item's leading struct:
 * hash and eq read only that, so a find passes the key alone. */
struct vec {
	void *items;
	size_t n, cap, size;
	uint32_t (*hash)(const void *key);       /* NULL: no index, finds scan */
	bool (*eq)(const void *item, const void *key);
	struct pos_index index;                  /* the items' positions by hash */
};

#define KERNEL_NL_RXBUF 65536   /* larger than any XFRM dump datagram */
#define KERNEL_NL_EVENT_RCVBUF (4 << 20)   /* the event socket's SO_RCVBUF */
/* `ipsec log illegal-spi` (kernel_nl_spi.c): raw ESP sockets while the
 * switch is on, and the (dst, SPI) of SAs other XFRM users installed that
 * their traffic showed, so it costs one GETSA per SA, not per packet. */
#define KERNEL_NL_FOREIGN_MAX 32
struct kernel_nl_spi {
	int fd4, fd6;                  /* -1: closed */
	int udp4, udp6;                /* raw UDP: ESP-in-UDP to natt_port */
	uint16_t natt_port;            /* 0: 4500 */
	struct kernel_sa_id foreign[KERNEL_NL_FOREIGN_MAX];
	size_t n_foreign, next_foreign;   /* next_foreign: the one replaced next */
};

/* The icmp-echo keepalive's raw ICMP sockets (kernel_nl_ping.c). */
struct kernel_nl_echo {
	int fd4, fd6;                  /* -1: closed */
};

struct kernel_nl {
	struct kernel base;
	struct log *log;
	struct nl_sock *xfrm, *route, *events;
	int if_link;
	int last_errno;       /* errno of the last NLMSG_ERROR on xfrm/route */
	/* Replies of the xfrm socket land here, wiped after each datagram:
	 * one buffer for the instance, not an allocation per request. */
	uint8_t *rxbuf;
	struct vec sas;       /* struct tracked_sa */
	struct vec policies;  /* struct kernel_policy_id */
	struct vec ifs;       /* unsigned tunnel */
	struct vec routes;    /* struct kernel_route */
	struct vec addrs;     /* struct tracked_addr */
	uint32_t table;       /* our routing table (kernel_nl_rule.c) */
	bool rule4, rule6;    /* our ip rule is in place for the family */
	struct kernel_nl_spi spi;
	struct kernel_nl_echo echo;
};

/* Operator-visible kernel failures; log may be NULL (the probe). */
#define NOTE(k, ...)                                                  \
	do {                                                          \
		if ((k)->log)                                         \
			log_text((k)->log, LOG_NOTICE, __VA_ARGS__);  \
	} while (0)

static inline struct kernel_nl *knl(struct kernel *k)
{
	return (struct kernel_nl *)k;
}

/* Network-order fields of the packets the raw sockets read
 * (kernel_nl_spi.c, kernel_nl_ping.c). */
static inline uint16_t kernel_nl_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t kernel_nl_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Closes *fd when open and marks it closed (-1). */
void kernel_nl_close_fd(int *fd);

void kernel_nl_vec_init(struct vec *v, size_t size, uint32_t (*hash)(const void *),
			bool (*eq)(const void *, const void *));
void kernel_nl_vec_free(struct vec *v);
void *kernel_nl_vec_at(const struct vec *v, size_t i);
/* The position of the item whose key equals key's, or -1. */
ssize_t kernel_nl_vec_find(const struct vec *v, const void *key);
/* 0 or -RTX_ENOMEM; the caller has made sure the key is not there. */
int kernel_nl_vec_push(struct vec *v, const void *item);
/* Order does not matter: the last item fills the hole. */
void kernel_nl_vec_remove(struct vec *v, size_t i);
/* The instance's arrays, each indexed by its object's id. */
void kernel_nl_track_init(struct kernel_nl *n);
void kernel_nl_track_free(struct kernel_nl *n);
/* The pieces both backends' tables key on (hashed with base/pos_index.h's
 * pos_hash): a policy id, an unsigned number (if_id, tunnel). */
uint32_t kernel_nl_policy_id_hash(const void *key);
bool kernel_nl_policy_id_eq(const void *item, const void *key);
uint32_t kernel_nl_unsigned_hash(const void *key);
bool kernel_nl_unsigned_eq(const void *item, const void *key);

/* Log a failed request (what, libnl's error text, the kernel's errno name)
 * and return -RTX_EKERNEL; route_result does so only for err < 0. */
int kernel_nl_route_result(struct kernel_nl *k, int err, const char *what);
/* A request that could not be built: logged, err returned. */
int kernel_nl_build_failed(struct kernel_nl *k, int err, const char *what);

/* Host interface addresses (kernel_nl_addr.c): the add_addr/del_addr ops,
 * and removing every address this instance added (0 or the first error). */
int kernel_nl_add_addr(struct kernel *k, const char *ifname, const struct ip_addr *a,
		       uint8_t len);
int kernel_nl_del_addr(struct kernel *k, const char *ifname, const struct ip_addr *a,
		       uint8_t len);
int kernel_nl_flush_addrs(struct kernel *k);

/* Our routing table's ip rule (kernel_nl_rule.c): in place for family
 * before its first route (0 or the logged refusal), removed at flush, and
 * a crashed instance's one removed (counted in *removed). */
int kernel_nl_rule_hold(struct kernel_nl *k, int family);
int kernel_nl_rule_flush(struct kernel_nl *k);
int kernel_nl_rule_cleanup_stale(struct kernel_nl *k, int *removed);

/* ESP with an unknown SPI (kernel_nl_spi.c): the watch_spi op, and the
 * parsing of what a raw ESP socket reads, which checks every length: an
 * IPv4 datagram (IP header first) gives sender, destination and SPI into
 * out; an IPv6 one starts at the ESP header (the socket tells the
 * addresses) and gives the SPI. 0 or -RTX_EPARSE. */
int kernel_nl_watch_spi(struct kernel *k, bool on);
/* Reads what fd (one of spi.fd4/fd6) has queued; see
 * kernel_netlink_process_aux. */
int kernel_nl_process_spi(struct kernel_nl *n, int fd);
int kernel_nl_esp_parse4(const uint8_t *buf, size_t len, struct kernel_sa_id *out);
int kernel_nl_esp_parse6(const uint8_t *buf, size_t len, uint32_t *spi);
/* The same for ESP in UDP (RFC 3948) to port, as a raw UDP socket reads
 * it: the SPI must not be zero (that is the IKE marker) and more than the
 * 8-octet ESP header must follow the UDP header, as the kernel's own test
 * for ESP goes; *sport is the sender's port. */
int kernel_nl_espinudp_parse4(const uint8_t *buf, size_t len, uint16_t port,
			      struct kernel_sa_id *out, uint16_t *sport);
int kernel_nl_espinudp_parse6(const uint8_t *buf, size_t len, uint16_t port, uint32_t *spi,
			      uint16_t *sport);
/* Whether (dst, SPI) is one of this instance's installed SAs; whether the
 * kernel has such an SA at all (another user's), asked without logging. */
bool kernel_nl_sa_ours(const struct kernel_nl *k, const struct kernel_sa_id *id);
bool kernel_nl_sa_exists(struct kernel_nl *k, const struct kernel_sa_id *id);

/* The icmp-echo pinger (kernel_nl_ping.c): the watch_echo and ping ops,
 * reading replies from echo.fd4/fd6, and the packets themselves: an echo
 * request of length data octets into buf (0 when it does not fit or
 * length exceeds 1500), a reply as a raw ICMP socket reads it (IPv4 with
 * its IP header; IPv6 from the ICMPv6 header), 0 or -RTX_EPARSE. */
int kernel_nl_watch_echo(struct kernel *k, bool on);
int kernel_nl_ping(struct kernel *k, unsigned tunnel, const struct ip_addr *src,
		   const struct ip_addr *dst, uint16_t length, uint16_t id, uint16_t seq);
int kernel_nl_process_echo(struct kernel_nl *n, int fd);
size_t kernel_nl_echo_build(int family, uint16_t length, uint16_t id, uint16_t seq,
			    uint8_t *buf, size_t cap);
int kernel_nl_echo_parse4(const uint8_t *buf, size_t len, struct ip_addr *src, uint16_t *id,
			  uint16_t *seq);
int kernel_nl_echo_parse6(const uint8_t *buf, size_t len, uint16_t *id, uint16_t *seq);

#endif
