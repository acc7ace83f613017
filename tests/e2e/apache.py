#!/usr/bin/python3
"""
apache.py: Postern behind Debian's apache2 and mod_proxy_fcgi, configured
by apache.conf.example itself (DESIGN section 7), on a loopback port with
its own ServerRoot, PidFile, locks and logs in a temporary folder.  The
programs are the real ones, started as postern@.service starts them
(spawn-fcgi, as a user of their own, on sockets only www-data may use).

The stories a hoster on Apache would live: Apache accepts the example;
a person signs up, verifies the address from the mail, logs in, sees
the account and logs out; a forgotten password is reset through the
pages and the change is rejected from one mail and confirmed from
another; static files and unknown paths get the same security headers
and Postern's own 404 page; the programs run as their own user, which
Apache's user cannot become, and their key and database are that user's
alone; Apache stops cleanly and leaves no child behind.
"""

import os
import pwd
import re
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (APACHE_EXAMPLE, DEFAULT_PASSWORD,  # noqa: E402
                     ApacheStack, Deliveries, Tap, as_user, ask_reset,
                     forms_to,
                     header_problems, password_works, pending_notices,
                     person, prove_reset, reset_codes_sent,
                     reset_states, token_of, _descendants, _read)

tap = Tap()

TOKEN = r'[A-Za-z0-9_-]{43}'
NEW_PASSWORD = 'a brand new password 42'


def log_problems(stack):
    """Lines of Apache's logs that tell of an error: a program that
    crashed or could not start, a sanitizer report, anything logged at
    error level or worse."""
    text = _read(stack.errorlog) + _read(stack.breakagelog)
    return [ln for ln in text.splitlines() if re.search(
        r'(?i):(error|crit|alert|emerg)\]|sanitizer|runtime error|'
        r'segmentation|exit signal|premature end|communication error',
        ln)]


def main():
    with ApacheStack() as stack:
        tap.note('apache2 serves %s (ServerRoot %s)' % (
            stack.base_url, stack.apache_root))
        the_config(stack)
        signup_journey(stack)
        reset_journey(stack)
        static_and_errors(stack)
        own_user(stack)
        every_response(stack)
        stopping(stack)


def the_config(stack):
    with tap.story('Apache runs apache.conf.example'):
        with open(APACHE_EXAMPLE) as f:
            example = f.read()
        with open(stack.apache_conf_path) as f:
            conf = f.read()
        want = re.findall(r'^[ \t]*(?:ProxyPass|ProxyTimeout|Alias|'
                          r'Header|ErrorDocument)\s.*$', example, re.M)
        tap.ok(want and all(line in conf.splitlines() for line in want),
               'every proxy, alias and header line of the example is '
               'used as it stands (%d lines)' % len(want))
        tap.ok(stack.lighttpd is not None and stack.lighttpd.poll() is None,
               'apache2 -t accepted it and apache2 is running')
        r = stack.client().get('/')
        tap.is_(r.status, 303, 'GET / answers 303 (the example sends '
                'every other path to account)')
        tap.like(stack.path_of(r.location), r'^/login$', 'to /login')


