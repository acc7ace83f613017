#!/usr/bin/python3
"""
account_manage.py: what a person does with the account itself, end to
end on the real stack: change the password, delete the account, export
its data, and see at a glance how well it could be recovered (issue 18).

Ada changes her password: it works at once, her other browser is logged
out, and her addresses and phone hear of it.  A borrowed session
without her password changes, deletes and exports nothing.  Ben asks to
delete his account: every page shows it, every channel gets a link that
cancels it, and the link works from a browser that is logged out.  Cleo
cancels hers from the banner, with her password.  Dan's deletion takes
effect when the mailer finds its time up, Eve's when she next tries to
log in: nothing of them is left.  Fay downloads her data as JSON that
holds her odd browser name exactly and no secret.  Gus's overview says
what to do next.  And Hal's phished password, changed by the thief at
once, cannot stop the reset Hal makes from his old address.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (every_response_checked, DEFAULT_PASSWORD, SMS_CAPTURE,
                     Deliveries, Stack, Tap, add_verified_contact,
                     ask_reset, code_in, db_write, element_text, enable_totp,
                     events_of, keeps_typed, links_in, make_recovery_code,
                     message_text, password_works, person, proof,
                     prove_reset, token_of, try_login)

tap = Tap()

OLD = DEFAULT_PASSWORD
NEW = 'lantern orchard velvet 42'
PHONE = '+4930123456'
CONF = dict(reset_delay='1h', sms_command=SMS_CAPTURE)


def account_row(stack, username):
    return stack.sql('SELECT pw_hash, delete_at FROM accounts WHERE '
                     'username = ?', username)


def delete_at(stack, username):
    rows = stack.sql('SELECT delete_at FROM accounts WHERE username = ?',
                     username)
    return rows[0][0] if rows else None


def logged_in(client):
    """The client's session still opens /account."""
    return client.get('/account').status == 200


def texts_to(items, who):
    return [message_text(m) for m in Deliveries.to(items, who)]


def password_change(stack, post):
    ada = person(stack, post, 'ada', 'ada@home.example',
                 emails=['ada@backup.example'], phones=[PHONE])
    other, r = try_login(stack, 'ada', OLD)

    with tap.story('Ada changes her password: at once, her other browser '
                   'is logged out, every channel is told'):
        r = ada.get('/account')
        tap.ok(any(l.endswith('/account/password') for l in ada.links(r)),
               'the account page links to the password form')
        r = ada.get('/account/password')
        tap.is_(r.status, 200, 'the form opens')
        for name in ('password', 'new_password'):
            tap.ok(name in ada.form_values(r), 'it has the field %s' % name)
        r = ada.post('/account/password', {'password': OLD,
                                           'new_password': NEW})
        tap.is_(r.status, 303, 'the change is accepted')
        r = ada.get(stack.path_of(r.location))
        tap.like(r.text, r'(?i)password was changed', 'and the page says so')
        tap.ok(logged_in(ada), 'this browser stays logged in')
        tap.ok(not logged_in(other), 'her other browser is logged out')
        tap.ok(password_works(stack, 'ada', NEW), 'the new password works')
        tap.ok(not password_works(stack, 'ada', OLD),
               'the old one does not')
        mails, sms = post.deliver()
        for who in ('ada@home.example', 'ada@backup.example'):
            tap.ok(any('password' in t and 'changed' in t
                       for t in texts_to(mails, who)),
                   '%s is mailed that the password changed' % who)
        tap.ok(any('changed' in t for t in texts_to(sms, PHONE)),
               'her phone is texted too')
        tap.ok(events_of(stack, 'ada', 'password_changed'),
               'the change is an event of her account')
        r = ada.get('/account/activity')
        tap.like(r.text, r'Password changed', 'which her activity shows')
        ada.password = NEW

    with tap.story('A wrong password or a weak new one is refused, and '
                   'nothing changes'):
        before = account_row(stack, 'ada')
        ada.get('/account/password')
        r = ada.post('/account/password', {'password': 'not my password',
                                           'new_password': OLD + ' again'})
        tap.is_(r.status, 422, 'a wrong current password: 422')
        tap.ok(ada.errors(r), 'with the reason in .error')
        keeps_typed(tap, ada, r, 'the refused form', {})
        tap.is_(ada.form_values(r).get('new_password', ''), '',
                'nor the new password')
        r = ada.post('/account/password', {'password': NEW,
                                           'new_password': 'password1'})
        tap.is_(r.status, 422, 'a common new password: 422')
        tap.like(' '.join(ada.errors(r)), r'(?i)too common|easy to guess',
                 'the reason says why')
        r = ada.post('/account/password', {'password': NEW,
                                           'new_password': 'short'})
        tap.is_(r.status, 422, 'a short one too')
        tap.is_(account_row(stack, 'ada'), before, 'the password is as it '
                'was')
        tap.ok(logged_in(ada), 'and she is still logged in')

    with tap.story('With 2FA on, the change needs a code from the '
                   'authenticator too'):
        auth = enable_totp(ada)
        post.deliver()
        r = ada.get('/account/password')
        tap.ok('code' in ada.form_values(r), 'the form asks for the code')
        r = ada.post('/account/password', {'password': NEW,
                                           'new_password': OLD})
        tap.is_(r.status, 422, 'the password alone is refused')
        tap.like(' '.join(ada.errors(r)), r'(?i)authenticator',
                 'the page asks for the code')
        r = ada.post('/account/password', {'password': NEW,
                                           'new_password': OLD,
                                           'code': auth.wrong()})
        tap.is_(r.status, 422, 'so is a wrong code')
        tap.ok(password_works(stack, 'ada', NEW), 'the password is as it '
               'was')
        r = ada.post('/account/password', {'password': NEW,
                                           'new_password': OLD,
                                           'code': auth.next()})
        tap.is_(r.status, 303, 'with a right code it changes')
        ada.password = OLD
        post.deliver()


