#!/bin/sh
# --socket / --connect: a script sent through the socket gives the same
# output and exit status as on stdin; the router stops cleanly on SIGTERM
# and on `shutdown`, removing its socket.
. "$(dirname "$0")/lib.sh"

sock="$T/console.sock"
cat >"$T/script.in" <<'EOF2'
# configure through the console socket
ip lan1 address 192.168.100.1/24
frobnicate
ip lan2 address 10.0.0.1/8
show config
EOF2

start_router "$sock"
mode=$(stat -c %a "$sock")
[ "$mode" = 600 ] || fail "socket mode $mode, want 600"

expect_status 1 "$RTXSH" --connect "$sock" <"$T/script.in" >"$T/via-socket.out" 2>&1
expect_status 1 "$RTXSH" <"$T/script.in" >"$T/via-stdin.out" 2>&1
cmp -s "$T/via-socket.out" "$T/via-stdin.out" ||
	{ diff "$T/via-stdin.out" "$T/via-socket.out"; fail "socket output differs from stdin"; }
contains "$T/via-socket.out" "line 3: Error"

# The running config is the router's: a second client sees the first's.
echo 'show config' >"$T/show.in"
expect_status 0 "$RTXSH" --connect "$sock" <"$T/show.in" >"$T/second.out" 2>&1
contains "$T/second.out" "ip lan2 address 10.0.0.1/8"

# The router outlived its own (empty) stdin; SIGTERM stops it cleanly.
kill -0 "$ROUTER" || fail "router exited after its stdin ended"
kill -TERM "$ROUTER"
stop_wait "$ROUTER"
[ "$STATUS" = 0 ] || fail "router exit status $STATUS after SIGTERM"
[ ! -e "$sock" ] || fail "socket left behind after SIGTERM"
lacks "$T/router.err" "Error"

# SIGINT without a terminal stops the router too.
start_router "$sock"
kill -INT "$ROUTER"
stop_wait "$ROUTER"
[ "$STATUS" = 0 ] || fail "router exit status $STATUS after SIGINT"
[ ! -e "$sock" ] || fail "socket left behind after SIGINT"

# `shutdown` from a client stops the router; the client stops reading its
# script there and exits normally.
start_router "$sock"
printf 'shutdown\nfrobnicate\n' >"$T/shutdown.in"
expect_status 0 "$RTXSH" --connect "$sock" <"$T/shutdown.in" >"$T/shutdown.out" 2>&1
lacks "$T/shutdown.out" "Error"
stop_wait "$ROUTER"
[ "$STATUS" = 0 ] || fail "router exit status $STATUS after shutdown"
[ ! -e "$sock" ] || fail "socket left behind after shutdown"

# `shutdown` on stdin ends the program there as well.
expect_status 0 "$RTXSH" <"$T/shutdown.in" >"$T/local-shutdown.out" 2>&1
lacks "$T/local-shutdown.out" "Error"

# A live router's socket is not taken over; a stale one is replaced;
# something that is not a socket is never removed.
start_router "$sock"
expect_status 3 "$RTXSH" --socket "$sock" </dev/null >/dev/null 2>"$T/busy.err"
contains "$T/busy.err" "another rtxsh is serving"
kill -KILL "$ROUTER"
stop_wait "$ROUTER"
[ -S "$sock" ] || fail "expected a stale socket after SIGKILL"
start_router "$sock"
kill -TERM "$ROUTER"
stop_wait "$ROUTER"
: >"$T/plain"
expect_status 3 "$RTXSH" --socket "$T/plain" </dev/null >/dev/null 2>&1
[ -f "$T/plain" ] || fail "a plain file was removed"

# Nobody serving: --connect fails with status 3.
expect_status 3 "$RTXSH" --connect "$T/nobody.sock" </dev/null >/dev/null 2>"$T/conn.err"
contains "$T/conn.err" "cannot connect"

# A client that speaks garbage is dropped; the router keeps serving.
start_router "$sock"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$sock" <<'PY'
import socket, sys
for junk in (b"\xff" * 64, b"L\x7f\xff\xff\xff", b"Lxx", b"H\x00\x00\x00\x01s" + b"?\x00\x00\x00\x00" * 3):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(junk)
    s.shutdown(socket.SHUT_WR)
    s.settimeout(5)
    while s.recv(4096):
        pass
    s.close()
PY
	[ $? = 0 ] || fail "the router did not close a garbage connection"
fi
expect_status 0 "$RTXSH" --connect "$sock" <"$T/show.in" >"$T/after-junk.out" 2>&1
kill -TERM "$ROUTER"
stop_wait "$ROUTER"
[ "$STATUS" = 0 ] || fail "router exit status $STATUS after garbage clients"
exit 0
