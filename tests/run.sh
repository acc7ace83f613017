#!/bin/sh
# tests/run.sh: runs every test through prove, two at a time: the unit
# test programs in $POSTERN_UNIT (test_*), the checks of the tree in
# tests/lint/ and the end-to-end tests tests/e2e/*.py that are
# executable.  `make test-run` sets
# POSTERN_BUILD (where cgi-bin/ and bin/ are) and POSTERN_UNIT; by hand
# they default to the tree's own build.  prove's closing "Result:" line
# and exit status are the run's.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
POSTERN_BUILD=${POSTERN_BUILD:-$root}
POSTERN_UNIT=${POSTERN_UNIT:-$root/build/obj/unit}
export POSTERN_BUILD POSTERN_UNIT

set --
nunit=0
if [ -d "$POSTERN_UNIT" ]; then
	for t in "$POSTERN_UNIT"/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		set -- "$@" "$t"
		nunit=$((nunit + 1))
	done
fi
# Checks of the tree itself (tests/lint/*.sh, TAP): its layout.
for t in "$root"/tests/lint/*.sh; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	set -- "$@" "$t"
done
ne2e=0
for t in "$root"/tests/e2e/*.py; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	set -- "$@" "$t"
	ne2e=$((ne2e + 1))
done

if [ "$nunit" -eq 0 ]; then
	echo "tests/run.sh: no unit test programs in $POSTERN_UNIT" \
	    "(run make unit; fine only while lib/ has no tests yet)" >&2
fi
if [ "$#" -eq 0 ]; then
	echo "tests/run.sh: no tests found at all: failing" >&2
	exit 1
fi
echo "tests/run.sh: $nunit unit, $ne2e end-to-end test files;" \
    "binaries from $POSTERN_BUILD"

cd "$root" || exit 1
exec prove --exec '' -j2 "$@"
