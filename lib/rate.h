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
	RATE_LOGIN_ACCOUNT,  /* wrong passwords for an account, typed in
				   browsers it does not know (guard.c) */
	RATE_LOGIN_ADDRESS,  /* the same, logging in by its address */
	RATE_LOGIN_DEVICE,   /* the same, in one browser it knows */
	RATE_LOGIN_NAME,     /* wrong passwords for a name nobody has */
	RATE_LOGIN_CEILING,  /* every wrong password for an account,
				   whoever typed it (guard.c) */
	RATE_TOTP_ACCOUNT,   /* wrong TOTP codes, unknown browsers */
	RATE_TOTP_DEVICE,    /* wrong TOTP codes, one known browser */
	RATE_LOGIN_IP,	     /* wrong passwords from one client (spraying) */
	RATE_SIGNUP_IP,	     /* signups from one client */
	RATE_RESET_IP,	     /* reset asks from one client */
	RATE_RESET_NAME,     /* reset asks for one name or address typed */
	RATE_RESET_KNOWN,    /* reset asks for an account from browsers
				   it knows (device.c), apart from strangers' */
	RATE_RESET_ACCOUNT,  /* reset requests one account gets */
	RATE_EMAIL_ACCOUNT,  /* address changes an account asks for */
	RATE_RESEND_ACCOUNT, /* contact codes an account has sent again */
	RATE_KIT_ACCOUNT,    /* recovery kits an account makes */
	RATE_TWOFA_SETUP,    /* wrong codes for one pending 2FA setup,
				   its value the setup's time */
	RATE_MESSAGES_TO,    /* messages strangers can cause to one address */
	RATE_NSCOPES
};

/*
 * The key of scope's row for an account id (scopes per account), a
 * text (scopes per name, address or client) or both (scopes per
 * account and browser): "<scope>:<id>", "<scope>:<text>" or
 * "<scope>:<id>:<text>", the scope a name from a fixed table with no
 * ':' in it, the text folded to lower case as SQLite's NOCASE folds
 * it.  So no value can make another scope's key: typing "#1" as a name
 * counts against that name, never against account 1.  0 when out of
 * memory (or the value does not fit the scope).
 */
int rate_key(struct buf *key, enum rate_scope, int64_t id, const char *text);

/*
 * Every function below takes the value as rate_key() does.  Windows
 * slide: a limit of n allows n within any window-long stretch of time.
 */

/* *until is 0 under the limit; at it, the time it lets one more in. */
int rate_check(struct db *, enum rate_scope, int64_t id, const char *text,
    int64_t now, int64_t *until);
/* Count one more (inside a write transaction). */
int rate_hit(struct db *, enum rate_scope, int64_t id, const char *text,
    int64_t now);
/* rate_check(), and rate_hit() when under the limit. */
int rate_take(struct db *, enum rate_scope, int64_t id, const char *text,
    int64_t now, int64_t *until);
/* rate_hit() for a failure, after a rate_check() that was not over:
 * *closed is set when this one reached the limit, so the limit's
 * closing can be recorded once. */
int rate_fail(struct db *, enum rate_scope, int64_t id, const char *text,
    int64_t now, int *closed);

/* How many were counted within window seconds before now (a window
 * other than the scope's own: rate_left() uses that). */
int rate_used(struct db *, enum rate_scope, int64_t id, const char *text,
    int64_t now, int64_t window, int64_t *used);
/* How many more the limit lets in now (0 when it is closed). */
int rate_left(struct db *, enum rate_scope, int64_t id, const char *text,
    int64_t now, int *left);

int rate_purge(struct db *, int64_t now);

#endif /* !POSTERN_RATE_H */
