#!/usr/bin/python3
"""
authorizer.py: Postern as the login of the hoster's own services
(DESIGN section 9), behind both servers for real.  auth.fcgi protects
(a) a CGI program that answers with the environment it got
(tests/env_cgi.py) and (b) an HTTP service behind the server's proxy
that answers with the headers it got (tests/echo_headers.py), with the
configuration of contrib/authorizer/ as a hoster would include it:
lighttpd with mod_fastcgi's "mode" => "authorizer", then Apache with
mod_authnz_fcgi.

The stories: a stranger is sent to the login page and comes back to
the page asked for; the service knows the user, and a client's own
Remote-User or X-Remote-User never reaches it; logging out ends access
at once; an expired session, a locked account and an unverified one
are refused; `next` tricks all land on /account, and a refused form
keeps the real one.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD, DEFAULT_PASSWORD, PYTHON, REPO,  # noqa: E402
                     SPAWN_FCGI, ApacheStack, StartError, Stack, Tap,
                     _die_with_parent, _lighttpd_string, _stop_process,
                     as_user, db_write, enable_totp, free_port,
                     make_recovery_code)

tap = Tap()

CONTRIB = os.path.join(REPO, 'contrib', 'authorizer')
ECHO = os.path.join(REPO, 'tests', 'echo_headers.py')
ENV_CGI = os.path.join(REPO, 'tests', 'env_cgi.py')
FORGED = {'Remote-User': 'mallory', 'X-Remote-User': 'mallory'}


class Echo:
    """tests/echo_headers.py on a free port."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [PYTHON, ECHO, '--port', '0'], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent)
        m = re.match(rb'ready (\d+)', self.proc.stdout.readline())
        if not m:
            _stop_process(self.proc)
            raise StartError('echo_headers.py did not start')
        self.port = int(m.group(1))

    def stop(self):
        _stop_process(self.proc)
        self.proc.stdout.close()


def snippet(name, echo_port):
    """contrib/authorizer/<name> with the test's echo port."""
    with open(os.path.join(CONTRIB, name)) as f:
        text = f.read()
    out = text.replace('8081', str(echo_port))
    if out == text:
        raise StartError('%s names no port 8081 any more' % name)
    return out


class LighttpdProtected(Stack):
    """The harness's lighttpd stack with contrib/authorizer/lighttpd.conf
    included; lighttpd starts auth.fcgi itself (bin-path) where the
    example connects to postern@auth's socket."""

    name = 'lighttpd'

    def start(self):
        self.echo = Echo()
        return super().start()

    def stop(self):
        try:
            super().stop()
        finally:
            self.echo.stop()

    def protected_paths(self):
        return ['panel/', 'svc/']

    def extra_lighttpd(self):
        q = _lighttpd_string
        text = snippet('lighttpd.conf', self.echo.port)
        sock = os.path.join(self.sockdir, 'auth.sock')
        text = text.replace('"/run/postern/auth.sock"', q(sock))
        spawn = ('\t\t"bin-path"\t=> %s,\n\t\t"max-procs"\t=> 1,\n'
                 '\t\t"bin-environment" => ("POSTERN_CONF" => %s),\n'
                 % (q(os.path.join(BUILD, 'cgi-bin', 'auth.fcgi')),
                    q(self.conf_path)))
        text = re.sub(r'(\t\t"socket"\t=> postern_auth_socket,\n)',
                      lambda m: m.group(1) + spawn, text)
        if 'bin-path' not in text:
            raise StartError('lighttpd.conf: no "socket" line to add to')
        panel = os.path.join(self.tmp, 'docroot', 'panel')
        os.makedirs(panel, exist_ok=True)
        shutil.copy(ENV_CGI, os.path.join(panel, 'env.cgi'))
        os.chmod(os.path.join(panel, 'env.cgi'), 0o755)
        return ['', '# contrib/authorizer/lighttpd.conf, as a hoster '
                'includes it:'] + text.split('\n')

    def forwarded_user(self, headers):
        m = re.search(r'remote_user="([^"]*)"',
                      ', '.join(v for k, v in headers
                                if k.lower() == 'forwarded'))
        return m.group(1) if m else None


