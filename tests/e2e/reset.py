#!/usr/bin/python3
"""
reset.py: a forgotten password, end to end on the real stack (R3, R4,
R7), with a test sms_command (tests/sms-capture) and a reset_delay of an
hour that the tests pass by moving resets.deadline into the past.

Mallory reads one of Alice's recovery mailboxes: she gets as far as a
pending change, and Alice, told at once on every other channel, stops it
from the link in her mail (and Rita is told even after Mallory filled
her mailbox up to its hourly limit).  Bob confirms his own reset from
the link that went to his other address.  Carol's browser, logged in
before, shows a banner that can stop her change but (without 2FA) not
skip the wait; Quinn stops a thief's change from hers.  Dave's change
takes effect when the mailer finds its deadline passed, Erin's (and
Fay's) when she logs in after it.  A stranger cannot tell Frank's
account from a name nobody has, and Uma, whose address was never
verified, gets no code.  Gina asks too often, and so does a whole
network; her codes grow old.  Hank gets his codes wrong five times.
Ivy's account is locked by the hoster, and so is Kira's while a change
of hers is pending: the lock stops it.  Jack asks twice, and the second
change replaces the first.
"""

import hashlib
import html
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (every_response_checked, DEFAULT_PASSWORD, SMS_CAPTURE,
                     Deliveries, Stack, Tap, ask_reset, code_in, db_write,
                     element_text, events_of, forms_to, found_in_db, from_ip,
                     header_problems, input_attrs, links_in, message_text,
                     only_message, password_works, pending_notices, person,
                     recipients_of, reset_codes_sent, reset_states,
                     prove_reset, token_of, try_login, typed_codes)

tap = Tap()

ADMIN = 'hoster@example.net'
CONF = dict(reset_delay='1h', sms_command=SMS_CAPTURE, admin_email=ADMIN,
            # Everyone in these stories comes from 127.0.0.1; the
            # X-Forwarded-For of from_ip() tells the per-IP limit apart.
            trusted_proxies='127.0.0.1')
OLD = DEFAULT_PASSWORD
DELAY = 3600
# A password of 256 characters that is not a pattern.
LONG_PASSWORD = ''.join(hashlib.sha256(b'%d' % i).hexdigest()
                        for i in range(4))
# How a page or a mail says when: "2026-11-23 12:41 UTC", "12:41", ...
WHEN = r'\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}'


# ------------------------------------------------------------------ #
# Helpers of these stories.


def resets_of(stack, username):
    """(state, deadline) of the account's resets, oldest first."""
    return stack.sql('SELECT r.state, r.deadline FROM resets r JOIN '
                     'accounts a ON a.id = r.account_id WHERE a.username = '
                     '? ORDER BY r.id', username)


def pass_deadline(stack, username):
    """Move the account's pending change to a second ago (the test
    sets up time)."""
    return db_write(stack, 'UPDATE resets SET deadline = ? WHERE state = '
                    "'pending' AND account_id = (SELECT id FROM accounts "
                    'WHERE username = ?)', int(time.time()) - 1, username)


def live_codes(stack, username):
    """How many reset codes of the account could still be typed."""
    return stack.sql("SELECT count(*) FROM codes c JOIN accounts a ON "
                     "a.id = c.account_id WHERE a.username = ? AND "
                     "c.purpose = 'reset' AND c.used_at IS NULL AND "
                     "c.expires_at > ?", username, int(time.time()))[0][0]


def states(stack, username):
    return reset_states(stack, username)


def one(items, who):
    return only_message(tap, items, who)


def told(tap, mails, sms, channels, regex, what):
    """Every channel got one message saying what."""
    tap.is_(recipients_of(mails, sms), sorted(channels), 'every channel is '
            'told that %s, and nobody else' % what)
    for who in channels:
        m = one(mails + sms, who)
        tap.like(message_text(m) if m else None, regex,
                 'the message to %s says %s' % (who, what))


def reset_links(stack, items):
    return [x for m in items for x in links_in(stack, m, '/reset/confirm') +
            links_in(stack, m, '/reset/reject')]


def deliver_twice(post):
    """Two mailer passes: a pass may apply due changes after it has
    sent what was queued before."""
    m1, s1 = post.deliver()
    m2, s2 = post.deliver()
    return m1 + m2, s1 + s2


def banner(client, resp):
    """The pending-reset banner: (its text, forms to /reset/confirm,
    forms to /reset/reject) or None."""
    text = element_text(resp, 'pending-reset')
    if text is None:
        return None
    return (text, forms_to(client, resp, '/reset/confirm'),
            forms_to(client, resp, '/reset/reject'))


# What a page says of a change that waits: only the mailed confirm link
# skips the wait; without one it takes effect on its own.
CONFIRM_MAILED = r'(?i)confirm link we mailed'
ON_ITS_OWN = r'(?i)on its own'


def shows_time(tap, resp, t, what):
    """resp shows time t as a date and time in UTC, in a <time> whose
    datetime a browser can convert."""
    utc = time.gmtime(t)
    text = time.strftime('%A {} %B %Y at %H:%M UTC', utc).format(utc.tm_mday)
    tap.ok('<time datetime="%s">%s</time>' % (
        time.strftime('%Y-%m-%dT%H:%MZ', utc), text) in resp.text,
        '%s says when: on %s, in a <time datetime>' % (what, text))


def waiting_page(tap, stack, client, resp, username, mailed):
    """The page after Yes-it-was-me: the deadline as a date, and the
    confirm link only to an account that was mailed one."""
    tap.is_(stack.path_of(resp.location or ''), '/reset?pending=1',
            'to /reset?pending=1')
    r = client.get('/reset?pending=1')
    shows_time(tap, r, resets_of(stack, username)[-1][1], 'the waiting page')
    words = element_text(r, 'reset-sooner') or ''
    if mailed:
        tap.like(words, CONFIRM_MAILED, 'it points to the confirm link '
                 'mailed to the other address')
    else:
        tap.unlike(words, CONFIRM_MAILED, 'it speaks of no confirm link: '
                   'none was mailed')
        tap.like(words, ON_ITS_OWN, 'and says the password takes effect '
                 'on its own')


def ended(stack, cookies):
    """Status of /account for each old session cookie."""
    out = []
    for ck in cookies:
        c = stack.client()
        c.cookies['postern'] = ck
        out.append(c.get('/account').status)
    return out


def blank(text, *names):
    """A page or Location with its csrf token and the typed names
    blanked, for comparing two answers."""
    text = re.sub(r'(name="csrf"[^>]*value=")[^"]*', r'\1', text)
    for n in names:
        text = text.replace(html.escape(n), '@NAME@')
        text = text.replace(urllib.parse.quote(n, safe=''), '@NAME@')
        text = text.replace(n, '@NAME@')
    return text


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return 'first difference at %d:\n  %r\n  %r' % (
                i, a[max(0, i - 80):i + 80], b[max(0, i - 80):i + 80])
    return 'lengths %d and %d' % (len(a), len(b))


