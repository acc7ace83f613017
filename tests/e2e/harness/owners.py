"""
The owner and the attackers of the attack stories (attacks.py,
attacks_round3.py): an owner whose ways in are older than reset_delay,
the browsers of others, a borrowed session, a phished login, and the
owner getting back in with a reset.
"""

import time

from .db import account_id, age_account, db_write
from .mail import Deliveries, code_in, links_in, token_of
from .stack import DEFAULT_PASSWORD
from .stories import ask_reset, from_ip, person, prove_reset
from .twofa import enable_totp, make_recovery_code

RESET_DELAY = 24 * 3600                 # reset_delay's default
# The password an owner's reset chooses.
NEW_PASSWORD = 'lantern orchard velvet 42'

_ips = [0]


class Owner:
    pass


def new_ip():
    """A network address of its own for each person (per-IP limits)."""
    _ips[0] += 1
    return '198.51.100.%d' % _ips[0]


def browser(stack, ip=None):
    """A new browser (no cookies) from an address of its own."""
    return from_ip(stack.client(), ip or new_ip())


def log_in(c, name, password, auth=None):
    """Log c in with password (and the authenticator's next code): the
    last response."""
    c.get('/login')
    r = c.post('/login', {'username': name, 'password': password})
    if r.status == 303 and auth is not None and \
            c.stack.path_of(r.location) == '/login/2fa':
        c.get('/login/2fa')
        r = c.post('/login/2fa', {'code': auth.next()})
    return r


def links_to(stack, mails, addr, path):
    """The links starting with path in the mails among mails to addr."""
    return [x for m in Deliveries.to(mails, addr)
            for x in links_in(stack, m, path)]


def guesses_until_closed(c, login, n0):
    """Wrong passwords for login from c until the page pauses logins
    (at most 20): how many were answered as wrong.  n0 numbers the
    guesses, so that no two are the same."""
    n = 0
    while n < 20:
        r = log_in(c, login, 'guess number %d for the password' % (n0 + n))
        if r.status == 429:
            break
        n += 1
    return n


def owner(stack, post, name, work=True, twofa=False):
    """An owner whose ways in are older than reset_delay: name@home
    (primary), name@work (a recovery address) unless not work, and with
    twofa a recovery code and an authenticator.  They logged in from
    their own browser (o.client, which the account now knows) seconds
    ago; age_account() leaves the session's times as they are."""
    # Every owner signs up from the test's own address: 20 an hour.
    db_write(stack, "UPDATE rate_limits SET at = at - 7200 WHERE key LIKE "
             "'signup-ip:%'")
    o = Owner()
    o.name = name
    o.home = '%s@home.example' % name
    o.work = '%s@work.example' % name if work else None
    o.client = c = person(stack, post, name, o.home,
                          [o.work] if work else [], established=False)
    o.ip = new_ip()
    from_ip(c, o.ip)
    o.rc = o.auth = None
    if twofa:
        o.rc = make_recovery_code(c)
        c.get('/contacts/recovery-code/new')
        c.post('/contacts/recovery-code/saved', {})
        o.auth = enable_totp(c)
    post.deliver()
    age_account(stack, name)
    return o


def borrow(stack, o):
    """The attacker's browser with the owner's session cookie in it,
    seconds after the owner logged in."""
    a = browser(stack)
    a.cookies['postern'] = o.client.cookie('postern')
    r = a.get('/account')
    if r.status != 200 or o.name not in r.text:
        raise RuntimeError('the borrowed session did not open /account')
    return a


def codes_for(mails, addr):
    """The one-time code of the newest mail to addr among mails."""
    got = Deliveries.to(mails, addr)
    return code_in(got[-1].body) if got else None


def reset_row(stack, name, state='pending'):
    """(created_at, proven_at, deadline, failures, id) of the account's
    newest reset in state, or None."""
    rows = stack.sql('SELECT created_at, proven_at, deadline, failures, id '
                     'FROM resets WHERE account_id = ? AND state = ? '
                     'ORDER BY id DESC LIMIT 1', account_id(stack, name),
                     state)
    return rows[0] if rows else None


