#!/usr/bin/python3
"""
domains.py: managed domains and rule R1 on the real stack, with a real
DNS server (dnsmasq) on loopback answering the ownership look-ups.

Alice manages alice-corp.test; her recovery address can never live
there, in either order of events.  Under recovery_rule = platform,
nobody can sign up with an address on a domain someone verified, and
people whose address is already there are told to replace it.  A
record published among 10 kB of other TXT records, more than Postern's
first 4,096-byte read of an answer, still verifies, and valgrind (when
the build is not under AddressSanitizer, which cannot see into
libresolv) sees domains.fcgi read nothing past its buffer.
"""

import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (VALGRIND, Stack, Tap, ValgrindStack,  # noqa: E402
                     error_blocks, sanitized_build, _read)

tap = Tap()


def domain_rows(stack, name=None):
    q = 'SELECT d.name, a.username, d.verified_at FROM domains d ' \
        'JOIN accounts a ON a.id = d.account_id'
    if name:
        return stack.sql(q + ' WHERE d.name = ?', name)
    return stack.sql(q)


def txt_of(client, resp):
    """The TXT record name and value the page tells the owner to publish."""
    import re
    name = re.search(r'class="txt-name">([^<]+)<', resp.text)
    value = re.search(r'class="txt-value">([^<]+)<', resp.text)
    return (name.group(1) if name else None, value.group(1) if value
            else None)


def add_form_value(client, resp):
    """What the add-a-domain form holds (the list's forms hold hidden
    domain fields too)."""
    for f in client.forms(resp):
        if (f['action'] or '').endswith('/domains'):
            for name, _t, value in f['fields']:
                if name == 'domain':
                    return value
    return None


def only_events(changes):
    return bool(changes) and all(c.startswith('+ events ') for c in changes)


def events(stack, kind):
    return stack.sql('SELECT detail FROM events WHERE kind = ?', kind)


def told_to_replace(stack, seen, addresses, who):
    """After a mailer pass, the mails since the first seen went to
    addresses, and nobody else, each asking to replace the address
    without naming Erin, who verified the domain."""
    stack.mailer_once()
    new = stack.mails()[seen:]
    tap.is_(sorted(a for m in new for a in m.recipients), sorted(addresses),
            '%s are mailed, and nobody else' % who)
    for m in new:
        tap.like(m.body, r'replace|change', 'the mail asks to replace the '
                 'address')
        tap.ok('erin' not in m.body.lower(), 'without naming who added '
               'the domain')


