#!/usr/bin/python3
"""
callgrind.py: what `make bench-callgrind` runs after building.

Counts the instructions one request costs, with valgrind's callgrind:
repeatable on a noisy machine, where req/s are not.  The program runs
under valgrind exactly as lighttpd would start it (bench/fcgi.py plays
the web server), against a stack seeded like `make bench`'s.  Start-up
is left out by difference: run A serves WARM requests, run B serves
WARM + N of the same, and one request costs (B - A) / N.  The same
difference of the self cost of every function and library says where
those instructions go.

Requests: GET /login (anonymous: a new pre-session cookie each time),
GET /account (a live session), and for comparison the bare reference
page of the same size as /login, POST /domains (the write path) and its
bare reference, one INSERT in a BEGIN IMMEDIATE transaction.

Environment: BENCH_CALLGRIND_REQUESTS (N, 20).  Prints the counts and
writes them to bench/results/callgrind-<date>.md.
"""

import datetime
import os
import re
import shutil
import sys

import common
import fcgi
from common import say

WARM = 3
N = int(os.environ.get('BENCH_CALLGRIND_REQUESTS', '20'))
WORK = os.path.join(common.BUILD, 'run-callgrind')
TOP = 15


class Profile:
    """Self cost (Ir) per function and per object of a callgrind file."""

    def __init__(self, path):
        self.total = 0
        self.fn = {}
        self.ob = {}
        names = {}
        ob = fn = None
        skip_next = False

        def name(kind, text):
            m = re.match(r'\((\d+)\)(?: (.*))?$', text)
            if not m:
                return text
            key = (kind, m.group(1))
            if m.group(2) is not None:
                names[key] = m.group(2)
            return names.get(key, text)

        with open(path, errors='replace') as f:
            for line in f:
                line = line.rstrip('\n')
                if not line:
                    continue
                c = line[0]
                if c.isdigit() or c in '+-*':
                    if skip_next:
                        skip_next = False
                        continue
                    parts = line.split()
                    if len(parts) >= 2 and fn is not None:
                        ir = int(parts[1])
                        self.fn[(ob, fn)] = self.fn.get((ob, fn), 0) + ir
                        self.ob[ob] = self.ob.get(ob, 0) + ir
                    continue
                key, _, val = line.partition('=')
                if key == 'ob':
                    ob = name('ob', val)
                elif key == 'fn':
                    fn = name('fn', val)
                elif key in ('cob',):
                    name('ob', val)
                elif key == 'cfn' or key == 'cfi' or key == 'cfl':
                    name('fn' if key == 'cfn' else 'fl', val)
                elif key in ('fl', 'fi', 'fe'):
                    name('fl', val)
                elif key == 'calls':
                    skip_next = True
                elif line.startswith('totals:') or line.startswith(
                        'summary:'):
                    self.total = int(line.split(':', 1)[1].split()[0])


def run(prog, name, requests, env, n):
    """Serve n requests under callgrind; its Profile."""
    out = os.path.join(WORK, 'callgrind.out.%s.%d' % (name, n))
    log_path = os.path.join(WORK, 'callgrind.%s.%d.log' % (name, n))
    argv = ['valgrind', '--tool=callgrind', '--callgrind-out-file=' + out,
            prog]
    with open(log_path, 'wb') as log:
        p = fcgi.Program(argv, os.path.join(WORK, 'cg.sock'), env, log)
        try:
            for i in range(n):
                method, uri, headers, body, want = requests(n, i)
                st, page = p.request(method, uri, headers, body)
                if st != want:
                    raise RuntimeError('%s %s answered %d (want %d): %s' % (
                        method, uri, st, want, page[:300]))
        finally:
            rc = p.stop()
    if rc != 0 or not os.path.exists(out):
        raise RuntimeError('%s under valgrind: status %s; see %s' % (
            name, rc, log_path))
    return Profile(out)


def per_request(prog, name, requests, env):
    a = run(prog, name, requests, env, WARM)
    b = run(prog, name, requests, env, WARM + N)
    per = (b.total - a.total) / N
    fns = {k: (b.fn.get(k, 0) - a.fn.get(k, 0)) / N
           for k in set(a.fn) | set(b.fn)}
    obs = {k: (b.ob.get(k, 0) - a.ob.get(k, 0)) / N
           for k in set(a.ob) | set(b.ob)}
    return per, fns, obs


def short_ob(ob):
    return os.path.basename(ob or '?')


