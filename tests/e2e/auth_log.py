#!/usr/bin/python3
"""
auth_log.py: what the host's own tools see of Postern in syslog.  The
test runs in a mount namespace of its own, where /dev/log is a socket it
reads, so the programs' and the postern command's syslog(3) lines come
to it exactly as they would to rsyslog; it writes those of the authpriv
facility to an auth.log the way rsyslog does.

  - wrong passwords, an unknown name, a failed reset proof and the
    limit that closes on ten failures each leave one line, "postern
    auth KIND user=NAME ip=ADDRESS", with the client's address (through
    trusted_proxies); a reset's steps (pending, applied) and the admin's
    lock and every other brake (disable, enable, sessions revoke,
    delete, ...) do too; a good login does not;
  - no line holds a password, a code or a name that matches no account;
  - contrib/fail2ban's filter, run by fail2ban-regex on that auth.log,
    matches exactly the failures, with their addresses, and nothing
    else.

It needs root (a mount namespace); run otherwise it skips.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (REPO, Stack, Tap, ask_reset, code_in,  # noqa: E402
                     from_ip, own_mount_namespace, prove_reset, _read)

tap = Tap()

FILTER = os.path.join(REPO, 'contrib', 'fail2ban', 'filter.d',
                      'postern.conf')
FAIL2BAN_COMMON = '/etc/fail2ban/filter.d/common.conf'
AUTHPRIV = 10
FAILURES = ('login_failed', 'login_unknown', 'password_failed', 'totp_failed',
            'reset_refused')
LINE = re.compile(r'^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ (?P<ident>[a-z-]+)'
                  r'\[\d+\]: postern auth (?P<kind>[a-z0-9_]+) '
                  r'user=(?P<user>\S+) ip=(?P<ip>\S+)$')
NEW_PASSWORD = 'a brand new password 42'


class Syslog:
    """/dev/log in this namespace: a socket whose authpriv lines go to
    path, in rsyslog's traditional format (the host name after the
    time)."""

    def __init__(self, path):
        self.path = path
        self.lines = []
        self.pris = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind('/dev/log')
        self.host = socket.gethostname().split('.')[0]
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            data = self.sock.recv(8192).decode('utf-8', 'replace')
            m = re.match(r'<(\d+)>(.{15}) (.*)', data, re.S)
            if not m or int(m.group(1)) >> 3 != AUTHPRIV:
                continue
            line = '%s %s %s' % (m.group(2), self.host,
                                 m.group(3).rstrip('\n'))
            self.pris.append(int(m.group(1)))
            self.lines.append(line)
            with open(self.path, 'a') as f:
                f.write(line + '\n')

    def wait_for(self, regex, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(re.search(regex, ln) for ln in self.lines):
                return True
            time.sleep(0.05)
        return False


def private_dev_log(work):
    """/dev as an overlay of itself in this namespace, so /dev/log can
    be made here without touching the host's /dev."""
    upper = os.path.join(work, 'dev')
    os.makedirs(os.path.join(upper, 'up'))
    os.makedirs(os.path.join(upper, 'work'))
    r = subprocess.run(['mount', '-t', 'overlay', 'overlay', '-o',
                        'lowerdir=/dev,upperdir=%s/up,workdir=%s/work'
                        % (upper, upper), '/dev'], capture_output=True,
                       text=True)
    if r.returncode != 0:
        raise RuntimeError('cannot lay a /dev over /dev: ' + r.stderr)
    if os.path.exists('/dev/log'):
        os.unlink('/dev/log')


def fail2ban_regex(work, log):
    """fail2ban-regex with the filter as it ships: (matched lines,
    missed lines, its whole output)."""
    conf = os.path.join(work, 'fail2ban', 'filter.d')
    os.makedirs(conf)
    # The filter includes common.conf from its own folder, as in
    # /etc/fail2ban/filter.d.
    os.symlink(FAIL2BAN_COMMON, os.path.join(conf, 'common.conf'))
    shutil.copy(FILTER, os.path.join(conf, 'postern.conf'))
    r = subprocess.run(['fail2ban-regex', '--print-all-matched',
                        '--print-all-missed', log,
                        os.path.join(conf, 'postern.conf')],
                       capture_output=True, text=True, timeout=120)
    out = r.stdout + r.stderr

    def section(title):
        m = re.search(r'\|- %s line\(s\):\n((?:\|  .*\n)*)' % title, out)
        return [ln[3:] for ln in m.group(1).splitlines()] if m else []
    return section('Matched'), section('Missed'), out


