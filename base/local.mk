# The base every layer may use (errors, the clock, the logger, addresses):
# its own library, linked last, so the kernel layer can log without a cycle.
noinst_LIBRARIES += libbase.a
libbase_a_SOURCES = \
	base/err.h base/err.c \
	base/clock.h base/clock.c \
	base/log.h base/log.c \
	base/ip_addr.h base/ip_addr.c \
	base/addr_count.h base/addr_count.c \
	base/pos_index.h base/pos_index.c

check_PROGRAMS += tests/unit/test_log
tests_unit_test_log_SOURCES = tests/unit/test_log.c
tests_unit_test_log_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_log_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_log

check_PROGRAMS += tests/unit/test_addr_count
tests_unit_test_addr_count_SOURCES = tests/unit/test_addr_count.c
tests_unit_test_addr_count_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_addr_count_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_addr_count

check_PROGRAMS += tests/unit/test_pos_index
tests_unit_test_pos_index_SOURCES = tests/unit/test_pos_index.c
tests_unit_test_pos_index_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_pos_index_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_pos_index
