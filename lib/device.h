#ifndef POSTERN_DEVICE_H
#define POSTERN_DEVICE_H

#include <stdint.h>

#include "crypto.h"

struct db;

/*
 * device.c: browsers that have logged in to an account.  Every browser
 * carries a long-lived random cookie of its own (app.c); a successful
 * login remembers the BLAKE2b of it for the account.  Wrong passwords
 * and codes typed in a remembered browser are counted apart from
 * everyone else's, so someone who knows only a name can close the door
 * to strangers but never to the owner's own browser (OWASP's "device
 * cookies").  Only the hash is stored: a copy of the database names no
 * cookie.
 */

/* Has this browser logged in to the account before?  NULL: no. */
int device_known(struct db *, int64_t account_id, const unsigned char *browser,
    int *known);
/*
 * A whole login in the browser whose cookie hashes to old: the browser
 * gets a new cookie, whose token is made here (token, for the caller to
 * send), and every account that knew it by the old one, account_id
 * among them, knows it by the new one.  A copy of the old cookie, taken
 * by whoever held the browser or a session for a minute, is a
 * stranger's from now on, if the browser still sent it: a copy of a
 * cookie the browser lost stays known until device_forget().  Inside a
 * write transaction.
 */
int device_renew(struct db *, int64_t account_id,
    const unsigned char old[HASH_BYTES], char token[TOKEN_TEXT], int64_t now);
/*
 * The account forgets every browser it knew but the one whose cookie
 * hashes to keep (NULL: all of them), which gets a new cookie as at a
 * whole login (device_renew(): token, for the caller to send).  After a
 * password change, a reset or "log out other sessions", a copy of a
 * known browser's cookie, or the browser of a thief who logged in with
 * a phished password, counts as a stranger's again (attacks_round5.py,
 * 36d).  Inside a write transaction.
 */
int device_forget(struct db *, int64_t account_id, const unsigned char *keep,
    char token[TOKEN_TEXT], int64_t now);
/* The hash as 64 hex digits, for a rate-limit key. */
#define DEVICE_HEX (2 * HASH_BYTES + 1)
void device_hex(const unsigned char browser[HASH_BYTES], char out[DEVICE_HEX]);

#endif /* !POSTERN_DEVICE_H */
