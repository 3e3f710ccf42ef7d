#!/bin/sh
# The layers depend one way: shell -> engine -> kernel -> base (base is
# below everything), and no layer skips one (the shell does not include
# kernel headers: it reaches the kernel through the engine's router).
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
[ "$bad" = 0 ] && echo "layering holds: shell -> engine -> kernel -> base"
exit "$bad"
