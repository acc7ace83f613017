/*
 * onetime.c: one-time codes typed by people.  See onetime.h for why the
 * stored hash is keyed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "db.h"
#include "internal.h"
#include "onetime.h"

/* The stored form: keyed BLAKE2b of "account:code". */
static void
onetime_mac(const unsigned char key[KEY_BYTES], int64_t account_id,
    const char *code, unsigned char out[HASH_BYTES])
{
	char msg[64];
	int  n;

	n = snprintf(msg, sizeof(msg), "%lld:%s", (long long)account_id, code);
	crypto_generichash(out, HASH_BYTES, (const unsigned char *)msg,
	    (size_t)n, key, KEY_BYTES);
	sodium_memzero(msg, sizeof(msg));
}

static int
onetime_bind_contact(struct db_stmt *st, int i, int64_t contact_id)
{
	if (contact_id == 0)
		return db_bind_null(st, i);
	return db_bind_int(st, i, contact_id);
}

int
onetime_create(struct db *db, const unsigned char key[KEY_BYTES],
    int64_t account_id, const char *purpose, int64_t contact_id, int64_t ref,
    int64_t now, char code_out[ONETIME_TEXT])
{
	static const char *const void_sql =
	    "UPDATE codes SET used_at = ?4 "
	    "WHERE account_id = ?1 AND purpose = ?2 AND contact_id IS ?3 "
	    "AND ref = ?5 AND used_at IS NULL";
	static const char *const sql =
	    "INSERT INTO codes (account_id, "
	    "purpose, contact_id, code_hash, created_at, expires_at, ref) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	struct db_stmt *st;
	unsigned char	h[HASH_BYTES];
	int		ok;

	if (!db_need_tx(db, "onetime_create") ||
	    (st = db_prepare(db, void_sql)) == NULL)
		return 0;
	ok = db_bind_int(st, 1, account_id) && db_bind_text(st, 2, purpose) &&
	    onetime_bind_contact(st, 3, contact_id) &&
	    db_bind_int(st, 4, now) && db_bind_int(st, 5, ref) &&
	    db_exec_stmt(db, st);
	db_done(st);
	if (!ok)
		return 0;
	code_new_digits(code_out, ONETIME_DIGITS);
	onetime_mac(key, account_id, code_out, h);
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_int(st, 1, account_id) && db_bind_text(st, 2, purpose) &&
	    onetime_bind_contact(st, 3, contact_id) &&
	    db_bind_blob(st, 4, h, sizeof(h)) && db_bind_int(st, 5, now) &&
	    db_bind_int(st, 6, now + ONETIME_TTL) && db_bind_int(st, 7, ref) &&
	    db_exec_stmt(db, st);
	db_done(st);
	return ok;
}

/* Count one more try on row id; *attempts receives the new count. */
static int
onetime_try(struct db *db, int64_t id, int *attempts)
{
	static const char *const sql =
	    "UPDATE codes SET attempts = "
	    "attempts + 1 WHERE id = ?1 RETURNING attempts";
	int64_t v;
	int	found;

	if (!db_query_int(db, &v, &found, "code try", sql, "i", id))
		return 0;
	*attempts = (int)v;
	return found;
}

/* Use row id up, once: of two racing requests only one wins. */
int
onetime_use(struct db *db, int64_t id, int64_t now, int *won)
{
	static const char *const sql = "UPDATE codes SET used_at = ?2 "
				       "WHERE id = ?1 AND used_at IS NULL";

	return db_claim(db, won, sql, "ii", id, now);
}

/* The newest live code of purpose: its id (0: none), hash and tries. */
static int
onetime_latest(struct db *db, int64_t account_id, const char *purpose,
    int64_t contact_id, int64_t now, int64_t *id,
    unsigned char want[HASH_BYTES], int *attempts)
{
	static const char *const sql =
	    "SELECT id, code_hash, attempts "
	    "FROM codes WHERE account_id = ?1 AND purpose = ?2 "
	    "AND contact_id IS ?3 AND used_at IS NULL AND expires_at > ?4 "
	    "ORDER BY id DESC LIMIT 1";
	struct db_stmt *st;
	const void     *p;
	size_t		n;
	int		rc, ok = 0;

	*id = 0;
	*attempts = 0;
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, account_id) && db_bind_text(st, 2, purpose) &&
	    onetime_bind_contact(st, 3, contact_id) &&
	    db_bind_int(st, 4, now)) {
		rc = db_step(st);
		if (rc == DB_ROW && (p = db_column_blob(st, 1, &n)) != NULL &&
		    n == HASH_BYTES) {
			*id = db_column_int(st, 0);
			memcpy(want, p, HASH_BYTES);
			*attempts = (int)db_column_int(st, 2);
		}
		ok = rc == DB_ROW || rc == DB_DONE;
	}
	db_done(st);
	if (!ok)
		db_log_error(db, "code check");
	return ok;
}

