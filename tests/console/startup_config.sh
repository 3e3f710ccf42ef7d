#!/bin/sh
# -c FILE: the startup config runs first as the administrator; each bad
# line is reported on stderr with the file name and its line number, the
# good lines are kept, and the router starts all the same.
. "$(dirname "$0")/lib.sh"

cat >"$T/startup.conf" <<'CONF'
# startup config
ip lan1 address 192.168.100.1/24
this is not a command

ip lan2 address 10.0.0.1/8
CONF
echo 'show config' >"$T/show.in"
expect_status 1 "$RTXSH" -c "$T/startup.conf" <"$T/show.in" >"$T/out" 2>"$T/err"
contains "$T/err" "rtxsh: $T/startup.conf: line 3: Error"
[ "$(grep -c Error "$T/err")" = 1 ] || fail "want exactly one error"
contains "$T/out" "ip lan1 address 192.168.100.1/24"
contains "$T/out" "ip lan2 address 10.0.0.1/8"
lacks "$T/out" "Error"

# A clean startup config and a clean script: status 0.
grep -v 'not a command' "$T/startup.conf" >"$T/clean.conf"
expect_status 0 "$RTXSH" -c "$T/clean.conf" <"$T/show.in" >"$T/out2" 2>"$T/err2"
[ ! -s "$T/err2" ] || { cat "$T/err2"; fail "stderr not empty"; }

# A config file that does not exist yet: the router starts empty and says
# that save will create it.
expect_status 0 "$RTXSH" -c "$T/new.conf" <"$T/show.in" >"$T/out3" 2>"$T/err3"
contains "$T/err3" "$T/new.conf does not exist yet"
[ ! -e "$T/new.conf" ] || fail "the file appeared without save"

# A file that cannot be read is an error before anything runs.
mkdir "$T/dir.conf"
expect_status 3 "$RTXSH" -c "$T/dir.conf" <"$T/show.in" >/dev/null 2>"$T/err4"
contains "$T/err4" "cannot read"
exit 0
