#!/bin/sh
# save writes the running config back to the -c file and says so
# ("Saving ... FILE Done ."): its content is exactly what `show config`
# prints (comments and default-valued lines are gone, as on the RTX); an
# existing file keeps its mode, owner and group, a new one is 0600; a
# symlink is written through to its target; a failed save names the path
# and the reason; no temp file is ever left behind, and stale ones of an
# interrupted save are removed at start.
. "$(dirname "$0")/lib.sh"

conf="$T/router.conf"
cat >"$conf" <<'CONF'
# site A, edited by hand
ip lan1 address 192.168.100.1/24
console character ascii
CONF
chmod 644 "$conf"
printf 'ip lan2 address 10.0.0.1/8\nsave\n' >"$T/edit.in"
expect_status 0 "$RTXSH" -c "$conf" <"$T/edit.in" >"$T/edit.out" 2>&1
[ "$(cat "$T/edit.out")" = "Saving ... $conf Done ." ] || { cat "$T/edit.out"; fail "save output"; }
mode=$(stat -c %a "$conf")
[ "$mode" = 644 ] || fail "saved file has mode $mode, want the file's 644"
printf 'ip lan1 address 192.168.100.1/24\nip lan2 address 10.0.0.1/8\n' >"$T/want.conf"
cmp -s "$T/want.conf" "$conf" || { diff "$T/want.conf" "$conf"; fail "saved content"; }

# Round trip: loading the saved file and printing it gives the file back.
echo 'show config' >"$T/show.in"
expect_status 0 "$RTXSH" -c "$conf" <"$T/show.in" >"$T/show.out" 2>&1
cmp -s "$conf" "$T/show.out" || { diff "$conf" "$T/show.out"; fail "show config differs from the saved file"; }

# A new file is created 0600 (it holds pre-shared keys).
printf 'ipsec ike pre-shared-key 1 text secret\nsave\n' >"$T/key.in"
expect_status 0 "$RTXSH" -c "$T/new.conf" <"$T/key.in" >/dev/null 2>&1
mode=$(stat -c %a "$T/new.conf")
[ "$mode" = 600 ] || fail "new file has mode $mode, want 600"

# Owner and group of an existing file are kept (root can give them away).
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chown nobody:"$(id -gn nobody)" "$conf"
	expect_status 0 "$RTXSH" -c "$conf" <"$T/edit.in" >/dev/null 2>&1
	[ "$(stat -c %U "$conf")" = nobody ] || fail "owner not kept: $(stat -c %U:%G "$conf")"
	[ "$(stat -c %G "$conf")" = "$(id -gn nobody)" ] || fail "group not kept"
fi

# A symlinked config: the target is written, the link stays a link; a
# dangling link creates its target.
mkdir "$T/store"
cp "$conf" "$T/store/real.conf"
ln -s store/real.conf "$T/link.conf"
printf 'ip lan3 address 10.3.0.1/16\nsave\n' >"$T/link.in"
expect_status 0 "$RTXSH" -c "$T/link.conf" <"$T/link.in" >/dev/null 2>&1
[ -L "$T/link.conf" ] || fail "the symlink was replaced by a file"
contains "$T/store/real.conf" "ip lan3 address 10.3.0.1/16"
ln -s store/later.conf "$T/dangling.conf"
expect_status 0 "$RTXSH" -c "$T/dangling.conf" <"$T/link.in" >/dev/null 2>&1
[ -L "$T/dangling.conf" ] || fail "the dangling symlink was replaced by a file"
contains "$T/store/later.conf" "ip lan3 address 10.3.0.1/16"

# A save that fails says where and why, keeps the changes running, and
# leaves nothing behind.
printf 'ip lan2 address 10.0.0.1/8\nsave\nshow config\n' >"$T/edit2.in"
expect_status 1 "$RTXSH" -c "$T/gone/sub.conf" <"$T/edit2.in" >"$T/fail.out" 2>"$T/fail.err"
contains "$T/fail.out" "line 2: Error: Cannot save the configuration: \"$T/gone/sub.conf: No such file or directory\""
contains "$T/fail.out" "ip lan2 address 10.0.0.1/8"
left=$(find "$T" -name '*rtxsh-save*')
[ -z "$left" ] || fail "temp files left behind: $left"

# Stale temp files of a killed save are removed at start; files that only
# look alike are not touched.
echo 'secret' >"$T/.router.conf.rtxsh-save.a1B2c3"
echo 'mine' >"$T/.router.conf.rtxsh-save.bak"
expect_status 0 "$RTXSH" -c "$conf" <"$T/show.in" >/dev/null 2>&1
[ ! -e "$T/.router.conf.rtxsh-save.a1B2c3" ] || fail "stale temp file not removed"
[ -e "$T/.router.conf.rtxsh-save.bak" ] || fail "a file that is not ours was removed"

# Without -c there is nowhere to save: an error, and status 1.
expect_status 1 "$RTXSH" <"$T/edit.in" >"$T/nopath.out" 2>&1
contains "$T/nopath.out" "line 2: Error"
exit 0
