#!/usr/bin/python3
"""env_cgi.py: a CGI program for tests/e2e/authorizer.py, the stand-in
for a hoster's protected program: it answers with the environment the
web server gave it, as a JSON object."""

import json
import os
import sys

body = json.dumps(dict(os.environ)).encode()
sys.stdout.buffer.write(b'Content-Type: application/json\r\n'
                        b'Content-Length: %d\r\n\r\n' % len(body) + body)
