/*
 * email_fcgi.c: /email, /email/confirm, /email/revert -- changing the
 * primary address (R5, R8).  The rules are in lib/flow_email.c; these
 * handlers map its outcomes to pages.
 */
#include "postern.h"
#include "flow_email.h"
#include "guard.h"
#include "policy.h"
#include "reset.h"

/* The address a confirm link waits for, if one does; 0 after a 503. */
static int
email_waiting(struct req *r)
{
	struct link l;

	if (!link_live(r->app->db, LINK_EMAIL_CONFIRM, r->acct.id, r->now,
		&l)) {
		page_storage_error(r);
		return 0;
	}
	if (l.id != 0) {
		render_show(r->page, "WAITING");
		render_set(r->page, "WAITING_FOR", l.data);
	}
	return 1;
}

static void
email_page(struct req *r, int status)
{
	const char *typed = req_arg(r, "email");

	if (!email_waiting(r))
		return;
	render_set(r->page, "EMAIL", r->acct.email);
	render_set(r->page, "TYPED", typed != NULL ? typed : "");
	/* R8 asks for the code with the change; R5's twofa_recent may
	 * accept one typed lately in this session instead. */
	if (r->acct.totp_enabled_at != 0 &&
	    !policy_code_recent(ACTION_EMAIL_CHANGE, r->sess.twofa_at, r->now,
		r->app->cfg.twofa_recent))
		render_show(r->page, "NEED_CODE");
	if (req_notice(r, "sent"))
		render_show(r->page, "SENT");
	if (req_notice(r, "changed"))
		render_show(r->page, "CHANGED");
	page_render(r, status, "email.tpl");
}

static void
email_post(struct req *r)
{
	enum outcome o;

	o = flow_email_request(&r->flow, req_arg(r, "password"),
	    req_arg(r, "code"), req_arg(r, "email"));
	if (o == OUT_OK)
		page_redirect(r, "/email?sent=1");
	else
		page_refuse(r, o, email_page);
}

/* ------------------------------------------------------------------ */
/* The links (R7: a GET shows one button, a POST acts)                */

/* The page a mailed link opens, with the address it names. */
static void
link_page(struct req *r, int revert, const char *tpl)
{
	enum outcome o;
	int	     voids = 0;

	o = flow_email_peek(&r->flow, revert, req_arg(r, "t"), &voids);
	render_set(r->page, revert ? "OLD" : "NEW", r->flow.said.what);
	if (voids)
		render_show(r->page, "VOIDS_RESETS");
	if (r->flow.said.when != 0 && !voids) {
		render_show(r->page, "RESET_STAYS");
		page_set_time(r->page, "DEADLINE", r->flow.said.when);
	} else if (r->flow.said.when != 0) {
		render_show(r->page, "RESET_WAITS");
		page_set_time(r->page, "DEADLINE", r->flow.said.when);
		/* Waiting for the reset is advice only while the link outlives
		 * it (a reset_delay of 7 days or more does not). */
		page_set_time(render_section(r->page,
				  r->flow.said.until > r->flow.said.when ?
				      "WAIT_FIRST" :
				      "LINK_FIRST"),
		    "LINK_UNTIL", r->flow.said.until);
	}
	page_link(r, o, tpl);
}

static void
confirm_get(struct req *r)
{
	link_page(r, 0, "email_confirm.tpl");
}

static void
revert_get(struct req *r)
{
	link_page(r, 1, "email_revert.tpl");
}

static void
confirm_post(struct req *r)
{
	int64_t	     account_id;
	enum outcome o;

	o = flow_email_confirm(&r->flow, req_arg(r, "t"), &account_id);
	page_done(r, o,
	    r->flow.acct != NULL && r->flow.acct->id == account_id ?
		"/email?changed=1" :
		"/login?email=1");
}

static void
revert_post(struct req *r)
{
	enum outcome o;

	/* Every session ended, this one too. */
	if ((o = flow_email_revert(&r->flow, req_arg(r, "t"))) == OUT_OK)
		req_end_session(r);
	page_done(r, o, "/login?reverted=1");
}

static const struct route routes[] = {
	{ "/email", HTTP_GET, NULL, ROUTE_SESSION,
	    FIELDS({ "sent", FIELD_NOTICE, 0, NULL },
		{ "changed", FIELD_NOTICE, 0, NULL }),
	    email_page },
	{ "/email", HTTP_POST, email_post, ROUTE_SESSION,
	    FIELDS({ "email", FIELD_ADDRESS, FIELD_REQUIRED, NULL },
		{ "password", FIELD_PASSWORD, 0, NULL },
		{ "code", FIELD_CODE, 0, NULL }),
	    email_page },
	{ "/email/confirm", HTTP_GET, confirm_get, 0, LINK_FIELDS, NULL },
	{ "/email/confirm", HTTP_POST, confirm_post, 0, LINK_FIELDS, NULL },
	{ "/email/revert", HTTP_GET, revert_get, 0, LINK_FIELDS, NULL },
	{ "/email/revert", HTTP_POST, revert_post, 0, LINK_FIELDS, NULL },
};

static const char *const templates[] = { "email.tpl", "email_confirm.tpl",
	"email_revert.tpl", FLOW_EMAIL_TEMPLATES, GUARD_TEMPLATES,
	RESET_NOTICE_TEMPLATES, /* a revert applies a due reset */
	NULL };

APP_MAIN(.name = "postern-email", APP_ROUTES(routes), .templates = templates)
