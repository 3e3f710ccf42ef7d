# Remote access on the real kernel (guest layer, doc/remote-access.md):
# rtxsh -k netlink as the EAP-MD5 server with a certificate and an address
# pool, strongSwan road-warriors with kernel-netlink that install their
# virtual IP and ping rtxsh's LAN from it through kernel ESP. Sourced by
# guest.sh after lib.sh and cells.sh, and by eap.sh, which runs the
# server and its clients on this host's kernel with RA_RTX_KERNEL=sim and
# RA_CH_KERNEL=libipsec (no ping there: the sim carries no packets).
#
# Topology: the plain one of lib.sh (rtxsh in A, road-warrior "b" in B at
# 10.250.0.2) and, for more road-warriors at the same time, "c" in a
# third namespace ($NS_N: these cells use no NAT) and "d" in a fourth,
# each on a link of A's of its own:
#
#   C eth0 10.250.1.2/24 <== veth ==> A eth1 10.250.1.1/24
#   D eth0 10.250.2.2/24 <== veth ==> A eth2 10.250.2.1/24
#
# They reach rtxsh's IKE address 10.250.0.1 and its LAN through A. A drops
# any packet from the pool that did not come through IPsec, so a ping
# reply proves the ESP path.

RA_POOL_NET=10.8.0.0/24
RA_RTX_KERNEL=${RA_RTX_KERNEL:-netlink}
RA_CH_KERNEL=${RA_CH_KERNEL:-netlink}
C_IP=10.250.1.2

# ra_link NS N: namespace NS on A's link ethN: A 10.250.N.1/24, NS
# 10.250.N.2/24, which reaches rtxsh's IKE address and LAN through A.
ra_link() {
	local ns=$1 n=$2
	ns_new "$ns"
	ip link add "eth$n" netns "$NS_A" type veth peer name eth0 netns "$ns" || it_die "veth"
	ip -n "$NS_A" addr add "10.250.$n.1/24" dev "eth$n"
	ip -n "$ns" addr add "10.250.$n.2/24" dev eth0
	ip -n "$NS_A" link set "eth$n" up
	ip -n "$ns" link set eth0 up
	ip -n "$ns" route add 10.250.0.0/24 via "10.250.$n.1"
	ip -n "$ns" route add "$A_NET" via "10.250.$n.1"
	ip netns exec "$ns" ping -c1 -W2 "$A_IP" >/dev/null 2>&1 || it_die "no path from $ns to A"
}

# ra_topology CLIENTS: the namespaces; CLIENTS 2 adds C ($NS_N), 3 also
# D ($NS_D, 10.250.2.2), dropped when the cell ends.
NS_D=
ra_topology() {
	it_topology plain
	[ "$1" -ge 2 ] && ra_link "$NS_N" 1
	if [ "$1" -ge 3 ]; then
		NS_D=${NS_A%-a}-d
		echo "$NS_D" >>"$IT/namespaces"
		trap 'ns_drop "$NS_D"' EXIT
		ra_link "$NS_D" 2
	fi
	ip netns exec "$NS_A" "ip${IT_V6:+6}tables" -A INPUT -s "$RA_POOL_NET" -m policy --dir in \
		--pol none -j DROP 2>/dev/null ||
		say "note: no iptables policy match in $NS_A: the leak guard is off"
}

# ra_server [POOL]: rtxsh in A as the server of users alice, bob and carol, its
# pool [10.8.0.1-10.8.0.9] routed into tunnel 1 (IPv6 with IT_V6: the LAN
# and the pool's route are `ipv6 ...` lines).
ra_server() {
	local d=$IT_ROOT/pki pool=${1:-10.8.0.1-10.8.0.9} ip=ip
	[ -n "${IT_V6:-}" ] && ip=ipv6
	cat >"$IT/a.conf" <<EOF
$ip lan1 address $A_LAN/${IT_PLEN:-24}
$ip route $RA_POOL_NET gateway tunnel 1
pki certificate file 1 $d/srv.p12 pkcs12 interop
auth user 1 alice wonderland
auth user 2 bob builder
auth user 3 carol wonderland
auth user attribute 1 eap-md5=on
auth user attribute 2 eap-md5=on
auth user attribute 3 eap-md5=on
ipsec ike mode-cfg address pool 1 $pool
tunnel select 1
 tunnel encapsulation ipsec
 ipsec tunnel 1
  ipsec sa policy 1 1 esp aes256-cbc sha256-hmac
  ipsec ike version 1 2
  ipsec ike local address 1 $A_IP
  ipsec ike remote address 1 any
  ipsec ike encryption 1 aes256-cbc
  ipsec ike hash 1 sha256
  ipsec ike group 1 modp2048
  ipsec ike pki file 1 certificate=1
  ipsec ike eap request 1 on
  ipsec ike mode-cfg address 1 1
 tunnel enable 1
syslog debug on
EOF
	rtx_start a "$NS_A" "$IT/a.conf" "$RA_RTX_KERNEL"
	rtx_need_ike "$NS_A"
}

