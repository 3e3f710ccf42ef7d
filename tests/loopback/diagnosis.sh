#!/bin/sh
# `show ipsec sa gateway N diagnosis` as an operator uses it: two rtxsh
# processes on the loopback whose IKE settings do not meet (both with
# proposal-limitation on; A offers aes-cbc/sha256/modp1024, B allows
# aes256-cbc/sha256/modp2048). B explains the failure with the commands
# that fix it; the test types exactly those commands into B and the
# tunnel comes up. A's own record says the peer refused its proposal.
. "$(dirname "$0")/lib.sh"

# config SELF PEER PEER_LAN ENCRYPTION GROUP [extra line]
config() {
	cat <<EOC
syslog debug on
ipsec ike retry 2 1
$6
ip route $3 gateway tunnel 1
tunnel select 1
 ipsec tunnel 1
  ipsec sa policy 1 1 esp aes-cbc sha-hmac
  ipsec ike version 1 2
  ipsec ike pre-shared-key 1 text loopback-secret
  ipsec ike local address 1 $1
  ipsec ike remote address 1 $2
  ipsec ike proposal-limitation 1 on
  ipsec ike encryption 1 $4
  ipsec ike hash 1 sha256
  ipsec ike group 1 $5
  ipsec ike always-on 1 on
 tunnel enable 1
EOC
}
config 127.0.0.1 127.0.0.2 10.2.0.0/24 aes-cbc modp1024 "ipsec auto refresh on" >"$T/a.conf"
config 127.0.0.2 127.0.0.1 10.1.0.0/24 aes256-cbc modp2048 "" >"$T/b.conf"
start_pair 40000
grep -q Error "$T/a.err" "$T/b.err" && fail "a config line was refused"

# wait_diag ROUTER TEXT: polls (15 s) until the diagnosis says TEXT.
wait_diag() {
	i=0
	until ask "$1" "show ipsec sa gateway 1 diagnosis" >"$T/$1.diag" && grep -qF "$2" "$T/$1.diag"; do
		i=$((i + 1))
		[ $i -lt 150 ] || { cat "$T/$1.diag"; fail "router $1's diagnosis never said '$2'"; }
		sleep 0.1
	done
}
wait_diag b "To accept the peer's proposal, enter:"
wait_diag a "the peer accepts none of this router's IKE proposals"
echo "--- B: show ipsec sa gateway 1 diagnosis"
cat "$T/b.diag"
grep -q "see show ipsec sa gateway 1 diagnosis" "$T/b.log" || fail "no hint line in B's log"

# The commands between "enter:" and the next line that is not one.
sed -n '/^To accept the peer.s proposal, enter:$/,/^[^ ]/s/^  \(ipsec .*\)$/\1/p' "$T/b.diag" >"$T/fix"
[ -s "$T/fix" ] || fail "the diagnosis names no command"
grep -qx "ipsec ike encryption 1 aes-cbc" "$T/fix" && grep -qx "ipsec ike group 1 modp1024" "$T/fix" ||
	fail "unexpected fix: $(cat "$T/fix")"
while read -r line; do
	ask b "$line" | grep -q Error && fail "B refused '$line'"
done <"$T/fix"

wait_for a "1 1 1" 30
wait_for b "1 1 1"
ask b "show ipsec sa gateway 1 diagnosis" | grep -q "no failed negotiation since the last success" ||
	fail "B still explains a failure after the tunnel came up"
echo "up after the diagnosis's commands: $(tr '\n' ';' <"$T/fix")"
exit 0
