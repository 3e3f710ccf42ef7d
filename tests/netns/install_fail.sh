#!/bin/bash
# A CHILD SA the Linux kernel refuses leaves no half-alive tunnel (issue
# 12): two rtxsh routers (-k netlink) in namespaces as in two_rtxsh.sh, A
# with `ipsec auto refresh on`. Before A starts, a blackhole route for
# B's LAN sits in rtxsh's table 221, so A's tunnel route is refused
# (EEXIST) when the first CHILD SA installs. Checked: A logs the failure
# in plain words, tells B, which keeps no CHILD SA of its own; `show
# status tunnel 1` says why it is down; A retries with back-off; once the
# blocking route is gone the next try brings the tunnel up and a ping goes
# through ESP; SIGTERM leaves no rule or route of rtxsh.
#
# Needs xfrm interfaces and ESP: moves into the QEMU guest where the host
# lacks them. Skips (77) when not root or when neither can run it.
. "$(dirname "$0")/lib.sh"
netns_prelude rtxfail
netns_esp_or_guest 400
netns_pair "$A" "$B"
ip -n "$A" route add blackhole 10.251.2.0/24 table 221 || fail "blocking route in $A"

rtx_config 10.250.0.1 10.250.0.2 10.251.1.1/24 10.251.2.0/24 on >"$T/a.conf"
rtx_config 10.250.0.2 10.250.0.1 10.251.2.1/24 10.251.1.0/24 >"$T/b.conf"
rtx_start b "$B"
rtx_start a "$A"

# ---- the refusal: logged, the peer told, no CHILD SA anywhere ----
i=0
until grep -q 'tunnel 1: the CHILD SA could not be installed: adding the route 10.251.2.0/24 to tunnel 1 failed' "$T/a.log"; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "A logged no refused CHILD SA"
	sleep 0.1
done
grep -q 'the peer is told to delete it; trying again in' "$T/a.log" || fail "A's line lacks the Delete / retry"
grep -q 'add route 10.251.2.0/24 via tunnel 1 (table 221) failed: .*(EEXIST)' "$T/a.log" ||
	fail "A logged no EEXIST from the kernel"
wait_for b "1 0 0"
[ -z "$(ours_states "$B")" ] || fail "B keeps SAs of the refused CHILD SA: $(ours_states "$B")"
ask a "show status tunnel 1" | grep -q 'Down because adding the route 10.251.2.0/24 to tunnel 1 failed' ||
	fail "show status tunnel 1 does not say why: $(ask a 'show status tunnel 1')"
echo "refused: logged, B told (no CHILD SA on B), show status tunnel says why"

# ---- the block goes; a retry brings the tunnel up ----
ip -n "$A" route del blackhole 10.251.2.0/24 table 221 || fail "removing the blocking route"
wait_for a "1 1 1" 700
wait_for b "1 1 1"
ping_until_up "$A" 10.251.1.1 10.251.2.1 || fail "no ping through the tunnel after the retry"
[ "$(grep -c 'trying again in' "$T/a.log")" -ge 1 ] || fail "no retry logged"
ask a "show status tunnel 1" | grep -q 'Down because' && fail "show status tunnel still says down"
echo "retried: the tunnel came up after $(grep -c 'could not be installed' "$T/a.log") refusal(s)"

# ---- SIGTERM: no rule or route of rtxsh left ----
rtx_stop a "$PA"; PA=
rtx_stop b "$PB"; PB=
for ns in "$A" "$B"; do
	! ip -n "$ns" rule show | grep -q 'lookup 221' || fail "$ns: rule of table 221 left"
	[ -z "$(ip -n "$ns" route show table 221 2>/dev/null)" ] || fail "$ns: routes left in table 221"
	[ -z "$(ours_states "$ns")" ] || fail "$ns: SAs left after SIGTERM"
done
echo "SIGTERM: no rule, route or SA of rtxsh left"
exit 0
