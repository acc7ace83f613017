"""
Steps that several tests' stories share: logging in, asking for and
proving a reset, adding a verified contact, a person with channels, what
the notices said, and the closing check of every response.
"""

import re
import urllib.parse

from .client import header_problems
from .db import age_account, contact_id_of
from .mail import (Deliveries, TOKEN, code_in, codes_in, links_in,
                   message_text, recipients_of)
from .page import forms_to
from .stack import crashes


def keeps_typed(tap, client, resp, story, kept):
    """The form on resp shows again the values in kept ({field: value}),
    but never a password."""
    for name, value in kept.items():
        tap.is_(client.form_values(resp).get(name), value,
                '%s: the form keeps the %s typed' % (story, name))
    tap.is_(client.form_values(resp).get('password', ''), '',
            '%s: but not the password' % story)


def from_ip(client, ip):
    """Make every request of client arrive as if from ip, through an
    X-Forwarded-For header (the stack needs trusted_proxies =
    127.0.0.1); per-IP limits then count each person apart.  Returns
    the client."""
    plain = client.request

    def request(method, path, body=None, headers=None):
        h = {'X-Forwarded-For': ip}
        h.update(headers or {})
        return plain(method, path, body=body, headers=h)
    client.request = request
    return client


def ask_reset(client, username):
    """Open /reset and ask for codes for username (as typed)."""
    client.get('/reset')
    return client.post('/reset', {'username': username})


def prove_reset(client, username, codes, password, fresh_page=True):
    """POST /reset/prove with username, one code field per code (in
    order) and the new password; the form is opened first (fresh_page)
    so the csrf token is the page's."""
    if fresh_page:
        client.get('/reset/prove?username=' +
                   urllib.parse.quote(username, safe=''))
    pairs = [('username', username)] + [('code', c) for c in codes] + \
        [('password', password)]
    return client.post('/reset/prove', pairs)


def try_login(stack, username, password, ip=None):
    """A new browser that logs in: (client, response).  303 to /account
    (or /login/2fa) when the password is right."""
    c = stack.client()
    if ip:
        from_ip(c, ip)
    c.get('/login')
    return c, c.post('/login', {'username': username, 'password': password})


def password_works(stack, username, password, ip=None):
    """The password is accepted at /login (a 303 to /account or
    /login/2fa)."""
    _c, r = try_login(stack, username, password, ip)
    return r.status == 303 and (stack.path_of(r.location) or '') in (
        '/account', '/login/2fa')


def proof(client, fields=None):
    """fields (a dict) with the proof R8 asks for with every change to
    the ways into an account: the client's password, and a code from its
    authenticator when it has turned 2FA on."""
    out = dict(fields or {})
    out['password'] = client.password
    if client.auth is not None:
        out['code'] = client.auth.next()
    return out


def add_verified_contact(stack, post, client, username, kind, value):
    """Add a recovery contact through /contacts and verify it with the
    code it gets (value: an address, or a number in E.164); post is a
    Deliveries."""
    client.get('/contacts')
    r = client.post('/contacts', proof(client, {'kind': kind,
                                                 'value': value}))
    if r.status != 303:
        raise RuntimeError('adding %s answered %d: %s' % (
            value, r.status, client.errors(r)))
    mails, sms = post.deliver()
    got = Deliveries.to(sms if kind == 'phone' else mails, value)
    code = code_in(message_text(got[-1])) if got else None
    r = client.post('/contacts/verify', {
        'id': contact_id_of(stack, username, value), 'code': code})
    if r.status != 303:
        raise RuntimeError('verifying %s answered %d: %s' % (
            value, r.status, client.errors(r)))
    post.deliver()


def person(stack, post, username, primary, emails=(), phones=(),
           established=True):
    """A verified account, logged in, with verified recovery addresses
    and phones (E.164); everything sent so far delivered.  An
    established one (the default) has had them for two days, so each
    can prove a reset (R9)."""
    c = stack.new_user(username, primary)
    post.deliver()
    for e in emails:
        add_verified_contact(stack, post, c, username, 'email', e)
    for p in phones:
        add_verified_contact(stack, post, c, username, 'phone', p)
    if established:
        age_account(stack, username)
    return c


