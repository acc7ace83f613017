#!/usr/bin/python3
"""
harness.py: starts the real Postern stack for one end-to-end test and
tears it down again, and gives the tests a browser-like HTTP client, a
look into the mail folder and the database, and a small TAP printer.

The stack is the one a hoster runs: lighttpd with mod_fastcgi starting
every program under $POSTERN_BUILD/cgi-bin, the SQLite file made by
`postern init`, and the SMTP server of tests/smtpd.py writing each mail
it receives to a folder.  Nothing is mocked.

    from harness import Stack, Tap

    tap = Tap()

    def main():
        with Stack() as stack:
            c = stack.client()
            r = c.get('/signup')
            tap.is_(r.status, 200, 'the signup form opens')

    tap.run(main)

`python3 tests/e2e/harness.py serve --port 8080 --dir run` is what
`make run` uses: the same stack on a fixed port, with `postern mailer`
running, until Ctrl-C.

Python 3 standard library only: it runs with Debian's /usr/bin/python3.
"""

import argparse
import contextlib
import ctypes
import email
import email.policy
import email.utils
import html.parser
import http.client
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.path.abspath(os.environ.get('POSTERN_BUILD') or REPO)
LIGHTTPD = '/usr/sbin/lighttpd'
PYTHON = '/usr/bin/python3'
SMTPD = os.path.join(REPO, 'tests', 'smtpd.py')
DNSMASQ = '/usr/sbin/dnsmasq'
# A password that passes the common-password check.
DEFAULT_PASSWORD = 'correct horse battery 7'

# The headers DESIGN section 2 asks of every response; lighttpd adds
# them to the static files it serves itself.
SECURITY_HEADERS = [
    ('Content-Security-Policy', "default-src 'self'; frame-ancestors 'none'; "
     "base-uri 'none'; object-src 'none'"),
    ('Referrer-Policy', 'no-referrer'),
    ('X-Content-Type-Options', 'nosniff'),
]

# Paths that belong to a program but do not start with its name.  The
# rewrite keeps REQUEST_URI as the browser sent it, and the programs
# route on REQUEST_URI.
EXTRA_PATHS = {'verify': 'signup', 'logout': 'login'}

# Every other path goes to this program, so a mistyped address gets
# Postern's own 404 page.
FALLBACK_PROGRAM = 'account'

# Programs that serve no page: auth.fcgi is a FastCGI authorizer, which
# a test that protects a service sets up itself (authorizer.py).
AUTHORIZERS = ('auth',)

START_TIMEOUT = float(os.environ.get('POSTERN_START_TIMEOUT', '20'))


class StartError(Exception):
    """The stack did not come up; the logs were printed to stderr."""


def _die_with_parent():
    """preexec_fn: the child gets SIGTERM when the harness dies, so a
    killed test leaves no lighttpd or SMTP server behind."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except Exception:
        pass


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _http_answers(port):
    """lighttpd answers HTTP on port.  A bare connect is not enough: the
    socket listens before lighttpd spawns the programs, and it exits
    when one of them fails to start.  OPTIONS * is answered by lighttpd
    itself once its loop runs, without reaching a program."""
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=2) as s:
            s.sendall(b'OPTIONS * HTTP/1.0\r\n\r\n')
            return s.recv(16).startswith(b'HTTP/')
    except OSError:
        return False


def _lighttpd_string(s):
    s = str(s)
    if '\n' in s or '\r' in s:
        raise ValueError('newline in a lighttpd configuration value: %r' % s)
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def _read(path):
    try:
        with open(path, 'r', errors='replace') as f:
            return f.read()
    except OSError:
        return ''


def _proc_children(pid):
    """Pids whose parent is pid, with their command lines, from /proc."""
    kids = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as f:
                stat = f.read()
            # The command name may hold spaces and parentheses: the
            # fields after the last ')' are fixed.
            ppid = int(stat[stat.rindex(')') + 2:].split()[1])
            if ppid == pid:
                kids[int(entry)] = _proc_cmdline(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return kids


def _proc_cmdline(pid):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            return f.read()
    except OSError:
        return None


def _proc_alive(pid, cmdline):
    """pid still runs the same program (and is not a zombie)."""
    if _proc_cmdline(pid) != cmdline or not cmdline:
        return False
    try:
        with open('/proc/%d/stat' % pid) as f:
            stat = f.read()
        return stat[stat.rindex(')') + 2] != 'Z'
    except (OSError, ValueError, IndexError):
        return False


def _stop_process(proc, timeout=5.0):
    """SIGTERM a Popen, wait, then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ------------------------------------------------------------------ #
# The stack.


