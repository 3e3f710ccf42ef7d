#!/bin/sh
# save writes the running config back to the -c file: mode 0600 (it holds
# keys), and its content is exactly what `show config` prints.
. "$(dirname "$0")/lib.sh"

conf="$T/router.conf"
printf 'ip lan1 address 192.168.100.1/24\n' >"$conf"
chmod 644 "$conf"
printf 'ip lan2 address 10.0.0.1/8\nsave\n' >"$T/edit.in"
expect_status 0 "$RTXSH" -c "$conf" <"$T/edit.in" >"$T/edit.out" 2>&1

mode=$(stat -c %a "$conf")
[ "$mode" = 600 ] || fail "saved file has mode $mode, want 600"
contains "$conf" "ip lan1 address 192.168.100.1/24"
contains "$conf" "ip lan2 address 10.0.0.1/8"

# Round trip: loading the saved file and printing it gives the file back.
echo 'show config' >"$T/show.in"
expect_status 0 "$RTXSH" -c "$conf" <"$T/show.in" >"$T/show.out" 2>&1
cmp -s "$conf" "$T/show.out" || { diff "$conf" "$T/show.out"; fail "show config differs from the saved file"; }

# Without -c there is nowhere to save: an error, and status 1.
expect_status 1 "$RTXSH" <"$T/edit.in" >"$T/nopath.out" 2>&1
contains "$T/nopath.out" "line 2: Error"
exit 0
