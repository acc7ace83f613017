#!/usr/bin/python3
"""
reset_2fa.py: a forgotten password on accounts with two-step
verification (R3): two proofs from different channels, at least one of
them not an email.  The test is the authenticator: it reads the secret
/contacts/2fa shows after the password and computes the codes itself.

Kim has two addresses, a phone and an authenticator: one proof is not
enough, nor are her two mailboxes together, but a mailed code and her
authenticator are.  Leo has a printed recovery code and a phone: the
two together are enough, the phone twice is not.  Mia asked for a
recovery kit: its two halves (hers from her recovery address, the
hoster's from the hoster) count as one proof, so they need her
authenticator beside them.  A reset proven without the authenticator
(Leo's) turns 2FA off when it takes effect; Kim's, proven with it,
leaves it on.  Nora's browser, logged in before her reset, skips the
wait with a code from her authenticator.  Owen and Pia prove their
resets the moment they asked, before any mailer has run: proofs that
need no mailed code do not wait for it.
"""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (every_response_checked, GROUPS, age_account,
                     enable_totp,
                     SMS_CAPTURE, Deliveries, Stack, Tap, ask_reset, code_in,
                     db_write, element_text, events_of, forms_to, from_ip,
                     input_attrs, make_recovery_code, message_text,
                     password_works, pending_notices, person, proof,
                     prove_reset,
                     reset_codes_sent, reset_states, try_login, typed_codes)

tap = Tap()

ADMIN = 'hoster@example.net'
CONF = dict(reset_delay='1h', sms_command=SMS_CAPTURE, admin_email=ADMIN,
            trusted_proxies='127.0.0.1')
GROUPS_LINE = re.compile(r'^\s*(' + GROUPS + r')\s*$', re.M)


def twofa_person(stack, post, username, primary, emails=(), phones=()):
    """person() with two-step verification on; (client, Authenticator)."""
    c = person(stack, post, username, primary, emails, phones)
    auth = enable_totp(c)
    post.deliver()
    age_account(stack, username)        # an authenticator of old (R9)
    return c, auth


def twofa_on(stack, username):
    rows = stack.sql('SELECT totp_enabled_at FROM accounts WHERE '
                     'username = ?', username)
    return bool(rows) and rows[0][0] > 0


def pass_deadline(stack, username):
    """Move the account's pending change to a second ago."""
    return db_write(stack, 'UPDATE resets SET deadline = ? WHERE state = '
                    "'pending' AND account_id = (SELECT id FROM accounts "
                    'WHERE username = ?)', int(time.time()) - 1, username)


def login_goes_to(stack, username, password):
    """Where a login with the password leads: '/account', '/login/2fa',
    or the status when it is refused."""
    _c, r = try_login(stack, username, password)
    return stack.path_of(r.location) if r.status == 303 else r.status


def refused(tap, client, r, what, regex=None):
    tap.is_(r.status, 422, '%s: 422' % what)
    err = ' '.join(client.errors(r))
    tap.ok(err, 'with the reason in .error')
    if regex:
        tap.like(err, regex, 'which says what is missing')


# ------------------------------------------------------------------ #


