#!/bin/sh
# The bytes a script, a -c file or a --connect script may hold, judged the
# same way on every path:
# - one line limit, 4096 bytes: a line of exactly that is taken, one byte
#   more is "Error: Line too long", and so is a line of 70,000 bytes;
# - a UTF-8 byte order mark (Notepad) at the start is dropped;
# - a control character is refused, shown escaped, never echoed raw;
# - a --connect script prints exactly what the same script prints on stdin.
. "$(dirname "$0")/lib.sh"

x4095=$(head -c 4095 /dev/zero | tr '\0' 'x')
{
	printf '\357\273\277# saved by Notepad\n'
	printf '#%s\n' "$x4095"                       # 4096 bytes: taken
	printf '#y%s\n' "$x4095"                      # 4097 bytes: too long
	head -c 70000 /dev/zero | tr '\0' 'z'; echo   # far too long
	printf 'description lan1 "a\033[2Jb"\n'       # ESC: refused
	printf 'ip lan1 add\000ress 192.168.100.1/24\n' # NUL: refused
	printf 'description lan2 "東京 office"\n'
	printf 'show config\n'
} >"$T/in.conf"

expect_status 1 "$RTXSH" <"$T/in.conf" >"$T/stdin.out" 2>&1
cat >"$T/want.out" <<'EOW'
line 3: Error: Line too long
line 4: Error: Line too long
line 5: Error: Invalid parameter: "a\x1b[2Jb"
line 6: Error: Invalid parameter: "add\x00ress"
description lan2 "東京 office"
EOW
cmp -s "$T/want.out" "$T/stdin.out" || { diff "$T/want.out" "$T/stdin.out"; fail "stdin output"; }
! grep -q "$(printf '\033')" "$T/stdin.out" || fail "a raw ESC reached the output"

# --connect: the same bytes, the same output.
sock="$T/console.sock"
start_router "$sock"
expect_status 1 "$RTXSH" --connect "$sock" <"$T/in.conf" >"$T/connect.out" 2>&1
cmp -s "$T/stdin.out" "$T/connect.out" ||
	{ diff "$T/stdin.out" "$T/connect.out"; fail "--connect output differs from stdin"; }

# -c: the same lines refused, reported on stderr with the file name; the
# router starts all the same.
echo 'show config' >"$T/show.in"
expect_status 1 "$RTXSH" -c "$T/in.conf" <"$T/show.in" >"$T/c.out" 2>"$T/c.err"
contains "$T/c.err" "rtxsh: $T/in.conf: line 3: Error: Line too long"
contains "$T/c.err" "rtxsh: $T/in.conf: line 4: Error: Line too long"
contains "$T/c.err" "line 5: Error: Invalid parameter: \"a\\x1b[2Jb\""
contains "$T/c.err" "line 6: Error: Invalid parameter: \"add\\x00ress\""
lacks "$T/c.err" "line 1:"
lacks "$T/c.err" "line 2:"
[ "$(cat "$T/c.out")" = 'description lan2 "東京 office"' ] || { cat "$T/c.out"; fail "-c config"; }
[ "$(grep -c Error "$T/c.err")" = 4 ] || { cat "$T/c.err"; fail "want exactly four errors"; }
exit 0
