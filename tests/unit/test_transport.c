/* Transports: NAT-T framing, the in-memory network with its faults and
 * NAT, and real UDP sockets on loopback. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "base/clock.h"
#include "base/err.h"
#include "engine/loop.h"
#include "engine/memnet.h"
#include "engine/transport.h"

struct inbox {
	struct endpoint local[16], remote[16];
	uint8_t msg[16][64];
	size_t len[16];
	size_t n;
};

static void on_recv(void *arg, const struct endpoint *local, const struct endpoint *remote,
		    const uint8_t *msg, size_t len)
{
	struct inbox *b = arg;
	if (b->n == 16 || len > 64)
		return;
	b->local[b->n] = *local;
	b->remote[b->n] = *remote;
	memcpy(b->msg[b->n], msg, len);
	b->len[b->n++] = len;
}

static struct endpoint ep(const char *addr, uint16_t port)
{
	struct endpoint e = { .port = port };
	assert_int_equal(ip_addr_parse(addr, &e.addr), 0);
	return e;
}

static void test_framing(void **state)
{
	(void)state;
	const uint8_t ike[] = { 1, 2, 3, 4, 5 };
	uint8_t out[16];
	const uint8_t *msg;
	size_t len;
	assert_int_equal(transport_frame(IKE_PORT, ike, 5, out, sizeof(out)), 5);
	assert_int_equal(transport_frame(IKE_NATT_PORT, ike, 5, out, sizeof(out)), 9);
	assert_memory_equal(out, "\0\0\0\0\1\2\3\4\5", 9);
	assert_int_equal(transport_frame(IKE_NATT_PORT, ike, 5, out, 8), 0);
	assert_true(transport_unframe(IKE_NATT_PORT, out, 9, &msg, &len));
	assert_int_equal(len, 5);
	assert_memory_equal(msg, ike, 5);
	static const uint8_t keepalive = 0xff, esp[] = { 0, 0, 1, 0, 9, 9 };
	assert_false(transport_unframe(IKE_NATT_PORT, &keepalive, 1, &msg, &len));
	assert_false(transport_unframe(IKE_NATT_PORT, esp, sizeof(esp), &msg, &len));
	assert_false(transport_unframe(IKE_NATT_PORT, out, 4, &msg, &len));
	assert_true(transport_unframe(IKE_PORT, ike, 5, &msg, &len));
	char buf[64];
	struct endpoint e = ep("2001:db8::1", 4500);
	assert_string_equal(endpoint_str(&e, buf, sizeof(buf)), "2001:db8::1[4500]");
}

static void test_memnet_ladder(void **state)
{
	(void)state;
	struct memnet *n = memnet_new(NULL, 1);
	struct endpoint a = ep("192.0.2.1", IKE_PORT), b = ep("192.0.2.2", IKE_PORT);
	struct transport *ta = memnet_attach(n, &a.addr), *tb = memnet_attach(n, &b.addr);
	struct inbox ia = { 0 }, ib = { 0 };
	transport_set_recv(ta, on_recv, &ia);
	transport_set_recv(tb, on_recv, &ib);

	assert_int_equal(ta->ops->send(ta, &a, &b, (const uint8_t *)"one", 3), 0);
	assert_int_equal(ta->ops->send(ta, &a, &b, (const uint8_t *)"two", 3), 0);
	assert_int_equal(memnet_in_flight(n), 2);
	assert_true(memnet_deliver_next(n));
	assert_int_equal(ib.n, 1);
	assert_memory_equal(ib.msg[0], "one", 3);
	assert_true(endpoint_equal(&ib.remote[0], &a));
	assert_true(endpoint_equal(&ib.local[0], &b));
	assert_true(memnet_drop_next(n));
	assert_false(memnet_deliver_next(n));
	assert_int_equal(ib.n, 1);

	/* NAT-T framing crosses the network and is undone on arrival. */
	struct endpoint a4 = ep("192.0.2.1", IKE_NATT_PORT), b4 = ep("192.0.2.2", IKE_NATT_PORT);
	assert_int_equal(ta->ops->send(ta, &a4, &b4, (const uint8_t *)"natt", 4), 0);
	assert_int_equal(ta->ops->send_keepalive(ta, &a4, &b4), 0);
	assert_int_equal(memnet_deliver_all(n, 10), 2);
	assert_int_equal(ib.n, 2);            /* the keepalive is not IKE */
	assert_memory_equal(ib.msg[1], "natt", 4);
	assert_int_equal(ib.local[1].port, IKE_NATT_PORT);

	/* A host sends from its one address, and only within its family. */
	struct ip_addr src, v6;
	assert_int_equal(ta->ops->source_for(ta, &b.addr, &src), 0);
	assert_true(ip_addr_equal(&src, &a.addr));
	ip_addr_parse("2001:db8::2", &v6);
	assert_int_equal(ta->ops->source_for(ta, &v6, &src), -RTX_ENOENT);

	/* Nobody at that address: dropped silently. */
	struct endpoint c = ep("192.0.2.3", IKE_PORT);
	assert_int_equal(ta->ops->send(ta, &a, &c, (const uint8_t *)"x", 1), 0);
	assert_int_equal(memnet_deliver_all(n, 10), 1);
	transport_free(ta);
	transport_free(tb);
	memnet_free(n);
}