def kim_stories(stack, post):
    kim, auth = twofa_person(stack, post, 'kim', 'kim@home.example',
                             emails=['kim@backup.example'],
                             phones=['+49301111111'])
    me = from_ip(stack.client(), '198.51.100.110')

    with tap.story('Kim asks for codes: one to each address and the '
                   'phone'):
        ask_reset(me, 'kim')
        mails, sms = post.deliver()
        codes = reset_codes_sent(tap, mails, sms, [
            'kim@home.example', 'kim@backup.example', '+49301111111'])
        home = codes.get('kim@home.example')
        backup = codes.get('kim@backup.example')

    with tap.story('With 2FA, one proof is not enough'):
        r = prove_reset(me, 'kim', [home], 'kim new password 11')
        refused(tap, me, r, 'a mailed code alone',
                r'(?i)two|2fa|two-step|second')
        # The authenticator is looked at only beside another proof, so
        # /reset/prove is no oracle for guessing it: the plain answer.
        r = prove_reset(me, 'kim', ['', auth.next(), ''],
                        'kim new password 11')
        refused(tap, me, r, 'the authenticator alone')
        tap.is_(reset_states(stack, 'kim'), ['requested'], 'nothing is '
                'pending')

    with tap.story('Two mailboxes are two proofs, but both are email'):
        r = prove_reset(me, 'kim', [home, backup], 'kim new password 11')
        refused(tap, me, r, 'the codes of both addresses',
                r'(?i)email|e-mail|not .*mail|other than')
        values = typed_codes(me, r)
        tap.ok(home in values and backup in values, 'the typed codes are '
               'kept in the form', values)
        tap.is_(reset_states(stack, 'kim'), ['requested'], 'nothing is '
                'pending')
        tap.ok(password_works(stack, 'kim', 'correct horse battery 7'),
               'the old password is untouched')

    with tap.story('A mailed code and the authenticator are enough'):
        r = prove_reset(me, 'kim', [auth.next(), home],
                        'kim new password 11')
        tap.is_(r.status, 303, 'email + TOTP: 303 (the email code '
                'survived the refused tries)')
        tap.is_(stack.path_of(r.location), '/reset?pending=1',
                'to /reset?pending=1')
        tap.is_(reset_states(stack, 'kim'), ['pending'], 'the change is '
                'pending')
        tap.is_(len(events_of(stack, 'kim', 'reset_pending')), 1,
                'the event reset_pending is recorded')
        mails, sms = post.deliver()
        pending_notices(tap, stack, mails, sms,
                        confirm_to=['kim@backup.example'],
                        no_confirm_to=['kim@home.example'],
                        phones=['+49301111111'])
        tap.ok(not password_works(stack, 'kim', 'kim new password 11'),
               'the new password waits')

    with tap.story('A reset proven with the authenticator leaves 2FA on'):
        pass_deadline(stack, 'kim')
        mails, sms = post.deliver()
        tap.is_(reset_states(stack, 'kim'), ['applied'], 'at the deadline '
                'the change is applied')
        tap.ok(twofa_on(stack, 'kim'), '2FA is still on')
        tap.is_(login_goes_to(stack, 'kim', 'kim new password 11'),
                '/login/2fa', 'the new password leads to /login/2fa')


def leo_stories(stack, post):
    leo, _auth = twofa_person(stack, post, 'leo', 'leo@home.example',
                             phones=['+49302222222'])
    recovery = make_recovery_code(leo) or ''
    post.deliver()
    age_account(stack, 'leo')           # a code printed long ago (R9)
    me = from_ip(stack.client(), '198.51.100.120')

    with tap.story('Leo\'s phone twice is one proof'):
        tap.like(recovery, r'^' + GROUPS + '$', '(Leo printed his recovery '
                 'code)')
        ask_reset(me, 'leo')
        mails, sms = post.deliver()
        codes = reset_codes_sent(tap, mails, sms, ['leo@home.example',
                                                   '+49302222222'])
        phone = codes.get('+49302222222')
        r = prove_reset(me, 'leo', [phone, phone], 'leo new password 22')
        refused(tap, me, r, 'the SMS code in two fields')

    with tap.story('The recovery code and the phone are enough'):
        typed = recovery.lower().replace('-', ' ')
        r = prove_reset(me, 'leo', [typed, '', phone], 'leo new password 22')
        tap.is_(r.status, 303, 'recovery code (typed in lower case with '
                'spaces) + SMS code: 303')
        tap.is_(reset_states(stack, 'leo'), ['pending'], 'the change is '
                'pending')
        mails, sms = post.deliver()
        pending_notices(tap, stack, mails, sms,
                        confirm_to=['leo@home.example'],
                        phones=['+49302222222'])

    with tap.story('The recovery code is used up by the proof'):
        ask_reset(me, 'leo')
        _mails, sms = post.deliver()
        got = Deliveries.to(sms, '+49302222222')
        phone2 = code_in(got[-1]['text']) if got else None
        r = prove_reset(me, 'leo', [recovery, phone2], 'leo new password 23')
        refused(tap, me, r, 'the same recovery code with a new SMS code')
        tap.is_(reset_states(stack, 'leo'), ['pending', 'requested'],
                'the first change stays pending')

    with tap.story('A reset proven without the authenticator turns 2FA off '
                   'when it takes effect'):
        tap.ok(twofa_on(stack, 'leo'), '2FA is on while the change waits')
        pass_deadline(stack, 'leo')
        mails, sms = post.deliver()
        tap.is_(reset_states(stack, 'leo')[0], 'applied', 'at the deadline '
                'the change is applied')
        tap.ok(not twofa_on(stack, 'leo'), '2FA is off (he lost the '
               'authenticator, or would be locked out again)')
        tap.is_(len(events_of(stack, 'leo', 'twofa_disabled')), 1,
                'the event twofa_disabled is recorded')
        got = Deliveries.to(mails, 'leo@home.example')
        tap.like(message_text(got[-1]) if got else None,
                 r'(?i)two-step|authenticator', 'the mail that the password '
                 'changed says 2FA is off')
        tap.is_(login_goes_to(stack, 'leo', 'leo new password 22'),
                '/account', 'the new password logs straight in')


