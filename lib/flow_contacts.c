/*
 * flow_contacts.c: recovery contacts, the recovery code, the kit and
 * two-step verification (flow_contacts.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "account.h"
#include "code.h"
#include "config.h"
#include "contacts.h"
#include "domains.h"
#include "event.h"
#include "flow_contacts.h"
#include "log.h"
#include "notify.h"
#include "onetime.h"
#include "outbox.h"
#include "phone.h"
#include "policy.h"
#include "proof.h"
#include "rate.h"
#include "recovery.h"
#include "render.h"
#include "session.h"
#include "twofa.h"
#include "validate.h"
#include "when.h"

/* Contact id of the flow's account; OUT_NO_CONTACT for another's. */
static enum outcome
contact_of(struct flow *f, int64_t id, struct contact *c)
{
	if (!contacts_get(f->db, f->acct->id, id, c))
		return OUT_STORAGE;
	if (c->id == 0) {
		/* Possibly another account's id: worth a line in the log. */
		log_warn("refused: account %lld asked for contact %lld, not "
			 "theirs, from %s",
		    (long long)f->acct->id, (long long)id, f->ip);
		return OUT_NO_CONTACT;
	}
	return OUT_OK;
}

/* A contact as its events name it, phones masked: "phone +49 *** ***67". */
static void
contact_label(const struct contact *c, char *out, size_t outsz)
{
	char masked[PHONE_MASK_TEXT];

	if (c->kind == CONTACT_PHONE &&
	    phone_mask(c->value, masked, sizeof(masked)))
		snprintf(out, outsz, "phone %s", masked);
	else
		snprintf(out, outsz, "address %s", c->value);
}

/* A contact as a notice shows it: its kind (section PHONE or ADDRESS)
 * and WHAT, phones masked. */
static void
contact_shown(const struct contact *c, struct render_dict *d)
{
	char masked[PHONE_MASK_TEXT];

	if (c->kind == CONTACT_PHONE &&
	    phone_mask(c->value, masked, sizeof(masked))) {
		render_show(d, "PHONE");
		render_set(d, "WHAT", masked);
	} else {
		render_show(d, "ADDRESS");
		render_set(d, "WHAT", c->value);
	}
}

static struct channel
contact_channel(const struct contact *c)
{
	struct channel ch;

	ch.contact_id = c->id;
	ch.is_phone = c->kind == CONTACT_PHONE;
	ch.value = c->value;
	ch.since = c->verified_at;
	return ch;
}

/*
 * Tell every verified channel (but skip) that something changed: the
 * contact c, when given, and section, the template's words for what.
 */
static int
contacts_tell(struct flow *f, int64_t skip, const struct contact *c,
    const char *section, const char *mail_tpl, const char *sms_tpl)
{
	struct render_dict *d;
	int		    ok;

	if ((d = notify_dict(f->acct, NULL, f->ip, f->cfg->base_url,
		 f->now)) == NULL)
		return 0;
	if (c != NULL)
		contact_shown(c, d);
	if (section != NULL)
		render_show(d, section);
	ok = notify_channels(f->db, f->acct, skip, mail_tpl, sms_tpl, d,
	    f->now);
	render_dict_free(d);
	return ok;
}

/*
 * Queue a code to contact c.  Anyone can add anyone's address or
 * number, so the message counts toward its limit: *limited is the time
 * the limit lets one more in, 0 when it went.
 */
static int
contact_send_code(struct flow *f, const struct contact *c, int64_t *limited)
{
	char		    code[ONETIME_TEXT];
	struct render_dict *d;
	struct channel	    ch = contact_channel(c);
	int		    ok = 0;

	if ((d = render_dict_new()) == NULL)
		return 0;
	if (onetime_create(f->db, f->keys->codes, f->acct->id, "contact",
		c->id, 0, f->now, code)) {
		render_set(d, "USERNAME", f->acct->username);
		render_set(d, "CODE", code);
		ok = notify_channel(f->db, &ch, "mail/contact_code.tpl",
		    "sms/contact_code.tpl", d, f->now, limited);
	}
	sodium_memzero(code, sizeof(code));
	render_dict_free(d);
	return ok;
}

/* What was typed, checked and normalised into out. */
static enum outcome
contact_typed(struct flow *f, enum contact_kind kind, const char *value,
    char out[255])
{
	enum phone_reason pr;
	char		  phone[PHONE_MAX + 1];

	if (kind == CONTACT_EMAIL) {
		if (!validate_email(value, out))
			return OUT_BAD_EMAIL;
		return strcasecmp(out, f->acct->email) == 0 ? OUT_IS_PRIMARY :
							      OUT_OK;
	}
	if (f->cfg->sms_command == NULL)
		return OUT_NO_PHONES;
	if ((pr = phone_normalise(value, phone)) != PHONE_OK) {
		f->said.detail = phone_reason_name(pr);
		return OUT_BAD_PHONE;
	}
	snprintf(out, 255, "%s", phone);
	return OUT_OK;
}

