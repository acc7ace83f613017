#!/bin/sh
#
# tests/fuzz/run.sh: compile every tests/fuzz/fuzz_*.c against the
# fuzz-built library and run each for $FUZZ_SECONDS seconds (default 60).
#
# It does not build the library: `make fuzz` builds
# build/fuzz/lib/libpostern.a (clang, -fsanitize=fuzzer-no-link,address,
# undefined) and then calls this script, passing the Makefile's LIBS in
# $FUZZ_LIBS.  Each target starts from a fresh copy of its seed corpus,
# tests/fuzz/corpus/<target>/, in tests/fuzz/corpus-work/<target>/
# (gitignored), where libFuzzer also keeps the inputs it finds, and uses
# tests/fuzz/<target>.dict as a dictionary when there is one.  Crash
# reproducers go to build/fuzz/artifacts/.  A target that fails to build
# or crashes counts as failed; the last line is "N passed, N failed".

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_CC=${FUZZ_CC:-clang}
FUZZ_CXX=${FUZZ_CXX:-clang++}
lib=build/fuzz/lib/libpostern.a
bindir=build/fuzz/bin
artifacts=build/fuzz/artifacts
work=tests/fuzz/corpus-work

if [ -z "${FUZZ_LIBS:-}" ]; then
	# The same list as the Makefile's LIBS, for a run by hand.
	FUZZ_LIBS="$(pkg-config --libs libsodium sqlite3 \
	    libctemplate_nothreads libesmtp-1.0 openssl liboath libqrencode libidn2 \
	    libpsl) -lfcgi -lzxcvbn -lresolv -lm"
fi

if [ ! -f "$lib" ]; then
	echo "run.sh: $lib is missing; run 'make fuzz'" >&2
	exit 1
fi

SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-std=c17 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror \
-D_DEFAULT_SOURCE -D_GNU_SOURCE -Ilib"
# Stop on the first report of either sanitizer, and keep leak checking.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

mkdir -p "$bindir" "$artifacts" "$work"
pass=0
fail=0

for src in tests/fuzz/fuzz_*.c; do
	[ -f "$src" ] || continue
	t=$(basename "$src" .c)
	log="$bindir/$t.log"

	# shellcheck disable=SC2086 # the flag lists are meant to split
	if ! $FUZZ_CC $CFLAGS $SAN -c -o "$bindir/$t.o" "$src" ||
	    ! $FUZZ_CXX $SAN -o "$bindir/$t" "$bindir/$t.o" "$lib" \
	    $FUZZ_LIBS; then
		echo "FAIL $t: does not build"
		fail=$((fail + 1))
		continue
	fi

	rm -rf "${work:?}/$t"
	mkdir -p "$work/$t"
	if [ -d "tests/fuzz/corpus/$t" ]; then
		cp tests/fuzz/corpus/"$t"/* "$work/$t/" 2>/dev/null
	fi

	dict=
	if [ -f "tests/fuzz/$t.dict" ]; then
		dict="-dict=tests/fuzz/$t.dict"
	fi
	# shellcheck disable=SC2086 # $dict is empty or one word
	"$bindir/$t" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
	    -print_final_stats=1 -artifact_prefix="$artifacts/$t-" $dict \
	    "$work/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "ok   $t: ${execs:-?} executions in ${FUZZ_SECONDS}s," \
		    "$(find "$work/$t" -type f | wc -l) inputs in the corpus"
		pass=$((pass + 1))
	else
		echo "FAIL $t: exit $rc after ${execs:-?} executions; see $log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" |
		    head -n 5 | sed 's/^/     /'
		ls "$artifacts/$t-"* 2>/dev/null | sed 's/^/     reproducer: /'
		fail=$((fail + 1))
	fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
