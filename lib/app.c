/*
 * app.c: what every FastCGI program shares.
 *
 * A program is a route table.  For each request this file parses it
 * (http.c), finds the session or pre-session from the cookie, refuses
 * cross-site and CSRF-less POSTs, missing sessions and fields that are
 * missing, repeated or malformed for the route (struct field) before
 * any handler runs, judges what was typed into each field and shows the
 * form again with every refusal beside its field, calls the handler,
 * and sends its response with the security headers.  Anything a
 * handler fails to answer becomes an error page, never a dead process
 * or raw text; every word of those pages comes from
 * templates/messages.tpl.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "app.h"
#include "contacts.h"
#include "db.h"
#include "domain_name.h"
#include "log.h"
#include "message.h"
#include "next.h"
#include "outbox.h"
#include "password.h"
#include "phone.h"
#include "render.h"
#include "reset.h"
#include "session.h"
#include "validate.h"
#include "when.h"

#define EX_CONFIG   78
#define EX_SOFTWARE 70

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
#define BROWSER_MAX_AGE (365 * 86400)

static const char *
app_browser_cookie_name(const struct app *app)
{
	return app->cfg.cookie_secure ? "__Host-postern-browser" :
					"postern-browser";
}

/*
 * The words a redirect's query confirms ("sent=1", "rejected=1") hold
 * only for the browser sent there: the redirect also sets a short-lived
 * cookie with those words and a MAC of them and this browser's own
 * cookie, and req_notice() believes a word only with it.  A link a thief
 * sends the owner to /reset?rejected=1 then says nothing
 * (attacks_round4.py, stories 33-35).
 */
#define SAID_MAX_AGE 600
#define SAID_MAX     128

static void app_set_cookie_header(struct req *, const char *, const char *,
    int64_t, const char *);

static const char *
app_said_cookie_name(const struct app *app)
{
	return app->cfg.cookie_secure ? "__Host-postern-said" : "postern-said";
}

/* The MAC of words for this browser (the one a login renewed, if so). */
static int
said_mac(struct req *r, const char *words, char out[TOKEN_TEXT])
{
	struct buf m;
	int	   ok;

	buf_init(&m);
	buf_printf(&m, "%s|%s",
	    r->flow.browser_renewed[0] != '\0' ? r->flow.browser_renewed :
						 r->browser,
	    words);
	ok = !m.failed && token_mac(r->app->keys.csrf, "said", m.p, out);
	if (m.p != NULL)
		sodium_memzero(m.p, m.cap);
	buf_free(&m);
	return ok;
}

/* The flags ("name=1") of path's query, as "name:name.MAC", in a cookie. */
static void
said_set(struct req *r, const char *path)
{
	const char *q = strchr(path, '?');
	struct buf  words;
	char	    mac[TOKEN_TEXT];
	size_t	    len;

	if (q == NULL)
		return;
	buf_init(&words);
	for (q++; *q != '\0'; q += *q == '&') {
		len = strcspn(q, "&");
		if (len > 2 && memcmp(q + len - 2, "=1", 2) == 0)
			buf_printf(&words, "%s%.*s", words.len > 0 ? ":" : "",
			    (int)(len - 2), q);
		q += len;
	}
	if (words.len > 0 && !words.failed && words.len < SAID_MAX &&
	    said_mac(r, words.p, mac) && buf_printf(&words, ".%s", mac))
		app_set_cookie_header(r, app_said_cookie_name(r->app), words.p,
		    SAID_MAX_AGE, NULL);
	buf_free(&words);
}

/* Is name one of the words this browser's flag cookie confirms? */
static int
said_holds(struct req *r, const char *name)
{
	char   said[SAID_MAX + TOKEN_TEXT + 1], mac[TOKEN_TEXT];
	char  *dot, *w, *end;
	size_t n = strlen(name);

	if (r->http.cookie_header == NULL ||
	    !cookie_get(r->http.cookie_header, app_said_cookie_name(r->app),
		said, sizeof(said)) ||
	    (dot = strrchr(said, '.')) == NULL)
		return 0;
	*dot = '\0';
	if (!said_mac(r, said, mac) || !token_equal(mac, dot + 1))
		return 0;
	for (w = said; *w != '\0'; w = *end == ':' ? end + 1 : end) {
		end = w + strcspn(w, ":");
		if ((size_t)(end - w) == n && memcmp(w, name, n) == 0)
			return 1;
	}
	return 0;
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
	struct reset rs;
	int	     mailed;

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
	struct render_dict *d;

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
	render_set(r->page, "SITE_NAME", r->app->cfg.site_name);
	if (r->sess.id != 0 && r->sess.stage == SESSION_FULL &&
	    r->acct.id != 0) {
		render_show(r->page, "LOGGED_IN");
		render_set(r->page, "USER", r->acct.username);
		app_pending_banner(r);
		app_delete_banner(r);
	} else
		render_show(r->page, "LOGGED_OUT");
}

