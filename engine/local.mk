noinst_LIBRARIES += libengine.a
libengine_a_SOURCES = \
	engine/model.h engine/model.c \
	engine/router.h engine/router.c \
	engine/config.h engine/config.c \
	engine/transport.h engine/transport.c engine/udp.c \
	engine/memnet.h engine/memnet.c

check_PROGRAMS += tests/unit/test_config
tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_config_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_config

check_PROGRAMS += tests/unit/test_transport
tests_unit_test_transport_SOURCES = tests/unit/test_transport.c
tests_unit_test_transport_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_transport_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_transport

# Each part of the engine lists its own files and tests in its fragment.
include engine/codec.mk
include engine/crypto.mk
include engine/ike.mk
include engine/pki.mk
include engine/eap.mk
include engine/diagnosis.mk
