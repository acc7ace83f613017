#!/usr/bin/python3
"""
concurrency.py: many people at once, on the real stack with lighttpd
starting 4 copies of every program (the harness's own stack runs one).

  - 8 clients at once, each 4 times signing up a new account, logging
    in to it and adding a recovery address: no 5xx, no
    lost write (every 303 has its row), every mail queued exactly once
    (as many outbox rows per recipient as one person doing the same
    alone causes);
  - 20 POSTs of one email verification link at the same moment, and 20
    of one reset reject link: exactly one succeeds, the others get 422;
  - 8 signups with one username at once: one gets it, 7 get 422; 8
    with one address: all look like a success, one account is made;
  - the same account adding one address from several tabs at once,
    and adding addresses past the limit at once: one wins, the others
    are refused with 422, never a 5xx, and the limit holds;
  - two tabs removing an account's last two verified contacts at
    once: one is refused, a verified way back in stays (R2).

The figures (requests per second, counts, latencies) are printed as TAP
comments.
"""

import collections
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEFAULT_PASSWORD, Deliveries, ProcsStack, Tap,
                     add_verified_contact, ask_reset, contact_id_of, crashes,
                     from_ip, ip_of, pending_notices, person, prove_reset,
                     reset_codes_sent, reset_states, token_of)

tap = Tap()

CLIENTS = int(os.environ.get('POSTERN_CONCURRENCY_CLIENTS', '8'))
# A fixed amount of work, not a time: how much gets done in a time
# depends on the machine's load, which is a benchmark's business.
PEOPLE = int(os.environ.get('POSTERN_CONCURRENCY_PEOPLE', '4'))
RACERS = 20
PROCS = 4
CONF = dict(trusted_proxies='127.0.0.1', reset_delay='1h')
# lib/contacts.h: CONTACTS_MAX.
CONTACTS_MAX = 10

_n = [0]
_n_lock = threading.Lock()


def visitor(stack):
    """A new browser with an address of its own (per-IP limits)."""
    with _n_lock:
        _n[0] += 1
        n = _n[0]
    return from_ip(stack.client(), ip_of(n))


def outbox_by_recipient(stack):
    return collections.Counter(r.lower() for (r,) in stack.sql(
        'SELECT recipient FROM outbox'))


def percentile(values, p):
    if not values:
        return 0.0
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


class Person:
    """One iteration of a client: sign up, log in, add a recovery
    address.  Records (action, status, seconds) in log."""

    def __init__(self, stack, name, log):
        self.stack = stack
        self.name = name
        self.email = name + '@example.org'
        self.contact = name + '@contact.example'
        self.log = log
        self.done = {}      # action -> status of its POST

    def _do(self, action, fn):
        t0 = time.monotonic()
        try:
            r = fn()
            status = r.status
        except Exception as e:     # noqa: BLE001 - counted as a failure
            status = repr(e)
        self.log.append((action, status, time.monotonic() - t0))
        return status

    def run(self):
        c = visitor(self.stack)
        if self._do('GET /signup', lambda: c.get('/signup')) != 200:
            return
        self.done['signup'] = self._do('POST /signup', lambda: c.post(
            '/signup', {'username': self.name, 'email': self.email,
                        'password': DEFAULT_PASSWORD}))
        if self.done['signup'] != 303:
            return
        if self._do('GET /login', lambda: c.get('/login')) != 200:
            return
        self.done['login'] = self._do('POST /login', lambda: c.post(
            '/login', {'username': self.name, 'password': DEFAULT_PASSWORD}))
        if self.done['login'] != 303:
            return
        if self._do('GET /contacts', lambda: c.get('/contacts')) != 200:
            return
        self.done['contact'] = self._do('POST /contacts', lambda: c.post(
            '/contacts', {'kind': 'email', 'value': self.contact,
                          'password': DEFAULT_PASSWORD}))


