"""
Other ways to serve the same programs: every program under valgrind or
with its processes counted, spawn-fcgi as its own user (as
postern@.service does) and Apache with mod_fcgid.
"""

import contextlib
import os
import pwd
import re
import signal
import socket
import subprocess
import sys
import time
import grp as _grp

from .paths import BUILD, REPO
from .stack import (START_TIMEOUT, Stack, StartError, _die_with_parent,
                    _proc_alive, _proc_children, _read, _stop_process)


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
                    who = _grp.getgrgid(pwd.getpwnam(who).pw_gid).gr_name
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
    pw = pwd.getpwnam(user)
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
                self.run_user = pwd.getpwuid(os.geteuid()).pw_name
            self.conf_overrides['user'] = self.run_user
        super()._write_conf()
        if os.geteuid() == 0:
            pw = pwd.getpwnam(self.run_user)
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
                         'tests/e2e/harness/servers.py expects (%s found %s '
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
            grp = _grp.getgrgid(pwd.getpwnam(APACHE_USER).pw_gid).gr_name
            user = ['User %s' % APACHE_USER, 'Group %s' % grp]
        else:
            user = []       # Apache runs as whoever starts it
        pre = [
            '# Written by tests/e2e/harness: what Debian\'s apache2.conf',
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
