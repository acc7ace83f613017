#!/usr/bin/python3
"""
activity.py: /account/activity end to end on the real stack: the
account's security events, newest first with time and address, and its
open sessions, each of which the owner can end.

Frank logs in on two browsers, someone tries his password, and he adds
and removes a recovery address: his activity page tells that story,
newest first, in words.  He ends the session of his other browser,
which is then locked out; he cannot reach Gina's sessions, and Gina
sees none of his events.  Typing his password again, he ends every
other session at once; wrong passwords there count against his login
limit.  Why each event happened (a lock of this browser's count, a
reset stopped by the hoster...) reads in words, never as the name the
database stores.
"""

import hashlib
import html
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (every_response_checked, stable_changes as changes,
                     stable_snapshot as snapshot, Stack, Tap, blocks,
                     db_write, events_of, forms_to, proof, session_row)

tap = Tap()

BAD_CSRF = 'A' * 43
WHEN = r'\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|\b\d{1,2} [A-Z][a-z]{2}|' \
       r'(?i:ago|today|just now)'

# How a person reads the kinds of events this test causes.
ADDED = r'(?i)(contact|recovery|address).{0,40}\badded\b|\badded\b.{0,40}' \
        r'(contact|recovery|address)'
REMOVED = r'(?i)(contact|recovery|address).{0,40}\bremoved\b|\bremoved\b' \
          r'.{0,40}(contact|recovery|address)'
FAILED = r'(?i)fail(ed)?.{0,20}(log ?in|sign ?in)|(log ?in|sign ?in)' \
         r'.{0,20}fail|wrong password'
LOGIN = r'(?i)\b(logged in|log ?in|signed in|sign ?in)\b'


def event_rows(client, resp):
    """The texts of the rows (tr or li) of the page that read like one
    of the events this test causes, in page order."""
    out = []
    for _tag, text in blocks(resp, ('tr', 'li')):
        if any(re.search(rx, text) for rx in (ADDED, REMOVED, FAILED,
                                               LOGIN)):
            out.append(text)
    return out


# Each cause an event may name (enum event_why, lib/event.h), with a
# kind the code records it with.
CAUSES = (('login_locked', 'this_browser'), ('totp_locked', 'strangers'),
          ('login_locked', 'every_browser'),
          ('login', 'twofa'), ('reset_rejected', 'hoster_lock'),
          ('delete_cancelled', 'hoster_disable'),
          ('reset_rejected', 'hoster_cancel'),
          ('reset_rejected', 'owner_password'),
          ('twofa_disabled', 'reset_without_totp'),
          ('delete_cancelled', 'link'), ('delete_cancelled', 'email_revert'),
          ('reset_applied', 'confirmed'), ('reset_applied', 'deadline'))


def details(resp, kind):
    """The Detail cells of the page's rows of events of kind, as text,
    newest first."""
    out = []
    for row in re.findall(r'<tr class="event" data-kind="%s">(.*?)</tr>'
                          % kind, resp.text, re.S):
        cells = re.findall(r'<td>(.*?)</td>', row, re.S)
        out.append(html.unescape(re.sub(r'<[^>]*>', '', cells[-1]))
                   if cells else None)
    return out


def add_event(stack, username, kind, detail):
    """An event as a version of postern stored it."""
    db_write(stack, 'INSERT INTO events (account_id, seq, at, kind, ip, '
             'detail) SELECT a.id, (SELECT coalesce(max(seq), 0) + 1 FROM '
             'events WHERE account_id = a.id), ?, ?, \'127.0.0.1\', ? FROM '
             'accounts a WHERE a.username = ?', int(time.time()), kind,
             detail, username)


def first(rows, regex, unless=None):
    for i, t in enumerate(rows):
        if re.search(regex, t) and not (unless and re.search(unless, t)):
            return i
    return None


def session_ids(client, resp):
    return sorted(f['values']['session'] for f in
                  forms_to(client, resp, '/account/activity')
                  if 'session' in f['values'])


def end_others_form(client, resp):
    """The form that ends every other session, or None."""
    got = [f for f in forms_to(client, resp, '/account/activity')
           if 'others' in f['values']]
    return got[0] if got else None


def db_session_ids(stack, username):
    return sorted(str(r[0]) for r in stack.sql(
        'SELECT s.id FROM sessions s JOIN accounts a ON a.id = s.account_id '
        'WHERE a.username = ?', username))


def login(stack, username):
    c = stack.client()
    c.get('/login')
    r = c.post('/login', {'username': username,
                          'password': 'correct horse battery 7'})
    if r.status != 303:
        raise RuntimeError('login of %s answered %d' % (username, r.status))
    return c