class Stack:
    """
    One Postern installation in a temporary folder: configuration,
    database, mail folder, lighttpd and the SMTP server.  Keyword
    arguments are configuration keys that replace or add to the test
    defaults (None leaves a key out).  Use it as a context manager.
    """

    def __init__(self, _port=None, _dir=None, _mailer=False, _fresh=False,
                 _dns=False, **conf_overrides):
        self.fixed_port = _port
        # _dns: run a real DNS server (dnsmasq) on loopback and point
        # dns_server at it; dns_set() publishes TXT records.
        self.dns_port = free_port() if _dns else None
        self.dns_proc = None
        if _dns:
            conf_overrides.setdefault('dns_server',
                                      '127.0.0.1:%d' % self.dns_port)
        self.workdir = os.path.abspath(_dir) if _dir else None
        self.run_mailer = _mailer
        self.fresh = _fresh
        self.conf_overrides = conf_overrides
        self.tmp = None
        self.port = None
        self.smtp_port = None
        self.smtp_proc = None
        self.lighttpd = None
        self.mailer = None
        self.sockdir = None
        self.own_sockdir = False
        self.own_tmp = False
        self._smtp_drain = None
        self.responses = []     # every response any client got

    # -- paths -- #

    @property
    def base_url(self):
        return 'http://127.0.0.1:%d' % self.port

    def url(self, path='/'):
        return self.base_url + path

    @property
    def conf_path(self):
        return os.path.join(self.tmp, 'postern.conf')

    @property
    def db_path(self):
        return os.path.join(self.tmp, 'postern.db')

    @property
    def maildir(self):
        return os.path.join(self.tmp, 'mail')

    @property
    def errorlog(self):
        return os.path.join(self.tmp, 'lighttpd-error.log')

    @property
    def breakagelog(self):
        return os.path.join(self.tmp, 'programs-stderr.log')

    def programs(self):
        """Names of the FastCGI programs that were built."""
        d = os.path.join(BUILD, 'cgi-bin')
        names = []
        try:
            for f in sorted(os.listdir(d)):
                name = f[:-len('.fcgi')]
                if f.endswith('.fcgi') and re.fullmatch(
                        r'[a-z][a-z0-9_-]*', name) and \
                        name not in AUTHORIZERS:
                    names.append(name)
        except OSError:
            pass
        return names

    # -- start and stop -- #

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        for path, what in ((LIGHTTPD, 'lighttpd'),
                           (os.path.join(BUILD, 'bin', 'postern'),
                            'the postern command (run make)'),
                           (SMTPD, 'tests/smtpd.py')):
            if not os.path.exists(path):
                raise StartError('%s is missing: %s' % (what, path))
        if self.workdir:
            self.tmp = self.workdir
            os.makedirs(self.tmp, exist_ok=True)
        else:
            self.tmp = tempfile.mkdtemp(prefix='postern-e2e-')
            self.own_tmp = True
        # A unix socket path must fit in 108 bytes; a deep work folder
        # would not leave room.
        if len(os.path.join(self.tmp, 'sock', 'account.sock-99')) < 100:
            self.sockdir = os.path.join(self.tmp, 'sock')
            os.makedirs(self.sockdir, exist_ok=True)
        else:
            self.sockdir = tempfile.mkdtemp(prefix='postern-sock-')
            self.own_sockdir = True
        os.makedirs(os.path.join(self.tmp, 'docroot'), exist_ok=True)
        os.makedirs(os.path.join(self.tmp, 'upload'), exist_ok=True)
        if self.fresh:
            self._remove_old_state()
        os.makedirs(self.maildir, exist_ok=True)

        self.smtp_start()
        for attempt in range(3):
            self.port = self.fixed_port or free_port()
            self._write_conf()
            if attempt == 0:
                r = self.postern('init')
                if r.returncode != 0:
                    raise StartError('postern init failed (%d):\n%s%s' % (
                        r.returncode, r.stdout, r.stderr))
            self._write_lighttpd_conf()
            if self._start_lighttpd():
                break
            if self.fixed_port or 'in use' not in (
                    _read(self.errorlog) + _read(self.lighttpd_out)):
                self._print_logs('lighttpd did not start')
                raise StartError('lighttpd did not start; logs above')
        else:
            self._print_logs('lighttpd did not start')
            raise StartError('lighttpd found no free port')
        if self.run_mailer:
            with open(os.path.join(self.tmp, 'mailer.log'), 'ab') as log:
                self.mailer = subprocess.Popen(
                    [os.path.join(BUILD, 'bin', 'postern'), 'mailer'],
                    env=self._env(), stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        return self

    def _remove_old_state(self):
        """serve mode: a fresh database each time, and no mail that
        belonged to the old one."""
        for name in ('postern.db', 'postern.db-wal', 'postern.db-shm',
                     'postern.db-journal', 'secret.key', 'postern.key'):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self.tmp, name))
        if os.path.isdir(self.maildir):
            for f in os.listdir(self.maildir):
                if f.endswith('.eml'):
                    os.unlink(os.path.join(self.maildir, f))

    def stop(self):
        self.dns_stop()
        _stop_process(self.mailer)
        self.mailer = None
        self._stop_lighttpd()
        self.smtp_stop()
        reports = self.breakage_reports()
        if self.own_sockdir and self.sockdir:
            shutil.rmtree(self.sockdir, ignore_errors=True)
        if self.own_tmp and self.tmp:
            if os.environ.get('POSTERN_KEEP'):
                sys.stderr.write('# POSTERN_KEEP: the test folder stays at '
                                 '%s\n' % self.tmp)
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
            self.own_tmp = False
        if reports:
            # Under `make asan` a report in a FastCGI program would
            # otherwise pass unseen: it fails the test that caused it.
            raise AssertionError('reports of breakage in the programs\' '
                                 'output:\n' + '\n'.join(reports[:40]))

    SANITIZER = re.compile(r'ERROR: (Address|Leak|Memory|Thread)Sanitizer|'
                           r'runtime error:|SUMMARY: \w+Sanitizer')
    # A template a program renders but does not list (struct program):
    # it still works, so only this line shows the list is short.
    UNLISTED = re.compile(r"templates: \S+ is not in this program's list")

    def breakage_reports(self):
        """Sanitizer lines, and unlisted templates, in the programs'
        stderr and the mailer's log."""
        if not self.tmp:
            return []
        text = _read(self.breakagelog) + _read(os.path.join(self.tmp,
                                                            'mailer.log'))
        return [ln for ln in text.splitlines()
                if self.SANITIZER.search(ln) or self.UNLISTED.search(ln)]

    def _env(self):
        env = dict(os.environ)
        env['POSTERN_CONF'] = self.conf_path
        # The programs log to stderr too, which lighttpd keeps in the
        # breakage log.
        env.setdefault('POSTERN_LOG_STDERR', '1')
        return env

    def path_of(self, url):
        """The path (and query) of a URL on this stack: a Location may
        be absolute or not."""
        if url is not None and url.startswith(self.base_url):
            return url[len(self.base_url):] or '/'
        return url

    def _write_conf(self):
        conf = {
            'base_url': self.base_url,
            'database': self.db_path,
            'templates': os.path.join(REPO, 'templates'),
            'static': os.path.join(REPO, 'static'),
            'mail_from': 'postern@example.org',
            'smtp_host': '127.0.0.1',
            'smtp_port': str(self.smtp_port),
            'smtp_starttls': 'off',
            'cookie_secure': 'off',
            # Everything runs as whoever runs the tests; postern init
            # makes its files as this user.
            'user': _pwd.getpwuid(os.geteuid()).pw_name,
        }
        if self.workdir:
            conf['secret_key_file'] = os.path.join(self.tmp, 'secret.key')
        for k, v in self.conf_overrides.items():
            if v is None:
                conf.pop(k, None)
            else:
                conf[k] = str(v)
        with open(self.conf_path, 'w') as f:
            f.write('# Written by tests/e2e/harness.py.\n')
            for k, v in conf.items():
                f.write('%s = %s\n' % (k, v))

    def lighttpd_conf(self):
        """The lighttpd configuration text for the programs that exist."""
        q = _lighttpd_string
        names = self.programs()
        static_dir = os.path.join(REPO, 'static').rstrip('/') + '/'
        lines = [
            '# Written by tests/e2e/harness.py.',
            'server.modules = ("mod_rewrite", "mod_alias", "mod_setenv",',
            '    "mod_fastcgi", "mod_accesslog")',
            'server.bind = "127.0.0.1"',
            'server.port = %d' % self.port,
            'server.document-root = %s' % q(os.path.join(self.tmp, 'docroot')),
            'server.errorlog = %s' % q(self.errorlog),
            'server.breakagelog = %s' % q(self.breakagelog),
            'accesslog.filename = %s' % q(os.path.join(self.tmp,
                                                       'access.log')),
            'server.upload-dirs = (%s)' % q(os.path.join(self.tmp, 'upload')),
            # No "Server: lighttpd/1.4.69" (DESIGN section 2).
            'server.tag = ""',
            'mimetype.assign = (',
            '    ".css" => "text/css; charset=utf-8",',
            '    ".js" => "text/javascript; charset=utf-8",',
            '    ".svg" => "image/svg+xml; charset=utf-8",',
            '    ".txt" => "text/plain; charset=utf-8",',
            '    ".html" => "text/html; charset=utf-8",',
            '    ".png" => "image/png",',
            '    ".ico" => "image/vnd.microsoft.icon",',
            '    ".woff2" => "font/woff2",',
            '    "" => "application/octet-stream",',
            ')',
            'alias.url = ("/static/" => %s)' % q(static_dir),
        ]
        # Static files get the headers the programs send themselves.
        lines.append('$HTTP["url"] =~ "^/static/" {')
        lines.append('    setenv.set-response-header = (')
        for k, v in SECURITY_HEADERS:
            lines.append('        %s => %s,' % (q(k), q(v)))
        lines.append('    )')
        if FALLBACK_PROGRAM in self.programs():
            # A missing file gets Postern's own 404 page: the program
            # sees the original REQUEST_URI, which it does not know.
            lines.append('    server.error-handler = "/%s/404"'
                         % FALLBACK_PROGRAM)
        lines.append('}')

        # Each pattern matches the whole URL, query included: $0 is
        # only what matched, and lighttpd takes QUERY_STRING from the
        # rewritten URL (REQUEST_URI stays as the browser sent it).
        rewrites = []
        for path, prog in EXTRA_PATHS.items():
            if prog in names:
                rewrites.append('"^/%s(?:[/?].*)?$" => "/%s$0"'
                                % (path, prog))
        if FALLBACK_PROGRAM in names:
            # rewrite-once stops at the first rule that matches: the
            # programs' own prefixes and /static/ map to themselves,
            # everything else goes to the fallback program.  The
            # prefixes match like fastcgi.server's do (no boundary).
            own = '|'.join(['static/'] + names +
                           [re.escape(p) for p in self.protected_paths()])
            rewrites.append('"^/(?:%s).*$" => "$0"' % own)
            rewrites.append('"^/.*$" => "/%s$0"' % FALLBACK_PROGRAM)
        if rewrites:
            lines.append('url.rewrite-once = (')
            lines.extend('    %s,' % r for r in rewrites)
            lines.append(')')

        if names:
            lines.append('fastcgi.server = (')
            for name in names:
                lines += [
                    '    "/%s" => ((' % name,
                    '        "bin-path" => %s,' % q(os.path.join(
                        BUILD, 'cgi-bin', name + '.fcgi')),
                    '        "socket" => %s,' % q(os.path.join(
                        self.sockdir, name + '.sock')),
                    '        "check-local" => "disable",',
                    '        "max-procs" => 1,',
                    '        "bin-environment" => ("POSTERN_CONF" => %s),'
                    % q(self.conf_path),
                    '    )),',
                ]
            lines.append(')')
        return '\n'.join(lines + self.extra_lighttpd()) + '\n'

    def protected_paths(self):
        """Path prefixes (without the leading slash) that are not
        Postern's and must not be rewritten to its 404 page."""
        return []

    def extra_lighttpd(self):
        """Lines added at the end of the lighttpd configuration."""
        return []

    def _write_lighttpd_conf(self):
        self.lighttpd_conf_path = os.path.join(self.tmp, 'lighttpd.conf')
        with open(self.lighttpd_conf_path, 'w') as f:
            f.write(self.lighttpd_conf())

    def _start_lighttpd(self):
        """Start lighttpd; True once the port answers, False if it
        exited (the caller looks at the log)."""
        for log in (self.errorlog, self.breakagelog):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(log)
        self.lighttpd_out = os.path.join(self.tmp, 'lighttpd.out')
        return self._launch_server(
            'lighttpd', [LIGHTTPD, '-D', '-f', self.lighttpd_conf_path],
            self._env(), self.tmp)

    def _launch_server(self, name, argv, env, cwd):
        """Start the web server (self.lighttpd, whichever it is) and wait
        until it answers: True, False when it exited (the caller may try
        another port), StartError when it never answered."""
        out = open(self.lighttpd_out, 'wb')
        self.lighttpd = subprocess.Popen(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, cwd=cwd, preexec_fn=_die_with_parent)
        out.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.lighttpd.poll() is not None:
                self.lighttpd = None
                return False
            if _http_answers(self.port):
                return True
            time.sleep(0.05)
        self._stop_lighttpd()
        self._print_logs('%s did not answer within %gs' % (name,
                                                           START_TIMEOUT))
        raise StartError('%s did not answer on port %d' % (name, self.port))

    def _stop_lighttpd(self):
        if self.lighttpd is None:
            return
        # lighttpd ends the programs it spawned, but a program stuck in
        # a request would outlive it: note them first, by pid and
        # command line, and end those still there afterwards.
        kids = _proc_children(self.lighttpd.pid)
        _stop_process(self.lighttpd)
        self.lighttpd = None
        deadline = time.monotonic() + 3
        for pid, cmd in kids.items():
            if _proc_alive(pid, cmd):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
        for pid, cmd in kids.items():
            while _proc_alive(pid, cmd) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _proc_alive(pid, cmd):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def _print_logs(self, why):
        out = sys.stderr
        out.write('# %s\n' % why)
        for title, path in (('lighttpd output', os.path.join(
                                 self.tmp, 'lighttpd.out')),
                            ('lighttpd error log', self.errorlog),
                            ('programs\' stderr (breakage log)',
                             self.breakagelog)):
            text = _read(path)
            out.write('# --- %s (%s) ---\n' % (title, path))
            for line in text.splitlines() or ['(empty)']:
                out.write('#   %s\n' % line)
        out.flush()

    def logs(self):
        """lighttpd's error log and the programs' stderr, for diagnostics."""
        return _read(self.errorlog) + _read(self.breakagelog)

    # -- the DNS server -- #

    def dns_set(self, txt):
        """(Re)start dnsmasq answering with the TXT records of txt, a
        dict of name -> value, or name -> list of values (one record
        each; dnsmasq answers them last first); every other name is
        refused."""
        self.dns_stop()
        conf = os.path.join(self.tmp, 'dnsmasq.conf')
        with open(conf, 'w') as f:
            f.write('port=%d\nlisten-address=127.0.0.1\nbind-interfaces\n'
                    'no-resolv\nno-hosts\n' % self.dns_port)
            for name, values in txt.items():
                if isinstance(values, str):
                    values = [values]
                for value in values:
                    f.write('txt-record=%s,"%s"\n' % (name, value))
        log = open(os.path.join(self.tmp, 'dnsmasq.log'), 'ab')
        self.dns_proc = subprocess.Popen(
            [DNSMASQ, '--keep-in-foreground', '--conf-file=' + conf,
             '--pid-file=', '--user=root', '--group=root'],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            preexec_fn=_die_with_parent)
        log.close()
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.dns_proc.poll() is not None:
                raise StartError('dnsmasq exited: ' + _read(os.path.join(
                    self.tmp, 'dnsmasq.log')))
            with open('/proc/net/udp') as f:
                if (':%04X ' % self.dns_port) in f.read():
                    return
            time.sleep(0.05)
        raise StartError('dnsmasq did not start listening')

    def dns_stop(self):
        if self.dns_proc is not None:
            _stop_process(self.dns_proc)
            self.dns_proc = None

    # -- the SMTP server -- #

    def smtp_start(self, mode='ok'):
        """Start the SMTP server (again, on the same port once it had one)."""
        if self.smtp_proc is not None:
            raise RuntimeError('the SMTP server is already running')
        port = self.smtp_port or 0
        err = open(os.path.join(self.tmp, 'smtpd.log'), 'ab')
        self.smtp_proc = subprocess.Popen(
            [PYTHON, SMTPD, '--port', str(port), '--maildir', self.maildir,
             '--mode', mode],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err,
            preexec_fn=_die_with_parent)
        err.close()
        line = self._readline_timeout(self.smtp_proc.stdout, 10)
        m = re.match(rb'ready (\d+)', line or b'')
        if not m:
            _stop_process(self.smtp_proc)
            self.smtp_proc = None
            raise StartError('tests/smtpd.py did not say "ready PORT" '
                             '(said %r); its log:\n%s' % (
                                 line, _read(os.path.join(self.tmp,
                                                          'smtpd.log'))))
        self.smtp_port = int(m.group(1))
        # Keep reading its stdout so it never blocks on a full pipe.
        proc = self.smtp_proc
        self._smtp_drain = threading.Thread(
            target=lambda: proc.stdout.read(), daemon=True)
        self._smtp_drain.start()

    @staticmethod
    def _readline_timeout(pipe, timeout):
        box = []
        t = threading.Thread(target=lambda: box.append(pipe.readline()),
                             daemon=True)
        t.start()
        t.join(timeout)
        return box[0] if box else None

    def smtp_stop(self):
        if self.smtp_proc is None:
            return
        _stop_process(self.smtp_proc)
        if self._smtp_drain is not None:
            self._smtp_drain.join(2)
        self.smtp_proc.stdout.close()
        self.smtp_proc = None

    # -- the admin command and the mail -- #

    def postern(self, *args, timeout=120, input=None):
        """Run $POSTERN_BUILD/bin/postern with this stack's configuration;
        input, when given, is its standard input (else none)."""
        io = dict(input=input) if input is not None else \
            dict(stdin=subprocess.DEVNULL)
        r = subprocess.run(
            self._as_run_user([os.path.join(BUILD, 'bin', 'postern')] +
                              [str(a) for a in args]),
            env=self._env(), capture_output=True, text=True,
            timeout=timeout, **io)
        if self.SANITIZER.search(r.stderr):
            raise AssertionError('sanitizer report from postern %s:\n%s'
                                 % (' '.join(map(str, args)), r.stderr))
        return r

    def _as_run_user(self, argv):
        """argv as the programs' user runs it (here: as it stands)."""
        return argv

    def mailer_once(self):
        """One delivery pass of `postern mailer --once`."""
        return self.postern('mailer', '--once')

    def mails(self):
        """Every mail the SMTP server kept, oldest first, as Mail objects."""
        out = []
        try:
            names = sorted(f for f in os.listdir(self.maildir)
                           if f.endswith('.eml'))
        except OSError:
            return out
        for name in names:
            with open(os.path.join(self.maildir, name), 'rb') as f:
                out.append(Mail(name, f.read()))
        return out

    def mails_to(self, addr):
        """The mails whose envelope recipients include addr."""
        addr = addr.lower()
        return [m for m in self.mails()
                if addr in (r.lower() for r in m.recipients)]

    def link_in(self, mail, path_prefix):
        """The line of the mail's body that is exactly a link starting
        with base_url + path_prefix, or None."""
        want = self.base_url + path_prefix
        for line in mail.body.splitlines():
            line = line.rstrip('\r')
            if line.startswith(want) and re.fullmatch(r'https?://\S+', line):
                return line
        return None

    def new_user(self, username, email, password=None, verify=True,
                 login=True):
        """Sign up through the pages, open the verification link from the
        real mail (verify) and log in (login); the client is returned."""
        password = password or DEFAULT_PASSWORD
        c = self.client()
        c.get('/signup')
        r = c.post('/signup', {'username': username, 'email': email,
                               'password': password})
        if r.status != 303:
            raise RuntimeError('signup of %s answered %d: %s' % (
                username, r.status, c.errors(r)))
        if verify:
            self.mailer_once()
            links = [self.link_in(m, '/verify?t=') for m in
                     self.mails_to(email)]
            links = [x for x in links if x]
            if not links:
                raise RuntimeError('no verification mail for %s' % email)
            token = links[-1].split('t=', 1)[1]
            c.get('/verify?t=' + token)
            r = c.post('/verify', {'t': token})
            if r.status != 303:
                raise RuntimeError('verify answered %d' % r.status)
        if login:
            c.get('/login')
            r = c.post('/login', {'username': username,
                                  'password': password})
            if r.status != 303:
                raise RuntimeError('login of %s answered %d: %s' % (
                    username, r.status, c.errors(r)))
        c.password = password
        return c

    # -- the database -- #

    def sql(self, query, *params):
        """Rows of a read-only query on the database file."""
        con = sqlite3.connect(self.db_path, timeout=10)
        try:
            con.execute('PRAGMA query_only = 1')
            return con.execute(query, params).fetchall()
        finally:
            con.close()

    def db_snapshot(self):
        """Every table's rows, sorted: equal snapshots mean nothing
        changed."""
        con = sqlite3.connect(self.db_path, timeout=10)
        try:
            con.execute('PRAGMA query_only = 1')
            con.execute('BEGIN')
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            snap = {}
            for t in tables:
                rows = con.execute('SELECT * FROM "%s"' % t.replace(
                    '"', '""')).fetchall()
                snap[t] = sorted(rows, key=repr)
            con.execute('COMMIT')
            return snap
        finally:
            con.close()

    def db_changes(self, before):
        """What changed since the snapshot before, one line a row
        ("+ table (row)" or "- table (row)"); [] when nothing did."""
        after = self.db_snapshot()
        out = []
        for t in sorted(set(before) | set(after)):
            a = before.get(t, [])
            b = after.get(t, [])
            if a == b:
                continue
            for row in a:
                if row not in b:
                    out.append('- %s %r' % (t, row))
            for row in b:
                if row not in a:
                    out.append('+ %s %r' % (t, row))
            if not out:
                out.append('~ %s: the same rows a different number of times'
                           % t)
        return out

    # -- HTTP -- #

    def client(self):
        """A browser-like client with its own cookie jar."""
        return Client(self)


