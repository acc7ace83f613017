/*
 * email.c: /email, /email/confirm, /email/revert -- changing the
 * primary address (R5).
 *
 * Someone who borrows a logged-in session for a minute must not be able
 * to move the account to an address they own.  So: with 2FA on, the
 * request needs a TOTP code proven within twofa_recent; the current
 * address stays in force until the new one confirms by its link; and
 * the old address is told, with a link that undoes the change for 7
 * days and ends every session.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "postern.h"
#include "domains.h"
#include "notify.h"
#include "reset.h"
#include "twofa.h"

#define CONFIRM_TTL	3600
#define REVERT_TTL	(7 * 86400)

/* "n***@example.org": enough for the owner to recognise, little more. */
static void
email_masked(const char *addr, char *out, size_t outsz)
{
	const char	*at = strrchr(addr, '@');

	if (at == NULL || at == addr)
		snprintf(out, outsz, "***");
	else
		snprintf(out, outsz, "%c***%s", addr[0], at);
}

/* Does this session need a fresh TOTP code before asking? */
static int
email_needs_code(const struct req *r)
{
	return r->acct.totp_enabled_at != 0 && (r->sess.twofa_at == 0 ||
	    r->now - r->sess.twofa_at > r->app->cfg.twofa_recent);
}

static void
email_page(struct req *r, int status, const char *error, const char *typed)
{
	const char	*q;
	struct link	 l;

	if (!link_live(r->app->db, "email_confirm", r->acct.id, r->now, &l)) {
		page_storage_error(r);
		return;
	}
	render_set(r->page, "EMAIL", r->acct.email);
	render_set(r->page, "TYPED", typed);
	if (l.id != 0) {
		render_show(r->page, "WAITING");
		render_set(r->page, "WAITING_FOR", l.data);
	}
	if (email_needs_code(r))
		render_show(r->page, "NEED_CODE");
	if ((q = req_query(r, "sent")) != NULL && strcmp(q, "1") == 0 &&
	    error == NULL)
		render_show(r->page, "SENT");
	if ((q = req_query(r, "changed")) != NULL && strcmp(q, "1") == 0 &&
	    error == NULL)
		render_show(r->page, "CHANGED");
	if (error != NULL)
		page_set_error(r, error);
	page_render(r, status, "email.tpl", "Email address");
}

static void
email_get(struct req *r)
{
	email_page(r, 200, NULL, "");
}

/*
 * Mail the confirmation link to the new address.  Anyone with an
 * account could type anyone's address here, so it counts toward the
 * address's limit (*limited as outbox_mail() sets it).
 */
static int
email_send_confirm(struct req *r, const char *addr, int64_t *limited)
{
	char			 tok[TOKEN_TEXT];
	struct render_dict	*d;
	struct buf		 link;
	int			 ok = 0;

	buf_init(&link);
	if ((d = render_dict_new()) == NULL)
		return 0;
	/* A second request replaces the first: its link stops working. */
	if (!link_void(r->app->db, "email_confirm", r->acct.id, r->now) ||
	    !link_create(r->app->db, "email_confirm", r->acct.id, addr, r->now,
	    CONFIRM_TTL, tok))
		goto out;
	buf_printf(&link, "%s/email/confirm?t=%s", r->app->cfg.base_url, tok);
	render_set(d, "USERNAME", r->acct.username);
	render_set(d, "LINK", link.p);
	ok = !link.failed && outbox_mail(r->app->db, addr,
	    "mail/email_confirm.tpl", d, r->now, limited);
out:
	sodium_memzero(tok, sizeof(tok));
	buf_free(&link);
	render_dict_free(d);
	return ok;
}

