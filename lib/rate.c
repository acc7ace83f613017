/*
 * rate.c: rate limits kept in SQLite, so every FastCGI process (and
 * every server in front) sees the same counts.
 *
 * A row counts the hits of one key in one second, and a limit looks
 * back over its window from now: a sliding window, so "5 an hour" is 5
 * in any hour, never 10 across the turn of one, and the time a limit
 * lets the next one in is known to the second.  Windows are at most a
 * day; rate_purge() drops what is older.
 */
#include <assert.h>
#include <stdint.h>

#include "buf.h"
#include "event.h"
#include "internal.h"
#include "log.h"
#include "policy.h"
#include "rate.h"

/*
 * A person who forgot their password may type their name or their
 * address: two names per account, counted per name for strangers'
 * browsers; the account's own browsers share a count of their own, so
 * that strangers who know the name cannot use up the owner's asks.
 * Asks the reset page accepts can then never exceed what the mailer
 * accepts per account, so no ask the page answered is dropped.
 */
#define RESET_NAME_MAX	  2
#define RESET_KNOWN_MAX	  2
#define RESET_ACCOUNT_MAX 6
_Static_assert(2 * RESET_NAME_MAX + RESET_KNOWN_MAX <= RESET_ACCOUNT_MAX,
    "the reset page must not accept asks the mailer would drop");

/* What a scope's value is. */
enum rate_by {
	BY_TEXT,    /* a name, an address, a client */
	BY_ACCOUNT, /* an account id */
	BY_DEVICE   /* an account id and a browser (device.c) */
};

static const struct rate_limit {
	const char  *name; /* no ':' */
	enum rate_by by;
	int	     max;
	int64_t	     window;
} rate_limits[RATE_NSCOPES] = {
	[RATE_LOGIN_ACCOUNT] = { "login-account", BY_ACCOUNT, LOGIN_FAILS,
	    LOGIN_WINDOW },
	[RATE_LOGIN_ADDRESS] = { "login-address", BY_ACCOUNT, LOGIN_FAILS,
	    LOGIN_WINDOW },
	[RATE_LOGIN_DEVICE] = { "login-device", BY_DEVICE, LOGIN_FAILS,
	    LOGIN_WINDOW },
	[RATE_LOGIN_NAME] = { "login-name", BY_TEXT, LOGIN_FAILS,
	    LOGIN_WINDOW },
	[RATE_LOGIN_CEILING] = { "login-ceiling", BY_ACCOUNT, LOGIN_CEILING,
	    LOGIN_CEILING_WINDOW },
	[RATE_TOTP_ACCOUNT] = { "totp-account", BY_ACCOUNT, TOTP_FAILS,
	    TOTP_WINDOW },
	[RATE_TOTP_DEVICE] = { "totp-device", BY_DEVICE, TOTP_FAILS,
	    TOTP_WINDOW },
	[RATE_LOGIN_IP] = { "login-ip", BY_TEXT, 100, 3600 },
	[RATE_SIGNUP_IP] = { "signup-ip", BY_TEXT, 20, 3600 },
	[RATE_RESET_IP] = { "reset-ip", BY_TEXT, 20, 3600 },
	[RATE_RESET_NAME] = { "reset-name", BY_TEXT, RESET_NAME_MAX, 3600 },
	[RATE_RESET_KNOWN] = { "reset-known", BY_ACCOUNT, RESET_KNOWN_MAX,
	    3600 },
	[RATE_RESET_ACCOUNT] = { "reset-account", BY_ACCOUNT,
	    RESET_ACCOUNT_MAX, 3600 },
	/* Refused attempts count too. */
	[RATE_EMAIL_ACCOUNT] = { "email-account", BY_ACCOUNT, 10, 3600 },
	[RATE_RESEND_ACCOUNT] = { "resend-account", BY_ACCOUNT, 5, 3600 },
	[RATE_KIT_ACCOUNT] = { "kit-account", BY_ACCOUNT, 3, 86400 },
	/* Lives as long as a setup may (TWOFA_SETUP_TTL). */
	[RATE_TWOFA_SETUP] = { "twofa-setup", BY_DEVICE, 5, 15 * 60 },
	/*
	 * Codes and links to addresses not yet verified, and signup
	 * notices: what a stranger can send to anyone's address.  A
	 * person's own use causes a few an hour (tests/e2e/limits.py).
	 */
	[RATE_MESSAGES_TO] = { "messages-to", BY_TEXT, 10, 3600 },
};

