#!/usr/bin/python3
"""
twofa.py: two-step verification (TOTP, RFC 6238) end to end on the real
stack.  The test is the authenticator: it reads the secret off the page
and computes the codes itself, with the clock of this machine.

Dave turns 2FA on once his recovery phone is verified (R2): the key is
shown once, after his password, never on a GET, and only the session
it was shown to turns it on, within 15 minutes (R8).  He logs in with
a code, finds that a code works only once and that a code from a
minute ago is too old, cannot remove the phone his 2FA depends on, and
turns 2FA off again, which takes his password and a code: a session
alone cannot (R8).  On an installation without SMS, Erin needs a
recovery code instead of a phone.
"""

import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Authenticator, every_response_checked,  # noqa: E402
                     stable_changes as changes, stable_snapshot as snapshot,
                     GROUPS, SMS_CAPTURE, Deliveries, Stack, Tap, code_in,
                     crashes, db_write, element_text, events_of, forms_to,
                     found_in_db, input_attrs, make_recovery_code, proof,
                     session_row, totp_secret_bytes)

tap = Tap()

BAD_CSRF = 'A' * 43
# A wrong password adds a row to this browser's count and one to the
# account's ceiling over every count (lib/guard.c).
COUNTED = ['+ rate_limits', '+ rate_limits']


def twofa_on(stack, username):
    rows = stack.sql('SELECT totp_enabled_at FROM accounts WHERE '
                     'username = ?', username)
    return bool(rows) and rows[0][0] > 0


def contact_id(stack, value):
    rows = stack.sql('SELECT id FROM contacts WHERE value = ?', value)
    return rows[0][0] if rows else None


def add_phone(stack, post, client, number, e164):
    """Add and verify a phone through the pages and the SMS it gets."""
    client.get('/contacts')
    r = client.post('/contacts', proof(client, {'kind': 'phone',
                                                'value': number}))
    if r.status != 303:
        raise RuntimeError('adding %s answered %d' % (number, r.status))
    _, sms = post.deliver()
    got = Deliveries.to(sms, e164)
    code = code_in(got[-1]['text']) if got else None
    r = client.post('/contacts/verify', {'id': contact_id(stack, e164),
                                         'code': code})
    post.deliver()
    return r.status


def login_password(stack, username):
    """A new browser that gave the right password: (client, response)."""
    c = stack.client()
    c.get('/login')
    r = c.post('/login', {'username': username,
                          'password': 'correct horse battery 7'})
    return c, r


def secret_of(client, resp):
    text = element_text(resp, 'totp-secret')
    return ''.join(text.split()) if text else None


def shown_key(tap, client, resp, s):
    """What the answer to the password on /contacts/2fa shows: the key
    as text, as a QR code and as a setup link, and a form for the first
    code.  The key, or ''."""
    tap.is_(resp.status, 200, 'the password shows the key: 200, once, '
            'not a redirect')
    secret = secret_of(client, resp) or ''
    tap.like(secret, r'^[A-Z2-7]{32}$', 'the secret is 32 base32 '
             'characters (spaces aside)')
    raw = totp_secret_bytes(secret) if secret else b''
    tap.is_(len(raw), 20, 'that is 20 bytes')
    tap.like(resp.text, r'<svg\b', 'the QR code is inline SVG')
    tap.like(resp.text, r'<div\b[^>]*\brole="img"[^>]*\baria-label="[^"]*'
             r'\bQR code\b[^"]*"[^>]*>\s*<svg\b[^>]*\baria-hidden="true"',
             'a screen reader names it a QR code, once')
    tap.unlike(resp.text, r'(?i)<script\b', 'no script')
    text = client.text_of(resp)
    m = re.search(r'otpauth://totp/\S+', text)
    tap.ok(m, 'the otpauth URI is shown as text')
    uri = m.group(0) if m else ''
    tap.ok(uri and uri in client.links(resp), 'and is a link a phone can '
           'open in its authenticator app', client.links(resp))
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)
    tap.is_(q.get('secret'), [secret], 'the URI carries the same secret')
    tap.like(urllib.parse.unquote(urllib.parse.urlsplit(uri).path),
             r'dave', 'and names the account')
    tap.ok(q.get('digits', ['6']) == ['6'] and
           q.get('period', ['30']) == ['30'] and
           q.get('algorithm', ['SHA1']) == ['SHA1'],
           'with the RFC 6238 defaults', q)
    f = forms_to(client, resp, '/contacts/2fa')
    tap.ok(any('code' in x['values'] for x in f), 'a form takes a code')
    s['raw'] = raw
    return secret


