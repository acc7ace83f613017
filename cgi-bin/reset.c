/*
 * reset.c: /reset and below -- a forgotten password (R3, R4, R7, R8,
 * R9).  The rules are in lib/flow_reset.c; these handlers map its
 * outcomes to pages.
 */
#include <stdio.h>
#include <string.h>

#include "postern.h"
#include "flow_reset.h"
#include "guard.h"
#include "reset.h"

#define PROVE_CODE_FIELDS	4	/* inputs on the form */

/* ------------------------------------------------------------------ */
/* /reset: ask for codes                                              */

static void
reset_form(struct req *r, int status, const char *typed)
{
	render_set(r->page, "USERNAME", typed);
	page_render(r, status, "reset.tpl", "Forgotten password");
}

/*
 * After a proof: when the change this browser proved takes effect, and
 * how it could be sooner, as far as that is true for its account.
 */
static void
waiting_page(struct req *r, int replaced)
{
	struct reset_waiting	 w;

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
		if (replaced)
			render_show(r->page, "REPLACED");
	} else
		render_show(r->page, "GONE");
	page_render(r, 200, "reset_pending.tpl", "Reset waiting");
}

static void
ask_get(struct req *r)
{
	const char	*pending = req_query(r, "pending");
	const char	*rejected = req_query(r, "rejected");
	const char	*replaced = req_query(r, "replaced");

	if (pending != NULL && strcmp(pending, "1") == 0) {
		waiting_page(r, replaced != NULL && strcmp(replaced, "1") == 0);
		return;
	}
	if (rejected != NULL && strcmp(rejected, "1") == 0) {
		page_render(r, 200, "reset_rejected.tpl", "Reset cancelled");
		return;
	}
	reset_form(r, 200, "");
}

static void
ask_post(struct req *r)
{
	const char	*typed;
	struct buf	 loc;
	enum outcome	 o;
	int		 status;

	if ((typed = req_field(r, "username")) == NULL)
		return;
	if ((o = flow_reset_ask(&r->flow, typed)) != OUT_OK) {
		if ((status = page_refused(r, o)) != 0)
			reset_form(r, status, typed);
		return;
	}
	buf_init(&loc);
	buf_puts(&loc, "/reset/prove?username=");
	http_query_escape(&loc, typed);
	if (loc.failed)
		page_storage_error(r);
	else
		page_redirect(r, loc.p);
	buf_free(&loc);
}

/* ------------------------------------------------------------------ */
/* /reset/prove: the proofs and the new password                      */

/* Re-show the form with what was typed (codes too), never the password. */
static void
prove_form(struct req *r, int status, const char *name)
{
	struct render_dict	*row;
	size_t			 i, shown = 0;

	render_set(r->page, "USERNAME", name);
	for (i = 0; i < r->http.body.n && shown < RESET_MAX_CODES; i++) {
		if (strcmp(r->http.body.f[i].name, "code") != 0 ||
		    r->http.body.f[i].value[0] == '\0')
			continue;
		row = render_section(r->page, "CODE");
		render_set_int(row, "N", (long long)++shown);
		render_set(row, "VALUE", r->http.body.f[i].value);
	}
	for (; shown < PROVE_CODE_FIELDS; shown++) {
		row = render_section(r->page, "CODE");
		render_set_int(row, "N", (long long)shown + 1);
		render_set(row, "VALUE", "");
	}
	page_render(r, status, "reset_prove.tpl", "Prove it is you");
}

static void
prove_get(struct req *r)
{
	const char	*name = req_query(r, "username");

	prove_form(r, 200, name != NULL ? name : "");
}

static void
prove_post(struct req *r)
{
	const char	*name, *password, *codes[RESET_MAX_CODES + 1];
	size_t		 i, n = 0;
	enum outcome	 o;
	int		 replaced, status;

	if ((name = req_field(r, "username")) == NULL ||
	    (password = req_field(r, "password")) == NULL)
		return;
	/* One more than the flow takes, so that it can refuse them. */
	for (i = 0; i < r->http.body.n && n < RESET_MAX_CODES + 1; i++)
		if (strcmp(r->http.body.f[i].name, "code") == 0)
			codes[n++] = r->http.body.f[i].value;
	o = flow_reset_prove(&r->flow, name, codes, n, password, &replaced);
	if (o == OUT_OK)
		page_redirect(r, replaced ? "/reset?pending=1&replaced=1" :
		    "/reset?pending=1");
	else if (o == OUT_RESET_LOCKED || o == OUT_RESET_TOO_MANY_CODES)
		page_outcome(r, o);
	else if ((status = page_refused(r, o)) != 0)
		prove_form(r, status, name);
}

