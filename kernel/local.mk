noinst_LIBRARIES += libkernel.a
libkernel_a_SOURCES = \
	kernel/kernel.h kernel/kernel.c \
	kernel/kernel_sim.c

check_PROGRAMS += tests/unit/test_kernel_sim
tests_unit_test_kernel_sim_SOURCES = tests/unit/test_kernel_sim.c
tests_unit_test_kernel_sim_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_kernel_sim_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_kernel_sim

check_PROGRAMS += tests/unit/test_kernel_sim_model
tests_unit_test_kernel_sim_model_SOURCES = tests/unit/test_kernel_sim_model.c
tests_unit_test_kernel_sim_model_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_kernel_sim_model_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_kernel_sim_model
include kernel/netlink.mk
