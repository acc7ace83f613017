"""
The harness of the end-to-end tests: it starts the real Postern stack
for one test and tears it down again, and gives the tests a browser-like
HTTP client, a look into the mail folder and the database, and a small
TAP printer.

The stack is the one a hoster runs: lighttpd with mod_fastcgi starting
every program under $POSTERN_BUILD/cgi-bin, the SQLite file made by
`postern init`, and the SMTP server of tests/smtpd.py writing each mail
it receives to a folder.  Nothing is mocked.

    from harness import Stack, Tap

    tap = Tap()

    def main():
        with Stack() as stack:
            c = stack.client()
            r = c.get('/signup')
            tap.is_(r.status, 200, 'the signup form opens')

    tap.run(main)

The modules: paths (where things are), stack (the processes: lighttpd,
the SMTP server, dnsmasq), servers (valgrind, spawn-fcgi, Apache),
client (HTTP and the security headers), page (what a page shows), mail
(mails, text messages, codes and links), db (reads, snapshots, time
travel), tap, twofa (the authenticator), stories (steps several
tests share) and owners (the owner and attackers of the attack
stories).  Everything is here under one name, so a test imports
from harness alone.  The development server of `make run` is not part
of it: scripts/devserver.py.

Python 3 standard library only: it runs with Debian's /usr/bin/python3.
"""

from .paths import *  # noqa: F401,F403
from .stack import *  # noqa: F401,F403
from .stack import (_die_with_parent, _http_answers, _lighttpd_string,  # noqa: F401,E501
                    _proc_alive, _proc_children, _proc_cmdline, _read,
                    _stop_process)
from .client import *  # noqa: F401,F403
from .page import *  # noqa: F401,F403
from .mail import *  # noqa: F401,F403
from .db import *  # noqa: F401,F403
from .tap import *  # noqa: F401,F403
from .tap import _show, _term_raises  # noqa: F401
from .twofa import *  # noqa: F401,F403
from .stories import *  # noqa: F401,F403
from .servers import *  # noqa: F401,F403
from .servers import _descendants  # noqa: F401
from .owners import *  # noqa: F401,F403
