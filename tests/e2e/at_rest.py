#!/usr/bin/python3
"""
at_rest.py: what another local user, or whoever copies the database
file, can learn from Postern's files.

- `postern init` makes the database for its owner alone (0600), and for
  the owner and the folder's group (0660) when the folder is
  set-group-ID (two users sharing the folder's group).
  The -wal and -shm files the web programs and the mailer make later get
  the same mode.  The umask decides none of it: the first stack runs
  under umask 000, the second under Debian's 022.
- A database left open to others by an older version (0644) is reported
  by every program and closed by `postern migrate`, which an upgrade
  runs; the group keeps what the hoster gave it.
- A queued mail's body is sealed: while it waits, the bytes of the
  database and its WAL hold neither its link nor its code, and the mail
  still arrives intact and works.  A sealed body moved onto another
  recipient's row goes to nobody; a row queued in clear before the
  upgrade is still delivered.
"""

import contextlib
import grp
import os
import shutil
import stat
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEFAULT_PASSWORD, Stack, Tap, code_in,  # noqa: E402
                     contact_id_of, db_write, proof)

tap = Tap()

DB_FILES = ('postern.db', 'postern.db-wal', 'postern.db-shm')


@contextlib.contextmanager
def umask(mask):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def modes(stack):
    """name -> permission bits of the database's files that exist."""
    out = {}
    for name in DB_FILES:
        path = os.path.join(os.path.dirname(stack.db_path), name)
        with contextlib.suppress(FileNotFoundError):
            out[name] = '%04o' % stat.S_IMODE(os.stat(path).st_mode)
    return out


def key_mode(stack):
    path = os.path.join(os.path.dirname(stack.db_path), 'postern.key')
    if not os.path.exists(path):
        path = os.path.join(os.path.dirname(stack.db_path), 'secret.key')
    return '%04o' % stat.S_IMODE(os.stat(path).st_mode)


def file_bytes(stack):
    """The database and its WAL as a copier would get them."""
    data = b''
    for name in DB_FILES[:2]:
        path = os.path.join(os.path.dirname(stack.db_path), name)
        with contextlib.suppress(FileNotFoundError):
            with open(path, 'rb') as f:
                data += f.read()
    return data


def traffic(stack, username):
    """A signup, its verification through the mailed link, a login and
    a page: every program on the way has the database open."""
    c = stack.new_user(username, username + '@example.org')
    r = c.get('/account')
    if r.status != 200:
        raise RuntimeError('/account answered %d' % r.status)
    return c


def private_modes():
    with umask(0o000), Stack(_mailer=True) as stack:
        with tap.story('postern init under umask 000: the database and '
                       'the key are their owner\'s alone'):
            got = modes(stack)
            tap.ok('postern.db' in got, 'the database exists')
            tap.is_(set(got.values()), {'0600'}, 'every database file is '
                    '0600: %r' % got)
            tap.is_(key_mode(stack), '0600', 'the key file is 0600')

        with tap.story('After traffic, with the web programs and the '
                       'mailer running, the WAL is as private'):
            alice = traffic(stack, 'alice')
            got = modes(stack)
            tap.is_(sorted(got), sorted(DB_FILES), 'the -wal and -shm '
                    'files exist while the programs run')
            tap.is_(set(got.values()), {'0600'}, 'each is 0600: %r' % got)

        with tap.story('A database an older version left open to others '
                       'is reported, and closed by postern migrate'):
            for name in DB_FILES:
                os.chmod(os.path.join(stack.tmp, name), 0o644)
            r = stack.postern('users')
            tap.like(r.stderr, r'open to other users \(mode 0644\).*'
                     r'postern migrate', 'postern users warns, and says '
                     'what to run')
            r = stack.postern('migrate')
            tap.is_(r.returncode, 0, 'postern migrate exits 0')
            tap.like(r.stderr, r'postern\.db was open to other users',
                     'and says what it closed')
            got = modes(stack)
            tap.is_(set(got.values()), {'0640'}, 'others lost their read '
                    'bit on every file; the group kept its own: %r' % got)
            r = alice.get('/account')
            tap.is_(r.status, 200, 'Postern goes on serving')


