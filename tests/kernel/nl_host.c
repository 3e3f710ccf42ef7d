/* The netlink backend against the running kernel, as root, inside a fresh
 * network namespace that tests/kernel/nl_host.sh made for it.
 *
 * Usage: nl_host EXPECT_ESP   (1: the kernel holds ESP SAs, 0: it cannot)
 * The shell wrapper decides EXPECT_ESP with ip-xfrm, independently of the
 * code under test. Exit 0 when every check passed. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "base/err.h"
#include "base/log.h"
#include "kernel/kernel.h"
#include "kernel/kernel_netlink.h"

#include "tests/kernel/check.h"

static bool log_has(const struct log *l, const char *needle)
{
	for (size_t i = 0; i < log_count(l); i++)
		if (strstr(log_get(l, i)->text, needle))
			return true;
	return false;
}

static struct kernel_policy policy(const char *src, const char *dst, enum kernel_dir dir,
				   uint32_t if_id, uint32_t reqid)
{
	struct kernel_policy p = { .id.src_net = addr(src), .id.dst_net = addr(dst),
				   .id.src_len = 24, .id.dst_len = 24, .id.dir = dir,
				   .id.if_id = if_id, .tun_src = addr("192.0.2.1"),
				   .tun_dst = addr("192.0.2.2"), .reqid = reqid, .priority = 100 };
	return p;
}

static void test_spi(struct kernel *k)
{
	struct ip_addr a = addr("192.0.2.1"), b = addr("192.0.2.2");
	uint32_t s1 = 0, s2 = 0;
	CHECK(k->ops->get_spi(k, &a, &b, kernel_tunnel_if_id(1), &s1) == 0);
	CHECK(k->ops->get_spi(k, &a, &b, kernel_tunnel_if_id(1), &s2) == 0);
	CHECK(s1 >= 256 && s2 >= 256 && s1 != s2);
	struct kernel_sa_id id = { .src = a, .dst = b, .spi = s1, .proto = KERNEL_PROTO_ESP };
	struct kernel_sa_stats st = { .packets = 99 };
	CHECK(k->ops->query_sa(k, &id, &st) == 0);   /* the larval SA is there */
	CHECK(st.packets == 0);
	CHECK(k->ops->del_sa(k, &id) == 0);
	CHECK(k->ops->query_sa(k, &id, &st) == -RTX_EKERNEL);
	CHECK(kernel_netlink_last_errno(k) == ESRCH);
	CHECK(kernel_netlink_tracked(k) == 1);        /* s2 still held */
	CHECK(k->ops->flush(k) == 0);
	CHECK(kernel_netlink_tracked(k) == 0);
	id.spi = s2;
	CHECK(k->ops->query_sa(k, &id, &st) == -RTX_EKERNEL);
}

static void test_policy(struct kernel *k, struct log *log)
{
	struct kernel_policy p = policy("10.1.1.0", "10.2.2.0", KERNEL_DIR_OUT,
					kernel_tunnel_if_id(5), 77);
	CHECK(k->ops->add_policy(k, &p) == 0);
	CHECK(k->ops->add_policy(k, &p) == -RTX_EKERNEL);
	CHECK(kernel_netlink_last_errno(k) == EEXIST);
	CHECK(log_has(log, "add policy 10.1.1.0/24->10.2.2.0/24 dir out"));
	/* The same selector under another if_id is another policy. */
	struct kernel_policy q = p;
	q.id.if_id = kernel_tunnel_if_id(6);
	CHECK(k->ops->add_policy(k, &q) == 0);
	CHECK(kernel_netlink_tracked(k) == 2);
	CHECK(k->ops->del_policy(k, &p.id) == 0);
	CHECK(k->ops->del_policy(k, &p.id) == -RTX_EKERNEL);
	CHECK(kernel_netlink_last_errno(k) == ENOENT);
	CHECK(kernel_netlink_tracked(k) == 1);
	CHECK(k->ops->flush(k) == 0);
	CHECK(k->ops->del_policy(k, &q.id) == -RTX_EKERNEL);   /* flush removed it */
}

/* A shell command in this namespace; true when it exits 0. */
static bool sh(const char *cmd)
{
	return system(cmd) == 0;
}

/* The host routes 10.98.0.0/24 through rtxv0 (nl_host.sh): our route to
 * the same LAN goes into our table beside it, wins by our rule, and
 * leaves with flush, the host's route untouched. A crashed instance's rule
 * and table go with the next one's stale cleanup. */
