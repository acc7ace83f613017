/*
 * event.c: the security events of an account, shown to its owner.
 * Details are short plain words chosen by the code ("from 192.0.2.1"),
 * never a secret.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "internal.h"
#include "log.h"

/*
 * The events that also go to syslog's authpriv facility (log_auth()),
 * for fail2ban and the like: failed logins and reset proofs, the limits
 * and locks that close on them, and every step of a reset.  Recording
 * them here, where each is recorded anyway, keeps the two in step
 * wherever the flows that cause them live.
 */
static const char *const event_audited[] = {
	"login_failed", "login_unknown", "password_failed", "totp_failed",
	"reset_refused", "login_locked", "login_ip_locked", "totp_locked",
	"reset_locked", "reset_pending", "reset_applied", "reset_rejected",
	"locked", "unlocked", NULL
};

static void
event_log_auth(struct db *db, int64_t account_id, const char *kind,
    const char *ip)
{
	static const char *const sql =
	    "SELECT username FROM accounts WHERE id = ?1";
	sqlite3_stmt	*st;
	char		 name[64] = "";
	size_t		 i;

	for (i = 0; event_audited[i] != NULL; i++)
		if (strcmp(event_audited[i], kind) == 0)
			break;
	if (event_audited[i] == NULL)
		return;
	if (account_id != 0 && (st = db_prepare(db, sql)) != NULL) {
		if (db_bind_int(st, 1, account_id) &&
		    sqlite3_step(st) == SQLITE_ROW)
			db_column_copy(st, 0, name, sizeof(name));
		db_done(st);
	}
	log_auth(kind, name, ip);
}

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
	if (!db_run(db, sql, "iittt", account_id, now, kind,
	    ip != NULL ? ip : "", detail != NULL ? detail : ""))
		return 0;
	event_log_auth(db, account_id, kind, ip);
	return 1;
}

int
event_latest(struct db *db, int64_t account_id, const char *kind, int skip,
    struct event *e)
{
	static const char *const sql =
	    "SELECT seq, at, ip, detail FROM events WHERE account_id = ?1 "
	    "AND kind = ?2 ORDER BY seq DESC LIMIT 1 OFFSET ?3";
	sqlite3_stmt	*st;
	int		 rc = SQLITE_ERROR;

	memset(e, 0, sizeof(*e));
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, account_id) && db_bind_text(st, 2, kind) &&
	    db_bind_int(st, 3, skip) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		e->seq = sqlite3_column_int64(st, 0);
		e->account_id = account_id;
		e->at = sqlite3_column_int64(st, 1);
		snprintf(e->kind, sizeof(e->kind), "%s", kind);
		db_column_copy(st, 2, e->ip, sizeof(e->ip));
		db_column_copy(st, 3, e->detail, sizeof(e->detail));
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		db_log_error(db, "latest event");
	db_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE;
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
