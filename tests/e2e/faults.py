#!/usr/bin/python3
"""
faults.py: what happens when things break, each a story on the real
stack (lighttpd, tests/smtpd.py, the SQLite file):

  - the SMTP server is down during a signup: the signup succeeds, the
    mail waits in the outbox and is delivered exactly once after the
    server is back and the retry is due;
  - the SMTP server answers 451: the mail is retried with a growing
    wait; it answers 550: the mail is given up, the row says why and
    `postern mailer --once` tells the hoster;
  - FastCGI programs are killed with SIGKILL in the middle of requests:
    lighttpd starts them again, the database is intact and no change is
    half done;
  - another process holds the write lock longer than busy_timeout:
    writing requests wait, then get the 503 page, and nothing is half
    written; a shorter hold only delays them;
  - the database file is read-only (chattr +i, since root ignores file
    modes; and a 0444 file under Apache, whose programs run as a user
    of their own): writes get the 503 page, pages that only read still work;
  - a broken or missing configuration: `postern check-config` and the
    programs exit 78 naming the file and line, and lighttpd reports
    that the programs could not start.
"""

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD, DEFAULT_PASSWORD, ApacheStack, ProcsStack, Stack,
                     Tap, crashes, db_write, from_ip, header_problems, ip_of,
                     program_pids, proof, token_of, _read)

tap = Tap()

# lib/db.c: DB_BUSY_MS.
BUSY_TIMEOUT = 5.0
CONF = dict(trusted_proxies='127.0.0.1')

_visitor = [0]
_visitor_lock = threading.Lock()


def visitor(stack):
    """A new browser with an address of its own (per-IP limits)."""
    with _visitor_lock:
        _visitor[0] += 1
        n = _visitor[0]
    return from_ip(stack.client(), ip_of(n))


def signup(stack, username, email=None, password=DEFAULT_PASSWORD):
    """A new visitor signs up: the POST's response (None when the form
    did not open: its GET response is returned instead)."""
    c = visitor(stack)
    r = c.get('/signup')
    if r.status != 200 or c.csrf is None:
        return r
    return c.post('/signup', {'username': username,
                              'email': email or username + '@example.org',
                              'password': password})


def outbox_row(stack, recipient):
    rows = stack.sql('SELECT status, attempts, next_at, last_error, '
                     'done_at FROM outbox WHERE recipient = ? ORDER BY id',
                     recipient)
    return rows[-1] if rows else None


def make_due(stack, recipient):
    db_write(stack, 'UPDATE outbox SET next_at = ? WHERE recipient = ?',
             int(time.time()), recipient)


def is_503_page(tap, r, what):
    tap.is_(r.status, 503, '%s answers 503' % what)
    tap.ok(r.is_html and re.search(r'(?i)try again', r.text),
           'with the HTML page that says to try again', r.text[:300])
    tap.is_(header_problems(r), [], 'carrying the security headers')


def main():
    smtp_down()
    smtp_refusing()
    killed_programs()
    long_writer()
    read_only()
    read_only_apache()
    broken_config()


# ------------------------------------------------------------------ #


def smtp_down():
    with Stack(**CONF) as stack:
        with tap.story('The SMTP server is down during a signup'):
            stack.smtp_stop()
            r = signup(stack, 'alice')
            tap.is_(r.status, 303, 'the signup still answers 303')
            tap.is_(stack.sql('SELECT username FROM accounts'),
                    [('alice',)], 'the account exists')
            row = outbox_row(stack, 'alice@example.org')
            tap.is_(row and row[:2], ('queued', 0), 'the mail waits in the '
                    'outbox, not yet tried')
            t0 = int(time.time())
            run = stack.mailer_once()
            tap.note('postern mailer --once said: %s' % (
                run.stdout + run.stderr).strip())
            tap.is_(run.returncode, 0, 'a mailer pass with the server down '
                    'exits 0 (nothing lost)')
            tap.like(run.stdout, r'retrying 1\b', 'and says one mail waits '
                     'for a retry')
            row = outbox_row(stack, 'alice@example.org')
            tap.is_(row and row[:2], ('queued', 1), 'the row is still '
                    'queued, one attempt counted')
            tap.ok(row and row[2] > t0, 'its next try is in the future '
                   '(in %s s)' % (row[2] - t0 if row else '?'))
            tap.ok(row and row[3], 'the reason is recorded: %r'
                   % (row[3] if row else None))
            tap.is_(stack.mails(), [], 'nothing was delivered')

        with tap.story('The server is back: the mail goes out when due, '
                       'exactly once'):
            stack.smtp_start()
            run = stack.mailer_once()
            tap.is_(run.stdout, '', 'before the retry is due the mailer '
                    'sends nothing (and, idle, says nothing)')
            tap.is_(stack.mails(), [], 'no mail yet')
            make_due(stack, 'alice@example.org')
            run = stack.mailer_once()
            tap.like(run.stdout, r'sent 1\b', 'once due, the mailer sends '
                     'it')
            run = stack.mailer_once()
            tap.is_(run.stdout, '', 'a further pass sends nothing')
            mails = stack.mails_to('alice@example.org')
            tap.is_(len(mails), 1, 'alice@example.org got exactly one mail')
            tap.is_(len(stack.mails()), 1, 'and nobody else got any')
            tap.is_((outbox_row(stack, 'alice@example.org') or ())[:2],
                    ('sent', 2), 'the row is marked sent, after 2 '
                    'attempts')
            link = stack.link_in(mails[0], '/verify?t=') if mails else None
            c = stack.client()
            c.get('/verify?t=%s' % token_of(link))
            r = c.post('/verify', {'t': token_of(link)})
            tap.is_(r.status, 303, 'the link it carries works')


