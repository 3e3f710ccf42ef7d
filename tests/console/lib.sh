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
	echo "FAIL: $*" >&2   # also when stdout is redirected
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

# ---- a terminal (tmux) for the interactive tests ----

# tmux_start CMD: runs CMD on a private tmux server (nothing of the user's
# is touched), 120x50, and prints EXITED=status when it ends. Skips the
# test without tmux.
tmux_start() {
	command -v tmux >/dev/null 2>&1 || { echo "SKIP: no tmux"; exit 77; }
	TMUX_N=$((${TMUX_N:-0} + 1))
	TMUX_SOCK="$T/tmux.$TMUX_N.sock"   # a fresh server each time
	tm new-session -d -s t -x 120 -y 50 "$1; echo EXITED=\$?; sleep 600" ||
		fail "tmux did not start"
	trap 'tm kill-server 2>/dev/null; cleanup' EXIT
}
# -u: the terminal is UTF-8 whatever the environment says.
tm() { tmux -u -S "$TMUX_SOCK" "$@"; }
screen() { tm capture-pane -p -J -S - -t t; }
# wait_for TEXT [TRIES]: until the screen shows TEXT (fixed string),
# polling every 0.05 s, up to TRIES times (default 200).
wait_for() {
	i=0
	until screen | grep -qF -- "$1"; do
		i=$((i + 1))
		[ $i -lt "${2:-200}" ] || { screen; fail "screen never showed '$1'"; }
		sleep 0.05
	done
}
# wait_count TEXT N: until the screen shows TEXT on N lines.
wait_count() {
	i=0
	until [ "$(screen | grep -cF -- "$1")" -ge "$2" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { screen; fail "screen never showed '$1' $2 times"; }
		sleep 0.05
	done
}
# last_line: the line the cursor is on, without trailing blanks.
last_line() { screen | grep -v '^$' | tail -n 1 | sed 's/ *$//'; }
# wait_last TEXT: until the last non-empty line of the screen is TEXT
# (a prompt that comes back only after work such as a password check).
wait_last() {
	i=0
	until [ "$(last_line)" = "$1" ]; do
		i=$((i + 1))
		[ $i -lt "${2:-600}" ] || { screen; fail "the last line never became '$1'"; }
		sleep 0.05
	done
}
# paste TEXT: as a terminal paste (one write), without a line end.
paste() {
	printf '%s' "$1" >"$T/paste.buf"
	tm load-buffer "$T/paste.buf"
	tm paste-buffer -t t
}
