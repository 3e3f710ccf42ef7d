#!/bin/sh
# Runs tests/kernel/nl_host (the netlink backend against this host's
# kernel) in a network namespace of its own, removed on every exit path.
# Skips (77) when not root or when namespaces cannot be made.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${NL_HOST_BIN:-./tests/kernel/nl_host}
[ -x "$bin" ] || bin=$here/nl_host
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (network namespaces, XFRM)"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: no ip(8)"; exit 77; }
ns=rtxtest-$$-host
trap 'ip netns del "$ns" 2>/dev/null' EXIT INT TERM HUP
ip netns add "$ns" 2>/dev/null || { echo "SKIP: cannot create a network namespace"; exit 77; }
nsx() { ip netns exec "$ns" "$@"; }
nsx ip link set lo up
# Routes over lo never see XFRM (DST_NOXFRM): the acquire test needs a veth.
nsx ip link add rtxv0 type veth peer name rtxv1 || { echo "SKIP: no veth"; exit 77; }
nsx ip link set rtxv0 up
nsx ip link set rtxv1 up
nsx ip addr add 10.99.0.1/24 dev rtxv0
nsx ip route add 10.98.0.0/24 dev rtxv0

# Can this kernel hold an ESP SA? Asked with ip-xfrm, not the code under test.
expect_esp=0
if nsx ip xfrm state add src 192.0.2.9 dst 192.0.2.8 proto esp spi 0x99 mode tunnel \
	enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff \
	auth-trunc 'hmac(sha256)' 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 128 \
	2>/dev/null; then
	expect_esp=1
	nsx ip xfrm state flush
fi
echo "nl_host: kernel $(uname -r), ESP SAs possible: $expect_esp"
nsx "$bin" "$expect_esp" || exit 1
# Whatever the driver did, nothing of ours may remain.
# (The kernel's own larval state from the acquire test has SPI 0.)
left=$(nsx ip xfrm state | grep 'spi 0x' | grep -v 'spi 0x00000000'
	nsx ip xfrm policy; nsx ip -o link show | grep rtx-tun
	nsx ip rule show | grep '^221:'; nsx ip -6 rule show | grep '^221:')
[ -z "$left" ] || { echo "FAIL: left behind:"; echo "$left"; exit 1; }
exit 0