def smtp_refusing():
    with Stack(**CONF) as stack:
        with tap.story('The SMTP server answers 451: retried with backoff'):
            stack.smtp_stop()
            stack.smtp_start(mode='tempfail')
            r = signup(stack, 'bob')
            tap.is_(r.status, 303, 'the signup answers 303')
            waits = []
            for attempt in (1, 2, 3):
                make_due(stack, 'bob@example.org')
                t0 = int(time.time())
                run = stack.mailer_once()
                tap.like(run.stdout, r'retrying 1\b', 'attempt %d: the '
                         'mailer says the mail waits for a retry' % attempt)
                row = outbox_row(stack, 'bob@example.org') or ()
                tap.is_(row[:2], ('queued', attempt), 'attempt %d: still '
                        'queued, %d attempts counted' % (attempt, attempt))
                tap.like(row[3] if row else None, r'451',
                         'attempt %d: the 451 answer is recorded' % attempt)
                waits.append(row[2] - t0 if row else 0)
            tap.note('waits before the next try: %r s' % waits)
            tap.ok(waits[0] > 0 and waits[0] < waits[1] < waits[2],
                   'each wait is longer than the one before', waits)
            tap.is_(stack.mails(), [], 'nothing was stored by the server')

        with tap.story('The SMTP server answers 550: given up, recorded, '
                       'and shown to the hoster'):
            stack.smtp_stop()
            stack.smtp_start(mode='permfail')
            make_due(stack, 'bob@example.org')
            run = stack.mailer_once()
            tap.note('postern mailer --once said: %s' % (
                run.stdout + run.stderr).strip())
            tap.like(run.stdout, r'failed 1\b', 'its summary line counts '
                     'one failed mail')
            tap.like(run.stderr, r'(?i)given up', 'and it says on standard '
                     'error that a mail was given up')
            tap.like(run.stderr, r'550', 'with the server\'s answer')
            tap.is_(run.returncode, 1, 'and exits 1, so a cron job tells '
                    'the hoster')
            row = outbox_row(stack, 'bob@example.org') or ()
            tap.is_(row[:1], ('failed',), 'the row is marked failed')
            tap.like(row[3] if row else None, r'550', 'with the 550 answer '
                     'as last_error')
            tap.ok(row and row[4], 'and the time it was given up')
            stack.smtp_stop()
            stack.smtp_start()
            make_due(stack, 'bob@example.org')
            run = stack.mailer_once()
            tap.is_(run.stdout, '', 'a later pass does not try it again')
            tap.is_(stack.mails_to('bob@example.org'), [], 'bob never got '
                    'it')


# ------------------------------------------------------------------ #


