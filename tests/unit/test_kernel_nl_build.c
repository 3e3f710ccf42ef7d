/* XFRM requests as the netlink backend builds them, checked attribute by
 * attribute without sending them; replies and events parsed back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "base/err.h"
#include "kernel/kernel.h"
#include "kernel/kernel_nl.h"
#include "kernel/kernel_netlink.h"

static struct kernel_sa mksa(uint16_t encr, uint16_t integ, uint16_t ekey, uint16_t ikey)
{
	struct kernel_sa sa = { .id.proto = KERNEL_PROTO_ESP, .id.spi = 0xc0ffee01,
				.reqid = 7, .if_id = kernel_tunnel_if_id(1),
				.encr = encr, .integ = integ, .encr_key_len = ekey,
				.integ_key_len = ikey, .replay_window = 32 };
	assert_int_equal(ip_addr_parse("192.0.2.1", &sa.id.src), 0);
	assert_int_equal(ip_addr_parse("198.51.100.2", &sa.id.dst), 0);
	for (unsigned i = 0; i < KERNEL_KEY_MAX; i++) {
		sa.encr_key[i] = (uint8_t)i;
		sa.integ_key[i] = (uint8_t)(0x80 + i);
	}
	return sa;
}

/* The message's fixed header copied out, and its attributes indexed. */
struct parsed {
	struct nl_msg *msg;
	struct nlmsghdr *h;
	struct nlattr *tb[XFRMA_MAX + 1];
};

static void parse(struct parsed *p, struct nl_msg *msg, int type, size_t hdrlen, void *hdr)
{
	p->msg = msg;
	p->h = nlmsg_hdr(msg);
	assert_int_equal(p->h->nlmsg_type, type);
	assert_true(p->h->nlmsg_len >= NLMSG_LENGTH(hdrlen));
	memcpy(hdr, NLMSG_DATA(p->h), hdrlen);
	assert_int_equal(nlmsg_parse(p->h, (int)hdrlen, p->tb, XFRMA_MAX, NULL), 0);
}

static void parse_sa(struct parsed *p, const struct kernel_sa *sa, bool update,
		     struct xfrm_usersa_info *si)
{
	struct nl_msg *msg = NULL;
	assert_int_equal(kernel_nl_build_sa(sa, update, &msg), 0);
	parse(p, msg, update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA, sizeof(*si), si);
}

static void test_sa_cbc_sha256(void **state)
{
	(void)state;
	struct kernel_sa sa = mksa(12, 12, 16, 32);
	struct parsed p;
	struct xfrm_usersa_info si;
	parse_sa(&p, &sa, false, &si);
	assert_true(p.h->nlmsg_flags & NLM_F_CREATE);
	assert_true(p.h->nlmsg_flags & NLM_F_EXCL);

	/* SPI in network order, addresses, tunnel mode, reqid, window. */
	assert_int_equal(si.id.spi, htonl(0xc0ffee01));
	assert_memory_equal(&si.saddr, sa.id.src.bytes, 4);
	assert_memory_equal(&si.id.daddr, sa.id.dst.bytes, 4);
	assert_int_equal(si.family, AF_INET);
	assert_int_equal(si.id.proto, IPPROTO_ESP);
	assert_int_equal(si.mode, XFRM_MODE_TUNNEL);
	assert_int_equal(si.reqid, 7);
	assert_int_equal(si.replay_window, 32);
	assert_null(p.tb[XFRMA_REPLAY_ESN_VAL]);

	/* Unlimited byte/packet counts are XFRM_INF, never 0 (expire now). */
	assert_true(si.lft.soft_byte_limit == XFRM_INF);
	assert_true(si.lft.hard_byte_limit == XFRM_INF);
	assert_true(si.lft.hard_packet_limit == XFRM_INF);
	assert_int_equal(si.lft.hard_add_expires_seconds, 0);

	struct nlattr *a = p.tb[XFRMA_ALG_CRYPT];
	assert_non_null(a);
	struct xfrm_algo *crypt = nla_data(a);
	assert_string_equal(crypt->alg_name, "cbc(aes)");
	assert_int_equal(crypt->alg_key_len, 128);
	assert_memory_equal(crypt->alg_key, sa.encr_key, 16);

	a = p.tb[XFRMA_ALG_AUTH_TRUNC];
	assert_non_null(a);
	struct xfrm_algo_auth *auth = nla_data(a);
	assert_string_equal(auth->alg_name, "hmac(sha256)");
	assert_int_equal(auth->alg_key_len, 256);
	assert_int_equal(auth->alg_trunc_len, 128);
	assert_memory_equal(auth->alg_key, sa.integ_key, 32);
	assert_null(p.tb[XFRMA_ALG_AEAD]);

	assert_non_null(p.tb[XFRMA_IF_ID]);
	assert_int_equal(nla_get_u32(p.tb[XFRMA_IF_ID]), kernel_tunnel_if_id(1));
	assert_null(p.tb[XFRMA_ENCAP]);
	nlmsg_free(p.msg);
}

