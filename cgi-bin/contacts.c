/*
 * contacts.c: /contacts and below -- the ways back into an account
 * (R2): recovery emails and phones proven by a code, the printable
 * recovery code, the admin-assisted kit (R6) and two-step verification.
 *
 * Every change here is told at once to every other verified channel, so
 * someone who borrows a session cannot quietly add their own way in.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "postern.h"
#include "code.h"
#include "contacts.h"
#include "domains.h"
#include "notify.h"
#include "onetime.h"
#include "phone.h"
#include "qr.h"
#include "recovery.h"
#include "totp.h"
#include "twofa.h"

static int
sms_enabled(const struct req *r)
{
	return r->app->cfg.sms_command != NULL;
}

/* ------------------------------------------------------------------ */
/* The list                                                           */

struct list_ctx {
	struct req	*r;
	int		 verified;	/* verified contacts seen */
};

static void
list_one(const struct contact *c, void *arg)
{
	struct list_ctx		*lc = arg;
	struct render_dict	*row;
	char			 when[32];
	int			 phone = strcmp(c->kind, "phone") == 0;

	row = render_section(lc->r->page, "CONTACT");
	render_set_int(row, "ID", c->id);
	render_set(row, "KIND", phone ? "Phone" : "Email");
	render_set(row, "VALUE", c->value);
	page_time(c->created_at, when);
	render_set(row, "ADDED", when);
	render_show(row, c->verified_at != 0 ? "VERIFIED" : "PENDING");
	if (c->verified_at != 0)
		lc->verified++;
}

/* The /contacts page, with an error and what was typed on refusal. */
static void
contacts_page(struct req *r, int status, const char *error,
    const char *kind, const char *value)
{
	struct list_ctx	 lc = { r, 0 };
	char		 when[32];

	render_set(r->page, "PRIMARY", r->acct.email);
	page_time(r->acct.created_at, when);
	render_set(r->page, "PRIMARY_ADDED", when);
	render_show(r->page, r->acct.email_verified_at != 0 ?
	    "PRIMARY_VERIFIED" : "PRIMARY_PENDING");
	if (!contacts_each(r->app->db, r->acct.id, list_one, &lc)) {
		page_storage_error(r);
		return;
	}
	render_show(r->page, sms_enabled(r) ? "PHONES" : "NO_PHONES");
	render_show(r->page, kind != NULL && strcmp(kind, "phone") == 0 ?
	    "KIND_PHONE" : "KIND_EMAIL");
	render_set(r->page, "TYPED", value);
	if (r->acct.recovery_code_at != 0) {
		page_time(r->acct.recovery_code_at, when);
		render_set(r->page, "RECOVERY_CODE_AT", when);
		render_show(r->page, "HAS_RECOVERY_CODE");
	} else
		render_show(r->page, "NO_RECOVERY_CODE");
	render_show(r->page, r->acct.totp_enabled_at != 0 ? "TWOFA_ON" :
	    "TWOFA_OFF");
	if (r->app->cfg.admin_email != NULL)
		render_show(r->page, "KITS");
	if (error != NULL)
		page_set_error(r, error);
	page_render(r, status, "contacts.tpl", "Recovery contacts");
}

static void
contacts_get_page(struct req *r)
{
	contacts_page(r, 200, NULL, "email", "");
}

/* ------------------------------------------------------------------ */
/* Adding a contact and its code                                      */

/*
 * Queue a code to one contact, by mail or SMS.  An account can add
 * anyone's address or number, so the code counts toward its limit
 * (*limited as outbox_mail() sets it).
 */
static int
send_code(struct req *r, const struct contact *c, int64_t *limited)
{
	char			 code[ONETIME_TEXT];
	struct render_dict	*d;
	struct channel		 ch;
	int			 ok = 0;

	if ((d = render_dict_new()) == NULL)
		return 0;
	if (!onetime_create(r->app->db, r->app->keys.codes, r->acct.id,
	    "contact", c->id, r->now, code))
		goto out;
	render_set(d, "USERNAME", r->acct.username);
	render_set(d, "CODE", code);
	ch.contact_id = c->id;
	ch.is_phone = strcmp(c->kind, "phone") == 0;
	ch.value = c->value;
	ok = notify_channel(r->app->db, &ch, "mail/contact_code.tpl",
	    "sms/contact_code.tpl", d, r->now, limited);
out:
	sodium_memzero(code, sizeof(code));
	render_dict_free(d);
	return ok;
}

