noinst_LIBRARIES += libengine.a
libengine_a_SOURCES = \
	engine/err.h engine/err.c \
	engine/clock.h engine/clock.c \
	engine/log.h engine/log.c \
	engine/model.h engine/model.c \
	engine/router.h engine/router.c \
	engine/config.h engine/config.c

check_PROGRAMS += tests/unit/test_config
tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_config_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_config

# Each part of the engine lists its own files and tests in its fragment.
include engine/codec.mk
include engine/crypto.mk
