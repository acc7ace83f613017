#!/usr/bin/python3
"""
asvs.py: OWASP ASVS requirements that SECURITY.md claims are met, each
proven here on the real stack rather than by reading the code.  The
story titles name the requirement numbers.
"""

import os
import email.utils
import re
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD, DEFAULT_PASSWORD, REPO, Deliveries,  # noqa
                     Stack,
                     Tap, age_account, ask_reset, code_in, db_write,
                     enable_totp,
                     from_ip, message_text, parse_set_cookie, program_pids,
                     proof)

tap = Tap()


def sessions_stack():
    # An hour idle, two at most; the time passes by moving the session's
    # times back, never by waiting, so a slow machine tells the same.
    with Stack(session_idle='1h', session_max='2h') as stack:
        with tap.story('3.3.1, 3.3.2: idle and absolute timeouts end a '
                       'session on the server'):
            c = stack.new_user('ida', 'ida@example.org')
            tap.is_(c.get('/account').status, 200, 'logged in')
            past(stack, 'last_seen', 3601)
            tap.is_(c.get('/account').status, 403, 'after session_idle '
                    'without a request, the session is gone')
            c.get('/login')
            c.post('/login', {'username': 'ida', 'password':
                              DEFAULT_PASSWORD})
            tap.is_(c.get('/account').status, 200, 'logged in again')
            past(stack, 'created_at', 7201)
            tap.is_(c.get('/account').status, 403, 'a busy session still '
                    'ends at session_max')


def past(stack, column, seconds):
    """Move a time of ida's sessions back by seconds."""
    db_write(stack, 'UPDATE sessions SET %s = %s - ? WHERE account_id = '
             "(SELECT id FROM accounts WHERE username = 'ida')"
             % (column, column), seconds)


def secure_cookie_stack():
    with Stack(cookie_secure='on') as stack:
        with tap.story('3.4.1, 3.4.2, 3.4.3, 3.4.4, 3.4.5: the session '
                       'cookie'):
            c = stack.client()
            r = c.get('/login')
            raw = r.headers.get_all('Set-Cookie')
            tap.is_(sorted(x.split('=', 1)[0] for x in raw),
                    ['__Host-postern', '__Host-postern-browser'],
                    'two cookies are set: the session\'s and the '
                    'browser\'s own, both with the __Host- prefix')
            for line in raw:
                name = line.split('=', 1)[0]
                attrs = parse_set_cookie(line)
                tap.ok(attrs.get('secure') is True, '%s is Secure' % name)
                tap.ok(attrs.get('httponly') is True, '%s is HttpOnly'
                       % name)
                tap.is_(str(attrs.get('samesite', '')).lower(), 'lax',
                        '%s is SameSite=Lax' % name)
                tap.is_(attrs.get('path'), '/', '%s: its Path is /' % name)
                tap.ok('domain' not in attrs, '%s names no Domain' % name)
            attrs = [parse_set_cookie(x) for x in raw
                     if x.startswith('__Host-postern=')]
            tap.ok(attrs and 'max-age' not in attrs[0] and
                   'expires' not in attrs[0], 'the session\'s ends when '
                   'the browser closes')
            attrs = [parse_set_cookie(x) for x in raw
                     if x.startswith('__Host-postern-browser=')]
            tap.is_(attrs[0].get('max-age') if attrs else None,
                    str(365 * 86400), 'the browser\'s lasts a year: it '
                    'names the browser, never a session (device cookie)')


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
            # Only an address older than reset_delay gets a code (R9).
            age_account(stack, 'alice')
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


