#!/usr/bin/python3
"""
bench.py: what `make bench` runs after building (see bench/README.md).

Starts the test harness's stack (lighttpd, tests/smtpd.py, `postern
init`) from $POSTERN_BUILD (build/bench, the release build) with every
program at max-procs 2, seeds 10,000 verified accounts, and measures
each case in alternation with its reference: wrk for the HTTP cases, a
timed `postern mailer --once` for the mailer.  Prints a table and
writes it, with the machine's description, to bench/results/<date>.md.

Environment: BENCH_ROUNDS (5), BENCH_SECONDS (8, per side and round),
BENCH_CONNECTIONS (64), BENCH_MAILS (2000), BENCH_MAIL_ROUNDS (5),
BENCH_KEYCLOAK_ROUNDS (3).  Misses are reported, not failures: the exit
status is 0 unless the bench itself could not run.
"""

import datetime
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time

import common
from common import say

ROUNDS = int(os.environ.get('BENCH_ROUNDS', '5'))
SECONDS = int(os.environ.get('BENCH_SECONDS', '8'))
WARMUP = 2
CONNECTIONS = int(os.environ.get('BENCH_CONNECTIONS', '64'))
WRK_THREADS = 2
PROCS = 2
MAILS = int(os.environ.get('BENCH_MAILS', '2000'))
MAIL_ROUNDS = int(os.environ.get('BENCH_MAIL_ROUNDS', '5'))
KEYCLOAK_ROUNDS = int(os.environ.get('BENCH_KEYCLOAK_ROUNDS', '3'))
RSS_GOAL_KB = 6 * 1024
# The memory goal, judged beside the stack's floor (ref_floor.cc): see
# "Memory" in bench/README.md for why the absolute line alone cannot be.
FLOOR_GOAL = 1.10
KEYCLOAK_PUBLISHED = 15.0   # password logins per second per vCPU

GOALS = [
    ('GET /login', 0.80),
    ('GET /account', 0.70),
    ('POST /login', 0.90),
    ('POST /domains', 0.60),
    ('GET protected', 0.80),
    ('mailer', 0.80),
]

WORK = os.path.join(common.BUILD, 'run')
WORK_KEYCLOAK = os.path.join(common.BUILD, 'run-keycloak')


# ------------------------------------------------------------------ #
# wrk


def _duration(text):
    """A wrk latency ("812.00us", "1.20ms", "2.01s", "1.00m") in ms."""
    m = re.fullmatch(r'([\d.]+)(us|ms|s|m)', text)
    if not m:
        return None
    v = float(m.group(1))
    return v * {'us': 0.001, 'ms': 1.0, 's': 1000.0, 'm': 60000.0}[
        m.group(2)]


def wrk(url, seconds, script=None, headers=(), args=()):
    """One wrk run: a dict with rps, p50, p99 (ms), requests, non2xx,
    errors (socket errors) and the raw output."""
    cmd = ['wrk', '-t', str(WRK_THREADS), '-c', str(CONNECTIONS),
           '-d', '%ds' % seconds, '--latency', '--timeout', '30s']
    for h in headers:
        cmd += ['-H', h]
    if script:
        cmd += ['-s', script]
    cmd.append(url)
    if args:
        cmd += ['--'] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True,
                       timeout=seconds + 120)
    out = r.stdout + r.stderr
    res = {'raw': out, 'rps': 0.0, 'p50': None, 'p99': None,
           'requests': 0, 'non2xx': 0, 'errors': 0}
    m = re.search(r'Requests/sec:\s+([\d.]+)', out)
    if r.returncode != 0 or not m:
        raise RuntimeError('wrk failed (%d):\n%s' % (r.returncode, out))
    res['rps'] = float(m.group(1))
    for pct, key in (('50', 'p50'), ('99', 'p99')):
        m = re.search(r'^\s+%s%%\s+(\S+)' % pct, out, re.M)
        if m:
            res[key] = _duration(m.group(1))
    m = re.search(r'(\d+) requests in', out)
    if m:
        res['requests'] = int(m.group(1))
    m = re.search(r'Non-2xx or 3xx responses:\s+(\d+)', out)
    if m:
        res['non2xx'] = int(m.group(1))
    m = re.search(r'Socket errors: connect (\d+), read (\d+), write (\d+), '
                  r'timeout (\d+)', out)
    if m:
        res['errors'] = sum(int(x) for x in m.groups())
    return res


