/*
 * contacts.c: /contacts and below -- the ways back into an account
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

/* The proof fields of an R8 form: NULL when absent; 0 after a 400. */
static int
proof_fields(struct req *r, const char **password, const char **code)
{
	int	 bad = 0;

	*password = req_field_opt(r, "password", &bad);
	*code = bad ? NULL : req_field_opt(r, "code", &bad);
	if (bad)
		page_outcome(r, OUT_BAD_REQUEST);
	return !bad;
}

/* Ask for the authenticator's code beside the password? */
static void
proof_sections(struct req *r)
{
	if (r->acct.totp_enabled_at != 0)
		render_show(r->page, "NEED_TOTP");
}

/* An id from a form or a query; 0 after answering 400. */
static int
contact_id(struct req *r, const char *text, int64_t *id)
{
	if (req_id(text, id))
		return 1;
	page_outcome(r, OUT_BAD_REQUEST);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The list                                                           */

struct list_ctx {
	struct req	*r;
	int64_t		 confirm;	/* the contact to ask a proof for */
};

static void
list_one(const struct contact *c, void *arg)
{
	struct list_ctx		*lc = arg;
	struct render_dict	*row;

	row = render_section(lc->r->page, "CONTACT");
	render_set_int(row, "ID", c->id);
	render_set(row, "KIND", c->kind == CONTACT_PHONE ? "Phone" : "Email");
	render_set(row, "VALUE", c->value);
	page_set_time(row, "ADDED", c->created_at);
	render_show(row, c->verified_at != 0 ? "VERIFIED" : "PENDING");
	/* A contact is confirmed from the session that added it (R8). */
	if (c->verified_at == 0)
		render_show(row, c->session_id == lc->r->sess.id ? "HERE" :
		    "ELSEWHERE");
	if (c->id != lc->confirm)
		render_show(row, "REMOVE");
	else {
		render_show(row, "CONFIRM_REMOVE");
		if (lc->r->acct.totp_enabled_at != 0)
			render_show(row, "NEED_TOTP");
	}
}

/*
 * The /contacts page; what was typed into the add form is shown again,
 * confirm names a contact whose removal waits for a proof.
 */
static void
contacts_page(struct req *r, int status, int64_t confirm)
{
	struct list_ctx	 lc = { r, confirm };
	const char	*kind = NULL, *value = NULL;
	enum contact_kind typed;
	int		 bad;

	if (r->http.method == HTTP_POST && confirm == 0) {
		kind = req_field_opt(r, "kind", &bad);
		value = req_field_opt(r, "value", &bad);
	}
	render_set(r->page, "PRIMARY", r->acct.email);
	page_set_time(r->page, "PRIMARY_ADDED", r->acct.created_at);
	render_show(r->page, r->acct.email_verified_at != 0 ?
	    "PRIMARY_VERIFIED" : "PRIMARY_PENDING");
	if (!contacts_each(r->app->db, r->acct.id, list_one, &lc)) {
		page_storage_error(r);
		return;
	}
	render_show(r->page, r->app->cfg.sms_command != NULL ? "PHONES" :
	    "NO_PHONES");
	render_show(r->page, contact_kind_of(kind, &typed) &&
	    typed == CONTACT_PHONE ? "KIND_PHONE" : "KIND_EMAIL");
	render_set(r->page, "TYPED", value != NULL ? value : "");
	if (r->acct.recovery_code_at != 0) {
		page_set_time(r->page, "RECOVERY_CODE_AT",
		    r->acct.recovery_code_at);
		render_show(r->page, "HAS_RECOVERY_CODE");
	} else
		render_show(r->page, "NO_RECOVERY_CODE");
	render_show(r->page, r->acct.totp_enabled_at != 0 ? "TWOFA_ON" :
	    "TWOFA_OFF");
	if (r->app->cfg.admin_email != NULL)
		render_show(r->page, "KITS");
	proof_sections(r);
	page_render(r, status, "contacts.tpl", "Recovery contacts");
}

static void
contacts_get_page(struct req *r)
{
	contacts_page(r, 200, 0);
}

/* ------------------------------------------------------------------ */
/* Adding, confirming and removing a contact                          */

static void
contacts_add_post(struct req *r)
{
	const char	*kind, *value, *password, *code;
	int64_t		 id;
	enum outcome	 o;
	int		 status;

	if ((kind = req_field(r, "kind")) == NULL ||
	    (value = req_field(r, "value")) == NULL ||
	    !proof_fields(r, &password, &code))
		return;
	o = flow_contact_add(&r->flow, password, code, kind, value, &id);
	if (o == OUT_OK)
		page_redirect(r, "/contacts");
	else if (o == OUT_BAD_REQUEST)
		page_outcome(r, o);
	else if ((status = page_refused(r, o)) != 0)
		contacts_page(r, status, 0);
}

static void
verify_page(struct req *r, int status, const struct contact *c)
{
	const char	*sent = req_query(r, "sent");

	render_set_int(r->page, "ID", c->id);
	render_set(r->page, "VALUE", c->value);
	if (sent != NULL && strcmp(sent, "1") == 0 && status == 200)
		render_show(r->page, "SENT");
	page_render(r, status, "contact_verify.tpl", "Confirm a contact");
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
	struct contact	 c;
	int64_t		 id;

	if (!contact_id(r, req_query(r, "id"), &id) ||
	    !contact_for_page(r, id, &c))
		return;
	if (c.verified_at != 0)
		page_redirect(r, "/contacts");
	else if (c.session_id != r->sess.id)
		page_outcome(r, OUT_CONTACT_OTHER_SESSION);
	else
		verify_page(r, 200, &c);
}

static void
contacts_verify_post(struct req *r)
{
	const char	*idtext, *code, *resend;
	char		 path[64];
	struct contact	 c;
	int64_t		 id;
	enum outcome	 o;
	int		 bad, status;

	if ((idtext = req_field(r, "id")) == NULL ||
	    !contact_id(r, idtext, &id))
		return;
	if ((resend = req_field_opt(r, "resend", &bad)) != NULL || bad) {
		if (bad) {
			page_outcome(r, OUT_BAD_REQUEST);
			return;
		}
		o = flow_contact_resend(&r->flow, id);
	} else if ((code = req_field(r, "code")) == NULL)
		return;
	else
		o = flow_contact_verify(&r->flow, id, code);
	if (o == OUT_OK) {
		snprintf(path, sizeof(path), resend != NULL ?
		    "/contacts/verify?id=%lld&sent=1" : "/contacts",
		    (long long)id);
		page_redirect(r, path);
	} else if (o == OUT_NO_CONTACT || o == OUT_CONTACT_OTHER_SESSION)
		page_outcome(r, o);
	else if ((status = page_refused(r, o)) != 0 &&
	    contact_for_page(r, id, &c))
		verify_page(r, status, &c);
}

static void
contacts_remove_post(struct req *r)
{
	const char	*idtext, *password, *code;
	int64_t		 id;
	enum outcome	 o;
	int		 status;

	if ((idtext = req_field(r, "id")) == NULL ||
	    !contact_id(r, idtext, &id) || !proof_fields(r, &password, &code))
		return;
	o = flow_contact_remove(&r->flow, id, password, code);
	if (o == OUT_OK)
		page_redirect(r, "/contacts");
	else if (o == OUT_NO_CONTACT)
		page_outcome(r, o);
	else if ((status = page_refused(r, o)) != 0)
		contacts_page(r, status, o == OUT_LAST_WAY ||
		    o == OUT_TWOFA_PHONE ? 0 : id);
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
	struct recovery_view	 v;

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
	page_render(r, status, "recovery_code.tpl", "Recovery code");
}

static void
recovery_code_get(struct req *r)
{
	recovery_code_page(r, 200);
}

/*
 * Made, then shown by a redirect to a GET: reloading that page shows
 * the same code again instead of making another.
 */
static void
recovery_code_post(struct req *r)
{
	const char	*password, *code;
	enum outcome	 o;
	int		 status;

	if (!proof_fields(r, &password, &code))
		return;
	o = flow_recovery_code(&r->flow, password, code);
	if (o == OUT_OK)
		page_redirect(r, "/contacts/recovery-code/new");
	else if ((status = page_refused(r, o)) != 0)
		recovery_code_page(r, status);
}

/*
 * The values of the code's pages: the code, and when it was made.  0
 * after answering: the page that says it can no longer be shown.
 */
static int
recovery_shown(struct req *r, struct render_dict *d)
{
	struct recovery_view	 v;
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
	page_set_time(d, "MADE", v.made_at);
	page_set_time(d, "UNTIL", v.expires_at);
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
	if (flow_recovery_saved(&r->flow) != OUT_OK) {
		page_storage_error(r);
		return;
	}
	page_redirect(r, "/contacts");
}

/* ------------------------------------------------------------------ */
/* The admin-assisted kit (R6)                                        */

static void
kit_page(struct req *r, int status)
{
	const char	*sent = req_query(r, "sent");

	if (r->app->cfg.admin_email == NULL) {
		page_outcome(r, OUT_KITS_OFF);
		return;
	}
	if (sent != NULL && strcmp(sent, "1") == 0 && status == 200)
		render_show(r->page, "SENT");
	if (r->acct.kit_at != 0) {
		page_set_time(r->page, "SINCE", r->acct.kit_at);
		render_show(r->page, "HAS_KIT");
	}
	proof_sections(r);
	page_render(r, status, "kit.tpl", "Recovery kit");
}

static void
kit_get(struct req *r)
{
	kit_page(r, 200);
}

static void
kit_post(struct req *r)
{
	const char	*password, *code;
	enum outcome	 o;
	int		 status;

	if (!proof_fields(r, &password, &code))
		return;
	o = flow_kit(&r->flow, password, code);
	if (o == OUT_OK)
		page_redirect(r, "/contacts/kit?sent=1");
	else if (o == OUT_KITS_OFF || o == OUT_LIMIT_KITS)
		page_outcome(r, o);
	else if ((status = page_refused(r, o)) != 0)
		kit_page(r, status);
}

/* ------------------------------------------------------------------ */
/* Two-step verification (TOTP)                                       */

/* The authenticator's key, shown: QR code, text and setup link. */
static int
twofa_show_secret(struct req *r, const unsigned char secret[TOTP_SECRET_BYTES])
{
	char		 grouped[TOTP_GROUPED_TEXT];
	struct buf	 uri, svg;
	int		 ok;

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
 * The page.  With 2FA off it asks for the password first: the key (a
 * way in) is shown once, in the answer to that POST (secret), never on
 * a GET that a borrowed session could open.  code_form shows the form
 * for the first code again after a wrong one.
 */
static void
twofa_page(struct req *r, int status,
    const unsigned char secret[TOTP_SECRET_BYTES])
{
	enum outcome	 o;
	int		 pending;

	if (r->acct.totp_enabled_at != 0) {
		page_set_time(r->page, "SINCE", r->acct.totp_enabled_at);
		render_show(r->page, "ON");
		page_render(r, status, "twofa.tpl", "Two-step verification");
		return;
	}
	render_show(r->page, "OFF");
	if ((o = flow_twofa_allowed(&r->flow)) == OUT_STORAGE) {
		page_storage_error(r);
		return;
	}
	if (o != OUT_OK)
		/* No key, no forms: what is missing, and a link to it. */
		render_show(r->page, o == OUT_TWOFA_NEED_PHONE ? "NEED_PHONE" :
		    "NEED_CODE");
	else if (secret != NULL) {
		if (!twofa_show_secret(r, secret)) {
			page_storage_error(r);
			return;
		}
		render_show(r->page, "CODE_FORM");
	} else {
		/*
		 * A key shown to this session a moment ago is not shown
		 * again, but its code is still welcome: whoever added it
		 * to an app and then reloaded need not start over.
		 */
		if (!flow_twofa_pending(&r->flow, &pending)) {
			page_storage_error(r);
			return;
		}
		render_show(r->page, "SETUP");
		if (pending) {
			render_show(r->page, "PENDING");
			render_show(r->page, "CODE_FORM");
		}
	}
	page_render(r, status, "twofa.tpl", "Two-step verification");
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
static void
twofa_post(struct req *r)
{
	unsigned char	 secret[TOTP_SECRET_BYTES];
	const char	*disable, *password, *code;
	enum outcome	 o;
	int		 bad, status;

	disable = req_field_opt(r, "disable", &bad);
	if (bad || !proof_fields(r, &password, &code)) {
		if (bad)
			page_outcome(r, OUT_BAD_REQUEST);
		return;
	}
	if (disable != NULL)
		o = flow_twofa_disable(&r->flow, password, code);
	else if (password != NULL && r->acct.totp_enabled_at == 0) {
		o = flow_twofa_setup(&r->flow, password, secret);
		if (o == OUT_OK) {
			/* Shown exactly once: 200, not a redirect. */
			twofa_page(r, 200, secret);
			sodium_memzero(secret, sizeof(secret));
			return;
		}
	} else
		o = flow_twofa_enable(&r->flow, code);
	if (o == OUT_OK)
		page_redirect(r, "/contacts");
	else if (o == OUT_TWOFA_NEED_PHONE ||
	    o == OUT_TWOFA_NEED_RECOVERY_CODE)
		/* The page says what is missing, with its link. */
		twofa_page(r, outcome_status(o), NULL);
	else if ((status = page_refused(r, o)) != 0)
		twofa_page(r, status, NULL);
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
	"twofa.tpl", FLOW_CONTACTS_TEMPLATES, RECOVERY_NOTICE_TEMPLATES,
	GUARD_TEMPLATES, NULL
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
