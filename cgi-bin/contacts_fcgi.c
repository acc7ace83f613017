/*
 * contacts_fcgi.c: /contacts and below -- the ways back into an account
 * (R2): recovery emails and phones proven by a code, the printable
 * recovery code, the admin-assisted kit (R6) and two-step verification.
 * The rules are in lib/flow_contacts.c; these handlers map its outcomes
 * to pages.  Every change asks for the password (R8), so each form
 * carries it, with the authenticator's code when 2FA is on.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "postern.h"
#include "contacts.h"
#include "flow_contacts.h"
#include "guard.h"
#include "qr.h"
#include "recovery.h"
#include "totp.h"

/* Ask for the authenticator's code beside the password? */
static void
proof_sections(struct req *r)
{
	if (r->acct.totp_enabled_at != 0)
		render_show(r->page, "NEED_TOTP");
}

/* ------------------------------------------------------------------ */
/* The list                                                           */

struct list_ctx {
	struct req *r;
	int64_t	    confirm; /* the contact to ask a proof for */
};

static void
list_one(const struct contact *c, void *arg)
{
	struct list_ctx	   *lc = arg;
	struct render_dict *row;

	row = render_section(lc->r->page, "CONTACT");
	render_set_int(row, "ID", c->id);
	render_show(row, c->kind == CONTACT_PHONE ? "PHONE" : "EMAIL");
	render_set(row, "VALUE", c->value);
	page_set_time(row, "ADDED", c->created_at);
	render_show(row, c->verified_at != 0 ? "VERIFIED" : "PENDING");
	/* A contact is confirmed from the session that added it (R8). */
	if (c->verified_at == 0)
		render_show(row,
		    c->session_id == lc->r->sess.id ? "HERE" : "ELSEWHERE");
	if (c->id != lc->confirm)
		render_show(row, "REMOVE");
	else {
		render_show(row, "CONFIRM_REMOVE");
		if (lc->r->acct.totp_enabled_at != 0)
			render_show(row, "NEED_TOTP");
	}
}

/* The primary address and the recovery contacts; 0 after a 503. */
static int
contacts_list(struct req *r, int64_t confirm)
{
	struct list_ctx lc = { r, confirm };

	render_set(r->page, "PRIMARY", r->acct.email);
	page_set_time(r->page, "PRIMARY_ADDED", r->acct.created_at);
	render_show(r->page,
	    r->acct.email_verified_at != 0 ? "PRIMARY_VERIFIED" :
					     "PRIMARY_PENDING");
	if (contacts_each(r->app->db, r->acct.id, list_one, &lc))
		return 1;
	page_storage_error(r);
	return 0;
}

/* The other ways back in: recovery code, kit, 2FA. */
static void
contacts_others(struct req *r)
{
	if (r->acct.recovery_code_at != 0) {
		page_set_time(r->page, "RECOVERY_CODE_AT",
		    r->acct.recovery_code_at);
		render_show(r->page, "HAS_RECOVERY_CODE");
	} else
		render_show(r->page, "NO_RECOVERY_CODE");
	render_show(r->page,
	    r->acct.totp_enabled_at != 0 ? "TWOFA_ON" : "TWOFA_OFF");
	if (r->app->cfg.admin_email != NULL)
		render_show(r->page, "KITS");
}

/*
 * The /contacts page; what was typed into the add form is shown again,
 * confirm names a contact whose removal waits for a proof.
 */
static void
contacts_page(struct req *r, int status, int64_t confirm)
{
	const char	 *value = req_arg(r, "value");
	enum contact_kind typed;

	if (!contacts_list(r, confirm))
		return;
	render_show(r->page,
	    r->app->cfg.sms_command != NULL ? "PHONES" : "NO_PHONES");
	render_show(r->page,
	    contact_kind_of(req_arg(r, "kind"), &typed) &&
		    typed == CONTACT_PHONE ?
		"KIND_PHONE" :
		"KIND_EMAIL");
	render_set(r->page, "TYPED", value != NULL ? value : "");
	contacts_others(r);
	proof_sections(r);
	page_render(r, status, "contacts.tpl");
}

static void
contacts_get_page(struct req *r)
{
	contacts_page(r, 200, 0);
}

