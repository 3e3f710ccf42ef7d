#!/bin/sh
# Script mode: stdin that is not a terminal runs line by line as the
# administrator; errors carry line numbers; the run goes on after a bad
# line; the exit status tells whether any line failed.
. "$(dirname "$0")/lib.sh"

# A clean script: comments and blank lines are skipped, status 0.
printf '# a comment\n\n   \nip lan1 address 192.168.100.1/24\n# another\nshow config\n' >"$T/good.in"
expect_status 0 "$RTXSH" <"$T/good.in" >"$T/good.out" 2>"$T/good.err"
contains "$T/good.out" "ip lan1 address 192.168.100.1/24"
lacks "$T/good.out" "comment"
lacks "$T/good.out" "Error"
[ ! -s "$T/good.err" ] || { cat "$T/good.err"; fail "stderr not empty"; }

# Bad lines: numbered errors, the following lines still run, status 1.
printf 'ip lan1 address 192.168.100.1/24\n# 2\nfrobnicate the router\n\nip lan2 address 10.0.0.1/8\nshow config\nnonsense\n' >"$T/bad.in"
expect_status 1 "$RTXSH" <"$T/bad.in" >"$T/bad.out" 2>&1
contains "$T/bad.out" "line 3: Error"
contains "$T/bad.out" "line 7: Error"
lacks "$T/bad.out" "line 1:"
lacks "$T/bad.out" "line 5:"
contains "$T/bad.out" "ip lan2 address 10.0.0.1/8"
[ "$(grep -c Error "$T/bad.out")" = 2 ] || fail "want exactly two errors"

# Deterministic: the same script twice gives the same bytes.
"$RTXSH" <"$T/bad.in" >"$T/bad2.out" 2>&1
cmp -s "$T/bad.out" "$T/bad2.out" || fail "output differs between runs"

# CRLF line ends and a last line without a newline still work.
printf 'ip lan1 address 192.168.100.1/24\r\nshow config' >"$T/crlf.in"
expect_status 0 "$RTXSH" <"$T/crlf.in" >"$T/crlf.out" 2>&1
contains "$T/crlf.out" "ip lan1 address 192.168.100.1/24"

# A line too long to be a command, or holding a NUL byte, is refused as a
# whole (never run cut short) and the run goes on.
{
	head -c 70000 /dev/zero | tr '\0' 'x'
	printf '\nip lan1 add\000ress 192.168.100.1/24\nshow config\n'
} >"$T/long.in"
expect_status 1 "$RTXSH" <"$T/long.in" >"$T/long.out" 2>&1
contains "$T/long.out" "line 1: Error"
contains "$T/long.out" "line 2: Error"
lacks "$T/long.out" "ip lan1"

# Binary junk neither crashes nor hangs the router.
head -c 20000 /dev/urandom >"$T/junk.in"
timeout 20 "$RTXSH" <"$T/junk.in" >/dev/null 2>&1
st=$?
[ $st = 0 ] || [ $st = 1 ] || fail "junk input: exit status $st"

# An empty stdin is a successful empty script.
expect_status 0 "$RTXSH" </dev/null >"$T/empty.out" 2>&1
[ ! -s "$T/empty.out" ] || fail "output for an empty script"

# A closed stdin is an empty script too, not a crash or a hang.
expect_status 0 timeout 10 "$RTXSH" <&- >"$T/closed.out" 2>&1
exit 0
