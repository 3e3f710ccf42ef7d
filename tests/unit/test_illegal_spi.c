/* `ipsec log illegal-spi on` (reference 1.23) on the sim backend: ESP
 * for an SPI without SA is logged with SPI and sender, at most ten a
 * second on the router's clock; ESP for an installed SA is not; with the
 * switch off the kernel does not watch and nothing is logged. */
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
#include "base/err.h"
#include "base/log.h"
#include "engine/illegal_spi.h"
#include "engine/router.h"
#include "shell/cli.h"

#include "tests/unit/router_fixture.h"

static struct ip_addr addr(const char *text)
{
	struct ip_addr a;
	assert_int_equal(ip_addr_parse(text, &a), 0);
	return a;
}

static struct fx *started(const char *config)
{
	struct fx *f = fx_start((struct router_opts){
		.kernel = KERNEL_SIM, .ike_port = (uint16_t)(34000 + (getpid() % 4000) * 2) });
	if (config)
		run(f, config);
	assert_int_equal(router_start(f->r, stderr), 0);
	return f;
}

/* ESP from 192.0.2.7 to us (198.51.100.1) with spi; 1 when the sim
 * reported it to the engine. */
static int esp(struct fx *f, const char *from, uint32_t spi, uint16_t port)
{
	struct ip_addr src = addr(from), dst = addr("198.51.100.1");
	return kernel_sim_esp(f->r->kernel, &src, &dst, spi, port);
}

/* How many log lines contain text. */
static size_t lines_with(struct fx *f, const char *text)
{
	size_t n = 0;
	for (size_t i = 0; i < log_count(f->r->log); i++)
		if (strstr(log_get(f->r->log, i)->text, text))
			n++;
	return n;
}

static void test_unknown_spi_logged(void **state)
{
	(void)state;
	struct fx *f = started("ipsec log illegal-spi on\n");
	assert_int_equal(esp(f, "192.0.2.7", 0x1234abcd, 0), 1);
	assert_int_equal(lines_with(f, "[IPSEC] illegal SPI 0x1234abcd from 192.0.2.7"), 1);
	/* ESP-in-UDP names the sender's port; IPv6 senders as written. */
	assert_int_equal(esp(f, "203.0.113.9", 0xc0000001, 4500), 1);
	assert_int_equal(lines_with(f, "[IPSEC] illegal SPI 0xc0000001 from 203.0.113.9[4500]"), 1);
	struct ip_addr src = addr("2001:db8::7"), dst = addr("2001:db8::1");
	assert_int_equal(kernel_sim_esp(f->r->kernel, &src, &dst, 0x100, 0), 1);
	assert_int_equal(lines_with(f, "[IPSEC] illegal SPI 0x00000100 from 2001:db8::7"), 1);
	fx_free(f);
}

static void test_known_spi_quiet(void **state)
{
	(void)state;
	struct fx *f = started("ipsec log illegal-spi on\n");
	struct kernel_sa sa = {
		.id = { .src = addr("192.0.2.7"), .dst = addr("198.51.100.1"), .spi = 0xabcd0001,
			.proto = KERNEL_PROTO_ESP },
		.inbound = true, .encr = 12, .encr_key_len = 16,
	};
	assert_int_equal(f->r->kernel->ops->add_sa(f->r->kernel, &sa), 0);
	assert_int_equal(esp(f, "192.0.2.7", 0xabcd0001, 0), 0);
	assert_int_equal(lines_with(f, "illegal SPI"), 0);
	struct kernel_sa_stats st;
	assert_int_equal(f->r->kernel->ops->query_sa(f->r->kernel, &sa.id, &st), 0);
	assert_int_equal(st.packets, 1);   /* the SA took it */
	/* The same SPI to another of our addresses has no SA: the kernel
	 * looks SAs up by destination too. */
	struct ip_addr src = addr("192.0.2.7"), other = addr("198.51.100.2");
	assert_int_equal(kernel_sim_esp(f->r->kernel, &src, &other, 0xabcd0001, 0), 1);
	assert_int_equal(lines_with(f, "illegal SPI 0xabcd0001 from 192.0.2.7"), 1);
	fx_free(f);
}

