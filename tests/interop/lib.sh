# rtxsh against strongSwan: the pieces every interop script shares.
# Sourced by host.sh, guest.sh and bench-rate.sh, never run by itself.
#
# Everything a run creates lives under one temporary directory ($IT_ROOT,
# with one directory $IT per cell) and in
# network namespaces named after this shell's PID ($NS_A, $NS_B, $NS_N), so
# several runs (make -j, teammates) never meet. it_cleanup, installed as the
# EXIT trap by it_init, stops the daemons it started by PID, flushes XFRM
# state in its namespaces and deletes them.
#
# Topology (addresses exist only inside the namespaces):
#
#   A (rtxsh, or charon "a" for      B (charon "b")
#      the harness's own cells)
#   lan0 10.251.1.1/24               lan0 10.251.2.1/24
#   eth0 10.250.0.1/24 <== veth ==> eth0 10.250.0.2/24
#
# With NAT (it_topology nat): A is 10.252.0.1 behind N, which masquerades
# it as 10.250.0.1, so B sees the same peer address either way.
set -u

IT_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RTXSH=${RTXSH:-$PWD/rtxsh}
CHARON=${CHARON:-/usr/lib/ipsec/charon}
IT_TAG=rtxi$$
NS_A=$IT_TAG-a
NS_B=$IT_TAG-b
NS_N=$IT_TAG-n
A_IP=10.250.0.1
B_IP=10.250.0.2
A_NET=10.251.1.0/24
B_NET=10.251.2.0/24
A_LAN=10.251.1.1
B_LAN=10.251.2.1
IT_PLEN=24             # prefix length of the outer and LAN addresses
IT_ROOT=               # the run's directory
IT=                    # the current cell's directory under it
IT_XFAIL=$IT_HERE/expected-failures

say() { printf '%s\n' "$*"; }
it_skip() { say "SKIP: $*"; exit 77; }
it_die() { say "ERROR: $*"; exit 99; }

# ---- set-up and clean-up --------------------------------------------------

it_init() {
	[ "$(id -u)" = 0 ] || it_skip "needs root (network namespaces)"
	command -v ip >/dev/null || it_skip "no ip(8)"
	IT_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/rtxsh-interop.XXXXXX") || it_die "mktemp"
	IT=$IT_ROOT
	trap it_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	ip netns add "$IT_TAG-probe" 2>/dev/null || it_skip "cannot create a network namespace"
	ip netns del "$IT_TAG-probe"
}

it_need_charon() {
	[ -x "$CHARON" ] && command -v swanctl >/dev/null ||
		it_skip "strongSwan is not installed (Debian: strongswan-charon strongswan-swanctl libcharon-extra-plugins)"
	[ -f /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so ] && [ -f /usr/lib/ipsec/plugins/libstrongswan-openssl.so ] ||
		it_skip "charon plugins missing (Debian: libcharon-extra-plugins libstrongswan-standard-plugins)"
}

# Stops one daemon by the PID it recorded, TERM then KILL.
it_stop_pid() {
	local pidf=$1 pid
	[ -f "$pidf" ] || return 0
	pid=$(cat "$pidf")
	rm -f "$pidf"
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	return 0
}

# Every daemon records its PID in DIR/NAME/pid (cells run in subshells, so
# the files are the one record the parent shares); it_stop_all DIR stops
# those under DIR, at any depth.
it_stop_all() {
	local f
	for f in $(find "$1" -name pid -type f 2>/dev/null); do
		it_stop_pid "$f"
	done
	return 0
}