# ra_login NAME NS ADDR USER PASSWORD: charon NAME in NS at ADDR, with
# kernel-netlink and install_virtual_ip, tries to log in to rtxsh;
# swanctl's status.
ra_login() {
	local name=$1 ns=$2 addr=$3 user=$4 pw=$5 d=$IT_ROOT/pki
	local knl=kernel-netlink
	[ "$RA_CH_KERNEL" = libipsec ] && knl="kernel-libipsec kernel-netlink"
	charon_start "$name" "$ns" "$RA_CH_KERNEL" "	load = random nonce openssl pem pkcs1 x509 pubkey curve25519 aes sha1 sha2 hmac gcm kdf socket-default vici eap-md5 eap-identity $knl
	install_virtual_ip = yes"
	cat >"$IT/$name/swanctl.conf" <<EOF
  c {
    version = 2
    local_addrs = $addr
    remote_addrs = $A_IP
    vips = ${IT_V6:+::}${IT_V6:-0.0.0.0}
    proposals = aes256-sha256-modp2048
    local { auth = eap-md5
            eap_id = $user }
    remote { auth = pubkey
             id = ${RA_RID:-%any}
             cacerts = $d/ca.pem }
    children { net { remote_ts = $A_NET
                     esp_proposals = aes256-sha256 } }
  }
EOF
	printf '  eap-%s { id = %s\n secret = %s }\n' "$user" "$user" "$pw" >"$IT/$name/secrets.conf"
	charon_load "$name"
	charon_initiate "$name" c 30 >"$IT/$name/initiate.out" 2>&1
}

# ra_client NAME NS ADDR USER PASSWORD: the same, and it must succeed.
ra_client() {
	ra_login "$@" ||
		{ cat "$IT/$1/initiate.out"; ra_state; fail "charon $1 could not log in as $4"; }
}

# ra_vip NAME: the virtual IP charon NAME installed.
ra_vip() {
	sed -n 's/.*installing new virtual IP \([0-9a-f.:]*\).*/\1/p' "$IT/$1/charon.log" | tail -n 1
}

# packets of rtxsh's kernel SA from SRC to DST (ip -s xfrm state in A).
ra_sa_packets() {
	ip -n "$NS_A" -s xfrm state | awk -v s="$1" -v d="$2" '
		/^src / { hit = ($2 == s && $4 == d) }
		hit && /lifetime current:/ { cur = 1; next }
		hit && cur { sub(/\(packets\).*/, ""); sub(/.*, /, ""); print; exit }'
}

ra_state() {
	local ns
	for ns in "$NS_A" "$NS_B" "$NS_N" ${NS_D:+"$NS_D"}; do
		ip netns list | awk '{print $1}' | grep -qx "$ns" || continue
		say "--- $ns: ip -s xfrm state / policy, addresses, routes"
		ip -n "$ns" -s xfrm state
		ip -n "$ns" xfrm policy
		ip -n "$ns" -br addr
		ip -n "$ns" route show table all | grep -v 'table local'
	done
	say "--- rtxsh show ipsec sa"; rtx a 'show ipsec sa' 2>&1
	say "--- rtxsh log (tail)"; tail -n 40 "$IT/a/rtxsh.log" 2>/dev/null
}

