/*
 * rate.c: fixed-window rate limits kept in SQLite, so every FastCGI
 * process (and every server in front) sees the same counts.
 */
#include <stdint.h>
#include <stdio.h>

#include "event.h"
#include "internal.h"
#include "rate.h"

void
rate_account_key(int64_t account_id, char *key, size_t keysz)
{
	snprintf(key, keysz, "login:#%lld", (long long)account_id);
}

int
rate_fail(struct db *db, const char *key, int limit, int64_t window,
    int64_t now, int *closed)
{
	*closed = 0;
	return rate_hit(db, key, window, now) &&
	    rate_check(db, key, limit, window, now, closed);
}

int
rate_login_failed(struct db *db, const char *key, int64_t account_id,
    const char *kind, const char *ip, int64_t now)
{
	int	 closed;

	return rate_fail(db, key, RATE_LOGIN_FAILS, RATE_LOGIN_WINDOW, now,
	    &closed) && event_add(db, account_id, kind, ip, NULL, now) &&
	    (!closed || event_add(db, account_id, "login_locked", ip, NULL,
	    now));
}

int
rate_check(struct db *db, const char *key, int limit, int64_t window,
    int64_t now, int *over)
{
	static const char *const sql =
	    "SELECT count FROM rate_limits "
	    "WHERE key = ?1 AND window_start > ?2";
	sqlite3_stmt	*st;
	int		 rc, ok = 0;

	*over = 0;
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_text(st, 1, key) && db_bind_int(st, 2, now - window)) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*over = sqlite3_column_int(st, 0) >= limit;
			ok = 1;
		} else if (rc == SQLITE_DONE)
			ok = 1;
		else
			db_log_error(db, "rate check");
	}
	db_done(st);
	return ok;
}

int
rate_hit(struct db *db, const char *key, int64_t window, int64_t now)
{
	/* A window that has passed starts again at one. */
	static const char *const sql =
	    "INSERT INTO rate_limits (key, window_start, count) "
	    "VALUES (?1, ?2, 1) ON CONFLICT (key) DO UPDATE SET "
	    "count = CASE WHEN window_start > ?2 - ?3 THEN count + 1 ELSE 1 END,"
	    "window_start = CASE WHEN window_start > ?2 - ?3 THEN window_start "
	    "ELSE ?2 END";

	return db_run(db, sql, "tii", key, now, window);
}

int
rate_purge(struct db *db, int64_t now)
{
	/* No window is longer than a day. */
	static const char *const sql =
	    "DELETE FROM rate_limits WHERE window_start < ?1";

	return db_run(db, sql, "i", (int64_t)(now - 86400));
}