/* Sends 200 messages with faults and returns the receive order digest. */
static uint64_t faulty_run(uint64_t seed, size_t *received)
{
	struct memnet *n = memnet_new(NULL, seed);
	struct endpoint a = ep("192.0.2.1", IKE_PORT), b = ep("192.0.2.2", IKE_PORT);
	struct transport *ta = memnet_attach(n, &a.addr), *tb = memnet_attach(n, &b.addr);
	struct inbox ib = { 0 };
	transport_set_recv(tb, on_recv, &ib);
	memnet_set_faults(n, &(struct memnet_faults){ .drop_pct = 30, .dup_pct = 20,
						      .reorder_pct = 25 });
	uint64_t digest = 0;
	*received = 0;
	for (uint8_t i = 0; i < 200; i++) {
		assert_int_equal(ta->ops->send(ta, &a, &b, &i, 1), 0);
		if (i % 3 == 2)
			while (memnet_deliver_next(n)) {
				digest = digest * 31 + ib.msg[ib.n - 1][0];
				(*received)++;
				ib.n = 0;
			}
	}
	while (memnet_deliver_next(n)) {
		digest = digest * 31 + ib.msg[ib.n - 1][0];
		(*received)++;
		ib.n = 0;
	}
	transport_free(ta);
	transport_free(tb);
	memnet_free(n);
	return digest;
}

static void test_memnet_faults_deterministic(void **state)
{
	(void)state;
	size_t r1, r2, r3;
	uint64_t d1 = faulty_run(7, &r1), d2 = faulty_run(7, &r2), d3 = faulty_run(8, &r3);
	assert_true(d1 == d2 && r1 == r2);     /* same seed, same run */
	assert_true(d1 != d3);
	/* 30 % loss and 20 % duplication: clearly fewer than sent plus dups,
	 * clearly more than none. */
	assert_in_range(r1, 100, 199);
}

static void test_memnet_nat(void **state)
{
	(void)state;
	struct memnet *n = memnet_new(NULL, 3);
	struct endpoint a = ep("10.0.0.1", IKE_PORT), b = ep("192.0.2.2", IKE_PORT);
	struct ip_addr pub;
	ip_addr_parse("198.51.100.1", &pub);
	assert_int_equal(memnet_add_nat(n, &a.addr, &pub), 0);
	struct transport *ta = memnet_attach(n, &a.addr), *tb = memnet_attach(n, &b.addr);
	struct inbox ia = { 0 }, ib = { 0 };
	transport_set_recv(ta, on_recv, &ia);
	transport_set_recv(tb, on_recv, &ib);
	assert_int_equal(ta->ops->send(ta, &a, &b, (const uint8_t *)"hi", 2), 0);
	assert_true(memnet_deliver_next(n));
	char buf[64];
	assert_string_equal(endpoint_str(&ib.remote[0], buf, sizeof(buf)), "198.51.100.1[1024]");
	/* The reply to the mapping reaches the inside host on its own port. */
	assert_int_equal(tb->ops->send(tb, &b, &ib.remote[0], (const uint8_t *)"yo", 2), 0);
	assert_true(memnet_deliver_next(n));
	assert_int_equal(ia.n, 1);
	assert_true(endpoint_equal(&ia.local[0], &a));
	/* Same inside endpoint, same mapping. */
	assert_int_equal(ta->ops->send(ta, &a, &b, (const uint8_t *)"hi", 2), 0);
	assert_true(memnet_deliver_next(n));
	assert_true(endpoint_equal(&ib.remote[1], &ib.remote[0]));
	transport_free(ta);
	transport_free(tb);
	memnet_free(n);
}

