#!/bin/sh
# doc/commands.md is what `rtxsh --commands` prints from the command table;
# regenerate it with `./rtxsh --commands > ../doc/commands.md` when the
# table changes.
RTXSH=${RTXSH:-$PWD/rtxsh}
doc="$(dirname "$0")/../doc/commands.md"
[ -x "$RTXSH" ] || { echo "no rtxsh binary at $RTXSH"; exit 99; }
"$RTXSH" --commands | diff -u "$doc" - || { echo "FAIL: $doc is out of date"; exit 1; }
exit 0
