"""
Where the harness finds what it runs: the tree (REPO), the build under
test ($POSTERN_BUILD, the tree's own by default) and Debian's servers.
"""

import os


# This file is tests/e2e/harness/paths.py.
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
BUILD = os.path.abspath(os.environ.get('POSTERN_BUILD') or REPO)
LIGHTTPD = '/usr/sbin/lighttpd'
PYTHON = '/usr/bin/python3'
SMTPD = os.path.join(REPO, 'tests', 'smtpd.py')
DNSMASQ = '/usr/sbin/dnsmasq'
