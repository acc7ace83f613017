/*
 * app.c: what every FastCGI program shares.
 *
 * A program is a route table.  For each request this file parses it
 * (http.c), finds the session or pre-session from the cookie, refuses
 * cross-site and CSRF-less POSTs and missing sessions before any
 * handler runs, calls the handler, and sends its response with the
 * security headers.  Anything a handler fails to answer becomes an
 * error page, never a dead process or raw text.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "app.h"
#include "db.h"
#include "log.h"
#include "message.h"
#include "next.h"
#include "outbox.h"
#include "render.h"
#include "when.h"
#include "reset.h"

#define EX_CONFIG	78
#define EX_SOFTWARE	70


const char *
app_cookie_name(const struct app *app)
{
	/*
	 * __Host- needs Secure, which plain-HTTP development cannot have,
	 * and forbids Domain: a session shared with the hoster's other
	 * hosts (cookie_domain) is __Secure- instead.
	 */
	if (!app->cfg.cookie_secure)
		return "postern";
	return app->cfg.cookie_domain != NULL ? "__Secure-postern" :
	    "__Host-postern";
}

/*
 * The browser's own cookie: random, kept a year, never a session.  It
 * names the browser to device.c (has it logged in to an account
 * before?) and binds a reset's tries to the browser that asked.
 */
#define BROWSER_MAX_AGE	(365 * 86400)

static const char *
app_browser_cookie_name(const struct app *app)
{
	return app->cfg.cookie_secure ? "__Host-postern-browser" :
	    "postern-browser";
}

void
req_set_session_cookie(struct req *r, const char *token)
{
	snprintf(r->cookie, sizeof(r->cookie), "%s", token);
	r->cookie_new = 1;
	/* A new cookie means a new CSRF token for the page we render. */
	if (!token_mac(r->app->keys.csrf, "csrf", r->cookie, r->csrf))
		r->csrf[0] = '\0';
}

/*
 * R4: every page of a logged-in account offers to stop a pending reset
 * (with the password it would replace: policy_session_reset()).  A
 * session that existed before the reset was asked for belongs, most
 * likely, to the robbed owner: with 2FA it may also confirm the change,
 * with the authenticator, so a borrowed session alone never skips the
 * time lock.
 */
static void
app_pending_banner(struct req *r)
{
	struct reset	 rs;
	int		 mailed;

	if (!reset_pending(r->app->db, r->acct.id, &rs) || rs.id == 0)
		return;
	render_show(r->page, "PENDING_RESET");
	page_set_time(r->page, "RESET_DEADLINE", rs.deadline);
	if (r->acct.totp_enabled_at != 0 &&
	    r->sess.created_at <= rs.created_at)
		render_show(r->page, "BANNER_CONFIRM");
	else {
		render_show(r->page, "BANNER_NO_CONFIRM");
		/* Not every account has an address to mail that link to. */
		if (reset_confirm_mailed(r->app->db, &rs, r->now, &mailed) &&
		    mailed)
			render_show(r->page, "BANNER_MAILED");
	}
}

/* A pending deletion shows on every page, with a way to cancel it. */
static void
app_delete_banner(struct req *r)
{
	struct render_dict	*d;

	if (r->acct.delete_at == 0)
		return;
	d = render_section(r->page, "PENDING_DELETE");
	page_set_time(d, "DELETE_DEADLINE", r->acct.delete_at);
	if (r->acct.totp_enabled_at != 0)
		render_show(d, "DELETE_NEED_CODE");
}

static void
app_page_common(struct req *r, const char *title)
{
	render_set(r->page, "BASE", r->app->cfg.base_path);
	render_set(r->page, "CSRF", r->csrf);
	render_set(r->page, "TITLE", title);
	if (r->sess.id != 0 && r->sess.stage == SESSION_FULL &&
	    r->acct.id != 0) {
		render_show(r->page, "LOGGED_IN");
		render_set(r->page, "USER", r->acct.username);
		app_pending_banner(r);
		app_delete_banner(r);
	} else
		render_show(r->page, "LOGGED_OUT");
}

