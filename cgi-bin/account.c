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
#include "flow_account.h"
#include "guard.h"

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
	if (c->kind == CONTACT_EMAIL)
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

struct activity_ctx {
	struct req	*r;
	int64_t		 confirm;	/* the session to ask a proof for */
};

static void
activity_session(const struct session_info *si, void *arg)
{
	struct activity_ctx	*ac = arg;
	struct req		*r = ac->r;
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
	struct activity_ctx	 ac = { r, confirm };

	if (r->acct.totp_enabled_at != 0)
		render_show(r->page, "NEED_TOTP");
	if (!event_each(r->app->db, r->acct.id, 100, activity_event, r) ||
	    !session_each(r->app->db, r->acct.id, activity_session, &ac)) {
		page_storage_error(r);
		return;
	}
	page_render(r, status, "activity.tpl", "Account activity");
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
	const char	*others, *idtext, *password = NULL, *code = NULL;
	int64_t		 id = 0;
	int		 ended, bad, status;
	enum outcome	 o;

	if ((others = req_field_opt(r, "others", &bad)) == NULL && !bad) {
		if ((idtext = req_field(r, "session")) == NULL)
			return;
		if (!req_id(idtext, &id)) {
			page_outcome(r, OUT_BAD_REQUEST);
			return;
		}
	}
	if (!bad)
		password = req_field_opt(r, "password", &bad);
	if (!bad)
		code = req_field_opt(r, "code", &bad);
	if (bad) {
		page_outcome(r, OUT_BAD_REQUEST);
		return;
	}
	o = flow_sessions_end(&r->flow, id, password, code, &ended);
	if (o == OUT_OK)
		page_redirect(r, id == r->sess.id ? "/login" :
		    "/account/activity");
	else if (o == OUT_NO_SESSION_ID)
		page_outcome(r, o);
	else if ((status = page_refused(r, o)) != 0)
		activity_page(r, status, id);
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
	"account.tpl", "activity.tpl", GUARD_TEMPLATES, NULL
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
