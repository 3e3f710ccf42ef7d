/* The logger: catalogue wording, debug gating, ring buffer, show log format. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/clock.h"
#include "base/log.h"

static struct clock_virtual vclock;

static struct log *mklog(size_t cap)
{
	clock_virtual_init(&vclock, 1764345600); /* 2025-11-28 16:00:00 UTC */
	struct log *l = log_new(cap, &vclock.base);
	assert_non_null(l);
	return l;
}

static void test_catalogue_wording(void **state)
{
	(void)state;
	struct log *l = mklog(16);
	log_set_debug(l, true);
	log_ike(l, "GW:1/SA:2/INIT", LOG_I_RETRANSMIT_REQ, 3u, 4u);
	log_ike(l, NULL, LOG_IKE_HDR_SHORT, (size_t)12, (size_t)28);
	log_ike(l, "SA:7/IKE", LOG_SA_ESTABLISHED);
	log_ike(l, "GW:1/SA:2/INFO", LOG_CHILD_NOT_FOUND, 0xc0ffeeu);
	assert_int_equal(log_count(l), 4);
	assert_string_equal(log_get(l, 0)->text,
			    "[IKE2] GW:1/SA:2/INIT iWindow retransmit request[msgID:3 cnt:4]");
	assert_string_equal(log_get(l, 1)->text, "[IKE2] IKE header size is not enough 12/28");
	assert_string_equal(log_get(l, 2)->text, "[IKE2] SA:7/IKE established");
	assert_string_equal(log_get(l, 3)->text,
			    "[IKE2] GW:1/SA:2/INFO not found CHILD SA, ignored(SPI:00c0ffee)");
	log_free(l);
}

static void test_debug_gating(void **state)
{
	(void)state;
	struct log *l = mklog(16);
	log_ike(l, "SA:1/IKE", LOG_EXCHANGE_STARTED);     /* DEBUG: dropped */
	log_ike(l, "SA:1/IKE", LOG_SA_DELETED);           /* INFO: kept */
	assert_int_equal(log_count(l), 1);
	assert_string_equal(log_get(l, 0)->text, "[IKE2] SA:1/IKE deleted");
	log_set_debug(l, true);
	log_ike(l, "SA:1/IKE", LOG_EXCHANGE_STARTED);
	assert_int_equal(log_count(l), 2);
	log_free(l);
}

static void test_ring_and_print(void **state)
{
	(void)state;
	struct log *l = mklog(3);
	for (int i = 0; i < 5; i++) {
		log_text(l, LOG_INFO, "line %d", i);
		clock_virtual_advance(&vclock, 1000);
	}
	assert_int_equal(log_count(l), 3);
	assert_string_equal(log_get(l, 0)->text, "line 2");
	assert_null(log_get(l, 3));

	setenv("TZ", "UTC", 1);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	log_print(l, f, true);
	fclose(f);
	assert_string_equal(buf, "2025/11/28 16:00:04: line 4\n"
				 "2025/11/28 16:00:03: line 3\n"
				 "2025/11/28 16:00:02: line 2\n");
	free(buf);
	log_clear(l);
	assert_int_equal(log_count(l), 0);
	log_free(l);
}

static void test_every_id_has_text(void **state)
{
	(void)state;
	for (int id = 0; id < LOG_ID_COUNT; id++)
		assert_non_null(log_format((enum log_id)id));
	assert_int_equal(log_id_level(LOG_SA_ESTABLISHED), LOG_INFO);
	assert_int_equal(log_id_level(LOG_SEND_KEEPALIVE), LOG_DEBUG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_wording),
		cmocka_unit_test(test_debug_gating),
		cmocka_unit_test(test_ring_and_print),
		cmocka_unit_test(test_every_id_has_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