def mia_stories(stack, post):
    mia, auth = twofa_person(stack, post, 'mia', 'mia@home.example',
                             emails=['mia@safe.example'],
                             phones=['+49303333333'])
    mia.get('/contacts/kit')
    mia.post('/contacts/kit', proof(mia))
    mails, _ = post.deliver()
    age_account(stack, 'mia')           # a kit made long ago (R9)
    # Her recovery address also hears that a kit was made.
    half_mine = [h for m in Deliveries.to(mails, 'mia@safe.example')
                 for h in GROUPS_LINE.findall(m.body)]
    half_admin = [h for m in Deliveries.to(mails, ADMIN)
                  for h in GROUPS_LINE.findall(m.body)]
    me = from_ip(stack.client(), '198.51.100.130')

    with tap.story('Mia\'s kit halves count as one proof'):
        tap.is_((len(half_mine), len(half_admin)), (1, 1), '(one half came '
                'to her recovery address, the other to the hoster)')
        mine_h = half_mine[0] if half_mine else 'none'
        admin_h = half_admin[0] if half_admin else 'none'
        ask_reset(me, 'mia')
        post.deliver()
        r = prove_reset(me, 'mia', [mine_h, admin_h], 'mia new password 33')
        refused(tap, me, r, 'both halves without anything else')
        r = prove_reset(me, 'mia', [mine_h, auth.next()],
                        'mia new password 33')
        refused(tap, me, r, 'one half and the authenticator')
        tap.is_(reset_states(stack, 'mia'), ['requested'], 'nothing is '
                'pending')

    with tap.story('Both halves and the authenticator are enough'):
        r = prove_reset(me, 'mia', [admin_h, auth.next(), mine_h],
                        'mia new password 33')
        tap.is_(r.status, 303, 'the hoster\'s half, TOTP, her half: 303')
        tap.is_(reset_states(stack, 'mia'), ['pending'], 'the change is '
                'pending')
        mails, sms = post.deliver()
        # Her half of the kit went to mia@safe.example: a kit proof
        # counts as one from that mailbox, which gets no confirm link.
        pending_notices(tap, stack, mails, sms,
                        confirm_to=['mia@home.example'],
                        no_confirm_to=['mia@safe.example'],
                        phones=['+49303333333'])


