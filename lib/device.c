/*
 * device.c: the browsers an account has logged in from (device.h).
 */
#include <stdint.h>

#include <sodium.h>

#include "device.h"
#include "db.h"
#include "internal.h"

int
device_known(struct db *db, int64_t account_id, const unsigned char *browser,
    int *known)
{
	static const char *const sql =
	    "SELECT 1 FROM devices "
	    "WHERE account_id = ?1 AND browser = ?2";
	struct db_stmt *st;
	int		rc, ok = 0;

	*known = 0;
	/*
	 * Account 0 (a name nobody has) is asked all the same, so that the
	 * answer takes the same work for every name.
	 */
	if (browser == NULL)
		return 1;
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, account_id) &&
	    db_bind_blob(st, 2, browser, HASH_BYTES)) {
		rc = db_step(st);
		*known = rc == DB_ROW;
		ok = rc == DB_ROW || rc == DB_DONE;
	}
	if (!ok)
		db_log_error(db, "device");
	db_done(st);
	return ok;
}

int
device_renew(struct db *db, int64_t account_id,
    const unsigned char old[HASH_BYTES], char token[TOKEN_TEXT], int64_t now)
{
	static const char *const move_sql =
	    "UPDATE devices SET browser = ?2 WHERE browser = ?1";
	static const char *const add_sql =
	    "INSERT INTO devices (account_id, "
	    "browser, first_at, last_at) VALUES (?1, ?2, ?3, ?3) "
	    "ON CONFLICT (account_id, browser) DO UPDATE SET last_at = ?3";
	unsigned char h[HASH_BYTES];

	if (!db_need_tx(db, "device_renew") || !token_new(token))
		return 0;
	token_hash(token, h);
	return db_run(db, move_sql, "bb", old, (size_t)HASH_BYTES, h,
		   (size_t)HASH_BYTES) &&
	    db_run(db, add_sql, "ibi", account_id, h, (size_t)HASH_BYTES, now);
}

int
device_forget(struct db *db, int64_t account_id, const unsigned char *keep,
    char token[TOKEN_TEXT], int64_t now)
{
	static const char *const sql =
	    "DELETE FROM devices WHERE account_id = ?1";

	if (!db_need_tx(db, "device_forget") ||
	    !db_run(db, sql, "i", account_id))
		return 0;
	return keep == NULL || device_renew(db, account_id, keep, token, now);
}

void
device_hex(const unsigned char browser[HASH_BYTES], char out[DEVICE_HEX])
{
	sodium_bin2hex(out, DEVICE_HEX, browser, HASH_BYTES);
}