def twofa_limit_stack():
    with Stack() as stack:
        with tap.story('2.2.1: wrong two-step codes have a limit of their '
                       'own; it closes for strangers, never for the '
                       'owner\'s browser'):
            tess = stack.new_user('tess', 'tess@example.org')
            tess.get('/contacts/recovery-code')
            tess.post('/contacts/recovery-code', proof(tess))  # R2 first
            auth = enable_totp(tess)
            c = stack.client()
            c.get('/login')
            r = c.post('/login', {'username': 'tess',
                                  'password': DEFAULT_PASSWORD})
            tap.is_(stack.path_of(r.location), '/login/2fa', 'the right '
                    'password leads to the code form')
            c.get('/login/2fa')
            got = [c.post('/login/2fa', {'code': auth.wrong()}).status
                   for _ in range(5)]
            tap.is_(got, [422] * 5, 'five wrong codes are refused')
            r = c.post('/login/2fa', {'code': auth.next()})
            tap.is_(r.status, 429, 'then even the right code is refused '
                    'for a while, in browsers Tess never used')
            tap.like(' '.join(c.errors(r)), r'try again on',
                     'the page says until when')
            tap.is_(stack.sql("SELECT count(*) FROM events e JOIN accounts a"
                              " ON a.id = e.account_id WHERE a.username = "
                              "'tess' AND e.kind = 'totp_failed'"),
                    [(5,)], 'each wrong code is on her activity page')
            tap.is_(stack.sql("SELECT count(*) FROM events e JOIN accounts a"
                              " ON a.id = e.account_id WHERE a.username = "
                              "'tess' AND e.kind = 'totp_locked'"),
                    [(1,)], 'and so is the closing, once')
            stack.mailer_once()
            told = [m for m in stack.mails_to('tess@example.org')
                    if 'Wrong authenticator codes' in m.subject]
            tap.is_(len(told), 1, 'Tess is mailed that it closed')
            d = stack.client()
            d.get('/login')
            r = d.post('/login', {'username': 'TESS@example.org',
                                  'password': DEFAULT_PASSWORD})
            tap.is_(stack.path_of(r.location), '/login/2fa', 'passwords '
                    'have their own count: the right one still leads on')
            tess.get('/logout')
            tess.post('/logout')
            tess.get('/login')
            r = tess.post('/login', {'username': 'tess',
                                     'password': DEFAULT_PASSWORD})
            tess.get('/login/2fa')
            r = tess.post('/login/2fa', {'code': auth.next()})
            tap.is_((r.status, stack.path_of(r.location)), (303, '/account'),
                    'and Tess, in her own browser, logs in with her code')


def ip_limit_stack():
    with Stack(trusted_proxies='127.0.0.1', pwhash_ops=1,
               pwhash_mem='8MiB') as stack:
        with tap.story('2.2.1: one address that sprays a password over '
                       'many names is stopped'):
            stack.new_user('vic', 'vic@example.org')
            spray = from_ip(stack.client(), '198.51.100.7')
            spray.get('/login')
            got = set()
            for i in range(100):
                got.add(spray.post('/login', {'username': 'user%03d' % i,
                                              'password': 'Winter2026!'})
                        .status)
            tap.is_(sorted(got), [422], '100 failed logins on 100 names '
                    'are refused one by one')
            r = spray.post('/login', {'username': 'vic',
                                      'password': DEFAULT_PASSWORD})
            tap.is_(r.status, 429, 'then that address gets 429, even with '
                    'a right password')
            tap.like(' '.join(spray.errors(r)), r'from your network',
                     'the page says why')
            tap.like(r.text, r'value="vic"', 'and keeps the name typed')
            other = from_ip(stack.client(), '203.0.113.9')
            other.get('/login')
            r = other.post('/login', {'username': 'vic',
                                      'password': DEFAULT_PASSWORD})
            tap.is_(r.status, 303, 'Vic logs in from another address')
            tap.is_(stack.sql("SELECT kind, count(*) FROM events WHERE "
                              "account_id = 0 AND ip = '198.51.100.7' "
                              "GROUP BY kind ORDER BY kind"),
                    [('login_ip_locked', 1), ('login_unknown', 100)],
                    'each failure and the closing are recorded (7.2.1)')