def nora_stories(stack, post):
    """Nora's browser was logged in before her reset: with 2FA on, it
    can skip the wait with a code from her authenticator."""
    nora, auth = twofa_person(stack, post, 'nora', 'nora@home.example',
                              phones=['+49305555555'])
    old_cookie = nora.cookie('postern')
    time.sleep(1.1)
    me = from_ip(stack.client(), '198.51.100.170')

    with tap.story('Nora\'s earlier browser offers to confirm with a code '
                   'from the authenticator'):
        ask_reset(me, 'nora')
        mails, _ = post.deliver()
        got = Deliveries.to(mails, 'nora@home.example')
        code = code_in(got[-1].body) if got else None
        r = prove_reset(me, 'nora', [code, auth.next()],
                        'nora new password 44')
        tap.is_(r.status, 303, 'email + TOTP: 303')
        post.deliver()
        r = nora.get('/account')
        tap.ok(element_text(r, 'pending-reset') is not None, 'the banner '
               'shows')
        confirm = forms_to(nora, r, '/reset/confirm')
        reject = forms_to(nora, r, '/reset/reject')
        tap.is_((len(confirm), len(reject)), (1, 1), 'with a form to '
                '/reset/confirm and one to /reset/reject')
        tap.is_(sorted(reject[0]['values']) if reject else None,
                ['csrf', 'password'], 'the reject form asks for the '
                'password (R8)')
        tap.is_(sorted(confirm[0]['values']) if confirm else None,
                ['code', 'csrf'], 'the confirm form asks for a code (no t)')
        tap.is_((input_attrs(r, 'code') or {}).get('autocomplete'),
                'one-time-code', 'an autocomplete=one-time-code field')
        r = nora.get('/reset/confirm')
        tap.is_(r.status, 200, 'GET /reset/confirm from that browser: 200')
        f = forms_to(nora, r, '/reset/confirm')
        tap.ok(f and 'code' in f[0]['values'] and 't' not in f[0]['values'],
               'a form with a code field and no t', f)
        tap.unlike(nora.text_of(r), r'(?i)stop link from the same message',
                   'it points to no message: none brought her here')
        tap.like(nora.text_of(r), r'(?i)not you\?.*banner', 'if it was not '
                 'her, it points to the banner\'s stop form')

    with tap.story('Without the right code, nothing happens'):
        for fields, why in (({}, 'no code'), ({'code': '000000'},
                                              'a wrong code')):
            nora.get('/account')
            r = nora.post('/reset/confirm', fields)
            tap.is_(r.status, 422, 'POST /reset/confirm with %s: 422' % why)
            tap.ok(nora.errors(r), 'with the reason in .error')
        tap.is_(reset_states(stack, 'nora'), ['pending'], 'the change is '
                'still pending')

    with tap.story('With the code from the authenticator, the new password '
                   'takes effect now'):
        nora.get('/account')
        r = nora.post('/reset/confirm', {'code': auth.next()})
        tap.is_(r.status, 303, 'POST /reset/confirm with the code: 303')
        tap.is_(stack.path_of(r.location), '/login?reset=1',
                'to /login?reset=1')
        tap.is_(reset_states(stack, 'nora'), ['applied'], 'the change is '
                'applied')
        tap.is_(len(events_of(stack, 'nora', 'reset_applied')), 1,
                'the event reset_applied is recorded')
        c = stack.client()
        c.cookies['postern'] = old_cookie
        tap.is_(c.get('/account').status, 403, 'every session ended')
        tap.is_(nora.get('/account').status, 403, 'this browser\'s too')
        tap.is_(login_goes_to(stack, 'nora', 'nora new password 44'),
                '/login/2fa', 'the new password works (2FA stays on)')
        tap.ok(not password_works(stack, 'nora', 'correct horse battery 7'),
               'the old one does not')
        post.deliver()


def asks_waiting(stack):
    return stack.sql('SELECT count(*) FROM reset_asks')[0][0]