def settle(stack, timeout=120):
    """Wait until the FastCGI programs are idle.  wrk stops at its
    deadline with requests in flight, and a program still works through
    every request lighttpd handed over before the client left (a full
    Argon2id hash each, for a login): that work must not land on the
    next run, the reference's above all."""
    pids = list(stack.program_pids())

    def cpu():
        t = 0
        for pid in pids:
            try:
                with open('/proc/%d/stat' % pid) as f:
                    fields = f.read().rsplit(')', 1)[1].split()
                t += int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
        return t

    deadline = time.monotonic() + timeout
    last, still = cpu(), 0
    while still < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        now = cpu()
        still = still + 1 if now == last else 0
        last = now


def wrk_settled(stack, *args, **kw):
    res = wrk(*args, **kw)
    settle(stack)
    return res


# What both wrk scripts start with: each thread's number (tid), a
# counter, and the headers of a form POST with the session's cookie.
LUA_THREADS = r'''tid = 0
local nthreads = 0
local counter = 0
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Cookie"] = "%(cookie)s",
}

function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
end
'''

LUA_LOGIN = r'''-- Written by bench/bench.py: POST /login with one CSRF token
-- and pre-session cookie pair, the account changing every time.
''' + LUA_THREADS + r'''
function init(args)
  counter = tid * 4999
end

function request()
  counter = counter + 1
  local body = string.format("username=user%%05d&password=%(password)s" ..
    "&csrf=%(csrf)s", counter %% %(accounts)d + 1)
  return wrk.format("POST", "/login", headers, body)
end
'''

LUA_DOMAINS = r'''-- Written by bench/bench.py: POST /domains from one session,
-- a new name every time (the run's tag, the thread, a counter).
''' + LUA_THREADS + r'''local tag = "x"

function init(args)
  tag = args[1] or "x"
end

function request()
  counter = counter + 1
  local body = string.format("domain=%%s-t%%d-%%d.com&csrf=%(csrf)s",
    tag, tid, counter)
  return wrk.format("POST", "%(path)s", headers, body)
end
'''


def write_lua(stack, name, template, **values):
    path = os.path.join(stack.tmp, name)
    with open(path, 'w') as f:
        f.write(template % values)
    return path


# ------------------------------------------------------------------ #
# Helpers


def raw_size(port, path, headers=()):
    """(status, bytes on the wire) of one GET, headers and body."""
    req = 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n' % (path, port)
    for h in headers:
        req += h + '\r\n'
    req += 'Connection: close\r\n\r\n'
    data = b''
    with socket.create_connection(('127.0.0.1', port), timeout=30) as s:
        s.sendall(req.encode())
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    m = re.match(rb'HTTP/1\.[01] (\d+)', data)
    return (int(m.group(1)) if m else 0), len(data)


def ref_page_path(port, want_bytes, headers=()):
    """/refpage?n=N with N such that its response has want_bytes."""
    n = 0
    for _ in range(4):
        _st, got = raw_size(port, '/refpage?n=%d' % n, headers)
        if got == want_bytes:
            break
        n = max(0, n + want_bytes - got)
    return '/refpage?n=%d' % n, got


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt_ms(v):
    if v is None:
        return '-'
    if v >= 1000:
        return '%.2fs' % (v / 1000)
    if v >= 10:
        return '%.0fms' % v
    return '%.2fms' % v


def fmt_rate(v):
    if v is None:
        return '-'
    return '%.0f' % v if v >= 100 else '%.1f' % v


class Row:
    """One case against its reference over the rounds."""

    def __init__(self, name, unit='req/s'):
        self.name = name
        self.unit = unit
        self.case = []
        self.ref = []

    @property
    def ratio(self):
        """The median of the rounds' ratios: each case run is paired
        with the reference run next to it, so a slow minute of the
        shared machine weighs on both sides of one ratio."""
        pairs = [c['rps'] / r['rps'] for c, r in zip(self.case, self.ref)
                 if r['rps'] > 0]
        return med(pairs)

    def summary(self):
        cr = [c['rps'] for c in self.case]
        rr = [r['rps'] for r in self.ref]
        return {
            'median': med(cr), 'min': min(cr), 'max': max(cr),
            'ref': med(rr), 'ref_min': min(rr), 'ref_max': max(rr),
            'p50': med(c.get('p50') for c in self.case),
            'p99': med(c.get('p99') for c in self.case),
            'ref_p50': med(r.get('p50') for r in self.ref),
            'ref_p99': med(r.get('p99') for r in self.ref),
            'non2xx': sum(c.get('non2xx', 0) for c in self.case),
            'errors': sum(c.get('errors', 0) for c in self.case),
            'ref_non2xx': sum(r.get('non2xx', 0) for r in self.ref),
            'ratio': self.ratio,
        }


