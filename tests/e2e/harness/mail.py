"""
What reached people: the mails the SMTP server kept, the text messages
the test sms_command logged, and the codes and links in them.
"""

import email
import email.policy
import json
import os
import re
import urllib.parse

from .paths import REPO


class Mail:
    """One stored mail: msg (an email.message.EmailMessage), recipients
    (the envelope's RCPT TO addresses), subject, body (text)."""

    def __init__(self, name, raw):
        self.name = name
        self.raw = raw
        self.msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.recipients = self._envelope_recipients()
        self.subject = str(self.msg.get('Subject', ''))
        part = self.msg.get_body(('plain',)) if self.msg.is_multipart() \
            else self.msg
        try:
            self.body = part.get_content()
        except (KeyError, LookupError, AttributeError):
            payload = part.get_payload(decode=True) or b''
            self.body = payload.decode('utf-8', 'replace')

    def _envelope_recipients(self):
        # tests/smtpd.py adds the envelope recipients as the first line,
        # "X-Postern-Rcpt: a@b, c@d".
        for h in ('X-Postern-Rcpt',):
            vals = self.msg.get_all(h)
            if vals:
                out = []
                for v in vals:
                    out += [a.strip().strip('<>') for a in str(v).split(',')
                            if a.strip()]
                return out
        return []

    def __getitem__(self, name):
        return self.msg[name]

    def __repr__(self):
        return '<Mail %s to %s: %r>' % (self.name, self.recipients,
                                        self.subject)


# The test sms_command: it appends what it gets to sms_log(stack).
SMS_CAPTURE = os.path.join(REPO, 'tests', 'sms-capture')

# A one-time code of a mail or SMS: a line that is exactly 8 digits.
CODE_LINE = re.compile(r'^\s*(\d{8})\s*$', re.M)

# A recovery code or kit half: groups of 4 base32 characters joined by -.
GROUPS = r'[A-Z2-7]{4}(?:-[A-Z2-7]{4})+'


def sms_log(stack):
    """Where tests/sms-capture writes: $POSTERN_SMS_LOG, or sms.log next
    to the stack's configuration file."""
    return os.environ.get('POSTERN_SMS_LOG') or \
        os.path.join(os.path.dirname(stack.conf_path), 'sms.log')


def sms_messages(stack, to=None):
    """Every SMS tests/sms-capture received, oldest first, as dicts with
    'to' (its one argument), 'argv' (all its arguments) and 'text' (its
    standard input); only those to the number to when given."""
    out = []
    try:
        with open(sms_log(stack), 'r', encoding='utf-8') as f:
            for line in f:
                if line.strip():
                    out.append(json.loads(line))
    except FileNotFoundError:
        pass
    if to is not None:
        out = [m for m in out if m.get('to') == to]
    return out


def codes_in(text):
    """The one-time codes of a mail body or SMS text: every line that is
    exactly 8 digits."""
    return CODE_LINE.findall(text or '')


def code_in(text):
    """The last one-time code in text, or None."""
    found = codes_in(text)
    return found[-1] if found else None


class Deliveries:
    """What reached people since the last look: deliver() runs one
    `postern mailer --once` and returns the mails and SMS that arrived
    since the previous call (or since this object was made)."""

    def __init__(self, stack):
        self.stack = stack
        self.mail_seen = len(stack.mails())
        self.sms_seen = len(sms_messages(stack))
        self.last_run = None

    def deliver(self):
        self.last_run = self.stack.mailer_once()
        mails = self.stack.mails()
        sms = sms_messages(self.stack)
        new_mails, new_sms = mails[self.mail_seen:], sms[self.sms_seen:]
        self.mail_seen, self.sms_seen = len(mails), len(sms)
        return new_mails, new_sms

    @staticmethod
    def to(items, who):
        """The mails (Mail) or SMS (dict) of items addressed to who."""
        who = who.lower()
        out = []
        for m in items:
            if isinstance(m, dict):
                if m.get('to') == who:
                    out.append(m)
            elif who in (r.lower() for r in m.recipients):
                out.append(m)
        return out


# A link token: 32 random bytes in base64url.
TOKEN = r'[A-Za-z0-9_-]{43}'


def message_text(m):
    """The text of a Mail (subject and body) or an SMS (a dict)."""
    return m['text'] if isinstance(m, dict) else \
        '%s\n%s' % (m.subject, m.body)


def links_in(stack, m, path_prefix):
    """The lines of a mail body or an SMS text that are exactly a link
    starting with base_url + path_prefix."""
    want = stack.base_url + path_prefix
    text = m['text'] if isinstance(m, dict) else m.body
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(want) and re.fullmatch(r'https?://\S+', line):
            out.append(line)
    return out


def token_of(link):
    """The t= of a link, or None."""
    if not link:
        return None
    q = urllib.parse.urlsplit(link).query
    vals = urllib.parse.parse_qs(q).get('t')
    return vals[0] if vals else None


def recipients_of(mails, sms):
    """Every recipient of mails and sms, sorted (with repeats)."""
    return sorted([r.lower() for m in mails for r in m.recipients] +
                  [m['to'] for m in sms])
