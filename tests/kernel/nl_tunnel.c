/* A manually keyed route-based ESP tunnel between two network namespaces,
 * installed by two netlink backend instances (one per namespace, via
 * setns), proven by traffic: ping LAN A -> LAN B, SA counters read back,
 * ESP seen on the wire, expire events, then flush leaves nothing.
 *
 *   nl_tunnel test NS_A NS_B          (tests/kernel/nl_tunnel.sh sets up)
 *   nl_tunnel bench NS COUNT [same|tunnel]
 *                                     SA pairs per second through the backend:
 *                                     all pairs between A and B with tunnel 1's
 *                                     reqid (same, the default), or pair i with
 *                                     tunnel i+1's reqid and if_id between its
 *                                     own addresses 10.(100+t/250).(t%250+1).1
 *                                     and .2, t = i+1, as rtxsh gives tunnel t
 *                                     in tests/netns/bench-1000.sh (tunnel)
 *
 * Addresses match nl_tunnel.sh: A 10.250.0.1, B 10.250.0.2 on veth eth0,
 * LANs 10.251.1.1/24 (A) and 10.251.2.1/24 (B). Needs kernel ESP. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "base/err.h"
#include "base/log.h"
#include "kernel/kernel.h"
#include "kernel/kernel_netlink.h"

#include "tests/kernel/check.h"

/* A backend whose sockets live in namespace ns; the thread goes back. */
static struct kernel *open_in(const char *ns, struct log *log)
{
	char path[256];
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	int home = open("/proc/self/ns/net", O_RDONLY), fd = open(path, O_RDONLY);
	struct kernel *k = NULL;
	int err;
	if (home >= 0 && fd >= 0 && setns(fd, CLONE_NEWNET) == 0) {
		k = kernel_netlink_new(log, &err);
		if (setns(home, CLONE_NEWNET) != 0)
			abort();
	}
	if (fd >= 0)
		close(fd);
	if (home >= 0)
		close(home);
	if (!k)
		fprintf(stderr, "cannot open the backend in %s\n", ns);
	return k;
}

struct side {
	struct kernel *k;
	const char *ns;
	const char *me, *peer, *lan, *peer_lan;
	uint32_t spi_out, spi_in;
};

static struct kernel_sa sa_between(const char *src, const char *dst, uint32_t spi)
{
	struct kernel_sa sa = { .id.src = addr(src), .id.dst = addr(dst), .id.spi = spi,
				.id.proto = KERNEL_PROTO_ESP, .reqid = kernel_tunnel_if_id(1),
				.if_id = kernel_tunnel_if_id(1), .encr = 20 /* AES-GCM-16 */,
				.encr_key_len = 20, .replay_window = 64 };
	/* Both directions' keys derive from the SPI, so both sides agree. */
	for (unsigned i = 0; i < sa.encr_key_len; i++)
		sa.encr_key[i] = (uint8_t)(spi * 7 + i);
	return sa;
}

static void test_update_encap(struct kernel *k, const char *ns);

static struct kernel_policy pol(const struct side *s, enum kernel_dir dir)
{
	bool out = dir == KERNEL_DIR_OUT;
	struct kernel_policy p = {
		.id.src_net = addr(out ? s->lan : s->peer_lan),
		.id.dst_net = addr(out ? s->peer_lan : s->lan),
		.id.src_len = 24, .id.dst_len = 24, .id.dir = dir,
		.id.if_id = kernel_tunnel_if_id(1),
		.tun_src = addr(out ? s->me : s->peer), .tun_dst = addr(out ? s->peer : s->me),
		.reqid = kernel_tunnel_if_id(1), .priority = 1000,
	};
	return p;
}

static int install(const struct side *s)
{
	struct kernel *k = s->k;
	struct kernel_sa out = sa_between(s->me, s->peer, s->spi_out);
	struct kernel_sa in = sa_between(s->peer, s->me, s->spi_in);
	in.inbound = true;
	struct kernel_route r = { .dst = addr(s->peer_lan), .dst_len = 24, .tunnel = 1 };
	struct kernel_policy po = pol(s, KERNEL_DIR_OUT), pi = pol(s, KERNEL_DIR_IN),
			     pf = pol(s, KERNEL_DIR_FWD);
	int err = k->ops->add_if(k, 1, kernel_tunnel_if_id(1));
	if (!err) err = k->ops->set_if_up(k, 1, true);
	if (!err) err = k->ops->add_route(k, &r);
	if (!err) err = k->ops->add_sa(k, &out);
	if (!err) err = k->ops->add_sa(k, &in);
	if (!err) err = k->ops->add_policy(k, &po);
	if (!err) err = k->ops->add_policy(k, &pi);
	if (!err) err = k->ops->add_policy(k, &pf);
	return err;
}

