#!/bin/bash
# Peer restart with real ESP (issue 15 item 7): two rtxsh routers with the
# netlink backend in two network namespaces (as two_rtxsh.sh), liveness on
# (rfc4306, 2 s x 3), A with `ipsec auto refresh on`. Each router is
# killed with SIGKILL (its kernel state left behind, no Delete sent) and
# started again from its config, which removes what the dead one left:
#   - without traffic: until both show one IKE SA and one pair again;
#   - with traffic: a ping a fifth of a second from A's LAN to B's runs
#     across the restart, until replies come back through the new SAs.
# Prints each re-establish time; no timed assertion (a 90 s bound only
# stops a hung run). Needs kernel ESP: where the host lacks it, the run
# moves into the QEMU guest (tests/vm/run-in-guest), as two_rtxsh.sh.
. "$(dirname "$0")/lib.sh"
netns_prelude rtxrst
netns_esp_or_guest 600
netns_pair "$A" "$B"
{ rtx_config 10.250.0.1 10.250.0.2 10.251.1.1/24 10.251.2.0/24 on
  echo "ipsec ike keepalive use 1 on rfc4306 2 3"; } >"$T/a.conf"
{ rtx_config 10.250.0.2 10.250.0.1 10.251.2.1/24 10.251.1.0/24 off
  echo "ipsec ike keepalive use 1 on rfc4306 2 3"; } >"$T/b.conf"
rtx_start a "$A"
rtx_start b "$B"
wait_for a "1 1 1" 300
wait_for b "1 1 1" 300
echo "up: A and B each show one IKE SA and one pair"

now_ms() { date +%s%3N; }
ike_spi() {
	ask "$1" "show ipsec sa gateway 1 detail" | sed -n '/^Protocol: IKE$/,/^SPI:/s/^SPI: //p'
}

# kill9 NAME: SIGKILL, its socket left behind like its kernel state.
kill9() {
	local pid
	eval "pid=\$P$(echo "$1" | tr ab AB)"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	rm -f "$T/$1.sock"     # rtx_start waits for the new one to appear
}

# both_up: one IKE SA and one pair on both, with the same IKE SPI (90 s).
both_up() {
	local i=0 s
	while :; do
		if [ "$(count a)" = "1 1 1" ] && [ "$(count b)" = "1 1 1" ]; then
			s=$(ike_spi a)
			[ -n "$s" ] && [ "$s" = "$(ike_spi b)" ] && return 0
		fi
		i=$((i + 1))
		[ $i -lt 900 ] || fail "$1: not up again within 90 s (A '$(count a)', B '$(count b)')"
		sleep 0.1
	done
}

# restart NAME NS traffic|idle
restart() {
	local name=$1 ns=$2 mode=$3 old start i=0
	old=$(ike_spi a)
	if [ "$mode" = traffic ]; then
		ip netns exec "$A" ping -n -i 0.2 -W 1 -I 10.251.1.1 10.251.2.1 \
			>"$T/ping.out" 2>&1 &
		PING=$!
		sleep 1
		grep -q 'bytes from' "$T/ping.out" || fail "no ping through the tunnel before the restart"
	fi
	kill9 "$name"
	start=$(now_ms)
	rtx_start "$name" "$ns"
	both_up "restart $name ($mode)"
	if [ "$mode" = traffic ]; then
		# replies again: the output grows with new "bytes from" lines
		local seen
		seen=$(grep -c 'bytes from' "$T/ping.out")
		while [ "$(grep -c 'bytes from' "$T/ping.out")" = "$seen" ]; do
			i=$((i + 1))
			[ $i -lt 900 ] || fail "restart $name: pings not answered again within 90 s"
			sleep 0.1
		done
		kill "$PING"; wait "$PING" 2>/dev/null; PING=
	fi
	local ms=$(($(now_ms) - start))
	[ "$(ike_spi a)" != "$old" ] || fail "restart $name: the old IKE SA $old is still shown"
	[ "$(ours_states "$ns" | wc -l)" -le 4 ] || fail "restart $name: SAs of the dead router left in its kernel"
	echo "restart $name (kill -9, $mode): re-established after $ms ms"
}

restart b "$B" idle
restart a "$A" idle
restart b "$B" traffic
restart a "$A" traffic

rtx_stop a "$PA"; PA=
rtx_stop b "$PB"; PB=
exit 0
