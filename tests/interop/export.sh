#!/bin/bash
# `show config tunnel 1 swanctl` against the real thing: rtxsh prints the
# swanctl.conf of its peer, charon loads exactly that file (only the
# certificate files it names are copied into charon's x509/, x509ca/ and
# private/ directories), and the tunnel must come up with rtxsh initiating
# (auto refresh on: the export says start_action = none) and with charon
# initiating (auto refresh off: start_action = start), for a pre-shared
# key, certificates, and a limited AEAD proposal; and with rtxsh as the
# EAP-MD5 client of charon (rtxsh initiating). Host layer: rtxsh with
# the sim kernel, charon with kernel-libipsec (as tests/interop/host.sh);
# the rtxsh config forces NAT-T, so the export carries encap = yes, which
# kernel-libipsec needs.
#
# IT_CELLS="regex" runs only the matching cells. Skips (77) when not root,
# without namespaces or without strongSwan.
. "$(dirname "$0")/lib.sh"
. "$IT_HERE/cells.sh"

it_init
it_need_charon
[ -x "$RTXSH" ] || it_die "no rtxsh binary at $RTXSH"

want() { [[ $1 =~ ${IT_CELLS:-.} ]]; }
run() { want "$1" && cell "$@"; }

# export_of CONF OUT: what rtxsh, started on CONF in an empty namespace of
# its own (so it reaches no peer), prints for `show config tunnel 1 swanctl`.
export_of() {
	local ns=${NS_A}x
	ns_new "$ns"
	printf '%s\n' 'show config tunnel 1 swanctl' |
		ip netns exec "$ns" "$RTXSH" -c "$1" -k sim >"$2" 2>"$2.err"
	local st=$?
	ns_drop "$ns"
	[ "$st" = 0 ] || { cat "$2" "$2.err"; fail "rtxsh refused the config or the export"; }
	grep -q '^connections {' "$2" && grep -q '^secrets {' "$2" ||
		{ cat "$2"; fail "rtxsh printed no swanctl.conf"; }
}

# c_export ROLE AUTH [rtx_conf keys...]: ROLE i: rtxsh initiates; r: charon.
c_export() {
	local role=$1 auth=$2 refresh=off ak=() mine theirs
	shift 2
	[ "${IT_RTX_IKE:-1}" = 1 ] ||
		notrun "rtxsh opens no IKE socket (UDP 500): the engine is not wired into the program"
	[ "$role" = i ] && refresh=on
	if [ "$auth" = cert ]; then
		pki_make "$IT/pki" ecdsa
		cp "$IT/pki/a.p12" "$IT/"
		ak=(auth=cert p12=a.p12 p12pass="$PKI_PASS")
	fi
	it_topology plain
	rtx_conf "$IT/a.conf" local="$A_IP" remote="$B_IP" refresh="$refresh" \
		lid=a.example lidtype=fqdn rid=b.example ridtype=fqdn natt="on force=on" \
		"${ak[@]}" "$@"
	export_of "$IT/a.conf" "$IT/export.conf"
	grep -q 'encap = yes' "$IT/export.conf" || fail "the export lacks encap = yes"
	if [ "$role" = i ]; then
		grep -q 'start_action = none' "$IT/export.conf" || fail "rtxsh initiates, yet the peer starts"
	else
		grep -q 'start_action = start' "$IT/export.conf" || fail "nobody would start the tunnel"
	fi
	charon_start b "$NS_B" "$IT_CH_KERNEL"
	if [ "$auth" = cert ]; then
		# the file names the export gives, the files its comment names
		mkdir -p "$IT/b/x509" "$IT/b/x509ca" "$IT/b/private"
		cp "$IT/pki/b.pem" "$IT/b/x509/tunnel1-peer.pem"
		cp "$IT/pki/b.key" "$IT/b/private/tunnel1-peer.pem"
		cp "$IT/pki/root.pem" "$IT/b/x509ca/tunnel1-ca.pem"
	fi
	# The side that initiates comes last, so that its first try finds the
	# other one ready: charon loads first when rtxsh initiates, and its
	# start_action = start begins as the file loads otherwise.
	# swanctl reads the credential directories next to the file it loads
	cp "$IT/export.conf" "$IT/b/export.conf"
	load() {
		sw b --load-all --file "$IT/b/export.conf" >"$IT/load.out" 2>&1 ||
			{ cat "$IT/load.out" "$IT/export.conf"; fail "swanctl refused the exported file"; }
	}
	[ "$role" = i ] && load
	rtx_start a "$NS_A" "$IT/a.conf" "$IT_RTX_KERNEL"
	rtx_need_ike "$NS_A"
	[ "$role" = r ] && load
	wait_for 30 rtx_established a && wait_for 5 charon_established b ||
		{ show_state; cat "$IT/export.conf"; fail "no tunnel from the exported config"; }
	# who initiated: swanctl marks its own SPI with *, _i for the initiator
	mine=$(charon_sas b | grep -m1 -o '[0-9a-f]*_[ir]\*')
	theirs=_r; [ "$role" = r ] && theirs=_i
	[[ $mine == *"$theirs"\* ]] ||
		{ show_state; fail "charon's SPI is $mine: the wrong side initiated"; }
	# the running router, asked on its console, exports the same file
	rtx a 'show config tunnel 1 swanctl' >"$IT/export.console" 2>&1
	diff "$IT/export.conf" "$IT/export.console" || fail "the console exports another file"
	return 0
}

