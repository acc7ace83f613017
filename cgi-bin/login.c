/*
 * login.c: /login and /logout.
 *
 * Every login attempt runs exactly one Argon2id verification, against
 * a dummy hash when the name is unknown, and a wrong name and a wrong
 * password get the same page: neither timing nor text tells whether an
 * account exists.  A successful login always gets a new session token.
 */
#include <stdio.h>
#include <string.h>

#include "postern.h"
#include "reset.h"
#include "twofa.h"

static void
login_form(struct req *r, int status, const char *error, const char *name)
{
	const char	*v = req_query(r, "verified");

	if (error != NULL)
		page_set_error(r, error);
	else if (v != NULL && strcmp(v, "1") == 0)
		render_show(r->page, "VERIFIED");
	else if ((v = req_query(r, "reset")) != NULL && strcmp(v, "1") == 0)
		render_show(r->page, "RESET_DONE");
	else if ((v = req_query(r, "email")) != NULL && strcmp(v, "1") == 0)
		render_show(r->page, "EMAIL_DONE");
	else if ((v = req_query(r, "reverted")) != NULL && strcmp(v, "1") == 0)
		render_show(r->page, "REVERTED");
	render_set(r->page, "USERNAME", name);
	page_render(r, status, "login.tpl", "Log in");
}

static void
login_get(struct req *r)
{
	if (r->sess.id != 0 && r->sess.stage == SESSION_FULL) {
		page_redirect(r, "/account");
		return;
	}
	login_form(r, 200, NULL, "");
}

static void
login_post(struct req *r)
{
	const char	*name, *password;
	char		 hash[PWHASH_TEXT], cookie[TOKEN_TEXT];
	char		 msg[PAGE_LIMIT_TEXT];
	struct account	 a;
	struct session	 s;
	int64_t		 until, ipuntil;
	int		 good, rehash, n, ipclosed;
	enum session_stage stage;
	struct app	*app = r->app;
	struct db	*db = app->db;

	if ((name = req_field(r, "username")) == NULL ||
	    (password = req_field(r, "password")) == NULL)
		return;
	if (!account_by_login(db, name, &a)) {
		page_storage_error(r);
		return;
	}
	/* R4: a change whose deadline has passed is in force, cron or not. */
	if (a.id != 0 && (!reset_apply_due(db, &app->cfg, a.id, r->now, &n) ||
	    (n > 0 && !account_by_login(db, name, &a)))) {
		page_storage_error(r);
		return;
	}
	if (!rate_login_check(db, a.id, name, r->now, &until) ||
	    !rate_check(db, RATE_LOGIN_IP, 0, r->http.ip, r->now, &ipuntil)) {
		page_storage_error(r);
		return;
	}
	if (until != 0 || ipuntil != 0) {
		page_limit_text(r, until != 0 ? "Too many failed attempts for "
		    "this account. You can also reset your password." :
		    "Too many failed logins from your network. You can also "
		    "reset your password.", until != 0 ? until : ipuntil, msg);
		login_form(r, 429, msg, name);
		return;
	}
	good = pw_verify(a.id != 0 ? a.pw_hash : app->dummy_hash, password) &&
	    a.id != 0;
	/*
	 * Every failure is an event (ASVS 7.2.1): the account's own, or,
	 * for a name nobody has, one without an account that keeps only
	 * the address (what was typed may be a password).  So is each
	 * limit, once, when this failure closes it.
	 */
	if (!good) {
		if (!db_begin(db) ||
		    !rate_login_failed(db, a.id, name, a.id != 0 ?
		    "login_failed" : "login_unknown", r->http.ip, r->now) ||
		    !rate_fail(db, RATE_LOGIN_IP, 0, r->http.ip, r->now,
		    &ipclosed) ||
		    (ipclosed && !event_add(db, 0, "login_ip_locked",
		    r->http.ip, NULL, r->now)) || !db_commit(db)) {
			page_storage_error(r);
			return;
		}
		login_form(r, 422, "That name and password do not match.",
		    name);
		return;
	}
	/* New limits in the configuration: upgrade the hash now. */
	rehash = pw_needs_rehash(a.pw_hash, app->cfg.pwhash_ops,
	    app->cfg.pwhash_mem);
	if (rehash && !pw_hash(password, app->cfg.pwhash_ops,
	    app->cfg.pwhash_mem, hash)) {
		page_storage_error(r);
		return;
	}
	/* With 2FA the new session grants nothing until the code is in. */
	stage = a.totp_enabled_at != 0 ? SESSION_NEED_2FA : SESSION_FULL;
	if (!db_begin(db) ||
	    (rehash && !account_set_password(db, a.id, hash)) ||
	    (r->sess.id != 0 && !session_end(db, r->sess.id)) ||
	    !session_create(db, a.id, stage, r->http.ip,
	    r->http.user_agent, r->now, cookie, &s) ||
	    !event_add(db, a.id, stage == SESSION_FULL ? "login" :
	    "login_password", r->http.ip, NULL, r->now) ||
	    !db_commit(db)) {
		page_storage_error(r);
		return;
	}
	req_set_session_cookie(r, cookie);
	page_redirect(r, stage == SESSION_FULL ? "/account" : "/login/2fa");
}

