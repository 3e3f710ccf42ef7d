#!/bin/bash
# rtxsh -k netlink on a kernel that has XFRM but no ESP (this project's
# development and CI hosts): both routers start with the probe's warning,
# the IKE SA comes up, and installing the CHILD SA fails. Checks that each
# failed netlink operation is logged with the operation and libnl's error
# text, that nothing half-installed is left in the kernel (no SA of ours,
# not even the larval SPI), and that the console shows the failure
# (`show log`, and `show ipsec sa` with the IKE SA but no ESP SA).
# Also the standing tunnel of `ipsec auto refresh off` failing at its xfrm
# interface, rolled back. Skips (77) when not root, or when this kernel
# can install ESP SAs (a normal Linux host: the failure cannot be caused
# there without breaking the kernel).
. "$(dirname "$0")/lib.sh"
netns_prelude rtxnoesp

ip netns add "$A" 2>/dev/null || { echo "SKIP: cannot create a network namespace"; exit 77; }
if ip -n "$A" xfrm state add src 192.0.2.9 dst 192.0.2.8 proto esp spi 0x99 mode tunnel \
	enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff \
	auth-trunc 'hmac(sha256)' 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 128 \
	2>/dev/null; then
	echo "SKIP: this kernel installs ESP SAs; the failure path needs one without ESP"
	exit 77
fi
ip netns del "$A"

netns_pair "$A" "$B"
rtx_config 10.250.0.1 10.250.0.2 10.251.1.1/24 10.251.2.0/24 on >"$T/a.conf"
rtx_config 10.250.0.2 10.250.0.1 10.251.2.1/24 10.251.1.0/24 >"$T/b.conf"
rtx_start a "$A"
rtx_start b "$B"
for r in a b; do
	grep -q 'cannot install ESP SAs' "$T/$r.err" || fail "rtxsh $r did not warn about missing ESP at start"
done

# The responder's install fails first (it answers IKE_AUTH), then the
# initiator learns NO_PROPOSAL_CHOSEN; each names the operation and the
# kernel's answer through nl_geterror().
log_wait b '\[KERNEL\] (add|update) SA 10\.250\.0\.1->10\.250\.0\.2 SPI 0x[0-9a-f]{8} failed: .+ \((EPROTONOSUPPORT|ENOSYS)\)' 200
log_wait b 'CHLD_SEND kernel add_sa\(in\) failed' 200
log_wait a 'SA:1/IKE established' 200
sleep 1
for ns in "$A" "$B"; do
	[ -z "$(ours_states "$ns")" ] || fail "$ns: SA state left after the failed install: $(ours_states "$ns")"
done
ask b "show log" | grep -Eq '\[KERNEL\] (add|update) SA .* failed: ' ||
	fail "show log on B does not show the kernel failure"
[ "$(count b)" = "1 0 0" ] || fail "B shows '$(count b)', want the IKE SA and no ESP SA"
# B's standing tunnel (refresh off) failed at its xfrm interface, and
# was rolled back: no policy of it either.
grep -q '\[KERNEL\] add xfrm interface rtx-tun1 if_id 0x52540001 failed: .* (EOPNOTSUPP)' "$T/b.log" ||
	fail "B did not log the failed xfrm interface"
grep -q 'tunnel 1: cannot install its policies for traffic-triggered setup' "$T/b.log" ||
	fail "B did not say the standing tunnel failed"
[ -z "$(ours_policies "$B")" ] || fail "B: policies left by the failed standing tunnel"
rtx_stop a "$PA"; PA=
rtx_stop b "$PB"; PB=
for ns in "$A" "$B"; do
	[ -z "$(ours_states "$ns")$(ours_policies "$ns")" ] || fail "$ns: XFRM state left after SIGTERM"
done
echo "no ESP: start warned, failures logged with nl_geterror, nothing half-installed, shown by show log"
exit 0
