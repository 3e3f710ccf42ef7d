#!/bin/bash
# Benchmark, not a test: how long a router with N configured tunnels
# (default 1000) takes to bring them all up against another rtxsh in a
# second network namespace, both with the netlink backend. Tunnel t uses
# its own address pair 10.(100+t/250).(t%250+1).1 <-> .2 on the veth WAN,
# so the responder finds each gateway by address; A has `ipsec auto
# refresh on` and `ipsec ike always-on` (a failed attempt is tried again
# a retry interval later instead of pausing the gateway), B only answers
# (its tunnels stand, refresh off). The clock
# runs from A's start to `show ipsec sa` on A and B both listing N IKE SAs
# and N send/recv ESP SAs.
#
# Then, in the same run, the reference: the same N tunnels (addresses,
# PSKs, LANs, aes128-sha256-modp2048 / ESP aes128-sha1) between two
# strongSwan charons with kernel-netlink, A starting them all at once
# and, like rtxsh's always-on, retrying failed ones (keyingtries = 0),
# timed the same way from A's load to 2N ESP SAs in both kernels
# (NO_CHARON=1 leaves it out; skipped without charon and swanctl).
#
# The model is vRX (the default model allows 100 tunnels). Needs kernel
# ESP: from the build directory, where the kernel lacks it,
#   tests/vm/run-in-guest ../tests/netns/bench-1000.sh [N]
# KERNEL=sim runs both routers on the sim backend instead (no ESP needed):
# the IKE side alone, polled through the consoles. KEEP_LOGS=DIR copies
# the routers' logs there at the end (through the guest: RTX_VM_SHARE).
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
	if [ -n "${KEEP_LOGS:-}" ]; then
		mkdir -p "$KEEP_LOGS" && cp -r "$T"/. "$KEEP_LOGS"/ && echo "logs kept in $KEEP_LOGS"
	fi
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

addr() { echo "10.$((100 + $1 / 250)).$(($1 % 250 + 1)).$2"; }

# config SIDE(1|2) REFRESH: N tunnels, tunnel t from side SIDE's address
# 10.(100+t/250).(t%250+1).SIDE to the other side's, routing the peer's
# LAN of tunnel t, 172.(16+t/256).(t%256).(0|128)/25, into it. awk: a
# shell loop forks too much under emulation.
config() {
	awk -v n="$n" -v me="$1" -v refresh="$2" 'BEGIN {
		peer = 3 - me
		print "ipsec auto refresh " refresh
		for (t = 1; t <= n; t++)
			printf "ip route 172.%d.%d.%d/25 gateway tunnel %d\n",
				16 + int(t / 256), t % 256, (peer - 1) * 128, t
		for (t = 1; t <= n; t++) {
			a = sprintf("10.%d.%d.", 100 + int(t / 250), t % 250 + 1)
			printf "tunnel select %d\n ipsec tunnel %d\n", t, t
			printf "  ipsec sa policy %d %d esp aes-cbc sha-hmac\n", t, t
			printf "  ipsec ike version %d 2\n", t
			printf "  ipsec ike pre-shared-key %d text bench-%d\n", t, t
			printf "  ipsec ike local address %d %s%d\n", t, a, me
			printf "  ipsec ike remote address %d %s%d\n", t, a, peer
			printf "  ipsec ike encryption %d aes-cbc\n", t
			printf "  ipsec ike hash %d sha256\n", t
			printf "  ipsec ike group %d modp2048\n", t
			printf "  ipsec ike proposal-limitation %d on\n", t
			if (refresh == "on")
				printf "  ipsec ike always-on %d on\n", t
			printf " tunnel enable %d\n", t
		}
		print "tunnel select none"
	}'
}

ip netns add "$A" && ip netns add "$B" || exit 1
ip link add wan0 netns "$A" type veth peer name wan0 netns "$B" || exit 1
for side in 1 2; do
	ns=$A; [ $side = 2 ] && ns=$B
	ip -n "$ns" link set lo up
	ip -n "$ns" link set wan0 up
	awk -v n="$n" -v s="$side" 'BEGIN { for (t = 1; t <= n; t++)
		printf "addr add 10.%d.%d.%d/24 dev wan0\n", 100 + int(t / 250), t % 250 + 1, s }' |
		ip -n "$ns" -batch - || exit 1
