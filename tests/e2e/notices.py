#!/usr/bin/python3
"""
notices.py: every action says it worked, once, and a mailed link opened
while logged out leads to the login form and back (issue 18 item 3).

Alice does each thing a session can do: add, confirm and remove a
contact, save a recovery code, turn 2FA on and off, add, verify and
remove a domain, end her other sessions, ask for her account's
deletion and cancel it, log out.  Each time the page the POST leads to
says so in one .notice, and a reload no longer does.  Mallory's links
(/contacts?done=twofa_on and the like) make no page claim anything.

Carol and Dave (with 2FA) open each page their mails link to in a
browser that is logged out: the login form shows, its `next` is the
page, and logging in lands on it.  An expired session and a disabled
account get the same form; a POST without a session is refused with a
login link that comes back to the form's page.
"""

import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Deliveries, Stack, Tap, add_verified_contact,  # noqa
                     crashes, db_write, element_text, enable_totp,
                     forms_to, input_attrs, make_recovery_code,
                     message_text, proof)

tap = Tap()

MAILED = ('/account', '/contacts', '/contacts/2fa', '/contacts/kit',
          '/contacts/recovery-code', '/account/activity')


def notice_of(resp):
    return element_text(resp, 'notice')


def said_once(client, resp, regex, what):
    """resp is the 303 of an action: the page it leads to shows one
    notice matching regex, and a reload shows none."""
    path = client.stack.path_of(resp.location) if resp.location else None
    if resp.status != 303 or path is None:
        tap.ok(False, what, 'answered %d: %s' % (resp.status,
                                                 client.errors(resp)))
        return
    page = client.get(path)
    tap.like(notice_of(page) or '', regex, what + ': ' + path + ' says so')
    tap.is_(len(re.findall(r'class="notice', page.text)), 1,
            what + ': in one notice')
    tap.is_(notice_of(client.get(path)), None,
            what + ': a reload no longer says it')


def alice_stories(stack, post):
    alice = stack.new_user('alice', 'alice@home.example')
    alice.auth = None
    tablet = stack.client()
    tablet.get('/login')
    tablet.post('/login', {'username': 'alice', 'password': alice.password})

    with tap.story('Contacts: added, confirmed, removed'):
        alice.get('/contacts')
        r = alice.post('/contacts', proof(alice, {
            'kind': 'email', 'value': 'alice@other.example'}))
        said_once(alice, r, r'^Contact added\.', 'adding a contact')
        tap.is_(notice_of(tablet.get('/contacts')), None,
                'her other session is not told: the notice is this one\'s')
        mails, _ = post.deliver()
        got = Deliveries.to(mails, 'alice@other.example')
        code = re.findall(r'\b\d{8}\b', message_text(got[-1]) if got else '')
        cid = stack.sql('SELECT id FROM contacts WHERE value = ?',
                        'alice@other.example')[0][0]
        r = alice.post('/contacts/verify', {'id': cid,
                                            'code': code[-1] if code else ''})
        said_once(alice, r, r'^Contact confirmed', 'confirming it')

    with tap.story('A recovery code saved; 2FA on and off'):
        tap.ok(make_recovery_code(alice), 'Alice makes a recovery code')
        r = alice.post('/contacts/recovery-code/saved', {})
        said_once(alice, r, r'recovery code is saved', 'saying she saved it')
        auth = enable_totp(alice)
        tap.ok(True, 'she turns 2FA on')
        # enable_totp() followed nothing: the notice waits for the page.
        page = alice.get('/contacts')
        tap.like(notice_of(page) or '', r'^Two-step verification is on',
                 'turning 2FA on: /contacts says so')
        tap.is_(notice_of(alice.get('/contacts')), None,
                'turning 2FA on: a reload no longer says it')
        r = alice.post('/contacts/2fa', {'disable': '1',
                                         'password': alice.password,
                                         'code': auth.next()})
        said_once(alice, r, r'^Two-step verification is off',
                  'turning 2FA off')
        alice.auth = None
        r = alice.post('/contacts/remove', proof(alice, {'id': cid}))
        said_once(alice, r, r'^Contact removed', 'removing the contact')

    with tap.story('Domains: added, verified, removed'):
        alice.get('/domains')
        r = alice.post('/domains', {'domain': 'alice-corp.test'})
        said_once(alice, r, r'^Domain added', 'adding a domain')
        page = alice.get('/domains')
        name = re.search(r'class="txt-name">([^<]+)<', page.text)
        value = re.search(r'class="txt-value">([^<]+)<', page.text)
        stack.dns_set({name.group(1): value.group(1)} if name and value
                      else {})
        r = alice.post('/domains/verify', {'domain': 'alice-corp.test'})
        said_once(alice, r, r'^Domain verified', 'verifying it')
        r = alice.post('/domains/remove', {'domain': 'alice-corp.test'})
        said_once(alice, r, r'^Domain removed', 'removing it')

    with tap.story('Sessions ended; a deletion asked for and cancelled'):
        alice.get('/account/activity')
        r = alice.post('/account/activity', {'others': '1',
                                             'password': alice.password})
        said_once(alice, r, r'^Every other session is logged out',
                  'ending her other sessions')
        tap.is_(tablet.get('/account').status, 403,
                'and the tablet is logged out indeed')
        alice.get('/account/delete')
        r = alice.post('/account/delete', {'password': alice.password})
        said_once(alice, r, r'^Deletion asked for', 'asking for deletion')
        r = alice.post('/account/delete/cancel',
                       {'password': alice.password})
        said_once(alice, r, r'^The deletion is cancelled',
                  'cancelling it from the banner')

    with tap.story('A link cannot make a page claim anything'):
        for path in ('/contacts?done=twofa_on', '/contacts?notice=TWOFA_ON',
                     '/account?done=1', '/domains?notice=DOMAIN_VERIFIED'):
            r = alice.get(path)
            tap.is_((r.status, notice_of(r)), (200, None),
                    path + ' shows no notice')
        r = alice.get('/login?out=1')
        tap.is_((r.status, stack.path_of(r.location)), (303, '/account'),
                '/login?out=1 while logged in tells her nothing: to /account')
        db_write(stack, "UPDATE sessions SET notice = 'NO_SUCH_WORD'")
        r = alice.get('/contacts')
        tap.is_((r.status, notice_of(r)), (200, None),
                'a word with no words in messages.tpl shows nothing')

    with tap.story('Logging out'):
        alice.get('/account')
        r = alice.post('/logout', {})
        tap.is_((r.status, stack.path_of(r.location)), (303, '/login?out=1'),
                'logging out leads to /login?out=1')
        page = alice.get('/login?out=1')
        tap.like(notice_of(page) or '', r'^You are logged out',
                 'which says so')
        tap.is_(alice.get('/account').status, 403, 'and she is')
        # No session is left to keep a one-shot notice on: the page
        # checks what it says itself, so a reload may say it again.
        tap.like(notice_of(alice.get('/login?out=1')) or '',
                 r'^You are logged out', 'a reload says it again: still true')


