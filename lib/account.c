/*
 * account.c: the accounts table.  Names and addresses are compared
 * case-insensitively by the column collation, so "Alice" and "alice"
 * are one account.
 */
#include <stdint.h>
#include <string.h>

#include "account.h"
#include "internal.h"

#define ACCOUNT_COLUMNS "id, username, email, email_verified_at, " \
	"created_at, locked_at, pw_hash"

static void
account_row(sqlite3_stmt *st, struct account *a)
{
	a->id = sqlite3_column_int64(st, 0);
	db_column_copy(st, 1, a->username, sizeof(a->username));
	db_column_copy(st, 2, a->email, sizeof(a->email));
	a->email_verified_at = sqlite3_column_int64(st, 3);
	a->created_at = sqlite3_column_int64(st, 4);
	a->locked_at = sqlite3_column_int64(st, 5);
	db_column_copy(st, 6, a->pw_hash, sizeof(a->pw_hash));
}

/* Step a statement expected to return at most one account. */
static int
account_one(struct db *db, sqlite3_stmt *st, struct account *a)
{
	int	 rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		account_row(st, a);
	else if (rc != SQLITE_DONE) {
		db_log_error(db, "account");
		return 0;
	}
	return 1;
}

int
account_by_login(struct db *db, const char *login, struct account *a)
{
	static const char *const sql = "SELECT " ACCOUNT_COLUMNS
	    " FROM accounts WHERE username = ?1 OR email = ?1";
	sqlite3_stmt	*st;
	int		 ok;

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
	sqlite3_stmt	*st;
	int		 ok;

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
	sqlite3_stmt	*st;
	int		 rc, ok = 0;

	*found = 0;
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_text(st, 1, value)) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*found = 1;
			ok = 1;
		} else if (rc == SQLITE_DONE)
			ok = 1;
		else
			db_log_error(db, "account exists");
	}
	db_done(st);
	return ok;
}

int
account_name_taken(struct db *db, const char *username, int *taken)
{
	static const char *const sql =
	    "SELECT 1 FROM accounts WHERE username = ?1";

	return account_exists(db, sql, username, taken);
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
	sqlite3_stmt	*st;
	int		 ok = 0;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_text(st, 1, username) && db_bind_text(st, 2, email) &&
	    db_bind_text(st, 3, pw_hash) && db_bind_int(st, 4, now) &&
	    db_exec_stmt(db, st)) {
		*id = sqlite3_last_insert_rowid(db_handle(db));
		ok = 1;
	}
	db_done(st);
	return ok;
}

/* Run an UPDATE of one account with one integer or text argument. */
static int
account_update(struct db *db, const char *sql, int64_t id, const char *text,
    int64_t num)
{
	sqlite3_stmt	*st;
	int		 ok;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_int(st, 1, id) &&
	    (text != NULL ? db_bind_text(st, 2, text) :
	    db_bind_int(st, 2, num)) && db_exec_stmt(db, st);
	db_done(st);
	return ok;
}

int
account_set_verified(struct db *db, int64_t id, int64_t now)
{
	static const char *const sql =
	    "UPDATE accounts SET email_verified_at = ?2 WHERE id = ?1";

	return account_update(db, sql, id, NULL, now);
}

int
account_set_password(struct db *db, int64_t id, const char *pw_hash)
{
	static const char *const sql =
	    "UPDATE accounts SET pw_hash = ?2 WHERE id = ?1";

	return account_update(db, sql, id, pw_hash, 0);
}

int
account_set_locked(struct db *db, int64_t id, int64_t locked_at)
{
	static const char *const sql =
	    "UPDATE accounts SET locked_at = ?2 WHERE id = ?1";

	return account_update(db, sql, id, NULL, locked_at);
}

int
account_each(struct db *db, void (*fn)(const struct account *, void *),
    void *arg)
{
	static const char *const sql = "SELECT " ACCOUNT_COLUMNS
	    " FROM accounts ORDER BY username";
	sqlite3_stmt	*st;
	struct account	 a;
	int		 rc;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		account_row(st, &a);
		fn(&a, arg);
	}
	if (rc != SQLITE_DONE)
		db_log_error(db, "account list");
	db_done(st);
	return rc == SQLITE_DONE;
}

int
account_purge_unverified(struct db *db, int64_t before, int *n)
{
	static const char *const sql = "DELETE FROM accounts "
	    "WHERE email_verified_at = 0 AND created_at < ?1";
	sqlite3_stmt	*st;
	int		 ok;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_int(st, 1, before) && db_exec_stmt(db, st);
	*n = ok ? db_changes(db) : 0;
	db_done(st);
	return ok;
}
