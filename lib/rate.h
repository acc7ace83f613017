#ifndef POSTERN_RATE_H
#define POSTERN_RATE_H

#include <stdint.h>

struct buf;
struct db;

/*
 * rate.c: rate limits kept in SQLite.  Each limit is a scope: what it
 * counts, how many it allows, over which window, and whether it counts
 * per account (its value an account id) or per text (a name or address
 * as typed, a client address).  The limits, DESIGN section 2's and the
 * rest, live in one table in rate.c.
 */
enum rate_scope {
	RATE_LOGIN_ACCOUNT,	/* wrong passwords and codes of an account */
	RATE_LOGIN_NAME,	/* wrong passwords for a name nobody has */
	RATE_LOGIN_IP,		/* wrong passwords from one client (spraying) */
	RATE_SIGNUP_IP,		/* signups from one client */
	RATE_RESET_IP,		/* reset asks from one client */
	RATE_RESET_NAME,	/* reset asks for one name or address typed */
	RATE_RESET_ACCOUNT,	/* reset requests one account gets */
	RATE_EMAIL_ACCOUNT,	/* address changes an account asks for */
	RATE_RESEND_ACCOUNT,	/* contact codes an account has sent again */
	RATE_KIT_ACCOUNT,	/* recovery kits an account makes */
	RATE_MESSAGES_TO,	/* messages strangers can cause to one address */
	RATE_NSCOPES
};

/*
 * The key of scope's row for an account id (scopes per account) or a
 * text (the others): "<scope>:<value>", the scope a name from a fixed
 * table with no ':' in it, the text folded to lower case as SQLite's
 * NOCASE folds it.  So no value can make another scope's key: typing
 * "#1" as a name counts against that name, never against account 1.
 * 0 when out of memory (or the value does not fit the scope).
 */
int	 rate_key(struct buf *key, enum rate_scope, int64_t id,
	    const char *text);

/*
 * Every function below takes the value as rate_key() does.  Windows
 * slide: a limit of n allows n within any window-long stretch of time.
 */

/* *until is 0 under the limit; at it, the time it lets one more in. */
int	 rate_check(struct db *, enum rate_scope, int64_t id,
	    const char *text, int64_t now, int64_t *until);
/* Count one more (inside a write transaction). */
int	 rate_hit(struct db *, enum rate_scope, int64_t id, const char *text,
	    int64_t now);
/* rate_check(), and rate_hit() when under the limit. */
int	 rate_take(struct db *, enum rate_scope, int64_t id,
	    const char *text, int64_t now, int64_t *until);
/* rate_hit() for a failure, after a rate_check() that was not over:
 * *closed is set when this one reached the limit, so the limit's
 * closing can be recorded once. */
int	 rate_fail(struct db *, enum rate_scope, int64_t id, const char *text,
	    int64_t now, int *closed);

/*
 * The login limit counts per account when the name typed is an
 * account's (account_id not 0), so every spelling of it (name, address,
 * case) counts against one limit, and per name typed otherwise.
 */
int	 rate_login_check(struct db *, int64_t account_id, const char *typed,
	    int64_t now, int64_t *until);
/* A wrong password or code, wherever it was typed: rate_fail() against
 * the login limit, event kind for account_id (0: no account), and
 * login_locked once when this failure closes the limit.  Inside a
 * write transaction. */
int	 rate_login_failed(struct db *, int64_t account_id, const char *typed,
	    const char *kind, const char *ip, int64_t now);
int	 rate_purge(struct db *, int64_t now);

#endif /* !POSTERN_RATE_H */
