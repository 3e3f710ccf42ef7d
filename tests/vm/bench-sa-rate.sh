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
set -u
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
builds=${BUILDS:-$(pwd)}
ns=rtxbench-$$
trap 'ip netns del "$ns" 2>/dev/null; rm -f "/tmp/$ns.batch"' EXIT INT TERM
ip netns add "$ns" || exit 1
key=0x$(printf '%040d' 7)
TIMEFORMAT='  cpu: user %U s, sys %S s'

batch() {
	local n=$1 i=0 t0 t1
	while [ $i -lt "$n" ]; do
		spi=$((0x10000 + i))
		echo "xfrm state add src 10.250.0.1 dst 10.250.0.2 proto esp spi $spi reqid 1 mode tunnel aead rfc4106(gcm(aes)) $key 128 replay-window 64"
		echo "xfrm state add src 10.250.0.2 dst 10.250.0.1 proto esp spi $spi reqid 1 mode tunnel aead rfc4106(gcm(aes)) $key 128 replay-window 64"
		i=$((i + 1))
	done >"/tmp/$ns.batch"
	t0=$(date +%s.%N)
	time ip netns exec "$ns" ip -batch "/tmp/$ns.batch" || exit 1
	t1=$(date +%s.%N)
	echo "$n $t0 $t1" | awk '{ d = $3 - $2; printf "ip -batch: %d SA pairs in %.3f s = %.0f pairs/s\n", $1, d, $1 / d }'
	ip netns exec "$ns" ip xfrm state flush
}

for n in "$@"; do
	round=1
	while [ $round -le "${ROUNDS:-1}" ]; do
		for b in $builds; do
			[ "$builds" = "$(pwd)" ] || echo -n "$b "
			time "$b/tests/kernel/nl_tunnel" bench "$ns" "$n" || exit 1
		done
		batch "$n"
		round=$((round + 1))
	done
done
