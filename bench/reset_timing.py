#!/usr/bin/python3
"""
reset_timing.py: does POST /reset take the same time for a known and an
unknown name?  Measured, not asserted (DESIGN section 4; issue 5): the
two cases alternate on one stack, the rate limits are cleared before
each request so every known request really sends codes, and the medians
and spreads are printed side by side.

    POSTERN_BUILD=$PWD bench/reset_timing.py [rounds]
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tests', 'e2e'))
from harness import Stack, db_write  # noqa: E402


def timed_reset(client, name):
    client.get('/reset')
    t0 = time.perf_counter()
    r = client.post('/reset', {'username': name})
    dt = time.perf_counter() - t0
    if r.status != 303:
        raise RuntimeError('POST /reset answered %d' % r.status)
    return dt


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with Stack() as stack:
        stack.new_user('known', 'known@example.org')
        c = stack.client()
        times = {'known': [], 'unknown': []}
        for i in range(rounds):
            for name in (('known', 'nobody%d' % i) if i % 2 == 0 else
                         ('nobody%d' % i, 'known')):
                db_write(stack, 'DELETE FROM rate_limits')
                key = 'known' if name == 'known' else 'unknown'
                times[key].append(timed_reset(c, name) * 1000)
        asks = stack.sql("SELECT count(*) FROM reset_asks")[0][0]
        stack.mailer_once()
        sent = stack.sql("SELECT count(*) FROM resets")[0][0]
        print('POST /reset, %d rounds, known and unknown alternating: '
              '%d asks recorded, %d of them became codes in the next '
              'mailer pass' % (rounds, asks, sent))
        print('%-8s %8s %8s %8s %8s' % ('name', 'median', 'p10', 'p90',
                                         'mean'))
        for k, v in times.items():
            q = statistics.quantiles(v, n=10)
            print('%-8s %7.2fms %7.2fms %7.2fms %7.2fms' % (
                k, statistics.median(v), q[0], q[-1], statistics.mean(v)))
        mk = statistics.median(times['known'])
        mu = statistics.median(times['unknown'])
        print('difference of medians: %.2f ms (%.1f%% of the unknown '
              'median)' % (mk - mu, 100 * (mk - mu) / mu))


main()
