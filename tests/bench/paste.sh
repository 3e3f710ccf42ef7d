#!/bin/sh
# Benchmark, not a test: the cost per line of a config pasted at rtxsh's
# interactive prompt (libedit on a pseudo-terminal), for configs of
# several sizes, so that anything growing with the config per line shows
# as a per-line figure that rises with the tunnel count.
#
#   tests/bench/paste.sh [RTXSH] [TUNNELS...]   (default ./rtxsh, 1000 6000)
#
# Each size is the vRX config of tests/bench/gen-tunnels.sh (17 lines a
# tunnel; vRX allows 6000 tunnels). It is written to the terminal twice:
#   burst   as fast as the terminal takes it (tmux paste-buffer, a local
#           terminal's paste);
#   paced   4 KiB every 50 ms (80 KB/s, a paste over a slow link),
#           slower than rtxsh reads, so that input pauses longer than the
#           20 ms after which typed config lines are applied (README,
#           "Configuration lines reach the engine when input pauses")
#           hundreds of times during the paste.
# rtxsh enters administrator mode first (a terminal starts in normal
# mode, which refuses config lines). Either ends with `show ipsec sa`, which applies what is pending first;
# the clock stops at its output. Printed per run: lines, wall seconds,
# rtxsh's CPU seconds (user + system, from /proc) and CPU microseconds per
# line. Needs python3 (pty).
RTXSH=${1:-./rtxsh}
[ $# -gt 0 ] && shift
[ -x "$RTXSH" ] || { echo "no rtxsh at $RTXSH"; exit 99; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
here=$(dirname "$0")
T=$(mktemp -d "${TMPDIR:-/tmp}/rtxsh-paste.XXXXXX")
trap 'rm -rf "$T"' EXIT
echo "paste: $RTXSH --model vRX on a pty"
for n in ${*:-1000 6000}; do
	sh "$here/gen-tunnels.sh" "$n" >"$T/$n.conf"
	for mode in burst paced; do
		python3 - "$RTXSH" "$T/$n.conf" "$mode" "$n" <<'PY'
import fcntl, os, pty, select, struct, sys, termios, time

rtxsh, conf, mode, n = sys.argv[1:5]
data = open(conf, "rb").read() + b"show ipsec sa\n"
lines = data.count(b"\n")
pid, fd = pty.fork()
if pid == 0:
    os.execv(rtxsh, [rtxsh, "--model", "vRX"])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
# Never block in a write while rtxsh blocks writing its echo to us.
os.set_blocking(fd, False)

def cpu():
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

out = b""
def drain(timeout):
    global out
    r, _, _ = select.select([fd], [], [], timeout)
    if r:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return True
        except OSError:
            return False
        out = (out + chunk)[-4096:]
        return True
    return False

def wait_for(what):
    deadline = time.time() + 30
    while what not in out and time.time() < deadline:
        drain(0.5)

# The prompt first: rtxsh is up and libedit owns the terminal. A terminal
# starts in normal mode, where config lines are refused: administrator
# mode (no password by default) takes them.
wait_for(b"> ")
os.write(fd, b"administrator\n")
wait_for(b"# ")
c0, t0 = cpu(), time.monotonic()
chunk = 4096
pos = 0
while pos < len(data):
    _, w, _ = select.select([fd], [fd], [], 1)
    drain(0)
    if w:
        try:
            pos += os.write(fd, data[pos:pos + chunk])
        except BlockingIOError:
            continue
        if mode == "paced":
            end = time.monotonic() + 0.050
            while time.monotonic() < end:
                drain(max(0, end - time.monotonic()))
while b"Total: isakmp:" not in out:
    if not drain(60):
        sys.exit("no answer to show ipsec sa")
t1, c1 = time.monotonic(), cpu()
os.write(fd, b"exit\n")
for _ in range(50):
    if not drain(0.1):
        break
os.kill(pid, 15)
os.waitpid(pid, 0)
print("  %5s tunnels %-5s %6d lines  wall %6.2f s  rtxsh CPU %6.2f s  %6.1f us CPU/line"
      % (n, mode, lines, t1 - t0, c1 - c0, (c1 - c0) * 1e6 / lines))
PY
	done
done
