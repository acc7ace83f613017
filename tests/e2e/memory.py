#!/usr/bin/python3
"""
memory.py: valgrind over FastCGI programs serving real requests (DESIGN
section 8: "valgrind finds no leak in a request loop").

login.fcgi and account.fcgi run under valgrind's memcheck, started the
way spawn-fcgi starts a program: the test binds a unix socket, listens,
and hands it to the program as its standard input (libfcgi's
FCGI_LISTENSOCK_FILENO).  lighttpd routes /login, /logout and /account
to those sockets (no bin-path), and every other path to programs it
starts itself.  Together they serve 1,000 requests, a mix of GET
/login, POST /login with a wrong and a right password, POST /logout,
GET /account with and without a session and unknown paths.  Then each
gets SIGTERM, which ends libfcgi's accept loop: the program must exit
by itself, and valgrind must report no definite leak and no invalid
access (--errors-for-leak-kinds=definite --error-exitcode=99).

Argon2id is slow under valgrind, so this stack hashes with one pass
over 8 MiB (pwhash_ops = 1, pwhash_mem = 8MiB).
"""

import collections
import os
import re
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEFAULT_PASSWORD, VALGRIND, Tap,  # noqa: E402
                     ValgrindStack, crashes, error_blocks, from_ip, ip_of,
                     sanitized_build, _read)

tap = Tap()

PROGRAMS = ('login', 'account')
REQUESTS = int(os.environ.get('POSTERN_MEMORY_REQUESTS', '1000'))


def summary(log):
    """The lines of a valgrind log worth printing: its summaries."""
    return [re.sub(r'^==\d+==\s*', '', ln) for ln in log.splitlines()
            if re.search(r'ERROR SUMMARY|definitely lost|indirectly lost|'
                         r'possibly lost|still reachable|in use at exit|'
                         r'All heap blocks', ln)]


def main():
    if not os.path.exists(VALGRIND):
        tap.ok(False, 'valgrind is installed (%s): run make deps-test'
               % VALGRIND)
        return
    with ValgrindStack(_valgrind=PROGRAMS, pwhash_ops=1, pwhash_mem='8MiB',
                       trusted_proxies='127.0.0.1') as stack:
        tap.note('valgrind %s' % subprocess.run(
            [VALGRIND, '--version'], capture_output=True,
            text=True).stdout.strip())
        # A verified account to log in to, made through the pages (the
        # signup and verify go to programs lighttpd runs itself).
        stack.new_user('mia', 'mia@example.org', login=False)
        # Wrong passwords go to wes, so mia is never rate limited.
        stack.new_user('wes', 'wes@example.org', login=False)
        serve(stack)
        shut_down(stack)


