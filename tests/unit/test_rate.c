/*
 * test_rate.c: rate-limit keys and windows (lib/rate.c).
 *
 *  - every key is "<scope>:<value>" with a scope name from one table,
 *    none a prefix of another's key, so no typed value can reach
 *    another scope's count: "#1" typed as a name is not account 1;
 *  - a scope takes the value it counts (an account id or a text) and
 *    refuses the other; texts compare without ASCII case, as NOCASE;
 *  - windows slide: n in any window-long stretch, and the time a full
 *    limit lets the next one in is exact;
 *  - the reset page's limit per name, over the two names an account
 *    has, never lets through an ask the mailer's limit per account
 *    would drop.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "buf.h"
#include "db.h"
#include "log.h"
#include "rate.h"

static char tmpdir[] = "/tmp/postern-test-rate-XXXXXX";

/* The key of scope for its kind of value, into key; 0 if none fits. */
static int
any_key(struct buf *key, enum rate_scope scope)
{
	return rate_key(key, scope, 1, NULL) || rate_key(key, scope, 0, "x") ||
	    rate_key(key, scope, 1, "x");
}

static void
test_keys(void)
{
	struct buf a, b;
	char	   prefix[64];
	int	   s, t, fits, distinct = 1, bare = 1;
	size_t	   n;

	buf_init(&a);
	buf_init(&b);
	for (s = 0, fits = 1; s < RATE_NSCOPES; s++)
		fits &= any_key(&a, s);
	ok(fits, "every scope makes a key for its kind of value");

	/* No scope's key starts with another scope's "<name>:". */
	for (s = 0; s < RATE_NSCOPES; s++) {
		if (!any_key(&a, s))
			continue;
		n = strcspn(a.p, ":");
		bare &= n < sizeof(prefix) && a.p[n] == ':';
		snprintf(prefix, sizeof(prefix), "%.*s:", (int)n, a.p);
		for (t = 0; t < RATE_NSCOPES; t++)
			if (t != s && any_key(&b, t) &&
			    strncmp(b.p, prefix, strlen(prefix)) == 0)
				distinct = 0;
	}
	ok(bare, "every key begins with its scope's name and a ':'");
	ok(distinct,
	    "no scope's key begins with another scope's name: no "
	    "value can make another scope's key");

	ok(rate_key(&a, RATE_LOGIN_ACCOUNT, 1, NULL) &&
		rate_key(&b, RATE_LOGIN_NAME, 0, "#1") &&
		strcmp(a.p, b.p) != 0,
	    "\"#1\" typed as a name is not account 1 (%s, %s)", a.p, b.p);
	ok(rate_key(&b, RATE_LOGIN_NAME, 0, "login-account:1") &&
		strcmp(a.p, b.p) != 0,
	    "nor is account 1's whole key typed");
	ok(rate_key(&a, RATE_RESET_NAME, 0, "Alice@Example.ORG") &&
		rate_key(&b, RATE_RESET_NAME, 0, "alice@example.org") &&
		strcmp(a.p, b.p) == 0,
	    "a text's case does not matter");
	ok(rate_key(&a, RATE_RESET_NAME, 0, "\xc3\x84x") &&
		strcmp(strchr(a.p, ':') + 1, "\xc3\x84x") == 0,
	    "bytes beyond ASCII are kept as they are, as NOCASE keeps them");
	ok(rate_key(&a, RATE_SIGNUP_IP, 0, "192.0.2.1") &&
		rate_key(&b, RATE_RESET_IP, 0, "192.0.2.1") &&
		strcmp(a.p, b.p) != 0,
	    "one value in two scopes: two keys");

	ok(!rate_key(&a, RATE_LOGIN_ACCOUNT, 0, "1"),
	    "a scope per account takes no text");
	ok(!rate_key(&a, RATE_LOGIN_ACCOUNT, 0, NULL),
	    "nor a missing account");
	ok(!rate_key(&a, RATE_LOGIN_NAME, 1, NULL) &&
		!rate_key(&a, RATE_LOGIN_NAME, 1, "x"),
	    "a scope per text takes no account id");
	buf_free(&a);
	buf_free(&b);
}