/* Tell every verified channel (but skip) that something changed. */
static int
tell_channels(struct req *r, int64_t skip, const char *what,
    const char *mail_tpl, const char *sms_tpl)
{
	return notify_change(r->app->db, &r->acct, skip, what, r->http.ip,
	    r->app->cfg.base_url, mail_tpl, sms_tpl, r->now);
}

/* A contact as people see it in notices: phones masked. */
static void
contact_label(const struct contact *c, char *out, size_t outsz)
{
	char	 masked[PHONE_MASK_TEXT];

	if (strcmp(c->kind, "phone") == 0 &&
	    phone_mask(c->value, masked, sizeof(masked)))
		snprintf(out, outsz, "the phone %s", masked);
	else
		snprintf(out, outsz, "the address %s", c->value);
}

/* Validate what was typed into out; 0 after answering. */
static int
contacts_typed(struct req *r, const char *kind, const char *value,
    char out[255])
{
	enum phone_reason	 pr;
	char			 phone[PHONE_MAX + 1];

	if (strcmp(kind, "email") == 0) {
		if (!validate_email(value, out)) {
			contacts_page(r, 400, "That does not look like an email "
			    "address. Please check it.", kind, value);
			return 0;
		}
		return 1;
	}
	if (!sms_enabled(r)) {
		contacts_page(r, 422, "This site cannot send text messages, so "
		    "phones cannot be added. Add an email address instead.",
		    kind, value);
		return 0;
	}
	if ((pr = phone_normalise(value, phone)) != PHONE_OK) {
		contacts_page(r, 400, phone_error_text(pr), kind, value);
		return 0;
	}
	snprintf(out, 255, "%s", phone);
	return 1;
}

static void
contacts_add_post(struct req *r)
{
	const char	*kind, *value;
	char		 norm[255], msg[1200], label[300];
	struct contact	 c;
	struct r1_check	 rc;
	int		 n;
	int64_t		 until;
	struct db	*db = r->app->db;

	if ((kind = req_field(r, "kind")) == NULL ||
	    (value = req_field(r, "value")) == NULL)
		return;
	if (strcmp(kind, "email") != 0 && strcmp(kind, "phone") != 0) {
		page_error(r, 400, "Bad request",
		    "A contact is an email address or a phone number.");
		return;
	}
	if (!contacts_typed(r, kind, value, norm))
		return;
	if (strcmp(kind, "email") == 0 &&
	    strcasecmp(norm, r->acct.email) == 0) {
		contacts_page(r, 422, "That is already your primary address.",
		    kind, value);
		return;
	}
	/*
	 * Every check runs inside the write transaction: two tabs adding
	 * at once must not both pass (a duplicate, an eleventh contact, or
	 * a domain added meanwhile under R1).
	 */
	if (!db_begin(db) ||
	    !contacts_find(db, r->acct.id, kind, norm, &c) ||
	    !contacts_count(db, r->acct.id, NULL, 0, &n) ||
	    (strcmp(kind, "email") == 0 && !domains_check_address(db,
	    r->app->cfg.recovery_rule, r->acct.id, norm, &rc)))
		goto fail;
	if (c.id != 0) {
		db_rollback(db);
		contacts_page(r, 422, "That contact is already on your list.",
		    kind, value);
		return;
	}
	if (n >= CONTACTS_MAX) {
		db_rollback(db);
		contacts_page(r, 422, "You have as many contacts as Postern "
		    "keeps. Remove one first.", kind, value);
		return;
	}
	if (strcmp(kind, "email") == 0 && rc.verdict != R1_ALLOWED) {
		if (!event_add(db, r->acct.id, "r1_refused", r->http.ip,
		    rc.domain, r->now) || !db_commit(db))
			goto fail;
		snprintf(msg, sizeof(msg), "Addresses on %s cannot be recovery "
		    "contacts: %s, and whoever controls a domain controls its "
		    "mail. Please use a personal address, such as one from "
		    "your mail provider.", rc.domain,
		    rc.verdict == R1_OWN_DOMAIN ? "you manage that domain" :
		    "that domain is managed on this platform");
		contacts_page(r, 422, msg, kind, value);
		return;
	}
	if (!contacts_add(db, r->acct.id, kind, norm, r->now, &c.id) ||
	    !contacts_get(db, r->acct.id, c.id, &c) ||
	    !send_code(r, &c, &until))
		goto fail;
	if (until != 0) {
		/* A contact without its code would wait for nothing. */
		db_rollback(db);
		page_limit_text(r, OUTBOX_LIMITED, until, msg);
		contacts_page(r, 429, msg, kind, value);
		return;
	}
	contact_label(&c, label, sizeof(label));
	if (!tell_channels(r, c.id, label, "mail/contact_added.tpl",
	    "sms/contact_added.tpl") ||
	    !event_add(db, r->acct.id, "contact_added", r->http.ip, label + 4,
	    r->now) || !db_commit(db))
		goto fail;
	page_redirect(r, "/contacts");
	return;
fail:
	page_storage_error(r);
}