/* One-to-one: the inside host is its public address both ways, ports kept. */
static void test_memnet_static_nat(void **state)
{
	(void)state;
	struct memnet *n = memnet_new(NULL, 3);
	struct endpoint a = ep("192.0.2.1", IKE_PORT), b = ep("10.0.0.2", IKE_PORT);
	struct endpoint b_pub = ep("198.51.100.2", IKE_PORT);
	assert_int_equal(memnet_add_static_nat(n, &b.addr, &b_pub.addr), 0);
	struct transport *ta = memnet_attach(n, &a.addr), *tb = memnet_attach(n, &b.addr);
	struct inbox ia = { 0 }, ib = { 0 };
	transport_set_recv(ta, on_recv, &ia);
	transport_set_recv(tb, on_recv, &ib);
	assert_int_equal(ta->ops->send(ta, &a, &b_pub, (const uint8_t *)"hi", 2), 0);
	assert_true(memnet_deliver_next(n));
	assert_int_equal(ib.n, 1);
	assert_true(endpoint_equal(&ib.local[0], &b));
	assert_true(endpoint_equal(&ib.remote[0], &a));
	assert_int_equal(tb->ops->send(tb, &b, &a, (const uint8_t *)"yo", 2), 0);
	assert_true(memnet_deliver_next(n));
	assert_int_equal(ia.n, 1);
	assert_true(endpoint_equal(&ia.remote[0], &b_pub));
	transport_free(ta);
	transport_free(tb);
	memnet_free(n);
}

/* The middlebox rewrites the first datagram it sees and passes the rest. */
static size_t shout(void *arg, const struct endpoint *src, const struct endpoint *dst,
		    const uint8_t *dgram, size_t len, uint8_t *out, size_t cap)
{
	(void)src;
	(void)dst;
	unsigned *seen = arg;
	if ((*seen)++ || len + 1 > cap)
		return 0;
	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)(dgram[i] - 'a' + 'A');
	out[len] = '!';
	return len + 1;
}

static void test_memnet_mangle(void **state)
{
	(void)state;
	struct memnet *n = memnet_new(NULL, 4);
	struct endpoint a = ep("192.0.2.1", IKE_PORT), b = ep("192.0.2.2", IKE_PORT);
	struct transport *ta = memnet_attach(n, &a.addr), *tb = memnet_attach(n, &b.addr);
	struct inbox ib = { 0 };
	unsigned seen = 0;
	transport_set_recv(tb, on_recv, &ib);
	memnet_set_mangle(n, shout, &seen);
	assert_int_equal(ta->ops->send(ta, &a, &b, (const uint8_t *)"hi", 2), 0);
	assert_int_equal(ta->ops->send(ta, &a, &b, (const uint8_t *)"hi", 2), 0);
	assert_int_equal(memnet_deliver_all(n, 10), 2);
	assert_int_equal(seen, 2);
	assert_int_equal(ib.len[0], 3);
	assert_memory_equal(ib.msg[0], "HI!", 3);
	assert_int_equal(ib.len[1], 2);
	assert_memory_equal(ib.msg[1], "hi", 2);
	transport_free(ta);
	transport_free(tb);
	memnet_free(n);
}

static void test_memnet_timed_delivery(void **state)
{
	(void)state;
	struct clock_virtual vc;
	clock_virtual_init(&vc, 0);
	struct loop *l = loop_new(&vc.base);
	struct memnet *n = memnet_new(l, 5);
	memnet_set_faults(n, &(struct memnet_faults){ .delay_ms = 50 });
	struct endpoint a = ep("192.0.2.1", IKE_PORT), b = ep("192.0.2.2", IKE_PORT);
	struct transport *ta = memnet_attach(n, &a.addr), *tb = memnet_attach(n, &b.addr);
	struct inbox ib = { 0 };
	transport_set_recv(tb, on_recv, &ib);
	assert_int_equal(ta->ops->send(ta, &a, &b, (const uint8_t *)"late", 4), 0);
	clock_virtual_advance(&vc, 49);
	assert_int_equal(loop_run_once(l, 0), 0);
	assert_int_equal(ib.n, 0);
	clock_virtual_advance(&vc, 1);
	assert_int_equal(loop_run_once(l, 0), 0);
	assert_int_equal(ib.n, 1);
	assert_int_equal(memnet_in_flight(n), 0);
	/* A packet still in flight at teardown is freed with its timer. */
	assert_int_equal(ta->ops->send(ta, &a, &b, (const uint8_t *)"lost", 4), 0);
	transport_free(ta);
	transport_free(tb);
	memnet_free(n);
	loop_free(l);
}

