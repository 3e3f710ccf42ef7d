#!/bin/sh
# Two rtxsh processes (sim kernel) negotiate IKEv2 over real UDP on the
# loopback: A is 127.0.0.1 with `ipsec auto refresh on`, B is 127.0.0.2 and
# only answers. Both use the same non-standard port pair (--ike-port), so
# no privileges are needed. The test waits (bounded) until both list the
# IKE SA and a send/recv pair, checks the SPIs crosswise, then deletes on
# one side and checks both drop their SAs.
. "$(dirname "$0")/lib.sh"

# config SELF PEER PEER_LAN [extra line]
config() {
	cat <<EOC
syslog debug on
$4
ip route $3 gateway tunnel 1
tunnel select 1
 ipsec tunnel 1
  ipsec sa policy 1 1 esp aes-cbc sha-hmac
  ipsec ike version 1 2
  ipsec ike pre-shared-key 1 text loopback-secret
  ipsec ike local address 1 $1
  ipsec ike remote address 1 $2
  ipsec ike keepalive use 1 on
  ipsec ike send info 1 off
  ipsec ike negotiate-strictly 1 on
  ipsec ike message-id-control 1 on
 tunnel enable 1
EOC
}
config 127.0.0.1 127.0.0.2 10.2.0.0/24 "ipsec auto refresh on" >"$T/a.conf"
config 127.0.0.2 127.0.0.1 10.1.0.0/24 "" >"$T/b.conf"

start_pair 20000

wait_for a "1 1 1"
wait_for b "1 1 1"

# spi ROUTER WHAT: the SPI line of the IKE SA or the send/recv ESP SA.
spi() {
	ask "$1" "show ipsec sa gateway 1 detail" >"$T/$1.detail"
	case $2 in
	ike) sed -n '/^Protocol: IKE$/,/^SPI:/s/^SPI: //p' "$T/$1.detail" ;;
	*) sed -n "/^Direction: $2\$/,/^SPI:/s/^SPI: //p" "$T/$1.detail" ;;
	esac
}

a_ike=$(spi a ike) b_ike=$(spi b ike)
[ -n "$a_ike" ] && [ "$a_ike" = "$b_ike" ] || fail "IKE SPIs differ: A '$a_ike', B '$b_ike'"
a_send=$(spi a send) a_recv=$(spi a recv) b_send=$(spi b send) b_recv=$(spi b recv)
[ -n "$a_send" ] && [ "$a_send" = "$b_recv" ] || fail "A send SPI '$a_send' is not B's recv SPI '$b_recv'"
[ -n "$a_recv" ] && [ "$a_recv" = "$b_send" ] || fail "A recv SPI '$a_recv' is not B's send SPI '$b_send'"
ask a "show status tunnel 1" | grep -q "Current status is Online." || fail "tunnel 1 of A not online"
echo "established: IKE SPI $a_ike, ESP A->B $a_send, B->A $b_send"

# The RTX's words (reference 5.3, 5.4). Both sides configured alike
# (default ike encryption 3des-cbc, hash sha, group modp1024; esp aes-cbc
# sha-hmac) agree on exactly that (doc/interop.md, "Proposals").
for r in a b; do
	d=$T/$r.detail
	grep -qx "Protocol: IKE" "$d" || fail "$r: no 'Protocol: IKE' in the SA detail"
	grep -qx "Algorithm: 3DES-CBC, SHA-1, MODP 1024bit" "$d" ||
		fail "$r: IKE algorithm line: $(grep '^Algorithm' "$d")"
	[ "$(grep -cx 'Algorithm: AES-CBC (for Auth.: HMAC-SHA)' "$d")" = 2 ] ||
		fail "$r: ESP algorithm lines: $(grep '^Algorithm' "$d")"
	ask $r "show status tunnel 1" | grep -Eqx '    \[Next send\]: [0-9]+ sec after' ||
		fail "$r: no [Next send] line in show status tunnel 1"
done

# Delete on A: A drops at once; B drops once A's INFORMATIONAL Delete
# arrives (`ipsec ike send info 1 off` is IKEv1 only: IKEv2 still tells). An engine without INFORMATIONAL says nothing to the peer; then
# that half is skipped with a message.
ask a "ipsec auto refresh off" >/dev/null
ask a "ipsec sa delete all" >/dev/null
wait_for a "0 0 0"
if grep -q "/INFO" "$T/a.log"; then
	wait_for b "0 0 0"
	# A waited for B's answer to its Delete: nothing came for an unknown SA
	sleep 0.3
	! grep -q "cannot find or create IKE SA" "$T/a.log" "$T/b.log" ||
		fail "a message arrived for an SA already gone"
	echo "deleted on both sides"
else
	echo "SKIP (partial): the engine sent no INFORMATIONAL Delete; B keeps its SAs"
fi

# Both stop cleanly on SIGTERM.
for r in a b; do
	eval "pid=\$P$(echo "$r" | tr ab AB)"
	kill -TERM "$pid"
	wait "$pid"
	st=$?
	[ "$st" = 0 ] || fail "router $r exit status $st after SIGTERM"
done
PA= PB=
exit 0
