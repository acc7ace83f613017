#ifndef POSTERN_GUARD_H
#define POSTERN_GUARD_H

#include <stdint.h>

#include "device.h"
#include "event.h"
#include "policy.h"

struct account;
struct flow;

/*
 * guard.c: the counts that keep passwords and TOTP codes from being
 * guessed at speed (R8), the same wherever they are typed: the login
 * form and its second step, the proof typed with an action, a reset
 * proof, confirming or rejecting a reset from a session.
 *
 * Failures go to one of two counts per account (policy_fail_bucket):
 * the browser's own when it has logged in to the account before,
 * strangers' otherwise.  So someone who knows only a name can close the
 * door to strangers, never to the owner's browser, and someone holding
 * a borrowed session guesses no faster than anyone else.
 */

struct guard {
	int64_t		 account_id; /* 0: a name nobody has */
	const char	*typed;	     /* that name, as typed */
	enum fail_bucket bucket;
	char		 device[DEVICE_HEX];
};

/* Whose counts this browser's failures go to, for the account (or for
 * the name typed when account_id is 0). */
int guard_for(struct flow *, int64_t account_id, const char *typed,
    struct guard *);
/* Is password (or TOTP) entry closed for it?  *until 0: open. */
int guard_password_closed(struct flow *, const struct guard *, int64_t *until);
int guard_totp_closed(struct flow *, const struct guard *, int64_t *until);
/*
 * One wrong password: counted, recorded as event kind, and once, when
 * it closes entry, as login_locked.  Inside a write transaction.
 */
/* How many more wrong passwords g's count lets in now. */
int guard_password_left(struct flow *, const struct guard *, int *left);
int guard_password_failed(struct flow *, const struct guard *,
    enum event_kind kind);
/*
 * One wrong TOTP code for account a: counted and recorded; when it
 * closes entry, recorded once more and every channel of the account is
 * told.  Inside a write transaction.
 */
int guard_totp_failed(struct flow *, const struct guard *,
    const struct account *a);
/* The notices guard_totp_failed() renders, for a program's list. */
#define GUARD_TEMPLATES "mail/totp_closed.tpl", "sms/totp_closed.tpl"

#endif /* !POSTERN_GUARD_H */