def signup_journey(stack):
    alice = stack.client()
    s = {}
    with tap.story('Signing up through Apache'):
        r = alice.get('/signup')
        tap.is_(r.status, 200, 'GET /signup answers 200')
        tap.is_(header_problems(r), [], 'with the security headers, '
                'no-store and no server version')
        tap.is_(r.headers.get('Server'), 'Apache', 'Server says only '
                '"Apache" (ServerTokens Prod)')
        r = alice.post('/signup', {'username': 'alice',
                                   'email': 'alice@example.org',
                                   'password': DEFAULT_PASSWORD})
        tap.is_(r.status, 303, 'POST /signup answers 303')
        tap.like(stack.path_of(r.location), r'^/signup\?sent=1$',
                 'to /signup?sent=1 (mod_fcgid passes the status, no '
                 'internal redirect)')
        r = alice.get('/signup?sent=1')
        tap.is_(r.status, 200, 'that page answers 200')
        tap.is_(stack.sql("SELECT recipient, status FROM outbox"),
                [('alice@example.org', 'queued')], 'one mail waits in the '
                'outbox')
        run = stack.mailer_once()
        tap.is_(run.returncode, 0, 'postern mailer --once delivers')
        mails = stack.mails_to('alice@example.org')
        tap.is_(len(mails), 1, 'one mail reached alice@example.org')
        link = stack.link_in(mails[0], '/verify?t=') if mails else None
        tap.like(link, '^' + re.escape(stack.base_url) + r'/verify\?t=' +
                 TOKEN + '$', 'it holds the verify link, built from '
                 'base_url')
        s['token'] = token_of(link)

    with tap.story('Verifying, logging in, the account page, logging out'):
        reader = stack.client()
        r = reader.get('/verify?t=%s' % s['token'])
        tap.is_(r.status, 200, 'the link opens a page (/verify goes to '
                'signup.fcgi through its ScriptAlias)')
        f = forms_to(reader, r, '/verify')
        tap.is_(len(f), 1, 'with one form that POSTs to /verify')
        r = reader.post('/verify', {'t': s['token']})
        tap.is_(r.status, 303, 'pressing its button answers 303')
        tap.like(stack.path_of(r.location), r'^/login\?verified=1$',
                 'to /login?verified=1')
        rows = stack.sql("SELECT email_verified_at FROM accounts WHERE "
                         "username = 'alice'")
        tap.ok(rows and rows[0][0] > 0, 'the address is verified', rows)
        r = alice.get('/login?verified=1')
        tap.is_(r.status, 200, 'the login form opens')
        r = alice.post('/login', {'username': 'alice',
                                  'password': DEFAULT_PASSWORD})
        tap.is_(r.status, 303, 'the right password answers 303')
        tap.like(stack.path_of(r.location), r'^/account$', 'to /account')
        r = alice.get('/account')
        tap.is_(r.status, 200, 'GET /account answers 200')
        tap.like(alice.text_of(r), r'alice@example\.org', 'the page shows '
                 'the address')
        r = alice.post('/logout', {})
        tap.is_(r.status, 303, 'POST /logout answers 303 (login.fcgi '
                'through the /logout ScriptAlias)')
        tap.like(stack.path_of(r.location), r'^/login\?out=1$', 'to /login?out=1')
        tap.is_(alice.get('/account').status, 403, 'the account page is '
                'closed afterwards')