int
onetime_check(struct db *db, const unsigned char key[KEY_BYTES],
    int64_t account_id, const char *purpose, int64_t contact_id,
    const char *code, int64_t now, enum onetime_result *res, int *left)
{
	unsigned char h[HASH_BYTES], want[HASH_BYTES];
	int64_t	      id;
	int	      attempts, won;

	*res = ONETIME_NONE;
	*left = 0;
	if (!onetime_latest(db, account_id, purpose, contact_id, now, &id,
		want, &attempts))
		return 0;
	if (id == 0 || attempts >= ONETIME_TRIES)
		return 1;
	onetime_mac(key, account_id, code, h);
	if (sodium_memcmp(h, want, HASH_BYTES) == 0) {
		if (!onetime_use(db, id, now, &won))
			return 0;
		*res = won ? ONETIME_OK : ONETIME_NONE;
		return 1;
	}
	if (!onetime_try(db, id, &attempts))
		return 0;
	*left = attempts >= ONETIME_TRIES ? 0 : ONETIME_TRIES - attempts;
	*res = *left == 0 ? ONETIME_EXHAUSTED : ONETIME_WRONG;
	return 1;
}

int
onetime_find(struct db *db, const unsigned char key[KEY_BYTES],
    int64_t account_id, const char *purpose, int64_t ref, const char *code,
    int64_t now, int64_t *id, int64_t *contact_id)
{
	static const char *const sql =
	    "SELECT id, code_hash, contact_id "
	    "FROM codes WHERE account_id = ?1 AND purpose = ?2 AND ref = ?3 "
	    "AND used_at IS NULL AND expires_at > ?4";
	struct db_stmt *st;
	const void     *p;
	size_t		n;
	unsigned char	h[HASH_BYTES];
	int		rc = DB_ERROR;

	*id = *contact_id = 0;
	onetime_mac(key, account_id, code, h);
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, account_id) && db_bind_text(st, 2, purpose) &&
	    db_bind_int(st, 3, ref) && db_bind_int(st, 4, now))
		while ((rc = db_step(st)) == DB_ROW) {
			/* Every row is compared: no early exit on a match. */
			if ((p = db_column_blob(st, 1, &n)) != NULL &&
			    n == HASH_BYTES &&
			    sodium_memcmp(h, p, HASH_BYTES) == 0) {
				*id = db_column_int(st, 0);
				*contact_id = db_column_int(st, 2);
			}
		}
	db_done(st);
	if (rc != DB_DONE) {
		db_log_error(db, "code find");
		return 0;
	}
	return 1;
}

int
onetime_void(struct db *db, int64_t account_id, const char *purpose,
    int64_t now)
{
	static const char *const sql =
	    "UPDATE codes SET used_at = ?3 "
	    "WHERE account_id = ?1 AND purpose = ?2 AND used_at IS NULL";

	return db_run(db, sql, "iti", account_id, purpose, now);
}

int
onetime_void_ref(struct db *db, int64_t account_id, const char *purpose,
    int64_t ref, int64_t now)
{
	static const char *const sql =
	    "UPDATE codes SET used_at = ?4 "
	    "WHERE account_id = ?1 AND purpose = ?2 AND ref = ?3 "
	    "AND used_at IS NULL";

	return db_run(db, sql, "itii", account_id, purpose, ref, now);
}

int
onetime_purge(struct db *db, int64_t now)
{
	static const char *const sql =
	    "DELETE FROM codes WHERE expires_at < ?1";

	return db_run(db, sql, "i", (int64_t)(now - 86400));
}
