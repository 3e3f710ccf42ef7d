#!/bin/sh
# A manually keyed ESP tunnel between two namespaces, installed by the
# netlink backend (tests/kernel/nl_tunnel), with a ping through it. Needs
# kernel ESP and xfrm interfaces: when this host lacks them the whole test
# moves into a QEMU guest (tests/vm/run-in-guest). Skips (77) when not
# root, or when neither the host nor a guest can run it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$(pwd)/tests/kernel/nl_tunnel
[ -x "$bin" ] || bin=$here/nl_tunnel
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: no ip(8)"; exit 77; }

a=rtxtest-$$-a
b=rtxtest-$$-b
cleanup() { ip netns del "$a" 2>/dev/null; ip netns del "$b" 2>/dev/null; }
trap cleanup EXIT INT TERM HUP

# Can this kernel carry the tunnel? Asked with ip(8) in a scratch namespace.
kernel_can() {
	ip netns add "$a" 2>/dev/null || return 100
	ip netns exec "$a" ip xfrm state add src 192.0.2.9 dst 192.0.2.8 proto esp spi 0x99 \
		mode tunnel aead 'rfc4106(gcm(aes))' 0x00112233445566778899aabbccddeeff00112233 128 \
		2>/dev/null &&
		ip netns exec "$a" ip link add rtxprobe type xfrm if_id 7 2>/dev/null
	rc=$?
	ip netns del "$a"
	return $rc
}

kernel_can
case $? in
0) ;;
100) echo "SKIP: cannot create a network namespace"; exit 77 ;;
*)
	[ -z "${RTX_IN_GUEST:-}" ] || { echo "FAIL: the guest kernel lacks ESP or xfrm interfaces"; exit 1; }
	echo "nl_tunnel: host kernel $(uname -r) lacks ESP/xfrm interfaces: running in a guest"
	"$here/../vm/run-in-guest" --check || exit 77
	exec "$here/../vm/run-in-guest" env RTX_IN_GUEST=1 "$here/nl_tunnel.sh"
	;;
esac

ip netns add "$a" && ip netns add "$b" || { echo "SKIP: cannot create namespaces"; exit 77; }
ip link add eth0 netns "$a" type veth peer name eth0 netns "$b" || exit 1
for ns in "$a" "$b"; do
	ip netns exec "$ns" ip link set lo up
	ip netns exec "$ns" ip link set eth0 up
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0
done
ip netns exec "$a" ip addr add 10.250.0.1/24 dev eth0
ip netns exec "$b" ip addr add 10.250.0.2/24 dev eth0
ip netns exec "$a" ip addr add 10.251.1.1/24 dev lo
ip netns exec "$b" ip addr add 10.251.2.1/24 dev lo
# As on any host, each side already routes the other's LAN through the
# clear link: the tunnel's route goes into rtxsh's own table beside it.
ip netns exec "$a" ip route add 10.251.2.0/24 via 10.250.0.2
ip netns exec "$b" ip route add 10.251.1.0/24 via 10.250.0.1
echo "nl_tunnel: kernel $(uname -r)"
"$bin" test "$a" "$b"
