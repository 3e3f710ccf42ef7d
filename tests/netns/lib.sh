# Helpers of the netns tests: namespaces, foreign kernel state, rtxsh
# routers and their consoles, pings, and rtxsh's marks in XFRM dumps.
# Sourced first; netns_prelude sets RTXSH, A, B, T and PA/PB/PING.

# netns_prelude PREFIX: skips (77) unless root with ip(8), names the two
# namespaces PREFIX-$$-a/-b, makes the scratch directory T, and cleans up
# at exit: the routers and a background ping by PID, the namespaces, T
# (kept with KEEP=1).
netns_prelude() {
	set -u
	here=$(cd "$(dirname "$0")" && pwd)
	RTXSH=${RTXSH:-$PWD/rtxsh}
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (network namespaces, XFRM)"; exit 77; }
	command -v ip >/dev/null || { echo "SKIP: no ip(8)"; exit 77; }
	[ -x "$RTXSH" ] || { echo "FAIL: no rtxsh binary at $RTXSH"; exit 99; }
	A=$1-$$-a
	B=$1-$$-b
	T=$(mktemp -d "${TMPDIR:-/tmp}/rtxsh-netns.XXXXXX")
	PA= PB= PING=
	trap netns_cleanup EXIT
	trap 'exit 1' INT TERM HUP
}

netns_cleanup() {
	[ -n "$PING" ] && kill "$PING" 2>/dev/null && wait "$PING" 2>/dev/null
	for p in $PA $PB; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}

# kernel_can: this kernel holds a tunnel-mode ESP SA and an xfrm
# interface (asked with ip(8) in a scratch namespace): 0, 100 when no
# namespace can be made, else not.
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

# netns_esp_or_guest TIMEOUT: returns where this kernel can carry the
# tunnel; else the whole test runs again in one boot of the QEMU guest
# (tests/vm/run-in-guest, TIMEOUT seconds) and its status is ours.
netns_esp_or_guest() {
	local name
	name=$(basename "$0" .sh)
	kernel_can
	case $? in
	0) ;;
	100) echo "SKIP: cannot create a network namespace"; exit 77 ;;
	*)
		[ -z "${RTX_IN_GUEST:-}" ] || { echo "FAIL: the guest kernel lacks ESP or xfrm interfaces"; exit 1; }
		# (a sanitizer build boots the guest for two_rtxsh only: --check)
		"$here/../vm/run-in-guest" --check "$name" || exit 77
		echo "$name: host kernel $(uname -r) lacks ESP/xfrm interfaces: running in a guest"
		# exec skips the EXIT trap: clean up now, the guest makes its own T
		netns_cleanup
		trap - EXIT
		RTX_VM_TIMEOUT=${RTX_VM_TIMEOUT:-$1} exec "$here/../vm/run-in-guest" \
			env RTX_IN_GUEST=1 RTXSH="$RTXSH" KEEP="${KEEP:-}" "$here/$name.sh"
		;;
	esac
	echo "$name: kernel $(uname -r)"
}

# Everything rtxsh installs carries if_id or reqid 0x5254xxxx.
OURS_RE='if_id 0x5254[0-9a-f]{4}|\(0x5254[0-9a-f]{4}\)'

fail() {
	echo "FAIL: $*"
	for r in a b; do
		[ -f "$T/$r.log" ] || continue
		# a rekey test's lost window lies minutes before its end
		echo "--- rtxsh $r log (last 400 lines):"; tail -n 400 "$T/$r.log"
		echo "--- rtxsh $r stderr:"; cat "$T/$r.err"
	done
	exit 1
}

# netns_pair A B: the WAN veth pair wan0 (10.250.0.1 / .2) between them and
# in each a LAN veth pair lan0/lan0p, up, addresses left to rtxsh.
netns_pair() {
	ip netns add "$1" && ip netns add "$2" || fail "cannot create namespaces"
	ip link add wan0 netns "$1" type veth peer name wan0 netns "$2" || fail "veth wan0"
	local ns i=1
	for ns in "$1" "$2"; do
		ip -n "$ns" link add lan0 type veth peer name lan0p || fail "veth lan0 in $ns"
		ip -n "$ns" link set lo up
		ip -n "$ns" link set wan0 up
		ip -n "$ns" link set lan0 up
		ip -n "$ns" link set lan0p up
		ip -n "$ns" addr add "10.250.0.$i/24" dev wan0
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
		i=$((i + 1))
	done
}