def account_rule(tap):
    with Stack(_dns=True) as stack:
        alice = stack.new_user('alice', 'alice@personal.example')

        with tap.story('Alice adds the domain she manages'):
            r = alice.get('/domains')
            tap.is_(r.status, 200, 'GET /domains shows her domains')
            r = alice.post('/domains', {'domain': 'Alice-Corp.TEST.'})
            tap.is_(r.status, 303, 'adding a domain answers 303')
            tap.is_([(n, u, v) for n, u, v in domain_rows(stack)],
                    [('alice-corp.test', 'alice', 0)],
                    'it is stored normalised and pending')
            r = alice.get('/domains')
            name, value = txt_of(alice, r)
            tap.is_(name, '_postern-challenge.alice-corp.test',
                    'the page names the TXT record to publish')
            tap.like(value or '', r'^postern-verify=[A-Za-z0-9_-]{43}$',
                     'and its random value')
            tap.is_(len(events(stack, 'domain_added')), 1,
                    'the addition is recorded')

        with tap.story('The ownership proof, not found and then found'):
            stack.dns_set({})
            r = alice.post('/domains/verify', {'domain': 'alice-corp.test'})
            tap.is_(r.status, 422, 'without the record: 422')
            tap.like(' '.join(alice.errors(r)), r'did not find the TXT',
                     'the page says the record was not found')
            tap.is_(domain_rows(stack)[0][2], 0, 'the domain stays pending')
            stack.dns_set({name: 'postern-verify=wrong'})
            r = alice.post('/domains/verify', {'domain': 'alice-corp.test'})
            tap.is_(r.status, 422, 'a record with another value: 422')
            stack.dns_set({name: value})
            r = alice.post('/domains/verify', {'domain': 'alice-corp.test'})
            tap.is_(r.status, 303, 'with the record published: 303')
            tap.ok(domain_rows(stack)[0][2] > 0, 'the domain is verified')
            tap.is_(events(stack, 'domain_verified'), [('alice-corp.test',)],
                    'the verification is recorded')

        with tap.story('The account rule binds each account to its own domains'):
            # Signing up is the only way an address enters so far; the
            # same check serves contacts and email change later.
            c = stack.client()
            c.get('/signup')
            r = c.post('/signup', {'username': 'alice2',
                                   'email': 'alice@alice-corp.test',
                                   'password': 'correct horse battery 7'})
            tap.is_(r.status, 303, 'under the account rule a new account '
                    'owns no domain, so its signup goes through')

        with tap.story('Bob cannot add the domain of his own address'):
            bob = stack.new_user('bob', 'bob@bob-mail.test')
            before = stack.db_snapshot()
            bob.get('/domains')
            r = bob.post('/domains', {'domain': 'mail.bob-mail.test'})
            tap.is_(r.status, 422, 'a subdomain of his address: 422')
            err = ' '.join(bob.errors(r))
            tap.like(err, r'bob@bob-mail\.test', 'the reason names his '
                     'address')
            tap.like(err, r'bob-mail\.test', 'and the domain')
            tap.like(err, r'personal', 'and suggests a personal address')
            tap.is_(add_form_value(bob, r), 'mail.bob-mail.test',
                    'the form keeps what he typed')
            ch = stack.db_changes(before)
            tap.ok(only_events(ch), 'only an event was written', ch)
            tap.is_(events(stack, 'r1_refused'), [('mail.bob-mail.test',)],
                    'the refusal under R1 is recorded')

        with tap.story('A verified domain belongs to one account'):
            r = bob.post('/domains', {'domain': 'alice-corp.test'})
            tap.is_(r.status, 422, 'Bob cannot add Alice\'s verified domain')
            err = ' '.join(bob.errors(r))
            tap.like(err, r'another account', 'he is told it is taken')
            tap.ok('alice@' not in err and 'alice ' not in err.lower(),
                   'without naming Alice or her address', err)
            r = bob.post('/domains', {'domain': 'sub.alice-corp.test'})
            tap.is_(r.status, 303, 'a different name under it can be '
                    'added, pending: ownership is proven per name')

        with tap.story('Bad input gets a 400 page and changes nothing'):
            for bad, why in (('..', 'dots only'), ('a' * 300, '300 '
                             'characters'), ('<script>', 'markup'),
                             ('co.uk', None)):
                before = stack.db_snapshot()
                r = alice.post('/domains', {'domain': bad})
                if why is None:
                    tap.is_(r.status, 422, 'a public suffix is refused')
                else:
                    tap.is_(r.status, 400, '%s: 400' % why)
                tap.ok(r.is_html and alice.errors(r), 'with an HTML page '
                       'that says why')
                tap.is_(add_form_value(alice, r), bad,
                        'and keeps what was typed')
                tap.is_(stack.db_changes(before), [], 'nothing changed')

        with tap.story('Removing a domain'):
            r = alice.post('/domains/remove', {'domain': 'alice-corp.test'})
            tap.is_(r.status, 303, 'removing answers 303')
            tap.is_(domain_rows(stack, 'alice-corp.test'), [],
                    'the domain is gone')
            tap.is_(events(stack, 'domain_removed'), [('alice-corp.test',)],
                    'the removal is recorded')
            r = alice.post('/domains/remove', {'domain': 'alice-corp.test'})
            tap.is_(r.status, 422, 'removing it again: 422')
            r = bob.post('/domains/remove', {'domain': 'alice-corp.test'})
            tap.is_(r.status, 422, 'nobody removes a domain that is not '
                    'theirs')

        with tap.story('The hoster adds and lists domains'):
            r = stack.postern('domain', 'add', 'alice', 'Bücher.test')
            tap.ok(r.returncode == 0, 'postern domain add exits 0', r.stderr)
            rows = domain_rows(stack, 'xn--bcher-kva.test')
            tap.ok(rows and rows[0][2] > 0, 'the IDN domain is added, '
                   'normalised and verified')
            r = stack.postern('domain', 'add', 'bob', 'bob-mail.test')
            tap.is_(r.returncode, 1, 'R1 refuses Bob\'s own mail domain')
            tap.like(r.stderr, r'R1', 'and says why')
            r = stack.postern('domain', 'add', 'bob', 'xn--bcher-kva.test')
            tap.is_(r.returncode, 1, 'a domain verified by Alice cannot '
                    'go to Bob')
            r = stack.postern('domain', 'list')
            tap.like(r.stdout, r'xn--bcher-kva\.test\s+alice\s+verified',
                     'postern domain list shows it')
            r = stack.postern('domain', 'frobnicate')
            tap.is_(r.returncode, 64, 'a usage error exits 64')


