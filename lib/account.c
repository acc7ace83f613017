/*
 * account.c: the accounts table.  Names and addresses are compared
 * case-insensitively by the column collation, so "Alice" and "alice"
 * are one account.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "account.h"
#include "crypto.h"
#include "event.h"
#include "internal.h"

#define ACCOUNT_COLUMNS \
	"id, username, email, email_verified_at, " \
	"created_at, locked_at, pw_hash, recovery_code_at, kit_at, " \
	"totp_enabled_at, email_since, disabled_at, password_at, delete_at"

static void
account_row(struct db_stmt *st, struct account *a)
{
	a->id = db_column_int(st, 0);
	db_column_copy(st, 1, a->username, sizeof(a->username));
	db_column_copy(st, 2, a->email, sizeof(a->email));
	a->email_verified_at = db_column_int(st, 3);
	a->created_at = db_column_int(st, 4);
	a->locked_at = db_column_int(st, 5);
	db_column_copy(st, 6, a->pw_hash, sizeof(a->pw_hash));
	a->recovery_code_at = db_column_int(st, 7);
	a->kit_at = db_column_int(st, 8);
	a->totp_enabled_at = db_column_int(st, 9);
	a->email_since = db_column_int(st, 10);
	a->disabled_at = db_column_int(st, 11);
	a->password_at = db_column_int(st, 12);
	a->delete_at = db_column_int(st, 13);
}

/* Step a statement expected to return at most one account. */
static int
account_one(struct db *db, struct db_stmt *st, struct account *a)
{
	int rc;

	rc = db_step(st);
	if (rc == DB_ROW)
		account_row(st, a);
	else if (rc != DB_DONE) {
		db_log_error(db, "account");
		return 0;
	}
	return 1;
}

int
account_by_login(struct db *db, const char *login, struct account *a)
{
	static const char *const sql =
	    "SELECT " ACCOUNT_COLUMNS
	    " FROM accounts WHERE username = ?1 OR email = ?1";
	struct db_stmt *st;
	int		ok;

	memset(a, 0, sizeof(*a));
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_text(st, 1, login) && account_one(db, st, a);
	db_done(st);
	return ok;
}

int
account_by_id(struct db *db, int64_t id, struct account *a)
{
	static const char *const sql = "SELECT " ACCOUNT_COLUMNS
				       " FROM accounts WHERE id = ?1";
	struct db_stmt *st;
	int		ok;

	memset(a, 0, sizeof(*a));
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_int(st, 1, id) && account_one(db, st, a);
	db_done(st);
	return ok;
}

static int
account_exists(struct db *db, const char *sql, const char *value, int *found)
{
	int64_t v;

	return db_query_int(db, &v, found, "account exists", sql, "t", value);
}

/*
 * A deleted account's name stays taken for good, kept only as its
 * BLAKE2b hash: the hoster's services know people by their name
 * (auth.fcgi's REMOTE_USER), and a newcomer of the same name would be
 * handed whatever the deleted account left there.  The hash is of the
 * name in lower case, as the accounts table compares names (NOCASE),
 * so that "Ada" retires "ada" too.  It is not keyed on purpose: the
 * signup page already tells anyone whether a name is taken, so a key
 * would hide nothing from whoever holds a copy of the database.
 */
static void
account_name_hash(const char *username, unsigned char h[HASH_BYTES])
{
	char   folded[64];
	size_t i;

	for (i = 0; username[i] != '\0' && i < sizeof(folded) - 1; i++)
		folded[i] = username[i] >= 'A' && username[i] <= 'Z' ?
		    (char)(username[i] - 'A' + 'a') :
		    username[i];
	folded[i] = '\0';
	token_hash(folded, h);
}

static int
account_name_retired(struct db *db, const char *username, int *retired)
{
	static const char *const sql =
	    "SELECT 1 FROM retired_names WHERE name_hash = ?1";
	unsigned char h[HASH_BYTES];
	int64_t	      one;

	account_name_hash(username, h);
	return db_query_int(db, &one, retired, "retired name", sql, "b", h,
	    sizeof(h));
}

int
account_name_taken(struct db *db, const char *username, int *taken)
{
	static const char *const sql =
	    "SELECT 1 FROM accounts WHERE username = ?1";

	if (!account_exists(db, sql, username, taken))
		return 0;
	return *taken || account_name_retired(db, username, taken);
}

int
account_email_taken(struct db *db, const char *email, int *taken)
{
	static const char *const sql =
	    "SELECT 1 FROM accounts WHERE email = ?1";

	return account_exists(db, sql, email, taken);
}