# ra_check NAME NS ADDR VIP: charon NAME (in NS, outer address ADDR) holds
# VIP, pings rtxsh's LAN from it through ESP, and rtxsh's SAs with ADDR
# counted the packets both ways.
ra_check() {
	local name=$1 ns=$2 addr=$3 vip=$4 got in out
	got=$(ra_vip "$name")
	[ "$got" = "$vip" ] || { ra_state; fail "charon $name installed '$got', not $vip"; }
	ip -n "$ns" -br addr | grep -q "$vip/" || { ra_state; fail "$vip is not on any interface of $ns"; }
	grep -q "mode-cfg: leased address $vip from pool 1" "$IT/a/rtxsh.log" ||
		fail "rtxsh did not log the lease of $vip"
	ip netns exec "$ns" ping -c 3 -W 2 -I "$vip" "$A_LAN" >"$IT/$name/ping.out" 2>&1 ||
		{ cat "$IT/$name/ping.out"; ra_state; fail "no ping from $vip to $A_LAN through ESP"; }
	in=$(ra_sa_packets "$addr" "$A_IP")
	out=$(ra_sa_packets "$A_IP" "$addr")
	say "$name ($vip): rtxsh's SA $addr->$A_IP counted ${in:-?} packets, $A_IP->$addr ${out:-?}"
	[ "${in:-0}" -ge 1 ] && [ "${out:-0}" -ge 1 ] ||
		{ ra_state; fail "rtxsh's kernel SAs with $addr did not count the pings"; }
}

# The route for the pool is on tunnel 1's xfrm interface.
ra_route() {
	ip -n "$NS_A" ${IT_V6:+-6} route show table all | grep -q "^$RA_POOL_NET dev rtx-tun1 " ||
		{ ra_state; fail "no route $RA_POOL_NET on rtx-tun1 in rtxsh's namespace"; }
}

# One road-warrior: alice logs in, gets 10.8.0.1 and pings the LAN.
c_ra_ping() {
	ra_topology 1
	ra_server
	ra_client b "$NS_B" "$B_IP" alice wonderland
	grep -q 'EAP-MD5 user alice authenticated' "$IT/a/rtxsh.log" || fail "no EAP line on rtxsh"
	ra_route
	ra_check b "$NS_B" "$B_IP" 10.8.0.1
}

# The same over IPv6: rtxsh leases fd00:8::1 of its IPv6 pool as an
# INTERNAL_IP6_ADDRESS, charon installs it and pings rtxsh's IPv6 LAN
# from it through ESP over IPv6.
c_ra_ping6() {
	it_v6
	RA_POOL_NET=fd00:8::/64
	ra_topology 1
	ra_server fd00:8::1-fd00:8::9
	ra_client b "$NS_B" "$B_IP" alice wonderland
	ra_route
	ra_check b "$NS_B" "$B_IP" fd00:8::1
}

# Two road-warriors at once: alice gets 10.8.0.1, bob 10.8.0.2, both
# tunnels stay up together (also past the grace of a replaced SA) and
# each pings the LAN; then alice leaves and bob still pings.
c_ra_two() {
	ra_topology 2
	ra_server
	ra_client b "$NS_B" "$B_IP" alice wonderland
	ra_client c "$NS_N" "$C_IP" bob builder
	ra_route
	ra_check b "$NS_B" "$B_IP" 10.8.0.1
	ra_check c "$NS_N" "$C_IP" 10.8.0.2
	# bob's login is no reauthentication of alice's: past the 30 s a
	# replaced CHILD SA would keep, both still ping.
	sleep 35
	ip netns exec "$NS_B" ping -c 2 -W 2 -I 10.8.0.1 "$A_LAN" >/dev/null ||
		{ ra_state; fail "alice's ping stopped 35 s after bob logged in"; }
	ip netns exec "$NS_N" ping -c 2 -W 2 -I 10.8.0.2 "$A_LAN" >/dev/null ||
		{ ra_state; fail "bob's ping stopped after 35 s"; }
	[ "$(rtx a 'show ipsec sa' 2>/dev/null | grep -Ec '^[0-9]+ +1 +- +ike ')" = 2 ] ||
		{ ra_state; fail "rtxsh does not list both IKE SAs"; }
	sw b --terminate --ike c --timeout 10 >/dev/null || fail "swanctl --terminate failed"
	wait_for 10 sh -c "! ip -n $NS_A xfrm state | grep -q 'src $B_IP '" ||
		{ ra_state; fail "rtxsh kept alice's SAs after she left"; }
	ip netns exec "$NS_N" ping -c 2 -W 2 -I 10.8.0.2 "$A_LAN" >/dev/null ||
		{ ra_state; fail "bob's ping stopped when alice left"; }
	ra_route
}

