/* The router's kernel-side config: `--interface lanN=IFNAME` and its
 * defaults, `ip lanN address` in the typed config, and standing tunnels
 * (policies, interface and route kept without CHILD SA under `ipsec auto
 * refresh off`, so an acquire starts the exchange), on the sim backend. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"
#include "engine/config.h"
#include "base/err.h"
#include "engine/ike.h"
#include "engine/router.h"
#include "shell/cli.h"

#include "tests/unit/router_fixture.h"

/* A port pair of our own, so parallel runs rarely meet. */
static struct fx *fx_new(void)
{
	return fx_start((struct router_opts){
		.kernel = KERNEL_SIM, .ike_port = (uint16_t)(30000 + (getpid() % 5000) * 2) });
}

/* The console output of one command. */
static const char *ask(struct fx *f, const char *line)
{
	fflush(f->outf);
	size_t from = f->outlen;
	cli_exec(f->s, line, 0);
	fflush(f->outf);
	return f->out + from;
}

static const char tunnel1[] =
	"syslog debug on\n"
	"ip lan1 address 192.168.10.1/24\n"
	"ip route 10.2.0.0/24 gateway tunnel 1\n"
	"tunnel select 1\n"
	"ipsec tunnel 1\n"
	"ipsec sa policy 1 1 esp aes-cbc sha-hmac\n"
	"ipsec ike version 1 2\n"
	"ipsec ike pre-shared-key 1 text secret\n"
	"ipsec ike local address 1 127.0.0.1\n"
	"ipsec ike remote address 1 127.0.0.2\n"
	"tunnel enable 1\n"
	"tunnel select none\n";