int
account_create(struct db *db, const char *username, const char *email,
    const char *pw_hash, int64_t now, int64_t *id)
{
	static const char *const sql =
	    "INSERT INTO accounts (username, email, pw_hash, created_at) "
	    "VALUES (?1, ?2, ?3, ?4)";

	if (!db_run(db, sql, "ttti", username, email, pw_hash, now))
		return 0;
	*id = db_last_id(db);
	return 1;
}

int
account_set_verified(struct db *db, int64_t id, int64_t now)
{
	static const char *const sql =
	    "UPDATE accounts SET "
	    "email_verified_at = ?2, email_since = created_at WHERE id = ?1";

	return db_run(db, sql, "ii", id, now);
}

int
account_set_password(struct db *db, int64_t id, const char *pw_hash)
{
	static const char *const sql =
	    "UPDATE accounts SET pw_hash = ?2 WHERE id = ?1";

	return db_run(db, sql, "it", id, pw_hash);
}

int
account_change_password(struct db *db, int64_t id, const char *pw_hash,
    int64_t at)
{
	static const char *const sql = "UPDATE accounts SET pw_hash = ?2, "
				       "password_at = ?3 WHERE id = ?1";

	return db_run(db, sql, "iti", id, pw_hash, at);
}

int
account_set_email(struct db *db, int64_t id, const char *email,
    int64_t verified_at, int64_t since)
{
	static const char *const sql =
	    "UPDATE accounts SET email = ?2, "
	    "email_verified_at = ?3, email_since = ?4 WHERE id = ?1";

	return db_run(db, sql, "itii", id, email, verified_at, since);
}

int
account_set_locked(struct db *db, int64_t id, int64_t locked_at)
{
	static const char *const sql =
	    "UPDATE accounts SET locked_at = ?2 WHERE id = ?1";

	return db_run(db, sql, "ii", id, locked_at);
}

int
account_set_disabled(struct db *db, int64_t id, int64_t disabled_at)
{
	static const char *const sql =
	    "UPDATE accounts SET disabled_at = ?2 WHERE id = ?1";

	return db_run(db, sql, "ii", id, disabled_at);
}

int
account_recovery_closed(const struct account *a)
{
	return a->locked_at != 0 || a->disabled_at != 0;
}

/* Store a hash and its time in the named pair of columns. */
static int
account_set_hash(struct db *db, const char *sql, int64_t id,
    const unsigned char hash[HASH_BYTES], int64_t now)
{
	return db_run(db, sql, "ibi", id, hash, (size_t)HASH_BYTES, now);
}

int
account_set_recovery_code(struct db *db, int64_t id,
    const unsigned char hash[HASH_BYTES], int64_t now)
{
	static const char *const sql =
	    "UPDATE accounts SET "
	    "recovery_code_hash = ?2, recovery_code_at = ?3 WHERE id = ?1";

	return account_set_hash(db, sql, id, hash, now);
}

int
account_set_kit(struct db *db, int64_t id,
    const unsigned char hash[HASH_BYTES], int64_t now)
{
	static const char *const sql =
	    "UPDATE accounts SET "
	    "kit_hash = ?2, kit_at = ?3 WHERE id = ?1";

	return account_set_hash(db, sql, id, hash, now);
}

int
account_clear_recovery_code(struct db *db, int64_t id)
{
	static const char *const sql =
	    "UPDATE accounts SET "
	    "recovery_code_hash = NULL, recovery_code_at = 0 WHERE id = ?1";

	return db_run(db, sql, "i", id);
}

int
account_clear_kit(struct db *db, int64_t id)
{
	static const char *const sql =
	    "UPDATE accounts SET "
	    "kit_hash = NULL, kit_at = 0 WHERE id = ?1";

	return db_run(db, sql, "i", id);
}

static int
account_hash_matches(struct db *db, const char *sql, int64_t id,
    const unsigned char hash[HASH_BYTES], int *match)
{
	struct db_stmt *st;
	const void     *p;
	size_t		n;
	int		rc, ok = 0;

	*match = 0;
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, id)) {
		rc = db_step(st);
		if (rc == DB_ROW && (p = db_column_blob(st, 0, &n)) != NULL &&
		    n == HASH_BYTES)
			*match = sodium_memcmp(p, hash, HASH_BYTES) == 0;
		ok = rc == DB_ROW || rc == DB_DONE;
	}
	if (!ok)
		db_log_error(db, "account hash");
	db_done(st);
	return ok;
}

