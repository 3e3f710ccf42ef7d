#!/bin/sh
# `ipsec ike window-size` (an rtxsh extension, doc/window.md) between two
# rtxsh processes over real UDP on the loopback: both announce 4 and log
# it, keepalive probes (whichever side's falls due) are answered at window
# 4, and a delete still reaches the peer. Then B is restarted without the command: A, still configured for
# 4, logs that it stays at one request of its own.
. "$(dirname "$0")/lib.sh"

# config SELF PEER PEER_LAN WINDOW_LINE [extra line]
config() {
	cat <<EOC
syslog debug on
$5
ip route $3 gateway tunnel 1
tunnel select 1
 ipsec tunnel 1
  ipsec sa policy 1 1 esp aes-cbc sha-hmac
  ipsec ike version 1 2
  ipsec ike pre-shared-key 1 text window-secret
  ipsec ike local address 1 $1
  ipsec ike remote address 1 $2
  ipsec ike keepalive use 1 on rfc4306 1 5
  $4
 tunnel enable 1
EOC
}
config 127.0.0.1 127.0.0.2 10.2.0.0/24 "ipsec ike window-size 1 4" "ipsec auto refresh on" >"$T/a.conf"
config 127.0.0.2 127.0.0.1 10.1.0.0/24 "ipsec ike window-size 1 4" "" >"$T/b.conf"
start_pair 24000
wait_for a "1 1 1"
wait_for b "1 1 1"
grep -q "GW:1/SA:1/AUTH iWindow size\[send:4 receive:4\]" "$T/a.log" ||
	fail "A did not log iWindow size[send:4 receive:4]"
grep -q "GW:1/SA:1/AUTH rWindow size\[send:4 receive:4\]" "$T/b.log" ||
	fail "B did not log rWindow size[send:4 receive:4]"
sleep 2.5   # probes go out where the line is quiet, on either side
cat "$T/a.log" "$T/b.log" | grep -q "received keepalive" || fail "no probe was answered"
! grep -q "Window dropped" "$T/a.log" "$T/b.log" || fail "a request was dropped"
echo "window 4 both ways, probes answered"

ask a "ipsec auto refresh off" >/dev/null
ask a "ipsec sa delete all" >/dev/null
wait_for a "0 0 0"
wait_for b "0 0 0"
echo "deleted on both sides"

# B without the command, as strongSwan or an RTX: A stays at 1.
stop
config 127.0.0.2 127.0.0.1 10.1.0.0/24 "" "" >"$T/b.conf"
: >"$T/a.log"
: >"$T/b.log"
start_pair 24100
wait_for a "1 1 1"
grep -q "iWindow size\[send:1 receive:4\]" "$T/a.log" ||
	fail "A did not log iWindow size[send:1 receive:4] with a peer that announces none"
! grep -q "rWindow size" "$T/b.log" || fail "B logged a window it was not told to use"
echo "peer without SET_WINDOW_SIZE: A stays at 1"
exit 0