def footprint(stack):
    """The outbox rows one person alone causes: {action: {'primary': n,
    'contact': n}}, from one iteration run on its own."""
    log = []
    p = Person(stack, 'calibration', log)
    steps = {}
    before = outbox_by_recipient(stack)
    c = visitor(stack)
    c.get('/signup')
    r = c.post('/signup', {'username': p.name, 'email': p.email,
                           'password': DEFAULT_PASSWORD})
    if r.status != 303:
        raise RuntimeError('calibration signup answered %d' % r.status)
    after = outbox_by_recipient(stack)
    steps['signup'] = {'primary': after[p.email] - before[p.email],
                       'contact': after[p.contact] - before[p.contact]}
    before = after
    c.get('/login')
    r = c.post('/login', {'username': p.name, 'password': DEFAULT_PASSWORD})
    if r.status != 303:
        raise RuntimeError('calibration login answered %d: %s' % (
            r.status, c.errors(r)))
    after = outbox_by_recipient(stack)
    steps['login'] = {'primary': after[p.email] - before[p.email],
                      'contact': after[p.contact] - before[p.contact]}
    before = after
    c.get('/contacts')
    r = c.post('/contacts', {'kind': 'email', 'value': p.contact,
                             'password': DEFAULT_PASSWORD})
    if r.status != 303:
        raise RuntimeError('calibration contact answered %d: %s' % (
            r.status, c.errors(r)))
    after = outbox_by_recipient(stack)
    steps['contact'] = {'primary': after[p.email] - before[p.email],
                        'contact': after[p.contact] - before[p.contact]}
    return steps


def main():
    procs = {name: PROCS for name in ('signup', 'login', 'contacts',
                                      'account', 'reset', 'email',
                                      'domains')}
    with ProcsStack(_max_procs=procs, **CONF) as stack:
        load(stack)
        token_races(stack)
        signup_races(stack)
        same_account_races(stack)
        remove_races(stack)
        with tap.story('Afterwards'):
            tap.is_(stack.sql('PRAGMA integrity_check'), [('ok',)],
                    'PRAGMA integrity_check is ok')
            tap.is_(crashes(stack), [], 'no program crashed')