/* The contact named by the id field or query; 0 after answering. */
static int
contact_of(struct req *r, const char *idtext, struct contact *c)
{
	int64_t	 id;

	if (!req_id(idtext, &id)) {
		page_error(r, 400, "Bad request",
		    "That contact reference is not valid.");
		return 0;
	}
	if (!contacts_get(r->app->db, r->acct.id, id, c)) {
		page_storage_error(r);
		return 0;
	}
	if (c->id == 0) {
		/* Possibly another account's id: worth a line in the log. */
		log_warn("refused: account %lld asked for contact %lld, not "
		    "theirs, from %s", (long long)r->acct.id, (long long)id,
		    r->http.ip);
		page_error(r, 404, "No such contact",
		    "You have no contact with that reference.");
		return 0;
	}
	return 1;
}

static void
verify_page(struct req *r, int status, const struct contact *c,
    const char *error)
{
	const char	*sent = req_query(r, "sent");

	render_set_int(r->page, "ID", c->id);
	render_set(r->page, "VALUE", c->value);
	if (sent != NULL && strcmp(sent, "1") == 0 && error == NULL)
		render_show(r->page, "SENT");
	if (error != NULL)
		page_set_error(r, error);
	page_render(r, status, "contact_verify.tpl", "Confirm a contact");
}

static void
contacts_verify_get(struct req *r)
{
	struct contact	 c;

	if (!contact_of(r, req_query(r, "id"), &c))
		return;
	if (c.verified_at != 0) {
		page_redirect(r, "/contacts");
		return;
	}
	verify_page(r, 200, &c, NULL);
}

static void
contacts_resend(struct req *r, const struct contact *c)
{
	char		 path[64], msg[PAGE_LIMIT_TEXT];
	int64_t		 until, limited = 0;
	struct db	*db = r->app->db;

	if (!db_begin(db) || !rate_take(db, RATE_RESEND_ACCOUNT, r->acct.id,
	    NULL, r->now, &until) ||
	    (until == 0 && !send_code(r, c, &limited))) {
		page_storage_error(r);
		return;
	}
	if (until != 0 || limited != 0) {
		db_rollback(db);
		page_limit_text(r, until != 0 ? "You asked for several codes "
		    "in the last hour." : OUTBOX_LIMITED,
		    until != 0 ? until : limited, msg);
		verify_page(r, 429, c, msg);
		return;
	}
	if (!db_commit(db)) {
		page_storage_error(r);
		return;
	}
	snprintf(path, sizeof(path), "/contacts/verify?id=%lld&sent=1",
	    (long long)c->id);
	page_redirect(r, path);
}

