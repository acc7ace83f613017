/*
 * account.c: /account, the overview of the logged-in account.  This
 * program also answers every path no other program claims (the web
 * server sends them here), so an unknown address gets Postern's own
 * 404 page.
 */
#include <stdio.h>
#include <string.h>

#include "postern.h"
#include "contacts.h"
#include "domains.h"

struct warn_ctx {
	struct req	*r;
	int		 ok;
};

/* Platform rule: warn when someone verified the domain an address is on. */
static void
warn_address(struct warn_ctx *wc, const char *email)
{
	struct r1_check		 c;
	struct render_dict	*row;

	if (!domains_check_address(wc->r->app->db, RECOVERY_PLATFORM,
	    wc->r->acct.id, email, &c)) {
		wc->ok = 0;
		return;
	}
	if (c.verdict == R1_ALLOWED)
		return;
	row = render_section(wc->r->page, "ADDRESS_ON_DOMAIN");
	render_set(row, "ADDRESS", email);
	render_set(row, "CONFLICT", c.domain);
}

static void
warn_contact(const struct contact *c, void *arg)
{
	if (strcmp(c->kind, "email") == 0)
		warn_address(arg, c->value);
}

static void
account_get(struct req *r)
{
	struct warn_ctx	 wc = { r, 1 };

	if (r->app->cfg.recovery_rule == RECOVERY_PLATFORM) {
		warn_address(&wc, r->acct.email);
		if (!wc.ok || !contacts_each(r->app->db, r->acct.id,
		    warn_contact, &wc) || !wc.ok) {
			page_storage_error(r);
			return;
		}
	}
	render_set(r->page, "USERNAME", r->acct.username);
	render_set(r->page, "EMAIL", r->acct.email);
	render_show(r->page, r->acct.email_verified_at != 0 ?
	    "VERIFIED" : "NOT_VERIFIED");
	page_render(r, 200, "account.tpl", "Your account");
}

/* Event kinds in words a person reads; unknown kinds show as they are. */
static const struct {
	const char	*kind;
	const char	*text;
} event_words[] = {
	{ "signup", "Account created" },
	{ "email_verified", "Address verified" },
	{ "login", "Logged in" },
	{ "login_password", "Password accepted, code still due" },
	{ "login_failed", "Failed login" },
	{ "login_2fa_failed", "Wrong two-step code at login" },
	{ "login_locked", "Logins closed for 15 minutes: too many wrong "
	    "passwords or codes" },
	{ "logout", "Logged out" },
	{ "session_ended", "Session ended" },
	{ "sessions_ended", "Every other session ended" },
	{ "password_failed", "Wrong password typed in a session" },
	{ "contact_added", "Recovery contact added" },
	{ "contact_verified", "Recovery contact confirmed" },
	{ "contact_removed", "Recovery contact removed" },
	{ "recovery_code_created", "New recovery code made" },
	{ "kit_created", "New recovery kit made" },
	{ "twofa_enabled", "Two-step verification turned on" },
	{ "twofa_disabled", "Two-step verification turned off" },
	{ "domain_added", "Domain added" },
	{ "domain_verified", "Domain verified" },
	{ "domain_removed", "Domain removed" },
	{ "r1_refused", "Address or domain refused (rule R1)" },
	{ "address_must_change", "Address must be replaced" },
};

static const char *
event_text(const char *kind)
{
	size_t	 i;

	for (i = 0; i < sizeof(event_words) / sizeof(event_words[0]); i++)
		if (strcmp(event_words[i].kind, kind) == 0)
			return event_words[i].text;
	return kind;
}

static void
activity_event(const struct event *e, void *arg)
{
	struct req		*r = arg;
	struct render_dict	*row;
	char			 when[32];

	row = render_section(r->page, "EVENT");
	page_time(e->at, when);
	render_set(row, "WHEN", when);
	render_set(row, "KIND", e->kind);
	render_set(row, "WHAT", event_text(e->kind));
	render_set(row, "IP", e->ip);
	render_set(row, "DETAIL", e->detail);
}

