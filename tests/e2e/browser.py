#!/usr/bin/python3
"""
browser.py: Postern in a real browser.  It starts the real stack with
the harness (lighttpd, the FastCGI programs, the SMTP sink, SQLite, and
tests/sms-capture as sms_command) and runs tests/browser/journeys.mjs,
which drives Debian's headless Chromium through playwright-core: signup
and verification, recovery contacts, a recovery code and TOTP, a
password reset confirmed from the mailed link, an email change
confirmed and reverted, and the pages those pass by, until every page
template has been seen; each page is checked for accessibility too
(tests/browser/README.md).  Its TAP lines are this test's, numbered on,
followed by checks that it ran to its end and that no program crashed.

R9 gives a way into an account no reset code until it is older than
reset_delay, and a browser cannot wait a day.  So journeys.mjs, before
Ada asks for her reset, runs the command in $POSTERN_AGE with her
username: `browser.py --age DB USERNAME`, which moves her account's
times back two days with the harness's age_account(), as every other
end-to-end test of a reset does (harness.person()).

Screenshots of every page, at 1280 and at 375 pixels, are left in
tests/browser/screenshots/ (or $POSTERN_SHOTS).

Chromium (Debian's chromium package) and tests/browser/node_modules
(npm ci) come from `sh scripts/deps.sh browser`, which `make test`
runs.  Without them this test fails and says so: it never skips.
"""

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD, REPO, SMS_CAPTURE, Stack, Tap,  # noqa: E402
                     age_account, crashes, sms_log)

BROWSER_DIR = os.path.join(REPO, 'tests', 'browser')
JOURNEYS = os.path.join(BROWSER_DIR, 'journeys.mjs')
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
SHOTS = os.environ.get('POSTERN_SHOTS') or os.path.join(BROWSER_DIR,
                                                        'screenshots')
# journeys.mjs stops itself after its own limit; this is the backstop.
TIMEOUT = float(os.environ.get('POSTERN_BROWSER_TIMEOUT', '930'))
INSTALL = 'sh scripts/deps.sh browser (make test runs it)'

tap = Tap()


def locked_version():
    """The playwright-core version package-lock.json pins."""
    with open(os.path.join(BROWSER_DIR, 'package-lock.json')) as f:
        lock = json.load(f)
    return lock['packages']['node_modules/playwright-core']['version']


def what_is_missing():
    """Why the browser test cannot run, as sentences ([] when it can)."""
    out = []
    node = shutil.which('node')
    if node is None:
        out.append('node is not installed (Node.js 20 or later)')
    else:
        r = subprocess.run([node, '--version'], capture_output=True,
                           text=True)
        m = re.match(r'v(\d+)\.', r.stdout.strip())
        if not m or int(m.group(1)) < 20:
            out.append('node is %r; playwright-core needs 20 or later'
                       % r.stdout.strip())
    installed = os.path.join(BROWSER_DIR, 'node_modules', 'playwright-core',
                             'package.json')
    try:
        with open(installed) as f:
            have = json.load(f)['version']
        want = locked_version()
        if have != want:
            out.append('tests/browser/node_modules has playwright-core %s, '
                       'package-lock.json pins %s' % (have, want))
    except FileNotFoundError:
        out.append('tests/browser/node_modules/playwright-core is missing')
    if not os.access(CHROMIUM, os.X_OK):
        out.append('Chromium is not at %s (Debian package chromium)'
                   % CHROMIUM)
    return out


def run_journeys(stack, env):
    """Run journeys.mjs and relay its TAP, numbered on from tap.n.
    Returns (exit status, its plan or None, the number of its tests)."""
    proc = subprocess.Popen(
        ['node', JOURNEYS], cwd=BROWSER_DIR, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True,
        start_new_session=True)
    timed_out = []

    def backstop():
        timed_out.append(True)
        # playwright-core closes Chromium on SIGTERM.
        with_pg(proc, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with_pg(proc, signal.SIGKILL)
    timer = threading.Timer(TIMEOUT, backstop)
    timer.daemon = True
    timer.start()
    plan = None
    count = 0
    try:
        for line in proc.stdout:
            line = line.rstrip('\n')
            m = re.match(r'^(not ok|ok)\b\s*\d*(.*)$', line)
            if m:
                count += 1
                tap.n += 1
                todo = re.search(r'#\s*(TODO|SKIP)\b', m.group(2), re.I)
                if m.group(1) == 'not ok' and not todo:
                    tap.failed += 1
                print('%s %d%s' % (m.group(1), tap.n, m.group(2)))
                continue
            p = re.match(r'^1\.\.(\d+)', line)
            if p:
                plan = int(p.group(1))
                continue
            print(line)
        rc = proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:
            with_pg(proc, signal.SIGKILL)
            proc.wait()
    if timed_out:
        tap.diag('journeys.mjs was stopped after %gs' % TIMEOUT)
    return rc, plan, count


def with_pg(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def main():
    missing = what_is_missing()
    if missing:
        tap.ok(False, 'the browser test can run: Chromium and '
               'tests/browser/node_modules are installed',
               '\n'.join(missing) + '\nInstall them with: ' + INSTALL)
        return
    os.makedirs(SHOTS, exist_ok=True)
    # _dns: a real DNS server with no records, for the domain checks.
    with Stack(_dns=True, sms_command=SMS_CAPTURE,
               admin_email='hoster@example.net',
               reset_delay='10m') as stack:
        env = dict(os.environ)
        env.update({
            'POSTERN_URL': stack.base_url,
            'POSTERN_MAILDIR': stack.maildir,
            'POSTERN_SMS_LOG': sms_log(stack),
            'POSTERN_DB': stack.db_path,
            'POSTERN_BIN': os.path.join(BUILD, 'bin', 'postern'),
            'POSTERN_CONF': stack.conf_path,
            'POSTERN_SHOTS': SHOTS,
            # journeys.mjs appends a username (see age_main()).
            'POSTERN_AGE': json.dumps([sys.executable,
                                       os.path.abspath(__file__), '--age',
                                       stack.db_path]),
            'CHROMIUM': CHROMIUM,
        })
        t0 = time.monotonic()
        rc, plan, count = run_journeys(stack, env)
        tap.note('journeys.mjs: %d tests in %.1f s; screenshots in %s'
                 % (count, time.monotonic() - t0, SHOTS))
        tap.is_(rc, 0, 'journeys.mjs exited 0')
        tap.ok(plan is not None and plan == count and count > 0,
               'journeys.mjs ran to its end: its plan matches its %d tests'
               % count, 'plan %r' % plan)
        tap.is_(crashes(stack), [], 'no program crashed and no sanitizer '
                'spoke')


def age_main(db_path, username):
    """browser.py --age DB USERNAME: the hook journeys.mjs runs to make
    an account's ways in older than reset_delay (R9), with the same
    age_account() the other end-to-end tests use.  Exits 1 when no
    account has that name."""
    con = sqlite3.connect(db_path, timeout=10)
    try:
        found = con.execute('SELECT count(*) FROM accounts WHERE '
                            'username = ?', (username,)).fetchone()[0]
    finally:
        con.close()
    if found != 1:
        sys.stderr.write('browser.py --age: no account %r in %s\n'
                         % (username, db_path))
        sys.exit(1)
    age_account(types.SimpleNamespace(db_path=db_path), username)


if sys.argv[1:2] == ['--age'] and len(sys.argv) == 4:
    age_main(sys.argv[2], sys.argv[3])
else:
    tap.run(main)
