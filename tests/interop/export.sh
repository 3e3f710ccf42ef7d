#!/bin/bash
# `show config tunnel 1 swanctl` against the real thing: rtxsh prints the
# swanctl.conf of its peer, charon loads exactly that file (only the
# certificate files it names are copied into charon's x509/, x509ca/ and
# private/ directories), and the tunnel must come up with rtxsh initiating
# (auto refresh on: the export says start_action = none) and with charon
# initiating (auto refresh off: start_action = start), for a pre-shared
# key, certificates, and a limited AEAD proposal. Host layer: rtxsh with
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

say "export: rtxsh -k $IT_RTX_KERNEL against $($CHARON --version 2>&1 | head -n 1) ($IT_CH_KERNEL)"
IT_RTX_IKE=$(rtx_probe_ike)
for role in i r; do
	run "export-psk-rtx$role" c_export "$role" psk
	run "export-cert-rtx$role" c_export "$role" cert
	run "export-gcm-limit-rtx$role" c_export "$role" psk enc=aes-gcm group=ecp256 \
		esp_enc=aes-gcm esp_auth=- limit=on
done
it_summary
