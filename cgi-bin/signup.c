/*
 * signup.c: /signup and /verify.  The rules are in lib/flow_signup.c;
 * these handlers map its outcomes to pages.
 */
#include <string.h>

#include "postern.h"
#include "flow_signup.h"

static void
signup_form(struct req *r, int status, const char *username,
    const char *email)
{
	render_set(r->page, "USERNAME", username);
	render_set(r->page, "EMAIL", email);
	page_render(r, status, "signup.tpl");
}

static void
signup_get(struct req *r)
{
	const char	*sent = req_query(r, "sent");

	if (sent != NULL && strcmp(sent, "1") == 0)
		page_render(r, 200, "signup_sent.tpl");
	else
		signup_form(r, 200, "", "");
}

static void
signup_post(struct req *r)
{
	const char	*username, *email, *password;
	enum outcome	 o;
	int		 status;

	if ((username = req_field(r, "username")) == NULL ||
	    (email = req_field(r, "email")) == NULL ||
	    (password = req_field(r, "password")) == NULL)
		return;
	o = flow_signup(&r->flow, username, email, password);
	if (o == OUT_OK)
		page_redirect(r, "/signup?sent=1");
	else if ((status = page_refused(r, o)) != 0)
		signup_form(r, status, username, email);
}

static void
verify_get(struct req *r)
{
	const char	*t = req_query(r, "t");
	enum outcome	 o;

	if ((o = flow_verify(&r->flow, t != NULL ? t : "", 0)) != OUT_OK) {
		page_outcome(r, o);
		return;
	}
	render_set(r->page, "T", t);
	page_render(r, 200, "verify.tpl");
}

static void
verify_post(struct req *r)
{
	const char	*t;
	enum outcome	 o;

	if ((t = req_field(r, "t")) == NULL)
		return;
	if ((o = flow_verify(&r->flow, t, 1)) != OUT_OK)
		page_outcome(r, o);
	else
		page_redirect(r, "/login?verified=1");
}

static const struct route routes[] = {
	{ "/signup", HTTP_GET, signup_get, 0 },
	{ "/signup", HTTP_POST, signup_post, 0 },
	{ "/verify", HTTP_GET, verify_get, 0 },
	{ "/verify", HTTP_POST, verify_post, 0 },
};

static const char *const templates[] = {
	"signup.tpl", "signup_sent.tpl", "verify.tpl", FLOW_SIGNUP_TEMPLATES,
	NULL
};

static const struct program program = {
	.name = "postern-signup",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.templates = templates,
};

int
main(void)
{
	return app_main(&program);
}