static void
contacts_verify_post(struct req *r)
{
	const char		*idtext, *typed, *resend;
	char			 code[CODE_NORMAL_TEXT], msg[200];
	struct contact		 c;
	enum onetime_result	 res;
	int			 bad, left;
	struct db		*db = r->app->db;

	if ((idtext = req_field(r, "id")) == NULL ||
	    !contact_of(r, idtext, &c))
		return;
	resend = req_field_opt(r, "resend", &bad);
	if (bad) {
		req_field(r, "resend");
		return;
	}
	if (c.verified_at != 0) {
		page_redirect(r, "/contacts");
		return;
	}
	if (resend != NULL) {
		contacts_resend(r, &c);
		return;
	}
	if ((typed = req_field(r, "code")) == NULL)
		return;
	if (code_normalise(typed, code, sizeof(code)) != CODE_DIGITS) {
		verify_page(r, 422, &c, "Codes are 8 digits. Please type the "
		    "code from the message.");
		return;
	}
	if (!db_begin(db) || !onetime_check(db, r->app->keys.codes,
	    r->acct.id, "contact", c.id, code, r->now, &res, &left))
		goto fail;
	if (res == ONETIME_OK) {
		if (!contacts_set_verified(db, c.id, r->now) ||
		    !event_add(db, r->acct.id, "contact_verified", r->http.ip,
		    c.value, r->now) || !db_commit(db))
			goto fail;
		page_redirect(r, "/contacts");
		return;
	}
	/* A wrong try is counted even though the request is refused. */
	if (!db_commit(db))
		goto fail;
	if (res == ONETIME_WRONG)
		snprintf(msg, sizeof(msg), "That code is not right. %d %s "
		    "left.", left, left == 1 ? "try" : "tries");
	else if (res == ONETIME_EXHAUSTED)
		snprintf(msg, sizeof(msg), "That code was wrong five times, so "
		    "it no longer works. Please send a new one.");
	else
		snprintf(msg, sizeof(msg), "This code has expired or was "
		    "replaced. Please send a new one.");
	verify_page(r, 422, &c, msg);
	return;
fail:
	page_storage_error(r);
}

static void
contacts_remove_post(struct req *r)
{
	const char	*idtext;
	char		 label[300];
	struct contact	 c;
	int		 verified, phones;
	struct db	*db = r->app->db;

	if ((idtext = req_field(r, "id")) == NULL ||
	    !contact_of(r, idtext, &c))
		return;
	/* Counted inside the write transaction, so two removals at once
	 * cannot both leave the other as the last way in. */
	if (!db_begin(db) ||
	    !contacts_get(db, r->acct.id, c.id, &c) ||
	    !contacts_count(db, r->acct.id, NULL, 1, &verified) ||
	    !contacts_count(db, r->acct.id, "phone", 1, &phones)) {
		page_storage_error(r);
		return;
	}
	if (c.id == 0) {
		db_rollback(db);
		page_error(r, 404, "No such contact",
		    "You have no contact with that reference.");
		return;
	}
	if (r->acct.email_verified_at != 0)
		verified++;
	if (c.verified_at != 0 && verified <= 1) {
		db_rollback(db);
		contacts_page(r, 422, "This is your last verified way back into "
		    "your account. Add and confirm another contact before you "
		    "remove it.", "email", "");
		return;
	}
	if (c.verified_at != 0 && strcmp(c.kind, "phone") == 0 &&
	    phones <= 1 && r->acct.totp_enabled_at != 0 && sms_enabled(r)) {
		db_rollback(db);
		contacts_page(r, 422, "Two-step verification depends on this "
		    "phone. Add and confirm another phone, or turn two-step "
		    "verification off, before you remove it.", "email", "");
		return;
	}
	contact_label(&c, label, sizeof(label));
	if (!contacts_remove(db, c.id) ||
	    !event_add(db, r->acct.id, "contact_removed", r->http.ip,
	    label + 4, r->now) ||
	    !tell_channels(r, CHANNEL_NONE, label, "mail/contact_removed.tpl",
	    "sms/contact_removed.tpl") || !db_commit(db)) {
		page_storage_error(r);
		return;
	}
	page_redirect(r, "/contacts");
}

/* ------------------------------------------------------------------ */
/* The recovery code                                                  */

/* The copy this session may see of the code it made; 0 after a 503. */
static int
recovery_view(struct req *r, struct recovery_view *v)
{
	if (recovery_view_open(r->app->db, r->app->keys.views, r->sess.id,
	    r->acct.id, r->now, v))
		return 1;
	page_storage_error(r);
	return 0;
}

