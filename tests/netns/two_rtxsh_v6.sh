#!/bin/bash
# two_rtxsh.sh over IPv6 end to end (issue 12): two rtxsh routers with
# the netlink backend, IKE and ESP over IPv6 (wan0 fd00:250::1 / ::2) and
# an IPv6 LAN behind each (`ipv6 lan1 address`, `ipv6 route ... gateway
# tunnel 1`), each side already routing the other's LAN through the clear
# link, where ICMPv6 echoes are dropped:
#   A: fd00:251:1::1/64 (initiates, auto refresh on)   B: fd00:251:2::1/64
# Covers: the tunnel comes up, SPIs match, pings through ESP with the SA
# counters growing, CHILD SA rekeys driven by a 100-kbyte lifetime under
# a ping that loses nothing, and SIGTERM leaving nothing of rtxsh's.
# Runs in the QEMU guest where this kernel lacks ESP; skips (77) as
# two_rtxsh.sh does.
. "$(dirname "$0")/lib.sh"
netns_prelude rtxnet6
command -v ip6tables >/dev/null || { echo "SKIP: no ip6tables"; exit 77; }
netns_esp_or_guest 300
netns_pair "$A" "$B"
i=1
for ns in "$A" "$B"; do
	# no duplicate address detection: the addresses work at once
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.lan0.accept_dad=0 net.ipv6.conf.wan0.accept_dad=0 \
		net.ipv6.conf.all.forwarding=1 || fail "sysctl in $ns"
	ip -n "$ns" addr add "fd00:250::$i/64" dev wan0 nodad || fail "wan0 address in $ns"
	i=$((i + 1))
done
ip -n "$A" route add fd00:251:2::/64 via fd00:250::2 || fail "host route in $A"
ip -n "$B" route add fd00:251:1::/64 via fd00:250::1 || fail "host route in $B"
for ns in "$A" "$B"; do
	for t in echo-request echo-reply; do
		ip netns exec "$ns" ip6tables -A INPUT -i wan0 -p icmpv6 --icmpv6-type "$t" -j DROP ||
			fail "ip6tables in $ns"
		ip netns exec "$ns" ip6tables -A FORWARD -i wan0 -p icmpv6 --icmpv6-type "$t" -j DROP
	done
done
ip netns exec "$A" ping -n -q -c 1 -W 2 fd00:250::2 >/dev/null 2>&1 &&
	fail "a clear ICMPv6 echo crossed wan0: the drop rules do not hold"

rtx_config fd00:250::1 fd00:250::2 fd00:251:1::1/64 fd00:251:2::/64 on >"$T/a.conf"
rtx_config fd00:250::2 fd00:250::1 fd00:251:2::1/64 fd00:251:1::/64 >"$T/b.conf"
rtx_start b "$B"
rtx_start a "$A"

wait_for a "1 1 1"
wait_for b "1 1 1"
ip -n "$A" -6 route show table 221 fd00:251:2::/64 | grep -q 'dev rtx-tun1' ||
	fail "A: no IPv6 route to B's LAN via rtx-tun1 in table 221"
ip -n "$A" -6 route get fd00:251:2::1 | grep -q 'dev rtx-tun1' ||
	fail "A: the host route wins over rtxsh's"
ping_until_up "$A" fd00:251:1::1 fd00:251:2::1 || fail "no ping through the tunnel within 40 s"
check_spis
ours_states "$A" | grep -q "src fd00:250::1 dst fd00:250::2" ||
	fail "A: no SA of ours between the IPv6 WAN addresses: $(ours_states "$A")"
ping_through "$A" fd00:251:1::1 fd00:251:2::1 10 || fail "10 pings through the tunnel: $PING_RESULT"
check_esp_counters 10
echo "IPv6: IKE and ESP over fd00:250::/64, 10/10 pings LAN to LAN, clear echoes dropped, SA counters grew"

rekeys_under_ping fd00:251:1::1 fd00:251:2::1
wait_for a "1 1 1" 300
wait_for b "1 1 1" 300
check_spis
echo "IPv6 rekey: $SOFT soft expiries, $REKEYS CHILD SA rekeys, $GOT/$SENT pings answered"

rtx_stop a "$PA"; PA=
rtx_stop b "$PB"; PB=
for ns in "$A" "$B"; do
	[ -z "$(ours_states "$ns")" ] || fail "$ns: SAs left after SIGTERM: $(ours_states "$ns")"
	[ -z "$(ours_policies "$ns")" ] || fail "$ns: policies left after SIGTERM: $(ours_policies "$ns")"
	! ip -n "$ns" -6 route show table all | grep -q 'rtx-tun' || fail "$ns: IPv6 route via rtx-tun left"
	! ip -n "$ns" -6 addr show dev lan0 | grep -q 'fd00:251:[12]::1/' ||
		fail "$ns: ipv6 lan1 address left on lan0 after SIGTERM"
done
echo "SIGTERM: no SA, policy, IPv6 route or address of rtxsh left"
exit 0