# ------------------------------------------------------------------ #


def stolen_mailbox(stack, post):
    """Mallory reads alice@old-mailbox.example, an address Alice set up
    years ago and forgot.  Alice also has her home address and a
    phone."""
    alice = person(stack, post, 'alice', 'alice@home.example',
                   emails=['alice@old-mailbox.example'],
                   phones=['+49301234567'])
    alice_cookie = alice.cookie('postern')
    mallory = from_ip(stack.client(), '203.0.113.66')
    s = {}
    time.sleep(1.1)     # the reset comes well after Alice's login

    with tap.story('Mallory asks for codes for alice'):
        r = mallory.get('/reset')
        tap.is_(r.status, 200, 'GET /reset answers 200')
        f = forms_to(mallory, r, '/reset')
        tap.ok(f and 'username' in f[0]['values'], 'a form POSTs a '
               'username to /reset', f)
        tap.is_(header_problems(r), [], 'with the security headers')
        r = mallory.post('/reset', {'username': 'alice'})
        tap.is_(r.status, 303, 'POST /reset answers 303')
        tap.is_(stack.path_of(r.location), '/reset/prove?username=alice',
                'to /reset/prove?username=alice')
        mails, sms = post.deliver()
        s['codes'] = reset_codes_sent(tap, mails, sms, [
            'alice@home.example', 'alice@old-mailbox.example',
            '+49301234567'])
        tap.is_(states(stack, 'alice'), ['requested'], 'one reset is '
                'requested')
        tap.is_(len(events_of(stack, 'alice', 'reset_requested')), 1,
                'the event reset_requested is recorded')

    with tap.story('The prove form'):
        r = mallory.get('/reset/prove?username=alice')
        tap.is_(r.status, 200, 'GET /reset/prove answers 200')
        f = forms_to(mallory, r, '/reset/prove')
        tap.is_(len(f), 1, 'one form POSTs to /reset/prove')
        f = f[0] if f else {'fields': [], 'values': {}}
        tap.is_(f['values'].get('username'), 'alice', 'the username is '
                'filled in')
        codes = [t for n, t, _v in f['fields'] if n == 'code']
        tap.ok(len(codes) >= 3, 'there are at least 3 code fields', codes)
        tap.is_((input_attrs(r, 'code') or {}).get('autocomplete'),
                'one-time-code', 'code fields are autocomplete='
                'one-time-code')
        pw = input_attrs(r, 'password') or {}
        tap.is_((pw.get('type'), pw.get('autocomplete')),
                ('password', 'new-password'), 'the password field is a '
                'new-password')

    with tap.story('Mallory proves the mailbox she reads and sets her '
                   'own password'):
        before_request = stack.db_snapshot()
        r = prove_reset(mallory, 'alice',
                        [s['codes']['alice@old-mailbox.example']],
                        'mallory owns this now 1')
        tap.is_(r.status, 303, 'one code without 2FA is enough: 303')
        tap.is_(stack.path_of(r.location), '/reset?pending=1',
                'to /reset?pending=1')
        r = mallory.get('/reset?pending=1')
        tap.is_(r.status, 200, 'that page answers 200')
        text = mallory.text_of(r)
        rows = resets_of(stack, 'alice')
        if rows:
            shows_time(tap, r, rows[-1][1], 'the page')
        tap.like(text, CONFIRM_MAILED, 'and how to skip the wait: the '
                 'confirm link mailed to her home address')
        tap.unlike(text, r'(?i)logged[ -]in|signed[ -]in|browser',
                   'but not a logged-in browser: without 2FA, none can')
        tap.is_([st for st, _d in rows], ['pending'], 'the change is '
                'pending')
        if rows:
            tap.ok(abs(rows[0][1] - (time.time() + DELAY)) < 60,
                   'its deadline is an hour from now', rows)
        tap.is_(len(events_of(stack, 'alice', 'reset_pending')), 1,
                'the event reset_pending is recorded')
        tap.is_(live_codes(stack, 'alice'), 0, 'the success used up the '
                'codes of the other channels too')
        tap.ok(found_in_db(before_request, 'mallory owns this now 1') ==
               found_in_db(stack.db_snapshot(), 'mallory owns this now 1')
               == [], 'the new password is nowhere in the database as '
               'text')

    with tap.story('Every channel is told at once; the stolen mailbox gets '
                   'no confirm link'):
        mails, sms = post.deliver()
        s['links'] = pending_notices(
            tap, stack, mails, sms, confirm_to=['alice@home.example'],
            no_confirm_to=['alice@old-mailbox.example'],
            phones=['+49301234567'])
        sms_text = (one(sms, '+49301234567') or {}).get('text', '')
        tap.ok(any(ln.strip() == s['links'].get('+49301234567', {}).get(
            'reject') for ln in sms_text.splitlines()),
            'the SMS has the reject link on a line of its own')
        snap = stack.db_snapshot()
        for who, ls in s['links'].items():
            for kind, link in ls.items():
                if link:
                    tap.is_(found_in_db(snap, token_of(link)), [],
                            'the %s token sent to %s is nowhere in the '
                            'database' % (kind, who))

    with tap.story('While it is pending, the old password works and the '
                   'new one does not'):
        tap.ok(password_works(stack, 'alice', OLD), 'Alice\'s password '
               'still logs in')
        tap.ok(not password_works(stack, 'alice', 'mallory owns this now 1'),
               'Mallory\'s does not')
        r = alice.get('/account')
        b = banner(alice, r)
        tap.ok(b is not None, 'Alice\'s browser, logged in before the '
               'request, shows the pending-reset banner')

    with tap.story('Mallory asks for codes again while it is pending'):
        r = ask_reset(mallory, 'alice')
        tap.is_(r.status, 303, 'POST /reset: 303')
        mails, sms = post.deliver()
        s['codes2'] = reset_codes_sent(tap, mails, sms, [
            'alice@home.example', 'alice@old-mailbox.example',
            '+49301234567'])
        tap.is_(states(stack, 'alice'), ['pending', 'requested'], 'the '
                'change stays pending beside the new request')

    with tap.story('Alice stops it from the link in her home mailbox, '
                   'without a session'):
        link = s['links'].get('alice@home.example', {}).get('reject')
        owner = from_ip(stack.client(), '198.51.100.7')
        before = stack.db_snapshot()
        r = owner.get(stack.path_of(link) if link else '/reset/reject')
        tap.is_(r.status, 200, 'the reject link opens a page (200)')
        f = forms_to(owner, r, '/reset/reject')
        tap.is_(len(f), 1, 'with one form that POSTs to /reset/reject')
        tap.is_(f and f[0]['values'].get('t'), token_of(link),
                'carrying the token as t')
        tap.is_(stack.db_changes(before), [], 'opening it changed nothing')
        r = owner.post('/reset/reject', {'t': token_of(link)})
        tap.is_(r.status, 303, 'pressing the button answers 303')
        tap.is_(stack.path_of(r.location), '/reset?rejected=1',
                'to /reset?rejected=1')
        r = owner.get('/reset?rejected=1')
        tap.is_(r.status, 200, 'that page answers 200')
        tap.like(owner.text_of(r), r'(?i)cancel|stopp|reject',
                 'and says the change was stopped')
        tap.is_(states(stack, 'alice')[:1], ['rejected'], 'the reset is '
                'rejected')
        tap.is_(len(events_of(stack, 'alice', 'reset_rejected')), 1,
                'the event reset_rejected is recorded')
        tap.is_(live_codes(stack, 'alice'), 0, 'no reset code of hers can '
                'be typed any more')
        mails, sms = post.deliver()
        told(tap, mails, sms, ['alice@home.example',
                               'alice@old-mailbox.example', '+49301234567'],
             r'(?i)cancel|stopp|reject', 'the change was stopped')
        tap.is_(reset_links(stack, mails + sms), [], 'those messages carry '
                'no confirm or reject link')
        r = alice.get('/account')
        tap.is_(banner(alice, r), None, 'the banner is gone')

    with tap.story('After the reject no link and no code works, and the '
                   'deadline changes nothing'):
        for who, ls in s['links'].items():
            for kind, link in ls.items():
                if not link:
                    continue
                c = stack.client()
                r = c.get(stack.path_of(link))
                tap.is_(r.status, 422, 'the %s link of %s opens a 422 page'
                        % (kind, who))
                tap.ok(c.errors(r), 'saying why in .error')
                c.get('/reset')     # a page with a csrf token
                r = c.post('/reset/' + kind, {'t': token_of(link)})
                tap.is_(r.status, 422, 'and pressing its button: 422')
        r = prove_reset(mallory, 'alice', [s['codes']['alice@home.example']],
                        'mallory owns this now 1')
        tap.is_(r.status, 422, 'an unused code of the first request: 422')
        r = prove_reset(mallory, 'alice',
                        [s['codes2']['alice@old-mailbox.example']],
                        'mallory owns this now 1')
        tap.is_(r.status, 422, 'the code of the request made while it was '
                'pending: 422 (the reject voided every outstanding code)')
        tap.is_(states(stack, 'alice')[:1], ['rejected'], 'nothing new is '
                'pending')
        tap.note('mails to alice@home.example in the last hour: %d' %
                 stack.sql("SELECT count(*) FROM outbox WHERE recipient = "
                           "'alice@home.example'")[0][0])
        db_write(stack, 'UPDATE resets SET deadline = ? WHERE account_id = '
                 '(SELECT id FROM accounts WHERE username = ?)',
                 int(time.time()) - 1, 'alice')
        post.deliver()
        tap.ok('pending' not in states(stack, 'alice') and 'applied' not in
               states(stack, 'alice'), 'a mailer run past the deadline '
               'applies nothing', states(stack, 'alice'))
        tap.ok(not password_works(stack, 'alice', 'mallory owns this now 1'),
               'Mallory\'s password never works')
        tap.ok(password_works(stack, 'alice', OLD), 'Alice\'s still does')
        tap.is_(alice.get('/account').status, 200, 'and her session '
                'goes on')
        tap.is_(ended(stack, [alice_cookie]), [200], '(the same cookie)')
        post.deliver()