# foreign_state NS [GROUP]: state another XFRM user owns, which rtxsh must
# leave alone: an SA, a policy, an xfrm interface (in link group GROUP,
# default 0) with a route, a LAN address.
foreign_state() {
	local ns=$1 group=${2:-0}
	ip -n "$ns" xfrm state add src 192.0.2.9 dst 192.0.2.8 proto esp spi 0x99 reqid 7 \
		mode tunnel if_id 7 aead 'rfc4106(gcm(aes))' \
		0x00112233445566778899aabbccddeeff00112233 128 || fail "foreign SA in $ns"
	ip -n "$ns" xfrm policy add src 192.0.2.0/24 dst 198.51.100.0/24 dir out if_id 7 \
		tmpl src 192.0.2.9 dst 192.0.2.8 proto esp reqid 7 mode tunnel || fail "foreign policy in $ns"
	ip -n "$ns" link add foreign0 group "$group" type xfrm if_id 7 || fail "foreign xfrm interface in $ns"
	ip -n "$ns" link set foreign0 up
	ip -n "$ns" route add 198.51.100.0/24 dev foreign0 || fail "foreign route in $ns"
	ip -n "$ns" addr add 192.168.77.1/24 dev lan0 || fail "foreign address in $ns"
}

# snapshot_foreign NS: a stable listing of the namespace's XFRM state,
# links, routes and addresses, to compare before and after rtxsh.
snapshot_foreign() {
	local ns=$1
	ip -n "$ns" xfrm state
	ip -n "$ns" xfrm policy
	ip -n "$ns" -o link show | awk '{ print $2 }'
	ip -n "$ns" route show
	ip -n "$ns" -o addr show | awk '{ print $2, $3, $4 }'
}

ours_states() { ip -n "$1" -o xfrm state | grep -E "$OURS_RE"; }
ours_policies() { ip -n "$1" -o xfrm policy | grep -E "$OURS_RE"; }

# rtx_config SELF PEER LAN_ADDR PEER_NET [REFRESH]: tunnel 1 to PEER,
# `ipsec auto refresh` REFRESH (default off), a 100-kbyte CHILD SA
# lifetime so traffic drives the rekeys. IPv6 addresses make the LAN and
# route `ipv6 ...` lines and the IDs ipv6-addr.
rtx_config() {
	local ip=ip id=ipv4-addr
	case $1 in *:*) ip=ipv6 id=ipv6-addr ;; esac
	cat <<EOC
syslog debug on
$ip lan1 address $3
$ip route $4 gateway tunnel 1
tunnel select 1
 ipsec tunnel 1
  ipsec sa policy 1 1 esp aes256-cbc sha256-hmac
  ipsec ike version 1 2
  ipsec ike pre-shared-key 1 text netns-secret
  ipsec ike local address 1 $1
  ipsec ike local name 1 $1 $id
  ipsec ike remote address 1 $2
  ipsec ike remote name 1 $2 $id
  ipsec ike group 1 modp2048
  ipsec ike pfs 1 on
  ipsec ike duration ipsec-sa 1 300 100
 tunnel enable 1
ipsec auto refresh ${5:-off}
EOC
}