static void
recovery_code_get(struct req *r)
{
	struct recovery_view	 v;
	char			 when[32];

	if (!recovery_view(r, &v))
		return;
	if (v.found) {
		page_time(v.made_at, when);
		render_set(r->page, "UNSAVED_AT", when);
		render_show(r->page, "UNSAVED");
	}
	sodium_memzero(&v, sizeof(v));
	if (r->acct.recovery_code_at != 0) {
		page_time(r->acct.recovery_code_at, when);
		render_set(r->page, "SINCE", when);
		render_show(r->page, "HAS_CODE");
	} else
		render_show(r->page, "NO_CODE");
	render_set_int(r->page, "VIEW_MINUTES", RECOVERY_VIEW_TTL / 60);
	page_render(r, 200, "recovery_code.tpl", "Recovery code");
}

/*
 * Made, then shown by a redirect to a GET: reloading that page shows
 * the same code again instead of making another.
 */
static void
recovery_code_post(struct req *r)
{
	if (!recovery_code_make(r->app->db, &r->app->cfg, r->app->keys.views,
	    &r->acct, r->sess.id, r->http.ip, r->now)) {
		page_storage_error(r);
		return;
	}
	page_redirect(r, "/contacts/recovery-code/new");
}

/*
 * The values of the code's pages: the code, and when it was made.  0
 * after answering: the page that says it can no longer be shown.
 */
static int
recovery_shown(struct req *r, struct render_dict *d)
{
	struct recovery_view	 v;
	char			 when[32];
	struct buf		 url;

	if (!recovery_view(r, &v))
		return 0;
	if (!v.found) {
		render_set_int(r->page, "VIEW_MINUTES", RECOVERY_VIEW_TTL / 60);
		page_render(r, 200, "recovery_code_gone.tpl",
		    "Recovery code");
		return 0;
	}
	render_set(d, "CODE", v.code);
	render_set(d, "USERNAME", r->acct.username);
	page_time(v.made_at, when);
	render_set(d, "MADE", when);
	page_time(v.expires_at, when);
	render_set(d, "UNTIL", when);
	if (v.replaced)
		render_show(d, "REPLACED");
	buf_init(&url);
	buf_printf(&url, "%s/reset", r->app->cfg.base_url);
	render_set(d, "RESET_URL", url.p);
	buf_free(&url);
	sodium_memzero(&v, sizeof(v));
	return 1;
}

static void
recovery_view_get(struct req *r)
{
	if (recovery_shown(r, r->page))
		page_render(r, 200, "recovery_code_new.tpl",
		    "Your recovery code");
}

static void
recovery_print_get(struct req *r)
{
	if (recovery_shown(r, r->page))
		page_render(r, 200, "recovery_code_print.tpl",
		    "Recovery code to print");
}

/* The code as a text file to keep. */
static void
recovery_download_get(struct req *r)
{
	struct render_dict	*d;

	if ((d = render_dict_new()) == NULL) {
		page_storage_error(r);
		return;
	}
	if (!recovery_shown(r, d))
		goto out;
	buf_reset(&r->resp.body);
	if (!render_text("recovery_code_text.tpl", d, &r->resp.body) ||
	    r->resp.body.failed) {
		page_error(r, 500, "Something went wrong",
		    "The file could not be made. Please copy the code from "
		    "the page instead.");
		goto out;
	}
	r->resp.status = 200;
	http_header(&r->resp, "Content-Type", "text/plain; charset=utf-8");
	http_header(&r->resp, "Content-Disposition",
	    "attachment; filename=\"recovery-code.txt\"");
out:
	render_dict_free(d);
}

static void
recovery_saved_post(struct req *r)
{
	if (!recovery_view_drop(r->app->db, r->sess.id)) {
		page_storage_error(r);
		return;
	}
	page_redirect(r, "/contacts");
}

/* ------------------------------------------------------------------ */
/* The admin-assisted kit (R6)                                        */

struct first_email {
	struct contact	 c;
};

static void
first_verified_email(const struct contact *c, void *arg)
{
	struct first_email	*fe = arg;

	if (fe->c.id == 0 && c->verified_at != 0 &&
	    strcmp(c->kind, "email") == 0)
		fe->c = *c;
}

