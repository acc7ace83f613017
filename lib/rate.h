#ifndef POSTERN_RATE_H
#define POSTERN_RATE_H

#include <stdint.h>

struct db;

/*
 * rate.c: fixed-window counters kept in SQLite, keyed by a string such
 * as "login:alice" or "signup:192.0.2.1".
 */

/* Limits of DESIGN section 2. */
#define RATE_LOGIN_FAILS	10
#define RATE_LOGIN_WINDOW	(15 * 60)
/* Failed logins from one address, whatever the names (spraying). */
#define RATE_LOGIN_IP_FAILS	100
#define RATE_LOGIN_IP_WINDOW	3600
#define RATE_SIGNUPS		20
#define RATE_SIGNUP_WINDOW	3600
#define RATE_MAILS		10
#define RATE_MAIL_WINDOW	3600

#include <stddef.h>

/* The key wrong passwords of a known account count against, wherever
 * they are typed: "login:#<id>". */
void	 rate_account_key(int64_t account_id, char *key, size_t keysz);
/* *over is set when key has reached limit within the window. */
int	 rate_check(struct db *, const char *key, int limit, int64_t window,
	    int64_t now, int *over);
/* Count one more for key (inside a write transaction). */
int	 rate_hit(struct db *, const char *key, int64_t window, int64_t now);
/* rate_hit() for a failure, after a rate_check() that was not over:
 * *closed is set when this one reached limit, so the limit's closing
 * can be recorded once. */
int	 rate_fail(struct db *, const char *key, int limit, int64_t window,
	    int64_t now, int *closed);
/* A wrong password or code, wherever it was typed: rate_fail() against
 * key's login limit, event kind for account_id (0: no account), and
 * login_locked once when this failure closes the limit.  Inside a
 * write transaction. */
int	 rate_login_failed(struct db *, const char *key, int64_t account_id,
	    const char *kind, const char *ip, int64_t now);
int	 rate_purge(struct db *, int64_t now);

#endif /* !POSTERN_RATE_H */