def flooded_mailbox(stack, post):
    """Mallory, who reads Rita's old mailbox too, first fills Rita's
    home mailbox up to its hourly mail limit, hoping the notice of her
    reset will not be sent there."""
    person(stack, post, 'rita', 'rita@home.example',
           emails=['rita@old-mailbox.example'])
    mallory = from_ip(stack.client(), '203.0.113.80')

    def mails_this_hour():
        return stack.sql('SELECT count(*) FROM outbox WHERE recipient = ? '
                         'COLLATE NOCASE AND created_at > ?',
                         'rita@home.example', int(time.time()) - 3600)[0][0]

    with tap.story('A flood of mail does not keep the notice from the '
                   'owner'):
        for i in range(12):
            if mails_this_hour() >= 10:
                break
            mallory.get('/signup')
            mallory.post('/signup', {'username': 'flood%02d' % i,
                                     'email': 'rita@home.example',
                                     'password': OLD})
        post.deliver()
        tap.note('mails to rita@home.example this hour: %d'
                 % mails_this_hour())
        ask_reset(mallory, 'rita')
        mails, _ = post.deliver()
        m = one(mails, 'rita@old-mailbox.example')
        code = code_in(m.body) if m else None
        r = prove_reset(mallory, 'rita', [code], 'mallory owns rita 1')
        tap.is_(r.status, 303, 'Mallory gets a change pending')
        mails, sms = post.deliver()
        home = Deliveries.to(mails, 'rita@home.example')
        tap.is_(len(home), 1, 'Rita\'s home address is told all the same')
        tap.ok(home and links_in(stack, home[0], '/reset/reject?t='),
               'with a reject link')


def confirm_by_link(stack, post):
    """Bob forgot his password; the confirm link goes to the address he
    did not use."""
    bob = person(stack, post, 'bob', 'bob@home.example',
                 emails=['bob@backup.example'])
    _c2, _r = try_login(stack, 'bob', OLD)
    cookies = [bob.cookie('postern'), _c2.cookie('postern')]
    me = from_ip(stack.client(), '198.51.100.20')
    time.sleep(1.1)

    with tap.story('Bob proves his home address; the confirm link goes '
                   'to his backup address only'):
        ask_reset(me, 'bob@home.example')
        mails, sms = post.deliver()
        codes = reset_codes_sent(tap, mails, sms, ['bob@home.example',
                                             'bob@backup.example'])
        r = prove_reset(me, 'bob@home.example',
                        [codes['bob@home.example']], 'bob new password 22')
        tap.is_(r.status, 303, 'asked for by address, proven: 303')
        waiting_page(tap, stack, me, r, 'bob', mailed=True)
        mails, sms = post.deliver()
        links = pending_notices(tap, stack, mails, sms,
                                confirm_to=['bob@backup.example'],
                                no_confirm_to=['bob@home.example'])

    with tap.story('Bob\'s banner points to the link mailed to his backup '
                   'address'):
        r = bob.get('/account')
        tap.like(element_text(r, 'banner-no-confirm') or '', CONFIRM_MAILED,
                 'the banner says the mailed confirm link skips the wait')
        shows_time(tap, r, resets_of(stack, 'bob')[-1][1], 'the banner')

    with tap.story('Bob confirms from the link'):
        link = links.get('bob@backup.example', {}).get('confirm')
        c = from_ip(stack.client(), '198.51.100.21')
        before = stack.db_snapshot()
        r = c.get(stack.path_of(link) if link else '/reset/confirm')
        tap.is_(r.status, 200, 'the confirm link opens a page (200)')
        f = forms_to(c, r, '/reset/confirm')
        tap.is_(len(f), 1, 'with one form that POSTs to /reset/confirm')
        tap.is_(f and f[0]['values'].get('t'), token_of(link), 'carrying '
                'the token as t')
        tap.like(c.text_of(r), r'(?i)password', 'the page says what the '
                 'button does')
        tap.is_(stack.db_changes(before), [], 'opening it changed nothing')
        tap.ok(password_works(stack, 'bob', OLD), 'the old password still '
               'works')
        r = c.post('/reset/confirm', {'t': token_of(link)})
        tap.is_(r.status, 303, 'pressing the button answers 303')
        tap.is_(stack.path_of(r.location), '/login?reset=1',
                'to /login?reset=1')
        r = c.get('/login?reset=1')
        tap.is_(r.status, 200, 'the login page opens')
        tap.is_(states(stack, 'bob'), ['applied'], 'the reset is applied')
        tap.is_(len(events_of(stack, 'bob', 'reset_applied')), 1,
                'the event reset_applied is recorded')

    with tap.story('Every session of Bob\'s ended; the new password works, '
                   'the old one does not'):
        tap.is_(ended(stack, cookies), [403, 403], 'both earlier sessions '
                'get 403 on /account')
        tap.is_(stack.sql("SELECT count(*) FROM sessions s JOIN accounts a "
                          "ON a.id = s.account_id WHERE a.username = 'bob'"),
                [(0,)], 'no session of his is left')
        tap.ok(password_works(stack, 'bob', 'bob new password 22'),
               'the new password logs in')
        tap.ok(not password_works(stack, 'bob', OLD), 'the old one does '
               'not')
        mails, sms = post.deliver()
        told(tap, mails, sms, ['bob@home.example', 'bob@backup.example'],
             r'(?i)password', 'the password was changed')
        tap.is_(reset_links(stack, mails + sms), [], 'with no confirm or '
                'reject link in them')
        for kind in ('confirm', 'reject'):
            ls = [x[kind] for x in links.values() if x.get(kind)]
            for link in ls:
                r = stack.client().get(stack.path_of(link))
                tap.is_(r.status, 422, 'the %s link now opens a 422 page'
                        % kind)


