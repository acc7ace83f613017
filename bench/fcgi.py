"""
fcgi.py: a FastCGI web server's side in a few lines, for
bench/callgrind.py: it starts a program the way lighttpd's bin-path
does (a listening Unix socket as its standard input) and sends it
requests with the parameters lighttpd sends.

Python 3 standard library only.
"""

import os
import socket
import struct
import subprocess
import time

BEGIN_REQUEST = 1
END_REQUEST = 3
PARAMS = 4
STDIN = 5
STDOUT = 6
STDERR = 7
RESPONDER = 1


def _record(rtype, content, request_id=1):
    pad = -len(content) % 8
    return struct.pack('>BBHHBB', 1, rtype, request_id, len(content), pad,
                       0) + content + b'\0' * pad


def _length(n):
    return bytes([n]) if n < 128 else struct.pack('>I', n | 0x80000000)


def _params(pairs):
    out = b''
    for k, v in pairs:
        k, v = k.encode(), v.encode()
        out += _length(len(k)) + _length(len(v)) + k + v
    return out


def _stream(rtype, data):
    """data as records of at most 65535 bytes, then the empty record
    that ends the stream."""
    out = b''
    for i in range(0, len(data), 65535):
        out += _record(rtype, data[i:i + 65535])
    return out + _record(rtype, b'')


class Program:
    """A FastCGI program listening on sock_path, started with argv
    (which may put valgrind in front of it)."""

    def __init__(self, argv, sock_path, env, log):
        self.sock_path = sock_path
        if os.path.exists(sock_path):
            os.unlink(sock_path)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(sock_path)
        self.listener.listen(64)
        self.proc = subprocess.Popen(argv, stdin=self.listener.fileno(),
                                     stdout=log, stderr=log, env=env,
                                     close_fds=True)

    def request(self, method, uri, headers=(), body=b'', remote='127.0.0.1'):
        """(status, body) of one request, parameters as lighttpd 1.4
        sends them."""
        path, _, query = uri.partition('?')
        params = [
            ('CONTENT_LENGTH', str(len(body))),
            ('QUERY_STRING', query),
            ('REQUEST_URI', uri),
            ('REDIRECT_STATUS', '200'),
            ('SCRIPT_NAME', path),
            ('SCRIPT_FILENAME', '/nonexistent' + path),
            ('DOCUMENT_ROOT', '/nonexistent'),
            ('REQUEST_METHOD', method),
            ('SERVER_PROTOCOL', 'HTTP/1.1'),
            ('SERVER_SOFTWARE', ''),
            ('GATEWAY_INTERFACE', 'CGI/1.1'),
            ('REQUEST_SCHEME', 'http'),
            ('SERVER_PORT', '8080'),
            ('SERVER_ADDR', '127.0.0.1'),
            ('SERVER_NAME', '127.0.0.1'),
            ('REMOTE_ADDR', remote),
            ('REMOTE_PORT', '50000'),
            ('HTTP_HOST', '127.0.0.1:8080'),
            ('HTTP_USER_AGENT', 'bench-callgrind/1'),
            ('HTTP_ACCEPT', 'text/html'),
        ]
        if body:
            params.append(('CONTENT_TYPE',
                           'application/x-www-form-urlencoded'))
        for k, v in headers:
            params.append(('HTTP_' + k.upper().replace('-', '_'), v))
        msg = _record(BEGIN_REQUEST, struct.pack('>HB5x', RESPONDER, 0))
        msg += _stream(PARAMS, _params(params)) + _stream(STDIN, body)
        out = b''
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(300)
            s.connect(self.sock_path)
            s.sendall(msg)
            buf = b''
            done = False
            while not done:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
                while len(buf) >= 8:
                    _v, rtype, _id, clen, pad, _r = struct.unpack(
                        '>BBHHBB', buf[:8])
                    if len(buf) < 8 + clen + pad:
                        break
                    content = buf[8:8 + clen]
                    buf = buf[8 + clen + pad:]
                    if rtype == STDOUT:
                        out += content
                    elif rtype == END_REQUEST:
                        done = True
                        break
        head, _, resp_body = out.partition(b'\r\n\r\n')
        status = 200
        for line in head.split(b'\r\n'):
            if line.lower().startswith(b'status:'):
                status = int(line.split()[1])
        return status, resp_body

    def stop(self, timeout=120):
        """SIGTERM: libfcgi ends the accept loop and the program exits
        by itself (so valgrind writes its output).  libfcgi only looks
        at the signal when it interrupts accept(): one that lands while
        the program is still finishing a request is seen at the next,
        so it is sent again each second."""
        rc = None
        deadline = time.monotonic() + timeout
        while rc is None and time.monotonic() < deadline:
            self.proc.terminate()
            try:
                rc = self.proc.wait(1)
            except subprocess.TimeoutExpired:
                pass
        if rc is None:
            self.proc.kill()
            rc = self.proc.wait()
        self.listener.close()
        if os.path.exists(self.sock_path):
            os.unlink(self.sock_path)
        return rc