def utc_stack():
    """The programs and postern run with a time zone 13 h 45 min east of
    UTC (a POSIX TZ string: no tzdata needed)."""
    zone = 'XYZ-13:45'
    old = os.environ.get('TZ')
    os.environ['TZ'] = zone
    try:
        with Stack() as stack:
            with tap.story('7.3.4: times are kept and shown in UTC, '
                           'whatever the server\'s time zone'):
                t0 = time.time()
                c = stack.new_user('uma', 'uma@example.org')
                t1 = time.time()
                pids = program_pids(stack, 'signup')
                envs = [open('/proc/%d/environ' % p, 'rb').read()
                        for p in pids]
                tap.ok(envs and all(('TZ=' + zone).encode() in e.split(b'\0')
                                    for e in envs), 'the programs run with '
                       'TZ=' + zone)
                at = stack.sql("SELECT max(e.at) FROM events e JOIN accounts "
                               "a ON a.id = e.account_id WHERE a.username = "
                               "'uma'")[0][0]
                tap.ok(at is not None and t0 - 1 <= at <= t1 + 1,
                       'events are stored as Unix time (UTC seconds)',
                       (t0, at, t1))
                r = c.get('/account/activity')
                shown = re.findall(r'<time datetime="([^"]*)">([^<]*)</time>',
                                   r.text)
                utc = time.gmtime(at)
                want = (time.strftime('%Y-%m-%dT%H:%MZ', utc),
                        time.strftime('%A {} %B %Y at %H:%M UTC', utc)
                        .format(utc.tm_mday))
                tap.ok(want in shown, 'the activity page shows %s, in UTC'
                       % (want,), shown[:3])
                mail = stack.mails_to('uma@example.org')[-1]
                date = mail.msg.get('Date', '')
                tap.like(date, r' \+0000$', 'a mail\'s Date is in UTC')
                when = email.utils.parsedate_to_datetime(date).timestamp() \
                    if date else 0
                tap.ok(t0 - 1 <= when <= t1 + 1, 'and is the time it was '
                       'sent', date)
    finally:
        if old is None:
            del os.environ['TZ']
        else:
            os.environ['TZ'] = old


def secret_files_stack():
    with Stack() as stack:
        with tap.story('2.10.3: the key and the SMTP password are files '
                       'others cannot read, and Postern says so when they '
                       'can'):
            # secret_key_file's default: postern.key beside the database
            key = os.path.join(os.path.dirname(stack.db_path),
                               'postern.key')
            mode = stat.S_IMODE(os.stat(key).st_mode)
            tap.is_(oct(mode), oct(0o600), 'postern init made the key '
                    'readable and writable by its owner only')
            r = stack.mailer_once()
            tap.unlike(r.stderr, r'readable by others', 'postern mailer '
                       'says nothing of it then')
            os.chmod(key, 0o644)
            r = stack.mailer_once()
            tap.like(r.stderr, r'postern\.key: readable by others; it '
                     r'should be mode 0600 or 0640', 'a key others can read '
                     'is reported')
            os.chmod(key, 0o640)
            pw = os.path.join(stack.tmp, 'smtp-password')
            with open(pw, 'w') as f:
                f.write('hunter2-but-longer\n')
            os.chmod(pw, 0o644)
            with open(stack.conf_path, 'a') as f:
                f.write('smtp_user = postern\nsmtp_password_file = %s\n'
                        % pw)
            r = stack.mailer_once()
            tap.like(r.stderr, r'smtp-password: readable by others',
                     'so is an SMTP password file others can read')
            tap.unlike(r.stderr + stack.logs(), r'hunter2',
                       'without the password itself')
            tap.unlike(r.stderr, r'postern\.key', 'a key in mode 0640 '
                       '(shared with the mailer\'s group) is fine')
            os.chmod(pw, 0o600)
            r = stack.mailer_once()
            tap.unlike(r.stderr, r'readable by others', 'and in mode 0600 '
                       'nothing is said')


