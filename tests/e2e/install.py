#!/usr/bin/python3
"""
install.py: Postern installed and run the way README's "Installing for
real" says, from a staged tree: a plain `make`, then `make install
DESTDIR=... PREFIX=/usr`.  The staged /usr is laid over the real one in
a mount namespace of this test's own (so the programs, units and
templates are at the paths they were built for, and nothing of the host
changes), and then a hoster's steps are taken:

  - the installed programs look in /usr, not /usr/local, and no
    installed example, unit or man page names /usr/local;
  - the units pass systemd-analyze verify; systemd-sysusers and
    systemd-tmpfiles make the postern user and its folders (0700) from
    the installed entries;
  - check-config names each path the programs' user cannot use, with
    the command that fixes it, and init refuses to make anything there
    (or to work as root for no user at all); once fixed, init makes a
    key and a database that user alone can read, and check-config says
    ok;
  - the programs run as that user through spawn-fcgi with the installed
    postern@.service's own command line, behind lighttpd configured by
    the installed lighttpd.conf.example (as www-data): pages and static
    files are served from the installed templates, a signup is stored,
    and www-data, which runs lighttpd, can read neither key nor
    database; nobody but www-data may use the sockets.

It needs root (users, a mount namespace); run otherwise it skips.
"""

import contextlib
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (REPO, START_TIMEOUT, Client, StartError,  # noqa: E402
                     Tap, as_user, free_port, make_system_user,
                     own_mount_namespace, remove_system_user, spawn_argv, _die_with_parent,
                     _http_answers, _read, _stop_process)

tap = Tap()

PROGRAMS = ('signup', 'login', 'account', 'contacts', 'domains', 'reset',
            'email')
WEB_USER = 'www-data'
UNITS = ('postern@.service', 'postern-mailer.service',
         'postern-purge.service', 'postern-purge.timer')


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=600, **kw)


class Site:
    """What harness.Client needs of a stack."""

    def __init__(self, port):
        self.port = port
        self.responses = []