static uint64_t packets(const struct side *s, bool outbound)
{
	struct kernel_sa sa = outbound ? sa_between(s->me, s->peer, s->spi_out)
				       : sa_between(s->peer, s->me, s->spi_in);
	struct kernel_sa_stats st = { 0 };
	if (s->k->ops->query_sa(s->k, &sa.id, &st))
		return 0;
	return st.packets;
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 255;
}

struct seen {
	int soft, hard;
	uint32_t spi;
};

static void on_event(void *arg, const struct kernel_event *ev)
{
	struct seen *s = arg;
	if (ev->sa.spi != s->spi)
		return;
	s->soft += ev->type == KERNEL_EV_EXPIRE_SOFT;
	s->hard += ev->type == KERNEL_EV_EXPIRE_HARD;
}

/* An SA with 1 s soft / 2 s hard lifetimes must report both. */
static void test_expire(struct kernel *k)
{
	struct seen seen = { .spi = 0x3001 };
	struct kernel_sa sa = sa_between("10.250.0.1", "10.250.0.2", 0x3001);
	sa.life.soft_secs = 1;
	sa.life.hard_secs = 2;
	kernel_set_event_handler(k, on_event, &seen);
	CHECK(k->ops->add_sa(k, &sa) == 0);
	struct pollfd p = { .fd = kernel_netlink_event_fd(k), .events = POLLIN };
	for (int i = 0; i < 40 && !seen.hard; i++)
		if (poll(&p, 1, 250) > 0)
			CHECK(kernel_netlink_process_events(k) >= 0);
	printf("expire events for SPI 0x3001: soft %d, hard %d\n", seen.soft, seen.hard);
	CHECK(seen.soft == 1 && seen.hard == 1);
	/* The kernel removed it: deleting is an error and untracks it. */
	CHECK(k->ops->del_sa(k, &sa.id) == -RTX_EKERNEL);
	kernel_set_event_handler(k, NULL, NULL);
}

