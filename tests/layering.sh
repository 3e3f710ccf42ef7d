#!/bin/sh
# The layers depend one way: shell -> engine -> kernel -> base (base is
# below everything), and no layer skips one (the shell does not include
# kernel headers: it reaches the kernel through the engine's router).
# Within engine/, the SA core (ike_core, tunnel, ike_sa, child_sa) knows
# nothing above it: rekeying, liveness, NAT-T, the exchanges, message I/O
# and the engine follow its SAs through lifecycle listeners.
# Fails with each include that runs against that order.
top="$(cd "$(dirname "$0")/.." && pwd)"
cd "$top" || exit 99
bad=0
check() {   # check DIR FORBIDDEN-DIR...
	dir=$1; shift
	for to in "$@"; do
		hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]+\"$to/" "$dir" \
			--include='*.c' --include='*.h' 2>/dev/null)
		if [ -n "$hits" ]; then
			printf 'FAIL: %s/ must not include %s/:\n%s\n' "$dir" "$to" "$hits"
			bad=1
		fi
	done
}
check base shell engine kernel
check kernel shell engine
check engine shell
check shell kernel

core="engine/ike_core.c engine/ike_core.h engine/tunnel.c engine/tunnel.h
engine/ike_sa.c engine/ike_sa.h engine/child_sa.c engine/child_sa.h"
above='rekey|liveness|natt|msg_io|exchange|exchange_[a-z]+|ike|ike_engine'
# shellcheck disable=SC2086
hits=$(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]+\"engine/($above)\.h\"" $core)
if [ -n "$hits" ]; then
	printf 'FAIL: the SA core must not include what is above it:\n%s\n' "$hits"
	bad=1
fi
[ "$bad" = 0 ] && echo "layering holds: shell -> engine -> kernel -> base, SA core at the bottom of engine/"
exit "$bad"
