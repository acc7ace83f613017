/*
 * authz.c: the FastCGI Authorizer (authz.h).
 *
 * An authorizer sees the headers of a request meant for another
 * program and no body, so it does not go through http_read(): the
 * protected service's query strings and bodies are not Postern's to
 * judge.  It reads four parameters, each bounded here.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <fcgiapp.h>

#include "app.h"
#include "db.h"
#include "form.h"
#include "authz.h"
#include "log.h"
#include "next.h"
#include "render.h"

/*
 * The URL asked for, for /login?next=: the scheme and Host the server
 * saw, and REQUEST_URI.  A Host that is not a plain host[:port] (or
 * too long) is left out; /login checks whatever comes back anyway.
 */
static void
authz_asked(FCGX_ParamArray env, struct buf *url)
{
	const char *uri, *host, *scheme, *https;

	uri = FCGX_GetParam("REQUEST_URI", env);
	host = FCGX_GetParam("HTTP_HOST", env);
	scheme = FCGX_GetParam("REQUEST_SCHEME", env);
	https = FCGX_GetParam("HTTPS", env);
	if (uri == NULL || uri[0] != '/' || strlen(uri) > NEXT_MAX)
		return;
	if (scheme == NULL ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0))
		scheme = https != NULL && strcasecmp(https, "on") == 0 ?
		    "https" :
		    "http";
	if (host != NULL && host[0] != '\0' && strlen(host) <= 255 &&
	    strspn(host,
		"abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") == strlen(host))
		buf_printf(url, "%s://%s%s", scheme, host, uri);
	else
		buf_puts(url, uri);
}

/*
 * The account a request's cookie stands for, in *a (id 0: none): a full
 * session within its timeouts, of an account whose address is verified
 * and that the hoster has neither locked nor disabled.  0 after a storage error.
 */
static int
authz_who(struct app *app, FCGX_ParamArray env, int64_t now, struct session *s,
    struct account *a)
{
	const char *header;
	char	    tok[TOKEN_TEXT];
	int	    ok;

	memset(s, 0, sizeof(*s));
	memset(a, 0, sizeof(*a));
	header = FCGX_GetParam("HTTP_COOKIE", env);
	if (header == NULL || strlen(header) > 4096 ||
	    !cookie_get(header, app_cookie_name(app), tok, sizeof(tok)) ||
	    !token_valid(tok))
		return 1;
	/* One snapshot for both reads, as on Postern's own pages. */
	if (!db_begin_read(app->db))
		return 0;
	ok = session_load(app->db, tok, now, app->cfg.session_idle,
		 app->cfg.session_max, s) &&
	    (s->id == 0 || account_by_id(app->db, s->account_id, a));
	if (!db_commit(app->db) || !ok)
		return 0;
	if (s->id == 0 || s->stage != SESSION_FULL || a->locked_at != 0 ||
	    a->disabled_at != 0 || a->email_verified_at == 0) {
		memset(a, 0, sizeof(*a));
		return 1;
	}
	return session_touch(app->db, s, now);
}

/*
 * 200 with the Variable- headers and nothing else: both servers copy
 * the other headers of a 200 onto the protected service's response
 * (Apache) or drop them (lighttpd), so the security headers of
 * Postern's own pages must not be sent here.
 */
static int
authz_grant(FCGX_Request *fr, const struct session *s, const struct account *a)
{
	struct http_response resp;
	int		     ok;

	http_response_init(&resp);
	ok = http_header(&resp, "Variable-REMOTE_USER", a->username) &&
	    http_header(&resp, "Variable-POSTERN_EMAIL", a->email) &&
	    http_header(&resp, "Variable-POSTERN_2FA",
		s->twofa_at != 0 ? "1" : "0") &&
	    !resp.headers.failed &&
	    FCGX_FPrintF(fr->out, "Status: 200 OK\r\n%s\r\n",
		resp.headers.p) >= 0;
	http_response_free(&resp);
	return ok;
}

/* No session: to the login page and back, or 401. */
static void
authz_refuse(struct req *r, FCGX_ParamArray env, int get)
{
	struct buf url, loc;

	if (!get) {
		page_outcome(r, OUT_AUTH_NO_SESSION);
		return;
	}
	buf_init(&url);
	buf_init(&loc);
	authz_asked(env, &url);
	http_link(&loc, r->app->cfg.base_url, "/login",
	    url.len > 0 ? "next" : NULL, url.p);
	r->resp.status = 302;
	if (url.failed || loc.failed ||
	    !http_header(&r->resp, "Location", loc.p))
		page_outcome(r, OUT_NO_RESOURCES);
	else
		http_header(&r->resp, "Content-Type",
		    "text/plain; charset=utf-8");
	buf_free(&url);
	buf_free(&loc);
}

void
authz_serve(struct app *app, FCGX_Request *fr)
{
	struct req  r;
	const char *role, *method;
	int	    get;

	role = FCGX_GetParam("FCGI_ROLE", fr->envp);
	method = FCGX_GetParam("REQUEST_METHOD", fr->envp);
	get = method != NULL &&
	    (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0);
	if (!req_start(&r, app))
		r.resp.status = 503;
	else if (role == NULL || strcmp(role, "AUTHORIZER") != 0) {
		/* Served as a page by mistake: say so, grant nothing. */
		log_err("auth.fcgi: started as a FastCGI %s; it is an "
			"authorizer (\"mode\" => \"authorizer\", "
			"AuthnzFcgiDefineProvider)",
		    role != NULL ? role : "?");
		page_outcome(&r, OUT_NOT_FOUND);
	} else if (!authz_who(app, fr->envp, r.now, &r.sess, &r.acct))
		page_storage_error(&r);
	else if (r.acct.id != 0) {
		if (!authz_grant(fr, &r.sess, &r.acct))
			log_warn("auth.fcgi: client went away");
		goto out;
	} else
		authz_refuse(&r, fr->envp, get);
	/* A refusal goes to the browser: a page like any of Postern's. */
	if (!http_send(&r.resp, fr,
		method != NULL && strcmp(method, "HEAD") == 0))
		log_warn("auth.fcgi: client went away");
out:
	db_rollback(app->db);
	render_dict_free(r.page);
	http_response_free(&r.resp);
}
