# The netlink kernel backend (Linux XFRM through libnl), its tests and the
# QEMU guest harness for kernels without ESP.
libkernel_a_SOURCES += \
	kernel/kernel_netlink.h kernel/kernel_nl.h \
	kernel/kernel_nl_algs.c kernel/kernel_nl_build.c \
	kernel/kernel_netlink.c

# The kernel library logs through the engine's logger, and libkernel.a
# links after libengine.a: name the engine again for drivers that only
# reach it through the kernel.
KERNEL_NL_TEST_LDADD = $(TEST_LDADD) libengine.a $(RTX_EXTERNAL_LIBS)

check_PROGRAMS += tests/unit/test_kernel_nl_build
tests_unit_test_kernel_nl_build_SOURCES = tests/unit/test_kernel_nl_build.c
tests_unit_test_kernel_nl_build_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_kernel_nl_build_LDADD = $(KERNEL_NL_TEST_LDADD)
TESTS += tests/unit/test_kernel_nl_build
