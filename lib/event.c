/*
 * event.c: the security events of an account, shown to its owner.
 * A detail is data (an address, a domain, a count) or, for the kinds
 * with several causes, the name of one (enum event_why); never words,
 * which are the templates', and never a secret.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "internal.h"
#include "log.h"
#include "render.h"
#include "reset.h"

/*
 * Each kind's stored name, and two things about it.  audited: it also
 * goes to syslog's authpriv facility (log_auth()), for fail2ban and the
 * like -- failed logins and reset proofs, the limits and locks that
 * close on them, and every step of a reset; recording them here, where
 * each is recorded anyway, keeps the two in step wherever the flows
 * that cause them live.  detail: what the detail column holds.
 */
enum event_detail {
	DETAIL_DATA,  /* shown as it is */
	DETAIL_COUNT, /* a number, worded with the kind */
	DETAIL_WHY,   /* an event_why name, or empty */
	DETAIL_PROOFS /* reset_proofs_text(), worded by kind */
};

static const struct {
	const char	 *name;
	unsigned	  audited : 1;
	enum event_detail detail;
} event_kinds[EVENT_NKINDS] = {
	[EVENT_SIGNUP] = { "signup", 0, DETAIL_DATA },
	[EVENT_SIGNUP_ADDRESS_TAKEN] = { "signup_address_taken", 0,
	    DETAIL_DATA },
	[EVENT_EMAIL_VERIFIED] = { "email_verified", 0, DETAIL_DATA },
	[EVENT_LOGIN] = { "login", 0, DETAIL_WHY },
	[EVENT_LOGIN_PASSWORD] = { "login_password", 0, DETAIL_DATA },
	[EVENT_LOGIN_FAILED] = { "login_failed", 1, DETAIL_DATA },
	[EVENT_LOGIN_UNKNOWN] = { "login_unknown", 1, DETAIL_DATA },
	[EVENT_LOGIN_2FA_FAILED] = { "login_2fa_failed", 0, DETAIL_DATA },
	[EVENT_LOGIN_LOCKED] = { "login_locked", 1, DETAIL_WHY },
	[EVENT_LOGIN_IP_LOCKED] = { "login_ip_locked", 1, DETAIL_DATA },
	[EVENT_TOTP_FAILED] = { "totp_failed", 1, DETAIL_DATA },
	[EVENT_TOTP_LOCKED] = { "totp_locked", 1, DETAIL_WHY },
	[EVENT_PASSWORD_FAILED] = { "password_failed", 1, DETAIL_DATA },
	[EVENT_LOGOUT] = { "logout", 0, DETAIL_DATA },
	[EVENT_SESSION_ENDED] = { "session_ended", 0, DETAIL_DATA },
	[EVENT_SESSIONS_ENDED] = { "sessions_ended", 0, DETAIL_COUNT },
	[EVENT_CONTACT_ADDED] = { "contact_added", 0, DETAIL_DATA },
	[EVENT_CONTACT_VERIFIED] = { "contact_verified", 0, DETAIL_DATA },
	[EVENT_CONTACT_REMOVED] = { "contact_removed", 0, DETAIL_DATA },
	[EVENT_RECOVERY_CODE_CREATED] = { "recovery_code_created", 0,
	    DETAIL_DATA },
	[EVENT_KIT_CREATED] = { "kit_created", 0, DETAIL_DATA },
	[EVENT_TWOFA_ENABLED] = { "twofa_enabled", 0, DETAIL_DATA },
	[EVENT_TWOFA_DISABLED] = { "twofa_disabled", 0, DETAIL_WHY },
	[EVENT_DOMAIN_ADDED] = { "domain_added", 0, DETAIL_DATA },
	[EVENT_DOMAIN_VERIFIED] = { "domain_verified", 0, DETAIL_DATA },
	[EVENT_DOMAIN_REMOVED] = { "domain_removed", 0, DETAIL_DATA },
	[EVENT_EMAIL_CHANGE_REQUESTED] = { "email_change_requested", 0,
	    DETAIL_DATA },
	[EVENT_EMAIL_CHANGED] = { "email_changed", 0, DETAIL_DATA },
	[EVENT_EMAIL_REVERTED] = { "email_reverted", 0, DETAIL_DATA },
	[EVENT_R1_REFUSED] = { "r1_refused", 0, DETAIL_DATA },
	[EVENT_ADDRESS_MUST_CHANGE] = { "address_must_change", 0,
	    DETAIL_DATA },
	[EVENT_RESET_REQUESTED] = { "reset_requested", 0, DETAIL_DATA },
	[EVENT_RESET_UNKNOWN] = { "reset_unknown", 0, DETAIL_DATA },
	[EVENT_RESET_LOCKED] = { "reset_locked", 1, DETAIL_DATA },
	[EVENT_RESET_LIMITED] = { "reset_limited", 0, DETAIL_DATA },
	[EVENT_RESET_REFUSED] = { "reset_refused", 1, DETAIL_DATA },
	[EVENT_RESET_PENDING] = { "reset_pending", 1, DETAIL_PROOFS },
	[EVENT_RESET_APPLIED] = { "reset_applied", 1, DETAIL_WHY },
	[EVENT_RESET_REJECTED] = { "reset_rejected", 1, DETAIL_WHY },
	[EVENT_LOCKED] = { "locked", 1, DETAIL_DATA },
	[EVENT_UNLOCKED] = { "unlocked", 1, DETAIL_DATA },
	/* The hoster's brakes (flow_admin.c). */
	[EVENT_RESET_CANCELLED] = { "reset_cancelled", 1, DETAIL_DATA },
	[EVENT_DISABLED] = { "disabled", 1, DETAIL_DATA },
	[EVENT_ENABLED] = { "enabled", 1, DETAIL_DATA },
	[EVENT_SESSIONS_REVOKED] = { "sessions_revoked", 1, DETAIL_COUNT },
	[EVENT_TWOFA_RESET] = { "twofa_reset", 1, DETAIL_DATA },
	[EVENT_DELETED] = { "deleted", 1, DETAIL_DATA },
	/* The owner's own (flow_account.c). */
	[EVENT_PASSWORD_CHANGED] = { "password_changed", 1, DETAIL_COUNT },
	[EVENT_DELETE_REQUESTED] = { "delete_requested", 1, DETAIL_DATA },
	[EVENT_DELETE_CANCELLED] = { "delete_cancelled", 1, DETAIL_WHY },
	[EVENT_ACCOUNT_EXPORTED] = { "account_exported", 0, DETAIL_DATA },
};

