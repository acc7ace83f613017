#!/usr/bin/python3
"""
admin.py: the hoster's brakes in `postern`, through the real stack.

  - `postern help` lists every command with one line of help;
  - `reset list` shows a pending change, `reset cancel` stops it and
    voids codes already sent, and the owner hears it on every channel;
  - `disable` ends the sessions and refuses the login with a page that
    says why (only to whoever knows the password), keeping the name
    typed; no reset and no address change brings the account back;
    `enable` does;
  - `sessions` lists the sessions, `sessions revoke` ends them;
  - `2fa reset` turns 2FA off, tells every channel, and a new
    authenticator is young (R9);
  - `events` tells an account's history in plain words, newest first;
  - `delete` asks for the name unless --yes, tells every channel, and
    leaves nothing of the account in the database.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SMS_CAPTURE, Deliveries, Stack, Tap,  # noqa: E402
                     account_id, ask_reset, code_in, codes_in, enable_totp,
                     events_of, message_text, password_works, person, proof,
                     prove_reset, reset_states, try_login)

tap = Tap()

NEW_PASSWORD = 'a brand new password 42'
COMMANDS = ('init', 'migrate', 'check-config', 'backup', 'mailer', 'purge',
            'users', 'domain add', 'domain list', 'reset list',
            'reset cancel', 'lock', 'unlock', 'disable', 'enable',
            'sessions', 'sessions revoke', '2fa reset', 'events', 'delete',
            'help')


def ok(r, what):
    tap.is_(r.returncode, 0, '%s exits 0' % what)
    if r.returncode != 0:
        tap.diag(r.stderr)


def pending_reset(stack, post, client, username, channel):
    """A reset of username proven with the code sent to channel."""
    ask_reset(client, username)
    mails, sms = post.deliver()
    got = Deliveries.to(mails + sms, channel)
    code = code_in(message_text(got[-1])) if got else None
    return prove_reset(client, username, [code], NEW_PASSWORD)


def help_stories(stack):
    with tap.story('postern help lists every command'):
        r = stack.postern('help')
        ok(r, 'postern help')
        for name in COMMANDS:
            tap.like(r.stdout, r'(?m)^  %s\b.*\S' % re.escape(name),
                     'help names %s' % name)
        r = stack.postern('sessions')
        tap.is_(r.returncode, 64, 'a command without its name: usage (64)')
        r = stack.postern('frobnicate')
        tap.is_(r.returncode, 64, 'an unknown command: usage (64)')


def reset_stories(stack, post):
    c = person(stack, post, 'ann', 'ann@example.org',
               phones=['+49301111111'])
    with tap.story('reset list shows the pending change'):
        r = pending_reset(stack, post, stack.client(), 'ann',
                          'ann@example.org')
        tap.is_(r.status, 303, 'ann\'s reset is pending')
        post.deliver()
        r = stack.postern('reset', 'list')
        ok(r, 'reset list')
        tap.like(r.stdout, r'(?m)^ann\s+asked \d{4}-\d\d-\d\d \d\d:\d\d UTC'
                 r'\s+takes effect \d{4}-\d\d-\d\d \d\d:\d\d UTC$',
                 'one line: the account, when asked, when it applies')

    with tap.story('reset cancel stops it; every channel is told'):
        r = stack.postern('reset', 'cancel', 'ann')
        ok(r, 'reset cancel ann')
        tap.like(r.stdout, r'pending password change was stopped',
                 'it says the change was stopped')
        tap.is_(reset_states(stack, 'ann')[-1], 'rejected',
                'the change is rejected, as a reject would')
        mails, sms = post.deliver()
        got = Deliveries.to(mails, 'ann@example.org')
        tap.is_(len(got), 1, 'ann\'s address is told')
        tap.like(got[0].body if got else '', r'cancelled by the people who '
                 r'run this site', 'that the hoster cancelled it')
        got = Deliveries.to(sms, '+49301111111')
        tap.like(got[0]['text'] if got else '', r'stopped by the people who '
                 r'run the site', 'and so is her phone')
        tap.unlike(stack.postern('reset', 'list').stdout, r'\bann\b',
                   'reset list no longer shows it')
        tap.ok(password_works(stack, 'ann', c.password),
               'her old password still works')
        tap.ok(not password_works(stack, 'ann', NEW_PASSWORD),
               'the new one never will')
        tap.is_([k for k, _ in events_of(stack, 'ann', 'reset_cancelled')],
                ['reset_cancelled'], 'the account has the event')

    with tap.story('reset cancel voids codes already sent'):
        b = stack.client()
        ask_reset(b, 'ann')
        mails, _ = post.deliver()
        code = code_in(Deliveries.to(mails, 'ann@example.org')[-1].body)
        r = stack.postern('reset', 'cancel', 'ann')
        ok(r, 'reset cancel ann')
        tap.like(r.stdout, r'1 reset request and their codes voided',
                 'it says the request was voided')
        r = prove_reset(b, 'ann', [code], NEW_PASSWORD)
        tap.is_(r.status, 422, 'the code sent before no longer works')

    with tap.story('reset cancel with nothing to cancel'):
        r = stack.postern('reset', 'cancel', 'ann')
        tap.is_(r.returncode, 1, 'exits 1')
        tap.like(r.stderr, r'no pending password change', 'and says why')
        r = stack.postern('reset', 'cancel', 'nobody')
        tap.is_(r.returncode, 1, 'an unknown account: exits 1')
        tap.like(r.stderr, r'There is no account nobody', 'and says so')


def disable_stories(stack, post):
    c = person(stack, post, 'bob', 'bob@example.org')
    with tap.story('disable ends the sessions and stops what is under way'):
        c.get('/email')
        r = c.post('/email', proof(c, {'email': 'bob@elsewhere.example'}))
        tap.is_(r.status, 303, 'bob asks for a new address')
        mails, _ = post.deliver()
        link = stack.link_in(Deliveries.to(mails, 'bob@elsewhere.example')
                             [-1], '/email/confirm?t=')
        r = pending_reset(stack, post, stack.client(), 'bob',
                          'bob@example.org')
        tap.is_(r.status, 303, 'and a reset of his is pending')
        post.deliver()
        r = stack.postern('disable', 'bob')
        ok(r, 'disable bob')
        tap.like(r.stdout, r'bob: disabled', 'it says so')
        tap.like(r.stdout, r'1 session ended', 'and that his session ended')
        r = c.get('/account')
        tap.isnt(r.status, 200, 'his open session no longer shows the '
                 'account')
        tap.is_(reset_states(stack, 'bob')[-1], 'rejected',
                'the pending change is stopped')
        mails, _ = post.deliver()
        tap.like(''.join(m.body for m in Deliveries.to(mails,
                 'bob@example.org')), r'people who run this site switched',
                 'and bob is told by whom')
        t = link.split('t=', 1)[1]
        b = stack.client()
        r = b.get('/email/confirm?t=' + t)
        tap.is_(b.forms(r), [], 'the address change asked before is no '
                'longer offered')
        b.get('/login')
        r = b.post('/email/confirm', {'t': t})
        tap.isnt(r.status, 303, 'nor can it be confirmed')
        tap.like(stack.postern('users').stdout,
                 r'(?m)^bob .*bob@example\.org.*\bdisabled$',
                 'users shows him disabled, with his address unchanged')

    with tap.story('A disabled account cannot log in; the page says why'):
        b, r = try_login(stack, 'bob', c.password)
        tap.is_(r.status, 403, 'the right password: 403')
        tap.like(' '.join(b.errors(r)), r'disabled by the people who run '
                 r'this site', 'the page says the hoster disabled it')
        tap.is_(b.form_values(r).get('username'), 'bob',
                'the form keeps the name typed')
        tap.is_(b.form_values(r).get('password', ''), '',
                'but not the password')
        b, r = try_login(stack, 'bob', 'not his password 9')
        tap.is_(r.status, 422, 'a wrong password is only wrong')
        tap.unlike(' '.join(b.errors(r)), r'disabled',
                   'and tells nothing of the account')

    with tap.story('No reset brings a disabled account back'):
        b = stack.client()
        ask_reset(b, 'bob')
        mails, _ = post.deliver()
        tap.is_(codes_in(''.join(m.body for m in Deliveries.to(
            mails, 'bob@example.org'))), [], 'no reset code is sent')
        r = prove_reset(b, 'bob', ['12345678'], NEW_PASSWORD)
        tap.is_(r.status, 403, 'the proof page refuses')
        tap.like(' '.join(b.errors(r)), r'contact the people who run this '
                 'site', 'and says whom to ask')

    with tap.story('enable lets him in again'):
        r = stack.postern('enable', 'bob')
        ok(r, 'enable bob')
        tap.like(r.stdout, r'bob: enabled', 'it says so')
        tap.ok(password_works(stack, 'bob', c.password),
               'his password works again')
        r = stack.postern('enable', 'bob')
        tap.like(r.stdout, r'already enabled', 'enabling twice says so')
        tap.is_([k for k, _ in events_of(stack, 'bob') if k in
                 ('disabled', 'enabled')], ['disabled', 'enabled'],
                'each change left one event')


def sessions_stories(stack, post):
    with tap.story('sessions lists them, sessions revoke ends them'):
        c1 = person(stack, post, 'carol', 'carol@example.org')
        c2 = stack.client()
        c2.get('/login')
        c2.post('/login', {'username': 'carol', 'password': c1.password},
                headers={'User-Agent': 'CarolPhone/2.0'})
        r = stack.postern('sessions', 'carol')
        ok(r, 'sessions carol')
        lines = r.stdout.splitlines()
        tap.is_(len(lines), 2, 'two sessions, one line each')
        tap.like(r.stdout, r'(?m)^\d+\s+started \d{4}-.* UTC\s+seen '
                 r'\d{4}-.* UTC\s+127\.0\.0\.1\s+CarolPhone/2\.0$',
                 'id, started, last seen, address and user agent')
        r = stack.postern('sessions', 'revoke', 'carol')
        ok(r, 'sessions revoke carol')
        tap.like(r.stdout, r'carol: 2 sessions ended', 'it says how many')
        tap.isnt(c1.get('/account').status, 200, 'the first is logged out')
        tap.isnt(c2.get('/account').status, 200, 'and the second')
        tap.is_(stack.postern('sessions', 'carol').stdout, '',
                'none is left')
        tap.is_([d for _, d in events_of(stack, 'carol',
                                         'sessions_revoked')], ['2'],
                'the account has the event')
        tap.ok(password_works(stack, 'carol', c1.password),
               'carol can log in again')


def twofa_stories(stack, post):
    with tap.story('2fa reset turns 2FA off and tells every channel'):
        c = person(stack, post, 'dan', 'dan@example.org',
                   phones=['+49302222222'])
        enable_totp(c)
        post.deliver()
        r = stack.postern('2fa', 'reset', 'dan')
        ok(r, '2fa reset dan')
        tap.like(r.stdout, r'dan: two-step verification is off',
                 'it says so')
        mails, sms = post.deliver()
        got = Deliveries.to(mails, 'dan@example.org')
        tap.like(got[0].body if got else '', r'people who run this site '
                 r'turned off two-step verification', 'the mail says who')
        got = Deliveries.to(sms, '+49302222222')
        tap.like(got[0]['text'] if got else '', r'two-step verification of '
                 r'dan was turned off', 'and so does the SMS')
        _b, r = try_login(stack, 'dan', c.password)
        tap.is_(stack.path_of(r.location), '/account',
                'the password alone logs in now')
        r = stack.postern('2fa', 'reset', 'dan')
        tap.is_(r.returncode, 1, 'a second reset exits 1')
        tap.like(r.stderr, r'not on for dan', 'and says why')

    with tap.story('A new authenticator is young (R9)'):
        # Whoever set it up (the owner, or someone who fooled the
        # hoster), it neither proves a reset nor asks for a second
        # proof until reset_delay has passed: the owner's old channels
        # still recover the account alone.
        c.auth = None
        c.get('/login')
        c.post('/login', {'username': 'dan', 'password': c.password})
        enable_totp(c)
        post.deliver()
        b = stack.client()
        ask_reset(b, 'dan')
        mails, _ = post.deliver()
        code = code_in(Deliveries.to(mails, 'dan@example.org')[-1].body)
        r = prove_reset(b, 'dan', [code], NEW_PASSWORD)
        tap.is_(r.status, 303, 'the code sent to his old address alone '
                'makes the change pending')


def events_stories(stack):
    with tap.story('events tells the history in plain words'):
        r = stack.postern('events', 'ann')
        ok(r, 'events ann')
        lines = r.stdout.splitlines()
        # The kinds as stored, the names /account/activity words.
        tap.like(lines[0] if lines else '', r'^\d{4}-\d\d-\d\d \d\d:\d\d '
                 r'UTC  reset_cancelled  from postern$',
                 'newest first, by kind, with where from')
        text = r.stdout
        tap.ok(0 <= text.find('reset_rejected') < text.find('reset_pending')
               < text.find('signup'), 'older events further down')


def delete_stories(stack, post):
    c = person(stack, post, 'erin', 'erin@example.org',
               emails=['erin@backup.example'], phones=['+49303333333'])
    c.get('/domains')
    c.post('/domains', {'domain': 'erin-work.example'})
    eid = account_id(stack, 'erin')
    with tap.story('delete asks first'):
        r = stack.postern('delete', 'erin')
        tap.is_(r.returncode, 1, 'no answer: exits 1')
        r = stack.postern('delete', 'erin', input='someone else\n')
        tap.is_(r.returncode, 1, 'another name typed: exits 1')
        tap.like(r.stderr, r'Type the account.s name', 'after asking')
        tap.like(r.stderr, r'nothing was deleted', 'and says nothing was')
        tap.is_(account_id(stack, 'erin'), eid, 'erin is still there')

    with tap.story('delete removes everything and tells every channel'):
        r = stack.postern('delete', 'erin', input='erin\n')
        ok(r, 'delete erin, the name typed')
        tap.like(r.stdout, r'erin: deleted', 'it says so')
        left = {t: stack.sql('SELECT count(*) FROM %s WHERE account_id = ?'
                             % t, eid)[0][0]
                for t in ('contacts', 'sessions', 'links', 'resets',
                          'domains', 'events', 'codes', 'devices')}
        tap.is_(left, dict.fromkeys(left, 0), 'no row of hers is left')
        tap.is_(stack.sql('SELECT count(*) FROM accounts WHERE username = '
                          '?', 'erin')[0][0], 0, 'nor the account')
        mails, sms = post.deliver()
        for who in ('erin@example.org', 'erin@backup.example'):
            got = Deliveries.to(mails, who)
            tap.like(got[0].body if got else '', r'deleted your account',
                     '%s is told' % who)
        got = Deliveries.to(sms, '+49303333333')
        tap.like(got[0]['text'] if got else '', r'erin was deleted',
                 'and so is her phone')
        tap.ok(not password_works(stack, 'erin', c.password),
               'her password opens nothing')
        tap.isnt(c.get('/account').status, 200, 'her session is gone')

    with tap.story('delete --yes does not ask'):
        person(stack, post, 'fay', 'fay@example.org')
        r = stack.postern('delete', '--yes', 'fay')
        ok(r, 'delete --yes fay')
        tap.is_(account_id(stack, 'fay'), None, 'fay is gone')
        r = stack.postern('delete', '--yes', 'fay')
        tap.is_(r.returncode, 1, 'deleting her again exits 1')


def main():
    with Stack(reset_delay='1h', sms_command=SMS_CAPTURE) as stack:
        post = Deliveries(stack)
        help_stories(stack)
        reset_stories(stack, post)
        disable_stories(stack, post)
        sessions_stories(stack, post)
        twofa_stories(stack, post)
        events_stories(stack)
        delete_stories(stack, post)


tap.run(main)
