#!/usr/bin/python3
"""
echo_headers.py: a tiny HTTP service for tests/e2e/authorizer.py, the
stand-in for a hoster's control panel behind a proxy.  It answers every
request with a JSON object of the method, the path and the request
headers it got, in order, as [name, value] pairs.  It listens on
127.0.0.1 (--port, 0 for any free one) and prints "ready PORT".
"""

import argparse
import http.server
import json
import sys


class Echo(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        body = json.dumps({'method': self.command, 'path': self.path,
                           'headers': list(self.headers.items())}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=0)
    args = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', args.port), Echo)
    print('ready %d' % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == '__main__':
    sys.exit(main())
