#!/bin/bash
# Two rtxsh routers with the netlink backend in two network namespaces,
# carrying real ESP between their LANs (issue 5):
#   A: wan0 10.250.0.1, lan1 10.251.1.1/24     B: wan0 10.250.0.2, lan1 10.251.2.1/24
# The WAN is a veth pair between the namespaces; each LAN is a veth pair
# kept inside its namespace (no dummy interfaces on our kernels), mapped
# with --interface lan1=lan0 so `ip lan1 address` lands on it.
#
# One run covers, in order: the LAN address and the standing tunnel
# (interface, policies, route, no SA) of `ipsec auto refresh off`; the
# first ping raising an XFRM acquire that brings the tunnel up; matching
# SPIs in `show ipsec sa` and in the kernel; the ping going through ESP
# (clear ICMP on the WAN is dropped by iptables, the SA counters grow);
# `ipsec sa delete all` and re-establishment by the next ping; CHILD SA
# rekeys under a continuous ping (the 100-kbyte lifetime of the config:
# the kernel's soft byte expiry starts each rekey) losing no packet;
# host routes to the peer LAN through the clear link that rtxsh's own
# table (221) overrides without touching them; SIGTERM removing all of rtxsh's kernel state and none of the
# foreign SA, policy, interface, route and address installed beforehand.
#
# Needs kernel ESP and xfrm interfaces: where this host lacks them, the
# whole run moves into one boot of the QEMU guest (tests/vm/run-in-guest).
# Skips (77) when not root or when neither can run it.
. "$(dirname "$0")/lib.sh"
netns_prelude rtxnetns
command -v iptables >/dev/null || { echo "SKIP: no iptables"; exit 77; }
netns_esp_or_guest 400
netns_pair "$A" "$B"
foreign_state "$A"
# B's foreign interface is in rtxsh's own link group (0x52540000): rtxsh
# must not delete its interfaces as a group there, A's go as one.
foreign_state "$B" 1381236736
# As on any host, each side already routes the other's LAN through the
# clear link (where ICMP is dropped below): rtxsh's tunnel route must win
# from its own table (221) without touching these.
ip -n "$A" route add 10.251.2.0/24 via 10.250.0.2 || fail "host route in $A"
ip -n "$B" route add 10.251.1.0/24 via 10.250.0.1 || fail "host route in $B"
# Clear ICMP on the WAN never counts: only ESP can carry the ping.
for ns in "$A" "$B"; do
	ip netns exec "$ns" iptables -A INPUT -i wan0 -p icmp -j DROP || fail "iptables in $ns"
	ip netns exec "$ns" iptables -A FORWARD -i wan0 -p icmp -j DROP
done
snapshot_foreign "$A" >"$T/a.foreign.before"
snapshot_foreign "$B" >"$T/b.foreign.before"

rtx_config 10.250.0.1 10.250.0.2 10.251.1.1/24 10.251.2.0/24 >"$T/a.conf"
rtx_config 10.250.0.2 10.250.0.1 10.251.2.1/24 10.251.1.0/24 >"$T/b.conf"
rtx_start a "$A"
rtx_start b "$B"

# ---- standing tunnel: LAN address, interface, policies, route; no SA ----
ip -n "$A" -4 addr show dev lan0 | grep -q 'inet 10.251.1.1/24' || fail "A: ip lan1 address not on lan0"
ip -n "$B" -4 addr show dev lan0 | grep -q 'inet 10.251.2.1/24' || fail "B: ip lan1 address not on lan0"
for ns in "$A" "$B"; do
	ip -n "$ns" link show rtx-tun1 >/dev/null 2>&1 || fail "$ns: no rtx-tun1 before any SA"
	[ "$(ours_policies "$ns" | wc -l)" = 3 ] || fail "$ns: want 3 standing policies, have: $(ours_policies "$ns")"
	[ -z "$(ours_states "$ns")" ] || fail "$ns: SAs before any traffic: $(ours_states "$ns")"
done
ip -n "$A" route show table 221 10.251.2.0/24 | grep -q 'dev rtx-tun1' ||
	fail "A: no route to B's LAN via rtx-tun1 in table 221"