void
page_render(struct req *r, int status, const char *tpl, const char *title)
{
	app_page_common(r, title);
	buf_reset(&r->resp.body);
	r->resp.status = status;
	if (!render_page(tpl, r->page, &r->resp.body)) {
		/* A broken template: say so plainly, the body holds nothing. */
		buf_reset(&r->resp.body);
		buf_puts(&r->resp.body, "<!doctype html><title>Error</title>"
		    "<p class=\"error\">This page cannot be shown right now."
		    "</p>\n");
		r->resp.status = 500;
	}
	http_header(&r->resp, "Content-Type", "text/html; charset=utf-8");
}

void
page_set_error(struct req *r, const char *message)
{
	render_set(r->page, "ERROR", message);
	render_show(r->page, "HAS_ERROR");
}

void
page_error(struct req *r, int status, const char *title, const char *message)
{
	render_set(r->page, "ERROR", message);
	page_render(r, status, "error.tpl", title);
}

void
page_redirect_url(struct req *r, const char *url)
{
	r->resp.status = 303;
	if (url == NULL || !http_header(&r->resp, "Location", url))
		r->resp.status = 500;
	http_header(&r->resp, "Content-Type", "text/plain; charset=utf-8");
	buf_reset(&r->resp.body);
}

void
page_redirect(struct req *r, const char *path)
{
	struct buf	 loc;

	buf_init(&loc);
	buf_printf(&loc, "%s%s", r->app->cfg.base_path, path);
	page_redirect_url(r, loc.failed ? NULL : loc.p);
	buf_free(&loc);
}

const char *
req_next(struct req *r, struct buf *url)
{
	const char	*v;
	int		 bad;
	struct buf	 tmp;

	v = r->http.method == HTTP_POST ? req_field_opt(r, "next", &bad) :
	    req_query(r, "next");
	buf_init(&tmp);
	if (!next_resolve(r->app->cfg.base_url, r->app->cfg.base_path,
	    r->app->cfg.auth_hosts, r->app->cfg.auth_hosts_n, v,
	    url != NULL ? url : &tmp))
		v = NULL;
	buf_free(&tmp);
	return v;
}

void
page_storage_error(struct req *r)
{
	page_outcome(r, OUT_STORAGE);
}

/* The words of outcome o into out (its title with title set), and a
 * limit's Retry-After. */
static void
page_message(struct req *r, enum outcome o, int title, struct buf *out)
{
	char	 secs[24];

	(void)message_text(o, &r->flow.said, r->now, title, out);
	if (!title && r->flow.said.until != 0) {
		snprintf(secs, sizeof(secs), "%lld", (long long)(
		    r->flow.said.until > r->now ? r->flow.said.until - r->now :
		    1));
		http_header(&r->resp, "Retry-After", secs);
	}
}

int
page_refused(struct req *r, enum outcome o)
{
	struct buf	 text;

	if (o == OUT_STORAGE) {
		page_storage_error(r);
		return 0;
	}
	buf_init(&text);
	page_message(r, o, 0, &text);
	page_set_error(r, text.p != NULL ? text.p : "");
	buf_free(&text);
	return outcome_status(o);
}

void
page_outcome(struct req *r, enum outcome o)
{
	struct buf	 title, text;
	int		 status = outcome_status(o);

	buf_init(&title);
	buf_init(&text);
	page_message(r, o, 1, &title);
	page_message(r, o, 0, &text);
	page_error(r, status, title.len > 0 ? title.p : status >= 500 ?
	    "Please try again" : "Please check", text.p != NULL ? text.p : "");
	buf_free(&title);
	buf_free(&text);
}

const char *
req_field_opt(struct req *r, const char *name, int *bad)
{
	const char	*v;
	int		 dup = 0;

	v = form_get(&r->http.body, name, &dup);
	*bad = dup;
	return dup ? NULL : v;
}

const char *
req_field(struct req *r, const char *name)
{
	const char	*v;
	int		 bad;

	v = req_field_opt(r, name, &bad);
	if (v == NULL) {
		page_error(r, 400, "Something is missing",
		    "The form arrived incomplete or with a field twice. "
		    "Please go back, reload the page and try again.");
		return NULL;
	}
	return v;
}



void
page_set_time(struct render_dict *d, const char *name, int64_t t)
{
	char	 text[WHEN_TEXT], iso[WHEN_ISO], iso_name[64];

	when_text(t, text);
	when_iso(t, iso);
	render_set(d, name, text);
	/* Names are the handlers' constants: they fit. */
	snprintf(iso_name, sizeof(iso_name), "%s_ISO", name);
	render_set(d, iso_name, iso);
}

