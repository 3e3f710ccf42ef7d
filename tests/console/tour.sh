#!/bin/sh
# The README's two-router tour, run as written: the commands of its block
# (with the test's own socket directory and UDP port, so parallel runs do
# not meet) on the shipped doc/examples configs, until `show ipsec sa` on
# A prints what the README shows (the lifetime column aside, which counts
# down).
. "$(dirname "$0")/lib.sh"
top="$(dirname "$0")/../.."
readme="$top/README.md"

sed -n '/^\$ \.\/build\/rtxsh -c doc\/examples\/b\.conf/,/^```$/p' "$readme" | sed '$d' >"$T/tour"
grep '^\$ ' "$T/tour" >"$T/commands"
grep -v '^\$ ' "$T/tour" >"$T/want"
[ "$(wc -l <"$T/commands")" = 3 ] || { cat "$T/tour"; fail "the README's tour block changed shape"; }
for f in a b; do
	grep -q "doc/examples/$f.conf" "$T/commands" || fail "the tour does not start $f.conf"
	[ -f "$top/doc/examples/$f.conf" ] || fail "doc/examples/$f.conf is not shipped"
done

# mask: the lifetime column counts down; everything else must match.
mask() { sed -E 's/^([0-9]+ +[0-9]+ +[-0-9]+ +[^ ]+ +[-a-z]+ +)[0-9]+/\1LIFE/'; }
mask <"$T/want" >"$T/want.masked"

port=$((40000 + ($$ % 10000) * 2))
PIDS=
for try in 1 2 3; do
	while read -r dollar cmd; do
		# /tmp/ first: the checkout itself may live under /tmp.
		cmd=$(printf '%s\n' "$cmd" | sed -e "s|/tmp/|$T/|g" \
			-e "s|\./build/rtxsh|$RTXSH|g" \
			-e "s|doc/examples/|$top/doc/examples/|" -e "s|17500|$port|")
		case $cmd in
		*'&') eval "${cmd%&} 2>>\"\$T/routers.err\" &"
			pid=$!
			PIDS="$PIDS $pid"
			sock=$(printf '%s\n' "$cmd" | sed 's/.*--socket \([^ ]*\).*/\1/')
			# A router that could not bind its port exits: the retry
			# below takes another port. The bound only catches a hang.
			i=0
			until [ -S "$sock" ] || ! kill -0 "$pid" 2>/dev/null; do
				i=$((i + 1)); [ $i -lt 2400 ] || fail "no socket $sock"
				sleep 0.05
			done ;;
		*) printf '%s\n' "$cmd" >"$T/show.sh" ;;
		esac
	done <"$T/commands"
	grep -q "cannot bind\|cannot open the IKE sockets" "$T/routers.err" || break
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; wait "$p"; done
	PIDS= ; : >"$T/routers.err"
	[ $try -lt 3 ] || fail "no free UDP port pair"
	port=$((port + 2))
done

i=0
until sh "$T/show.sh" >"$T/got" 2>&1 && mask <"$T/got" | cmp -s - "$T/want.masked"; do
	i=$((i + 1))
	[ $i -lt 2400 ] || { diff "$T/want" "$T/got"; cat "$T/routers.err"; fail "show ipsec sa differs from the README"; }
	sleep 0.05
done
echo "the tour's show ipsec sa:"
cat "$T/got"
exit 0
