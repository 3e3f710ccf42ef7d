/* XFRM requests built apart from sending them, and replies parsed apart
 * from receiving them, so both are unit-tested without root.
 *
 * SA and policy additions go through libnl's xfrmnl_*_build_*_request;
 * libnl 3.7 has no setter for XFRMA_IF_ID, so it is appended to the built
 * message. Small fixed requests (GETSA, DELSA, ALLOCSPI, dumps) are built
 * by hand from zeroed structs: libnl's SA delete builder leaves the unused
 * tail of the address uninitialised, which valgrind rightly reports.
 * Replies are copied out of the message with memcpy: netlink only
 * promises 4-byte alignment and the XFRM structs hold 64-bit fields. */
#include "kernel/kernel_nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/addr.h>
#include <netlink/xfrm/sa.h>
#include <netlink/xfrm/sp.h>
#include <netlink/xfrm/selector.h>
#include <netlink/xfrm/template.h>
#include <netlink/xfrm/lifetime.h>

#include "base/err.h"

/* XFRMA_REPLAY_ESN_MAX in the kernel: the largest bitmap it accepts. */
#define REPLAY_MAX_BITS 4096u
/* Above this the legacy 32-bit replay bitmap cannot hold the window. */
#define REPLAY_LEGACY_BITS 32u

static size_t addr_len(uint8_t family)
{
	return family == AF_INET6 ? 16 : family == AF_INET ? 4 : 0;
}

static bool addr_ok(const struct ip_addr *a)
{
	return addr_len(a->family) != 0;
}

static struct nl_addr *to_nl(const struct ip_addr *a)
{
	return nl_addr_build(a->family, a->bytes, addr_len(a->family));
}

static void from_xfrm(struct ip_addr *out, uint16_t family,
		      const xfrm_address_t *a)
{
	memset(out, 0, sizeof(*out));
	out->family = (uint8_t)family;
	memcpy(out->bytes, a, addr_len(out->family));
}

static void to_xfrm(xfrm_address_t *out, const struct ip_addr *a)
{
	memset(out, 0, sizeof(*out));
	memcpy(out, a->bytes, addr_len(a->family));
}

static int finish(struct nl_msg *msg, uint32_t if_id, struct nl_msg **out)
{
	if (if_id && nla_put_u32(msg, XFRMA_IF_ID, if_id) < 0) {
		kernel_nl_msg_free(msg);
		return -RTX_ENOMEM;
	}
	*out = msg;
	return 0;
}

/* libnl copies what we pass and takes its own reference on addresses. */
static int sa_set_addrs(struct xfrmnl_sa *x, const struct kernel_sa_id *id)
{
	struct nl_addr *s = to_nl(&id->src), *d = to_nl(&id->dst);
	int err = (!s || !d) ? -RTX_ENOMEM : 0;
	if (!err && (xfrmnl_sa_set_saddr(x, s) < 0 || xfrmnl_sa_set_daddr(x, d) < 0))
		err = -RTX_EINVAL;
	nl_addr_put(s);
	nl_addr_put(d);
	return err;
}

/* The key attributes are written straight into the message, never into a
 * libnl object: libnl frees its copies without wiping them, while the
 * message is wiped by kernel_nl_msg_free(). Layouts: struct xfrm_algo,
 * xfrm_algo_auth and xfrm_algo_aead, each a name, sizes in bits, the key. */
static int put_alg(struct nl_msg *msg, int type, const char *name, uint16_t key_len,
		   const uint8_t *key, unsigned icv_bits)
{
	size_t head = type == XFRMA_ALG_CRYPT ? sizeof(struct xfrm_algo)
		    : type == XFRMA_ALG_AEAD ? sizeof(struct xfrm_algo_aead)
					     : sizeof(struct xfrm_algo_auth);
	struct nlattr *a = nla_reserve(msg, type, (int)(head + key_len));
	if (!a)
		return -RTX_ENOMEM;
	uint8_t *p = nla_data(a);
	memset(p, 0, head);
	unsigned bits = key_len * 8u;
	strncpy((char *)p, name, 63);
	if (type == XFRMA_ALG_CRYPT) {
		memcpy(p + offsetof(struct xfrm_algo, alg_key_len), &bits, sizeof(bits));
	} else if (type == XFRMA_ALG_AEAD) {
		memcpy(p + offsetof(struct xfrm_algo_aead, alg_key_len), &bits, sizeof(bits));
		memcpy(p + offsetof(struct xfrm_algo_aead, alg_icv_len), &icv_bits,
		       sizeof(icv_bits));
	} else {
		memcpy(p + offsetof(struct xfrm_algo_auth, alg_key_len), &bits, sizeof(bits));
		memcpy(p + offsetof(struct xfrm_algo_auth, alg_trunc_len), &icv_bits,
		       sizeof(icv_bits));
	}
	memcpy(p + head, key, key_len);
	return 0;
}

