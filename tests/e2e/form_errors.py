#!/usr/bin/python3
"""
form_errors.py: a refused form says what is wrong beside each field, all
at once (issue 18, item 4).  Every refused field gets its own words in a
<p class="field-error" id="<input>-error"> after its input, the input is
marked aria-invalid="true" and aria-describedby that paragraph, the
first refused input has autofocus (no script: the CSP forbids inline
script), and a summary at the top (role="alert", the .error hook) names
the fields and links to them.  What was typed stays, except passwords.
The words say what to type.  Errors the flow finds after the checks (a
wrong password) go beside their field as well; they leave the focus at
the top of the page, where a keyboard user tabbing through the form again
expects it.
"""

import html.parser
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Stack, Tap, keeps_typed  # noqa: E402

tap = Tap()

PASSWORD = 'correct horse battery 7'


class Page(html.parser.HTMLParser):
    """The inputs by id (their attributes), the texts of the elements
    with an id, and the role="alert" summary's links."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.inputs, self.texts, self.summary_links = {}, {}, []
        self.open = []          # [id, tag, text] of elements with an id
        self.in_alert = 0
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'input' and 'id' in a:
            self.inputs[a['id']] = a
        if self.in_alert and tag == 'a':
            self.summary_links.append(a.get('href'))
        if tag in ('input', 'br'):
            return
        if self.in_alert:
            self.in_alert += 1
        elif a.get('role') == 'alert' and 'error' in a.get('class', ''):
            self.in_alert = 1
        self.open.append([a.get('id'), tag, ''])

    def handle_endtag(self, tag):
        if self.in_alert:
            self.in_alert -= 1
        while self.open:
            ident, t, text = self.open.pop()
            if ident:
                self.texts[ident] = text.strip()
            if t == tag:
                break

    def handle_data(self, data):
        for el in self.open:
            el[2] += data


def beside(story, r, ident, words, first=False):
    """The input ident was refused with words (a regex) shown after it,
    marked for screen readers; with first, it has the focus."""
    p = Page(r.text)
    attrs = p.inputs.get(ident, {})
    err = ident + '-error'
    tap.like(p.texts.get(err, ''), words,
             '%s: the words beside %s say what to type' % (story, ident))
    tap.is_(attrs.get('aria-invalid'), 'true',
            '%s: %s is marked aria-invalid' % (story, ident))
    tap.ok(err in (attrs.get('aria-describedby') or '').split(),
           '%s: %s is described by its error' % (story, ident),
           attrs.get('aria-describedby'))
    tap.ok('#' + ident in p.summary_links,
           '%s: the summary at the top names %s' % (story, ident),
           p.summary_links)
    tap.is_('autofocus' in attrs, first, '%s: %s %s the focus' % (
        story, ident, 'takes' if first else 'does not take'))
    # The error paragraph comes right after its input in the page.
    tap.ok(0 <= r.text.find('id="%s"' % ident) <
           r.text.find('id="%s"' % err),
           '%s: the words for %s follow its input' % (story, ident))


def valid(story, r, ident):
    attrs = Page(r.text).inputs.get(ident, {})
    tap.ok('aria-invalid' not in attrs and 'autofocus' not in attrs,
           '%s: %s, typed well, is not marked' % (story, ident), attrs)


def main():
    with Stack() as stack:
        stories(stack)


def stories(stack):
    with tap.story('A signup with three bad fields shows all three beside '
                   'their fields, focus on the first'):
        c = stack.client()
        c.get('/signup')
        before = stack.db_snapshot()
        story = 'signup'
        r = c.post('/signup', {'username': 'a!', 'email': 'not-an-address',
                               'password': 'short'})
        tap.is_(r.status, 400, '%s: answers 400, the form again' % story)
        beside(story, r, 'username', r'Type a username of 3 to 32',
               first=True)
        beside(story, r, 'email', r'does not look like an email address.*'
               r'name@example\.org')
        beside(story, r, 'password', r'Type a password of 8 to 256')
        tap.is_(len(Page(r.text).summary_links), 3,
                '%s: the summary names the three fields, once each' % story)
        keeps_typed(tap, c, r, story, {'username': 'a!',
                                       'email': 'not-an-address'})
        tap.is_(stack.db_changes(before), [], '%s: nothing changed and no '
                'mail was queued' % story)

        story = 'signup, the name well typed'
        r = c.post('/signup', {'username': 'carol', 'email': '',
                               'password': PASSWORD})
        beside(story, r, 'email', r'^Type an email address, such as '
               r'name@example\.org', first=True)
        valid(story, r, 'username')
        valid(story, r, 'password')

    ada = stack.new_user('ada', 'ada@example.org', PASSWORD)

    with tap.story('An empty contact asks for an address or a number'):
        ada.get('/contacts')
        before = stack.db_snapshot()
        story = 'empty contact'
        r = ada.post('/contacts', {'kind': 'email', 'value': '',
                                   'password': PASSWORD})
        tap.is_(r.status, 400, '%s: answers 400' % story)
        beside(story, r, 'value', r'^Type an email address or a phone '
               r'number\.$', first=True)
        tap.unlike(r.text, r'does not look like', '%s: it does not call '
                   'nothing a malformed address' % story)
        tap.is_(stack.db_changes(before), [], '%s: nothing changed' % story)

    with tap.story('A wrong password goes beside the password, the typed '
                   'address stays'):
        story = 'wrong password'
        r = ada.post('/contacts', {'kind': 'email',
                                   'value': 'ada@spare.example',
                                   'password': 'not the password'})
        tap.is_(r.status, 422, '%s: answers 422' % story)
        beside(story, r, 'add-password', r'password is not right')
        valid(story, r, 'value')
        keeps_typed(tap, ada, r, story, {'value': 'ada@spare.example'})

    with tap.story('A web address in the domain field says what to type'):
        ada.get('/domains')
        before = stack.db_snapshot()
        story = 'https:// in a domain'
        r = ada.post('/domains', {'domain': 'https://example.org/'})
        tap.is_(r.status, 400, '%s: answers 400' % story)
        beside(story, r, 'domain', r'Type only the domain name, such as '
               r'example\.org, without https://', first=True)
        keeps_typed(tap, ada, r, story, {'domain': 'https://example.org/'})
        tap.is_(stack.db_changes(before), [], '%s: nothing changed' % story)

    with tap.story('A new password too short and a wrong current one: the '
                   'short one is said first, the form keeps no password'):
        ada.get('/account/password')
        story = 'password change'
        r = ada.post('/account/password', {'password': 'wrong',
                                           'new_password': 'short'})
        tap.is_(r.status, 422, '%s: answers 422' % story)
        beside(story, r, 'new_password', r'Type a password of 8 to 256',
               first=True)
        valid(story, r, 'password')
        keeps_typed(tap, ada, r, story, {'new_password': ''})


tap.run(main)