it_cleanup() {
	local rc=$? ns
	trap - EXIT
	[ -n "$IT_ROOT" ] || exit "$rc"
	kill $(jobs -p) 2>/dev/null
	it_stop_all "$IT_ROOT"
	# Cells interrupted half-way leave namespaces named in their directory.
	for ns in "$NS_A" "$NS_B" "$NS_N" "$IT_TAG-p" $(cat "$IT_ROOT"/*/namespaces 2>/dev/null); do
		ns_drop "$ns"
	done
	if [ -n "$IT_ROOT" ]; then
		if [ -n "${IT_KEEP:-}" ]; then say "kept $IT_ROOT"; else rm -rf "$IT_ROOT"; fi
	fi
	exit "$rc"
}

# ns_drop NS: whatever still runs in NS (only our own daemons can), its
# XFRM state, and NS itself.
ns_drop() {
	local pid
	ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$1" || return 0
	for pid in $(ip netns pids "$1" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
	ip -n "$1" xfrm state flush 2>/dev/null
	ip -n "$1" xfrm policy flush 2>/dev/null
	ip netns del "$1" 2>/dev/null
	return 0
}

# it_v6: the cell's outer and LAN addresses are IPv6 (unique local); a
# cell calls it first (each cell runs in a subshell of its own).
it_v6() {
	IT_V6=1 IT_PLEN=64
	A_IP=fd00:250::1 B_IP=fd00:250::2
	A_NET=fd00:251:1::/64 B_NET=fd00:251:2::/64
	A_LAN=fd00:251:1::1 B_LAN=fd00:251:2::1
}

ns_new() {
	ip netns add "$1" || it_die "cannot create namespace $1"
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 2>/dev/null
	if [ -n "${IT_V6:-}" ]; then
		# No duplicate address detection: the addresses work at once.
		ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 2>/dev/null
	else
		ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
	fi
	return 0
}

# The LAN side: one end of a veth pair that stays in the namespace (some
# kernels lack the dummy driver).
lan_new() {
	ip -n "$1" link add lan0 type veth peer name lan0-p &&
		ip -n "$1" addr add "$2" dev lan0 &&
		ip -n "$1" link set lan0-p up && ip -n "$1" link set lan0 up ||
		it_die "cannot create lan0 in $1"
}

# it_topology plain|nat: (re)creates the namespaces.
it_topology() {
	for ns in "$NS_A" "$NS_B" "$NS_N"; do ip netns del "$ns" 2>/dev/null; done
	ns_new "$NS_A"; ns_new "$NS_B"
	if [ "$1" = nat ]; then
		ns_new "$NS_N"
		ip link add eth0 netns "$NS_A" type veth peer name in0 netns "$NS_N" &&
			ip link add out0 netns "$NS_N" type veth peer name eth0 netns "$NS_B" ||
			it_die "veth"
		ip -n "$NS_A" addr add 10.252.0.1/24 dev eth0
		ip -n "$NS_N" addr add 10.252.0.254/24 dev in0
		ip -n "$NS_N" addr add "$A_IP/24" dev out0
		ip -n "$NS_N" link set in0 up
		ip -n "$NS_N" link set out0 up
		ip netns exec "$NS_N" sysctl -qw net.ipv4.ip_forward=1
		ip netns exec "$NS_N" iptables -t nat -A POSTROUTING -o out0 -j MASQUERADE ||
			it_skip "iptables MASQUERADE is unavailable"
		# The NAT box never forwards LAN-to-LAN traffic in clear.
		ip netns exec "$NS_N" iptables -A FORWARD -s 10.251.0.0/16 -d 10.251.0.0/16 -j DROP
		A_OUTER=10.252.0.1
	else
		ip link add eth0 netns "$NS_A" type veth peer name eth0 netns "$NS_B" || it_die "veth"
		ip -n "$NS_A" addr add "$A_IP/$IT_PLEN" dev eth0
		A_OUTER=$A_IP
	fi
	ip -n "$NS_B" addr add "$B_IP/$IT_PLEN" dev eth0
	ip -n "$NS_A" link set eth0 up
	ip -n "$NS_B" link set eth0 up
	lan_new "$NS_A" "$A_LAN/$IT_PLEN"
	lan_new "$NS_B" "$B_LAN/$IT_PLEN"
	if [ "$1" = nat ]; then
		ip -n "$NS_A" route add default via 10.252.0.254
	fi
	# B reaches A's LAN through A's outer address (charon installs no
	# routes with kernel-netlink); A's route is rtxsh's own, via the tunnel.
	ip -n "$NS_B" route add "$A_NET" via "$A_IP"
	# A LAN-to-LAN packet that arrives on eth0 without IPsec is dropped, so
	# a ping can only pass through the tunnel.
	local ipt=iptables lans=10.251.0.0/16
	[ -n "${IT_V6:-}" ] && ipt=ip6tables lans=fd00:251::/32
	for ns in "$NS_A" "$NS_B"; do
		ip netns exec "$ns" $ipt -A INPUT -i eth0 -s $lans -d $lans \
			-m policy --dir in --pol none -j DROP 2>/dev/null ||
			say "note: no $ipt policy match in $ns: the leak guard is off"
	done
	ip netns exec "$NS_A" ping -c1 -W2 "$B_IP" >/dev/null 2>&1 || it_die "no path from A to B"
}

# ---- cells ----------------------------------------------------------------
#
# A cell is one line of the matrix: `cell NAME FUNCTION ARGS...` runs the
# function; its status is the cell's result (0 pass, 77 not run with the
# reason on its last line, anything else a failure). A cell listed in
# expected-failures (with the missing feature as the reason) does not fail
# the run, but one that passes while listed does, so the list never hides
# a feature that landed.

# Cells run IT_JOBS at a time (default 3: they mostly wait on timers, not
# on the CPU), each in namespaces named after its sequence number; results
# are reported in the order the cells were given.

IT_PASS=0 IT_FAIL=0 IT_SKIP=0 IT_XFAIL_N=0 IT_XPASS=0 IT_SEQ=0
IT_LONG_LANES=0    # cells that mostly sleep through long timers get their own lane

# cell_long NAME FUNCTION ARGS...: a cell with a lane of its own, started
# before the others so that its wait overlaps theirs.
cell_long() {
	IT_LONG_LANES=$((IT_LONG_LANES + 1))
	cell "$@"
}

xfail_reason() {
	[ -f "$IT_XFAIL" ] || return 1
	awk -v c="$1" '$1 == c { $1 = ""; sub(/^ /, ""); print; found = 1 } END { exit !found }' "$IT_XFAIL"
}

# The body of one cell, in the background: its own directory and names.
cell_run() {
	local name=$1 t0 st
	shift
	IT=$IT_ROOT/$name
	NS_A=$IT_TAG-$IT_SEQ-a NS_B=$IT_TAG-$IT_SEQ-b NS_N=$IT_TAG-$IT_SEQ-n
	echo "$NS_A $NS_B $NS_N" >"$IT/namespaces"
	t0=$(date +%s)
	("$@") >"$IT/cell.log" 2>&1
	st=$?
	it_stop_all "$IT"
	ns_drop "$NS_A"; ns_drop "$NS_B"; ns_drop "$NS_N"
	# An rtxsh built with sanitizers reports on stderr, often only at exit.
	if grep -l 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$IT"/*/err \
		>/dev/null 2>&1; then
		{ say "FAIL: rtxsh's sanitizers reported:"; cat "$IT"/*/err; } >>"$IT/cell.log"
		st=1
	fi
	echo "$st $(( $(date +%s) - t0 ))" >"$IT/status"
}

cell() {
	local name=$1
	IT_SEQ=$((IT_SEQ + 1))
	mkdir -p "$IT_ROOT/$name"
	echo "$name" >>"$IT_ROOT/order"
	while [ "$(jobs -rp | wc -l)" -ge $(( ${IT_JOBS:-3} + IT_LONG_LANES )) ]; do wait -n; done
	cell_run "$@" &
}

cell_report() {
	local name=$1 st dt why listed log=$IT_ROOT/$1/cell.log
	read -r st dt <"$IT_ROOT/$name/status" || { st=99; dt=0; }
	why=$(xfail_reason "$name")
	listed=$?
	if [ "$st" = 0 ] && [ "$listed" = 0 ]; then
		IT_XPASS=$((IT_XPASS + 1))
		say "XPASS: $name (${dt}s) listed in expected-failures ($why) but passes: remove it"
	elif [ "$st" = 0 ]; then
		IT_PASS=$((IT_PASS + 1))
		say "PASS: $name (${dt}s)"
	elif [ "$st" = 77 ]; then
		IT_SKIP=$((IT_SKIP + 1))
		say "NOT-RUN: $name: $(tail -n 1 "$log")"
	elif [ "$listed" = 0 ]; then
		IT_XFAIL_N=$((IT_XFAIL_N + 1))
		say "XFAIL: $name (${dt}s): $why; got: $(grep -m1 '^FAIL' "$log" || tail -n 1 "$log")"
	else
		IT_FAIL=$((IT_FAIL + 1))
		say "FAIL: $name (${dt}s)"
		sed 's/^/    | /' "$log"
	fi
}

# Waits for every cell and reports them. The exit status: 1 when a cell
# failed unexpectedly or passed while listed as failing; 77 when nothing
# ran at all.
it_summary() {
	local name
	wait
	if [ -f "$IT_ROOT/order" ]; then
		while read -r name; do cell_report "$name"; done <"$IT_ROOT/order"
	fi
	say "cells: $IT_PASS pass, $IT_FAIL fail, $IT_XFAIL_N expected failures, $IT_XPASS unexpected passes, $IT_SKIP not run"
	[ $((IT_FAIL + IT_XPASS)) = 0 ] || return 1
	[ $((IT_PASS + IT_XFAIL_N)) -gt 0 ] || return 77
	return 0
}

fail() { say "FAIL: $*"; exit 1; }
notrun() { say "$*"; exit 77; }

# wait_for SECONDS CMD...: polls CMD every 0.2 s until it succeeds.
wait_for() {
	local n=$(( $1 * 5 ))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

. "$IT_HERE/charon.sh"
. "$IT_HERE/rtx.sh"
. "$IT_HERE/pki.sh"
. "$IT_HERE/compare.sh"
