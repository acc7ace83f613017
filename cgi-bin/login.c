/*
 * login.c: /login, /login/2fa and /logout.  The rules are in
 * lib/flow_login.c; these handlers map its outcomes to pages.
 */
#include <string.h>

#include "postern.h"
#include "flow_account.h"
#include "flow_login.h"
#include "guard.h"
#include "reset.h"

/* A notice the page above the form shows after a redirect here. */
static void
login_notice(struct req *r)
{
	static const struct {
		const char	*query;
		const char	*section;
	} notices[] = {
		{ "verified", "VERIFIED" },
		{ "reset", "RESET_DONE" },
		{ "email", "EMAIL_DONE" },
		{ "reverted", "REVERTED" },
	};
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++)
		if ((v = req_query(r, notices[i].query)) != NULL &&
		    strcmp(v, "1") == 0) {
			render_show(r->page, notices[i].section);
			return;
		}
}

static void
login_form(struct req *r, int status, const char *name)
{
	if (status == 200)
		login_notice(r);
	render_set(r->page, "USERNAME", name);
	page_render(r, status, "login.tpl", "Log in");
}

static void
login_get(struct req *r)
{
	if (r->flow.acct != NULL)
		page_redirect(r, "/account");
	else
		login_form(r, 200, "");
}

static void
login_post(struct req *r)
{
	const char		*name, *password;
	char			 cookie[TOKEN_TEXT];
	enum session_stage	 stage;
	enum outcome		 o;
	int			 status;

	if ((name = req_field(r, "username")) == NULL ||
	    (password = req_field(r, "password")) == NULL)
		return;
	o = flow_login(&r->flow, name, password, r->app->dummy_hash, cookie,
	    &stage);
	if (o == OUT_OK) {
		req_set_session_cookie(r, cookie);
		page_redirect(r, stage == SESSION_FULL ? "/account" :
		    "/login/2fa");
	} else if ((status = page_refused(r, o)) != 0)
		login_form(r, status, name);
}

static void
twofa_get(struct req *r)
{
	if (r->flow.acct != NULL)
		page_redirect(r, "/account");
	else if (r->sess.id == 0)
		page_redirect(r, "/login");
	else
		page_render(r, 200, "login_2fa.tpl", "Two-step verification");
}

static void
twofa_post(struct req *r)
{
	const char	*code;
	char		 cookie[TOKEN_TEXT];
	enum outcome	 o;
	int		 status;

	if ((code = req_field(r, "code")) == NULL)
		return;
	o = flow_login_code(&r->flow, code, cookie);
	if (o == OUT_OK) {
		req_set_session_cookie(r, cookie);
		page_redirect(r, "/account");
	} else if (o == OUT_LOGIN_EXPIRED)
		page_outcome(r, o);
	else if ((status = page_refused(r, o)) != 0)
		page_render(r, status, "login_2fa.tpl",
		    "Two-step verification");
}

static void
logout_post(struct req *r)
{
	char		 tok[TOKEN_TEXT];
	enum outcome	 o;

	if ((o = flow_logout(&r->flow)) != OUT_OK) {
		page_outcome(r, o);
		return;
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
	"login.tpl", "login_2fa.tpl", RESET_NOTICE_TEMPLATES, GUARD_TEMPLATES,
	DELETE_NOTICE_TEMPLATES,
	NULL
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
