#!/bin/sh
#
# deps.sh: make sure the Debian packages a make target needs are there.
#
#	sh scripts/deps.sh build|run|test|fuzz|bench|browser|format
#
# It asks dpkg which of the group's packages are missing and installs
# only those, with apt-get (as root, or through sudo).  When nothing is
# missing it prints nothing and costs one dpkg-query, because it runs on
# every `make test`.  When it cannot install (not root and no sudo, apt
# fails, not Debian) it names the missing packages and exits 1.
#
# libfcgi older than Debian's 2.4.2-2+deb12u1 lacks the fix for
# CVE-2025-23016 (an integer overflow in ReadParams, reachable by
# anyone who can send a FastCGI request): it counts as missing, so apt
# upgrades it, and the script refuses to go on if it stays too old.
#
# A group may also name optional packages (bench: linux-perf, for
# profiles): they are installed with the others when something is
# missing anyway, and their absence alone never stops the target.
#
# The browser group (part of test) is Debian's chromium plus the npm
# packages of tests/browser (playwright-core, which downloads no
# browser): `npm ci` runs there when node_modules is missing or older
# than package.json or package-lock.json, so a run with nothing to do
# costs two more file tests.  It needs Node.js 20 or later with npm.
#
# POSTERN_SKIP_DEPS=1 skips every check, for systems that are not
# Debian and whose owner has installed the equivalents by hand.

set -eu

export DEBIAN_FRONTEND=noninteractive

BUILD="gcc g++ make pkg-config libfcgi-dev libsodium-dev libsqlite3-dev
	libctemplate-dev libesmtp-dev liboath-dev libqrencode-dev libidn2-dev
	libpsl-dev publicsuffix libzxcvbn-dev libssl-dev"
RUN="$BUILD lighttpd python3-aiosmtpd sqlite3"
# perl for prove(1); python3 is Debian's /usr/bin/python3 (the SMTP sink).
# dnsmasq-base: a real DNS server for the domain-ownership tests.
# apache2 and libapache2-mod-fcgid: tests/e2e/apache.py serves Postern
# with apache.conf.example; valgrind: tests/e2e/memory.py; openssl makes
# the certificates of the STARTTLS tests (mailer_delivery.py).
# spawn-fcgi and systemd (sysusers, tmpfiles): tests/e2e/install.py
# installs and runs Postern as its own user, the way postern@.service
# does; fail2ban: tests/e2e/auth_log.py checks contrib/fail2ban's filter
# with fail2ban-regex against the programs' own syslog lines.
TEST="$RUN perl python3 dnsmasq-base apache2 libapache2-mod-fcgid valgrind
	openssl spawn-fcgi systemd fail2ban"
# libclang-rt-dev follows Debian's default clang (on Debian 12 it pulls
# libclang-rt-14-dev, which holds libFuzzer and the sanitizer runtimes).
FUZZ="$BUILD clang libclang-rt-dev"
# The browser tests (tests/e2e/browser.py): Debian's Chromium, driven
# by playwright-core from tests/browser/node_modules.
BROWSER="chromium"
TEST="$TEST $BROWSER"
# make format and make format-check: Debian's clang-format, whose
# version the layout of .clang-format was measured with; part of test
# so that a tree set up for the tests can check its layout too.
FORMAT="clang-format"
TEST="$TEST $FORMAT"
# make bench: wrk drives the HTTP cases, valgrind counts instructions
# (make bench-callgrind); perf is only for profiling a missed goal.
BENCH="$RUN wrk valgrind"
BENCH_OPTIONAL="linux-perf"

FCGI_FIXED="2.4.2-2+deb12u1"

optional=""

prog="scripts/deps.sh"
root=$(cd "$(dirname "$0")/.." && pwd)

die()
{
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 1
}

case "${1:-}" in
build)	group="build";	want=$BUILD ;;
run)	group="run";	want=$RUN ;;
test)	group="test";	want=$TEST ;;
fuzz)	group="fuzz";	want=$FUZZ ;;
bench)	group="bench";	want=$BENCH; optional=$BENCH_OPTIONAL ;;
browser) group="browser"; want=$BROWSER ;;
format)	group="format";	want=$FORMAT ;;
*)
	echo "usage: sh $prog build|run|test|fuzz|bench|browser|format" >&2
	exit 64
	;;
esac

[ "${POSTERN_SKIP_DEPS:-0}" = 1 ] && exit 0

# Word-split on purpose: $want is a list of package names.
# shellcheck disable=SC2086
set -- $want

if ! command -v dpkg-query >/dev/null 2>&1; then
	die "this is not a Debian system (no dpkg-query), so the $group" \
	    "dependencies cannot be checked.  Install the equivalents of" \
	    "these Debian packages: $*" \
	    "-- then run again with POSTERN_SKIP_DEPS=1."
fi

