noinst_LIBRARIES += libkernel.a
libkernel_a_SOURCES = \
	kernel/kernel.h kernel/kernel.c
