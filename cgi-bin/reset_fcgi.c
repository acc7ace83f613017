/*
 * reset_fcgi.c: /reset and below -- a forgotten password (R3, R4, R7, R8,
 * R9).  The rules are in lib/flow_reset.c; these handlers map its
 * outcomes to pages.
 */
#include "postern.h"
#include "flow_reset.h"
#include "guard.h"
#include "message.h"
#include "reset.h"

#define PROVE_CODE_FIELDS 4 /* inputs on the form */

/* ------------------------------------------------------------------ */
/* /reset: ask for codes                                              */

static void
reset_form(struct req *r, int status)
{
	render_set(r->page, "USERNAME", req_arg(r, "username"));
	page_render(r, status, "reset.tpl");
}

/*
 * After a proof: when the change this browser proved takes effect, and
 * how it could be sooner, as far as that is true for its account.
 */
static void
waiting_page(struct req *r)
{
	struct reset_waiting w;

	if (flow_reset_waiting(&r->flow, &w) != OUT_OK) {
		page_storage_error(r);
		return;
	}
	if (w.deadline != 0) {
		render_show(r->page, "WAITING");
		page_set_time(r->page, "DEADLINE", w.deadline);
		render_show(r->page, w.mailed ? "MAILED" : "NOT_MAILED");
		if (w.twofa)
			render_show(r->page, "TWOFA");
		if (req_notice(r, "replaced"))
			render_show(r->page, "REPLACED");
	} else
		render_show(r->page, "GONE");
	page_render(r, 200, "reset_pending.tpl");
}

static void
ask_get(struct req *r)
{
	if (req_notice(r, "pending"))
		waiting_page(r);
	else if (req_notice(r, "rejected"))
		page_render(r, 200, "reset_rejected.tpl");
	else
		reset_form(r, 200);
}

static void
ask_post(struct req *r)
{
	const char  *typed = req_arg(r, "username");
	struct buf   loc;
	enum outcome o;

	if ((o = flow_reset_ask(&r->flow, typed)) != OUT_OK) {
		page_refuse(r, o, reset_form);
		return;
	}
	buf_init(&loc);
	if (!http_link(&loc, "", "/reset/prove", "username", typed))
		page_storage_error(r);
	else
		page_redirect(r, loc.p);
	buf_free(&loc);
}

/* ------------------------------------------------------------------ */
/* /reset/prove: the proofs and the new password                      */

static void
prove_code_row(struct req *r, size_t n, const char *value)
{
	struct render_dict *row;

	row = render_section(r->page, "CODE");
	render_set_int(row, "N", (long long)n);
	render_set(row, "VALUE", value);
}

/* Re-show the form with what was typed (codes too), never the password. */
static void
prove_form(struct req *r, int status)
{
	const char *codes[FORM_MAX_FIELDS];
	size_t	    i, n, shown = 0;

	render_set(r->page, "USERNAME", req_arg(r, "username"));
	n = req_args(r, "code", codes, FORM_MAX_FIELDS);
	for (i = 0; i < n && shown < RESET_MAX_CODES; i++)
		if (codes[i][0] != '\0')
			prove_code_row(r, ++shown, codes[i]);
	while (shown < PROVE_CODE_FIELDS)
		prove_code_row(r, ++shown, "");
	page_render(r, status, "reset_prove.tpl");
}

static void
prove_post(struct req *r)
{
	const char  *codes[RESET_MAX_CODES + 1];
	size_t	     n;
	enum outcome o;
	int	     replaced;

	/* One more than the flow takes, so that it can refuse them. */
	n = req_args(r, "code", codes, RESET_MAX_CODES + 1);
	o = flow_reset_prove(&r->flow, req_arg(r, "username"), codes, n,
	    req_arg(r, "password"), &replaced);
	if (o == OUT_OK)
		page_redirect(r,
		    replaced ? "/reset?pending=1&replaced=1" :
			       "/reset?pending=1");
	else if (o == OUT_RESET_LOCKED || o == OUT_RESET_TOO_MANY_CODES)
		page_outcome(r, o);
	else
		page_refuse(r, o, prove_form);
}

