/* What the raw ESP and UDP sockets of `ipsec log illegal-spi` read, parsed
 * without root: an IPv4 datagram with its header, an IPv6 payload starting
 * at ESP or UDP. Every truncation and every damaged header is refused, none read
 * past the buffer (ASan builds would say so). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "base/err.h"
#include "kernel/kernel_nl.h"

/* 192.0.2.7 -> 198.51.100.1, ESP, with one 4-byte option (IHL 6), SPI
 * 0x1234abcd, sequence number 1. */
static const uint8_t v4_opt[] = {
	0x46, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x40, 0x32, 0x00, 0x00,
	192, 0, 2, 7, 198, 51, 100, 1,
	0x01, 0x01, 0x01, 0x00,
	0x12, 0x34, 0xab, 0xcd, 0x00, 0x00, 0x00, 0x01,
};

static void test_parse4(void **state)
{
	(void)state;
	struct kernel_sa_id id;
	assert_int_equal(kernel_nl_esp_parse4(v4_opt, sizeof(v4_opt), &id), 0);
	assert_int_equal(id.spi, 0x1234abcd);
	assert_int_equal(id.proto, KERNEL_PROTO_ESP);
	assert_int_equal(id.src.family, AF_INET);
	assert_int_equal(id.dst.family, AF_INET);
	assert_memory_equal(id.src.bytes, v4_opt + 12, 4);
	assert_memory_equal(id.dst.bytes, v4_opt + 16, 4);
	/* The SPI is all a read needs; a shorter one stops short of it. */
	assert_int_equal(kernel_nl_esp_parse4(v4_opt, 28, &id), 0);
	for (size_t len = 0; len < 28; len++)
		assert_int_equal(kernel_nl_esp_parse4(v4_opt, len, &id), -RTX_EPARSE);
}

/* One damage at a time: each is refused. */
static void test_parse4_damaged(void **state)
{
	(void)state;
	static const struct { size_t at; uint8_t value; } damage[] = {
		{ 0, 0x66 },   /* version 6 */
		{ 0, 0x44 },   /* IHL 4: shorter than the fixed header */
		{ 0, 0x4f },   /* IHL 15: 60 bytes, past the buffer */
		{ 9, 17 },     /* UDP, not ESP */
		{ 7, 0x01 },   /* a later fragment: no ESP header there */
		{ 6, 0x1f },
	};
	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		uint8_t p[sizeof(v4_opt)];
		memcpy(p, v4_opt, sizeof(p));
		p[damage[i].at] = damage[i].value;
		struct kernel_sa_id id;
		assert_int_equal(kernel_nl_esp_parse4(p, sizeof(p), &id), -RTX_EPARSE);
	}
	/* More fragments (MF) of a first fragment still start with ESP. */
	uint8_t p[sizeof(v4_opt)];
	memcpy(p, v4_opt, sizeof(p));
	p[6] = 0x20;
	struct kernel_sa_id id;
	assert_int_equal(kernel_nl_esp_parse4(p, sizeof(p), &id), 0);
	assert_int_equal(id.spi, 0x1234abcd);
}

static void test_parse6(void **state)
{
	(void)state;
	static const uint8_t esp[] = { 0xc0, 0x00, 0x01, 0x00, 0, 0, 0, 9 };
	uint32_t spi = 0;
	assert_int_equal(kernel_nl_esp_parse6(esp, sizeof(esp), &spi), 0);
	assert_int_equal(spi, 0xc0000100);
	for (size_t len = 0; len < 4; len++)
		assert_int_equal(kernel_nl_esp_parse6(esp, len, &spi), -RTX_EPARSE);
}

/* 192.0.2.7:4501 -> 198.51.100.1:4500, UDP length 24: SPI 0x0000beef,
 * sequence number 1, eight more octets. */
static const uint8_t udp4[] = {
	0x45, 0x00, 0x00, 0x2c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	192, 0, 2, 7, 198, 51, 100, 1,
	0x11, 0x95, 0x11, 0x94, 0x00, 0x18, 0x00, 0x00,
	0x00, 0x00, 0xbe, 0xef, 0x00, 0x00, 0x00, 0x01, 1, 2, 3, 4, 5, 6, 7, 8,
};

static void test_espinudp(void **state)
{
	(void)state;
	struct kernel_sa_id id;
	uint16_t sport = 0;
	assert_int_equal(kernel_nl_espinudp_parse4(udp4, sizeof(udp4), 4500, &id, &sport), 0);
	assert_int_equal(id.spi, 0xbeef);
	assert_int_equal(sport, 4501);
	assert_memory_equal(id.src.bytes, udp4 + 12, 4);
	assert_memory_equal(id.dst.bytes, udp4 + 16, 4);
	/* The read needs the SPI only; anything shorter is refused. */
	for (size_t len = 0; len < 32; len++)
		assert_int_equal(kernel_nl_espinudp_parse4(udp4, len, 4500, &id, &sport),
				 -RTX_EPARSE);
	assert_int_equal(kernel_nl_espinudp_parse4(udp4, 32, 4500, &id, &sport), 0);
	/* Another port; not UDP; the IKE marker; no more than an ESP header
	 * after UDP (the kernel passes that up as IKE). */
	assert_int_equal(kernel_nl_espinudp_parse4(udp4, sizeof(udp4), 4501, &id, &sport),
			 -RTX_EPARSE);
	static const struct { size_t at; uint8_t value; } damage[] = {
		{ 9, 50 }, { 28, 0 }, { 23, 0x95 }, { 25, 16 }, { 0, 0x44 }, { 7, 1 },
	};
	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		uint8_t p[sizeof(udp4)];
		memcpy(p, udp4, sizeof(p));
		p[damage[i].at] = damage[i].value;
		if (damage[i].at == 28)
			p[30] = p[31] = 0;   /* a zero SPI: the marker */
		assert_int_equal(kernel_nl_espinudp_parse4(p, sizeof(p), 4500, &id, &sport),
				 -RTX_EPARSE);
	}
	uint32_t spi = 0;
	assert_int_equal(kernel_nl_espinudp_parse6(udp4 + 20, sizeof(udp4) - 20, 4500, &spi,
						   &sport), 0);
	assert_int_equal(spi, 0xbeef);
	for (size_t len = 0; len < 12; len++)
		assert_int_equal(kernel_nl_espinudp_parse6(udp4 + 20, len, 4500, &spi, &sport),
				 -RTX_EPARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse4),
		cmocka_unit_test(test_parse4_damaged),
		cmocka_unit_test(test_parse6),
		cmocka_unit_test(test_espinudp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