static int sa_check_algs(const struct kernel_sa *sa)
{
	const struct kernel_nl_alg *e = kernel_nl_alg_encr(sa->encr);
	if (!e || sa->encr_key_len > KERNEL_KEY_MAX || sa->integ_key_len > KERNEL_KEY_MAX)
		return -RTX_EINVAL;
	if (e->aead)
		return sa->integ != 0 ? -RTX_EINVAL : 0;
	return kernel_nl_alg_integ(sa->integ) ? 0 : -RTX_EINVAL;
}

static int sa_put_algs(struct nl_msg *msg, const struct kernel_sa *sa)
{
	const struct kernel_nl_alg *e = kernel_nl_alg_encr(sa->encr);
	if (e->aead)
		return put_alg(msg, XFRMA_ALG_AEAD, e->xfrm, sa->encr_key_len, sa->encr_key,
			       e->icv_bits);
	const struct kernel_nl_alg *i = kernel_nl_alg_integ(sa->integ);
	int err = put_alg(msg, XFRMA_ALG_CRYPT, e->xfrm, sa->encr_key_len, sa->encr_key, 0);
	if (!err)
		err = put_alg(msg, XFRMA_ALG_AUTH_TRUNC, i->xfrm, sa->integ_key_len,
			      sa->integ_key, i->icv_bits);
	return err;
}

void kernel_nl_msg_wipe(struct nl_msg *msg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	explicit_bzero(h, h->nlmsg_len);
}

void kernel_nl_msg_free(struct nl_msg *msg)
{
	if (!msg)
		return;
	kernel_nl_msg_wipe(msg);
	nlmsg_free(msg);
}

/* XFRM reads a byte or packet limit of 0 as "expire now" and an add
 * expiry of 0 as "never", so only the counters need XFRM_INF. */
static int sa_set_lifetime(struct xfrmnl_sa *x, const struct kernel_lifetime *l)
{
	struct xfrmnl_ltime_cfg *lt = xfrmnl_ltime_cfg_alloc();
	if (!lt)
		return -RTX_ENOMEM;
	xfrmnl_ltime_cfg_set_soft_bytelimit(lt, l->soft_bytes ? l->soft_bytes : XFRM_INF);
	xfrmnl_ltime_cfg_set_hard_bytelimit(lt, l->hard_bytes ? l->hard_bytes : XFRM_INF);
	xfrmnl_ltime_cfg_set_soft_packetlimit(lt, XFRM_INF);
	xfrmnl_ltime_cfg_set_hard_packetlimit(lt, XFRM_INF);
	xfrmnl_ltime_cfg_set_soft_addexpires(lt, l->soft_secs);
	xfrmnl_ltime_cfg_set_hard_addexpires(lt, l->hard_secs);
	xfrmnl_sa_set_lifetime_cfg(x, lt);
	xfrmnl_ltime_cfg_put(lt);
	return 0;
}

/* A window past 32 packets, or ESN, needs XFRMA_REPLAY_ESN_VAL; the kernel
 * then insists that the legacy replay_window field stays 0. */
static int sa_set_replay(struct xfrmnl_sa *x, const struct kernel_sa *sa)
{
	if (sa->replay_window > REPLAY_MAX_BITS)
		return -RTX_EINVAL;
	if (!sa->esn && sa->replay_window <= REPLAY_LEGACY_BITS) {
		xfrmnl_sa_set_replay_window(x, sa->replay_window);
		return 0;
	}
	unsigned int bmp[REPLAY_MAX_BITS / 32] = { 0 };
	unsigned int words = (sa->replay_window + 31) / 32;
	xfrmnl_sa_set_replay_window(x, 0);
	return xfrmnl_sa_set_replay_state_esn(x, 0, 0, 0, 0, sa->replay_window,
					      words, bmp) < 0 ? -RTX_ENOMEM : 0;
}

