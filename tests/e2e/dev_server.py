#!/usr/bin/python3
"""
dev_server.py: the instance `make run` serves has phones and recovery
kits out of the box (issue 18), so a person trying Postern locally can
add a phone and ask for a kit without configuring anything.

  - its configuration names an sms_command and an admin_email;
  - a phone added on /contacts gets its code in the SMS log the startup
    banner names, and is verified with it;
  - a recovery kit sends one half to the person and the other to the
    local admin address, in the same mail folder.
"""

import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                'scripts'))
from devserver import DEV_ADMIN, dev_stack  # noqa: E402
from harness import (Deliveries, Tap, add_verified_contact, free_port,  # noqa: E402,E501
                     proof, sms_log, sms_messages)

tap = Tap()
GROUPS_LINE = re.compile(r'^\s*([A-Z2-7]{4}(?:-[A-Z2-7]{4})+)\s*$', re.M)


def main():
    work = tempfile.mkdtemp(prefix='postern-dev-')
    try:
        with dev_stack(free_port(), work, mailer=False) as stack:
            stories(stack)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def stories(stack):
    with tap.story('make run configures SMS and kits'):
        conf = open(stack.conf_path).read()
        tap.like(conf, r'(?m)^sms_command = \S+', 'an sms_command is set')
        tap.like(conf, r'(?m)^admin_email = %s$' % re.escape(DEV_ADMIN),
                 'and an admin_email')
        tap.is_(os.path.dirname(sms_log(stack)), stack.tmp,
                'text messages are kept in the run folder')

    post = Deliveries(stack)
    ann = stack.new_user('ann', 'ann@example.org')
    post.deliver()

    with tap.story('Ann adds a phone; its code reaches the SMS log'):
        r = ann.get('/contacts')
        tap.like(r.text, r'(?i)phone', '/contacts offers phones')
        add_verified_contact(stack, post, ann, 'ann', 'phone',
                             '+4915112345678')
        texts = sms_messages(stack, '+4915112345678')
        tap.ok(len(texts) >= 1, 'the phone got a text message')
        tap.is_(stack.sql("SELECT verified_at > 0 FROM contacts WHERE "
                          "value = '+4915112345678'"), [(1,)],
                'and the code in it verified the phone')

    with tap.story('Ann asks for a kit; the admin half reaches the local '
                   'admin'):
        add_verified_contact(stack, post, ann, 'ann', 'email',
                             'ann@safe.example')
        r = ann.post('/contacts/kit', proof(ann))
        tap.is_(r.status, 303, 'the kit is sent')
        mails, _ = post.deliver()
        admin = Deliveries.to(mails, DEV_ADMIN)
        tap.is_(len(admin), 1, '%s gets one mail' % DEV_ADMIN)
        tap.is_(len(GROUPS_LINE.findall(admin[0].body) if admin else []), 1,
                'holding the admin half')
        mine = [h for m in Deliveries.to(mails, 'ann@safe.example')
                for h in GROUPS_LINE.findall(m.body)]
        tap.is_(len(mine), 1, 'Ann\'s recovery address gets her half')


tap.run(main)