/* The add form again, after a refusal. */
static void
contacts_add_form(struct req *r, int status)
{
	contacts_page(r, status, 0);
}

/* ------------------------------------------------------------------ */
/* Adding, confirming and removing a contact                          */

static void
contacts_add_post(struct req *r)
{
	int64_t	     id;
	enum outcome o;

	o = flow_contact_add(&r->flow, req_arg(r, "password"),
	    req_arg(r, "code"), req_arg(r, "kind"), req_arg(r, "value"), &id);
	if (o == OUT_OK) {
		page_notice(r, "CONTACT_ADDED");
		page_redirect(r, "/contacts");
	} else if (o == OUT_BAD_REQUEST)
		page_outcome(r, o);
	else
		page_refuse(r, o, contacts_add_form);
}

static void
verify_page(struct req *r, int status, const struct contact *c)
{
	render_set_int(r->page, "ID", c->id);
	render_set(r->page, "VALUE", c->value);
	if (req_notice(r, "sent"))
		render_show(r->page, "SENT");
	page_render(r, status, "contact_verify.tpl");
}

/* Contact id for a page about it; 0 after answering. */
static int
contact_for_page(struct req *r, int64_t id, struct contact *c)
{
	if (!contacts_get(r->app->db, r->acct.id, id, c)) {
		page_storage_error(r);
		return 0;
	}
	if (c->id == 0) {
		page_outcome(r, OUT_NO_CONTACT);
		return 0;
	}
	return 1;
}

static void
contacts_verify_get(struct req *r)
{
	struct contact c;

	if (!contact_for_page(r, req_arg_id(r, "id"), &c))
		return;
	if (c.verified_at != 0)
		page_redirect(r, "/contacts");
	else if (c.session_id != r->sess.id)
		page_outcome(r, OUT_CONTACT_OTHER_SESSION);
	else
		verify_page(r, 200, &c);
}

/* The code form again, after a refusal. */
static void
contacts_verify_form(struct req *r, int status)
{
	struct contact c;

	if (contact_for_page(r, req_arg_id(r, "id"), &c))
		verify_page(r, status, &c);
}

/* Where a code sent again (resend) or a confirmed contact leads. */
static void
contacts_verified(struct req *r, int64_t id, int resend)
{
	char path[64];

	snprintf(path, sizeof(path), "/contacts/verify?id=%lld&sent=1",
	    (long long)id);
	if (!resend)
		page_notice(r, "CONTACT_VERIFIED");
	page_redirect(r, resend ? path : "/contacts");
}

/* Confirm a contact with its code, or send a new code (resend). */
static void
contacts_verify_post(struct req *r)
{
	int64_t	     id = req_arg_id(r, "id");
	int	     resend = req_arg(r, "resend") != NULL;
	enum outcome o;

	o = resend ? flow_contact_resend(&r->flow, id) :
		     flow_contact_verify(&r->flow, id, req_arg(r, "code"));
	if (o == OUT_OK)
		contacts_verified(r, id, resend);
	else if (o == OUT_NO_CONTACT || o == OUT_CONTACT_OTHER_SESSION)
		page_outcome(r, o);
	else
		page_refuse(r, o, contacts_verify_form);
}

static void
contacts_remove_post(struct req *r)
{
	int64_t	     id = req_arg_id(r, "id");
	enum outcome o;
	int	     status;

	o = flow_contact_remove(&r->flow, id, req_arg(r, "password"),
	    req_arg(r, "code"));
	if (o == OUT_OK) {
		page_notice(r, "CONTACT_REMOVED");
		page_redirect(r, "/contacts");
	} else if (o == OUT_NO_CONTACT)
		page_outcome(r, o);
	else if ((status = page_refused(r, o)) != 0)
		contacts_page(r, status,
		    o == OUT_LAST_WAY || o == OUT_TWOFA_PHONE ? 0 : id);
}

/* ------------------------------------------------------------------ */
/* The recovery code                                                  */

/* The copy this session may see of the code it made; 0 after a 503. */
static int
recovery_view(struct req *r, struct recovery_view *v)
{
	if (flow_recovery_view(&r->flow, v) == OUT_OK)
		return 1;
	page_storage_error(r);
	return 0;
}