# Three road-warriors at once (alice, bob, carol): 10.8.0.1-3 on the one
# tunnel, each pings the LAN from its own address.
c_ra_three() {
	ra_topology 3
	ra_server
	ra_client b "$NS_B" "$B_IP" alice wonderland
	ra_client c "$NS_N" "$C_IP" bob builder
	ra_client d "$NS_D" 10.250.2.2 carol wonderland
	ra_route
	ra_check b "$NS_B" "$B_IP" 10.8.0.1
	ra_check c "$NS_N" "$C_IP" 10.8.0.2
	ra_check d "$NS_D" 10.250.2.2 10.8.0.3
	[ "$(ip -n "$NS_A" xfrm policy | grep -c '^src ')" = 9 ] ||
		{ ra_state; fail "rtxsh's kernel does not hold three policies per client"; }
}

# alice's machine crashes (charon killed) and she logs in again with
# INITIAL_CONTACT while bob stays: rtxsh drops her old SAs and policies,
# she gets 10.8.0.1 again, and both ping; rtxsh's kernel holds exactly
# two clients' SAs and policies. (charon sends INITIAL_CONTACT only to a
# peer named without wildcards: the clients name the server by the
# subject DN rtxsh sends as its IDr, having no `ipsec ike local name`.)
c_ra_reconnect() {
	RA_RID='"CN=vpn.example"'
	ra_topology 2
	ra_server
	ra_client b "$NS_B" "$B_IP" alice wonderland
	ra_client c "$NS_N" "$C_IP" bob builder
	ra_check b "$NS_B" "$B_IP" 10.8.0.1
	kill -KILL "$(cat "$IT/b/pid")"
	rm -f "$IT/b/pid"
	# what the crashed charon left in its kernel goes with the crash
	ip -n "$NS_B" xfrm state flush
	ip -n "$NS_B" xfrm policy flush
	ip -n "$NS_B" addr del 10.8.0.1/32 dev eth0 2>/dev/null
	: >"$IT/b/charon.log"
	ra_client b "$NS_B" "$B_IP" alice wonderland
	grep -q 'IKE_AUTH request 1 \[.*N(INIT_CONTACT)' "$IT/b/charon.log" ||
		{ ra_state; fail "charon sent no INITIAL_CONTACT"; }
	ra_check b "$NS_B" "$B_IP" 10.8.0.1
	ip netns exec "$NS_N" ping -c 2 -W 2 -I 10.8.0.2 "$A_LAN" >/dev/null ||
		{ ra_state; fail "bob's ping stopped when alice came back"; }
	wait_for 10 sh -c "[ \$(ip -n $NS_A xfrm state | grep -c '^src ') = 4 ]" ||
		{ ra_state; fail "rtxsh's kernel does not hold exactly two clients' four SAs"; }
	[ "$(ip -n "$NS_A" xfrm policy | grep -c '^src ')" = 6 ] ||
		{ ra_state; fail "rtxsh's kernel does not hold exactly two clients' six policies"; }
}

# A wrong password: bob is refused (EAP Failure, AUTHENTICATION_FAILED),
# rtxsh's kernel holds nothing for him, and alice, logged in before,
# still pings.
c_ra_wrong_password() {
	ra_topology 2
	ra_server
	ra_client b "$NS_B" "$B_IP" alice wonderland
	! ra_login c "$NS_N" "$C_IP" bob not-the-password || fail "bob logged in with a wrong password"
	grep -q 'EAP-MD5 authentication failed for user bob: wrong password' "$IT/a/rtxsh.log" ||
		{ ra_state; fail "no refusal line on rtxsh"; }
	grep -q 'EAP/FAIL N(AUTH_FAILED)' "$IT/c/charon.log" ||
		{ tail -n 20 "$IT/c/charon.log"; fail "charon c heard no AUTHENTICATION_FAILED"; }
	! ip -n "$NS_A" xfrm state | grep -q "$C_IP" || { ra_state; fail "rtxsh has an SA with bob"; }
	! grep -q not-the-password "$IT/a/rtxsh.log" || fail "the password is in rtxsh's log"
	ra_check b "$NS_B" "$B_IP" 10.8.0.1
}

