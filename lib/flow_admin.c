/*
 * flow_admin.c: the hoster's brakes (flow_admin.h), for bin/postern.
 * The hoster has checked whatever needed checking before typing the
 * command, so no proof is asked here; what R8 keeps is that the owner
 * hears of every change to the ways in, on every channel.
 */
#include <stdint.h>
#include <stdio.h>

#include "account.h"
#include "config.h"
#include "event.h"
#include "flow_account.h"
#include "flow_admin.h"
#include "link.h"
#include "notify.h"
#include "reset.h"
#include "session.h"

static enum outcome
admin_find(struct flow *f, const char *name, struct account *a)
{
	if (!account_by_login(f->db, name, a))
		return OUT_STORAGE;
	if (a->id == 0) {
		flow_what(f, name, NULL);
		return OUT_NO_ACCOUNT;
	}
	flow_what(f, a->username, NULL);
	return OUT_OK;
}

/* Begin the flow's transaction and find the account inside it. */
static enum outcome
admin_begin(struct flow *f, const char *name, struct account *a)
{
	enum outcome o;

	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if ((o = admin_find(f, name, a)) != OUT_OK)
		return flow_rollback(f, o);
	return OUT_OK;
}

static int
admin_event(struct flow *f, const struct account *a, enum event_kind kind,
    const char *detail)
{
	return event_add(f->db, a->id, kind, f->ip, detail, f->now);
}

enum outcome
flow_admin_account(struct flow *f, const char *name, struct account *a)
{
	return admin_find(f, name, a);
}

enum outcome
flow_admin_lock(struct flow *f, const char *name, int lock, int *stopped)
{
	struct account a;
	enum outcome   o;
	int	       requests, deleting;

	*stopped = 0;
	if ((o = admin_begin(f, name, &a)) != OUT_OK)
		return o;
	/*
	 * A deletion stops too, as with disable: left waiting, it came
	 * due while the hoster looked into the account, its cancel links
	 * lapsed, and unlock let the mailer carry it out at once.
	 */
	if (!account_set_locked(f->db, a.id, lock ? f->now : 0) ||
	    !admin_event(f, &a, lock ? EVENT_LOCKED : EVENT_UNLOCKED, NULL) ||
	    (lock &&
		(!reset_cancel_all(f->db, f->cfg, a.id, f->ip,
		     EVENT_WHY_HOSTER_LOCK, "BY_HOSTER", f->now, &requests,
		     stopped) ||
		    !flow_delete_stop(f, &a, EVENT_WHY_HOSTER_LOCK,
			&deleting))))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_admin_reset_cancel(struct flow *f, const char *name, int *requests,
    int *stopped)
{
	struct account a;
	enum outcome   o;

	*requests = *stopped = 0;
	if ((o = admin_begin(f, name, &a)) != OUT_OK)
		return o;
	if (!reset_cancel_all(f->db, f->cfg, a.id, f->ip,
		EVENT_WHY_HOSTER_CANCEL, "BY_ADMIN", f->now, requests,
		stopped))
		return flow_storage(f);
	if (*requests == 0 && !*stopped)
		return flow_rollback(f, OUT_RESET_NOTHING_PENDING);
	if (!admin_event(f, &a, EVENT_RESET_CANCELLED, NULL))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_admin_disable(struct flow *f, const char *name, int disable, int *changed,
    int *ended, int *stopped)
{
	struct account a;
	enum outcome   o;
	int	       requests, deleting;

	*changed = *ended = *stopped = 0;
	if ((o = admin_begin(f, name, &a)) != OUT_OK)
		return o;
	if ((a.disabled_at != 0) == (disable != 0))
		return flow_rollback(f, OUT_OK);
	*changed = 1;
	if (!account_set_disabled(f->db, a.id, disable ? f->now : 0) ||
	    !admin_event(f, &a, disable ? EVENT_DISABLED : EVENT_ENABLED,
		NULL))
		return flow_storage(f);
	/*
	 * Whatever was under way must not finish while the account is
	 * out of its owner's hands, or decide who gets in once it is
	 * enabled: sessions, resets, an address change, a deletion (the
	 * owner may ask for it again).
	 */
	if (disable &&
	    (!session_end_others(f->db, a.id, 0, ended) ||
		!reset_cancel_all(f->db, f->cfg, a.id, f->ip,
		    EVENT_WHY_HOSTER_DISABLE, "BY_HOSTER", f->now, &requests,
		    stopped) ||
		!link_void(f->db, LINK_EMAIL_CONFIRM, a.id, f->now) ||
		!flow_delete_stop(f, &a, EVENT_WHY_HOSTER_DISABLE, &deleting)))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_admin_sessions_revoke(struct flow *f, const char *name, int *ended)
{
	struct account a;
	enum outcome   o;
	char	       n[16];

	*ended = 0;
	if ((o = admin_begin(f, name, &a)) != OUT_OK)
		return o;
	if (!session_end_others(f->db, a.id, 0, ended))
		return flow_storage(f);
	snprintf(n, sizeof(n), "%d", *ended);
	if (!admin_event(f, &a, EVENT_SESSIONS_REVOKED, n))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

/*
 * Pending resets stay as they are: each keeps the proofs R3 asked of
 * it when it was proven, and the time lock and the owner's reject
 * (R4) still stand.  A request proven from now on needs what an
 * account without 2FA needs, as after the owner turns 2FA off; and an
 * authenticator set up afterwards is new, so R9 lets it prove, confirm
 * or reject nothing for reset_delay.
 */
enum outcome
flow_admin_twofa_reset(struct flow *f, const char *name)
{
	struct account a;
	enum outcome   o;

	if ((o = admin_begin(f, name, &a)) != OUT_OK)
		return o;
	if (a.totp_enabled_at == 0)
		return flow_rollback(f, OUT_TWOFA_ALREADY_OFF);
	if (!account_set_totp(f->db, a.id, NULL, 0, 0) ||
	    !admin_event(f, &a, EVENT_TWOFA_RESET, NULL) ||
	    !notify_change(f->db, &a, CHANNEL_NONE, NULL, f->ip,
		f->cfg->base_url, "mail/twofa_reset.tpl",
		"sms/twofa_reset.tpl", f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

/*
 * The notices are queued in the outbox, which belongs to no account,
 * so they go out after the account is gone.  The event is recorded
 * for its syslog line (the lasting record, with the name); the row
 * itself goes with the account's other events: a deleted account
 * leaves nothing of its owner behind.
 */
enum outcome
flow_admin_delete(struct flow *f, const char *name)
{
	struct account a;
	enum outcome   o;

	if ((o = admin_begin(f, name, &a)) != OUT_OK)
		return o;
	if (!notify_change(f->db, &a, CHANNEL_NONE, NULL, f->ip,
		f->cfg->base_url, "mail/account_deleted_by_hoster.tpl",
		"sms/account_deleted_by_hoster.tpl", f->now) ||
	    !admin_event(f, &a, EVENT_DELETED, NULL) ||
	    !account_delete_all(f->db, a.id))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}