int
req_id(const char *s, int64_t *id)
{
	int64_t	 v = 0;
	size_t	 i;

	*id = 0;
	/* Digits only, no sign, no leading zero, at most 18 of them. */
	if (s == NULL || s[0] < '1' || s[0] > '9')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= 18 || s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*id = v;
	return 1;
}

const char *
req_query(struct req *r, const char *name)
{
	int	 dup = 0;
	const char *v;

	v = form_get(&r->http.query, name, &dup);
	return dup ? NULL : v;
}

/* Find the cookie, or make a pre-session one; then the CSRF token. */
static int
app_cookie(struct req *r)
{
	char	 tok[TOKEN_TEXT];

	if (r->http.cookie_header != NULL &&
	    cookie_get(r->http.cookie_header, app_cookie_name(r->app), tok,
	    sizeof(tok)) && token_valid(tok)) {
		memcpy(r->cookie, tok, sizeof(r->cookie));
		return token_mac(r->app->keys.csrf, "csrf", r->cookie, r->csrf);
	}
	token_new(tok);
	req_set_session_cookie(r, tok);
	return r->csrf[0] != '\0';
}

/* The browser's own cookie, or a new one to send. */
static void
app_browser(struct req *r)
{
	if (r->http.cookie_header == NULL ||
	    !cookie_get(r->http.cookie_header,
	    app_browser_cookie_name(r->app), r->browser, sizeof(r->browser)) ||
	    !token_valid(r->browser)) {
		token_new(r->browser);
		r->browser_new = 1;
	}
	token_hash(r->browser, r->browser_hash);
}

/* What the handler hands lib/'s flows. */
static void
app_flow(struct req *r)
{
	struct flow	*f = &r->flow;

	f->db = r->app->db;
	f->cfg = &r->app->cfg;
	f->keys = &r->app->keys;
	f->now = r->now;
	f->ip = r->http.ip;
	f->agent = r->http.user_agent != NULL ? r->http.user_agent : "";
	f->browser = r->browser_hash;
	f->browser_renewed[0] = '\0';
	f->sess = r->sess.id != 0 ? &r->sess : NULL;
	f->acct = r->sess.id != 0 && r->sess.stage == SESSION_FULL &&
	    r->acct.id != 0 ? &r->acct : NULL;
}

static int
app_session(struct req *r)
{
	struct app	*app = r->app;
	int		 ok;

	/* A cookie made for this request names no session. */
	if (r->cookie_new)
		return 1;
	/* One snapshot for both reads: one lock round instead of two. */
	if (!db_begin_read(app->db))
		return 0;
	ok = session_load(app->db, r->cookie, r->now, app->cfg.session_idle,
	    app->cfg.session_max, &r->sess) && (r->sess.id == 0 ||
	    account_by_id(app->db, r->sess.account_id, &r->acct));
	if (!db_commit(app->db) || !ok)
		return 0;
	if (r->sess.id == 0)
		return 1;
	/* A login that raced `postern disable` left a session: none. */
	if (r->acct.id == 0 || r->acct.disabled_at != 0) {
		memset(&r->sess, 0, sizeof(r->sess));
		memset(&r->acct, 0, sizeof(r->acct));
		return 1;
	}
	return session_touch(app->db, &r->sess, r->now);
}

/* Set-Cookie for name=value; max_age 0: for the browser's session;
 * domain NULL: for this host alone. */
static void
app_set_cookie_header(struct req *r, const char *name, const char *value,
    int64_t max_age, const char *domain)
{
	struct buf	 c;

	buf_init(&c);
	buf_printf(&c, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", name, value,
	    r->app->cfg.cookie_secure ? "; Secure" : "");
	if (domain != NULL)
		buf_printf(&c, "; Domain=%s", domain);
	if (max_age > 0)
		buf_printf(&c, "; Max-Age=%lld", (long long)max_age);
	if (!c.failed)
		http_header(&r->resp, "Set-Cookie", c.p);
	buf_free(&c);
}

static const struct route *
app_route(struct req *r, const struct route *routes, size_t n, int *known)
{
	enum http_method m;
	size_t		 i;

	m = r->http.method == HTTP_HEAD ? HTTP_GET : r->http.method;
	*known = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(routes[i].path, r->http.path) != 0)
			continue;
		*known = 1;
		if (routes[i].method == m)
			return &routes[i];
	}
	return NULL;
}