def serve(stack):
    with tap.story('%d requests to login.fcgi and account.fcgi under '
                   'valgrind' % REQUESTS):
        counts = collections.Counter()
        unexpected = []
        lock = threading.Lock()
        done = [0]

        # Half the requests go to each side, whatever their speed.
        quota = {'login': REQUESTS - REQUESTS // 2, 'account': REQUESTS // 2}
        sent = collections.Counter()

        def note(what, r, want, side):
            with lock:
                counts[(what, r.status)] += 1
                done[0] += 1
                sent[side] += 1
                if r.status not in want:
                    unexpected.append('%s: %d' % (what, r.status))

        def login_side(n):
            """GET /login, POST /login wrong and right, POST /logout."""
            c = from_ip(stack.client(), ip_of(1000 + n))
            k = 0
            while sent['login'] < quota['login']:
                k += 1
                r = c.get('/login')
                note('GET /login', r, (200,), 'login')
                if k % 4 == 1:
                    r = c.post('/login', {'username': 'wes', 'password':
                                          'not the password %d' % k})
                    note('POST /login wrong', r, (422, 429), 'login')
                elif k % 4 == 2:
                    r = c.post('/login', {'username': 'nobody%d' % k,
                                          'password': 'whatever it is 1'})
                    note('POST /login unknown', r, (422, 429), 'login')
                elif k % 4 == 3:
                    r = c.post('/login', {'username': 'mia',
                                          'password': DEFAULT_PASSWORD})
                    note('POST /login right', r, (303,), 'login')
                    if r.status == 303:
                        r = c.get('/account')
                        note('GET /account', r, (200,), 'login')
                        r = c.post('/logout', {})
                        note('POST /logout', r, (303,), 'login')

        def account_side():
            """GET /account with a session, without one, unknown paths."""
            c = from_ip(stack.client(), ip_of(2000))
            c.get('/login')
            r = c.post('/login', {'username': 'mia',
                                  'password': DEFAULT_PASSWORD})
            note('POST /login right', r, (303,), 'account')
            stranger = stack.client()
            k = 0
            while sent['account'] < quota['account']:
                k += 1
                r = c.get('/account')
                note('GET /account', r, (200,), 'account')
                if k % 3 == 0:
                    r = stranger.get('/account')
                    note('GET /account (no session)', r, (403,), 'account')
                if k % 5 == 0:
                    r = c.get('/account/activity')
                    note('GET /account/activity', r, (200,), 'account')
                if k % 7 == 0:
                    r = stranger.get('/no-such-page-%d' % k)
                    note('GET unknown path', r, (404,), 'account')

        t0 = time.monotonic()
        threads = [threading.Thread(target=login_side, args=(0,)),
                   threading.Thread(target=account_side)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        took = time.monotonic() - t0
        tap.note('%d requests in %.1f s (%.1f per second) under valgrind'
                 % (done[0], took, done[0] / took))
        for (what, st), n in sorted(counts.items()):
            tap.note('  %-28s %3d  %4d' % (what, st, n))
        tap.ok(done[0] >= REQUESTS, '%d requests were answered' % done[0])
        tap.is_(unexpected[:10], [], 'each got the answer it should')
        tap.ok(counts[('POST /login right', 303)] > 0 and
               counts[('POST /login wrong', 422)] > 0, 'the mix had right '
               'and wrong passwords')
        for name in PROGRAMS:
            p = stack.vg[name]
            tap.is_(p.poll(), None, '%s.fcgi is still running under '
                    'valgrind' % name)


def shut_down(stack):
    with tap.story('SIGTERM: the programs exit, valgrind reports'):
        stopped = {}
        threads = []

        def stop(name):
            stopped[name] = stack.stop_program(name)
        for name in PROGRAMS:
            threads.append(threading.Thread(target=stop, args=(name,)))
            threads[-1].start()
        for t in threads:
            t.join(200)
        for name in PROGRAMS:
            rc, secs = stopped.get(name, (None, 0))
            log = _read(stack.vg_log(name))
            tap.note('%s.fcgi: exit %s after %.1f s; valgrind says:' % (
                name, rc, secs))
            for ln in summary(log):
                tap.note('  ' + ln)
            tap.is_(rc, 0, '%s.fcgi exits 0 on SIGTERM (99 would be '
                    'valgrind reporting errors)' % name)
            tap.like(log, r'ERROR SUMMARY: 0 errors', '%s: valgrind counts '
                     'no error' % name)
            blocks = error_blocks(log)
            tap.is_(len(blocks), 0, '%s: no invalid access and no definite '
                    'leak' % name)
            for b in blocks[:5]:
                tap.diag(b)
            m = re.search(r'in use at exit: ([\d,]+) bytes', log)
            in_use = int(m.group(1).replace(',', '')) if m else None
            tap.ok(in_use is not None and in_use < 1 << 20, '%s: what is '
                   'still allocated at exit (%s bytes) is start-up state, '
                   'not 1,000 requests\' worth' % (name, in_use))
            tap.unlike(_read(stack.vg_stderr(name)), r'(?i)sanitizer|'
                       r'runtime error', '%s: nothing alarming on its '
                       'stderr' % name)
        tap.is_(crashes(stack), [], 'no other program crashed')
        if os.environ.get('POSTERN_KEEP') or any(
                stopped.get(n, (1,))[0] != 0 for n in PROGRAMS):
            keep = os.path.join('/tmp', 'postern-valgrind-logs')
            os.makedirs(keep, exist_ok=True)
            for name in PROGRAMS:
                if os.path.exists(stack.vg_log(name)):
                    shutil.copy(stack.vg_log(name), keep)
            tap.diag('valgrind logs copied to %s' % keep)


if sanitized_build():
    print('1..0 # SKIP valgrind cannot run an AddressSanitizer build; '
          'make asan checks memory with the sanitizers instead')
    sys.exit(0)
tap.run(main)
