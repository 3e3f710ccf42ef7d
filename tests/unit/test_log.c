/* The logger: catalogue wording, debug gating, ring buffer, show log format. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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

static size_t count_prefix(struct log *l, const char *prefix)
{
	size_t n = 0;
	for (size_t i = 0; i < log_count(l); i++)
		n += strncmp(log_get(l, i)->text, prefix, strlen(prefix)) == 0;
	return n;
}

/* Issue 15 item 4: bad-input lines pass LOG_RL_BURST times per source and
 * message, then one per interval; what was held back is counted and said. */
static void test_rate_limit_per_source(void **state)
{
	(void)state;
	struct log *l = mklog(4096);
	log_set_debug(l, true);
	log_set_source(l, "192.0.2.9");
	for (int i = 0; i < 1000; i++)
		log_ike(l, "GW:*/SA:*/INIT", LOG_MSG_SHORT, (size_t)3, (size_t)28);
	assert_int_equal(log_count(l), LOG_RL_BURST);
	assert_int_equal(log_suppressed(l), 1000 - LOG_RL_BURST);
	/* another message and another source have their own budget */
	log_ike(l, "GW:*/SA:*/INIT", LOG_NO_IKE_SA);
	log_set_source(l, "198.51.100.1");
	log_ike(l, "GW:*/SA:*/INIT", LOG_MSG_SHORT, (size_t)3, (size_t)28);
	assert_int_equal(log_count(l), LOG_RL_BURST + 2);
	/* lines that are not about bad input are never held back */
	for (int i = 0; i < 50; i++)
		log_ike(l, "SA:1/IKE", LOG_EXCHANGE_STARTED);
	assert_int_equal(log_count(l), LOG_RL_BURST + 52);
	/* a second later one passes, preceded by the count */
	clock_virtual_advance(&vclock, LOG_RL_INTERVAL_MS);
	log_set_source(l, "192.0.2.9");
	log_ike(l, "GW:*/SA:*/INIT", LOG_MSG_SHORT, (size_t)3, (size_t)28);
	size_t n = log_count(l);
	assert_string_equal(log_get(l, n - 2)->text,
			    "[LOG] 990 similar lines from 192.0.2.9 suppressed");
	assert_string_equal(log_get(l, n - 1)->text,
			    "[IKE2] GW:*/SA:*/INIT message size is not enough 3/28");
	/* without a source (our own events) nothing is limited */
	log_set_source(l, NULL);
	for (int i = 0; i < 100; i++)
		log_ike(l, NULL, LOG_NO_IKE_SA);
	assert_int_equal(log_count(l), n + 100);
	log_free(l);
}

/* Many sources: the all-sources budget bounds the total. */
static void test_rate_limit_all_sources(void **state)
{
	(void)state;
	struct log *l = mklog(100000);
	log_set_debug(l, true);
	char src[32];
	for (int i = 0; i < 10000; i++) {
		snprintf(src, sizeof(src), "10.%d.%d.1", i / 256, i % 256);
		log_set_source(l, src);
		log_ike(l, NULL, LOG_AUTH_WRONG);
		log_text_limited(l, LOG_DEBUG, "[IKE2] ignored %s", src);
	}
	assert_int_equal(log_count(l), LOG_RL_ALL_BURST);
	assert_int_equal(log_suppressed(l), 20000 - LOG_RL_ALL_BURST);
	clock_virtual_advance(&vclock, 1000);
	log_set_source(l, "192.0.2.1");
	log_ike(l, NULL, LOG_AUTH_WRONG);
	assert_int_equal(count_prefix(l, "[LOG] "), 1);
	assert_true(strstr(log_get(l, log_count(l) - 2)->text, "lines from other sources suppressed"));
	log_free(l);
}

static void test_line_cut(void **state)
{
	(void)state;
	struct log *l = mklog(4);
	char big[5000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	log_text(l, LOG_INFO, "%s", big);
	assert_int_equal(strlen(log_get(l, 0)->text), LOG_LINE_MAX);
	assert_string_equal(log_get(l, 0)->text + LOG_LINE_MAX - 3, "...");
	log_free(l);
}

/* --log-file: 0600, and rotated to FILE.1 so that it stays bounded. */
static void test_log_file_bounded(void **state)
{
	(void)state;
	char dir[] = "/tmp/rtxsh-logtest.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64], old[72];
	snprintf(path, sizeof(path), "%s/log", dir);
	snprintf(old, sizeof(old), "%s.1", path);
	struct log *l = mklog(8);
	assert_int_equal(log_open_file(l, path, 4096), 0);
	for (int i = 0; i < 1000; i++)
		log_text(l, LOG_INFO, "line %d of a log that would grow without end", i);
	struct stat st, st1;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(stat(old, &st1), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st1.st_mode & 0777, 0600);
	assert_true(st.st_size <= 4096);
	assert_true(st1.st_size <= 4096 && st1.st_size > 3000);
	log_free(l);
	/* the newest line is in FILE */
	FILE *f = fopen(path, "r");
	char buf[4200];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	assert_non_null(strstr(buf, "line 999 of"));
	unlink(path);
	unlink(old);
	rmdir(dir);
	assert_int_not_equal(log_open_file(l = mklog(2), "/nonexistent/dir/log", 0), 0);
	log_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_wording),
		cmocka_unit_test(test_debug_gating),
		cmocka_unit_test(test_ring_and_print),
		cmocka_unit_test(test_every_id_has_text),
		cmocka_unit_test(test_rate_limit_per_source),
		cmocka_unit_test(test_rate_limit_all_sources),
		cmocka_unit_test(test_line_cut),
		cmocka_unit_test(test_log_file_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
