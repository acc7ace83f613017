"""
The database behind the pages: reads, snapshots to compare, and time
travel (writes that age an account or let a code expire).
"""

import hashlib
import sqlite3


def db_write(stack, query, *params):
    """Run one writing statement on the database (for tests that set up
    time, such as an expired code); the number of rows it changed."""
    con = sqlite3.connect(stack.db_path, timeout=10)
    try:
        cur = con.execute(query, params)
        con.commit()
        return cur.rowcount
    finally:
        con.close()


def found_in_db(snapshot, needle, skip=()):
    """Where needle (str, or bytes) occurs in a db_snapshot(): text
    cells that contain it (as text) and blob cells that contain it (as
    bytes), as 'table (row)' lines."""
    b = needle if isinstance(needle, bytes) else needle.encode('utf-8')
    s = needle if isinstance(needle, str) else None
    found = []
    for table, rows in snapshot.items():
        if table in skip:
            continue
        for row in rows:
            for cell in row:
                if (isinstance(cell, str) and s is not None and s in cell) \
                        or (isinstance(cell, bytes) and b in cell):
                    found.append('%s %r' % (table, row))
                    break
    return found


def session_row(stack, client):
    """The sessions row of the client's cookie as a dict (the database
    keeps the BLAKE2b-256 hash of the cookie), or None."""
    cookie = client.cookie('postern')
    if not cookie:
        return None
    h = hashlib.blake2b(cookie.encode('ascii'), digest_size=32).digest()
    con = sqlite3.connect(stack.db_path, timeout=10)
    try:
        con.execute('PRAGMA query_only = 1')
        con.row_factory = sqlite3.Row
        row = con.execute('SELECT * FROM sessions WHERE token_hash = ?',
                          (h,)).fetchone()
        return dict(row) if row is not None else None
    finally:
        con.close()


def account_id(stack, username):
    rows = stack.sql('SELECT id FROM accounts WHERE username = ?', username)
    return rows[0][0] if rows else None


def events_of(stack, username, kind=None):
    """(kind, detail) of the account's events, oldest first."""
    q = 'SELECT e.kind, e.detail FROM events e JOIN accounts a ON ' \
        'a.id = e.account_id WHERE a.username = ?'
    args = [username]
    if kind is not None:
        q += ' AND e.kind = ?'
        args.append(kind)
    return stack.sql(q + ' ORDER BY e.seq', *args)


def contact_id_of(stack, username, value):
    """The id of the account's contact with value, or None."""
    rows = stack.sql('SELECT c.id FROM contacts c JOIN accounts a ON '
                     'a.id = c.account_id WHERE a.username = ? AND '
                     'c.value = ?', username, value)
    return rows[0][0] if rows else None


ESTABLISHED = 2 * 86400


def age_account(stack, username, seconds=ESTABLISHED):
    """Move every time R9 weighs back by seconds, as if the account and
    its ways in (primary address, contacts, recovery code, kit,
    authenticator) had existed that much longer.  Sessions keep their
    times: they began when they began."""
    for q in ('UPDATE accounts SET created_at = created_at - ?1, '
              'email_since = CASE WHEN email_since = 0 THEN 0 ELSE '
              'email_since - ?1 END, email_verified_at = CASE WHEN '
              'email_verified_at = 0 THEN 0 ELSE email_verified_at - ?1 '
              'END, recovery_code_at = CASE WHEN recovery_code_at = 0 '
              'THEN 0 ELSE recovery_code_at - ?1 END, kit_at = CASE WHEN '
              'kit_at = 0 THEN 0 ELSE kit_at - ?1 END, totp_enabled_at = '
              'CASE WHEN totp_enabled_at = 0 THEN 0 ELSE totp_enabled_at '
              '- ?1 END WHERE username = ?2',
              'UPDATE contacts SET created_at = created_at - ?1, '
              'verified_at = CASE WHEN verified_at = 0 THEN 0 ELSE '
              'verified_at - ?1 END WHERE account_id = (SELECT id FROM '
              'accounts WHERE username = ?2)'):
        db_write(stack, q, seconds, username)


def reset_states(stack, username):
    """The states of the account's resets, oldest first."""
    return [s for (s,) in stack.sql(
        'SELECT r.state FROM resets r JOIN accounts a ON a.id = '
        'r.account_id WHERE a.username = ? ORDER BY r.id', username)]


def stable_snapshot(stack):
    """db_snapshot() with sessions.last_seen and sessions.notice blanked:
    any request may touch the first once a minute, and the second is the
    words the next page says (typing a used code again says "confirmed"
    again, which stays true); neither is a change a test cares about."""
    snap = stack.db_snapshot()
    snap['sessions'] = sorted(
        [tuple(v if i not in (5, 9) else 0 for i, v in enumerate(row))
         for row in snap.get('sessions', [])], key=repr)
    return snap


def stable_changes(stack, before):
    """db_changes() against a stable_snapshot()."""
    after = stable_snapshot(stack)
    out = []
    for t in sorted(set(before) | set(after)):
        a, b = before.get(t, []), after.get(t, [])
        out += ['- %s %r' % (t, r) for r in a if r not in b]
        out += ['+ %s %r' % (t, r) for r in b if r not in a]
    return out