static int
kits_enabled(struct req *r)
{
	if (r->app->cfg.admin_email != NULL)
		return 1;
	page_error(r, 404, "Page not found",
	    "This site does not offer recovery kits.");
	return 0;
}

static void
kit_get(struct req *r)
{
	const char	*sent = req_query(r, "sent");
	char		 when[32];

	if (!kits_enabled(r))
		return;
	if (sent != NULL && strcmp(sent, "1") == 0)
		render_show(r->page, "SENT");
	if (r->acct.kit_at != 0) {
		page_time(r->acct.kit_at, when);
		render_set(r->page, "SINCE", when);
		render_show(r->page, "HAS_KIT");
	}
	page_render(r, 200, "kit.tpl", "Recovery kit");
}

/*
 * Mail one half of a kit.  The owner asked for it, to a verified
 * address and the hoster's: never counted toward a limit nor held back.
 */
static int
kit_mail(struct req *r, const char *to, const char *tpl, const char *half)
{
	struct render_dict	*d;
	char			 when[32];
	int			 ok;

	if ((d = render_dict_new()) == NULL)
		return 0;
	page_time(r->now, when);
	render_set(d, "USERNAME", r->acct.username);
	render_set(d, "HALF", half);
	render_set(d, "WHEN", when);
	render_set(d, "BASE_URL", r->app->cfg.base_url);
	ok = outbox_mail(r->app->db, to, tpl, d, r->now, NULL);
	render_dict_free(d);
	return ok;
}

static void
kit_post(struct req *r)
{
	struct first_email	 fe;
	char			 h1[CODE_KIT_HALF_TEXT], h2[CODE_KIT_HALF_TEXT];
	char			 whole[CODE_KIT_WHOLE_TEXT];
	unsigned char		 h[HASH_BYTES];
	int64_t			 until;
	struct db		*db = r->app->db;

	if (!kits_enabled(r))
		return;
	memset(&fe, 0, sizeof(fe));
	if (!contacts_each(db, r->acct.id, first_verified_email, &fe) ||
	    !rate_check(db, RATE_KIT_ACCOUNT, r->acct.id, NULL, r->now,
	    &until)) {
		page_storage_error(r);
		return;
	}
	if (fe.c.id == 0) {
		page_set_error(r, "A kit needs a confirmed recovery email "
		    "address. Add one on the contacts page first.");
		page_render(r, 422, "kit.tpl", "Recovery kit");
		return;
	}
	if (until != 0) {
		page_limited(r, "Too many kits", "You asked for several kits "
		    "in the last day.", until);
		return;
	}
	if (!code_kit_new(h1, h2, whole) || !code_hash(whole, h))
		goto fail;
	if (!db_begin(db) ||
	    !rate_hit(db, RATE_KIT_ACCOUNT, r->acct.id, NULL, r->now) ||
	    !account_set_kit(db, r->acct.id, h, r->now) ||
	    !kit_mail(r, fe.c.value, "mail/kit_user.tpl", h1) ||
	    !kit_mail(r, r->app->cfg.admin_email, "mail/kit_admin.tpl", h2))
		goto fail;
	if (!event_add(db, r->acct.id, "kit_created", r->http.ip, NULL,
	    r->now) ||
	    !tell_channels(r, CHANNEL_NONE, "a new recovery kit",
	    "mail/kit_new.tpl", "sms/kit_new.tpl") || !db_commit(db))
		goto fail;
	page_redirect(r, "/contacts/kit?sent=1");
	goto out;
fail:
	page_storage_error(r);
out:
	sodium_memzero(h1, sizeof(h1));
	sodium_memzero(h2, sizeof(h2));
	sodium_memzero(whole, sizeof(whole));
}

/* ------------------------------------------------------------------ */
/* Two-step verification (TOTP)                                       */

/* The account's stored TOTP secret; *have is 0 without one. */
static int
twofa_load(struct req *r, unsigned char secret[TOTP_SECRET_BYTES],
    int64_t *last_step, int *have)
{
	unsigned char	 sealed[TOTP_SEALED_BYTES];
	size_t		 n;
	int64_t		 enabled_at;

	*have = 0;
	if (!account_totp(r->app->db, r->acct.id, sealed, sizeof(sealed), &n,
	    &enabled_at, last_step))
		return 0;
	if (n != TOTP_SEALED_BYTES)
		return 1;
	/* A secret that does not open (another key file) is a failure. */
	if (!totp_open(r->app->keys.totp, r->acct.id, sealed, n, secret))
		return 0;
	*have = 1;
	return 1;
}

