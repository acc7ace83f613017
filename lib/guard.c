/*
 * guard.c: failure counts for passwords and TOTP codes (guard.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "config.h"
#include "event.h"
#include "flow.h"
#include "guard.h"
#include "notify.h"
#include "rate.h"
#include "render.h"
#include "when.h"

int
guard_for(struct flow *f, int64_t account_id, const char *typed,
    struct guard *g)
{
	int known = 0;

	memset(g, 0, sizeof(*g));
	g->account_id = account_id;
	g->typed = typed;
	if (account_id != 0 && f->browser != NULL) {
		if (!device_known(f->db, account_id, f->browser, &known))
			return 0;
		device_hex(f->browser, g->device);
	}
	g->bucket = policy_fail_bucket(known);
	return 1;
}

/* The rate-limit scope and value a failure of g counts under. */
static enum rate_scope
guard_scope(const struct guard *g, int totp, int64_t *id, const char **text)
{
	*id = g->account_id;
	*text = NULL;
	if (g->account_id == 0) {
		*text = g->typed != NULL ? g->typed : "";
		return RATE_LOGIN_NAME;
	}
	if (g->bucket == BUCKET_DEVICE) {
		*text = g->device;
		return totp ? RATE_TOTP_DEVICE : RATE_LOGIN_DEVICE;
	}
	if (totp)
		return RATE_TOTP_ACCOUNT;
	/*
	 * Strangers' wrong passwords count apart for the account's name
	 * and for its address (usernames have no '@'): with one count,
	 * whoever knows the name would learn which address is the
	 * account's from the warning and the pause an address typed after
	 * a few wrong tries with the name meets (attacks_round4.py, 31).
	 */
	return g->typed != NULL && strchr(g->typed, '@') != NULL ?
	    RATE_LOGIN_ADDRESS :
	    RATE_LOGIN_ACCOUNT;
}

/*
 * Does the ceiling over every password count of g's account (policy.h,
 * LOGIN_CEILING) bind g's count?  Only a count that failed within the
 * ceiling's window: whoever fills the ceiling with a copied browser
 * cookie and strangers' counts closes those, never the owner's other
 * browsers, which typed no wrong password (attacks_round5.py, 36c).
 */
static int
guard_ceiling_binds(struct flow *f, const struct guard *g, int *binds)
{
	enum rate_scope scope;
	int64_t		id, used;
	const char     *text;

	*binds = 0;
	if (g->account_id == 0)
		return 1;
	scope = guard_scope(g, 0, &id, &text);
	if (!rate_used(f->db, scope, id, text, f->now, LOGIN_CEILING_WINDOW,
		&used))
		return 0;
	*binds = used > 0;
	return 1;
}

/*
 * Is g's count closed, or for a password the ceiling, where it binds g?
 * *until: the later reopening.
 */
static int
guard_closed(struct flow *f, const struct guard *g, int totp, int64_t *until)
{
	enum rate_scope scope;
	int64_t		id, ceiling;
	const char     *text;
	int		binds;

	scope = guard_scope(g, totp, &id, &text);
	if (!rate_check(f->db, scope, id, text, f->now, until))
		return 0;
	if (totp)
		return 1;
	if (!guard_ceiling_binds(f, g, &binds))
		return 0;
	if (!binds)
		return 1;
	if (!rate_check(f->db, RATE_LOGIN_CEILING, g->account_id, NULL, f->now,
		&ceiling))
		return 0;
	if (ceiling > *until)
		*until = ceiling;
	return 1;
}

int
guard_password_closed(struct flow *f, const struct guard *g, int64_t *until)
{
	return guard_closed(f, g, 0, until);
}

int
guard_totp_closed(struct flow *f, const struct guard *g, int64_t *until)
{
	return guard_closed(f, g, 1, until);
}

int
guard_password_left(struct flow *f, const struct guard *g, int *left)
{
	enum rate_scope scope;
	int64_t		id;
	const char     *text;
	int		under_ceiling, binds;

	scope = guard_scope(g, 0, &id, &text);
	if (!rate_left(f->db, scope, id, text, f->now, left) ||
	    !guard_ceiling_binds(f, g, &binds))
		return 0;
	if (!binds)
		return 1;
	if (!rate_left(f->db, RATE_LOGIN_CEILING, g->account_id, NULL, f->now,
		&under_ceiling))
		return 0;
	if (under_ceiling < *left)
		*left = under_ceiling;
	return 1;
}

/* Whose count a limit closed on: in its event. */
static enum event_why
guard_why(const struct guard *g)
{
	return g->bucket == BUCKET_DEVICE ? EVENT_WHY_THIS_BROWSER :
					    EVENT_WHY_STRANGERS;
}

int
guard_password_failed(struct flow *f, const struct guard *g,
    enum event_kind kind)
{
	enum rate_scope scope;
	int64_t		id;
	const char     *text;
	int		closed, capped = 0;

	if (!flow_in_tx(f, "guard_password_failed"))
		return 0;
	scope = guard_scope(g, 0, &id, &text);
	if (!rate_fail(f->db, scope, id, text, f->now, &closed) ||
	    (g->account_id != 0 &&
		!rate_fail(f->db, RATE_LOGIN_CEILING, g->account_id, NULL,
		    f->now, &capped)) ||
	    !event_add(f->db, g->account_id, kind, f->ip, NULL, f->now))
		return 0;
	if (!closed && !capped)
		return 1;
	return event_add_why(f->db, g->account_id, EVENT_LOGIN_LOCKED, f->ip,
	    capped ? EVENT_WHY_EVERY_BROWSER : guard_why(g), f->now);
}

/* Tell every channel that TOTP entry just closed, and until when. */
static int
guard_tell_totp_closed(struct flow *f, const struct guard *g,
    const struct account *a, int64_t until)
{
	struct render_dict *d;
	char		    when[WHEN_TEXT];
	int		    ok;

	if ((d = notify_dict(a, NULL, f->ip, f->cfg->base_url, f->now)) ==
	    NULL)
		return 0;
	when_text(until, when);
	render_set(d, "UNTIL", when);
	render_show(d, g->bucket == BUCKET_DEVICE ? "KNOWN" : "STRANGER");
	ok = notify_channels(f->db, a, CHANNEL_NONE, "mail/totp_closed.tpl",
	    "sms/totp_closed.tpl", d, f->now);
	render_dict_free(d);
	return ok;
}

int
guard_totp_failed(struct flow *f, const struct guard *g,
    const struct account *a)
{
	enum rate_scope scope;
	int64_t		id, until;
	const char     *text;
	int		closed;

	if (!flow_in_tx(f, "guard_totp_failed"))
		return 0;
	scope = guard_scope(g, 1, &id, &text);
	if (!rate_fail(f->db, scope, id, text, f->now, &closed) ||
	    !event_add(f->db, a->id, EVENT_TOTP_FAILED, f->ip, NULL, f->now))
		return 0;
	if (!closed)
		return 1;
	return rate_check(f->db, scope, id, text, f->now, &until) &&
	    event_add_why(f->db, a->id, EVENT_TOTP_LOCKED, f->ip, guard_why(g),
		f->now) &&
	    guard_tell_totp_closed(f, g, a, until);
}
