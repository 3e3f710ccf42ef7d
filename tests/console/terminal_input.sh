#!/bin/sh
# What a terminal sends, as a new user types or pastes it (tmux):
# - a pasted line of any length gives "Error: Line too long" and nothing
#   else: no crash, the running config stays (under valgrind when it is
#   there, so a heap error fails the test even where it does not crash);
# - UTF-8 typed or pasted is kept byte for byte, edits right around wide
#   characters, and `?` and TAB work after it; also when the user's locale
#   is not UTF-8 (the editor falls back to C.UTF-8);
# - a byte order mark at the start of a pasted line is dropped; a control
#   character typed into a line is refused and shown escaped;
# - the same through `--connect`, where Ctrl-D is `quit` as well.
. "$(dirname "$0")/lib.sh"

WAIT=200
RUN="$RTXSH"
if command -v valgrind >/dev/null 2>&1 && ! ldd "$RTXSH" | grep -q libasan; then
	RUN="valgrind -q --error-exitcode=9 --log-file=$T/valgrind.log $RTXSH"
	WAIT=2400   # valgrind is slow: wait longer (a bound, not a timing)
fi
long=$(head -c 10000 /dev/zero | tr '\0' 'x')
limit=$(head -c 4095 /dev/zero | tr '\0' 'y')

tmux_start "LANG=C.UTF-8 $RUN"
wait_for '>' $WAIT
tm send-keys -t t 'administrator' Enter
wait_for '# ' $WAIT
tm send-keys -t t 'tunnel select 1' Enter
wait_for 'tunnel1# ' $WAIT
tm send-keys -t t 'description tunnel before' Enter
wait_count 'tunnel1# ' 2

# 1. A 10,000-character paste, then Enter: refused as a whole.
paste "description tunnel \"$long\""
tm send-keys -t t Enter
wait_for 'Error: Line too long' $WAIT
# A line of exactly the limit (4096 bytes) is taken, one more is not.
paste "#$limit"
tm send-keys -t t Enter
paste "#y$limit"
tm send-keys -t t Enter
wait_count 'Error: Line too long' 2
tm send-keys -t t 'show config' Enter
wait_for ' description tunnel before' $WAIT
[ "$(screen | grep -c 'Error: Line too long')" = 2 ] || { screen; fail "the 4096-byte line was refused"; }

# 2. Japanese typed, edited in the middle, pasted; ? and TAB after it.
tm send-keys -t t 'description tunnel "東京 office"' Enter
tm send-keys -t t 'description lan1 "東京'
tm send-keys -t t Left Left 'X' End ' 大阪"'
wait_for 'description lan1 "X東京 大阪"' $WAIT
tm send-keys -t t Enter
paste 'ipsec ike remote name 1 AWS拠点間VPN（VGW） fq'
tm send-keys -t t Tab
wait_for 'name 1 AWS拠点間VPN（VGW） fqdn' $WAIT
tm send-keys -t t Enter
tm send-keys -t t 'description lan2 東京 '
tm send-keys -t t '?'
wait_for '<cr>' $WAIT
[ "$(last_line)" = "tunnel1# description lan2 東京" ] || { screen; fail "line not redrawn after ? with UTF-8"; }
tm send-keys -t t C-u

# 3. A byte order mark at the start of a paste; a control character.
paste "$(printf '\357\273\277')ip lan2 address 10.0.0.1/8"
tm send-keys -t t Enter
tm send-keys -t t 'description lan2 "a' C-v Escape 'b"' Enter
wait_for 'Error: Invalid parameter: "a\x1bb"' $WAIT
tm send-keys -t t 'show config' Enter
wait_count ' description tunnel before' 1
wait_for 'ipsec ike remote name 1 AWS拠点間VPN（VGW） fqdn' $WAIT
wait_for ' description tunnel "東京 office"' $WAIT
wait_for 'description lan1 "X東京 大阪"' $WAIT
wait_for 'ip lan2 address 10.0.0.1/8' $WAIT
screen | grep -q 'Invalid command name' && { screen; fail "the byte order mark was not dropped"; }
screen | grep -q '^description lan2' && { screen; fail "the line with ESC was stored"; }

tm send-keys -t t C-d
wait_for 'Save new configuration ? (Y/N)' $WAIT
tm send-keys -t t n Enter C-d
wait_for 'EXITED=' $WAIT
wait_for 'EXITED=0' 1
if [ -s "$T/valgrind.log" ]; then cat "$T/valgrind.log"; fail "valgrind found errors"; fi
tm kill-server

# The user's locale is not UTF-8: Japanese is still kept and echoed.
tmux_start "LC_ALL=C LANG=C $RTXSH"
wait_for '>'
tm send-keys -t t 'administrator' Enter
paste 'description lan1 "AWS拠点間VPN（VGW）"'
tm send-keys -t t Enter
wait_for '# description lan1 "AWS拠点間VPN（VGW）"'
tm send-keys -t t 'show config' Enter
wait_for 'description lan1 AWS拠点間VPN（VGW）'
tm kill-server

# --connect: the same limit and the same Ctrl-D.
sock="$T/console.sock"
start_router "$sock"
tmux_start "LANG=C.UTF-8 $RTXSH --connect $sock"
wait_for 'emulating RTX1300, kernel backend sim'   # what the client reached
wait_for '>'
tm send-keys -t t 'administrator' Enter
wait_for '# '
tm send-keys -t t 'description lan1 "東京 office"' Enter
paste "description tunnel \"$long\""
tm send-keys -t t Enter
wait_for 'Error: Line too long'
tm send-keys -t t C-d
wait_for '# quit'
wait_for 'Save new configuration ? (Y/N)'
tm send-keys -t t n Enter
wait_for '> '
tm send-keys -t t C-d
wait_for 'EXITED=0'
echo 'show config' | "$RTXSH" --connect "$sock" >"$T/after.out" 2>&1
contains "$T/after.out" 'description lan1 "東京 office"'
exit 0