def login_form_back(client, path, what):
    """GET path logged out: the login form with next = path; the
    response."""
    r = client.get(path)
    tap.is_(r.status, 403, what + ': still 403')
    form = forms_to(client, r, '/login')
    values = form[0]['values'] if form else {}
    tap.is_(values.get('next'), path, what + ': the login form, with next')
    tap.is_(((input_attrs(r, 'username') or {}).get('autocomplete'),
             (input_attrs(r, 'password') or {}).get('autocomplete'),
             bool(values.get('csrf'))),
            ('username', 'current-password', True),
            what + ': the same fields, autocomplete and CSRF as /login')
    tap.like(notice_of(r) or '', r'^Log in to continue',
             what + ': in a neutral notice, not an error')
    tap.is_(client.errors(r), [], what + ': and no error')
    return r


def mailed_link_stories(stack, post):
    carol = stack.new_user('carol', 'carol@home.example', login=False)
    dave = stack.new_user('dave', 'dave@home.example')
    dave.auth = None
    make_recovery_code(dave)
    auth = enable_totp(dave)

    with tap.story('Each mailed link, opened logged out, leads back'):
        for path in MAILED:
            c = stack.client()
            login_form_back(c, path, 'Carol opens ' + path)
            r = c.post('/login', {'username': 'carol',
                                  'password': carol.password,
                                  'next': path})
            tap.is_((r.status, stack.path_of(r.location)), (303, path),
                    'her login lands on ' + path)
            tap.is_(c.get(path).status, 200, 'which shows')

    with tap.story('With 2FA the code step keeps the way back'):
        for path in MAILED:
            c = stack.client()
            login_form_back(c, path, 'Dave opens ' + path)
            r = c.post('/login', {'username': 'dave',
                                  'password': dave.password, 'next': path})
            loc = r.location or ''
            tap.like(loc, r'/login/2fa\?next=', 'his password asks for a code')
            c.get(stack.path_of(loc))
            r = c.post('/login/2fa', {'code': auth.next(), 'next': path})
            tap.is_((r.status, stack.path_of(r.location)), (303, path),
                    'and the code lands on ' + path)

    with tap.story('A link\'s query comes back too'):
        login_form_back(stack.client(), '/account/activity?x=1',
                        'a link with a query')

    with tap.story('An expired session or a disabled account: the form'):
        c = stack.client()
        c.get('/login')
        c.post('/login', {'username': 'carol', 'password': carol.password})
        tap.is_(c.get('/contacts').status, 200, 'Carol is logged in')
        db_write(stack, 'UPDATE sessions SET last_seen = last_seen - 864000,'
                 ' created_at = created_at - 864000 WHERE account_id = '
                 '(SELECT id FROM accounts WHERE username = ?)', 'carol')
        login_form_back(c, '/contacts', 'her expired session')
        c.get('/login')
        c.post('/login', {'username': 'carol', 'password': carol.password})
        stack.postern('disable', 'carol')
        login_form_back(c, '/contacts', 'her disabled account')

    with tap.story('A POST without a session: refused, with a way back'):
        c = stack.client()
        c.get('/login')
        r = c.post('/contacts/remove', {'id': '1', 'password': 'x'})
        tap.is_(r.status, 403, 'a POST is refused: 403')
        link = re.search(r'href="([^"]*/login\?next=[^"]*)"', r.text)
        tap.is_(urllib.parse.unquote(link.group(1).split('next=', 1)[1])
                if link else None, '/contacts',
                'its login link comes back to the form\'s page')


def main():
    with Stack(_dns=True, sms_command=None,
               admin_email='hoster@postern.example') as stack:
        post = Deliveries(stack)
        alice_stories(stack, post)
        mailed_link_stories(stack, post)
        tap.is_(crashes(stack), [], 'no program crashed')


tap.run(main)
