#!/bin/sh
# Runs every doc/scenarios/NAME.scn with `rtxsh --scenario` twice: both
# runs must print the same transcript (the promise of a scenario run), and
# it must equal testdata/scenarios/NAME.out. REGEN=1 rewrites the .out
# files. The examples ship in doc/ so what users read is what is tested.
srcdir=${srcdir:-.}
dir="$srcdir/doc/scenarios"
want="$srcdir/testdata/scenarios"
rtxsh=./rtxsh
fail=0
for scn in "$dir"/*.scn; do
	name=$(basename "$scn" .scn)
	one=$(mktemp) two=$(mktemp)
	"$rtxsh" --scenario "$scn" >"$one" 2>&1
	rc=$?
	"$rtxsh" --scenario "$scn" >"$two" 2>&1
	if [ $rc != 0 ]; then
		echo "FAIL: $name (exit status $rc)"
		tail -n 20 "$one"
		fail=1
	elif ! cmp -s "$one" "$two"; then
		echo "FAIL: $name: two runs printed different transcripts"
		diff -u "$one" "$two" | head -n 40
		fail=1
	elif [ -n "${REGEN:-}" ]; then
		cp "$one" "$want/$name.out"
		echo "regenerated: $name"
	elif ! diff -u "$want/$name.out" "$one"; then
		echo "FAIL: $name"
		fail=1
	else
		echo "PASS: $name ($(wc -l <"$one") lines)"
	fi
	rm -f "$one" "$two"
done
exit $fail
