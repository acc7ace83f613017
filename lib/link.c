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
	[LINK_RESET_REJECT] = "reset_reject",
	[LINK_DELETE_CANCEL] = "delete_cancel",
};

int
link_create(struct db *db, enum link_kind kind, int64_t account_id,
    const char *data, int64_t num, int64_t now, int64_t ttl,
    char token_out[TOKEN_TEXT])
{
	static const char *const sql =
	    "INSERT INTO links (kind, account_id, token_hash, data, "
	    "created_at, expires_at, num) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	unsigned char h[HASH_BYTES];

	token_new(token_out);
	token_hash(token_out, h);
	return db_run(db, sql, "tibtiii", link_kinds[kind], account_id, h,
	    sizeof(h), data != NULL ? data : "", now, (int64_t)(now + ttl),
	    num);
}

/*
 * Fill l from the one row of (id, account_id, expires_at, data, num)
 * that st (from db_query(), which may have failed: NULL) gives, if any,
 * and run st to its end: the row of an UPDATE ... RETURNING changes only
 * then.  st is done with.
 */
static int
link_fetch(struct db *db, struct db_stmt *st, struct link *l)
{
	enum db_step rc;

	if (st == NULL)
		return 0;
	if ((rc = db_step(st)) == DB_ROW) {
		l->id = db_column_int(st, 0);
		l->account_id = db_column_int(st, 1);
		l->expires_at = db_column_int(st, 2);
		db_column_copy(st, 3, l->data, sizeof(l->data));
		l->num = db_column_int(st, 4);
		rc = db_step(st);
	}
	db_done(st);
	if (rc == DB_DONE)
		return 1;
	db_log_error(db, "link");
	return 0;
}

/* The row that sql (?1 token hash, ?2 kind, ?3 now) gives for token. */
static int
link_by_token(struct db *db, const char *sql, enum link_kind kind,
    const char *token, int64_t now, struct link *l)
{
	unsigned char h[HASH_BYTES];

	memset(l, 0, sizeof(*l));
	if (!token_valid(token))
		return 1;
	token_hash(token, h);
	return link_fetch(db,
	    db_query(db, sql, "bti", h, sizeof(h), link_kinds[kind], now), l);
}

int
link_peek(struct db *db, enum link_kind kind, const char *token, int64_t now,
    struct link *l)
{
	static const char *const sql =
	    "SELECT id, account_id, expires_at, data, num FROM links "
	    "WHERE token_hash = ?1 AND kind = ?2 AND used_at IS NULL "
	    "AND expires_at > ?3";

	return link_by_token(db, sql, kind, token, now, l);
}

int
link_consume(struct db *db, enum link_kind kind, const char *token,
    int64_t now, struct link *l)
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

	return link_by_token(db, sql, kind, token, now, l);
}

int
link_live(struct db *db, enum link_kind kind, int64_t account_id, int64_t now,
    struct link *l)
{
	static const char *const sql =
	    "SELECT id, account_id, expires_at, data, num FROM links "
	    "WHERE account_id = ?1 AND kind = ?2 AND used_at IS NULL "
	    "AND expires_at > ?3 ORDER BY id DESC LIMIT 1";

	memset(l, 0, sizeof(*l));
	return link_fetch(db,
	    db_query(db, sql, "iti", account_id, link_kinds[kind], now), l);
}

int
link_count_live(struct db *db, enum link_kind kind, const char *data,
    int64_t now, int *n)
{
	static const char *const sql =
	    "SELECT count(*) FROM links "
	    "WHERE kind = ?1 AND data = ?2 AND used_at IS NULL "
	    "AND expires_at > ?3";
	int64_t v;
	int	ok;

	ok = db_query_int(db, &v, NULL, "links count", sql, "tti",
	    link_kinds[kind], data, now);
	*n = (int)v;
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

/* Up to max ids of the unused links of kind after id, in order. */
static int
link_open_after(struct db *db, enum link_kind kind, int64_t account_id,
    int64_t after, int64_t *ids, size_t max, size_t *n)
{
	static const char *const sql =
	    "SELECT id FROM links WHERE account_id = ?1 AND kind = ?2 "
	    "AND id > ?3 AND used_at IS NULL ORDER BY id LIMIT ?4";
	struct db_stmt *st;
	int		rc = DB_ERROR;

	*n = 0;
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, account_id) &&
	    db_bind_text(st, 2, link_kinds[kind]) &&
	    db_bind_int(st, 3, after) && db_bind_int(st, 4, (int64_t)max))
		while ((rc = db_step(st)) == DB_ROW)
			ids[(*n)++] = db_column_int(st, 0);
	if (rc != DB_DONE)
		db_log_error(db, "link list");
	db_done(st);
	return rc == DB_DONE;
}

int
link_void_where(struct db *db, enum link_kind kind, int64_t account_id,
    int64_t id, int (*voids)(int64_t id, int64_t other), int64_t now)
{
	static const char *const sql =
	    "UPDATE links SET used_at = ?2 WHERE id = ?1";
	int64_t ids[64], after = 0;
	size_t	i, n;

	do {
		if (!link_open_after(db, kind, account_id, after, ids,
			sizeof(ids) / sizeof(ids[0]), &n))
			return 0;
		for (i = 0; i < n; i++)
			if (ids[i] != id && voids(id, ids[i]) &&
			    !db_run(db, sql, "ii", ids[i], now))
				return 0;
		if (n > 0)
			after = ids[n - 1];
	} while (n == sizeof(ids) / sizeof(ids[0]));
	return 1;
}

int
link_purge(struct db *db, int64_t now)
{
	static const char *const sql =
	    "DELETE FROM links WHERE expires_at < ?1";

	return db_run(db, sql, "i", now);
}