def main():
    started = datetime.datetime.now()
    if shutil.which('valgrind') is None:
        raise RuntimeError('valgrind is not installed (sh scripts/deps.sh '
                           'bench)')
    if os.path.isdir(WORK):
        shutil.rmtree(WORK)
    os.makedirs(WORK)
    os.environ['BENCH_REF_DB'] = os.path.join(WORK, 'ref.db')
    stack = common.BenchStack(procs=1, _dir=WORK, _fresh=True)
    stack.start()
    results = []
    try:
        common.seed(stack, common.make_hash(common.OPS_INTERACTIVE,
                                            common.MEM_INTERACTIVE))
        c = common.login(stack, 1)
        cookie = ('Cookie', '%s=%s' % (common.COOKIE,
                                       c.cookie(common.COOKIE)))
        d = common.login(stack, 2)
        d.get('/domains')
        dcookie = ('Cookie', '%s=%s' % (common.COOKIE,
                                        d.cookie(common.COOKIE)))
        dcsrf = d.csrf
        anon = stack.client()
        login_body = len(anon.get('/login').body)
        env = dict(os.environ)
        env['POSTERN_CONF'] = stack.conf_path
        env.pop('POSTERN_LOG_STDERR', None)
        cgi = os.path.join(common.BUILD, 'cgi-bin')

        cases = [
            ('GET /login', 'login', lambda n, i: (
                'GET', '/login', [], b'', 200)),
            ('GET /account', 'account', lambda n, i: (
                'GET', '/account', [cookie], b'', 200)),
            ('bare page (GET /login\'s size)', 'refpage', lambda n, i: (
                'GET', '/refpage?n=%d' % login_body, [], b'', 200)),
            ('POST /domains', 'domains', lambda n, i: (
                'POST', '/domains', [dcookie],
                ('domain=cg%d-%d.com&csrf=%s' % (n, i, dcsrf)).encode(),
                303)),
            ('bare INSERT (POST /domains\' reference)', 'refinsert',
             lambda n, i: (
                 'POST', '/refinsert', [dcookie],
                 ('domain=cg%d-%d.com&csrf=%s' % (n, i, dcsrf)).encode(),
                 303)),
        ]
        for label, prog, reqs in cases:
            say('  %s: %d + %d requests under callgrind...' % (
                label, WARM, N))
            per, fns, obs = per_request(os.path.join(cgi, prog + '.fcgi'),
                                        prog, reqs, env)
            results.append((label, per, fns, obs))
            say('    %.0f instructions per request' % per)
    finally:
        stack.stop()

    lines = ['| request | instructions (Ir) per request |', '|---|---|']
    for label, per, _f, _o in results:
        lines.append('| %s | %s |' % (label, '{:,.0f}'.format(per)))
    detail = []
    for label, per, fns, obs in results:
        detail.append('\n### %s: %s instructions\n' % (
            label, '{:,.0f}'.format(per)))
        detail.append('| library | Ir per request | share |')
        detail.append('|---|---|---|')
        for ob, v in sorted(obs.items(), key=lambda kv: -kv[1])[:8]:
            if v <= 0:
                continue
            detail.append('| %s | %s | %.0f%% |' % (
                short_ob(ob), '{:,.0f}'.format(v), 100 * v / per))
        detail.append('')
        detail.append('| function (self cost) | library | Ir per request |')
        detail.append('|---|---|---|')
        for (ob, fn), v in sorted(fns.items(), key=lambda kv: -kv[1])[:TOP]:
            detail.append('| %s | %s | %s |' % (
                fn.replace('|', '\\|'), short_ob(ob),
                '{:,.0f}'.format(v)))

    say('')
    say('Instructions per request (callgrind, start-up left out: '
        '(run of %d + %d) - (run of %d), / %d):' % (WARM, N, WARM, N))
    for label, per, _f, _o in results:
        say('  %-40s %12s' % (label, '{:,.0f}'.format(per)))
    path = os.path.join(common.HERE, 'results', 'callgrind-' +
                        started.strftime('%Y-%m-%d') + '.md')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write('# make bench-callgrind, %s\n\n' % started.strftime(
            '%Y-%m-%d %H:%M'))
        f.write('valgrind --tool=callgrind on the release build '
                '(build/bench), each program started as lighttpd starts '
                'it; one request = ((%d + %d requests) - (%d requests)) / '
                '%d, so start-up (configuration, templates, the dummy '
                'Argon2id hash) is left out.  %d accounts in the '
                'database.\n\n' % (WARM, N, WARM, N, common.ACCOUNTS))
        f.write('\n'.join(lines) + '\n')
        f.write('\n## Where the instructions go (self cost, per request)\n')
        f.write('\n'.join(detail) + '\n')
    say('Written to %s' % os.path.relpath(path, common.REPO))
    return 0


if __name__ == '__main__':
    common.run(main, 'make bench-callgrind', (OSError,))
