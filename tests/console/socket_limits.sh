#!/bin/sh
# The console socket under file-descriptor pressure: many idle connections
# and a low `ulimit -n` never make the router spin or leave a new client
# hanging. A client past the session cap (16), or one that arrives when
# the router is out of descriptors, is told so and closed at once; the
# router keeps serving, and once the idle connections go, a new client is
# served again. "Does not spin" is checked without timing: the router's
# own CPU time (/proc) while it holds the idle connections must stay a
# small share of the wall time that passed (a busy poll takes all of it).
# Last, a client whose session the router closes unasked (the login timer:
# a stand-in router plays it, not to wait 300 s) shows why and stops.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
now() { awk '{ print int($1 * '"$hz"') }' /proc/uptime; }

# hold SOCK N: N idle connections that never say HELLO, until $T/release
# appears; prints how many connect()s succeeded once all were tried.
hold() {
	python3 - "$1" "$2" "$T/release" >"$T/held" 2>&1 <<'PY' &
import os, signal, socket, sys, time
path, n, release = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def stuck(signo, frame):
    raise TimeoutError()
signal.signal(signal.SIGALRM, stuck)
conns = []
try:
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX)
        # Blocking: waits while the backlog is full, until the router
        # accepts; a router that stopped accepting ends the loop.
        signal.setitimer(signal.ITIMER_REAL, 3)
        s.connect(path)
        signal.setitimer(signal.ITIMER_REAL, 0)
        conns.append(s)
except TimeoutError:
    pass
print(len(conns), flush=True)
while not os.path.exists(release):
    time.sleep(0.05)
PY
	HOLDER=$!
	PIDS="$PIDS $HOLDER"   # killed by cleanup if the test fails
	i=0
	until [ -s "$T/held" ]; do
		i=$((i + 1)); [ $i -lt 200 ] || fail "the idle connections did not open"
		sleep 0.05
	done
}

# probe SOCK NAME: a new client; it must be answered (0) or refused (3)
# within 20 s -- a bound against a hang, not a timing.
probe() {
	echo 'show config' | timeout 20 "$RTXSH" --connect "$1" >"$T/$2.out" 2>&1
	echo $? >"$T/$2.status"
}

# no_spin PID: the router's CPU time over the wall time of 20 probes.
no_spin() {
	t0=$(ticks "$1"); w0=$(now)
	n=0
	while [ $n -lt 20 ] || [ $(($(now) - w0)) -lt 20 ]; do
		probe "$2" spin
		n=$((n + 1))
	done
	cpu=$(($(ticks "$1") - t0)); wall=$(($(now) - w0))
	echo "router CPU $cpu ticks over $wall ticks of wall time ($n clients)"
	[ $((cpu * 4)) -lt "$wall" ] || fail "the router is busy while idle: $cpu of $wall ticks"
}

for case in cap fds; do
	sock="$T/$case.sock"
	if [ $case = cap ]; then limit=40; else limit=18; fi
	printf '#!/bin/sh\nulimit -n %s\nexec "%s" "$@"\n' "$limit" "$RTXSH" >"$T/lowfd"
	chmod +x "$T/lowfd"
	RTXSH="$T/lowfd" start_router "$sock"
	rm -f "$T/release" "$T/held"
	hold "$sock" 48
	echo "$case: $(cat "$T/held") of 48 idle connections open"
	probe "$sock" new
	[ "$(cat "$T/new.status")" = 3 ] || { cat "$T/new.out"; fail "$case: a new client was not refused"; }
	if [ $case = cap ]; then
		contains "$T/new.out" "Console session refused: 16 sessions are open already."
	else
		contains "$T/new.out" "Console session refused: the router is out of file descriptors."
	fi
	no_spin "$ROUTER" "$sock"
	touch "$T/release"
	wait "$HOLDER"
	PIDS=$(echo "$PIDS" | sed "s/ $HOLDER\b//")
	# The idle ones gone, a new client is served (the router may still be
	# reading the hang-ups: retry until the answer comes, bounded).
	i=0
	until probe "$sock" after && [ "$(cat "$T/after.status")" = 0 ]; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat "$T/after.out"; fail "$case: not served after the idle clients left"; }
		sleep 0.05
	done
	kill -TERM "$ROUTER"
	stop_wait "$ROUTER"
	[ "$STATUS" = 0 ] || fail "$case: router exit status $STATUS"
done

# The stand-in answers HELLO, then, while the client waits for its script,
# says the session is closed: OUTPUT, BYE, STATUS, as console.c does.
python3 - "$T/fake.sock" "$T/fake.ready" <<'PY' &
import os, socket, struct, sys
srv = socket.socket(socket.AF_UNIX)
srv.bind(sys.argv[1])
srv.listen(1)
open(sys.argv[2], "w").close()
c, _ = srv.accept()
def frame(t, p=b""):
    return t + struct.pack(">I", len(p)) + p
hello = b""
while len(hello) < 6:   # H, length 1, 's'
    hello += c.recv(6 - len(hello))
c.sendall(frame(b"P", b"# ") + frame(b"S", b"\0\0\0\0"))
msg = b"\nConsole session closed: idle for 300 seconds.\n"
c.sendall(frame(b"O", msg) + frame(b"B") + frame(b"S", struct.pack(">i", -11)))
c.close()
PY
FAKE=$!
PIDS="$PIDS $FAKE"
i=0
until [ -e "$T/fake.ready" ]; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "the stand-in router did not start"
	sleep 0.05
done
mkfifo "$T/script"
expect_status 1 timeout 20 "$RTXSH" --connect "$T/fake.sock" <"$T/script" >"$T/idle.out" 2>"$T/idle.err" &
CLIENT=$!
exec 9>"$T/script"   # the script stays open: the client waits for lines
wait "$CLIENT" || fail "the client did not end with status 1"
exec 9>&-
wait "$FAKE"
contains "$T/idle.out" "Console session closed: idle for 300 seconds."
contains "$T/idle.err" "rtxsh: the router closed the session"
exit 0
