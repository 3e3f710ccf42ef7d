#!/bin/sh
# Prints a vRX config with N IKEv2 tunnels (default 6000) in the shape real
# site-to-site configs have: per tunnel a policy, gateway settings, a
# keepalive, a route through the tunnel and `tunnel enable`. `ipsec auto
# refresh` stays off, so loading it sends nothing.
#
#   tests/bench/gen-tunnels.sh 6000 > /tmp/6000.conf
#   /usr/bin/time -v ./rtxsh --model vRX < /tmp/6000.conf > /dev/null
n=${1:-6000}
awk -v n="$n" 'BEGIN {
	print "ipsec auto refresh off"
	print "ip lan1 address 192.0.2.1/24"
	for (t = 1; t <= n; t++) {
		hi = int(t / 250); lo = t % 250 + 1
		printf "ip route 10.%d.%d.0/24 gateway tunnel %d\n", 100 + hi, lo, t
	}
	for (t = 1; t <= n; t++) {
		hi = int(t / 250); lo = t % 250 + 1
		printf "tunnel select %d\n", t
		printf " description tunnel site-%d\n", t
		printf " ipsec tunnel %d\n", t
		printf "  ipsec sa policy %d %d esp aes-cbc sha-hmac\n", t, t
		printf "  ipsec ike version %d 2\n", t
		printf "  ipsec ike keepalive use %d on rfc4306 10 3\n", t
		printf "  ipsec ike local address %d 192.0.2.1\n", t
		printf "  ipsec ike local name %d 192.0.2.1 ipv4-addr\n", t
		printf "  ipsec ike pre-shared-key %d text secret-%d\n", t, t
		printf "  ipsec ike remote address %d 198.%d.%d.1\n", t, 18 + hi % 2, lo
		printf "  ipsec ike remote name %d 198.%d.%d.1 ipv4-addr\n", t, 18 + hi % 2, lo
		printf "  ipsec ike encryption %d aes-cbc\n", t
		printf "  ipsec ike group %d modp2048\n", t
		printf "  ipsec ike hash %d sha256\n", t
		printf " ip tunnel tcp mss limit auto\n"
		printf " tunnel enable %d\n", t
	}
	print "tunnel select none"
}'
