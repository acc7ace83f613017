#!/usr/bin/python3
"""
attacks_round4.py: a fourth round of attacks, on the hoster's brakes,
the address change's undo link and the login page's warnings, told as
stories through the real stack in the style of attacks.py and
attacks_round3.py (whose owners and phished logins these copy: those
modules run their stories when imported).  Each story is a hole found
in review; it fails while the hole is open, or is marked TODO where
closing it needs a decision (the report to the lead says which).

29. A phished password (no 2FA) changes the password and asks for the
    account's deletion.  The owner calls the hoster, who runs `postern
    lock`, the documented brake; the deletion "waits" while locked.
    The hoster looks into it for two days, so the cancel links expire,
    and nothing the owner holds can stop it (the password is the
    thief's, a reset is refused while locked).  At `postern unlock` the
    next mailer pass deletes the account at once.
30. A phished password (no 2FA) changes the password and moves the
    address to the thief's.  The owner proves a reset with a recovery
    address older than the attack, then presses the link the old
    address got to undo the move, as its notice says: the undo voids
    the owner's own reset.  The thief still knows the password and
    does it again; each round costs the owner another reset_delay.
    Decided: the undo still voids every waiting reset, because a reset
    proven from a mailbox the thief reads looks the same as the owner's
    (30b).  The undo page now says a reset waits, until when, and how
    long the undo link works, so the owner may let the reset take
    effect first and undo the move after (30).
31. Someone who knows only a username learns the account's address:
    wrong passwords typed with the name and with the address share one
    count, and the login page's warning ("2 more tries") says so,
    where an address of nobody's starts a count of its own.
32. The owner makes a recovery address the primary one, as people do
    when they leave a job.  The address is now two channels: the
    primary and the recovery contact it also still is.  Whoever reads
    that one mailbox proves a reset with one channel's code and gets
    the confirm link meant for an address that took no part in the
    proof on the other: the reset applies at once, before the owner's
    other address can reject it.
33. A phished password (no 2FA) asks for the account's deletion, then
    mails the owner, in the site's words, a link to "cancel" it:
    /account/delete/cancel?done=1 on the real site.  The site says
    "Deletion cancelled: the account will not be deleted" to anyone
    who opens it, so the owner leaves the real cancel link unpressed,
    and the deletion goes on.
34. The reader of one recovery mailbox proves a reset and sends the
    owner /reset?rejected=1: the real site says "The password change
    is stopped ... Your password is unchanged" while it still waits.
35. A phished password moves the address to the thief's and sends the
    owner /login?reverted=1: the real site says "Your old address is
    back", and the owner leaves the real undo link unpressed.
    (33-35: the notices kept on the session cover the logged-in pages;
    these three pages, reached by mailed links without a session, still
    believe a flag in the query that anyone can write.)
36. Someone who had the owner's browser for a minute copies its
    postern-browser cookie, and knows the name and the address.  The
    copy has a count of its own (10 per 15 minutes), strangers have one
    for the name and now another for the address: 30 guesses per 15
    minutes, 120 an hour, past the 100 an hour per account of ASVS
    2.2.1, while the owner never logs in from that browser again.
    Now a ceiling of 100 an hour holds over all of an account's counts;
    strangers' two counts (80 an hour) stay below it, so strangers alone
    never close the owner's own browsers (36b).
"""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEFAULT_PASSWORD, Deliveries, Stack, Tap,  # noqa: E402
                     account_id, add_verified_contact, age_account,
                     ask_reset, browser, code_in, codes_for, db_write,
                     events_of, every_response_checked, gets_back_in,
                     guesses_until_closed, links_to, log_in, owner,
                     pass_deadline, phished_login, press, primary,
                     prove_reset, reset_row, reset_state, todo)

tap = Tap()

DELAY = 24 * 3600                       # reset_delay's default
CONF = dict(trusted_proxies='127.0.0.1', admin_email='hoster@example.net',
            pwhash_ops=1, pwhash_mem='8MiB')
OLD = DEFAULT_PASSWORD
NEW = 'lantern orchard velvet 42'
THEIRS = 'thief chose this one 77'     # a phished login's new one
THIEF = 'the thief\'s new password 9'  # a stolen mailbox's reset's
EVIL = 'evil.example'

def thief_logs_in(stack, o):
    """Someone who phished the password logs in from a browser of their
    own (no 2FA: the password is enough)."""
    phi, r = phished_login(stack, o)
    tap.is_(r.status, 303, 'the thief logs in with the phished password')
    return phi


