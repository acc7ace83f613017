/*
 * recovery.c: the printable recovery code (R2) and its one-time view.
 *
 * A code is shown on a page that a reload cannot replace: the POST
 * stores the code's hash and a sealed copy for the session that made
 * it, and answers with a redirect to a GET that opens the copy.  The
 * copy is XSalsa20-Poly1305 (crypto_secretbox) under a key derived for
 * that session from a subkey of the secret key, which lives outside the
 * database: a copy of the database shows no code, and a row moved to
 * another session does not open.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "account.h"
#include "config.h"
#include "db.h"
#include "event.h"
#include "internal.h"
#include "log.h"
#include "notify.h"
#include "recovery.h"

/* The formatted code, sealed: nonce, MAC, text without its NUL. */
#define CODE_LEN (CODE_RECOVERY_TEXT - 1)
#define SEALED_BYTES \
	(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + CODE_LEN)

/*
 * The key of one session's copy, in one browser: a session cookie
 * carried off to another browser (a phishing proxy's) opens nothing.
 */
static int
recovery_key(const unsigned char view_key[KEY_BYTES], int64_t session_id,
    const unsigned char *browser, unsigned char out[KEY_BYTES])
{
	static const unsigned char none[HASH_BYTES];
	unsigned char		   id[8];
	crypto_generichash_state   st;
	int			   i;

	for (i = 0; i < 8; i++)
		id[i] = (unsigned char)((uint64_t)session_id >> (8 * i));
	return crypto_generichash_init(&st, view_key, KEY_BYTES, KEY_BYTES) ==
	    0 &&
	    crypto_generichash_update(&st, id, sizeof(id)) == 0 &&
	    crypto_generichash_update(&st, browser != NULL ? browser : none,
		HASH_BYTES) == 0 &&
	    crypto_generichash_final(&st, out, KEY_BYTES) == 0;
}

static void
recovery_seal(const unsigned char key[KEY_BYTES], const char *code,
    unsigned char out[SEALED_BYTES])
{
	/* A random 24-byte nonce never repeats in practice. */
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES,
	    (const unsigned char *)code, CODE_LEN, out, key);
}

static int
recovery_unseal(const unsigned char key[KEY_BYTES], const unsigned char *in,
    size_t n, char code[CODE_RECOVERY_TEXT])
{
	if (in == NULL || n != SEALED_BYTES ||
	    crypto_secretbox_open_easy((unsigned char *)code,
		in + crypto_secretbox_NONCEBYTES,
		n - crypto_secretbox_NONCEBYTES, in, key) != 0) {
		sodium_memzero(code, CODE_RECOVERY_TEXT);
		return 0;
	}
	code[CODE_LEN] = '\0';
	return 1;
}

/* The hash the database keeps for a formatted code. */
static int
recovery_hash(const char *code, unsigned char h[HASH_BYTES])
{
	char norm[CODE_NORMAL_TEXT];
	int  ok;

	ok = code_normalise(code, norm, sizeof(norm)) == CODE_BASE32 &&
	    code_hash(norm, h);
	sodium_memzero(norm, sizeof(norm));
	return ok;
}

int
recovery_code_make(struct db *db, const struct config *cfg,
    const unsigned char view_key[KEY_BYTES], const struct account *a,
    int64_t session_id, const unsigned char *browser, const char *ip,
    int64_t now)
{
	/* Copies of older codes would show a code that no longer works. */
	static const char *const drop_sql =
	    "DELETE FROM recovery_views WHERE account_id = ?1";
	static const char *const sql =
	    "INSERT INTO recovery_views "
	    "(session_id, account_id, sealed, replaced, made_at, expires_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	struct account cur;
	char	       code[CODE_RECOVERY_TEXT];
	unsigned char  h[HASH_BYTES], key[KEY_BYTES];
	unsigned char  sealed[SEALED_BYTES];
	int	       ok = 0;

	if (!db_need_tx(db, "recovery_code_make") ||
	    !code_recovery_new(code) || !recovery_hash(code, h) ||
	    !recovery_key(view_key, session_id, browser, key))
		goto out;
	recovery_seal(key, code, sealed);
	if (!account_by_id(db, a->id, &cur) ||
	    !account_set_recovery_code(db, a->id, h, now) ||
	    !db_run(db, drop_sql, "i", a->id) ||
	    !db_run(db, sql, "iibiii", session_id, a->id, sealed,
		sizeof(sealed), (int64_t)(cur.recovery_code_at != 0), now,
		(int64_t)(now + RECOVERY_VIEW_TTL)) ||
	    !event_add(db, a->id, EVENT_RECOVERY_CODE_CREATED, ip, NULL,
		now) ||
	    !notify_change(db, a, CHANNEL_NONE, NULL, ip, cfg->base_url,
		"mail/recovery_code_new.tpl", "sms/recovery_code_new.tpl",
		now))
		goto out;
	ok = 1;
out:
	sodium_memzero(code, sizeof(code));
	sodium_memzero(key, sizeof(key));
	return ok;
}

