/*
 * signup_fcgi.c: /signup and /verify.  The rules are in lib/flow_signup.c;
 * these handlers map its outcomes to pages.
 */
#include "postern.h"
#include "flow_signup.h"

/* The form, with what was typed into it (never the password). */
static void
signup_form(struct req *r, int status)
{
	render_set(r->page, "USERNAME", req_arg(r, "username"));
	render_set(r->page, "EMAIL", req_arg(r, "email"));
	page_render(r, status, "signup.tpl");
}

static void
signup_get(struct req *r)
{
	if (req_notice(r, "sent"))
		page_render(r, 200, "signup_sent.tpl");
	else
		signup_form(r, 200);
}

static void
signup_post(struct req *r)
{
	enum outcome o;

	o = flow_signup(&r->flow, req_arg(r, "username"), req_arg(r, "email"),
	    req_arg(r, "password"));
	if (o == OUT_OK)
		page_redirect(r, "/signup?sent=1");
	else
		page_refuse(r, o, signup_form);
}

static void
verify_get(struct req *r)
{
	page_link(r, flow_verify(&r->flow, req_arg(r, "t"), 0), "verify.tpl");
}

static void
verify_post(struct req *r)
{
	page_done(r, flow_verify(&r->flow, req_arg(r, "t"), 1),
	    "/login?verified=1");
}

static const struct route routes[] = {
	{ "/signup", HTTP_GET, signup_get, 0,
	    FIELDS({ "sent", FIELD_NOTICE, 0, NULL }), NULL },
	{ "/signup", HTTP_POST, signup_post, 0,
	    FIELDS({ "username", FIELD_USERNAME, FIELD_REQUIRED, NULL },
		{ "email", FIELD_ADDRESS, FIELD_REQUIRED, NULL },
		{ "password", FIELD_NEW_PASSWORD, FIELD_REQUIRED, NULL }),
	    signup_form },
	{ "/verify", HTTP_GET, verify_get, 0, LINK_FIELDS, NULL },
	{ "/verify", HTTP_POST, verify_post, 0, LINK_FIELDS, NULL },
};

static const char *const templates[] = { "signup.tpl", "signup_sent.tpl",
	"verify.tpl", FLOW_SIGNUP_TEMPLATES, NULL };

APP_MAIN(.name = "postern-signup", APP_ROUTES(routes), .templates = templates)
