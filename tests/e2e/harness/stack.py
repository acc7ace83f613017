"""
The processes of one test: lighttpd serving every program of
$POSTERN_BUILD/cgi-bin, the SMTP server of tests/smtpd.py writing each
mail it receives to a folder, dnsmasq when a test asks for DNS, and the
SQLite file made by `postern init`, all in a temporary folder.  Nothing
is mocked.
"""

import contextlib
import ctypes
import os
import pwd
import random
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

from .client import Client, SECURITY_HEADERS
from .mail import Mail
from .paths import BUILD, DNSMASQ, LIGHTTPD, PYTHON, REPO, SMTPD


# A password that passes the common-password check.
DEFAULT_PASSWORD = 'correct horse battery 7'

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

# How long a server of the stack may take to come up: generous, since
# the waits poll and a loaded machine (several test runs at once) can
# take many seconds to start Python or lighttpd.
START_TIMEOUT = float(os.environ.get('POSTERN_START_TIMEOUT', '60'))


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


def dns_free_port():
    """A port for dnsmasq, free for TCP and UDP, below the kernel's
    ephemeral range.  dnsmasq starts at a test's first dns_set() and
    restarts at each one: a port from bind(0), as free_port() gives,
    could meanwhile be handed to any outgoing connection as its local
    port, and dnsmasq then fails with "Address already in use" (seen
    under load).  Below the range the kernel never hands it out."""
    with open('/proc/sys/net/ipv4/ip_local_port_range') as f:
        low = int(f.read().split()[0])
    for _ in range(200):
        port = random.randrange(10000, max(low, 10001))
        try:
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                with socket.socket(socket.AF_INET, kind) as s:
                    s.bind(('127.0.0.1', port))
        except OSError:
            continue
        return port
    raise StartError('no free port below %d for dnsmasq' % low)


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
        self.dns_port = dns_free_port() if _dns else None
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
            'user': pwd.getpwuid(os.geteuid()).pw_name,
        }
        if self.workdir:
            conf['secret_key_file'] = os.path.join(self.tmp, 'secret.key')
        for k, v in self.conf_overrides.items():
            if v is None:
                conf.pop(k, None)
            else:
                conf[k] = str(v)
        with open(self.conf_path, 'w') as f:
            f.write('# Written by tests/e2e/harness.\n')
            for k, v in conf.items():
                f.write('%s = %s\n' % (k, v))

    def lighttpd_conf(self):
        """The lighttpd configuration text for the programs that exist."""
        q = _lighttpd_string
        names = self.programs()
        static_dir = os.path.join(REPO, 'static').rstrip('/') + '/'
        lines = [
            '# Written by tests/e2e/harness.',
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
        deadline = time.time() + START_TIMEOUT
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
        line = self._readline_timeout(self.smtp_proc.stdout,
                                      START_TIMEOUT)
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


def crashes(stack):
    """Lines of the logs that tell of a crash or a sanitizer report."""
    return [ln for ln in stack.logs().splitlines()
            if re.search(r'(?i)sanitizer|runtime error|segfault|'
                         r'child exited|child signaled', ln)]