static void
activity_session(const struct session_info *si, void *arg)
{
	struct req		*r = arg;
	struct render_dict	*row;
	char			 when[32];

	row = render_section(r->page, "SESSION");
	render_set_int(row, "ID", si->id);
	page_time(si->created_at, when);
	render_set(row, "STARTED", when);
	page_time(si->last_seen, when);
	render_set(row, "SEEN", when);
	render_set(row, "IP", si->ip);
	render_set(row, "AGENT", si->user_agent);
	if (si->id == r->sess.id)
		render_show(row, "CURRENT");
	else
		render_show(r->page, "OTHERS");
}

static void
activity_page(struct req *r, int status)
{
	if (!event_each(r->app->db, r->acct.id, 100, activity_event, r) ||
	    !session_each(r->app->db, r->acct.id, activity_session, r)) {
		page_storage_error(r);
		return;
	}
	page_render(r, status, "activity.tpl", "Account activity");
}

static void
activity_get(struct req *r)
{
	activity_page(r, 200);
}

/*
 * Every session but this one ends (ASVS 3.3.4), once the password is
 * typed again: a session left open on another computer must not be
 * able to shut its owner out.  Wrong passwords here count against the
 * account's login limit, so a borrowed session guesses no faster than
 * the login form.
 */
static void
activity_end_others(struct req *r)
{
	const char	*password;
	char		 n[16], msg[PAGE_LIMIT_TEXT];
	int64_t		 until;
	int		 ended;
	struct db	*db = r->app->db;

	if ((password = req_field(r, "password")) == NULL)
		return;
	if (!rate_check(db, RATE_LOGIN_ACCOUNT, r->acct.id, NULL, r->now,
	    &until))
		goto fail;
	if (until != 0) {
		page_limit_text(r, "Too many wrong passwords.", until, msg);
		page_set_error(r, msg);
		activity_page(r, 429);
		return;
	}
	if (!pw_verify(r->acct.pw_hash, password)) {
		if (!db_begin(db) ||
		    !rate_login_failed(db, r->acct.id, NULL, "password_failed",
		    r->http.ip, r->now) || !db_commit(db))
			goto fail;
		page_set_error(r, "That password is not right. No session was "
		    "ended.");
		activity_page(r, 422);
		return;
	}
	if (!db_begin(db) ||
	    !session_end_others(db, r->acct.id, r->sess.id, &ended))
		goto fail;
	snprintf(n, sizeof(n), "%d", ended);
	if (!event_add(db, r->acct.id, "sessions_ended", r->http.ip, n,
	    r->now) || !db_commit(db))
		goto fail;
	page_redirect(r, "/account/activity");
	return;
fail:
	page_storage_error(r);
}

static void
activity_post(struct req *r)
{
	const char	*idtext;
	int64_t		 id;
	int		 ended, bad;
	struct db	*db = r->app->db;

	if (req_field_opt(r, "others", &bad) != NULL) {
		activity_end_others(r);
		return;
	}
	if (bad) {
		req_field(r, "others");		/* its 400 page */
		return;
	}
	if ((idtext = req_field(r, "session")) == NULL)
		return;
	if (!req_id(idtext, &id)) {
		page_error(r, 400, "Bad request",
		    "That session reference is not valid.");
		return;
	}
	if (!db_begin(db) || !session_end_own(db, r->acct.id, id, &ended))
		goto fail;
	if (!ended) {
		db_rollback(db);
		page_error(r, 404, "No such session",
		    "You have no open session with that reference.");
		return;
	}
	if (!event_add(db, r->acct.id, "session_ended", r->http.ip, NULL,
	    r->now) || !db_commit(db))
		goto fail;
	page_redirect(r, id == r->sess.id ? "/login" : "/account/activity");
	return;
fail:
	page_storage_error(r);
}

static void
root_get(struct req *r)
{
	page_redirect(r, r->sess.id != 0 && r->sess.stage == SESSION_FULL ?
	    "/account" : "/login");
}

static const struct route routes[] = {
	{ "/", HTTP_GET, root_get, 0 },
	{ "/account", HTTP_GET, account_get, ROUTE_SESSION },
	{ "/account/activity", HTTP_GET, activity_get, ROUTE_SESSION },
	{ "/account/activity", HTTP_POST, activity_post, ROUTE_SESSION },
};

static const char *const templates[] = {
	"account.tpl", "activity.tpl", NULL
};

static const struct program program = {
	.name = "postern-account",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.templates = templates,
};

int
main(void)
{
	return app_main(&program);
}