def borrowed_session(stack, post):
    moe = person(stack, post, 'moe', 'moe@home.example',
                emails=['moe@backup.example'])
    post.deliver()

    with tap.story('A borrowed session without the password changes, '
                   'deletes and exports nothing'):
        before = account_row(stack, 'moe')
        for path, fields in (('/account/password', {'new_password': NEW}),
                             ('/account/delete', {}),
                             ('/account/export', {}),
                             # R8: stopping a deletion from a session
                             # asks for the password too.
                             ('/account/delete/cancel', {})):
            moe.get(path)
            r = moe.post(path, fields)
            tap.is_(r.status, 422, '%s without the password: 422' % path)
            tap.like(' '.join(moe.errors(r)), r'(?i)password',
                     'the page asks for the password')
            tap.ok('application/json' not in r.headers.get(
                'Content-Type', ''), 'and no data is sent')
        tap.is_(account_row(stack, 'moe'), before,
                'the password is unchanged and no deletion is pending')
        mails, sms = post.deliver()
        tap.is_(mails + sms, [], 'no message went out')

    with tap.story('Without a session at all, the pages ask to log in'):
        c = stack.client()
        for path in ('/account/password', '/account/delete',
                     '/account/export'):
            tap.is_(c.get(path).status, 403, '%s needs a session' % path)


