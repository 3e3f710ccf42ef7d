# Shared by the tests of the rtxsh binary. Sourced, not run.
# The test driver runs in the build directory, where rtxsh is built.
set -u

RTXSH=${RTXSH:-$PWD/rtxsh}
[ -x "$RTXSH" ] || { echo "no rtxsh binary at $RTXSH"; exit 99; }
T=$(mktemp -d "${TMPDIR:-/tmp}/rtxsh-test.XXXXXX")
PIDS=

cleanup() {
	for p in $PIDS; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	exit 1
}

# expect_status WANT CMD...: runs CMD, fails unless it exits with WANT.
expect_status() {
	want=$1; shift
	"$@"
	got=$?
	[ "$got" = "$want" ] || fail "exit status $got, want $want: $*"
}

# contains FILE TEXT: FILE has a line holding TEXT (fixed string).
contains() {
	grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "no '$2' in $1"; }
}

lacks() {
	! grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "unexpected '$2' in $1"; }
}

# start_router SOCK [options]: a --socket router in the background, with
# stdin that stays open, until the socket answers.
start_router() {
	sock=$1; shift
	"$RTXSH" --socket "$sock" "$@" </dev/null >"$T/router.out" 2>"$T/router.err" &
	ROUTER=$!
	PIDS="$PIDS $ROUTER"
	i=0
	while [ ! -S "$sock" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "router did not create $sock"
		kill -0 "$ROUTER" 2>/dev/null || { cat "$T/router.err"; fail "router died"; }
		sleep 0.05
	done
}

# stop_wait PID: waits (up to 5 s) for PID to exit; sets STATUS.
stop_wait() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "process $1 did not exit"
		sleep 0.05
	done
	wait "$1"
	STATUS=$?
	PIDS=$(echo "$PIDS" | sed "s/ $1\b//")
}
