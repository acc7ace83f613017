/*
 * signup.c: /signup and /verify.
 *
 * A new account gets a verification link by mail.  An address that
 * already has an account gets the same answer as a successful signup,
 * and its owner is mailed instead, so the form cannot be used to find
 * out who has an account (DESIGN section 4).
 */
#include <stdio.h>
#include <string.h>

#include "postern.h"
#include "domains.h"

#define VERIFY_TTL	(24 * 3600)

static void
signup_form(struct req *r, int status, const char *error,
    const char *username, const char *email)
{
	if (error != NULL)
		page_set_error(r, error);
	render_set(r->page, "USERNAME", username);
	render_set(r->page, "EMAIL", email);
	page_render(r, status, "signup.tpl", "Create an account");
}

static void
signup_get(struct req *r)
{
	const char	*sent = req_query(r, "sent");

	if (sent != NULL && strcmp(sent, "1") == 0) {
		page_render(r, 200, "signup_sent.tpl", "Check your mail");
		return;
	}
	signup_form(r, 200, NULL, "", "");
}

/*
 * Queue the verification mail for a new account; *limited as
 * outbox_mail() sets it.  The notice below counts the same way, so a
 * taken address meets the same limit as a new one.
 */
static int
signup_mail_verify(struct req *r, int64_t id, const char *username,
    const char *email, int64_t *limited)
{
	char			 tok[TOKEN_TEXT];
	struct render_dict	*d;
	struct buf		 link;
	int			 ok = 0;

	buf_init(&link);
	if ((d = render_dict_new()) == NULL)
		return 0;
	if (!link_create(r->app->db, "verify", id, NULL, 0, r->now, VERIFY_TTL,
	    tok))
		goto out;
	buf_printf(&link, "%s/verify?t=%s", r->app->cfg.base_url, tok);
	render_set(d, "USERNAME", username);
	render_set(d, "LINK", link.p);
	ok = !link.failed && outbox_mail(r->app->db, email,
	    "mail/verify.tpl", d, r->now, limited);
out:
	buf_free(&link);
	render_dict_free(d);
	return ok;
}

static int
signup_mail_taken(struct req *r, const char *email, int64_t *limited)
{
	struct render_dict	*d;
	int			 ok;

	if ((d = render_dict_new()) == NULL)
		return 0;
	render_set(d, "BASE_URL", r->app->cfg.base_url);
	ok = outbox_mail(r->app->db, email, "mail/signup_taken.tpl", d,
	    r->now, limited);
	render_dict_free(d);
	return ok;
}

/*
 * R1 at the door: with recovery_rule = platform, an address on a domain
 * some account has verified is refused (a new account manages nothing
 * yet, so the account rule cannot bite here).
 */
static int
signup_r1_allows(struct req *r, const char *addr, const char *username,
    const char *email)
{
	struct r1_check	 c;
	char		 msg[1200];
	struct db	*db = r->app->db;

	if (!domains_check_address(db, r->app->cfg.recovery_rule, 0, addr,
	    &c)) {
		page_storage_error(r);
		return 0;
	}
	if (c.verdict == R1_ALLOWED)
		return 1;
	if (!db_begin(db) || !event_add(db, 0, "r1_refused", r->http.ip,
	    c.domain, r->now) || !db_commit(db)) {
		page_storage_error(r);
		return 0;
	}
	snprintf(msg, sizeof(msg), "Addresses on %s cannot be used here: "
	    "that domain is managed on this platform, and whoever controls a "
	    "domain controls its mail. Please use a personal address, such as "
	    "one from your mail provider.", c.domain);
	signup_form(r, 422, msg, username, email);
	return 0;
}

