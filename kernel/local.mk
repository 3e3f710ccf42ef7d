noinst_LIBRARIES += libkernel.a
libkernel_a_SOURCES = \
	kernel/kernel.h kernel/kernel.c \
	kernel/kernel_sim.c kernel/sim_index.h kernel/sim_index.c

check_PROGRAMS += tests/unit/test_kernel_sim
tests_unit_test_kernel_sim_SOURCES = tests/unit/test_kernel_sim.c
tests_unit_test_kernel_sim_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_kernel_sim_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_kernel_sim

check_PROGRAMS += tests/unit/test_sim_index
tests_unit_test_sim_index_SOURCES = tests/unit/test_sim_index.c
tests_unit_test_sim_index_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_sim_index_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_sim_index
include kernel/netlink.mk