def deletion_and_links(stack, post):
    ben = person(stack, post, 'ben', 'ben@home.example',
                 emails=['ben@backup.example'], phones=['+4930654321'])
    post.deliver()

    with tap.story('Ben asks to delete his account: it waits, and every '
                   'page shows it'):
        r = ben.get('/account/delete')
        tap.is_(r.status, 200, 'the form opens')
        r = ben.post('/account/delete', proof(ben))
        tap.is_(r.status, 303, 'with his password, the deletion is asked')
        due = delete_at(stack, 'ben')
        tap.ok(due and abs(due - (time.time() + 3600)) < 120,
               'it takes effect after reset_delay (an hour here)')
        for path in ('/account', '/contacts', '/account/delete'):
            r = ben.get(path)
            tap.ok('id="pending-delete"' in r.text,
                   '%s shows the pending-deletion banner' % path)
        tap.ok(element_text(ben.get('/account/delete'), 'delete-status'),
               'the delete page says when')
        tap.ok(password_works(stack, 'ben', OLD),
               'meanwhile he can still log in')

    with tap.story('Every channel gets a link that cancels it, which works '
                   'without a session'):
        mails, sms = post.deliver()
        links = {}
        for who, items in (('ben@home.example', mails),
                           ('ben@backup.example', mails),
                           ('+4930654321', sms)):
            got = [l for m in Deliveries.to(items, who) for l in
                   links_in(stack, m, '/account/delete/cancel?t=')]
            tap.is_(len(got), 1, '%s got a cancel link' % who)
            links[who] = got[0] if got else None
        stranger = stack.client()
        link = links['ben@backup.example']
        r = stranger.get(stack.path_of(link))
        tap.is_(r.status, 200, 'the link opens a page in a logged-out '
                'browser')
        tap.ok(delete_at(stack, 'ben'), 'opening it cancels nothing (R7)')
        r = stranger.post('/account/delete/cancel', {'t': token_of(link)})
        tap.is_(r.status, 200, 'its button cancels the deletion')
        tap.like(r.text, r'(?i)will not be deleted', 'and its answer says so')
        tap.is_(delete_at(stack, 'ben'), 0, 'nothing is pending any more')
        tap.ok('id="pending-delete"' not in ben.get('/account').text,
               'the banner is gone')
        r = stranger.post('/account/delete/cancel',
                          {'t': token_of(links['ben@home.example'])})
        tap.is_(r.status, 422, 'the other links are spent with it')
        mails, sms = post.deliver()
        tap.ok(any('cancelled' in t for t in
                   texts_to(mails, 'ben@home.example')),
               'every channel hears it was cancelled')
        tap.ok(events_of(stack, 'ben', 'delete_cancelled'), 'an event says '
               'so')

    cleo = person(stack, post, 'cleo', 'cleo@home.example',
                  emails=['cleo@backup.example'])
    with tap.story('Cleo cancels from the banner: it needs her password'):
        cleo.post('/account/delete', proof(cleo))
        post.deliver()
        r = cleo.post('/account/delete/cancel', {})
        tap.is_(r.status, 422, 'the banner\'s button alone does not cancel '
                '(R8)')
        tap.ok(delete_at(stack, 'cleo'), 'the deletion still waits')
        r = cleo.post('/account/delete/cancel', {'password': 'wrong one'})
        tap.is_(r.status, 422, 'nor does a wrong password')
        r = cleo.post('/account/delete/cancel', {'password': OLD})
        tap.is_(r.status, 303, 'her password does')
        tap.is_(delete_at(stack, 'cleo'), 0, 'the deletion is cancelled')


def data_of(stack, username):
    """Rows the account owns, table by table, found by its id."""
    aid = stack.sql('SELECT id FROM accounts WHERE username = ?', username)
    aid = aid[0][0] if aid else None
    out = {}
    for t in ('accounts', 'contacts', 'codes', 'sessions', 'links',
              'resets', 'domains', 'devices', 'events', 'recovery_views'):
        col = 'id' if t == 'accounts' else 'account_id'
        out[t] = stack.sql('SELECT count(*) FROM %s WHERE %s = ?' % (t, col),
                           aid)[0][0] if aid is not None else 0
    return aid, out