FIREFOX_LINUX = ('Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 '
                 'Firefox/133.0')


def main():
    with Stack() as stack:
        frank = stack.new_user('frank', 'frank@home.example')
        laptop = stack.client()
        laptop.user_agent = FIREFOX_LINUX
        laptop.get('/login')
        if laptop.post('/login', {'username': 'frank', 'password':
                                  'correct horse battery 7'}).status != 303:
            raise RuntimeError('the laptop\'s login failed')
        gina = stack.new_user('gina', 'gina@home.example')

        with tap.story('Frank\'s activity tells what happened, newest '
                       'first'):
            stranger = stack.client()
            stranger.get('/login')
            r = stranger.post('/login', {'username': 'frank',
                                         'password': 'not his password 1'})
            tap.is_(r.status, 422, 'someone tries a wrong password')
            frank.get('/contacts')
            r = frank.post('/contacts', proof(frank, {
                'kind': 'email', 'value': 'frank@spare.example'}))
            tap.is_(r.status, 303, 'Frank adds a recovery address')
            cid = stack.sql("SELECT id FROM contacts WHERE value = "
                            "'frank@spare.example'")
            r = frank.post('/contacts/remove', proof(frank, {
                'id': cid[0][0] if cid else 0}))
            tap.is_(r.status, 303, 'and removes it again')
            tap.ok(events_of(stack, 'frank', 'contact_added') and
                   events_of(stack, 'frank', 'contact_removed'),
                   '(the events are in the database)')

            r = frank.get('/account/activity')
            tap.is_(r.status, 200, 'GET /account/activity answers 200')
            rows = event_rows(frank, r)
            removed = first(rows, REMOVED)
            added = first(rows, ADDED)
            failed = first(rows, FAILED)
            logged_in = first(rows, LOGIN, unless=r'(?i)fail|wrong|out\b')
            tap.ok(removed is not None, 'the removal is listed', rows)
            tap.ok(added is not None, 'the addition is listed')
            tap.ok(failed is not None, 'the failed login is listed')
            tap.ok(logged_in is not None, 'a login is listed')
            tap.ok(None not in (removed, added, failed, logged_in) and
                   removed < added < failed < logged_in,
                   'newest first: removed, added, failed login, login',
                   rows)
            for i, what in ((removed, 'removal'), (failed, 'failed login')):
                if i is not None:
                    tap.like(rows[i], WHEN, 'the %s shows when' % what)
                    tap.like(rows[i], r'127\.0\.0\.1', 'and from where')
            text = frank.text_of(r)
            tap.unlike(text, r'\b(contact_added|contact_removed|'
                       r'login_failed)\b', 'the kinds read as words, not '
                       'as codes')

        with tap.story('Gina sees none of it'):
            r = gina.get('/account/activity')
            tap.is_(r.status, 200, 'Gina opens her activity page')
            rows = event_rows(gina, r)
            tap.is_([t for t in rows if re.search(ADDED, t) or
                     re.search(REMOVED, t) or re.search(FAILED, t)], [],
                    'Frank\'s events are not on her page')
            tap.ok(first(rows, LOGIN, unless=r'(?i)fail') is not None,
                   'her own login is', rows)
            tap.is_(session_ids(gina, r), db_session_ids(stack, 'gina'),
                    'and only her own session')

        with tap.story('Frank\'s open sessions, each with a button to end '
                       'it'):
            r = frank.get('/account/activity')
            tap.is_(session_ids(frank, r), db_session_ids(stack, 'frank'),
                    'every session of his has a form carrying its id')
            tap.is_(len(session_ids(frank, r)), 2, 'two of them: this '
                    'browser and the laptop')
            lap = session_row(stack, laptop)
            tap.ok(lap and str(lap['id']) in session_ids(frank, r),
                   'the laptop\'s session is among them')
            sessions = [t for tag, t in blocks(r, ('li',))
                        if 'started' in t.lower()]
            tap.like(sessions[0] if sessions else '', r'(?i)this browser',
                     'this browser\'s session is listed first')
            tap.ok(any(re.search(r'Firefox on Linux', t) for t in sessions),
                   'the laptop reads as "Firefox on Linux", not as its '
                   'raw user agent alone', sessions)
            tap.ok(any(re.search(r'Unknown browser', t) for t in
                       sessions[:1]), 'the test client, which names no '
                   'browser, is an unknown one', sessions[:1])

        with tap.story('Malformed and foreign session ids change nothing'):
            g = session_row(stack, gina)
            for fields, status, why in (
                    ({'session': 'abc'}, 400, 'letters'),
                    ({'session': '-1'}, 400, 'a negative id'),
                    ({'session': '1.5'}, 400, 'a fraction'),
                    ({'session': ''}, 400, 'an empty id'),
                    ({}, 400, 'no id'),
                    ([('session', str(lap['id'])),
                      ('session', str(lap['id']))], 400, 'a repeated id'),
                    ({'session': g['id']}, 404, 'Gina\'s session'),
                    ({'session': 999999}, 404, 'an id nobody has')):
                before = snapshot(stack)
                r = frank.post('/account/activity', fields)
                tap.is_(r.status, status, '%s: %d' % (why, status))
                tap.ok(r.is_html, 'as an HTML page')
                tap.is_(changes(stack, before), [], 'nothing changed')
            tap.is_(gina.get('/account').status, 200, 'Gina is still '
                    'logged in')
            tap.is_(laptop.get('/account').status, 200, 'and so is Frank\'s '
                    'laptop')

        with tap.story('Ending a session needs the CSRF token'):
            frank.get('/account/activity')
            for fields, how in (({'session': lap['id']}, 'without a token'),
                                ({'session': lap['id'], 'csrf': BAD_CSRF},
                                 'with a wrong token')):
                before = snapshot(stack)
                r = frank.post('/account/activity', fields, csrf=False)
                tap.is_(r.status, 403, 'POST /account/activity %s: 403'
                        % how)
                tap.is_(changes(stack, before), [], 'nothing changed')
            r = frank.post('/account/activity', {'session': lap['id']},
                           headers={'Sec-Fetch-Site': 'cross-site'})
            tap.is_(r.status, 403, 'a cross-site POST with the token: 403')
            tap.is_(laptop.get('/account').status, 200, 'the laptop is still '
                    'logged in')

        with tap.story('Frank ends the laptop\'s session, with his '
                       'password (R8)'):
            frank.get('/account/activity')
            before = snapshot(stack)
            r = frank.post('/account/activity', {'session': lap['id']})
            tap.is_(r.status, 422, 'the button alone answers 422')
            tap.like(' '.join(frank.errors(r)), r'password',
                     'asking for his password')
            form = [f for f in forms_to(frank, r, '/account/activity')
                    if 'password' in f['values'] and
                    f['values'].get('session') == str(lap['id'])]
            tap.ok(form, 'in a form for that session')
            tap.is_(changes(stack, before), [], 'nothing changed')
            tap.is_(laptop.get('/account').status, 200, 'the laptop is '
                    'still in')
            r = frank.post('/account/activity',
                           {'session': lap['id'],
                            'password': 'correct horse battery 7'})
            tap.is_(r.status, 303, 'ending it answers 303')
            tap.like(r.location, r'/account/activity$', 'back to '
                     '/account/activity')
            tap.is_(laptop.get('/account').status, 403, 'the laptop\'s '
                    'cookie now gets 403')
            tap.is_(frank.get('/account').status, 200, 'Frank\'s own '
                    'session goes on')
            r = frank.get('/account/activity')
            tap.is_(len(session_ids(frank, r)), 1, 'one session is left on '
                    'the page')
            tap.ok(str(lap['id']) not in session_ids(frank, r),
                   'the laptop\'s is gone')
            before = snapshot(stack)
            r = frank.post('/account/activity', {'session': lap['id']})
            tap.is_(r.status, 404, 'ending it again: 404')
            tap.is_(changes(stack, before), [], 'nothing changed')

        with tap.story('Frank ends every other session, after typing his '
                       'password again'):
            phone, tablet = login(stack, 'frank'), login(stack, 'frank')
            r = frank.get('/account/activity')
            form = end_others_form(frank, r)
            tap.ok(form is not None and 'password' in form['values'],
                   'the page offers it, with a password field', form)
            before = snapshot(stack)
            r = frank.post('/account/activity', {'others': '1',
                                                 'password': 'not my pw 1'})
            tap.is_(r.status, 422, 'a wrong password: 422')
            tap.like(' '.join(frank.errors(r)), r'not right',
                     'the page says so')
            tap.is_((phone.get('/account').status,
                     tablet.get('/account').status), (200, 200),
                    'and no session ended')
            tap.ok(all('rate_limits (\'login-device:' in c or
                       'rate_limits (\'login-ceiling:' in c or
                       (c.startswith('+ events') and 'password_failed' in c)
                       for c in changes(stack, before)),
                   'only the failure was counted and recorded',
                   changes(stack, before))
            r = frank.post('/account/activity',
                           {'others': '1',
                            'password': 'correct horse battery 7'})
            tap.is_(r.status, 303, 'with his password: 303')
            tap.is_((phone.get('/account').status,
                     tablet.get('/account').status), (403, 403),
                    'the phone and the tablet are logged out')
            tap.is_(frank.get('/account').status, 200, 'his own session '
                    'goes on')
            r = frank.get('/account/activity')
            tap.is_(db_session_ids(stack, 'frank'), session_ids(frank, r),
                    'one session is left, his own')
            tap.is_(len(session_ids(frank, r)), 1, 'just one')
            tap.is_(end_others_form(frank, r), None, 'so the form is gone')
            tap.is_([e[0] for e in events_of(stack, 'frank')][-2:],
                    ['password_failed', 'sessions_ended'],
                    'both are on his activity record')
            tap.like(r.text, r'Every other session ended', 'and page')

        with tap.story('Wrong passwords there count against this '
                       'browser\'s login limit, not strangers\''):
            login(stack, 'frank')
            frank.get('/account/activity')
            # This browser's count: ending the other sessions gave it a
            # new cookie (device_forget), and so a count of its own.
            device = hashlib.blake2b(frank.cookie('postern-browser').encode(),
                                     digest_size=32).hexdigest()
            failed = stack.sql("SELECT coalesce(sum(count), 0) FROM "
                               "rate_limits WHERE key = 'login-device:' || "
                               "(SELECT id FROM accounts WHERE username = "
                               "'frank') || ':' || ?", device)[0][0]
            left = 10 - failed
            got = [frank.post('/account/activity',
                              {'others': '1', 'password': 'guess %d' % i})
                   .status for i in range(left)]
            tap.is_(got, [422] * left, 'with %d failures so far, %d more '
                    'wrong passwords get 422 each' % (failed, left))
            r = frank.post('/account/activity',
                           {'others': '1',
                            'password': 'correct horse battery 7'})
            tap.is_(r.status, 429, 'the tenth failure closed it: 429, '
                    'even for the right one')
            frank.get('/login')
            r = frank.post('/login', {'username': 'frank',
                                      'password': 'correct horse battery 7'})
            tap.is_(r.status, 429, 'and the login form in this browser '
                    'too: one limit')
            c = stack.client()
            c.get('/login')
            r = c.post('/login', {'username': 'frank',
                                  'password': 'correct horse battery 7'})
            tap.is_(r.status, 303, 'another browser still logs in: what '
                    'is typed in one browser never closes the door for '
                    'the others')

        with tap.story('Frank reads why each event happened in words'):
            r = frank.get('/account/activity')
            tap.is_(r.status, 200, 'Frank opens his activity page')
            got = details(r, 'login_locked')
            tap.ok(got and re.search(r'(?i)browser', got[0]) and
                   '_' not in got[0], 'the lock says, in words, that it '
                   'was this browser\'s', got)
            tap.ok(details(r, 'sessions_ended') and
                   re.search(r'(?i)sessions? ended: \d', details(
                       r, 'sessions_ended')[0]),
                   'the count of ended sessions says what it counts',
                   details(r, 'sessions_ended'))
            for kind, why in CAUSES:
                add_event(stack, 'frank', kind, why)
            r = frank.get('/account/activity')
            for kind in sorted(set(k for k, _ in CAUSES)):
                whys = [w for k, w in CAUSES if k == kind]
                got = details(r, kind)[:len(whys)][::-1]
                for why, words in zip(whys, got):
                    tap.ok(words and words != why and '_' not in words,
                           '%s (%s) reads in words: %r' % (kind, why, words))
                tap.ok(len(set(got)) == len(whys), 'each cause of %s reads '
                       'differently' % kind, got)
            add_event(stack, 'frank', 'reset_pending',
                      'email:0 phone:12 recovery-code:0')
            r = frank.get('/account/activity')
            got = details(r, 'reset_pending')[:1]
            tap.ok(got and got[0] and not re.search(r'[:_\d]|recovery-code',
                                                    got[0]),
                   'a reset\'s proofs read in words, without ids', got)
            add_event(stack, 'frank', 'reset_rejected',
                      'words a later version stored')
            r = frank.get('/account/activity')
            tap.is_(details(r, 'reset_rejected')[:1],
                    ['words a later version stored'],
                    'a cause this version does not know shows as it is')

        with tap.story('Without a session there is no activity page'):
            c = stack.client()
            r = c.get('/account/activity')
            tap.is_(r.status, 403, 'a visitor gets 403')
            tap.is_(laptop.get('/account/activity').status, 403,
                    'so does the ended session')

        every_response_checked(tap, stack)


tap.run(main)