def paired(row, case_fn, ref_fn, rounds, seconds, warmup=WARMUP):
    """Warm both up, then alternate (case first in odd rounds, reference
    first in even ones)."""
    if warmup:
        case_fn(warmup, 'w')
        ref_fn(warmup, 'w')
    for i in range(rounds):
        tag = 'r%d' % (i + 1)
        if i % 2 == 0:
            c = case_fn(seconds, tag)
            r = ref_fn(seconds, tag)
        else:
            r = ref_fn(seconds, tag)
            c = case_fn(seconds, tag)
        row.case.append(c)
        row.ref.append(r)
        say('    round %d: %s %s%s, reference %s%s' % (
            i + 1, fmt_rate(c['rps']), row.unit,
            ' (p50 %s, p99 %s%s)' % (
                fmt_ms(c.get('p50')), fmt_ms(c.get('p99')),
                ', %d non-2xx/3xx' % c['non2xx'] if c.get('non2xx') else '')
            if c.get('p50') is not None else '',
            fmt_rate(r['rps']),
            ', ratio %.2f' % (c['rps'] / r['rps']) if r['rps'] else ''))
    return row


def verify_ref(ops, mem, threads=PROCS):
    def run(seconds, _tag):
        r = subprocess.run([common.tool('bench-verify'), 'run', str(ops),
                            str(mem), str(threads), str(seconds)],
                           capture_output=True, text=True, check=True)
        m = re.search(r'rate ([\d.]+)', r.stdout)
        return {'rps': float(m.group(1))}
    return run


def check(cond, what):
    if not cond:
        raise RuntimeError('the bench cannot go on: ' + what)


# ------------------------------------------------------------------ #
# The cases