static bool contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t k)
{
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

/* Keys sit in the request, and nowhere once it is wiped. */
static void test_sa_keys_wiped(void **state)
{
	(void)state;
	struct kernel_sa sa = mksa(12, 12, 32, 32);
	struct nl_msg *msg = NULL;
	assert_int_equal(kernel_nl_build_sa(&sa, false, &msg), 0);
	struct nlmsghdr *h = nlmsg_hdr(msg);
	size_t len = h->nlmsg_len;
	assert_true(contains((const uint8_t *)h, len, sa.encr_key, 32));
	assert_true(contains((const uint8_t *)h, len, sa.integ_key, 32));
	kernel_nl_msg_wipe(msg);
	static const uint8_t zero[4096];
	assert_true(len <= sizeof(zero));
	assert_memory_equal(h, zero, len);
	nlmsg_free(msg);
}

static void test_sa_trunc_bits(void **state)
{
	(void)state;
	static const struct { uint16_t id, key; const char *name; unsigned trunc; } t[] = {
		{ 1, 16, "hmac(md5)", 96 },     { 2, 20, "hmac(sha1)", 96 },
		{ 13, 48, "hmac(sha384)", 192 }, { 14, 64, "hmac(sha512)", 256 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct kernel_sa sa = mksa(3, t[i].id, 24, t[i].key);
		struct parsed p;
		struct xfrm_usersa_info si;
		parse_sa(&p, &sa, false, &si);
		struct xfrm_algo *crypt = nla_data(p.tb[XFRMA_ALG_CRYPT]);
		assert_string_equal(crypt->alg_name, "cbc(des3_ede)");
		assert_int_equal(crypt->alg_key_len, 192);
		struct xfrm_algo_auth *auth = nla_data(p.tb[XFRMA_ALG_AUTH_TRUNC]);
		assert_string_equal(auth->alg_name, t[i].name);
		assert_int_equal(auth->alg_key_len, t[i].key * 8);
		assert_int_equal(auth->alg_trunc_len, t[i].trunc);
		nlmsg_free(p.msg);
	}
}

static void test_sa_aead(void **state)
{
	(void)state;
	static const struct { uint16_t id, key; const char *name; } t[] = {
		{ 20, 20, "rfc4106(gcm(aes))" },              /* AES-128 + salt */
		{ 20, 36, "rfc4106(gcm(aes))" },              /* AES-256 + salt */
		{ 28, 36, "rfc7539esp(chacha20,poly1305)" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct kernel_sa sa = mksa(t[i].id, 0, t[i].key, 0);
		struct parsed p;
		struct xfrm_usersa_info si;
		parse_sa(&p, &sa, false, &si);
		assert_non_null(p.tb[XFRMA_ALG_AEAD]);
		struct xfrm_algo_aead *aead = nla_data(p.tb[XFRMA_ALG_AEAD]);
		assert_string_equal(aead->alg_name, t[i].name);
		assert_int_equal(aead->alg_key_len, t[i].key * 8);
		assert_int_equal(aead->alg_icv_len, 128);
		assert_memory_equal(aead->alg_key, sa.encr_key, t[i].key);
		assert_null(p.tb[XFRMA_ALG_CRYPT]);
		assert_null(p.tb[XFRMA_ALG_AUTH_TRUNC]);
		nlmsg_free(p.msg);
	}
}

static void test_sa_encap_life_replay_v6(void **state)
{
	(void)state;
	struct kernel_sa sa = mksa(12, 12, 32, 32);
	assert_int_equal(ip_addr_parse("2001:db8::1", &sa.id.src), 0);
	assert_int_equal(ip_addr_parse("2001:db8::2", &sa.id.dst), 0);
	sa.encap = true;
	sa.encap_sport = 4500;
	sa.encap_dport = 40123;
	sa.life = (struct kernel_lifetime){ .soft_secs = 25000, .hard_secs = 28800,
					    .soft_bytes = 1000000, .hard_bytes = 2000000 };
	sa.replay_window = 1024;
	sa.if_id = 0;
	struct parsed p;
	struct xfrm_usersa_info si;
	parse_sa(&p, &sa, true, &si);
	assert_int_equal(si.family, AF_INET6);
	assert_memory_equal(&si.saddr, sa.id.src.bytes, 16);
	assert_memory_equal(&si.id.daddr, sa.id.dst.bytes, 16);
	assert_true(si.lft.soft_byte_limit == 1000000);
	assert_true(si.lft.hard_byte_limit == 2000000);
	assert_int_equal(si.lft.soft_add_expires_seconds, 25000);
	assert_int_equal(si.lft.hard_add_expires_seconds, 28800);

	struct xfrm_encap_tmpl *enc = nla_data(p.tb[XFRMA_ENCAP]);
	assert_non_null(p.tb[XFRMA_ENCAP]);
	assert_int_equal(enc->encap_type, UDP_ENCAP_ESPINUDP);
	assert_int_equal(enc->encap_sport, htons(4500));
	assert_int_equal(enc->encap_dport, htons(40123));

	/* A 1024-packet window needs the ESN-style bitmap; the legacy field
	 * must then be 0 or the kernel refuses the SA. */
	assert_int_equal(si.replay_window, 0);
	assert_non_null(p.tb[XFRMA_REPLAY_ESN_VAL]);
	struct xfrm_replay_state_esn *rs = nla_data(p.tb[XFRMA_REPLAY_ESN_VAL]);
	assert_int_equal(rs->replay_window, 1024);
	assert_int_equal(rs->bmp_len, 32);
	assert_false(si.flags & XFRM_STATE_ESN);
	assert_null(p.tb[XFRMA_IF_ID]);   /* 0: no interface, no attribute */
	nlmsg_free(p.msg);

	sa.esn = true;
	sa.replay_window = 64;
	parse_sa(&p, &sa, false, &si);
	assert_true(si.flags & XFRM_STATE_ESN);
	rs = nla_data(p.tb[XFRMA_REPLAY_ESN_VAL]);
	assert_int_equal(rs->bmp_len, 2);
	nlmsg_free(p.msg);
}

static void test_sa_rejects(void **state)
{
	(void)state;
	struct nl_msg *msg = NULL;
	struct kernel_sa sa = mksa(12, 0, 16, 0);       /* CBC without integrity */
	assert_int_equal(kernel_nl_build_sa(&sa, false, &msg), -RTX_EINVAL);
	sa = mksa(20, 12, 20, 32);                       /* AEAD plus integrity */
	assert_int_equal(kernel_nl_build_sa(&sa, false, &msg), -RTX_EINVAL);
	sa = mksa(99, 12, 16, 32);                       /* unknown cipher */
	assert_int_equal(kernel_nl_build_sa(&sa, false, &msg), -RTX_EINVAL);
	sa = mksa(12, 12, KERNEL_KEY_MAX + 1, 32);
	assert_int_equal(kernel_nl_build_sa(&sa, false, &msg), -RTX_EINVAL);
	sa = mksa(12, 12, 16, 32);
	assert_int_equal(ip_addr_parse("2001:db8::2", &sa.id.dst), 0);
	assert_int_equal(kernel_nl_build_sa(&sa, false, &msg), -RTX_EINVAL);
	sa = mksa(12, 12, 16, 32);
	sa.replay_window = 5000;
	assert_int_equal(kernel_nl_build_sa(&sa, false, &msg), -RTX_EINVAL);
	sa = mksa(12, 12, 16, 32);
	sa.id.proto = 51;
	assert_int_equal(kernel_nl_build_sa(&sa, false, &msg), -RTX_EINVAL);
	assert_null(msg);
}

static void test_del_get_allocspi(void **state)
{
	(void)state;
	struct kernel_sa sa = mksa(12, 12, 16, 32);
	struct nl_msg *msg = NULL;
	struct parsed p;
	struct xfrm_usersa_id sid;
	assert_int_equal(kernel_nl_build_del_sa(&sa.id, &msg), 0);
	parse(&p, msg, XFRM_MSG_DELSA, sizeof(sid), &sid);
	assert_int_equal(sid.spi, htonl(0xc0ffee01));
	assert_int_equal(sid.family, AF_INET);
	assert_int_equal(sid.proto, IPPROTO_ESP);
	assert_memory_equal(&sid.daddr, sa.id.dst.bytes, 4);
	assert_int_equal(((const uint32_t *)&sid.daddr)[1], 0);
	assert_memory_equal(nla_data(p.tb[XFRMA_SRCADDR]), sa.id.src.bytes, 4);
	nlmsg_free(msg);

	assert_int_equal(kernel_nl_build_get_sa(&sa.id, &msg), 0);
	parse(&p, msg, XFRM_MSG_GETSA, sizeof(sid), &sid);
	assert_int_equal(sid.spi, htonl(0xc0ffee01));
	nlmsg_free(msg);

	struct xfrm_userspi_info si;
	assert_int_equal(kernel_nl_build_allocspi(&sa.id.src, &sa.id.dst, 9,
						  kernel_tunnel_if_id(3), &msg), 0);
	parse(&p, msg, XFRM_MSG_ALLOCSPI, sizeof(si), &si);
	assert_int_equal(si.min, KERNEL_NL_SPI_MIN);
	assert_int_equal(si.max, KERNEL_NL_SPI_MAX);
	assert_int_equal(si.info.reqid, 9);
	assert_int_equal(si.info.id.proto, IPPROTO_ESP);
	assert_int_equal(si.info.family, AF_INET);
	assert_memory_equal(&si.info.saddr, sa.id.src.bytes, 4);
	assert_memory_equal(&si.info.id.daddr, sa.id.dst.bytes, 4);
	assert_int_equal(nla_get_u32(p.tb[XFRMA_IF_ID]), kernel_tunnel_if_id(3));
	nlmsg_free(msg);

	struct ip_addr v6;
	assert_int_equal(ip_addr_parse("2001:db8::2", &v6), 0);
	assert_int_equal(kernel_nl_build_allocspi(&sa.id.src, &v6, 9, 0, &msg), -RTX_EINVAL);
}

static struct kernel_policy mkpolicy(enum kernel_dir dir)
{
	struct kernel_policy p = { .id.src_len = 24, .id.dst_len = 16, .id.dir = dir,
				   .id.if_id = kernel_tunnel_if_id(2), .reqid = 11,
				   .priority = 1234 };
	assert_int_equal(ip_addr_parse("10.1.0.0", &p.id.src_net), 0);
	assert_int_equal(ip_addr_parse("10.2.0.0", &p.id.dst_net), 0);
	assert_int_equal(ip_addr_parse("192.0.2.1", &p.tun_src), 0);
	assert_int_equal(ip_addr_parse("198.51.100.2", &p.tun_dst), 0);
	return p;
}

static void test_policy(void **state)
{
	(void)state;
	static const uint8_t dirs[] = { XFRM_POLICY_IN, XFRM_POLICY_OUT, XFRM_POLICY_FWD };
	for (int d = KERNEL_DIR_IN; d <= KERNEL_DIR_FWD; d++) {
		struct kernel_policy kp = mkpolicy((enum kernel_dir)d);
		struct nl_msg *msg = NULL;
		struct parsed p;
		struct xfrm_userpolicy_info pi;
		assert_int_equal(kernel_nl_build_policy(&kp, &msg), 0);
		parse(&p, msg, XFRM_MSG_NEWPOLICY, sizeof(pi), &pi);
		assert_int_equal(pi.dir, dirs[d]);
		assert_int_equal(pi.action, XFRM_POLICY_ALLOW);
		assert_int_equal(pi.priority, 1234);
		assert_int_equal(pi.sel.family, AF_INET);
		assert_int_equal(pi.sel.prefixlen_s, 24);
		assert_int_equal(pi.sel.prefixlen_d, 16);
		assert_memory_equal(&pi.sel.saddr, kp.id.src_net.bytes, 4);
		assert_memory_equal(&pi.sel.daddr, kp.id.dst_net.bytes, 4);
		assert_int_equal(nla_get_u32(p.tb[XFRMA_IF_ID]), kernel_tunnel_if_id(2));

		assert_non_null(p.tb[XFRMA_TMPL]);
		assert_int_equal(nla_len(p.tb[XFRMA_TMPL]), sizeof(struct xfrm_user_tmpl));
		struct xfrm_user_tmpl t;
		memcpy(&t, nla_data(p.tb[XFRMA_TMPL]), sizeof(t));
		assert_int_equal(t.reqid, 11);
		assert_int_equal(t.mode, XFRM_MODE_TUNNEL);
		assert_int_equal(t.id.proto, IPPROTO_ESP);
		assert_int_equal(t.family, AF_INET);
		assert_memory_equal(&t.saddr, kp.tun_src.bytes, 4);
		assert_memory_equal(&t.id.daddr, kp.tun_dst.bytes, 4);
		assert_int_equal(t.ealgos, ~0u);

		/* A dump entry looks like the request: parse it back. */
		struct kernel_nl_policy_info info;
		assert_int_equal(kernel_nl_parse_policy(p.h, &info), 0);
		assert_int_equal(info.id.dir, d);
		assert_int_equal(info.id.if_id, kernel_tunnel_if_id(2));
		assert_int_equal(info.reqid, 11);
		assert_true(ip_addr_equal(&info.id.src_net, &kp.id.src_net));
		nlmsg_free(msg);

		struct xfrm_userpolicy_id pid;
		assert_int_equal(kernel_nl_build_del_policy(&kp.id, &msg), 0);
		parse(&p, msg, XFRM_MSG_DELPOLICY, sizeof(pid), &pid);
		assert_int_equal(pid.dir, dirs[d]);
		assert_int_equal(pid.sel.prefixlen_s, 24);
		assert_int_equal(nla_get_u32(p.tb[XFRMA_IF_ID]), kernel_tunnel_if_id(2));
		nlmsg_free(msg);
	}
	struct kernel_policy bad = mkpolicy(KERNEL_DIR_OUT);
	struct nl_msg *msg = NULL;
	bad.id.src_len = 33;
	assert_int_equal(kernel_nl_build_policy(&bad, &msg), -RTX_EINVAL);
	bad = mkpolicy(KERNEL_DIR_OUT);
	assert_int_equal(ip_addr_parse("2001:db8::1", &bad.tun_dst), 0);
	assert_int_equal(kernel_nl_build_policy(&bad, &msg), -RTX_EINVAL);
	assert_null(msg);
}

static void test_parse_sa_reply(void **state)
{
	(void)state;
	struct kernel_sa sa = mksa(12, 12, 16, 32);
	struct nl_msg *msg = NULL;
	assert_int_equal(kernel_nl_build_sa(&sa, false, &msg), 0);
	struct kernel_nl_sa_info info;
	assert_int_equal(kernel_nl_parse_sa(nlmsg_hdr(msg), &info), 0);
	assert_true(ip_addr_equal(&info.id.src, &sa.id.src));
	assert_true(ip_addr_equal(&info.id.dst, &sa.id.dst));
	assert_int_equal(info.id.spi, 0xc0ffee01);
	assert_int_equal(info.reqid, 7);
	assert_int_equal(info.if_id, kernel_tunnel_if_id(1));

	/* Truncated: rejected, not read past the end. */
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_LENGTH(sizeof(struct xfrm_usersa_info) - 1);
	assert_int_equal(kernel_nl_parse_sa(nlmsg_hdr(msg), &info), -RTX_EPARSE);
	nlmsg_free(msg);

	assert_int_equal(kernel_nl_build_dump(XFRM_MSG_GETSA, &msg), 0);
	assert_true(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP);
	assert_int_equal(kernel_nl_parse_sa(nlmsg_hdr(msg), &info), -RTX_EPARSE);
	nlmsg_free(msg);
	assert_int_equal(kernel_nl_build_dump(XFRM_MSG_NEWSA, &msg), -RTX_EINVAL);
}

static struct nl_msg *fake_expire(uint8_t hard, uint16_t family)
{
	struct xfrm_user_expire ex;
	memset(&ex, 0, sizeof(ex));
	ex.state.family = family;
	ex.state.id.spi = htonl(0x1234);
	ex.state.id.proto = IPPROTO_ESP;
	ex.state.reqid = 5;
	memcpy(&ex.state.saddr, "\xc0\x00\x02\x01", 4);
	memcpy(&ex.state.id.daddr, "\xc6\x33\x64\x02", 4);
	ex.hard = hard;
	struct nl_msg *msg = nlmsg_alloc_simple(XFRM_MSG_EXPIRE, 0);
	assert_non_null(msg);
	assert_int_equal(nlmsg_append(msg, &ex, sizeof(ex), NLMSG_ALIGNTO), 0);
	return msg;
}

static void test_parse_events(void **state)
{
	(void)state;
	struct kernel_event ev;
	struct nl_msg *msg = fake_expire(0, AF_INET);
	assert_int_equal(kernel_nl_parse_event(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.type, KERNEL_EV_EXPIRE_SOFT);
	assert_int_equal(ev.sa.spi, 0x1234);
	assert_int_equal(ev.sa.proto, IPPROTO_ESP);
	char buf[64];
	assert_string_equal(ip_addr_str(&ev.sa.src, buf, sizeof(buf)), "192.0.2.1");
	assert_string_equal(ip_addr_str(&ev.sa.dst, buf, sizeof(buf)), "198.51.100.2");
	nlmsg_free(msg);

	msg = fake_expire(1, AF_INET);
	assert_int_equal(kernel_nl_parse_event(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.type, KERNEL_EV_EXPIRE_HARD);
	nlmsg_free(msg);

	msg = fake_expire(1, 99);
	assert_int_equal(kernel_nl_parse_event(nlmsg_hdr(msg), &ev), -RTX_EPARSE);
	nlmsg_free(msg);

	/* An acquire carries the policy's template (reqid) and if_id. */
	struct xfrm_user_acquire aq;
	memset(&aq, 0, sizeof(aq));
	aq.policy.sel.family = AF_INET;
	aq.id.proto = IPPROTO_ESP;
	struct xfrm_user_tmpl t;
	memset(&t, 0, sizeof(t));
	t.reqid = 42;
	msg = nlmsg_alloc_simple(XFRM_MSG_ACQUIRE, 0);
	assert_int_equal(nlmsg_append(msg, &aq, sizeof(aq), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put(msg, XFRMA_TMPL, sizeof(t), &t), 0);
	assert_int_equal(nla_put_u32(msg, XFRMA_IF_ID, kernel_tunnel_if_id(4)), 0);
	assert_int_equal(kernel_nl_parse_event(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.type, KERNEL_EV_ACQUIRE);
	assert_int_equal(ev.reqid, 42);
	assert_int_equal(ev.if_id, kernel_tunnel_if_id(4));
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_LENGTH(sizeof(aq) / 2);
	assert_int_equal(kernel_nl_parse_event(nlmsg_hdr(msg), &ev), -RTX_EPARSE);
	nlmsg_free(msg);

	msg = nlmsg_alloc_simple(XFRM_MSG_POLEXPIRE, 0);
	assert_int_equal(kernel_nl_parse_event(nlmsg_hdr(msg), &ev), -RTX_EUNSUPP);
	nlmsg_free(msg);
}

static void test_ours(void **state)
{
	(void)state;
	assert_true(kernel_netlink_is_ours(kernel_tunnel_if_id(0)));
	assert_true(kernel_netlink_is_ours(kernel_tunnel_if_id(65535)));
	assert_false(kernel_netlink_is_ours(0));
	assert_false(kernel_netlink_is_ours(1));
	assert_false(kernel_netlink_is_ours(kernel_tunnel_if_id(0) - 1));
	assert_false(kernel_netlink_is_ours(kernel_tunnel_if_id(0) + 0x10000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_cbc_sha256),
		cmocka_unit_test(test_sa_trunc_bits),
		cmocka_unit_test(test_sa_keys_wiped),
		cmocka_unit_test(test_sa_aead),
		cmocka_unit_test(test_sa_encap_life_replay_v6),
		cmocka_unit_test(test_sa_rejects),
		cmocka_unit_test(test_del_get_allocspi),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_parse_sa_reply),
		cmocka_unit_test(test_parse_events),
		cmocka_unit_test(test_ours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
