/* The icmp-echo keepalive's packets on the netlink backend, without root:
 * echo requests as built (ICMP checksum, identifier, sequence, length),
 * echo replies as a raw ICMP socket reads them, and every truncation or
 * damaged header refused. */
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

/* The Internet checksum over a whole message that carries its own is 0. */
static uint16_t sum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void test_build(void **state)
{
	(void)state;
	uint8_t buf[1600];
	size_t n = kernel_nl_echo_build(AF_INET, 64, 0x1234, 7, buf, sizeof(buf));
	assert_int_equal(n, 72);
	assert_int_equal(buf[0], 8);                   /* echo request */
	assert_int_equal(buf[1], 0);
	assert_int_equal(buf[4] << 8 | buf[5], 0x1234);
	assert_int_equal(buf[6] << 8 | buf[7], 7);
	assert_int_equal(sum(buf, n), 0);
	n = kernel_nl_echo_build(AF_INET, 63, 0xffff, 0xffff, buf, sizeof(buf));   /* odd */
	assert_int_equal(sum(buf, n), 0);
	n = kernel_nl_echo_build(AF_INET6, 100, 1, 2, buf, sizeof(buf));
	assert_int_equal(n, 108);
	assert_int_equal(buf[0], 128);                 /* ICMPv6 echo request */
	assert_int_equal(buf[2] | buf[3], 0);          /* the kernel's to fill */
	assert_int_equal(kernel_nl_echo_build(AF_INET, 1500, 1, 1, buf, sizeof(buf)), 1508);
	assert_int_equal(kernel_nl_echo_build(AF_INET, 1501, 1, 1, buf, sizeof(buf)), 0);
	assert_int_equal(kernel_nl_echo_build(AF_INET, 64, 1, 1, buf, 71), 0);
}

/* 10.0.2.1 -> 10.0.1.1, ICMP echo reply id 0x1234 seq 7. */
static const uint8_t reply4[] = {
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
	10, 0, 2, 1, 10, 0, 1, 1,
	0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x07,
};

static void test_parse4(void **state)
{
	(void)state;
	struct ip_addr src;
	uint16_t id, seq;
	assert_int_equal(kernel_nl_echo_parse4(reply4, sizeof(reply4), &src, &id, &seq), 0);
	assert_int_equal(src.family, AF_INET);
	assert_memory_equal(src.bytes, reply4 + 12, 4);
	assert_int_equal(id, 0x1234);
	assert_int_equal(seq, 7);
	for (size_t len = 0; len < sizeof(reply4); len++)
		assert_int_equal(kernel_nl_echo_parse4(reply4, len, &src, &id, &seq), -RTX_EPARSE);
	static const struct { size_t at; uint8_t value; } damage[] = {
		{ 0, 0x65 }, { 0, 0x44 }, { 0, 0x46 }, { 9, 6 }, { 20, 8 }, { 20, 3 }, { 21, 1 },
	};
	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		uint8_t p[sizeof(reply4)];
		memcpy(p, reply4, sizeof(p));
		p[damage[i].at] = damage[i].value;
		assert_int_equal(kernel_nl_echo_parse4(p, sizeof(p), &src, &id, &seq), -RTX_EPARSE);
	}
}

static void test_parse6(void **state)
{
	(void)state;
	static const uint8_t reply6[] = { 129, 0, 0xab, 0xcd, 0x00, 0x05, 0x01, 0x00 };
	uint16_t id, seq;
	assert_int_equal(kernel_nl_echo_parse6(reply6, sizeof(reply6), &id, &seq), 0);
	assert_int_equal(id, 5);
	assert_int_equal(seq, 0x100);
	for (size_t len = 0; len < sizeof(reply6); len++)
		assert_int_equal(kernel_nl_echo_parse6(reply6, len, &id, &seq), -RTX_EPARSE);
	uint8_t req[sizeof(reply6)];
	memcpy(req, reply6, sizeof(req));
	req[0] = 128;                                  /* a request, not a reply */
	assert_int_equal(kernel_nl_echo_parse6(req, sizeof(req), &id, &seq), -RTX_EPARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_parse4),
		cmocka_unit_test(test_parse6),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