class ApacheProtected(ApacheStack):
    """The harness's Apache stack with contrib/authorizer/apache.conf put
    in its virtual host; auth.fcgi runs as the programs' user under
    spawn-fcgi on a loopback port, as mod_authnz_fcgi needs."""

    name = 'Apache'
    MODULES = ApacheStack.MODULES + (
        ('authn_core_module', 'mod_authn_core.so'),
        ('authz_user_module', 'mod_authz_user.so'),
        ('authnz_fcgi_module', 'mod_authnz_fcgi.so'),
        ('cgid_module', 'mod_cgid.so'),
        ('proxy_http_module', 'mod_proxy_http.so'),
    )

    def start(self):
        self.echo = Echo()
        self.auth_port = free_port()
        self.auth_proc = None
        return super().start()

    def stop(self):
        try:
            super().stop()
        finally:
            _stop_process(self.auth_proc)
            self.echo.stop()

    def apache_conf(self):
        text = super().apache_conf()
        cgi = os.path.join(self.tmp, 'cgi')
        os.makedirs(cgi, exist_ok=True)
        os.chmod(cgi, 0o755)
        shutil.copy(ENV_CGI, os.path.join(cgi, 'env.cgi'))
        os.chmod(os.path.join(cgi, 'env.cgi'), 0o755)
        extra = snippet('apache.conf', self.echo.port)
        extra = extra.replace('fcgi://127.0.0.1:9120/',
                              'fcgi://127.0.0.1:%d/' % self.auth_port)
        extra = extra.replace('/usr/lib/cgi-bin/panel/', cgi + '/')
        # The provider is defined for the server, the rest goes inside
        # the virtual host, before Postern's ProxyPass lines.
        define = re.search(r'^AuthnzFcgiDefineProvider .*\n', extra, re.M)
        extra = extra.replace(define.group(0), '')
        at = text.index('<VirtualHost 127.0.0.1:')
        text = text[:at] + define.group(0) + 'ScriptSock "%s/run/cgisock"\n' \
            % self.apache_root + text[at:]
        at = text.index('\tProxyPass /static/ !')
        return text[:at] + extra + '\n' + text[at:]

    def _spawn_programs(self):
        super()._spawn_programs()
        argv = [SPAWN_FCGI, '-n', '-a', '127.0.0.1', '-p',
                str(self.auth_port), '--',
                os.path.join(BUILD, 'cgi-bin', 'auth.fcgi')]
        if os.geteuid() == 0:
            argv = as_user(self.run_user, argv)
        with open(self.breakagelog, 'ab') as err:
            self.auth_proc = subprocess.Popen(
                argv, env=self._env(), stdin=subprocess.DEVNULL,
                stdout=err, stderr=err, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 20
        while not self._listening(self.auth_port):
            if self.auth_proc.poll() is not None or \
                    time.monotonic() > deadline:
                self._print_logs('spawn-fcgi did not start auth.fcgi')
                raise StartError('spawn-fcgi did not start auth.fcgi')
            time.sleep(0.05)

    @staticmethod
    def _listening(port):
        with open('/proc/net/tcp') as f:
            return any(':%04X 00000000:0000 0A' % port in line
                       for line in f)

    def forwarded_user(self, headers):
        users = [v for k, v in headers if k.lower() == 'x-remote-user']
        return users[0] if len(users) == 1 else users or None


def env_of(r):
    try:
        return json.loads(r.body)
    except ValueError:
        return {}


def login_via(stack, c, r, username, password=DEFAULT_PASSWORD):
    """Follow a redirect to the login page and log in there with the
    form's own fields (its hidden next included); the response."""
    page = c.get(stack.path_of(r.location))
    fields = {k: v for k, v in c.form_values(page).items()
              if k in ('next', 'csrf')}
    fields.update({'username': username, 'password': password})
    return c.post('/login', fields)


def stories(stack):
    name = stack.name
    panel = stack.url('/panel/env.cgi?x=1')
    alice = stack.new_user('alice', 'alice@example.org', login=False)

    with tap.story('%s: a stranger is sent to log in, and back' % name):
        r = alice.get('/panel/env.cgi?x=1')
        tap.is_(r.status, 302, 'GET of a protected page answers 302')
        want = stack.url('/login?next=' + urllib.parse.quote(panel, ''))
        tap.is_(r.location, want, 'to /login?next=<the URL asked for>')
        r2 = alice.request('HEAD', '/panel/env.cgi?x=1')
        tap.is_((r2.status, r2.location), (302, want), 'HEAD too')
        r2 = alice.post('/panel/env.cgi', {'a': 'b'}, csrf=False)
        tap.is_(r2.status, 401, 'a POST answers 401 (never turned into '
                'a GET of the login page)')
        tap.ok(r2.is_html and 'log in' in r2.text.lower(), 'with a page '
               'that says to log in', r2.text[:300])
        r = login_via(stack, alice, r, 'alice')
        tap.is_((r.status, r.location), (303, '/panel/env.cgi?x=1'),
                'logging in there answers 303 to the page asked for')
        r = alice.get('/panel/env.cgi?x=1', headers=FORGED)
        env = env_of(r)
        tap.is_(r.status, 200, 'which now opens')
        tap.is_((env.get('REMOTE_USER'), env.get('POSTERN_EMAIL'),
                 env.get('POSTERN_2FA')), ('alice', 'alice@example.org',
                                           '0'),
                'the program gets REMOTE_USER, POSTERN_EMAIL, '
                'POSTERN_2FA=0')
        tap.is_([k for k in env if k in ('HTTP_REMOTE_USER',
                                         'HTTP_X_REMOTE_USER')], [],
                'a client\'s Remote-User and X-Remote-User never reach it')

    with tap.story('%s: a proxied service knows the user' % name):
        r = alice.get('/svc/who?y=2', headers=FORGED)
        tap.is_(r.status, 200, 'a proxied request answers 200')
        got = env_of(r).get('headers', [])
        tap.is_(stack.forwarded_user(got), 'alice', 'the service is told '
                'the user is alice')
        tap.is_([v for k, v in got if k.lower() in ('remote-user',
                                                     'x-remote-user') and
                 'mallory' in v], [], 'the client\'s own Remote-User and '
                'X-Remote-User never reach it')
        tap.ok(not any('mallory' in v for _, v in got), 'nor anything '
               'else the client claimed', got)
        stranger = stack.client()
        r = stranger.get('/svc/who', headers=FORGED)
        tap.is_(r.status, 302, 'without a session, forged headers get '
                '302 to the login page')

    with tap.story('%s: sessions refresh without a write per request'
                   % name):
        now = int(time.time())
        db_write(stack, "UPDATE sessions SET last_seen = ? WHERE "
                 "account_id = (SELECT id FROM accounts WHERE username = "
                 "'alice')", now - 5)
        alice.get('/svc/who')
        seen = stack.sql("SELECT last_seen FROM sessions")[0][0]
        tap.is_(seen, now - 5, 'a request within a minute of the last '
                'write changes nothing in the database')
        db_write(stack, "UPDATE sessions SET last_seen = ?", now - 120)
        alice.get('/svc/who')
        seen = stack.sql("SELECT last_seen FROM sessions")[0][0]
        tap.ok(seen >= now, 'one after a minute moves last_seen to now '
               '(the idle timeout counts from there)', seen)

    with tap.story('%s: an expired session is refused' % name):
        idle = 30 * 60
        db_write(stack, "UPDATE sessions SET last_seen = ?",
                 int(time.time()) - idle - 5)
        r = alice.get('/panel/env.cgi')
        tap.is_(r.status, 302, 'idle longer than session_idle: 302 to '
                'the login page')
        r = login_via(stack, alice, r, 'alice')
        tap.is_(r.status, 303, 'logging in again works')
        db_write(stack, "UPDATE sessions SET created_at = ?",
                 int(time.time()) - 13 * 3600)
        tap.is_(alice.get('/panel/env.cgi').status, 302, 'older than '
                'session_max, however active: 302')

    with tap.story('%s: logging out of Postern ends access at once' % name):
        r = alice.get('/panel/env.cgi')
        r = login_via(stack, alice, r, 'alice')
        tap.is_(alice.get('/panel/env.cgi').status, 200, 'logged in: 200')
        alice.get('/account')
        r = alice.post('/logout', {})
        tap.is_(r.status, 303, 'POST /logout answers 303')
        tap.is_(alice.get('/panel/env.cgi').status, 302, 'the next '
                'protected request is sent to the login page')
        tap.is_(alice.get('/svc/who').status, 302, 'the proxied one too')

    with tap.story('%s: a locked account is refused' % name):
        r = login_via(stack, alice, alice.get('/panel/env.cgi'), 'alice')
        tap.is_(alice.get('/svc/who').status, 200, 'logged in: 200')
        run = stack.postern('lock', 'alice')
        tap.is_(run.returncode, 0, 'postern lock alice')
        tap.is_(alice.get('/svc/who').status, 302, 'the same session now '
                'gets 302')
        tap.is_(alice.post('/panel/env.cgi', {}, csrf=False).status, 401,
                'and a POST 401')
        stack.postern('unlock', 'alice')
        tap.is_(alice.get('/svc/who').status, 200, 'unlocked: 200 again')
        # postern disable ends every session; one that raced it (here:
        # the flag set under a live session) must count as none too.
        db_write(stack, "UPDATE accounts SET disabled_at = 1 WHERE "
                 "username = 'alice'")
        tap.is_(alice.get('/svc/who').status, 302, 'a session of a '
                'disabled account counts as none')
        db_write(stack, "UPDATE accounts SET disabled_at = 0 WHERE "
                 "username = 'alice'")
        tap.is_(alice.get('/svc/who').status, 200, 'enabled: 200 again')

    with tap.story('%s: an unverified account is refused' % name):
        bob = stack.new_user('bob', 'bob@example.org', verify=False)
        tap.is_(bob.get('/account').status, 200, 'bob is logged in to '
                'Postern')
        tap.is_(bob.get('/panel/env.cgi').status, 302, 'but his address '
                'is not verified: 302')


def next_stories(stack):
    carol = stack.new_user('carol', 'carol@example.org', login=False)
    tricks = ['//evil.example/', '/\\evil.example/', '/%2F/evil.example/',
              '/%5Cevil.example', 'https://evil.example/',
              'javascript:alert(1)', 'data:text/html,x',
              'http://127.0.0.1:%d@evil.example/' % stack.port,
              'http://evil.example@127.0.0.1:%d/' % stack.port + 'x\r\ny',
              '/%0d%0aSet-Cookie:x=1', '/' + 'a' * 3000,
              'HTTP://EVIL.EXAMPLE/']
    with tap.story('next tricks through the real login all land on '
                   '/account'):
        for trick in tricks:
            carol.cookies.pop('postern', None)
            page = carol.get('/login?next=' + urllib.parse.quote(trick, ''))
            if page.status == 400:
                tap.ok(True, '/login?next=%r is refused as malformed '
                       '(400)' % trick[:40])
                page = carol.get('/login')
            tap.ok('next' not in carol.form_values(page), 'the form does '
                   'not carry %r' % trick[:40])
            r = carol.post('/login', {'username': 'carol',
                                      'password': DEFAULT_PASSWORD,
                                      'next': trick})
            tap.is_((r.status, r.location), (303, '/account'),
                    'a login with next=%r goes to /account' % trick[:40])

    with tap.story('next survives a refused form and the 2FA step'):
        carol.cookies.pop('postern', None)
        target = stack.url('/svc/after')
        page = carol.get('/login?next=' + urllib.parse.quote(target, ''))
        there = (303, '/svc/after')
        tap.is_(carol.form_values(page).get('next'), target, 'the form '
                'carries next')
        r = carol.post('/login', {'username': 'carol', 'password': 'wrong',
                                  'next': target})
        tap.is_(r.status, 422, 'a wrong password: 422')
        tap.is_(carol.form_values(r).get('next'), target, 'the form shown '
                'again still carries next')
        r = carol.post('/login', {'username': 'carol',
                                  'password': DEFAULT_PASSWORD,
                                  'next': target})
        tap.is_((r.status, r.location), there, 'the right one goes there')
        carol.password = DEFAULT_PASSWORD
        make_recovery_code(carol)
        enable_totp(carol)
        carol.get('/account')
        carol.post('/logout', {})
        r = carol.get('/svc/after')
        tap.is_(r.status, 302, 'logged out, with 2FA on: 302')
        r = login_via(stack, carol, r, 'carol')
        tap.like(stack.path_of(r.location), r'^/login/2fa\?next=',
                 'the password step goes to /login/2fa, next kept')
        page = carol.get(stack.path_of(r.location))
        tap.is_(carol.form_values(page).get('next'), target,
                'whose form carries it')
        r = carol.post('/login/2fa', {'code': '000000', 'next': target})
        tap.is_(r.status, 422, 'a wrong code: 422')
        tap.is_(carol.form_values(r).get('next'), target, 'the form shown '
                'again still carries next')
        r = carol.post('/login/2fa', {'code': carol.auth.next(),
                                      'next': target})
        tap.is_((r.status, r.location), there, 'the right code goes '
                'there')
        got = env_of(carol.get('/svc/after')).get('headers', [])
        tap.ok(stack.forwarded_user(got) == 'carol', 'and the service '
               'knows carol', got)
        env = env_of(carol.get('/panel/env.cgi'))
        tap.is_(env.get('POSTERN_2FA'), '1', 'POSTERN_2FA=1: two-step '
                'verification was proven in this session')


def sibling_story():
    """cookie_domain: a service on another host of the parent domain
    shares the session.  The browser is played by the client, which
    sends the cookie with each Host as a browser would for that
    Domain; base_url names postern.example.test on the stack's port."""
    port = free_port()
    with LighttpdProtected(_port=port, cookie_secure='on',
                           base_url='http://postern.example.test:%d' % port,
                           cookie_domain='example.test',
                           auth_hosts='panel.example.test:%d' % port
                           ) as stack:
        with tap.story('cookie_domain: one login for the hosts of the '
                       'parent domain'):
            # (Its mailed links name postern.example.test: verified here.)
            stack.new_user('dave', 'dave@example.org', verify=False,
                           login=False)
            db_write(stack, "UPDATE accounts SET email_verified_at = ?",
                     int(time.time()))
            c = stack.client()
            r = c.get('/login')
            # Browsers hold the 303 after the POST to the login page's
            # form-action: the host must be in it, or Chrome stops there.
            csp = r.headers.get('Content-Security-Policy') or ''
            tap.like(csp, r"form-action 'self' http://panel\.example\.test:"
                     r"%d(;|$)" % port, 'the login page lets its form lead '
                     'to the hosts of auth_hosts')
            target = 'http://panel.example.test:%d/panel/env.cgi' % port
            r = c.post('/login', {'username': 'dave',
                                  'password': DEFAULT_PASSWORD,
                                  'next': target})
            tap.is_((r.status, r.location), (303, target), 'the login '
                    'goes back to a host of auth_hosts')
            cookie = [v for k, v in r.headers.items()
                      if k.lower() == 'set-cookie' and
                      v.startswith('__Secure-postern=')]
            tap.like(cookie[0] if cookie else '',
                     r'; Secure; Domain=example\.test$',
                     'the session cookie is __Secure-postern, Secure, with '
                     'Domain=example.test')
            r = c.get('/panel/env.cgi', headers={
                'Host': 'panel.example.test:%d' % port})
            tap.is_((r.status, env_of(r).get('REMOTE_USER')), (200, 'dave'),
                    'the service on panel.example.test knows dave')


def main():
    with LighttpdProtected() as stack:
        stories(stack)
        next_stories(stack)
    sibling_story()
    with ApacheProtected() as stack:
        stories(stack)


tap.run(main)
