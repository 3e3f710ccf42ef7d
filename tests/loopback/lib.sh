# Shared by the loopback tests: two rtxsh processes (sim kernel), A on
# 127.0.0.1 and B on 127.0.0.2, talking IKE over real UDP on one
# non-standard port pair (--ike-port: no privileges needed) and driven
# through their console sockets. The test writes $T/a.conf and $T/b.conf
# and calls start_pair. Sourced; sets T and the traps.
set -u
RTXSH=${RTXSH:-$PWD/rtxsh}
[ -x "$RTXSH" ] || { echo "no rtxsh binary at $RTXSH"; exit 99; }
T=$(mktemp -d "${TMPDIR:-/tmp}/rtxsh-loop.XXXXXX")
PA= PB=

stop() {
	for p in $PA $PB; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	PA= PB=
}
cleanup() {
	stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "FAIL: $*"
	for r in a b; do
		echo "--- router $r log (tail):"
		tail -n 60 "$T/$r.log" 2>/dev/null
		echo "--- router $r stderr:"
		cat "$T/$r.err" 2>/dev/null
	done
	exit 1
}

# ask ROUTER COMMAND: one command through the router's console socket.
ask() {
	echo "$2" | "$RTXSH" --connect "$T/$1.sock"
}

# start NAME PORT: a router in the background until its socket answers.
# It runs from / so that relative paths must follow its config file.
start() {
	(cd / && exec "$RTXSH" -c "$T/$1.conf" --socket "$T/$1.sock" --ike-port "$2" \
		--log-file "$T/$1.log" </dev/null >"$T/$1.out" 2>"$T/$1.err") &
	pid=$!
	i=0
	while [ ! -S "$T/$1.sock" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "router $1 did not create its socket"
		kill -0 "$pid" 2>/dev/null || fail "router $1 died"
		sleep 0.05
	done
	eval "P$(echo "$1" | tr ab AB)=$pid"
}

# start_pair BASE: B then A on a port from BASE and the PID, so parallel
# runs rarely meet; a busy pair is retried on the next port.
start_pair() {
	port=$(($1 + ($$ % 5000) * 2))
	for try in 1 2 3; do
		start b "$port"
		start a "$port"
		if ! grep -q "cannot bind\|cannot open the IKE sockets" "$T/a.err" "$T/b.err" \
			"$T/a.log" "$T/b.log" 2>/dev/null; then
			return 0
		fi
		stop
		[ $try -lt 3 ] || fail "no free UDP port pair"
		port=$((port + 2))
	done
}

# count ROUTER: "isakmp send recv" from show ipsec sa's Total line.
count() {
	ask "$1" "show ipsec sa" | sed -n 's/^Total: isakmp:\([0-9]*\) send:\([0-9]*\) recv:\([0-9]*\)$/\1 \2 \3/p'
}

# wait_for ROUTER WANT [SECONDS]: polls until count says WANT (15 s).
wait_for() {
	i=0
	while [ "$(count "$1")" != "$2" ]; do
		i=$((i + 1))
		[ $i -lt $((${3:-15} * 10)) ] || fail "router $1 shows '$(count "$1")', want '$2'"
		sleep 0.1
	done
}