def banner_without_2fa(stack, post):
    """Carol is logged in at home when she asks, on her phone's browser,
    for a new password.  Her account has no two-step verification, so a
    browser can stop the change but not skip the wait (a borrowed
    browser could otherwise make a recovery code, prove a reset with it
    and confirm it at once).  Confirming from a session with 2FA is in
    reset_2fa.py."""
    carol = person(stack, post, 'carol', 'carol@home.example')
    time.sleep(1.1)
    phone = from_ip(stack.client(), '198.51.100.30')

    with tap.story('Carol\'s new password is pending'):
        ask_reset(phone, 'carol')
        mails, sms = post.deliver()
        code = code_in(one(mails, 'carol@home.example').body)
        r = prove_reset(phone, 'carol', [code], 'carol new password 33')
        tap.is_(r.status, 303, 'proven: 303')
        # Her only address proved it: no confirm link went anywhere.
        waiting_page(tap, stack, phone, r, 'carol', mailed=False)
        post.deliver()

    time.sleep(1.1)
    later, r = try_login(stack, 'carol', OLD)

    with tap.story('Every session shows the banner, on every page; only '
                   'the password stops the change'):
        text = ''
        tap.is_(r.status, 303, 'a new login with the old password works')
        for path in ('/account', '/contacts', '/account/activity',
                     '/domains'):
            r = carol.get(path)
            b = banner(carol, r)
            tap.ok(b is not None, '%s shows the banner #pending-reset to '
                   'the earlier session' % path)
            if b is None:
                continue
            text, confirm, reject = b
            tap.is_(len(reject), 1, 'it has a form to /reset/reject')
            tap.ok(all(sorted(f['values']) == ['csrf', 'password']
                       for f in reject),
                   'carrying csrf and a password field (no t): R8, a '
                   'session alone never stops a reset',
                   [f['fields'] for f in reject])
            tap.is_(confirm, [], 'and, without 2FA, no form to '
                    '/reset/confirm')
        tap.like(text, WHEN, 'the banner says when it takes effect')
        tap.unlike(text, CONFIRM_MAILED, 'and, as no confirm link was '
                   'mailed, points to none')
        tap.like(text, ON_ITS_OWN, 'it says the password takes effect on '
                 'its own')
        # A session begun after the reset may be the owner's, whose only
        # mailbox the thief reads: it may stop the change with the
        # password the change would replace (attacks.py story 11).
        for path in ('/account', '/contacts'):
            r = later.get(path)
            tap.is_(r.status, 200, '%s opens for the later session' % path)
            b = banner(later, r)
            tap.ok(b is not None, 'with the banner')
            if b is None:
                continue
            _text, confirm, reject = b
            tap.ok(len(reject) == 1 and sorted(reject[0]['values']) ==
                   ['csrf', 'password'], 'a reject form that asks for the '
                   'password', reject)
            tap.is_(confirm, [], 'and no confirm form')

    with tap.story('A session that does not predate the request changes '
                   'nothing without the password'):
        before = stack.db_snapshot()
        later.get('/account')
        r = later.post('/reset/confirm', {})
        tap.ok(r.status in (403, 422), 'POST /reset/confirm from it is '
               'refused (403 or 422)', r.status)
        tap.note('status: %d' % r.status)
        r = later.post('/reset/reject', {})
        tap.ok(r.status in (403, 422), 'and so is POST /reset/reject',
               r.status)
        tap.is_(states(stack, 'carol'), ['pending'], 'the change stays '
                'pending')
        ch = [c for c in stack.db_changes(before)
              if not c.startswith(('+ events', '- sessions',
                                   '+ sessions'))]
        tap.is_(ch, [], 'nothing else changed')

    with tap.story('Without 2FA, Carol\'s browser cannot skip the wait'):
        before = stack.db_snapshot()
        r = carol.get('/reset/confirm')
        tap.is_(r.status, 403, 'GET /reset/confirm without a link: 403')
        tap.unlike(carol.text_of(r), CONFIRM_MAILED, 'the page points to '
                   'no mailed link, for none was mailed')
        tap.like(carol.text_of(r), ON_ITS_OWN + r'.* UTC', 'it says the '
                 'password takes effect on its own, and when')
        carol.get('/account')
        for fields, csrf, why in (({}, True, 'with its csrf'),
                                  ({}, False, 'without csrf'),
                                  ({'csrf': 'A' * 43}, False,
                                   'with a wrong csrf')):
            r = carol.post('/reset/confirm', fields, csrf=csrf)
            tap.is_(r.status, 403, 'POST /reset/confirm %s: 403' % why)
        tap.is_(states(stack, 'carol'), ['pending'], 'the change is still '
                'pending')
        tap.is_([c for c in stack.db_changes(before)
                 if not c.startswith(('+ events', '- sessions',
                                      '+ sessions'))], [],
                'nothing else changed')
        tap.is_(carol.get('/account').status, 200, 'her session goes on')
        tap.ok(password_works(stack, 'carol', OLD), 'the old password '
               'still works')
        post.deliver()