def csp_directives(policy):
    """A Content-Security-Policy as {directive: value}."""
    out = {}
    for part in policy.split(';'):
        words = part.split()
        if words:
            out.setdefault(words[0].lower(), ' '.join(words[1:]))
    return out


def csp_covers(got, want):
    """got has every directive of want with the same value."""
    g = csp_directives(got)
    return all(g.get(k) == v for k, v in csp_directives(want).items())


def header_problems(resp):
    """What a response lacks of the headers DESIGN section 2 asks of
    every response, as a list of sentences ([] when nothing)."""
    out = []
    h = resp.headers
    for name, want in SECURITY_HEADERS:
        got = h.get_all(name)
        if name == 'Content-Security-Policy' and len(got) == 1:
            # Every directive DESIGN names, with its value; a directive
            # more only tightens the policy.
            if not csp_covers(got[0], want):
                out.append('%s is %r' % (name, got))
        elif got != [want]:
            out.append('%s is %r' % (name, got))
    ctype = h.get('Content-Type', '')
    if not re.search(r';\s*charset=utf-8\s*$', ctype, re.I):
        out.append('Content-Type is %r' % ctype)
    server = h.get('Server')
    if server is not None and re.search(r'\d', server):
        out.append('Server is %r' % server)
    path = resp.path.split('?')[0]
    if not path.startswith('/static/'):
        # The programs' own responses: never cached, never framed (the
        # second for browsers older than frame-ancestors).
        if 'no-store' not in h.get('Cache-Control', ''):
            out.append('Cache-Control is %r' % h.get('Cache-Control'))
        if h.get_all('X-Frame-Options') != ['DENY']:
            out.append('X-Frame-Options is %r' % h.get_all('X-Frame-Options'))
    return ['%s %s (%d): %s' % (resp.method, resp.path, resp.status, p)
            for p in out]


class Mail:
    """One stored mail: msg (an email.message.EmailMessage), recipients
    (the envelope's RCPT TO addresses), subject, body (text)."""

    def __init__(self, name, raw):
        self.name = name
        self.raw = raw
        self.msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.recipients = self._envelope_recipients()
        self.subject = str(self.msg.get('Subject', ''))
        part = self.msg.get_body(('plain',)) if self.msg.is_multipart() \
            else self.msg
        try:
            self.body = part.get_content()
        except (KeyError, LookupError, AttributeError):
            payload = part.get_payload(decode=True) or b''
            self.body = payload.decode('utf-8', 'replace')

    def _envelope_recipients(self):
        # tests/smtpd.py adds the envelope recipients as the first line,
        # "X-Postern-Rcpt: a@b, c@d".
        for h in ('X-Postern-Rcpt',):
            vals = self.msg.get_all(h)
            if vals:
                out = []
                for v in vals:
                    out += [a.strip().strip('<>') for a in str(v).split(',')
                            if a.strip()]
                return out
        return []

    def __getitem__(self, name):
        return self.msg[name]

    def __repr__(self):
        return '<Mail %s to %s: %r>' % (self.name, self.recipients,
                                        self.subject)


# ------------------------------------------------------------------ #
# HTTP client.


class Headers:
    """Response headers: case-insensitive look-up of the first value
    (headers['content-type']), get_all(name), and items() in order."""

    def __init__(self, pairs):
        self.pairs = list(pairs)

    def get_all(self, name):
        name = name.lower()
        return [v for k, v in self.pairs if k.lower() == name]

    def get(self, name, default=None):
        vals = self.get_all(name)
        return vals[0] if vals else default

    def __getitem__(self, name):
        vals = self.get_all(name)
        if not vals:
            raise KeyError(name)
        return vals[0]

    def __contains__(self, name):
        return bool(self.get_all(name))

    def items(self):
        return list(self.pairs)

    def __repr__(self):
        return repr(self.pairs)


class Response:
    def __init__(self, method, path, status, reason, pairs, body):
        self.method = method
        self.path = path
        self.status = status
        self.reason = reason
        self.headers = Headers(pairs)
        self.header_list = list(pairs)
        self.body = body
        self.text = body.decode('utf-8', 'replace')

    @property
    def location(self):
        return self.headers.get('Location')

    @property
    def is_html(self):
        return self.headers.get('Content-Type', '').lower().startswith(
            'text/html')

    def set_cookie(self, name):
        """The attributes of this response's Set-Cookie for name, as a
        dict with 'value' and lower-case attribute names, or None."""
        found = None
        for v in self.headers.get_all('Set-Cookie'):
            c = parse_set_cookie(v)
            if c and c['name'] == name:
                found = c
        return found

    def __repr__(self):
        return '<Response %s %s: %d>' % (self.method, self.path, self.status)


def parse_set_cookie(value):
    parts = [p.strip() for p in value.split(';')]
    if not parts or '=' not in parts[0]:
        return None
    name, _, val = parts[0].partition('=')
    c = {'name': name.strip(), 'value': val.strip()}
    for p in parts[1:]:
        k, eq, v = p.partition('=')
        c[k.strip().lower()] = v.strip() if eq else True
    return c


class Client:
    """
    A browser without JavaScript: it keeps cookies, never follows
    redirects, and remembers the csrf token of the last HTML page it
    fetched so post() can send it the way the form would.
    """

    def __init__(self, stack):
        self.stack = stack
        self.cookies = {}
        self.csrf = None
        self.last = None
        # What the person behind the browser knows, for the proof R8
        # asks for with every change to the ways in (proof()).
        self.password = None
        self.auth = None
        self.user_agent = 'postern-e2e/1'

    def cookie(self, name='postern'):
        return self.cookies.get(name)

    def request(self, method, path, body=None, headers=None):
        h = {'Host': '127.0.0.1:%d' % self.stack.port,
             'User-Agent': self.user_agent,
             'Accept': 'text/html'}
        if self.cookies:
            h['Cookie'] = '; '.join('%s=%s' % kv for kv in
                                    self.cookies.items())
        if body is not None:
            h['Content-Type'] = 'application/x-www-form-urlencoded'
        for k, v in (headers or {}).items():
            for old in [x for x in h if x.lower() == k.lower()]:
                del h[old]
            if v is not None:
                h[k] = v
        if isinstance(body, str):
            body = body.encode('utf-8')
        conn = http.client.HTTPConnection('127.0.0.1', self.stack.port,
                                          timeout=60)
        try:
            conn.putrequest(method, path, skip_host=True,
                            skip_accept_encoding=True)
            for k, v in h.items():
                conn.putheader(k, v)
            if body is not None:
                conn.putheader('Content-Length', str(len(body)))
            conn.endheaders(body)
            r = conn.getresponse()
            data = r.read()
            resp = Response(method, path, r.status, r.reason,
                            r.getheaders(), data)
        finally:
            conn.close()
        self._keep_cookies(resp)
        self.stack.responses.append(resp)
        if resp.is_html and method != 'HEAD':
            self.last = resp
            token = self.form_values(resp).get('csrf')
            if token is not None:
                self.csrf = token
        return resp

    def _keep_cookies(self, resp):
        for v in resp.headers.get_all('Set-Cookie'):
            c = parse_set_cookie(v)
            if c is None:
                continue
            gone = c['value'] == '' or c.get('max-age') in ('0', '-1')
            if not gone and isinstance(c.get('expires'), str):
                try:
                    gone = email.utils.parsedate_to_datetime(
                        c['expires']).timestamp() < time.time()
                except (TypeError, ValueError):
                    pass
            if gone:
                self.cookies.pop(c['name'], None)
            else:
                self.cookies[c['name']] = c['value']

    def get(self, path, headers=None):
        return self.request('GET', path, headers=headers)

    def post(self, path, fields=(), csrf=True, headers=None, raw_body=None):
        """POST a form.  fields is a dict or a list of pairs (a name may
        repeat).  csrf=True adds the token of the last page unless the
        fields have one.  raw_body is sent exactly as given instead
        (no csrf added)."""
        if raw_body is not None:
            body = raw_body
        else:
            pairs = list(fields.items()) if isinstance(fields, dict) \
                else list(fields)
            if csrf and not any(k == 'csrf' for k, _ in pairs):
                if self.csrf is None:
                    raise RuntimeError('post(csrf=True) before any page '
                                       'with a csrf field was fetched')
                pairs.append(('csrf', self.csrf))
            body = urllib.parse.urlencode(pairs)
        return self.request('POST', path, body=body, headers=headers)

    # -- reading pages -- #

    @staticmethod
    def form_values(resp):
        """name -> value of the page's inputs, textareas and selects
        (the first of a repeated name)."""
        p = _PageParser()
        p.feed(resp.text)
        p.close()
        out = {}
        for form in p.forms + [p.loose]:
            for name, _type, value in form['fields']:
                out.setdefault(name, value)
        return out

    @staticmethod
    def forms(resp):
        """The page's forms: dicts with method, action, fields (a list
        of (name, type, value)) and buttons (a list of their texts)."""
        p = _PageParser()
        p.feed(resp.text)
        p.close()
        return p.forms

    @staticmethod
    def errors(resp):
        """Texts of the elements whose class list has "error"."""
        p = _PageParser()
        p.feed(resp.text)
        p.close()
        return [t for t in p.errors]

    @staticmethod
    def heading(resp):
        """The text of the page's first h1 ('' without one)."""
        p = _PageParser()
        p.feed(resp.text)
        p.close()
        return p.h1 or ''

    @staticmethod
    def links(resp):
        """The href of every a element."""
        p = _PageParser()
        p.feed(resp.text)
        p.close()
        return p.links

    @staticmethod
    def text_of(resp):
        """The page's visible text with runs of white space folded."""
        p = _PageParser()
        p.feed(resp.text)
        p.close()
        return ' '.join(''.join(p.text).split())


_VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link',
         'meta', 'source', 'track', 'wbr'}


# Elements that separate words in the text a person sees.
_SPACED = {'br', 'p', 'div', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'h1', 'h2',
           'h3', 'section', 'header', 'main', 'nav', 'form', 'label'}


class _PageParser(html.parser.HTMLParser):
    """Just enough of a page for the tests: forms and their fields,
    elements of class "error", the first h1, links and visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.loose = {'method': None, 'action': None, 'fields': [],
                      'buttons': []}
        self.form = None
        self.stack = []         # open elements: [tag, capture list or None]
        self.errors = []
        self.h1 = None
        self.links = []
        self.text = []
        self.textarea = None
        self.select = None
        self.button = None
        self.skip = 0           # inside script/style

    def _fields(self):
        return (self.form or self.loose)['fields']

    def handle_starttag(self, tag, attrs):
        a = {}
        for k, v in attrs:
            a.setdefault(k, v if v is not None else '')
        classes = a.get('class', '').split()
        if tag == 'form':
            self.form = {'method': a.get('method', 'get').lower(),
                         'action': a.get('action'), 'fields': [],
                         'buttons': []}
            self.forms.append(self.form)
        elif tag == 'input' and 'name' in a:
            t = a.get('type', 'text').lower()
            if t not in ('checkbox', 'radio') or 'checked' in a:
                self._fields().append((a['name'], t, a.get('value', '')))
            if t == 'submit':
                (self.form or self.loose)['buttons'].append(
                    a.get('value', ''))
        elif tag == 'input' and a.get('type', '').lower() == 'submit':
            (self.form or self.loose)['buttons'].append(a.get('value', ''))
        elif tag == 'textarea' and 'name' in a:
            self.textarea = [a['name'], []]
        elif tag == 'select' and 'name' in a:
            self.select = [a['name'], None, None]   # name, first, selected
        elif tag == 'option' and self.select is not None:
            v = a.get('value', '')
            if self.select[1] is None:
                self.select[1] = v
            if 'selected' in a:
                self.select[2] = v
        elif tag == 'button':
            self.button = []
            if 'name' in a and a.get('type', 'submit') == 'submit':
                self._fields().append((a['name'], 'button',
                                       a.get('value', '')))
        elif tag == 'a' and 'href' in a:
            self.links.append(a['href'])
        if tag in ('script', 'style'):
            self.skip += 1
        if tag in _SPACED:
            self.handle_data(' ')
        if tag in _VOID:
            return
        capture = [] if 'error' in classes else None
        if tag == 'h1' and self.h1 is None:
            capture = capture if capture is not None else []
            self.stack.append([tag, capture, 'h1'])
        else:
            self.stack.append([tag, capture, 'error' if capture is not None
                               else None])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in ('script', 'style') and self.skip:
            self.skip -= 1
        if tag == 'form':
            self.form = None
        elif tag == 'textarea' and self.textarea is not None:
            self._fields().append((self.textarea[0], 'textarea',
                                   ''.join(self.textarea[1])))
            self.textarea = None
        elif tag == 'select' and self.select is not None:
            v = self.select[2] if self.select[2] is not None \
                else self.select[1]
            self._fields().append((self.select[0], 'select', v or ''))
            self.select = None
        elif tag == 'button' and self.button is not None:
            (self.form or self.loose)['buttons'].append(
                ' '.join(''.join(self.button).split()))
            self.button = None
        if tag in _VOID:
            return
        # Close up to the matching element (HTML lets some end tags be
        # left out).
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for el in self.stack[i:][::-1]:
                    self._close(el)
                del self.stack[i:]
                break

    def _close(self, el):
        _tag, capture, kind = el
        if capture is None:
            return
        text = ' '.join(''.join(capture).split())
        if kind == 'h1':
            self.h1 = text
        else:
            self.errors.append(text)

    def handle_data(self, data):
        if self.skip:
            return
        self.text.append(data)
        if self.textarea is not None:
            self.textarea[1].append(data)
        if self.button is not None:
            self.button.append(data)
        for el in self.stack:
            if el[1] is not None:
                el[1].append(data)

    def close(self):
        super().close()
        for el in self.stack[::-1]:
            self._close(el)
        self.stack = []


# ------------------------------------------------------------------ #
# TAP.


class Tap:
    """
    A small Test Anything Protocol printer for prove.  Failures print
    what was got and expected as '#' lines on stderr, like Test::More.
    """

    def __init__(self):
        self.n = 0
        self.failed = 0
        sys.stdout.reconfigure(line_buffering=True)

    def diag(self, msg):
        for line in str(msg).splitlines() or ['']:
            sys.stderr.write('# %s\n' % line)
        sys.stderr.flush()

    def note(self, msg):
        for line in str(msg).splitlines() or ['']:
            print('# %s' % line)

    def skip(self, why):
        """One test not run, counted as TAP "ok # skip"."""
        self.n += 1
        print('ok %d # skip %s' % (self.n, ' '.join(str(why).split())))

    def ok(self, cond, name, diag=None):
        self.n += 1
        name = ' '.join(str(name).split()).replace('#', '\\#')
        if cond:
            print('ok %d - %s' % (self.n, name))
        else:
            self.failed += 1
            print('not ok %d - %s' % (self.n, name))
            here = os.path.abspath(__file__)
            caller = [f for f in traceback.extract_stack()
                      if os.path.abspath(f.filename) != here][-1]
            self.diag('  Failed test %r\n  at %s line %d.' % (
                name, os.path.basename(caller.filename), caller.lineno))
            if diag is not None:
                self.diag(diag)
        return bool(cond)

    def is_(self, got, want, name):
        if got == want:
            return self.ok(True, name)
        return self.ok(False, name, '         got: %s\n    expected: %s' % (
            _show(got), _show(want)))

    def isnt(self, got, unwanted, name):
        if got != unwanted:
            return self.ok(True, name)
        return self.ok(False, name, '         got: %s\n    expected: '
                       'anything else' % _show(got))

    def like(self, text, regex, name):
        if text is not None and re.search(regex, str(text)):
            return self.ok(True, name)
        return self.ok(False, name, '                  %s\n    doesn\'t '
                       'match %r' % (_show(text), regex))

    def unlike(self, text, regex, name):
        if text is None or not re.search(regex, str(text)):
            return self.ok(True, name)
        return self.ok(False, name, '                  %s\n    matches '
                       '%r' % (_show(text), regex))

    def fail_with_exception(self, name):
        """A not ok for an exception, with its traceback as diagnostics."""
        self.ok(False, '%s: raised %s' % (name, sys.exc_info()[0].__name__),
                traceback.format_exc())

    @contextlib.contextmanager
    def story(self, name):
        """Run one story; an exception inside is a failed test and the
        next story still runs."""
        self.note(name)
        try:
            yield
        except Exception:
            self.fail_with_exception(name)

    def done(self):
        print('1..%d' % self.n)
        if self.n == 0:
            self.diag('No tests run!')
            sys.exit(255)
        if self.failed:
            self.diag('Looks like you failed %d test%s of %d.' % (
                self.failed, '' if self.failed == 1 else 's', self.n))
            sys.exit(min(self.failed, 254))
        sys.exit(0)

    def run(self, main):
        """main() then done(); an exception is a failed test."""
        _term_raises()
        try:
            main()
        except Exception:
            self.fail_with_exception(getattr(main, '__name__', 'main'))
        except KeyboardInterrupt:
            self.ok(False, 'interrupted')
        self.done()


def _show(v):
    s = repr(v)
    if len(s) > 2000:
        s = s[:2000] + '...'
    return s


def _term_raises():
    """SIGTERM unwinds like Ctrl-C, so the stack is torn down."""
    def handler(signum, frame):
        raise KeyboardInterrupt('signal %d' % signum)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


# ------------------------------------------------------------------ #
# make run.

# The administrator of a local instance: receives the admin half of
# every recovery kit (R6) in the same mail folder.
DEV_ADMIN = 'hoster@postern.test'


def dev_stack(port, workdir, mailer=True):
    """The instance `make run` serves (not started yet).  Phones and
    recovery kits work out of the box: text messages go to a log beside
    the mail folder, and the admin half of a kit is mailed like any
    other mail, to DEV_ADMIN.  mailer: run `postern mailer` in the
    background (a test delivers by itself instead)."""
    return Stack(_port=port, _dir=workdir, _mailer=mailer, _fresh=True,
                 sms_command=SMS_CAPTURE, admin_email=DEV_ADMIN)


def serve(argv):
    ap = argparse.ArgumentParser(
        prog='harness.py serve',
        description='Serve Postern locally with a mail folder until Ctrl-C.')
    ap.add_argument('--port', type=int, default=8080)
    ap.add_argument('--dir', default='run')
    ap.add_argument('--dns-server', help='host:port for domain look-ups')
    args = ap.parse_args(argv)
    _term_raises()
    stack = dev_stack(args.port, args.dir)
    if args.dns_server:
        stack.conf_overrides['dns_server'] = args.dns_server
    try:
        stack.start()
    except StartError as e:
        stack.stop()
        sys.stderr.write('postern: %s\n' % e)
        return 1
    except KeyboardInterrupt:
        stack.stop()
        return 1
    try:
        print('Postern is running at %s/ (sign up at %s/signup)' % (
            stack.base_url, stack.base_url))
        print('Mails it sends are kept in %s' % stack.maildir)
        print('Text messages (SMS) it sends are kept in %s' %
              sms_log(stack))
        print('Recovery kits mail their admin half to %s' % DEV_ADMIN)
        print('Logs: %s, %s' % (stack.errorlog, stack.breakagelog))
        print('Ctrl-C stops everything.', flush=True)
        while True:
            time.sleep(0.5)
            if stack.lighttpd is None or stack.lighttpd.poll() is not None:
                stack.lighttpd = None
                stack._print_logs('lighttpd stopped')
                return 1
            for name, proc in (('the SMTP server', stack.smtp_proc),
                               ('postern mailer', stack.mailer)):
                if proc is not None and proc.poll() is not None:
                    sys.stderr.write('postern: %s stopped (status %d); see '
                                     '%s\n' % (name, proc.returncode,
                                               stack.tmp))
                    return 1
    except KeyboardInterrupt:
        print('\nStopping.', flush=True)
        return 0
    finally:
        # Ctrl-C reaches every process of the group, some twice: a second
        # signal must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()


if __name__ == '__main__':
    if len(sys.argv) >= 2 and sys.argv[1] == 'serve':
        sys.exit(serve(sys.argv[2:]))
    sys.stderr.write('usage: harness.py serve [--port N] [--dir DIR]\n'
                     '(tests import it as a module)\n')
    sys.exit(2)


# ------------------------------------------------------------------ #
# Helpers for the contacts, two-step verification and activity tests
# (issue 4).  Additions only: nothing above depends on them.

import base64 as _base64
import hashlib as _hashlib
import hmac as _hmac
import json as _json
import struct as _struct

# The test sms_command: it appends what it gets to sms_log(stack).
SMS_CAPTURE = os.path.join(REPO, 'tests', 'sms-capture')

# A one-time code of a mail or SMS: a line that is exactly 8 digits.
CODE_LINE = re.compile(r'^\s*(\d{8})\s*$', re.M)

# A recovery code or kit half: groups of 4 base32 characters joined by -.
GROUPS = r'[A-Z2-7]{4}(?:-[A-Z2-7]{4})+'


def totp(secret_b32, t=None, step=None):
    """The RFC 6238 code (HMAC-SHA-1, 6 digits, 30-second steps) of the
    base32 secret (spaces and case ignored) at time t (default now), or
    at the time step step."""
    key = ''.join(secret_b32.split()).upper().replace('-', '')
    key = _base64.b32decode(key + '=' * (-len(key) % 8))
    if step is None:
        step = int((time.time() if t is None else t) // 30)
    mac = _hmac.new(key, _struct.pack('>Q', step), _hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    n = _struct.unpack('>I', mac[off:off + 4])[0] & 0x7FFFFFFF
    return '%06d' % (n % 1000000)


def totp_secret_bytes(secret_b32):
    """The raw secret of a base32 text (spaces and case ignored)."""
    key = ''.join(secret_b32.split()).upper()
    return _base64.b32decode(key + '=' * (-len(key) % 8))


def sms_log(stack):
    """Where tests/sms-capture writes: $POSTERN_SMS_LOG, or sms.log next
    to the stack's configuration file."""
    return os.environ.get('POSTERN_SMS_LOG') or \
        os.path.join(os.path.dirname(stack.conf_path), 'sms.log')


