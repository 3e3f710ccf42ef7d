#!/bin/bash
# Layer 2 of the strongSwan interop matrix: the real kernel. rtxsh with the
# netlink backend against charon with kernel-netlink, LAN-to-LAN ping
# through ESP both ways in every cell, with and without a NAT namespace in
# between. Needs kernel ESP: where this host lacks it, the whole run moves
# into one boot of the QEMU guest of tests/vm (one boot for all cells,
# since the guest runs under emulation).
#
# IT_CELLS="regex" runs only matching cells. Skips (77) when not root,
# without namespaces, without strongSwan, or when neither this kernel nor a
# guest can hold ESP SAs.
. "$(dirname "$0")/lib.sh"
. "$IT_HERE/cells.sh"
. "$IT_HERE/ra-cells.sh"

# Can this kernel hold a tunnel-mode ESP SA (CBC+HMAC and GCM)?
kernel_has_esp() {
	local p=$IT_TAG-k rc
	ip netns add "$p" 2>/dev/null || return 100
	ip -n "$p" xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1000 mode tunnel \
		enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff \
		auth-trunc 'hmac(sha256)' 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 128 \
		2>/dev/null &&
		ip -n "$p" xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1001 mode tunnel \
			aead 'rfc4106(gcm(aes))' 0x00112233445566778899aabbccddeeff00112233 128 2>/dev/null
	rc=$?
	ip netns del "$p"
	return $rc
}

[ "$(id -u)" = 0 ] || it_skip "needs root (network namespaces)"
kernel_has_esp
case $? in
0) ;;
100) it_skip "cannot create a network namespace" ;;
*)
	[ -z "${RTX_IN_GUEST:-}" ] && [ -x "$CHARON" ] || {
		[ -n "${RTX_IN_GUEST:-}" ] && it_die "the guest kernel lacks ESP"
		it_skip "strongSwan is not installed"
	}
	# A sanitizer build runs rtxsh against charon in host.sh (the same
	# engine, the sim backend) and the netlink backend with ESP in
	# tests/netns/two_rtxsh.sh; this guest boot, the longest test, in the
	# plain build only (--check).
	"$IT_HERE/../vm/run-in-guest" --check "interop/guest" || exit 77
	say "interop: host kernel $(uname -r) lacks ESP: running the cells in a guest"
	# A sanitizer build leaves out the lanes where rtxsh starts the rekeys:
	# each waits 210 s of its 300 s minimum lifetime, and the unit tests
	# run the same rekeys under ASan on a virtual clock.
	if [ -n "${RTX_SAN_CFLAGS:-}" ] && [ -z "${IT_LONG:-}" ]; then
		IT_LONG=0
		say "sanitizer build: the rekeys started by rtxsh run in the plain build only"
	fi
	RTX_VM_TIMEOUT=${RTX_VM_TIMEOUT:-1500} exec "$IT_HERE/../vm/run-in-guest" \
		env RTX_IN_GUEST=1 RTXSH="$RTXSH" IT_CELLS="${IT_CELLS:-.}" IT_KEEP="${IT_KEEP:-}" \
		IT_LONG="${IT_LONG:-1}" IT_JOBS="${IT_JOBS:-3}" \
		"$IT_HERE/guest.sh"
	;;
esac

it_init
it_need_charon
command -v tcpdump >/dev/null || it_skip "tcpdump is not installed"
[ -x "$RTXSH" ] || it_die "no rtxsh binary at $RTXSH"
IT_RTX_KERNEL=netlink
IT_CH_KERNEL=netlink
IT_TRAFFIC=1

want() { [[ $1 =~ ${IT_CELLS:-.} ]]; }
run() { want "$1" && cell "$@"; }

say "interop: rtxsh -k netlink against $($CHARON --version 2>&1 | head -n 1) (kernel-netlink), kernel $(uname -r)"
run harness-charon-charon c_harness aes256-sha256-modp2048
IT_RTX_IKE=$(rtx_probe_ike)

# Rekeys started by rtxsh wait for its 300 s minimum lifetime: each gets a
# lane of its own and overlaps the other cells (IT_LONG=0 leaves them out).
if [ "${IT_LONG:-1}" = 1 ]; then
	for role in i r; do
		want "rekey-child-by-rtx-rtx$role" && cell_long "rekey-child-by-rtx-rtx$role" c_rekey "$role" child rtx
		want "rekey-ike-by-rtx-rtx$role" && cell_long "rekey-ike-by-rtx-rtx$role" c_rekey "$role" ike rtx
	done
fi
for role in i r; do
	run "esp-aes256-sha256-modp2048-rtx$role" c_establish "$role" aes256-sha256-modp2048 fqdn on
	run "esp-aes128gcm16-ecp256-rtx$role" c_establish "$role" aes128gcm16-prfsha256-ecp256 fqdn on
	run "rekey-child-by-charon-rtx$role" c_rekey "$role" child charon
	run "rekey-ike-by-charon-rtx$role" c_rekey "$role" ike charon
	run "delete-by-rtx-rtx$role" c_delete "$role" rtx
	for kind in rsa ecdsa; do
		run "cert-$kind-rtx$role" c_cert "$role" "$kind"
	done
	for what in unknown-ca revoked; do
		run "cert-fail-$what-rtx$role" c_cert_fail "$role" "$what"
	done
done
# IPv6 outside and inside: IKE and ESP between IPv6 addresses, IPv6 LANs.
for role in i r; do
	run "v6-esp-aes256-sha256-modp2048-rtx$role" c_v6 c_establish "$role" aes256-sha256-modp2048 fqdn on
done
# Remote access (ra-cells.sh): strongSwan road-warriors log in with
# EAP-MD5 and ping rtxsh's LAN from their pool address.
if want ra-eap-md5-ping || want ra-two-clients || want ra-wrong-password ||
	want ra-pool-exhausted || want ra-three-clients || want ra-reconnect || want ra-rtx-client-ping ||
	want ra-rtx-client-wrong-password || want ra-rtx-client-pool-exhausted ||
	want ra-eap-md5-ping6; then
	if [ ! -f /usr/lib/ipsec/plugins/libstrongswan-eap-md5.so ]; then
		say "NOT-RUN: ra-*: charon's eap-md5 plugin is missing (Debian: libcharon-extra-plugins)"
	elif ! command -v openssl >/dev/null; then
		say "NOT-RUN: ra-*: no openssl(1) to make the server's certificate"
	else
		pki_ra_server "$IT_ROOT/pki"
		run ra-eap-md5-ping c_ra_ping
		run ra-eap-md5-ping6 c_ra_ping6
		run ra-two-clients c_ra_two
		run ra-three-clients c_ra_three
		run ra-reconnect c_ra_reconnect
		run ra-wrong-password c_ra_wrong_password
		run ra-pool-exhausted c_ra_pool_exhausted
		run ra-rtx-client-ping c_ra_rtx_client_ping
		run ra-rtx-client-wrong-password c_ra_rtx_client_wrong_password
		run ra-rtx-client-pool-exhausted c_ra_rtx_client_pool_exhausted
	fi
fi
# Behind a NAT rtxsh can only initiate (the NAT has no port forwarding).
IT_TOPO=nat run nat-esp-aes256-sha256-modp2048-rtxi c_establish i aes256-sha256-modp2048 fqdn on

it_summary
