#!/bin/sh
# Feeds every testdata/transcripts/NAME.in to the transcript driver and
# compares its output with NAME.out. A driver exit status of 1 only means
# some line was refused, which transcripts do on purpose; anything above
# (crash, sanitizer report) fails. REGEN=1 rewrites the .out files.
srcdir=${srcdir:-.}
dir="$srcdir/testdata/transcripts"
driver=./tests/transcript_driver
fail=0
for in in "$dir"/*.in; do
	name=$(basename "$in" .in)
	out=$(mktemp)
	"$driver" <"$in" >"$out" 2>&1
	rc=$?
	if [ $rc -gt 1 ]; then
		echo "FAIL: $name (driver exit status $rc)"
		cat "$out"
		fail=1
	elif [ -n "$REGEN" ]; then
		cp "$out" "$dir/$name.out"
		echo "regenerated: $name"
	elif ! diff -u "$dir/$name.out" "$out"; then
		echo "FAIL: $name"
		fail=1
	else
		echo "PASS: $name"
	fi
	rm -f "$out"
done
exit $fail