def sms_messages(stack, to=None):
    """Every SMS tests/sms-capture received, oldest first, as dicts with
    'to' (its one argument), 'argv' (all its arguments) and 'text' (its
    standard input); only those to the number to when given."""
    out = []
    try:
        with open(sms_log(stack), 'r', encoding='utf-8') as f:
            for line in f:
                if line.strip():
                    out.append(_json.loads(line))
    except FileNotFoundError:
        pass
    if to is not None:
        out = [m for m in out if m.get('to') == to]
    return out


def codes_in(text):
    """The one-time codes of a mail body or SMS text: every line that is
    exactly 8 digits."""
    return CODE_LINE.findall(text or '')


def code_in(text):
    """The last one-time code in text, or None."""
    found = codes_in(text)
    return found[-1] if found else None


def db_write(stack, query, *params):
    """Run one writing statement on the database (for tests that set up
    time, such as an expired code); the number of rows it changed."""
    con = sqlite3.connect(stack.db_path, timeout=10)
    try:
        cur = con.execute(query, params)
        con.commit()
        return cur.rowcount
    finally:
        con.close()


def keeps_typed(tap, client, resp, story, kept):
    """The form on resp shows again the values in kept ({field: value}),
    but never a password."""
    for name, value in kept.items():
        tap.is_(client.form_values(resp).get(name), value,
                '%s: the form keeps the %s typed' % (story, name))
    tap.is_(client.form_values(resp).get('password', ''), '',
            '%s: but not the password' % story)


def found_in_db(snapshot, needle, skip=()):
    """Where needle (str, or bytes) occurs in a db_snapshot(): text
    cells that contain it (as text) and blob cells that contain it (as
    bytes), as 'table (row)' lines."""
    b = needle if isinstance(needle, bytes) else needle.encode('utf-8')
    s = needle if isinstance(needle, str) else None
    found = []
    for table, rows in snapshot.items():
        if table in skip:
            continue
        for row in rows:
            for cell in row:
                if (isinstance(cell, str) and s is not None and s in cell) \
                        or (isinstance(cell, bytes) and b in cell):
                    found.append('%s %r' % (table, row))
                    break
    return found


def session_row(stack, client):
    """The sessions row of the client's cookie as a dict (the database
    keeps the BLAKE2b-256 hash of the cookie), or None."""
    cookie = client.cookie('postern')
    if not cookie:
        return None
    h = _hashlib.blake2b(cookie.encode('ascii'), digest_size=32).digest()
    con = sqlite3.connect(stack.db_path, timeout=10)
    try:
        con.execute('PRAGMA query_only = 1')
        con.row_factory = sqlite3.Row
        row = con.execute('SELECT * FROM sessions WHERE token_hash = ?',
                          (h,)).fetchone()
        return dict(row) if row is not None else None
    finally:
        con.close()


def account_id(stack, username):
    rows = stack.sql('SELECT id FROM accounts WHERE username = ?', username)
    return rows[0][0] if rows else None


def events_of(stack, username, kind=None):
    """(kind, detail) of the account's events, oldest first."""
    q = 'SELECT e.kind, e.detail FROM events e JOIN accounts a ON ' \
        'a.id = e.account_id WHERE a.username = ?'
    args = [username]
    if kind is not None:
        q += ' AND e.kind = ?'
        args.append(kind)
    return stack.sql(q + ' ORDER BY e.seq', *args)


class _ElementText(html.parser.HTMLParser):
    """The text of the first element with a given id, and the raw start
    tags of the page."""

    def __init__(self, want_id):
        super().__init__(convert_charrefs=True)
        self.want = want_id
        self.stack = []         # [tag, capturing]
        self.parts = None
        self.done = False

    def handle_starttag(self, tag, attrs):
        a = dict((k, v or '') for k, v in attrs)
        hit = not self.done and self.parts is None and \
            a.get('id') == self.want
        if hit:
            self.parts = []
        if tag in _VOID:
            if hit:
                self.done = True
            return
        self.stack.append([tag, hit])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                if any(c for _t, c in self.stack[i:]):
                    self.done = True
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.parts is not None and not self.done:
            self.parts.append(data)


def element_text(resp, element_id):
    """The text of the page's element with the given id, white space
    folded, or None when there is no such element."""
    p = _ElementText(element_id)
    p.feed(resp.text)
    p.close()
    if p.parts is None:
        return None
    return ' '.join(''.join(p.parts).split())


class _Blocks(html.parser.HTMLParser):
    """Texts of the elements that make one row of a list or table."""

    TAGS = ('li', 'tr', 'article', 'section', 'div', 'fieldset', 'dd',
            'p', 'form', 'table', 'ul', 'ol', 'dl')

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []         # [tag, parts or None, index in out]
        self.out = []           # [tag, text] in document order
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ('script', 'style'):
            self.skip += 1
        if tag in _VOID:
            return
        if tag in self.TAGS:
            self.out.append([tag, None])
            self.stack.append([tag, [], len(self.out) - 1])
        else:
            self.stack.append([tag, None, None])

    def handle_endtag(self, tag):
        if tag in ('script', 'style') and self.skip:
            self.skip -= 1
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for el in self.stack[i:]:
                    self._close(el)
                del self.stack[i:]
                break

    def _close(self, el):
        if el[1] is not None:
            self.out[el[2]][1] = ' '.join(''.join(el[1]).split())

    def handle_data(self, data):
        if self.skip:
            return
        for el in self.stack:
            if el[1] is not None:
                el[1].append(data + ' ')

    def close(self):
        super().close()
        for el in self.stack:
            self._close(el)
        self.stack = []


def blocks(resp, tags=None):
    """(tag, text) of the page's block elements (li, tr, div, section,
    ...) in document order; only those of tags when given."""
    p = _Blocks()
    p.feed(resp.text)
    p.close()
    return [(t, x or '') for t, x in p.out if tags is None or t in tags]


def row_with(resp, needle, tags=('li', 'tr', 'article', 'section', 'div',
                                 'fieldset', 'dd', 'p')):
    """The text of the smallest row-like element whose text contains
    needle (case-insensitive), or None."""
    n = needle.lower()
    found = [x for t, x in blocks(resp, tags) if n in x.lower()]
    return min(found, key=len) if found else None


def forms_to(client, resp, path):
    """The page's POST forms whose action ends with path (query
    ignored), each as a dict with 'fields' made a dict too."""
    out = []
    for f in client.forms(resp):
        action = (f['action'] or '').split('?')[0]
        if f['method'] == 'post' and action.endswith(path):
            g = dict(f)
            g['values'] = {}
            for name, _t, value in f['fields']:
                g['values'].setdefault(name, value)
            out.append(g)
    return out


def input_attrs(resp, name):
    """The attributes of the first input (or textarea) named name, as a
    dict, or None."""
    class P(html.parser.HTMLParser):
        found = None

        def handle_starttag(self, tag, attrs):
            a = dict((k, v if v is not None else '') for k, v in attrs)
            if self.found is None and tag in ('input', 'textarea') and \
                    a.get('name') == name:
                self.found = a
    p = P(convert_charrefs=True)
    p.feed(resp.text)
    p.close()
    return p.found


def crashes(stack):
    """Lines of the logs that tell of a crash or a sanitizer report."""
    return [ln for ln in stack.logs().splitlines()
            if re.search(r'(?i)sanitizer|runtime error|segfault|'
                         r'child exited|child signaled', ln)]


class Deliveries:
    """What reached people since the last look: deliver() runs one
    `postern mailer --once` and returns the mails and SMS that arrived
    since the previous call (or since this object was made)."""

    def __init__(self, stack):
        self.stack = stack
        self.mail_seen = len(stack.mails())
        self.sms_seen = len(sms_messages(stack))
        self.last_run = None

    def deliver(self):
        self.last_run = self.stack.mailer_once()
        mails = self.stack.mails()
        sms = sms_messages(self.stack)
        new_mails, new_sms = mails[self.mail_seen:], sms[self.sms_seen:]
        self.mail_seen, self.sms_seen = len(mails), len(sms)
        return new_mails, new_sms

    @staticmethod
    def to(items, who):
        """The mails (Mail) or SMS (dict) of items addressed to who."""
        who = who.lower()
        out = []
        for m in items:
            if isinstance(m, dict):
                if m.get('to') == who:
                    out.append(m)
            elif who in (r.lower() for r in m.recipients):
                out.append(m)
        return out


# ------------------------------------------------------------------ #
# Helpers for the password reset tests (issue 5).  Additions only:
# nothing above depends on them.

# A link token: 32 random bytes in base64url.
TOKEN = r'[A-Za-z0-9_-]{43}'


def from_ip(client, ip):
    """Make every request of client arrive as if from ip, through an
    X-Forwarded-For header (the stack needs trusted_proxies =
    127.0.0.1); per-IP limits then count each person apart.  Returns
    the client."""
    plain = client.request

    def request(method, path, body=None, headers=None):
        h = {'X-Forwarded-For': ip}
        h.update(headers or {})
        return plain(method, path, body=body, headers=h)
    client.request = request
    return client