static void
app_allow(struct req *r, const struct route *routes, size_t n)
{
	size_t	 i;
	int	 get = 0, post = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(routes[i].path, r->http.path) != 0)
			continue;
		get |= routes[i].method == HTTP_GET;
		post |= routes[i].method == HTTP_POST;
	}
	http_header(&r->resp, "Allow", get && post ? "GET, HEAD, POST" :
	    get ? "GET, HEAD" : "POST");
}

/* Checks every POST passes before its handler: origin and CSRF token. */
static int
app_post_allowed(struct req *r)
{
	const char	*tok;
	int		 dup = 0;

	if (r->http.cross_site) {
		log_warn("refused: cross-site POST %s from %s", r->http.path,
		    r->http.ip);
		page_error(r, 403, "Request refused",
		    "This form was sent from another site. Please use the "
		    "form on this site.");
		return 0;
	}
	tok = form_get(&r->http.body, "csrf", &dup);
	if (tok == NULL || dup || !token_equal(tok, r->csrf)) {
		log_warn("refused: POST %s from %s without a valid CSRF token",
		    r->http.path, r->http.ip);
		page_error(r, 403, "Please try again",
		    "This form has expired or did not come from this site. "
		    "Please reload the page and send it again.");
		return 0;
	}
	return 1;
}

int
req_start(struct req *r, struct app *app)
{
	/* A database that was read-only at start may be writable now. */
	if (!db_writable(app->db))
		(void)db_reopen(app->db);
	memset(r, 0, sizeof(*r));
	r->app = app;
	r->now = (int64_t)time(NULL);
	http_response_init(&r->resp);
	r->resp.status = 0;
	return (r->page = render_dict_new()) != NULL;
}

static void
app_handle(struct app *app, FCGX_Request *fr, const struct route *routes,
    size_t n)
{
	struct req		 r;
	const struct route	*rt;
	enum http_read_error	 rc;
	int			 known;

	if (!req_start(&r, app)) {
		r.resp.status = 503;
		goto send;
	}
	rc = http_read(&r.http, fr, app->cfg.base_path,
	    app->cfg.trusted_proxies, app->cfg.trusted_proxies_n);
	if (!app_cookie(&r)) {
		page_error(&r, 503, "Please try again",
		    "Postern is short of resources. Please try again.");
		goto send;
	}
	switch (rc) {
	case HTTP_READ_OK:
		break;
	case HTTP_READ_TOO_LARGE:
		page_error(&r, 413, "Too much data",
		    "The form sent more data than Postern accepts.");
		goto send;
	case HTTP_READ_UNSUPPORTED:
		page_error(&r, 415, "Not a form",
		    "Postern only accepts its own forms.");
		goto send;
	case HTTP_READ_NOMEM:
		page_error(&r, 503, "Please try again",
		    "Postern is short of resources. Please try again.");
		goto send;
	default:
		page_error(&r, 400, "Bad request",
		    "The request was malformed (for example a broken "
		    "%-escape or a character that is not allowed). Please go "
		    "back and try again.");
		goto send;
	}
	if ((rt = app_route(&r, routes, n, &known)) == NULL) {
		if (known) {
			app_allow(&r, routes, n);
			page_error(&r, 405, "Not here",
			    "This address does not take that kind of "
			    "request.");
		} else
			page_error(&r, 404, "Page not found",
			    "There is no page at this address.");
		goto send;
	}
	app_browser(&r);
	if (!app_session(&r)) {
		page_storage_error(&r);
		goto send;
	}
	app_flow(&r);
	if (r.http.method == HTTP_POST && !app_post_allowed(&r))
		goto send;
	if ((rt->flags & ROUTE_SESSION) &&
	    (r.sess.id == 0 || r.sess.stage != SESSION_FULL)) {
		log_info("refused: %s from %s without a session", r.http.path,
		    r.http.ip);
		render_show(r.page, "LOGIN_LINK");
		page_error(&r, 403, "Please log in",
		    "You need to be logged in to see this page.");
		goto send;
	}
	rt->fn(&r);
	if (r.resp.status == 0) {
		log_err("%s: handler gave no response", r.http.path);
		page_error(&r, 500, "Something went wrong",
		    "Postern could not answer this request.");
	}
send:
	/*
	 * The flow owns its transaction and ends it on every path (flow.h):
	 * one still open is a mistake, said and undone so it changes
	 * nothing.
	 */
	if (db_in_tx(app->db)) {
		log_err("%s: a transaction was left open", r.http.path != NULL ?
		    r.http.path : "?");
		db_rollback(app->db);
	}
	if (r.resp.status == 0)
		r.resp.status = 503;
	if (r.cookie_new)
		app_set_cookie_header(&r, app_cookie_name(app), r.cookie, 0,
		    app->cfg.cookie_domain);
	if (r.flow.browser_renewed[0] != '\0') {
		memcpy(r.browser, r.flow.browser_renewed, sizeof(r.browser));
		r.browser_new = 1;
	}
	if (r.browser_new)
		app_set_cookie_header(&r, app_browser_cookie_name(app),
		    r.browser, BROWSER_MAX_AGE, NULL);
	/*
	 * ASVS 14.4.5.  Only under https (a browser ignores it over plain
	 * HTTP anyway); includeSubDomains covers names below Postern's own
	 * host, never its siblings.
	 */
	if (strncasecmp(app->cfg.base_url, "https://", 8) == 0)
		http_header(&r.resp, "Strict-Transport-Security",
		    "max-age=31536000; includeSubDomains");
	if (!http_send(&r.resp, fr, r.http.method == HTTP_HEAD))
		log_warn("%s: client went away", r.http.path != NULL ?
		    r.http.path : "?");
	render_dict_free(r.page);
	http_request_free(&r.http);
	http_response_free(&r.resp);
}

