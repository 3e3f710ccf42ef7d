# rtxsh against strongSwan (Debian's charon + swanctl), in network
# namespaces; both drivers skip (77) without root, namespaces or charon.
# host.sh: layer 1 on this host (rtxsh -k sim, charon's user-space ESP),
# a few minutes. guest.sh: layer 2 with real kernel ESP (rtxsh -k netlink,
# charon's kernel-netlink), moved into the QEMU guest of tests/vm when this
# kernel lacks ESP (its ra-* cells: remote access, tests/interop/ra-cells.sh).
# eap.sh: strongSwan EAP-MD5 road-warriors (one, and three at once) against
# rtxsh's remote-access server (host layer, seconds). export.sh: charon
# loads what `show config tunnel 1 swanctl` prints and the tunnel comes up
# either way round (host layer, under a minute).
# tests/interop/bench-rate.sh is a benchmark, not a test.
INTEROP_TESTS = tests/interop/host.sh tests/interop/guest.sh tests/interop/eap.sh \
	tests/interop/export.sh
TESTS += $(INTEROP_TESTS)
EXTRA_DIST += $(INTEROP_TESTS) tests/interop/lib.sh tests/interop/charon.sh \
	tests/interop/rtx.sh tests/interop/compare.sh tests/interop/cells.sh \
	tests/interop/ra-cells.sh tests/interop/pki.sh \
	tests/interop/expected-failures tests/interop/bench-rate.sh doc/interop.md