def ask_reset(client, username):
    """Open /reset and ask for codes for username (as typed)."""
    client.get('/reset')
    return client.post('/reset', {'username': username})


def prove_reset(client, username, codes, password, fresh_page=True):
    """POST /reset/prove with username, one code field per code (in
    order) and the new password; the form is opened first (fresh_page)
    so the csrf token is the page's."""
    if fresh_page:
        client.get('/reset/prove?username=' +
                   urllib.parse.quote(username, safe=''))
    pairs = [('username', username)] + [('code', c) for c in codes] + \
        [('password', password)]
    return client.post('/reset/prove', pairs)


def try_login(stack, username, password, ip=None):
    """A new browser that logs in: (client, response).  303 to /account
    (or /login/2fa) when the password is right."""
    c = stack.client()
    if ip:
        from_ip(c, ip)
    c.get('/login')
    return c, c.post('/login', {'username': username, 'password': password})


def password_works(stack, username, password, ip=None):
    """The password is accepted at /login (a 303 to /account or
    /login/2fa)."""
    _c, r = try_login(stack, username, password, ip)
    return r.status == 303 and (stack.path_of(r.location) or '') in (
        '/account', '/login/2fa')


def message_text(m):
    """The text of a Mail (subject and body) or an SMS (a dict)."""
    return m['text'] if isinstance(m, dict) else \
        '%s\n%s' % (m.subject, m.body)


def links_in(stack, m, path_prefix):
    """The lines of a mail body or an SMS text that are exactly a link
    starting with base_url + path_prefix."""
    want = stack.base_url + path_prefix
    text = m['text'] if isinstance(m, dict) else m.body
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(want) and re.fullmatch(r'https?://\S+', line):
            out.append(line)
    return out


def token_of(link):
    """The t= of a link, or None."""
    if not link:
        return None
    q = urllib.parse.urlsplit(link).query
    vals = urllib.parse.parse_qs(q).get('t')
    return vals[0] if vals else None


def contact_id_of(stack, username, value):
    """The id of the account's contact with value, or None."""
    rows = stack.sql('SELECT c.id FROM contacts c JOIN accounts a ON '
                     'a.id = c.account_id WHERE a.username = ? AND '
                     'c.value = ?', username, value)
    return rows[0][0] if rows else None


def proof(client, fields=None):
    """fields (a dict) with the proof R8 asks for with every change to
    the ways into an account: the client's password, and a code from its
    authenticator when it has turned 2FA on."""
    out = dict(fields or {})
    out['password'] = client.password
    if client.auth is not None:
        out['code'] = client.auth.next()
    return out


def add_verified_contact(stack, post, client, username, kind, value):
    """Add a recovery contact through /contacts and verify it with the
    code it gets (value: an address, or a number in E.164); post is a
    Deliveries."""
    client.get('/contacts')
    r = client.post('/contacts', proof(client, {'kind': kind,
                                                 'value': value}))
    if r.status != 303:
        raise RuntimeError('adding %s answered %d: %s' % (
            value, r.status, client.errors(r)))
    mails, sms = post.deliver()
    got = Deliveries.to(sms if kind == 'phone' else mails, value)
    code = code_in(message_text(got[-1])) if got else None
    r = client.post('/contacts/verify', {
        'id': contact_id_of(stack, username, value), 'code': code})
    if r.status != 303:
        raise RuntimeError('verifying %s answered %d: %s' % (
            value, r.status, client.errors(r)))
    post.deliver()


ESTABLISHED = 2 * 86400


def age_account(stack, username, seconds=ESTABLISHED):
    """Move every time R9 weighs back by seconds, as if the account and
    its ways in (primary address, contacts, recovery code, kit,
    authenticator) had existed that much longer.  Sessions keep their
    times: they began when they began."""
    for q in ('UPDATE accounts SET created_at = created_at - ?1, '
              'email_since = CASE WHEN email_since = 0 THEN 0 ELSE '
              'email_since - ?1 END, email_verified_at = CASE WHEN '
              'email_verified_at = 0 THEN 0 ELSE email_verified_at - ?1 '
              'END, recovery_code_at = CASE WHEN recovery_code_at = 0 '
              'THEN 0 ELSE recovery_code_at - ?1 END, kit_at = CASE WHEN '
              'kit_at = 0 THEN 0 ELSE kit_at - ?1 END, totp_enabled_at = '
              'CASE WHEN totp_enabled_at = 0 THEN 0 ELSE totp_enabled_at '
              '- ?1 END WHERE username = ?2',
              'UPDATE contacts SET created_at = created_at - ?1, '
              'verified_at = CASE WHEN verified_at = 0 THEN 0 ELSE '
              'verified_at - ?1 END WHERE account_id = (SELECT id FROM '
              'accounts WHERE username = ?2)'):
        db_write(stack, q, seconds, username)


def person(stack, post, username, primary, emails=(), phones=(),
           established=True):
    """A verified account, logged in, with verified recovery addresses
    and phones (E.164); everything sent so far delivered.  An
    established one (the default) has had them for two days, so each
    can prove a reset (R9)."""
    c = stack.new_user(username, primary)
    post.deliver()
    for e in emails:
        add_verified_contact(stack, post, c, username, 'email', e)
    for p in phones:
        add_verified_contact(stack, post, c, username, 'phone', p)
    if established:
        age_account(stack, username)
    return c


def reset_states(stack, username):
    """The states of the account's resets, oldest first."""
    return [s for (s,) in stack.sql(
        'SELECT r.state FROM resets r JOIN accounts a ON a.id = '
        'r.account_id WHERE a.username = ? ORDER BY r.id', username)]


def only_message(tap, items, who):
    """The one message (Mail or SMS dict) to who among items, or None
    with a diagnostic when there are none or several."""
    got = Deliveries.to(items, who)
    if len(got) != 1:
        tap.diag('%d messages to %s: %r' % (len(got), who, got))
        return None
    return got[0]


def recipients_of(mails, sms):
    """Every recipient of mails and sms, sorted (with repeats)."""
    return sorted([r.lower() for m in mails for r in m.recipients] +
                  [m['to'] for m in sms])


def reset_codes_sent(tap, mails, sms, channels):
    """Each channel got exactly one message with one 8-digit code alone
    on its line, and nobody else got one; the codes by channel."""
    out = {}
    tap.is_(recipients_of(mails, sms), sorted(channels),
            'one message to each verified channel, and to nobody else')
    for who in channels:
        m = only_message(tap, mails + sms, who)
        codes = codes_in(m['text'] if isinstance(m, dict) else m.body) \
            if m else []
        tap.is_(len(codes), 1, '%s gets one 8-digit code alone on its '
                'line' % who)
        out[who] = codes[0] if codes else None
    tap.is_(len(set(out.values())), len(channels), 'every channel got its '
            'own code')
    return out


def pending_notices(tap, stack, mails, sms, confirm_to=(), no_confirm_to=(),
                    phones=()):
    """The notices of a pending reset (R4): every channel once, a reject
    link alone on a line in each, a confirm link only to the addresses
    of confirm_to.  Returns {who: {'reject': link, 'confirm': link}}."""
    everyone = list(confirm_to) + list(no_confirm_to) + list(phones)
    out = {}
    tap.is_(recipients_of(mails, sms), sorted(everyone),
            'every verified channel is told at once, and nobody else')
    for who in everyone:
        m = only_message(tap, mails + sms, who)
        if m is None:
            tap.ok(False, '%s got the notice' % who)
            continue
        rej = links_in(stack, m, '/reset/reject?t=')
        con = links_in(stack, m, '/reset/confirm?t=')
        tap.is_(len(rej), 1, 'the notice to %s has a reject link alone on '
                'its line' % who)
        if rej:
            tap.like(rej[0], r'^' + re.escape(stack.base_url) +
                     r'/reset/reject\?t=' + TOKEN + '$', 'built from '
                     'base_url, with a 43-character token')
        if who in confirm_to:
            tap.is_(len(con), 1, 'and a confirm link alone on its line '
                    '(the address was not used as a proof)')
            if con:
                tap.like(con[0], r'^' + re.escape(stack.base_url) +
                         r'/reset/confirm\?t=' + TOKEN + '$', 'built from '
                         'base_url, with a 43-character token')
        else:
            tap.is_(con, [], 'and no confirm link (%s)' % (
                'a phone' if who in phones else 'the address was used as '
                'a proof'))
            tap.unlike(message_text(m), r'/reset/confirm',
                       'nowhere in the message')
        text = message_text(m)
        tap.like(text, r'(?i)password', 'it says a password change is '
                 'on its way')
        if who not in phones:
            tap.like(text, r'\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}',
                     'and when it takes effect')
        tap.is_(codes_in(m['text'] if isinstance(m, dict) else m.body), [],
                'it carries no one-time code')
        out[who] = {'reject': rej[0] if rej else None,
                    'confirm': con[0] if con else None}
    return out


def typed_codes(client, resp):
    """The values of the code fields of the page's form to /reset/prove
    (what a refused proof kept of what was typed)."""
    return [v for f in forms_to(client, resp, '/reset/prove')
            for n, _t, v in f['fields'] if n == 'code']


# ------------------------------------------------------------------ #
# Helpers for the Apache, fault, concurrency and memory tests (issue
# 7).  Additions only: nothing above depends on them.

import grp as _grp
import pwd as _pwd

APACHE2 = '/usr/sbin/apache2'
APACHE_MODULES = '/usr/lib/apache2/modules'
APACHE_EXAMPLE = os.path.join(REPO, 'apache.conf.example')
# Apache will not serve as root (it is not built with BIG_SECURITY_HOLE):
# its children run as this user, the only one the programs' sockets let
# in.
APACHE_USER = os.environ.get('POSTERN_APACHE_USER', 'www-data')


def _descendants(pid):
    """Every process below pid (children, grandchildren, ...), as
    {pid: cmdline}: mod_fcgid's programs are children of its process
    manager, itself a child of Apache's parent process."""
    out = {}
    todo = [pid]
    while todo:
        kids = _proc_children(todo.pop())
        for k, cmd in kids.items():
            if k not in out:
                out[k] = cmd
                todo.append(k)
    return out


def program_pids(stack, name=None):
    """{pid: cmdline} of the FastCGI programs the stack's server runs
    now (only name.fcgi when given): lighttpd's children, or the
    programs below Apache's mod_fcgid process manager."""
    if stack.lighttpd is None:
        return {}
    want = ('/%s.fcgi' % name).encode() if name else b'.fcgi'
    return {p: c for p, c in _descendants(stack.lighttpd.pid).items()
            if c and c.split(b'\0')[0].endswith(want)}


class ProcsStack(Stack):
    """A Stack whose lighttpd starts more than one copy of a program:
    _max_procs is a number for every program, or {program: number}
    (the others keep 1)."""

    def __init__(self, *args, _max_procs=4, **kwargs):
        self.max_procs = _max_procs
        super().__init__(*args, **kwargs)

    def procs_of(self, name):
        if isinstance(self.max_procs, dict):
            return int(self.max_procs.get(name, 1))
        return int(self.max_procs)

    def lighttpd_conf(self):
        out = []
        prog = None
        done = set()
        for line in super().lighttpd_conf().split('\n'):
            m = re.match(r'\s*"/([a-z][a-z0-9_-]*)" => \(\($', line)
            if m:
                prog = m.group(1)
            elif prog and re.match(r'\s*"max-procs" => \d+,$', line):
                line = re.sub(r'\d+', str(self.procs_of(prog)), line)
                done.add(prog)
                prog = None
            out.append(line)
        missing = set(self.programs()) - done
        if missing:
            raise StartError('ProcsStack found no max-procs line for %s'
                             % ', '.join(sorted(missing)))
        return '\n'.join(out)