static int sa_set_encap(struct xfrmnl_sa *x, const struct kernel_sa *sa)
{
	static const uint8_t zero[16];
	if (!sa->encap)
		return 0;
	struct nl_addr *oa = nl_addr_build(sa->id.src.family, zero, addr_len(sa->id.src.family));
	if (!oa)
		return -RTX_ENOMEM;
	int err = xfrmnl_sa_set_encap_tmpl(x, UDP_ENCAP_ESPINUDP, sa->encap_sport,
					   sa->encap_dport, oa) < 0 ? -RTX_ENOMEM : 0;
	nl_addr_put(oa);
	return err;
}

static int sa_fill(struct xfrmnl_sa *x, const struct kernel_sa *sa)
{
	int err = sa_set_addrs(x, &sa->id);
	xfrmnl_sa_set_spi(x, sa->id.spi);
	xfrmnl_sa_set_proto(x, sa->id.proto);
	xfrmnl_sa_set_family(x, sa->id.src.family);
	xfrmnl_sa_set_mode(x, XFRM_MODE_TUNNEL);
	xfrmnl_sa_set_reqid(x, sa->reqid);
	xfrmnl_sa_set_flags(x, sa->esn ? XFRM_STATE_ESN : 0);
	if (!err)
		err = sa_check_algs(sa);
	if (!err)
		err = sa_set_lifetime(x, &sa->life);
	if (!err)
		err = sa_set_replay(x, sa);
	if (!err)
		err = sa_set_encap(x, sa);
	return err;
}

static bool sa_id_ok(const struct kernel_sa_id *id)
{
	return addr_ok(&id->src) && id->src.family == id->dst.family &&
	       id->proto == KERNEL_PROTO_ESP;
}

int kernel_nl_build_sa(const struct kernel_sa *sa, bool update, struct nl_msg **out)
{
	struct nl_msg *msg = NULL;
	if (!sa_id_ok(&sa->id))
		return -RTX_EINVAL;
	struct xfrmnl_sa *x = xfrmnl_sa_alloc();
	if (!x)
		return -RTX_ENOMEM;
	int err = sa_fill(x, sa);
	if (err)
		goto out;
	err = update ? xfrmnl_sa_build_update_request(x, 0, &msg)
		     : xfrmnl_sa_build_add_request(x, NLM_F_CREATE | NLM_F_EXCL, &msg);
	if (err < 0) {
		err = err == -NLE_NOMEM ? -RTX_ENOMEM : -RTX_EINVAL;
		goto out;
	}
	err = sa_put_algs(msg, sa);
	if (err) {
		kernel_nl_msg_free(msg);
		goto out;
	}
	err = finish(msg, sa->if_id, out);
out:
	xfrmnl_sa_put(x);
	return err;
}

static int build_sa_id_msg(int type, const struct kernel_sa_id *id, struct nl_msg **out)
{
	if (!sa_id_ok(id))
		return -RTX_EINVAL;
	struct xfrm_usersa_id sid;
	memset(&sid, 0, sizeof(sid));
	to_xfrm(&sid.daddr, &id->dst);
	sid.spi = htonl(id->spi);
	sid.family = id->dst.family;
	sid.proto = id->proto;
	struct nl_msg *msg = nlmsg_alloc_simple(type, 0);
	if (!msg)
		return -RTX_ENOMEM;
	xfrm_address_t src;
	to_xfrm(&src, &id->src);
	if (nlmsg_append(msg, &sid, sizeof(sid), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, XFRMA_SRCADDR, sizeof(src), &src) < 0) {
		nlmsg_free(msg);
		return -RTX_ENOMEM;
	}
	*out = msg;
	return 0;
}

int kernel_nl_build_del_sa(const struct kernel_sa_id *id, struct nl_msg **out)
{
	return build_sa_id_msg(XFRM_MSG_DELSA, id, out);
}

int kernel_nl_build_get_sa(const struct kernel_sa_id *id, struct nl_msg **out)
{
	return build_sa_id_msg(XFRM_MSG_GETSA, id, out);
}