static void test_interface_map(void **state)
{
	(void)state;
	struct fx *f = fx_new();
	char buf[32];
	assert_string_equal(router_lan_ifname(f->r, 1, buf, sizeof(buf)), "eth0");
	assert_string_equal(router_lan_ifname(f->r, 3, buf, sizeof(buf)), "eth2");
	assert_int_equal(router_map_interface(f->r, "lan1=veth0"), 0);
	assert_int_equal(router_map_interface(f->r, "LAN16=lan-x"), 0);
	assert_string_equal(router_lan_ifname(f->r, 1, buf, sizeof(buf)), "veth0");
	assert_string_equal(router_lan_ifname(f->r, 16, buf, sizeof(buf)), "lan-x");
	assert_int_equal(router_map_interface(f->r, "lan1=wan0"), 0);   /* the last one counts */
	assert_string_equal(router_lan_ifname(f->r, 1, buf, sizeof(buf)), "wan0");
	static const char *const bad[] = {
		"lan0=eth0", "lan17=eth0", "lan1", "lan1=", "lanx=eth0", "pp1=eth0",
		"lan1=0123456789abcdef", "lan1=a/b", "lan1=a b", "lan01x=eth0", "=eth0",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(router_map_interface(f->r, bad[i]), -RTX_EINVAL);
	assert_string_equal(router_lan_ifname(f->r, 1, buf, sizeof(buf)), "wan0");
	fx_free(f);
}

static void test_lan_address_config(void **state)
{
	(void)state;
	struct fx *f = fx_new();
	run(f, "ip lan1 address 192.168.10.1/24\nip lan2 address dhcp\n"
	       "ip lan3 address 2001:db8::1/64\n");
	const struct ipsec_config *c = f->r->ipsec;
	char buf[64];
	assert_true(c->lan[1].set);
	assert_string_equal(ip_addr_str(&c->lan[1].addr, buf, sizeof(buf)), "192.168.10.1");
	assert_int_equal(c->lan[1].len, 24);
	assert_false(c->lan[2].set);
	if (c->lan[3].set) {   /* where the grammar takes IPv6 prefixes */
		assert_string_equal(ip_addr_str(&c->lan[3].addr, buf, sizeof(buf)), "2001:db8::1");
		assert_int_equal(c->lan[3].len, 64);
	}
	run(f, "no ip lan1 address\n");
	assert_false(f->r->ipsec->lan[1].set);
	fx_free(f);
}

/* The Yamaha spelling of IPv6: `ipv6 lanN address` beside lanN's IPv4
 * address, `ipv6 route` into the same route table as `ip route` (default
 * is ::/0); an IPv4 prefix is refused there. */
static void test_ipv6_lines(void **state)
{
	(void)state;
	struct fx *f = fx_new();
	run(f, "ip lan1 address 192.168.10.1/24\nipv6 lan1 address 2001:db8:a::1/64\n"
	       "ipv6 route 2001:db8:b::/64 gateway tunnel 1\nipv6 route default gateway tunnel 2\n"
	       "ipv6 lan1 dhcp service server\nipv6 filter 1 pass * * *\n");
	const struct ipsec_config *c = f->r->ipsec;
	char buf[64];
	assert_true(c->lan[1].set);
	assert_string_equal(ip_addr_str(&c->lan[1].addr, buf, sizeof(buf)), "192.168.10.1");
	assert_true(c->lan6[1].set);
	assert_string_equal(ip_addr_str(&c->lan6[1].addr, buf, sizeof(buf)), "2001:db8:a::1");
	assert_int_equal(c->lan6[1].len, 64);
	assert_int_equal(c->n_routes, 2);
	for (size_t i = 0; i < c->n_routes; i++) {
		const struct route_config *r = &c->routes[i];
		assert_int_equal(r->net.family, AF_INET6);
		assert_int_equal(r->len, r->tunnel == 1 ? 64 : 0);
	}
	assert_int_equal(cli_exec(f->s, "ipv6 route 10.0.0.0/8 gateway tunnel 1", 0), -RTX_EPARSE);
	assert_int_equal(cli_exec(f->s, "ipv6 lan2 address 10.0.0.1/8", 0), -RTX_EPARSE);
	run(f, "no ipv6 lan1 address\nno ipv6 route 2001:db8:b::/64\n");
	assert_false(f->r->ipsec->lan6[1].set);
	assert_true(f->r->ipsec->lan[1].set);
	assert_int_equal(f->r->ipsec->n_routes, 1);
	fx_free(f);
}

/* Refresh off: after start, tunnel 1 stands (interface, three policies,
 * its route, no SA); an acquire on its if_id starts IKE_SA_INIT; refresh
 * on takes the standing policies away again (the router initiates by
 * itself then), and so does `tunnel disable`. */
static void test_standing_tunnel(void **state)
{
	(void)state;
	struct fx *f = fx_new();
	run(f, tunnel1);
	run(f, "ipsec auto refresh off\n");
	assert_int_equal(router_start(f->r, stderr), 0);
	struct kernel *k = f->r->kernel;
	assert_true(ike_tunnel_standing(f->r->engine, 1));
	assert_int_equal(kernel_sim_policy_count(k), 3);
	assert_int_equal(kernel_sim_route_count(k), 1);
	assert_int_equal(kernel_sim_sa_count(k), 0);
	assert_null(strstr(ask(f, "show log"), "INIT exchange started"));

	assert_int_equal(kernel_sim_acquire(k, kernel_tunnel_if_id(1)), 0);
	assert_non_null(strstr(ask(f, "show log"), "GW:1/SA:1/INIT exchange started"));
	/* The exchange's SPI allocation is not a policy: still three. */
	assert_int_equal(kernel_sim_policy_count(k), 3);

	run(f, "ipsec auto refresh on\n");
	assert_false(ike_tunnel_standing(f->r->engine, 1));
	assert_int_equal(kernel_sim_policy_count(k), 0);
	assert_int_equal(kernel_sim_route_count(k), 0);

	run(f, "ipsec auto refresh off\n");
	assert_int_equal(kernel_sim_policy_count(k), 3);
	run(f, "tunnel disable 1\n");
	assert_false(ike_tunnel_standing(f->r->engine, 1));
	assert_int_equal(kernel_sim_policy_count(k), 0);
	run(f, "tunnel enable 1\n");
	assert_int_equal(kernel_sim_policy_count(k), 3);
	fx_free(f);
}

/* No peer address to send to (a responder for "any"): nothing stands. */
static void test_no_standing_without_peer(void **state)
{
	(void)state;
	struct fx *f = fx_new();
	run(f, tunnel1);
	run(f, "ipsec ike remote address 1 any\nipsec auto refresh off\n");
	assert_int_equal(router_start(f->r, stderr), 0);
	assert_false(ike_tunnel_standing(f->r->engine, 1));
	assert_int_equal(kernel_sim_policy_count(f->r->kernel), 0);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interface_map),
		cmocka_unit_test(test_lan_address_config),
		cmocka_unit_test(test_ipv6_lines),
		cmocka_unit_test(test_standing_tunnel),
		cmocka_unit_test(test_no_standing_without_peer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
