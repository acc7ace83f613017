#!/usr/bin/python3
"""A real SMTP server for Postern's tests and `make run`.

    /usr/bin/python3 tests/smtpd.py --port PORT --maildir DIR
                                    [--mode ok|tempfail|permfail]
                                    [--auth USER:PASSWORD]
                                    [--tls CERT.pem:KEY.pem]

It listens on 127.0.0.1 only (--port 0 picks a free port), prints
"ready PORT" on standard output once it accepts connections, and stops
cleanly on SIGTERM or SIGINT.

Every accepted message is stored as DIR/NNNNNN.eml (a six-digit counter
that carries on after the highest file already there), written to a
temporary name first and renamed, so a reader never sees half a mail.
The file holds the message exactly as it came over the wire (CRLF line
ends, dot-stuffing undone), after one added first line:

    X-Postern-Rcpt: <the envelope recipients, comma-separated>

so a test can check the envelope as well as the headers with any mail
parser.

--mode tempfail answers 451 to every RCPT TO, --mode permfail 550;
nothing is stored in either mode.

--auth USER:PASSWORD makes it a relay that wants AUTH (PLAIN or LOGIN,
offered without TLS since it is local) before MAIL FROM, and accepts
only that pair: 535 for any other, 530 for mail without AUTH.

--tls CERT:KEY offers STARTTLS with that certificate and refuses mail
sent without it (530); a mail that came over TLS gets a second added
line, "X-Postern-TLS: <protocol version>".

Needs Debian's python3-aiosmtpd (hence /usr/bin/python3).
"""

import argparse
import asyncio
import os
import re
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

NAME = re.compile(r"^(\d{6})\.eml$")


class Sink:
    """aiosmtpd handler: refuse or store, as the mode says."""

    def __init__(self, maildir, mode):
        self.maildir = maildir
        self.mode = mode
        self.counter = 0
        for name in os.listdir(maildir):
            m = NAME.match(name)
            if m:
                self.counter = max(self.counter, int(m.group(1)))

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if self.mode == "tempfail":
            return "451 4.3.0 Try again later (test server in tempfail mode)"
        if self.mode == "permfail":
            return "550 5.1.1 Mailbox unavailable (test server in permfail mode)"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.counter += 1
        name = "%06d.eml" % self.counter
        tmp = os.path.join(self.maildir, ".tmp-" + name)
        header = "X-Postern-Rcpt: %s\r\n" % ", ".join(envelope.rcpt_tos)
        if session.ssl is not None:
            header += "X-Postern-TLS: %s\r\n" % session.ssl["ssl_object"].version()
        with open(tmp, "wb") as f:
            f.write(header.encode("utf-8"))
            f.write(envelope.original_content)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.maildir, name))
        return "250 2.0.0 Stored as %s" % name


def authenticator(user, password):
    """aiosmtpd authenticator accepting exactly one login and password."""
    want = LoginPassword(user.encode(), password.encode())

    def check(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=auth_data == want, handled=False)
    return check


async def serve(args):
    loop = asyncio.get_running_loop()
    handler = Sink(args.maildir, args.mode)
    options = {"hostname": "postern-test-smtpd"}
    if args.auth is not None:
        user, _, password = args.auth.partition(":")
        options.update(authenticator=authenticator(user, password),
                       auth_required=True, auth_require_tls=False)
    if args.tls is not None:
        cert, _, key = args.tls.partition(":")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        options.update(tls_context=context, require_starttls=True)
    server = await loop.create_server(
        lambda: SMTP(handler, **options),
        host="127.0.0.1", port=args.port)
    port = server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("ready %d" % port, flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True,
                   help="port on 127.0.0.1; 0 picks a free one")
    p.add_argument("--maildir", required=True,
                   help="folder that receives NNNNNN.eml files")
    p.add_argument("--mode", choices=("ok", "tempfail", "permfail"),
                   default="ok")
    p.add_argument("--auth", metavar="USER:PASSWORD",
                   help="require AUTH with this login and password")
    p.add_argument("--tls", metavar="CERT:KEY",
                   help="offer and require STARTTLS with this certificate")
    args = p.parse_args()
    os.makedirs(args.maildir, exist_ok=True)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