def load(stack):
    with tap.story('%d clients, %d people each: signups, logins, new '
                   'recovery addresses' % (CLIENTS, PEOPLE)):
        steps = footprint(stack)
        tap.note('outbox rows one person causes: %r' % steps)
        before = outbox_by_recipient(stack)
        log = []
        people = []
        lock = threading.Lock()

        def client(i):
            for j in range(1, PEOPLE + 1):
                p = Person(stack, 'c%d-%d' % (i, j), log)
                with lock:
                    people.append(p)
                p.run()

        t0 = time.monotonic()
        threads = [threading.Thread(target=client, args=(i,))
                   for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        took = time.monotonic() - t0

        by = collections.Counter((a, s) for a, s, _t in log)
        lat = collections.defaultdict(list)
        for a, s, secs in log:
            lat[a].append(secs)
        tap.note('%d requests in %.1f s: %.1f requests per second; %d '
                 'people went through (%.1f per second)' % (
                     len(log), took, len(log) / took, len(people),
                     len(people) / took))
        for a in sorted(lat):
            tap.note('  %-15s %5d  p50 %4.0f ms  p95 %4.0f ms  max %5.0f ms'
                     % (a, len(lat[a]), 1000 * percentile(lat[a], 50),
                        1000 * percentile(lat[a], 95),
                        1000 * max(lat[a])))
        tap.note('answers: ' + ', '.join('%s %s: %d' % (a, s, n) for (a, s),
                                          n in sorted(by.items(), key=repr)))
        tap.is_([k for k in by if not isinstance(k[1], int)], [],
                'every request was answered')
        tap.is_([k for k in by if isinstance(k[1], int) and k[1] >= 500],
                [], 'no 5xx')
        tap.is_([k for k in by if isinstance(k[1], int) and
                 k[1] != (303 if k[0].startswith('POST') else 200)], [],
                'every page opened (200) and every POST succeeded (303)')
        tap.is_(len(people), CLIENTS * PEOPLE, 'every client went through '
                'its people')

        signed = [p for p in people if p.done.get('signup') == 303]
        logged = [p for p in people if p.done.get('login') == 303]
        added = [p for p in people if p.done.get('contact') == 303]
        tap.note('303s: %d signups, %d logins, %d new addresses' % (
            len(signed), len(logged), len(added)))
        accounts = {u.lower(): e.lower() for u, e in stack.sql(
            'SELECT username, email FROM accounts')}
        tap.is_([p.name for p in signed if accounts.get(p.name) != p.email],
                [], 'every signup that answered 303 has its account')
        sessions = collections.Counter(u.lower() for (u,) in stack.sql(
            'SELECT a.username FROM sessions s JOIN accounts a ON a.id = '
            's.account_id'))
        tap.is_([p.name for p in logged if sessions[p.name] != 1], [],
                'every login that answered 303 has exactly one session')
        contacts = set((u.lower(), v.lower()) for u, v in stack.sql(
            'SELECT a.username, c.value FROM contacts c JOIN accounts a ON '
            'a.id = c.account_id'))
        tap.is_([p.name for p in added if (p.name, p.contact) not in
                 contacts], [], 'every address added with a 303 is there')
        tap.is_(len([1 for u, _v in contacts if u.startswith('c') and
                     '-' in u]), len(added), 'and no other was added')
        run_accounts = [u for u in accounts if u.startswith('c') and
                        '-' in u]
        tap.is_(len(run_accounts), len(signed), 'no account was made '
                'without its 303')

        after = outbox_by_recipient(stack)
        want = collections.Counter()
        for p in people:
            for action in ('signup', 'login', 'contact'):
                if p.done.get(action) == 303:
                    want[p.email] += steps[action]['primary']
                    want[p.contact] += steps[action]['contact']
        got = collections.Counter()
        for who in set(after) | set(before):
            n = after[who] - before[who]
            if n:
                got[who] = n
        want = +want
        wrong = sorted((w, got[w], want[w]) for w in set(got) | set(want)
                       if got[w] != want[w])
        tap.is_(wrong[:20], [], 'every mail was queued exactly once: %d '
                'outbox rows for %d recipients, as many as each person '
                'alone causes' % (sum(got.values()), len(got)))
        run = stack.mailer_once()
        tap.is_(run.returncode, 0, 'the mailer delivers them (%s)' %
                run.stdout.strip())


def race(stack, path, fields, prepare_path):
    """RACERS browsers open prepare_path, then all POST fields to path
    at the same moment: the statuses."""
    clients = [visitor(stack) for _ in range(RACERS)]
    for c in clients:
        c.get(prepare_path)
    barrier = threading.Barrier(RACERS)
    statuses = [None] * RACERS

    def go(i):
        barrier.wait()
        try:
            statuses[i] = clients[i].post(path, fields).status
        except Exception as e:     # noqa: BLE001
            statuses[i] = repr(e)
    threads = [threading.Thread(target=go, args=(i,))
               for i in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return statuses


def token_races(stack):
    with tap.story('%d POSTs of one email verification link at once'
                   % RACERS):
        c = visitor(stack)
        c.get('/signup')
        r = c.post('/signup', {'username': 'racer', 'email':
                               'racer@example.org',
                               'password': DEFAULT_PASSWORD})
        tap.is_(r.status, 303, 'racer signs up')
        stack.mailer_once()
        mails = stack.mails_to('racer@example.org')
        token = token_of(stack.link_in(mails[-1], '/verify?t=')) \
            if mails else None
        statuses = race(stack, '/verify', {'t': token},
                        '/verify?t=%s' % token)
        tap.note('answers: %r' % collections.Counter(statuses))
        tap.is_(statuses.count(303), 1, 'exactly one succeeds (303)')
        tap.is_(statuses.count(422), RACERS - 1, 'the %d others get 422'
                % (RACERS - 1))
        tap.is_(stack.sql("SELECT count(*) FROM events e JOIN accounts a ON "
                          "a.id = e.account_id WHERE a.username = 'racer' "
                          "AND e.kind = 'email_verified'"), [(1,)],
                'email_verified is recorded once')

    with tap.story('%d POSTs of one reset reject link at once' % RACERS):
        post = Deliveries(stack)
        person(stack, post, 'rita', 'rita@home.example',
               emails=['rita@old.example'])
        c = visitor(stack)
        ask_reset(c, 'rita')
        mails, sms = post.deliver()
        codes = reset_codes_sent(tap, mails, sms, ['rita@home.example',
                                                   'rita@old.example'])
        r = prove_reset(c, 'rita', [codes.get('rita@old.example')],
                        'a brand new password 42')
        tap.is_(r.status, 303, 'a reset of rita is pending')
        mails, sms = post.deliver()
        links = pending_notices(tap, stack, mails, sms,
                                confirm_to=['rita@home.example'],
                                no_confirm_to=['rita@old.example'])
        link = links.get('rita@home.example', {}).get('reject')
        statuses = race(stack, '/reset/reject', {'t': token_of(link)},
                        stack.path_of(link) or '/reset')
        tap.note('answers: %r' % collections.Counter(statuses))
        tap.is_(statuses.count(303), 1, 'exactly one succeeds (303)')
        tap.is_(statuses.count(422), RACERS - 1, 'the %d others get 422'
                % (RACERS - 1))
        tap.is_(reset_states(stack, 'rita'), ['rejected'], 'the reset is '
                'rejected')
        tap.is_(stack.sql("SELECT count(*) FROM events e JOIN accounts a ON "
                          "a.id = e.account_id WHERE a.username = 'rita' "
                          "AND e.kind = 'reset_rejected'"), [(1,)],
                'reset_rejected is recorded once')
        post.deliver()


def tabs(stack, client, n):
    """n tabs of client's browser: clients that share its session cookie
    and csrf token (no login each; what they change carries the password,
    as R8 asks)."""
    client.get('/contacts')
    out = []
    for _ in range(n):
        t = stack.client()
        t.cookies = dict(client.cookies)
        t.csrf = client.csrf
        out.append(t)
    return out


def at_once(clients, path, fields_of):
    """Each client POSTs fields_of(its index) to path at the same
    moment: the statuses."""
    statuses = [None] * len(clients)
    barrier = threading.Barrier(len(clients))

    def go(i):
        barrier.wait()
        try:
            statuses[i] = clients[i].post(path, fields_of(i)).status
        except Exception as e:     # noqa: BLE001
            statuses[i] = repr(e)
    threads = [threading.Thread(target=go, args=(i,))
               for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return statuses


def contact_values(stack, username):
    return sorted(v for (v,) in stack.sql(
        'SELECT c.value FROM contacts c JOIN accounts a ON a.id = '
        'c.account_id WHERE a.username = ?', username))


def no_5xx(statuses):
    return [s for s in statuses if not isinstance(s, int) or s >= 500]


def signup_races(stack):
    rounds = 3
    with tap.story('8 signups with one username at once, %d times'
                   % rounds):
        got = []
        for k in range(rounds):
            cs = [visitor(stack) for _ in range(8)]
            for c in cs:
                c.get('/signup')
            got.append(at_once(cs, '/signup', lambda i, k=k: {
                'username': 'same%d' % k,
                'email': 'same%d-%d@example.org' % (k, i),
                'password': DEFAULT_PASSWORD}))
        flat = [x for g in got for x in g]
        tap.note('answers: %r' % collections.Counter(flat))
        tap.is_(no_5xx(flat), [], 'no 5xx')
        tap.is_([g.count(303) for g in got], [1] * rounds, 'each time one '
                'gets the name (303)')
        tap.is_([g.count(422) for g in got], [7] * rounds, 'and the 7 '
                'others are told it is taken (422)')
        tap.is_(stack.sql("SELECT count(*) FROM accounts WHERE username "
                          "LIKE 'same%'"), [(rounds,)], 'one account each')

    with tap.story('8 signups with one address at once, %d times' % rounds):
        got = []
        for k in range(rounds):
            cs = [visitor(stack) for _ in range(8)]
            for c in cs:
                c.get('/signup')
            got.append(at_once(cs, '/signup', lambda i, k=k: {
                'username': 'shared%d-%d' % (k, i),
                'email': 'shared%d@example.org' % k,
                'password': DEFAULT_PASSWORD}))
        flat = [x for g in got for x in g]
        tap.note('answers: %r' % collections.Counter(flat))
        tap.is_(flat, [303] * len(flat), 'every one looks like a success '
                '(303)')
        tap.is_(stack.sql("SELECT email, count(*) FROM accounts WHERE email "
                          "LIKE 'shared%' GROUP BY email ORDER BY email"),
                [('shared%d@example.org' % k, 1) for k in range(rounds)],
                'one account for each address')
        tap.is_(stack.sql("SELECT recipient, count(*) FROM outbox WHERE "
                          "recipient LIKE 'shared%' GROUP BY recipient ORDER "
                          "BY recipient"),
                [('shared%d@example.org' % k, 8) for k in range(rounds)],
                'each address has 8 mails queued: the link, and 7 notices '
                'that someone tried to sign up with it')
        tap.is_(stack.sql("SELECT count(*) FROM links l JOIN accounts a ON "
                          "a.id = l.account_id WHERE a.email LIKE 'shared%' "
                          "AND l.kind = 'verify'"), [(rounds,)],
                'and one verification link each')


def same_account_races(stack):
    rounds = 8
    with tap.story('One account adds one address from 8 tabs at once, %d '
                   'times' % rounds):
        # An unverified primary address gets no notices, so the mail
        # limit per address plays no part.
        sam = stack.new_user('sam', 'sam@example.org', verify=False)
        browsers = tabs(stack, sam, 8)
        got = []
        for k in range(rounds):
            got.append(at_once(browsers, '/contacts', lambda i, k=k: {
                'kind': 'email', 'value': 'sam@twice%d.example' % k,
                'password': DEFAULT_PASSWORD}))
        flat = [x for g in got for x in g]
        tap.note('answers: %r' % collections.Counter(flat))
        tap.ok(no_5xx(flat) == [], 'no 5xx (got %d)' % len(no_5xx(flat)))
        tap.is_([g.count(303) for g in got], [1] * rounds, 'each time one '
                'adds it (303)')
        tap.ok([g.count(422) for g in got] == [7] * rounds, 'and the 7 '
               'others are told it is already there (422): %r' % (
                   [g.count(422) for g in got],))
        tap.is_(contact_values(stack, 'sam'), sorted(
            'sam@twice%d.example' % k for k in range(rounds)),
            'each address is on the list once')
        tap.is_(stack.sql("SELECT count(*) FROM outbox WHERE recipient "
                          "LIKE 'sam@twice%'"), [(rounds,)],
                'and one code was mailed to each')

    rounds = 5
    with tap.story('Adding more addresses than an account may keep (%d), '
                   'at once, %d times' % (CONTACTS_MAX, rounds)):
        have = []
        got = []
        for k in range(rounds):
            name = 'tess%d' % k
            c = stack.new_user(name, name + '@example.org', verify=False)
            c.get('/contacts')
            for j in range(CONTACTS_MAX - 2):
                r = c.post('/contacts', {
                    'kind': 'email', 'value': '%s-%d@before.example' % (
                        name, j), 'password': DEFAULT_PASSWORD})
                if r.status != 303:
                    raise RuntimeError('adding contact %d answered %d' % (
                        j, r.status))
                c.get('/contacts')
            browsers = tabs(stack, c, 8)
            got.append(at_once(browsers, '/contacts', lambda i, n=name: {
                'kind': 'email', 'value': '%s-%d@many.example' % (n, i),
                'password': DEFAULT_PASSWORD}))
            have.append(len(contact_values(stack, name)))
        flat = [x for g in got for x in g]
        tap.note('answers: %r; contacts kept: %r' % (
            collections.Counter(flat), have))
        tap.is_(no_5xx(flat), [], 'no 5xx')
        tap.ok(max(have) <= CONTACTS_MAX, 'at most %d contacts are kept '
               '(kept %r)' % (CONTACTS_MAX, have))
        tap.ok([g.count(303) for g in got] == [2] * rounds, 'only the '
               '2 that fit are added (303s: %r)' % (
                   [g.count(303) for g in got],))
        tap.is_([g.count(303) + g.count(422) for g in got], [8] * rounds,
                'the others are refused with 422')


def remove_races(stack):
    rounds = 6
    with tap.story('Removing the last two verified contacts from two tabs '
                   'at once, %d times (R2)' % rounds):
        # The primary address is left unverified, so the two recovery
        # addresses are the only verified ways back in: one of them
        # must stay.
        post = Deliveries(stack)
        got = []
        left = []
        for k in range(rounds):
            name = 'rem%d' % k
            c = stack.new_user(name, name + '@example.org', verify=False)
            post.deliver()
            values = ['%s-%s@back.example' % (name, x) for x in 'ab']
            for v in values:
                add_verified_contact(stack, post, c, name, 'email', v)
            ids = [contact_id_of(stack, name, v) for v in values]
            browsers = tabs(stack, c, 2)
            got.append(at_once(browsers, '/contacts/remove',
                               lambda i, ids=ids: {
                                   'id': ids[i],
                                   'password': DEFAULT_PASSWORD}))
            left.append(stack.sql(
                'SELECT count(*) FROM contacts c JOIN accounts a ON a.id = '
                'c.account_id WHERE a.username = ? AND c.verified_at != 0',
                name)[0][0])
        flat = [x for g in got for x in g]
        tap.note('answers: %r; verified contacts left: %r' % (
            collections.Counter(flat), left))
        tap.is_(no_5xx(flat), [], 'no 5xx')
        tap.ok(min(left) >= 1, 'every account keeps a verified way back '
               'in (left: %r)' % left)
        tap.ok([sorted(g) for g in got] == [[303, 422]] * rounds,
               'each time one removal is refused with 422: %r' % got)
        post.deliver()


tap.run(main)
