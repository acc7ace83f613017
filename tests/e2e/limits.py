#!/usr/bin/python3
"""
limits.py: rate limits that cannot be turned against anyone, and that
say so honestly (issue 15, items 4 and 5), on the real stack.

  - Typing "#1" as a name at the login ten times closes that name, not
    the login of account 1: keys of a name typed and of an account id
    cannot collide.
  - Pat uses every page for an hour with two addresses: no limit is
    met, no page answers 503, and every mail a page promises arrives.
    Only what a stranger can cause to an address counts toward its 10
    an hour (codes and links to an address not yet verified, signup
    notices); reset codes, kit halves and security notices never count
    and are never held back.
  - A stranger who fills an address gets, at the eleventh message, a
    429 page that says when to try again, keeps what was typed and
    keeps nothing else: the same page for a taken address and a new
    one (signup tells no one who has an account), and the same limit
    whichever page sends (signup, email change, contact add, resend,
    SMS to a phone).
  - Every other limit a page can meet (signups and resets per network,
    resets per name, address changes, resends and kits per account,
    logins) is a 429 that says when, and opens again at that time.

Time passes by moving the rows of rate_limits back (harness SQL).
"""

import calendar
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEFAULT_PASSWORD, SMS_CAPTURE, Deliveries, Stack, Tap,
                     age_account, ask_reset, code_in, contact_id_of,
                     db_write,
                     every_response_checked, from_ip, ip_of, keeps_typed,
                     links_in, person, proof, prove_reset, token_of)

tap = Tap()

ADMIN = 'hoster@example.net'
CONF = dict(trusted_proxies='127.0.0.1', sms_command=SMS_CAPTURE,
            admin_email=ADMIN, reset_delay='1h')
# DESIGN section 2.
MESSAGES_AN_HOUR = 10
# "You can try again on Monday 23 November 2026 at 14:06 UTC, in 12
# minutes."
AGAIN = re.compile(r'try again on ([A-Z][a-z]+ \d{1,2} [A-Z][a-z]+ \d{4} at '
                   r'\d{2}:\d{2}) UTC')

_visitors = [0]


def stranger(stack):
    """A new browser from an address of its own (per-IP limits)."""
    _visitors[0] += 1
    return from_ip(stack.client(), ip_of(1000 + _visitors[0]))


def later(stack, seconds=7200):
    """Let time pass for every limit with a window up to an hour."""
    db_write(stack, 'UPDATE rate_limits SET at = at - ?', seconds)


def says_when(c, r, story, window=3600, kept=None):
    """r is the 429 of a limit: an HTML page whose .error says when to
    try again (a time within the window), with Retry-After, and the
    form keeps what was typed (kept) but never a password."""
    tap.is_(r.status, 429, '%s: 429' % story)
    text = ' '.join(c.errors(r))
    m = AGAIN.search(text)
    tap.ok(r.is_html and m, '%s: the page says when to try again' % story,
           text)
    if m:
        at = calendar.timegm(time.strptime(m.group(1),
                                           '%A %d %B %Y at %H:%M'))
        now = time.time()
        tap.ok(now - 60 <= at <= now + window + 60, '%s: a time within '
               'the window (%s)' % (story, m.group(1)))
    after = r.headers.get('Retry-After', '')
    tap.ok(after.isdigit() and 0 < int(after) <= window,
           '%s: and Retry-After (%s s)' % (story, after))
    if kept:
        keeps_typed(tap, c, r, story, kept)
    return text


def signup(c, username, email):
    c.get('/signup')
    return c.post('/signup', {'username': username, 'email': email,
                              'password': DEFAULT_PASSWORD})


def flood(stack, addr, n, tag):
    """A stranger signs up n times with addr, from new addresses: the
    statuses (each signup sends addr a link or a notice)."""
    return [signup(stranger(stack), '%s%02d' % (tag, i), addr).status
            for i in range(n)]


def counted(stack, addr):
    """The messages counted toward addr's limit in the last hour."""
    return stack.sql("SELECT coalesce(sum(count), 0) FROM rate_limits "
                     "WHERE key = ? AND at > ?", 'messages-to:' +
                     addr.lower(), int(time.time()) - 3600)[0][0]