def platform_rule(tap):
    with Stack(_dns=True, recovery_rule='platform') as stack:
        carol = stack.new_user('carol', 'carol@shared-mail.test')
        dave = stack.new_user('dave', 'dave@mx.shared-mail.test')
        erin = stack.new_user('erin', 'erin@elsewhere.test')
        stack.mailer_once()
        mails_before = len(stack.mails())

        with tap.story('Erin verifies a domain that others use for mail'):
            erin.get('/domains')
            r = erin.post('/domains', {'domain': 'shared-mail.test'})
            tap.is_(r.status, 303, 'adding it is allowed: nobody can block '
                    'a domain by using it')
            name, value = txt_of(erin, erin.get('/domains'))
            stack.dns_set({name: value})
            r = erin.post('/domains/verify', {'domain': 'shared-mail.test'})
            tap.is_(r.status, 303, 'and verifying it too')
            told_to_replace(stack, mails_before, [
                'carol@shared-mail.test', 'dave@mx.shared-mail.test'],
                'Carol and Dave (a subdomain address)')
            tap.is_(len(events(stack, 'address_must_change')), 2,
                    'both notices are recorded')

        with tap.story('Their account pages warn until it is fixed'):
            r = carol.get('/account')
            tap.like(carol.text_of(r), r'shared-mail\.test.*replace',
                     'Carol sees the warning on /account')
            r = erin.get('/account')
            tap.ok('address-warning' not in r.text, 'Erin sees none')

        with tap.story('New signups on that domain are refused'):
            c = stack.client()
            c.get('/signup')
            before = stack.db_snapshot()
            r = c.post('/signup', {'username': 'frank',
                                   'email': 'frank@shared-mail.test',
                                   'password': 'correct horse battery 7'})
            tap.is_(r.status, 422, 'signing up there: 422')
            err = ' '.join(c.errors(r))
            tap.like(err, r'shared-mail\.test', 'the reason names the '
                     'domain')
            tap.like(err, r'personal', 'and suggests a personal address')
            v = c.form_values(r)
            tap.is_((v.get('username'), v.get('email'), v.get('password')),
                    ('frank', 'frank@shared-mail.test', ''),
                    'the form keeps all but the password')
            ch = stack.db_changes(before)
            tap.ok(only_events(ch) and len(ch) == 1, 'only the refusal '
                   'event was written', ch)
            tap.is_(events(stack, 'r1_refused')[-1], ('shared-mail.test',),
                    'and it names the domain')

        with tap.story('The hoster verifies a domain others use for mail: '
                       'they are told, as on the page'):
            hank = stack.new_user('hank', 'hank@synced-mail.test')
            ivan = stack.new_user('ivan', 'ivan@lists.synced-mail.test')
            stack.mailer_once()
            seen = len(stack.mails())
            r = stack.postern('domain', 'add', 'erin', 'Synced-Mail.test')
            tap.ok(r.returncode == 0, 'postern domain add exits 0', r.stderr)
            tap.ok(domain_rows(stack, 'synced-mail.test')[0][2] > 0,
                   'the domain is verified')
            told_to_replace(stack, seen, ['hank@synced-mail.test',
                                          'ivan@lists.synced-mail.test'],
                            'Hank and Ivan')
            tap.is_(len(events(stack, 'address_must_change')), 4,
                    'both notices are recorded, as the web path does')
            r = hank.get('/account')
            tap.like(hank.text_of(r), r'synced-mail\.test.*replace',
                     'Hank sees the warning on /account')
            seen = len(stack.mails())
            r = stack.postern('domain', 'add', 'erin', 'synced-mail.test')
            tap.is_(r.returncode, 0, 'adding it again exits 0')
            stack.mailer_once()
            tap.is_(stack.mails()[seen:], [], 'and tells nobody twice')

        with tap.story('A pending domain blocks nobody'):
            carol.get('/domains')
            r = carol.post('/domains', {'domain': 'pending-only.test'})
            tap.is_(r.status, 303, 'Carol adds a domain she does not prove')
            c = stack.client()
            c.get('/signup')
            r = c.post('/signup', {'username': 'gina',
                                   'email': 'gina@pending-only.test',
                                   'password': 'correct horse battery 7'})
            tap.is_(r.status, 303, 'Gina signs up with an address there')