const char *
event_kind_name(enum event_kind k)
{
	return (unsigned)k < EVENT_NKINDS ? event_kinds[k].name : NULL;
}

int
event_kind_of(const char *name, enum event_kind *k)
{
	for (*k = 0; *k < EVENT_NKINDS; (*k)++)
		if (strcmp(name, event_kinds[*k].name) == 0)
			return 1;
	return 0;
}

/* Each cause's stored name, and the section that words it in WHY. */
static const char *const event_whys[EVENT_NWHYS] = {
	[EVENT_WHY_NONE] = NULL,
	[EVENT_WHY_THIS_BROWSER] = "this_browser",
	[EVENT_WHY_STRANGERS] = "strangers",
	[EVENT_WHY_EVERY_BROWSER] = "every_browser",
	[EVENT_WHY_TWOFA] = "twofa",
	[EVENT_WHY_HOSTER_LOCK] = "hoster_lock",
	[EVENT_WHY_HOSTER_DISABLE] = "hoster_disable",
	[EVENT_WHY_HOSTER_CANCEL] = "hoster_cancel",
	[EVENT_WHY_OWNER_PASSWORD] = "owner_password",
	[EVENT_WHY_RESET_WITHOUT_TOTP] = "reset_without_totp",
	[EVENT_WHY_LINK] = "link",
	[EVENT_WHY_EMAIL_REVERT] = "email_revert",
	[EVENT_WHY_CONFIRMED] = "confirmed",
	[EVENT_WHY_DEADLINE] = "deadline",
};

/* The section that words each kind of proof, inside PROOFS/PROOF. */
static const char *const proof_sections[] = {
	[PROOF_EMAIL] = "EMAIL",
	[PROOF_PHONE] = "PHONE",
	[PROOF_RECOVERY_CODE] = "RECOVERY_CODE",
	[PROOF_TOTP] = "TOTP",
	[PROOF_KIT] = "KIT",
};

const char *
event_why_name(enum event_why w)
{
	return (unsigned)w < EVENT_NWHYS ? event_whys[w] : NULL;
}