def hsts_stack():
    with Stack(base_url='https://accounts.example.org') as stack:
        with tap.story('14.4.5: Strict-Transport-Security on every '
                       'response when base_url is https'):
            c = stack.client()
            want = 'max-age=31536000; includeSubDomains'
            for path, status in (('/login', 200), ('/account', 403),
                                 ('/no-such-page', 404), ('/', 303)):
                r = c.get(path)
                tap.is_((r.status, r.headers.get_all(
                    'Strict-Transport-Security')), (status, [want]),
                    'GET %s: %d, with the header once' % (path, status))
            r = c.post('/login', {'username': 'x' * 20000})
            tap.is_((r.status, r.headers.get_all(
                'Strict-Transport-Security')), (413, [want]),
                'a refused POST (413) too')
    with Stack() as stack:
        r = stack.client().get('/login')
        tap.is_(r.headers.get_all('Strict-Transport-Security'), [],
                'with an http:// base_url there is none (a browser would '
                'ignore it)')


def nothing_extra_stack():
    with Stack() as stack:
        with tap.story('2.5.2: no form asks for a password hint or a '
                       'secret question'):
            c = stack.new_user('uma', 'uma@example.org')
            anon = stack.client()
            names = set()
            pages = 0
            for client, path in ((anon, '/signup'), (anon, '/login'),
                                 (anon, '/reset'), (c, '/account'),
                                 (c, '/contacts'), (c, '/contacts/2fa'),
                                 (c, '/domains'), (c, '/email')):
                r = client.get(path)
                pages += r.status == 200
                for f in client.forms(r):
                    names |= {n for n, _, _ in f['fields'] if n}
            tap.is_(pages, 8, 'every form page opened')
            tap.ok({'username', 'email', 'password'} <= names,
                   'their fields were read (%d names)' % len(names))
            tap.is_(sorted(n for n in names if re.search(
                r'hint|question|answer|remind|secret', n, re.I)), [],
                    'none is a hint, a question or its answer')
        with tap.story('14.2.2, 14.3.2: no sample, debug or status page, '
                       'and no stack trace'):
            c = stack.client()
            for path in ('/debug', '/test', '/status', '/server-status',
                         '/server-info', '/info.php', '/examples/',
                         '/cgi-bin/', '/.git/config', '/postern.conf',
                         '/static/postern.key', '/account?debug=1'):
                r = c.get(path)
                want = 403 if path.startswith('/account') else 404
                tap.is_(r.status, want, 'GET %s answers %d' % (path, want))
            r = c.post('/login', {'username': 'a', 'password': 'b',
                                  'csrf': 'x' * 300})
            tap.ok(r.status == 403 and not re.search(
                r'(?i)\.c:\d|traceback|sqlite|errno|/work/|/tmp/',
                r.text), 'a refused request shows no file, line, path or '
                   'library name')
        with tap.story('2.10.4: no secret in the repository'):
            files = subprocess.run(['git', '-C', REPO, 'ls-files', '-z'],
                                   capture_output=True)
            names = [n.decode() for n in files.stdout.split(b'\0') if n]
            if files.returncode != 0 or not names:
                tap.skip('not a git checkout')
            else:
                keys = []
                for name in names:
                    path = os.path.join(REPO, name)
                    if re.search(r'\.(key|p12|pfx)$|(^|/)postern\.key$|'
                                 r'(^|/)\.env$', name):
                        keys.append(name)
                    elif os.path.isfile(path) and \
                            os.path.getsize(path) < 2 ** 20:
                        with open(path, 'rb') as f:
                            if re.search(rb'-----BEGIN [A-Z ]*PRIVATE KEY',
                                         f.read()):
                                keys.append(name)
                tap.ok(len(names) > 100, 'the repository\'s %d files were '
                       'read' % len(names))
                tap.is_(keys, [], 'none is a key file or holds a private '
                        'key')


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
    twofa_limit_stack()
    ip_limit_stack()
    utc_stack()
    secret_files_stack()
    hsts_stack()
    nothing_extra_stack()


tap.run(main)
