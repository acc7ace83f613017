/*
 * login_fcgi.c: /login, /login/2fa and /logout.  The rules are in
 * lib/flow_login.c; these handlers map its outcomes to pages.
 */
#include "postern.h"
#include "flow_account.h"
#include "flow_login.h"
#include "guard.h"
#include "reset.h"

/* The notices a redirect here may ask for, and their sections. */
static const struct {
	const char *query;
	const char *section;
} notices[] = {
	{ "verified", "VERIFIED" },
	{ "reset", "RESET_DONE" },
	{ "email", "EMAIL_DONE" },
	{ "reverted", "REVERTED" },
};

/* A notice the page above the form shows after a redirect here. */
static void
login_notice(struct req *r)
{
	size_t i;

	/* True of every page shown here: no one is logged in. */
	if (req_notice(r, "out")) {
		page_show_notice(r, "LOGGED_OUT");
		return;
	}
	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++)
		if (req_notice(r, notices[i].query)) {
			render_show(r->page, notices[i].section);
			return;
		}
}

/* Carry a `next` that may be gone to through the form (DESIGN 9). */
static void
login_keep_next(struct req *r)
{
	const char *next;

	if ((next = req_next(r, NULL)) != NULL) {
		render_show(r->page, "HAS_NEXT");
		render_set(r->page, "NEXT", next);
	}
}

/* After a whole login: back to `next`, or to /account. */
static void
login_done(struct req *r)
{
	struct buf url;

	buf_init(&url);
	(void)req_next(r, &url);
	page_redirect_url(r, url.failed ? NULL : url.p);
	buf_free(&url);
}

static void
login_form(struct req *r, int status)
{
	login_notice(r);
	login_keep_next(r);
	render_set(r->page, "USERNAME", req_arg(r, "username"));
	page_render(r, status, "login.tpl");
}

static void
twofa_form(struct req *r, int status)
{
	login_keep_next(r);
	page_render(r, status, "login_2fa.tpl");
}

static void
login_get(struct req *r)
{
	if (r->flow.acct != NULL)
		page_redirect(r, "/account");
	else
		login_form(r, 200);
}

static void
login_post(struct req *r)
{
	const char	  *name = req_arg(r, "username"), *next;
	char		   cookie[TOKEN_TEXT];
	struct buf	   loc;
	enum session_stage stage;
	enum outcome	   o;

	o = flow_login(&r->flow, name, req_arg(r, "password"),
	    r->app->dummy_hash, cookie, &stage);
	if (o == OUT_OK) {
		req_set_session_cookie(r, cookie);
		if (stage == SESSION_FULL)
			login_done(r);
		else if ((next = req_next(r, NULL)) != NULL) {
			buf_init(&loc);
			http_link(&loc, "", "/login/2fa", "next", next);
			page_redirect(r, loc.failed ? "/login/2fa" : loc.p);
			buf_free(&loc);
		} else
			page_redirect(r, "/login/2fa");
	} else
		page_refuse(r, o, login_form);
}

static void
twofa_get(struct req *r)
{
	if (r->flow.acct != NULL)
		page_redirect(r, "/account");
	else if (r->sess.id == 0)
		page_redirect(r, "/login");
	else
		twofa_form(r, 200);
}

static void
twofa_post(struct req *r)
{
	char	     cookie[TOKEN_TEXT];
	enum outcome o;

	o = flow_login_code(&r->flow, req_arg(r, "code"), cookie);
	if (o == OUT_OK) {
		req_set_session_cookie(r, cookie);
		login_done(r);
	} else if (o == OUT_LOGIN_EXPIRED)
		page_outcome(r, o);
	else
		page_refuse(r, o, twofa_form);
}

static void
logout_post(struct req *r)
{
	enum outcome o;

	if ((o = flow_logout(&r->flow)) == OUT_OK)
		req_end_session(r);
	page_done(r, o, "/login?out=1");
}

static const struct route routes[] = {
	{ "/login", HTTP_GET, login_get, 0,
	    FIELDS({ "verified", FIELD_NOTICE, 0, NULL },
		{ "reset", FIELD_NOTICE, 0, NULL },
		{ "email", FIELD_NOTICE, 0, NULL },
		{ "reverted", FIELD_NOTICE, 0, NULL },
		{ "out", FIELD_NOTICE, 0, NULL },
		{ "next", FIELD_PREFILL, 0, NULL }),
	    NULL },
	{ "/login", HTTP_POST, login_post, 0,
	    FIELDS({ "username", FIELD_LOGIN_NAME, FIELD_REQUIRED, NULL },
		{ "password", FIELD_PASSWORD, FIELD_REQUIRED, NULL },
		{ "next", FIELD_PREFILL, 0, NULL }),
	    login_form },
	{ "/login/2fa", HTTP_GET, twofa_get, 0,
	    FIELDS({ "next", FIELD_PREFILL, 0, NULL }), NULL },
	{ "/login/2fa", HTTP_POST, twofa_post, 0,
	    FIELDS({ "code", FIELD_CODE, FIELD_REQUIRED, NULL },
		{ "next", FIELD_PREFILL, 0, NULL }),
	    twofa_form },
	{ "/logout", HTTP_POST, logout_post, 0, NULL, NULL },
};

static const char *const templates[] = { "login.tpl", "login_2fa.tpl",
	RESET_NOTICE_TEMPLATES, GUARD_TEMPLATES, DELETE_NOTICE_TEMPLATES,
	NULL };

APP_MAIN(.name = "postern-login", APP_ROUTES(routes), .templates = templates,
    .flags = PROGRAM_DUMMY_HASH)
