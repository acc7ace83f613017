#!/usr/bin/python3
"""
at_rest.py: what another local user, or whoever copies the database
file, can learn from Postern's files.

- `postern init` makes the database for its owner alone (0600), and for
  the owner and the folder's group (0660) when the folder is
  set-group-ID, the shared-group set-up postern-mailer.service describes.
  The -wal and -shm files the web programs and the mailer make later get
  the same mode.  The umask decides none of it: the first stack runs
  under umask 000, the second under Debian's 022.
- A database left open to others by an older version (0644) is reported
  by every program and closed by `postern migrate`, which an upgrade
  runs; the group keeps what the hoster gave it.
"""

import contextlib
import grp
import os
import shutil
import stat
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Stack, Tap  # noqa: E402

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


def main():
    private_modes()
    shared_group_modes()


tap.run(main)
