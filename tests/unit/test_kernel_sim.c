/* The sim kernel backend behaves like XFRM where the engine can tell. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "base/err.h"
#include "kernel/kernel.h"

struct events {
	struct kernel_event ev[8];
	size_t n;
};

static void on_event(void *arg, const struct kernel_event *ev)
{
	struct events *e = arg;
	if (e->n < 8)
		e->ev[e->n++] = *ev;
}

static struct kernel_sa mksa(const char *src, const char *dst, uint32_t spi)
{
	struct kernel_sa sa = { .id.proto = KERNEL_PROTO_ESP, .id.spi = spi,
				.reqid = 1, .encr = 12 /* ENCR_AES_CBC */,
				.encr_key_len = 16, .integ = 12 /* SHA2_256_128 */,
				.integ_key_len = 32, .replay_window = 32 };
	assert_int_equal(ip_addr_parse(src, &sa.id.src), 0);
	assert_int_equal(ip_addr_parse(dst, &sa.id.dst), 0);
	memset(sa.encr_key, 0xaa, 16);
	memset(sa.integ_key, 0xbb, 32);
	return sa;
}

static void test_sa_lifecycle(void **state)
{
	(void)state;
	struct kernel *k = kernel_sim_new();
	struct kernel_sa sa = mksa("192.0.2.1", "192.0.2.2", 0);
	assert_int_equal(k->ops->get_spi(k, &sa.id.src, &sa.id.dst, 1, &sa.id.spi), 0);
	assert_true(sa.id.spi >= 256);
	assert_int_equal(k->ops->add_sa(k, &sa), 0);
	assert_int_equal(k->ops->add_sa(k, &sa), -RTX_EEXIST);
	assert_int_equal(kernel_sim_sa_count(k), 1);

	uint32_t other;
	assert_int_equal(k->ops->get_spi(k, &sa.id.src, &sa.id.dst, 1, &other), 0);
	assert_int_not_equal(other, sa.id.spi);

	assert_int_equal(kernel_sim_account(k, &sa.id, 1500, 2), 0);
	struct kernel_sa_stats st;
	assert_int_equal(k->ops->query_sa(k, &sa.id, &st), 0);
	assert_int_equal(st.bytes, 1500);
	assert_int_equal(st.packets, 2);

	sa.encap = true;
	sa.encap_sport = sa.encap_dport = 4500;
	assert_int_equal(k->ops->update_sa(k, &sa), 0);
	assert_true(kernel_sim_sa_find(k, &sa.id)->encap);

	assert_int_equal(k->ops->del_sa(k, &sa.id), 0);
	assert_int_equal(k->ops->del_sa(k, &sa.id), -RTX_ENOENT);
	assert_int_equal(k->ops->query_sa(k, &sa.id, &st), -RTX_ENOENT);
	kernel_free(k);
}

static void test_sa_rejects_bad_input(void **state)
{
	(void)state;
	struct kernel *k = kernel_sim_new();
	struct kernel_sa sa = mksa("192.0.2.1", "192.0.2.2", 100);
	assert_int_equal(k->ops->add_sa(k, &sa), -RTX_EINVAL);     /* reserved SPI */
	sa = mksa("192.0.2.1", "2001:db8::2", 0x1000);
	assert_int_equal(k->ops->add_sa(k, &sa), -RTX_EINVAL);     /* mixed families */
	sa = mksa("192.0.2.1", "192.0.2.2", 0x1000);
	sa.encr_key_len = 0;
	assert_int_equal(k->ops->add_sa(k, &sa), -RTX_EINVAL);
	sa = mksa("192.0.2.1", "192.0.2.2", 0x1000);
	assert_int_equal(k->ops->update_sa(k, &sa), -RTX_ENOENT);
	assert_int_equal(kernel_sim_sa_count(k), 0);
	kernel_free(k);
}

