/*
 * event.c: the security events of an account, shown to its owner.
 * Details are short plain words chosen by the code ("from 192.0.2.1"),
 * never a secret.
 */
#include <stdint.h>
#include <string.h>

#include "event.h"
#include "internal.h"

int
event_add(struct db *db, int64_t account_id, const char *kind,
    const char *ip, const char *detail, int64_t now)
{
	/* One seek to the end of the account's events: the key is its. */
	static const char *const sql =
	    "INSERT INTO events (account_id, seq, at, kind, ip, detail) "
	    "VALUES (?1, coalesce((SELECT seq FROM events WHERE account_id "
	    "= ?1 ORDER BY seq DESC LIMIT 1), 0) + 1, ?2, ?3, ?4, ?5)";

	/* account_id 0: an event of no account. */
	return db_run(db, sql, "iittt", account_id, now, kind,
	    ip != NULL ? ip : "", detail != NULL ? detail : "");
}

int
event_each(struct db *db, int64_t account_id, int limit,
    void (*fn)(const struct event *, void *), void *arg)
{
	static const char *const sql =
	    "SELECT seq, account_id, at, kind, ip, detail FROM events "
	    "WHERE account_id = ?1 ORDER BY seq DESC LIMIT ?2";
	sqlite3_stmt	*st;
	struct event	 e;
	int		 rc = SQLITE_ERROR;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, account_id) && db_bind_int(st, 2, limit)) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			memset(&e, 0, sizeof(e));
			e.seq = sqlite3_column_int64(st, 0);
			e.account_id = sqlite3_column_int64(st, 1);
			e.at = sqlite3_column_int64(st, 2);
			db_column_copy(st, 3, e.kind, sizeof(e.kind));
			db_column_copy(st, 4, e.ip, sizeof(e.ip));
			db_column_copy(st, 5, e.detail, sizeof(e.detail));
			fn(&e, arg);
		}
	}
	if (rc != SQLITE_DONE)
		db_log_error(db, "events");
	db_done(st);
	return rc == SQLITE_DONE;
}