def deletion_applied(stack, post):
    dan = person(stack, post, 'dan', 'dan@home.example',
                 emails=['dan@backup.example'])
    with tap.story('Dan\'s deletion takes effect when the mailer finds its '
                   'time up, and nothing of him is left'):
        dan.post('/account/delete', proof(dan))
        post.deliver()
        aid, before = data_of(stack, 'dan')
        tap.ok(before['contacts'] and before['sessions'] and
               before['events'], 'before, he has contacts, sessions, '
               'events')
        post.deliver()
        tap.is_(data_of(stack, 'dan')[1]['accounts'], 1,
                'a mailer pass before the deadline deletes nothing')
        db_write(stack, 'UPDATE accounts SET delete_at = ? WHERE id = ?',
                 int(time.time()) - 1, aid)
        mails, sms = post.deliver()
        left = {t: n for t, n in data_of(stack, 'dan')[1].items() if n}
        tap.is_(left, {}, 'after it, no row of his is left')
        tap.is_(stack.sql('SELECT count(*) FROM events WHERE account_id = ?',
                          aid), [(0,)], 'not even his events')
        tap.ok(not logged_in(dan), 'his session is gone')
        c, r = try_login(stack, 'dan', OLD)
        tap.is_(r.status, 422, 'and logging in fails as for a name nobody '
                'has')
        for who in ('dan@home.example', 'dan@backup.example'):
            tap.ok(any('deleted' in t for t in texts_to(mails, who)),
                   '%s is told it was deleted' % who)

    eve = person(stack, post, 'eve', 'eve@home.example')
    with tap.story('Eve\'s takes effect at her next login, mailer or not'):
        eve.post('/account/delete', proof(eve))
        db_write(stack, "UPDATE accounts SET delete_at = ? WHERE username = "
                 "'eve'", int(time.time()) - 1)
        c, r = try_login(stack, 'eve', OLD)
        tap.is_(r.status, 422, 'the login after the deadline fails')
        tap.is_(stack.sql("SELECT count(*) FROM accounts WHERE username = "
                          "'eve'"), [(0,)], 'the account is gone')
        c = stack.client()
        c.get('/signup')
        r = c.post('/signup', {'username': 'eve2', 'email':
                               'eve@home.example', 'password': NEW})
        tap.is_(r.status, 303, 'her address is free again')
        post.deliver()
        # Her name is not: the hoster's services know people by it
        # (attacks_round3.py story 27).
        r = c.post('/signup', {'username': 'eve', 'email':
                               'eve@elsewhere.example', 'password': NEW})
        tap.is_(r.status, 422, 'her name stays taken')


# A browser name with everything JSON must escape, and more.
AGENT = 'Fay\'s "odd" browser \\ tab\tsnowman \u2603 \u00e9'


def export(stack, post):
    fay = person(stack, post, 'fay', 'fay@home.example',
                 emails=['fay@backup.example'])
    code = make_recovery_code(fay)
    post.deliver()
    odd = stack.client()
    odd.user_agent = AGENT.encode('utf-8')
    odd.get('/login')
    odd.post('/login', {'username': 'fay', 'password': OLD})

    with tap.story('Fay downloads her data as JSON, and it holds no '
                   'secret'):
        r = fay.get('/account/export')
        tap.is_(r.status, 200, 'the export form opens')
        r = fay.post('/account/export', proof(fay))
        tap.is_(r.status, 200, 'with her password, the data comes')
        tap.is_(r.headers.get('Content-Type'),
                'application/json; charset=utf-8', 'as JSON in UTF-8')
        tap.like(r.headers.get('Content-Disposition', ''),
                 r'^attachment; filename="[^"/\\]+\.json"$',
                 'to be saved as a file')
        try:
            data = json.loads(r.body.decode('utf-8'))
        except ValueError as e:
            data = {}
            tap.ok(False, 'the JSON parses (%s)' % e)
        tap.is_(data.get('account', {}).get('username'), 'fay',
                'it names her account')
        tap.is_(sorted(c['value'] for c in data.get('contacts', [])),
                ['fay@backup.example'], 'it lists her contacts')
        agents = [s['user_agent'] for s in data.get('sessions', [])]
        tap.ok(AGENT in agents, 'her odd browser name comes back exactly')
        tap.is_(sum(1 for s in data.get('sessions', [])
                    if s['this_session']), 1, 'this session is marked')
        kinds = [e['kind'] for e in data.get('events', [])]
        tap.ok('signup' in kinds and 'account_exported' in kinds,
               'its events, the export itself included')
        (pw_hash,) = stack.sql("SELECT pw_hash FROM accounts WHERE "
                               "username = 'fay'")[0]
        text = r.body.decode('utf-8')
        for what, secret in (('password hash', pw_hash),
                             ('password', OLD), ('recovery code', code),
                             ('argon2 prefix', '$argon2')):
            tap.ok(secret and secret not in text, 'no %s in it' % what)
        tap.unlike(text, r'(?i)"[a-z_]*(hash|secret|token|challenge)"',
                   'no field that could hold one')

    with tap.story('A wrong password exports nothing'):
        fay.get('/account/export')
        r = fay.post('/account/export', {'password': 'wrong password'})
        tap.is_(r.status, 422, '422')
        tap.ok(r.is_html, 'the form again, not data')


