/*
 * test_overview.c: what /account and /account/activity read, on a real
 * SQLite file, and how many statements they run for it.
 *
 *  - the overview counts the verified recovery addresses and phones
 *    (not the pending one; the verified primary address as a way in),
 *    names the login before this session's, and suggests the next step;
 *  - an account whose only login is this session's has no last login;
 *  - all of it is one statement run: every page view paid four;
 *  - the activity page's sessions come this browser's first, then the
 *    others most recently active first, a half-done login not among
 *    them, from one statement run: the page used to walk them twice;
 *  - whether one account's deletion is due (asked at each login) reads
 *    that account alone, not every account.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tap.h"

#include "account.h"
#include "config.h"
#include "contacts.h"
#include "crypto.h"
#include "db.h"
#include "event.h"
#include "flow_account.h"
#include "internal.h"
#include "policy.h"
#include "session.h"

static char tmpdir[] = "/tmp/postern-test-overview-XXXXXX";

/* How many times the connection's statements have been run so far. */
static long long
runs(struct db *db)
{
	sqlite3_stmt *st = NULL;
	long long     n = 0;

	while ((st = sqlite3_next_stmt(db_handle(db), st)) != NULL)
		n += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_RUN, 0);
	return n;
}

static int64_t
contact(struct db *db, int64_t account, enum contact_kind kind,
    const char *value, int verified)
{
	int64_t id = 0;

	if (!contacts_add(db, account, kind, value, 0, 100, &id) ||
	    (verified && !contacts_set_verified(db, id, 110)))
		return 0;
	return id;
}

static void
test_overview(struct db *db)
{
	struct config	cfg;
	struct account	a;
	struct flow	f;
	struct standing s;
	int64_t		id = 0, other = 0;
	long long	before;

	memset(&cfg, 0, sizeof(cfg));
	ok(account_create(db, "ann", "ann@example.org", "x", 100, &id) &&
		account_set_verified(db, id, 100) &&
		contact(db, id, CONTACT_EMAIL, "ann@example.net", 1) &&
		contact(db, id, CONTACT_EMAIL, "ann@example.com", 1) &&
		contact(db, id, CONTACT_EMAIL, "pending@example.com", 0) &&
		contact(db, id, CONTACT_PHONE, "+15555550100", 1) &&
		event_add(db, id, EVENT_LOGIN, "192.0.2.1", NULL, 200) &&
		event_add(db, id, EVENT_LOGIN_FAILED, "192.0.2.9", NULL,
		    250) &&
		event_add(db, id, EVENT_LOGOUT, "192.0.2.1", NULL, 260) &&
		event_add(db, id, EVENT_LOGIN, "192.0.2.2", NULL, 300),
	    "an account with contacts and two logins");
	ok(account_by_id(db, id, &a) && a.id == id, "its row");
	memset(&f, 0, sizeof(f));
	f.db = db;
	f.cfg = &cfg;
	f.acct = &a;
	f.now = 310;

	before = runs(db);
	ok(flow_standing(&f, &s) == OUT_OK, "the overview reads");
	is_int(runs(db) - before, 1, "the overview is one statement run");
	is_int(s.ways.verified_contacts, 4,
	    "3 verified contacts and the "
	    "verified primary address are 4 ways in (the pending one is not)");
	is_int(s.ways.verified_phones, 1, "one of them a phone");
	is_int(s.recovery_emails, 2, "2 verified recovery addresses");
	is_int(s.last_login, 200,
	    "the last login is the one before this "
	    "session's");
	is_str(s.last_login_ip, "192.0.2.1", "from where it came");
	is_int(s.next, NEXT_RECOVERY_CODE, "the next step: a recovery code");

	ok(account_create(db, "bob", "bob@example.org", "x", 100, &other) &&
		event_add(db, other, EVENT_LOGIN, "192.0.2.3", NULL, 300) &&
		account_by_id(db, other, &a),
	    "an account with one login");
	before = runs(db);
	ok(flow_standing(&f, &s) == OUT_OK && s.last_login == 0 &&
		s.last_login_ip[0] == '\0',
	    "its first login has none before it");
	is_int(runs(db) - before, 1, "one statement run there too");
	is_int(s.ways.verified_contacts, 0, "nothing verified: no way in");
	is_int(s.next, NEXT_ADDRESS, "the next step: a second address");
}