def build_and_install(work):
    """A plain make into work/build, then make install PREFIX=/usr into
    work/stage; the stage, or None."""
    build = os.path.join(work, 'build')
    stage = os.path.join(work, 'stage')
    make = ['make', '-C', REPO, '--no-print-directory', 'OUT=' + build,
            'OBJ=' + os.path.join(build, 'obj')]
    # A plain make, whatever make runs the tests (make asan passes its
    # sanitizer flags down in MAKEFLAGS).
    env = {k: v for k, v in os.environ.items()
           if k not in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES')}
    r = run(make + ['-j2', 'all'], env=env)
    if not tap.ok(r.returncode == 0, 'a plain make builds (PREFIX '
                  '/usr/local)', r.stdout[-2000:] + r.stderr[-2000:]):
        return None
    r = run(make + ['install', 'DESTDIR=' + stage, 'PREFIX=/usr'], env=env)
    if not tap.ok(r.returncode == 0, 'make install DESTDIR=... PREFIX=/usr '
                  'after it works', r.stdout[-2000:] + r.stderr[-2000:]):
        return None
    return stage


def installed_files(stage):
    with open(os.path.join(stage, 'usr/sbin/postern'), 'rb') as f:
        admin = f.read()
    with open(os.path.join(stage, 'usr/lib/postern/cgi-bin/login.fcgi'),
              'rb') as f:
        login = f.read()
    tap.ok(b'/usr/share/postern/templates' in login and
           b'/usr/local' not in login and b'/usr/local' not in admin,
           'the installed programs look in /usr/share/postern, not '
           '/usr/local (make install rebuilt what holds the paths)')
    want = ['usr/lib/systemd/system/' + u for u in UNITS] + [
        'usr/lib/sysusers.d/postern.conf', 'usr/lib/tmpfiles.d/postern.conf',
        'usr/share/man/man8/postern.8', 'usr/share/man/man5/postern.conf.5',
        'usr/share/postern/examples/postern.conf.example',
        'usr/share/postern/examples/lighttpd.conf.example',
        'usr/share/postern/examples/apache.conf.example',
        'usr/share/postern/examples/fail2ban/filter.d/postern.conf',
        'usr/share/postern/examples/fail2ban/jail.d/postern.conf']
    missing = [w for w in want if not os.path.isfile(os.path.join(stage, w))]
    tap.is_(missing, [], 'the units, the sysusers.d and tmpfiles.d '
            'entries, the man pages and the examples are installed')
    local = []
    for w in want:
        text = _read(os.path.join(stage, w))
        if '/usr/local' in text:
            local.append(w)
    tap.is_(local, [], 'none of them names /usr/local')
    mailer = _read(os.path.join(stage, 'usr/lib/systemd/system/'
                                'postern-mailer.service'))
    tap.like(mailer, r'(?m)^ExecStart=/usr/sbin/postern mailer$',
             'the mailer unit runs /usr/sbin/postern')
    modes = {w: stat.S_IMODE(os.stat(os.path.join(stage, w)).st_mode)
             for w in want}
    tap.is_({w: oct(m) for w, m in modes.items() if m != 0o644}, {},
            'each is mode 0644')


def system_entries(stage):
    """systemd-analyze verify, systemd-sysusers and systemd-tmpfiles on
    the installed files (the stage is laid over /usr by now)."""
    units = '/usr/lib/systemd/system'
    r = run(['systemd-analyze', 'verify', '--man=no'] +
            [os.path.join(units, u.replace('@.', '@login.'))
             for u in UNITS])
    tap.ok(r.returncode == 0 and not r.stderr.strip(), 'systemd-analyze '
           'verify finds nothing wrong with the units', r.stderr)
    os.makedirs(os.path.join(stage, 'etc'), exist_ok=True)
    r = run(['systemd-sysusers', '--root=' + stage,
             '/usr/lib/sysusers.d/postern.conf'])
    users = {ln.split(':')[0]: ln.split(':') for ln in
             _read(os.path.join(stage, 'etc/passwd')).splitlines()}
    entry = users.get('postern')
    tap.ok(r.returncode == 0 and entry and entry[5] == '/var/lib/postern'
           and entry[6] == '/usr/sbin/nologin', 'systemd-sysusers makes '
           'the postern user (home /var/lib/postern, no shell)',
           r.stderr + repr(entry))
    r = run(['systemd-tmpfiles', '--create', '--root=' + stage,
             '/usr/lib/tmpfiles.d/postern.conf'])
    d = os.path.join(stage, 'var/lib/postern')
    st = os.stat(d) if os.path.isdir(d) else None
    tap.ok(r.returncode == 0 and st is not None and entry and
           st.st_uid == int(entry[2]) and stat.S_IMODE(st.st_mode) == 0o700,
           'systemd-tmpfiles makes /var/lib/postern, the postern user\'s, '
           'mode 0700', r.stderr)
    e = os.path.join(stage, 'etc/postern')
    st = os.stat(e) if os.path.isdir(e) else None
    tap.ok(st is not None and st.st_uid == 0 and
           stat.S_IMODE(st.st_mode) == 0o750, 'and /etc/postern, root\'s, '
           'mode 0750 (the postern group reads it)')


def write_conf(path, example, database, user, port):
    text = _read(example)
    text = re.sub(r'(?m)^base_url = .*$', 'base_url = http://127.0.0.1:%d'
                  % port, text)
    text = re.sub(r'(?m)^database = .*$', 'database = ' + database, text)
    text = re.sub(r'(?m)^#?user = .*$', '', text)
    text += '\ncookie_secure = off\n'
    if user is not None:
        text += 'user = %s\n' % user
    with open(path, 'w') as f:
        f.write(text)


def postern(conf, *args, user=None):
    argv = ['/usr/sbin/postern', '-f', conf] + list(args)
    return run(as_user(user, argv) if user else argv)


def paths_checked(work, conf, user):
    data = os.path.join(work, 'data')
    db = os.path.join(data, 'postern.db')
    key = os.path.join(data, 'postern.key')
    pw = pwd.getpwnam(user)
    with tap.story('check-config and init, as root, for ' + user):
        os.makedirs(data, mode=0o755)
        r = postern(conf, 'check-config')
        tap.is_(r.returncode, 78, 'check-config exits 78 while %s cannot '
                'write the database folder' % user)
        tap.like(r.stderr, re.escape('%s: %s cannot make files in this '
                                     'folder' % (data, user)) + r'.*' +
                 re.escape('chown %s %s' % (user, data)),
                 'naming the folder, the user and the fix')
        r = postern(conf, 'init')
        tap.is_(r.returncode, 78, 'init refuses')
        tap.like(r.stderr, r'nothing was made', 'saying that nothing was '
                 'made')
        tap.is_(sorted(os.listdir(data)), [], 'and nothing was')

        os.chmod(conf, 0o600)
        r = postern(conf, 'check-config')
        tap.like(r.stderr, re.escape('%s: %s cannot read it' % (conf, user))
                 + r'.*' + re.escape('chgrp %s %s && chmod 0640 %s' % (
                     user, conf, conf)),
                 'a configuration only root can read is named, with its '
                 'fix')
        os.chown(conf, 0, pw.pw_gid)
        os.chmod(conf, 0o640)
        os.chown(data, pw.pw_uid, pw.pw_gid)
        os.chmod(data, 0o700)

        noone = os.path.join(work, 'no-user.conf')
        with open(noone, 'w') as f:
            f.write(re.sub(r'(?m)^user = .*$', '', _read(conf)))
        r = postern(noone, 'init')
        tap.ok(r.returncode == 78 and 'names no user' in r.stderr,
               'init as root refuses a configuration without a user key',
               r.stderr)

        r = postern(conf, 'init')
        tap.is_(r.returncode, 0, 'with the folder %s\'s, init works'
                % user)
        ok = True
        for f in (db, key):
            st = os.stat(f)
            ok = ok and st.st_uid == pw.pw_uid and \
                stat.S_IMODE(st.st_mode) == 0o600
        tap.ok(ok, 'the key and the database it made are %s\'s, mode 0600'
               % user)
        r = postern(conf, 'check-config')
        tap.ok(r.returncode == 0 and r.stdout.strip() == conf + ': ok',
               'check-config says ok', r.stdout + r.stderr)

        os.chown(key, 0, 0)
        r = postern(conf, 'check-config')
        tap.is_(r.returncode, 78, 'a key only root can read fails '
                'check-config')
        tap.like(r.stderr, re.escape('%s: %s cannot read it (owner root'
                                     % (key, user)) + r'.*' +
                 re.escape('chown %s %s && chmod 0600 %s' % (user, key,
                                                               key)),
                 'naming the owner, the mode and the fix')
        os.chown(key, pw.pw_uid, pw.pw_gid)
        r = postern(conf, 'users')
        tap.is_(r.returncode, 0, 'root can still run the other commands')
        return db, key


def lighttpd_conf(example, work, port, sockdir):
    """The installed lighttpd.conf.example on a loopback port, with its
    logs, pid file and uploads in the test folder."""
    text = _read(example)
    edits = {
        r'server\.port\s*=.*': 'server.port = %d\nserver.bind = '
                               '"127.0.0.1"' % port,
        r'server\.pid-file\s*=.*': '',
        r'server\.errorlog\s*=.*': 'server.errorlog = "%s/error.log"' % work,
        r'server\.breakagelog\s*=.*': 'server.breakagelog = '
                                      '"%s/breakage.log"' % work,
        r'server\.upload-dirs\s*=.*': 'server.upload-dirs = ( "%s/upload" )'
                                      % work,
        r'var\.postern_sockets\s*=.*': 'var.postern_sockets = "%s/"'
                                       % sockdir,
    }
    for k, v in edits.items():
        text, n = re.subn(r'(?m)^' + k + '$', v, text)
        if n != 1:
            raise StartError('lighttpd.conf.example: no line %r' % k)
    return text


def served(work, conf, user, db, key):
    port = free_port()
    sockdir = os.path.join(work, 'run')
    os.makedirs(sockdir, mode=0o755)
    web = pwd.getpwnam(WEB_USER)
    upload = os.path.join(work, 'upload')
    os.makedirs(upload)
    os.chown(upload, web.pw_uid, web.pw_gid)
    for log in ('error.log', 'breakage.log'):
        with open(os.path.join(work, log), 'a'):
            pass
        os.chown(os.path.join(work, log), web.pw_uid, web.pw_gid)
    # The base_url of the configuration names this port.
    text = re.sub(r'(?m)^base_url = .*$', 'base_url = http://127.0.0.1:%d'
                  % port, _read(conf))
    with open(conf, 'w') as f:
        f.write(text)
    env = {'PATH': '/usr/sbin:/usr/bin:/sbin:/bin', 'POSTERN_CONF': conf,
           'POSTERN_LOG_STDERR': '1'}
    procs = {}
    lighttpd = None
    errlog = open(os.path.join(work, 'programs.log'), 'ab')
    try:
        unit = '/usr/lib/systemd/system/postern@.service'
        for name in PROGRAMS:
            argv = spawn_argv(unit, name, sockdir, '/usr/lib/postern/cgi-bin',
                              user, WEB_USER)
            procs[name] = subprocess.Popen(
                argv, env=env, stdin=subprocess.DEVNULL, stdout=errlog,
                stderr=errlog, preexec_fn=_die_with_parent)
        lconf = os.path.join(work, 'lighttpd.conf')
        with open(lconf, 'w') as f:
            f.write(lighttpd_conf('/usr/share/postern/examples/'
                                  'lighttpd.conf.example', work, port,
                                  sockdir))
        lighttpd = subprocess.Popen(
            ['/usr/sbin/lighttpd', '-D', '-f', lconf], stdout=errlog,
            stderr=errlog, stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent)
        deadline = time.monotonic() + START_TIMEOUT
        while not (_http_answers(port) and all(
                os.path.exists(os.path.join(sockdir, n + '.sock'))
                for n in PROGRAMS)):
            if time.monotonic() > deadline or lighttpd.poll() is not None:
                raise StartError('lighttpd or a program did not start:\n' +
                                 _read(os.path.join(work, 'programs.log')) +
                                 _read(os.path.join(work, 'error.log')))
            time.sleep(0.05)

        with tap.story('Served by lighttpd.conf.example, the programs as '
                       + user):
            c = Client(Site(port))
            r = c.get('/login')
            tap.is_(r.status, 200, 'GET /login answers 200 (the installed '
                    'templates, found where make install put them)')
            r = c.get('/static/postern.css')
            tap.is_(r.status, 200, 'GET /static/postern.css answers 200')
            c.get('/signup')
            r = c.post('/signup', {'username': 'hoster', 'email':
                                   'hoster@example.org',
                                   'password': 'correct horse battery 7'})
            tap.is_(r.status, 303, 'a signup answers 303')
            r = run(['/usr/bin/sqlite3', db, 'SELECT username FROM '
                     'accounts'])
            tap.is_(r.stdout.strip(), 'hoster', 'and the account is stored')
            uids = set()
            for p in procs.values():
                with open('/proc/%d/status' % p.pid) as f:
                    uids.add(int(re.search(r'(?m)^Uid:\s+(\d+)',
                                           f.read()).group(1)))
            tap.is_(uids, {pwd.getpwnam(user).pw_uid}, 'all 7 programs run '
                    'as %s' % user)
            socks = [os.stat(os.path.join(sockdir, n + '.sock'))
                     for n in PROGRAMS]
            tap.ok(all(s.st_uid == web.pw_uid and
                       stat.S_IMODE(s.st_mode) == 0o600 for s in socks),
                   'each socket is %s\'s, mode 0600' % WEB_USER)
            probe = ('import socket,sys; s=socket.socket(socket.AF_UNIX); '
                     's.connect(sys.argv[1])')
            r = run(as_user('nobody', ['/usr/bin/python3', '-c', probe,
                                       os.path.join(sockdir,
                                                    'login.sock')]))
            tap.ok(r.returncode != 0 and 'Permission denied' in r.stderr,
                   'another user (nobody) cannot connect to a program',
                   r.stderr)
            r = run(as_user(WEB_USER, ['cat', key]))
            tap.ok(r.returncode != 0 and not r.stdout, '%s, which runs '
                   'lighttpd, cannot read the key' % WEB_USER)
            r = run(as_user(WEB_USER, ['/usr/bin/sqlite3', db,
                                       'SELECT count(*) FROM accounts']))
            tap.ok(r.returncode != 0, 'nor the database')
            tap.unlike(_read(os.path.join(work, 'programs.log')),
                       r'(?i)error|sanitizer', 'the programs logged no '
                       'error')
    finally:
        if lighttpd is not None:
            _stop_process(lighttpd)
        for p in procs.values():
            _stop_process(p)
        errlog.close()


def main():
    if os.geteuid() != 0:
        tap.skip('needs root: it makes a user and a mount namespace')
        return
    own_mount_namespace()
    work = tempfile.mkdtemp(prefix='postern-install-')
    os.chmod(work, 0o755)
    user = None
    try:
        with tap.story('make, then make install DESTDIR=... PREFIX=/usr'):
            stage = build_and_install(work)
            if stage is None:
                return
            installed_files(stage)
        r = run(['mount', '-t', 'overlay', 'overlay', '-o',
                 'lowerdir=%s/usr:/usr' % stage, '/usr'])
        if not tap.ok(r.returncode == 0, 'the staged /usr is laid over '
                      '/usr in this namespace', r.stderr):
            return
        with tap.story('The units, sysusers.d and tmpfiles.d'):
            system_entries(stage)
        user = make_system_user('pin')
        conf = os.path.join(work, 'postern.conf')
        write_conf(conf, '/usr/share/postern/examples/postern.conf.example',
                   os.path.join(work, 'data', 'postern.db'), user, 1)
        db, key = paths_checked(work, conf, user)
        served(work, conf, user, db, key)
    finally:
        if user is not None:
            remove_system_user(user)
        with contextlib.suppress(OSError):
            subprocess.run(['umount', '/usr'], capture_output=True)
        if os.environ.get('POSTERN_KEEP'):
            sys.stderr.write('# POSTERN_KEEP: %s stays\n' % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
tap.run(main)