/* Ten lines in one second of the virtual clock; the eleventh packet of
 * that second is reported by the kernel but not logged; the next second
 * logs again. */
static void test_rate_limit(void **state)
{
	(void)state;
	struct fx *f = started("ipsec log illegal-spi on\n");
	clock_virtual_advance(&f->clock, 5000);   /* into a second of its own */
	for (uint32_t i = 0; i < ILLEGAL_SPI_PER_SEC + 1; i++) {
		assert_int_equal(esp(f, "192.0.2.7", 0x5000 + i, 0), 1);
		clock_virtual_advance(&f->clock, 10);
	}
	assert_int_equal(lines_with(f, "illegal SPI"), ILLEGAL_SPI_PER_SEC);
	assert_int_equal(lines_with(f, "illegal SPI 0x00005009 "), 1);
	assert_int_equal(lines_with(f, "illegal SPI 0x0000500a "), 0);
	clock_virtual_advance(&f->clock, 1000);
	assert_int_equal(esp(f, "192.0.2.7", 0x6000, 0), 1);
	assert_int_equal(lines_with(f, "illegal SPI 0x00006000 from 192.0.2.7"), 1);
	fx_free(f);
}

/* The limiter alone: a fixed window per second of the clock. */
static void test_limiter_window(void **state)
{
	(void)state;
	struct clock_virtual c;
	clock_virtual_init(&c, 1700000000);
	struct log *l = log_new(64, &c.base);
	assert_non_null(l);
	struct illegal_spi s = { 0 };
	struct kernel_event ev = { .type = KERNEL_EV_UNKNOWN_SPI,
				   .sa = { .src = addr("192.0.2.7"), .spi = 0x777 } };
	clock_virtual_advance(&c, 999);
	for (int i = 0; i < ILLEGAL_SPI_PER_SEC; i++)
		assert_true(illegal_spi_report(&s, l, &c.base, &ev));
	assert_false(illegal_spi_report(&s, l, &c.base, &ev));
	clock_virtual_advance(&c, 1);   /* 1000 ms: a new second */
	assert_true(illegal_spi_report(&s, l, &c.base, &ev));
	assert_int_equal(log_count(l), ILLEGAL_SPI_PER_SEC + 1);
	ev.type = KERNEL_EV_ACQUIRE;    /* not its business */
	assert_false(illegal_spi_report(&s, l, &c.base, &ev));
	log_free(l);
}

/* Off (the default): the sim does not watch and nothing is logged; on and
 * off again closes the watch. */
static void test_switch_off(void **state)
{
	(void)state;
	struct fx *f = started(NULL);
	assert_int_equal(esp(f, "192.0.2.7", 0x1234abcd, 0), 0);
	run(f, "ipsec log illegal-spi on\n");
	assert_int_equal(esp(f, "192.0.2.7", 0x1234abcd, 0), 1);
	run(f, "ipsec log illegal-spi off\n");
	assert_int_equal(esp(f, "192.0.2.7", 0x1234abcd, 0), 0);
	run(f, "no ipsec log illegal-spi\n");
	assert_int_equal(esp(f, "192.0.2.7", 0x1234abcd, 0), 0);
	assert_int_equal(lines_with(f, "illegal SPI"), 1);
	/* A packet the kernel reports after the switch went off (read before
	 * the watch closed) is still not logged. */
	assert_int_equal(f->r->kernel->ops->watch_spi(f->r->kernel, true), 0);
	assert_int_equal(esp(f, "192.0.2.7", 0x1234abcd, 0), 1);
	assert_int_equal(lines_with(f, "illegal SPI"), 1);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_spi_logged),
		cmocka_unit_test(test_known_spi_quiet),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_limiter_window),
		cmocka_unit_test(test_switch_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