static void
signup_post(struct req *r)
{
	const char	*username, *email, *password;
	char		 name[33], addr[255], hash[PWHASH_TEXT];
	char		 msg[PAGE_LIMIT_TEXT];
	int		 taken, ok;
	int64_t		 id, until;
	struct db	*db = r->app->db;

	if ((username = req_field(r, "username")) == NULL ||
	    (email = req_field(r, "email")) == NULL ||
	    (password = req_field(r, "password")) == NULL)
		return;
	if (!validate_username(username, name)) {
		signup_form(r, 400, "Usernames are 3 to 32 characters: letters "
		    "a-z, digits, dot, underscore or hyphen, starting with a "
		    "letter or digit.", username, email);
		return;
	}
	if (!validate_email(email, addr)) {
		signup_form(r, 400, "That does not look like an email address. "
		    "Please check it.", username, email);
		return;
	}
	if (!signup_r1_allows(r, addr, username, email))
		return;
	if (!validate_password_length(password)) {
		signup_form(r, 422, "Passwords are 8 to 256 characters long.",
		    username, email);
		return;
	}
	if (password_is_weak(password, name, addr)) {
		signup_form(r, 422, "That password is too common or too easy "
		    "to guess. A few unrelated words make a strong one.",
		    username, email);
		return;
	}
	if (!rate_check(db, RATE_SIGNUP_IP, 0, r->http.ip, r->now, &until)) {
		page_storage_error(r);
		return;
	}
	if (until != 0) {
		page_limit_text(r, "Too many accounts were created from your "
		    "network in the last hour.", until, msg);
		signup_form(r, 429, msg, username, email);
		return;
	}
	/* Hash before the write lock: Argon2id takes a tenth of a second. */
	if (!pw_hash(password, r->app->cfg.pwhash_ops, r->app->cfg.pwhash_mem,
	    hash)) {
		page_storage_error(r);
		return;
	}
	if (!db_begin(db) ||
	    !rate_hit(db, RATE_SIGNUP_IP, 0, r->http.ip, r->now) ||
	    !account_name_taken(db, name, &taken))
		goto fail;
	if (taken) {
		if (!db_commit(db))
			goto fail;
		signup_form(r, 422, "That username is taken. Please choose "
		    "another.", username, email);
		return;
	}
	if (!account_email_taken(db, addr, &taken))
		goto fail;
	id = 0;
	if (taken)
		ok = signup_mail_taken(r, addr, &until);
	else
		ok = account_create(db, name, addr, hash, r->now, &id) &&
		    signup_mail_verify(r, id, name, addr, &until);
	if (!ok)
		goto fail;
	if (until != 0) {
		/* Nothing is kept: the visitor is told, and may come back. */
		db_rollback(db);
		page_limit_text(r, OUTBOX_LIMITED, until, msg);
		signup_form(r, 429, msg, username, email);
		return;
	}
	if (!event_add(db, id, taken ? "signup_address_taken" : "signup",
	    r->http.ip, NULL, r->now) || !db_commit(db))
		goto fail;
	page_redirect(r, "/signup?sent=1");
	return;
fail:
	page_storage_error(r);
}

/* The token of a link, or NULL after answering 400. */
static const char *
verify_token(struct req *r, const char *t)
{
	if (t == NULL || !token_valid(t)) {
		page_error(r, 400, "Broken link",
		    "This link is incomplete. Please copy the whole link from "
		    "the mail.");
		return NULL;
	}
	return t;
}

static void
verify_stale(struct req *r)
{
	page_error(r, 422, "Link no longer valid",
	    "This link has already been used or has expired. Log in to "
	    "see whether your address is verified.");
}

static void
verify_get(struct req *r)
{
	const char	*t;
	struct link	 l;

	if ((t = verify_token(r, req_query(r, "t"))) == NULL)
		return;
	if (!link_peek(r->app->db, "verify", t, r->now, &l)) {
		page_storage_error(r);
		return;
	}
	if (l.id == 0) {
		verify_stale(r);
		return;
	}
	render_set(r->page, "T", t);
	page_render(r, 200, "verify.tpl", "Verify your address");
}

static void
verify_post(struct req *r)
{
	const char	*t;
	struct link	 l;
	struct db	*db = r->app->db;

	if ((t = req_field(r, "t")) == NULL || verify_token(r, t) == NULL)
		return;
	if (!db_begin(db) || !link_consume(db, "verify", t, r->now, &l))
		goto fail;
	if (l.id == 0) {
		db_rollback(db);
		verify_stale(r);
		return;
	}
	if (!account_set_verified(db, l.account_id, r->now) ||
	    !event_add(db, l.account_id, "email_verified", r->http.ip, NULL,
	    r->now) || !db_commit(db))
		goto fail;
	page_redirect(r, "/login?verified=1");
	return;
fail:
	page_storage_error(r);
}

static const struct route routes[] = {
	{ "/signup", HTTP_GET, signup_get, 0 },
	{ "/signup", HTTP_POST, signup_post, 0 },
	{ "/verify", HTTP_GET, verify_get, 0 },
	{ "/verify", HTTP_POST, verify_post, 0 },
};

static const char *const templates[] = {
	"signup.tpl", "signup_sent.tpl", "verify.tpl",
	"mail/verify.tpl", "mail/signup_taken.tpl", NULL
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