/* The status page; status other than 200 after a refused proof. */
static void
recovery_code_page(struct req *r, int status)
{
	struct recovery_view v;

	if (!recovery_view(r, &v))
		return;
	if (v.found) {
		page_set_time(r->page, "UNSAVED_AT", v.made_at);
		render_show(r->page, "UNSAVED");
	}
	sodium_memzero(&v, sizeof(v));
	if (r->acct.recovery_code_at != 0) {
		page_set_time(r->page, "SINCE", r->acct.recovery_code_at);
		render_show(r->page, "HAS_CODE");
	} else
		render_show(r->page, "NO_CODE");
	render_set_int(r->page, "VIEW_MINUTES", RECOVERY_VIEW_TTL / 60);
	proof_sections(r);
	page_render(r, status, "recovery_code.tpl");
}

/*
 * Made, then shown by a redirect to a GET: reloading that page shows
 * the same code again instead of making another.
 */
static void
recovery_code_post(struct req *r)
{
	enum outcome o;

	o = flow_recovery_code(&r->flow, req_arg(r, "password"),
	    req_arg(r, "code"));
	if (o == OUT_OK)
		page_redirect(r, "/contacts/recovery-code/new");
	else
		page_refuse(r, o, recovery_code_page);
}

/*
 * The values of the code's pages: the code, and when it was made.  0
 * after answering: the page that says it can no longer be shown.
 */
static int
recovery_shown(struct req *r, struct render_dict *d)
{
	struct recovery_view v;
	struct buf	     url;

	if (!recovery_view(r, &v))
		return 0;
	if (!v.found) {
		render_set_int(r->page, "VIEW_MINUTES",
		    RECOVERY_VIEW_TTL / 60);
		page_render(r, 200, "recovery_code_gone.tpl");
		return 0;
	}
	render_set(d, "CODE", v.code);
	render_set(d, "USERNAME", r->acct.username);
	page_set_time(d, "MADE", v.made_at);
	page_set_time(d, "UNTIL", v.expires_at);
	if (v.replaced)
		render_show(d, "REPLACED");
	buf_init(&url);
	if (http_link(&url, r->app->cfg.base_url, "/reset", NULL, NULL))
		render_set(d, "RESET_URL", url.p);
	buf_free(&url);
	sodium_memzero(&v, sizeof(v));
	return 1;
}

static void
recovery_view_get(struct req *r)
{
	if (recovery_shown(r, r->page))
		page_render(r, 200, "recovery_code_new.tpl");
}

static void
recovery_print_get(struct req *r)
{
	if (recovery_shown(r, r->page))
		page_render(r, 200, "recovery_code_print.tpl");
}

