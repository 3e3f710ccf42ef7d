#!/bin/sh
# Interactive mode on a real terminal (tmux): the prompt, `?` help that
# leaves the line as it was, TAB completion, Ctrl-C dropping a line without
# stopping the router, history, and a clean exit. Skipped without tmux.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "SKIP: no tmux"; exit 77; }

# A private tmux server, so nothing of the user's is touched.
TMUX_SOCK="$T/tmux.sock"
tm() { tmux -S "$TMUX_SOCK" "$@"; }
tm new-session -d -s t -x 120 -y 50 "$RTXSH; echo EXITED=\$?; sleep 600" || fail "tmux did not start"
trap 'tm kill-server 2>/dev/null; cleanup' EXIT

screen() { tm capture-pane -p -t t; }
# wait_for TEXT: until the screen shows TEXT (fixed string), up to 10 s.
wait_for() {
	i=0
	until screen | grep -qF -- "$1"; do
		i=$((i + 1))
		[ $i -lt 200 ] || { screen; fail "screen never showed '$1'"; }
		sleep 0.05
	done
}
# last_line: the line the cursor is on, without trailing blanks.
last_line() { screen | grep -v '^$' | tail -n 1 | sed 's/ *$//'; }

wait_for '>'
tm send-keys -t t 'admi' Tab
wait_for '> administrator'
tm send-keys -t t Enter
wait_for '#'

# `?` lists the next words with help and gives the line back unchanged.
tm send-keys -t t 'ipsec ike '
tm send-keys -t t '?'
wait_for 'pre-shared-key'
wait_for 'Pre-shared key'
[ "$(last_line)" = "# ipsec ike" ] || { screen; fail "line not redrawn after ?"; }
tm send-keys -t t 'pre-sh' Tab
wait_for '# ipsec ike pre-shared-key'
tm send-keys -t t '1 text secret' Enter
wait_for '# ipsec ike pre-shared-key 1 text secret'

# Ctrl-C drops the line being typed; the router keeps running.
tm send-keys -t t 'ipsec ike version 1 2'
wait_for 'version 1 2'
tm send-keys -t t C-c
sleep 0.2
tm send-keys -t t 'show config' Enter
wait_for 'ipsec ike pre-shared-key 1 text secret'
screen | grep -q 'version 1 2show' && fail "Ctrl-C did not drop the line"
screen | grep -q '^ipsec ike version' && fail "the dropped line ran"

# History: Up brings back the last line.
tm send-keys -t t Up
sleep 0.2
[ "$(last_line)" = "# show config" ] || { screen; fail "history did not recall the line"; }
tm send-keys -t t C-u

# Ctrl-D ends the console and the program, status 0.
tm send-keys -t t C-d
wait_for 'EXITED=0'
exit 0