def start_stack(workdir, **conf):
    if os.path.isdir(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    ref_db = os.path.join(workdir, 'ref.db')
    con = sqlite3.connect(ref_db)
    con.execute('PRAGMA journal_mode = WAL')
    con.execute('CREATE TABLE items (id INTEGER PRIMARY KEY, account_id '
                'INTEGER NOT NULL, name TEXT NOT NULL, created_at INTEGER '
                'NOT NULL) STRICT')
    con.commit()
    con.close()
    os.environ['BENCH_REF_DB'] = ref_db
    os.environ['BENCH_FLOOR_TPL'] = os.path.join(common.HERE,
                                                 'ref_floor.tpl')
    stack = common.BenchStack(procs=PROCS, _dir=workdir, _fresh=True, **conf)
    stack.start()
    return stack


def http_cases(stack, rows, notes):
    port = stack.port
    base = stack.base_url

    # GET /login, anonymous: every request gets a new pre-session cookie.
    st, login_bytes = raw_size(port, '/login')
    check(st == 200, 'GET /login answered %d' % st)
    ref_login, got = ref_page_path(port, login_bytes)
    notes.append('GET /login: %d bytes on the wire; the reference %s '
                 'gives %d.' % (login_bytes, ref_login, got))
    say('  GET /login (%d bytes) against %s' % (login_bytes, ref_login))
    rows.append(paired(
        Row('GET /login'),
        lambda s, t: wrk_settled(stack, base + '/login', s),
        lambda s, t: wrk_settled(stack, base + ref_login, s), ROUNDS, SECONDS))

    # GET /account with the cookie of a real login.
    c = common.login(stack, 1)
    cookie_h = 'Cookie: %s=%s' % (common.COOKIE, c.cookie(common.COOKIE))
    st, account_bytes = raw_size(port, '/account', [cookie_h])
    check(st == 200, 'GET /account answered %d' % st)
    ref_account, got = ref_page_path(port, account_bytes, [cookie_h])
    notes.append('GET /account: %d bytes on the wire; the reference %s '
                 'gives %d.' % (account_bytes, ref_account, got))
    say('  GET /account (%d bytes) against %s' % (account_bytes,
                                                  ref_account))
    rows.append(paired(
        Row('GET /account'),
        lambda s, t: wrk_settled(stack, base + '/account', s,
                                 headers=[cookie_h]),
        lambda s, t: wrk_settled(stack, base + ref_account, s,
                                 headers=[cookie_h]),
        ROUNDS, SECONDS))

    login_row(stack, rows, 'POST /login', common.OPS_INTERACTIVE,
              common.MEM_INTERACTIVE, ROUNDS)

    # POST /domains from one session: one pending domain more each time.
    d = common.login(stack, 2)
    r = d.get('/domains')
    check(r.status == 200 and d.csrf, 'GET /domains answered %d' % r.status)
    r = d.post('/domains', {'domain': 'check-first.com'})
    check(r.status == 303, 'POST /domains answered %d: %s' % (
        r.status, d.errors(r)))
    cookie = '%s=%s' % (common.COOKIE, d.cookie(common.COOKIE))
    lua = write_lua(stack, 'domains.lua', LUA_DOMAINS, path='/domains',
                    cookie=cookie, csrf=d.csrf)
    r = d.post('/refinsert', {'domain': 'check-first.com'})
    check(r.status == 303, 'POST /refinsert answered %d' % r.status)
    ref_lua = write_lua(stack, 'refinsert.lua', LUA_DOMAINS,
                        path='/refinsert', cookie=cookie, csrf=d.csrf)
    say('  POST /domains against POST /refinsert (one INSERT in BEGIN '
        'IMMEDIATE)')
    rows.append(paired(
        Row('POST /domains'),
        lambda s, t: wrk_settled(stack, base + '/domains', s, script=lua,
                                 args=[t]),
        lambda s, t: wrk_settled(stack, base + '/refinsert', s,
                                 script=ref_lua, args=[t]),
        ROUNDS, SECONDS))
    n = stack.sql("SELECT count(*) FROM domains d JOIN accounts a ON "
                  "a.id = d.account_id WHERE a.username = ?",
                  common.USER_FMT % 2)[0][0]
    notes.append('POST /domains: the account had %d pending domains at the '
                 'end; its rounds in order (req/s): %s.' % (
                     n, ', '.join(fmt_rate(c['rps'])
                                  for c in rows[-1].case)))


def auth_case(stack, rows, notes):
    """A request to a service auth.fcgi protects (a small static file)
    against the same behind a bare authorizer that grants everything
    (ref_auth.c): what asking Postern costs."""
    c = common.login(stack, 4)
    cookie_h = 'Cookie: %s=%s' % (common.COOKIE, c.cookie(common.COOKIE))
    for sub in ('postern', 'ref'):
        st, _ = raw_size(stack.port, '/authbench/%s/hello.txt' % sub,
                         [cookie_h])
        check(st == 200, 'GET /authbench/%s/hello.txt answered %d' % (
            sub, st))
    st, _ = raw_size(stack.port, '/authbench/postern/hello.txt')
    check(st == 302, 'without a cookie, auth.fcgi answered %d' % st)
    notes.append('GET protected: a 6-byte static file behind auth.fcgi '
                 '(a live session, its row refreshed at most once a '
                 'minute) against the same behind ref_auth.c.')
    say('  GET protected: auth.fcgi against a bare authorizer')
    base = stack.base_url
    rows.append(paired(
        Row('GET protected'),
        lambda s, t: wrk_settled(stack, base + '/authbench/postern/hello.txt',
                                 s, headers=[cookie_h]),
        lambda s, t: wrk_settled(stack, base + '/authbench/ref/hello.txt', s,
                                 headers=[cookie_h]),
        ROUNDS, SECONDS))


def login_row(stack, rows, name, ops, mem, rounds):
    """POST /login against raw Argon2id verification with the same
    limits, 2 threads (one per login process)."""
    c = stack.client()
    c.get('/login')
    pre = c.cookie(common.COOKIE)
    check(pre and c.csrf, 'GET /login gave no cookie or token')
    # One check first, with the pair wrk will send (on another account).
    probe = stack.client()
    probe.cookies[common.COOKIE] = pre
    r = probe.post('/login', {'username': common.USER_FMT % 3,
                              'password': common.PASSWORD, 'csrf': c.csrf})
    check(r.status == 303 and stack.path_of(r.location) == '/account',
          'POST /login answered %d %s' % (r.status, r.location))
    lua = write_lua(stack, 'login.lua', LUA_LOGIN,
                    cookie='%s=%s' % (common.COOKIE, pre), csrf=c.csrf,
                    password=common.form_quote(common.PASSWORD),
                    accounts=common.ACCOUNTS)
    say('  %s against crypto_pwhash_str_verify (%d passes, %d MiB, %d '
        'processes)' % (name, ops, mem >> 20, PROCS))
    rows.append(paired(
        Row(name, 'logins/s'),
        lambda s, t: wrk_settled(stack, stack.base_url + '/login', s,
                                 script=lua),
        verify_ref(ops, mem), rounds, SECONDS))


def mapped_libraries(pid):
    """The shared libraries a process maps, by file name."""
    out = set()
    with open('/proc/%d/maps' % pid) as f:
        for line in f:
            fields = line.split()
            if len(fields) > 5 and '.so' in fields[5]:
                out.add(os.path.basename(fields[5]))
    return out


def floor_load(stack):
    """Load the memory floor (ref_floor.cc) the way the GET cases
    loaded Postern's programs, and check that it maps exactly the
    libraries account.fcgi maps: the comparison means nothing
    otherwise."""
    pids = stack.program_pids()
    acct = [p for p, n in pids.items() if n == 'account']
    floor = [p for p, n in pids.items() if n == 'reffloor']
    check(acct and floor, 'account.fcgi or reffloor.fcgi is not running')
    a, f = mapped_libraries(acct[0]), mapped_libraries(floor[0])
    check(a == f, 'reffloor.fcgi maps other libraries than account.fcgi: '
          'only account.fcgi %s, only reffloor.fcgi %s' % (
              sorted(a - f), sorted(f - a)))
    say('  the memory floor: GET /reffloor (%d libraries, as account.fcgi)'
        % len(f))
    wrk_settled(stack, stack.base_url + '/reffloor', WARMUP)
    r = wrk_settled(stack, stack.base_url + '/reffloor', SECONDS)
    check(r['non2xx'] == 0 and r['requests'] > 0,
          'GET /reffloor: %d of %d responses not 2xx' % (
              r['non2xx'], r['requests']))


def memory_lines(memory):
    """The memory goal line (idle account.fcgi, the process of the GET
    /account case, beside the floor), the largest program beside it,
    and the absolute figures."""
    rss = {name: max(m.get('VmRSS', 0) for _p, m in procs)
           for name, procs in memory.items()}
    pss = max((m.get('Pss', 0) for _p, m in memory.get('account', [])),
              default=0)
    floor = rss.get('reffloor')
    ours = {n: v for n, v in rss.items() if not n.startswith('ref')}
    if not floor or 'account' not in ours:
        return ['resident memory of an idle FastCGI program: MISS (not '
                'found)']
    acct = ours['account']
    worst = max(ours, key=ours.get)
    return [
        'resident memory (VmRSS) of an idle account.fcgi <= %.2f x the '
        'stack\'s floor: %s (%d kB = %.2f x the floor\'s %d kB, %+d kB; '
        'Pss %d kB)' % (
            FLOOR_GOAL, 'PASS' if acct <= FLOOR_GOAL * floor else 'MISS',
            acct, acct / floor, floor, acct - floor, pss),
        'the largest Postern program after the HTTP cases, %s.fcgi: %d kB '
        '= %.2f x the floor; against the absolute 6 MiB (%d kB): '
        'account.fcgi %s, the floor itself %s (the floor: a bare program '
        'mapping the same libraries, bench/ref_floor.cc)' % (
            worst, ours[worst], ours[worst] / floor, RSS_GOAL_KB,
            'under' if acct <= RSS_GOAL_KB else 'over',
            'under' if floor <= RSS_GOAL_KB else 'over'),
    ]


def program_memory(stack):
    """{program: [(pid, {VmRSS, VmHWM, Pss, ...: kB})]} of the running
    programs."""
    out = {}
    for pid, name in sorted(stack.program_pids().items()):
        out.setdefault(name, []).append((pid, common.proc_status(pid)))
    return out


MAIL_BODY = (
    'Hello %s,\n\n'
    'Someone (we hope you) asked to use this address for a Postern '
    'account.\nTo confirm it, open this link and press the button on the '
    'page:\n\n'
    'http://127.0.0.1:8080/verify?t=Jq3m0Vv9Jc2p1yQ0nL8d6WfGxkT4aZrS5uHbE7'
    'oMiCw\n\n'
    'The link works for 24 hours.  If you did not ask for this, ignore '
    'this mail:\nnothing happens without the link.\n\n-- \nPostern\n')


def mailer_case(stack, rows, notes, mailer_log):
    maildir = stack.maildir
    body_file = os.path.join(stack.tmp, 'mail-body.txt')
    body = MAIL_BODY % 'user00001'
    with open(body_file, 'wb') as f:
        f.write(body.replace('\n', '\r\n').encode())

    def clear_maildir():
        for f in os.listdir(maildir):
            if f.endswith('.eml'):
                os.unlink(os.path.join(maildir, f))

    def count_mails():
        return sum(1 for f in os.listdir(maildir) if f.endswith('.eml'))

    def case(_seconds, _tag):
        clear_maildir()
        now = int(time.time())
        con = sqlite3.connect(stack.db_path, timeout=30)
        try:
            con.execute('BEGIN IMMEDIATE')
            con.execute('DELETE FROM outbox')
            con.executemany(
                "INSERT INTO outbox (kind, recipient, subject, body, "
                "created_at, next_at) VALUES ('mail', ?, ?, ?, ?, ?)",
                (((common.USER_FMT % i) + '@example.org',
                  'Confirm your address', MAIL_BODY % (common.USER_FMT % i),
                  now, now) for i in range(1, MAILS + 1)))
            con.execute('COMMIT')
        finally:
            con.close()
        t0 = time.monotonic()
        r = stack.postern('mailer', '--once', timeout=900)
        dt = time.monotonic() - t0
        sent = stack.sql("SELECT count(*) FROM outbox WHERE status = "
                         "'sent'")[0][0]
        mailer_log.append(r.stderr)
        check(r.returncode == 0 and sent == MAILS,
              'postern mailer --once: status %d, %d of %d sent:\n%s' % (
                  r.returncode, sent, MAILS, r.stderr[-2000:]))
        got = count_mails()
        check(got == MAILS, 'the SMTP server stored %d of %d' % (got, MAILS))
        return {'rps': MAILS / dt, 'seconds': dt}

    def ref(_seconds, _tag):
        clear_maildir()
        t0 = time.monotonic()
        r = subprocess.run([common.tool('bench-smtp'),
                            '127.0.0.1:%d' % stack.smtp_port, str(MAILS),
                            'postern@example.org', body_file],
                           capture_output=True, text=True, timeout=900)
        dt = time.monotonic() - t0
        check(r.returncode == 0, 'bench-smtp: %s%s' % (r.stdout, r.stderr))
        got = count_mails()
        check(got == MAILS, 'the SMTP server stored %d of %d' % (got, MAILS))
        return {'rps': MAILS / dt, 'seconds': dt}

    say('  postern mailer --once over %d mails against a libESMTP loop '
        '(one session per mail)' % MAILS)
    rows.append(paired(Row('mailer', 'mails/s'), case, ref, MAIL_ROUNDS, 0,
                       warmup=0))
    clear_maildir()
    notes.append('mailer: wall time of `postern mailer --once` over %d '
                 'queued mails against `bench-smtp` sending %d (each a '
                 'process start to exit), to tests/smtpd.py.' % (
                     MAILS, MAILS))


# ------------------------------------------------------------------ #
# Report


def table(rows):
    head = ['case', 'median', 'min-max', 'reference', 'ratio', 'p50',
            'p99', 'goal', '']
    lines = []
    goals = dict(GOALS)
    for row in rows:
        s = row.summary()
        goal = goals.get(row.name)
        verdict = ''
        if goal is not None and s['ratio'] is not None:
            verdict = 'PASS' if s['ratio'] >= goal else 'MISS'
        lines.append([
            row.name,
            '%s %s' % (fmt_rate(s['median']), row.unit),
            '%s-%s' % (fmt_rate(s['min']), fmt_rate(s['max'])),
            fmt_rate(s['ref']),
            '%.2f' % s['ratio'] if s['ratio'] is not None else '-',
            fmt_ms(s['p50']), fmt_ms(s['p99']),
            '>= %.2f' % goal if goal is not None else '',
            verdict])
    return head, lines


def render_text(head, lines):
    w = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
    out = ['  '.join(str(x).ljust(w[i]) for i, x in enumerate(r)).rstrip()
           for r in [head] + lines]
    out.insert(1, '  '.join('-' * n for n in w))
    return '\n'.join(out)


def render_md(head, lines):
    out = ['| ' + ' | '.join(head) + ' |',
           '|' + '|'.join('---' for _ in head) + '|']
    out += ['| ' + ' | '.join(str(x) for x in r) + ' |' for r in lines]
    return '\n'.join(out)


def main():
    t_start = time.monotonic()
    started = datetime.datetime.now()
    mach = common.machine()
    say('make bench: %d rounds x %ds per side, %d connections, %d '
        'processes per program; build %s' % (ROUNDS, SECONDS, CONNECTIONS,
                                              PROCS, common.BUILD))
    for k, v in mach:
        say('  %-22s %s' % (k + ':', v))
    rows, notes = [], []

    # Postern's default Argon2id limits.
    say('Seeding %d accounts (one Argon2id hash, %d passes, %d MiB)...' % (
        common.ACCOUNTS, common.OPS_INTERACTIVE,
        common.MEM_INTERACTIVE >> 20))
    stack = start_stack(WORK)
    try:
        common.seed(stack, common.make_hash(common.OPS_INTERACTIVE,
                                            common.MEM_INTERACTIVE))
        http_cases(stack, rows, notes)
        auth_case(stack, rows, notes)
        floor_load(stack)
        time.sleep(1)
        memory = program_memory(stack)
        busy = common.busy_lines(stack)
        mailer_log = []
        mailer_case(stack, rows, notes, mailer_log)
        busy += [ln for ln in common.busy_lines(stack, '\n'.join(mailer_log))
                 if ln not in busy]
        stderr_lines = len(common.harness._read(
            stack.breakagelog).splitlines())
    finally:
        stack.stop()

    # Keycloak's Argon2 defaults, on a stack of their own.
    say('Keycloak parity: Argon2id with %d passes and %d MiB...' % (
        common.OPS_KEYCLOAK, common.MEM_KEYCLOAK >> 20))
    kc_rows = []
    stack = start_stack(WORK_KEYCLOAK, pwhash_ops=common.OPS_KEYCLOAK,
                        pwhash_mem='%dMiB' % (common.MEM_KEYCLOAK >> 20))
    try:
        common.seed(stack, common.make_hash(common.OPS_KEYCLOAK,
                                            common.MEM_KEYCLOAK))
        login_row(stack, kc_rows, 'POST /login (Keycloak limits)',
                  common.OPS_KEYCLOAK, common.MEM_KEYCLOAK, KEYCLOAK_ROUNDS)
        busy += [ln for ln in common.busy_lines(stack) if ln not in busy]
    finally:
        stack.stop()

    # The table.
    head, lines = table(rows + kc_rows)
    non2xx = sum(r.summary()['non2xx'] for r in rows + kc_rows)
    sockerr = sum(r.summary()['errors'] for r in rows + kc_rows)
    kc = kc_rows[0].summary()
    ncpu = os.cpu_count() or 1
    kc_core = kc['median'] / ncpu
    kc_ref_core = kc['ref'] / ncpu
    goal_lines = [
        'no non-2xx/3xx response at %d connections: %s (%d; socket errors '
        '%d)' % (CONNECTIONS, 'PASS' if non2xx == 0 else 'MISS', non2xx,
                 sockerr),
        'no SQLITE_BUSY in the programs\' stderr or the logs: %s (%d line%s)'
        % ('PASS' if not busy else 'MISS', len(busy),
           '' if len(busy) == 1 else 's'),
    ] + memory_lines(memory) + [
        'Keycloak parity (Argon2id 5 passes, 7 MiB): %.1f logins/s per core '
        '(%.1f logins/s on %d cores; raw Argon2id %.1f per core); '
        'Keycloak publishes %.0f per vCPU' % (
            kc_core, kc['median'], ncpu, kc_ref_core, KEYCLOAK_PUBLISHED),
    ]
    elapsed = time.monotonic() - t_start

    say('')
    say(render_text(head, lines))
    say('')
    for g in goal_lines:
        say(g)
    say('(ratio: median of the rounds\' case/reference ratios; p50/p99: '
        'median over the rounds of Postern\'s latency percentiles)')
    say('%.0f s in all.' % elapsed)

    # The results file.
    cols = ('VmRSS', 'Pss', 'Shared_Clean', 'Private_Dirty', 'VmHWM')
    mem_lines = ['| program | pid | ' + ' | '.join(cols) + ' |',
                 '|---|---|' + '---|' * len(cols)]
    for name, procs in sorted(memory.items()):
        for pid, m in procs:
            mem_lines.append('| %s | %d | %s |' % (name, pid, ' | '.join(
                '%.1f MiB' % (m[c] / 1024) if c in m else '?'
                for c in cols)))
    rounds_lines = []
    for row in rows + kc_rows:
        rounds_lines.append('- %s: %s; reference %s' % (
            row.name,
            ', '.join(fmt_rate(c['rps']) for c in row.case),
            ', '.join(fmt_rate(r['rps']) for r in row.ref)))
    ref_lat = []
    for row in rows:
        s = row.summary()
        if s['ref_p50'] is not None:
            ref_lat.append('- %s reference: p50 %s, p99 %s' % (
                row.name, fmt_ms(s['ref_p50']), fmt_ms(s['ref_p99'])))
    os.makedirs(os.path.join(common.HERE, 'results'), exist_ok=True)
    path = os.path.join(common.HERE, 'results',
                        started.strftime('%Y-%m-%d') + '.md')
    with open(path, 'w') as f:
        f.write('# make bench, %s\n\n' % started.strftime('%Y-%m-%d %H:%M'))
        f.write('## Machine\n\n')
        for k, v in mach:
            f.write('- %s: %s\n' % (k, v))
        f.write('\n## Settings\n\n')
        f.write('- %d rounds of %d s per side (case and reference '
                'alternating, %d s warm-up each), wrk with %d threads and '
                '%d connections, lighttpd max-procs %d for every program; '
                'mailer: %d rounds of %d mails.\n' % (
                    ROUNDS, SECONDS, WARMUP, WRK_THREADS, CONNECTIONS,
                    PROCS, MAIL_ROUNDS, MAILS))
        f.write('- %d accounts, Argon2id %d passes / %d MiB (Keycloak '
                'line: %d passes / %d MiB, %d rounds).\n' % (
                    common.ACCOUNTS, common.OPS_INTERACTIVE,
                    common.MEM_INTERACTIVE >> 20, common.OPS_KEYCLOAK,
                    common.MEM_KEYCLOAK >> 20, KEYCLOAK_ROUNDS))
        f.write('- ratio: the median of the rounds\' case/reference ratios; '
                'p50/p99: the median over the rounds of Postern\'s '
                'percentiles.\n')
        f.write('- Other work shared the machine: absolute figures are '
                'noisy, ratios are what to compare.\n\n')
        f.write('## Results\n\n')
        f.write(render_md(head, lines) + '\n\n')
        for g in goal_lines:
            f.write('- %s\n' % g)
        f.write('\n## Rounds, in order\n\n')
        f.write('\n'.join(rounds_lines) + '\n')
        if ref_lat:
            f.write('\n## Reference latency\n\n' + '\n'.join(ref_lat) + '\n')
        f.write('\n## Memory of the FastCGI programs after the HTTP cases\n\n')
        f.write('\n'.join(mem_lines) + '\n\n')
        f.write('VmRSS counts every resident page the process maps, '
                'library code shared with every other process included '
                '(Shared_Clean); Pss divides shared pages among their '
                'users; Private_Dirty is the process\'s own.  VmHWM (the '
                'peak) includes the Argon2id buffers of login.fcgi\'s '
                'logins and of the dummy hash it makes at start-up, freed '
                'at once.\n')
        f.write('\n## Notes\n\n')
        for n in notes:
            f.write('- %s\n' % n)
        f.write('- SQLITE_BUSY: looked for in the programs\' stderr '
                '(lighttpd\'s breakage log), lighttpd\'s error log, the '
                'mailer\'s stderr and %s.\n' % (
                    ', '.join(common.syslog_files()) or
                    'no system log (none on this machine)'))
        if busy:
            f.write('- SQLITE_BUSY lines:\n')
            for ln in busy[:20]:
                f.write('    %s\n' % ln)
        f.write('- the programs wrote %d line%s to stderr during the run.\n'
                % (stderr_lines, '' if stderr_lines == 1 else 's'))
        f.write('- %.0f s in all.\n' % elapsed)
    say('Results written to %s' % os.path.relpath(path, common.REPO))
    return 0


if __name__ == '__main__':
    common.run(main, 'make bench')