ip -n "$A" rule show | grep -q '^221:.*lookup 221' || fail "A: no ip rule for table 221"
ip -n "$A" route get 10.251.2.1 | grep -q 'dev rtx-tun1' || fail "A: the host route wins over rtxsh's"
[ "$(count a)" = "0 0 0" ] || fail "A has SAs before traffic: $(count a)"
echo "standing: lan0 addresses, rtx-tun1, 3 policies and the route each side, no SA"

# ---- the first ping raises an acquire and the tunnel comes up ----
ping_until_up "$A" 10.251.1.1 10.251.2.1 || fail "no ping through the tunnel within 40 s"
grep -q 'XFRM acquire: traffic for tunnel 1' "$T/a.log" || fail "A logged no XFRM acquire"
wait_for a "1 1 1"
wait_for b "1 1 1"
echo "acquire: the first pings brought the tunnel up ($PINGS_LOST lost before it)"

check_spis
ping_through "$A" 10.251.1.1 10.251.2.1 10 || fail "10 pings through the tunnel: $PING_RESULT"
check_esp_counters 10
echo "ESP: 10/10 pings, clear ICMP dropped on wan0, SA counters grew"

# ---- delete all; the next ping re-establishes ----
ask a "ipsec sa delete all" >/dev/null
wait_for a "0 0 0"
wait_for b "0 0 0"
[ -z "$(ours_states "$A")" ] || fail "A: SAs left after delete all: $(ours_states "$A")"
[ -z "$(ours_states "$B")" ] || fail "B: SAs left after delete all: $(ours_states "$B")"
[ "$(ours_policies "$A" | wc -l)" = 3 ] || fail "A: standing policies gone with the SAs"
n_acq=$(grep -c 'XFRM acquire: traffic for tunnel 1' "$T/a.log")
ping_until_up "$A" 10.251.1.1 10.251.2.1 || fail "no ping after delete all within 40 s"
[ "$(grep -c 'XFRM acquire: traffic for tunnel 1' "$T/a.log")" -gt "$n_acq" ] ||
	fail "A re-established without a new acquire"
wait_for a "1 1 1"
wait_for b "1 1 1"
check_spis
echo "delete all: kernel SAs gone, policies kept, the next ping re-established ($PINGS_LOST lost)"

# ---- CHILD SA rekeys under a continuous ping ----
rekeys_under_ping 10.251.1.1 10.251.2.1
wait_for a "1 1 1" 300
wait_for b "1 1 1" 300
check_spis
echo "rekey: $SOFT soft expiries, $REKEYS CHILD SA rekeys, $GOT/$SENT pings answered"

# ---- SIGTERM: nothing of ours left, everything foreign intact ----
rtx_stop a "$PA"; PA=
rtx_stop b "$PB"; PB=
for ns in "$A" "$B"; do
	[ -z "$(ours_states "$ns")" ] || fail "$ns: SAs left after SIGTERM: $(ours_states "$ns")"
	[ -z "$(ours_policies "$ns")" ] || fail "$ns: policies left after SIGTERM: $(ours_policies "$ns")"
	! ip -n "$ns" link show | grep -q 'rtx-tun' || fail "$ns: rtx-tun interface left after SIGTERM"
	! ip -n "$ns" route show table all | grep -q 'rtx-tun' || fail "$ns: route via rtx-tun left after SIGTERM"
	! ip -n "$ns" rule show | grep -q 'lookup 221' || fail "$ns: ip rule of table 221 left after SIGTERM"
	! ip -n "$ns" -4 addr show dev lan0 | grep -q 'inet 10.251.[12].1/' ||
		fail "$ns: lan1 address left on lan0 after SIGTERM"
done
snapshot_foreign "$A" | diff "$T/a.foreign.before" - || fail "A: foreign state changed"
snapshot_foreign "$B" | diff "$T/b.foreign.before" - || fail "B: foreign state changed"
echo "SIGTERM: no SA, policy, interface, route or address of rtxsh left; foreign state intact"
exit 0
