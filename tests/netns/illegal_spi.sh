#!/bin/bash
# `ipsec log illegal-spi on` with the netlink backend: B's rtxsh sees
# hand-built ESP (tests/netns/esp_send) through its raw ESP sockets.
#   A: wan0 10.250.0.1, 2001:db8:250::1     B: wan0 10.250.0.2, 2001:db8:250::2
# On any kernel with XFRM (ESP itself not needed: raw sockets get their
# copy whatever handles the protocol): an unknown SPI over IPv4 and IPv6
# is logged with SPI and sender, and so is ESP in UDP to port 4500 (with
# the sender's port) but not an IKE datagram behind the zero marker;
# `ipsec log illegal-spi off` closes the sockets and a packet sent then is
# never logged. Where the kernel has ESP
# (else that part is skipped, said on stdout): a foreign SA's SPI is not
# illegal, and after a tunnel with A (rtxsh too, NAT-T forced so its ESP
# is in UDP) carried pings, none of its own SPIs was logged.
# Negative checks wait for a later positive one: a packet sent after the
# one that must not show is logged, so the first one's chance has passed.
. "$(dirname "$0")/lib.sh"
netns_prelude rtxspi
SEND=${ESP_SEND:-$PWD/tests/netns/esp_send}
[ -x "$SEND" ] || { echo "FAIL: no esp_send at $SEND"; exit 99; }
kernel_can
case $? in
0) esp=yes ;;
100) echo "SKIP: cannot create a network namespace"; exit 77 ;;
*) esp=no ;;
esac
netns_pair "$A" "$B"
for i in 1 2; do
	ns=$A; [ $i = 2 ] && ns=$B
	ip -n "$ns" addr add "2001:db8:250::$i/64" dev wan0 nodad || fail "IPv6 address in $ns"
done

# NAT-T forced: the tunnel's own ESP travels in UDP 4500, through the
# raw UDP watch as well.
{ rtx_config 10.250.0.1 10.250.0.2 10.251.1.1/24 10.251.2.0/24 on
  echo "ipsec ike nat-traversal 1 on force=on"; } >"$T/a.conf"
{ rtx_config 10.250.0.2 10.250.0.1 10.251.2.1/24 10.251.1.0/24
  echo "ipsec ike nat-traversal 1 on force=on"; echo "ipsec log illegal-spi on"; } >"$T/b.conf"
rtx_start b "$B"

# logged SPI FROM: B's log has the illegal-SPI line (waits up to 10 s).
logged() { log_wait b "\\[IPSEC\\] illegal SPI $1 from $2\$" 100; }
never() { grep -q "illegal SPI $1 " "$T/b.log" && fail "B logged SPI $1: $(grep "illegal SPI $1" "$T/b.log")"; }
raw_sockets() { ip netns exec "$B" ss -H -w -a -p 2>/dev/null | grep -c 'rtxsh'; }
# sockets_become N: a switch typed on the console applies once input
# pauses (20 ms): wait (up to 10 s) until rtxsh holds N raw sockets.
sockets_become() {
	local i=0
	until [ "$(raw_sockets)" = "$1" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "rtxsh holds $(raw_sockets) raw ESP sockets, want $1"
		sleep 0.1
	done
}

ip netns exec "$A" "$SEND" 10.250.0.2 0x1234abcd || fail "esp_send IPv4"
logged 0x1234abcd 10.250.0.1
ip netns exec "$A" "$SEND" 2001:db8:250::2 0x5678 || fail "esp_send IPv6"
logged 0x00005678 2001:db8:250::1
[ "$(raw_sockets)" = 4 ] || fail "want rtxsh's raw ESP and UDP sockets (4), ss shows $(raw_sockets)"
ip netns exec "$A" "$SEND" 10.250.0.2 0 4500 || fail "esp_send UDP marker"
ip netns exec "$A" "$SEND" 10.250.0.2 0xcafe0001 4500 || fail "esp_send UDP"
logged 0xcafe0001 '10.250.0.1\[[0-9]*\]'
never 0x00000000
ip netns exec "$A" "$SEND" 2001:db8:250::2 0xcafe0002 4500 || fail "esp_send UDP IPv6"
logged 0xcafe0002 '2001:db8:250::1\[[0-9]*\]'

ask b "ipsec log illegal-spi off" >/dev/null
sockets_become 0
ip netns exec "$A" "$SEND" 10.250.0.2 0xdead0001 || fail "esp_send"
ask b "ipsec log illegal-spi on" >/dev/null
sockets_become 4
ip netns exec "$A" "$SEND" 10.250.0.2 0xbeef0001 || fail "esp_send"
logged 0xbeef0001 10.250.0.1
never 0xdead0001
echo "illegal_spi: unknown SPIs logged over IPv4 and IPv6, ESP and ESP in UDP; switch off closes the sockets"

if [ $esp = no ]; then
	echo "illegal_spi: kernel $(uname -r) lacks ESP: foreign SA and tunnel checks skipped"
	exit 0
fi
ip -n "$B" xfrm state add src 10.250.0.1 dst 10.250.0.2 proto esp spi 0x99 reqid 7 mode tunnel \
	aead 'rfc4106(gcm(aes))' 0x00112233445566778899aabbccddeeff00112233 128 ||
	fail "foreign SA in $B"
ip netns exec "$A" "$SEND" 10.250.0.2 0x99 || fail "esp_send"
ip netns exec "$A" "$SEND" 10.250.0.2 0xbeef0002 || fail "esp_send"
logged 0xbeef0002 10.250.0.1
never 0x00000099

rtx_start a "$A"
ping_until_up "$A" 10.251.1.1 10.251.2.1 || fail "no ping through the tunnel"
ping_through "$A" 10.251.1.1 10.251.2.1 5 || fail "pings lost: $PING_RESULT"
ip -n "$B" xfrm state | grep -q 'encap type espinudp' || fail "the tunnel's ESP is not in UDP"
ip netns exec "$A" "$SEND" 10.250.0.2 0xbeef0003 || fail "esp_send"
logged 0xbeef0003 10.250.0.1
n=$(grep -c 'illegal SPI' "$T/b.log")
[ "$n" = 7 ] || fail "want only the 7 hand-made illegal SPIs, B logged: $(grep 'illegal SPI' "$T/b.log")"
rtx_stop a "$PA"; PA=
rtx_stop b "$PB"; PB=
echo "illegal_spi: foreign SA and the tunnel's own SPIs not logged"
