# The netlink kernel backend (Linux XFRM through libnl), its tests and the
# QEMU guest harness for kernels without ESP.
libkernel_a_SOURCES += \
	kernel/kernel_netlink.h kernel/kernel_nl.h \
	kernel/kernel_nl_algs.c kernel/kernel_nl_build.c \
	kernel/kernel_netlink.c kernel/kernel_nl_track.c kernel/kernel_nl_probe.c \
	kernel/kernel_nl_addr.c kernel/kernel_nl_rule.c kernel/kernel_nl_spi.c \
	kernel/kernel_nl_ping.c

check_PROGRAMS += tests/unit/test_kernel_nl_build
tests_unit_test_kernel_nl_build_SOURCES = tests/unit/test_kernel_nl_build.c
tests_unit_test_kernel_nl_build_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_kernel_nl_build_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_kernel_nl_build

check_PROGRAMS += tests/unit/test_kernel_nl_track
tests_unit_test_kernel_nl_track_SOURCES = tests/unit/test_kernel_nl_track.c
tests_unit_test_kernel_nl_track_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_kernel_nl_track_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_kernel_nl_track

check_PROGRAMS += tests/unit/test_kernel_nl_spi
tests_unit_test_kernel_nl_spi_SOURCES = tests/unit/test_kernel_nl_spi.c
tests_unit_test_kernel_nl_spi_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_kernel_nl_spi_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_kernel_nl_spi

check_PROGRAMS += tests/unit/test_kernel_nl_ping
tests_unit_test_kernel_nl_ping_SOURCES = tests/unit/test_kernel_nl_ping.c
tests_unit_test_kernel_nl_ping_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_kernel_nl_ping_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_kernel_nl_ping

# Root tests: each makes its own network namespace(s) and skips (77)
# without root. nl_host runs against this host's kernel; nl_tunnel.sh
# needs kernel ESP and moves into a QEMU guest (tests/vm) when the host
# lacks it.
check_PROGRAMS += tests/kernel/nl_host
tests_kernel_nl_host_SOURCES = tests/kernel/nl_host.c
tests_kernel_nl_host_LDADD = $(TEST_LDADD)
TESTS += tests/kernel/nl_host.sh
EXTRA_DIST += tests/kernel/nl_host.sh tests/vm/run-in-guest

check_PROGRAMS += tests/kernel/nl_tunnel
tests_kernel_nl_tunnel_SOURCES = tests/kernel/nl_tunnel.c
tests_kernel_nl_tunnel_LDADD = $(TEST_LDADD)
TESTS += tests/kernel/nl_tunnel.sh
EXTRA_DIST += tests/kernel/nl_tunnel.sh
EXTRA_DIST += doc/kernel.md tests/vm/bench-sa-rate.sh
EXTRA_DIST += tests/kernel/check.h
