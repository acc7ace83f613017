/*
 * email.c: /email, /email/confirm, /email/revert -- changing the
 * primary address (R5, R8).  The rules are in lib/flow_email.c; these
 * handlers map its outcomes to pages.
 */
#include <string.h>

#include "postern.h"
#include "flow_email.h"
#include "guard.h"
#include "policy.h"

static void
email_page(struct req *r, int status)
{
	const char	*q, *typed = NULL;
	struct link	 l;
	int		 bad;

	if (r->http.method == HTTP_POST)
		typed = req_field_opt(r, "email", &bad);
	if (!link_live(r->app->db, LINK_EMAIL_CONFIRM, r->acct.id, r->now,
	    &l)) {
		page_storage_error(r);
		return;
	}
	render_set(r->page, "EMAIL", r->acct.email);
	render_set(r->page, "TYPED", typed != NULL ? typed : "");
	if (l.id != 0) {
		render_show(r->page, "WAITING");
		render_set(r->page, "WAITING_FOR", l.data);
	}
	/* R8 asks for the code with the change; R5's twofa_recent may
	 * accept one typed lately in this session instead. */
	if (r->acct.totp_enabled_at != 0 && !policy_code_recent(
	    ACTION_EMAIL_CHANGE, r->sess.twofa_at, r->now,
	    r->app->cfg.twofa_recent))
		render_show(r->page, "NEED_CODE");
	if (status == 200 && (q = req_query(r, "sent")) != NULL &&
	    strcmp(q, "1") == 0)
		render_show(r->page, "SENT");
	if (status == 200 && (q = req_query(r, "changed")) != NULL &&
	    strcmp(q, "1") == 0)
		render_show(r->page, "CHANGED");
	page_render(r, status, "email.tpl");
}

static void
email_get(struct req *r)
{
	email_page(r, 200);
}

static void
email_post(struct req *r)
{
	const char	*typed, *password, *code;
	enum outcome	 o;
	int		 bad = 0, status;

	if ((typed = req_field(r, "email")) == NULL)
		return;
	password = req_field_opt(r, "password", &bad);
	code = bad ? NULL : req_field_opt(r, "code", &bad);
	if (bad) {
		page_outcome(r, OUT_BAD_REQUEST);
		return;
	}
	o = flow_email_request(&r->flow, password, code, typed);
	if (o == OUT_OK)
		page_redirect(r, "/email?sent=1");
	else if ((status = page_refused(r, o)) != 0)
		email_page(r, status);
}

/* ------------------------------------------------------------------ */
/* The links (R7: a GET shows one button, a POST acts)                */

/* The page a mailed link opens: it explains and has one button. */
static void
link_page(struct req *r, int revert, const char *tpl)
{
	const char	*t = req_query(r, "t");
	enum outcome	 o;

	if ((o = flow_email_peek(&r->flow, revert, t != NULL ? t : "")) !=
	    OUT_OK) {
		page_outcome(r, o);
		return;
	}
	render_set(r->page, "T", t);
	render_set(r->page, revert ? "OLD" : "NEW", r->flow.said.what);
	page_render(r, 200, tpl);
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
	const char	*t;
	int64_t		 account_id;
	enum outcome	 o;

	if ((t = req_field(r, "t")) == NULL)
		return;
	if ((o = flow_email_confirm(&r->flow, t, &account_id)) != OUT_OK)
		page_outcome(r, o);
	else
		page_redirect(r, r->flow.acct != NULL &&
		    r->flow.acct->id == account_id ? "/email?changed=1" :
		    "/login?email=1");
}

static void
revert_post(struct req *r)
{
	const char	*t;
	char		 tok[TOKEN_TEXT];
	enum outcome	 o;

	if ((t = req_field(r, "t")) == NULL)
		return;
	if ((o = flow_email_revert(&r->flow, t)) != OUT_OK) {
		page_outcome(r, o);
		return;
	}
	/* Every session ended, this one too. */
	token_new(tok);
	req_set_session_cookie(r, tok);
	page_redirect(r, "/login?reverted=1");
}

static const struct route routes[] = {
	{ "/email", HTTP_GET, email_get, ROUTE_SESSION },
	{ "/email", HTTP_POST, email_post, ROUTE_SESSION },
	{ "/email/confirm", HTTP_GET, confirm_get, 0 },
	{ "/email/confirm", HTTP_POST, confirm_post, 0 },
	{ "/email/revert", HTTP_GET, revert_get, 0 },
	{ "/email/revert", HTTP_POST, revert_post, 0 },
};

static const char *const templates[] = {
	"email.tpl", "email_confirm.tpl", "email_revert.tpl",
	FLOW_EMAIL_TEMPLATES, GUARD_TEMPLATES, NULL
};

static const struct program program = {
	.name = "postern-email",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.templates = templates,
};

int
main(void)
{
	return app_main(&program);
}
