/*
 * account_fcgi.c: /account, the overview of the logged-in account, its
 * activity, and the account's own changes: the password, deletion and
 * export (lib/flow_account.c).  This program also answers every path
 * no other program claims (the web server sends them here), so an
 * unknown address gets Postern's own 404 page.
 */
#include "postern.h"
#include "contacts.h"
#include "domains.h"
#include "flow_account.h"
#include "guard.h"
#include "policy.h"
#include "useragent.h"
#include "message.h"

struct warn_ctx {
	struct req *r;
	int	    ok;
};

/* Platform rule: warn when someone verified the domain an address is on. */
static void
warn_address(struct warn_ctx *wc, const char *email)
{
	struct r1_check	    c;
	struct render_dict *row;

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
	if (c->kind == CONTACT_EMAIL)
		warn_address(arg, c->value);
}

/* The sections of account.tpl that name each next step. */
static const char *const next_sections[] = {
	[NEXT_NONE] = "NEXT_NONE",
	[NEXT_ADDRESS] = "NEXT_ADDRESS",
	[NEXT_RECOVERY_CODE] = "NEXT_RECOVERY_CODE",
	[NEXT_PHONE] = "NEXT_PHONE",
	[NEXT_TWOFA] = "NEXT_TWOFA",
	[NEXT_KIT] = "NEXT_KIT",
};

/* How well the account could be recovered, and the next step. */
static int
account_standing(struct req *r)
{
	struct standing s;

	if (flow_standing(&r->flow, &s) != OUT_OK)
		return 0;
	render_set_int(r->page, "CONTACTS", s.ways.verified_contacts);
	render_show(r->page,
	    s.ways.verified_contacts > 1 ? "CONTACTS_MANY" : "CONTACTS_ONE");
	render_show(r->page, s.ways.recovery_code ? "CODE_ON" : "CODE_OFF");
	render_show(r->page, s.ways.twofa ? "TWOFA_ON" : "TWOFA_OFF");
	if (s.kits)
		render_show(r->page, s.kit ? "KIT_ON" : "KIT_OFF");
	if (s.last_login != 0) {
		page_set_time(render_section(r->page, "LAST_LOGIN"), "WHEN",
		    s.last_login);
		render_set(r->page, "LAST_LOGIN_IP", s.last_login_ip);
	} else
		render_show(r->page, "FIRST_LOGIN");
	render_show(r->page, next_sections[s.next]);
	return 1;
}

static void
account_get(struct req *r)
{
	struct warn_ctx wc = { r, 1 };

	if (r->app->cfg.recovery_rule == RECOVERY_PLATFORM) {
		warn_address(&wc, r->acct.email);
		if (!wc.ok ||
		    !contacts_each(r->app->db, r->acct.id, warn_contact,
			&wc) ||
		    !wc.ok) {
			page_storage_error(r);
			return;
		}
	}
	if (!account_standing(r)) {
		page_storage_error(r);
		return;
	}
	render_set(r->page, "USERNAME", r->acct.username);
	render_set(r->page, "EMAIL", r->acct.email);
	render_show(r->page,
	    r->acct.email_verified_at != 0 ? "VERIFIED" : "NOT_VERIFIED");
	page_render(r, 200, "account.tpl");
}

static void
activity_event(const struct event *e, void *arg)
{
	struct req	   *r = arg;
	struct render_dict *row;

	row = render_section(r->page, "EVENT");
	page_set_time(row, "WHEN", e->at);
	render_set(row, "IP", e->ip);
	event_show(row, e);
}

struct activity_ctx {
	struct req *r;
	int64_t	    confirm; /* the session to ask a proof for */
};

/* What a session's User-Agent says it is, in names people know. */
static void
activity_agent(struct render_dict *row, const char *agent)
{
	struct ua u = ua_describe(agent);

	if (u.browser != UA_BROWSER_UNKNOWN)
		render_set(render_section(row, "BROWSER"), "NAME",
		    ua_browser_name(u.browser));
	else
		render_show(row, "NO_BROWSER");
	if (u.system != UA_SYSTEM_UNKNOWN)
		render_set(render_section(row, "SYSTEM"), "NAME",
		    ua_system_name(u.system));
	render_set(row, "AGENT", agent);
}

