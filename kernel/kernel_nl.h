/* Inside the netlink backend: the transform-id -> XFRM name table, and
 * building requests / parsing replies apart from sending them, so unit
 * tests can check every attribute without root. */
#ifndef RTX_KERNEL_NL_H
#define RTX_KERNEL_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/netlink.h>

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
int kernel_nl_build_del_sa(const struct kernel_sa_id *id, struct nl_msg **out);
int kernel_nl_build_get_sa(const struct kernel_sa_id *id, struct nl_msg **out);
int kernel_nl_build_allocspi(const struct kernel_addr *src, const struct kernel_addr *dst,
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

#endif
