#!/usr/bin/python3
"""
backup.py: backups, restores and upgrades as postern(8) and the README
describe them, on the real stack.

  - `postern backup FILE` while a person keeps adding domains: each copy
    passes PRAGMA integrity_check, is mode 0600, and is one moment of the
    database (every domain in it has the event written in the same
    transaction); the writes go on meanwhile; an existing file is never
    replaced;
  - a restore by the documented steps (stop, remove -wal and -shm, put
    the copy in place, migrate, check-config, start) brings back exactly
    the copy: what was added after it is gone, the person logs in, and
    the mail queued before it is still delivered with the same key;
  - a database from a newer Postern is named a downgrade by the admin
    command, migrate and the programs; an older one asks for `postern
    migrate`.
"""

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD, DEFAULT_PASSWORD, Stack, Tap,  # noqa: E402
                     password_works)

tap = Tap()


def consistent(path):
    """(integrity, user_version, domains of alice, domain_added events of
    alice) of a database file."""
    con = sqlite3.connect('file:%s?mode=ro' % path, uri=True)
    try:
        integrity = con.execute('PRAGMA integrity_check').fetchone()[0]
        version = con.execute('PRAGMA user_version').fetchone()[0]
        aid = con.execute("SELECT id FROM accounts WHERE username = "
                          "'alice'").fetchone()[0]
        domains = con.execute('SELECT count(*) FROM domains WHERE '
                              'account_id = ?', (aid,)).fetchone()[0]
        events = con.execute("SELECT count(*) FROM events WHERE account_id "
                             "= ? AND kind = 'domain_added'",
                             (aid,)).fetchone()[0]
        return integrity, version, domains, events
    finally:
        con.close()


def signup(stack, name):
    """name signs up (at name@example.org); the POST's status.  The
    mail it queues waits until the mailer runs."""
    c = stack.client()
    c.get('/signup')
    return c.post('/signup', {'username': name, 'email': name +
                              '@example.org',
                              'password': DEFAULT_PASSWORD}).status