int
event_why_of(const char *name, enum event_why *w)
{
	for (*w = EVENT_WHY_NONE + 1; *w < EVENT_NWHYS; (*w)++)
		if (strcmp(name, event_whys[*w]) == 0)
			return 1;
	return 0;
}

static void
event_log_auth(struct db *db, int64_t account_id, enum event_kind kind,
    const char *ip)
{
	static const char *const sql =
	    "SELECT username FROM accounts WHERE id = ?1";
	struct db_stmt *st;
	char		name[64] = "";

	if (!event_kinds[kind].audited)
		return;
	if (account_id != 0 && (st = db_prepare(db, sql)) != NULL) {
		if (db_bind_int(st, 1, account_id) && db_step(st) == DB_ROW)
			db_column_copy(st, 0, name, sizeof(name));
		db_done(st);
	}
	log_auth(event_kinds[kind].name, name, ip);
}

int
event_add(struct db *db, int64_t account_id, enum event_kind kind,
    const char *ip, const char *detail, int64_t now)
{
	/* One seek to the end of the account's events: the key is its. */
	static const char *const sql =
	    "INSERT INTO events (account_id, seq, at, kind, ip, detail) "
	    "VALUES (?1, coalesce((SELECT seq FROM events WHERE account_id "
	    "= ?1 ORDER BY seq DESC LIMIT 1), 0) + 1, ?2, ?3, ?4, ?5)";

	/* account_id 0: an event of no account. */
	if (!db_run(db, sql, "iittt", account_id, now, event_kinds[kind].name,
		ip != NULL ? ip : "", detail != NULL ? detail : ""))
		return 0;
	event_log_auth(db, account_id, kind, ip);
	return 1;
}

int
event_add_why(struct db *db, int64_t account_id, enum event_kind kind,
    const char *ip, enum event_why why, int64_t now)
{
	return event_add(db, account_id, kind, ip, event_why_name(why), now);
}

int
event_each(struct db *db, int64_t account_id, int limit,
    void (*fn)(const struct event *, void *), void *arg)
{
	static const char *const sql =
	    "SELECT seq, account_id, at, kind, ip, detail FROM events "
	    "WHERE account_id = ?1 ORDER BY seq DESC LIMIT ?2";
	struct db_stmt *st;
	struct event	e;
	int		rc = DB_ERROR;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, account_id) && db_bind_int(st, 2, limit)) {
		while ((rc = db_step(st)) == DB_ROW) {
			memset(&e, 0, sizeof(e));
			e.seq = db_column_int(st, 0);
			e.account_id = db_column_int(st, 1);
			e.at = db_column_int(st, 2);
			db_column_copy(st, 3, e.kind, sizeof(e.kind));
			db_column_copy(st, 4, e.ip, sizeof(e.ip));
			db_column_copy(st, 5, e.detail, sizeof(e.detail));
			fn(&e, arg);
		}
	}
	if (rc != DB_DONE)
		db_log_error(db, "events");
	db_done(st);
	return rc == DB_DONE;
}

/*
 * The proofs of a reset, by kind only: which contact a code went to is
 * an id that means nothing to a person.  0 if the detail names none.
 */
static int
event_show_proofs(struct render_dict *row, const char *detail)
{
	struct render_dict *d;
	struct proof	    p[RESET_PROOFS_MAX];
	size_t		    i, n;

	if ((n = reset_proofs_read(detail, p, RESET_PROOFS_MAX)) == 0)
		return 0;
	d = render_section(row, "PROOFS");
	for (i = 0; i < n; i++)
		render_show(render_section(d, "PROOF"),
		    proof_sections[p[i].kind]);
	return 1;
}

void
event_show(struct render_dict *row, const struct event *e)
{
	enum event_kind k;
	enum event_why	w;
	int		known;

	known = event_kind_of(e->kind, &k);
	render_set(row, "KIND", e->kind);
	render_show(row, known ? event_kinds[k].name : "UNKNOWN");
	render_set(row, "DETAIL", e->detail);
	if (known && event_kinds[k].detail == DETAIL_COUNT)
		return;
	if (known && event_kinds[k].detail == DETAIL_WHY &&
	    event_why_of(e->detail, &w))
		render_show(render_section(row, "WHY"), event_whys[w]);
	else if (!(known && event_kinds[k].detail == DETAIL_PROOFS &&
		     event_show_proofs(row, e->detail)))
		render_show(row, "PLAIN_DETAIL");
}
