#!/bin/sh
# Peer restart (issue 15 item 7): two rtxsh processes (sim kernel) over
# real UDP on the loopback, liveness on (rfc4306, 2 s x 3), A with `ipsec
# auto refresh on`. Either side is killed with SIGKILL (no Delete, no
# cleanup) and started again from its config; the test waits (bounded)
# until both show exactly one IKE SA and one send/recv pair again, and
# prints how long that took:
#   - B (the responder) restarted: A's liveness probes go unanswered, A
#     declares the peer dead and starts again (interval x count, plus the
#     retransmissions of the probe);
#   - A (the initiator) restarted: A starts at once with INITIAL_CONTACT,
#     and B drops the SAs of A's former life.
# The sim kernel carries no ESP, so "with traffic" (an acquire or ESP to a
# peer without the SA) is not covered here: that needs the netns test in
# the guest (tests/netns). No timed assertion: the bound (60 s) only stops
# a hung run; the figures are printed.
. "$(dirname "$0")/lib.sh"

# config SELF PEER PEER_LAN [extra line]
config() {
	cat <<EOC
syslog debug on
$4
ip route $3 gateway tunnel 1
tunnel select 1
 ipsec tunnel 1
  ipsec sa policy 1 1 esp aes-cbc sha-hmac
  ipsec ike version 1 2
  ipsec ike pre-shared-key 1 text restart-secret
  ipsec ike local address 1 $1
  ipsec ike remote address 1 $2
  ipsec ike keepalive use 1 on rfc4306 2 3
 tunnel enable 1
EOC
}
config 127.0.0.1 127.0.0.2 10.2.0.0/24 "ipsec auto refresh on" >"$T/a.conf"
config 127.0.0.2 127.0.0.1 10.1.0.0/24 "" >"$T/b.conf"

ike_spi() {
	ask "$1" "show ipsec sa gateway 1 detail" | sed -n '/^Protocol: IKE$/,/^SPI:/s/^SPI: //p'
}

now_ms() { date +%s%3N; }

# until_up WHAT: polls (bounded: 60 s) until both show one IKE SA and one
# pair with the same IKE SPI; sets UP_MS to the time it took from START.
until_up() {
	i=0
	while :; do
		if [ "$(count a)" = "1 1 1" ] && [ "$(count b)" = "1 1 1" ]; then
			sa=$(ike_spi a)
			[ -n "$sa" ] && [ "$sa" = "$(ike_spi b)" ] && break
		fi
		i=$((i + 1))
		[ $i -lt 600 ] || fail "$1: not up again within 60 s (A '$(count a)', B '$(count b)')"
		sleep 0.1
	done
	UP_MS=$(($(now_ms) - START))
}

start_pair 10000

START=$(now_ms)
until_up "first setup"
first=$(ike_spi a)
echo "up: IKE SPI $first (${UP_MS} ms)"

# restart NAME: SIGKILL, start again, and wait for one fresh SA pair.
restart() {
	eval "pid=\$P$(echo "$1" | tr ab AB)"
	old=$(ike_spi a)
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	START=$(now_ms)
	start "$1" "$port"
	until_up "after restarting $1"
	new=$(ike_spi a)
	[ "$new" != "$old" ] || fail "after restarting $1 the old IKE SA $old is still the one shown"
	echo "restart $1 (kill -9): new IKE SA after ${UP_MS} ms"
}

restart b
grep -q "dead peer detection" "$T/a.log" || fail "A re-established without declaring B dead"
# until_up also proves B dropped the SAs of A's former life: it wants
# exactly one IKE SA on B.
restart a
restart b
restart a

stop
exit 0