/*
 * May the contact be added?  Inside the write transaction, so two tabs
 * adding at once cannot both pass: a duplicate, an eleventh contact, or
 * an address on a domain added meanwhile (R1).
 */
static enum outcome
contact_addable(struct flow *f, enum contact_kind kind, const char *norm)
{
	struct contact	c;
	struct r1_check rc;
	int		n;

	if (!contacts_find(f->db, f->acct->id, kind, norm, &c) ||
	    !contacts_count(f->db, f->acct->id, CONTACT_ANY, 0, &n))
		return OUT_STORAGE;
	if (c.id != 0)
		return OUT_CONTACT_KNOWN;
	if (n >= CONTACTS_MAX)
		return OUT_CONTACTS_FULL;
	if (kind != CONTACT_EMAIL)
		return OUT_OK;
	if (!domains_check_address(f->db, f->cfg->recovery_rule, f->acct->id,
		norm, &rc))
		return OUT_STORAGE;
	if (rc.verdict == R1_ALLOWED)
		return OUT_OK;
	flow_what(f, rc.domain, NULL);
	if (!event_add(f->db, f->acct->id, EVENT_R1_REFUSED, f->ip, rc.domain,
		f->now))
		return OUT_STORAGE;
	return rc.verdict == R1_OWN_DOMAIN ? OUT_R1_OWN_DOMAIN :
					     OUT_R1_PLATFORM_DOMAIN;
}