static void test_lifetimes_fire_soft_then_hard(void **state)
{
	(void)state;
	struct events evs = { 0 };
	struct kernel *k = kernel_sim_new();
	kernel_set_event_handler(k, on_event, &evs);
	kernel_sim_tick(k, 1000);
	struct kernel_sa sa = mksa("192.0.2.1", "192.0.2.2", 0x2000);
	sa.life = (struct kernel_lifetime){ .soft_secs = 75, .hard_secs = 100 };
	assert_int_equal(k->ops->add_sa(k, &sa), 0);
	struct kernel_sa bytes = mksa("192.0.2.1", "192.0.2.2", 0x2001);
	bytes.life = (struct kernel_lifetime){ .soft_bytes = 750, .hard_bytes = 1000 };
	assert_int_equal(k->ops->add_sa(k, &bytes), 0);

	kernel_sim_tick(k, 1074);
	assert_int_equal(evs.n, 0);
	kernel_sim_tick(k, 1075);
	kernel_sim_tick(k, 1080);   /* soft fires once */
	assert_int_equal(evs.n, 1);
	assert_int_equal(evs.ev[0].type, KERNEL_EV_EXPIRE_SOFT);
	assert_int_equal(evs.ev[0].sa.spi, 0x2000);
	kernel_sim_tick(k, 1100);
	assert_int_equal(evs.n, 2);
	assert_int_equal(evs.ev[1].type, KERNEL_EV_EXPIRE_HARD);
	assert_null(kernel_sim_sa_find(k, &sa.id));

	assert_int_equal(kernel_sim_account(k, &bytes.id, 800, 1), 0);
	assert_int_equal(evs.ev[2].type, KERNEL_EV_EXPIRE_SOFT);
	assert_int_equal(kernel_sim_account(k, &bytes.id, 200, 1), 0);
	assert_int_equal(evs.n, 4);
	assert_int_equal(evs.ev[3].type, KERNEL_EV_EXPIRE_HARD);
	assert_int_equal(kernel_sim_sa_count(k), 0);
	kernel_free(k);
}

static void test_policies_interfaces_routes(void **state)
{
	(void)state;
	struct events evs = { 0 };
	struct kernel *k = kernel_sim_new();
	kernel_set_event_handler(k, on_event, &evs);
	uint32_t if_id = kernel_tunnel_if_id(1);
	struct kernel_policy p = { .id.dir = KERNEL_DIR_OUT, .id.if_id = if_id, .reqid = 7 };
	ip_addr_parse("0.0.0.0", &p.id.src_net);
	ip_addr_parse("0.0.0.0", &p.id.dst_net);
	ip_addr_parse("192.0.2.1", &p.tun_src);
	ip_addr_parse("192.0.2.2", &p.tun_dst);
	assert_int_equal(k->ops->add_policy(k, &p), 0);
	assert_int_equal(k->ops->add_policy(k, &p), -RTX_EEXIST);
	p.id.src_len = 33;
	assert_int_equal(k->ops->add_policy(k, &p), -RTX_EINVAL);
	p.id.src_len = 0;

	assert_int_equal(kernel_sim_acquire(k, if_id), 0);
	assert_int_equal(evs.n, 1);
	assert_int_equal(evs.ev[0].type, KERNEL_EV_ACQUIRE);
	assert_int_equal(evs.ev[0].reqid, 7);
	assert_int_equal(kernel_sim_acquire(k, if_id + 1), -RTX_ENOENT);

	struct kernel_route r = { .dst_len = 24, .tunnel = 1 };
	ip_addr_parse("10.0.2.0", &r.dst);
	assert_int_equal(k->ops->add_route(k, &r), -RTX_ENOENT);   /* no interface yet */
	assert_int_equal(k->ops->add_if(k, 1, if_id), 0);
	assert_int_equal(k->ops->add_if(k, 1, if_id), -RTX_EEXIST);
	assert_int_equal(k->ops->set_if_up(k, 1, true), 0);
	assert_int_equal(k->ops->add_route(k, &r), 0);
	assert_int_equal(k->ops->add_route(k, &r), -RTX_EEXIST);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	kernel_sim_dump(k, f);
	fclose(f);
	assert_non_null(strstr(buf, "policy 0.0.0.0/0 -> 0.0.0.0/0 dir out if_id 0x52540001 tmpl 192.0.2.1 -> 192.0.2.2 reqid 7\n"));
	assert_non_null(strstr(buf, "interface tunnel1 if_id 0x52540001 up\n"));
	assert_non_null(strstr(buf, "route 10.0.2.0/24 dev tunnel1\n"));
	free(buf);

	assert_int_equal(k->ops->del_if(k, 1), 0);
	assert_int_equal(kernel_sim_route_count(k), 0);    /* went with the interface */
	assert_int_equal(k->ops->del_policy(k, &p.id), 0);
	assert_int_equal(k->ops->del_policy(k, &p.id), -RTX_ENOENT);
	kernel_free(k);
}