def reset_journey(stack):
    post = Deliveries(stack)
    alice = None
    with tap.story('A forgotten password, stopped from the reject link'):
        person(stack, post, 'carol', 'carol@home.example',
               emails=['carol@old.example'])
        alice = stack.client()
        r = ask_reset(alice, 'carol')
        tap.is_(r.status, 303, 'POST /reset answers 303')
        tap.is_(stack.path_of(r.location), '/reset/prove?username=carol',
                'to /reset/prove?username=carol')
        mails, sms = post.deliver()
        codes = reset_codes_sent(tap, mails, sms, ['carol@home.example',
                                                   'carol@old.example'])
        r = prove_reset(alice, 'carol', [codes.get('carol@old.example')],
                        NEW_PASSWORD)
        tap.is_(r.status, 303, 'one code proves it: 303')
        tap.is_(stack.path_of(r.location), '/reset?pending=1',
                'to /reset?pending=1')
        tap.is_(reset_states(stack, 'carol'), ['pending'], 'the change is '
                'pending')
        mails, sms = post.deliver()
        links = pending_notices(tap, stack, mails, sms,
                                confirm_to=['carol@home.example'],
                                no_confirm_to=['carol@old.example'])
        link = links.get('carol@home.example', {}).get('reject')
        owner = stack.client()
        r = owner.get(stack.path_of(link) or '/reset/reject')
        tap.is_(r.status, 200, 'the reject link opens a page')
        tap.is_(len(forms_to(owner, r, '/reset/reject')), 1,
                'with a form that POSTs to /reset/reject')
        r = owner.post('/reset/reject', {'t': token_of(link)})
        tap.is_(r.status, 303, 'pressing its button answers 303')
        tap.is_(stack.path_of(r.location), '/reset?rejected=1',
                'to /reset?rejected=1')
        tap.is_(reset_states(stack, 'carol'), ['rejected'], 'the change '
                'is rejected')
        tap.ok(password_works(stack, 'carol', DEFAULT_PASSWORD),
               'the old password still logs in')
        tap.ok(not password_works(stack, 'carol', NEW_PASSWORD),
               'the new one never did')
        post.deliver()

    with tap.story('A forgotten password, confirmed from the other '
                   'address'):
        person(stack, post, 'dave', 'dave@home.example',
               emails=['dave@old.example'])
        c = stack.client()
        r = ask_reset(c, 'dave')
        tap.is_(r.status, 303, 'POST /reset answers 303')
        mails, sms = post.deliver()
        codes = reset_codes_sent(tap, mails, sms, ['dave@home.example',
                                                   'dave@old.example'])
        r = prove_reset(c, 'dave', [codes.get('dave@old.example')],
                        NEW_PASSWORD)
        tap.is_(r.status, 303, 'one code proves it: 303')
        mails, sms = post.deliver()
        links = pending_notices(tap, stack, mails, sms,
                                confirm_to=['dave@home.example'],
                                no_confirm_to=['dave@old.example'])
        link = links.get('dave@home.example', {}).get('confirm')
        owner = stack.client()
        r = owner.get(stack.path_of(link) or '/reset/confirm')
        tap.is_(r.status, 200, 'the confirm link opens a page')
        tap.is_(len(forms_to(owner, r, '/reset/confirm')), 1,
                'with a form that POSTs to /reset/confirm')
        r = owner.post('/reset/confirm', {'t': token_of(link)})
        tap.is_(r.status, 303, 'pressing its button answers 303')
        tap.is_(reset_states(stack, 'dave'), ['applied'], 'the change is '
                'applied at once')
        tap.ok(password_works(stack, 'dave', NEW_PASSWORD),
               'the new password logs in')
        tap.ok(not password_works(stack, 'dave', DEFAULT_PASSWORD),
               'the old one no longer does')
        post.deliver()


def static_and_errors(stack):
    c = stack.client()
    with tap.story('Static files and unknown paths'):
        r = c.get('/static/postern.css')
        tap.is_(r.status, 200, 'GET /static/postern.css answers 200 '
                '(the example\'s Alias)')
        tap.is_(r.headers.get('Content-Type'), 'text/css; charset=utf-8',
                'as CSS in UTF-8 (the example\'s AddType)')
        tap.is_(header_problems(r), [], 'with CSP, Referrer-Policy, '
                'nosniff and no server version (the example\'s Header '
                'lines)')
        tap.like(r.headers.get('Cache-Control'), r'max-age=\d+',
                 'and a Cache-Control that lets it be cached')
        tap.ok(len(r.body) > 100, 'it is the stylesheet (%d bytes)'
               % len(r.body))
        r = c.get('/static/missing.css')
        tap.is_(r.status, 404, 'a missing static file answers 404')
        tap.ok(r.is_html and c.heading(r), 'with Postern\'s own page '
               '(ErrorDocument /account/404)', r.text[:300])
        tap.is_(header_problems(r), [], 'carrying the security headers')
        for path in ('/no-such-page', '/signups', '/static/../postern.db',
                     '/cgi-bin/signup.fcgi'):
            r = c.get(path)
            tap.is_(r.status, 404, 'GET %s answers 404' % path)
            tap.ok(r.is_html and 'Postern' in r.text, 'with Postern\'s own '
                   'page', r.text[:300])
        r = c.request('HEAD', '/login')
        tap.is_((r.status, r.body), (200, b''), 'HEAD /login answers 200 '
                'without a body')

    with tap.story('Forms that are too large'):
        c.get('/login')
        r = c.post('/login', {'username': 'x' * 20000, 'password': 'y'})
        tap.is_(r.status, 413, 'a 20 KB form gets Postern\'s own 413 (its '
                'limit is 16 KiB)')
        tap.is_(header_problems(r), [], 'with the security headers')
        c.get('/login')
        r = c.post('/login', {'username': 'x' * 100000, 'password': 'y'})
        tap.is_(r.status, 413, 'a 100 KB form, over the example\'s 64 KiB, '
                'is refused by Apache with 413 before a program reads it')
        tap.ok(r.is_html and 'Too much data' in r.text, 'with Postern\'s '
               'own page (ErrorDocument 413)', r.text[:300])
        tap.is_(header_problems(r), [], 'which carries the security headers')