static int
app_start(struct app *app, const struct program *prog)
{
	char		 err[512];

	log_open(prog->name, isatty(STDERR_FILENO) ||
	    getenv("POSTERN_LOG_STDERR") != NULL);
	if (!config_load(&app->cfg, config_default_path(), err,
	    sizeof(err))) {
		log_err("%s", err);
		return EX_CONFIG;
	}
	/* The database and key are that user's alone (postern(8)). */
	if (!config_check_user(&app->cfg, err, sizeof(err))) {
		log_err("%s", err);
		return EX_CONFIG;
	}
	if (app->cfg.auth_hosts_n > 0 && !http_allow_form_hosts(
	    strncmp(app->cfg.base_url, "https:", 6) == 0 ? "https" : "http",
	    app->cfg.auth_hosts, app->cfg.auth_hosts_n)) {
		log_err("auth_hosts cannot be allowed as form targets");
		return EX_CONFIG;
	}
	if (!crypto_init())
		return EX_SOFTWARE;
	if (!keys_load(app->cfg.secret_key_file, &app->keys))
		return EX_CONFIG;
	outbox_key_set(app->keys.outbox);
	if (!render_init(app->cfg.templates, prog->templates))
		return EX_CONFIG;
	/* Opened here, after the spawner forked us: never across fork(). */
	if ((app->db = db_open(app->cfg.database, 0)) == NULL)
		return EX_CONFIG;
	if (!db_current(app->db))
		return EX_CONFIG;
	if ((prog->flags & PROGRAM_DUMMY_HASH) &&
	    !pw_dummy_hash(app->cfg.pwhash_ops, app->cfg.pwhash_mem,
	    app->dummy_hash))
		return EX_SOFTWARE;
	return 0;
}

int
app_main(const struct program *prog)
{
	struct app	 app;
	FCGX_Request	 fr;
	int		 rc;

	memset(&app, 0, sizeof(app));
	if ((rc = app_start(&app, prog)) != 0)
		goto out;
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0) {
		log_err("libfcgi: initialisation failed");
		rc = EX_SOFTWARE;
		goto out;
	}
	/* Accept finishes the previous request itself. */
	while ((rc = FCGX_Accept_r(&fr)) >= 0)
		if (prog->serve != NULL)
			prog->serve(&app, &fr);
		else
			app_handle(&app, &fr, prog->routes, prog->nroutes);
	FCGX_Finish_r(&fr);
	if (rc == -ENOTSOCK) {
		/* libfcgi has no CGI fallback: say what went wrong. */
		log_err("%s: not started by a FastCGI server", prog->name);
		rc = EX_CONFIG;
	} else
		rc = 0;
out:
	db_close(app.db);
	config_free(&app.cfg);
	return rc;
}
