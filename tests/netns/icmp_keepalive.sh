#!/bin/bash
# `ipsec ike keepalive use 1 on icmp-echo 10.251.2.1 length=100 2 3` on
# router A of two rtxsh with the netlink backend (reference 1.14 form 3):
#   A: wan0 10.250.0.1, lan1 10.251.1.1/24     B: wan0 10.250.0.2, lan1 10.251.2.1/24
# A pings B's LAN address through the tunnel every 2 s (clear ICMP on the
# WAN is dropped, so only ESP can carry it) and logs each echo and reply;
# `show status tunnel 1` shows the icmp-echo block. Then B drops all ESP:
# three echoes go unanswered and A declares the peer dead.
# Needs kernel ESP: where this host lacks it, the run moves into the QEMU
# guest (tests/vm/run-in-guest). Skips (77) when not root or neither can.
. "$(dirname "$0")/lib.sh"
netns_prelude rtxicmp
command -v iptables >/dev/null || { echo "SKIP: no iptables"; exit 77; }
netns_esp_or_guest 300
netns_pair "$A" "$B"
for ns in "$A" "$B"; do
	ip netns exec "$ns" iptables -A INPUT -i wan0 -p icmp -j DROP || fail "iptables in $ns"
done
{ rtx_config 10.250.0.1 10.250.0.2 10.251.1.1/24 10.251.2.0/24 on
  echo "ipsec ike keepalive use 1 on icmp-echo 10.251.2.1 length=100 2 3"; } >"$T/a.conf"
rtx_config 10.250.0.2 10.250.0.1 10.251.2.1/24 10.251.1.0/24 >"$T/b.conf"
rtx_start b "$B"
rtx_start a "$A"

log_wait a 'GW:1/SA:[0-9]+/INFO send keepalive'
log_wait a 'GW:1/SA:[0-9]+/INFO received keepalive'
status=$(ask a "show status tunnel 1")
echo "$status" | grep -q '\[Type\]: icmp-echo' || fail "no icmp-echo block: $status"
echo "$status" | grep -q '\[Status\]: OK' || fail "keepalive status not OK: $status"
echo "$status" | grep -Eq '\[Next send\]: [0-9]+ sec after' || fail "no next send: $status"
grep -q 'dead peer detection' "$T/a.log" && fail "A declared B dead while B answers"
echo "icmp_keepalive: echoes answered through the tunnel"

ip netns exec "$B" iptables -I INPUT -i wan0 -p esp -j DROP || fail "iptables esp in $B"
log_wait a 'SA:[0-9]+/IKE dead peer detection' 200
echo "icmp_keepalive: dead peer declared after three unanswered echoes"
rtx_stop a "$PA"; PA=
rtx_stop b "$PB"; PB=