int
account_recovery_code_matches(struct db *db, int64_t id,
    const unsigned char hash[HASH_BYTES], int *match)
{
	static const char *const sql =
	    "SELECT recovery_code_hash FROM accounts WHERE id = ?1";

	return account_hash_matches(db, sql, id, hash, match);
}

int
account_kit_matches(struct db *db, int64_t id,
    const unsigned char hash[HASH_BYTES], int *match)
{
	static const char *const sql =
	    "SELECT kit_hash FROM accounts WHERE id = ?1";

	return account_hash_matches(db, sql, id, hash, match);
}

int
account_set_totp(struct db *db, int64_t id, const unsigned char *sealed,
    size_t n, int64_t enabled_at)
{
	static const char *const sql =
	    "UPDATE accounts SET totp_secret = ?2,"
	    " totp_enabled_at = ?3, totp_last_step = 0 WHERE id = ?1";

	/* A NULL sealed turns TOTP off. */
	return db_run(db, sql, "ibi", id, sealed, n, enabled_at);
}

int
account_totp(struct db *db, int64_t id, unsigned char *sealed, size_t max,
    size_t *n, int64_t *enabled_at, int64_t *last_step)
{
	static const char *const sql =
	    "SELECT totp_secret, totp_enabled_at,"
	    " totp_last_step FROM accounts WHERE id = ?1";
	struct db_stmt *st;
	const void     *p;
	int		rc, ok = 0;
	size_t		len;

	*n = 0;
	*enabled_at = *last_step = 0;
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, id)) {
		rc = db_step(st);
		if (rc == DB_ROW) {
			p = db_column_blob(st, 0, &len);
			if (len > 0 && len <= max) {
				memcpy(sealed, p, len);
				*n = len;
			}
			*enabled_at = db_column_int(st, 1);
			*last_step = db_column_int(st, 2);
		}
		ok = rc == DB_ROW || rc == DB_DONE;
	}
	if (!ok)
		db_log_error(db, "account totp");
	db_done(st);
	return ok;
}

int
account_totp_setup(struct db *db, int64_t id, const unsigned char *sealed,
    size_t n, int64_t session_id, int64_t now)
{
	static const char *const sql =
	    "UPDATE accounts SET totp_secret = ?2,"
	    " totp_enabled_at = 0, totp_last_step = 0, totp_session = ?3,"
	    " totp_setup_at = ?4 WHERE id = ?1 AND totp_enabled_at = 0";
	int won;

	return db_claim(db, &won, sql, "ibii", id, sealed, n, session_id,
		   now) &&
	    won;
}

int
account_totp_pending(struct db *db, int64_t id, int64_t *session_id,
    int64_t *setup_at)
{
	static const char *const sql =
	    "SELECT totp_session, totp_setup_at "
	    "FROM accounts WHERE id = ?1 AND totp_enabled_at = 0 "
	    "AND totp_secret IS NOT NULL";
	struct db_stmt *st;
	int		rc, ok = 0;

	*session_id = *setup_at = 0;
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, id)) {
		rc = db_step(st);
		if (rc == DB_ROW) {
			*session_id = db_column_int(st, 0);
			*setup_at = db_column_int(st, 1);
		}
		ok = rc == DB_ROW || rc == DB_DONE;
	}
	if (!ok)
		db_log_error(db, "account totp pending");
	db_done(st);
	return ok;
}

int
account_totp_enable(struct db *db, int64_t id, int64_t now)
{
	static const char *const sql =
	    "UPDATE accounts SET totp_enabled_at ="
	    " ?2 WHERE id = ?1 AND totp_secret IS NOT NULL";
	int won;

	return db_claim(db, &won, sql, "ii", id, now) && won;
}

int
account_totp_advance(struct db *db, int64_t id, int64_t step, int *won)
{
	static const char *const sql =
	    "UPDATE accounts SET totp_last_step = "
	    "?2 WHERE id = ?1 AND totp_last_step < ?2";

	return db_claim(db, won, sql, "ii", id, step);
}