def reset_state(stack, rid):
    rows = stack.sql('SELECT state FROM resets WHERE id = ?', rid)
    return rows[0][0] if rows else None


def pass_deadline(stack, name):
    """The time lock runs out: the pending change's deadline is moved
    to a second ago, and the mailer applies what is due."""
    db_write(stack, "UPDATE resets SET deadline = ? WHERE state = "
             "'pending' AND account_id = ?", int(time.time()) - 1,
             account_id(stack, name))
    stack.mailer_once()


def gets_back_in(tap, stack, post, o, addresses=(), rc=False,
                 auth=False, story=''):
    """The owner, from their own browser, asks for a reset, proves it
    with ways in that existed before the attack (the codes mailed to
    addresses, the recovery code, the authenticator), and once the
    deadline passes, no later than reset_delay after the proof, logs in
    with the new password."""
    post.deliver()
    r = ask_reset(o.client, o.name)
    tap.is_(r.status, 303, '%s: the owner asks for a reset' % story)
    mails, _sms = post.deliver()
    codes = [codes_for(mails, a) for a in addresses]
    if rc:
        codes.append(o.rc)
    if auth:
        codes.append(o.auth.next())
    return proves_and_waits(tap, stack, o, codes, auth, story)


def proves_and_waits(tap, stack, o, codes, auth, story):
    """The owner proves their reset with codes from their own browser;
    the change waits no longer than reset_delay, takes effect at its
    deadline, and the new password logs them in (with the
    authenticator when auth: the proof kept 2FA on)."""
    r = prove_reset(o.client, o.name, codes, NEW_PASSWORD)
    tap.is_((r.status, (stack.path_of(r.location) or '').split('?')[0]),
            (303, '/reset'), '%s: the owner proves a reset with ways in '
            'from before the attack' % story)
    if r.status != 303:
        tap.diag(o.client.errors(r))
        return False
    return waits_then_in(tap, stack, o, auth, story)


def waits_then_in(tap, stack, o, auth, story):
    """The owner's pending change waits no longer than reset_delay, takes
    effect at its deadline, and the new password logs them in."""
    row = reset_row(stack, o.name)
    tap.ok(row and 0 < row[2] - row[1] <= RESET_DELAY, '%s: the change waits '
           'no longer than reset_delay' % story, row)
    pass_deadline(stack, o.name)
    tap.is_(row and reset_state(stack, row[4]), 'applied', '%s: it takes '
            'effect at its deadline' % story)
    r = log_in(o.client, o.name, NEW_PASSWORD, o.auth if auth else None)
    return tap.is_((r.status, stack.path_of(r.location)), (303, '/account'),
                   '%s: the owner logs in with the new password' % story)


def phished_login(stack, o):
    """A second attacker who phished the password logs in from a browser
    of their own (the password alone: no authenticator)."""
    phi = browser(stack)
    r = log_in(phi, o.name, DEFAULT_PASSWORD)
    phi.password = DEFAULT_PASSWORD
    return phi, r


def change_email(stack, post, c, to):
    """c, who knows the password, moves its account's address to `to`
    and confirms it from the mailbox of `to`: the last response."""
    c.get('/email')
    r = c.post('/email', {'email': to, 'password': DEFAULT_PASSWORD})
    if r.status != 303:
        return r
    mails, _ = post.deliver()
    link = [x for m in Deliveries.to(mails, to)
            for x in links_in(stack, m, '/email/confirm')][-1]
    c.get(stack.path_of(link))
    return c.post('/email/confirm', {'t': token_of(link)})


def revert_link(stack, mails, addr):
    return [x for m in Deliveries.to(mails, addr)
            for x in links_in(stack, m, '/email/revert')][-1]


def press(stack, c, link, path):
    """Open a mailed link and press its one button: the POST's response,
    or the GET's when the page has no button."""
    r = c.get(stack.path_of(link))
    if r.status != 200:
        return r
    return c.post(path, {'t': token_of(link)})


def primary(stack, name):
    return stack.sql('SELECT email FROM accounts WHERE username = ?',
                     name)[0][0]