def without_page_noise(text, *typed):
    """A page with the csrf token, the typed values and the time of the
    limit blanked, to compare two answers."""
    text = re.sub(r'(name="csrf"[^>]*value=")[^"]*', r'\1', text)
    text = re.sub(r'try again on [^<]* UTC, in [^<.]*\.', '@WHEN@', text)
    for t in typed:
        text = text.replace(t, '@TYPED@')
    return text


# ------------------------------------------------------------------ #


def typed_id(stack):
    with tap.story('Ten failed logins as "#1" do not close account 1'):
        ann = stack.new_user('ann', 'ann@home.example')
        tap.is_(stack.sql("SELECT id FROM accounts WHERE username = "
                          "'ann'"), [(1,)], 'Ann has account 1')
        ann.get('/logout')
        mallory = stranger(stack)
        mallory.get('/login')
        got = [mallory.post('/login', {'username': '#1',
                                       'password': 'guess %d' % i}).status
               for i in range(10)]
        tap.is_(got, [422] * 10, 'ten wrong logins as "#1": 422 each')
        r = mallory.post('/login', {'username': '#1', 'password': 'x'})
        says_when(mallory, r, 'the eleventh as "#1"', 15 * 60,
                  kept={'username': '#1'})
        c = stack.client()
        c.get('/login')
        r = c.post('/login', {'username': 'ann',
                              'password': DEFAULT_PASSWORD})
        tap.is_((r.status, stack.path_of(r.location)), (303, '/account'),
                'Ann logs in all the same')
        later(stack, 15 * 60)
        r = mallory.post('/login', {'username': '#1', 'password': 'x'})
        tap.is_(r.status, 422, 'when the window has passed, "#1" may be '
                'tried again')


def lockout_warned(stack):
    """Issue 18: the 7th wrong password said only "do not match", and the
    right one was then refused for 15 minutes without warning."""
    with tap.story('Wrong passwords warn before logging in pauses, the '
                   'same for a name nobody has'):
        stack.new_user('lex', 'lex@home.example').get('/logout')
        said = {}
        for name in ('lex', 'nobody-here'):
            c = stranger(stack)
            c.get('/login')
            said[name] = [' '.join(c.errors(c.post('/login', {
                'username': name, 'password': 'guess %d' % i})))
                for i in range(10)]
        lex = said['lex']
        tap.ok(not any(re.search(r'(?i)tr(y|ies)\b|pause', t)
                       for t in lex[:6]), 'the first six say only that '
               'name and password do not match', lex[:6])
        tap.like(lex[6], r'3 more tries, then logging in with this name '
                 r'pauses for 15 minutes', 'the seventh: three tries left')
        tap.like(lex[8], r'1 more try\b', 'the ninth: one')
        tap.like(lex[9], r'now pauses for 15 minutes', 'the tenth: it '
                 'pauses now')
        tap.like(lex[6], r'(?i)reset', 'and a reset is offered')
        tap.is_(said['nobody-here'], lex, 'a name nobody has gets the '
                'very same answers')