static void
email_post(struct req *r)
{
	const char	*typed, *code;
	char		 addr[255], msg[1200];
	struct r1_check	 c;
	int		 bad, taken, good;
	int64_t		 until;
	struct db	*db = r->app->db;

	if ((typed = req_field(r, "email")) == NULL)
		return;
	code = req_field_opt(r, "code", &bad);
	if (bad) {
		req_field(r, "code");
		return;
	}
	if (!validate_email(typed, addr)) {
		email_page(r, 400, "That does not look like an email address. "
		    "Please check it.", typed);
		return;
	}
	if (strcasecmp(addr, r->acct.email) == 0) {
		email_page(r, 422, "That is already your address.", typed);
		return;
	}
	if (!rate_check(db, RATE_EMAIL_ACCOUNT, r->acct.id, NULL, r->now,
	    &until) || !account_email_taken(db, addr, &taken) ||
	    !domains_check_address(db, r->app->cfg.recovery_rule, r->acct.id,
	    addr, &c)) {
		page_storage_error(r);
		return;
	}
	if (until != 0) {
		page_limit_text(r, "You asked for several changes in the last "
		    "hour.", until, msg);
		email_page(r, 429, msg, typed);
		return;
	}
	if (taken) {
		email_page(r, 422, "That address belongs to another account.",
		    typed);
		return;
	}
	/* Refused attempts count too: each may carry a TOTP guess. */
	if (!db_begin(db) ||
	    !rate_hit(db, RATE_EMAIL_ACCOUNT, r->acct.id, NULL, r->now))
		goto fail;
	if (c.verdict != R1_ALLOWED) {
		if (!event_add(db, r->acct.id, "r1_refused", r->http.ip,
		    c.domain, r->now) || !db_commit(db))
			goto fail;
		snprintf(msg, sizeof(msg), "Addresses on %s cannot be your "
		    "address here: %s, and whoever controls a domain controls "
		    "its mail. Please use a personal address, such as one from "
		    "your mail provider.", c.domain,
		    c.verdict == R1_OWN_DOMAIN ? "you manage that domain" :
		    "that domain is managed on this platform");
		email_page(r, 422, msg, typed);
		return;
	}
	if (email_needs_code(r)) {
		good = 0;
		if (code != NULL && code[0] != '\0' &&
		    !twofa_verify(db, r->app->keys.totp, r->acct.id, code,
		    r->now, 1, &good))
			goto fail;
		if (!good) {
			/* The attempt counts against the limit all the same. */
			if (!db_commit(db))
				goto fail;
			email_page(r, 422, code == NULL || code[0] == '\0' ?
			    "Type the code from your authenticator app: "
			    "changing your address needs a recent one." :
			    "That code is not right. Type the code your "
			    "authenticator shows now.", typed);
			return;
		}
		if (!session_set_twofa(db, r->sess.id, r->now))
			goto fail;
	}
	if (!email_send_confirm(r, addr, &until))
		goto fail;
	if (until != 0) {
		/* Rolled back: an attempt that sent nothing is not counted. */
		db_rollback(db);
		page_limit_text(r, OUTBOX_LIMITED, until, msg);
		email_page(r, 429, msg, typed);
		return;
	}
	if (!event_add(db, r->acct.id, "email_change_requested", r->http.ip,
	    addr, r->now) || !db_commit(db))
		goto fail;
	page_redirect(r, "/email?sent=1");
	return;
fail:
	page_storage_error(r);
}

/* ------------------------------------------------------------------ */
/* The links (R7: a GET shows one button, a POST acts)                */

/* The link of kind named by t, peeked; 0 after answering. */
static int
email_link_peek(struct req *r, const char *kind, const char *t,
    struct link *l)
{
	if (t == NULL || !token_valid(t)) {
		page_error(r, 400, "Broken link", "This link is incomplete. "
		    "Please copy the whole link from the message.");
		return 0;
	}
	if (!link_peek(r->app->db, kind, t, r->now, l)) {
		page_storage_error(r);
		return 0;
	}
	if (l->id == 0) {
		page_error(r, 422, "Link no longer valid", "This link has "
		    "already been used, was replaced by a newer one, or has "
		    "expired.");
		return 0;
	}
	return 1;
}

/*
 * The page a mailed link opens (R7): it explains and has one button;
 * name receives the address the link carries.
 */
static void
link_page(struct req *r, const char *kind, const char *name,
    const char *tpl, const char *title)
{
	const char	*t = req_query(r, "t");
	struct link	 l;

	if (!email_link_peek(r, kind, t, &l))
		return;
	render_set(r->page, "T", t);
	render_set(r->page, name, l.data);
	page_render(r, 200, tpl, title);
}

static void
confirm_get(struct req *r)
{
	link_page(r, "email_confirm", "NEW", "email_confirm.tpl",
	    "Confirm your new address");
}

/* Tell the old address (with the way back) and every other channel. */
static int
email_tell_change(struct req *r, const struct account *a, const char *old,
    const char *new)
{
	char			 tok[TOKEN_TEXT], masked[260], when[32];
	struct render_dict	*d;
	struct buf		 link;
	int			 ok = 0;
	struct db		*db = r->app->db;

	buf_init(&link);
	if ((d = render_dict_new()) == NULL)
		return 0;
	if (!link_create(db, "email_revert", a->id, old, r->now, REVERT_TTL,
	    tok))
		goto out;
	buf_printf(&link, "%s/email/revert?t=%s", r->app->cfg.base_url, tok);
	email_masked(new, masked, sizeof(masked));
	page_time(r->now, when);
	render_set(d, "USERNAME", a->username);
	render_set(d, "MASKED", masked);
	render_set(d, "WHEN", when);
	render_set(d, "LINK", link.p);
	render_set(d, "WHAT", "the address of your account changed");
	render_set(d, "BASE_URL", r->app->cfg.base_url);
	if (link.failed || !outbox_mail(db, old, "mail/email_changed_old.tpl",
	    d, r->now, NULL))
		goto out;
	/* The new primary confirmed itself; the recovery channels hear it. */
	ok = notify_channels(db, a, CHANNEL_PRIMARY, "mail/email_changed.tpl",
	    "sms/email_changed.tpl", d, r->now);
out:
	sodium_memzero(tok, sizeof(tok));
	buf_free(&link);
	render_dict_free(d);
	return ok;
}

