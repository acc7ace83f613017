#!/bin/sh
# scripts/run.sh: what `make run` does after building.  Serves Postern on
# http://127.0.0.1:8080/ (POSTERN_PORT to change it) through lighttpd,
# with a local SMTP server that keeps every mail in run/mail and
# `postern mailer` delivering to it.  The database in run/ is made
# afresh each time.  POSTERN_DNS_SERVER (host:port) is where domain
# look-ups go.  Ctrl-C stops it all.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# lighttpd and the SMTP server's aiosmtpd, which a build alone does not
# need.
sh scripts/deps.sh run
mkdir -p run
exec /usr/bin/python3 scripts/devserver.py \
    --port "${POSTERN_PORT:-8080}" --dir "$root/run" \
    ${POSTERN_DNS_SERVER:+--dns-server "$POSTERN_DNS_SERVER"}
