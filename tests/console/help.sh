#!/bin/sh
# `?` and `help` at a real terminal (tmux): the first `?` lists what this
# mode may run, alphabetically, and counts the rest; `?` again on the same
# line lists the rest, marked; typing a line starts short again. `help`
# explains the keys, and the keys it names (Ctrl-U) do what it says.
# Through --connect the same. Skipped without tmux.
. "$(dirname "$0")/lib.sh"
tmux_start "$RTXSH"
wait_for '>'

tm send-keys -t t '?'
wait_for 'more: not emulated, or for another mode; ? again lists them)'
screen | grep -q 'shutdown' && { screen; fail "normal mode ? lists an administrator command"; }
screen | grep -q 'not emulated)$' && { screen; fail "first ? lists not emulated commands"; }
[ "$(last_line)" = ">" ] || { screen; fail "line not redrawn after ?"; }
tm send-keys -t t '?'
wait_for 'Stop the router (rtxsh) (administrator mode)'
wait_for 'Kept as typed (administrator mode) (not emulated)'

# A line in between: the next `?` is short again.
tm send-keys -t t C-u 'help' Enter
wait_for 'Ctrl-U         erase the whole line'
tm send-keys -t t 'clear' C-u 'show ?'
wait_for '  environment '
screen | grep -q 'Invalid command name' && { screen; fail "Ctrl-U did not erase the line"; }
tm send-keys -t t C-u 'administrator' Enter
wait_for '#'
tm send-keys -t t 'ipsec ike encryption 1 ?'
wait_for '3des-cbc|des-cbc|aes-cbc|aes256-cbc'
tm send-keys -t t C-u C-d
wait_for '# quit'
tm send-keys -t t C-d
wait_for 'EXITED=0'
tm kill-server

# The console socket answers `?` with the same session rule.
start_router "$T/r.sock"
tmux_start "$RTXSH --connect $T/r.sock"
wait_for '>'
tm send-keys -t t '?'
wait_for 'more: not emulated, or for another mode; ? again lists them)'
tm send-keys -t t '?'
wait_for 'Stop the router (rtxsh) (administrator mode)'
tm send-keys -t t C-u C-d
wait_for 'EXITED=0'
echo "PASS: ? and help"
