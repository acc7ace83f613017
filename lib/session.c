/*
 * session.c: login sessions.  The cookie carries a random token and the
 * database only its BLAKE2b hash.  Idle and absolute timeouts are
 * enforced here, on the server, whatever the browser keeps.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "session.h"

/* last_seen is written at most this often, not on every request. */
#define SESSION_TOUCH_EVERY 60

int
session_load(struct db *db, const char *cookie, int64_t now, int64_t idle,
    int64_t max, struct session *s)
{
	static const char *const sql =
	    "SELECT id, account_id, created_at, last_seen, twofa_at, stage,"
	    " notice FROM sessions WHERE token_hash = ?1";
	struct db_stmt *st;
	const char     *notice;
	unsigned char	h[HASH_BYTES];
	int		rc, ok = 0;

	memset(s, 0, sizeof(*s));
	if (!token_valid(cookie))
		return 1;
	token_hash(cookie, h);
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (!db_bind_blob(st, 1, h, sizeof(h)))
		goto out;
	rc = db_step(st);
	if (rc == DB_ROW) {
		s->id = db_column_int(st, 0);
		s->account_id = db_column_int(st, 1);
		s->created_at = db_column_int(st, 2);
		s->last_seen = db_column_int(st, 3);
		s->twofa_at = db_column_int(st, 4);
		s->stage = (enum session_stage)db_column_int(st, 5);
		if ((notice = db_column_text(st, 6, NULL)) != NULL)
			snprintf(s->notice, sizeof(s->notice), "%s", notice);
		/* An expired session is as good as none; purge removes it. */
		if (now - s->last_seen > idle || now - s->created_at > max)
			memset(s, 0, sizeof(*s));
	} else if (rc != DB_DONE) {
		db_log_error(db, "session load");
		goto out;
	}
	ok = 1;
out:
	db_done(st);
	return ok;
}

int
session_create(struct db *db, int64_t account_id, enum session_stage stage,
    const char *ip, const char *user_agent, int64_t now,
    char cookie_out[TOKEN_TEXT], struct session *s)
{
	static const char *const sql =
	    "INSERT INTO sessions (account_id, token_hash, stage, created_at,"
	    " last_seen, ip, user_agent) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)";
	unsigned char h[HASH_BYTES];

	token_new(cookie_out);
	token_hash(cookie_out, h);
	if (!db_run(db, sql, "ibiitt", account_id, h, sizeof(h),
		(int64_t)stage, now, ip, user_agent != NULL ? user_agent : ""))
		return 0;
	memset(s, 0, sizeof(*s));
	s->id = db_last_id(db);
	s->account_id = account_id;
	s->created_at = s->last_seen = now;
	s->stage = stage;
	return 1;
}

int
session_touch(struct db *db, struct session *s, int64_t now)
{
	static const char *const sql =
	    "UPDATE sessions SET last_seen = ?2 WHERE id = ?1";

	if (s->id == 0 || now - s->last_seen < SESSION_TOUCH_EVERY)
		return 1;
	if (!db_run(db, sql, "ii", s->id, now))
		return 0;
	s->last_seen = now;
	return 1;
}

int
session_set_notice(struct db *db, const char *cookie, const char *notice)
{
	static const char *const sql =
	    "UPDATE sessions SET notice = ?2 WHERE token_hash = ?1";
	unsigned char h[HASH_BYTES];

	token_hash(cookie, h);
	return db_run(db, sql, "bt", h, sizeof(h), notice);
}

int
session_clear_notice(struct db *db, int64_t id)
{
	static const char *const sql =
	    "UPDATE sessions SET notice = '' WHERE id = ?1";

	return db_run(db, sql, "i", id);
}

int
session_set_twofa(struct db *db, int64_t id, int64_t now)
{
	static const char *const sql =
	    "UPDATE sessions SET twofa_at = ?2 WHERE id = ?1";

	return db_run(db, sql, "ii", id, now);
}

int
session_owned(struct db *db, int64_t account_id, int64_t id, int *owned)
{
	static const char *const sql =
	    "SELECT 1 FROM sessions "
	    "WHERE id = ?1 AND account_id = ?2 AND stage = 0";
	struct db_stmt *st;
	int		rc, ok = 0;

	*owned = 0;
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, id) && db_bind_int(st, 2, account_id)) {
		rc = db_step(st);
		*owned = rc == DB_ROW;
		ok = rc == DB_ROW || rc == DB_DONE;
	}
	if (!ok)
		db_log_error(db, "session owned");
	db_done(st);
	return ok;
}

int
session_end_own(struct db *db, int64_t account_id, int64_t id, int *ended)
{
	static const char *const sql =
	    "DELETE FROM sessions WHERE id = ?1 AND account_id = ?2";

	return db_claim(db, ended, sql, "ii", id, account_id);
}

int
session_each(struct db *db, int64_t account_id, int64_t first,
    void (*fn)(const struct session_info *, void *), void *arg)
{
	static const char *const sql =
	    "SELECT id, created_at, last_seen, ip,"
	    " user_agent FROM sessions WHERE account_id = ?1 AND stage = 0"
	    " ORDER BY id = ?2 DESC, last_seen DESC, id DESC";
	struct db_stmt	   *st;
	struct session_info si;
	int		    rc = DB_ERROR;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, account_id) && db_bind_int(st, 2, first))
		while ((rc = db_step(st)) == DB_ROW) {
			memset(&si, 0, sizeof(si));
			si.id = db_column_int(st, 0);
			si.created_at = db_column_int(st, 1);
			si.last_seen = db_column_int(st, 2);
			db_column_copy(st, 3, si.ip, sizeof(si.ip));
			db_column_copy(st, 4, si.user_agent,
			    sizeof(si.user_agent));
			fn(&si, arg);
		}
	if (rc != DB_DONE)
		db_log_error(db, "sessions");
	db_done(st);
	return rc == DB_DONE;
}

int
session_end(struct db *db, int64_t id)
{
	static const char *const sql = "DELETE FROM sessions WHERE id = ?1";

	return db_run(db, sql, "i", id);
}

int
session_end_all(struct db *db, int64_t account_id)
{
	static const char *const sql =
	    "DELETE FROM sessions WHERE account_id = ?1";

	return db_run(db, sql, "i", account_id);
}

int
session_end_others(struct db *db, int64_t account_id, int64_t keep, int *ended)
{
	static const char *const sql =
	    "DELETE FROM sessions WHERE account_id = ?1 AND id != ?2";

	*ended = 0;
	if (!db_run(db, sql, "ii", account_id, keep))
		return 0;
	*ended = db_changes(db);
	return 1;
}

int
session_purge(struct db *db, int64_t now, int64_t idle, int64_t max)
{
	static const char *const sql =
	    "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2";

	return db_run(db, sql, "ii", (int64_t)(now - idle),
	    (int64_t)(now - max));
}
