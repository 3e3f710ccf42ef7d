#!/bin/bash
# Layer 1 of the strongSwan interop matrix, on this host: rtxsh with the sim
# kernel against Debian's charon with its user-space ESP (kernel-libipsec,
# which always encapsulates ESP in UDP and fakes NAT detection, so rtxsh's
# NAT traversal is exercised in every cell). Proves interop at the IKE
# level: both sides list the same SAs and tshark reads every exchange with
# rtxsh's session keys.
#
# Each cell runs in namespaces of its own and prints PASS / FAIL / XFAIL /
# NOT-RUN with its name; `IT_CELLS="regex" tests/interop/host.sh` runs only
# the cells whose name matches. The cells that wait for rtxsh's own 300 s
# minimum lifetime (rekeys started by rtxsh) take about four minutes but
# overlap the rest; IT_LONG=0 leaves them out.
# Skips (77) when not root, without namespaces or without strongSwan.
. "$(dirname "$0")/lib.sh"
. "$IT_HERE/cells.sh"

it_init
it_need_charon
command -v tcpdump >/dev/null || it_skip "tcpdump is not installed"
[ -x "$RTXSH" ] || it_die "no rtxsh binary at $RTXSH"

want() { [[ $1 =~ ${IT_CELLS:-.} ]]; }
run() { want "$1" && cell "$@"; }
# Rekeys that rtxsh starts wait for its shortest lifetime (300 s, rekeyed
# at 70 %): they run first, each in a lane of its own, while the other
# cells go on. IT_LONG=0 leaves them out.
long() {
	if [ "${IT_LONG:-1}" = 1 ]; then want "$1" && cell_long "$@"; else want "$1" && say "NOT-RUN: $1: IT_LONG=0"; fi
}

say "interop: rtxsh -k $IT_RTX_KERNEL against $($CHARON --version 2>&1 | head -n 1) ($IT_CH_KERNEL)"
run harness-charon-charon c_harness aes256-sha256-modp2048
run harness-charon-charon-gcm c_harness aes128gcm16-prfsha256-ecp256

# Does this rtxsh speak IKE at all? Asked once, so that a program without
# its engine wired in marks the rtxsh cells not run in seconds.
IT_RTX_IKE=$(rtx_probe_ike)

for role in i r; do
	long "rekey-child-by-rtx-rtx$role" c_rekey "$role" child rtx
	long "rekey-ike-by-rtx-rtx$role" c_rekey "$role" ike rtx
done
for role in i r; do
	for id in fqdn ipv4; do
		run "id-$id-rtx$role" c_establish "$role" aes256-sha256-modp2048 "$id" off
	done
	for p in aes256-sha256-modp2048 aes128-sha1-modp1024 aes128gcm16-prfsha256-ecp256 aes256-sha256-x25519; do
		for lim in on off; do
			run "prop-$p-limit$lim-rtx$role" c_establish "$role" "$p" fqdn "$lim"
		done
	done
	run "delete-by-rtx-rtx$role" c_delete "$role" rtx
	run "delete-by-charon-rtx$role" c_delete "$role" charon
	run "window-rtx$role" c_window "$role"
	run "rekey-child-by-charon-rtx$role" c_rekey "$role" child charon
	run "rekey-ike-by-charon-rtx$role" c_rekey "$role" ike charon
	for k in psk proposal id; do
		run "fail-$k-rtx$role" c_failure "$role" "$k"
	done
done
# rtxsh explains each failure as charon's responder; its commands fix it.
for k in proposal id psk; do
	run "diag-$k-rtxr" c_diagnosis "$k"
done
for role in i r; do
	for kind in rsa ecdsa; do
		run "cert-$kind-rtx$role" c_cert "$role" "$kind"
	done
	for what in unknown-ca revoked charon-unknown-ca; do
		run "cert-fail-$what-rtx$role" c_cert_fail "$role" "$what"
	done
done
run liveness-dpd-always-on c_liveness

it_summary