int
rate_key(struct buf *key, enum rate_scope scope, int64_t id, const char *text)
{
	const struct rate_limit *l;
	size_t			 i;

	assert(scope >= 0 && scope < RATE_NSCOPES);
	l = &rate_limits[scope];
	buf_reset(key);
	switch (l->by) {
	case BY_ACCOUNT:
		if (text != NULL || id <= 0)
			return 0;
		return buf_printf(key, "%s:%lld", l->name, (long long)id);
	case BY_DEVICE:
		if (text == NULL || id <= 0 ||
		    !buf_printf(key, "%s:%lld:", l->name, (long long)id))
			return 0;
		break;
	case BY_TEXT:
		if (text == NULL || id != 0 ||
		    !buf_printf(key, "%s:", l->name))
			return 0;
		break;
	}
	i = key->len;
	if (!buf_puts(key, text))
		return 0;
	/* ASCII only, as NOCASE compares names and addresses. */
	for (; i < key->len; i++)
		if (key->p[i] >= 'A' && key->p[i] <= 'Z')
			key->p[i] += 'a' - 'A';
	return 1;
}

/* rate_key() for a query, logged when it fails. */
static int
rate_key_for(struct buf *key, enum rate_scope scope, int64_t id,
    const char *text)
{
	if (rate_key(key, scope, id, text))
		return 1;
	log_err("rate: no key for %s", rate_limits[scope].name);
	return 0;
}

int
rate_check(struct db *db, enum rate_scope scope, int64_t id, const char *text,
    int64_t now, int64_t *until)
{
	/* The second at which the hits, newest first, reach the limit. */
	static const char *const sql =
	    "SELECT at FROM (SELECT at, sum(count) OVER (ORDER BY at DESC)"
	    " AS total FROM rate_limits WHERE key = ?1 AND at > ?2 - ?3"
	    " AND at <= ?2) WHERE total >= ?4 ORDER BY at DESC LIMIT 1";
	const struct rate_limit *l = &rate_limits[scope];
	struct buf		 key;
	int64_t			 at;
	int			 found, ok;

	*until = 0;
	buf_init(&key);
	ok = rate_key_for(&key, scope, id, text) &&
	    db_query_int(db, &at, &found, "rate check", sql, "tiii", key.p,
		now, l->window, (int64_t)l->max);
	if (ok && found)
		*until = at + l->window;
	buf_free(&key);
	return ok;
}

int
rate_used(struct db *db, enum rate_scope scope, int64_t id, const char *text,
    int64_t now, int64_t window, int64_t *used)
{
	static const char *const sql =
	    "SELECT coalesce(sum(count), 0) FROM rate_limits WHERE key = ?1"
	    " AND at > ?2 - ?3 AND at <= ?2";
	struct buf key;
	int	   ok;

	*used = 0;
	buf_init(&key);
	ok = rate_key_for(&key, scope, id, text) &&
	    db_query_int(db, used, NULL, "rate used", sql, "tii", key.p, now,
		window);
	buf_free(&key);
	return ok;
}

int
rate_left(struct db *db, enum rate_scope scope, int64_t id, const char *text,
    int64_t now, int *left)
{
	const struct rate_limit *l = &rate_limits[scope];
	int64_t			 used;

	*left = 0;
	if (!rate_used(db, scope, id, text, now, l->window, &used))
		return 0;
	*left = used >= l->max ? 0 : (int)(l->max - used);
	return 1;
}

int
rate_hit(struct db *db, enum rate_scope scope, int64_t id, const char *text,
    int64_t now)
{
	static const char *const sql =
	    "INSERT INTO rate_limits (key, at, count) VALUES (?1, ?2, 1)"
	    " ON CONFLICT (key, at) DO UPDATE SET count = count + 1";
	struct buf key;
	int	   ok;

	buf_init(&key);
	ok = rate_key_for(&key, scope, id, text) &&
	    db_run(db, sql, "ti", key.p, now);
	buf_free(&key);
	return ok;
}

int
rate_take(struct db *db, enum rate_scope scope, int64_t id, const char *text,
    int64_t now, int64_t *until)
{
	return rate_check(db, scope, id, text, now, until) &&
	    (*until != 0 || rate_hit(db, scope, id, text, now));
}

int
rate_fail(struct db *db, enum rate_scope scope, int64_t id, const char *text,
    int64_t now, int *closed)
{
	int64_t until;

	*closed = 0;
	if (!rate_hit(db, scope, id, text, now) ||
	    !rate_check(db, scope, id, text, now, &until))
		return 0;
	*closed = until != 0;
	return 1;
}

int
rate_purge(struct db *db, int64_t now)
{
	/* No window is longer than a day. */
	static const char *const sql =
	    "DELETE FROM rate_limits WHERE at <= ?1";

	return db_run(db, sql, "i", (int64_t)(now - 86400));
}