def overview(stack, post):
    gus = person(stack, post, 'gus', 'gus@home.example', established=False)
    with tap.story('Gus\'s overview says how he would get back in, and the '
                   'one next step'):
        r = gus.get('/account')
        tap.is_(element_text(r, 'overview-contacts').split()[0], '1',
                'one verified address')
        tap.like(element_text(r, 'overview-2fa'), r'off', '2FA off')
        tap.like(element_text(r, 'next-step'), r'(?i)second recovery '
                 'address', 'the next step: a second address')
        tap.ok(any(l.endswith('/contacts') for l in gus.links(r)),
               'linking to the page that does it')
        tap.like(element_text(r, 'overview-last-login'), r'none',
                 'no login before this one')
        post.deliver()
        add_verified_contact(stack, post, gus, 'gus', 'email',
                             'gus@backup.example')
        r = gus.get('/account')
        tap.is_(element_text(r, 'overview-contacts').split()[0], '2',
                'now two')
        tap.like(element_text(r, 'next-step'), r'(?i)recovery code',
                 'the next step: a recovery code')
        tap.ok(any(l.endswith('/contacts/recovery-code') for l in
                   gus.links(r)), 'linking to it')
        make_recovery_code(gus)
        tap.like(element_text(gus.get('/account'), 'next-step'),
                 r'(?i)two-step', 'then: two-step verification')
        again, _ = try_login(stack, 'gus', OLD)
        tap.like(element_text(again.get('/account'), 'overview-last-login'),
                 r'\d{4} at \d{2}:\d{2} UTC', 'a new login shows when the '
                 'last one was, in UTC')


def phished_password(stack, post):
    hal = person(stack, post, 'hal', 'hal@home.example',
                 emails=['hal@work.example'])
    post.deliver()
    with tap.story('A phished password, changed at once, cannot stop the '
                   'owner\'s reset'):
        thief, r = try_login(stack, 'hal', OLD)
        thief.password = OLD
        thief.get('/account/password')
        r = thief.post('/account/password', {'password': OLD,
                                             'new_password': NEW})
        tap.is_(r.status, 303, 'the thief changes the password')
        tap.ok(not logged_in(hal), 'Hal is logged out')
        post.deliver()
        ask_reset(hal, 'hal')
        mails, _sms = post.deliver()
        codes = [code_in(message_text(m)) for m in
                 Deliveries.to(mails, 'hal@work.example')]
        r = prove_reset(hal, 'hal', codes[-1:], 'my own again 77')
        tap.is_(r.status, 303, 'Hal resets from his old address')
        post.deliver()
        r = thief.get('/account')
        tap.ok('id="pending-reset"' in r.text,
               'the thief\'s session, older than the reset, sees the banner')
        r = thief.post('/reset/reject', {'password': NEW})
        tap.is_(r.status, 403, 'but the password changed an hour ago '
                'cannot stop it (R9)')
        tap.like(' '.join(thief.errors(r)), r'(?i)changed recently',
                 'the page says why')
        tap.is_(stack.sql("SELECT state FROM resets r JOIN accounts a ON "
                          "a.id = r.account_id WHERE a.username = 'hal' "
                          "ORDER BY r.id DESC LIMIT 1"), [('pending',)],
                'Hal\'s reset still waits')
        db_write(stack, "UPDATE resets SET deadline = ? WHERE state = "
                 "'pending'", int(time.time()) - 1)
        post.deliver()
        tap.ok(password_works(stack, 'hal', 'my own again 77'),
               'and at its deadline Hal is back in')
        tap.ok(not logged_in(thief), 'the thief is out')


def main():
    with Stack(**CONF) as stack:
        post = Deliveries(stack)
        password_change(stack, post)
        borrowed_session(stack, post)
        deletion_and_links(stack, post)
        deletion_applied(stack, post)
        export(stack, post)
        overview(stack, post)
        phished_password(stack, post)
        every_response_checked(tap, stack)


tap.run(main)
