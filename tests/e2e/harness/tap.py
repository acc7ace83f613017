"""
A small Test Anything Protocol printer for prove, with stories (groups
of checks) and TODO tests.
"""

import contextlib
import os
import re
import signal
import sys
import threading
import traceback


class Tap:
    """
    A small Test Anything Protocol printer for prove.  Failures print
    what was got and expected as '#' lines on stderr, like Test::More.
    """

    def __init__(self):
        self.n = 0
        self.failed = 0
        sys.stdout.reconfigure(line_buffering=True)

    def diag(self, msg):
        for line in str(msg).splitlines() or ['']:
            sys.stderr.write('# %s\n' % line)
        sys.stderr.flush()

    def note(self, msg):
        for line in str(msg).splitlines() or ['']:
            print('# %s' % line)

    def skip(self, why):
        """One test not run, counted as TAP "ok # skip"."""
        self.n += 1
        print('ok %d # skip %s' % (self.n, ' '.join(str(why).split())))

    def ok(self, cond, name, diag=None):
        self.n += 1
        name = ' '.join(str(name).split()).replace('#', '\\#')
        if cond:
            print('ok %d - %s' % (self.n, name))
        else:
            self.failed += 1
            print('not ok %d - %s' % (self.n, name))
            here = os.path.abspath(__file__)
            caller = [f for f in traceback.extract_stack()
                      if os.path.abspath(f.filename) != here][-1]
            self.diag('  Failed test %r\n  at %s line %d.' % (
                name, os.path.basename(caller.filename), caller.lineno))
            if diag is not None:
                self.diag(diag)
        return bool(cond)

    def is_(self, got, want, name):
        if got == want:
            return self.ok(True, name)
        return self.ok(False, name, '         got: %s\n    expected: %s' % (
            _show(got), _show(want)))

    def isnt(self, got, unwanted, name):
        if got != unwanted:
            return self.ok(True, name)
        return self.ok(False, name, '         got: %s\n    expected: '
                       'anything else' % _show(got))

    def like(self, text, regex, name):
        if text is not None and re.search(regex, str(text)):
            return self.ok(True, name)
        return self.ok(False, name, '                  %s\n    doesn\'t '
                       'match %r' % (_show(text), regex))

    def unlike(self, text, regex, name):
        if text is None or not re.search(regex, str(text)):
            return self.ok(True, name)
        return self.ok(False, name, '                  %s\n    matches '
                       '%r' % (_show(text), regex))

    def fail_with_exception(self, name):
        """A not ok for an exception, with its traceback as diagnostics."""
        self.ok(False, '%s: raised %s' % (name, sys.exc_info()[0].__name__),
                traceback.format_exc())

    @contextlib.contextmanager
    def story(self, name):
        """Run one story; an exception inside is a failed test and the
        next story still runs."""
        self.note(name)
        try:
            yield
        except Exception:
            self.fail_with_exception(name)

    def done(self):
        print('1..%d' % self.n)
        if self.n == 0:
            self.diag('No tests run!')
            sys.exit(255)
        if self.failed:
            self.diag('Looks like you failed %d test%s of %d.' % (
                self.failed, '' if self.failed == 1 else 's', self.n))
            sys.exit(min(self.failed, 254))
        sys.exit(0)

    def run(self, main):
        """main() then done(); an exception is a failed test."""
        _term_raises()
        try:
            main()
        except Exception:
            self.fail_with_exception(getattr(main, '__name__', 'main'))
        except KeyboardInterrupt:
            self.ok(False, 'interrupted')
        self.done()


def _show(v):
    s = repr(v)
    if len(s) > 2000:
        s = s[:2000] + '...'
    return s


def _term_raises():
    """SIGTERM unwinds like Ctrl-C, so the stack is torn down."""
    def handler(signum, frame):
        raise KeyboardInterrupt('signal %d' % signum)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def todo(tap, cond, name, why):
    """A TAP test marked TODO: a known bug, reported, that does not fail
    the run (prove counts it, and says when it starts passing)."""
    tap.n += 1
    name = ' '.join(str(name).split()).replace('#', '\\#')
    why = ' '.join(str(why).split()).replace('#', '\\#')
    print('%s %d - %s # TODO %s' % ('ok' if cond else 'not ok', tap.n,
                                     name, why))
    return bool(cond)
