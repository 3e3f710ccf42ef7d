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
set -u
here=$(cd "$(dirname "$0")" && pwd)
RTXSH=${RTXSH:-$PWD/rtxsh}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (network namespaces, XFRM)"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: no ip(8)"; exit 77; }
[ -x "$RTXSH" ] || { echo "FAIL: no rtxsh binary at $RTXSH"; exit 99; }

A=rtxrst-$$-a
B=rtxrst-$$-b
T=$(mktemp -d "${TMPDIR:-/tmp}/rtxsh-restart.XXXXXX")
PA= PB= PING=
cleanup() {
	[ -n "$PING" ] && kill "$PING" 2>/dev/null && wait "$PING" 2>/dev/null
	for p in $PA $PB; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

kernel_can() {
	ip netns add "$A" 2>/dev/null || return 100
	ip -n "$A" xfrm state add src 192.0.2.9 dst 192.0.2.8 proto esp spi 0x99 mode tunnel \
		enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff \
		auth-trunc 'hmac(sha256)' 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 128 \
		2>/dev/null && ip -n "$A" link add rtxprobe type xfrm if_id 7 2>/dev/null
	local rc=$?
	ip netns del "$A"
	return $rc
}
kernel_can
case $? in
0) ;;
100) echo "SKIP: cannot create a network namespace"; exit 77 ;;
*)
	[ -z "${RTX_IN_GUEST:-}" ] || { echo "FAIL: the guest kernel lacks ESP or xfrm interfaces"; exit 1; }
	echo "peer_restart: host kernel $(uname -r) lacks ESP/xfrm interfaces: running in a guest"
	"$here/../vm/run-in-guest" --check || exit 77
	RTX_VM_TIMEOUT=${RTX_VM_TIMEOUT:-600} exec "$here/../vm/run-in-guest" \
		env RTX_IN_GUEST=1 RTXSH="$RTXSH" KEEP="${KEEP:-}" "$here/peer_restart.sh"
	;;
esac

. "$here/lib.sh"
echo "peer_restart: kernel $(uname -r)"
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
