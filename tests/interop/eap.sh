#!/bin/bash
# strongSwan as an EAP-MD5 road-warrior against rtxsh as the remote-access
# server (doc/remote-access.md), on this host: rtxsh with the sim kernel in
# one namespace, charon with kernel-libipsec and its eap-md5 plugin in the
# other. rtxsh authenticates with a certificate made here (openssl), charon
# logs in as alice and asks for a virtual IP. Cells: the login succeeds, a
# CHILD SA 10.8.0.1/32 === rtxsh's LAN is up on both sides and charon
# installed 10.8.0.1; a wrong password is refused with EAP Failure and
# AUTHENTICATION_FAILED and leaves no SA; and rtxsh as the client of a
# charon EAP-MD5 server with a pool gets its address; and three charon
# road-warriors at once (ra-cells.sh's topology) get 10.8.0.1-3 with a
# CHILD SA each. Skips (77) when not root, without
# namespaces, strongSwan's eap-md5 plugin or openssl(1).
. "$(dirname "$0")/lib.sh"
. "$IT_HERE/ra-cells.sh"

it_init
it_need_charon
[ -f /usr/lib/ipsec/plugins/libstrongswan-eap-md5.so ] ||
	it_skip "charon's eap-md5 plugin is missing (Debian: libcharon-extra-plugins)"
command -v openssl >/dev/null || it_skip "no openssl(1) to make the test certificates"
[ -x "$RTXSH" ] || it_die "no rtxsh binary at $RTXSH"

# login PASSWORD: the two routers, charon initiating; swanctl's status.
login() {
	local pw=$1 d=$IT_ROOT/pki
	it_topology plain
	cat >"$IT/a.conf" <<EOF
ip lan1 address $A_LAN/24
pki certificate file 1 $d/srv.p12 pkcs12 interop
auth user 1 alice wonderland
auth user attribute 1 eap-md5=on
ipsec ike mode-cfg address pool 1 10.8.0.1-10.8.0.10
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
	rtx_start a "$NS_A" "$IT/a.conf" sim
	charon_start b "$NS_B" libipsec "	load = random nonce openssl pem pkcs1 x509 pubkey curve25519 aes sha1 sha2 hmac gcm kdf socket-default vici eap-md5 eap-identity kernel-libipsec kernel-netlink
	install_virtual_ip = yes"
	cat >"$IT/b/swanctl.conf" <<EOF
  c {
    version = 2
    local_addrs = $B_IP
    remote_addrs = $A_IP
    vips = 0.0.0.0
    proposals = aes256-sha256-modp2048
    local { auth = eap-md5
            eap_id = alice }
    remote { auth = pubkey
             id = %any
             cacerts = $d/ca.pem }
    children { net { remote_ts = $A_NET
                     esp_proposals = aes256-sha256 } }
  }
EOF
	printf '  eap-alice { id = alice\n secret = %s }\n' "$pw" >"$IT/b/secrets.conf"
	charon_load b
	charon_initiate b c 20 >"$IT/b/initiate.out" 2>&1
}

c_success() {
	login wonderland || { cat "$IT/b/initiate.out"; fail "charon could not log in"; }
	charon_established b || fail "charon shows no CHILD SA"
	grep -q 'CHILD_SA net{1} established .* TS 10.8.0.1/32 === ' "$IT/b/charon.log" ||
		fail "charon's CHILD SA is not for 10.8.0.1/32"
	grep -q 'installing new virtual IP 10.8.0.1' "$IT/b/charon.log" || fail "no virtual IP"
	rtx_established a || fail "rtxsh shows no SA"
	grep -q 'EAP-MD5 user alice authenticated' "$IT/a/rtxsh.log" || fail "no EAP line"
	rtx a 'show ipsec sa gateway 1 detail' >"$IT/a/detail.out" 2>&1
	grep -qx 'EAP-MD5 user: alice' "$IT/a/detail.out" &&
		grep -qx 'Client address: 10.8.0.1' "$IT/a/detail.out" ||
		{ cat "$IT/a/detail.out"; fail "show ipsec sa detail lacks the user or the address"; }
	rtx a 'show ipsec ike mode-cfg pool' >"$IT/a/pool.out" 2>&1
	grep -q '^Pool 1: 10.8.0.1-10.8.0.10, 10 addresses, 1 in use$' "$IT/a/pool.out" &&
		grep -Eq '^  10\.8\.0\.1 +gateway 1 +SA\[[0-9]+\]  alice$' "$IT/a/pool.out" ||
		{ cat "$IT/a/pool.out"; fail "show ipsec ike mode-cfg pool does not show alice's lease"; }
	! grep -q wonderland "$IT/a/rtxsh.log" || fail "the password is in rtxsh's log"
}

c_wrong_password() {
	! login not-the-password || fail "charon logged in with a wrong password"
	grep -q 'EAP/FAIL N(AUTH_FAILED)' "$IT/b/charon.log" || fail "no EAP Failure + AUTHENTICATION_FAILED"
	grep -q 'EAP-MD5 authentication failed for user alice: wrong password' "$IT/a/rtxsh.log" ||
		fail "no refusal line on rtxsh"
	rtx_no_sa a || fail "rtxsh kept an SA"
}

