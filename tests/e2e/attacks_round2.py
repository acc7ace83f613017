#!/usr/bin/python3
"""
attacks_round2.py: a second round of attacks on the rules in
combination, as the three people of SECURITY.md's threat model: someone
holding a borrowed logged-in session for a minute (or the owner's
browser itself), someone who reads one mailbox of the account, and
someone who knows only the username (and perhaps the address).

Every story is told through the real stack, as in attacks.py: owners
are established (age_account(): their ways in are older than
reset_delay) and logged in from their own browser.  A story whose
title says HOLE describes the SAFE behaviour: it fails while the hole
is open and passes once it is closed.

 R2-1 HOLE  Someone who knows only an address learns whether it has an
            account: the fifth wrong try at /reset/prove says "fifth
            try" for an account's address and "not right" for anyone
            else's; and a throw-away account of their own asks to move
            its address there and is told "belongs to another account".
 R2-2 HOLE  A signup with the address of an account that has not yet
            clicked its verification link deletes that account at
            once, before anyone proved the address; the stranger then
            takes the newcomer's username.
 R2-3 HOLE  The reader of an old mailbox presses its 7-day revert link
            after the owner moved away from it: the primary address and
            its age come back, every session ends, and the address the
            owner moved to is not told.  The old mailbox then proves a
            reset at once, told only to itself; only an owner who
            happens to log in within reset_delay stops it.
 R2-4 HOLE  Someone who had the owner's browser for a minute copies its
            browser cookie (postern-browser) along with the session:
            long after the owner logged in again, the copy still is
            "the owner's browser", so with strangers' help it closes
            login and the reset page to the owner's own browser, every
            15 minutes and every hour, for as long as they like.
 R2-4b HOLE The same copy, with the account's only mailbox (story 11 of
            attacks.py): the mailbox's reader proves a reset, the copy
            and strangers keep password entry closed to the owner's
            browser (the stop on /reset/reject, and login) for the whole
            wait, and the reset takes the account.
 R2-5       (held) A borrowed session, in the owner's own browser or a
            copy, cannot end the owner's other sessions, stop the
            owner's pending reset or hide its banner.

Time passes by moving rows of rate_limits in the database, as the other
tests do.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEFAULT_PASSWORD, Deliveries, Stack, Tap,  # noqa: E402
                     ask_reset, account_id, age_account, code_in, db_write,
                     element_text, every_response_checked,
                     from_ip, links_in, person, prove_reset, session_row,
                     token_of)

tap = Tap()

DELAY = 24 * 3600                       # reset_delay's default
CONF = dict(trusted_proxies='127.0.0.1', admin_email='hoster@example.net',
            pwhash_ops=1, pwhash_mem='8MiB')
OLD = DEFAULT_PASSWORD
NEW = 'lantern orchard velvet 42'
THIEF = 'thief chose this one 99'
EVIL = 'evil.example'
BROWSER_COOKIE = 'postern-browser'      # cookie_secure = off in tests

_ips = [0]


def new_ip():
    """A network address of its own for each person (per-IP limits)."""
    _ips[0] += 1
    return '198.51.100.%d' % _ips[0]


def browser(stack, ip=None):
    """A new browser (no cookies) from an address of its own."""
    return from_ip(stack.client(), ip or new_ip())


class Owner:
    pass


def log_in(c, name, password):
    """Log c in with password: the response to the POST."""
    c.get('/login')
    return c.post('/login', {'username': name, 'password': password})


def owner(stack, post, name, work=True):
    """An owner whose ways in are older than reset_delay: name@home
    (primary) and name@work (a recovery address) unless not work,
    logged in from their own browser (o.client) seconds ago."""
    db_write(stack, "UPDATE rate_limits SET at = at - 7200 WHERE key LIKE "
             "'signup-ip:%'")
    o = Owner()
    o.name = name
    o.home = '%s@home.example' % name
    o.work = '%s@work.example' % name if work else None
    o.client = c = person(stack, post, name, o.home,
                          [o.work] if work else [], established=False)
    o.ip = new_ip()
    from_ip(c, o.ip)
    post.deliver()
    age_account(stack, name)
    return o


def log_out(c):
    """Log c out from a page of its own session (the csrf token of the
    login form belongs to the cookie before the login)."""
    c.get('/account')
    return c.post('/logout', {})


def codes_for(mails, addr):
    got = Deliveries.to(mails, addr)
    return code_in(got[-1].body) if got else None


def primary(stack, name):
    rows = stack.sql('SELECT email, email_since FROM accounts WHERE '
                     'username = ?', name)
    return rows[0] if rows else None


def reset_row(stack, name, state='pending'):
    rows = stack.sql('SELECT created_at, proven_at, deadline, failures, id '
                     'FROM resets WHERE account_id = ? AND state = ? '
                     'ORDER BY id DESC LIMIT 1', account_id(stack, name),
                     state)
    return rows[0] if rows else None


def an_hour_passes(stack):
    db_write(stack, 'UPDATE rate_limits SET at = at - 3601')


def errors_of(c, r):
    return ' '.join(c.errors(r)) or c.heading(r) or ''


def press(stack, c, link, path):
    r = c.get(stack.path_of(link))
    if r.status != 200:
        return r
    return c.post(path, {'t': token_of(link)})


def links_to(stack, mails, addr, path):
    return [x for m in Deliveries.to(mails, addr)
            for x in links_in(stack, m, path)]


# ------------------------------------------------------------------ #
# R2-1. Only an address: does it have an account?


def five_wrong_tries(stack, typed):
    """A stranger's browser asks for codes for typed and types a wrong
    8-digit code five times: the (status, words) of each answer."""
    s = browser(stack)
    r = ask_reset(s, typed)
    if r.status != 303:
        return [(r.status, errors_of(s, r))]
    out = []
    for i in range(5):
        r = prove_reset(s, typed, ['%08d' % (13572468 + i)], NEW)
        out.append((r.status, errors_of(s, r)))
    return out


def story_enumeration(stack, post):
    # SECURITY.md: "Signup says 'that username is taken'", but a taken
    # *address* is never told: signup answers as for a new one and
    # mails the owner.  Two newer paths tell it all the same.
    #
    # /reset/prove: flow_reset_prove() answers OUT_RESET_NOT_RIGHT for a
    # name nobody has (a.id == 0) on every try, but for an account's
    # name prove_settle() counts each wrong code on the browser's live
    # request (prove_failed, reset_fail) and the fifth answers
    # OUT_RESET_LAST_TRY, "That was the fifth try ...".
    #
    # /email: flow_email_request() -> email_claimable() answers
    # OUT_ADDRESS_TAKEN ("That address belongs to another account") to
    # anyone with an account of their own, for an address a verified
    # account holds, and sends the confirmation otherwise.
    with tap.story('R2-1 HOLE. Someone who knows only an address learns '
                   'whether it has an account'):
        o = owner(stack, post, 'ada')
        log_out(o.client)
        post.deliver()
        known = five_wrong_tries(stack, o.home)
        unknown = five_wrong_tries(stack, 'nobody-here@home.example')
        post.deliver()
        tap.is_([k[0] for k in known], [k[0] for k in unknown],
                'R2-1: /reset/prove answers an account\'s address and '
                'an unused one with the same statuses')
        tap.is_(known[-1][1], unknown[-1][1], 'R2-1: the fifth wrong try '
                'says the same words for an account\'s address as for '
                'one nobody has')
        # A throw-away account of the stranger's own.
        s = stack.new_user('probe', 'probe@' + EVIL)
        post.deliver()
        got = {}
        for addr in (o.home, 'nobody-else@home.example'):
            s.get('/email')
            r = s.post('/email', {'email': addr, 'password': OLD})
            got[addr] = (r.status, errors_of(s, r) if r.status != 303
                         else '')
        post.deliver()
        tap.is_(got[o.home], got['nobody-else@home.example'], 'R2-1: '
                'asking to move one\'s own address to an account\'s '
                'address answers as for an unused one')


# ------------------------------------------------------------------ #
# R2-2. A newcomer's account, deleted by a stranger's signup.


def story_signup_deletes(stack, post):
    # SECURITY.md: "an account whose address was never verified holds
    # nothing: a signup or address change that VERIFIES the address
    # replaces it".  flow_signup.c signup_settle() deletes the
    # unverified holder (account_delete_unverified) as soon as anyone
    # signs up with the address, before the address is proven by
    # anyone; the newcomer's link dies and the username is free.
    with tap.story('R2-2 HOLE. A stranger\'s signup with a newcomer\'s '
                   'address deletes the newcomer\'s account'):
        db_write(stack, "UPDATE rate_limits SET at = at - 7200 WHERE key "
                 "LIKE 'signup-ip:%'")
        n = browser(stack)
        n.get('/signup')
        r = n.post('/signup', {'username': 'newt', 'email':
                               'newt@home.example', 'password': OLD})
        tap.is_(r.status, 303, 'R2-2: the newcomer signs up')
        mails, _ = post.deliver()
        link = [x for m in Deliveries.to(mails, 'newt@home.example')
                for x in links_in(stack, m, '/verify')]
        tap.ok(link, 'R2-2: a verification link reaches the newcomer')
        # The newcomer logs in already (nothing asks for the link first).
        r = log_in(n, 'newt', OLD)
        tap.is_(r.status, 303, 'R2-2: and logs in before clicking it')
        # A stranger who heard the name and the address.
        s = browser(stack)
        s.get('/signup')
        r = s.post('/signup', {'username': 'not-newt', 'email':
                               'newt@home.example',
                               'password': THIEF})
        tap.is_(r.status, 303, 'R2-2: a stranger signs up with the '
                'newcomer\'s address')
        post.deliver()
        tap.ok(account_id(stack, 'newt'), 'R2-2: the newcomer\'s account '
               'still exists: nobody proved the address yet')
        tap.is_(n.get('/account').status, 200, 'R2-2: the newcomer\'s '
                'session still works')
        if link:
            r = press(stack, browser(stack), link[-1], '/verify')
            tap.is_((r.status, stack.path_of(r.location)),
                    (303, '/login?verified=1'), 'R2-2: the newcomer\'s '
                    'link still verifies the address')
        s2 = browser(stack)
        s2.get('/signup')
        r = s2.post('/signup', {'username': 'newt', 'email':
                                'squat@' + EVIL, 'password': THIEF})
        tap.isnt(r.status, 303, 'R2-2: the stranger cannot take the '
                 'newcomer\'s username')
        r = log_in(browser(stack), 'newt', OLD)
        tap.is_((r.status, stack.path_of(r.location)), (303, '/account'),
                'R2-2: the newcomer\'s password still logs in to the '
                'newcomer\'s account')


# ------------------------------------------------------------------ #
# R2-3. The old mailbox's revert link, against an owner who left it.


def story_old_mailbox_revert(stack, post):
    # The owner learns that the home mailbox is read by someone else and
    # moves the account to a new address (password, confirmation from
    # the new one: R5).  R5 mails the OLD address a link that restores
    # it, with its age (R9), for 7 days.  flow_email_revert() sets the
    # address back, ends every session and voids pending resets, and
    # tells notify_channels() of the account as it is AFTER the revert:
    # the old address and the recovery contacts.  The address it
    # replaced, the owner's new one, hears nothing.
    with tap.story('R2-3 HOLE. The old mailbox takes the address back '
                   'and the owner\'s new address is not told'):
        o = owner(stack, post, 'bea', work=False)
        fresh = 'bea@fresh.example'
        before = primary(stack, 'bea')
        o.client.get('/email')
        r = o.client.post('/email', {'email': fresh, 'password': OLD})
        tap.is_(r.status, 303, 'R2-3: the owner moves the address away '
                'from the mailbox someone else reads')
        mails, _ = post.deliver()
        confirm = links_to(stack, mails, fresh, '/email/confirm')
        r = press(stack, o.client, confirm[-1], '/email/confirm')
        tap.is_(primary(stack, 'bea')[0], fresh, 'R2-3: and confirms it '
                'from the new one')
        mails, _ = post.deliver()
        undo = links_to(stack, mails, o.home, '/email/revert')
        tap.ok(undo, 'R2-3: the old mailbox gets the revert link')
        # The reader of the old mailbox presses it.
        t = browser(stack)
        r = press(stack, t, undo[-1], '/email/revert')
        tap.is_(r.status, 303, 'R2-3: the old mailbox\'s reader presses it')
        tap.is_(primary(stack, 'bea'), before, 'R2-3: the old address is '
                'back, with its age')
        mails, _ = post.deliver()
        tap.ok(Deliveries.to(mails, fresh), 'R2-3: the address the owner '
               'moved to is told that it was replaced',
               [m.recipients for m in mails])
        # What follows: the old mailbox proves a reset at once (its age
        # came back), and its notices go to the old mailbox alone.  Told
        # at the new address, the owner would log in and stop it.
        ask_reset(t, o.home)
        mails, _ = post.deliver()
        r = prove_reset(t, o.home, [codes_for(mails, o.home)], THIEF)
        tap.is_(r.status, 303, 'R2-3: the old mailbox alone proves a '
                'reset at once, without waiting reset_delay (R9)')
        mails, _ = post.deliver()
        tap.is_(sorted(set(x.lower() for m in mails for x in m.recipients)),
                [o.home], 'R2-3: its notices go to the old mailbox alone')
        r = log_in(o.client, 'bea', OLD)
        tap.is_(r.status, 303, 'R2-3: the owner\'s password still logs in '
                'during the wait')
        o.client.get('/reset/reject')
        r = o.client.post('/reset/reject', {'password': OLD})
        tap.is_((r.status, stack.path_of(r.location)),
                (303, '/reset?rejected=1'), 'R2-3: and stops the reset, '
                'had the owner been told')
        post.deliver()


# ------------------------------------------------------------------ #
# R2-4. A copy of the owner's browser cookie.


def story_copied_browser_cookie(stack, post):
    # A browser cookie is a random token the server accepts from the
    # client as it comes (app.c app_browser), and a device is known by
    # its hash for good (device.c device_remember: the token never
    # changes, a year long).  Whoever sat at the owner's browser for a
    # minute can copy it as easily as the session cookie; from then on
    # their own browser IS the owner's to guard.c and to
    # flow_reset_ask():
    #  - ten wrong passwords with the copy close the owner's own
    #    browser's count (RATE_LOGIN_DEVICE), and strangers close the
    #    strangers' count (RATE_LOGIN_ACCOUNT): no browser of the owner
    #    logs in;
    #  - two asks with the copy use up RATE_RESET_KNOWN, counted per
    #    ACCOUNT for every known browser, and strangers use up the name
    #    and the address (RATE_RESET_NAME): no browser of the owner
    #    can ask for a reset.
    # Both come back every 15 minutes and every hour, for a year.  The
    # owner logged in again after the copy was taken; a browser cookie
    # that changed at that login would have made the copy a stranger's.
    with tap.story('R2-4 HOLE. A copy of the owner\'s browser cookie '
                   'locks the owner\'s own browser out'):
        o = owner(stack, post, 'cai')
        a = browser(stack)
        a.cookies[BROWSER_COOKIE] = o.client.cookie(BROWSER_COOKIE)
        tap.ok(a.cookie(BROWSER_COOKIE), 'R2-4: the borrower copies the '
               'browser cookie along with the session')
        # The owner logs out, and the next day logs in again.
        log_out(o.client)
        r = log_in(o.client, 'cai', OLD)
        tap.is_(r.status, 303, 'R2-4: the owner logs in again later, in '
                'the same browser')
        log_out(o.client)
        # The attack, as often as wanted.
        got = [log_in(a, 'cai', 'wrong guess %d' % i).status
               for i in range(10)]
        got += [log_in(browser(stack), 'cai', 'wrong %d' % i).status
                for i in range(10)]
        tap.is_(got, [422] * 20, 'R2-4: ten wrong passwords with the copy, '
                'ten from strangers\' browsers')
        r = log_in(o.client, 'cai', OLD)
        tap.ok((r.status, stack.path_of(r.location)) == (303, '/account'),
               'R2-4: the owner\'s own browser still logs in',
               '%d %s' % (r.status, errors_of(o.client, r)))
        log_out(o.client)
        asks = [ask_reset(a, 'cai').status for _ in range(2)]
        s = browser(stack)
        asks += [ask_reset(s, x).status for x in ('cai', 'cai', o.home,
                                                  o.home)]
        tap.is_(asks, [303] * 6, 'R2-4: two asks with the copy, four from '
                'a stranger')
        post.deliver()
        r = ask_reset(o.client, 'cai')
        tap.ok(r.status == 303, 'R2-4: the owner\'s own browser can still '
               'ask for a reset', '%d %s' % (r.status, errors_of(o.client, r)))
        post.deliver()
        an_hour_passes(stack)


def close_login(stack, copy, name):
    """Ten wrong passwords with the copy and ten from strangers'
    browsers: both counts of the account closed for 15 minutes."""
    return [log_in(copy, name, 'wrong guess %d' % i).status
            for i in range(10)] + \
        [log_in(browser(stack), name, 'wrong %d' % i).status
         for i in range(10)]


def story_copied_cookie_takeover(stack, post):
    # R2-4 with story 11 of attacks.py: the account has one mailbox, and
    # its reader proves a reset.  The notices and the only reject link
    # go to that mailbox; the owner's one defence is to log in with the
    # password and stop it (policy_session_reset).  The copy of the
    # owner's browser cookie and strangers keep every door of password
    # entry closed to the owner (login, and the proof on /reset/reject,
    # proof_read -> guard_password_closed) for the whole wait.
    with tap.story('R2-4b HOLE. A copied browser cookie and the only '
                   'mailbox take the account'):
        o = owner(stack, post, 'dee', work=False)
        a = browser(stack)
        a.cookies[BROWSER_COOKIE] = o.client.cookie(BROWSER_COOKIE)
        log_out(o.client)
        r = log_in(o.client, 'dee', OLD)
        tap.is_(r.status, 303, 'R2-4b: the owner logs in again later, in '
                'the same browser, and stays logged in')
        t = browser(stack)
        ask_reset(t, 'dee')
        mails, _ = post.deliver()
        r = prove_reset(t, 'dee', [codes_for(mails, o.home)], THIEF)
        tap.is_(r.status, 303, 'R2-4b: the mailbox\'s reader proves a '
                'reset')
        post.deliver()
        tap.is_(close_login(stack, a, 'dee'), [422] * 20, 'R2-4b: the copy '
                'and strangers close password entry')
        r = o.client.get('/account')
        tap.ok(element_text(r, 'pending-reset') is not None, 'R2-4b: the '
               'owner\'s page tells of the pending reset')
        o.client.get('/reset/reject')
        r = o.client.post('/reset/reject', {'password': OLD})
        tap.ok(r.status == 303, 'R2-4b: the logged-in owner stops it with '
               'the password', '%d %s' % (r.status, errors_of(o.client, r)))
        log_out(o.client)
        r = log_in(o.client, 'dee', OLD)
        tap.ok(r.status == 303, 'R2-4b: a logged-out owner logs in to stop '
               'it', '%d %s' % (r.status, errors_of(o.client, r)))
        post.deliver()
        db_write(stack, "UPDATE resets SET deadline = ? WHERE state = "
                 "'pending' AND account_id = ?", int(time.time()) - 1,
                 account_id(stack, 'dee'))
        stack.mailer_once()
        post.deliver()
        an_hour_passes(stack)
        r = log_in(browser(stack), 'dee', THIEF)
        tap.isnt(r.status, 303, 'R2-4b: after the deadline the thief\'s '
                 'password does not open the account')


# ------------------------------------------------------------------ #
# R2-5. What held: a borrowed session and the owner's other sessions.


def story_borrowed_session_held(stack, post):
    with tap.story('R2-5. A borrowed session cannot end the owner\'s '
                   'other sessions, stop the owner\'s reset or hide it'):
        o = owner(stack, post, 'dov')
        # The owner's second browser (a phone).
        phone = browser(stack)
        tap.is_(log_in(phone, 'dov', OLD).status, 303, 'R2-5: the owner '
                'is logged in on a second browser too')
        # The owner forgot nothing yet; a reset is pending (the owner's
        # own, from the phone's browser, with the work address).
        ask_reset(phone, 'dov')
        mails, _ = post.deliver()
        r = prove_reset(phone, 'dov', [codes_for(mails, o.work)], NEW)
        tap.is_(r.status, 303, 'R2-5: the owner\'s reset is pending')
        post.deliver()
        # The borrower: a copy of the session, and the owner's browser.
        a = browser(stack)
        a.cookies['postern'] = o.client.cookie('postern')
        phone_sess = session_row(stack, phone)
        for c, how in ((a, 'a copy'), (o.client, 'the owner\'s browser')):
            c.get('/account/activity')
            for fields in ({'others': '1'}, {'others': '1', 'password':
                                             'a guess 1234'},
                           {'session': str(phone_sess['id'])}):
                r = c.post('/account/activity', fields)
                tap.ok(r.status in (403, 422), 'R2-5: %s cannot end the '
                       'other sessions without the password (%s)' % (
                           how, ', '.join(sorted(fields))), r.status)
            c.get('/reset/reject')
            r = c.post('/reset/reject', {})
            tap.isnt(r.status, 303, 'R2-5: %s cannot stop the pending '
                     'reset without the password' % how)
            r = c.post('/reset/reject', {'code': '123456'})
            tap.isnt(r.status, 303, 'R2-5: nor with a guessed code '
                     '(2FA is off)')
        tap.is_(phone.get('/account').status, 200, 'R2-5: the owner\'s '
                'second browser is still logged in')
        r = phone.get('/account')
        tap.ok(element_text(r, 'pending-reset') is not None, 'R2-5: and '
               'still shows the pending reset')
        tap.ok(reset_row(stack, 'dov'), 'R2-5: which still waits')
        # The borrower's copy logs out: only that session ends.
        a.post('/logout', {})
        tap.is_(phone.get('/account').status, 200, 'R2-5: a logout from '
                'the copy ends only the borrowed session')


# ------------------------------------------------------------------ #


def main():
    with Stack(**CONF) as stack:
        post = Deliveries(stack)
        story_enumeration(stack, post)
        story_signup_deletes(stack, post)
        story_old_mailbox_revert(stack, post)
        story_copied_browser_cookie(stack, post)
        story_copied_cookie_takeover(stack, post)
        story_borrowed_session_held(stack, post)
        every_response_checked(tap, stack)


tap.run(main)