/* The code as a text file to keep. */
static void
recovery_download_get(struct req *r)
{
	struct render_dict *d;

	if ((d = render_dict_new()) == NULL) {
		page_storage_error(r);
		return;
	}
	if (!recovery_shown(r, d))
		goto out;
	buf_reset(&r->resp.body);
	if (!render_text("recovery_code_text.tpl", d, &r->resp.body) ||
	    r->resp.body.failed) {
		page_outcome(r, OUT_FILE_FAILED);
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
	if (flow_recovery_saved(&r->flow) != OUT_OK) {
		page_storage_error(r);
		return;
	}
	page_notice(r, "RECOVERY_CODE_SAVED");
	page_redirect(r, "/contacts");
}

/* ------------------------------------------------------------------ */
/* The admin-assisted kit (R6)                                        */

static void
kit_page(struct req *r, int status)
{
	if (r->app->cfg.admin_email == NULL) {
		page_outcome(r, OUT_KITS_OFF);
		return;
	}
	if (req_notice(r, "sent"))
		render_show(r->page, "SENT");
	if (r->acct.kit_at != 0) {
		page_set_time(r->page, "SINCE", r->acct.kit_at);
		render_show(r->page, "HAS_KIT");
	}
	proof_sections(r);
	page_render(r, status, "kit.tpl");
}

static void
kit_post(struct req *r)
{
	enum outcome o;

	o = flow_kit(&r->flow, req_arg(r, "password"), req_arg(r, "code"));
	if (o == OUT_OK)
		page_redirect(r, "/contacts/kit?sent=1");
	else if (o == OUT_KITS_OFF || o == OUT_LIMIT_KITS)
		page_outcome(r, o);
	else
		page_refuse(r, o, kit_page);
}

/* ------------------------------------------------------------------ */
/* Two-step verification (TOTP)                                       */

/* The authenticator's key, shown: QR code, text and setup link. */
static int
twofa_show_secret(struct req *r, const unsigned char secret[TOTP_SECRET_BYTES])
{
	char	   grouped[TOTP_GROUPED_TEXT];
	struct buf uri, svg;
	int	   ok;

	buf_init(&uri);
	buf_init(&svg);
	ok = totp_secret_grouped(secret, grouped) &&
	    totp_uri(secret, "Postern", r->acct.username, &uri) &&
	    qr_svg(uri.p, &svg);
	if (ok) {
		render_show(r->page, "SHOWN");
		render_set_int(r->page, "SETUP_MINUTES", TWOFA_SETUP_TTL / 60);
		render_set(r->page, "SECRET", grouped);
		/* The template writes the scheme: ctemplate would turn a
		 * whole otpauth: URL in href into "#". */
		render_set(r->page, "URI_REST",
		    uri.p + strlen(TOTP_URI_SCHEME));
		render_set(r->page, "QR", svg.p);
	}
	sodium_memzero(grouped, sizeof(grouped));
	if (uri.p != NULL)
		sodium_memzero(uri.p, uri.cap);
	buf_free(&uri);
	buf_free(&svg);
	return ok;
}

/*
 * With 2FA off: why it cannot be turned on yet, or the key shown once
 * (secret), or the setup form.  0 after a 503.
 */
static int
twofa_off(struct req *r, const unsigned char secret[TOTP_SECRET_BYTES])
{
	enum outcome o;
	int	     pending;

	render_show(r->page, "OFF");
	if ((o = flow_twofa_allowed(&r->flow)) == OUT_STORAGE)
		return 0;
	if (o != OUT_OK) {
		/* No key, no forms: what is missing, and a link to it. */
		render_show(r->page,
		    o == OUT_TWOFA_NEED_PHONE ? "NEED_PHONE" : "NEED_CODE");
		return 1;
	}
	if (secret != NULL) {
		render_show(r->page, "CODE_FORM");
		return twofa_show_secret(r, secret);
	}
	/* A key shown to this session lately is not shown again, but its
	 * code is welcome: who reloaded need not start over. */
	if (!flow_twofa_pending(&r->flow, &pending))
		return 0;
	render_show(r->page, "SETUP");
	if (pending) {
		render_show(r->page, "PENDING");
		render_show(r->page, "CODE_FORM");
	}
	return 1;
}

/*
 * The page.  With 2FA off it asks for the password first: the key (a
 * way in) is shown once, in the answer to that POST (secret), never on
 * a GET that a borrowed session could open.
 */
static void
twofa_page(struct req *r, int status,
    const unsigned char secret[TOTP_SECRET_BYTES])
{
	if (r->acct.totp_enabled_at != 0) {
		page_set_time(r->page, "SINCE", r->acct.totp_enabled_at);
		render_show(r->page, "ON");
	} else if (!twofa_off(r, secret)) {
		page_storage_error(r);
		return;
	}
	page_render(r, status, "twofa.tpl");
}

static void
twofa_get(struct req *r)
{
	twofa_page(r, 200, NULL);
}

/*
 * One route, three forms: disable (with the password and a code),
 * setup (the password: shows the secret), enable (the first code).
 */
/* After turning 2FA on or off: the contacts with a notice, or why not. */
static void
twofa_answer(struct req *r, enum outcome o, const char *notice)
{
	int status;

	if (o == OUT_OK) {
		page_notice(r, notice);
		page_redirect(r, "/contacts");
	} else if (o == OUT_TWOFA_NEED_PHONE ||
	    o == OUT_TWOFA_NEED_RECOVERY_CODE)
		/* The page says what is missing, with its link. */
		twofa_page(r, outcome_status(o), NULL);
	else if ((status = page_refused(r, o)) != 0)
		twofa_page(r, status, NULL);
}

static void
twofa_post(struct req *r)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	const char   *password = req_arg(r, "password");
	int	      off = req_arg(r, "disable") != NULL;
	enum outcome  o;

	if (off)
		o = flow_twofa_disable(&r->flow, password, req_arg(r, "code"));
	else if (password != NULL && r->acct.totp_enabled_at == 0) {
		if ((o = flow_twofa_setup(&r->flow, password, secret)) ==
		    OUT_OK) {
			/* Shown exactly once: 200, not a redirect. */
			twofa_page(r, 200, secret);
			sodium_memzero(secret, sizeof(secret));
			return;
		}
	} else
		o = flow_twofa_enable(&r->flow, req_arg(r, "code"));
	twofa_answer(r, o, off ? "TWOFA_OFF" : "TWOFA_ON");
}