int kernel_nl_build_allocspi(const struct ip_addr *src, const struct ip_addr *dst,
			     uint32_t reqid, uint32_t if_id, struct nl_msg **out)
{
	if (!addr_ok(src) || src->family != dst->family)
		return -RTX_EINVAL;
	struct xfrm_userspi_info si;
	memset(&si, 0, sizeof(si));
	to_xfrm(&si.info.id.daddr, dst);
	to_xfrm(&si.info.saddr, src);
	si.info.id.proto = KERNEL_PROTO_ESP;
	si.info.family = src->family;
	si.info.mode = XFRM_MODE_TUNNEL;
	si.info.reqid = reqid;
	si.min = KERNEL_NL_SPI_MIN;
	si.max = KERNEL_NL_SPI_MAX;
	struct nl_msg *msg = nlmsg_alloc_simple(XFRM_MSG_ALLOCSPI, 0);
	if (!msg)
		return -RTX_ENOMEM;
	if (nlmsg_append(msg, &si, sizeof(si), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -RTX_ENOMEM;
	}
	return finish(msg, if_id, out);
}

static const unsigned int dir_xfrm[] = {
	[KERNEL_DIR_IN] = XFRM_POLICY_IN,
	[KERNEL_DIR_OUT] = XFRM_POLICY_OUT,
	[KERNEL_DIR_FWD] = XFRM_POLICY_FWD,
};

static bool policy_id_ok(const struct kernel_policy_id *id)
{
	size_t bits = addr_len(id->src_net.family) * 8;
	return bits && id->src_net.family == id->dst_net.family &&
	       id->src_len <= bits && id->dst_len <= bits &&
	       (unsigned)id->dir <= KERNEL_DIR_FWD;
}

static int sp_set_sel(struct xfrmnl_sp *x, const struct kernel_policy_id *id)
{
	struct xfrmnl_sel *sel = xfrmnl_sel_alloc();
	struct nl_addr *s = to_nl(&id->src_net), *d = to_nl(&id->dst_net);
	int err = (!sel || !s || !d) ? -RTX_ENOMEM : 0;
	if (!err) {
		xfrmnl_sel_set_saddr(sel, s);
		xfrmnl_sel_set_daddr(sel, d);
		xfrmnl_sel_set_family(sel, id->src_net.family);
		xfrmnl_sel_set_prefixlen_s(sel, id->src_len);
		xfrmnl_sel_set_prefixlen_d(sel, id->dst_len);
		xfrmnl_sp_set_sel(x, sel);
		xfrmnl_sp_set_dir(x, dir_xfrm[id->dir]);
	}
	nl_addr_put(s);
	nl_addr_put(d);
	if (sel)
		xfrmnl_sel_put(sel);
	return err;
}

/* The template accepts any algorithm (~0, as ip-xfrm does): the SA, not
 * the policy, decides which ones are used. */
static int sp_add_tmpl(struct xfrmnl_sp *x, const struct kernel_policy *p)
{
	struct xfrmnl_user_tmpl *t = xfrmnl_user_tmpl_alloc();
	struct nl_addr *s = to_nl(&p->tun_src), *d = to_nl(&p->tun_dst);
	int err = (!t || !s || !d) ? -RTX_ENOMEM : 0;
	if (!err) {
		xfrmnl_user_tmpl_set_saddr(t, s);
		xfrmnl_user_tmpl_set_daddr(t, d);
		xfrmnl_user_tmpl_set_family(t, p->tun_src.family);
		xfrmnl_user_tmpl_set_proto(t, KERNEL_PROTO_ESP);
		xfrmnl_user_tmpl_set_mode(t, XFRM_MODE_TUNNEL);
		xfrmnl_user_tmpl_set_reqid(t, p->reqid);
		xfrmnl_user_tmpl_set_aalgos(t, ~0u);
		xfrmnl_user_tmpl_set_ealgos(t, ~0u);
		xfrmnl_user_tmpl_set_calgos(t, ~0u);
		xfrmnl_sp_add_usertemplate(x, t);   /* the policy owns it now */
		t = NULL;
	}
	nl_addr_put(s);
	nl_addr_put(d);
	if (t)
		xfrmnl_user_tmpl_free(t);
	return err;
}

int kernel_nl_build_policy(const struct kernel_policy *p, struct nl_msg **out)
{
	struct nl_msg *msg = NULL;
	if (!policy_id_ok(&p->id) || !addr_ok(&p->tun_src) ||
	    p->tun_src.family != p->tun_dst.family)
		return -RTX_EINVAL;
	struct xfrmnl_sp *x = xfrmnl_sp_alloc();
	if (!x)
		return -RTX_ENOMEM;
	int err = sp_set_sel(x, &p->id);
	if (!err)
		err = sp_add_tmpl(x, p);
	if (err)
		goto out;
	xfrmnl_sp_set_action(x, XFRM_POLICY_ALLOW);
	xfrmnl_sp_set_priority(x, p->priority);
	err = xfrmnl_sp_build_add_request(x, NLM_F_CREATE | NLM_F_EXCL, &msg);
	if (err < 0) {
		err = err == -NLE_NOMEM ? -RTX_ENOMEM : -RTX_EINVAL;
		goto out;
	}
	err = finish(msg, p->id.if_id, out);
out:
	xfrmnl_sp_put(x);
	return err;
}

int kernel_nl_build_del_policy(const struct kernel_policy_id *id, struct nl_msg **out)
{
	struct nl_msg *msg = NULL;
	if (!policy_id_ok(id))
		return -RTX_EINVAL;
	struct xfrmnl_sp *x = xfrmnl_sp_alloc();
	if (!x)
		return -RTX_ENOMEM;
	int err = sp_set_sel(x, id);
	if (err)
		goto out;
	err = xfrmnl_sp_build_delete_request(x, 0, &msg);
	if (err < 0) {
		err = err == -NLE_NOMEM ? -RTX_ENOMEM : -RTX_EINVAL;
		goto out;
	}
	err = finish(msg, id->if_id, out);
out:
	xfrmnl_sp_put(x);
	return err;
}

int kernel_nl_build_dump(int type, struct nl_msg **out)
{
	union {
		struct xfrm_usersa_info sa;
		struct xfrm_userpolicy_info sp;
	} body;
	size_t len = type == XFRM_MSG_GETSA ? sizeof(body.sa)
		   : type == XFRM_MSG_GETPOLICY ? sizeof(body.sp) : 0;
	if (!len)
		return -RTX_EINVAL;
	memset(&body, 0, sizeof(body));
	struct nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_DUMP);
	if (!msg)
		return -RTX_ENOMEM;
	if (nlmsg_append(msg, &body, len, NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -RTX_ENOMEM;
	}
	*out = msg;
	return 0;
}

/* Attributes after a fixed header of hdrlen bytes, lengths checked. */
static int parse_attrs(const struct nlmsghdr *h, size_t hdrlen, struct nlattr **tb)
{
	if (h->nlmsg_len < NLMSG_LENGTH(hdrlen))
		return -RTX_EPARSE;
	if (nlmsg_parse((struct nlmsghdr *)h, (int)hdrlen, tb, XFRMA_MAX, NULL) < 0)
		return -RTX_EPARSE;
	return 0;
}

static uint32_t attr_u32(struct nlattr *a)
{
	return a && nla_len(a) >= 4 ? nla_get_u32(a) : 0;
}

static uint32_t attr_tmpl_reqid(struct nlattr *a)
{
	struct xfrm_user_tmpl t;
	if (!a || nla_len(a) < (int)sizeof(t))
		return 0;
	memcpy(&t, nla_data(a), sizeof(t));
	return t.reqid;
}

static bool family_ok(uint16_t f)
{
	return f == AF_INET || f == AF_INET6;
}

static void sa_info_to(const struct xfrm_usersa_info *si, struct kernel_sa_id *id)
{
	from_xfrm(&id->src, si->family, &si->saddr);
	from_xfrm(&id->dst, si->family, &si->id.daddr);
	id->spi = ntohl(si->id.spi);
	id->proto = si->id.proto;
}

int kernel_nl_parse_sa(const struct nlmsghdr *h, struct kernel_nl_sa_info *out)
{
	struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_usersa_info si;
	if (h->nlmsg_type != XFRM_MSG_NEWSA && h->nlmsg_type != XFRM_MSG_UPDSA)
		return -RTX_EPARSE;
	if (parse_attrs(h, sizeof(si), tb))
		return -RTX_EPARSE;
	memcpy(&si, NLMSG_DATA(h), sizeof(si));
	if (!family_ok(si.family))
		return -RTX_EPARSE;
	memset(out, 0, sizeof(*out));
	sa_info_to(&si, &out->id);
	out->reqid = si.reqid;
	out->if_id = attr_u32(tb[XFRMA_IF_ID]);
	out->stats.bytes = si.curlft.bytes;
	out->stats.packets = si.curlft.packets;
	out->stats.add_time = si.curlft.add_time;
	return 0;
}

static int dir_from_xfrm(uint8_t d, enum kernel_dir *out)
{
	switch (d) {
	case XFRM_POLICY_IN: *out = KERNEL_DIR_IN; return 0;
	case XFRM_POLICY_OUT: *out = KERNEL_DIR_OUT; return 0;
	case XFRM_POLICY_FWD: *out = KERNEL_DIR_FWD; return 0;
	default: return -RTX_EPARSE;   /* socket policies: not ours */
	}
}

int kernel_nl_parse_policy(const struct nlmsghdr *h, struct kernel_nl_policy_info *out)
{
	struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_userpolicy_info pi;
	if (h->nlmsg_type != XFRM_MSG_NEWPOLICY && h->nlmsg_type != XFRM_MSG_UPDPOLICY)
		return -RTX_EPARSE;
	if (parse_attrs(h, sizeof(pi), tb))
		return -RTX_EPARSE;
	memcpy(&pi, NLMSG_DATA(h), sizeof(pi));
	memset(out, 0, sizeof(*out));
	if (dir_from_xfrm(pi.dir, &out->id.dir))
		return -RTX_EPARSE;
	/* A policy for all families (sel.family 0) is somebody else's. */
	if (!family_ok(pi.sel.family))
		return -RTX_EPARSE;
	from_xfrm(&out->id.src_net, pi.sel.family, &pi.sel.saddr);
	from_xfrm(&out->id.dst_net, pi.sel.family, &pi.sel.daddr);
	out->id.src_len = pi.sel.prefixlen_s;
	out->id.dst_len = pi.sel.prefixlen_d;
	out->id.if_id = attr_u32(tb[XFRMA_IF_ID]);
	out->reqid = attr_tmpl_reqid(tb[XFRMA_TMPL]);
	return 0;
}

static int parse_acquire(const struct nlmsghdr *h, struct kernel_event *out)
{
	struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_user_acquire aq;
	if (parse_attrs(h, sizeof(aq), tb))
		return -RTX_EPARSE;
	memcpy(&aq, NLMSG_DATA(h), sizeof(aq));
	if (!family_ok(aq.policy.sel.family))
		return -RTX_EPARSE;
	out->type = KERNEL_EV_ACQUIRE;
	from_xfrm(&out->sa.src, aq.policy.sel.family, &aq.saddr);
	from_xfrm(&out->sa.dst, aq.policy.sel.family, &aq.id.daddr);
	out->sa.proto = aq.id.proto;
	out->reqid = attr_tmpl_reqid(tb[XFRMA_TMPL]);
	out->if_id = attr_u32(tb[XFRMA_IF_ID]);
	return 0;
}

static int parse_expire(const struct nlmsghdr *h, struct kernel_event *out)
{
	struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_user_expire ex;
	if (parse_attrs(h, sizeof(ex), tb))
		return -RTX_EPARSE;
	memcpy(&ex, NLMSG_DATA(h), sizeof(ex));
	if (!family_ok(ex.state.family))
		return -RTX_EPARSE;
	out->type = ex.hard ? KERNEL_EV_EXPIRE_HARD : KERNEL_EV_EXPIRE_SOFT;
	sa_info_to(&ex.state, &out->sa);
	out->reqid = ex.state.reqid;
	out->if_id = attr_u32(tb[XFRMA_IF_ID]);
	return 0;
}

int kernel_nl_parse_event(const struct nlmsghdr *h, struct kernel_event *out)
{
	memset(out, 0, sizeof(*out));
	switch (h->nlmsg_type) {
	case XFRM_MSG_ACQUIRE: return parse_acquire(h, out);
	case XFRM_MSG_EXPIRE: return parse_expire(h, out);
	default: return -RTX_EUNSUPP;
	}
}
