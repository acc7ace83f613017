/*
 * flow_account.c: ending sessions, changing the password, deleting and
 * exporting the account, its overview (flow_account.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "account.h"
#include "buf.h"
#include "config.h"
#include "contacts.h"
#include "device.h"
#include "crypto.h"
#include "domains.h"
#include "event.h"
#include "flow_account.h"
#include "flow_contacts.h"
#include "json.h"
#include "link.h"
#include "log.h"
#include "notify.h"
#include "policy.h"
#include "proof.h"
#include "render.h"
#include "reset.h"
#include "session.h"
#include "when.h"

/* A cancel link outlives the deadline a little, as a reset's does. */
#define DELETE_LINK_GRACE 3600

enum outcome
flow_sessions_end(struct flow *f, int64_t id, const char *password,
    const char *code, int *ended)
{
	enum outcome o;
	char	     n[16];
	int	     owned;

	*ended = 0;
	if (id != 0 && id == f->sess->id) {
		/* Its own: that is logging out, which needs no proof. */
		if (flow_begin(f) != OUT_OK)
			return OUT_STORAGE;
		if (!session_end(f->db, id) ||
		    !event_add(f->db, f->acct->id, EVENT_LOGOUT, f->ip, NULL,
			f->now))
			return flow_storage(f);
		*ended = 1;
		return flow_commit(f, OUT_OK);
	}
	/* Another's session, or none: no proof is asked for nothing. */
	if (id != 0 && !session_owned(f->db, f->acct->id, id, &owned))
		return OUT_STORAGE;
	if (id != 0 && !owned)
		return OUT_NO_SESSION_ID;
	if ((o = proof_begin(f, ACTION_END_SESSIONS, password, code)) !=
	    OUT_OK)
		return o;
	if (id != 0) {
		if (!session_end_own(f->db, f->acct->id, id, ended))
			return flow_storage(f);
		if (!*ended)
			return flow_rollback(f, OUT_NO_SESSION_ID);
	} else if (!session_end_others(f->db, f->acct->id, f->sess->id,
		       ended) ||
	    !device_forget(f->db, f->acct->id, f->browser, f->browser_renewed,
		f->now))
		return flow_storage(f);
	snprintf(n, sizeof(n), "%d", *ended);
	if (!event_add(f->db, f->acct->id,
		id != 0 ? EVENT_SESSION_ENDED : EVENT_SESSIONS_ENDED, f->ip,
		id != 0 ? NULL : n, f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

/* ------------------------------------------------------------------ */
/* The password                                                       */

/*
 * A reset waiting for its deadline would overwrite the password set
 * here, and it is pointless once the current password was proven after
 * it was asked for: it stops, as a reject from this session would, and
 * every channel hears why.  Only a proof that could reject it stops it:
 * a password younger than reset_delay may be a thief's (R9), so then
 * the change waits for the owner to stop the reset by its mailed links
 * (or let it happen).  Inside the flow's transaction.
 */
static enum outcome
password_stops_reset(struct flow *f)
{
	struct reset r;
	int	     requests, stopped, mature;

	if (!reset_pending(f->db, f->acct->id, &r))
		return OUT_STORAGE;
	if (r.id == 0)
		return OUT_OK;
	mature = policy_password_mature(f->acct->password_at, f->now,
	    f->cfg->reset_delay);
	if (policy_session_reset(0, f->sess->created_at, r.created_at,
		f->acct->totp_enabled_at,
		f->acct->totp_enabled_at != 0 ? CODE_RIGHT : CODE_ABSENT,
		mature, f->now, f->cfg->reset_delay) != SESSION_RESET_OK) {
		f->said.when = r.deadline;
		return OUT_PASSWORD_RESET_WAITS;
	}
	return reset_cancel_all(f->db, f->cfg, f->acct->id, f->ip,
		   EVENT_WHY_OWNER_PASSWORD, "BY_PASSWORD_CHANGE", f->now,
		   &requests, &stopped) ?
	    OUT_OK :
	    OUT_STORAGE;
}

/*
 * The notice of a password change, to every channel; it says so when
 * the change also voided the link that would have confirmed a new
 * primary address (whoever knew the old password may have asked for
 * it).
 */
static int
password_tell(struct flow *f, int email_stopped)
{
	struct render_dict *d;
	int		    ok;

	if ((d = notify_dict(f->acct, NULL, f->ip, f->cfg->base_url,
		 f->now)) == NULL)
		return 0;
	if (email_stopped)
		render_show(d, "EMAIL_CHANGE_STOPPED");
	ok = notify_channels(f->db, f->acct, CHANNEL_NONE,
	    "mail/password_changed.tpl", "sms/password_changed.tpl", d,
	    f->now);
	render_dict_free(d);
	return ok;
}

/*
 * The new password's hash in force, inside the flow's transaction: a
 * pending email change stopped, every session ended and this browser
 * in a new one, the event and the notices.
 */
static int
password_write(struct flow *f, const char *hash, char cookie[TOKEN_TEXT])
{
	struct session s;
	struct link    confirm;
	char	       n[16];
	int	       ended;

	if (!link_live(f->db, LINK_EMAIL_CONFIRM, f->acct->id, f->now,
		&confirm) ||
	    (confirm.id != 0 &&
		!link_void(f->db, LINK_EMAIL_CONFIRM, f->acct->id, f->now)))
		return 0;
	/*
	 * Every session ends, this one too: a copy of its cookie must not
	 * outlive the password.  This browser goes on in a new one.
	 */
	if (!account_change_password(f->db, f->acct->id, hash, f->now) ||
	    !session_end_others(f->db, f->acct->id, f->sess->id, &ended) ||
	    !device_forget(f->db, f->acct->id, f->browser, f->browser_renewed,
		f->now) ||
	    !session_end(f->db, f->sess->id) ||
	    !session_create(f->db, f->acct->id, SESSION_FULL, f->ip, f->agent,
		f->now, cookie, &s) ||
	    (f->acct->totp_enabled_at != 0 &&
		!session_set_twofa(f->db, s.id, f->now)))
		return 0;
	snprintf(n, sizeof(n), "%d", ended);
	return event_add(f->db, f->acct->id, EVENT_PASSWORD_CHANGED, f->ip, n,
		   f->now) &&
	    password_tell(f, confirm.id != 0);
}

enum outcome
flow_password_change(struct flow *f, const char *password,
    const char *new_password, const char *code, char cookie[TOKEN_TEXT])
{
	struct proof_typed pt;
	char		   hash[PWHASH_TEXT];
	enum outcome	   o;

	if ((o = flow_new_password(new_password, f->acct->username,
		 f->acct->email)) != OUT_OK)
		return o;
	/* Both Argon2id runs before the write lock; the second only for a
	 * proof that can pass. */
	memset(hash, 0, sizeof(hash));
	o = OUT_STORAGE;
	if (!proof_read(f, password, code, &pt) ||
	    (pt.password_right &&
		!pw_hash(new_password, f->cfg->pwhash_ops, f->cfg->pwhash_mem,
		    hash)) ||
	    flow_begin(f) != OUT_OK)
		goto out;
	if ((o = proof_settle(f, &pt, ACTION_PASSWORD_CHANGE)) != OUT_OK ||
	    (o = password_stops_reset(f)) != OUT_OK)
		o = o == OUT_STORAGE ? flow_storage(f) : flow_commit(f, o);
	else
		o = password_write(f, hash, cookie) ? flow_commit(f, OUT_OK) :
						      flow_storage(f);
out:
	sodium_memzero(hash, sizeof(hash));
	return o;
}

/* ------------------------------------------------------------------ */
/* Deletion                                                           */

struct delete_ctx {
	struct flow *f;
	int64_t	     deadline;
	int	     ok;
};

/* Tell one channel of the deletion, with a cancel link of its own. */
static void
delete_tell(const struct channel *ch, void *arg)
{
	struct delete_ctx  *dc = arg;
	struct flow	   *f = dc->f;
	struct render_dict *d;
	char		    when[WHEN_TEXT];

	if ((d = notify_dict(f->acct, NULL, f->ip, f->cfg->base_url,
		 f->now)) == NULL ||
	    !flow_link(f, LINK_DELETE_CANCEL, f->acct->id, "", 0,
		dc->deadline + DELETE_LINK_GRACE - f->now,
		"/account/delete/cancel", d, "CANCEL_LINK"))
		dc->ok = 0;
	else {
		when_text(dc->deadline, when);
		render_set(d, "DEADLINE", when);
		if (!notify_channel(f->db, ch, "mail/delete_pending.tpl",
			"sms/delete_pending.tpl", d, f->now, NULL))
			dc->ok = 0;
	}
	render_dict_free(d);
}

enum outcome
flow_delete_request(struct flow *f, const char *password, const char *code)
{
	struct delete_ctx dc = { f, f->now + f->cfg->reset_delay, 1 };
	struct account	  a;
	enum outcome	  o;
	int		  changed;

	if ((o = proof_begin(f, ACTION_ACCOUNT_DELETE, password, code)) !=
	    OUT_OK)
		return o;
	if (!account_set_delete(f->db, f->acct->id, dc.deadline, &changed))
		return flow_storage(f);
	if (!changed) {
		if (!account_by_id(f->db, f->acct->id, &a))
			return flow_storage(f);
		f->said.when = a.delete_at;
		return flow_commit(f, OUT_DELETE_PENDING);
	}
	if (!event_add(f->db, f->acct->id, EVENT_DELETE_REQUESTED, f->ip, NULL,
		f->now) ||
	    !notify_each_channel(f->db, f->acct, delete_tell, &dc) || !dc.ok)
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_delete_peek(struct flow *f, const char *t, int64_t *deadline)
{
	struct link    l;
	struct account a;

	*deadline = 0;
	if (!token_valid(t))
		return OUT_LINK_BROKEN;
	if (!link_peek(f->db, LINK_DELETE_CANCEL, t, f->now, &l))
		return OUT_STORAGE;
	if (l.id == 0)
		return OUT_LINK_STALE;
	if (!account_by_id(f->db, l.account_id, &a))
		return OUT_STORAGE;
	if (a.id == 0 || a.delete_at == 0)
		return OUT_DELETE_NOTHING_PENDING;
	*deadline = a.delete_at;
	return OUT_OK;
}

enum outcome
flow_delete_cancel(struct flow *f, const char *t, const char *password,
    const char *code)
{
	struct account a;
	struct link    l;
	enum outcome   o;
	int	       changed;

	if (t != NULL) {
		if (!token_valid(t))
			return OUT_LINK_BROKEN;
		if (flow_begin(f) != OUT_OK)
			return OUT_STORAGE;
		if (!link_consume(f->db, LINK_DELETE_CANCEL, t, f->now, &l))
			return flow_storage(f);
		if (l.id == 0)
			return flow_rollback(f, OUT_LINK_STALE);
		if (!account_by_id(f->db, l.account_id, &a))
			return flow_storage(f);
	} else {
		if ((o = proof_begin(f, ACTION_ACCOUNT_DELETE, password,
			 code)) != OUT_OK)
			return o;
		a = *f->acct;
	}
	if (!flow_delete_stop(f, &a,
		t != NULL ? EVENT_WHY_LINK : EVENT_WHY_NONE, &changed))
		return flow_storage(f);
	if (!changed)
		return flow_rollback(f, OUT_DELETE_NOTHING_PENDING);
	if (!notify_change(f->db, &a, CHANNEL_NONE, NULL, f->ip,
		f->cfg->base_url, "mail/delete_cancelled.tpl",
		"sms/delete_cancelled.tpl", f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

int
flow_delete_stop(struct flow *f, const struct account *a, enum event_why why,
    int *stopped)
{
	return account_set_delete(f->db, a->id, 0, stopped) &&
	    (!*stopped ||
		(link_void(f->db, LINK_DELETE_CANCEL, a->id, f->now) &&
		    event_add_why(f->db, a->id, EVENT_DELETE_CANCELLED, f->ip,
			why, f->now)));
}

/* One due deletion, in its own transaction: the channels told, then
 * everything gone. */
static enum outcome
delete_one(struct flow *f, int64_t id, int *done)
{
	struct account	    a;
	struct render_dict *d;
	int		    ok;

	*done = 0;
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if (!account_by_id(f->db, id, &a))
		return flow_storage(f);
	/* Cancelled, done by another, or held by the hoster since it was
	 * found. */
	if (a.id == 0 || a.delete_at == 0 || a.delete_at > f->now ||
	    account_recovery_closed(&a))
		return flow_rollback(f, OUT_OK);
	if ((d = notify_dict(&a, NULL, NULL, f->cfg->base_url, f->now)) ==
	    NULL)
		return flow_storage(f);
	ok = notify_channels(f->db, &a, CHANNEL_NONE,
		 "mail/account_deleted.tpl", "sms/account_deleted.tpl", d,
		 f->now) &&
	    account_delete_all(f->db, a.id);
	render_dict_free(d);
	if (!ok)
		return flow_storage(f);
	/* Its events went with it: the log keeps that it happened. */
	log_auth("account_deleted", a.username, f->ip);
	*done = 1;
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_delete_due(struct flow *f, int64_t account_id, int *n)
{
	int64_t id;
	int	done;

	*n = 0;
	for (;;) {
		if (!account_delete_next_due(f->db, account_id, f->now, &id))
			return OUT_STORAGE;
		if (id == 0)
			return OUT_OK;
		if (delete_one(f, id, &done) != OUT_OK)
			return OUT_STORAGE;
		*n += done;
	}
}

/* ------------------------------------------------------------------ */
/* Export                                                             */

/* A contact or a domain: its kind (NULL: none), its name under key,
 * and when it was added and verified. */
static void
export_added(struct json *j, const char *kind, const char *key,
    const char *name, int64_t added, int64_t verified)
{
	json_object(j, NULL);
	if (kind != NULL)
		json_string(j, "kind", kind);
	json_string(j, key, name);
	json_time(j, "added", added);
	json_time(j, "verified", verified);
	json_end(j);
}

static void
export_contact(const struct contact *c, void *arg)
{
	export_added(arg, contact_kind_name(c->kind), "value", c->value,
	    c->created_at, c->verified_at);
}

static void
export_domain(const struct managed_domain *d, void *arg)
{
	export_added(arg, NULL, "name", d->name, d->created_at,
	    d->verified_at);
}

struct export_ctx {
	struct json *j;
	int64_t	     current;
};

static void
export_session(const struct session_info *si, void *arg)
{
	struct export_ctx *ec = arg;

	json_object(ec->j, NULL);
	json_time(ec->j, "started", si->created_at);
	json_time(ec->j, "last_seen", si->last_seen);
	json_string(ec->j, "ip", si->ip);
	json_string(ec->j, "user_agent", si->user_agent);
	json_bool(ec->j, "this_session", si->id == ec->current);
	json_end(ec->j);
}

static void
export_event(const struct event *e, void *arg)
{
	struct json *j = arg;

	json_object(j, NULL);
	json_time(j, "at", e->at);
	json_string(j, "kind", e->kind);
	json_string(j, "ip", e->ip);
	json_string(j, "detail", e->detail);
	json_end(j);
}

/* Every event an account can have, for an export: far more than ever
 * kept in practice. */
#define EXPORT_EVENTS_MAX 1000000

/* The document, inside the flow's transaction; 0 on a storage error. */
static int
export_write(struct flow *f, struct buf *out)
{
	const struct account *a = f->acct;
	struct json	      j;
	struct export_ctx     ec;
	int		      ok;

	json_init(&j, out);
	ec.j = &j;
	ec.current = f->sess->id;
	json_object(&j, NULL);
	json_time(&j, "exported", f->now);
	json_object(&j, "account");
	json_string(&j, "username", a->username);
	json_string(&j, "email", a->email);
	json_time(&j, "email_verified", a->email_verified_at);
	json_time(&j, "created", a->created_at);
	json_time(&j, "password_changed", a->password_at);
	json_time(&j, "two_step_verification_since", a->totp_enabled_at);
	json_time(&j, "recovery_code_made", a->recovery_code_at);
	json_time(&j, "recovery_kit_made", a->kit_at);
	json_time(&j, "deletion_due", a->delete_at);
	json_end(&j);
	json_array(&j, "contacts");
	ok = contacts_each(f->db, a->id, export_contact, &j);
	json_end(&j);
	json_array(&j, "domains");
	ok = ok && domains_each(f->db, a->id, export_domain, &j);
	json_end(&j);
	json_array(&j, "sessions");
	ok = ok && session_each(f->db, a->id, 0, export_session, &ec);
	json_end(&j);
	json_array(&j, "events");
	ok = ok &&
	    event_each(f->db, a->id, EXPORT_EVENTS_MAX, export_event, &j);
	json_end(&j);
	json_end(&j);
	if (ok && !json_done(&j)) {
		log_err("export of account %lld: out of memory",
		    (long long)a->id);
		ok = 0;
	}
	return ok;
}

enum outcome
flow_export(struct flow *f, const char *password, const char *code,
    struct buf *out)
{
	enum outcome o;

	if ((o = proof_begin(f, ACTION_ACCOUNT_EXPORT, password, code)) !=
	    OUT_OK)
		return o;
	/* Recorded first, so the export shows itself. */
	if (!event_add(f->db, f->acct->id, EVENT_ACCOUNT_EXPORTED, f->ip, NULL,
		f->now) ||
	    !export_write(f, out))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

/* ------------------------------------------------------------------ */
/* The overview                                                       */

enum outcome
flow_standing(struct flow *f, struct standing *s)
{
	struct account_overview o;

	memset(s, 0, sizeof(*s));
	if (!account_overview(f->db, f->acct->id, &o))
		return OUT_STORAGE;
	flow_contacts_ways_of(f, o.verified_emails + o.verified_phones,
	    o.verified_phones, &s->ways);
	s->recovery_emails = o.verified_emails;
	s->kit = f->acct->kit_at != 0;
	s->kits = f->cfg->admin_email != NULL;
	s->last_login = o.last_login;
	snprintf(s->last_login_ip, sizeof(s->last_login_ip), "%s",
	    o.last_login_ip);
	s->next = policy_next_step(&s->ways, s->recovery_emails, s->kit,
	    s->kits);
	return OUT_OK;
}
