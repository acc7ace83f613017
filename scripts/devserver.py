#!/usr/bin/python3
"""
devserver.py: the local instance of `make run` (scripts/run.sh starts
it).  It serves Postern on http://127.0.0.1:8080/ with the stack of the
end-to-end tests (tests/e2e/harness): lighttpd, the SMTP server of
tests/smtpd.py keeping every mail in a folder, and `postern mailer`
delivering to it, until Ctrl-C.  Text messages go to a log beside the
mail folder, and the admin half of a recovery kit to a local address.

    devserver.py [--port N] [--dir DIR] [--dns-server HOST:PORT]

tests/e2e/dev_server.py imports dev_stack() to check what it serves.
"""

import argparse
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'tests', 'e2e'))
from harness import SMS_CAPTURE, Stack, StartError, _term_raises, sms_log  # noqa: E402,E501


# The administrator of a local instance: receives the admin half of
# every recovery kit (R6) in the same mail folder.
DEV_ADMIN = 'hoster@postern.test'


def dev_stack(port, workdir, mailer=True):
    """The instance `make run` serves (not started yet).  Phones and
    recovery kits work out of the box: text messages go to a log beside
    the mail folder, and the admin half of a kit is mailed like any
    other mail, to DEV_ADMIN.  mailer: run `postern mailer` in the
    background (a test delivers by itself instead)."""
    return Stack(_port=port, _dir=workdir, _mailer=mailer, _fresh=True,
                 sms_command=SMS_CAPTURE, admin_email=DEV_ADMIN)


def serve(argv):
    ap = argparse.ArgumentParser(
        prog='devserver.py',
        description='Serve Postern locally with a mail folder until Ctrl-C.')
    ap.add_argument('--port', type=int, default=8080)
    ap.add_argument('--dir', default='run')
    ap.add_argument('--dns-server', help='host:port for domain look-ups')
    args = ap.parse_args(argv)
    _term_raises()
    stack = dev_stack(args.port, args.dir)
    if args.dns_server:
        stack.conf_overrides['dns_server'] = args.dns_server
    try:
        stack.start()
    except StartError as e:
        stack.stop()
        sys.stderr.write('postern: %s\n' % e)
        return 1
    except KeyboardInterrupt:
        stack.stop()
        return 1
    try:
        print('Postern is running at %s/ (sign up at %s/signup)' % (
            stack.base_url, stack.base_url))
        print('Mails it sends are kept in %s' % stack.maildir)
        print('Text messages (SMS) it sends are kept in %s' %
              sms_log(stack))
        print('Recovery kits mail their admin half to %s' % DEV_ADMIN)
        print('Logs: %s, %s' % (stack.errorlog, stack.breakagelog))
        print('Ctrl-C stops everything.', flush=True)
        while True:
            time.sleep(0.5)
            if stack.lighttpd is None or stack.lighttpd.poll() is not None:
                stack.lighttpd = None
                stack._print_logs('lighttpd stopped')
                return 1
            for name, proc in (('the SMTP server', stack.smtp_proc),
                               ('postern mailer', stack.mailer)):
                if proc is not None and proc.poll() is not None:
                    sys.stderr.write('postern: %s stopped (status %d); see '
                                     '%s\n' % (name, proc.returncode,
                                               stack.tmp))
                    return 1
    except KeyboardInterrupt:
        print('\nStopping.', flush=True)
        return 0
    finally:
        # Ctrl-C reaches every process of the group, some twice: a second
        # signal must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()


if __name__ == '__main__':
    sys.exit(serve(sys.argv[1:]))