struct seen {
	int64_t ids[8];
	int	n;
};

static void
seen_session(const struct session_info *si, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->ids[s->n] = si->id;
	s->n++;
}

static void
test_sessions(struct db *db)
{
	struct session old, newest, middle, half;
	struct seen    s;
	char	       cookie[TOKEN_TEXT];
	int64_t	       id = 0;
	long long      before;

	ok(account_create(db, "cy", "cy@example.org", "x", 100, &id) &&
		session_create(db, id, SESSION_FULL, "192.0.2.1", "a", 100,
		    cookie, &old) &&
		session_create(db, id, SESSION_FULL, "192.0.2.2", "b", 300,
		    cookie, &newest) &&
		session_create(db, id, SESSION_FULL, "192.0.2.3", "c", 200,
		    cookie, &middle) &&
		session_create(db, id, SESSION_NEED_2FA, "192.0.2.4", "d", 400,
		    cookie, &half),
	    "an account with four sessions, one half-done");

	memset(&s, 0, sizeof(s));
	before = runs(db);
	ok(session_each(db, id, old.id, seen_session, &s), "listed");
	is_int(runs(db) - before, 1, "in one statement run");
	is_int(s.n, 3, "the three logged-in sessions");
	is_int(s.ids[0], old.id, "this browser's first, though the oldest");
	is_int(s.ids[1], newest.id, "then the most recently active");
	is_int(s.ids[2], middle.id, "then the one before");

	memset(&s, 0, sizeof(s));
	ok(session_each(db, id, 0, seen_session, &s) && s.n == 3 &&
		s.ids[0] == newest.id && s.ids[1] == middle.id &&
		s.ids[2] == old.id,
	    "without one, most recently active first");
}

/* Rows the connection's statements have stepped through in full scans. */
static long long
scanned(struct db *db)
{
	sqlite3_stmt *st = NULL;
	long long     n = 0;

	while ((st = sqlite3_next_stmt(db_handle(db), st)) != NULL)
		n += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP,
		    0);
	return n;
}

static void
test_delete_due(struct db *db)
{
	char	  name[32], email[64];
	int64_t	  id = 0, due = 0, found = -1;
	long long before;
	int	  i, changed = 0, made = 1;

	for (i = 0; i < 200 && made; i++) {
		snprintf(name, sizeof(name), "many%d", i);
		snprintf(email, sizeof(email), "many%d@example.org", i);
		made = account_create(db, name, email, "x", 100, &id);
		if (i == 100) {
			due = id;
			made = account_set_delete(db, id, 150, &changed) &&
			    changed;
		}
	}
	ok(made, "200 accounts, one with its deletion due");

	before = scanned(db);
	ok(account_delete_next_due(db, id, 200, &found) && found == 0,
	    "an account without a deletion has none due");
	ok(account_delete_next_due(db, due, 200, &found) && found == due,
	    "the one with a deletion has it due");
	is_int(scanned(db) - before, 0,
	    "asking for one account reads no "
	    "other (login.fcgi's page cache grew by every account)");
	ok(account_delete_next_due(db, due, 149, &found) && found == 0,
	    "not before its time");
	ok(account_delete_next_due(db, 0, 200, &found) && found == due,
	    "the sweep over all accounts finds it");
}

int
main(void)
{
	struct db *db;
	char	   path[256];

	if (!crypto_init() || mkdtemp(tmpdir) == NULL) {
		printf("Bail out! set-up\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/overview.db", tmpdir);
	if ((db = db_open(path, 1)) == NULL || !db_migrate(db)) {
		printf("Bail out! %s does not open\n", path);
		tap_remove_dir(tmpdir);
		return 1;
	}
	test_overview(db);
	test_sessions(db);
	test_delete_due(db);
	db_close(db);
	tap_remove_dir(tmpdir);
	return done_testing();
}
