#!/bin/sh
# Interactive mode on a real terminal (tmux): the start-up line, the
# prompt, `?` help that leaves the line as it was, TAB completion, Ctrl-C
# dropping a line without stopping the router, history, Ctrl-D as `quit`,
# and Ctrl-Z / fg. Skipped without tmux.
. "$(dirname "$0")/lib.sh"
tmux_start "$RTXSH"

# One line says what runs: version, model, kernel backend.
wait_for 'emulating RTX1300, kernel backend sim (SAs in memory only)'
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

# Ctrl-D is `quit`: in administrator mode with unsaved changes it asks
# to save (it never drops them silently), at the `>` prompt it logs out
# and ends the program, status 0.
tm send-keys -t t C-d
wait_for '# quit'
wait_for 'Save new configuration ? (Y/N)'
screen | grep -q EXITED && fail "Ctrl-D ended the program with unsaved changes"
tm send-keys -t t 'n' Enter
wait_for '> '
[ "$(last_line)" = ">" ] || { screen; fail "not back at the normal prompt"; }
tm send-keys -t t C-d
wait_for '> quit'
wait_for 'EXITED=0'
tm kill-server

# Stopped (Ctrl-Z) and brought back (fg) by a shell that reset the
# terminal meanwhile: the line is shown again and still edits.
tmux_start "PS1='sh$ ' bash --norc --noprofile -i"
wait_for 'sh$'
tm send-keys -t t "$RTXSH" Enter
wait_for 'kernel backend sim'
tm send-keys -t t 'adm'
wait_for '> adm'
tm send-keys -t t C-z
wait_for 'Stopped'
tm send-keys -t t 'fg' Enter
wait_count '> adm' 2
tm send-keys -t t 'in' Tab
wait_for '> administrator'
tm send-keys -t t Enter C-d
wait_for '# quit'
tm send-keys -t t C-d
wait_count 'sh$' 3
exit 0
