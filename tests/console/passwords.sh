#!/bin/sh
# administrator password / login password at a real terminal (tmux): set
# without echo (old password, then the new one twice), saved only as a
# salted hash, asked at `administrator` and when a --connect session logs
# in (scripts give it in RTXSH_PASSWORD); never echoed, never in the
# history. Skipped without tmux.
. "$(dirname "$0")/lib.sh"
tmux_start "$RTXSH -c $T/r.conf --socket $T/r.sock"
wait_for '>'
# None by default: administrator asks nothing.
tm send-keys -t t 'administrator' Enter
wait_for '#'
tm send-keys -t t 'administrator password' Enter
wait_for 'New_Password:'
tm send-keys -t t 'adm1n' Enter
wait_count 'New_Password:' 2
tm send-keys -t t 'adm1n' Enter
wait_count '#' 2
tm send-keys -t t 'login password' Enter
wait_for 'New_Password:'
tm send-keys -t t 'l0gin' Enter
wait_count 'New_Password:' 4
tm send-keys -t t 'l0gin' Enter
tm send-keys -t t 'save' Enter
wait_for 'Done'
screen | grep -qE 'adm1n|l0gin' && { screen; fail "a password was echoed"; }
contains "$T/r.conf" 'administrator password encrypted $pbkdf2-sha256$100000$'
contains "$T/r.conf" 'login password encrypted $pbkdf2-sha256$100000$'
lacks "$T/r.conf" 'adm1n'
lacks "$T/r.conf" 'l0gin'

# Changing it asks the old one first.
tm send-keys -t t 'administrator password' Enter
wait_for 'Old_Password:'
tm send-keys -t t 'nope' Enter
wait_for 'Error: Incorrect password'

# Leaving and coming back asks for it; a wrong one leaves normal mode.
tm send-keys -t t 'exit' Enter
wait_for '> '
tm send-keys -t t 'administrator' Enter
wait_for 'Password:'
tm send-keys -t t 'wrong' Enter
wait_count 'Error: Incorrect password' 2
wait_last ">"   # a wrong password leaves normal mode
tm send-keys -t t 'administrator' Enter
wait_count 'Password:' 2
tm send-keys -t t 'adm1n' Enter
wait_last "#"   # the right password is taken
# History holds the commands, never the answers.
tm send-keys -t t Up
wait_last "# administrator"   # history holds the command, not the answer
tm send-keys -t t C-u
screen | grep -qE 'adm1n|wrong' && { screen; fail "a password was echoed"; }
ROUTER_TMUX=$TMUX_SOCK

# A --connect login asks the login password first.
tmux_start "$RTXSH --connect $T/r.sock"
wait_for 'Password:'
tm send-keys -t t 'l0gin' Enter
wait_for '> '
tm send-keys -t t 'administrator' Enter
wait_count 'Password:' 2
tm send-keys -t t 'adm1n' Enter
wait_for '# '
screen | grep -qE 'adm1n|l0gin' && { screen; fail "a password was echoed"; }
tm send-keys -t t 'exit' Enter
tm send-keys -t t 'quit' Enter
wait_for 'EXITED=0'
tm kill-server

# Scripts through --connect: the password from RTXSH_PASSWORD.
echo 'show config' | RTXSH_PASSWORD=l0gin "$RTXSH" --connect "$T/r.sock" >"$T/out" 2>&1 ||
	{ cat "$T/out"; fail "script with the login password failed"; }
contains "$T/out" 'login password encrypted'
expect_status 3 sh -c "echo 'show config' | '$RTXSH' --connect '$T/r.sock' >'$T/out' 2>&1"
contains "$T/out" 'asks for the login password: set RTXSH_PASSWORD'
expect_status 3 sh -c "echo 'show config' | RTXSH_PASSWORD=bad '$RTXSH' --connect '$T/r.sock' >'$T/out' 2>&1"
contains "$T/out" 'Error: Incorrect password'
lacks "$T/out" 'login password encrypted'

# The saved file starts a router with the same passwords; stdin is its
# owner's and asks nothing.
printf 'exit\nadministrator\nshow config\n' | "$RTXSH" -c "$T/r.conf" >"$T/out2" 2>&1
contains "$T/out2" 'administrator password encrypted'
TMUX_SOCK=$ROUTER_TMUX
tm kill-server 2>/dev/null
echo "PASS: passwords"