static int test(const char *ns_a, const char *ns_b)
{
	struct log *log = log_new(256, NULL);
	log_set_stream(log, stderr);
	struct side a = { .ns = ns_a, .me = "10.250.0.1", .peer = "10.250.0.2",
			  .lan = "10.251.1.0", .peer_lan = "10.251.2.0",
			  .spi_out = 0x1001, .spi_in = 0x2001 };
	struct side b = { .ns = ns_b, .me = "10.250.0.2", .peer = "10.250.0.1",
			  .lan = "10.251.2.0", .peer_lan = "10.251.1.0",
			  .spi_out = 0x2001, .spi_in = 0x1001 };
	a.k = open_in(ns_a, log);
	b.k = open_in(ns_b, log);
	if (!a.k || !b.k)
		return 1;
	CHECK(install(&a) == 0);
	CHECK(install(&b) == 0);

	const char *cap = "/tmp/rtx-nl-tunnel.pcap";
	run("ip netns exec %s timeout 8 tcpdump -i eth0 -n -c 2 -w %s esp >/dev/null 2>&1 &",
	    ns_b, cap);
	sleep(2);   /* tcpdump in a namespace needs a moment before it captures */
	CHECK(run("ip netns exec %s busybox ping -c 3 -W 2 -I 10.251.1.1 10.251.2.1", ns_a) == 0);
	uint64_t ao = packets(&a, true), bi = packets(&b, false);
	uint64_t bo = packets(&b, true), ai = packets(&a, false);
	printf("SA packets: A out %llu, B in %llu, B out %llu, A in %llu\n",
	       (unsigned long long)ao, (unsigned long long)bi, (unsigned long long)bo,
	       (unsigned long long)ai);
	CHECK(ao >= 3 && bi >= 3 && bo >= 3 && ai >= 3);
	sleep(1);
	CHECK(run("tcpdump -r %s -n 2>/dev/null | grep -q 'ESP(spi=0x00001001'", cap) == 0);
	unlink(cap);

	test_expire(a.k);
	test_update_encap(a.k, ns_a);

	size_t tracked = kernel_netlink_tracked(a.k);
	CHECK(tracked == 7);   /* interface, route, 2 SAs, 3 policies */
	CHECK(a.k->ops->flush(a.k) == 0);
	CHECK(b.k->ops->flush(b.k) == 0);
	CHECK(kernel_netlink_tracked(a.k) == 0 && kernel_netlink_tracked(b.k) == 0);
	for (int i = 0; i < 2; i++) {
		const char *ns = i ? ns_b : ns_a;
		CHECK(run("ip netns exec %s ip xfrm state | grep -q .", ns) != 0);
		CHECK(run("ip netns exec %s ip xfrm policy | grep -q .", ns) != 0);
		CHECK(run("ip netns exec %s ip link show rtx-tun1 >/dev/null 2>&1", ns) != 0);
		/* our rule and table went; the host's own route stayed */
		CHECK(run("ip netns exec %s ip rule show | grep -q 'lookup 221'", ns) != 0);
		CHECK(run("ip netns exec %s ip route show | grep -q '^10.251.[12].0/24 via'", ns) == 0);
	}
	kernel_free(a.k);
	kernel_free(b.k);
	log_free(log);
	printf("nl_tunnel: %d failure(s)\n", failures);
	return failures ? 1 : 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Pair i of the "tunnel" variant: tunnel t = i + 1's reqid and if_id,
 * between 10.(100+t/250).(t%250+1).1 and .2 (out from .1, in from .2). */
static void tunnel_pair(unsigned i, struct kernel_sa *out, struct kernel_sa *in)
{
	unsigned t = i + 1;
	char a[32], b[32];
	snprintf(a, sizeof(a), "10.%u.%u.1", 100 + t / 250, t % 250 + 1);
	snprintf(b, sizeof(b), "10.%u.%u.2", 100 + t / 250, t % 250 + 1);
	*out = sa_between(a, b, 0x10000 + i);
	*in = sa_between(b, a, 0x10000 + i);
	out->reqid = in->reqid = kernel_tunnel_reqid(t);
	out->if_id = in->if_id = kernel_tunnel_if_id(t);
}

/* COUNT pairs (in + out, AES-GCM) through the backend, then one flush. */
static int bench(const char *ns, unsigned count, bool tunnel)
{
	struct kernel *k = open_in(ns, NULL);
	if (!k)
		return 1;
	double t0 = now();
	for (unsigned i = 0; i < count; i++) {
		struct kernel_sa out, in;
		if (tunnel) {
			tunnel_pair(i, &out, &in);
		} else {
			out = sa_between("10.250.0.1", "10.250.0.2", 0x10000 + i);
			in = sa_between("10.250.0.2", "10.250.0.1", 0x10000 + i);
		}
		if (k->ops->add_sa(k, &out) || k->ops->add_sa(k, &in)) {
			fprintf(stderr, "bench: SA pair %u failed\n", i);
			return 1;
		}
	}
	double t1 = now();
	int err = k->ops->flush(k);
	double t2 = now();
	printf("backend: %u SA pairs in %.3f s = %.0f pairs/s; flush %.3f s\n", count,
	       t1 - t0, count / (t1 - t0), t2 - t1);
	kernel_free(k);
	return err ? 1 : 0;
}

/* A NAT mapping moved: update_encap rewrites a UDP-encapsulated SA's
 * ports in place (GETSA sent back as UPDSA); plain ESP is refused. */
static void test_update_encap(struct kernel *k, const char *ns)
{
	struct kernel_sa sa = sa_between("10.250.0.1", "10.250.0.9", 0x5001);
	sa.encap = true;
	sa.encap_sport = 4500;
	sa.encap_dport = 4500;
	CHECK(k->ops->add_sa(k, &sa) == 0);
	CHECK(k->ops->update_encap(k, &sa.id, 4500, 40123) == 0);
	CHECK(run("ip netns exec %s ip xfrm state get src 10.250.0.1 dst 10.250.0.9 proto esp "
		  "spi 0x5001 | grep -q 'encap type espinudp sport 4500 dport 40123'", ns) == 0);
	CHECK(k->ops->del_sa(k, &sa.id) == 0);
	struct kernel_sa plain = sa_between("10.250.0.1", "10.250.0.9", 0x5002);
	CHECK(k->ops->add_sa(k, &plain) == 0);
	CHECK(k->ops->update_encap(k, &plain.id, 4500, 40123) == -RTX_EINVAL);
	CHECK(k->ops->del_sa(k, &plain.id) == 0);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "test") == 0)
		return test(argv[2], argv[3]);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "bench") == 0 &&
	    (argc == 4 || strcmp(argv[4], "same") == 0 || strcmp(argv[4], "tunnel") == 0))
		return bench(argv[2], (unsigned)strtoul(argv[3], NULL, 10),
			     argc == 5 && strcmp(argv[4], "tunnel") == 0);
	fprintf(stderr, "usage: %s test NS_A NS_B | bench NS COUNT [same|tunnel]\n", argv[0]);
	return 2;
}