def shared_group_modes():
    folder = tempfile.mkdtemp(prefix='postern-e2e-sgid-')
    try:
        if os.geteuid() == 0:
            # A group that is not the creator's own, so inheriting it
            # shows.
            os.chown(folder, -1, grp.getgrnam('nogroup').gr_gid)
        os.chmod(folder, 0o2770)
        group = os.stat(folder).st_gid
        with umask(0o022), Stack(_dir=folder, _mailer=True) as stack:
            with tap.story('In a set-group-ID folder (install -d -m 2770) '
                           'under umask 022, the group may write'):
                traffic(stack, 'bob')
                got = modes(stack)
                tap.is_(sorted(got), sorted(DB_FILES), 'the database, '
                        '-wal and -shm exist')
                tap.is_(set(got.values()), {'0660'}, 'each is 0660, what '
                        'the web server and the mailer both need: %r' % got)
                tap.is_({os.stat(os.path.join(folder, n)).st_gid
                         for n in DB_FILES}, {group}, 'each belongs to the '
                        'folder\'s group (%s)' % grp.getgrgid(group).gr_name)
                tap.is_(key_mode(stack), '0600', 'the key stays 0600 (the '
                        'hoster gives it 0640, as the unit file says)')
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sealed_outbox():
    with Stack() as stack:
        with tap.story('A signup link waits sealed, and arrives intact'):
            c = stack.new_user('carol', 'carol@example.org', verify=False,
                               login=False)
            tap.is_(stack.sql('SELECT body FROM outbox'), [('',)],
                    'the outbox row keeps no body in clear')
            copied = file_bytes(stack)
            r = stack.mailer_once()
            tap.is_(r.returncode, 0, 'the mailer delivers')
            mails = stack.mails_to('carol@example.org')
            link = stack.link_in(mails[-1], '/verify?t=') if mails else None
            tap.ok(link, 'the mail has its link')
            token = link.split('t=', 1)[1] if link else 'no token'
            tap.ok(token.encode() not in copied and b'verify?t=' not in
                   copied, 'the copied database and WAL held neither the '
                   'token nor the link while the mail waited')
            c.get('/verify?t=' + token)
            r = c.post('/verify', {'t': token})
            tap.is_(r.status, 303, 'the link from the mail works')

        with tap.story('A code for a new recipient address waits sealed, '
                       'and arrives intact'):
            c.get('/login')
            c.post('/login', {'username': 'carol',
                              'password': DEFAULT_PASSWORD})
            c.get('/contacts')
            r = c.post('/contacts', proof(c, {
                'kind': 'email', 'value': 'carol@backup.example'}))
            tap.is_(r.status, 303, 'the address is added, pending')
            copied = file_bytes(stack)
            stack.mailer_once()
            mails = stack.mails_to('carol@backup.example')
            code = code_in(mails[-1].body) if mails else None
            tap.like(code or '', r'^\d{8}$', 'the mail has its code')
            tap.ok(code and code.encode() not in copied, 'the copied '
                   'database and WAL did not hold it')
            r = c.post('/contacts/verify', {
                'id': contact_id_of(stack, 'carol', 'carol@backup.example'),
                'code': code})
            tap.is_(r.status, 303, 'the code from the mail verifies the '
                    'address')

        with tap.story('A sealed body moved to another recipient goes to '
                       'nobody'):
            stack.new_user('dan', 'dan@example.org', verify=False,
                           login=False)
            tap.is_(db_write(stack, "UPDATE outbox SET recipient = "
                             "'mallory@evil.example' WHERE recipient = "
                             "'dan@example.org'"), 1,
                    'someone who can write the database redirects the mail')
            r = stack.mailer_once()
            tap.is_(stack.mails_to('mallory@evil.example'), [],
                    'Mallory receives nothing')
            tap.is_(r.returncode, 1, 'postern mailer --once reports a '
                    'message given up')
            rows = stack.sql("SELECT status, last_error FROM outbox WHERE "
                             "recipient = 'mallory@evil.example'")
            tap.is_([s for s, _e in rows], ['failed'], 'the row failed')
            tap.like(rows[0][1] if rows else '', r'does not open',
                     'and says why')

        with tap.story('A mail queued in clear before the upgrade is still '
                       'delivered'):
            now = int(time.time())
            db_write(stack, "INSERT INTO outbox (kind, recipient, subject, "
                     "body, created_at, next_at) VALUES ('mail', ?, ?, ?, "
                     "?, ?)", 'erin@example.org', 'Queued before',
                     'Your code:\n\n24681357\n', now, now)
            r = stack.mailer_once()
            tap.is_(r.returncode, 0, 'the mailer delivers it')
            mails = stack.mails_to('erin@example.org')
            tap.is_([code_in(m.body) for m in mails], ['24681357'],
                    'with its body as it was queued')
            tap.is_(stack.sql("SELECT status, body FROM outbox WHERE "
                              "recipient = 'erin@example.org'"),
                    [('sent', '')], 'and its body is blanked once sent')


def main():
    private_modes()
    shared_group_modes()
    sealed_outbox()


tap.run(main)