/* Expand tpl into the response, titled title. */
static void
page_expand(struct req *r, int status, const char *tpl, const char *title)
{
	app_page_common(r, title);
	/* Names the page for styles and for the browser suite's coverage. */
	render_set(r->page, "PAGE", tpl);
	buf_reset(&r->resp.body);
	r->resp.status = status;
	if (!render_page(tpl, r->page, &r->resp.body)) {
		/*
		 * A broken template: say so plainly, the body holds nothing.
		 * The one sentence in C: the templates that would hold it
		 * are what failed.
		 */
		buf_reset(&r->resp.body);
		buf_puts(&r->resp.body,
		    "<!doctype html><title>Error</title>"
		    "<p class=\"error\">This page cannot be shown right now."
		    "</p>\n");
		r->resp.status = 500;
	}
	http_header(&r->resp, "Content-Type", "text/html; charset=utf-8");
}

/*
 * The session's one-shot notice, on the first page a GET shows it:
 * only its words from messages.tpl (NOTICE_<word>), and forgotten at
 * once, so a reload or a link never shows it again.
 */
static void
page_session_notice(struct req *r, int status)
{
	if (r->flow.acct == NULL || r->sess.notice[0] == '\0' ||
	    r->http.method != HTTP_GET || status != 200)
		return;
	if (!session_clear_notice(r->app->db, r->sess.id)) {
		log_warn("%s: notice not cleared", r->http.path);
		return;
	}
	page_show_notice(r, r->sess.notice);
}

void
page_show_notice(struct req *r, const char *notice)
{
	struct buf text;

	buf_init(&text);
	if (message_section("NOTICE_", notice, &text) && text.len > 0) {
		render_set(r->page, "NOTICE", text.p);
		render_show(r->page, "HAS_NOTICE");
	}
	buf_free(&text);
}

void
page_notice(struct req *r, const char *notice)
{
	/* After the action's commit: losing the notice loses no action. */
	if (!session_set_notice(r->app->db, r->cookie, notice))
		log_warn("%s: notice %s not kept", r->http.path, notice);
}

void
page_render(struct req *r, int status, const char *tpl)
{
	struct buf title;

	page_session_notice(r, status);
	buf_init(&title);
	(void)message_section("PAGE_", tpl, &title);
	page_expand(r, status, tpl, title.p != NULL ? title.p : "");
	buf_free(&title);
}

void
page_set_error(struct req *r, const char *message)
{
	render_set(r->page, "ERROR", message);
	render_show(r->page, "HAS_ERROR");
	render_show(r->page, "FORM_ERROR");
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
	struct buf loc;

	buf_init(&loc);
	buf_printf(&loc, "%s%s", r->app->cfg.base_path, path);
	page_redirect_url(r, loc.failed ? NULL : loc.p);
	buf_free(&loc);
	said_set(r, path);
}

const char *
req_next(struct req *r, struct buf *url)
{
	const char *v = req_arg(r, "next");
	struct buf  tmp;

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
	char secs[24];

	(void)message_text(o, &r->flow.said, r->now, title, out);
	if (!title && r->flow.said.until != 0) {
		snprintf(secs, sizeof(secs), "%lld",
		    (long long)(r->flow.said.until > r->now ?
			    r->flow.said.until - r->now :
			    1));
		http_header(&r->resp, "Retry-After", secs);
	}
}

/*
 * The field a refusal is about: of the kinds listed for o, the first
 * field of the route that has one; -1 when it is about the whole form,
 * or the route's page does not mark its fields (it has no form).
 */