static void test_udp_loopback(void **state)
{
	(void)state;
	struct loop *l = loop_new(NULL);
	struct ip_addr lo;
	ip_addr_parse("127.0.0.1", &lo);
	int err;
	struct transport *ta = udp_transport_new(l, &lo, 1, 0, 0, &err);
	if (!ta) {
		skip();       /* no loopback in this sandbox */
		return;
	}
	struct transport *tb = udp_transport_new(l, &lo, 1, 0, 0, &err);
	assert_non_null(tb);
	struct inbox ib = { 0 };
	transport_set_recv(tb, on_recv, &ib);
	struct endpoint a = { lo, IKE_PORT }, b4 = { lo, udp_transport_port(tb, IKE_NATT_PORT) };
	struct endpoint b = { lo, udp_transport_port(tb, IKE_PORT) };
	assert_int_equal(ta->ops->send(ta, &a, &b, (const uint8_t *)"udp", 3), 0);
	struct endpoint a4 = { lo, IKE_NATT_PORT };
	assert_int_equal(ta->ops->send_keepalive(ta, &a4, &b4), 0);
	assert_int_equal(ta->ops->send(ta, &a4, &b4, (const uint8_t *)"natt", 4), 0);
	for (int i = 0; i < 50 && ib.n < 2; i++)
		assert_int_equal(loop_run_once(l, 100), 0);
	assert_int_equal(ib.n, 2);
	assert_memory_equal(ib.msg[0], "udp", 3);
	assert_int_equal(ib.local[0].port, IKE_PORT);        /* mapped back */
	assert_int_equal(ib.remote[0].port, udp_transport_port(ta, IKE_PORT));
	assert_memory_equal(ib.msg[1], "natt", 4);
	assert_int_equal(ib.local[1].port, IKE_NATT_PORT);
	struct ip_addr src, dst;
	char buf[64];
	ip_addr_parse("127.0.0.9", &dst);
	assert_int_equal(ta->ops->source_for(ta, &dst, &src), 0);
	assert_string_equal(ip_addr_str(&src, buf, sizeof(buf)), "127.0.0.1");
	struct ip_addr v6;
	ip_addr_parse("2001:db8::1", &v6);
	struct endpoint nowhere = { v6, IKE_PORT };
	assert_int_equal(ta->ops->send(ta, &nowhere, &b, (const uint8_t *)"x", 1), -RTX_ENOENT);
	transport_free(ta);
	transport_free(tb);
	loop_free(l);
}

static void count_recv(void *arg, const struct endpoint *local, const struct endpoint *remote,
		       const uint8_t *msg, size_t len)
{
	(void)local, (void)remote, (void)msg, (void)len;
	(*(size_t *)arg)++;
}

/* `ipsec ike queue length 20`: a burst of 300 datagrams while the loop is
 * busy overflows the socket's queue; what the kernel dropped is counted,
 * and received + dropped is what was sent. */
static void test_udp_queue_length(void **state)
{
	(void)state;
	struct loop *l = loop_new(NULL);
	struct ip_addr lo;
	ip_addr_parse("127.0.0.1", &lo);
	int err;
	struct transport *ta = udp_transport_new(l, &lo, 1, 0, 0, &err);
	if (!ta) {
		loop_free(l);
		skip();
		return;
	}
	struct transport *tb = udp_transport_new(l, &lo, 1, 0, 0, &err);
	assert_non_null(tb);
	udp_transport_set_queue(tb, 20);
	size_t got = 0;
	transport_set_recv(tb, count_recv, &got);
	struct endpoint a = { lo, IKE_PORT }, b = { lo, udp_transport_port(tb, IKE_PORT) };
	uint8_t msg[400];
	memset(msg, 0x5a, sizeof(msg));
	for (int i = 0; i < 300; i++)
		assert_int_equal(ta->ops->send(ta, &a, &b, msg, sizeof(msg)), 0);
	for (int i = 0; i < 50; i++)
		assert_int_equal(loop_run_once(l, 20), 0);
	assert_true(got > 0);
	assert_true(got < 300);
	/* the kernel stamps its drop count on the datagrams queued after the
	 * drops: one more datagram brings the news */
	assert_int_equal(ta->ops->send(ta, &a, &b, msg, sizeof(msg)), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(loop_run_once(l, 20), 0);
	assert_int_equal(got + udp_transport_dropped(tb), 301);
	transport_free(ta);
	transport_free(tb);
	loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_memnet_ladder),
		cmocka_unit_test(test_memnet_faults_deterministic),
		cmocka_unit_test(test_memnet_nat),
		cmocka_unit_test(test_memnet_static_nat),
		cmocka_unit_test(test_memnet_mangle),
		cmocka_unit_test(test_memnet_timed_delivery),
		cmocka_unit_test(test_udp_loopback),
		cmocka_unit_test(test_udp_queue_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