class Writer(threading.Thread):
    """alice adds domains one after another until stopped."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client = client
        self.done = 0
        self.errors = []
        self.stop = threading.Event()

    def run(self):
        n = 0
        while not self.stop.is_set():
            n += 1
            try:
                self.client.get('/domains')
                r = self.client.post('/domains',
                                     {'domain': 'd%d.example.com' % n})
                if r.status == 303:
                    self.done += 1
                else:
                    self.errors.append(r.status)
            except Exception as e:     # noqa: BLE001 - reported by the test
                self.errors.append(repr(e))

    def wait_for(self, count, timeout=60):
        """Until count more domains are added (or the writer failed)."""
        want = self.done + count
        deadline = time.monotonic() + timeout
        while self.done < want and not self.errors and \
                time.monotonic() < deadline:
            time.sleep(0.02)
        return self.done >= want


def backups_under_load(stack):
    with tap.story('postern backup while people write'):
        alice = stack.new_user('alice', 'alice@example.org')
        stack.new_user('bob', 'bob@example.net')
        w = Writer(alice)
        w.start()
        files = []
        try:
            for i in range(3):
                if i == 2:
                    # Mail that waits in the outbox goes into the copy.
                    tap.is_(signup(stack, 'dora'), 303, 'dora signs up; her '
                            'mail waits')
                tap.ok(w.wait_for(5), 'the writer is adding domains')
                path = os.path.join(stack.tmp, 'backup-%d.db' % i)
                r = stack.postern('backup', path)
                tap.ok(r.returncode == 0 and 'integrity ok' in r.stdout,
                       'postern backup %d exits 0 and says the copy passed '
                       'its integrity check' % i, r.stdout + r.stderr)
                files.append(path)
            tap.ok(w.wait_for(5), 'writes go on after the backups')
        finally:
            w.stop.set()
            w.join(60)
        tap.is_(w.errors, [], 'no write failed during the backups '
                '(%d domains added)' % w.done)
        seen = []
        for path in files:
            integrity, version, domains, events = consistent(path)
            seen.append(domains)
            tap.is_(integrity, 'ok', '%s: integrity_check ok'
                    % os.path.basename(path))
            tap.is_(version, live_version(stack), 'at the schema version of '
                    'the live database')
            tap.is_(domains, events, 'one moment: its %d domains each have '
                    'their event' % domains)
            tap.is_(stat.S_IMODE(os.stat(path).st_mode), 0o600, 'mode 0600')
        tap.ok(seen == sorted(seen) and seen[0] < seen[-1],
               'each copy holds more than the one before (%s)' % seen)
        leftovers = [f for f in os.listdir(stack.tmp)
                     if f.startswith('backup-') and f.count('.') > 1]
        tap.is_(leftovers, [], 'no temporary file is left beside them')
        before = open(files[0], 'rb').read()
        r = stack.postern('backup', files[0])
        tap.ok(r.returncode == 1 and 'exists already' in r.stderr,
               'a backup onto an existing file is refused', r.stderr)
        tap.ok(open(files[0], 'rb').read() == before, 'and the file is '
               'unchanged')
        return files[-1]


def live_version(stack):
    return stack.sql('PRAGMA user_version')[0][0]


def restore(stack, backup):
    with tap.story('A restore by the documented steps'):
        kept = consistent(backup)[2]
        tap.is_(signup(stack, 'carol'), 303, 'carol signs up after the '
                'backup')
        stack._stop_lighttpd()
        for suffix in ('-wal', '-shm'):
            if os.path.exists(stack.db_path + suffix):
                os.unlink(stack.db_path + suffix)
        shutil.copyfile(backup, stack.db_path)
        os.chmod(stack.db_path, 0o600)
        r = stack.postern('migrate')
        tap.is_(r.returncode, 0, 'postern migrate')
        r = stack.postern('check-config')
        tap.is_(r.returncode, 0, 'postern check-config')
        if not stack._start_lighttpd():
            raise RuntimeError('the server did not start again')

        tap.is_(stack.sql("SELECT count(*) FROM accounts WHERE username = "
                          "'carol'")[0][0], 0, 'carol, who came after the '
                "backup, is gone")
        tap.is_(consistent(stack.db_path)[2], kept, 'alice has the %d '
                'domains of the backup' % kept)
        tap.ok(password_works(stack, 'alice', DEFAULT_PASSWORD),
               'alice logs in')
        r = stack.mailer_once()
        tap.ok(r.returncode == 0 and 'failed 0' in r.stdout and
               stack.mails_to('dora@example.org'),
               'dora\'s mail, queued before the backup, is sent (its body '
               'opens with the same key)', r.stdout + r.stderr)
        tap.is_(stack.mails_to('carol@example.org'), [], 'carol\'s was '
                'never sent')


def newer_and_older(stack):
    with tap.story('A database newer than the program is a downgrade'):
        latest = live_version(stack)
        for name, version in (('newer', latest + 1), ('older', latest - 1)):
            path = os.path.join(stack.tmp, name + '.db')
            con = sqlite3.connect(path)
            con.execute('PRAGMA user_version = %d' % version)
            con.commit()
            con.close()
            os.chmod(path, 0o600)
            conf = os.path.join(stack.tmp, name + '.conf')
            with open(stack.conf_path) as f, open(conf, 'w') as g:
                g.write(f.read().replace('database = ' + stack.db_path,
                                         'database = ' + path))
            r = stack.postern('-f', conf, 'users')
            tap.is_(r.returncode, 78, '%s: postern users exits 78' % name)
            if name == 'newer':
                tap.like(r.stderr, r'schema version %d, newer than this '
                         r'program knows \(%d\): this is a downgrade'
                         % (version, latest), 'naming a downgrade')
                tap.unlike(r.stderr, r'run `postern migrate`',
                           'without advising migrate')
                r = stack.postern('-f', conf, 'migrate')
                tap.ok(r.returncode == 1 and 'downgrade' in r.stderr,
                       'postern migrate refuses it, naming a downgrade',
                       r.stderr)
                env = dict(os.environ, POSTERN_CONF=conf,
                           POSTERN_LOG_STDERR='1')
                r = subprocess.run([os.path.join(BUILD, 'cgi-bin',
                                                 'signup.fcgi')],
                                   env=env, stdin=subprocess.DEVNULL,
                                   capture_output=True, text=True,
                                   timeout=60)
                tap.ok(r.returncode == 78 and 'downgrade' in r.stderr,
                       'signup.fcgi will not start on it, naming a '
                       'downgrade', r.stderr)
            else:
                tap.like(r.stderr, r'schema version %d, this program needs '
                         r'%d: run `postern migrate`' % (version, latest),
                         'an older one asks for postern migrate')


def main():
    with Stack() as stack:
        backup = backups_under_load(stack)
        restore(stack, backup)
        newer_and_older(stack)


tap.run(main)
