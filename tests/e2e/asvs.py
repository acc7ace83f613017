#!/usr/bin/python3
"""
asvs.py: OWASP ASVS requirements that SECURITY.md claims are met, each
proven here on the real stack rather than by reading the code.  The
story titles name the requirement numbers.
"""

import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD, DEFAULT_PASSWORD, Deliveries, Stack,  # noqa
                     Tap, ask_reset, code_in, db_write, from_ip,
                     message_text, parse_set_cookie)

tap = Tap()


def sessions_stack():
    with Stack(session_idle='2s', session_max='4s') as stack:
        with tap.story('3.3.1, 3.3.2: idle and absolute timeouts end a '
                       'session on the server'):
            c = stack.new_user('ida', 'ida@example.org')
            tap.is_(c.get('/account').status, 200, 'logged in')
            time.sleep(3.2)
            tap.is_(c.get('/account').status, 403, 'after session_idle '
                    'without a request, the session is gone')
            c.get('/login')
            c.post('/login', {'username': 'ida', 'password':
                              DEFAULT_PASSWORD})
            ok = True
            for _ in range(5):          # active, but past session_max
                time.sleep(1.0)
                ok = ok and c.get('/account').status in (200, 403)
            tap.is_(c.get('/account').status, 403, 'a busy session still '
                    'ends at session_max')


def secure_cookie_stack():
    with Stack(cookie_secure='on') as stack:
        with tap.story('3.4.1, 3.4.2, 3.4.3, 3.4.4, 3.4.5: the session '
                       'cookie'):
            c = stack.client()
            r = c.get('/login')
            raw = r.headers.get_all('Set-Cookie')
            tap.is_(len(raw), 1, 'one cookie is set')
            tap.like(raw[0] if raw else '', r'^__Host-postern=',
                     'its name has the __Host- prefix')
            attrs = parse_set_cookie(raw[0]) if raw else {}
            tap.ok(attrs.get('secure') is True, 'it is Secure')
            tap.ok(attrs.get('httponly') is True, 'it is HttpOnly')
            tap.is_(str(attrs.get('samesite', '')).lower(), 'lax',
                    'it is SameSite=Lax')
            tap.is_(attrs.get('path'), '/', 'its Path is /')
            tap.ok('domain' not in attrs, 'it names no Domain')


