#!/bin/bash
# Benchmark, not a test: how long a router with N configured tunnels
# (default 1000) takes to bring them all up against another rtxsh in a
# second network namespace, both with the netlink backend. Tunnel t uses
# its own address pair 10.(100+t/250).(t%250+1).1 <-> .2 on the veth WAN,
# so the responder finds each gateway by address; A has `ipsec auto
# refresh on`, B only answers (its tunnels stand, refresh off). The clock
# runs from A's start to `show ipsec sa` on A and B both listing N IKE SAs
# and N send/recv ESP SAs.
#
# Needs kernel ESP: from the build directory, where the kernel lacks it,
#   tests/vm/run-in-guest ../tests/netns/bench-1000.sh [N]
set -u
n=${1:-1000}
RTXSH=${RTXSH:-$PWD/rtxsh}
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
[ -x "$RTXSH" ] || { echo "no rtxsh at $RTXSH"; exit 99; }
A=rtxbench-$$-a B=rtxbench-$$-b
T=$(mktemp -d "${TMPDIR:-/tmp}/rtxsh-bench.XXXXXX")
PA= PB=
cleanup() {
	for p in $PA $PB; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

addr() { echo "10.$((100 + $1 / 250)).$(($1 % 250 + 1)).$2"; }
# net T SIDE: the LAN behind SIDE that tunnel T serves.
net() { echo "172.$((16 + $1 / 256)).$(($1 % 256)).$((($2 - 1) * 128))/25"; }

# config SIDE(1|2) REFRESH: N tunnels, tunnel t from addr(t, SIDE) to the
# other side, routing the peer's LAN of tunnel t (net t) into it.
config() {
	local me=$1 peer=$((3 - $1)) t
	echo "ipsec auto refresh $2"
	for ((t = 1; t <= n; t++)); do
		echo "ip route $(net "$t" "$peer") gateway tunnel $t"
	done
	for ((t = 1; t <= n; t++)); do
		local l r
		l=$(addr "$t" "$me") r=$(addr "$t" "$peer")
		cat <<EOC
tunnel select $t
 ipsec tunnel $t
  ipsec sa policy $t $t esp aes-cbc sha-hmac
  ipsec ike version $t 2
  ipsec ike pre-shared-key $t text bench-$t
  ipsec ike local address $t $l
  ipsec ike remote address $t $r
  ipsec ike group $t modp2048
 tunnel enable $t
EOC
	done
	echo "tunnel select none"
}

ip netns add "$A" && ip netns add "$B" || exit 1
ip link add wan0 netns "$A" type veth peer name wan0 netns "$B" || exit 1
for side in 1 2; do
	ns=$A; [ $side = 2 ] && ns=$B
	ip -n "$ns" link set lo up
	ip -n "$ns" link set wan0 up
	for ((t = 1; t <= n; t++)); do echo "addr add $(addr "$t" "$side")/24 dev wan0"; done |
		ip -n "$ns" -batch - || exit 1
done
config 1 on >"$T/a.conf"
config 2 off >"$T/b.conf"

start() {
	ip netns exec "$2" "$RTXSH" -k netlink -c "$T/$1.conf" --socket "$T/$1.sock" \
		--log-file "$T/$1.log" </dev/null >"$T/$1.out" 2>"$T/$1.err" &
	eval "P$(echo "$1" | tr ab AB)=$!"
	local i=0
	until [ -S "$T/$1.sock" ]; do
		i=$((i + 1)); [ $i -lt 3000 ] || { echo "rtxsh $1 did not start"; cat "$T/$1.err"; exit 1; }
		sleep 0.1
	done
}
count() {
	echo "show ipsec sa" | "$RTXSH" --connect "$T/$1.sock" |
		sed -n 's/^Total: isakmp:\([0-9]*\) send:\([0-9]*\) recv:\([0-9]*\)$/\1 \2 \3/p'
}

echo "bench-1000: kernel $(uname -r), $n tunnels, rtxsh -k netlink vs rtxsh -k netlink"
t0=$(date +%s.%N)
start b "$B"
t1=$(date +%s.%N)
start a "$A"
t2=$(date +%s.%N)
want="$n $n $n"
until [ "$(count a)" = "$want" ] && [ "$(count b)" = "$want" ]; do
	now=$(date +%s)
	[ $((now - ${t2%.*})) -lt 1200 ] || { echo "not up after 20 min: A $(count a), B $(count b)"; exit 1; }
	sleep 1
done
t3=$(date +%s.%N)
echo "$t0 $t1 $t2 $t3 $n" | awk '{
	printf "B (responder) start with %d tunnels: %.2f s\n", $5, $2 - $1
	printf "A start (config load, standing nothing, sockets): %.2f s\n", $3 - $2
	printf "A start to all %d tunnels up on both sides: %.2f s (%.1f tunnels/s)\n", $5, $4 - $2, $5 / ($4 - $2)
}'
echo "kernel A: $(ip -n "$A" -o xfrm state | wc -l) SAs, $(ip -n "$A" -o xfrm policy | wc -l) policies, $(ip -n "$A" -o link show type xfrm | wc -l) xfrm interfaces"
t4=$(date +%s.%N)
kill -TERM "$PA" "$PB"; wait "$PA" "$PB"; PA= PB=
t5=$(date +%s.%N)
echo "$t4 $t5" | awk '{ printf "SIGTERM of both to exit (all kernel state removed): %.2f s\n", $2 - $1 }'
echo "left in A: $(ip -n "$A" -o xfrm state | wc -l) SAs, $(ip -n "$A" -o xfrm policy | wc -l) policies"