def changes_password(phi, password, new):
    phi.get('/account/password')
    return phi.post('/account/password', {'password': password,
                                          'new_password': new})


# ------------------------------------------------------------------ #
# 29. The hoster's lock, and a deletion that waits behind it.


def story_lock_then_unlock_deletes(stack, post):
    with tap.story('29. A phished password asks for the deletion; the '
                   'hoster locks the account and unlocks it two days later '
                   '(no 2FA)'):
        o = owner(stack, post, 'ada', work=False)
        phi = thief_logs_in(stack, o)
        r = changes_password(phi, OLD, THEIRS)
        tap.is_(r.status, 303, '29: the thief changes the password')
        phi.get('/account/delete')
        r = phi.post('/account/delete', {'password': THEIRS})
        tap.is_(r.status, 303, '29: and asks for the account\'s deletion')
        mails, _ = post.deliver()
        tap.ok(links_to(stack, mails, o.home, '/account/delete/cancel'),
               '29: the owner\'s address gets a link that cancels it')
        r = stack.postern('lock', 'ada')
        tap.ok(r.returncode == 0, '29: the owner calls the hoster, who '
               'locks the account while looking into it', r.stderr)
        post.deliver()

        # The hoster takes two days.  The deletion's time and its links'
        # (which outlive it by an hour) pass meanwhile.
        gone_by = int(time.time()) - DELAY
        aid = account_id(stack, 'ada')
        db_write(stack, 'UPDATE accounts SET delete_at = ? WHERE id = ? '
                 'AND delete_at != 0', gone_by, aid)
        db_write(stack, "UPDATE links SET expires_at = ? WHERE account_id "
                 "= ? AND kind = 'delete_cancel'", gone_by + 3600, aid)
        stack.mailer_once()
        tap.ok(account_id(stack, 'ada'), '29: nothing is deleted while the '
               'account is locked')
        r = ask_reset(o.client, 'ada')
        mails, _ = post.deliver()
        tap.ok(not Deliveries.to(mails, o.home), '29: while locked, the '
               'owner cannot reset (no code is sent)')

        r = stack.postern('unlock', 'ada')
        tap.ok(r.returncode == 0, '29: the hoster unlocks it', r.stderr)
        stack.mailer_once()
        tap.ok(account_id(stack, 'ada'), '29: the next mailer pass does not '
               'delete the account behind the owner\'s back: the lock '
               'stopped the deletion, as disable does')
        if account_id(stack, 'ada'):
            gets_back_in(tap, stack, post, o, [o.home], story='29')


# ------------------------------------------------------------------ #
# 30. The undo link of an address change voids the owner's own reset.


def story_revert_voids_owners_reset(stack, post):
    with tap.story('30. A phished password changes the password and moves '
                   'the address; the owner resets, then undoes the move '
                   '(no 2FA)'):
        o = owner(stack, post, 'bea')
        phi = thief_logs_in(stack, o)
        r = changes_password(phi, OLD, THEIRS)
        tap.is_(r.status, 303, '30: the thief changes the password')
        phi.get('/email')
        r = phi.post('/email', {'email': 'bea@' + EVIL, 'password': THEIRS})
        tap.is_(r.status, 303, '30: and asks to move the address')
        mails, _ = post.deliver()
        link = links_to(stack, mails, 'bea@' + EVIL, '/email/confirm')
        r = press(stack, phi, link[-1], '/email/confirm')
        tap.is_(r.status, 303, '30: the thief confirms the new address')
        mails, _ = post.deliver()
        undo = links_to(stack, mails, o.home, '/email/revert')
        tap.ok(undo, '30: the old address gets its link to undo the move')

        # Locked out, the owner resets with the recovery address they had
        # long before the attack; the thief's password is young and
        # stops nothing (R9).
        ask_reset(o.client, 'bea')
        mails, _ = post.deliver()
        r = prove_reset(o.client, 'bea', [codes_for(mails, o.work)], NEW)
        tap.is_(r.status, 303, '30: the owner proves a reset with the '
                'recovery address')
        post.deliver()
        mine = reset_row(stack, 'bea')
        # Then opens the link the notice of the move gave the old address.
        page = o.client.get(stack.path_of(undo[-1]))
        tap.ok(page.status == 200 and 'id="revert-reset-waits"' in page.text,
               '30: before its button, the undo page says a reset is waiting '
               'and that undoing now cancels it, whoever asked for it')
        tap.ok('takes effect on' in page.text and 'works until' in page.text,
               '30: it gives the reset\'s deadline and the link\'s own end, '
               'so the owner may let the reset take effect first')
        # The owner lets the reset take effect, then undoes the move.
        pass_deadline(stack, 'bea')
        tap.is_(mine and reset_state(stack, mine[4]), 'applied',
                '30: the owner\'s reset takes effect at its deadline')
        r = log_in(browser(stack), 'bea', THEIRS)
        tap.is_(r.status, 422, '30: the thief\'s password no longer works')
        r = press(stack, o.client, undo[-1], '/email/revert')
        tap.is_(r.status, 303, '30: the owner\'s undo link, used after, '
                'restores the address')
        tap.is_(primary(stack, 'bea'), o.home, '30: the address is the '
                'owner\'s again')
        r = log_in(browser(stack), 'bea', NEW)
        tap.is_(r.status, 303, '30: and the owner logs in with the new '
                'password')


