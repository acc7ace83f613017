#!/usr/bin/python3
"""
site_name.py: the hoster's name (site_name, DESIGN section 6) wherever
people meet Postern (issue 18 item 6), on the real stack:

  - every page's title ends with it and the header shows it;
  - every mail comes From the site by name, the name RFC 2047-encoded
    when it is not ASCII and quoted when it holds specials, so a mail
    reader (Python's email package here) shows it as written; every
    subject starts with it; every mail ends with a signature naming it
    and, with admin_email set, a line saying whom to write to (and no
    such line without one);
  - every SMS starts with it;
  - a site_name that could break a header (a CR, a newline, a C1
    control) stops `postern check-config` and the mailer, naming the
    line.
"""

import html
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SMS_CAPTURE, Deliveries, Stack, Tap, person,  # noqa: E402
                     sms_messages)

tap = Tap()

CAFE = 'Café Hosting'
CONTACT = 'help@cafe.example'
# Specials of RFC 5322 that only a quoted-string keeps in one name.
QUOTED = 'Example "Mail", Inc. \\ Co'


def page_title(resp):
    m = re.search(r'<title>(.*?)</title>', resp.text, re.S)
    return html.unescape(m.group(1)) if m else None


def brand(resp):
    m = re.search(r'<a class="brand"[^>]*>(.*?)</a>', resp.text, re.S)
    return html.unescape(m.group(1)) if m else None


def sender(mail):
    """(display name, address) of the From header as a reader sees it."""
    addrs = mail.msg['From'].addresses
    return (addrs[0].display_name, addrs[0].addr_spec) if addrs else None


def raw_header(mail, name):
    """The header as it travelled, with its folded lines (bytes)."""
    head = mail.raw.split(b'\r\n\r\n', 1)[0]
    m = re.search(rb'(?mi)^' + name.encode() +
                  rb':([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)', head)
    return m.group(1) if m else None


def cafe():
    with Stack(site_name=CAFE, admin_email=CONTACT,
               sms_command=SMS_CAPTURE) as stack:
        with tap.story('Pages carry the site\'s name'):
            c = stack.client()
            for path in ('/login', '/signup', '/reset'):
                r = c.get(path)
                title = page_title(r) or ''
                tap.ok(r.status == 200 and title.endswith(' · ' + CAFE) and
                       len(title) > len(' · ' + CAFE),
                       'the title of %s is "<page> · %s"' % (path, CAFE),
                       title)
                tap.is_(brand(r), CAFE, 'the header of %s shows %s'
                        % (path, CAFE))
                tap.ok('Postern' not in (title + (brand(r) or '')),
                       'and %s names no Postern there' % path)

        post = Deliveries(stack)
        ann = person(stack, post, 'ann', 'ann@home.example',
                     emails=['ann@work.example'], phones=['+49301234567'],
                     established=False)
        r = ann.get('/account')
        tap.ok(page_title(r).endswith(' · ' + CAFE),
               'a logged-in page\'s title ends with the name too',
               page_title(r))

        mails, sms = stack.mails(), sms_messages(stack)
        with tap.story('Every mail is from %s' % CAFE):
            tap.ok(len(mails) >= 3, 'signup and contacts sent mails',
                   [m.subject for m in mails])
            for m in mails:
                who = '"%s" to %s' % (m.subject, m.recipients)
                tap.is_(sender(m), (CAFE, 'postern@example.org'),
                        '%s: From shows %s <mail_from>' % (who, CAFE))
                raw = raw_header(m, 'From') or b''
                tap.ok(b'=?UTF-8?B?' in raw and max(raw) < 0x80,
                       '%s: the name travels as an RFC 2047 encoded-word'
                       % who, raw)
                tap.ok(m.subject.startswith(CAFE + ': ') and
                       len(m.subject) > len(CAFE) + 2,
                       '%s: the subject starts with "%s: "' % (who, CAFE))
                body = m.body.replace('\r\n', '\n')
                tap.ok(body.endswith('\n\n-- \n%s\nQuestions? Write to %s\n'
                                     % (CAFE, CONTACT)),
                       '%s: it ends with a signature naming %s and the '
                       'contact line' % (who, CAFE), body[-120:])
            subjects = [m.subject for m in mails]
            tap.ok(CAFE + ': Verify your address' in subjects,
                   'the verification mail reads "%s: Verify your address"'
                   % CAFE, subjects)

        with tap.story('Every SMS starts with %s' % CAFE):
            tap.ok(len(sms) >= 1, 'the phone got its code', sms)
            for s in sms:
                tap.ok(s['text'].startswith(CAFE + ': '),
                       'the SMS starts with "%s: "' % CAFE, s['text'][:60])


def quoted_without_contact():
    with Stack(site_name=QUOTED) as stack:
        with tap.story('A name with quotes, commas and a backslash, and no '
                       'admin_email'):
            r = stack.client().get('/login')
            tap.ok((page_title(r) or '').endswith(' · ' + QUOTED),
                   'the title ends with the name, escaped for HTML only',
                   page_title(r))
            stack.new_user('bea', 'bea@home.example', login=False)
            got = stack.mails_to('bea@home.example')
            m = got[0] if got else None
            tap.ok(m is not None, 'the verification mail arrived')
            if m is None:
                return
            tap.is_(sender(m), (QUOTED, 'postern@example.org'),
                    'a reader shows the name as written, one sender')
            tap.is_(len(m.msg['From'].addresses), 1,
                    'the comma did not make two senders')
            tap.like((raw_header(m, 'From') or b'').decode('ascii'),
                     r'^ "Example \\"Mail\\", Inc\. \\\\ Co" '
                     r'<postern@example\.org>$',
                     'From is an RFC 5322 quoted-string with \\" and \\\\')
            tap.is_(m.subject, QUOTED + ': Verify your address',
                    'the subject starts with the name')
            body = m.body.replace('\r\n', '\n')
            tap.ok(body.endswith('\n\n-- \n%s\n' % QUOTED),
                   'the signature names the site and nothing more',
                   body[-80:])
            tap.ok('Write to' not in body and 'Questions?' not in body,
                   'no contact line without admin_email')


def refused_names():
    with Stack() as stack:
        good = open(stack.conf_path, encoding='utf-8').read()
        lines = good.count('\n')
        bad = os.path.join(stack.tmp, 'bad.conf')
        with tap.story('A site_name that could break a header is refused '
                       'when the configuration is read'):
            for value, what, line, why in (
                    ('Evil\rBcc: x@example.net', 'a CR', lines + 1,
                     'control character'),
                    ('Evil\nBcc: x@example.net', 'a newline', lines + 2,
                     'expected "key = value"'),
                    ('Evil\u0085Bcc: x@example.net', 'a C1 NEL', lines + 1,
                     'site_name must not hold a control character')):
                with open(bad, 'w', encoding='utf-8', newline='') as f:
                    f.write(good + 'site_name = %s\n' % value)
                for cmd in (('check-config',), ('mailer', '--once')):
                    r = stack.postern('-f', bad, *cmd)
                    tap.is_(r.returncode, 78, 'postern %s with %s in '
                            'site_name exits 78' % (cmd[0], what))
                    tap.like(r.stderr, re.escape('%s:%d: %s' % (bad, line,
                                                                why)),
                             'naming the file, line %d and why' % line)


def main():
    cafe()
    quoted_without_contact()
    refused_names()


tap.run(main)