/* The proof R8 asks with every change. */
#define PROOF_FIELDS \
	{ "password", FIELD_PASSWORD, 0, NULL }, \
	{ \
		"code", FIELD_CODE, 0, NULL \
	}

static const struct route routes[] = {
	{ "/contacts", HTTP_GET, contacts_get_page, ROUTE_SESSION, NULL,
	    NULL },
	{ "/contacts", HTTP_POST, contacts_add_post, ROUTE_SESSION,
	    FIELDS({ "kind", FIELD_CONTACT_KIND, FIELD_REQUIRED, NULL },
		{ "value", FIELD_CONTACT, FIELD_REQUIRED, NULL },
		PROOF_FIELDS),
	    contacts_add_form },
	{ "/contacts/verify", HTTP_GET, contacts_verify_get, ROUTE_SESSION,
	    FIELDS({ "id", FIELD_ID, FIELD_REQUIRED, NULL },
		{ "sent", FIELD_NOTICE, 0, NULL }),
	    NULL },
	{ "/contacts/verify", HTTP_POST, contacts_verify_post, ROUTE_SESSION,
	    FIELDS({ "id", FIELD_ID, FIELD_REQUIRED, NULL },
		{ "resend", FIELD_BUTTON, 0, NULL },
		{ "code", FIELD_CODE, FIELD_REQUIRED, "resend" }),
	    contacts_verify_form },
	{ "/contacts/remove", HTTP_POST, contacts_remove_post, ROUTE_SESSION,
	    FIELDS({ "id", FIELD_ID, FIELD_REQUIRED, NULL }, PROOF_FIELDS),
	    NULL },
	{ "/contacts/recovery-code", HTTP_GET, NULL, ROUTE_SESSION, NULL,
	    recovery_code_page },
	{ "/contacts/recovery-code", HTTP_POST, recovery_code_post,
	    ROUTE_SESSION, FIELDS(PROOF_FIELDS), NULL },
	{ "/contacts/recovery-code/new", HTTP_GET, recovery_view_get,
	    ROUTE_SESSION, NULL, NULL },
	{ "/contacts/recovery-code/print", HTTP_GET, recovery_print_get,
	    ROUTE_SESSION, NULL, NULL },
	{ "/contacts/recovery-code/download", HTTP_GET, recovery_download_get,
	    ROUTE_SESSION, NULL, NULL },
	{ "/contacts/recovery-code/saved", HTTP_POST, recovery_saved_post,
	    ROUTE_SESSION, NULL, NULL },
	{ "/contacts/kit", HTTP_GET, NULL, ROUTE_SESSION,
	    FIELDS({ "sent", FIELD_NOTICE, 0, NULL }), kit_page },
	{ "/contacts/kit", HTTP_POST, kit_post, ROUTE_SESSION,
	    FIELDS(PROOF_FIELDS), NULL },
	{ "/contacts/2fa", HTTP_GET, twofa_get, ROUTE_SESSION, NULL, NULL },
	{ "/contacts/2fa", HTTP_POST, twofa_post, ROUTE_SESSION,
	    FIELDS({ "disable", FIELD_BUTTON, 0, NULL }, PROOF_FIELDS), NULL },
};

static const char *const templates[] = { "contacts.tpl", "contact_verify.tpl",
	"recovery_code.tpl", "recovery_code_new.tpl", "recovery_code_gone.tpl",
	"recovery_code_print.tpl", "recovery_code_text.tpl", "kit.tpl",
	"twofa.tpl", FLOW_CONTACTS_TEMPLATES, RECOVERY_NOTICE_TEMPLATES,
	GUARD_TEMPLATES, NULL };

APP_MAIN(.name = "postern-contacts", APP_ROUTES(routes),
    .templates = templates)