/* The account's TOTP secret, made (pending) when it has none. */
static int
twofa_secret(struct req *r, unsigned char secret[TOTP_SECRET_BYTES])
{
	unsigned char	 sealed[TOTP_SEALED_BYTES];
	int64_t		 last_step;
	int		 have;
	struct db	*db = r->app->db;

	if (!twofa_load(r, secret, &last_step, &have))
		return 0;
	if (have)
		return 1;
	totp_secret_new(secret);
	if (!totp_seal(r->app->keys.totp, r->acct.id, secret, sealed,
	    sizeof(sealed)) ||
	    !db_begin(db) ||
	    !account_set_totp(db, r->acct.id, sealed, sizeof(sealed), 0) ||
	    !db_commit(db)) {
		db_rollback(db);
		return 0;
	}
	return 1;
}

/* Is the R2 precondition for turning 2FA on met?  *why on refusal. */
static int
twofa_allowed(struct req *r, int *allowed, const char **why)
{
	int	 phones;

	*allowed = 1;
	*why = NULL;
	if (sms_enabled(r)) {
		if (!contacts_count(r->app->db, r->acct.id, "phone", 1,
		    &phones))
			return 0;
		if (phones == 0) {
			*allowed = 0;
			*why = "Confirm a recovery phone first: if you lose "
			    "your authenticator, it is your way back in.";
		}
	} else if (r->acct.recovery_code_at == 0) {
		*allowed = 0;
		*why = "Make a recovery code first: if you lose your "
		    "authenticator, it is your way back in.";
	}
	return 1;
}

static void
twofa_page(struct req *r, int status, const char *error)
{
	unsigned char	 secret[TOTP_SECRET_BYTES];
	char		 grouped[TOTP_GROUPED_TEXT], when[32];
	struct buf	 uri, svg;
	int		 allowed;
	const char	*why;

	buf_init(&uri);
	buf_init(&svg);
	if (error != NULL)
		page_set_error(r, error);
	if (r->acct.totp_enabled_at != 0) {
		page_time(r->acct.totp_enabled_at, when);
		render_set(r->page, "SINCE", when);
		render_show(r->page, "ON");
		page_render(r, status, "twofa.tpl", "Two-step verification");
		return;
	}
	if (!twofa_secret(r, secret) || !twofa_allowed(r, &allowed, &why)) {
		page_storage_error(r);
		goto out;
	}
	if (!totp_secret_grouped(secret, grouped) ||
	    !totp_uri(secret, "Postern", r->acct.username, &uri) ||
	    !qr_svg(uri.p, &svg)) {
		page_error(r, 503, "Please try again",
		    "The code for your authenticator could not be made.");
		goto out;
	}
	render_show(r->page, "OFF");
	if (!allowed) {
		render_show(r->page, "BLOCKED");
		render_set(r->page, "WHY", why);
	}
	render_set(r->page, "SECRET", grouped);
	render_set(r->page, "URI", uri.p);
	render_set(r->page, "QR", svg.p);
	page_render(r, status, "twofa.tpl", "Two-step verification");
out:
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(grouped, sizeof(grouped));
	if (uri.p != NULL)
		sodium_memzero(uri.p, uri.cap);
	buf_free(&uri);
	buf_free(&svg);
}

static void
twofa_get(struct req *r)
{
	twofa_page(r, 200, NULL);
}