static void
test_windows(struct db *db)
{
	int64_t	   now = 1700000000, until = -1;
	int	   i, r, closed;
	struct buf key;

	ok(db_begin(db), "begin");
	for (i = 0, r = 1; i < 5 && r; i++)
		r = rate_take(db, RATE_RESEND_ACCOUNT, 7, NULL, now + 60 * i,
			&until) &&
		    until == 0;
	ok(r, "5 resends an hour are let through one by one");
	ok(rate_take(db, RATE_RESEND_ACCOUNT, 7, NULL, now + 600, &until) &&
		until == now + 3600,
	    "the sixth waits until the first is an hour "
	    "old");
	ok(rate_check(db, RATE_RESEND_ACCOUNT, 8, NULL, now + 600, &until) &&
		until == 0,
	    "another account has its own count");
	ok(rate_check(db, RATE_RESEND_ACCOUNT, 7, NULL, now + 3599, &until) &&
		until == now + 3600,
	    "a second before, still closed");
	ok(rate_take(db, RATE_RESEND_ACCOUNT, 7, NULL, now + 3600, &until) &&
		until == 0,
	    "at that second, one more");
	ok(rate_check(db, RATE_RESEND_ACCOUNT, 7, NULL, now + 3601, &until) &&
		until == now + 3660,
	    "then it waits for the second one: the "
	    "window slides");
	ok(rate_check(db, RATE_RESEND_ACCOUNT, 7, NULL, now + 30, &until) &&
		until == 0,
	    "hits after the time asked about do not count");

	for (i = 0, r = 1; i < 9 && r; i++)
		r = rate_fail(db, RATE_LOGIN_NAME, 0, "Eve", now, &closed) &&
		    !closed;
	ok(r && rate_fail(db, RATE_LOGIN_NAME, 0, "EVE", now, &closed) &&
		closed,
	    "the tenth failure in one second closes the login "
	    "limit, in any case");
	ok(rate_check(db, RATE_LOGIN_NAME, 0, "eve", now + 1, &until) &&
		until == now + 15 * 60,
	    "for that name");
	ok(rate_check(db, RATE_LOGIN_ACCOUNT, 1, NULL, now + 1, &until) &&
		until == 0,
	    "not for an account, whatever was typed");
	buf_init(&key);
	ok(!rate_key(&key, RATE_LOGIN_DEVICE, 1, NULL) &&
		rate_key(&key, RATE_LOGIN_DEVICE, 1, "ab12") &&
		strcmp(key.p, "login-device:1:ab12") == 0,
	    "a browser's count takes the account and the browser");
	buf_free(&key);
	ok(rate_fail(db, RATE_LOGIN_DEVICE, 1, "ab12", now, &closed) &&
		rate_check(db, RATE_LOGIN_ACCOUNT, 1, NULL, now, &until) &&
		until == 0 &&
		rate_check(db, RATE_LOGIN_DEVICE, 1, "cd34", now, &until) &&
		until == 0,
	    "and is apart from strangers' and from another browser's");

	ok(rate_purge(db, now + 86400 + 3600) &&
		rate_check(db, RATE_RESEND_ACCOUNT, 7, NULL, now + 3600,
		    &until) &&
		until == 0,
	    "purge drops what is a day old");
	ok(db_commit(db), "commit");
}

/*
 * People ask by name and by address at whatever times the page lets
 * them; the mailer, handling each ask, must find its account under its
 * limit every time.  The times come from a fixed seed.
 */
static void
test_reset_sizing(struct db *db)
{
	static const char *const names[] = { "kim", "kim@example.org" };
	int64_t			 t = 1700000000, until, acct_until;
	int			 i, asked = 0, dropped = 0;

	srand(15);
	ok(db_begin(db), "begin");
	for (i = 0; i < 4000; i++) {
		t += rand() % 900;
		if (!rate_take(db, RATE_RESET_NAME, 0, names[rand() % 2], t,
			&until))
			break;
		if (until != 0)
			continue;
		asked++;
		if (!rate_take(db, RATE_RESET_ACCOUNT, 3, NULL, t,
			&acct_until))
			break;
		dropped += acct_until != 0;
	}
	ok(i == 4000, "4000 tries of asking, over %lld days",
	    (long long)((t - 1700000000) / 86400));
	ok(asked > 0 && dropped == 0,
	    "the page let %d asks through, and "
	    "the mailer dropped %d of them",
	    asked, dropped);
	ok(db_commit(db), "commit");
}

int
main(void)
{
	struct db *db;
	char	   path[256];

	log_open("test_rate", 0);
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	test_keys();
	snprintf(path, sizeof(path), "%s/rate.db", tmpdir);
	db = db_open(path, 1);
	ok(db != NULL && db_migrate(db), "a fresh database");
	if (db != NULL) {
		test_windows(db);
		test_reset_sizing(db);
		db_close(db);
	}
	tap_remove_dir(tmpdir);
	return done_testing();
}