done
# Each side reaches N peer addresses, each needing a neighbour entry, and
# the kernel's ARP table holds gc_thresh3 (1024 by default, all namespaces
# together) before it drops packets ("neighbor table overflow"): beyond
# about 500 tunnels the run measured the ARP garbage collector, not IKE
# (1000 tunnels took 50 s on the sim backend with 3.5 CPU s). Permanent
# entries are not counted against the limit; the host's sysctls stay.
for side in 1 2; do
	ns=$A peer_ns=$B; [ $side = 2 ] && ns=$B peer_ns=$A
	mac=$(ip -n "$peer_ns" -o link show wan0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
	[ -n "$mac" ] || { echo "no MAC on wan0"; exit 1; }
	awk -v n="$n" -v s="$((3 - side))" -v mac="$mac" 'BEGIN { for (t = 1; t <= n; t++)
		printf "neigh replace 10.%d.%d.%d lladdr %s dev wan0 nud permanent\n",
			100 + int(t / 250), t % 250 + 1, s, mac }' |
		ip -n "$ns" -batch - || exit 1
done
config 1 on >"$T/a.conf"
config 2 off >"$T/b.conf"

start() {
	ip netns exec "$2" "$RTXSH" -k "${KERNEL:-netlink}" --model vRX -c "$T/$1.conf" --socket "$T/$1.sock" \
		--log-file "$T/$1.log" </dev/null >"$T/$1.out" 2>"$T/$1.err" &
	eval "P$(echo "$1" | tr ab AB)=$!"
	# The socket opens once the config is applied and, on B, the standing
	# tunnels are in the kernel: at 6,000 tunnels under emulation that
	# takes minutes, so wait while the process lives (at most 30 min).
	local i=0 pid
	eval "pid=\$P$(echo "$1" | tr ab AB)"
	until [ -S "$T/$1.sock" ]; do
		i=$((i + 1))
		{ [ $i -lt 18000 ] && kill -0 "$pid" 2>/dev/null; } ||
			{ echo "rtxsh $1 did not start"; cat "$T/$1.err"; exit 1; }
		sleep 0.1
	done
	! grep -m 3 Error "$T/$1.err" || { echo "rtxsh $1 refused config lines"; exit 1; }
}
count() {
	echo "show ipsec sa" | "$RTXSH" --connect "$T/$1.sock" |
		sed -n 's/^Total: isakmp:\([0-9]*\) send:\([0-9]*\) recv:\([0-9]*\)$/\1 \2 \3/p'
}

echo "bench-1000: kernel $(uname -r), $n tunnels, rtxsh -k ${KERNEL:-netlink} vs rtxsh -k ${KERNEL:-netlink}"
t0=$(date +%s.%N)
start b "$B"
t1=$(date +%s.%N)
echo "$t0 $t1" | awk '{ printf "  B up (config, %s standing tunnels): %.2f s\n", "'"$n"'", $2 - $1 }'
start a "$A"
t2=$(date +%s.%N)
# Polled from the kernel (ESP SAs of each side), not through the console:
# `show ipsec sa` queries every SA's counters and would hold the router's
# loop while it negotiates. Both consoles confirm at the end.
sas() {
	if [ "${KERNEL:-netlink}" = sim ]; then
		count "$([ "$1" = "$A" ] && echo a || echo b)" | awk '{ print $2 + $3 }'
	else
		ip -n "$1" -o xfrm state | grep -c 'proto esp spi .* mode tunnel.*if_id'
	fi
}
# sad NS: the kernel's SA count (XFRM_MSG_GETSADINFO, larval SAs included),
# a gate before the full dump: listing 2N SAs as text every 2 s costs the
# emulated guest a CPU second or more at 6,000 tunnels, taken from the
# routers being timed.
sad() { ip -n "$1" xfrm state count | awk '{ print $NF }'; }
# What the routers said about the tunnels that did not come up.
stuck() {
	echo "not up after ${LIMIT:-840} s: A $(sas "$A"), B $(sas "$B") ESP SAs of $((2 * n))"
	echo "  show ipsec sa: A '$(count a)', B '$(count b)'"
	for r in a b; do
		echo "  $r: show status ipsec"
		echo "show status ipsec" | "$RTXSH" --connect "$T/$r.sock" | head -n 30 | sed 's/^/    /'
	done
	for r in a b; do
		echo "  $r: $(grep -c 'established' "$T/$r.log") established lines," \
			"$(grep -c 'retransmit' "$T/$r.log") retransmits," \
			"$(grep -c '\[KERNEL\].*failed' "$T/$r.log") kernel failures"
		grep -v 'temporarily assigned\|bound on\|assigned \|established\|NAT box' \
			"$T/$r.log" | cut -d' ' -f3- |
			sed 's/SA:[0-9]*/SA:n/g; s/GW:[0-9]*/GW:n/g; s/tunnel [0-9]*/tunnel n/g; s/[0-9]*\.[0-9]*\.[0-9]*\.[0-9]*/A.B.C.D/g; s/\[[0-9a-f]*\]/[x]/g; s/0x[0-9a-f]*/0xN/g; s/\b[0-9][0-9]*\b/N/g' |
			sort | uniq -c | sort -rn | head -n 16 | sed 's/^/    /'
	done
}
tick=${t2%.*}
gate() {
	[ "${KERNEL:-netlink}" = sim ] || { [ "$(sad "$A")" -ge $((2 * n)) ] && [ "$(sad "$B")" -ge $((2 * n)) ]; }
}
until gate && [ "$(sas "$A")" -ge $((2 * n)) ] && [ "$(sas "$B")" -ge $((2 * n)) ]; do
	now=$(date +%s)
	[ $((now - ${t2%.*})) -lt "${LIMIT:-840}" ] || { stuck; exit 1; }
	if [ $((now - tick)) -ge 30 ]; then
		tick=$now
		echo "  +$((now - ${t2%.*})) s: ESP SAs A $(sas "$A"), B $(sas "$B") of $((2 * n))"
	fi
	sleep 2