# A pool of one address: alice gets it, bob's CHILD SA is refused with
# INTERNAL_ADDRESS_FAILURE (no SA nor policy for him in rtxsh's kernel),
# alice still pings.
c_ra_pool_exhausted() {
	ra_topology 2
	ra_server 10.8.0.1-10.8.0.1
	ra_client b "$NS_B" "$B_IP" alice wonderland
	! ra_login c "$NS_N" "$C_IP" bob builder || fail "bob got a CHILD SA from an exhausted pool"
	grep -q 'mode-cfg: address pool 1 exhausted' "$IT/a/rtxsh.log" ||
		{ ra_state; fail "rtxsh did not log the exhausted pool"; }
	grep -q 'INTERNAL_ADDRESS_FAILURE' "$IT/c/charon.log" ||
		{ tail -n 20 "$IT/c/charon.log"; fail "charon c heard no INTERNAL_ADDRESS_FAILURE"; }
	! ip -n "$NS_A" xfrm state | grep -q "$C_IP" || { ra_state; fail "rtxsh has an ESP SA with bob"; }
	[ "$(ip -n "$NS_A" xfrm policy | grep -c '^src ')" = 3 ] ||
		{ ra_state; fail "rtxsh's kernel holds policies other than alice's three"; }
	ra_check b "$NS_B" "$B_IP" 10.8.0.1
}

# ---- rtxsh as the road-warrior ------------------------------------------------

# ra_charon_server [POOL]: charon "b" in B as an EAP-MD5 server with the
# certificate of pki_ra_server, users alice and bob and pool [10.9.0.0/24],
# offering its LAN; B routes the pool back to A like an ordinary host and
# drops pool traffic that came without IPsec.
ra_charon_server() {
	local d=$IT_ROOT/pki pool=${1:-10.9.0.0/24}
	charon_start b "$NS_B" netlink "	load = random nonce openssl pem pkcs1 x509 pubkey curve25519 aes sha1 sha2 hmac gcm kdf socket-default vici eap-md5 eap-identity kernel-netlink"
	cat >"$IT/b/loaded.conf" <<EOF2
connections {
  c {
    version = 2
    local_addrs = $B_IP
    remote_addrs = %any
    pools = rw
    proposals = aes256-sha256-modp2048
    local { auth = pubkey
            certs = $IT/b/x509/srv.pem
            id = vpn.example }
    remote { auth = eap-md5
             eap_id = %any }
    children { net { local_ts = $B_NET
                     esp_proposals = aes256-sha256 } }
  }
}
pools { rw { addrs = $pool } }
secrets {
  eap-alice { id = alice
              secret = wonderland }
  eap-bob { id = bob
            secret = builder }
}
EOF2
	mkdir -p "$IT/b/ecdsa" "$IT/b/x509"
	openssl pkey -in "$d/srv.key" -traditional -out "$IT/b/ecdsa/srv.pem" 2>/dev/null ||
		it_die "openssl pkey"
	cp "$d/srv.pem" "$IT/b/x509/srv.pem"
	sw b --load-all --file "$IT/b/loaded.conf" >"$IT/b/load.out" 2>&1 ||
		{ cat "$IT/b/load.out"; fail "swanctl --load-all failed"; }
	ip -n "$NS_B" route add 10.9.0.0/24 via "$A_IP"
	ip netns exec "$NS_B" iptables -A INPUT -s 10.9.0.0/24 -m policy --dir in --pol none \
		-j DROP 2>/dev/null || say "note: no iptables policy match in $NS_B: the leak guard is off"
}

# ra_rtx_client PASSWORD: rtxsh in A (-k netlink) logs in to charon as
# alice with PASSWORD, trusting the CA of pki_ra_server.
ra_rtx_client() {
	local d=$IT_ROOT/pki
	cat >"$IT/a.conf" <<EOF2
ip lan1 address $A_LAN/24
ip route $B_NET gateway tunnel 1
pki certificate file 1 $d/ca.pem x509-pem
tunnel select 1
 tunnel encapsulation ipsec
 ipsec tunnel 1
  ipsec sa policy 1 1 esp aes256-cbc sha256-hmac
  ipsec ike version 1 2
  ipsec ike local address 1 $A_IP
  ipsec ike remote address 1 $B_IP
  ipsec ike encryption 1 aes256-cbc
  ipsec ike hash 1 sha256
  ipsec ike group 1 modp2048
  ipsec ike auth method 1 eap-md5
  ipsec ike pki file 1 certificate=1
  ipsec ike eap myname 1 alice $1
  ipsec ike eap send certreq 1 on
 tunnel enable 1
ipsec auto refresh on
syslog debug on
EOF2
	rtx_start a "$NS_A" "$IT/a.conf" netlink
	rtx_need_ike "$NS_A"
}

