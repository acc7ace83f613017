"""
common.py: what bench.py and callgrind.py share -- the stack (the test
harness's, with the bench's process count), the seed of 10,000
accounts, logging in, and the machine's description.

Python 3 standard library only, like the harness it imports.
"""

import os
import platform
import re
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, 'tests', 'e2e'))

import harness  # noqa: E402  (the path above first)

BUILD = harness.BUILD
PASSWORD = harness.DEFAULT_PASSWORD
ACCOUNTS = int(os.environ.get('BENCH_ACCOUNTS', '10000'))
# Argon2id limits of libsodium's "interactive" level (Postern's default).
OPS_INTERACTIVE = 2
MEM_INTERACTIVE = 64 * 1024 * 1024
# Keycloak's defaults for Argon2 (5 iterations, 7 MiB), DESIGN section 6
# syntax.
OPS_KEYCLOAK = 5
MEM_KEYCLOAK = 7 * 1024 * 1024
COOKIE = 'postern'      # cookie_secure = off in the bench stack
USER_FMT = 'user%05d'


def say(msg):
    sys.stdout.write(msg + '\n')
    sys.stdout.flush()


def run(main, name, errors=()):
    """Exit with main()'s status; a failure it expects (errors, or the
    stack's) is one line on stderr, named for the make target name."""
    harness._term_raises()
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except (RuntimeError, harness.StartError,
            subprocess.SubprocessError) + tuple(errors) as e:
        sys.stderr.write('%s: %s\n' % (name, e))
        sys.exit(1)


class BenchStack(harness.Stack):
    """The test harness's stack, with max-procs set for every program
    (Postern's and the reference programs of build/bench/cgi-bin alike:
    the same lighttpd settings for a case and its reference)."""

    def __init__(self, procs=2, **kw):
        self.procs = procs
        super().__init__(**kw)

    def lighttpd_conf(self):
        text = super().lighttpd_conf()
        old = '"max-procs" => 1,'
        if old not in text:
            raise harness.StartError('the harness no longer writes %s: '
                                     'update bench/common.py' % old)
        return text.replace(old, '"max-procs" => %d,' % self.procs)

    # The authorizer case: one small static file behind auth.fcgi and
    # behind the bare authorizer of ref_auth.c, with the same settings.
    AUTHORIZED = (('postern', ('cgi-bin', 'auth.fcgi')),
                  ('ref', ('bin', 'refauth.fcgi')))

    def protected_paths(self):
        return ['authbench/']

    def extra_lighttpd(self):
        q = harness._lighttpd_string
        lines = []
        for sub, prog in self.AUTHORIZED:
            prog = os.path.join(BUILD, *prog)
            if not os.path.exists(prog):
                continue
            folder = os.path.join(self.tmp, 'docroot', 'authbench', sub)
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, 'hello.txt'), 'w') as f:
                f.write('hello\n')
            lines += [
                '$HTTP["url"] =~ "^/authbench/%s/" {' % sub,
                '    fastcgi.server = ("/" => ((',
                '        "mode" => "authorizer",',
                '        "bin-path" => %s,' % q(prog),
                '        "socket" => %s,' % q(os.path.join(
                    self.sockdir, 'authbench-%s.sock' % sub)),
                '        "check-local" => "disable",',
                '        "max-procs" => 1,',
                '        "bin-environment" => ("POSTERN_CONF" => %s),'
                % q(self.conf_path),
                '    )))',
                '}',
            ]
        return lines

    def program_pids(self):
        """{pid: program name} of the FastCGI programs lighttpd runs."""
        out = {}
        if self.lighttpd is None:
            return out
        for pid, cmd in harness._proc_children(self.lighttpd.pid).items():
            argv0 = (cmd or b'').split(b'\0')[0].decode('utf-8', 'replace')
            if argv0.endswith('.fcgi'):
                out[pid] = os.path.basename(argv0)[:-len('.fcgi')]
        return out


def tool(name):
    return os.path.join(BUILD, 'bin', name)


def make_hash(ops, mem):
    """One Argon2id string of PASSWORD with these limits."""
    r = subprocess.run([tool('bench-verify'), 'hash', str(ops), str(mem)],
                       input=PASSWORD, capture_output=True, text=True,
                       check=True)
    return r.stdout.strip()