def reject_by_banner(stack, post):
    """Quinn is logged in when someone else gets a change pending."""
    quinn = person(stack, post, 'quinn', 'quinn@home.example',
                   phones=['+441632960002'])
    time.sleep(1.1)
    thief = from_ip(stack.client(), '203.0.113.67')

    with tap.story('Quinn stops a change from the banner of her logged-in '
                   'browser'):
        ask_reset(thief, 'quinn')
        _mails, sms = post.deliver()
        code = code_in(one(sms, '+441632960002')['text'])
        r = prove_reset(thief, 'quinn', [code], 'quinn stolen password 9')
        tap.is_(r.status, 303, 'the thief, holding her phone, gets a change '
                'pending')
        post.deliver()
        r = quinn.get('/contacts')
        tap.ok(banner(quinn, r), 'Quinn\'s browser shows the banner')
        r = quinn.post('/reset/reject', {})
        tap.is_(r.status, 422, 'R8: POST /reset/reject with only csrf '
                'asks for her password: 422')
        tap.is_(states(stack, 'quinn'), ['pending'], 'the change still '
                'waits')
        r = quinn.post('/reset/reject', {'password': 'wrong password 1'})
        tap.is_(r.status, 422, 'a wrong password: 422')
        quinn.get('/contacts')
        r = quinn.post('/reset/reject', {'password': OLD})
        tap.is_(r.status, 303, 'POST /reset/reject with her password: 303')
        tap.is_(stack.path_of(r.location), '/reset?rejected=1',
                'to /reset?rejected=1')
        tap.is_(states(stack, 'quinn'), ['rejected'], 'the change is '
                'rejected')
        tap.is_(len(events_of(stack, 'quinn', 'reset_rejected')), 1,
                'the event reset_rejected is recorded')
        r = quinn.get('/account')
        tap.is_(r.status, 200, 'her session goes on')
        tap.is_(banner(quinn, r), None, 'without the banner')
        tap.ok(password_works(stack, 'quinn', OLD), 'her password works')
        tap.ok(not password_works(stack, 'quinn', 'quinn stolen password 9'),
               'the thief\'s does not')
        mails, sms = post.deliver()
        told(tap, mails, sms, ['quinn@home.example', '+441632960002'],
             r'(?i)cancel|stopp|reject', 'the change was stopped')
        before = stack.db_snapshot()
        quinn.get('/account')
        r = quinn.post('/reset/reject', {})
        tap.ok(r.status in (403, 404, 422), 'with nothing pending, the '
               'banner\'s form is refused', r.status)
        tap.note('status: %d' % r.status)
        tap.is_([c for c in stack.db_changes(before)
                 if not c.startswith(('+ events', '- sessions',
                                      '+ sessions'))], [],
                'and changes nothing')


def deadline_by_mailer(stack, post):
    dave = person(stack, post, 'dave', 'dave@home.example',
                  phones=['+441632960001'])
    cookie = dave.cookie('postern')
    me = from_ip(stack.client(), '198.51.100.40')

    with tap.story('postern resets lists the pending change'):
        r = stack.postern('resets')
        tap.is_(r.returncode, 0, 'postern resets exits 0 with none '
                'pending')
        tap.unlike(r.stdout, r'\bdave\b', 'and does not list dave')
        ask_reset(me, 'dave')
        mails, sms = post.deliver()
        code = code_in(one(sms, '+441632960001')['text'])
        r = prove_reset(me, 'dave', [code], 'dave new password 44')
        tap.is_(r.status, 303, 'Dave proves his phone: 303')
        mails, sms = post.deliver()
        pending_notices(tap, stack, mails, sms,
                        confirm_to=['dave@home.example'],
                        phones=['+441632960001'])
        r = stack.postern('resets')
        tap.is_(r.returncode, 0, 'postern resets exits 0')
        line = [ln for ln in r.stdout.splitlines()
                if re.search(r'\bdave\b', ln)]
        tap.ok(len(line) == 1, 'it lists dave on one line', r.stdout +
               r.stderr)
        deadline = resets_of(stack, 'dave')[-1][1]
        tap.like(line[0] if line else '', re.escape(time.strftime(
            '%Y-%m-%d %H:%M', time.gmtime(deadline))) + '|' +
            str(deadline), 'with the deadline')
        tap.like(r.stdout, r'\bcarol\b', 'and Carol\'s, also pending')
        tap.unlike(r.stdout, r'\b(alice|bob)\b', 'but no change that is not '
                   'pending')

    with tap.story('At the deadline, the mailer applies the change'):
        post.deliver()
        tap.is_(states(stack, 'dave'), ['pending'], 'a mailer run before '
                'the deadline applies nothing')
        pass_deadline(stack, 'dave')
        mails, sms = deliver_twice(post)
        tap.ok(post.last_run.returncode == 0, 'postern mailer --once '
               'succeeds', post.last_run.stdout + post.last_run.stderr)
        tap.is_(states(stack, 'dave'), ['applied'], 'the mailer applied '
                'the change')
        tap.is_(len(events_of(stack, 'dave', 'reset_applied')), 1,
                'the event reset_applied is recorded')
        tap.is_(ended(stack, [cookie]), [403], 'Dave\'s session ended')
        told(tap, mails, sms, ['dave@home.example', '+441632960001'],
             r'(?i)password', 'the password was changed')
        tap.ok(password_works(stack, 'dave', 'dave new password 44'),
               'the new password logs in')
        tap.ok(not password_works(stack, 'dave', OLD), 'the old one does '
               'not')
        r = stack.postern('resets')
        tap.unlike(r.stdout, r'\bdave\b', 'postern resets no longer lists '
                   'dave')
        deliver_twice(post)
        tap.is_(len(events_of(stack, 'dave', 'reset_applied')), 1,
                'later runs apply nothing again')


def deadline_by_login(stack, post):
    erin = person(stack, post, 'erin', 'erin@home.example')
    cookie = erin.cookie('postern')
    me = from_ip(stack.client(), '198.51.100.50')

    with tap.story('Right after the deadline, the new password logs in '
                   'before the mailer has run'):
        ask_reset(me, 'erin')
        mails, sms = post.deliver()
        code = code_in(one(mails, 'erin@home.example').body)
        r = prove_reset(me, 'erin', [code], 'erin new password 55')
        tap.is_(r.status, 303, 'Erin proves her address: 303')
        post.deliver()
        tap.ok(not password_works(stack, 'erin', 'erin new password 55'),
               'before the deadline the new password does not work')
        pass_deadline(stack, 'erin')
        c, r = try_login(stack, 'erin', 'erin new password 55')
        tap.is_((r.status, stack.path_of(r.location)), (303, '/account'),
                'after it, the new password logs in')
        tap.is_(c.get('/account').status, 200, 'and that session works')
        tap.is_(states(stack, 'erin'), ['applied'], 'the login applied the '
                'change')
        tap.is_(ended(stack, [cookie]), [403], 'the session from before '
                'ended')
        tap.ok(not password_works(stack, 'erin', OLD), 'the old password '
               'no longer works')
        mails, sms = post.deliver()
        told(tap, mails, sms, ['erin@home.example'], r'(?i)password',
             'the password was changed')
        tap.is_(len(events_of(stack, 'erin', 'reset_applied')), 1,
                'the change is applied once')

    with tap.story('An old password typed after the deadline applies the '
                   'change too, and is refused'):
        fay = person(stack, post, 'fay', 'fay@home.example')
        ask_reset(me, 'fay')
        mails, _ = post.deliver()
        code = code_in(one(mails, 'fay@home.example').body)
        prove_reset(me, 'fay', [code], 'fay new password 66')
        post.deliver()
        pass_deadline(stack, 'fay')
        _c, r = try_login(stack, 'fay@home.example', OLD)
        tap.is_(r.status, 422, 'the old password, with her address: 422')
        tap.is_(states(stack, 'fay'), ['applied'], 'the change was applied '
                'first')
        tap.is_(fay.get('/account').status, 403, 'and Fay\'s old session '
                'ended')
        post.deliver()