def main():
    if os.geteuid() != 0:
        tap.skip('needs root: /dev/log is made in a mount namespace')
        return
    own_mount_namespace()
    work = tempfile.mkdtemp(prefix='postern-authlog-')
    try:
        private_dev_log(work)
        log = os.path.join(work, 'auth.log')
        syslog = Syslog(log)
        with Stack(trusted_proxies='127.0.0.1', reset_delay='1s') as stack:
            stories(stack, syslog)
        with tap.story('contrib/fail2ban/filter.d/postern.conf'):
            matched, missed, out = fail2ban_regex(work, log)
            want = [ln for ln in syslog.lines
                    if LINE.match(ln) and LINE.match(ln).group('kind')
                    in FAILURES]
            tap.ok(len(want) >= 5, 'auth.log has %d failures' % len(want))
            tap.ok(sorted(matched) == sorted(want), 'fail2ban-regex '
                   'matches every failure line', out[-3000:])
            tap.is_(sorted(missed), sorted(set(syslog.lines) - set(want)),
                    'and none of the others (locks, resets, the admin\'s '
                    'lock)')
            tap.like(out, r'Lines: %d lines, 0 ignored, %d matched'
                     % (len(syslog.lines), len(want)),
                     'its summary agrees')
    finally:
        if os.environ.get('POSTERN_KEEP'):
            sys.stderr.write('# POSTERN_KEEP: %s stays\n' % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


def kinds(syslog):
    out = []
    for ln in syslog.lines:
        m = LINE.match(ln)
        out.append((m.group('kind'), m.group('user'), m.group('ip'), m.group(
            'ident')) if m else ('?', ln, '', ''))
    return out


def stories(stack, syslog):
    with tap.story('A good login leaves no line'):
        stack.new_user('alice', 'alice@example.org')
        stack.new_user('bob', 'bob@example.org')
        before = len(syslog.lines)
        c = from_ip(stack.client(), '10.0.0.9')
        c.get('/login')
        r = c.post('/login', {'username': 'alice',
                              'password': 'correct horse battery 7'})
        tap.is_(r.status, 303, 'alice logs in')
        tap.is_(syslog.lines[before:], [], 'and nothing goes to authpriv')

    with tap.story('Failed logins'):
        c = from_ip(stack.client(), '10.0.0.1')
        for _ in range(2):
            c.get('/login')
            c.post('/login', {'username': 'alice', 'password': 'wrong pw 1'})
        c = from_ip(stack.client(), '192.0.2.77')
        c.get('/login')
        c.post('/login', {'username': 'nosuchperson',
                          'password': 'Secret Typed Here 9'})
        tap.ok(syslog.wait_for(r'login_unknown'), 'the lines arrive')
        got = kinds(syslog)
        tap.is_([k for k in got if k[0] == 'login_failed'],
                [('login_failed', 'alice', '10.0.0.1', 'postern-login')] * 2,
                'two wrong passwords: two login_failed lines with the name '
                'and the address, from postern-login')
        tap.is_([k for k in got if k[0] == 'login_unknown'],
                [('login_unknown', '-', '192.0.2.77', 'postern-login')],
                'a name that matches no account: user=-')
        tap.ok(all(p == AUTHPRIV * 8 + 5 for p in syslog.pris),
               'each at authpriv.notice')

    with tap.story('Ten failures close the limit: one more line'):
        c = from_ip(stack.client(), '10.0.0.3')
        for _ in range(10):
            c.get('/login')
            c.post('/login', {'username': 'bob', 'password': 'wrong pw 2'})
        tap.ok(syslog.wait_for(r'login_locked user=bob ip=10\.0\.0\.3$'),
               'login_locked user=bob ip=10.0.0.3')

    with tap.story('A reset: a refused proof, then pending and applied'):
        c = from_ip(stack.client(), '10.0.0.4')
        ask_reset(c, 'alice')
        stack.mailer_once()
        code = code_in(stack.mails_to('alice@example.org')[-1].body)
        wrong = '12345678' if code != '12345678' else '87654321'
        r = prove_reset(c, 'alice', [wrong], NEW_PASSWORD)
        tap.is_(r.status, 422, 'a wrong code is refused')
        tap.ok(syslog.wait_for(r'reset_refused user=alice ip=10\.0\.0\.4$'),
               'reset_refused user=alice ip=10.0.0.4')
        r = prove_reset(c, 'alice', [code], NEW_PASSWORD)
        tap.is_(r.status, 303, 'the right code makes the change pending')
        tap.ok(syslog.wait_for(r'reset_pending user=alice ip=10\.0\.0\.4$'),
               'reset_pending user=alice ip=10.0.0.4')
        # reset_delay is 1 s: the mailer applies it once that has passed.
        deadline = time.monotonic() + 30
        while not syslog.wait_for(r'reset_applied user=alice', 0.2) and \
                time.monotonic() < deadline:
            stack.mailer_once()
        tap.ok(syslog.wait_for(r'postern\[\d+\]: postern auth reset_applied '
                               r'user=alice ip=\S+$', 1),
               'reset_applied user=alice, from the mailer (postern)')

    with tap.story('The admin\'s lock'):
        r = stack.postern('lock', 'bob')
        tap.is_(r.returncode, 0, 'postern lock bob')
        tap.ok(syslog.wait_for(r'postern\[\d+\]: postern auth locked '
                               r'user=bob ip=postern$'),
               'locked user=bob ip=postern')

    with tap.story('The admin\'s brakes'):
        stack.new_user('carl', 'carl@example.org')
        for args, kind in ((('disable', 'carl'), 'disabled'),
                           (('enable', 'carl'), 'enabled'),
                           (('sessions', 'revoke', 'carl'),
                            'sessions_revoked'),
                           (('delete', '--yes', 'carl'), 'deleted')):
            r = stack.postern(*args)
            tap.is_(r.returncode, 0, 'postern %s' % ' '.join(args))
            tap.ok(syslog.wait_for(r'postern\[\d+\]: postern auth %s '
                                   r'user=carl ip=postern$' % kind),
                   '%s user=carl ip=postern' % kind)

    with tap.story('One format, no secret'):
        bad = [ln for ln in syslog.lines if not LINE.match(ln)]
        tap.is_(bad, [], 'every authpriv line has the documented format')
        text = '\n'.join(syslog.lines)
        tap.unlike(text, r'wrong pw|Secret Typed|nosuchperson|brand new|'
                   + re.escape(code), 'no password, code or unknown name '
                   'reached the log')
        tap.unlike(_read(stack.breakagelog), r'(?i)sanitizer',
                   'no sanitizer report')


tap.run(main)