def seed(stack, pw_hash, n=ACCOUNTS):
    """n verified accounts written straight into the database, all with
    the same password hash (made once), each with its signup and
    verification events, as signup would leave them."""
    import sqlite3
    now = int(time.time())
    con = sqlite3.connect(stack.db_path, timeout=30)
    try:
        con.execute('BEGIN IMMEDIATE')
        con.executemany(
            'INSERT INTO accounts (username, email, email_verified_at, '
            'pw_hash, created_at) VALUES (?, ?, ?, ?, ?)',
            ((USER_FMT % i, (USER_FMT % i) + '@example.org', now, pw_hash,
              now) for i in range(1, n + 1)))
        con.execute("INSERT INTO events (account_id, seq, at, kind, ip) "
                    "SELECT id, 1, created_at, 'signup', '127.0.0.1' "
                    "FROM accounts")
        con.execute("INSERT INTO events (account_id, seq, at, kind, ip) "
                    "SELECT id, 2, created_at, 'email_verified', "
                    "'127.0.0.1' FROM accounts")
        con.execute('COMMIT')
    finally:
        con.close()


def login(stack, i):
    """A client logged in as account i (a real POST /login)."""
    c = stack.client()
    c.get('/login')
    r = c.post('/login', {'username': USER_FMT % i, 'password': PASSWORD})
    if r.status != 303 or stack.path_of(r.location) != '/account':
        raise RuntimeError('login of %s answered %d %s: %s' % (
            USER_FMT % i, r.status, r.location, c.errors(r)))
    return c


def form_quote(s):
    return urllib.parse.quote_plus(s)


def _first_line(args):
    try:
        r = subprocess.run(args, capture_output=True, text=True, timeout=10)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return '?'


def _dpkg_version(pkg):
    try:
        r = subprocess.run(['dpkg-query', '-W', '-f=${Version}', pkg],
                           capture_output=True, text=True, timeout=10)
        return r.stdout.strip() or '?'
    except (OSError, subprocess.SubprocessError):
        return '?'


def machine():
    """The machine and the versions that matter, as (label, value)."""
    cpu = '?'
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    mem = '?'
    try:
        with open('/proc/meminfo') as f:
            for line in f:
                if line.startswith('MemTotal:'):
                    mem = '%.1f GiB' % (int(line.split()[1]) / 1048576)
    except OSError:
        pass
    try:
        load = ' '.join(open('/proc/loadavg').read().split()[:3])
    except OSError:
        load = '?'
    import sqlite3
    return [
        ('nproc', str(os.cpu_count())),
        ('CPU', cpu),
        ('memory', mem),
        ('kernel', platform.release()),
        ('load average at start', load),
        ('lighttpd', _first_line([harness.LIGHTTPD, '-v'])),
        ('SQLite', sqlite3.sqlite_version + ' (libsqlite3-0 ' +
         _dpkg_version('libsqlite3-0') + ')'),
        ('libsodium', _dpkg_version('libsodium23')),
        ('libfcgi', _dpkg_version('libfcgi0ldbl')),
        ('libESMTP', _dpkg_version('libesmtp6')),
        ('ctemplate', _dpkg_version('libctemplate3')),
        ('wrk', _dpkg_version('wrk')),
        ('compiler', _first_line(['cc', '--version'])),
    ]


def proc_status(pid):
    """{key: kB}: VmRSS and VmHWM from /proc/pid/status, Pss,
    Shared_Clean and Private_Dirty from /proc/pid/smaps_rollup (most of
    VmRSS is library code shared by every process)."""
    out = {}
    for name, keys in (('status', ('VmRSS', 'VmHWM')),
                       ('smaps_rollup', ('Pss', 'Shared_Clean',
                                         'Private_Dirty'))):
        try:
            with open('/proc/%d/%s' % (pid, name)) as f:
                for line in f:
                    k, _, v = line.partition(':')
                    if k in keys:
                        out[k] = int(v.split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return out


BUSY = re.compile(r'(?i)database is locked|SQLITE_BUSY|\bbusy\b')


def syslog_files():
    return [p for p in ('/var/log/syslog', '/var/log/messages')
            if os.path.exists(p)]


def busy_lines(stack, extra=''):
    """Lines of the programs' stderr and lighttpd's error log (and of
    extra, and of the system log when there is one) that tell of
    SQLITE_BUSY."""
    pat = BUSY
    texts = [harness._read(stack.breakagelog), harness._read(stack.errorlog),
             extra]
    for path in syslog_files():
        texts.append('\n'.join(ln for ln in harness._read(path).splitlines()
                               if 'postern' in ln))
    return [ln for t in texts for ln in t.splitlines() if pat.search(ln)]