static void
twofa_form(struct req *r, int status, const char *error)
{
	if (error != NULL)
		page_set_error(r, error);
	page_render(r, status, "login_2fa.tpl", "Two-step verification");
}

static void
twofa_get(struct req *r)
{
	if (r->sess.id != 0 && r->sess.stage == SESSION_FULL)
		page_redirect(r, "/account");
	else if (r->sess.id == 0)
		page_redirect(r, "/login");
	else
		twofa_form(r, 200, NULL);
}

static void
twofa_post(struct req *r)
{
	const char	*typed;
	char		 cookie[TOKEN_TEXT], msg[PAGE_LIMIT_TEXT];
	struct session	 s;
	int64_t		 until;
	int		 good;
	int64_t		 account_id = r->sess.account_id;
	struct db	*db = r->app->db;

	if (r->sess.id == 0 || r->sess.stage != SESSION_NEED_2FA) {
		page_error(r, 403, "Please log in",
		    "Your login has expired. Please log in again.");
		return;
	}
	if ((typed = req_field(r, "code")) == NULL)
		return;
	/* Wrong codes count against the same limit as wrong passwords. */
	if (!rate_check(db, RATE_LOGIN_ACCOUNT, account_id, NULL, r->now,
	    &until)) {
		page_storage_error(r);
		return;
	}
	if (until != 0) {
		page_limit_text(r, "Too many failed attempts.", until, msg);
		twofa_form(r, 429, msg);
		return;
	}
	if (!db_begin(db) || !twofa_verify(db, r->app->keys.totp, account_id,
	    typed, r->now, 1, &good))
		goto fail;
	if (!good) {
		if (!rate_login_failed(db, account_id, NULL,
		    "login_2fa_failed", r->http.ip, r->now) ||
		    !db_commit(db))
			goto fail;
		twofa_form(r, 422, "That code is not right. Type the code your "
		    "authenticator shows now.");
		return;
	}
	/* A new session id again: the half session granted nothing. */
	if (!session_end(db, r->sess.id) ||
	    !session_create(db, account_id, SESSION_FULL, r->http.ip,
	    r->http.user_agent, r->now, cookie, &s) ||
	    !session_set_twofa(db, s.id, r->now) ||
	    !event_add(db, account_id, "login", r->http.ip,
	    "with two-step verification", r->now) || !db_commit(db))
		goto fail;
	req_set_session_cookie(r, cookie);
	page_redirect(r, "/account");
	return;
fail:
	page_storage_error(r);
}

static void
logout_post(struct req *r)
{
	char		 tok[TOKEN_TEXT];
	struct db	*db = r->app->db;

	if (r->sess.id != 0) {
		if (!db_begin(db) || !session_end(db, r->sess.id) ||
		    !event_add(db, r->sess.account_id, "logout", r->http.ip,
		    NULL, r->now) || !db_commit(db)) {
			page_storage_error(r);
			return;
		}
	}
	token_new(tok);
	req_set_session_cookie(r, tok);
	page_redirect(r, "/login");
}

static const struct route routes[] = {
	{ "/login", HTTP_GET, login_get, 0 },
	{ "/login", HTTP_POST, login_post, 0 },
	{ "/login/2fa", HTTP_GET, twofa_get, 0 },
	{ "/login/2fa", HTTP_POST, twofa_post, 0 },
	{ "/logout", HTTP_POST, logout_post, 0 },
};

static const char *const templates[] = {
	"login.tpl", "login_2fa.tpl", RESET_NOTICE_TEMPLATES, NULL
};

static const struct program program = {
	.name = "postern-login",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.templates = templates,
	.flags = PROGRAM_DUMMY_HASH,
};

int
main(void)
{
	return app_main(&program);
}