def hour_of_use(stack, post):
    """What the issue saw: two addresses, ordinary use, then a 503, a
    notice silently not sent and a reset that sent nothing."""
    home, work = 'pat@home.example', 'pat@work.example'
    steps = []

    def step(what, r, want=(303,)):
        steps.append((what, r.status))
        return r.status in want

    def arrived(what, mails, sms, who, n=None):
        got = Deliveries.to(mails + sms, who)
        if n is None:
            tap.ok(got, '%s: to %s' % (what, who))
        else:
            tap.is_(len(got), n, '%s: %d to %s' % (what, n, who))
        return got

    with tap.story('Pat uses every page for an hour with two addresses: '
                   'no limit, no 503, every promised mail arrives'):
        pat = stack.new_user('pat', home)
        post.deliver()
        pat.get('/contacts')
        step('add a recovery address', pat.post(
            '/contacts', proof(pat, {'kind': 'email', 'value': work})))
        cid = contact_id_of(stack, 'pat', work)
        for i in range(2):
            step('resend its code', pat.post(
                '/contacts/verify', {'id': cid, 'resend': '1'}))
        mails, sms = post.deliver()
        codes = arrived('the code and two resent', mails, sms, work, 3)
        step('verify it', pat.post('/contacts/verify', {
            'id': cid, 'code': code_in(codes[-1].body) if codes else ''}))
        pat.get('/contacts/recovery-code')
        step('a recovery code', pat.post('/contacts/recovery-code',
                                         proof(pat)), (200, 303))
        pat.get('/contacts/kit')
        step('a kit', pat.post('/contacts/kit', proof(pat)))
        mails, sms = post.deliver()
        arrived('the hoster\'s half of the kit', mails, sms, ADMIN)

        # Reset codes go only to addresses older than reset_delay (R9):
        # say Pat set them up yesterday.
        age_account(stack, 'pat')
        me = stranger(stack)
        for typed in ('pat', 'pat', home, home):
            step('ask for a reset as %s' % typed, ask_reset(me, typed))
        mails, sms = post.deliver()
        arrived('four asks, four codes', [m for m in mails if
                                          code_in(m.body)], [], home, 4)
        arrived('four asks, four codes', [m for m in mails if
                                          code_in(m.body)], [], work, 4)
        code = code_in([m for m in mails if home in m.recipients][-1].body)
        step('prove the last one', prove_reset(me, 'pat', [code],
                                               'pat new password 15'))
        mails, sms = post.deliver()
        reject = [ln for m in mails if work in m.recipients
                  for ln in links_in(stack, m, '/reset/reject?t=')]
        tap.ok(reject, 'the pending change is told, with a reject link')
        if reject:
            t = token_of(reject[0])
            me.get('/reset/reject?t=' + t)
            step('reject it from the mail', me.post('/reset/reject',
                                                    {'t': t}))
        post.deliver()

        for new, old in ((work, home), (home, work)):
            pat.get('/email')
            ok = step('change the address to %s' % new,
                      pat.post('/email', proof(pat, {'email': new})))
            mails, sms = post.deliver()
            got = arrived('its confirmation link', mails, sms, new)
            link = [ln for m in got for ln in
                    links_in(stack, m, '/email/confirm?t=')]
            if ok and link:
                t = token_of(link[0])
                pat.get('/email/confirm?t=' + t)
                step('confirm it', pat.post('/email/confirm', {'t': t}))
            mails, sms = post.deliver()
            arrived('the old address is told', mails, sms, old)

        step('someone signs up with Pat\'s address',
             signup(stranger(stack), 'notpat', home))
        mails, sms = post.deliver()
        arrived('its owner is told', mails, sms, home)

        tap.is_([s for s in steps if s[1] not in (200, 303)], [],
                'every step went through: %d steps' % len(steps))
        sent = {a: len(stack.mails_to(a)) for a in (home, work)}
        tap.note('mails received: %r; counted toward the limit: %r' % (
            sent, {a: counted(stack, a) for a in (home, work)}))
        tap.ok(max(sent.values()) > MESSAGES_AN_HOUR, 'more mail than the '
               'limit reached an address, and none was held back')
        tap.ok(all(counted(stack, a) <= MESSAGES_AN_HOUR // 2
                   for a in (home, work)), 'while what counts stays at '
               'half the limit or less')