static const struct {
	enum outcome	o;
	enum field_kind kind;
} outcome_fields[] = {
	{ OUT_BAD_USERNAME, FIELD_USERNAME },
	{ OUT_USERNAME_TAKEN, FIELD_USERNAME },
	{ OUT_NAME_NEEDED, FIELD_LOGIN_NAME },
	{ OUT_EMPTY_EMAIL, FIELD_ADDRESS },
	{ OUT_BAD_EMAIL, FIELD_ADDRESS },
	{ OUT_BAD_EMAIL, FIELD_CONTACT },
	{ OUT_SAME_ADDRESS, FIELD_ADDRESS },
	{ OUT_ADDRESS_TAKEN, FIELD_ADDRESS },
	{ OUT_R1_OWN_DOMAIN, FIELD_ADDRESS },
	{ OUT_R1_OWN_DOMAIN, FIELD_CONTACT },
	{ OUT_R1_PLATFORM_DOMAIN, FIELD_ADDRESS },
	{ OUT_R1_PLATFORM_DOMAIN, FIELD_CONTACT },
	{ OUT_EMPTY_CONTACT, FIELD_CONTACT },
	{ OUT_BAD_PHONE, FIELD_CONTACT },
	{ OUT_IS_PRIMARY, FIELD_CONTACT },
	{ OUT_CONTACT_KNOWN, FIELD_CONTACT },
	{ OUT_BAD_DOMAIN, FIELD_DOMAIN },
	{ OUT_DOMAIN_SUFFIX, FIELD_DOMAIN },
	{ OUT_DOMAIN_ELSEWHERE, FIELD_DOMAIN },
	{ OUT_DOMAIN_KNOWN, FIELD_DOMAIN },
	{ OUT_DOMAIN_R1, FIELD_DOMAIN },
	{ OUT_NEED_PASSWORD, FIELD_PASSWORD },
	{ OUT_BAD_PASSWORD, FIELD_PASSWORD },
	{ OUT_LOGIN_WRONG, FIELD_PASSWORD },
	{ OUT_PASSWORD_LENGTH, FIELD_NEW_PASSWORD },
	{ OUT_PASSWORD_LENGTH, FIELD_PASSWORD },
	{ OUT_PASSWORD_WEAK, FIELD_NEW_PASSWORD },
	{ OUT_PASSWORD_WEAK, FIELD_PASSWORD },
	{ OUT_NEED_CODE, FIELD_CODE },
	{ OUT_BAD_CODE, FIELD_CODE },
	{ OUT_CODE_USED, FIELD_CODE },
	{ OUT_CODE_FORMAT, FIELD_CODE },
	{ OUT_CONTACT_CODE_WRONG, FIELD_CODE },
};

static int
field_of(const struct req *r, enum outcome o)
{
	const struct field *f;
	size_t		    i, j;

	if (r->route == NULL || r->route->form == NULL)
		return -1;
	for (i = 0; i < sizeof(outcome_fields) / sizeof(outcome_fields[0]);
	     i++) {
		if (outcome_fields[i].o != o)
			continue;
		for (j = 0; r->route->fields != NULL &&
		     (f = &r->route->fields[j])->name != NULL;
		     j++)
			if (f->kind == outcome_fields[i].kind &&
			    !(f->flags & FIELD_MANY))
				return (int)j;
	}
	return -1;
}

/*
 * Field i was refused with o: its words for the page's template, which
 * shows them beside the field and in the summary above the form
 * (section ERR_<NAME>, with MESSAGE).  The first of the fields checked
 * here (focus) gets FIRST, so that its input takes the focus; a flow's
 * refusal leaves the focus where the page starts it, at the top, as a
 * keyboard user who tabs through the form again expects.
 */
static void
field_error(struct req *r, size_t i, enum outcome o, int focus)
{
	struct render_dict *d;
	struct buf	    text, section;

	buf_init(&text);
	buf_init(&section);
	page_message(r, o, 0, &text);
	if (message_key("ERR_", r->route->fields[i].name, &section)) {
		d = render_section(r->page, section.p);
		render_set(d, "MESSAGE", text.p != NULL ? text.p : "");
		if (focus && r->field_errors == 0)
			render_show(d, "FIRST");
	}
	render_show(r->page, "HAS_ERROR");
	if (r->field_errors++ == 0)
		r->field_status = outcome_status(o);
	buf_free(&text);
	buf_free(&section);
}

