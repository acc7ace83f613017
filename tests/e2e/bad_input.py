#!/usr/bin/python3
"""
bad_input.py: what Postern does with requests it must refuse, on the
real stack.  Each refusal has the status DESIGN section 2 gives it, a
human HTML page that says why (keeping what was typed where a form comes
back), and changes nothing: no row in any table, no mail queued.  Then
the login limit: ten wrong passwords close an account to logins for a
while, even to the right password.
"""

import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Stack, Tap, header_problems, keeps_typed  # noqa: E402

tap = Tap()

PASSWORD = 'correct horse battery 7'
CAROL = {'username': 'carol', 'email': 'carol@example.org',
         'password': PASSWORD}


def main():
    with Stack() as stack:
        stories(stack)


def refused(stack, c, story, send, status, kept=None, error=False):
    """
    Make the request send() makes and check the refusal: the status,
    an HTML page with a reason (in .error when error is set, else in
    .error or the heading), the form values in kept, and an unchanged
    database.
    """
    before = stack.db_snapshot()
    r = send()
    tap.is_(r.status, status, '%s: answers %d' % (story, status))
    tap.ok(r.is_html, '%s: with an HTML page' % story,
           r.headers.get('Content-Type'))
    if error:
        tap.ok(c.errors(r), '%s: that says why in .error' % story)
    else:
        tap.ok(c.errors(r) or c.heading(r), '%s: that says why' % story)
    if kept:
        keeps_typed(tap, c, r, story, kept)
    tap.is_(header_problems(r), [], '%s: with the security headers'
            % story)
    tap.is_(stack.db_changes(before), [], '%s: nothing changed and no '
            'mail was queued' % story)
    return r