static void test_route_table(struct kernel *k, struct log *log)
{
	struct kernel_route r = { .dst = addr("10.98.0.0"), .dst_len = 24, .tunnel = 3 };
	struct kernel_probe p;
	CHECK(kernel_netlink_route_table(k) == KERNEL_NL_ROUTE_TABLE);
	if (kernel_netlink_probe(&p) || !p.xfrmi) {
		/* nl_tunnel.sh covers it in the guest */
		printf("route table: not tested, this kernel has no xfrm interfaces\n");
		return;
	}
	CHECK(k->ops->add_if(k, 3, kernel_tunnel_if_id(3)) == 0);
	CHECK(k->ops->set_if_up(k, 3, true) == 0);
	CHECK(k->ops->add_route(k, &r) == 0);
	CHECK(sh("ip rule show | grep -q '^221:.*lookup 221'"));
	CHECK(sh("ip route show table 221 | grep -q '^10.98.0.0/24 dev rtx-tun3'"));
	CHECK(sh("ip route get 10.98.0.7 | grep -q 'dev rtx-tun3'"));
	CHECK(sh("ip route show table main | grep -q '^10.98.0.0/24 dev rtxv0'"));
	CHECK(k->ops->flush(k) == 0);
	CHECK(!sh("ip rule show | grep -q 'lookup 221'"));
	CHECK(sh("ip route get 10.98.0.7 | grep -q 'dev rtxv0'"));
	CHECK(sh("ip route show table main | grep -q '^10.98.0.0/24 dev rtxv0'"));

	/* --route-table: another number, and a crash that leaves it all */
	int err;
	struct kernel *crashed = kernel_netlink_new(log, &err);
	CHECK(crashed != NULL);
	if (!crashed)
		return;
	kernel_netlink_set_route_table(crashed, 1000);
	CHECK(crashed->ops->add_if(crashed, 4, kernel_tunnel_if_id(4)) == 0);
	CHECK(crashed->ops->set_if_up(crashed, 4, true) == 0);
	r.tunnel = 4;
	CHECK(crashed->ops->add_route(crashed, &r) == 0);
	CHECK(sh("ip route get 10.98.0.7 | grep -q 'dev rtx-tun4'"));
	kernel_free(crashed);
	CHECK(sh("ip rule show | grep -q '^221:.*lookup 1000'"));
	struct kernel *next = kernel_netlink_new(log, &err);
	CHECK(next != NULL);
	if (!next)
		return;
	kernel_netlink_set_route_table(next, 1000);
	CHECK(kernel_netlink_cleanup_stale(next) == 2);   /* the interface, the rule */
	CHECK(!sh("ip rule show | grep -q 'lookup 1000'"));
	CHECK(sh("ip route get 10.98.0.7 | grep -q 'dev rtxv0'"));
	kernel_free(next);
}

/* A crashed rtxsh (destroyed without flush) leaves policies and SAs; a
 * new instance removes them and spares a foreign policy. */
static void test_stale(struct log *log)
{
	int err;
	struct kernel *crashed = kernel_netlink_new(log, &err);
	struct kernel *other = kernel_netlink_new(log, &err);
	CHECK(crashed && other);
	if (!crashed || !other)
		return;
	struct kernel_policy p1 = policy("10.3.0.0", "10.4.0.0", KERNEL_DIR_OUT,
					 kernel_tunnel_if_id(9), 1);
	struct kernel_policy p2 = policy("10.4.0.0", "10.3.0.0", KERNEL_DIR_IN,
					 kernel_tunnel_if_id(9), 1);
	struct kernel_policy foreign = policy("10.3.0.0", "10.4.0.0", KERNEL_DIR_OUT, 7, 1);
	struct ip_addr a = addr("192.0.2.1"), b = addr("192.0.2.2");
	uint32_t spi;
	CHECK(crashed->ops->add_policy(crashed, &p1) == 0);
	CHECK(crashed->ops->add_policy(crashed, &p2) == 0);
	CHECK(crashed->ops->get_spi(crashed, &a, &b, kernel_tunnel_if_id(9), &spi) == 0);
	CHECK(other->ops->add_policy(other, &foreign) == 0);
	kernel_free(crashed);

	struct kernel *k = kernel_netlink_new(log, &err);
	CHECK(k != NULL);
	if (!k)
		return;
	CHECK(kernel_netlink_cleanup_stale(k) == 3);
	CHECK(kernel_netlink_cleanup_stale(k) == 0);
	CHECK(other->ops->del_policy(other, &foreign.id) == 0);   /* it survived */
	kernel_free(k);
	kernel_free(other);
}

