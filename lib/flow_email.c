/*
 * flow_email.c: /email, /email/confirm, /email/revert (flow_email.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "account.h"
#include "config.h"
#include "contacts.h"
#include "device.h"
#include "domains.h"
#include "event.h"
#include "flow_account.h"
#include "flow_email.h"
#include "flow_reset.h"
#include "link.h"
#include "notify.h"
#include "outbox.h"
#include "policy.h"
#include "proof.h"
#include "rate.h"
#include "render.h"
#include "reset.h"
#include "session.h"
#include "validate.h"
#include "when.h"

/* "n***@example.org": enough for the owner to recognise, little more. */
static void
email_masked(const char *addr, char *out, size_t outsz)
{
	const char *at = strrchr(addr, '@');

	if (at == NULL || at == addr)
		snprintf(out, outsz, "***");
	else
		snprintf(out, outsz, "%c***%s", addr[0], at);
}

/*
 * Mail the confirmation link to the new address.  Anyone with an
 * account could type anyone's address here, so it counts toward the
 * address's limit (*limited as outbox_mail() sets it).
 */
static int
email_send_confirm(struct flow *f, const char *addr, int64_t *limited)
{
	struct render_dict *d;
	int		    ok;

	if ((d = notify_dict(f->acct, NULL, f->ip, f->cfg->base_url,
		 f->now)) == NULL)
		return 0;
	/* A second request replaces the first: its link stops working. */
	ok = link_void(f->db, LINK_EMAIL_CONFIRM, f->acct->id, f->now) &&
	    flow_link(f, LINK_EMAIL_CONFIRM, f->acct->id, addr, 0,
		EMAIL_CONFIRM_TTL, "/email/confirm", d, "LINK") &&
	    outbox_mail(f->db, addr, "mail/email_confirm.tpl", d, f->now,
		limited);
	render_dict_free(d);
	return ok;
}

/*
 * May addr become account_id's?  OUT_OK, or why not; an account that
 * holds it unverified loses it when claim is set (R5).
 */
static enum outcome
email_claimable(struct flow *f, int64_t account_id, const char *addr,
    int claim, enum outcome taken)
{
	struct account	holder;
	struct r1_check c;
	int		deleted;

	if (!account_by_login(f->db, addr, &holder))
		return OUT_STORAGE;
	if (holder.id != 0 && holder.id != account_id) {
		if (!policy_claim_beats(holder.email_verified_at))
			return taken;
		if (claim &&
		    (!account_delete_unverified(f->db, holder.id, &deleted) ||
			!deleted))
			return OUT_STORAGE;
	}
	if (!domains_check_address(f->db, f->cfg->recovery_rule, account_id,
		addr, &c))
		return OUT_STORAGE;
	if (c.verdict == R1_ALLOWED)
		return OUT_OK;
	flow_what(f, c.domain, NULL);
	return c.verdict == R1_OWN_DOMAIN ? OUT_R1_OWN_DOMAIN :
					    OUT_R1_PLATFORM_DOMAIN;
}

/*
 * The end of every accepted request for addr: its mail queued (sent, or
 * 0 on a storage failure) unless limited, then the event and the commit.
 */
