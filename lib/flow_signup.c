/*
 * flow_signup.c: /signup and /verify (flow_signup.h).
 */
#include <stdint.h>

#include <sodium.h>

#include "account.h"
#include "config.h"
#include "domains.h"
#include "event.h"
#include "flow_signup.h"
#include "link.h"
#include "outbox.h"
#include "policy.h"
#include "rate.h"
#include "render.h"
#include "validate.h"
#include "when.h"

/*
 * Queue the verification mail for a new account, or the notice to the
 * owner of a taken address; *limited as outbox_mail() sets it: both
 * count the same, so a taken address meets the same limit as a new one.
 */
static int
signup_mail(struct flow *f, int64_t id, const char *username, const char *addr,
    int64_t pending_until, int64_t *limited)
{
	char		    when[WHEN_TEXT];
	struct render_dict *d;
	int		    ok = 0;

	if ((d = render_dict_new()) == NULL)
		return 0;
	render_set(d, "BASE_URL", f->cfg->base_url);
	if (id == 0) {
		/* Held by a newcomer still to confirm it: until when. */
		if (pending_until != 0) {
			when_text(pending_until, when);
			render_show(d, "PENDING");
			render_set(d, "UNTIL", when);
		}
		ok = outbox_mail(f->db, addr, "mail/signup_taken.tpl", d,
		    f->now, limited);
	} else if (flow_link(f, LINK_VERIFY, id, NULL, 0, SIGNUP_VERIFY_TTL,
		       "/verify", d, "LINK")) {
		render_set(d, "USERNAME", username);
		ok = outbox_mail(f->db, addr, "mail/verify.tpl", d, f->now,
		    limited);
	}
	render_dict_free(d);
	return ok;
}

/* What was typed, before any work: OUT_OK, or what is wrong with it. */
static enum outcome
signup_typed(struct flow *f, const char *username, const char *email,
    const char *password, char name[33], char addr[255])
{
	struct r1_check c;

	if (!validate_username(username, name))
		return OUT_BAD_USERNAME;
	if (!validate_email(email, addr))
		return OUT_BAD_EMAIL;
	/*
	 * R1 at the door: with recovery_rule = platform, an address on a
	 * domain some account has verified is refused (a new account
	 * manages nothing yet, so the account rule cannot bite here).
	 */
	if (!domains_check_address(f->db, f->cfg->recovery_rule, 0, addr, &c))
		return OUT_STORAGE;
	if (c.verdict != R1_ALLOWED) {
		flow_what(f, c.domain, NULL);
		if (flow_begin(f) != OUT_OK ||
		    !event_add(f->db, 0, EVENT_R1_REFUSED, f->ip, c.domain,
			f->now))
			return flow_storage(f);
		return flow_commit(f, OUT_R1_PLATFORM_DOMAIN);
	}
	return flow_new_password(password, name, addr);
}

/* Inside the transaction: the account made (or the owner told). */
static enum outcome
signup_settle(struct flow *f, const char *name, const char *addr,
    const char *hash)
{
	struct account holder;
	int64_t	       id = 0, limited, pending_until = 0;
	int	       taken, deleted;

	if (!account_name_taken(f->db, name, &taken))
		return flow_storage(f);
	if (taken)
		return flow_commit(f, OUT_USERNAME_TAKEN);
	if (!account_by_login(f->db, addr, &holder))
		return flow_storage(f);
	/* Never verified, and never will be: it reserves nothing (R5). */
	if (holder.id != 0 &&
	    policy_signup_replaces(holder.email_verified_at, holder.created_at,
		f->now, SIGNUP_VERIFY_TTL)) {
		if (!account_delete_unverified(f->db, holder.id, &deleted) ||
		    !deleted)
			return flow_storage(f);
		holder.id = 0;
	} else if (holder.id != 0 && holder.email_verified_at == 0)
		pending_until = holder.created_at + SIGNUP_VERIFY_TTL;
	if ((holder.id == 0 &&
		!account_create(f->db, name, addr, hash, f->now, &id)) ||
	    !signup_mail(f, id, name, addr, pending_until, &limited))
		return flow_storage(f);
	/* Nothing is kept: the visitor is told, and may come back. */
	if (limited != 0)
		return flow_limited(f, OUT_LIMIT_MESSAGES, limited);
	if (!event_add(f->db, id,
		id != 0 ? EVENT_SIGNUP : EVENT_SIGNUP_ADDRESS_TAKEN, f->ip,
		NULL, f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_signup(struct flow *f, const char *username, const char *email,
    const char *password)
{
	char	     name[33], addr[255], hash[PWHASH_TEXT];
	int64_t	     until;
	enum outcome o;

	if ((o = signup_typed(f, username, email, password, name, addr)) !=
	    OUT_OK)
		return o;
	if (!rate_check(f->db, RATE_SIGNUP_IP, 0, f->ip, f->now, &until))
		return OUT_STORAGE;
	if (until != 0) {
		f->said.until = until;
		return OUT_LIMIT_SIGNUPS;
	}
	/* Hash before the write lock: Argon2id takes a tenth of a second. */
	if (!pw_hash(password, f->cfg->pwhash_ops, f->cfg->pwhash_mem, hash))
		return OUT_STORAGE;
	if (flow_begin(f) != OUT_OK ||
	    !rate_hit(f->db, RATE_SIGNUP_IP, 0, f->ip, f->now))
		o = flow_storage(f);
	else
		o = signup_settle(f, name, addr, hash);
	sodium_memzero(hash, sizeof(hash));
	return o;
}

enum outcome
flow_verify(struct flow *f, const char *t, int use)
{
	struct link l;

	if (!token_valid(t))
		return OUT_LINK_BROKEN;
	if (!use) {
		if (!link_peek(f->db, LINK_VERIFY, t, f->now, &l))
			return OUT_STORAGE;
		return l.id != 0 ? OUT_OK : OUT_LINK_STALE;
	}
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if (!link_consume(f->db, LINK_VERIFY, t, f->now, &l))
		return flow_storage(f);
	if (l.id == 0)
		return flow_rollback(f, OUT_LINK_STALE);
	if (!account_set_verified(f->db, l.account_id, f->now) ||
	    !event_add(f->db, l.account_id, EVENT_EMAIL_VERIFIED, f->ip, NULL,
		f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}
