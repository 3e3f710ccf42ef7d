#!/bin/sh
# Options: --help (and its agreement with the man page), --version,
# unknown options, the netlink refusal, unknown models, --log-file.
. "$(dirname "$0")/lib.sh"
man="$(dirname "$0")/../../doc/rtxsh.1"

expect_status 0 "$RTXSH" --help >"$T/help" 2>&1
contains "$T/help" "Usage: rtxsh [options]"
expect_status 0 "$RTXSH" -h >"$T/help2" 2>&1
cmp -s "$T/help" "$T/help2" || fail "-h and --help differ"

# --help and the man page list the same options.
grep -o -- '--[a-z-]*' "$T/help" | sort -u >"$T/help.opts"
sed -n '/^\.SH OPTIONS/,/^\.SH [^O]/p' "$man" | grep -oE -- '(\\-){2}([a-z]|\\-)+' |
	sed 's/\\//g' | sort -u >"$T/man.opts"
[ -s "$T/man.opts" ] || fail "no options found in $man"
diff "$T/help.opts" "$T/man.opts" || fail "--help and the man page disagree"

expect_status 0 "$RTXSH" --version >"$T/version" 2>&1
grep -qE '^rtxsh [0-9]+\.[0-9]+\.[0-9]+$' "$T/version" || { cat "$T/version"; fail "bad --version"; }
expect_status 0 "$RTXSH" -V >"$T/version2" 2>&1
cmp -s "$T/version" "$T/version2" || fail "-V and --version differ"

expect_status 2 "$RTXSH" --no-such-option </dev/null >"$T/out" 2>"$T/err"
contains "$T/err" "unknown option '--no-such-option'"
contains "$T/err" "rtxsh --help"
[ ! -s "$T/out" ] || fail "stdout not empty on a usage error"
expect_status 2 "$RTXSH" -c </dev/null >/dev/null 2>"$T/err"
contains "$T/err" "needs an argument"
expect_status 2 "$RTXSH" stray </dev/null >/dev/null 2>"$T/err"
contains "$T/err" "unexpected argument 'stray'"
expect_status 2 "$RTXSH" --connect "$T/s" --model RTX830 </dev/null >/dev/null 2>"$T/err"

# -k netlink without CAP_NET_ADMIN: refused with the probe's words.
if command -v setpriv >/dev/null 2>&1 &&
	setpriv --bounding-set -net_admin --inh-caps -net_admin true 2>/dev/null; then
	expect_status 3 setpriv --bounding-set -net_admin --inh-caps -net_admin \
		"$RTXSH" -k netlink </dev/null >/dev/null 2>"$T/err"
	contains "$T/err" "CAP_NET_ADMIN"
fi
expect_status 2 "$RTXSH" --ike-port 0 </dev/null >/dev/null 2>"$T/err"
contains "$T/err" "--ike-port wants PORT or PORT,NATT"
expect_status 2 "$RTXSH" --ike-port 7000,7000 </dev/null >/dev/null 2>"$T/err"
expect_status 0 "$RTXSH" --ike-port 17000,17001 </dev/null >/dev/null 2>&1
expect_status 0 "$RTXSH" --commands >"$T/commands" 2>&1
contains "$T/commands" "# rtxsh command reference"
expect_status 2 "$RTXSH" --kernel bogus </dev/null >/dev/null 2>"$T/err"
contains "$T/err" "unknown kernel backend 'bogus'"
expect_status 0 "$RTXSH" -k sim </dev/null >/dev/null 2>&1

expect_status 2 "$RTXSH" --model RTX9999 </dev/null >/dev/null 2>"$T/err"
contains "$T/err" "unknown model 'RTX9999'"
contains "$T/err" "RTX1300"
contains "$T/err" "RTX830"
expect_status 0 "$RTXSH" --model rtx830 </dev/null >/dev/null 2>&1

# --log-file: a file that cannot be opened is an error; one that can is
# created (the log mirror itself is the logger's own test).
expect_status 3 "$RTXSH" --log-file "$T/no/such/dir/log" </dev/null >/dev/null 2>"$T/err"
contains "$T/err" "cannot open log file"
expect_status 0 "$RTXSH" --log-file "$T/log" </dev/null >/dev/null 2>&1
[ -e "$T/log" ] || fail "--log-file did not create the file"
# Owner only, even with a permissive umask: key-info lines go there.
(umask 022; expect_status 0 "$RTXSH" --log-file "$T/log2" </dev/null >/dev/null 2>&1)
mode=$(stat -c %a "$T/log2")
[ "$mode" = 600 ] || fail "--log-file created mode $mode, want 600"
expect_status 0 "$RTXSH" --log-file - </dev/null >/dev/null 2>&1
exit 0