static void
confirm_post(struct req *r)
{
	const char	*t;
	char		 old[255];
	struct link	 l;
	struct account	 a;
	struct r1_check	 c;
	int		 taken;
	struct db	*db = r->app->db;

	if ((t = req_field(r, "t")) == NULL)
		return;
	if (!token_valid(t)) {
		page_error(r, 400, "Broken link", "This link is incomplete.");
		return;
	}
	/* Anyone who has the mail may press it, logged in or not. */
	if (!db_begin(db) || !link_consume(db, "email_confirm", t, r->now, &l))
		goto fail;
	if (l.id == 0) {
		db_rollback(db);
		page_error(r, 422, "Link no longer valid", "This link has "
		    "already been used, was replaced by a newer one, or has "
		    "expired.");
		return;
	}
	if (!account_by_id(db, l.account_id, &a) ||
	    !account_email_taken(db, l.data, &taken) ||
	    !domains_check_address(db, r->app->cfg.recovery_rule, a.id,
	    l.data, &c))
		goto fail;
	/* Things may have changed in the hour since the request. */
	if (taken || c.verdict != R1_ALLOWED) {
		db_rollback(db);
		page_error(r, 422, "The address cannot be used", taken ?
		    "That address now belongs to another account." :
		    "That address is on a managed domain now (rule R1). "
		    "Please choose a personal address.");
		return;
	}
	snprintf(old, sizeof(old), "%s", a.email);
	if (!account_set_email(db, a.id, l.data, r->now, r->now) ||
	    !account_by_id(db, a.id, &a) ||
	    !event_add(db, a.id, "email_changed", r->http.ip, a.email,
	    r->now) || !email_tell_change(r, &a, old, a.email) ||
	    !db_commit(db))
		goto fail;
	page_redirect(r, r->sess.id != 0 && r->sess.account_id == a.id ?
	    "/email?changed=1" : "/login?email=1");
	return;
fail:
	page_storage_error(r);
}

static void
revert_get(struct req *r)
{
	link_page(r, "email_revert", "OLD", "email_revert.tpl",
	    "Undo the address change");
}

static void
revert_post(struct req *r)
{
	const char		*t;
	char			 tok[TOKEN_TEXT], when[32];
	struct link		 l;
	struct account		 a;
	struct render_dict	*d;
	int			 taken;
	struct db		*db = r->app->db;

	if ((t = req_field(r, "t")) == NULL)
		return;
	if (!token_valid(t)) {
		page_error(r, 400, "Broken link", "This link is incomplete.");
		return;
	}
	if (!db_begin(db) || !link_consume(db, "email_revert", t, r->now, &l))
		goto fail;
	if (l.id == 0) {
		db_rollback(db);
		page_error(r, 422, "Link no longer valid", "This link has "
		    "already been used or has expired.");
		return;
	}
	if (!account_by_id(db, l.account_id, &a) ||
	    !account_email_taken(db, l.data, &taken))
		goto fail;
	if (taken && strcasecmp(l.data, a.email) != 0) {
		db_rollback(db);
		page_error(r, 422, "Please contact your hoster", "That address "
		    "now belongs to another account, so it cannot be restored "
		    "here. The people who run this site can help.");
		return;
	}
	/*
	 * Whoever moved the account may hold a session, a pending reset or
	 * another change: all of it ends here.
	 */
	if ((d = render_dict_new()) == NULL)
		goto fail;
	page_time(r->now, when);
	render_set(d, "USERNAME", a.username);
	render_set(d, "WHEN", when);
	render_set(d, "BASE_URL", r->app->cfg.base_url);
	if (!account_set_email(db, a.id, l.data, r->now, r->now) ||
	    !account_by_id(db, a.id, &a) ||
	    !session_end_all(db, a.id) || !reset_void_all(db, a.id, r->now) ||
	    !link_void(db, "email_confirm", a.id, r->now) ||
	    !link_void(db, "email_revert", a.id, r->now) ||
	    !event_add(db, a.id, "email_reverted", r->http.ip, a.email,
	    r->now) ||
	    !notify_channels(db, &a, CHANNEL_NONE, "mail/email_reverted.tpl",
	    "sms/email_reverted.tpl", d, r->now) || !db_commit(db)) {
		render_dict_free(d);
		goto fail;
	}
	render_dict_free(d);
	token_new(tok);
	req_set_session_cookie(r, tok);
	page_redirect(r, "/login?reverted=1");
	return;
fail:
	page_storage_error(r);
}

static const struct route routes[] = {
	{ "/email", HTTP_GET, email_get, ROUTE_SESSION },
	{ "/email", HTTP_POST, email_post, ROUTE_SESSION },
	{ "/email/confirm", HTTP_GET, confirm_get, 0 },
	{ "/email/confirm", HTTP_POST, confirm_post, 0 },
	{ "/email/revert", HTTP_GET, revert_get, 0 },
	{ "/email/revert", HTTP_POST, revert_post, 0 },
};

static const char *const templates[] = {
	"email.tpl", "email_confirm.tpl", "email_revert.tpl",
	"mail/email_confirm.tpl", "mail/email_changed.tpl",
	"mail/email_changed_old.tpl", "sms/email_changed.tpl",
	"mail/email_reverted.tpl", "sms/email_reverted.tpl", NULL
};

static const struct program program = {
	.name = "postern-email",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.templates = templates,
};

int
main(void)
{
	return app_main(&program);
}