def story_undo_voids_waiting_reset(stack, post):
    with tap.story('30b. The undo, used while a reset waits, cancels it: '
                   'a thief\'s reset proven from a mailbox they read looks '
                   'the same as the owner\'s'):
        o = owner(stack, post, 'dot')
        phi = thief_logs_in(stack, o)
        r = changes_password(phi, OLD, THEIRS)
        phi.get('/email')
        r = phi.post('/email', {'email': 'dot@' + EVIL, 'password': THEIRS})
        mails, _ = post.deliver()
        link = links_to(stack, mails, 'dot@' + EVIL, '/email/confirm')
        r = press(stack, phi, link[-1], '/email/confirm')
        tap.is_(r.status, 303, '30b: the thief moves the address')
        mails, _ = post.deliver()
        undo = links_to(stack, mails, o.home, '/email/revert')
        # Whoever reads the recovery mailbox proves a reset.
        reader = browser(stack)
        ask_reset(reader, 'dot')
        mails, _ = post.deliver()
        r = prove_reset(reader, 'dot', [codes_for(mails, o.work)], THIEF)
        waiting = reset_row(stack, 'dot')
        tap.ok(waiting, '30b: a reset waits')
        r = press(stack, o.client, undo[-1], '/email/revert')
        tap.is_(r.status, 303, '30b: the owner undoes the move at once')
        tap.is_(waiting and reset_state(stack, waiting[4]), 'void',
                '30b: the waiting reset is cancelled')


# ------------------------------------------------------------------ #
# 31. The login page's warning ties a name to its address.

WARNING = re.compile(r'(\d+) more tr')


def warned(c, name):
    """A wrong password for name from c: the tries the page says are
    left (None when it does not say)."""
    r = log_in(c, name, 'not the password at all 1')
    m = WARNING.search(' '.join(c.errors(r)))
    return int(m.group(1)) if m else None


def story_warning_ties_name_to_address(stack, post):
    with tap.story('31. Someone who knows a username asks the login page '
                   'which address is its'):
        o = owner(stack, post, 'cal', work=False)
        s = browser(stack)
        left = [warned(s, 'cal') for _ in range(7)]
        tap.is_(left[-1], 3, '31: seven wrong passwords with the name: '
                '"3 more tries"')
        guess = warned(s, o.home)
        nobody = warned(s, 'nobody@home.example')
        tap.note('the address answers %r, an address of nobody\'s %r' %
                 (guess, nobody))
        tap.ok(guess == nobody, '31: a wrong password with the '
               'account\'s address gets the answer an address of nobody\'s '
               'gets')
        for _ in range(3):
            warned(s, 'cal')
        r = log_in(s, 'cal', 'not the password at all 1')
        tap.is_(r.status, 429, '31: ten wrong passwords with the name '
                'close the name to strangers for a while')
        tap.is_(warned(s, o.home), warned(s, 'other@home.example'), '31: '
                'and the address still answers as an address of nobody\'s')
        o.client.get('/account')
        o.client.post('/logout', {})
        r = log_in(o.client, 'cal', OLD)
        tap.is_((r.status, stack.path_of(r.location)), (303, '/account'),
                '31: the owner\'s own browser still logs in')


# ------------------------------------------------------------------ #
# 32. One mailbox, two channels.