# rtxsh logs in to charon, puts the address from charon's pool on its
# tunnel interface and pings charon's LAN from it through kernel ESP.
c_ra_rtx_client_ping() {
	local in out
	it_topology plain
	ra_charon_server
	ra_rtx_client wonderland
	wait_for 30 charon_established b || { ra_state; tail -n 25 "$IT/b/charon.log"; fail "no SA on charon"; }
	grep -q 'mode-cfg: assigned address 10.9.0.1' "$IT/a/rtxsh.log" ||
		{ ra_state; fail "rtxsh got no address from charon's pool"; }
	wait_for 5 sh -c "ip -n $NS_A -br addr show dev rtx-tun1 | grep -q 10.9.0.1/32" ||
		{ ra_state; fail "10.9.0.1 is not on rtx-tun1"; }
	ip netns exec "$NS_A" ping -c 3 -W 2 -I 10.9.0.1 "$B_LAN" >"$IT/a/ping.out" 2>&1 ||
		{ cat "$IT/a/ping.out"; ra_state; fail "no ping from 10.9.0.1 to $B_LAN through ESP"; }
	in=$(ra_sa_packets "$B_IP" "$A_IP")
	out=$(ra_sa_packets "$A_IP" "$B_IP")
	say "rtxsh's SA $B_IP->$A_IP counted ${in:-?} packets, $A_IP->$B_IP ${out:-?}"
	[ "${in:-0}" -ge 1 ] && [ "${out:-0}" -ge 1 ] ||
		{ ra_state; fail "rtxsh's kernel SAs did not count the pings"; }
	# The address goes with the SAs.
	rtx a 'ipsec sa delete all' >/dev/null
	wait_for 10 sh -c "! ip -n $NS_A -br addr | grep -q 10.9.0.1/" ||
		{ ra_state; fail "10.9.0.1 stayed after the SAs went"; }
}

# A wrong password: charon refuses, rtxsh logs it, nothing in its kernel.
c_ra_rtx_client_wrong_password() {
	it_topology plain
	ra_charon_server
	ra_rtx_client not-the-password
	wait_for 20 grep -q 'EAP-MD5 authentication failed: the server refused user alice' \
		"$IT/a/rtxsh.log" || { ra_state; fail "rtxsh did not log the refusal"; }
	charon_established b && { ra_state; fail "charon has an SA"; }
	[ -z "$(ip -n "$NS_A" xfrm state)" ] || { ra_state; fail "rtxsh's kernel holds an SA"; }
	! grep -q not-the-password "$IT/a/rtxsh.log" || fail "the password is in rtxsh's log"
}

# charon's pool has one address and bob (a charon road-warrior in C,
# reaching B through A, which forwards) holds it: rtxsh's login as alice
# gets no address. rtxsh logs the refusal and holds no ESP SA, no address
# on its tunnel.
c_ra_rtx_client_pool_exhausted() {
	it_topology plain
	ra_link "$NS_N" 1
	ip netns exec "$NS_A" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$NS_B" route add 10.250.1.0/24 via "$A_IP"
	ra_charon_server 10.9.0.1/32
	RA_CH_KERNEL=netlink
	# bob's charon names B as the server
	A_IP=$B_IP A_NET=$B_NET ra_client c "$NS_N" "$C_IP" bob builder
	[ "$(ra_vip c)" = 10.9.0.1 ] || { ra_state; fail "bob did not get 10.9.0.1"; }
	ra_rtx_client wonderland
	wait_for 20 grep -q 'INTERNAL_ADDRESS_FAILURE\|FAILED_CP_REQUIRED' "$IT/a/rtxsh.log" ||
		{ ra_state; tail -n 20 "$IT/b/charon.log"; fail "rtxsh logged no refusal of its address"; }
	grep -m1 'INTERNAL_ADDRESS_FAILURE\|FAILED_CP_REQUIRED' "$IT/a/rtxsh.log"
	! grep -q 'mode-cfg: assigned address' "$IT/a/rtxsh.log" || { ra_state; fail "rtxsh got an address"; }
	sleep 2
	[ -z "$(ip -n "$NS_A" xfrm state)" ] || { ra_state; fail "rtxsh's kernel holds an SA"; }
	! ip -n "$NS_A" -br addr | grep -q '10\.9\.' || { ra_state; fail "rtxsh put an address on its tunnel"; }
}