def stories(stack):
    c = stack.client()
    c.get('/signup')

    def form(fields):
        return lambda: c.post('/signup', fields)

    def raw(body):
        return lambda: c.post('/signup', raw_body=body)

    def enc(pairs):
        return urllib.parse.urlencode(pairs)

    with tap.story('Forms that arrive incomplete or doubled'):
        refused(stack, c, 'a signup without a password',
                form({'username': 'carol', 'email': 'carol@example.org'}),
                400)
        refused(stack, c, 'a signup with no fields at all', form({}), 400)
        refused(stack, c, 'a signup with the username twice',
                form([('username', 'carol'), ('username', 'mallory'),
                      ('email', 'carol@example.org'),
                      ('password', PASSWORD)]), 400)

    with tap.story('Bodies that are too big or badly encoded'):
        pad = enc(list(CAROL.items()) + [('csrf', c.csrf),
                                         ('pad', 'x' * 17000)])
        tap.ok(len(pad) > 16 * 1024, 'the padded body is over 16 KiB')
        refused(stack, c, 'a body over 16 KiB', raw(pad), 413)
        good = enc(list(CAROL.items()) + [('csrf', c.csrf)])
        refused(stack, c, 'a broken %-escape (%zz)',
                raw(good.replace('username=carol', 'username=car%zzol')),
                400)
        refused(stack, c, 'a % at the very end of the body',
                raw(good + '&note=50%'), 400)

    with tap.story('Forms that did not come from this browser\'s page'):
        refused(stack, c, 'a signup without the csrf field',
                lambda: c.post('/signup', CAROL, csrf=False), 403)
        refused(stack, c, 'a signup with a made-up csrf token',
                form(dict(CAROL, csrf='A' * 43)), 403)
        other = stack.client()
        other.get('/signup')
        refused(stack, c, 'a signup with another visitor\'s csrf token',
                form(dict(CAROL, csrf=other.csrf)), 403)
        refused(stack, c, 'a signup sent from another site (Sec-Fetch-Site:'
                ' cross-site), even with the right token',
                lambda: c.post('/signup', CAROL,
                               headers={'Sec-Fetch-Site': 'cross-site'}),
                403)

    with tap.story('Names and addresses that are not well-formed'):
        refused(stack, c, 'the username "a b"',
                form(dict(CAROL, username='a b')), 400,
                kept={'username': 'a b', 'email': 'carol@example.org'})
        refused(stack, c, 'the two-letter username "ab"',
                form(dict(CAROL, username='ab')), 400,
                kept={'username': 'ab', 'email': 'carol@example.org'})
        refused(stack, c, 'the address "not-an-address"',
                form(dict(CAROL, email='not-an-address')), 400,
                kept={'username': 'carol', 'email': 'not-an-address'})
        crlf = enc([('username', 'carol'), ('password', PASSWORD),
                    ('csrf', c.csrf)]) + \
            '&email=a@b.example%0d%0aBcc:%20x@y.example'
        refused(stack, c, 'an address with CR/LF and a Bcc: header after it',
                raw(crlf), 400)

    with tap.story('Passwords that are refused'):
        refused(stack, c, 'the common password "password1"',
                form(dict(CAROL, password='password1')), 422,
                kept={'username': 'carol', 'email': 'carol@example.org'},
                error=True)
        refused(stack, c, 'a seven-character password',
                form(dict(CAROL, password='Zq7!x9w')), 422,
                kept={'username': 'carol', 'email': 'carol@example.org'},
                error=True)

    with tap.story('Addresses that are not pages, and the wrong method'):
        for path in ('/nope', '/signup/extra', '/static/nope.css'):
            r = refused(stack, c, 'GET %s' % path, lambda: c.get(path), 404)
            tap.like(r.text, r'<title>[^<]*Postern', 'GET %s: the page is '
                     'Postern\'s own' % path)
        r = refused(stack, c, 'GET /logout', lambda: c.get('/logout'), 405)
        r = refused(stack, c, 'GET /account without a session',
                    lambda: c.get('/account'), 403)

    with tap.story('The same form with good values is accepted, so the '
                   'refusals above were about the input'):
        c.get('/signup')
        queued = stack.sql('SELECT count(*) FROM outbox')[0][0]
        r = c.post('/signup', CAROL)
        tap.is_(r.status, 303, 'the good signup answers 303')
        tap.is_(stack.sql('SELECT count(*) FROM outbox')[0][0], queued + 1,
                'and queues its mail')

    with tap.story('Ten wrong passwords close an account to logins for a '
                   'while, even to the right password'):
        dave = stack.client()
        dave.get('/signup')
        r = dave.post('/signup', {'username': 'dave',
                                  'email': 'dave@example.org',
                                  'password': PASSWORD})
        tap.is_(r.status, 303, 'dave signs up')
        stack.mailer_once()
        mails = stack.mails_to('dave@example.org')
        link = stack.link_in(mails[-1], '/verify?t=') if mails else None
        tap.ok(link, 'and gets the verification link')
        if link:
            dave.get(stack.path_of(link))
            r = dave.post('/verify', {'t': link.split('t=', 1)[1]})
            tap.is_(r.status, 303, 'and verifies the address')

        guesser = stack.client()
        guesser.get('/login')
        statuses = []
        for i in range(10):
            r = guesser.post('/login', {'username': 'dave',
                                        'password': 'guess number %d' % i})
            statuses.append(r.status)
        tap.is_(statuses, [422] * 10, 'ten wrong passwords each get 422')
        r = guesser.post('/login', {'username': 'dave',
                                    'password': PASSWORD})
        tap.is_(r.status, 429, 'the eleventh try, with the right password, '
                'gets 429')
        tap.ok(r.is_html and (guesser.errors(r) or guesser.heading(r)),
               'on a page that says why')
        tap.is_(r.set_cookie('postern'), None, 'and no new session cookie')
        dave.get('/login')
        r = dave.post('/login', {'username': 'dave', 'password': PASSWORD})
        tap.is_(r.status, 429, 'the owner\'s own browser waits too')
        # The address has a count of its own, in every spelling: one
        # count for both would tell whoever knows the name which address
        # is the account's (attacks_round4.py, story 31).
        statuses = []
        for i, spelt in enumerate(['Dave@Example.org', 'dave@example.org',
                                   'DAVE@EXAMPLE.ORG'] * 4):
            r = guesser.post('/login', {'username': spelt,
                                        'password': 'guess again %d' % i})
            statuses.append(r.status)
        tap.is_(statuses, [422] * 10 + [429] * 2, 'by its address, in any '
                'spelling, ten more wrong passwords close it too')
        tap.is_(stack.sql("SELECT count(*) FROM sessions s JOIN accounts a "
                          "ON a.id = s.account_id WHERE a.username = "
                          "'dave'"), [(0,)], 'no session was made for dave')
        kinds = [k for (k,) in stack.sql(
            "SELECT e.kind FROM events e JOIN accounts a ON a.id = "
            "e.account_id WHERE a.username = 'dave' AND e.kind LIKE "
            "'login%' ORDER BY e.seq")]
        tap.is_(kinds, (['login_failed'] * 10 + ['login_locked']) * 2,
                'dave\'s record holds each failure, and each closing once')

    with tap.story('A failed login for a name nobody has is recorded '
                   'without what was typed'):
        before = stack.sql("SELECT count(*) FROM events WHERE account_id "
                           "= 0 AND kind = 'login_unknown'")[0][0]
        c = stack.client()
        c.get('/login')
        r = c.post('/login', {'username': 'my secret password 99',
                              'password': 'x'})
        tap.is_(r.status, 422, 'an unknown name gets 422')
        rows = stack.sql("SELECT ip, detail FROM events WHERE account_id = "
                         "0 AND kind = 'login_unknown' ORDER BY seq")
        tap.is_(len(rows) - before, 1, 'one event without an account')
        tap.is_(rows[-1] if rows else None, ('127.0.0.1', ''),
                'holding the address, not the name typed')

    with tap.story('These tests stay under the mail limit, so "no mail was '
                   'queued" above meant the refusal'):
        rows = stack.sql('SELECT recipient, count(*) FROM outbox '
                         'GROUP BY recipient HAVING count(*) > 1')
        tap.is_(rows, [], 'no address was mailed more than once')
        tap.is_([ln for ln in stack.logs().splitlines()
                 if re.search(r'(?i)sanitizer|runtime error|segfault|'
                              r'child exited|child signaled', ln)], [],
                'no program crashed or reported a sanitizer error')


tap.run(main)