def stranger_floods(stack, post):
    tom = stack.new_user('tom', 'tom@home.example')
    post.deliver()
    fresh, taken = 'fay@new.example', 'tom@home.example'

    with tap.story('A stranger fills a new address and a taken one: '
                   'ten messages each, then the same 429 that says when'):
        # Tom's own link counts: it went to an address not yet verified.
        room = {a: MESSAGES_AN_HOUR - counted(stack, a) for a in
                (fresh, taken)}
        tap.is_(room, {fresh: 10, taken: 9}, 'room for ten, and for nine '
                'beside Tom\'s own link')
        got = {a: flood(stack, a, room[a], a[:3]) for a in (fresh, taken)}
        tap.is_(got, {fresh: [303] * 10, taken: [303] * 9},
                'as many signups with each: 303')
        mails, _sms = post.deliver()
        tap.is_([len(Deliveries.to(mails, a)) for a in (fresh, taken)],
                [10, 9], 'and as many mails went out')
        pages = {}
        for a, name in ((fresh, 'fay10'), (taken, 'tom10')):
            c = stranger(stack)
            before = stack.db_snapshot()
            r = signup(c, name, a)
            says_when(c, r, 'the eleventh signup with %s' % a,
                      kept={'username': name, 'email': a})
            tap.is_([ch for ch in stack.db_changes(before)
                     if not ch.startswith('~ sessions')], [],
                    'nothing was kept, nothing queued')
            pages[a] = without_page_noise(r.text, name, a)
        tap.ok(pages[fresh] == pages[taken], 'the same page for both: it '
               'does not tell who has an account')

    with tap.story('The same limit holds on every page that mails an '
                   'address nobody has verified'):
        # Codes and confirmation links from an account of the stranger.
        full = 'kim@elsewhere.example'
        mal = stack.new_user('mal', 'mal@home.example')
        mal.get('/contacts')
        got = [mal.post('/contacts', proof(mal, {'kind': 'email',
                                                 'value': full})).status]
        cid = contact_id_of(stack, 'mal', full)
        got += [mal.post('/contacts/verify', {'id': cid, 'resend': '1'})
                .status for _ in range(5)]
        for _ in range(4):
            mal.get('/email')
            got.append(mal.post('/email', proof(mal, {'email': full}))
                       .status)
        tap.is_(got, [303] * 10, 'a contact code, five resent and four '
                'address changes fill another address')
        tom.get('/email')
        r = tom.post('/email', proof(tom, {'email': full}))
        says_when(tom, r, 'an address change to it', kept={'email': full})
        tom.get('/contacts')
        before = stack.db_snapshot()
        r = tom.post('/contacts', proof(tom, {'kind': 'email',
                                              'value': fresh}))
        says_when(tom, r, 'adding the full address as a contact',
                  kept={'value': fresh})
        tap.is_(contact_id_of(stack, 'tom', fresh), None,
                'and it is not added')

        r = tom.post('/contacts', proof(tom, {
            'kind': 'email', 'value': 'tom@spare.example'}))
        tap.is_(r.status, 303, 'Tom adds a spare address')
        cid = contact_id_of(stack, 'tom', 'tom@spare.example')
        mails, _ = post.deliver()
        spare_code = code_in(''.join(m.body for m in Deliveries.to(
            mails, 'tom@spare.example')))
        tap.is_(flood(stack, 'tom@spare.example', 9, 'spare'), [303] * 9,
                'a stranger fills it with nine signups')
        r = tom.post('/contacts/verify', {'id': cid, 'resend': '1'})
        says_when(tom, r, 'resending its code')
        tap.ok(tom.forms(r), 'on the code form, to use the code he has')

        sid = person(stack, post, 'sid', 'sid@home.example')
        sue = person(stack, post, 'sue', 'sue@home.example')
        phone = '+15555550142'
        statuses = []
        for c, n in ((sid, 5), (sue, 3)):
            c.get('/contacts')
            statuses.append(c.post('/contacts', proof(c, {
                'kind': 'phone', 'value': phone})).status)
            cid = contact_id_of(stack, c is sid and 'sid' or 'sue', phone)
            statuses += [c.post('/contacts/verify', {
                'id': cid, 'resend': '1'}).status for _ in range(n)]
        tap.is_(statuses, [303] * 10, 'two accounts send a phone ten codes')
        r = sue.post('/contacts/verify', {'id': cid, 'resend': '1'})
        says_when(sue, r, 'an eleventh SMS to the phone')
        _mails, sms = post.deliver()
        tap.is_(len(Deliveries.to(sms, phone)), 10, 'the phone got ten')

    with tap.story('What the owner asked for and security notices are '
                   'never held back'):
        # Tom's address is full, and so is his spare.
        r = tom.post('/contacts/verify', {
            'id': contact_id_of(stack, 'tom', 'tom@spare.example'),
            'code': spare_code})
        tap.is_(r.status, 303, 'Tom verifies his spare address with the '
                'code he got first')
        tap.ok(counted(stack, taken) >= MESSAGES_AN_HOUR and
               counted(stack, 'tom@spare.example') >= MESSAGES_AN_HOUR,
               'both addresses are full')
        post.deliver()
        tom.get('/contacts/kit')
        r = tom.post('/contacts/kit', proof(tom))
        tap.is_(r.status, 303, 'a kit: 303')
        mails, _ = post.deliver()
        tap.is_(sorted(set(a for m in mails for a in m.recipients)),
                sorted([ADMIN, taken, 'tom@spare.example']),
                'its halves went out, and the notices of it')
        age_account(stack, 'tom')           # codes go to old ways (R9)
        r = ask_reset(stranger(stack), 'tom')
        tap.is_(r.status, 303, 'a reset: 303')
        mails, _ = post.deliver()
        tap.is_(sorted(a for m in mails if code_in(m.body)
                       for a in m.recipients),
                [taken, 'tom@spare.example'],
                'its codes went to both full addresses')

    with tap.story('An hour later the address takes mail again'):
        later(stack)
        r = signup(stranger(stack), 'fay11', fresh)
        tap.is_(r.status, 303, 'a signup with it: 303')
        mails, _ = post.deliver()
        tap.is_(len(Deliveries.to(mails, fresh)), 1, 'and the mail goes')