# c_export_eap: rtxsh an EAP-MD5 client (ipsec ike eap myname) of charon,
# which authenticates with its certificate; rtxsh initiates, as a client
# does. charon needs its eap-md5 and eap-identity plugins.
c_export_eap() {
	[ -f /usr/lib/ipsec/plugins/libstrongswan-eap-md5.so ] ||
		notrun "charon's eap-md5 plugin is missing (Debian: libcharon-extra-plugins)"
	[ "${IT_RTX_IKE:-1}" = 1 ] ||
		notrun "rtxsh opens no IKE socket (UDP 500): the engine is not wired into the program"
	pki_make "$IT/pki" ecdsa
	cp "$IT/pki/root.pem" "$IT/"
	it_topology plain
	cat >"$IT/a.conf" <<CONF
ip lan1 address $A_LAN/24
ip route $B_NET gateway tunnel 1
pki certificate file 1 root.pem x509-pem
tunnel select 1
 tunnel encapsulation ipsec
 ipsec tunnel 1
  ipsec sa policy 1 1 esp aes256-cbc sha256-hmac
  ipsec ike version 1 2
  ipsec ike local address 1 $A_IP
  ipsec ike local name 1 a.example fqdn
  ipsec ike remote address 1 $B_IP
  ipsec ike remote name 1 b.example fqdn
  ipsec ike encryption 1 aes256-cbc
  ipsec ike hash 1 sha256
  ipsec ike group 1 modp2048
  ipsec ike pfs 1 on
  ipsec ike nat-traversal 1 on force=on
  ipsec ike auth method 1 eap-md5
  ipsec ike pki file 1 certificate=1
  ipsec ike eap myname 1 alice "wonder land"
  ipsec ike eap send certreq 1 on
 tunnel enable 1
ipsec auto refresh on
CONF
	export_of "$IT/a.conf" "$IT/export.conf"
	grep -q 'auth = eap-md5' "$IT/export.conf" || fail "the export has no eap-md5 round"
	charon_start b "$NS_B" "$IT_CH_KERNEL" "	load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 aes sha1 sha2 hmac gcm kdf socket-default vici eap-md5 eap-identity kernel-libipsec kernel-netlink"
	mkdir -p "$IT/b/x509" "$IT/b/private"
	cp "$IT/pki/b.pem" "$IT/b/x509/tunnel1-peer.pem"
	cp "$IT/pki/b.key" "$IT/b/private/tunnel1-peer.pem"
	cp "$IT/export.conf" "$IT/b/export.conf"
	sw b --load-all --file "$IT/b/export.conf" >"$IT/load.out" 2>&1 ||
		{ cat "$IT/load.out" "$IT/export.conf"; fail "swanctl refused the exported file"; }
	rtx_start a "$NS_A" "$IT/a.conf" "$IT_RTX_KERNEL"
	rtx_need_ike "$NS_A"
	wait_for 30 rtx_established a && wait_for 5 charon_established b ||
		{ show_state; cat "$IT/export.conf"; fail "no tunnel from the exported config"; }
	grep -q "EAP method EAP_MD5 succeeded" "$IT/b/charon.log" ||
		{ show_state; fail "charon logged no EAP-MD5 success"; }
	rtx a 'show ipsec sa gateway 1 detail' 2>&1 | grep -qx 'Assigned address: 100.64.0.1' ||
		{ show_state; fail "rtxsh holds no address from the exported pool"; }
	! grep -q 'wonder land' "$IT/a/rtxsh.log" || fail "the EAP password is in rtxsh's log"
	return 0
}

say "export: rtxsh -k $IT_RTX_KERNEL against $($CHARON --version 2>&1 | head -n 1) ($IT_CH_KERNEL)"
IT_RTX_IKE=$(rtx_probe_ike)
for role in i r; do
	run "export-psk-rtx$role" c_export "$role" psk
	run "export-cert-rtx$role" c_export "$role" cert
	run "export-gcm-limit-rtx$role" c_export "$role" psk enc=aes-gcm group=ecp256 \
		esp_enc=aes-gcm esp_auth=- limit=on
done
run export-eap-client-rtxi c_export_eap
it_summary