static void test_flush_and_addr(void **state)
{
	(void)state;
	struct kernel *k = kernel_sim_new();
	struct kernel_sa sa = mksa("2001:db8::1", "2001:db8::2", 0x3000);
	assert_int_equal(k->ops->add_sa(k, &sa), 0);
	assert_int_equal(k->ops->add_if(k, 5, kernel_tunnel_if_id(5)), 0);
	assert_int_equal(k->ops->flush(k), 0);
	assert_int_equal(kernel_sim_sa_count(k), 0);
	assert_int_equal(k->ops->set_if_up(k, 5, true), -RTX_ENOENT);

	struct ip_addr a;
	char buf[64];
	assert_int_equal(ip_addr_parse("2001:db8::2", &a), 0);
	assert_string_equal(ip_addr_str(&a, buf, sizeof(buf)), "2001:db8::2");
	assert_int_equal(ip_addr_parse("300.1.1.1", &a), -RTX_EINVAL);
	enum kernel_backend b;
	assert_int_equal(kernel_backend_parse("netlink", &b), 0);
	assert_int_equal(b, KERNEL_NETLINK);
	assert_int_equal(kernel_backend_parse("xfrm", &b), -RTX_EINVAL);
	kernel_free(k);
}

/* A tunnel interface's own address (a remote-access client's): needs the
 * interface, one at a time, shown in the dump, gone with the interface. */
static void test_tunnel_addr(void **state)
{
	(void)state;
	struct kernel *k = kernel_sim_new();
	struct ip_addr a, b;
	assert_int_equal(ip_addr_parse("10.9.0.1", &a), 0);
	assert_int_equal(ip_addr_parse("10.9.0.2", &b), 0);
	assert_int_equal(k->ops->add_tunnel_addr(k, 1, &a, 32), -RTX_ENOENT);
	assert_int_equal(k->ops->add_if(k, 1, kernel_tunnel_if_id(1)), 0);
	assert_int_equal(k->ops->add_tunnel_addr(k, 1, &a, 32), 0);
	assert_int_equal(k->ops->add_tunnel_addr(k, 1, &b, 32), -RTX_EEXIST);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	kernel_sim_dump(k, f);
	fclose(f);
	assert_non_null(strstr(buf, "address 10.9.0.1/32 dev tunnel1\n"));
	free(buf);
	assert_int_equal(k->ops->del_tunnel_addr(k, 1, &b, 32), -RTX_ENOENT);
	assert_int_equal(k->ops->del_tunnel_addr(k, 1, &a, 32), 0);
	assert_int_equal(k->ops->add_tunnel_addr(k, 1, &b, 32), 0);
	assert_int_equal(k->ops->del_if(k, 1), 0);
	assert_int_equal(k->ops->add_if(k, 1, kernel_tunnel_if_id(1)), 0);
	assert_int_equal(k->ops->del_tunnel_addr(k, 1, &b, 32), -RTX_ENOENT);
	kernel_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_lifecycle),
		cmocka_unit_test(test_sa_rejects_bad_input),
		cmocka_unit_test(test_lifetimes_fire_soft_then_hard),
		cmocka_unit_test(test_policies_interfaces_routes),
		cmocka_unit_test(test_flush_and_addr),
		cmocka_unit_test(test_tunnel_addr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