def owen_stories(stack, post):
    """No mailer runs between Owen's /reset and his proof (with cron it
    runs once a minute); his proofs need none of the codes it sends."""
    owen, auth = twofa_person(stack, post, 'owen', 'owen@home.example',
                              emails=['owen@safe.example'],
                              phones=['+49306666666'])
    channels = ['owen@home.example', 'owen@safe.example', '+49306666666']
    recovery = make_recovery_code(owen) or 'none'
    owen.get('/contacts/kit')
    owen.post('/contacts/kit', proof(owen))
    mails, _ = post.deliver()
    age_account(stack, 'owen')          # code and kit made long ago (R9)
    half_mine = [h for m in Deliveries.to(mails, 'owen@safe.example')
                 for h in GROUPS_LINE.findall(m.body)] or ['none']
    half_admin = [h for m in Deliveries.to(mails, ADMIN)
                  for h in GROUPS_LINE.findall(m.body)] or ['none']
    me = from_ip(stack.client(), '198.51.100.180')

    with tap.story('Owen proves a reset with his recovery code and '
                   'authenticator right after asking'):
        ask_reset(me, 'owen')
        tap.is_(asks_waiting(stack), 1, '(the ask waits for the mailer)')
        r = prove_reset(me, 'owen', [recovery, auth.next()],
                        'owen new password 55')
        tap.is_(r.status, 303, 'recovery code + TOTP at once: 303')
        tap.is_(reset_states(stack, 'owen'), ['pending'], 'the change is '
                'pending')
        tap.is_(asks_waiting(stack), 0, 'the proof handled the ask')
        mails, sms = post.deliver()
        for who in channels:
            got = Deliveries.to(mails + sms, who)
            tap.is_(len(got), 2, '%s gets the codes the ask sent and the '
                    'notice of the pending change' % who)
        pending_notices(tap, stack, [m for m in mails if 'reset/reject' in
                                     m.body],
                        [m for m in sms if not code_in(m['text'])],
                        confirm_to=['owen@home.example',
                                    'owen@safe.example'],
                        phones=['+49306666666'])
        tap.is_(post.deliver(), ([], []), 'a later mailer pass finds '
                'nothing more to send')

    with tap.story('and with both halves of his kit and the authenticator'):
        ask_reset(me, 'Owen@Home.example')
        r = prove_reset(me, 'owen', [half_admin[0], auth.next(),
                                     half_mine[0]], 'owen new password 56')
        tap.is_(r.status, 303, 'the kit + TOTP, asked for by address, '
                'proven by name: 303')
        tap.is_(stack.path_of(r.location), '/reset?pending=1&replaced=1',
                'it replaced the first change')
        tap.is_(reset_states(stack, 'owen'), ['replaced', 'pending'],
                'the new change is pending')
        tap.is_(asks_waiting(stack), 0, 'no ask is left')
        post.deliver()


def pia_stories(stack, post):
    """Without 2FA, Pia's recovery code alone proves her reset, at once;
    a name nobody has gets the same answer as ever."""
    pia = person(stack, post, 'pia', 'pia@home.example')
    recovery = make_recovery_code(pia) or 'none'
    post.deliver()
    age_account(stack, 'pia')           # a code printed long ago (R9)
    me = from_ip(stack.client(), '198.51.100.190')
    other = from_ip(stack.client(), '198.51.100.191')

    with tap.story('Pia proves a reset with her recovery code right after '
                   'asking'):
        ask_reset(me, 'pia')
        r = prove_reset(me, 'pia', [recovery], 'pia new password 66')
        tap.is_(r.status, 303, 'the recovery code alone: 303')
        tap.is_(reset_states(stack, 'pia'), ['pending'], 'the change is '
                'pending')
        post.deliver()

    with tap.story('A wrong proof right after asking reads the same for '
                   'a name nobody has'):
        ask_reset(me, 'pia')
        ask_reset(other, 'pya')
        tap.is_(asks_waiting(stack), 2, '(both asks wait)')
        ra = prove_reset(me, 'pia', ['12345678'], 'pia new password 67')
        rb = prove_reset(other, 'pya', ['12345678'], 'pia new password 67')
        tap.is_((ra.status, rb.status), (422, 422), 'both 422')
        tap.is_(me.errors(ra), other.errors(rb), 'with the same reason')
        tap.is_(asks_waiting(stack), 0, 'each proof handled its ask')
        tap.is_(len(stack.sql("SELECT 1 FROM events WHERE kind = "
                              "'reset_unknown'")), 1, 'the unknown name\'s '
                'ask left its event, as the mailer would')
        mails, sms = post.deliver()
        tap.is_(sorted(a for m in mails for a in m.recipients),
                ['pia@home.example'], 'Pia got her code; nobody else got '
                'anything')


def main():
    with Stack(**CONF) as stack:
        post = Deliveries(stack)
        for part in (kim_stories, leo_stories, mia_stories, nora_stories,
                     owen_stories, pia_stories):
            try:
                part(stack, post)
            except Exception:
                tap.fail_with_exception(part.__name__)
        every_response_checked(tap, stack)


tap.run(main)
