#ifndef POSTERN_APP_H
#define POSTERN_APP_H

#include <stdint.h>

#include "account.h"
#include "config.h"
#include "crypto.h"
#include "flow.h"
#include "http.h"
#include "outcome.h"
#include "session.h"

struct db;
struct render_dict;
struct FCGX_Request;

/*
 * app.c: what every FastCGI program shares: start-up (configuration,
 * database, templates, keys), the accept loop, session and CSRF checks
 * before a handler runs, and error pages.  A program is a route table,
 * its handlers and the templates they render.
 */

struct app {
	struct config	 cfg;
	struct db	*db;
	struct keys	 keys;
	char		 dummy_hash[PWHASH_TEXT]; /* "" unless PROGRAM_DUMMY_HASH */
};

/* One request, from parsing to the response. */
struct req {
	struct app		*app;
	struct http_request	 http;
	struct http_response	 resp;
	int64_t			 now;
	char			 cookie[TOKEN_TEXT]; /* session or pre-session */
	int			 cookie_new;	/* send Set-Cookie */
	char			 csrf[TOKEN_TEXT];
	struct session		 sess;	/* sess.id 0: anonymous */
	struct account		 acct;	/* loaded for a full session */
	/* The browser's own cookie, which outlives sessions (device.c),
	 * and its BLAKE2b, which is all lib/ sees of it. */
	char			 browser[TOKEN_TEXT];
	int			 browser_new;	/* send Set-Cookie */
	unsigned char		 browser_hash[HASH_BYTES];
	struct flow		 flow;	/* what the handler hands lib/ */
	struct render_dict	*page;	/* values for the page template */
};

#define ROUTE_SESSION	0x01	/* needs a full session, else 403 */

struct route {
	const char	*path;
	enum http_method method;	/* HTTP_GET also answers HEAD */
	void		(*fn)(struct req *);
	unsigned int	 flags;
};

/*
 * Checks passwords of names that may not exist: start-up makes
 * app->dummy_hash, so that an unknown name costs the same Argon2id work
 * as a known one.  That is one full hash and its memory at start-up,
 * which programs that never check such a password are spared.
 */
#define PROGRAM_DUMMY_HASH	0x01

struct program {
	const char		*name;		/* in the log: "postern-login" */
	const struct route	*routes;
	size_t			 nroutes;
	/* The page and mail templates the handlers render, NULL-ended;
	 * layout.tpl and error.tpl are always loaded (render_init). */
	const char *const	*templates;
	unsigned int		 flags;
	/* Answers every request itself, in place of the route table
	 * and its checks: the authorizer (authz.c). */
	void			(*serve)(struct app *, struct FCGX_Request *);
};

/* A request of app begins: 0 when its page dictionary cannot be had
 * (answer 503); render_dict_free() and http_response_free() end it. */
int	 req_start(struct req *, struct app *);
/* Run a program: start, loop until shutdown. */
int	 app_main(const struct program *);

/* Responses a handler gives (exactly one per request). */
void	 page_render(struct req *, int status, const char *tpl,
	    const char *title);
void	 page_error(struct req *, int status, const char *title,
	    const char *message);
/* Show message in the form's .error element (section HAS_ERROR). */
void	 page_set_error(struct req *, const char *message);
/* 303 to base_path + path (path starts with '/'; may hold a query). */
void	 page_redirect(struct req *, const char *path);
/* 303 to url as it stands: a path from the site's root, or an
 * absolute URL (NULL: 500). */
void	 page_redirect_url(struct req *, const char *url);
/*
 * The request's `next` (query, or the form of a POST) when /login may
 * go there (next.c), else NULL; url, if not NULL, gets where to go
 * (next_resolve(): there, or base_path/account).
 */
const char *req_next(struct req *, struct buf *url);
/* 503 after a storage error; rolls back any open transaction. */
void	 page_storage_error(struct req *);
/*
 * A flow said no.  Its words (messages.tpl, with flow.said's values)
 * go into the form's .error element, a limit's time to try again after
 * them, with Retry-After.  Returns the status to show the form with,
 * or 0 after answering a storage error with its own page.
 */
int	 page_refused(struct req *, enum outcome);
/* The same on the error page, titled by the outcome. */
void	 page_outcome(struct req *, enum outcome);

/*
 * A time on a page: name is when_text()'s words, name_ISO the same
 * instant for <time datetime="...">.
 */
void	 page_set_time(struct render_dict *, const char *name, int64_t t);
/* A positive decimal id field; NULL-safe.  0 if it is not one. */
int	 req_id(const char *s, int64_t *id);

/* The session cookie's name: __Host-postern, or __Secure-postern
 * with cookie_domain, or postern with cookie_secure off. */
const char *app_cookie_name(const struct app *);
/* Replace the request's session cookie: after login or logout. */
void	 req_set_session_cookie(struct req *, const char *token);
/* A value of the body that must be there exactly once, or NULL after
 * answering 400 (missing or repeated field). */
const char *req_field(struct req *, const char *name);
/* The same for an optional field: NULL without error when absent. */
const char *req_field_opt(struct req *, const char *name, int *bad);
const char *req_query(struct req *, const char *name);

#endif /* !POSTERN_APP_H */