static struct kernel_sa esp_sa(void)
{
	struct kernel_sa sa = { .id.src = addr("192.0.2.1"), .id.dst = addr("192.0.2.2"),
				.id.spi = 0x1000, .id.proto = KERNEL_PROTO_ESP,
				.reqid = kernel_tunnel_if_id(2), .if_id = kernel_tunnel_if_id(2),
				.encr = 12, .integ = 12, .encr_key_len = 16,
				.integ_key_len = 32, .replay_window = 32 };
	memset(sa.encr_key, 1, 16);
	memset(sa.integ_key, 2, 32);
	return sa;
}

static void test_esp(struct kernel *k, struct log *log, bool expect_esp)
{
	struct kernel_sa sa = esp_sa();
	struct kernel_sa_stats st;
	int err = k->ops->add_sa(k, &sa);
	if (!expect_esp) {
		CHECK(err == -RTX_EKERNEL);
		CHECK(kernel_netlink_last_errno(k) == EPROTONOSUPPORT);
		CHECK(log_has(log, "add SA 192.0.2.1->192.0.2.2 SPI 0x00001000 failed"));
		CHECK(log_has(log, "EPROTONOSUPPORT"));
		CHECK(kernel_netlink_tracked(k) == 0);
		CHECK(k->ops->query_sa(k, &sa.id, &st) == -RTX_EKERNEL);   /* no half state */
		return;
	}
	CHECK(err == 0);
	CHECK(k->ops->query_sa(k, &sa.id, &st) == 0 && st.bytes == 0);
	CHECK(k->ops->update_sa(k, &sa) == 0);
	CHECK(k->ops->del_sa(k, &sa.id) == 0);
	CHECK(kernel_netlink_tracked(k) == 0);
}

static void test_probe(bool expect_esp)
{
	struct kernel_probe p;
	CHECK(kernel_netlink_probe(&p) == 0);
	CHECK(p.cap_net_admin && p.xfrm);
	CHECK(p.esp_cbc == expect_esp);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int missing = kernel_netlink_probe_print(&p, f);
	fclose(f);
	printf("probe:\n%s", text);
	if (!expect_esp) {
		CHECK(missing >= 1);
		CHECK(strstr(text, "this kernel cannot install ESP SAs (no CONFIG_INET_ESP): "
				   "EPROTONOSUPPORT\n") != NULL);
	}
	free(text);
}

/* Traffic hitting an out policy without SA makes the kernel ask us. */
static void test_acquire(struct kernel *k)
{
	struct kernel_policy p = policy("10.99.0.0", "10.98.0.0", KERNEL_DIR_OUT, 0, 4242);
	CHECK(k->ops->add_policy(k, &p) == 0);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	inet_pton(AF_INET, "10.98.0.1", &to.sin_addr);
	(void)!sendto(s, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to));
	close(s);
	struct pollfd pfd = { .fd = kernel_netlink_event_fd(k), .events = POLLIN };
	CHECK(poll(&pfd, 1, 2000) == 1);
	CHECK(kernel_netlink_process_events(k) >= 1);
	CHECK(k->ops->flush(k) == 0);
}

static struct kernel_event last_event;
static int events_seen;

static void on_event(void *arg, const struct kernel_event *ev)
{
	(void)arg;
	last_event = *ev;
	events_seen++;
}

int main(int argc, char **argv)
{
	bool expect_esp = argc > 1 && strcmp(argv[1], "1") == 0;
	struct log *log = log_new(256, NULL);
	int err;
	struct kernel *k = kernel_netlink_new(log, &err);
	if (!k) {
		fprintf(stderr, "kernel_netlink_new: %s\n", rtx_strerror(err));
		return 1;
	}
	kernel_set_event_handler(k, on_event, NULL);
	test_spi(k);
	test_policy(k, log);
	test_route_table(k, log);
	test_stale(log);
	test_esp(k, log, expect_esp);
	test_probe(expect_esp);
	test_acquire(k);
	CHECK(events_seen >= 1 && last_event.type == KERNEL_EV_ACQUIRE);
	CHECK(last_event.reqid == 4242);
	CHECK(kernel_netlink_tracked(k) == 0);
	kernel_free(k);
	log_print(log, stdout, false);
	log_free(log);
	printf("%s: %d failure(s)\n", argv[0], failures);
	return failures ? 1 : 0;
}
