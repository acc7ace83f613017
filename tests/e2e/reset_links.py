#!/usr/bin/python3
"""
reset_links.py: the confirm and reject links of a pending password
change (R4, R7), end to end on the real stack.

Mail scanners open every link Nina gets: opening one shows a page with
a button and changes nothing.  Tokens that were altered, cut short,
used before, or have expired are refused; a token is good for its own
path only.  Oscar's links expire a day after his deadline and are kept
only as hashes.  Someone who sends Postern a forged Host header gets
no say in the links it mails, and a form posted without its CSRF token
does nothing at all.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (every_response_checked, SMS_CAPTURE, TOKEN, Deliveries,
                     Stack, Tap, code_in, db_write, forms_to, found_in_db,
                     from_ip, header_problems, message_text, only_message,
                     pending_notices, person, reset_states, token_of)

tap = Tap()

ADMIN = 'hoster@example.net'
CONF = dict(reset_delay='1h', sms_command=SMS_CAPTURE, admin_email=ADMIN,
            trusted_proxies='127.0.0.1')
BAD_CSRF = 'A' * 43
GRACE = 86400


def pending_reset(stack, post, who, ip, code_from, confirm_to, no_confirm_to,
                  phones, password, headers=None):
    """Ask for codes for who, prove the channel code_from and return the
    links of the notices ({channel: {'reject':, 'confirm':}})."""
    me = from_ip(stack.client(), ip)
    me.get('/reset', headers=headers)
    r = me.post('/reset', {'username': who}, headers=headers)
    if r.status != 303:
        raise RuntimeError('POST /reset answered %d' % r.status)
    mails, sms = post.deliver()
    m = only_message(tap, mails + sms, code_from)
    code = code_in(message_text(m)) if m else None
    me.get('/reset/prove?username=' + who, headers=headers)
    r = me.post('/reset/prove', [('username', who), ('code', code),
                                 ('password', password)], headers=headers)
    if r.status != 303:
        raise RuntimeError('POST /reset/prove answered %d: %s' % (
            r.status, me.errors(r)))
    mails, sms = post.deliver()
    return pending_notices(tap, stack, mails, sms, confirm_to=confirm_to,
                           no_confirm_to=no_confirm_to, phones=phones), \
        mails + sms


def altered(token):
    """The token with one character changed, still well-formed."""
    c = token[10]
    return token[:10] + ('B' if c != 'B' else 'C') + token[11:]


def page_form(client, resp, path):
    """The one POST form of a link page: its fields as a dict, or None."""
    f = forms_to(client, resp, path)
    if len(f) != 1:
        return None
    return f[0]


def nina_stories(stack, post):
    person(stack, post, 'nina', 'nina@home.example',
           emails=['nina@backup.example'], phones=['+49304444444'])
    links, _ = pending_reset(
        stack, post, 'nina', '198.51.100.140', '+49304444444',
        confirm_to=['nina@home.example', 'nina@backup.example'],
        no_confirm_to=[], phones=['+49304444444'],
        password='nina new password 1')
    confirm = links.get('nina@home.example', {}).get('confirm')
    reject = links.get('nina@backup.example', {}).get('reject')
    sms_reject = links.get('+49304444444', {}).get('reject')

    with tap.story('Opening either link, as a scanner would, shows a '
                   'button and changes nothing'):
        for link, path in ((confirm, '/reset/confirm'),
                           (reject, '/reset/reject'),
                           (sms_reject, '/reset/reject')):
            for attempt in (1, 2):
                scanner = stack.client()
                before = stack.db_snapshot()
                r = scanner.get(stack.path_of(link) if link else path)
                tap.is_(r.status, 200, 'GET %s?t=... answers 200 (%s time)'
                        % (path, 'first' if attempt == 1 else 'second'))
                tap.is_(stack.db_changes(before), [], 'and changed nothing')
            f = page_form(scanner, r, path)
            tap.ok(f is not None, 'the page has one form that POSTs to %s'
                   % path)
            if f:
                tap.is_(f['values'].get('t'), token_of(link), 'carrying the '
                        'token as t')
                tap.ok(f['buttons'], 'with a button')
            tap.like(scanner.text_of(r), r'(?i)password', 'the page says '
                     'what the button does')
            tap.like(scanner.text_of(r), r'\d{1,2}:\d{2}', 'and when the '
                     'change would take effect')
            tap.is_(header_problems(r), [], 'with the security headers')
        tap.is_(reset_states(stack, 'nina'), ['pending'], 'the change is '
                'still pending')

    with tap.story('Altered, malformed and misplaced tokens are refused'):
        c = stack.client()
        c.get('/reset')
        before = stack.db_snapshot()
        t = token_of(confirm) or 'A' * 43
        for path, token, status, why in (
                ('/reset/confirm', altered(t), 422, 'one character changed'),
                ('/reset/reject', altered(token_of(reject) or t), 422,
                 'one character changed'),
                ('/reset/reject', t, 422, 'a confirm token on the reject '
                 'path'),
                ('/reset/confirm', token_of(reject) or t, 422, 'a reject '
                 'token on the confirm path'),
                ('/reset/confirm', t[:20], 400, 'cut short'),
                ('/reset/confirm', t + 'A', 400, 'one character longer'),
                ('/reset/reject', 'abc', 400, 'three letters'),
                ('/reset/reject', t[:42] + '%', 400, 'a character outside '
                 'base64url')):
            r = c.get('%s?t=%s' % (path, token.replace('%', '%25')))
            tap.is_(r.status, status, 'GET %s, %s: %d' % (path, why, status))
            tap.ok(r.is_html and c.errors(r), 'an HTML page that says why '
                   'in .error')
            tap.is_(page_form(c, r, path), None, 'and has no button')
            c.get('/reset')
            r = c.post(path, {'t': token})
            tap.is_(r.status, status, 'POST %s, %s: %d' % (path, why,
                                                          status))
        c.get('/reset')
        r = c.post('/reset/reject', [('t', token_of(reject) or t),
                                     ('t', token_of(reject) or t)])
        tap.is_(r.status, 400, 'POST /reset/reject with t twice: 400')
        tap.is_([x for x in stack.db_changes(before)
                 if not x.startswith('+ events')], [], 'none of them '
                'changed anything')
        tap.is_(reset_states(stack, 'nina'), ['pending'], 'the change is '
                'still pending')

    with tap.story('Without the CSRF token nothing happens'):
        c = stack.client()
        c.get(stack.path_of(reject) if reject else '/reset/reject')
        before = stack.db_snapshot()
        for fields, headers, why in (
                ({'t': token_of(reject)}, None, 'no csrf'),
                ({'t': token_of(reject), 'csrf': BAD_CSRF}, None,
                 'a wrong csrf'),
                ({'t': token_of(reject)},
                 {'Sec-Fetch-Site': 'cross-site'}, 'the right csrf but '
                 'sent from another site')):
            r = c.post('/reset/reject', fields, csrf=(why != 'no csrf'),
                       headers=headers)
            tap.is_(r.status, 403, 'POST /reset/reject with %s: 403' % why)
            tap.ok(r.is_html, 'an HTML page')
        c.get(stack.path_of(confirm) if confirm else '/reset/confirm')
        r = c.post('/reset/confirm', {'t': token_of(confirm)}, csrf=False)
        tap.is_(r.status, 403, 'POST /reset/confirm with no csrf: 403')
        r = c.post('/reset/confirm', {'t': token_of(confirm),
                                      'csrf': BAD_CSRF})
        tap.is_(r.status, 403, 'with a wrong csrf: 403')
        tap.is_(stack.db_changes(before), [], 'nothing changed')
        tap.is_(reset_states(stack, 'nina'), ['pending'], 'the change is '
                'still pending')

    with tap.story('A link works once'):
        c = stack.client()
        c.get(stack.path_of(reject))
        r = c.post('/reset/reject', {'t': token_of(reject)})
        tap.is_(r.status, 303, 'the reject link, pressed: 303')
        tap.is_(reset_states(stack, 'nina'), ['rejected'], 'the change is '
                'rejected')
        c.get('/reset')
        before = stack.db_snapshot()
        r = c.post('/reset/reject', {'t': token_of(reject)})
        tap.is_(r.status, 422, 'pressed again: 422')
        tap.ok(c.errors(r), 'with the reason in .error')
        r = c.get(stack.path_of(reject))
        tap.is_(r.status, 422, 'opened again: 422')
        for link, path in ((sms_reject, '/reset/reject'),
                           (confirm, '/reset/confirm')):
            r = c.get(stack.path_of(link))
            tap.is_(r.status, 422, 'another link of the same change, '
                    'opened: 422')
            c.get('/reset')
            r = c.post(path, {'t': token_of(link)})
            tap.is_(r.status, 422, 'pressed: 422')
        tap.is_([x for x in stack.db_changes(before)
                 if not x.startswith('+ events')], [], 'none of them '
                'changed anything')
        post.deliver()


def oscar_stories(stack, post):
    person(stack, post, 'oscar', 'oscar@home.example',
           emails=['oscar@backup.example'])
    links, messages = pending_reset(
        stack, post, 'oscar', '198.51.100.150', 'oscar@home.example',
        confirm_to=['oscar@backup.example'],
        no_confirm_to=['oscar@home.example'], phones=[],
        password='oscar new password 2')
    confirm = links.get('oscar@backup.example', {}).get('confirm')
    reject = links.get('oscar@home.example', {}).get('reject')

    with tap.story('Tokens are stored hashed and expire a day after the '
                   'deadline'):
        rows = stack.sql("SELECT l.kind, typeof(l.token_hash), "
                         "length(l.token_hash), l.expires_at, l.used_at "
                         "FROM links l JOIN accounts a ON a.id = "
                         "l.account_id WHERE a.username = 'oscar' AND "
                         "l.kind LIKE 'reset%' ORDER BY l.kind")
        deadline = stack.sql("SELECT r.deadline FROM resets r JOIN accounts "
                             "a ON a.id = r.account_id WHERE a.username = "
                             "'oscar' AND r.state = 'pending'")
        deadline = deadline[0][0] if deadline else 0
        tap.is_(sorted(k for k, *_ in rows),
                ['reset_confirm', 'reset_reject', 'reset_reject'],
                'one confirm and two reject links are kept')
        tap.ok(all(t == 'blob' and n == 32 for _k, t, n, _e, _u in rows),
               'each as a 32-byte hash', rows)
        tap.ok(rows and all(abs(e - (deadline + GRACE)) <= 5
                            for _k, _t, _n, e, _u in rows),
               'each expires a day after the deadline', (deadline, rows))
        snap = stack.db_snapshot()
        for link in (confirm, reject):
            tok = token_of(link) or 'none'
            tap.like(tok, '^' + TOKEN + '$', 'the token is 43 base64url '
                     'characters')
            tap.is_(found_in_db(snap, tok), [], 'and is nowhere in the '
                    'database once the mail is delivered')

    with tap.story('An expired link is refused'):
        db_write(stack, "UPDATE links SET expires_at = ? WHERE kind LIKE "
                 "'reset%' AND account_id = (SELECT id FROM accounts WHERE "
                 "username = 'oscar')", int(time.time()) - 1)
        c = stack.client()
        before = stack.db_snapshot()
        for link, path in ((confirm, '/reset/confirm'),
                           (reject, '/reset/reject')):
            r = c.get(stack.path_of(link))
            tap.is_(r.status, 422, 'GET %s of an expired link: 422' % path)
            tap.ok(c.errors(r), 'with the reason in .error')
            c.get('/reset')
            r = c.post(path, {'t': token_of(link)})
            tap.is_(r.status, 422, 'POST: 422')
        tap.is_([x for x in stack.db_changes(before)
                 if not x.startswith('+ events')], [], 'nothing changed')
        tap.is_(reset_states(stack, 'oscar'), ['pending'], 'the change is '
                'still pending')
        post.deliver()


def host_header(stack, post):
    person(stack, post, 'pat', 'pat@home.example',
           emails=['pat@backup.example'])

    with tap.story('A forged Host header does not change the mailed '
                   'links'):
        evil = {'Host': 'evil.example'}
        links, messages = pending_reset(
            stack, post, 'pat', '198.51.100.160', 'pat@home.example',
            confirm_to=['pat@backup.example'],
            no_confirm_to=['pat@home.example'], phones=[],
            password='pat new password 3', headers=evil)
        tap.ok(links and all(x.startswith(stack.base_url + '/reset/')
                             for ls in links.values() for x in ls.values()
                             if x), 'every link starts with base_url',
               links)
        tap.ok(messages and not any('evil.example' in message_text(m)
                                    for m in messages),
               'no message names evil.example')

    with tap.story('Forms that ask for codes need their CSRF token too'):
        c = from_ip(stack.client(), '198.51.100.161')
        c.get('/reset')
        before = stack.db_snapshot()
        r = c.post('/reset', {'username': 'pat'}, csrf=False)
        tap.is_(r.status, 403, 'POST /reset without csrf: 403')
        r = c.post('/reset', {'username': 'pat', 'csrf': BAD_CSRF})
        tap.is_(r.status, 403, 'with a wrong csrf: 403')
        c.get('/reset/prove?username=pat')
        r = c.post('/reset/prove', [('username', 'pat'),
                                    ('code', '12345678'),
                                    ('password', 'pat new password 4')],
                   csrf=False)
        tap.is_(r.status, 403, 'POST /reset/prove without csrf: 403')
        tap.is_(stack.db_changes(before), [], 'nothing changed: no code '
                'sent, no try counted')
        post.deliver()


def main():
    with Stack(**CONF) as stack:
        post = Deliveries(stack)
        for part in (nina_stories, oscar_stories, host_header):
            try:
                part(stack, post)
            except Exception:
                tap.fail_with_exception(part.__name__)
        every_response_checked(tap, stack)


tap.run(main)