def blocked(tap, client, resp, why, missing, fix):
    """2FA cannot be turned on yet: resp says what is missing (a
    regex), links straight to the page that fixes it (a path), and
    shows no key, no QR code and no form for this page."""
    tap.like(element_text(resp, 'twofa-blocked') or '', missing,
             '%s: the page says what is missing' % why)
    tap.ok(any(h.endswith(fix) for h in client.links(resp)),
           '%s: and links straight to %s' % (why, fix), client.links(resp))
    tap.unlike(client.text_of(resp), r'(?i)see above', '%s: no "see above"'
               % why)
    tap.unlike(resp.text, r'<svg\b', '%s: no QR code' % why)
    tap.is_(forms_to(client, resp, '/contacts/2fa'), [], '%s: no form to '
            'show a key or turn 2FA on' % why)


def key_not_shown(tap, client, resp, why, secret=None):
    """R8: the key is a way in; resp must not show it, nor secret (a
    key shown before) anywhere in its markup."""
    tap.is_(secret_of(client, resp), None, '%s: no key' % why)
    if secret:
        tap.ok(secret not in resp.text and secret.lower() not in resp.text,
               '%s: not even in the markup' % why)


def sms_stack():
    with Stack(sms_command=SMS_CAPTURE, admin_email='hoster@example.net') \
            as stack:
        post = Deliveries(stack)
        dave = stack.new_user('dave', 'dave@home.example')
        post.deliver()
        s = {}

        with tap.story('Without a verified phone 2FA cannot be set up '
                       '(R2)'):
            r = dave.get('/contacts/2fa')
            tap.is_(r.status, 200, 'GET /contacts/2fa answers 200')
            tap.is_(dave.errors(r), [], 'nothing Dave did is an error')
            blocked(tap, dave, r, 'GET', r'(?i)recovery phone',
                    '/contacts#value')
            before = snapshot(stack)
            r = dave.post('/contacts/2fa', {'password': dave.password})
            tap.is_(r.status, 422, 'the password, but no phone: 422')
            blocked(tap, dave, r, 'the refusal', r'(?i)recovery phone',
                    '/contacts#value')
            key_not_shown(tap, dave, r, 'the refusal')
            tap.ok(not twofa_on(stack, 'dave'), '2FA stays off')
            tap.is_([c for c in changes(stack, before)
                     if not c.startswith('+ events ')], [],
                    'nothing changed')
            dave.get('/contacts')
            dave.post('/contacts', proof(dave, {'kind': 'phone',
                                                'value': '+49 30 7654321'}))
            dave.get('/contacts/2fa')
            r = dave.post('/contacts/2fa', {'password': dave.password})
            tap.is_(r.status, 422, 'with the phone added but pending: '
                    'still 422')
            key_not_shown(tap, dave, r, 'that refusal')
            _, sms = post.deliver()
            got = Deliveries.to(sms, '+49307654321')
            code = code_in(got[-1]['text']) if got else None
            dave.get('/contacts')
            r = dave.post('/contacts/verify', {
                'id': contact_id(stack, '+49307654321'), 'code': code})
            tap.is_(r.status, 303, 'Dave verifies his phone')
            post.deliver()
            # A second phone, for the removal story below (added before
            # 2FA is on, so without a code).
            st = add_phone(stack, post, dave, '+33 1 23 45 67 89',
                           '+33123456789')
            tap.is_(st, 303, 'and a second phone')

        with tap.story('The key is shown only after the password (R8)'):
            # R8: the key used to be on GET /contacts/2fa, where a
            # borrowed session could read it; now it takes the password.
            r = dave.get('/contacts/2fa')
            tap.is_(r.status, 200, 'GET /contacts/2fa answers 200')
            key_not_shown(tap, dave, r, 'GET')
            f = forms_to(dave, r, '/contacts/2fa')
            tap.ok(any('password' in x['values'] for x in f), 'a form asks '
                   'for the password')
            a = input_attrs(r, 'password') or {}
            tap.is_((a.get('type'), a.get('autocomplete')),
                    ('password', 'current-password'), 'a password field a '
                    'password manager fills')
            for fields, why, counted in (
                    ({'password': ''}, 'a session alone, no password', []),
                    ({'password': 'not his password 1'}, 'a wrong password',
                     COUNTED)):
                before = snapshot(stack)
                r = dave.post('/contacts/2fa', fields)
                tap.is_(r.status, 422, '%s: 422' % why)
                tap.like(' '.join(dave.errors(r)), r'(?i)password', 'with '
                         'the reason in .error')
                key_not_shown(tap, dave, r, why)
                # A wrong password counts toward this browser's limit.
                tap.is_([c.split(' (')[0] for c in changes(stack, before)
                         if not c.startswith('+ events ')], counted,
                        '%s: nothing changed%s' % (
                            why, counted and ' but its count' or ''))

        with tap.story('Dave types his password: a secret, a QR code and '
                       'the setup link'):
            r = dave.post('/contacts/2fa', {'password': dave.password})
            secret = shown_key(tap, dave, r, s)
            r2 = dave.get('/contacts/2fa')
            # R8: reloading used to show the same key again; now no GET
            # shows it, the code form of the answer above takes it.
            key_not_shown(tap, dave, r2, 'reloading the page', secret)
            tap.ok([f for f in forms_to(dave, r2, '/contacts/2fa')
                    if 'code' in f['values']], 'but the reload still takes '
                   'the code of the key just shown')
            snap = stack.db_snapshot()
            tap.is_(found_in_db(snap, s['raw']) + found_in_db(snap, secret) +
                    found_in_db(snap, secret.lower()), [], 'neither the '
                    'secret nor its base32 text is in the database')
            tap.ok(not twofa_on(stack, 'dave'), '2FA is still off')
            s['auth'] = Authenticator(secret)

        auth = s['auth']
        with tap.story('Only the session shown the key turns it on, within '
                       '15 minutes'):
            other, r = login_password(stack, 'dave')
            tap.is_((r.status, stack.path_of(r.location)), (303, '/account'),
                    'Dave logs in in another browser')
            r = other.get('/contacts/2fa')
            tap.ok(not [f for f in forms_to(other, r, '/contacts/2fa')
                        if 'code' in f['values']], 'its page offers no '
                   'form for a code')
            r = other.post('/contacts/2fa', {'code': auth.at_offset(0)})
            tap.is_(r.status, 422, 'a right code there: 422')
            tap.ok(other.errors(r), 'with the reason in .error')
            tap.ok(not twofa_on(stack, 'dave'), '2FA stays off')
            db_write(stack, "UPDATE accounts SET totp_setup_at = "
                     "totp_setup_at - 901 WHERE username = 'dave'")
            r = dave.post('/contacts/2fa', {'code': auth.at_offset(0)})
            tap.is_(r.status, 422, 'a right code 15 minutes after the key '
                    'was shown: 422')
            tap.like(' '.join(dave.errors(r)), r'(?i)set (it )?up|again|'
                     r'anew|key', '.error says to set it up anew')
            tap.ok(not twofa_on(stack, 'dave'), '2FA stays off')
            r = dave.get('/contacts/2fa')
            tap.ok(not [f for f in forms_to(dave, r, '/contacts/2fa')
                        if 'code' in f['values']], 'nor is a code form '
                   'offered for it any more')
            r = dave.post('/contacts/2fa', {'password': dave.password})
            new = secret_of(dave, r)
            tap.ok(new and new != secret, 'the password shows a new key')
            secret = new or ''
            s['raw'] = totp_secret_bytes(secret) if secret else b''
            auth = Authenticator(secret)

        with tap.story('Wrong and stale codes do not turn it on'):
            for code, why in ((auth.wrong(), 'a wrong code'),
                              (auth.at_offset(-2), 'the code of two steps '
                               'ago'),
                              (auth.at_offset(2), 'the code of two steps '
                               'ahead'),
                              ('12345', 'five digits')):
                r = dave.post('/contacts/2fa', {'code': code})
                tap.is_(r.status, 422, '%s: 422' % why)
                tap.ok(dave.errors(r), 'with the reason in .error')
                tap.ok([f for f in forms_to(dave, r, '/contacts/2fa')
                        if 'code' in f['values']], 'and the form for the '
                       'code again')
            tap.ok(not twofa_on(stack, 'dave'), '2FA stays off')

        with tap.story('The code from the app turns 2FA on'):
            code = auth.next()
            s['enable_code'] = code
            had = len(events_of(stack, 'dave', 'twofa_enabled'))
            r = dave.post('/contacts/2fa', {'code': code})
            tap.is_(r.status, 303, 'a valid code answers 303')
            tap.like(r.location, r'/contacts$', 'back to /contacts')
            tap.ok(twofa_on(stack, 'dave'), 'accounts.totp_enabled_at is '
                   'set')
            tap.is_(len(events_of(stack, 'dave', 'twofa_enabled')), had + 1,
                    'the event twofa_enabled is recorded')
            rows = stack.sql("SELECT typeof(totp_secret) FROM accounts "
                             "WHERE username = 'dave'")
            tap.is_(rows, [('blob',)], 'the secret is kept as a blob')
            snap = stack.db_snapshot()
            tap.is_(found_in_db(snap, s['raw']) + found_in_db(snap, secret) +
                    found_in_db(snap, secret.lower()), [], 'encrypted: '
                    'neither the raw secret nor its base32 text is there')
            r = dave.get('/contacts/2fa')
            tap.is_(r.status, 200, 'the 2FA page opens')
            key_not_shown(tap, dave, r, 'the page with 2FA on', secret)
            dave.auth = auth

        with tap.story('A session alone cannot turn 2FA off (R8)'):
            before = snapshot(stack)
            for fields, why in (({'disable': '1',
                                  'code': auth.at_offset(0)},
                                 'a code without the password'),
                                ({'disable': '1', 'password': '',
                                  'code': auth.at_offset(0)},
                                 'an empty password')):
                r = dave.post('/contacts/2fa', fields)
                tap.is_(r.status, 422, '%s: 422' % why)
                tap.like(' '.join(dave.errors(r)), r'(?i)password',
                         '.error asks for the password')
            tap.ok(twofa_on(stack, 'dave'), '2FA stays on')
            tap.is_([c for c in changes(stack, before)
                     if not c.startswith('+ events ')], [],
                    'nothing changed')

        with tap.story('A code works once: the same one cannot turn 2FA '
                       'off'):
            before = snapshot(stack)
            r = dave.post('/contacts/2fa', {'disable': '1',
                                            'password': dave.password,
                                            'code': s['enable_code']})
            tap.is_(r.status, 422, 'the code that turned it on: 422')
            tap.ok(dave.errors(r), 'with the reason in .error')
            tap.ok(twofa_on(stack, 'dave'), '2FA stays on')
            tap.is_([c for c in changes(stack, before)
                     if not c.startswith('+ events ')], [],
                    'nothing changed')

        with tap.story('The phone 2FA depends on cannot be removed'):
            first = contact_id(stack, '+49307654321')
            pid = contact_id(stack, '+33123456789')
            dave.get('/contacts')
            r = dave.post('/contacts/remove', proof(dave, {'id': first}))
            tap.is_(r.status, 303, 'with two verified phones, one can go '
                    '(303)')
            tap.is_(contact_id(stack, '+49307654321'), None, 'it is gone')
            before = snapshot(stack)
            r = dave.post('/contacts/remove', {'id': pid})
            tap.is_(r.status, 422, 'removing the only verified phone: 422 '
                    'before any password is asked (R2 needs no secret)')
            tap.like(' '.join(dave.errors(r)), r'(?i)two-step|2fa|'
                     r'authenticator', '.error says 2FA depends on it')
            r = dave.post('/contacts/remove', proof(dave, {'id': pid}))
            tap.is_(r.status, 422, 'with the password and a code too: 422')
            tap.like(' '.join(dave.errors(r)), r'(?i)two-step|2fa|'
                     r'authenticator', '.error says 2FA depends on it')
            tap.is_(contact_id(stack, '+33123456789'), pid, 'the phone '
                    'stays')
            tap.is_([c for c in changes(stack, before)
                     if not c.startswith('+ events ')], [],
                    'nothing changed: no password checked, no code spent')
            post.deliver()

        with tap.story('Logging in asks for the code after the password'):
            c, r = login_password(stack, 'dave')
            tap.is_(r.status, 303, 'the right password answers 303')
            tap.like(r.location, r'/login/2fa$', 'to /login/2fa')
            half = c.cookie('postern')
            row = session_row(stack, c)
            tap.ok(row is not None and row['twofa_at'] == 0,
                   'a session exists, without 2FA proven', row)
            for path in ('/account', '/contacts', '/account/activity',
                         '/contacts/2fa'):
                r = c.get(path)
                tap.is_(r.status, 403, 'with only the password, GET %s: 403'
                        % path)
            r = c.get('/login/2fa')
            tap.is_(r.status, 200, 'GET /login/2fa shows the form')
            a = input_attrs(r, 'code') or {}
            tap.is_(a.get('autocomplete'), 'one-time-code', 'its field code '
                    'has autocomplete="one-time-code"')
            tap.ok(forms_to(c, r, '/login/2fa'), 'the form POSTs to '
                   '/login/2fa')
            before = snapshot(stack)
            for fields, how in (({'code': auth.at_offset(0)},
                                 'without a token'),
                                ({'code': auth.at_offset(0),
                                  'csrf': BAD_CSRF}, 'with a wrong token')):
                r = c.post('/login/2fa', fields, csrf=False)
                tap.is_(r.status, 403, 'POST /login/2fa %s: 403' % how)
            tap.is_(changes(stack, before), [], 'nothing changed')
            for code, why in ((auth.wrong(), 'a wrong code'),
                              (auth.at_offset(-2), 'a code two steps old')):
                r = c.post('/login/2fa', {'code': code})
                tap.is_(r.status, 422, '%s: 422' % why)
                tap.ok(c.errors(r), 'with the reason in .error')
            tap.is_(c.get('/account').status, 403, 'the account stays '
                    'closed')
            c.get('/login/2fa')
            code = auth.next()
            s['login_code'] = code
            r = c.post('/login/2fa', {'code': code})
            tap.is_(r.status, 303, 'the current code answers 303')
            tap.like(r.location, r'/account$', 'to /account')
            tap.isnt(c.cookie('postern'), half, 'with a new session id')
            r = c.get('/account')
            tap.is_(r.status, 200, 'the account page opens')
            row = session_row(stack, c)
            tap.ok(row is not None and row['twofa_at'] > 0,
                   'the session remembers when 2FA was proven', row)
            thief = stack.client()
            thief.cookies['postern'] = half
            tap.is_(thief.get('/account').status, 403, 'the half session\'s '
                    'cookie is worth nothing now')

        with tap.story('The same code in another login is refused'):
            c2, r = login_password(stack, 'dave')
            tap.like(r.location, r'/login/2fa$', 'the password leads to '
                     '/login/2fa')
            c2.get('/login/2fa')
            r = c2.post('/login/2fa', {'code': s['login_code']})
            tap.is_(r.status, 422, 'the code just used: 422')
            tap.is_(c2.get('/account').status, 403, 'no access')
            row = session_row(stack, c2)
            tap.ok(row is None or row['twofa_at'] == 0, 'and no 2FA '
                   'recorded for that session', row)

        with tap.story('Every 2FA form needs its CSRF token'):
            dave.get('/contacts/2fa')
            for fields, how in (({'disable': '1', 'password': dave.password,
                                  'code': auth.at_offset(0)},
                                 'without a token'),
                                ({'disable': '1', 'password': dave.password,
                                  'code': auth.at_offset(0),
                                  'csrf': BAD_CSRF}, 'with a wrong token')):
                before = snapshot(stack)
                r = dave.post('/contacts/2fa', fields, csrf=False)
                tap.is_(r.status, 403, 'POST /contacts/2fa %s: 403' % how)
                tap.is_(changes(stack, before), [], 'nothing changed')
            tap.ok(twofa_on(stack, 'dave'), '2FA stays on')
            nobody = stack.client()
            nobody.get('/login')
            r = nobody.post('/login/2fa', {'code': auth.at_offset(0)})
            tap.is_(r.status, 403, 'POST /login/2fa without a half session: '
                    '403')

        with tap.story('Turning 2FA off needs the password and a valid '
                       'code'):
            dave.get('/contacts/2fa')
            r = dave.post('/contacts/2fa', {'disable': '1',
                                            'password': dave.password,
                                            'code': auth.wrong()})
            tap.is_(r.status, 422, 'a wrong code: 422')
            tap.ok(twofa_on(stack, 'dave'), '2FA stays on')
            r = dave.post('/contacts/2fa', proof(dave, {'disable': '1'}))
            tap.is_(r.status, 303, 'the password and a valid code: 303')
            tap.ok(not twofa_on(stack, 'dave'), '2FA is off')
            tap.is_(len(events_of(stack, 'dave', 'twofa_disabled')), 1,
                    'the event twofa_disabled is recorded')
            dave.auth = None
            c3, r = login_password(stack, 'dave')
            tap.is_((r.status, stack.path_of(r.location)), (303, '/account'),
                    'the password alone logs in again')
            r = dave.get('/contacts/2fa')
            key_not_shown(tap, dave, r, 'the 2FA page', secret)
            r = dave.post('/contacts/2fa', {'password': dave.password})
            new = secret_of(dave, r)
            tap.ok(new and new != secret, 'the password shows a new secret')

        every_response_checked(tap, stack)