def story_primary_is_also_a_contact(stack, post):
    with tap.story('32. The owner makes the recovery address the primary '
                   'one; its reader resets (no 2FA)'):
        o = owner(stack, post, 'dee')
        other = 'dee@other.example'
        add_verified_contact(stack, post, o.client, 'dee', 'email', other)
        o.client.get('/email')
        r = o.client.post('/email', {'email': o.work, 'password': OLD})
        tap.is_(r.status, 303, '32: the owner asks to make the recovery '
                'address the primary one')
        mails, _ = post.deliver()
        r = press(stack, o.client, links_to(stack, mails, o.work,
                                            '/email/confirm')[-1],
                  '/email/confirm')
        tap.is_(r.status, 303, '32: and confirms it from that mailbox')
        post.deliver()
        since = stack.sql("SELECT email_since FROM accounts WHERE username "
                          "= 'dee'")[0][0]
        tap.ok(since < time.time() - DELAY, '32: the address keeps the age '
               'it has as a recovery address (R9)')
        age_account(stack, 'dee')         # some days later

        # The thief reads the work mailbox, and nothing else.
        t = browser(stack)
        ask_reset(t, 'dee')
        mails, _ = post.deliver()
        got = [code_in(m.body) for m in Deliveries.to(mails, o.work)]
        tap.note('the work mailbox got %d reset codes' % len(got))
        r = prove_reset(t, 'dee', got[-1:], THIEF)
        tap.is_(r.status, 303, '32: one of its codes proves a reset')
        mails, _ = post.deliver()
        confirm = links_to(stack, mails, o.work, '/reset/confirm')
        tap.ok(not confirm, '32: the mailbox that proved the reset gets '
               'no confirm link')
        if confirm:
            press(stack, t, confirm[-1], '/reset/confirm')
        tap.ok(reset_row(stack, 'dee'), '32: the change still waits, for '
               'the owner\'s other address to reject it')
        tap.ok(not log_in(browser(stack), 'dee', THIEF).status == 303,
               '32: the thief\'s password does not log in')

    with tap.story('32b. The owner undoes a move to an address that became '
                   'a recovery address meanwhile'):
        o = owner(stack, post, 'eve', work=False)
        o.client.get('/email')
        o.client.post('/email', {'email': 'eve@new.example', 'password': OLD})
        mails, _ = post.deliver()
        press(stack, o.client, links_to(stack, mails, 'eve@new.example',
                                        '/email/confirm')[-1],
              '/email/confirm')
        mails, _ = post.deliver()
        undo = links_to(stack, mails, o.home, '/email/revert')
        add_verified_contact(stack, post, o.client, 'eve', 'email', o.home)
        r = press(stack, o.client, undo[-1], '/email/revert')
        tap.is_(r.status, 303, '32b: the undo link restores the address')
        tap.is_(stack.sql('SELECT count(*) FROM contacts WHERE value = ?',
                          o.home)[0][0], 0, '32b: the restored primary '
                'address is not also a recovery contact (two channels, one '
                'mailbox)')


# ------------------------------------------------------------------ #
# 33-35. A success page that believes its query.


def story_forged_done_pages(stack, post):
    with tap.story('33. A phished password asks for the deletion, then '
                   'sends the owner a "cancel" link of its own (no 2FA)'):
        o = owner(stack, post, 'fay', work=False)
        phi = thief_logs_in(stack, o)
        phi.get('/account/delete')
        r = phi.post('/account/delete', {'password': OLD})
        tap.is_(r.status, 303, '33: the thief asks for the deletion')
        mails, _ = post.deliver()
        tap.ok(links_to(stack, mails, o.home, '/account/delete/cancel'),
               '33: the owner\'s address gets the real cancel link')
        r = browser(stack).get('/account/delete/cancel?done=1')
        tap.ok(o.client.heading(r) != 'Deletion cancelled' and
               'will not be deleted' not in o.client.text_of(r), '33: the '
               'thief\'s link to the real site does not tell the owner '
               'that the deletion is cancelled')
        tap.ok(stack.sql("SELECT delete_at FROM accounts WHERE username = "
                         "'fay'")[0][0] != 0, '33: the deletion still waits')

    with tap.story('34. The reader of a recovery mailbox proves a reset, '
                   'then sends the owner a "reject" link of its own'):
        o = owner(stack, post, 'gus')
        t = browser(stack)
        ask_reset(t, 'gus')
        mails, _ = post.deliver()
        r = prove_reset(t, 'gus', [codes_for(mails, o.work)], THIEF)
        tap.is_(r.status, 303, '34: the work mailbox\'s code proves a reset')
        post.deliver()
        r = o.client.get('/reset?rejected=1')
        tap.ok('password change is stopped' not in o.client.text_of(r) and
               'password is unchanged' not in o.client.text_of(r), '34: the '
               'thief\'s link to the real site does not tell the owner, in '
               'the owner\'s own browser, that the reset is rejected')
        tap.ok(reset_row(stack, 'gus'), '34: the thief\'s reset still waits')

    with tap.story('35. A phished password moves the address, then sends '
                   'the owner an "undo" link of its own (no 2FA)'):
        o = owner(stack, post, 'hal', work=False)
        phi = thief_logs_in(stack, o)
        phi.get('/email')
        r = phi.post('/email', {'email': 'hal@' + EVIL, 'password': OLD})
        mails, _ = post.deliver()
        r = press(stack, phi, links_to(stack, mails, 'hal@' + EVIL,
                                       '/email/confirm')[-1], '/email/confirm')
        tap.is_(r.status, 303, '35: the thief moves the address')
        mails, _ = post.deliver()
        tap.ok(links_to(stack, mails, o.home, '/email/revert'), '35: the '
               'owner\'s address gets the real undo link')
        r = browser(stack).get('/login?reverted=1')
        tap.ok('old address is back' not in o.client.text_of(r), '35: the '
               'thief\'s link to the real site does not tell the owner that '
               'the old address is back')
        tap.is_(stack.sql("SELECT email FROM accounts WHERE username = "
                          "'hal'")[0][0], 'hal@' + EVIL, '35: the address is '
                'still the thief\'s')