def same_answers(stack, post):
    frank = person(stack, post, 'frank', 'frank@home.example')
    frank.get('/contacts')
    frank.post('/contacts', {'kind': 'email',
                             'value': 'frank@pending.example'})
    stack.new_user('uma', 'uma@home.example', verify=False, login=False)
    post.deliver()
    a = from_ip(stack.client(), '198.51.100.60')
    b = from_ip(stack.client(), '198.51.100.61')

    with tap.story('A known and an unknown name get the same answers'):
        for known, unknown in (('frank', 'frenk'),
                               ('frank@home.example', 'frenk@home.example'),
                               ('Frank', 'zz top & co')):
            a.get('/reset')
            b.get('/reset')
            ra = a.post('/reset', {'username': known})
            rb = b.post('/reset', {'username': unknown})
            tap.is_((ra.status, rb.status), (303, 303), '%r and %r: both '
                    '303' % (known, unknown))
            tap.is_(stack.path_of(ra.location), '/reset/prove?username=' +
                    urllib.parse.quote(known, safe=''), 'the Location '
                    'carries what was typed, URL-encoded')
            tap.is_(blank(ra.location or '', known),
                    blank(rb.location or '', unknown),
                    'the same Location apart from the typed name')
            ha = sorted(k.lower() for k, _v in ra.header_list)
            hb = sorted(k.lower() for k, _v in rb.header_list)
            tap.is_(ha, hb, 'the same headers')
            tap.ok(blank(ra.text, known) == blank(rb.text, unknown),
                   'the same body', first_difference(
                       blank(ra.text, known), blank(rb.text, unknown)))
            pa = a.get(stack.path_of(ra.location))
            pb = b.get(stack.path_of(rb.location))
            tap.is_((pa.status, pb.status), (200, 200), 'both prove pages '
                    'open')
            ta, tb = blank(pa.text, known), blank(pb.text, unknown)
            tap.ok(ta == tb, 'and are the same apart from the name and the '
                   'csrf token', first_difference(ta, tb))
            mails, sms = post.deliver()
            tap.is_(recipients_of(mails, sms), ['frank@home.example'],
                    'only the known account got a code, at its verified '
                    'address (not at its pending one)')

    with tap.story('An account whose only address is unverified gets no '
                   'code'):
        r = ask_reset(a, 'uma')
        tap.is_((r.status, stack.path_of(r.location)),
                (303, '/reset/prove?username=uma'), 'the usual 303')
        mails, sms = post.deliver()
        tap.is_(mails + sms, [], 'and nothing is sent')

    with tap.story('A refused proof reads the same for both'):
        ra = prove_reset(a, 'frank', ['12345678'], 'frank new password 7')
        rb = prove_reset(b, 'frenk', ['12345678'], 'frank new password 7')
        tap.is_((ra.status, rb.status), (422, 422), 'a wrong code: 422 for '
                'both')
        tap.is_(a.errors(ra), b.errors(rb), 'with the same reason')
        ta, tb = blank(ra.text, 'frank'), blank(rb.text, 'frenk')
        tap.ok(ta == tb, 'and the same page', first_difference(ta, tb))
        post.deliver()


def rate_limits(stack, post):
    person(stack, post, 'gina', 'gina@home.example')
    me = from_ip(stack.client(), '198.51.100.70')

    with tap.story('Two asks an hour per name typed, for every name '
                   'alike; each one answered sends its codes'):
        answers = []
        for typed in ('gina', 'gina', 'Gina@Home.example',
                      'gina@home.example'):
            r = ask_reset(me, typed)
            answers.append((r.status, stack.path_of(r.location)))
        tap.is_(answers, [(303, '/reset/prove?username=' +
                           urllib.parse.quote(t, safe=''))
                          for t in ('gina', 'gina', 'Gina@Home.example',
                                    'gina@home.example')],
                'twice by name, twice by address: 303 each')
        mails, sms = post.deliver()
        mails_before = mails
        tap.is_(len(Deliveries.to(mails, 'gina@home.example')), 4,
                'four mails with codes')
        other = from_ip(stack.client(), '198.51.100.71')
        refused = {}
        for c, typed in ((me, 'GINA'), (other, 'gina@HOME.example'),
                         (other, 'nobody-g'), (other, 'nobody-g'),
                         (other, 'nobody-g')):
            r = ask_reset(c, typed)
            refused.setdefault(typed, []).append(r.status)
            if r.status == 429:
                tap.is_(c.form_values(r).get('username'), typed,
                        'the form keeps %s' % typed)
                tap.like(' '.join(c.errors(r)), WHEN, 'and says when to '
                         'try again')
                # The two were asked for seconds apart.
                refused[typed + ' page'] = re.sub(
                    r'at [^<]* UTC, in [^<.]*\.', 'at @WHEN@.',
                    blank(r.text, typed))
        tap.is_([refused[t] for t in ('GINA', 'gina@HOME.example',
                                      'nobody-g')],
                [[429], [429], [303, 303, 429]],
                'a third for the name or the address, in any case: 429, '
                'from any browser; a name nobody has gets the same two '
                'and 429')
        tap.ok(refused.get('GINA page') == refused.get('nobody-g page'),
               'on the same page', first_difference(
                   refused.get('GINA page', ''),
                   refused.get('nobody-g page', '')))
        mails, sms = post.deliver()
        tap.is_(mails + sms, [], 'and nothing more was sent')

    with tap.story('A code older than 15 minutes is refused'):
        code = code_in(Deliveries.to(mails_before, 'gina@home.example')[-1]
                       .body) if mails_before else None
        db_write(stack, "UPDATE codes SET expires_at = ? WHERE purpose = "
                 "'reset' AND account_id = (SELECT id FROM accounts WHERE "
                 "username = 'gina')", int(time.time()) - 1)
        r = prove_reset(me, 'gina', [code], 'gina new password 1')
        tap.is_(r.status, 422, 'the latest code, expired: 422')
        tap.ok(me.errors(r), 'with the reason in .error')
        tap.is_(states(stack, 'gina')[-1:], ['requested'], 'nothing is '
                'pending')

    with tap.story('Twenty requests an hour from one address; then 429'):
        net = from_ip(stack.client(), '192.0.2.99')
        got = []
        for i in range(20):
            r = ask_reset(net, 'nobody-%02d' % i)
            got.append(r.status)
        tap.is_(got, [303] * 20, 'twenty requests for various names: 303')
        before = stack.db_snapshot()
        r = ask_reset(net, 'nobody-20')
        tap.is_(r.status, 429, 'the 21st: 429')
        tap.ok(r.is_html and net.text_of(r), 'as an HTML page')
        tap.like(net.text_of(r), r'(?i)too many|later|limit', 'that says '
                 'to wait')
        r = ask_reset(net, 'frank')
        tap.is_(r.status, 429, 'a known name from there: 429 as well')
        ch = [c for c in stack.db_changes(before)
              if not c.startswith(('+ events', '- events', '+ rate_limits',
                                   '- rate_limits'))]
        tap.is_(ch, [], 'nothing else changed')
        mails, sms = post.deliver()
        tap.is_(Deliveries.to(mails, 'frank@home.example'), [],
                'and Frank got no code')
        r = ask_reset(from_ip(stack.client(), '192.0.2.100'), 'nobody-x')
        tap.is_(r.status, 303, 'another address is not limited')