def no_sms_stack():
    with Stack(sms_command=None) as stack:
        erin = stack.new_user('erin', 'erin@home.example')

        with tap.story('Without SMS, 2FA needs a recovery code (R2)'):
            r = erin.get('/contacts/2fa')
            tap.is_(r.status, 200, 'Erin opens the 2FA page')
            blocked(tap, erin, r, 'GET', r'(?i)recovery code',
                    '/contacts/recovery-code')
            before = snapshot(stack)
            r = erin.post('/contacts/2fa', {'password': erin.password})
            tap.is_(r.status, 422, 'her password without a recovery code: '
                    '422')
            blocked(tap, erin, r, 'the refusal', r'(?i)recovery code',
                    '/contacts/recovery-code')
            key_not_shown(tap, erin, r, 'the refusal')
            tap.is_([c for c in changes(stack, before)
                     if not c.startswith('+ events ')], [],
                    'nothing changed')
            tap.like(make_recovery_code(erin) or '', r'^' + GROUPS + '$',
                     'Erin makes a recovery code')
            r = erin.post('/contacts/2fa', {'password': erin.password})
            tap.is_(r.status, 200, 'now her password shows the key')
            secret = secret_of(erin, r) or ''
            tap.like(secret, r'^[A-Z2-7]{32}$', 'it shows a secret')
            auth = Authenticator(secret)
            r = erin.post('/contacts/2fa', {'code': auth.next()})
            tap.is_(r.status, 303, 'and its code turns 2FA on (303)')
            tap.ok(twofa_on(stack, 'erin'), '2FA is on')
            c, r = login_password(stack, 'erin')
            tap.like(r.location, r'/login/2fa$', 'her next login asks for '
                     'the code')
            c.get('/login/2fa')
            r = c.post('/login/2fa', {'code': auth.next()})
            tap.is_((r.status, stack.path_of(r.location)), (303, '/account'),
                    'and the code lets her in')
            tap.is_(crashes(stack), [], 'no program crashed')


def main():
    sms_stack()
    no_sms_stack()


tap.run(main)