/* ------------------------------------------------------------------ */
/* /reset/confirm and /reset/reject (R7: GET only shows a button)     */

/* The page of a mailed link (t), or of a session's banner. */
static void
link_page(struct req *r, int confirm, const char *tpl)
{
	int64_t	     deadline = 0;
	int	     need_code = 0;
	enum outcome o;

	o = flow_reset_peek(&r->flow, confirm, req_arg(r, "t"), &deadline,
	    &need_code);
	if (req_arg(r, "t") != NULL)
		render_show(r->page, "HAS_T");
	else {
		render_show(r->page, need_code ? "NEED_CODE" : "NEED_PROOF");
		if (r->acct.totp_enabled_at != 0)
			render_show(r->page, "NEED_TOTP");
	}
	page_set_time(r->page, "DEADLINE", deadline);
	page_link(r, o, tpl);
}

static void
confirm_get(struct req *r)
{
	link_page(r, 1, "reset_confirm.tpl");
}

static void
reject_get(struct req *r)
{
	link_page(r, 0, "reset_reject.tpl");
}

static void
confirm_post(struct req *r)
{
	enum outcome o;

	/* Every session ended, this one too. */
	if ((o = flow_reset_confirm(&r->flow, req_arg(r, "t"),
		 req_arg(r, "code"))) == OUT_OK)
		req_end_session(r);
	page_done(r, o, "/login?reset=1");
}

static void
reject_post(struct req *r)
{
	page_done(r,
	    flow_reset_reject(&r->flow, req_arg(r, "t"),
		req_arg(r, "password"), req_arg(r, "code")),
	    "/reset?rejected=1");
}

/* A link's token, or a session's proof (policy_session_reset()). */
#define PENDING_FIELDS \
	FIELDS({ "t", FIELD_TOKEN, 0, NULL }, \
	    { "password", FIELD_PASSWORD, 0, NULL }, \
	    { "code", FIELD_CODE, 0, NULL })

static const struct route routes[] = {
	{ "/reset", HTTP_GET, ask_get, 0,
	    FIELDS({ "pending", FIELD_NOTICE, 0, NULL },
		{ "replaced", FIELD_NOTICE, 0, NULL },
		{ "rejected", FIELD_NOTICE, 0, NULL }),
	    NULL },
	{ "/reset", HTTP_POST, ask_post, 0,
	    FIELDS({ "username", FIELD_LOGIN_NAME, FIELD_REQUIRED, NULL }),
	    reset_form },
	{ "/reset/prove", HTTP_GET, NULL, 0,
	    FIELDS({ "username", FIELD_PREFILL, 0, NULL }), prove_form },
	{ "/reset/prove", HTTP_POST, prove_post, 0,
	    FIELDS({ "username", FIELD_LOGIN_NAME, FIELD_REQUIRED, NULL },
		/* The flow judges it: a refused try counts (R3). */
		{ "password", FIELD_PASSWORD, FIELD_REQUIRED, NULL },
		{ "code", FIELD_CODE, FIELD_MANY, NULL }),
	    prove_form },
	{ "/reset/confirm", HTTP_GET, confirm_get, 0,
	    FIELDS({ "t", FIELD_TOKEN, 0, NULL }), NULL },
	{ "/reset/confirm", HTTP_POST, confirm_post, 0, PENDING_FIELDS, NULL },
	{ "/reset/reject", HTTP_GET, reject_get, 0,
	    FIELDS({ "t", FIELD_TOKEN, 0, NULL }), NULL },
	{ "/reset/reject", HTTP_POST, reject_post, 0, PENDING_FIELDS, NULL },
};

static const char *const templates[] = { "reset.tpl", "reset_prove.tpl",
	"reset_pending.tpl", "reset_rejected.tpl", "reset_confirm.tpl",
	"reset_reject.tpl", FLOW_RESET_TEMPLATES, RESET_NOTICE_TEMPLATES,
	RESET_ASK_TEMPLATES, GUARD_TEMPLATES, NULL };

APP_MAIN(.name = "postern-reset", APP_ROUTES(routes), .templates = templates)