done
t3=$(date +%s.%N)
want="$n $n $n"
[ "$(count a)" = "$want" ] && [ "$(count b)" = "$want" ] ||
	{ echo "kernel full but show ipsec sa says A '$(count a)', B '$(count b)'"; exit 1; }
echo "$t0 $t1 $t2 $t3 $n" | awk '{
	printf "B (responder) start with %d tunnels: %.2f s\n", $5, $2 - $1
	printf "A start (config load, sockets): %.2f s\n", $3 - $2
	printf "A start to all %d tunnels up (2 ESP SAs each in both kernels): %.2f s (%.1f tunnels/s)\n", $5, $4 - $2, $5 / ($4 - $2)
}'
echo "kernel A: $(ip -n "$A" -o xfrm state | wc -l) SAs, $(ip -n "$A" -o xfrm policy | wc -l) policies, $(ip -n "$A" -o link show type xfrm | wc -l) xfrm interfaces"
t4=$(date +%s.%N)
kill -TERM "$PA" "$PB"; wait "$PA" "$PB"; PA= PB=
t5=$(date +%s.%N)
echo "$t4 $t5" | awk '{ printf "SIGTERM of both to exit (all kernel state removed): %.2f s\n", $2 - $1 }'
echo "left in A: $(ip -n "$A" -o xfrm state | wc -l) SAs, $(ip -n "$A" -o xfrm policy | wc -l) policies"

# ---- the reference: the same tunnels between two charons ----
CHARON=${CHARON:-/usr/lib/ipsec/charon}
if [ -n "${NO_CHARON:-}" ] || [ "${KERNEL:-netlink}" != netlink ]; then
	exit 0
fi
if [ ! -x "$CHARON" ] || ! command -v swanctl >/dev/null; then
	echo "charon -> charon: not run (no charon or swanctl)"
	exit 0
