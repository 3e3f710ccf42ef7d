# Two rtxsh routers with the netlink backend in network namespaces
# carrying ESP (root; skipped with 77 otherwise). Where this kernel lacks
# ESP the whole scenario runs in one boot of the QEMU guest of tests/vm.
# no_esp.sh is the reverse: the failure paths on a kernel without ESP
# (it skips where the kernel has it).
# tests/netns/bench-1000.sh is a benchmark, not a test.
# peer_restart.sh: kill -9 and restart of either router, with and without
# traffic (issue 15), in the guest as two_rtxsh.sh. two_rtxsh_v6.sh: the
# pair over IPv6 end to end (issue 12).
TESTS += tests/netns/two_rtxsh.sh tests/netns/no_esp.sh tests/netns/install_fail.sh \
	tests/netns/peer_restart.sh tests/netns/two_rtxsh_v6.sh tests/netns/illegal_spi.sh \
	tests/netns/icmp_keepalive.sh
EXTRA_DIST += tests/netns/two_rtxsh.sh tests/netns/no_esp.sh tests/netns/install_fail.sh \
	tests/netns/lib.sh tests/netns/bench-1000.sh tests/netns/peer_restart.sh \
	tests/netns/two_rtxsh_v6.sh tests/netns/illegal_spi.sh tests/netns/icmp_keepalive.sh

# illegal_spi.sh: `ipsec log illegal-spi` seeing hand-built ESP (esp_send).
check_PROGRAMS += tests/netns/esp_send
tests_netns_esp_send_SOURCES = tests/netns/esp_send.c

# The router's kernel-side config on the sim backend: --interface,
# ip lanN address, standing tunnels and acquire.
check_PROGRAMS += tests/unit/test_router_kernel
tests_unit_test_router_kernel_SOURCES = tests/unit/test_router_kernel.c
tests_unit_test_router_kernel_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_router_kernel_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_router_kernel