int
account_overview(struct db *db, int64_t id, struct account_overview *o)
{
	/*
	 * One statement, one read snapshot: the page used to take four.
	 * Scalar subqueries, each one index search: a join here would
	 * build a temporary table on every view.
	 */
#define OVERVIEW_CONTACTS(kind) \
	"(SELECT count(*) FROM contacts WHERE " \
	"account_id = ?1 AND kind = '" kind "' AND verified_at != 0)"
#define OVERVIEW_LOGIN(col) \
	"(SELECT " col " FROM events WHERE " \
	"account_id = ?1 AND kind = ?2 ORDER BY seq DESC LIMIT 1 OFFSET 1)"
	static const char *const sql =
	    "SELECT " OVERVIEW_CONTACTS("email") ", " OVERVIEW_CONTACTS(
		"phone") ", " OVERVIEW_LOGIN("at") ", " OVERVIEW_LOGIN("ip");
#undef OVERVIEW_CONTACTS
#undef OVERVIEW_LOGIN
	struct db_stmt *st;
	int		ok = 0;

	memset(o, 0, sizeof(*o));
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, id) &&
	    db_bind_text(st, 2, event_kind_name(EVENT_LOGIN)) &&
	    db_step(st) == DB_ROW) {
		o->verified_emails = (int)db_column_int(st, 0);
		o->verified_phones = (int)db_column_int(st, 1);
		o->last_login = db_column_int(st, 2);
		db_column_copy(st, 3, o->last_login_ip,
		    sizeof(o->last_login_ip));
		ok = 1;
	} else
		db_log_error(db, "overview");
	db_done(st);
	return ok;
}

int
account_each(struct db *db, void (*fn)(const struct account *, void *),
    void	       *arg)
{
	static const char *const sql = "SELECT " ACCOUNT_COLUMNS
				       " FROM accounts ORDER BY username";
	struct db_stmt *st;
	struct account	a;
	int		rc;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	while ((rc = db_step(st)) == DB_ROW) {
		memset(&a, 0, sizeof(a));
		account_row(st, &a);
		fn(&a, arg);
	}
	if (rc != DB_DONE)
		db_log_error(db, "account list");
	db_done(st);
	return rc == DB_DONE;
}

int
account_delete_unverified(struct db *db, int64_t id, int *deleted)
{
	static const char *const sql =
	    "DELETE FROM accounts "
	    "WHERE id = ?1 AND email_verified_at = 0";

	return db_claim(db, deleted, sql, "i", id);
}

int
account_purge_unverified(struct db *db, int64_t before, int *n)
{
	static const char *const sql =
	    "DELETE FROM accounts "
	    "WHERE email_verified_at = 0 AND created_at < ?1";
	struct db_stmt *st;
	int		ok;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_int(st, 1, before) && db_exec_stmt(db, st);
	*n = ok ? db_changes(db) : 0;
	db_done(st);
	return ok;
}

int
account_set_delete(struct db *db, int64_t id, int64_t at, int *changed)
{
	static const char *const sql =
	    "UPDATE accounts SET delete_at = ?2 "
	    "WHERE id = ?1 AND (delete_at = 0) = (?2 != 0)";

	*changed = 0;
	if (!db_run(db, sql, "ii", id, at))
		return 0;
	*changed = db_changes(db) == 1;
	return 1;
}

int
account_delete_next_due(struct db *db, int64_t account_id, int64_t now,
    int64_t *id)
{
#define DUE \
	"SELECT id FROM accounts WHERE delete_at != 0 AND " \
	"delete_at <= ?1 AND locked_at = 0 AND disabled_at = 0 "
	/*
	 * Two statements: with "?2 = 0 OR id = ?2" SQLite cannot use the
	 * primary key and reads every account, at each login (1.7 MB of
	 * page cache in login.fcgi with 10,000 accounts).
	 */
	static const char *const one = DUE "AND id = ?2";
	static const char *const any = DUE "AND ?2 = 0 ORDER BY delete_at "
					   "LIMIT 1";
#undef DUE

	return db_query_int(db, id, NULL, "account deletions due",
	    account_id != 0 ? one : any, "ii", now, account_id);
}

int
account_delete_all(struct db *db, int64_t id)
{
	/*
	 * Every table that holds the account's data refers to accounts ON
	 * DELETE CASCADE (events through a trigger, migration 6): contacts,
	 * codes, sessions and their recovery views, links, resets,
	 * domains, devices, events.  What is left are rows that name no
	 * account: queued notices (they must still go out) and rate
	 * counters, which expire.
	 */
	static const char *const sql = "DELETE FROM accounts WHERE id = ?1";
	static const char *const retire =
	    "INSERT OR IGNORE INTO retired_names (name_hash) VALUES (?1)";
	struct account a;
	unsigned char  h[HASH_BYTES];

	if (!account_by_id(db, id, &a) || a.id == 0)
		return 0;
	account_name_hash(a.username, h);
	return db_run(db, retire, "b", h, sizeof(h)) &&
	    db_run(db, sql, "i", id) && db_changes(db) == 1;
}
