#!/bin/bash
# SA pairs installed per second: the netlink backend beside `ip -batch`
# with `ip xfrm state add` lines, same kernel, same run. Not a timed test.
# Needs kernel ESP: run it where the kernel has it, or through the guest:
#   tests/vm/run-in-guest tests/vm/bench-sa-rate.sh 1000 10000
# from the build directory (it uses ./tests/kernel/nl_tunnel).
#
# BUILDS="DIR ..." measures the backend of several build directories in
# the same run (a before and an after), ROUNDS=N repeats each count; the
# backends and ip -batch take turns, and each line gets its CPU time.
#
# VARIANT picks the SAs, the same for both tools:
#   same    (default) every pair between 10.250.0.1 and .2, one reqid: all
#           SAs share one bucket of the kernel's by-destination hash, which
#           each add walks (__find_acq_core, __xfrm_state_bump_genids), so
#           the kernel's work grows with the square of the count
#   tunnel  pair i as rtxsh installs tunnel t = i+1 in bench-1000.sh: its
#           own reqid and if_id (0x52540000 + t) and its own address pair
#           10.(100+t/250).(t%250+1).1 and .2, the key derived from the SPI
set -u
variant=${VARIANT:-same}
case $variant in same|tunnel) ;; *) echo "VARIANT is same or tunnel"; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
builds=${BUILDS:-$(pwd)}
ns=rtxbench-$$
trap 'ip netns del "$ns" 2>/dev/null; rm -f "/tmp/$ns.batch"' EXIT INT TERM
ip netns add "$ns" || exit 1
key=0x$(printf '%040d' 7)
TIMEFORMAT='  cpu: user %U s, sys %S s'

batch() {
	local n=$1 i=0 t0 t1
	if [ "$variant" = tunnel ]; then
		# the backend's SAs (tests/kernel/nl_tunnel.c, tunnel_pair)
		awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) {
			t = i + 1; spi = 65536 + i; id = 1381236736 + t
			a = sprintf("10.%d.%d.", 100 + int(t / 250), t % 250 + 1)
			k = "0x"; for (j = 0; j < 20; j++) k = k sprintf("%02x", (spi * 7 + j) % 256)
			for (d = 1; d <= 2; d++)
				printf "xfrm state add src %s%d dst %s%d proto esp spi %d reqid %d mode tunnel aead rfc4106(gcm(aes)) %s 128 replay-window 64 if_id %d\n",
					a, d, a, 3 - d, spi, id, k, id
		} }' >"/tmp/$ns.batch"
	else
		while [ $i -lt "$n" ]; do
			spi=$((0x10000 + i))
			echo "xfrm state add src 10.250.0.1 dst 10.250.0.2 proto esp spi $spi reqid 1 mode tunnel aead rfc4106(gcm(aes)) $key 128 replay-window 64"
			echo "xfrm state add src 10.250.0.2 dst 10.250.0.1 proto esp spi $spi reqid 1 mode tunnel aead rfc4106(gcm(aes)) $key 128 replay-window 64"
			i=$((i + 1))
		done >"/tmp/$ns.batch"
	fi
	t0=$(date +%s.%N)
	time ip netns exec "$ns" ip -batch "/tmp/$ns.batch" || exit 1
	t1=$(date +%s.%N)
	echo "$n $t0 $t1" | awk '{ d = $3 - $2; printf "ip -batch: %d SA pairs in %.3f s = %.0f pairs/s\n", $1, d, $1 / d }'
	ip netns exec "$ns" ip xfrm state flush
}

echo "bench-sa-rate: kernel $(uname -r), variant $variant, rounds ${ROUNDS:-1}"
for n in "$@"; do
	round=1
	while [ $round -le "${ROUNDS:-1}" ]; do
		for b in $builds; do
			[ "$builds" = "$(pwd)" ] || echo -n "$b "
			time "$b/tests/kernel/nl_tunnel" bench "$ns" "$n" "$variant" || exit 1
		done
		batch "$n"
		round=$((round + 1))
	done
done