fi
# charon_conf SIDE(1|2) START: strongswan.conf and the N connections of
# one side; START (none|start) is the children's start_action.
charon_conf() {
	local d=$T/c$1
	mkdir -p "$d/run"
	cat >"$d/strongswan.conf" <<EOF
charon {
	load_modular = no
	load = random nonce openssl pem pkcs1 x509 pubkey aes sha1 sha2 hmac gcm kdf socket-default vici kernel-netlink
	install_routes = no
	install_virtual_ip = no
	dos_protection = no
	cookie_threshold = 1000000
	block_threshold = 1000000
	init_limit_half_open = 0
	ikesa_table_size = 4096
	ikesa_table_segments = 16
	threads = 16
	syslog { daemon { default = -1 } }
	plugins { vici { socket = unix://$d/charon.vici } }
}
swanctl { load = pem pkcs1 x509 pubkey openssl random }
EOF
	awk -v n="$n" -v me="$1" -v start="$2" 'BEGIN {
		peer = 3 - me
		print "connections {"
		for (t = 1; t <= n; t++) {
			a = sprintf("10.%d.%d.", 100 + int(t / 250), t % 250 + 1)
			printf "c%d { version = 2\n local_addrs = %s%d\n remote_addrs = %s%d\n", t, a, me, a, peer
			printf " proposals = aes128-sha256-modp2048\n"
			printf " local { auth = psk\n id = %s%d }\n remote { auth = psk\n id = %s%d }\n", a, me, a, peer
			printf " children { net { local_ts = 172.%d.%d.%d/25\n", 16 + int(t / 256), t % 256, (me - 1) * 128
			printf "  remote_ts = 172.%d.%d.%d/25\n", 16 + int(t / 256), t % 256, (peer - 1) * 128
			printf "  esp_proposals = aes128-sha1\n start_action = %s } }\n", start
			printf " keyingtries = %d }\n", start == "start" ? 0 : 1
		}
		print "}\nsecrets {"
		for (t = 1; t <= n; t++) {
			a = sprintf("10.%d.%d.", 100 + int(t / 250), t % 250 + 1)
			printf "ike-%d { id-a = %s1\n id-b = %s2\n secret = bench-%d }\n", t, a, a, t
		}
		print "}"
	}' >"$d/swanctl.conf"
}
# charon_up SIDE NS: charon in NS with its own /run (its pid file path is
# compiled in), until its vici socket answers.
charon_up() {
	local d=$T/c$1 i=0
	STRONGSWAN_CONF=$d/strongswan.conf ip netns exec "$2" \
		sh -c 'mount --bind "$1/run" /run && exec "$2"' sh "$d" "$CHARON" >"$d/out" 2>&1 </dev/null &
	eval "C$1=$!"
	until [ -S "$d/charon.vici" ]; do
		i=$((i + 1)); [ $i -lt 300 ] || { echo "charon $1 did not start"; cat "$d/out"; exit 1; }
		sleep 0.1
	done
}
charon_load() {
	SWANCTL_DIR=$T/c$1 STRONGSWAN_CONF=$T/c$1/strongswan.conf \
		swanctl --load-all --file "$T/c$1/swanctl.conf" --uri "unix://$T/c$1/charon.vici" \
		>"$T/c$1/load.out" 2>&1 || { echo "swanctl --load-all $1 failed"; tail -n 5 "$T/c$1/load.out"; exit 1; }
}
C1= C2=
trap 'for p in $C1 $C2; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; cleanup' EXIT
charon_conf 1 start
charon_conf 2 none
charon_up 2 "$B"
charon_load 2
charon_up 1 "$A"
t2=$(date +%s.%N)
charon_load 1
tick=${t2%.*}
until gate && [ "$(ip -n "$A" -o xfrm state | grep -c 'proto esp')" -ge $((2 * n)) ] &&
	[ "$(ip -n "$B" -o xfrm state | grep -c 'proto esp')" -ge $((2 * n)) ]; do
	now=$(date +%s)
	[ $((now - ${t2%.*})) -lt "${LIMIT:-840}" ] || {
		echo "charon -> charon: not up after ${LIMIT:-840} s: ESP SAs A $(ip -n "$A" -o xfrm state | grep -c 'proto esp'), B $(ip -n "$B" -o xfrm state | grep -c 'proto esp') of $((2 * n))"
		exit 1; }
	if [ $((now - tick)) -ge 30 ]; then
		tick=$now
		echo "  +$((now - ${t2%.*})) s: ESP SAs A $(ip -n "$A" -o xfrm state | grep -c 'proto esp'), B $(ip -n "$B" -o xfrm state | grep -c 'proto esp') of $((2 * n))"
	fi
	sleep 2
done
t3=$(date +%s.%N)
echo "$t2 $t3 $n" | awk '{
	printf "charon -> charon: A load to all %d tunnels up (2 ESP SAs each in both kernels): %.2f s (%.1f tunnels/s)\n", $3, $2 - $1, $3 / ($2 - $1) }'