# rtx_start NAME NS: rtxsh -k netlink in NS with $T/NAME.conf; sets
# P<NAME> and waits (bounded) for its console socket.
rtx_start() {
	local name=$1 ns=$2 pid i=0
	ip netns exec "$ns" "$RTXSH" -k netlink --interface lan1=lan0 -c "$T/$name.conf" \
		--socket "$T/$name.sock" --log-file "$T/$name.log" \
		</dev/null >"$T/$name.out" 2>"$T/$name.err" &
	pid=$!
	while [ ! -S "$T/$name.sock" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "rtxsh $name did not create its socket"
		kill -0 "$pid" 2>/dev/null || fail "rtxsh $name died at start"
		sleep 0.1
	done
	grep -q 'Error' "$T/$name.err" && fail "rtxsh $name refused a config line"
	eval "P$(echo "$name" | tr ab AB)=$pid"
}

# rtx_stop NAME PID: SIGTERM, and the exit status must be 0.
rtx_stop() {
	kill -TERM "$2" || fail "rtxsh $1 is gone before SIGTERM"
	wait "$2"
	local st=$?
	[ "$st" = 0 ] || fail "rtxsh $1 exit status $st after SIGTERM"
}

ask() { echo "$2" | "$RTXSH" --connect "$T/$1.sock"; }

# count NAME: "isakmp send recv" of show ipsec sa's Total line.
count() {
	ask "$1" "show ipsec sa" |
		sed -n 's/^Total: isakmp:\([0-9]*\) send:\([0-9]*\) recv:\([0-9]*\)$/\1 \2 \3/p'
}

# wait_for NAME WANT [TENTHS]: polls until count says WANT (default 30 s).
wait_for() {
	local i=0 max=${3:-300}
	while [ "$(count "$1")" != "$2" ]; do
		i=$((i + 1))
		[ $i -lt "$max" ] || fail "rtxsh $1 shows '$(count "$1")', want '$2'"
		sleep 0.1
	done
}

# ping_until_up NS SRC DST: one ping a second until one is answered (40
# tries); PINGS_LOST is how many went unanswered first.
ping_until_up() {
	PINGS_LOST=0
	while [ "$PINGS_LOST" -lt 40 ]; do
		ip netns exec "$1" ping -n -q -c 1 -W 1 -I "$2" "$3" >/dev/null 2>&1 && return 0
		PINGS_LOST=$((PINGS_LOST + 1))
	done
	return 1
}

# ping_through NS SRC DST COUNT [ping options]: PING_SENT, PING_GOT and
# PING_RESULT (ping's summary); fails unless every ping was answered when
# no options are given.
ping_through() {
	local ns=$1 src=$2 dst=$3 n=$4 out
	shift 4
	out=$(ip netns exec "$ns" ping -n -q -c "$n" -W 2 -I "$src" "$@" "$dst" 2>&1)
	PING_RESULT=$(echo "$out" | grep 'packets transmitted')
	PING_SENT=$(echo "$PING_RESULT" | awk '{ print $1 }')
	PING_GOT=$(echo "$PING_RESULT" | awk '{ print $4 }')
	[ -n "$PING_SENT" ] || fail "ping gave no summary: $out"
	[ $# -gt 0 ] || [ "$PING_GOT" = "$n" ]
}

# spi NAME send|recv: the ESP SPI of show ipsec sa gateway 1 detail, as
# 8 lower-case hex digits.
spi() {
	ask "$1" "show ipsec sa gateway 1 detail" |
		sed -n "/^Direction: $2\$/,/^SPI:/s/^SPI: //p" | tr -d ' :' | tr 'A-F' 'a-f' |
		sed 's/^0x//' | head -n 1
}

# kernel_has NS SPI: the namespace's kernel holds an SA of ours with SPI.
kernel_has() { ours_states "$1" | grep -q "spi 0x$2 "; }

# The SPIs match crosswise, and each is an SA in the kernel of both ends.
check_spis() {
	local as ar bs br
	as=$(spi a send) ar=$(spi a recv) bs=$(spi b send) br=$(spi b recv)
	[ -n "$as" ] && [ "$as" = "$br" ] || fail "A send SPI '$as' is not B's recv SPI '$br'"
	[ -n "$ar" ] && [ "$ar" = "$bs" ] || fail "A recv SPI '$ar' is not B's send SPI '$bs'"
	for s in "$as" "$ar"; do
		kernel_has "$A" "$s" || fail "SPI $s of show ipsec sa is not in A's kernel"
		kernel_has "$B" "$s" || fail "SPI $s of show ipsec sa is not in B's kernel"
	done
	SPI_AB=$as SPI_BA=$ar
}

# sa_packets NS SPI: the packet counter of the SA (ip -s xfrm state).
sa_packets() {
	# With -s, ip prints "spi 0x1234abcd(305441741)".
	ip -n "$1" -s xfrm state | awk -v spi="spi 0x$2[ (]" '
		$0 ~ spi { found = 1 }
		found && /lifetime current:/ { cur = 1; next }
		found && cur { print $2 + 0; exit }'
}

# check_esp_counters N: A's outbound and B's inbound SA of the current
# pair each counted at least N packets.
check_esp_counters() {
	local a b
	a=$(sa_packets "$A" "$SPI_AB") b=$(sa_packets "$B" "$SPI_AB")
	[ "${a:-0}" -ge "$1" ] && [ "${b:-0}" -ge "$1" ] ||
		{ ip -n "$A" -s xfrm state; fail "ESP counters of SPI $SPI_AB: A sent ${a:-?}, B received ${b:-?}, want >= $1"; }
}

# log_wait NAME REGEX [TENTHS]: NAME's log gets a line matching the
# extended REGEX (default within 30 s).
log_wait() {
	local i=0
	until grep -Eq "$2" "$T/$1.log"; do
		i=$((i + 1))
		[ $i -lt "${3:-300}" ] || fail "rtxsh $1 never logged /$2/"
		sleep 0.1
	done
}

# rekeys_under_ping SRC DST: 250 pings of 1,000 bytes at 20/s from SRC
# in A to DST, across the CHILD SA rekeys that the 100-kbyte lifetime of
# rtx_config starts by soft byte expiry; fails unless there was a soft
# expiry and a rekey, and unless every ping was answered (RFC 7296 2.8:
# the responder of a rekey sends on its new SA only once the initiator
# has it). Sets SOFT, REKEYS, SENT and GOT.
rekeys_under_ping() {
	local soft0 child0
	soft_expiries() { cat "$T/a.log" "$T/b.log" | grep -c 'XFRM soft expire'; }
	soft0=$(soft_expiries)
	child0=$(grep -c 'CHLD_SEND established' "$T/a.log")
	ping_through "$A" "$1" "$2" 250 -s 1000 -i 0.05
	SENT=$PING_SENT GOT=$PING_GOT
	SOFT=$(($(soft_expiries) - soft0))
	REKEYS=$(($(grep -c 'CHLD_SEND established' "$T/a.log") - child0))
	[ "$SOFT" -gt 0 ] && [ "$REKEYS" -gt 0 ] ||
		fail "no soft expiry or rekey during 250 kbytes of ping (lifetime 100 kbytes)"
	[ $((SENT - GOT)) -le 0 ] || fail "$REKEYS rekeys under traffic lost $((SENT - GOT)) of $SENT pings"
}