def killed_programs():
    with ProcsStack(_max_procs={'signup': 2, 'login': 2}, **CONF) as stack:
        stack.new_user('kim', 'kim@example.org')
        base_accounts = stack.sql('SELECT count(*) FROM accounts')[0][0]
        with tap.story('FastCGI programs killed with SIGKILL in the middle '
                       'of requests'):
            results = []        # (kind, status or error, username)
            stop = threading.Event()
            counter = [0]
            lock = threading.Lock()

            def work(i):
                while not stop.is_set():
                    with lock:
                        counter[0] += 1
                        n = counter[0]
                    name = 'k%d-%d' % (i, n)
                    answered = []
                    try:
                        r = signup(stack, name)
                        answered.append(r)
                        results.append(('signup', r.status if r.method ==
                                        'POST' else 'GET %d' % r.status,
                                        name))
                    except Exception as e:     # noqa: BLE001
                        results.append(('signup', repr(e), name))
                    try:
                        c = visitor(stack)
                        r = c.get('/login')
                        if c.csrf is not None:
                            r = c.post('/login', {
                                'username': 'kim',
                                'password': DEFAULT_PASSWORD})
                        answered.append(r)
                        results.append(('login', r.status if r.method ==
                                        'POST' else 'GET %d' % r.status,
                                        'kim'))
                    except Exception as e:     # noqa: BLE001
                        results.append(('login', repr(e), 'kim'))
                    if not any(x.method == 'POST' for x in answered):
                        time.sleep(0.05)    # no program there: no spinning

            threads = [threading.Thread(target=work, args=(i,))
                       for i in range(6)]
            for t in threads:
                t.start()
            killed = []
            for _ in range(5):
                time.sleep(0.7)
                for name in ('signup', 'login'):
                    for pid in program_pids(stack, name):
                        try:
                            os.kill(pid, signal.SIGKILL)
                            killed.append((name, pid))
                        except ProcessLookupError:
                            pass
            time.sleep(0.5)
            stop.set()
            for t in threads:
                t.join(60)
            tap.note('%d request pairs, %d kills: %s' % (
                len(results), len(killed), ', '.join(
                    '%s %d' % k for k in killed)))
            tap.ok(len(killed) >= 6, 'the programs were killed while '
                   'requests ran (%d kills)' % len(killed))
            statuses = {}
            for kind, st, _n in results:
                statuses[(kind, st)] = statuses.get((kind, st), 0) + 1
            tap.note('answers: %s' % ', '.join(
                '%s %s: %d' % (k, s, n) for (k, s), n in
                sorted(statuses.items(), key=repr)))
            hit = sum(n for (k, s), n in statuses.items()
                      if isinstance(s, int) and s != 303)
            tap.note('%d POSTs were cut off by a kill; a GET answered 5xx '
                     'while lighttpd had no program to send it to' % hit)
            odd = [(k, s) for (k, s) in statuses if s != 303 and not
                   re.match(r'(GET )?5\d\d$', str(s))]
            tap.is_(odd, [], 'every answer is a success (303) or a 5xx '
                    'from lighttpd for a request whose program died')

            deadline = time.monotonic() + 20
            back = {}
            while time.monotonic() < deadline and len(back) < 2:
                for path in ('/signup', '/login'):
                    if stack.client().get(path).status == 200:
                        back[path] = True
                time.sleep(0.2)
            tap.is_(sorted(back), ['/login', '/signup'], 'lighttpd started '
                    'the programs again: both forms open')
            tap.ok(program_pids(stack, 'signup') and
                   program_pids(stack, 'login'), 'signup.fcgi and '
                   'login.fcgi run again')
            r = signup(stack, 'after-the-kills')
            tap.is_(r.status, 303, 'a signup afterwards answers 303')
            c = visitor(stack)
            c.get('/login')
            r = c.post('/login', {'username': 'kim',
                                  'password': DEFAULT_PASSWORD})
            tap.is_(r.status, 303, 'and a login 303')

        with tap.story('After the kills: the database is intact, no change '
                       'half done'):
            tap.is_(stack.sql('PRAGMA integrity_check'), [('ok',)],
                    'PRAGMA integrity_check is ok')
            tap.is_(stack.sql('PRAGMA foreign_key_check'), [],
                    'PRAGMA foreign_key_check finds nothing')
            made = [n for k, s, n in results if k == 'signup' and s == 303]
            names = set(r[0] for r in stack.sql(
                'SELECT username FROM accounts'))
            tap.is_([n for n in made if n not in names], [], 'every signup '
                    'that answered 303 has its account (%d)' % len(made))
            half = stack.sql(
                "SELECT a.username, (SELECT count(*) FROM links l WHERE "
                "l.account_id = a.id AND l.kind = 'verify'), (SELECT "
                "count(*) FROM outbox o WHERE o.recipient = a.email) FROM "
                "accounts a WHERE a.username != 'kim'")
            tap.is_(len(half), len(names) - 1, '%d accounts were made in all'
                    % len(half))
            tap.is_([h for h in half if h[1:] != (1, 1)], [], 'each has '
                    'exactly one verification link and one queued mail')
            tap.is_(stack.sql('SELECT o.recipient FROM outbox o WHERE NOT '
                              'EXISTS (SELECT 1 FROM accounts a WHERE '
                              'a.email = o.recipient)'), [],
                    'and no mail is queued for an account that is not there')
            logins = sum(1 for k, s, _n in results if k == 'login' and
                         s == 303)
            sessions = stack.sql("SELECT count(*) FROM sessions s JOIN "
                                 "accounts a ON a.id = s.account_id WHERE "
                                 "a.username = 'kim'")[0][0]
            tap.ok(sessions >= logins + 1, 'every login that answered 303 '
                   'has its session (%d sessions, %d logins)' % (
                       sessions, logins + 1))
            tap.note('accounts before %d, after %d' % (
                base_accounts, len(names)))