# rtxsh as the EAP-MD5 client of a charon server with a certificate and
# an address pool: it logs in, gets a pool address and a CHILD SA.
c_rtx_client() {
	local d=$IT_ROOT/pki
	it_topology plain
	charon_start b "$NS_B" libipsec "	load = random nonce openssl pem pkcs1 x509 pubkey curve25519 aes sha1 sha2 hmac gcm kdf socket-default vici eap-md5 eap-identity kernel-libipsec kernel-netlink"
	cat >"$IT/b/loaded.conf" <<EOF
connections {
  c {
    version = 2
    local_addrs = $B_IP
    remote_addrs = %any
    pools = rw
    proposals = aes256-sha256-modp2048
    local { auth = pubkey
            certs = $d/srv.pem
            id = vpn.example }
    remote { auth = eap-md5
             eap_id = %any }
    children { net { local_ts = $B_NET
                     esp_proposals = aes256-sha256 } }
  }
}
pools { rw { addrs = 10.9.0.0/24 } }
secrets {
  eap-alice { id = alice
              secret = wonderland }
}
EOF
	# swanctl reads keys and certificates from its directories
	mkdir -p "$IT/b/ecdsa" "$IT/b/x509"
	openssl pkey -in "$d/srv.key" -traditional -out "$IT/b/ecdsa/srv.pem" 2>/dev/null ||
		it_die "openssl pkey"
	cp "$d/srv.pem" "$IT/b/x509/srv.pem"
	sw b --load-all --file "$IT/b/loaded.conf" >"$IT/b/load.out" 2>&1 ||
		{ cat "$IT/b/load.out"; fail "swanctl --load-all failed"; }
	cat >"$IT/a.conf" <<EOF
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
  ipsec ike eap myname 1 alice wonderland
  ipsec ike eap send certreq 1 on
 tunnel enable 1
ipsec auto refresh on
syslog debug on
EOF
	rtx_start a "$NS_A" "$IT/a.conf" sim
	wait_for 20 charon_established b || { tail -n 40 "$IT/a/rtxsh.log"; tail -n 25 "$IT/b/charon.log"; cat "$IT/b/load.out"; fail "no SA on charon"; }
	grep -q 'mode-cfg: assigned address 10.9.0.1' "$IT/a/rtxsh.log" || fail "no address from charon's pool"
	rtx a 'show ipsec sa gateway 1 detail' 2>&1 | grep -qx 'Assigned address: 10.9.0.1' ||
		fail "show ipsec sa detail lacks the assigned address"
	rtx_established a || fail "rtxsh shows no SA"
	! grep -q wonderland "$IT/a/rtxsh.log" || fail "the password is in rtxsh's log"
}

# Three road-warriors at once (ra-cells.sh's topology and configs, on
# this host's kernel): each gets its own pool address and CHILD SA.
c_three() {
	local got
	RA_RTX_KERNEL=sim RA_CH_KERNEL=libipsec
	ra_topology 3
	ra_server
	ra_client b "$NS_B" "$B_IP" alice wonderland
	ra_client c "$NS_N" "$C_IP" bob builder
	ra_client d "$NS_D" 10.250.2.2 carol wonderland
	got=$(for n in b c d; do ra_vip "$n"; done | tr '\n' ' ')
	[ "$got" = "10.8.0.1 10.8.0.2 10.8.0.3 " ] || { ra_state; fail "virtual IPs: $got"; }
	for n in b c d; do
		charon_established "$n" || { ra_state; fail "charon $n shows no CHILD SA"; }
	done
	rtx a 'show ipsec sa gateway 1 detail' >"$IT/a/detail.out" 2>&1
	for a in 10.8.0.1 10.8.0.2 10.8.0.3; do
		grep -qx "Client address: $a" "$IT/a/detail.out" ||
			{ cat "$IT/a/detail.out"; fail "show ipsec sa detail lacks client $a"; }
	done
	[ "$(rtx a 'show ipsec sa' 2>/dev/null | grep -Ec '^[0-9]+ +1 +- +ike ')" = 3 ] ||
		{ ra_state; fail "rtxsh does not list three IKE SAs"; }
	# show status tunnel: a line per client, user, lease and peer
	rtx a 'show status tunnel 1' >"$IT/a/status.out" 2>&1
	grep -qx '  Remote access: 3 clients' "$IT/a/status.out" &&
		grep -Eq '^    alice +10\.8\.0\.1 +from 10\.250\.0\.2$' "$IT/a/status.out" &&
		grep -Eq '^    bob +10\.8\.0\.2 +from 10\.250\.1\.2$' "$IT/a/status.out" &&
		grep -Eq '^    carol +10\.8\.0\.3 +from 10\.250\.2\.2$' "$IT/a/status.out" ||
		{ cat "$IT/a/status.out"; fail "show status tunnel 1 does not list the three clients"; }
}

pki_ra_server "$IT_ROOT/pki"
want() { [[ $1 =~ ${IT_CELLS:-.} ]]; }
want eap-md5-success && cell eap-md5-success c_success
want eap-md5-wrong-password && cell eap-md5-wrong-password c_wrong_password
want eap-md5-rtx-client && cell eap-md5-rtx-client c_rtx_client
want eap-md5-three-clients && cell eap-md5-three-clients c_three
it_summary