enum outcome
flow_contact_add(struct flow *f, const char *password, const char *code,
    const char *kind_name, const char *value, int64_t *id)
{
	enum contact_kind kind;
	struct contact	  c;
	char		  norm[255], label[300];
	enum outcome	  o;
	int64_t		  limited;

	*id = 0;
	if (!contact_kind_of(kind_name, &kind))
		return OUT_BAD_REQUEST;
	if ((o = contact_typed(f, kind, value, norm)) != OUT_OK)
		return o;
	if ((o = proof_begin(f, ACTION_CONTACT_ADD, password, code)) != OUT_OK)
		return o;
	if ((o = contact_addable(f, kind, norm)) != OUT_OK)
		/* An R1 refusal is recorded; the rest changes nothing. */
		return o == OUT_STORAGE ? flow_storage(f) : flow_commit(f, o);
	if (!contacts_add(f->db, f->acct->id, kind, norm, f->sess->id, f->now,
		id) ||
	    !contacts_get(f->db, f->acct->id, *id, &c) ||
	    !contact_send_code(f, &c, &limited))
		return flow_storage(f);
	/* A contact without its code would wait for nothing. */
	if (limited != 0)
		return flow_limited(f, OUT_LIMIT_MESSAGES, limited);
	contact_label(&c, label, sizeof(label));
	if (!contacts_tell(f, c.id, &c, NULL, "mail/contact_added.tpl",
		"sms/contact_added.tpl") ||
	    !event_add(f->db, f->acct->id, EVENT_CONTACT_ADDED, f->ip, label,
		f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

/*
 * A pending contact of the flow's account that this session may prove:
 * the one that added it (R8).  OUT_OK also for a contact verified
 * already, with c->verified_at set.
 */
static enum outcome
contact_pending(struct flow *f, int64_t id, struct contact *c)
{
	enum outcome o;

	if ((o = contact_of(f, id, c)) != OUT_OK || c->verified_at != 0)
		return o;
	return c->session_id == f->sess->id ? OUT_OK :
					      OUT_CONTACT_OTHER_SESSION;
}

enum outcome
flow_contact_verify(struct flow *f, int64_t id, const char *typed)
{
	struct contact	    c;
	char		    code[CODE_NORMAL_TEXT];
	enum onetime_result res;
	enum outcome	    o;
	int		    left;

	if ((o = contact_pending(f, id, &c)) != OUT_OK || c.verified_at != 0)
		return o;
	if (code_normalise(typed, code, sizeof(code)) != CODE_DIGITS)
		return OUT_CODE_FORMAT;
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if (!onetime_check(f->db, f->keys->codes, f->acct->id, "contact", c.id,
		code, f->now, &res, &left))
		return flow_storage(f);
	switch (res) {
	case ONETIME_OK:
		if (!contacts_set_verified(f->db, c.id, f->now) ||
		    !event_add(f->db, f->acct->id, EVENT_CONTACT_VERIFIED,
			f->ip, c.value, f->now))
			return flow_storage(f);
		return flow_commit(f, OUT_OK);
	case ONETIME_WRONG:
		f->said.left = left;
		o = OUT_CONTACT_CODE_WRONG;
		break;
	case ONETIME_EXHAUSTED:
		o = OUT_CONTACT_CODE_SPENT;
		break;
	default:
		o = OUT_CONTACT_CODE_NONE;
		break;
	}
	/* A wrong try is counted even though the request is refused. */
	return flow_commit(f, o);
}

enum outcome
flow_contact_resend(struct flow *f, int64_t id)
{
	struct contact c;
	enum outcome   o;
	int64_t	       until, limited;

	if ((o = contact_pending(f, id, &c)) != OUT_OK || c.verified_at != 0)
		return o;
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if (!rate_take(f->db, RATE_RESEND_ACCOUNT, f->acct->id, NULL, f->now,
		&until))
		return flow_storage(f);
	if (until != 0)
		return flow_limited(f, OUT_LIMIT_RESENDS, until);
	if (!contact_send_code(f, &c, &limited))
		return flow_storage(f);
	if (limited != 0)
		return flow_limited(f, OUT_LIMIT_MESSAGES, limited);
	return flow_commit(f, OUT_OK);
}

int
flow_contacts_ways(struct flow *f, struct ways *w)
{
	int all, phones;

	if (!contacts_count(f->db, f->acct->id, CONTACT_ANY, 1, &all) ||
	    !contacts_count(f->db, f->acct->id, CONTACT_PHONE, 1, &phones))
		return 0;
	flow_contacts_ways_of(f, all, phones, w);
	return 1;
}

void
flow_contacts_ways_of(const struct flow *f, int verified, int phones,
    struct ways *w)
{
	memset(w, 0, sizeof(*w));
	w->verified_contacts = verified + (f->acct->email_verified_at != 0);
	w->verified_phones = phones;
	w->recovery_code = f->acct->recovery_code_at != 0;
	w->twofa = f->acct->totp_enabled_at != 0;
	w->sms = f->cfg->sms_command != NULL;
}

/* Tell every channel of a removal, the removed one too (R8). */
static int
contacts_tell_removed(struct flow *f, const struct contact *c)
{
	struct render_dict *d;
	struct channel	    ch = contact_channel(c);
	int		    ok;

	if ((d = notify_dict(f->acct, NULL, f->ip, f->cfg->base_url,
		 f->now)) == NULL)
		return 0;
	contact_shown(c, d);
	ok = notify_channels(f->db, f->acct, CHANNEL_NONE,
		 "mail/contact_removed.tpl", "sms/contact_removed.tpl", d,
		 f->now) &&
	    (c->verified_at == 0 ||
		notify_channel(f->db, &ch, "mail/contact_removed.tpl",
		    "sms/contact_removed.tpl", d, f->now, NULL));
	render_dict_free(d);
	return ok;
}

/* R2: may c go, given the account's other ways in? */
static enum outcome
removal_allowed(struct flow *f, const struct contact *c)
{
	struct ways w;

	if (!flow_contacts_ways(f, &w))
		return OUT_STORAGE;
	switch (policy_contact_removal(&w, c->verified_at != 0,
	    c->kind == CONTACT_PHONE)) {
	case REMOVAL_LAST_WAY:
		return OUT_LAST_WAY;
	case REMOVAL_TWOFA_PHONE:
		return OUT_TWOFA_PHONE;
	case REMOVAL_OK:
		break;
	}
	return OUT_OK;
}

enum outcome
flow_contact_remove(struct flow *f, int64_t id, const char *password,
    const char *code)
{
	struct contact c;
	char	       label[300];
	enum outcome   o;

	if ((o = contact_of(f, id, &c)) != OUT_OK)
		return o;
	/* R2 needs no secret: the owner types none for a refusal. */
	if ((o = removal_allowed(f, &c)) != OUT_OK)
		return o;
	if ((o = proof_begin(f, ACTION_CONTACT_REMOVE, password, code)) !=
	    OUT_OK)
		return o;
	/*
	 * Again inside the write transaction, so two removals at once
	 * cannot both leave the other as the last way in.
	 */
	if (!contacts_get(f->db, f->acct->id, id, &c))
		return flow_storage(f);
	if (c.id == 0)
		return flow_rollback(f, OUT_NO_CONTACT);
	if ((o = removal_allowed(f, &c)) != OUT_OK)
		return o == OUT_STORAGE ? flow_storage(f) :
					  flow_rollback(f, o);
	contact_label(&c, label, sizeof(label));
	if (!contacts_remove(f->db, c.id) ||
	    !event_add(f->db, f->acct->id, EVENT_CONTACT_REMOVED, f->ip, label,
		f->now) ||
	    !contacts_tell_removed(f, &c))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_recovery_code(struct flow *f, const char *password, const char *code)
{
	enum outcome o;

	if ((o = proof_begin(f, ACTION_RECOVERY_CODE, password, code)) !=
	    OUT_OK)
		return o;
	if (!recovery_code_make(f->db, f->cfg, f->keys->views, f->acct,
		f->sess->id, f->browser, f->ip, f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_recovery_view(struct flow *f, struct recovery_view *v)
{
	/* A write: a copy past its time is destroyed as it is found. */
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if (!recovery_view_open(f->db, f->keys->views, f->sess->id, f->browser,
		f->acct->id, f->now, v))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_recovery_saved(struct flow *f)
{
	struct recovery_view v;
	int		     ok;

	/* Only the browser that can see the copy may say it was saved. */
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	ok = recovery_view_open(f->db, f->keys->views, f->sess->id, f->browser,
		 f->acct->id, f->now, &v) &&
	    (!v.found || recovery_view_drop(f->db, f->sess->id));
	sodium_memzero(&v, sizeof(v));
	if (!ok)
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

static void
first_verified_email(const struct contact *c, void *arg)
{
	struct contact *first = arg;

	if (first->id == 0 && c->verified_at != 0 && c->kind == CONTACT_EMAIL)
		*first = *c;
}

/*
 * Mail one half of a kit.  The owner asked for it, to a verified
 * address and the hoster's: never counted toward a limit nor held back.
 */
static int
kit_mail(struct flow *f, const char *to, const char *tpl, const char *half)
{
	struct render_dict *d;
	int		    ok;

	if ((d = notify_dict(f->acct, NULL, f->ip, f->cfg->base_url,
		 f->now)) == NULL)
		return 0;
	render_set(d, "HALF", half);
	ok = outbox_mail(f->db, to, tpl, d, f->now, NULL);
	render_dict_free(d);
	return ok;
}

enum outcome
flow_kit(struct flow *f, const char *password, const char *code)
{
	struct contact first;
	char	       h1[CODE_KIT_HALF_TEXT], h2[CODE_KIT_HALF_TEXT];
	char	       whole[CODE_KIT_WHOLE_TEXT];
	unsigned char  h[HASH_BYTES];
	int64_t	       until;
	enum outcome   o;

	if (f->cfg->admin_email == NULL)
		return OUT_KITS_OFF;
	memset(&first, 0, sizeof(first));
	if (!contacts_each(f->db, f->acct->id, first_verified_email, &first))
		return OUT_STORAGE;
	if (first.id == 0)
		return OUT_KIT_NEEDS_EMAIL;
	if ((o = proof_begin(f, ACTION_KIT, password, code)) != OUT_OK)
		return o;
	if (!rate_take(f->db, RATE_KIT_ACCOUNT, f->acct->id, NULL, f->now,
		&until))
		return flow_storage(f);
	if (until != 0)
		return flow_limited(f, OUT_LIMIT_KITS, until);
	o = OUT_STORAGE;
	if (!code_kit_new(h1, h2, whole) || !code_hash(whole, h) ||
	    !account_set_kit(f->db, f->acct->id, h, f->now) ||
	    !kit_mail(f, first.value, "mail/kit_user.tpl", h1) ||
	    !kit_mail(f, f->cfg->admin_email, "mail/kit_admin.tpl", h2) ||
	    !event_add(f->db, f->acct->id, EVENT_KIT_CREATED, f->ip, NULL,
		f->now) ||
	    !contacts_tell(f, CHANNEL_NONE, NULL, NULL, "mail/kit_new.tpl",
		"sms/kit_new.tpl"))
		o = flow_storage(f);
	else
		o = flow_commit(f, OUT_OK);
	sodium_memzero(h1, sizeof(h1));
	sodium_memzero(h2, sizeof(h2));
	sodium_memzero(whole, sizeof(whole));
	return o;
}

enum outcome
flow_twofa_allowed(struct flow *f)
{
	struct ways w;

	if (!flow_contacts_ways(f, &w))
		return OUT_STORAGE;
	switch (policy_twofa_enable(&w)) {
	case TWOFA_ENABLE_NEED_PHONE:
		return OUT_TWOFA_NEED_PHONE;
	case TWOFA_ENABLE_NEED_CODE:
		return OUT_TWOFA_NEED_RECOVERY_CODE;
	case TWOFA_ENABLE_OK:
		break;
	}
	return OUT_OK;
}

enum outcome
flow_twofa_setup(struct flow *f, const char *password,
    unsigned char secret[TOTP_SECRET_BYTES])
{
	unsigned char sealed[TOTP_SEALED_BYTES];
	enum outcome  o;

	if (f->acct->totp_enabled_at != 0)
		return OUT_OK;
	if ((o = flow_twofa_allowed(f)) != OUT_OK)
		return o;
	/* The secret is a way in: seeing it takes the password (R8). */
	if ((o = proof_begin(f, ACTION_TWOFA_ON, password, NULL)) != OUT_OK)
		return o;
	totp_secret_new(secret);
	if (!totp_seal(f->keys->totp, f->acct->id, secret, sealed,
		sizeof(sealed)) ||
	    !account_totp_setup(f->db, f->acct->id, sealed, sizeof(sealed),
		f->sess->id, f->now)) {
		sodium_memzero(secret, TOTP_SECRET_BYTES);
		return flow_storage(f);
	}
	return flow_commit(f, OUT_OK);
}

/* Only the session that was shown the secret, and not for long. */
static int
setup_usable(const struct flow *f, int64_t session_id, int64_t setup_at)
{
	return session_id != 0 && session_id == f->sess->id &&
	    f->now - setup_at <= TWOFA_SETUP_TTL;
}

int
flow_twofa_pending(struct flow *f, int *pending)
{
	int64_t session_id, setup_at;

	*pending = 0;
	if (f->acct->totp_enabled_at != 0)
		return 1;
	if (!account_totp_pending(f->db, f->acct->id, &session_id, &setup_at))
		return 0;
	*pending = setup_usable(f, session_id, setup_at);
	return 1;
}

enum outcome
flow_twofa_enable(struct flow *f, const char *code)
{
	int64_t	     session_id, setup_at;
	char	     setup[24];
	int	     good, ended;
	enum outcome o;

	if (f->acct->totp_enabled_at != 0)
		return OUT_OK;
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if (!account_totp_pending(f->db, f->acct->id, &session_id, &setup_at))
		return flow_storage(f);
	if (!setup_usable(f, session_id, setup_at))
		return flow_rollback(f, OUT_TWOFA_NOT_SET_UP);
	/* Inside the transaction: the phone cannot go away meanwhile. */
	if ((o = flow_twofa_allowed(f)) != OUT_OK)
		return o == OUT_STORAGE ? flow_storage(f) :
					  flow_rollback(f, o);
	/*
	 * The secret is not on yet: a typo is no guess at the account and
	 * closes no TOTP entry.  But five end the setup: guessing from a
	 * borrowed session could otherwise turn 2FA on with a key the
	 * owner was shown but never saved.
	 */
	if (!twofa_verify(f->db, f->keys->totp, f->acct->id, code, f->now, 0,
		&good))
		return flow_storage(f);
	if (!good) {
		snprintf(setup, sizeof(setup), "%lld", (long long)setup_at);
		if (!rate_fail(f->db, RATE_TWOFA_SETUP, f->acct->id, setup,
			f->now, &ended) ||
		    (ended &&
			!account_set_totp(f->db, f->acct->id, NULL, 0, 0)))
			return flow_storage(f);
		return flow_commit(f,
		    ended ? OUT_TWOFA_SETUP_ENDED : OUT_BAD_CODE);
	}
	if (!account_totp_enable(f->db, f->acct->id, f->now) ||
	    !session_set_twofa(f->db, f->sess->id, f->now) ||
	    !event_add(f->db, f->acct->id, EVENT_TWOFA_ENABLED, f->ip, NULL,
		f->now) ||
	    !contacts_tell(f, CHANNEL_NONE, NULL, "TURNED_ON",
		"mail/twofa_changed.tpl", "sms/twofa_changed.tpl"))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_twofa_disable(struct flow *f, const char *password, const char *code)
{
	enum outcome o;

	if (f->acct->totp_enabled_at == 0)
		return OUT_OK;
	if ((o = proof_begin(f, ACTION_TWOFA_OFF, password, code)) != OUT_OK)
		return o;
	if (!account_set_totp(f->db, f->acct->id, NULL, 0, 0) ||
	    !event_add(f->db, f->acct->id, EVENT_TWOFA_DISABLED, f->ip, NULL,
		f->now) ||
	    !contacts_tell(f, CHANNEL_NONE, NULL, "TURNED_OFF",
		"mail/twofa_changed.tpl", "sms/twofa_changed.tpl"))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}