static enum outcome
email_requested(struct flow *f, const char *addr, int sent, int64_t limited)
{
	if (!sent)
		return flow_storage(f);
	if (limited != 0)
		return flow_limited(f, OUT_LIMIT_MESSAGES, limited);
	if (!event_add(f->db, f->acct->id, EVENT_EMAIL_CHANGE_REQUESTED, f->ip,
		addr, f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

/*
 * addr belongs to another account.  As at signup, the answer is the one
 * a free address gets, or whoever has an account could learn whose
 * address has one; the address's owner is told instead, under the same
 * limit the confirmation would meet.
 */
static enum outcome
email_taken(struct flow *f, const char *addr)
{
	struct render_dict *d;
	int64_t		    limited = 0;
	int		    ok;

	if ((d = render_dict_new()) == NULL)
		return flow_storage(f);
	render_set(d, "BASE_URL", f->cfg->base_url);
	/* Whatever a free address's request would void goes too. */
	ok = link_void(f->db, LINK_EMAIL_CONFIRM, f->acct->id, f->now) &&
	    outbox_mail(f->db, addr, "mail/email_taken.tpl", d, f->now,
		&limited);
	render_dict_free(d);
	/*
	 * The same ending as for a free address: the activity page is the
	 * asker's, and must not tell either.
	 */
	return email_requested(f, addr, ok, limited);
}

enum outcome
flow_email_request(struct flow *f, const char *password, const char *code,
    const char *typed)
{
	char	     addr[255];
	int64_t	     until, limited;
	int	     sent;
	enum outcome o;

	if (!validate_email(typed, addr))
		return OUT_BAD_EMAIL;
	if (strcasecmp(addr, f->acct->email) == 0)
		return OUT_SAME_ADDRESS;
	if ((o = proof_begin(f, ACTION_EMAIL_CHANGE, password, code)) !=
	    OUT_OK)
		return o;
	/* Refused attempts count too. */
	if (!rate_take(f->db, RATE_EMAIL_ACCOUNT, f->acct->id, NULL, f->now,
		&until))
		return flow_storage(f);
	if (until != 0)
		return flow_limited(f, OUT_LIMIT_EMAIL, until);
	o = email_claimable(f, f->acct->id, addr, 0, OUT_ADDRESS_TAKEN);
	if (o == OUT_ADDRESS_TAKEN)
		return email_taken(f, addr);
	if (o != OUT_OK) {
		if (o == OUT_STORAGE ||
		    ((o == OUT_R1_OWN_DOMAIN || o == OUT_R1_PLATFORM_DOMAIN) &&
			!event_add(f->db, f->acct->id, EVENT_R1_REFUSED, f->ip,
			    f->said.what, f->now)))
			return flow_storage(f);
		return flow_commit(f, o);
	}
	limited = 0;
	sent = email_send_confirm(f, addr, &limited);
	return email_requested(f, addr, sent, limited);
}

/* The link of kind t names, peeked or used up. */
static enum outcome
email_link_of(struct flow *f, enum link_kind kind, const char *t, int consume,
    struct link *l)
{
	memset(l, 0, sizeof(*l));
	if (!token_valid(t))
		return OUT_LINK_BROKEN;
	if (!(consume ? link_consume(f->db, kind, t, f->now, l) :
			link_peek(f->db, kind, t, f->now, l)))
		return OUT_STORAGE;
	return l->id != 0 ? OUT_OK : OUT_LINK_STALE;
}

enum outcome
flow_email_peek(struct flow *f, int revert, const char *t, int *voids)
{
	struct link  l;
	struct reset r;
	enum outcome o;

	if ((o = email_link_of(f,
		 revert ? LINK_EMAIL_REVERT : LINK_EMAIL_CONFIRM, t, 0, &l)) !=
	    OUT_OK)
		return o;
	flow_what(f, l.data, NULL);
	if (voids != NULL)
		*voids = revert &&
		    policy_revert_voids_resets(l.num, f->now,
			f->cfg->reset_delay);
	if (!revert)
		return OUT_OK;
	/*
	 * The undo of an old address voids every waiting reset, the
	 * owner's own too: a reset proven from a mailbox a thief reads
	 * looks the same as the owner's (attacks_round4.py, 30).  The page
	 * says so before the button, with the reset's deadline and the
	 * link's own end, so an owner whose reset it is may let it take
	 * effect first.  The undo of a young address voids none, and its
	 * page says that one waits all the same (R9 tells young ways
	 * everything): its reader may be the owner, who must stop it by
	 * other means (attacks_round5.py, 38b).
	 */
	if (!reset_pending(f->db, l.account_id, &r))
		return OUT_STORAGE;
	/* One past its deadline is in force: the undo applies it first. */
	f->said.when = r.id != 0 && r.deadline > f->now ? r.deadline : 0;
	f->said.until = l.expires_at;
	return OUT_OK;
}

/* Tell the old address (with the way back) and every other channel. */
static int
email_tell_change(struct flow *f, const struct account *a, const char *old,
    int64_t old_since)
{
	struct render_dict *d;
	char		    masked[260];
	int		    ok;

	if ((d = notify_dict(a, NULL, f->ip, f->cfg->base_url, f->now)) ==
	    NULL)
		return 0;
	email_masked(a->email, masked, sizeof(masked));
	render_set(d, "MASKED", masked);
	/* The revert link carries the old address's age (R9) back. */
	ok = flow_link(f, LINK_EMAIL_REVERT, a->id, old, old_since,
		 EMAIL_REVERT_TTL, "/email/revert", d, "LINK") &&
	    outbox_mail(f->db, old, "mail/email_changed_old.tpl", d, f->now,
		NULL) &&
	    notify_channels(f->db, a, CHANNEL_PRIMARY,
		"mail/email_changed.tpl", "sms/email_changed.tpl", d, f->now);
	render_dict_free(d);
	return ok;
}

/*
 * addr becomes account_id's primary address: a recovery contact with
 * the same address stops being one, or one mailbox would be two
 * channels, and the code of one would earn the confirm link meant for
 * an address that took no part in the proof (R4).  It is no way in
 * removed: *since, when the primary counts from (R9), takes the
 * contact's age if it was verified before.
 */
static int
email_absorb_contact(struct flow *f, int64_t account_id, const char *addr,
    int64_t *since)
{
	struct contact c;

	if (!contacts_find(f->db, account_id, CONTACT_EMAIL, addr, &c))
		return 0;
	if (c.id == 0)
		return 1;
	if (c.verified_at != 0 && c.verified_at < *since)
		*since = c.verified_at;
	return contacts_remove(f->db, c.id);
}

enum outcome
flow_email_confirm(struct flow *f, const char *t, int64_t *account_id)
{
	struct link    l;
	struct account a;
	char	       old[255];
	int64_t	       old_since, since = f->now;
	enum outcome   o;

	*account_id = 0;
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	/* Anyone who has the mail may press it, logged in or not. */
	if ((o = email_link_of(f, LINK_EMAIL_CONFIRM, t, 1, &l)) != OUT_OK)
		return o == OUT_STORAGE ? flow_storage(f) :
					  flow_rollback(f, o);
	if (!account_by_id(f->db, l.account_id, &a))
		return flow_storage(f);
	/* Things may have changed in the hour since the request. */
	o = email_claimable(f, a.id, l.data, 1, OUT_ADDRESS_NOW_TAKEN);
	if (o == OUT_R1_OWN_DOMAIN || o == OUT_R1_PLATFORM_DOMAIN)
		o = OUT_ADDRESS_NOW_MANAGED;
	if (o != OUT_OK)
		return o == OUT_STORAGE ? flow_storage(f) :
					  flow_rollback(f, o);
	snprintf(old, sizeof(old), "%s", a.email);
	old_since = a.email_since;
	if (!email_absorb_contact(f, a.id, l.data, &since) ||
	    !account_set_email(f->db, a.id, l.data, f->now, since) ||
	    !account_by_id(f->db, a.id, &a) ||
	    !event_add(f->db, a.id, EVENT_EMAIL_CHANGED, f->ip, a.email,
		f->now) ||
	    !email_tell_change(f, &a, old, old_since))
		return flow_storage(f);
	*account_id = a.id;
	return flow_commit(f, OUT_OK);
}

/*
 * The address a revert replaces is a way in removed, and is told like
 * every other (R8): if the owner had moved away from a mailbox someone
 * else reads, that someone just took the address back.
 */
static int
email_tell_replaced(struct flow *f, const struct account *a,
    const char *replaced)
{
	struct render_dict *d;
	int		    ok;

	if ((d = notify_dict(a, NULL, f->ip, f->cfg->base_url, f->now)) ==
	    NULL)
		return 0;
	render_show(d, "REPLACED");
	ok = outbox_mail(f->db, replaced, "mail/email_reverted.tpl", d, f->now,
	    NULL);
	render_dict_free(d);
	return ok;
}

/*
 * An undo of a young address leaves a waiting reset be: its notice says
 * that one waits, and until when (attacks_round5.py, 38b).
 */
static int
email_tell_reset_stays(struct flow *f, int64_t account_id,
    struct render_dict *d)
{
	struct reset r;
	char	     when[WHEN_TEXT];

	if (!reset_pending(f->db, account_id, &r))
		return 0;
	if (r.id != 0 && r.deadline > f->now) {
		when_text(r.deadline, when);
		render_set(render_section(d, "RESET_STAYS"), "DEADLINE", when);
	}
	return 1;
}

/*
 * Put the address revert link l keeps back on account a.  Whoever moved
 * the account may hold a session, a pending reset or another change:
 * all of it ends here.  Revert links of changes made after this one's
 * go too; those of earlier ones stay, so the first owner's link always
 * has the last word.
 */
static int
email_restore(struct flow *f, struct account *a, const struct link *l)
{
	struct render_dict *d;
	char		    replaced[255];
	int64_t		    since = l->num;
	int		    ok, stopped, voids;

	if ((d = notify_dict(a, NULL, f->ip, f->cfg->base_url, f->now)) ==
	    NULL)
		return 0;
	render_show(d, "RESTORED");
	snprintf(replaced, sizeof(replaced), "%s", a->email);
	/*
	 * A deletion asked for while the account was moved is the mover's
	 * doing until shown otherwise: its cancel links went to the address
	 * being replaced, so it stops here and the owner may ask again.
	 */
	voids = policy_revert_voids_resets(l->num, f->now,
	    f->cfg->reset_delay);
	if (voids)
		render_show(d, "VOIDS_RESETS");
	else if (!email_tell_reset_stays(f, a->id, d)) {
		render_dict_free(d);
		return 0;
	}
	ok = email_absorb_contact(f, a->id, l->data, &since) &&
	    account_set_email(f->db, a->id, l->data, f->now, since) &&
	    account_by_id(f->db, a->id, a) && session_end_all(f->db, a->id) &&
	    device_forget(f->db, a->id, NULL, NULL, f->now) &&
	    flow_delete_stop(f, a, EVENT_WHY_EMAIL_REVERT, &stopped) &&
	    (!voids || reset_void_all(f->db, a->id, f->now)) &&
	    link_void(f->db, LINK_EMAIL_CONFIRM, a->id, f->now) &&
	    link_void_where(f->db, LINK_EMAIL_REVERT, a->id, l->id,
		policy_revert_voids, f->now) &&
	    event_add(f->db, a->id, EVENT_EMAIL_REVERTED, f->ip, a->email,
		f->now) &&
	    notify_channels(f->db, a, CHANNEL_NONE, "mail/email_reverted.tpl",
		"sms/email_reverted.tpl", d, f->now);
	render_dict_free(d);
	return ok &&
	    (strcasecmp(replaced, a->email) == 0 ||
		email_tell_replaced(f, a, replaced));
}

enum outcome
flow_email_revert(struct flow *f, const char *t)
{
	struct link    l;
	struct account a;
	enum outcome   o;
	int	       n;

	/*
	 * R4: a reset past its deadline is in force, mailer or not, and the
	 * undo page tells the owner whose reset it is to wait for it: apply
	 * it before the undo voids what still waits (attacks_round5.py, 37).
	 */
	if (email_link_of(f, LINK_EMAIL_REVERT, t, 0, &l) == OUT_OK &&
	    flow_reset_apply_due(f, l.account_id, &n) != OUT_OK)
		return OUT_STORAGE;
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if ((o = email_link_of(f, LINK_EMAIL_REVERT, t, 1, &l)) != OUT_OK)
		return o == OUT_STORAGE ? flow_storage(f) :
					  flow_rollback(f, o);
	if (!account_by_id(f->db, l.account_id, &a))
		return flow_storage(f);
	/* A verified holder keeps it; an unverified one never does (R5).
	 * R1 does not stand in the way of the owner's own old address. */
	if (strcasecmp(l.data, a.email) != 0 &&
	    (o = email_claimable(f, a.id, l.data, 1, OUT_ADDRESS_NOW_TAKEN)) !=
		OUT_OK &&
	    o != OUT_R1_OWN_DOMAIN && o != OUT_R1_PLATFORM_DOMAIN)
		return o == OUT_STORAGE ? flow_storage(f) :
					  flow_rollback(f, o);
	return email_restore(f, &a, &l) ? flow_commit(f, OUT_OK) :
					  flow_storage(f);
}
