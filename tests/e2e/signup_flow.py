#!/usr/bin/python3
"""
signup_flow.py: the first flow a person goes through, end to end on the
real stack: open the signup form, sign up, get the mail, verify the
address through the page the link opens, log in, see the account, log
out.  Also the two ways a signup meets an existing account: a taken
name is refused with the form kept, a taken address looks like success
to the visitor and its owner is told instead (DESIGN sections 2 and 4).
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Stack, Tap, header_problems  # noqa: E402

tap = Tap()

PASSWORD = 'correct horse battery 7'
ALICE = {'username': 'alice', 'email': 'alice@example.org',
         'password': PASSWORD}
TOKEN = r'[A-Za-z0-9_-]{43}'


def without_csrf(text):
    """A page with its csrf token blanked, for comparing two pages."""
    return re.sub(r'(name="csrf"[^>]*value=")[^"]*', r'\1', text)


def token_anywhere(snapshot, token):
    """Where the plaintext token occurs in a database snapshot."""
    found = []
    for table, rows in snapshot.items():
        for row in rows:
            for cell in row:
                if (isinstance(cell, str) and token in cell) or \
                        (isinstance(cell, bytes) and token.encode() in cell):
                    found.append('%s %r' % (table, row))
    return found


def main():
    with Stack() as stack:
        s = {}      # what one story hands to the next
        stories(stack, s)


def stories(stack, s):
    alice = stack.client()

    with tap.story('A visitor opens the signup form'):
        r = alice.get('/signup')
        tap.is_(r.status, 200, 'GET /signup answers 200')
        tap.is_(r.headers.get('Content-Type'), 'text/html; charset=utf-8',
                'the form is an HTML page in UTF-8')
        forms = [f for f in alice.forms(r) if f['method'] == 'post' and
                 (f['action'] or '').endswith('/signup')]
        tap.is_(len(forms), 1, 'it has one form that POSTs to /signup')
        fields = {n: t for n, t, _ in forms[0]['fields']} if forms else {}
        for name in ('username', 'email', 'password'):
            tap.ok(name in fields, 'the form has the field %r that password '
                   'managers and scripts rely on' % name)
        tap.is_(fields.get('password'), 'password',
                'the password is typed into a password field')
        tap.is_(fields.get('csrf'), 'hidden', 'the form carries a hidden '
                'csrf token')
        tap.like(alice.csrf, r'\S{16,}', 'the csrf token is not empty')
        tap.is_(header_problems(r), [], 'the page carries the security '
                'headers, no-store and no server version')
        c = r.set_cookie('postern')
        tap.ok(c is not None, 'the first visit sets the cookie "postern" '
               '(cookie_secure is off)', r.headers.get_all('Set-Cookie'))
        c = c or {}
        tap.ok(c.get('httponly') is True, 'the cookie is HttpOnly')
        tap.is_(str(c.get('samesite', '')).lower(), 'lax',
                'the cookie is SameSite=Lax')
        tap.is_(c.get('path'), '/', 'the cookie has Path=/')
        tap.is_(r.set_cookie('__Host-postern'), None, 'no __Host- cookie '
                'over plain HTTP')

    with tap.story('Signing up mails a link to verify the address, and '
                   'the database keeps only its hash'):
        r = alice.post('/signup', ALICE)
        tap.is_(r.status, 303, 'the signup answers 303 (Post/Redirect/Get)')
        s['success'] = r
        tap.like(r.location, r'/signup\?sent=1$',
                 'it sends the browser to /signup?sent=1')
        r = alice.get(stack.path_of(r.location) or '/signup?sent=1')
        tap.is_(r.status, 200, 'that page answers 200')
        tap.like(alice.text_of(r), r'(?i)check your (e-?)?mail',
                 'it tells the visitor to check their mail')
        tap.is_(stack.sql('SELECT username, email, email_verified_at '
                          'FROM accounts'),
                [('alice', 'alice@example.org', 0)],
                'the account exists, its address not yet verified')
        tap.is_(stack.sql("SELECT recipient, status FROM outbox"),
                [('alice@example.org', 'queued')],
                'one mail waits in the outbox; the request sent nothing '
                'itself')
        queued = stack.db_snapshot()

        run = stack.mailer_once()
        tap.is_(run.returncode, 0, 'postern mailer --once succeeds',)
        mails = stack.mails_to('alice@example.org')
        tap.is_(len(mails), 1, 'one mail reached alice@example.org')
        link = stack.link_in(mails[0], '/verify?t=') if mails else None
        tap.like(link, r'^' + re.escape(stack.base_url) + r'/verify\?t=' +
                 TOKEN + r'$', 'the mail has the link alone on its line: '
                 'base_url/verify?t= and a 43-character token')
        s['link'] = link
        token = link.split('t=', 1)[1] if link else 'no-token'
        s['token'] = token
        tap.is_(stack.sql("SELECT status FROM outbox"), [('sent',)],
                'the outbox row is marked sent')
        tap.is_(token_anywhere(queued, token), [],
                'no table held the token while the mail waited, the '
                'outbox neither: its body is sealed')
        tap.is_(token_anywhere(stack.db_snapshot(), token), [],
                'once the mail is delivered, the token is nowhere in the '
                'database')
        rows = stack.sql("SELECT kind, length(token_hash), typeof(token_hash)"
                         " FROM links")
        tap.is_(rows, [('verify', 32, 'blob')], 'links keeps one verify '
                'link as a 32-byte hash')

    with tap.story('Opening the link only shows a button; pressing it '
                   'verifies the address'):
        # A mail scanner, or the owner on another device: no session.
        reader = stack.client()
        before = stack.db_snapshot()
        r = reader.get(stack.path_of(s['link']))
        tap.is_(r.status, 200, 'the link opens a page (200)')
        forms = [f for f in reader.forms(r) if f['method'] == 'post' and
                 (f['action'] or '').endswith('/verify')]
        tap.is_(len(forms), 1, 'the page has a form that POSTs to /verify')
        form = forms[0] if forms else {'fields': [], 'buttons': []}
        tap.ok(('t', 'hidden', s['token']) in form['fields'],
               'the form carries the token as a hidden field t')
        tap.ok(len(form['buttons']) >= 1, 'the form has a button')
        tap.is_(stack.db_changes(before), [], 'opening the link changed '
                'nothing (R7: a link never acts on GET)')
        tap.is_(stack.sql('SELECT email_verified_at FROM accounts'), [(0,)],
                'the address is still unverified')

        r = reader.post('/verify', {'t': s['token']})
        tap.is_(r.status, 303, 'pressing the button answers 303')
        tap.like(r.location, r'/login\?verified=1$',
                 'and sends the browser to /login?verified=1')
        rows = stack.sql('SELECT email_verified_at FROM accounts')
        tap.ok(rows and rows[0][0] > 0, 'the address is now verified', rows)
        tap.is_(stack.sql("SELECT count(*) FROM events e JOIN accounts a "
                          "ON a.id = e.account_id WHERE a.username = 'alice'"
                          " AND e.kind = 'email_verified'"), [(1,)],
                'the event email_verified is recorded for alice')

        before = stack.db_snapshot()
        r = reader.post('/verify', {'t': s['token']})
        tap.is_(r.status, 422, 'the same link a second time is refused '
                'with 422')
        tap.ok(reader.errors(r), 'the page says why in .error')
        made_up = 'A' * 43
        r = reader.post('/verify', {'t': made_up})
        tap.is_(r.status, 422, 'a made-up token of the right shape is '
                'refused with 422')
        tap.ok(reader.errors(r), 'and the page says why in .error')
        r = reader.get('/verify?t=' + made_up)
        tap.is_(r.status, 422, 'opening a made-up link answers 422 too')
        r = reader.post('/verify', {'t': 'abc'})
        tap.is_(r.status, 400, 'a malformed token is a bad request (400)')
        r = reader.get('/verify?t=abc')
        tap.is_(r.status, 400, 'opening a malformed link answers 400 too')
        tap.is_(stack.db_changes(before), [], 'none of these changed '
                'anything')

    with tap.story('The owner logs in and sees the account'):
        r = alice.get('/login?verified=1')
        tap.is_(r.status, 200, 'the login page opens')
        pre = alice.cookie('postern')
        r = alice.post('/login', {'username': 'alice',
                                  'password': PASSWORD})
        tap.is_(r.status, 303, 'the right password answers 303')
        tap.like(r.location, r'/account$', 'to /account')
        new = r.set_cookie('postern')
        tap.ok(new is not None and new['value'] != pre,
               'the login sets a new session id (no fixation)')
        s['session'] = alice.cookie('postern')
        r = alice.get('/account')
        tap.is_(r.status, 200, 'GET /account answers 200')
        text = alice.text_of(r)
        tap.like(text, r'\balice\b', 'the page shows the username')
        tap.like(text, r'alice@example\.org', 'and the address')
        tap.like(text, r'(?i)(?<!not )verified', 'and that it is verified')
        tap.unlike(text, r'(?i)not verified', 'not that it is unverified')
        tap.is_(header_problems(r), [], 'the account page carries the '
                'security headers and no-store')

        other = stack.client()
        other.get('/login')
        r = other.post('/login', {'username': 'Alice@Example.org',
                                  'password': PASSWORD})
        tap.is_((r.status, stack.path_of(r.location)), (303, '/account'),
                'logging in with the address instead of the name works too')

    with tap.story('A wrong password and an unknown name get the same '
                   'answer'):
        c = stack.client()
        c.get('/login')
        sessions = stack.sql('SELECT count(*) FROM sessions')
        wrong = c.post('/login', {'username': 'alice',
                                  'password': 'not the password 9'})
        unknown = c.post('/login', {'username': 'nobody-here',
                                    'password': 'not the password 9'})
        tap.is_(wrong.status, 422, 'a wrong password answers 422')
        tap.is_(unknown.status, 422, 'an unknown name answers 422')
        tap.ok(c.errors(wrong), 'the page says why in .error')
        tap.is_(c.errors(unknown), c.errors(wrong),
                'both say exactly the same')
        tap.is_(c.form_values(wrong).get('username'), 'alice',
                'the typed name is kept in the form')
        tap.is_(c.form_values(unknown).get('username'), 'nobody-here',
                'also when nobody has that name')
        tap.is_(c.form_values(wrong).get('password', ''), '',
                'the password is not sent back')
        a = without_csrf(wrong.text).replace('value="alice"', 'value=""')
        b = without_csrf(unknown.text).replace('value="nobody-here"',
                                               'value=""')
        tap.ok(a == b, 'apart from the token and the typed name, the two '
               'pages are identical', _first_difference(a, b))
        tap.is_(stack.sql('SELECT count(*) FROM sessions'), sessions,
                'neither attempt made a session')

    with tap.story('Logging out ends the session on the server'):
        r = alice.get('/account')
        old = alice.cookie('postern')
        r = alice.post('/logout', {})
        tap.is_(r.status, 303, 'POST /logout answers 303')
        tap.like(r.location, r'/login\?out=1$', 'to /login?out=1')
        tap.isnt(alice.cookie('postern'), old, 'the browser gets another '
                 'cookie')
        r = alice.get('/account')
        tap.is_(r.status, 403, 'the account page is closed to that browser')
        thief = stack.client()
        thief.cookies['postern'] = old
        r = thief.get('/account')
        tap.is_(r.status, 403, 'the old cookie, replayed, gets 403')
        tap.ok(r.is_html, 'as an HTML page')
        tap.ok(any(re.search(r'/login$', h) for h in thief.links(r)),
               'with a link to /login', thief.links(r))

    with tap.story('A taken username is refused and the form keeps what '
                   'was typed, except the password'):
        bob = stack.client()
        bob.get('/signup')
        before_accounts = stack.sql('SELECT count(*) FROM accounts')
        before_outbox = stack.sql('SELECT count(*) FROM outbox')
        r = bob.post('/signup', {'username': 'alice',
                                 'email': 'bob@example.org',
                                 'password': PASSWORD})
        tap.is_(r.status, 422, 'the signup answers 422')
        tap.like(' '.join(bob.errors(r)), r'(?i)taken',
                 '.error says that the name is taken')
        v = bob.form_values(r)
        tap.is_(v.get('username'), 'alice', 'the typed username is kept')
        tap.is_(v.get('email'), 'bob@example.org', 'the typed address is '
                'kept')
        tap.is_(v.get('password', ''), '', 'the password is not sent back')
        r = bob.post('/signup', {'username': 'ALICE',
                                 'email': 'bob@example.org',
                                 'password': PASSWORD})
        tap.is_(r.status, 422, 'the name in other case is taken as well')
        tap.is_(stack.sql('SELECT count(*) FROM accounts'), before_accounts,
                'no account was made')
        tap.is_(stack.sql('SELECT count(*) FROM outbox'), before_outbox,
                'no mail was queued')
        stack.mailer_once()
        tap.is_(stack.mails_to('bob@example.org'), [],
                'bob@example.org got no mail')

    with tap.story('A signup with a taken address looks like a success, '
                   'and the owner is told instead'):
        mallory = stack.client()
        mallory.get('/signup')
        had = len(stack.mails_to('alice@example.org'))
        r = mallory.post('/signup', {'username': 'mallory',
                                     'email': 'Alice@Example.org',
                                     'password': PASSWORD})
        ok = s['success']
        tap.is_((r.status, r.location, r.text), (ok.status, ok.location,
                                                 ok.text),
                'the answer is exactly the 303 of a successful signup')
        tap.is_(stack.sql("SELECT count(*) FROM accounts WHERE username = "
                          "'mallory'"), [(0,)], 'no account was made')
        run = stack.mailer_once()
        tap.is_(run.returncode, 0, 'the mailer delivers')
        mails = stack.mails_to('alice@example.org')
        tap.is_(len(mails), had + 1, 'the owner of the address got a mail')
        if len(mails) > had:
            tap.is_(stack.link_in(mails[-1], '/verify'), None,
                    'it holds no verification link for the new signup')
            tap.unlike(mails[-1].body, r'mallory', 'it does not pass on '
                       'what the stranger typed')
        tap.is_(stack.mails_to('mallory@example.org'), [],
                'nothing went anywhere else')

    with tap.story('The stylesheet the pages link to is served with the '
                   'same headers'):
        r = stack.client().get('/static/postern.css')
        tap.is_(r.status, 200, 'GET /static/postern.css answers 200')
        tap.is_(r.headers.get('Content-Type'), 'text/css; charset=utf-8',
                'as CSS in UTF-8')

    with tap.story('Every response carried the security headers'):
        problems = []
        for r in stack.responses:
            problems += header_problems(r)
        tap.is_(problems, [], 'CSP, Referrer-Policy, nosniff, a UTF-8 '
                'Content-Type, no-store and no server version on all %d '
                'responses' % len(stack.responses))
        tap.is_([ln for ln in stack.logs().splitlines()
                 if re.search(r'(?i)sanitizer|runtime error|segfault|'
                              r'child exited|child signaled', ln)], [],
                'no program crashed or reported a sanitizer error')


def _first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return 'first difference at %d:\n  %r\n  %r' % (
                i, a[max(0, i - 60):i + 60], b[max(0, i - 60):i + 60])
    return 'lengths %d and %d' % (len(a), len(b))


tap.run(main)