/* ------------------------------------------------------------------ */
/* /reset/confirm and /reset/reject (R7: GET only shows a button)     */

/* The page of a mailed link (t), or of a session's banner. */
static void
link_page(struct req *r, int confirm, const char *tpl, const char *title)
{
	const char	*t = req_query(r, "t");
	int64_t		 deadline;
	int		 need_code;
	enum outcome	 o;

	if ((o = flow_reset_peek(&r->flow, confirm, t, &deadline,
	    &need_code)) != OUT_OK) {
		page_outcome(r, o);
		return;
	}
	if (t != NULL) {
		render_set(r->page, "T", t);
		render_show(r->page, "HAS_T");
	} else {
		render_show(r->page, need_code ? "NEED_CODE" : "NEED_PROOF");
		if (r->acct.totp_enabled_at != 0)
			render_show(r->page, "NEED_TOTP");
	}
	page_set_time(r->page, "DEADLINE", deadline);
	page_render(r, 200, tpl, title);
}

static void
confirm_get(struct req *r)
{
	link_page(r, 1, "reset_confirm.tpl", "Confirm the new password");
}

static void
reject_get(struct req *r)
{
	link_page(r, 0, "reset_reject.tpl", "Stop the password change");
}

/* The fields of a confirm or reject POST: NULL when absent. */
static int
link_fields(struct req *r, const char **t, const char **password,
    const char **code)
{
	int	 bad = 0;

	*t = req_field_opt(r, "t", &bad);
	if (!bad)
		*password = req_field_opt(r, "password", &bad);
	if (!bad)
		*code = req_field_opt(r, "code", &bad);
	if (bad)
		page_outcome(r, OUT_BAD_REQUEST);
	return !bad;
}

static void
confirm_post(struct req *r)
{
	const char	*t, *password, *code;
	char		 tok[TOKEN_TEXT];
	enum outcome	 o;

	if (!link_fields(r, &t, &password, &code))
		return;
	if ((o = flow_reset_confirm(&r->flow, t, code)) != OUT_OK) {
		page_outcome(r, o);
		return;
	}
	/* Every session ended, this one too. */
	token_new(tok);
	req_set_session_cookie(r, tok);
	page_redirect(r, "/login?reset=1");
}

static void
reject_post(struct req *r)
{
	const char	*t, *password, *code;
	enum outcome	 o;

	if (!link_fields(r, &t, &password, &code))
		return;
	if ((o = flow_reset_reject(&r->flow, t, password, code)) != OUT_OK)
		page_outcome(r, o);
	else
		page_redirect(r, "/reset?rejected=1");
}

static const struct route routes[] = {
	{ "/reset", HTTP_GET, ask_get, 0 },
	{ "/reset", HTTP_POST, ask_post, 0 },
	{ "/reset/prove", HTTP_GET, prove_get, 0 },
	{ "/reset/prove", HTTP_POST, prove_post, 0 },
	{ "/reset/confirm", HTTP_GET, confirm_get, 0 },
	{ "/reset/confirm", HTTP_POST, confirm_post, 0 },
	{ "/reset/reject", HTTP_GET, reject_get, 0 },
	{ "/reset/reject", HTTP_POST, reject_post, 0 },
};

static const char *const templates[] = {
	"reset.tpl", "reset_prove.tpl", "reset_pending.tpl",
	"reset_rejected.tpl", "reset_confirm.tpl", "reset_reject.tpl",
	FLOW_RESET_TEMPLATES, RESET_NOTICE_TEMPLATES, RESET_ASK_TEMPLATES,
	GUARD_TEMPLATES, NULL
};

static const struct program program = {
	.name = "postern-reset",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.templates = templates,
};

int
main(void)
{
	return app_main(&program);
}
