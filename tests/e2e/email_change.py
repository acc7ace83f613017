#!/usr/bin/python3
"""
email_change.py: rule R5 on the real stack.  Someone who borrows a
logged-in session for a minute must not be able to move the account to
an address they own: the request takes the password, and with 2FA a
TOTP code typed with it (R8; the hoster's twofa_recent may accept one
typed that long before in the same session), the new address confirms
itself by a link, and the old address is told, with a link that undoes
everything.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEFAULT_PASSWORD, Deliveries, Stack,  # noqa: E402
                     Tap, db_write, element_text, enable_totp, links_in,
                     proof, token_of, totp)

tap = Tap()


def address_of(stack, username):
    return stack.sql('SELECT email FROM accounts WHERE username = ?',
                     username)[0][0]


def only_link(stack, mails, who, prefix):
    got = [l for m in Deliveries.to(mails, who) for l in links_in(stack, m,
                                                                   prefix)]
    return got[0] if len(got) == 1 else None


def asks_for(r, client, name):
    """Does the page r shows client have a form field called name?"""
    return any(f[0] == name for fm in client.forms(r) for f in fm['fields'])


def without_2fa(stack):
    post = Deliveries(stack)
    alice = stack.new_user('alice', 'alice@old.example')
    alice.password = DEFAULT_PASSWORD
    bob = stack.new_user('bob', 'bob@bob.example')
    post.deliver()

    with tap.story('A session alone cannot move the address (R8)'):
        r = alice.get('/email')
        tap.ok(asks_for(r, alice, 'password'), 'the form asks for the '
               'password')
        tap.ok(not asks_for(r, alice, 'code'), 'and, without 2FA, for no '
               'code')
        for fields, why in (({'email': 'thief@evil.example'},
                             'no password'),
                            ({'email': 'thief@evil.example',
                              'password': 'not her password 1'},
                             'a wrong password')):
            before = stack.db_snapshot()
            r = alice.post('/email', fields)
            tap.is_(r.status, 422, '%s: 422' % why)
            tap.like(' '.join(alice.errors(r)), r'(?i)password', 'the page '
                     'asks for the password')
            tap.is_(alice.form_values(r).get('email'), 'thief@evil.example',
                    'the typed address is kept')
            tap.is_(alice.form_values(r).get('password', ''), '',
                    'the password is not')
            tap.is_([c for c in stack.db_changes(before)
                     if 'rate_limits' not in c and 'events' not in c], [],
                    '%s: nothing changed but the counts' % why)
        mails, _ = post.deliver()
        tap.is_(Deliveries.to(mails, 'thief@evil.example'), [],
                'nothing was sent to the address typed')

    with tap.story('Alice asks to move her account to a new address'):
        r = alice.get('/email')
        tap.is_(r.status, 200, 'GET /email shows the form')
        tap.is_(element_text(r, 'current-email'), 'alice@old.example',
                'with her current address')
        r = alice.post('/email', proof(alice, {'email': 'Alice@New.Example'}))
        tap.is_(r.status, 303, 'asking answers 303')
        tap.like(r.headers.get('Location', ''), r'/email\?sent=1$',
                 'to a page that says a link was sent')
        mails, _ = post.deliver()
        link = only_link(stack, mails, 'alice@new.example', '/email/confirm?t=')
        tap.ok(link, 'the new address gets one confirmation link')
        tap.is_(Deliveries.to(mails, 'alice@old.example'), [],
                'nothing is said to the old address yet')
        tap.is_(address_of(stack, 'alice'), 'alice@old.example',
                'before confirmation the address has not changed')
        tap.is_(len(stack.sql("SELECT 1 FROM events WHERE kind = "
                              "'email_change_requested'")), 1,
                'the request is recorded')

    with tap.story('A second request replaces the first'):
        r = alice.post('/email', proof(alice,
                                       {'email': 'alice@newer.example'}))
        tap.is_(r.status, 303, 'a second request answers 303')
        mails, _ = post.deliver()
        newer = only_link(stack, mails, 'alice@newer.example',
                          '/email/confirm?t=')
        stranger = stack.client()
        r = stranger.get('/email/confirm?t=' + token_of(link))
        tap.is_(r.status, 422, 'the first link no longer works')
        link = newer

    with tap.story('The link works from a browser that is not logged in'):
        stranger = stack.client()
        before = stack.db_snapshot()
        r = stranger.get('/email/confirm?t=' + token_of(link))
        tap.is_(r.status, 200, 'GET of the link shows a page')
        forms = [f for f in stranger.forms(r) if f['method'] == 'post']
        tap.is_(len(forms), 1, 'with one form that POSTs')
        tap.is_(stack.db_changes(before), [], 'GET changed nothing')
        r = stranger.post('/email/confirm', {'t': token_of(link)})
        tap.is_(r.status, 303, 'pressing the button answers 303')
        tap.is_(address_of(stack, 'alice'), 'alice@newer.example',
                'the address has changed')
        tap.ok(stack.sql("SELECT email_verified_at FROM accounts WHERE "
                         "username = 'alice'")[0][0] > 0,
               'and counts as verified: the link proved it')
        r = stranger.post('/email/confirm', {'t': token_of(link)})
        tap.is_(r.status, 422, 'the same link a second time: 422')

    with tap.story('The old address is told, with a way back'):
        mails, _ = post.deliver()
        old = Deliveries.to(mails, 'alice@old.example')
        tap.is_(len(old), 1, 'the old address gets one notice')
        body = old[0].body if old else ''
        tap.like(body, r'a\*\*\*@newer\.example', 'naming the new address '
                 'only in part')
        tap.ok('alice@newer.example' not in body, 'never in full')
        revert = only_link(stack, old, 'alice@old.example',
                           '/email/revert?t=')
        tap.ok(revert, 'with a revert link on a line of its own')
        exp = stack.sql("SELECT expires_at - created_at FROM links WHERE "
                        "kind = 'email_revert'")
        tap.is_(exp, [(7 * 86400,)], 'valid for 7 days')

    with tap.story('Reverting restores the address and ends every session'):
        r = alice.get('/account')
        tap.is_(r.status, 200, 'Alice is still logged in before the revert')
        owner = stack.client()
        r = owner.get('/email/revert?t=' + token_of(revert))
        tap.is_(r.status, 200, 'the revert link opens a page')
        r = owner.post('/email/revert', {'t': token_of(revert)})
        tap.is_(r.status, 303, 'pressing its button answers 303')
        tap.is_(address_of(stack, 'alice'), 'alice@old.example',
                'the old address is back')
        tap.is_(alice.get('/account').status, 403,
                'every session has ended')
        tap.is_(stack.sql("SELECT count(*) FROM sessions s JOIN accounts a "
                          "ON a.id = s.account_id WHERE a.username = "
                          "'alice'"), [(0,)], 'no session row is left')
        owner.get('/login')     # the revert ended the session: new csrf
        r = owner.post('/email/revert', {'t': token_of(revert)})
        tap.is_(r.status, 422, 'the revert link works once')
        mails, _ = post.deliver()
        tap.ok(Deliveries.to(mails, 'alice@old.example'),
               'the restored address is told')
        kinds = [k for (k,) in stack.sql("SELECT kind FROM events e JOIN "
                                          "accounts a ON a.id = e.account_id "
                                          "WHERE a.username = 'alice'")]
        for k in ('email_changed', 'email_reverted'):
            tap.ok(k in kinds, 'the event %s is recorded' % k)

    alice = stack.client()
    alice.password = DEFAULT_PASSWORD
    alice.get('/login')
    alice.post('/login', {'username': 'alice', 'password': alice.password})

    with tap.story('An address of another account answers as a free one '
                   'does; its owner is told'):
        # Else anyone with an account could ask, address by address,
        # who has one (signup keeps the same secret).
        alice.get('/email')
        r = alice.post('/email', proof(alice, {'email': 'bob@bob.example'}))
        tap.is_((r.status, stack.path_of(r.location)),
                (303, '/email?sent=1'), 'asking for Bob\'s address answers '
                '303 to the "sent" page, as for a free address')
        mails, _ = post.deliver()
        told = Deliveries.to(mails, 'bob@bob.example')
        tap.is_(len(told), 1, 'Bob\'s address gets one notice')
        tap.ok(told and not links_in(stack, told[0], '/email/confirm'),
               'with no confirmation link in it')
        tap.like(told[0].subject if told else '', r'(?i)move an account',
                 'saying someone asked to move an account there')
        tap.is_(address_of(stack, 'alice'), 'alice@old.example',
                'Alice\'s address has not changed')
        tap.is_(address_of(stack, 'bob'), 'bob@bob.example',
                'nor Bob\'s')

    with tap.story('Refusals keep what was typed and change nothing'):
        for addr, status, why in (
                ('not-an-address', 400, 'a malformed address'),
                ('alice@old.example', 422, 'her own current address')):
            alice.get('/email')
            before = stack.db_snapshot()
            r = alice.post('/email', proof(alice, {'email': addr}))
            tap.is_(r.status, status, '%s: %d' % (why, status))
            tap.ok(alice.errors(r), 'the page says why')
            tap.is_(alice.form_values(r).get('email'), addr,
                    'the form keeps what was typed')
            ch = [c for c in stack.db_changes(before)
                  if 'rate_limits' not in c]
            tap.is_(ch, [], 'nothing else changed')

    with tap.story('R1: no address on a domain Alice manages'):
        stack.postern('domain', 'add', 'alice', 'alice-corp.example')
        alice.get('/email')
        r = alice.post('/email', proof(alice, {
            'email': 'alice@mail.alice-corp.example'}))
        tap.is_(r.status, 422, 'an address on her domain: 422')
        tap.like(' '.join(alice.errors(r)), r'alice-corp\.example',
                 'the reason names the domain')
        tap.ok(stack.sql("SELECT 1 FROM events WHERE kind = 'r1_refused'"),
               'the refusal is recorded')

    with tap.story('Tokens: altered, expired, malformed; CSRF'):
        alice.get('/email')
        alice.post('/email', proof(alice, {'email': 'alice@third.example'}))
        mails, _ = post.deliver()
        link = only_link(stack, mails, 'alice@third.example',
                         '/email/confirm?t=')
        t = token_of(link)
        c = stack.client()
        altered = t[:-1] + ('A' if t[-1] != 'A' else 'B')
        tap.is_(c.get('/email/confirm?t=' + altered).status, 422,
                'an altered token: 422')
        tap.is_(c.get('/email/confirm?t=abc').status, 400,
                'a malformed token: 400')
        r = c.post('/email/confirm', {'t': t}, csrf=False)
        tap.is_(r.status, 403, 'a POST without csrf: 403')
        db_write(stack, "UPDATE links SET expires_at = 1 WHERE kind = "
                       "'email_confirm'")
        c.get('/login')
        r = c.post('/email/confirm', {'t': t})
        tap.is_(r.status, 422, 'an expired token: 422')
        tap.is_(address_of(stack, 'alice'), 'alice@old.example',
                'nothing changed')


def with_2fa(stack):
    """With twofa_recent = 1h: a code typed in the session stands in for
    one typed with the change, for an hour; the password never has a
    stand-in.  The hour passes by moving the session's 2FA time back,
    never by waiting, so a slow machine cannot change the story."""
    post = Deliveries(stack)
    carol = stack.new_user('carol', 'carol@old.example')
    carol.password = DEFAULT_PASSWORD
    post.deliver()
    carol.get('/contacts/recovery-code')
    carol.post('/contacts/recovery-code', proof(carol))  # R2: no phone
    auth = enable_totp(carol)
    post.deliver()

    with tap.story('With 2FA just proven and twofa_recent set, the '
                   'password is enough'):
        carol.get('/email')
        r = carol.post('/email', {'email': 'carol@old-new.example'})
        tap.is_(r.status, 422, 'without the password: 422, however '
                'recent the code')
        r = carol.post('/email', {'email': 'carol@new.example',
                                  'password': carol.password})
        tap.is_(r.status, 303, 'enrolment proved 2FA a moment ago: the '
                'password alone, 303')

    with tap.story('After twofa_recent, a code is asked for again'):
        db_write(stack, 'UPDATE sessions SET twofa_at = twofa_at - 3601 '
                 'WHERE twofa_at > 0 AND account_id = (SELECT id FROM '
                 "accounts WHERE username = 'carol')")
        r = carol.get('/email')
        tap.ok(asks_for(r, carol, 'code'), 'the form asks for a code')
        before = stack.db_snapshot()
        r = carol.post('/email', {'email': 'carol@other.example',
                                  'password': carol.password})
        tap.is_(r.status, 422, 'the password without a code: 422')
        tap.like(' '.join(carol.errors(r)), r'(?i)code', 'asking for one')
        tap.is_(carol.form_values(r).get('email'), 'carol@other.example',
                'the typed address is kept')
        r = carol.post('/email', {'email': 'carol@other.example',
                                  'password': carol.password,
                                  'code': auth.wrong()})
        tap.is_(r.status, 422, 'with a wrong code: 422')
        r = carol.post('/email', {'email': 'carol@other.example',
                                  'password': carol.password,
                                  'code': totp(auth.secret,
                                               step=auth.last)})
        tap.is_(r.status, 422, 'with the code already used at enrolment '
                '(a replay): 422')
        tap.ok(not [c for c in stack.db_changes(before)
                    if c.startswith('+ links')], 'no link was made')
        code = auth.next()
        r = carol.post('/email', {'email': 'carol@other.example',
                                  'code': code})
        tap.is_(r.status, 422, 'a valid code without the password: 422')
        r = carol.post('/email', {'email': 'carol@other.example',
                                  'password': carol.password,
                                  'code': code})
        tap.is_(r.status, 303, 'the password and a valid code: 303')
        mails, _ = post.deliver()
        tap.ok(only_link(stack, mails, 'carol@other.example',
                         '/email/confirm?t='), 'the link goes out')
        r = carol.post('/email', {'email': 'carol@third.example',
                                  'password': carol.password})
        tap.is_(r.status, 303, 'the code refreshed the session\'s 2FA '
                'time: the next request needs the password alone')


def default_recent(stack):
    """twofa_recent left at its default (none): every change takes a
    code typed with it, however recently one was typed."""
    post = Deliveries(stack)
    dan = stack.new_user('dan', 'dan@old.example')
    dan.password = DEFAULT_PASSWORD
    post.deliver()
    dan.get('/contacts/recovery-code')
    dan.post('/contacts/recovery-code', proof(dan))
    enable_totp(dan)
    post.deliver()

    with tap.story('By default a code just typed does not stand in for one '
                   'typed with the change'):
        r = dan.get('/email')
        tap.ok(asks_for(r, dan, 'password') and asks_for(r, dan, 'code'),
               'the form asks for the password and a code')
        r = dan.post('/email', {'email': 'dan@new.example',
                                'password': dan.password})
        tap.is_(r.status, 422, 'seconds after enrolment, the password '
                'alone: 422')
        tap.like(' '.join(dan.errors(r)), r'(?i)code', 'asking for a code')
        r = dan.post('/email', proof(dan, {'email': 'dan@new.example'}))
        tap.is_(r.status, 303, 'with the password and a code: 303')


def main():
    with Stack(twofa_recent='1h') as stack:
        without_2fa(stack)
        with_2fa(stack)
    with Stack() as stack:
        default_recent(stack)


tap.run(main)
