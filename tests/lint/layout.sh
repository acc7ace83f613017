#!/bin/sh
# tests/lint/layout.sh: every C and C++ file of the tree is in the
# layout of .clang-format (`make format-check`; `make format` fixes it),
# as one TAP test, so that a change out of layout fails `make test`.
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
echo "1..1"
if out=$(make -s --no-print-directory format-check 2>&1); then
	echo "ok 1 - every C and C++ file is in the layout of .clang-format"
else
	echo "not ok 1 - every C and C++ file is in the layout of" \
	    ".clang-format (make format rewrites them)"
	printf '%s\n' "$out" | sed 's/^/# /'
fi
