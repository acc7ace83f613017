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
	struct config cfg;
	struct db    *db;
	struct keys   keys;
	char dummy_hash[PWHASH_TEXT]; /* "" unless PROGRAM_DUMMY_HASH */
};

struct req;

#define ROUTE_SESSION 0x01 /* needs a full session, else 403 */

/*
 * What a field holds, and so how app.c checks it before the handler
 * runs (the kinds table in app.c).  What a person types is bounded by
 * the form parser's FORM_MAX_VALUE, and its form is judged here
 * (validate_username(), validate_email(), phone_normalise(),
 * domain_normalise(), the length of a new password): every field that
 * fails gets its own words beside it, all at once, on the route's form
 * shown again (route->form) with what was typed.  What needs the
 * database (a name taken, a wrong password or code) the flow judges;
 * page_refused() puts its words beside the field they are about.  An
 * id is at most 18 digits, a token exactly TOKEN_TEXT - 1 characters.
 */
enum field_kind {
	FIELD_USERNAME,	    /* a new username: validate_username() */
	FIELD_LOGIN_NAME,   /* a username or an address: not empty */
	FIELD_ADDRESS,	    /* an email address: validate_email() */
	FIELD_CONTACT,	    /* an address or a phone number, by "kind" */
	FIELD_CONTACT_KIND, /* "email" or "phone", else 400 */
	FIELD_DOMAIN,	    /* a domain name: domain_normalise() */
	FIELD_PASSWORD,	    /* a password the flow judges */
	FIELD_NEW_PASSWORD, /* validate_password_length() */
	FIELD_CODE,	    /* a code typed from a message or an app */
	FIELD_LISTED,	    /* a value the page listed (a hidden input) */
	FIELD_ID,	    /* a positive decimal id, else 400 */
	FIELD_TOKEN,	    /* a mailed link's token, else LINK_BROKEN */
	FIELD_BUTTON,	    /* which submit button: present or not */
	FIELD_NOTICE,	    /* a redirect's "=1": else not there */
	FIELD_PREFILL	    /* text to show again: absent if repeated */
};

#define FIELD_REQUIRED 0x01 /* missing: 400 (unless `unless` came) */
#define FIELD_MANY     0x02 /* may repeat: read with req_args() */

/*
 * A field a route takes (kcgi's keys[]): from the query of a GET, the
 * body of a POST.  A field that is missing (when required), repeated
 * (unless FIELD_MANY) or malformed for its kind is answered there,
 * before the handler, with 400 (FORM_INCOMPLETE, BAD_REQUEST, or
 * LINK_BROKEN for a token); NOTICE and PREFILL fields are never
 * refused, only left out.  The handler reads what passed with
 * req_arg(), req_arg_id() and req_args().
 */
struct field {
	const char     *name;
	enum field_kind kind;
	unsigned int	flags;
	const char     *unless; /* not required when this one came */
};

#define ROUTE_MAX_FIELDS 8
/* A route's fields, inline in its table, ended for app.c:
 * FIELDS({ "t", FIELD_TOKEN, FIELD_REQUIRED, NULL }, ...). */
#define FIELDS(...) \
	((const struct field[]){ __VA_ARGS__, { NULL, 0, 0, NULL } })
/* A mailed link's fields: its token. */
#define LINK_FIELDS FIELDS({ "t", FIELD_TOKEN, FIELD_REQUIRED, NULL })

struct route {
	const char	*path;
	enum http_method method;  /* HTTP_GET also answers HEAD */
	void (*fn)(struct req *); /* NULL: form at 200 */
	unsigned int	    flags;
	const struct field *fields; /* NULL: takes none */
	/* The form shown again when a field's value is refused, with the
	 * status to show it with; needed where a field is judged, or fn
	 * is NULL (a page that is only its form).  Its template shows
	 * each refusal beside its field (ERR_<FIELD>). */
	void (*form)(struct req *, int status);
};

/* One request, from parsing to the response. */
struct req {
	struct app	    *app;
	struct http_request  http;
	struct http_response resp;
	int64_t		     now;
	char		     cookie[TOKEN_TEXT]; /* session or pre-session */
	int		     cookie_new;	 /* send Set-Cookie */
	char		     csrf[TOKEN_TEXT];
	struct session	     sess; /* sess.id 0: anonymous */
	struct account	     acct; /* loaded for a full session */
	/* The browser's own cookie, which outlives sessions (device.c),
	 * and its BLAKE2b, which is all lib/ sees of it. */
	char		    browser[TOKEN_TEXT];
	int		    browser_new; /* send Set-Cookie */
	unsigned char	    browser_hash[HASH_BYTES];
	struct flow	    flow; /* what the handler hands lib/ */
	struct render_dict *page; /* values for the page template */
	const struct route *route;
	/* The route's fields as checked, by their index in route->fields:
	 * the value (NULL when absent) and an id's number. */
	const char *arg[ROUTE_MAX_FIELDS];
	int64_t	    arg_id[ROUTE_MAX_FIELDS];
	int	    field_errors; /* shown beside their fields */
	int	    field_status; /* the first one's status */
};

/*
 * Checks passwords of names that may not exist: start-up makes
 * app->dummy_hash, so that an unknown name costs the same Argon2id work
 * as a known one.  That is one full hash and its memory at start-up,
 * which programs that never check such a password are spared.
 */
#define PROGRAM_DUMMY_HASH 0x01