def wrong_tries(stack, post):
    person(stack, post, 'hank', 'hank@home.example')
    me = from_ip(stack.client(), '198.51.100.80')

    with tap.story('Five wrong tries void the whole request'):
        ask_reset(me, 'hank')
        mails, _ = post.deliver()
        code = code_in(one(mails, 'hank@home.example').body)
        wrong = '%08d' % ((int(code or 0) + 1) % 100000000)
        for i in range(1, 6):
            r = prove_reset(me, 'hank', ['', wrong, ''],
                            'hank new password 77')
            tap.is_(r.status, 422, 'wrong try %d: 422' % i)
            tap.ok(me.errors(r), 'with the reason in .error')
            v = me.form_values(r)
            tap.is_(v.get('username'), 'hank', 'the username is kept')
            tap.ok(wrong in typed_codes(me, r), 'the typed code is kept',
                   typed_codes(me, r))
            tap.is_(v.get('password', ''), '', 'the password is not')
        tap.is_(states(stack, 'hank'), ['void'], 'the request is void')
        tap.is_(live_codes(stack, 'hank'), 0, 'its code is void')
        r = prove_reset(me, 'hank', [code], 'hank new password 77')
        tap.is_(r.status, 422, 'the right code now: 422')
        tap.like(' '.join(me.errors(r)), r'(?i)new code|ask for (new|more)|'
                 r'request (new|another)|again', 'asking to request new '
                 'codes')
        tap.is_(states(stack, 'hank'), ['void'], 'nothing is pending')
        tap.is_(len(events_of(stack, 'hank', 'reset_pending')), 0,
                'no reset_pending event')

    with tap.story('A fresh request gives codes that work; a refused try '
                   'does not use up the right code in it'):
        ask_reset(me, 'hank')
        mails, _ = post.deliver()
        code = code_in(one(mails, 'hank@home.example').body)
        for pw, why in (('password', 'a common password'),
                        ('short 7', 'seven characters'),
                        ('x' * 257, '257 characters')):
            r = prove_reset(me, 'hank', [code], pw)
            tap.is_(r.status, 422, 'the right code with %s: 422' % why)
            tap.ok(me.errors(r), 'the reason in .error')
            tap.is_(me.form_values(r).get('password', ''), '', 'the '
                    'password is not sent back')
        r = prove_reset(me, 'hank', [code], LONG_PASSWORD)
        tap.is_(r.status, 303, 'the same code with a 256-character '
                'password: 303')
        tap.is_(states(stack, 'hank'), ['void', 'pending'], 'the new '
                'request is pending')
        post.deliver()


def locked(stack, post):
    person(stack, post, 'ivy', 'ivy@home.example')
    me = from_ip(stack.client(), '198.51.100.90')
    stranger = from_ip(stack.client(), '198.51.100.91')

    with tap.story('A locked account gets no codes, and its proof gets a '
                   'page saying to contact the hoster'):
        ask_reset(me, 'ivy')
        mails, _ = post.deliver()
        code = code_in(one(mails, 'ivy@home.example').body)
        r = stack.postern('lock', 'ivy')
        tap.is_(r.returncode, 0, 'postern lock ivy exits 0')
        r = ask_reset(me, 'ivy')
        u = ask_reset(stranger, 'ivx')
        tap.is_((r.status, stack.path_of(r.location)),
                (303, '/reset/prove?username=ivy'), 'POST /reset answers '
                'the usual 303')
        tap.is_(blank(r.text, 'ivy'), blank(u.text, 'ivx'), 'the same as '
                'for a name nobody has')
        mails, sms = post.deliver()
        tap.is_(mails + sms, [], 'no code is sent')
        before = stack.db_snapshot()
        r = prove_reset(me, 'ivy', [code], 'ivy new password 88')
        tap.is_(r.status, 403, 'a proof with a code sent before the lock: '
                '403')
        tap.ok(r.is_html, 'an HTML page')
        tap.like(me.text_of(r), r'(?i)hoster|administrator|contact',
                 'saying to contact the hoster')
        ch = [c for c in stack.db_changes(before)
              if not c.startswith('+ events')]
        tap.is_(ch, [], 'nothing changed')
        tap.ok(password_works(stack, 'ivy', OLD), 'Ivy\'s password still '
               'works')

    with tap.story('postern unlock undoes it'):
        r = stack.postern('unlock', 'ivy')
        tap.is_(r.returncode, 0, 'postern unlock ivy exits 0')
        # By address: the name was asked for twice this hour.
        ask_reset(me, 'ivy@home.example')
        mails, _ = post.deliver()
        code = code_in((one(mails, 'ivy@home.example') or
                        type('', (), {'body': ''})).body)
        tap.like(code, r'^\d{8}$', 'codes are sent again')
        r = prove_reset(me, 'ivy', [code], 'ivy new password 88')
        tap.is_(r.status, 303, 'and a proof works: 303')
        post.deliver()