# check PACKAGE...: sets $absent to the packages that are not installed
# and $old to the installed libfcgi packages older than $FCGI_FIXED
# (with $oldv naming their versions).  One dpkg-query, which exits 1
# when a name is unknown to it: here that only means "not installed".
check()
{
	list=$(dpkg-query -W -f='${Package} ${Version} ${Status}\n' \
	    "$@" 'libfcgi0*' 2>/dev/null |
	    awk '$NF == "installed" { print $1, $2 }') || :
	absent=""
	for p in "$@"; do
		case "
$list
" in
		*"
$p "*)	;;
		*)	absent="$absent $p" ;;
		esac
	done
	old=""
	oldv=""
	while read -r p v; do
		case $p in
		libfcgi*)
			if dpkg --compare-versions "$v" lt "$FCGI_FIXED"; then
				old="$old $p"
				oldv="$oldv $p=$v"
			fi
			;;
		esac
	done <<EOF
$list
EOF
}

# node_modules: runs `npm ci` in tests/browser when node_modules is
# missing or stale (npm writes node_modules/.package-lock.json last, so
# its age tells when the install was made).
node_modules()
{
	dir="$root/tests/browser"
	stamp="$dir/node_modules/.package-lock.json"
	if [ -f "$stamp" ] && [ -z "$(find "$dir/package-lock.json" \
	    "$dir/package.json" -newer "$stamp" 2>/dev/null)" ]; then
		return 0
	fi
	if ! command -v node >/dev/null 2>&1 ||
	    ! command -v npm >/dev/null 2>&1; then
		die "the browser tests need Node.js 20 or later with npm" \
		    "(node and npm on PATH) to install tests/browser's" \
		    "packages.  Install them, then run: sh $prog browser"
	fi
	major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) ||
	    major=0
	case $major in
	''|*[!0-9]*)	major=0 ;;
	esac
	if [ "$major" -lt 20 ]; then
		die "the browser tests need Node.js 20 or later;" \
		    "node $(node --version 2>/dev/null) is installed."
	fi
	printf '%s: npm ci in tests/browser\n' "$prog" >&2
	# --ignore-scripts: no package's install script runs (none is
	# needed, and playwright-core downloads no browser anyway).
	(cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci \
	    --no-audit --no-fund --ignore-scripts >&2) ||
	    die "npm ci in tests/browser failed (see above)."
}

# done_ok: the Debian packages are there; the groups that hold the
# browser tests get tests/browser's npm packages too.  Exits 0.
done_ok()
{
	case $group in
	test|browser)	node_modules ;;
	esac
	exit 0
}

# One dpkg-query for the required and the optional packages together.
# shellcheck disable=SC2086
check "$@" $optional
need="$absent$old"
[ -z "$need" ] && done_ok

# required WORDS: the words of WORDS that are not optional packages.
required()
{
	for p in "$@"; do
		case " $optional " in
		*" $p "*)	;;
		*)	printf ' %s' "$p" ;;
		esac
	done
}
# shellcheck disable=SC2086
need_required="$(required $absent)$old"

# hint REASON: says what is missing, why it was not installed and how
# to install it, then exits 1.
hint()
{
	{
		printf '%s: the %s dependencies are not all installed.\n' \
		    "$prog" "$group"
		[ -n "$absent" ] && printf '    missing:%s\n' "$absent"
		[ -n "$old" ] && printf '    too old (%s, need %s):%s\n' \
		    "CVE-2025-23016" "$FCGI_FIXED" "$oldv"
		printf '%s: %s\n' "$prog" "$1"
		printf 'Install them as root with:\n'
		printf '    apt-get update && apt-get install -y'
		printf ' --no-install-recommends%s\n' "$need"
	} >&2
	exit 1
}

if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
elif [ -z "$need_required" ]; then
	printf '%s: optional, not installed (not root, no sudo):%s\n' \
	    "$prog" "$need" >&2
	exit 0
else
	hint "not running as root, and sudo is not installed."
fi

printf '%s: installing%s\n' "$prog" "$need" >&2
# sudo drops DEBIAN_FRONTEND, hence env.  The lock timeout waits for
# another apt or dpkg run (make -j, unattended upgrades) instead of
# failing at once.
apt="$sudo env DEBIAN_FRONTEND=noninteractive apt-get -q"
apt="$apt -o DPkg::Lock::Timeout=300"
# optional_only WHAT: nothing required is missing, so an apt failure
# only costs the optional packages: say so and go on.
optional_only()
{
	if [ -z "$need_required" ]; then
		printf '%s: %s; optional, not installed:%s\n' "$prog" "$1" \
		    "$need" >&2
		exit 0
	fi
}
# shellcheck disable=SC2086
if ! $apt update >&2; then
	optional_only "apt-get update failed"
	hint "apt-get update failed (see above)."
fi
# shellcheck disable=SC2086
if ! $apt -y install --no-install-recommends $need >&2; then
	optional_only "apt-get install failed"
	# An optional package this release lacks must not stop the rest.
	if [ "$need" = "$need_required" ] ||
	    ! $apt -y install --no-install-recommends $need_required >&2; then
		hint "apt-get install failed (see above)."
	fi
fi

check "$@"
if [ -n "$old" ]; then
	die "refusing libfcgi older than $FCGI_FIXED:$oldv.  It lacks the" \
	    "fix for CVE-2025-23016 (integer overflow in ReadParams);" \
	    "enable your release's security updates and upgrade" \
	    "libfcgi-dev and libfcgi0ldbl."
fi
need="$absent"
[ -n "$need" ] && hint "apt-get finished, but these are still not installed."
done_ok