/* The row of session_id, unsealed with key into v; *row = 0 if none. */
static int
recovery_view_read(struct db *db, const unsigned char key[KEY_BYTES],
    int64_t session_id, int64_t account_id, struct recovery_view *v, int *row)
{
	static const char *const sql =
	    "SELECT sealed, replaced, made_at, "
	    "expires_at FROM recovery_views WHERE session_id = ?1 AND "
	    "account_id = ?2";
	struct db_stmt *st;
	const void     *p;
	size_t		n;
	enum db_step	rc;

	*row = 0;
	if ((st = db_query(db, sql, "ii", session_id, account_id)) == NULL)
		return 0;
	if ((rc = db_step(st)) == DB_ROW) {
		*row = 1;
		p = db_column_blob(st, 0, &n);
		v->found = recovery_unseal(key, p, n, v->code);
		v->replaced = db_column_int(st, 1) != 0;
		v->made_at = db_column_int(st, 2);
		v->expires_at = db_column_int(st, 3);
	}
	db_done(st);
	if (rc == DB_ERROR) {
		db_log_error(db, "recovery view");
		return 0;
	}
	return 1;
}

/* Keep in v only a copy that still shows the account's code. */
static int
recovery_view_current(struct db *db, int64_t session_id, int64_t account_id,
    int64_t now, struct recovery_view *v)
{
	unsigned char h[HASH_BYTES];
	int	      match = 0;

	/*
	 * Asked from another browser (the session cookie carried off), or
	 * sealed under another key file: nothing to show, but the copy is
	 * the owner's and stays until its time is up (purge).
	 */
	if (!v->found) {
		log_warn("recovery view of session %lld does not open in this "
			 "browser (or under this secret key file)",
		    (long long)session_id);
		sodium_memzero(v, sizeof(*v));
		return 1;
	}
	if (!recovery_hash(v->code, h) ||
	    !account_recovery_code_matches(db, account_id, h, &match))
		return 0;
	/* Past its time, or replaced or used as a proof since: drop it. */
	if (!match || v->expires_at <= now) {
		sodium_memzero(v, sizeof(*v));
		return recovery_view_drop(db, session_id);
	}
	return 1;
}

int
recovery_view_open(struct db *db, const unsigned char view_key[KEY_BYTES],
    int64_t session_id, const unsigned char *browser, int64_t account_id,
    int64_t now, struct recovery_view *v)
{
	unsigned char key[KEY_BYTES];
	int	      row, ok;

	memset(v, 0, sizeof(*v));
	ok = recovery_key(view_key, session_id, browser, key) &&
	    recovery_view_read(db, key, session_id, account_id, v, &row) &&
	    (!row ||
		recovery_view_current(db, session_id, account_id, now, v));
	if (!ok)
		sodium_memzero(v, sizeof(*v));
	sodium_memzero(key, sizeof(key));
	return ok;
}

int
recovery_view_drop(struct db *db, int64_t session_id)
{
	static const char *const sql =
	    "DELETE FROM recovery_views WHERE session_id = ?1";

	return db_run(db, sql, "i", session_id);
}

int
recovery_view_purge(struct db *db, int64_t now)
{
	static const char *const sql =
	    "DELETE FROM recovery_views WHERE expires_at <= ?1";

	return db_run(db, sql, "i", now);
}