def only_message(tap, items, who):
    """The one message (Mail or SMS dict) to who among items, or None
    with a diagnostic when there are none or several."""
    got = Deliveries.to(items, who)
    if len(got) != 1:
        tap.diag('%d messages to %s: %r' % (len(got), who, got))
        return None
    return got[0]


def reset_codes_sent(tap, mails, sms, channels):
    """Each channel got exactly one message with one 8-digit code alone
    on its line, and nobody else got one; the codes by channel."""
    out = {}
    tap.is_(recipients_of(mails, sms), sorted(channels),
            'one message to each verified channel, and to nobody else')
    for who in channels:
        m = only_message(tap, mails + sms, who)
        codes = codes_in(m['text'] if isinstance(m, dict) else m.body) \
            if m else []
        tap.is_(len(codes), 1, '%s gets one 8-digit code alone on its '
                'line' % who)
        out[who] = codes[0] if codes else None
    tap.is_(len(set(out.values())), len(channels), 'every channel got its '
            'own code')
    return out


def pending_notices(tap, stack, mails, sms, confirm_to=(), no_confirm_to=(),
                    phones=()):
    """The notices of a pending reset (R4): every channel once, a reject
    link alone on a line in each, a confirm link only to the addresses
    of confirm_to.  Returns {who: {'reject': link, 'confirm': link}}."""
    everyone = list(confirm_to) + list(no_confirm_to) + list(phones)
    out = {}
    tap.is_(recipients_of(mails, sms), sorted(everyone),
            'every verified channel is told at once, and nobody else')
    for who in everyone:
        m = only_message(tap, mails + sms, who)
        if m is None:
            tap.ok(False, '%s got the notice' % who)
            continue
        rej = links_in(stack, m, '/reset/reject?t=')
        con = links_in(stack, m, '/reset/confirm?t=')
        tap.is_(len(rej), 1, 'the notice to %s has a reject link alone on '
                'its line' % who)
        if rej:
            tap.like(rej[0], r'^' + re.escape(stack.base_url) +
                     r'/reset/reject\?t=' + TOKEN + '$', 'built from '
                     'base_url, with a 43-character token')
        if who in confirm_to:
            tap.is_(len(con), 1, 'and a confirm link alone on its line '
                    '(the address was not used as a proof)')
            if con:
                tap.like(con[0], r'^' + re.escape(stack.base_url) +
                         r'/reset/confirm\?t=' + TOKEN + '$', 'built from '
                         'base_url, with a 43-character token')
        else:
            tap.is_(con, [], 'and no confirm link (%s)' % (
                'a phone' if who in phones else 'the address was used as '
                'a proof'))
            tap.unlike(message_text(m), r'/reset/confirm',
                       'nowhere in the message')
        text = message_text(m)
        tap.like(text, r'(?i)password', 'it says a password change is '
                 'on its way')
        if who not in phones:
            tap.like(text, r'\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}',
                     'and when it takes effect')
        tap.is_(codes_in(m['text'] if isinstance(m, dict) else m.body), [],
                'it carries no one-time code')
        out[who] = {'reject': rej[0] if rej else None,
                    'confirm': con[0] if con else None}
    return out


def typed_codes(client, resp):
    """The values of the code fields of the page's form to /reset/prove
    (what a refused proof kept of what was typed)."""
    return [v for f in forms_to(client, resp, '/reset/prove')
            for n, _t, v in f['fields'] if n == 'code']


def every_response_checked(tap, stack):
    """The closing story: every response the test's clients got carried
    the security headers, and no program crashed."""
    with tap.story('Every response carried the security headers'):
        problems = []
        for r in stack.responses:
            problems += header_problems(r)
        tap.is_(problems, [], 'on all %d responses' % len(stack.responses))
        tap.is_(crashes(stack), [], 'no program crashed')