def locked_pending(stack, post):
    kira = person(stack, post, 'kira', 'kira@home.example',
                  emails=['kira@backup.example'], phones=['+49301234599'])
    channels = ['kira@home.example', 'kira@backup.example', '+49301234599']
    me = from_ip(stack.client(), '198.51.100.95')

    def pending_reset(password):
        """A pending change proven with the home address's code; the
        confirm link that went to the backup address."""
        # An hour passes between these stories: a name may be asked
        # for twice an hour (rate.c), and this asks three times.
        db_write(stack, "DELETE FROM rate_limits WHERE key LIKE "
                 "'reset-name:%'")
        ask_reset(me, 'kira')
        mails, _ = post.deliver()
        code = code_in(one(mails, 'kira@home.example').body)
        r = prove_reset(me, 'kira', [code], password)
        tap.is_(r.status, 303, 'a reset of Kira\'s is pending')
        mails, _ = post.deliver()
        m = one(mails, 'kira@backup.example')
        links = links_in(stack, m, '/reset/confirm?t=') if m else []
        return links[0] if links else None

    def lock_behind_postern():
        # A lock that did not go through postern lock (an older
        # version's, or one that raced the proof) must still hold.
        db_write(stack, 'UPDATE accounts SET locked_at = ? WHERE username '
                 "= 'kira'", int(time.time()))

    with tap.story('postern lock stops a reset that is already pending'):
        pending_reset('kira new password 1')
        r = stack.postern('lock', 'kira')
        tap.is_(r.returncode, 0, 'postern lock kira exits 0')
        tap.like(r.stdout, r'(?i)pending.*(stopped|cancel)', 'and says it '
                 'stopped the pending change')
        tap.is_(states(stack, 'kira'), ['rejected'], 'the change is '
                'stopped')
        mails, sms = post.deliver()
        told(tap, mails, sms, channels, r'(?i)stopped', 'the change was '
             'stopped')
        m = one(mails, 'kira@home.example')
        tap.like(message_text(m) if m else None, r'(?i)hoster|people who '
                 r'run', 'the mail says the hoster locked recovery')
        pass_deadline(stack, 'kira')
        deliver_twice(post)
        tap.is_(states(stack, 'kira'), ['rejected'], 'past its deadline, '
                'nothing is applied')
        tap.ok(password_works(stack, 'kira', OLD), 'Kira\'s password '
               'still works')
        tap.ok(not password_works(stack, 'kira', 'kira new password 1'),
               'the new one does not')
        tap.is_(kira.get('/account').status, 200, 'and her session lives')
        ask_reset(me, 'kira')
        mails, sms = post.deliver()
        tap.is_(mails + sms, [], 'a new ask sends no code')

    with tap.story('A reset of a locked account is not applied at its '
                   'deadline'):
        stack.postern('unlock', 'kira')
        pending_reset('kira new password 2')
        lock_behind_postern()
        pass_deadline(stack, 'kira')
        mails, sms = deliver_twice(post)
        tap.is_(states(stack, 'kira'), ['rejected', 'rejected'],
                'the change is stopped, not applied')
        tap.ok(password_works(stack, 'kira', OLD), 'the old password '
               'still works')
        tap.ok(not password_works(stack, 'kira', 'kira new password 2'),
               'the new one does not')
        told(tap, mails, sms, channels, r'(?i)stopped', 'the change was '
             'stopped')

    with tap.story('nor by its confirm link'):
        stack.postern('unlock', 'kira')
        link = pending_reset('kira new password 3')
        lock_behind_postern()
        c = stack.client()
        c.get(stack.path_of(link) if link else '/reset/confirm')
        r = c.post('/reset/confirm', {'t': token_of(link)})
        tap.is_(r.status, 403, 'pressing Confirm: 403')
        tap.like(c.text_of(r), r'(?i)hoster|people who run', 'saying to '
                 'contact the hoster')
        tap.is_(states(stack, 'kira'), ['rejected'] * 3, 'the change is '
                'stopped')
        tap.ok(password_works(stack, 'kira', OLD), 'the old password '
               'still works')
        post.deliver()
        stack.postern('unlock', 'kira')


def replaced(stack, post):
    person(stack, post, 'jack', 'jack@home.example',
           emails=['jack@backup.example'])
    me = from_ip(stack.client(), '198.51.100.100')

    def reset_once(password):
        ask_reset(me, 'jack')
        mails, _ = post.deliver()
        code = code_in(one(mails, 'jack@home.example').body)
        return prove_reset(me, 'jack', [code], password)

    with tap.story('A second reset while one is pending replaces it'):
        r = reset_once('jack first password 1')
        tap.is_(r.status, 303, 'the first reset is pending')
        r = me.get(stack.path_of(r.location))
        tap.unlike(me.text_of(r), r'(?i)replac', 'its page does not speak '
                   'of replacing')
        mails, sms = post.deliver()
        first = pending_notices(tap, stack, mails, sms,
                                confirm_to=['jack@backup.example'],
                                no_confirm_to=['jack@home.example'])
        r = reset_once('jack second password 2')
        tap.is_(r.status, 303, 'the second: 303')
        tap.like(stack.path_of(r.location), r'^/reset\?pending=1',
                 'to /reset?pending=1...')
        r = me.get(stack.path_of(r.location))
        tap.is_(r.status, 200, 'that page answers 200')
        tap.like(me.text_of(r), r'(?i)replac|earlier|previous',
                 'and says it replaced an earlier change')
        tap.is_(states(stack, 'jack'), ['replaced', 'pending'],
                'the first is replaced, the second pending')
        mails, sms = post.deliver()
        second = pending_notices(tap, stack, mails, sms,
                                 confirm_to=['jack@backup.example'],
                                 no_confirm_to=['jack@home.example'])
        for who in ('jack@home.example', 'jack@backup.example'):
            m = one(mails, who)
            tap.like(message_text(m) if m else None,
                     r'(?i)replac|earlier|previous', 'the notice to %s '
                     'says it replaced an earlier one' % who)

    with tap.story('The first change\'s links stop working'):
        for who, ls in first.items():
            for kind, link in ls.items():
                if not link:
                    continue
                c = stack.client()
                r = c.get(stack.path_of(link))
                tap.is_(r.status, 422, 'the first %s link of %s: 422'
                        % (kind, who))
                c.get('/reset')     # a page with a csrf token
                r = c.post('/reset/' + kind, {'t': token_of(link)})
                tap.is_(r.status, 422, 'pressing it: 422')
        tap.is_(states(stack, 'jack'), ['replaced', 'pending'],
                'nothing changed')
        link = second.get('jack@backup.example', {}).get('confirm')
        c = stack.client()
        c.get(stack.path_of(link) if link else '/reset/confirm')
        r = c.post('/reset/confirm', {'t': token_of(link)})
        tap.is_(r.status, 303, 'the second confirm link works: 303')
        tap.ok(password_works(stack, 'jack', 'jack second password 2'),
               'the second password logs in')
        tap.ok(not password_works(stack, 'jack', 'jack first password 1'),
               'the first never does')
        tap.ok(not password_works(stack, 'jack', OLD), 'nor the old one')
        post.deliver()


def main():
    with Stack(**CONF) as stack:
        post = Deliveries(stack)
        for part in (stolen_mailbox, flooded_mailbox, confirm_by_link,
                     banner_without_2fa, reject_by_banner, deadline_by_mailer,
                     deadline_by_login, same_answers, rate_limits,
                     wrong_tries, locked, locked_pending, replaced):
            try:
                part(stack, post)
            except Exception:
                tap.fail_with_exception(part.__name__)
        every_response_checked(tap, stack)


tap.run(main)