static void
activity_session(const struct session_info *si, void *arg)
{
	struct activity_ctx *ac = arg;
	struct req	    *r = ac->r;
	struct render_dict  *row;

	row = render_section(r->page, "SESSION");
	render_set_int(row, "ID", si->id);
	page_set_time(row, "STARTED", si->created_at);
	page_set_time(row, "SEEN", si->last_seen);
	render_set(row, "IP", si->ip);
	activity_agent(row, si->user_agent);
	if (si->id == r->sess.id)
		render_show(row, "CURRENT");
	else
		render_show(r->page, "OTHERS");
	if (si->id != ac->confirm)
		render_show(row, "END");
	else {
		render_show(row, "CONFIRM");
		if (r->acct.totp_enabled_at != 0)
			render_show(row, "NEED_TOTP");
	}
}

/* The page; confirm names a session whose end waits for a proof. */
static void
activity_page(struct req *r, int status, int64_t confirm)
{
	struct activity_ctx ac = { r, confirm };

	if (r->acct.totp_enabled_at != 0)
		render_show(r->page, "NEED_TOTP");
	if (!event_each(r->app->db, r->acct.id, 100, activity_event, r) ||
	    /* This browser's session first, then the others. */
	    !session_each(r->app->db, r->acct.id, r->sess.id, activity_session,
		&ac)) {
		page_storage_error(r);
		return;
	}
	page_render(r, status, "activity.tpl");
}

static void
activity_get(struct req *r)
{
	activity_page(r, 200, 0);
}

/*
 * End one session (session), or every other one (others), with the
 * proof R8 asks for (flow_account.c).
 */
static void
activity_post(struct req *r)
{
	int64_t	     id;
	int	     ended, status;
	enum outcome o;

	id = req_arg(r, "others") != NULL ? 0 : req_arg_id(r, "session");
	o = flow_sessions_end(&r->flow, id, req_arg(r, "password"),
	    req_arg(r, "code"), &ended);
	if (o == OUT_OK && id == r->sess.id)
		page_redirect(r, "/login?out=1");
	else if (o == OUT_OK) {
		page_notice(r, id == 0 ? "SESSIONS_ENDED" : "SESSION_ENDED");
		page_redirect(r, "/account/activity");
	} else if (o == OUT_NO_SESSION_ID)
		page_outcome(r, o);
	else if ((status = page_refused(r, o)) != 0)
		activity_page(r, status, id);
}

/* ------------------------------------------------------------------ */
/* The password, deletion, export: each asks R8's proof in its form.  */

/* One of the forms below: its template shows the code field with 2FA. */
static void
form_page(struct req *r, int status, const char *tpl)
{
	if (r->acct.totp_enabled_at != 0)
		render_show(r->page, "NEED_CODE");
	if (req_notice(r, "done"))
		render_show(r->page, "DONE");
	page_render(r, status, tpl);
}

static void
password_form(struct req *r, int status)
{
	form_page(r, status, "account_password.tpl");
}

static void
password_post(struct req *r)
{
	char	     cookie[TOKEN_TEXT];
	enum outcome o;

	o = flow_password_change(&r->flow, req_arg(r, "password"),
	    req_arg(r, "new_password"), req_arg(r, "code"), cookie);
	if (o == OUT_OK) {
		req_set_session_cookie(r, cookie);
		page_redirect(r, "/account/password?done=1");
	} else
		page_refuse(r, o, password_form);
}

static void
delete_page(struct req *r, int status)
{
	if (r->acct.delete_at != 0) {
		page_set_time(render_section(r->page, "PENDING"), "WHEN",
		    r->acct.delete_at);
	} else
		render_show(r->page, "NOT_PENDING");
	form_page(r, status, "account_delete.tpl");
}

static void
delete_post(struct req *r)
{
	enum outcome o;

	o = flow_delete_request(&r->flow, req_arg(r, "password"),
	    req_arg(r, "code"));
	if (o == OUT_OK) {
		page_notice(r, "DELETE_ASKED");
		page_redirect(r, "/account/delete");
	} else
		page_refuse(r, o, delete_page);
}

/* The page a mailed cancel link opens (R7: one button). */
static void
cancel_get(struct req *r)
{
	const char  *t = req_arg(r, "t");
	int64_t	     deadline;
	enum outcome o;

	o = flow_delete_peek(&r->flow, t != NULL ? t : "", &deadline);
	page_set_time(r->page, "WHEN", deadline);
	page_link(r, o, "account_delete_cancel.tpl");
}

/*
 * Cancel: with the link's t and nothing else, or from a session (the
 * banner) with R8's proof.
 */