def own_user(stack):
    with tap.story('The programs run as their own user, not as Apache\'s'):
        if os.geteuid() != 0:
            tap.skip('only root can start them as another user')
            return
        run = pwd.getpwnam(stack.run_user)
        web = pwd.getpwnam(stack.web_user)
        uids = {}
        for name, proc in stack.spawned.items():
            with open('/proc/%d/status' % proc.pid) as f:
                uids[name] = int(re.search(r'^Uid:\s+(\d+)', f.read(),
                                           re.M).group(1))
        tap.is_(sorted(set(uids.values())), [run.pw_uid], 'all %d programs '
                'run as %s (uid %d), none as %s' % (
                    len(uids), stack.run_user, run.pw_uid, stack.web_user))
        socks = [os.stat(os.path.join(stack.sockdir, n + '.sock'))
                 for n in stack.spawned]
        tap.ok(socks and all(st.st_uid == web.pw_uid and
                             stat.S_IMODE(st.st_mode) == 0o600
                             for st in socks),
               'each socket is %s\'s, mode 0600' % stack.web_user)
        key = os.path.join(stack.tmp, 'postern.key')
        st = os.stat(key)
        tap.ok(st.st_uid == run.pw_uid and stat.S_IMODE(st.st_mode) == 0o600,
               'the key is %s\'s, mode 0600' % stack.run_user)
        r = subprocess.run(as_user(stack.web_user, ['cat', key]),
                           capture_output=True)
        tap.ok(r.returncode != 0 and r.stdout == b'', '%s cannot read the '
               'key' % stack.web_user)
        r = subprocess.run(as_user(stack.web_user, [
            '/usr/bin/sqlite3', stack.db_path, 'SELECT count(*) FROM '
            'accounts']), capture_output=True, text=True)
        tap.ok(r.returncode != 0, '%s cannot read the database' %
               stack.web_user)


def every_response(stack):
    with tap.story('Every response carried the security headers'):
        problems = []
        for r in stack.responses:
            problems += header_problems(r)
        tap.is_(problems, [], 'CSP, Referrer-Policy, nosniff, a UTF-8 '
                'Content-Type, no-store and no server version on all %d '
                'responses' % len(stack.responses))
        tap.is_(log_problems(stack), [], 'Apache logged no error, no '
                'crash, no sanitizer report')


def stopping(stack):
    with tap.story('Apache stops cleanly'):
        kids = _descendants(stack.lighttpd.pid)
        tap.ok(kids, 'Apache\'s children are running before the stop '
               '(%d)' % len(kids))
        stack._stop_lighttpd()
        st = stack.apache_stopped or {}
        tap.is_(st.get('returncode'), 0, 'SIGTERM ends apache2 with '
                'status 0')
        tap.ok(st.get('seconds', 99) < 10, 'within 10 s (%.1f s)'
               % st.get('seconds', 99))
        tap.is_(st.get('left'), {}, 'and no child of Apache is left '
                'running')
        tap.like(_read(stack.errorlog), r'caught SIGTERM, shutting down',
                 'its log says it shut down')
        tap.is_(log_problems(stack), [], 'and nothing went wrong on the '
                'way')


tap.run(main)