static void
twofa_post(struct req *r)
{
	const char	*typed, *disable, *why;
	int		 bad, good, allowed;
	struct db	*db = r->app->db;

	disable = req_field_opt(r, "disable", &bad);
	if (bad || (typed = req_field(r, "code")) == NULL) {
		if (bad)
			req_field(r, "disable");
		return;
	}
	if ((disable != NULL) != (r->acct.totp_enabled_at != 0)) {
		/* Already in the state asked for. */
		page_redirect(r, "/contacts");
		return;
	}
	if (!db_begin(db))
		goto fail;
	/* Inside the transaction: the phone cannot go away meanwhile. */
	if (disable == NULL) {
		if (!twofa_allowed(r, &allowed, &why))
			goto fail;
		if (!allowed) {
			db_rollback(db);
			twofa_page(r, 422, why);
			return;
		}
	}
	if (!twofa_verify(db, r->app->keys.totp, r->acct.id, typed, r->now, 0,
	    &good))
		goto fail;
	if (!good) {
		db_rollback(db);
		twofa_page(r, 422, "That code is not right. Type the code your "
		    "authenticator shows now.");
		return;
	}
	if (disable != NULL) {
		if (!account_set_totp(db, r->acct.id, NULL, 0, 0) ||
		    !event_add(db, r->acct.id, "twofa_disabled", r->http.ip,
		    NULL, r->now) ||
		    !tell_channels(r, CHANNEL_NONE, "two-step verification "
		    "turned off", "mail/twofa_changed.tpl",
		    "sms/twofa_changed.tpl"))
			goto fail;
	} else if (!account_totp_enable(db, r->acct.id, r->now) ||
	    !session_set_twofa(db, r->sess.id, r->now) ||
	    !event_add(db, r->acct.id, "twofa_enabled", r->http.ip, NULL,
	    r->now) ||
	    !tell_channels(r, CHANNEL_NONE, "two-step verification turned on",
	    "mail/twofa_changed.tpl", "sms/twofa_changed.tpl"))
		goto fail;
	if (!db_commit(db))
		goto fail;
	page_redirect(r, "/contacts");
	return;
fail:
	page_storage_error(r);
}

static const struct route routes[] = {
	{ "/contacts", HTTP_GET, contacts_get_page, ROUTE_SESSION },
	{ "/contacts", HTTP_POST, contacts_add_post, ROUTE_SESSION },
	{ "/contacts/verify", HTTP_GET, contacts_verify_get, ROUTE_SESSION },
	{ "/contacts/verify", HTTP_POST, contacts_verify_post, ROUTE_SESSION },
	{ "/contacts/remove", HTTP_POST, contacts_remove_post, ROUTE_SESSION },
	{ "/contacts/recovery-code", HTTP_GET, recovery_code_get,
	    ROUTE_SESSION },
	{ "/contacts/recovery-code", HTTP_POST, recovery_code_post,
	    ROUTE_SESSION },
	{ "/contacts/recovery-code/new", HTTP_GET, recovery_view_get,
	    ROUTE_SESSION },
	{ "/contacts/recovery-code/print", HTTP_GET, recovery_print_get,
	    ROUTE_SESSION },
	{ "/contacts/recovery-code/download", HTTP_GET, recovery_download_get,
	    ROUTE_SESSION },
	{ "/contacts/recovery-code/saved", HTTP_POST, recovery_saved_post,
	    ROUTE_SESSION },
	{ "/contacts/kit", HTTP_GET, kit_get, ROUTE_SESSION },
	{ "/contacts/kit", HTTP_POST, kit_post, ROUTE_SESSION },
	{ "/contacts/2fa", HTTP_GET, twofa_get, ROUTE_SESSION },
	{ "/contacts/2fa", HTTP_POST, twofa_post, ROUTE_SESSION },
};

static const char *const templates[] = {
	"contacts.tpl", "contact_verify.tpl", "recovery_code.tpl",
	"recovery_code_new.tpl", "recovery_code_gone.tpl",
	"recovery_code_print.tpl", "recovery_code_text.tpl", "kit.tpl",
	"twofa.tpl",
	"mail/contact_code.tpl", "sms/contact_code.tpl",
	"mail/contact_added.tpl", "sms/contact_added.tpl",
	"mail/contact_removed.tpl", "sms/contact_removed.tpl",
	RECOVERY_NOTICE_TEMPLATES, "mail/kit_user.tpl", "mail/kit_admin.tpl",
	"mail/kit_new.tpl", "sms/kit_new.tpl", "mail/twofa_changed.tpl",
	"sms/twofa_changed.tpl", NULL
};

static const struct program program = {
	.name = "postern-contacts",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.templates = templates,
};

int
main(void)
{
	return app_main(&program);
}