static void
cancel_post(struct req *r)
{
	const char  *t = req_arg(r, "t");
	enum outcome o;

	if (t == NULL && (r->sess.id == 0 || r->sess.stage != SESSION_FULL))
		o = OUT_NO_SESSION;
	else
		o = flow_delete_cancel(&r->flow, t,
		    t != NULL ? NULL : req_arg(r, "password"),
		    t != NULL ? NULL : req_arg(r, "code"));
	if (o == OUT_OK && t != NULL)
		/*
		 * The word that it worked is this answer itself: a page at
		 * a URL of its own would say so to whoever a thief sent
		 * there (attacks_round4.py, story 33).
		 */
		page_render(r, 200, "account_delete_cancelled.tpl");
	else {
		if (o == OUT_OK)
			page_notice(r, "DELETE_CANCELLED");
		page_done(r, o, "/account");
	}
}

static void
export_form(struct req *r, int status)
{
	form_page(r, status, "account_export.tpl");
}

static void
export_post(struct req *r)
{
	enum outcome o;

	buf_reset(&r->resp.body);
	o = flow_export(&r->flow, req_arg(r, "password"), req_arg(r, "code"),
	    &r->resp.body);
	if (o == OUT_OK) {
		r->resp.status = 200;
		http_header(&r->resp, "Content-Type",
		    "application/json; charset=utf-8");
		http_header(&r->resp, "Content-Disposition",
		    "attachment; filename=\"postern-export.json\"");
	} else
		page_refuse(r, o, export_form);
}

static void
root_get(struct req *r)
{
	page_redirect(r,
	    r->sess.id != 0 && r->sess.stage == SESSION_FULL ? "/account" :
							       "/login");
}

static const struct route routes[] = {
	{ "/", HTTP_GET, root_get, 0, NULL, NULL },
	{ "/account", HTTP_GET, account_get, ROUTE_SESSION, NULL, NULL },
	{ "/account/activity", HTTP_GET, activity_get, ROUTE_SESSION, NULL,
	    NULL },
	{ "/account/activity", HTTP_POST, activity_post, ROUTE_SESSION,
	    FIELDS({ "others", FIELD_BUTTON, 0, NULL },
		{ "session", FIELD_ID, FIELD_REQUIRED, "others" },
		{ "password", FIELD_PASSWORD, 0, NULL },
		{ "code", FIELD_CODE, 0, NULL }),
	    NULL },
	{ "/account/password", HTTP_GET, NULL, ROUTE_SESSION,
	    FIELDS({ "done", FIELD_NOTICE, 0, NULL }), password_form },
	{ "/account/password", HTTP_POST, password_post, ROUTE_SESSION,
	    FIELDS({ "password", FIELD_PASSWORD, 0, NULL },
		{ "new_password", FIELD_NEW_PASSWORD, FIELD_REQUIRED, NULL },
		{ "code", FIELD_CODE, 0, NULL }),
	    password_form },
	{ "/account/delete", HTTP_GET, NULL, ROUTE_SESSION, NULL,
	    delete_page },
	{ "/account/delete", HTTP_POST, delete_post, ROUTE_SESSION,
	    FIELDS({ "password", FIELD_PASSWORD, 0, NULL },
		{ "code", FIELD_CODE, 0, NULL }),
	    delete_page },
	/* The mailed link works without a session; the banner needs one. */
	{ "/account/delete/cancel", HTTP_GET, cancel_get, 0,
	    FIELDS({ "t", FIELD_TOKEN, 0, NULL }), NULL },
	{ "/account/delete/cancel", HTTP_POST, cancel_post, 0,
	    FIELDS({ "t", FIELD_TOKEN, 0, NULL },
		{ "password", FIELD_PASSWORD, 0, NULL },
		{ "code", FIELD_CODE, 0, NULL }),
	    NULL },
	{ "/account/export", HTTP_GET, NULL, ROUTE_SESSION, NULL,
	    export_form },
	{ "/account/export", HTTP_POST, export_post, ROUTE_SESSION,
	    FIELDS({ "password", FIELD_PASSWORD, 0, NULL },
		{ "code", FIELD_CODE, 0, NULL }),
	    export_form },
};

static const char *const templates[] = { "account.tpl", "activity.tpl",
	"account_password.tpl", "account_delete.tpl",
	"account_delete_cancel.tpl", "account_delete_cancelled.tpl",
	"account_export.tpl", FLOW_ACCOUNT_TEMPLATES, GUARD_TEMPLATES, NULL };

APP_MAIN(.name = "postern-account", APP_ROUTES(routes), .templates = templates)
