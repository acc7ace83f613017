/*
 * link.c: single-use tokens for links in mails (R7).  The token itself
 * only ever exists in the mail; the database keeps its BLAKE2b hash.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "link.h"

/* Each kind's name in the links table. */
static const char *const link_kinds[LINK_NKINDS] = {
	[LINK_VERIFY] = "verify",
	[LINK_EMAIL_CONFIRM] = "email_confirm",
	[LINK_EMAIL_REVERT] = "email_revert",
	[LINK_RESET_CONFIRM] = "reset_confirm",
	[LINK_RESET_REJECT] = "reset_reject"
};

int
link_create(struct db *db, enum link_kind kind, int64_t account_id,
    const char *data, int64_t num, int64_t now, int64_t ttl,
    char token_out[TOKEN_TEXT])
{
	static const char *const sql =
	    "INSERT INTO links (kind, account_id, token_hash, data, "
	    "created_at, expires_at, num) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	unsigned char	 h[HASH_BYTES];

	token_new(token_out);
	token_hash(token_out, h);
	return db_run(db, sql, "tibtiii", link_kinds[kind], account_id, h,
	    sizeof(h), data != NULL ? data : "", now, (int64_t)(now + ttl),
	    num);
}

/* Fill l from a row of (id, account_id, expires_at, data, num). */
static int
link_fetch(struct db *db, sqlite3_stmt *st, struct link *l)
{
	int	 rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		l->id = sqlite3_column_int64(st, 0);
		l->account_id = sqlite3_column_int64(st, 1);
		l->expires_at = sqlite3_column_int64(st, 2);
		db_column_copy(st, 3, l->data, sizeof(l->data));
		l->num = sqlite3_column_int64(st, 4);
		return 1;
	}
	if (rc == SQLITE_DONE)
		return 1;
	db_log_error(db, "link");
	return 0;
}

int
link_peek(struct db *db, enum link_kind kind, const char *token, int64_t now,
    struct link *l)
{
	static const char *const sql =
	    "SELECT id, account_id, expires_at, data, num FROM links "
	    "WHERE token_hash = ?1 AND kind = ?2 AND used_at IS NULL "
	    "AND expires_at > ?3";
	sqlite3_stmt	*st;
	unsigned char	 h[HASH_BYTES];
	int		 ok;

	memset(l, 0, sizeof(*l));
	if (!token_valid(token))
		return 1;
	token_hash(token, h);
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_blob(st, 1, h, sizeof(h)) &&
	    db_bind_text(st, 2, link_kinds[kind]) &&
	    db_bind_int(st, 3, now) && link_fetch(db, st, l);
	db_done(st);
	return ok;
}

int
link_consume(struct db *db, enum link_kind kind, const char *token, int64_t now,
    struct link *l)
{
	/*
	 * One conditional UPDATE: of two racing requests only one changes
	 * the row, and only that one gets it back.
	 */
	static const char *const sql =
	    "UPDATE links SET used_at = ?3 "
	    "WHERE token_hash = ?1 AND kind = ?2 AND used_at IS NULL "
	    "AND expires_at > ?3 "
	    "RETURNING id, account_id, expires_at, data, num";
	sqlite3_stmt	*st;
	unsigned char	 h[HASH_BYTES];
	int		 ok;

	memset(l, 0, sizeof(*l));
	if (!token_valid(token))
		return 1;
	token_hash(token, h);
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_blob(st, 1, h, sizeof(h)) &&
	    db_bind_text(st, 2, link_kinds[kind]) &&
	    db_bind_int(st, 3, now) && link_fetch(db, st, l);
	/* RETURNING: the row changes only once the statement runs out. */
	if (ok && l->id != 0 && sqlite3_step(st) != SQLITE_DONE) {
		db_log_error(db, "link consume");
		ok = 0;
	}
	db_done(st);
	return ok;
}

int
link_live(struct db *db, enum link_kind kind, int64_t account_id, int64_t now,
    struct link *l)
{
	static const char *const sql =
	    "SELECT id, account_id, expires_at, data, num FROM links "
	    "WHERE account_id = ?1 AND kind = ?2 AND used_at IS NULL "
	    "AND expires_at > ?3 ORDER BY id DESC LIMIT 1";
	sqlite3_stmt	*st;
	int		 ok;

	memset(l, 0, sizeof(*l));
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_int(st, 1, account_id) &&
	    db_bind_text(st, 2, link_kinds[kind]) &&
	    db_bind_int(st, 3, now) && link_fetch(db, st, l);
	db_done(st);
	return ok;
}

int
link_void(struct db *db, enum link_kind kind, int64_t account_id, int64_t now)
{
	static const char *const sql =
	    "UPDATE links SET used_at = ?3 "
	    "WHERE account_id = ?1 AND kind = ?2 AND used_at IS NULL";

	return db_run(db, sql, "iti", account_id, link_kinds[kind], now);
}

int
link_void_after(struct db *db, enum link_kind kind, int64_t account_id,
    int64_t id, int64_t now)
{
	static const char *const sql =
	    "UPDATE links SET used_at = ?3 "
	    "WHERE account_id = ?1 AND kind = ?2 AND id > ?4 "
	    "AND used_at IS NULL";

	return db_run(db, sql, "itii", account_id, link_kinds[kind], now, id);
}

int
link_purge(struct db *db, int64_t now)
{
	static const char *const sql =
	    "DELETE FROM links WHERE expires_at < ?1";

	return db_run(db, sql, "i", now);
}