int
page_refused(struct req *r, enum outcome o)
{
	struct buf text;
	int	   i;

	if (o == OUT_STORAGE) {
		page_storage_error(r);
		return 0;
	}
	if ((i = field_of(r, o)) >= 0) {
		field_error(r, (size_t)i, o, 0);
		return outcome_status(o);
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
	struct buf title, text;
	int	   status = outcome_status(o);

	buf_init(&title);
	buf_init(&text);
	page_message(r, o, 1, &title);
	if (title.len == 0)
		(void)message_section("",
		    status >= 500 ? "FALLBACK_SERVER_TITLE" : "FALLBACK_TITLE",
		    &title);
	page_message(r, o, 0, &text);
	render_set(r->page, "ERROR", text.p != NULL ? text.p : "");
	page_expand(r, status, "error.tpl", title.p != NULL ? title.p : "");
	buf_free(&title);
	buf_free(&text);
}

void
page_set_time(struct render_dict *d, const char *name, int64_t t)
{
	char text[WHEN_TEXT], iso[WHEN_ISO], iso_name[64];

	when_text(t, text);
	when_iso(t, iso);
	render_set(d, name, text);
	/* Names are the handlers' constants: they fit. */
	snprintf(iso_name, sizeof(iso_name), "%s_ISO", name);
	render_set(d, iso_name, iso);
}

void
page_refuse(struct req *r, enum outcome o,
    void (*form)(struct req *, int status))
{
	int status;

	if ((status = page_refused(r, o)) != 0)
		form(r, status);
}

void
page_done(struct req *r, enum outcome o, const char *path)
{
	if (o == OUT_OK)
		page_redirect(r, path);
	else
		page_outcome(r, o);
}

void
page_link(struct req *r, enum outcome peek, const char *tpl)
{
	if (peek != OUT_OK) {
		page_outcome(r, peek);
		return;
	}
	render_set(r->page, "T", req_arg(r, "t"));
	page_render(r, 200, tpl);
}

void
req_end_session(struct req *r)
{
	char tok[TOKEN_TEXT];

	token_new(tok);
	req_set_session_cookie(r, tok);
}

/* ------------------------------------------------------------------ */
/* Fields (struct field): checked here, once, before any handler      */

int
req_id(const char *s, int64_t *id)
{
	int64_t v = 0;
	size_t	i;

	*id = 0;
	if (s[0] < '1' || s[0] > '9')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= 18 || s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*id = v;
	return 1;
}

static int
field_token(const char *s, int64_t *unused)
{
	(void)unused;
	return token_valid(s);
}

static int
field_contact_kind(const char *s, int64_t *unused)
{
	(void)unused;
	return strcmp(s, "email") == 0 || strcmp(s, "phone") == 0;
}

static int
field_notice(const char *s, int64_t *unused)
{
	(void)unused;
	return strcmp(s, "1") == 0;
}

/*
 * The judges of what a person typed: OUT_OK, or the refusal to show
 * beside the field (with its reason in flow.said.detail).  Only the
 * form: whether a name is taken or a password right, the flow says.
 */
static enum outcome
judge_username(struct req *r, const char *v)
{
	char name[33];

	(void)r;
	return validate_username(v, name) ? OUT_OK : OUT_BAD_USERNAME;
}

static enum outcome
judge_login_name(struct req *r, const char *v)
{
	(void)r;
	return v[0] != '\0' ? OUT_OK : OUT_NAME_NEEDED;
}

static enum outcome
judge_address(struct req *r, const char *v)
{
	char addr[255];

	(void)r;
	if (v[0] == '\0')
		return OUT_EMPTY_EMAIL;
	return validate_email(v, addr) ? OUT_OK : OUT_BAD_EMAIL;
}

/* By the kind typed with it; a phone only where phones can be added
 * (else the flow says that they cannot). */
static enum outcome
judge_contact(struct req *r, const char *v)
{
	enum contact_kind kind;
	enum phone_reason pr;
	char		  phone[PHONE_MAX + 1];
	int		  dup;

	if (v[0] == '\0')
		return OUT_EMPTY_CONTACT;
	if (!contact_kind_of(form_get(&r->http.body, "kind", &dup), &kind) ||
	    dup)
		return OUT_OK; /* FIELD_CONTACT_KIND refuses it */
	if (kind == CONTACT_EMAIL)
		return judge_address(r, v);
	if (r->app->cfg.sms_command == NULL ||
	    (pr = phone_normalise(v, phone)) == PHONE_OK)
		return OUT_OK;
	r->flow.said.detail = phone_reason_name(pr);
	return OUT_BAD_PHONE;
}

static enum outcome
judge_domain(struct req *r, const char *v)
{
	enum domain_error err;
	char		  name[DOMAIN_MAX + 1];

	if ((err = domain_normalise(v, name)) == DOMAIN_OK)
		return OUT_OK;
	r->flow.said.detail = domain_error_name(err);
	return OUT_BAD_DOMAIN;
}

static enum outcome
judge_new_password(struct req *r, const char *v)
{
	(void)r;
	return validate_password_length(v) ? OUT_OK : OUT_PASSWORD_LENGTH;
}

/*
 * Each kind: its check (NULL: any text the form parser takes, which
 * bounds it at FORM_MAX_VALUE), the outcome for a missing or repeated
 * field and for one its check refuses, whether such a field is left
 * out instead of refused (what a link or a redirect put in a query,
 * never the reason to refuse a page), and the judge of what was typed.
 */
static const struct field_kind_rule {
	int (*check)(const char *, int64_t *);
	enum outcome missing;
	enum outcome malformed;
	int	     lenient;
	enum outcome (*judge)(struct req *, const char *);
} field_kinds[] = {
	[FIELD_USERNAME] = { NULL, OUT_FORM_INCOMPLETE, OUT_OK, 0,
	    judge_username },
	[FIELD_LOGIN_NAME] = { NULL, OUT_FORM_INCOMPLETE, OUT_OK, 0,
	    judge_login_name },
	[FIELD_ADDRESS] = { NULL, OUT_FORM_INCOMPLETE, OUT_OK, 0,
	    judge_address },
	[FIELD_CONTACT] = { NULL, OUT_FORM_INCOMPLETE, OUT_OK, 0,
	    judge_contact },
	[FIELD_CONTACT_KIND] = { field_contact_kind, OUT_FORM_INCOMPLETE,
	    OUT_BAD_REQUEST, 0, NULL },
	[FIELD_DOMAIN] = { NULL, OUT_FORM_INCOMPLETE, OUT_OK, 0,
	    judge_domain },
	[FIELD_PASSWORD] = { NULL, OUT_FORM_INCOMPLETE, OUT_OK, 0, NULL },
	[FIELD_NEW_PASSWORD] = { NULL, OUT_FORM_INCOMPLETE, OUT_OK, 0,
	    judge_new_password },
	[FIELD_CODE] = { NULL, OUT_FORM_INCOMPLETE, OUT_OK, 0, NULL },
	[FIELD_LISTED] = { NULL, OUT_FORM_INCOMPLETE, OUT_OK, 0, NULL },
	[FIELD_ID] = { req_id, OUT_FORM_INCOMPLETE, OUT_BAD_REQUEST, 0, NULL },
	[FIELD_TOKEN] = { field_token, OUT_LINK_BROKEN, OUT_LINK_BROKEN, 0,
	    NULL },
	[FIELD_BUTTON] = { NULL, OUT_FORM_INCOMPLETE, OUT_OK, 0, NULL },
	[FIELD_NOTICE] = { field_notice, OUT_OK, OUT_OK, 1, NULL },
	[FIELD_PREFILL] = { NULL, OUT_OK, OUT_OK, 1, NULL },
};

/* Did the field named name come (once or more)? */
static int
field_came(const struct form *src, const char *name)
{
	return name != NULL && form_count(src, name) > 0;
}

/* Check field i of the route into r->arg[i]; the refusal, or OUT_OK. */
static enum outcome
field_check(struct req *r, const struct form *src, size_t i)
{
	const struct field	     *f = &r->route->fields[i];
	const struct field_kind_rule *k = &field_kinds[f->kind];
	const char		     *v;
	enum outcome		      o;
	int			      dup;

	if (f->flags & FIELD_MANY)
		return OUT_OK; /* read with req_args() */
	v = form_get(src, f->name, &dup);
	if (dup ||
	    (v == NULL && (f->flags & FIELD_REQUIRED) &&
		!field_came(src, f->unless)))
		return k->lenient ? OUT_OK : k->missing;
	if (v != NULL && k->check != NULL && !k->check(v, &r->arg_id[i]))
		return k->lenient ? OUT_OK : k->malformed;
	/* Kept when refused: the form shows it again. */
	r->arg[i] = v;
	if (v != NULL && k->judge != NULL && (o = k->judge(r, v)) != OUT_OK) {
		field_error(r, i, o, 1);
		r->flow.said.detail = NULL;
	}
	return OUT_OK;
}

/*
 * Every field of the route; 0 after answering: at the first that is
 * missing, repeated or malformed with its error page, or else with the
 * form again and every refused value beside its field.
 */
static int
app_fields(struct req *r)
{
	const struct form *src;
	enum outcome	   o;
	size_t		   i;

	src = r->http.method == HTTP_POST ? &r->http.body : &r->http.query;
	for (i = 0;
	     r->route->fields != NULL && r->route->fields[i].name != NULL; i++)
		if ((o = field_check(r, src, i)) != OUT_OK) {
			page_outcome(r, o);
			return 0;
		}
	if (r->field_errors == 0)
		return 1;
	r->route->form(r, r->field_status);
	return 0;
}

/* Index of the route's field name, or -1. */
static int
field_index(const struct req *r, const char *name)
{
	size_t i;

	for (i = 0;
	     r->route->fields != NULL && r->route->fields[i].name != NULL; i++)
		if (strcmp(r->route->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *
req_arg(struct req *r, const char *name)
{
	int i = field_index(r, name);

	return i < 0 ? NULL : r->arg[i];
}

int64_t
req_arg_id(struct req *r, const char *name)
{
	int i = field_index(r, name);

	return i < 0 ? 0 : r->arg_id[i];
}

int
req_notice(struct req *r, const char *name)
{
	return req_arg(r, name) != NULL && said_holds(r, name);
}

size_t
req_args(struct req *r, const char *name, const char **out, size_t max)
{
	const struct form *src;
	size_t		   i, n = 0;

	src = r->http.method == HTTP_POST ? &r->http.body : &r->http.query;
	if (field_index(r, name) < 0)
		return 0;
	for (i = 0; i < src->n && n < max; i++)
		if (strcmp(src->f[i].name, name) == 0)
			out[n++] = src->f[i].value;
	return n;
}

/* Find the cookie, or make a pre-session one; then the CSRF token. */
static int
app_cookie(struct req *r)
{
	char tok[TOKEN_TEXT];

	if (r->http.cookie_header != NULL &&
	    cookie_get(r->http.cookie_header, app_cookie_name(r->app), tok,
		sizeof(tok)) &&
	    token_valid(tok)) {
		memcpy(r->cookie, tok, sizeof(r->cookie));
		return token_mac(r->app->keys.csrf, "csrf", r->cookie,
		    r->csrf);
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
	    !cookie_get(r->http.cookie_header, app_browser_cookie_name(r->app),
		r->browser, sizeof(r->browser)) ||
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
	struct flow *f = &r->flow;

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
		r->acct.id != 0 ?
	    &r->acct :
	    NULL;
}

static int
app_session(struct req *r)
{
	struct app *app = r->app;
	int	    ok;

	/* A cookie made for this request names no session. */
	if (r->cookie_new)
		return 1;
	/* One snapshot for both reads: one lock round instead of two. */
	if (!db_begin_read(app->db))
		return 0;
	ok = session_load(app->db, r->cookie, r->now, app->cfg.session_idle,
		 app->cfg.session_max, &r->sess) &&
	    (r->sess.id == 0 ||
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
	struct buf c;

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
	size_t i;
	int    get = 0, post = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(routes[i].path, r->http.path) != 0)
			continue;
		get |= routes[i].method == HTTP_GET;
		post |= routes[i].method == HTTP_POST;
	}
	http_header(&r->resp, "Allow",
	    get && post ? "GET, HEAD, POST" :
		get	? "GET, HEAD" :
			  "POST");
}

/*
 * Where to come back to after logging in: base_path, path and the
 * query as asked (a mailed link's), checked again by next.c at login.
 */
static int
app_back_here(struct req *r, const char *path, struct buf *next)
{
	const struct form *q = &r->http.query;
	struct buf	   there;
	size_t		   i;
	int		   ok;

	buf_printf(next, "%s%s", r->app->cfg.base_path, path);
	for (i = 0; r->http.method != HTTP_POST && i < q->n; i++) {
		buf_printf(next, "%c", i == 0 ? '?' : '&');
		http_query_escape(next, q->f[i].name);
		buf_puts(next, "=");
		http_query_escape(next, q->f[i].value);
	}
	buf_init(&there);
	ok = !next->failed &&
	    next_resolve(r->app->cfg.base_url, r->app->cfg.base_path,
		r->app->cfg.auth_hosts, r->app->cfg.auth_hosts_n, next->p,
		&there);
	buf_free(&there);
	return ok;
}

/*
 * The page a POST's form was on: its own path when a GET shows it,
 * else the path above it (/contacts/remove's form is on /contacts).
 */
static void
app_form_page(struct req *r, const struct route *routes, size_t n,
    struct buf *path)
{
	const char *slash;
	size_t	    i;

	for (i = 0; i < n; i++)
		if (routes[i].method == HTTP_GET &&
		    strcmp(routes[i].path, r->http.path) == 0) {
			buf_puts(path, r->http.path);
			return;
		}
	slash = strrchr(r->http.path, '/');
	buf_printf(path, "%.*s",
	    slash != NULL && slash != r->http.path ?
		(int)(slash - r->http.path) :
		1,
	    r->http.path);
}

/*
 * A session route without a (whole, live) session.  A GET or HEAD,
 * most often a mailed link opened in a browser that is logged out,
 * gets the login form itself, whose `next` comes back here (still 403:
 * this page is not the one asked for).  A POST is refused, with a
 * link to log in and come back to its form's page.
 */
static void
app_login_first(struct req *r, const struct route *routes, size_t n)
{
	struct buf path, next, href;

	buf_init(&path);
	buf_init(&next);
	buf_init(&href);
	if (r->http.method == HTTP_POST)
		app_form_page(r, routes, n, &path);
	else
		buf_puts(&path, r->http.path);
	if (path.failed || !app_back_here(r, path.p, &next))
		buf_reset(&next);
	if (r->http.method != HTTP_POST) {
		if (next.len > 0) {
			render_show(r->page, "HAS_NEXT");
			render_set(r->page, "NEXT", next.p);
		}
		render_set(r->page, "USERNAME", "");
		page_show_notice(r, "LOGIN_FIRST");
		render_show(r->page, "HINT"); /* a request, not a success */
		page_render(r, outcome_status(OUT_NO_SESSION), "login.tpl");
	} else {
		if (next.len > 0)
			http_link(&href, r->app->cfg.base_path, "/login",
			    "next", next.p);
		else
			http_link(&href, r->app->cfg.base_path, "/login", NULL,
			    NULL);
		render_set(r->page, "LOGIN_HREF", href.failed ? "" : href.p);
		render_show(r->page, "LOGIN_LINK");
		page_outcome(r, OUT_NO_SESSION);
	}
	buf_free(&path);
	buf_free(&next);
	buf_free(&href);
}

/* Checks every POST passes before its handler: origin and CSRF token. */
static int
app_post_allowed(struct req *r)
{
	const char *tok;
	int	    dup = 0;

	if (r->http.cross_site) {
		log_warn("refused: cross-site POST %s from %s", r->http.path,
		    r->http.ip);
		page_outcome(r, OUT_CROSS_SITE);
		return 0;
	}
	tok = form_get(&r->http.body, "csrf", &dup);
	if (tok == NULL || dup || !token_equal(tok, r->csrf)) {
		log_warn("refused: POST %s from %s without a valid CSRF token",
		    r->http.path, r->http.ip);
		page_outcome(r, OUT_CSRF);
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

/* What a request that http_read() refused is answered with. */
static enum outcome
app_read_refusal(enum http_read_error rc)
{
	switch (rc) {
	case HTTP_READ_OK:
		return OUT_OK;
	case HTTP_READ_TOO_LARGE:
		return OUT_TOO_LARGE;
	case HTTP_READ_UNSUPPORTED:
		return OUT_NOT_A_FORM;
	case HTTP_READ_NOMEM:
		return OUT_NO_RESOURCES;
	default:
		return OUT_MALFORMED;
	}
}

/*
 * Everything before the handler: the route, the browser, the session,
 * a POST's origin and CSRF token, the session a route needs and its
 * fields.  The route, or NULL after answering.
 */
static const struct route *
app_gate(struct req *r, const struct route *routes, size_t n)
{
	const struct route *rt;
	int		    known;

	if ((rt = app_route(r, routes, n, &known)) == NULL) {
		if (known)
			app_allow(r, routes, n);
		page_outcome(r, known ? OUT_WRONG_METHOD : OUT_NOT_FOUND);
		return NULL;
	}
	app_browser(r);
	if (!app_session(r)) {
		page_storage_error(r);
		return NULL;
	}
	app_flow(r);
	if (r->http.method == HTTP_POST && !app_post_allowed(r))
		return NULL;
	if ((rt->flags & ROUTE_SESSION) &&
	    (r->sess.id == 0 || r->sess.stage != SESSION_FULL)) {
		log_info("refused: %s from %s without a session", r->http.path,
		    r->http.ip);
		app_login_first(r, routes, n);
		return NULL;
	}
	r->route = rt;
	return app_fields(r) ? rt : NULL;
}

/* The cookies, HSTS and the response; then the request is freed. */
static void
app_send(struct req *r, FCGX_Request *fr)
{
	struct app *app = r->app;

	/*
	 * The flow owns its transaction and ends it on every path (flow.h):
	 * one still open is a mistake, said and undone so it changes
	 * nothing.
	 */
	if (db_in_tx(app->db)) {
		log_err("%s: a transaction was left open",
		    r->http.path != NULL ? r->http.path : "?");
		db_rollback(app->db);
	}
	if (r->resp.status == 0)
		r->resp.status = 503;
	if (r->cookie_new)
		app_set_cookie_header(r, app_cookie_name(app), r->cookie, 0,
		    app->cfg.cookie_domain);
	if (r->flow.browser_renewed[0] != '\0') {
		memcpy(r->browser, r->flow.browser_renewed,
		    sizeof(r->browser));
		r->browser_new = 1;
	}
	if (r->browser_new)
		app_set_cookie_header(r, app_browser_cookie_name(app),
		    r->browser, BROWSER_MAX_AGE, NULL);
	/*
	 * ASVS 14.4.5.  Only under https (a browser ignores it over plain
	 * HTTP anyway); includeSubDomains covers names below Postern's own
	 * host, never its siblings.
	 */
	if (strncasecmp(app->cfg.base_url, "https://", 8) == 0)
		http_header(&r->resp, "Strict-Transport-Security",
		    "max-age=31536000; includeSubDomains");
	if (!http_send(&r->resp, fr, r->http.method == HTTP_HEAD))
		log_warn("%s: client went away",
		    r->http.path != NULL ? r->http.path : "?");
	render_dict_free(r->page);
	http_request_free(&r->http);
	http_response_free(&r->resp);
}

static void
app_handle(struct app *app, FCGX_Request *fr, const struct route *routes,
    size_t n)
{
	struct req	     r;
	const struct route  *rt;
	enum http_read_error rc;
	enum outcome	     o;

	if (!req_start(&r, app))
		goto send; /* 503 */
	rc = http_read(&r.http, fr, app->cfg.base_path,
	    app->cfg.trusted_proxies, app->cfg.trusted_proxies_n);
	if (!app_cookie(&r))
		page_outcome(&r, OUT_NO_RESOURCES);
	else if ((o = app_read_refusal(rc)) != OUT_OK)
		page_outcome(&r, o);
	else if ((rt = app_gate(&r, routes, n)) != NULL) {
		if (rt->fn != NULL)
			rt->fn(&r);
		else
			rt->form(&r, 200);
		if (r.resp.status == 0) {
			log_err("%s: handler gave no response", r.http.path);
			page_outcome(&r, OUT_NO_ANSWER);
		}
	}
send:
	app_send(&r, fr);
}

int
app_routes_fit(const struct program *prog)
{
	const struct route *rt;
	size_t		    i, n, judged;

	for (i = 0; i < prog->nroutes; i++) {
		rt = &prog->routes[i];
		for (n = judged = 0;
		     rt->fields != NULL && rt->fields[n].name != NULL; n++)
			if (field_kinds[rt->fields[n].kind].judge != NULL)
				judged++;
		if (n > ROUTE_MAX_FIELDS) {
			log_err("%s: more than %d fields", rt->path,
			    ROUTE_MAX_FIELDS);
			return 0;
		}
		if (judged > 0 && rt->form == NULL) {
			log_err("%s: judges what is typed, but has no form to "
				"show again",
			    rt->path);
			return 0;
		}
		if (rt->fn == NULL && rt->form == NULL) {
			log_err("%s: neither a handler nor a form", rt->path);
			return 0;
		}
	}
	return 1;
}

/*
 * The process runs as the user key says (postern(8): the database and
 * key are that user's alone).  Asked in a child: looking a user up
 * loads the name service (nsswitch.conf, its modules, 128 kB of libc's
 * code), which would stay resident, idle, for the life of a program
 * that never looks anything up again.
 */
static int
app_check_user(const struct config *cfg)
{
	char  err[512];
	pid_t pid;
	int   status;

	if (cfg->user == NULL)
		return 1;
	if ((pid = fork()) == -1) {
		log_err("fork: %s", strerror(errno));
		return 0;
	}
	if (pid == 0) {
		if (!config_check_user(cfg, err, sizeof(err))) {
			log_err("%s", err);
			_exit(1);
		}
		_exit(0);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			log_err("waitpid: %s", strerror(errno));
			return 0;
		}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int
app_start(struct app *app, const struct program *prog)
{
	char err[512];

	log_open(prog->name,
	    isatty(STDERR_FILENO) || getenv("POSTERN_LOG_STDERR") != NULL);
	if (!config_load(&app->cfg, config_default_path(), err, sizeof(err))) {
		log_err("%s", err);
		return EX_CONFIG;
	}
	if (!app_check_user(&app->cfg))
		return EX_CONFIG;
	if (app->cfg.auth_hosts_n > 0 &&
	    !http_allow_form_hosts(strncmp(app->cfg.base_url, "https:", 6) ==
			0 ?
		    "https" :
		    "http",
		app->cfg.auth_hosts, app->cfg.auth_hosts_n)) {
		log_err("auth_hosts cannot be allowed as form targets");
		return EX_CONFIG;
	}
	if (!app_routes_fit(prog) || !crypto_init())
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
	struct app   app;
	FCGX_Request fr;
	int	     rc;

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