/*
 * Does every route of prog fit what app.c can do with it: at most
 * ROUTE_MAX_FIELDS fields (struct req's arg[]), a form to show again
 * where a field is judged, a handler or a form to show?  Checked at
 * start-up, so a table that does not fit never serves.
 */
struct program;
int app_routes_fit(const struct program *);

struct program {
	const char	   *name; /* in the log: "postern-login" */
	const struct route *routes;
	size_t		    nroutes;
	/* The page and mail templates the handlers render, NULL-ended;
	 * layout.tpl, error.tpl and login.tpl are always checked
	 * (render_init). */
	const char *const *templates;
	unsigned int	   flags;
	/* Answers every request itself, in place of the route table
	 * and its checks: the authorizer (authz.c). */
	void (*serve)(struct app *, struct FCGX_Request *);
};

/* A request of app begins: 0 when its page dictionary cannot be had
 * (answer 503); render_dict_free() and http_response_free() end it. */
int req_start(struct req *, struct app *);
/* Run a program: start, loop until shutdown. */
int app_main(const struct program *);
/*
 * A program's main(), from the members of its struct program:
 * APP_MAIN(.name = "postern-x", APP_ROUTES(routes), .templates = t)
 */
#define APP_MAIN(...) \
	int main(void) \
	{ \
		static const struct program program = { __VA_ARGS__ }; \
\
		return app_main(&program); \
	}
#define APP_ROUTES(r) .routes = (r), .nroutes = sizeof(r) / sizeof((r)[0])

/* Responses a handler gives (exactly one per request). */
/* The page tpl, titled by its section PAGE_<TPL> of messages.tpl. */
void page_render(struct req *, int status, const char *tpl);
/*
 * Confirm an action that succeeded on the next page this session shows
 * (once): the words of messages.tpl's NOTICE_<notice>.  Call it after
 * the flow said OUT_OK, before the redirect.
 */
void page_notice(struct req *, const char *notice);
/* Show NOTICE_<notice> on the page rendered next, now: for a page
 * whose notice states what it checked itself (logged out). */
void page_show_notice(struct req *, const char *notice);
/* Show message in the form's .error element (sections HAS_ERROR and
 * FORM_ERROR): words about the whole form, beside no field. */
void page_set_error(struct req *, const char *message);
/* 303 to base_path + path (path starts with '/'; may hold a query). */
void page_redirect(struct req *, const char *path);
/* 303 to url as it stands: a path from the site's root, or an
 * absolute URL (NULL: 500). */
void page_redirect_url(struct req *, const char *url);
/*
 * The request's `next` (query, or the form of a POST) when /login may
 * go there (next.c), else NULL; url, if not NULL, gets where to go
 * (next_resolve(): there, or base_path/account).
 */
const char *req_next(struct req *, struct buf *url);
/* 503 after a storage error; rolls back any open transaction. */
void page_storage_error(struct req *);
/*
 * A flow said no.  Its words (messages.tpl, with flow.said's values)
 * go beside the field of the route they are about, where the route has
 * a form (a wrong password beside the password: section ERR_<FIELD> of
 * the page, with MESSAGE), or else into the form's .error element; a
 * limit's time to try again after them, with Retry-After.  Returns the
 * status to show the form with, or 0 after answering a storage error
 * with its own page.
 */
int page_refused(struct req *, enum outcome);
/* page_refused(), then form shown again with its status. */
void page_refuse(struct req *, enum outcome,
    void (*form)(struct req *, int status));
/* The same on the error page, titled by the outcome. */
void page_outcome(struct req *, enum outcome);

/*
 * After a flow: on OUT_OK a 303 to path (page_redirect), else its
 * outcome's error page (page_outcome).
 */
void page_done(struct req *, enum outcome, const char *path);
/*
 * A mailed link's page (R7: a GET only shows a button, its POST acts):
 * when peek, the flow's look at the link, is OUT_OK, tpl with the token
 * (T) for the form to carry on; else the outcome's error page.  Values
 * the page needs beside T are set before.
 */
void page_link(struct req *, enum outcome peek, const char *tpl);

/*
 * A time on a page: name is when_text()'s words, name_ISO the same
 * instant for <time datetime="...">.
 */
void page_set_time(struct render_dict *, const char *name, int64_t t);

/* The session cookie's name: __Host-postern, or __Secure-postern
 * with cookie_domain, or postern with cookie_secure off. */
const char *app_cookie_name(const struct app *);
/* Replace the request's session cookie: after login or logout. */
void req_set_session_cookie(struct req *, const char *token);
/* A new anonymous cookie: after the flow ended this session. */
void req_end_session(struct req *);
/*
 * The value of a field the route declares, as checked before the
 * handler ran: NULL when it is absent (or the route does not declare
 * it, so a page shared by a GET and a POST may ask).
 */
const char *req_arg(struct req *, const char *name);
/* A positive decimal id (FIELD_ID): digits only, no sign, no leading
 * zero, at most 18 of them; *id is 0 when s is not one. */
int req_id(const char *s, int64_t *id);
/* A FIELD_ID's number; 0 when absent. */
int64_t req_arg_id(struct req *, const char *name);
/* A FIELD_NOTICE's "=1": set or not. */
int req_notice(struct req *, const char *name);
/* The values of a FIELD_MANY field, in order, at most max: how many. */
size_t req_args(struct req *, const char *name, const char **out, size_t max);

#endif /* !POSTERN_APP_H */