# ------------------------------------------------------------------ #


class Holder:
    """Another process holding the database's write lock: BEGIN
    IMMEDIATE on its own connection, for `seconds` (in a thread) or
    until release()."""

    def __init__(self, path):
        self.con = sqlite3.connect(path, timeout=10, isolation_level=None,
                                   check_same_thread=False)
        self.con.execute('BEGIN IMMEDIATE')
        self.released = threading.Event()
        self.lock = threading.Lock()

    def release(self):
        with self.lock:
            if not self.released.is_set():
                self.con.execute('ROLLBACK')
                self.con.close()
                self.released.set()

    def release_after(self, seconds):
        t = threading.Timer(seconds, self.release)
        t.daemon = True
        t.start()
        return t


def timed(fn):
    """(result, seconds) of fn()."""
    t0 = time.monotonic()
    r = fn()
    return r, time.monotonic() - t0


def in_threads(calls):
    """Run each (name, fn) at once; {name: (response or exception,
    seconds)}."""
    out = {}

    def run(name, fn):
        try:
            out[name] = timed(fn)
        except Exception as e:     # noqa: BLE001
            out[name] = (e, 0.0)
    threads = [threading.Thread(target=run, args=c) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def long_writer():
    with Stack(**CONF) as stack:
        lee = stack.new_user('lee', 'lee@example.org')
        lee.get('/contacts')
        login_page = visitor(stack)
        login_page.get('/login')
        signup_page = visitor(stack)
        signup_page.get('/signup')

        with tap.story('A writer holds the database longer than '
                       'busy_timeout (%g s)' % BUSY_TIMEOUT):
            before = stack.db_snapshot()
            holder = Holder(stack.db_path)
            try:
                got = in_threads([
                    ('signup', lambda: signup_page.post('/signup', {
                        'username': 'max', 'email': 'max@example.org',
                        'password': DEFAULT_PASSWORD})),
                    ('login', lambda: login_page.post('/login', {
                        'username': 'lee', 'password': DEFAULT_PASSWORD})),
                    ('contact', lambda: lee.post('/contacts', proof(lee, {
                        'kind': 'email',
                        'value': 'lee@elsewhere.example'}))),
                    # reset.fcgi: not one of the programs kept busy
                    # by the writes above.
                    ('read', lambda: stack.client().get('/reset')),
                    ('account', lambda: lee.get('/account')),
                ])
                after = stack.db_snapshot()
            finally:
                holder.release()
            for name in ('signup', 'login', 'contact'):
                r, secs = got[name]
                if isinstance(r, Exception):
                    tap.ok(False, 'the %s request was answered' % name,
                           repr(r))
                    continue
                is_503_page(tap, r, 'the %s POST' % name)
                # Only the lower bound is the behaviour: a loaded machine
                # may answer late, never early.
                tap.ok(secs >= BUSY_TIMEOUT - 0.5,
                       'after waiting busy_timeout (%.1f s)' % secs)
            r, secs = got['read']
            # The lock is let go only after every request was answered,
            # so a 200 here was served while the writer held it.
            tap.is_(getattr(r, 'status', r), 200, 'the reset form, which '
                    'only reads, still opens while the lock is held')
            r, secs = got['account']
            tap.is_(getattr(r, 'status', r), 200, 'so does the account '
                    'page of a logged-in person')
            tap.is_(stack.db_changes(before), [], 'nothing was written')
            tap.is_(after == before, True, 'not even while the lock was '
                    'held')

        with tap.story('Once the writer lets go, the same requests work'):
            r = signup_page.post('/signup', {
                'username': 'max', 'email': 'max@example.org',
                'password': DEFAULT_PASSWORD})
            tap.is_(r.status, 303, 'the signup answers 303')
            login_page.get('/login')
            r = login_page.post('/login', {'username': 'lee',
                                           'password': DEFAULT_PASSWORD})
            tap.is_(r.status, 303, 'the login answers 303')
            lee.get('/contacts')
            r = lee.post('/contacts', proof(lee, {
                'kind': 'email', 'value': 'lee@elsewhere.example'}))
            tap.is_(r.status, 303, 'adding the contact answers 303')

        with tap.story('A writer that holds it for less than busy_timeout '
                       'only delays a request'):
            c = visitor(stack)
            c.get('/signup')
            holder = Holder(stack.db_path)
            holder.release_after(1.5)
            r, secs = timed(lambda: c.post('/signup', {
                'username': 'ned', 'email': 'ned@example.org',
                'password': DEFAULT_PASSWORD}))
            holder.release()
            tap.is_(r.status, 303, 'the signup answers 303')
            tap.ok(secs >= 1.0, 'after waiting for the lock (%.1f s)' % secs)
            tap.is_(stack.sql("SELECT count(*) FROM accounts WHERE username "
                              "= 'ned'"), [(1,)], 'and the account exists')
            tap.is_(crashes(stack), [], 'no program crashed')


# ------------------------------------------------------------------ #


def chattr(flag, path):
    """chattr +i/-i path: None when it worked, else why not."""
    if not shutil.which('chattr'):
        return 'chattr is not installed'
    r = subprocess.run(['chattr', flag, path], capture_output=True,
                       text=True)
    return None if r.returncode == 0 else (r.stderr.strip() or 'failed')


def restart(stack):
    """Stop the server and start it again: the programs reopen the
    database (a program that had it open for writing keeps that)."""
    stack._stop_lighttpd()
    if not stack._start_lighttpd():
        stack._print_logs('the server did not start again')
        raise RuntimeError('the server did not start again')


def read_only_story(stack, who, make_ro, undo):
    """make_ro() makes the database file read-only for the programs
    (None when it could, else why not); undo() makes it writable."""
    c = stack.new_user(who, '%s@example.org' % who)
    c.get('/contacts')
    before = stack.db_snapshot()
    why = make_ro()
    if why is not None:
        tap.note('the file cannot be made read-only here: %s' % why)
        return False
    try:
        # The programs open the database when they start.
        restart(stack)
        r = signup(stack, who + '-new')
        is_503_page(tap, r, 'a signup')
        l = visitor(stack)
        l.get('/login')
        r = l.post('/login', {'username': who, 'password': DEFAULT_PASSWORD})
        is_503_page(tap, r, 'a login')
        r = c.post('/contacts', proof(c, {
            'kind': 'email', 'value': who + '@elsewhere.example'}))
        is_503_page(tap, r, 'adding a contact')
        tap.is_(stack.client().get('/signup').status, 200, 'the signup '
                'form, which only reads, still opens')
        tap.is_(c.get('/account').status, 200, 'and so does the account '
                'page')
        tap.is_(stack.db_changes(before), [], 'nothing was written')
    finally:
        undo()
    r = signup(stack, who + '-back')
    tap.ok(r.status == 303, 'once the file is writable again, a write '
           'works without restarting the server (got %d)' % r.status)
    restart(stack)
    r = signup(stack, who + '-new')
    tap.is_(r.status, 303, 'after a restart the signup answers 303')
    tap.is_(stack.sql('PRAGMA integrity_check'), [('ok',)],
            'PRAGMA integrity_check is ok')
    return True


def read_only():
    with Stack(**CONF) as stack:
        with tap.story('The database file is read-only: as root, with '
                       'chattr +i (root ignores file modes)'):
            if not read_only_story(stack, 'olga',
                                   lambda: chattr('+i', stack.db_path),
                                   lambda: chattr('-i', stack.db_path)):
                tap.note('as root, chmod 0444 does not stop writes; the '
                         'Apache story below tests a 0444 file with the '
                         'programs running as their own user')


def chmod_db(stack, mode):
    """chmod the database file, and its -wal and -shm when they are
    there: SQLite makes those with the mode of the database file, so
    ones made while it was 0444 stay read-only after it is 0644 again."""
    for suffix in ('', '-wal', '-shm'):
        if suffix == '' or os.path.exists(stack.db_path + suffix):
            os.chmod(stack.db_path + suffix, mode)


def read_only_apache():
    with ApacheStack(**CONF) as stack:
        with tap.story('The database file is read-only: mode 0444, the '
                       'programs running as their own user under Apache'):
            read_only_story(stack, 'pia',
                            lambda: chmod_db(stack, 0o444) or None,
                            lambda: chmod_db(stack, 0o644))


# ------------------------------------------------------------------ #


def broken_config():
    with Stack(**CONF) as stack:
        good = _read(stack.conf_path)
        lines = good.count('\n')
        bad = os.path.join(stack.tmp, 'bad.conf')

        def check(text, what, line, regex):
            with open(bad, 'w') as f:
                f.write(text)
            r = stack.postern('-f', bad, 'check-config')
            tap.is_(r.returncode, 78, 'check-config with %s exits 78' % what)
            tap.like(r.stderr, re.escape('%s:%d:' % (bad, line)) + '.*' +
                     regex, 'naming the file, line %d and the problem' %
                     line)

        with tap.story('postern check-config and a broken configuration'):
            r = stack.postern('check-config')
            tap.is_(r.returncode, 0, 'the stack\'s own configuration '
                    'passes')
            tap.like(r.stdout, re.escape(stack.conf_path) + r': ok',
                     'and it says so')
            check(good + 'colour = blue\n', 'an unknown key', lines + 1,
                  'colour')
            check(good + 'reset_delay = soon\n', 'a bad duration',
                  lines + 1, 'reset_delay')
            check(good + 'just some words\n', 'a line without "="',
                  lines + 1, 'key = value')
            check(good.replace('cookie_secure = off', 'cookie_secure = '
                               'perhaps'), 'a bad on/off value',
                  good.split('\n').index('cookie_secure = off') + 1,
                  'cookie_secure')
            missing = os.path.join(stack.tmp, 'nowhere.conf')
            r = stack.postern('-f', missing, 'check-config')
            tap.is_(r.returncode, 78, 'a missing file exits 78')
            tap.like(r.stderr, re.escape(missing), 'naming the file')
            env = dict(os.environ, POSTERN_CONF=missing)
            r = subprocess.run([os.path.join(BUILD, 'bin', 'postern'),
                                'check-config'], env=env,
                               capture_output=True, text=True, timeout=30)
            tap.is_(r.returncode, 78, 'so does POSTERN_CONF naming a '
                    'missing file')

        with tap.story('A program with a broken configuration stops at '
                       'start'):
            with open(bad, 'w') as f:
                f.write(good + 'pwhash_ops = lots\n')
            env = dict(os.environ, POSTERN_CONF=bad, POSTERN_LOG_STDERR='1')
            r = subprocess.run([os.path.join(BUILD, 'cgi-bin',
                                             'signup.fcgi')],
                               env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=30)
            tap.is_(r.returncode, 78, 'signup.fcgi exits 78')
            tap.like(r.stderr, re.escape('%s:%d:' % (bad, lines + 1)) +
                     '.*pwhash_ops', 'naming the file, the line and the key')
            env['POSTERN_CONF'] = os.path.join(stack.tmp, 'nowhere.conf')
            r = subprocess.run([os.path.join(BUILD, 'cgi-bin',
                                             'login.fcgi')],
                               env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=30)
            tap.is_(r.returncode, 78, 'login.fcgi without a configuration '
                    'file exits 78')
            tap.like(r.stderr, r'nowhere\.conf', 'naming the file')

            stack._stop_lighttpd()
            with open(stack.conf_path, 'a') as f:
                f.write('pwhash_ops = lots\n')
            started = stack._start_lighttpd()
            # lighttpd gives up when it sees a program exit while it
            # spawns them; one that exits a moment later leaves it
            # running without that program.
            status = stack.client().get('/signup').status if started \
                else None
            tap.ok(not started or status >= 500, 'lighttpd does not serve '
                   'the programs (%s)' % ('it did not start' if not started
                                          else 'it answers %d' % status))
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and 'child exited: 78' not in \
                    _read(stack.errorlog):
                time.sleep(0.1)
            tap.like(_read(stack.errorlog), r'child exited: 78',
                     'its error log says a program exited with 78')
            stack._stop_lighttpd()
            tap.like(_read(stack.breakagelog), re.escape(
                '%s:%d:' % (stack.conf_path, lines + 1)) + '.*pwhash_ops',
                'and the programs\' stderr names the file and line')
            with open(stack.conf_path, 'w') as f:
                f.write(good)
            tap.ok(stack._start_lighttpd(), 'with the configuration fixed '
                   'it starts again')
            tap.is_(stack.client().get('/signup').status, 200,
                    'and serves the signup form')


tap.run(main)