def tcp_txt_answer(port, name):
    """The raw DNS answer of a TXT query for name, over TCP (where it
    is not cut to 512 bytes), as the server on 127.0.0.1:port sends
    it."""
    query = struct.pack('>HHHHHH', 0x5054, 0x0100, 1, 0, 0, 0) + b''.join(
        bytes([len(label)]) + label.encode() for label in name.split('.')
    ) + b'\0' + struct.pack('>HH', 16, 1)
    with socket.create_connection(('127.0.0.1', port), timeout=10) as s:
        s.sendall(struct.pack('>H', len(query)) + query)
        data = b''
        while len(data) < 2 or len(data) < 2 + struct.unpack(
                '>H', data[:2])[0]:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return data[2:]


def large_answer(tap):
    """lib/dns.c read a truncated answer as long as res_nquery said the
    whole one was: past the end of its buffer.  Under valgrind that is
    an invalid read; without it, the record past the buffer is lost."""
    valgrind = os.path.exists(VALGRIND) and not sanitized_build()
    if valgrind:
        stack = ValgrindStack(_dns=True, _valgrind=('domains',))
    else:
        stack = Stack(_dns=True)
    with stack:
        with tap.story('A record among 10 kB of TXT records verifies, read '
                       'within bounds'):
            fay = stack.new_user('fay', 'fay@personal.example')
            fay.get('/domains')
            r = fay.post('/domains', {'domain': 'big-zone.test'})
            tap.is_(r.status, 303, 'Fay adds big-zone.test')
            name, value = txt_of(fay, fay.get('/domains'))
            # dnsmasq answers its records last first: hers comes last.
            filler = ['other-record-%02d-%s' % (i, 'x' * 200)
                      for i in range(48)]
            stack.dns_set({name: [value] + filler})
            answer = tcp_txt_answer(stack.dns_port, name)
            at = answer.find((value or '-').encode())
            tap.ok(len(answer) > 8192 and at > 4096, 'the answer is %d '
                   'bytes, her record at byte %d: past the first 4,096 '
                   'bytes Postern reads' % (len(answer), at))
            r = fay.post('/domains/verify', {'domain': 'big-zone.test'})
            tap.is_(r.status, 303, 'verifying answers 303')
            rows = domain_rows(stack, 'big-zone.test')
            tap.ok(rows and rows[0][2] > 0, 'the domain is verified')
            if not valgrind:
                tap.skip('valgrind is not installed, or the build is '
                         'under AddressSanitizer')
                return
            blocks = error_blocks(_read(stack.vg_log('domains')))
            tap.is_(blocks, [], 'valgrind saw domains.fcgi read nothing '
                    'past a buffer, in libresolv or anywhere')


def main():
    account_rule(tap)
    platform_rule(tap)
    large_answer(tap)


tap.run(main)