def other_limits(stack, post):
    with tap.story('Every other limit a page meets is a 429 that says '
                   'when, and opens again then'):
        net = stranger(stack)
        got = [signup(net, 'net%02d' % i, 'net%02d@example.org' % i).status
               for i in range(20)]
        tap.is_(got, [303] * 20, 'twenty signups from one network: 303')
        says_when(net, signup(net, 'net20', 'net20@example.org'),
                  'the 21st', kept={'username': 'net20',
                                    'email': 'net20@example.org'})

        net = stranger(stack)
        got = [ask_reset(net, 'someone%02d' % i).status for i in range(20)]
        tap.is_(got, [303] * 20, 'twenty reset asks from one network: 303')
        says_when(net, ask_reset(net, 'someone20'), 'the 21st reset ask',
                  kept={'username': 'someone20'})

        c = stranger(stack)
        got = [ask_reset(c, 'ivan').status for _ in range(2)]
        tap.is_(got, [303, 303], 'two asks for one name: 303')
        says_when(c, ask_reset(c, 'ivan'), 'a third for that name',
                  kept={'username': 'ivan'})

        vic = stack.new_user('vic', 'vic@home.example')
        got = []
        for i in range(10):
            vic.get('/email')
            got.append(vic.post('/email', proof(vic, {
                'email': 'vic%d@new.example' % i})).status)
        tap.is_(got, [303] * 10, 'ten address changes in an hour: 303')
        vic.get('/email')
        says_when(vic, vic.post('/email', proof(vic, {
            'email': 'vic@last.example'})), 'the eleventh',
            kept={'email': 'vic@last.example'})

        vic.get('/contacts')
        vic.post('/contacts', proof(vic, {'kind': 'email',
                                          'value': 'vic@spare.example'}))
        cid = contact_id_of(stack, 'vic', 'vic@spare.example')
        got = [vic.post('/contacts/verify', {'id': cid, 'resend': '1'})
               .status for _ in range(5)]
        tap.is_(got, [303] * 5, 'five resent codes: 303')
        says_when(vic, vic.post('/contacts/verify',
                                {'id': cid, 'resend': '1'}), 'a sixth')
        post.deliver()

        wes = person(stack, post, 'wes', 'wes@home.example',
                     emails=['wes@spare.example'])
        got = []
        for _ in range(3):
            wes.get('/contacts/kit')
            got.append(wes.post('/contacts/kit', proof(wes)).status)
        tap.is_(got, [303] * 3, 'three kits in a day: 303')
        says_when(wes, wes.post('/contacts/kit', proof(wes)), 'a fourth',
                  window=86400)

        later(stack)
        tap.is_(signup(net, 'net21', 'net21@example.org').status, 303,
                'an hour later a signup from that network: 303')
        tap.is_(ask_reset(c, 'ivan').status, 303, 'the name may be asked '
                'for again')
        vic.get('/email')
        tap.is_(vic.post('/email', proof(vic, {
            'email': 'vic@last.example'})).status, 303,
            'Vic may change his address')
        post.deliver()


def main():
    with Stack(**CONF) as stack:
        post = Deliveries(stack)
        typed_id(stack)
        lockout_warned(stack)
        hour_of_use(stack, post)
        stranger_floods(stack, post)
        other_limits(stack, post)
        every_response_checked(tap, stack)


tap.run(main)