# ------------------------------------------------------------------ #
# Programs under valgrind: it sees what AddressSanitizer cannot, such
# as a read past a buffer inside an uninstrumented library.

VALGRIND = '/usr/bin/valgrind'
VALGRIND_OPTS = ['--tool=memcheck', '--leak-check=full',
                 '--errors-for-leak-kinds=definite',
                 '--show-leak-kinds=definite', '--error-exitcode=99',
                 '--num-callers=30', '--track-fds=no']


class ValgrindStack(Stack):
    """A Stack whose programs named in _valgrind run under valgrind's
    memcheck, started the way spawn-fcgi starts a program: the stack
    binds a unix socket, listens, and hands it to the program as its
    standard input; lighttpd connects to that socket instead of
    starting the program (no bin-path).  Each program's valgrind log is
    vg_log(name)."""

    def __init__(self, *args, _valgrind=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.vg_programs = tuple(_valgrind)
        self.vg = {}        # name -> Popen

    def vg_log(self, name):
        return os.path.join(self.tmp, 'valgrind-%s.log' % name)

    def vg_stderr(self, name):
        return os.path.join(self.tmp, '%s.stderr' % name)

    def vg_socket(self, name):
        return os.path.join(self.sockdir, name + '.sock')

    def lighttpd_conf(self):
        out = []
        for line in super().lighttpd_conf().split('\n'):
            if any(re.search(r'"bin-path" => ".*/%s\.fcgi",' % re.escape(p),
                             line) for p in self.vg_programs):
                continue
            out.append(line)
        return '\n'.join(out)

    def _start_lighttpd(self):
        if not self.vg:
            for name in self.vg_programs:
                self._spawn(name)
        return super()._start_lighttpd()

    def _spawn(self, name):
        path = self.vg_socket(name)
        if os.path.exists(path):
            os.unlink(path)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.listen(128)
        env = dict(self._env())
        env['POSTERN_LOG_STDERR'] = '1'
        err = open(self.vg_stderr(name), 'wb')
        try:
            self.vg[name] = subprocess.Popen(
                [VALGRIND] + VALGRIND_OPTS + ['--log-file=' +
                                              self.vg_log(name),
                                              os.path.join(BUILD, 'cgi-bin',
                                                           name + '.fcgi')],
                stdin=s.fileno(), stdout=err, stderr=err, env=env,
                cwd=os.path.join(BUILD, 'cgi-bin'))
        finally:
            err.close()
            s.close()

    def stop_program(self, name, timeout=120):
        """SIGTERM, then wait: (exit status or None, seconds)."""
        p = self.vg.get(name)
        if p is None:
            return None, 0.0
        t0 = time.monotonic()
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        try:
            rc = p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            rc = None
        return rc, time.monotonic() - t0

    def stop(self):
        for name in list(self.vg):
            p = self.vg[name]
            if p.poll() is None:
                p.kill()
                p.wait()
        super().stop()


def error_blocks(log):
    """Valgrind's reports of errors (invalid accesses, definite leaks),
    each as one text."""
    blocks, cur = [], []
    for ln in log.splitlines():
        ln = re.sub(r'^==\d+==\s?', '', ln)
        if not ln.strip():
            if cur:
                blocks.append('\n'.join(cur))
            cur = []
        else:
            cur.append(ln)
    if cur:
        blocks.append('\n'.join(cur))
    return [b for b in blocks if re.search(
        r'^(Invalid|Conditional jump|Use of uninitialised|Syscall param|'
        r'Mismatched|Source and destination overlap|.*definitely lost in)',
        b, re.M)]


def sanitized_build():
    """Is the build under test instrumented by AddressSanitizer?
    valgrind cannot run such programs; under `make asan` the sanitizers
    themselves do this test's job."""
    with open(os.path.join(BUILD, 'cgi-bin', 'login.fcgi'), 'rb') as f:
        return b'__asan_init' in f.read()


def ip_of(n):
    """A private address (10.x.y.z) of its own for the n-th visitor:
    with from_ip() and trusted_proxies = 127.0.0.1, per-IP limits then
    count each visitor apart."""
    return '10.%d.%d.%d' % ((n >> 16) & 255, (n >> 8) & 255, n & 255)


SPAWN_FCGI = '/usr/bin/spawn-fcgi'
PROGRAM_UNIT = os.path.join(REPO, 'systemd', 'postern@.service')


def unit_exec_start(path):
    """The words of a unit file's ExecStart= line."""
    import shlex
    with open(path) as f:
        for line in f:
            if line.startswith('ExecStart='):
                return shlex.split(line[len('ExecStart='):])
    raise StartError('%s has no ExecStart= line' % path)


def spawn_argv(unit, program, sockdir, cgi, user, web_user):
    """The ExecStart= of postern@PROGRAM.service (the unit file at unit)
    with a test's places in it: the socket in sockdir, the program from
    the folder cgi, run as user for the web server's user web_user.
    With user None the options only root may give (-u -g -U -G) are left
    out, and everything runs as whoever runs the test."""
    words = [w.replace('%i', program) for w in unit_exec_start(unit)]
    out = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in ('-u', '-g', '-U', '-G') and i + 1 < len(words):
            if user is not None:
                who = user if w in ('-u', '-g') else web_user
                if w in ('-g', '-G'):
                    who = _grp.getgrgid(_pwd.getpwnam(who).pw_gid).gr_name
                out += [w, who]
            i += 2
            continue
        if w == '-s' and i + 1 < len(words):
            out += [w, os.path.join(sockdir, program + '.sock')]
            i += 2
            continue
        if w.endswith('/%s.fcgi' % program):
            w = os.path.join(cgi, program + '.fcgi')
        out.append(w)
        i += 1
    return out


def make_system_user(prefix):
    """A new system user and group, named prefix + this process's id,
    without a home or a login shell; remove_system_user() takes it away.
    """
    name = '%s%d' % (prefix, os.getpid())
    r = subprocess.run(['useradd', '--system', '--user-group',
                        '--no-create-home', '--home-dir', '/nonexistent',
                        '--shell', '/usr/sbin/nologin', name],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise StartError('useradd %s: %s' % (name, r.stderr))
    return name


def remove_system_user(name):
    subprocess.run(['userdel', name], capture_output=True)
    subprocess.run(['groupdel', name], capture_output=True)


def as_user(user, argv):
    """argv run as user (its groups too), through setpriv."""
    pw = _pwd.getpwnam(user)
    return ['setpriv', '--reuid=%d' % pw.pw_uid, '--regid=%d' % pw.pw_gid,
            '--init-groups', '--'] + list(argv)


def own_mount_namespace():
    """Run this test again in a mount namespace of its own (root only):
    what it mounts there no other process sees, and it is gone when the
    test ends.  Returns in the new namespace; the first run exits with
    the second's status."""
    if os.environ.get('POSTERN_OWN_NS') == '1':
        return
    env = dict(os.environ, POSTERN_OWN_NS='1')
    r = subprocess.run(['unshare', '--mount', '--propagation', 'private',
                        sys.executable, os.path.abspath(sys.argv[0])] +
                       sys.argv[1:], env=env)
    sys.exit(r.returncode)


class SpawnStack(Stack):
    """
    A Stack whose programs run the way postern@.service runs them:
    spawn-fcgi, with the unit's own ExecStart= (spawn_argv()), makes
    each program's socket, gives it to the web server's user _web_user
    with mode 0600, becomes the programs' own user and runs the program
    on it; the web server only connects to the sockets.  Run as root,
    the programs' user is a system user made for the test and removed
    after it (the configuration's user key names it, and the test folder
    is its); otherwise everything runs as whoever runs the test.  The
    postern command runs as that user too.  self.spawned maps each
    program to its Popen (spawn-fcgi -n becomes the program).
    """

    def __init__(self, *args, _web_user=APACHE_USER, **kwargs):
        super().__init__(*args, **kwargs)
        self.web_user = _web_user if os.geteuid() == 0 else None
        self.run_user = None
        self.spawned = {}

    def _write_conf(self):
        if self.run_user is None:
            if os.geteuid() == 0:
                self.run_user = make_system_user('pst')
            else:
                self.run_user = _pwd.getpwuid(os.geteuid()).pw_name
            self.conf_overrides['user'] = self.run_user
        super()._write_conf()
        if os.geteuid() == 0:
            pw = _pwd.getpwnam(self.run_user)
            # Its folder, like /var/lib/postern: others may only pass
            # through, to the web server's logs and sockets below it.
            os.chown(self.tmp, pw.pw_uid, pw.pw_gid)
            os.chmod(self.tmp, 0o711)
            os.chmod(self.conf_path, 0o644)

    def _as_run_user(self, argv):
        return as_user(self.run_user, argv) if os.geteuid() == 0 else argv

    def lighttpd_conf(self):
        return '\n'.join(
            line for line in super().lighttpd_conf().split('\n')
            if not re.match(r'\s*"(bin-path|max-procs|bin-environment)"',
                            line))

    def _start_lighttpd(self):
        if not super()._start_lighttpd():
            return False
        if not self.spawned:
            self._spawn_programs()
        return True

    def _spawn_programs(self):
        cgi = os.path.join(BUILD, 'cgi-bin')
        user = self.run_user if os.geteuid() == 0 else None
        for name in self.programs():
            argv = spawn_argv(PROGRAM_UNIT, name, self.sockdir, cgi, user,
                              self.web_user)
            # Its socket is there again once spawn-fcgi has bound it.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self.sockdir, name + '.sock'))
            with open(self.breakagelog, 'ab') as err:
                self.spawned[name] = subprocess.Popen(
                    argv, env=self._env(), stdin=subprocess.DEVNULL,
                    stdout=err, stderr=err, cwd=cgi,
                    preexec_fn=_die_with_parent)
        deadline = time.monotonic() + START_TIMEOUT
        for name, proc in self.spawned.items():
            sock = os.path.join(self.sockdir, name + '.sock')
            while not os.path.exists(sock):
                if proc.poll() is not None or time.monotonic() > deadline:
                    self._print_logs('spawn-fcgi did not start %s' % name)
                    raise StartError('spawn-fcgi did not start %s' % name)
                time.sleep(0.05)

    def _stop_lighttpd(self):
        super()._stop_lighttpd()
        self._stop_programs()

    def _stop_programs(self):
        """The next start of the server starts them again."""
        for proc in self.spawned.values():
            _stop_process(proc)
        self.spawned = {}

    def stop(self):
        try:
            super().stop()
        finally:
            if os.geteuid() == 0 and self.run_user is not None:
                remove_system_user(self.run_user)
                self.run_user = None


def apache_site(example, sockets, static, port):
    """The text of apache.conf.example made to serve one test stack:
    the two Defines point at the programs' sockets and the repository's
    static folder, the HTTPS virtual host listens on 127.0.0.1:port over
    plain HTTP (its SSL lines are left out), and the port-80 host that
    only redirects to HTTPS is left out.  Everything else is the
    example's own text.  Raises StartError when the example no longer
    has the shape these edits expect, so a change to it is noticed
    here."""
    for v in (sockets, static):
        if re.search(r'[\s"\'$\\|]', v):
            raise StartError('apache: a path Apache would need quoted: %r'
                             % v)
    counts = {'sockets': 0, 'static': 0, 'vhost80': 0, 'vhost443': 0}
    out = []
    skipping = False
    for line in example.splitlines():
        s = line.strip()
        if skipping:
            out.append('#(test) ' + line)
            if s.lower() == '</virtualhost>':
                skipping = False
            continue
        if re.match(r'Define\s+POSTERN_SOCKETS\s', s):
            counts['sockets'] += 1
            line = 'Define POSTERN_SOCKETS unix:' + sockets
        elif re.match(r'Define\s+POSTERN_STATIC\s', s):
            counts['static'] += 1
            line = 'Define POSTERN_STATIC ' + static
        elif re.match(r'<VirtualHost\s+\*:80>', s, re.I):
            counts['vhost80'] += 1
            skipping = True
            line = '#(test) ' + line
        elif re.match(r'<VirtualHost\s+\*:443>', s, re.I):
            counts['vhost443'] += 1
            line = '<VirtualHost 127.0.0.1:%d>' % port
        elif re.match(r'SSL\w+\s', s):
            line = '#(test: plain HTTP) ' + line
        out.append(line)
    wrong = [k for k, n in counts.items() if n != 1]
    if wrong:
        raise StartError('apache.conf.example does not have the shape '
                         'tests/e2e/harness.py expects (%s found %s '
                         'times): update apache_site()' % (
                             ', '.join(wrong),
                             ', '.join(str(counts[k]) for k in wrong)))
    return '\n'.join(out) + '\n'


class ApacheStack(SpawnStack):
    """
    The same stack as SpawnStack, but served by Debian's apache2 with
    mod_proxy_fcgi instead of lighttpd, configured by
    apache.conf.example itself (see apache_site()), with its own
    ServerRoot, PidFile, locks and logs in the test folder and a free
    loopback port.  A preamble stands in for Debian's apache2.conf: it
    loads the modules the example needs from /usr/lib/apache2/modules
    and names the user (www-data) that Apache's children run as, the
    only user the programs' sockets let in.  stop() stops Apache with
    SIGTERM and records how that went in self.apache_stopped.
    """

    MODULES = (('mpm_event_module', 'mod_mpm_event.so'),
               ('authz_core_module', 'mod_authz_core.so'),
               ('alias_module', 'mod_alias.so'),
               ('mime_module', 'mod_mime.so'),
               ('dir_module', 'mod_dir.so'),
               ('headers_module', 'mod_headers.so'),
               ('proxy_module', 'mod_proxy.so'),
               ('proxy_fcgi_module', 'mod_proxy_fcgi.so'))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.apache_stopped = None

    @property
    def apache_root(self):
        return os.path.join(self.tmp, 'apache')

    @property
    def errorlog(self):
        return os.path.join(self.apache_root, 'logs', 'error.log')

    @property
    def breakagelog(self):
        # The example's ErrorLog for its virtual host: mod_fcgid writes
        # the programs' standard error there.
        return os.path.join(self.apache_root, 'logs', 'postern-error.log')

    @property
    def accesslog(self):
        return os.path.join(self.apache_root, 'logs', 'postern-access.log')

    @property
    def apache_conf_path(self):
        return os.path.join(self.apache_root, 'apache2.conf')

    def apache_conf(self):
        """The whole configuration: the preamble, then apache_site()."""
        root = self.apache_root
        with open(APACHE_EXAMPLE) as f:
            example = f.read()
        site = apache_site(example, self.sockdir,
                           os.path.join(REPO, 'static'), self.port)
        modules = list(self.MODULES)
        if re.search(r'^\s*Rewrite\w+\s', example, re.M | re.I):
            modules.append(('rewrite_module', 'mod_rewrite.so'))
        if os.geteuid() == 0:
            grp = _grp.getgrgid(_pwd.getpwnam(APACHE_USER).pw_gid).gr_name
            user = ['User %s' % APACHE_USER, 'Group %s' % grp]
        else:
            user = []       # Apache runs as whoever starts it
        pre = [
            '# Written by tests/e2e/harness.py: what Debian\'s apache2.conf',
            '# and mods-enabled/ would give, then apache.conf.example.',
            'ServerRoot "%s"' % root,
            'DefaultRuntimeDir "%s/run"' % root,
            'PidFile "%s/run/apache2.pid"' % root,
            'Mutex file:%s/lock default' % root,
            'Define APACHE_LOG_DIR %s/logs' % root,
            'ErrorLog "%s"' % self.errorlog,
            "LogLevel " + os.environ.get("APACHE_LOGLEVEL", "warn"),
            'LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" '
            '\\"%{User-Agent}i\\"" combined',
        ] + user + [
            'Listen 127.0.0.1:%d' % self.port,
            'ServerName 127.0.0.1',
        ] + ['LoadModule %s %s/%s' % (m, APACHE_MODULES, so)
             for m, so in modules] + [
            'TypesConfig /etc/mime.types',
            'DocumentRoot "%s"' % os.path.join(self.tmp, 'docroot'),
            '<Directory />',
            '\tOptions FollowSymLinks',
            '\tAllowOverride None',
            '\tRequire all denied',
            '</Directory>',
            'StartServers 1',
            'ServerLimit 2',
            'ThreadsPerChild 25',
            'MaxRequestWorkers 50',
            'MinSpareThreads 10',
            'MaxSpareThreads 50',
            '',
        ]
        return '\n'.join(pre) + site

    # Stack.start() calls these two to write and start lighttpd.
    def _write_lighttpd_conf(self):
        for sub in ('run', 'lock', 'logs'):
            os.makedirs(os.path.join(self.apache_root, sub), exist_ok=True)
        if not os.path.exists(APACHE2):
            raise StartError('apache2 is missing: %s' % APACHE2)
        with open(self.apache_conf_path, 'w') as f:
            f.write(self.apache_conf())

    def _start_lighttpd(self):
        for log in (self.errorlog, self.breakagelog):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(log)
        self.lighttpd_out = os.path.join(self.apache_root, 'apache2.out')
        env = {'PATH': '/usr/sbin:/usr/bin:/sbin:/bin', 'LANG': 'C'}
        test = subprocess.run([APACHE2, '-t', '-f', self.apache_conf_path],
                              env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True)
        if test.returncode != 0:
            raise StartError('apache2 -t refused the configuration %s:\n%s'
                             % (self.apache_conf_path,
                                test.stdout + test.stderr))
        if not self._launch_server(
                'apache2', [APACHE2, '-f', self.apache_conf_path, '-D',
                            'FOREGROUND'], env, self.apache_root):
            return False
        if not self.spawned:
            self._spawn_programs()
        return True

    def _stop_lighttpd(self, timeout=20):
        """SIGTERM to Apache's parent, which stops its children;
        self.apache_stopped says how it went: returncode, seconds, and
        the processes left afterwards (those are then killed).  Then
        the programs, which are not Apache's, are stopped too."""
        if self.lighttpd is None:
            return
        proc = self.lighttpd
        self.lighttpd = None
        kids = _descendants(proc.pid)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
        took = time.monotonic() - t0
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(
                _proc_alive(p, c) for p, c in kids.items()):
            time.sleep(0.05)
        left = {p: c for p, c in kids.items() if _proc_alive(p, c)}
        for p in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)
        self.apache_stopped = {'returncode': rc, 'seconds': took,
                               'left': left}
        self._stop_programs()

    def _print_logs(self, why):
        out = sys.stderr
        out.write('# %s\n' % why)
        for title, path in (('apache2 output', getattr(
                                 self, 'lighttpd_out', '')),
                            ('apache2 error log', self.errorlog),
                            ('virtual host error log', self.breakagelog)):
            out.write('# --- %s (%s) ---\n' % (title, path))
            for line in _read(path).splitlines() or ['(empty)']:
                out.write('#   %s\n' % line)
        out.flush()


def todo(tap, cond, name, why):
    """A TAP test marked TODO: a known bug, reported, that does not fail
    the run (prove counts it, and says when it starts passing)."""
    tap.n += 1
    name = ' '.join(str(name).split()).replace('#', '\\#')
    why = ' '.join(str(why).split()).replace('#', '\\#')
    print('%s %d - %s # TODO %s' % ('ok' if cond else 'not ok', tap.n,
                                     name, why))
    return bool(cond)


# ------------------------------------------------------------------ #
# Shared by several test files: an authenticator, snapshots that ignore
# session activity, and the closing check of every response.

STEP = 30


class Authenticator:
    """The phone app: codes of the secret, each time step used once.
    next() gives the code of the earliest step after the last one used
    that the server still accepts (one step of skew either way),
    waiting for the clock when there is none, and never within a
    second and a half of a step's end (the request must arrive in the
    step the code was computed for)."""

    def __init__(self, secret):
        self.secret = secret
        self.last = None

    @staticmethod
    def _now_step():
        t = time.time()
        if STEP - t % STEP < 1.5:
            time.sleep(STEP - t % STEP + 0.1)
            t = time.time()
        return int(t // STEP)

    def next(self):
        while True:
            now = self._now_step()
            for step in (now - 1, now, now + 1):
                if self.last is None or step > self.last:
                    self.last = step
                    return totp(self.secret, step=step)
            time.sleep(STEP - time.time() % STEP + 0.1)

    def at_offset(self, steps):
        """The code of the step steps away from now (not marked used)."""
        return totp(self.secret, step=self._now_step() + steps)

    def wrong(self):
        """A code that is none of the steps from two before to two
        after now."""
        now = self._now_step()
        near = {totp(self.secret, step=now + d) for d in range(-3, 4)}
        n = 123456
        while '%06d' % n in near:
            n += 1
        return '%06d' % n


def show_totp_secret(client):
    """Type the password on /contacts/2fa and read the key it shows
    once: the Authenticator of that key, or an error."""
    client.get('/contacts/2fa')
    r = client.post('/contacts/2fa', {'password': client.password})
    text = element_text(r, 'totp-secret')
    if r.status != 200 or not text:
        raise RuntimeError('no totp-secret after the password (%d): %s'
                           % (r.status, client.errors(r)))
    return Authenticator(''.join(text.split()))


def enable_totp(client):
    """Turn two-step verification on as the page does: the password
    shows the key, a code computed from it turns 2FA on (the account
    must already meet R2).  The Authenticator, with that code's step
    used, is returned and kept as client.auth for later proofs."""
    auth = show_totp_secret(client)
    r = client.post('/contacts/2fa', {'code': auth.next()})
    if r.status != 303:
        raise RuntimeError('enabling 2FA answered %d: %s' % (
            r.status, client.errors(r)))
    client.auth = auth
    return auth


def make_recovery_code(client):
    """Make a new recovery code from /contacts/recovery-code as the form
    does, and read it off the page the POST leads to (its one-time
    view); the code, or None."""
    client.get('/contacts/recovery-code')
    r = client.post('/contacts/recovery-code', proof(client))
    if r.status != 303:
        return None
    return element_text(client.get(client.stack.path_of(r.location)),
                        'recovery-code')


def stable_snapshot(stack):
    """db_snapshot() with sessions.last_seen blanked: any request may touch
    it once a minute, which is no change a test cares about."""
    snap = stack.db_snapshot()
    snap['sessions'] = sorted(
        [tuple(v if i != 5 else 0 for i, v in enumerate(row))
         for row in snap.get('sessions', [])], key=repr)
    return snap


def stable_changes(stack, before):
    """db_changes() against a stable_snapshot()."""
    after = stable_snapshot(stack)
    out = []
    for t in sorted(set(before) | set(after)):
        a, b = before.get(t, []), after.get(t, [])
        out += ['- %s %r' % (t, r) for r in a if r not in b]
        out += ['+ %s %r' % (t, r) for r in b if r not in a]
    return out


def every_response_checked(tap, stack):
    """The closing story: every response the test's clients got carried
    the security headers, and no program crashed."""
    with tap.story('Every response carried the security headers'):
        problems = []
        for r in stack.responses:
            problems += header_problems(r)
        tap.is_(problems, [], 'on all %d responses' % len(stack.responses))
        tap.is_(crashes(stack), [], 'no program crashed')