def main_stack():
    with Stack() as stack:
        post = Deliveries(stack)
        long_pw = 'x' * 60 + ' correct horse battery ' + 'y' * 60
        alice = stack.new_user('alice', 'alice@example.org', long_pw)
        post.deliver()

        with tap.story('2.1.3: a long password is never cut short'):
            variant = long_pw[:110] + ('z' if long_pw[110] != 'z' else 'q') \
                + long_pw[111:]
            c = stack.client()
            c.get('/login')
            r = c.post('/login', {'username': 'alice', 'password': variant})
            tap.is_(r.status, 422, 'a password that differs only in its '
                    '111th character is refused')
            c.get('/login')
            r = c.post('/login', {'username': 'alice', 'password': long_pw})
            tap.is_(r.status, 303, 'the whole password logs in')

        with tap.story('2.4.1, 2.4.2: Argon2id with a random salt'):
            stack.new_user('bob', 'bob@example.org', long_pw)
            hashes = [h for (h,) in stack.sql(
                'SELECT pw_hash FROM accounts ORDER BY id')]
            tap.ok(all(h.startswith('$argon2id$v=19$m=65536,t=2,p=1$')
                       for h in hashes), 'every hash is Argon2id with the '
                   'interactive limits', hashes)
            salts = {h.split('$')[4] for h in hashes}
            tap.is_(len(salts), len(hashes), 'two accounts with the same '
                    'password have different salts')
            tap.ok(all(len(s) >= 22 for s in salts), 'salts of 128 bits')

        with tap.story('3.1.1, 3.2.2: the session token: 256 bits, never '
                       'in a URL or a page'):
            token = alice.cookie('postern')
            tap.like(token or '', r'^[A-Za-z0-9_-]{43}$',
                     '43 base64url characters: 256 random bits')
            seen = [r for r in stack.responses
                    if token and (token in (r.headers.get('Location') or '')
                                  or token in r.text)]
            tap.is_(seen, [], 'no response carries it in a Location or a '
                    'page')
            tap.is_(stack.sql('SELECT count(*) FROM sessions WHERE '
                              'token_hash = ?', token.encode()), [(0,)],
                    'the database keeps only its hash')

        with tap.story('5.3.3: a stored value comes back escaped'):
            c = stack.client()
            c.get('/login')
            r = c.post('/login', {'username': 'alice', 'password': long_pw},
                       headers={'User-Agent': '<script>alert(1)</script>'})
            r = c.get('/account/activity')
            tap.ok('<script>alert(1)</script>' not in r.text,
                   'a User-Agent with markup is not shown as markup on '
                   'the activity page')
            tap.ok('&lt;script&gt;alert(1)&lt;/script&gt;' in r.text,
                   'it is shown as text')

        with tap.story('5.2.5: a stored value is never expanded as a '
                       'template'):
            c = stack.client()
            c.get('/login')
            c.post('/login', {'username': 'alice', 'password': long_pw},
                   headers={'User-Agent': 'agent {{CSRF}} {{>layout.tpl}}'})
            r = c.get('/account/activity')
            tap.ok('agent {{CSRF}} {{&gt;layout.tpl}}' in r.text,
                   'template markers in a User-Agent are shown as text')

        with tap.story('5.3.4: SQL in a form value is only a value'):
            before = stack.sql('SELECT count(*) FROM accounts')
            for evil in ("' OR '1'='1", "alice' --", "x'); DROP TABLE "
                         "accounts; --"):
                c = stack.client()
                c.get('/login')
                r = c.post('/login', {'username': evil, 'password': "' OR "
                                      "'1'='1"})
                tap.is_(r.status, 422, '%r logs nobody in' % evil)
            tap.is_(stack.sql('SELECT count(*) FROM accounts'), before,
                    'and every table is still there')

        with tap.story('8.3.8: postern purge drops what has expired'):
            old = int(time.time()) - 40 * 86400
            db_write(stack, 'UPDATE sessions SET last_seen = ?, '
                     'created_at = ?', old, old)
            db_write(stack, 'UPDATE links SET expires_at = ?', old)
            db_write(stack, "UPDATE outbox SET created_at = ?, done_at = ? "
                     "WHERE status != 'queued'", old, old)
            r = stack.postern('purge')
            tap.is_(r.returncode, 0, 'postern purge exits 0')
            tap.is_(stack.sql('SELECT count(*) FROM sessions'), [(0,)],
                    'expired sessions are gone')
            tap.is_(stack.sql('SELECT count(*) FROM links'), [(0,)],
                    'expired links are gone')
            tap.is_(stack.sql("SELECT count(*) FROM outbox WHERE status "
                              "!= 'queued'"), [(0,)],
                    'delivered mail older than 30 days is gone')
            tap.ok(stack.sql('SELECT count(*) FROM events')[0][0] > 0,
                   'security events are kept')

        with tap.story('5.1.5: redirects stay on this site'):
            c = stack.client()
            r = ask_reset(c, 'https://evil.example/')
            loc = r.headers.get('Location') or ''
            tap.like(loc, r'^/reset/prove\?username=https%3A%2F%2Fevil',
                     'a typed URL only ever lands in a query value')
            locs = [x.headers.get('Location') for x in stack.responses
                    if x.headers.get('Location')]
            tap.ok(all(l.startswith('/') and not l.startswith('//')
                       for l in locs), 'every Location of the run is a '
                   'path on this site', locs)

        with tap.story('14.5.4, 7.3.1: an X-Forwarded-For from an untrusted '
                       'client is ignored'):
            c = from_ip(stack.client(), '203.0.113.9')
            c.get('/login')
            c.post('/login', {'username': 'alice', 'password': 'wrong'})
            ips = {ip for (ip,) in stack.sql(
                "SELECT ip FROM events WHERE kind = 'login_failed'")}
            tap.is_(ips, {'127.0.0.1'}, 'the event records the address '
                    'that connected, not the forged one')

        with tap.story('4.3.2: no directory listing'):
            r = stack.client().get('/static/')
            # The 404 page links the stylesheet itself: look for a listing.
            tap.ok(r.status == 404 and 'Index of' not in r.text and
                   not re.search(r'<a [^>]*href="[^"]*favicon\.svg"',
                                 r.text), 'GET /static/ lists nothing',
                   r.status)

        with tap.story('7.2.2: refused requests are logged'):
            c = stack.client()
            c.get('/login')
            c.post('/login', {'username': 'a', 'password': 'b'}, csrf=False)
            tap.like(stack.logs(), r'refused: POST /login from 127\.0\.0\.1 '
                     r'without a valid CSRF token', 'a POST without a CSRF '
                     'token leaves a line with path and address')

        with tap.story('7.1.1, 7.1.2: no secret reaches the logs'):
            c = stack.client()
            ask_reset(c, 'alice')
            mails, _ = post.deliver()
            code = code_in(message_text(Deliveries.to(
                mails, 'alice@example.org')[-1]))
            logs = stack.logs() + open(os.path.join(
                stack.tmp, 'smtpd.log'), errors='replace').read()
            secrets = {'password': long_pw, 'reset code': code,
                       'session token': alice.cookie('postern')}
            for what, value in secrets.items():
                tap.ok(value and value not in logs, 'the %s is not in any '
                       'log' % what)


def binaries():
    with tap.story('14.1.2: the programs are built hardened'):
        for prog in ('cgi-bin/login.fcgi', 'bin/postern'):
            path = os.path.join(BUILD, prog)
            hdr = subprocess.run(['readelf', '-h', '-l', '-d', '-s', '-W',
                                  path], capture_output=True, text=True)
            out = hdr.stdout
            tap.like(out, r'Type:\s+DYN', '%s is position-independent' %
                     prog)
            tap.like(out, r'GNU_RELRO', '%s has RELRO' % prog)
            tap.like(out, r'BIND_NOW|FLAGS.*NOW', '%s binds now (full '
                     'RELRO)' % prog)
            tap.like(out, r'__stack_chk_fail', '%s has the stack '
                     'protector' % prog)
            tap.like(out, r'__\w+_chk\b', '%s uses the _FORTIFY_SOURCE '
                     'checks' % prog)


def main():
    binaries()
    main_stack()
    secure_cookie_stack()
    sessions_stack()


tap.run(main)
