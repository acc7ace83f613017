"""
The authenticator app (TOTP codes, each step used once) and the pages
that turn on two-step verification and make a recovery code.
"""

import base64
import hashlib
import hmac
import struct
import time

from .page import element_text
from .stories import proof


def totp(secret_b32, t=None, step=None):
    """The RFC 6238 code (HMAC-SHA-1, 6 digits, 30-second steps) of the
    base32 secret (spaces and case ignored) at time t (default now), or
    at the time step step."""
    key = ''.join(secret_b32.split()).upper().replace('-', '')
    key = base64.b32decode(key + '=' * (-len(key) % 8))
    if step is None:
        step = int((time.time() if t is None else t) // 30)
    mac = hmac.new(key, struct.pack('>Q', step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    n = struct.unpack('>I', mac[off:off + 4])[0] & 0x7FFFFFFF
    return '%06d' % (n % 1000000)


def totp_secret_bytes(secret_b32):
    """The raw secret of a base32 text (spaces and case ignored)."""
    key = ''.join(secret_b32.split()).upper()
    return base64.b32decode(key + '=' * (-len(key) % 8))


STEP = 30
MARGIN = 20     # seconds a code handed out stays acceptable, at least


class Authenticator:
    """The phone app: codes of the secret, each time step used once.
    next() gives the code of the earliest step after the last one used
    that the server accepts (one step of skew either way: the code of
    step s is taken until step s + 1 ends) for at least MARGIN seconds
    more, so that a slow request on a loaded machine still arrives in
    time; it waits for the clock when there is none."""

    def __init__(self, secret):
        self.secret = secret
        self.last = None

    @staticmethod
    def _now_step():
        """The step now, never within a second and a half of its end:
        at_offset() and wrong() must be judged in the step they were
        computed for."""
        t = time.time()
        if STEP - t % STEP < 1.5:
            time.sleep(STEP - t % STEP + 0.1)
            t = time.time()
        return int(t // STEP)

    def next(self):
        while True:
            t = time.time()
            now = int(t // STEP)
            for step in (now - 1, now, now + 1):
                if (self.last is None or step > self.last) and \
                        (step + 2) * STEP - t >= MARGIN:
                    self.last = step
                    return totp(self.secret, step=step)
            time.sleep(STEP - t % STEP + 0.1)

    def at_offset(self, steps):
        """The code of the step steps away from now (not marked used)."""
        return totp(self.secret, step=self._now_step() + steps)

    def wrong(self):
        """A code that is none of the steps from two before to two
        after now."""
        now = self._now_step()
        near = {totp(self.secret, step=now + d) for d in range(-3, 4)}
        n = 123456
        while '%06d' % n in near:
            n += 1
        return '%06d' % n


def show_totp_secret(client):
    """Type the password on /contacts/2fa and read the key it shows
    once: the Authenticator of that key, or an error."""
    client.get('/contacts/2fa')
    r = client.post('/contacts/2fa', {'password': client.password})
    text = element_text(r, 'totp-secret')
    if r.status != 200 or not text:
        raise RuntimeError('no totp-secret after the password (%d): %s'
                           % (r.status, client.errors(r)))
    return Authenticator(''.join(text.split()))


def enable_totp(client):
    """Turn two-step verification on as the page does: the password
    shows the key, a code computed from it turns 2FA on (the account
    must already meet R2).  The Authenticator, with that code's step
    used, is returned and kept as client.auth for later proofs."""
    auth = show_totp_secret(client)
    r = client.post('/contacts/2fa', {'code': auth.next()})
    if r.status != 303:
        raise RuntimeError('enabling 2FA answered %d: %s' % (
            r.status, client.errors(r)))
    client.auth = auth
    return auth


def make_recovery_code(client):
    """Make a new recovery code from /contacts/recovery-code as the form
    does, and read it off the page the POST leads to (its one-time
    view); the code, or None."""
    client.get('/contacts/recovery-code')
    r = client.post('/contacts/recovery-code', proof(client))
    if r.status != 303:
        return None
    return element_text(client.get(client.stack.path_of(r.location)),
                        'recovery-code')