# ------------------------------------------------------------------ #
# 36. Three counts for one account.

def story_three_counts(stack, post):
    with tap.story('36. Someone who had the owner\'s browser for a minute '
                   'and knows the name and the address guesses the '
                   'password for an hour'):
        o = owner(stack, post, 'ivy', work=False)
        copy = browser(stack)
        copy.cookies['postern-browser'] = o.client.cookie('postern-browser')
        tap.ok(copy.cookie('postern-browser'), '36: the owner\'s browser '
               'carries the cookie that makes it one the account knows')
        strangers = browser(stack)
        total, last = 0, []
        for window in range(4):
            last = []
            for c, login in ((copy, 'ivy'), (strangers, 'ivy'),
                             (strangers, o.home)):
                last.append(guesses_until_closed(c, login, total))
                total += last[-1]
            # A quarter of an hour passes.
            db_write(stack, 'UPDATE rate_limits SET at = at - 900')
        tap.note('%d wrong passwords in an hour for one account' % total)
        tap.is_(total, 100, '36: no more than 100 wrong passwords an hour '
                'for one account (ASVS 2.2.1): the ceiling over every count '
                'closes at the 100th')
        tap.is_(last, [10, 0, 0], '36: in the last quarter the copy\'s 10 '
                'reach the ceiling, and the name and the address are paused '
                'too, though their own counts are not spent')
        locked = events_of(stack, 'ivy', 'login_locked')
        tap.is_(locked[-1][1] if locked else None, 'every_browser',
                '36: the account\'s events record that the ceiling closed '
                'logins for every browser')


def story_strangers_never_reach_ceiling(stack, post):
    with tap.story('36b. Strangers who know the name and the address spend '
                   'both counts for an hour: the owner\'s own browser still '
                   'logs in'):
        o = owner(stack, post, 'jay', work=False)
        o.client.post('/logout', {})
        strangers = browser(stack)
        total = 0
        for window in range(4):
            for login in ('jay', o.home):
                total += guesses_until_closed(strangers, login, total)
            db_write(stack, 'UPDATE rate_limits SET at = at - 900')
        tap.is_(total, 80, '36b: strangers get 40 an hour for the name and '
                '40 for the address, 80 in all')
        r = log_in(o.client, 'jay', OLD)
        tap.is_(r.status, 303, '36b: the owner\'s browser logs in with the '
                'right password: strangers alone stay under the ceiling')


# ------------------------------------------------------------------ #


def main():
    with Stack(**CONF) as stack:
        post = Deliveries(stack)
        story_revert_voids_owners_reset(stack, post)
        story_undo_voids_waiting_reset(stack, post)
        story_warning_ties_name_to_address(stack, post)
        story_lock_then_unlock_deletes(stack, post)
        story_primary_is_also_a_contact(stack, post)
        story_forged_done_pages(stack, post)
        story_three_counts(stack, post)
        story_strangers_never_reach_ceiling(stack, post)
        every_response_checked(tap, stack)


tap.run(main)
