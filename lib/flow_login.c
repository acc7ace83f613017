/*
 * flow_login.c: /login, /login/2fa and /logout (flow_login.h).
 */
#include <stdint.h>
#include <string.h>

#include "account.h"
#include "config.h"
#include "db.h"
#include "device.h"
#include "event.h"
#include "flow_account.h"
#include "flow_login.h"
#include "flow_reset.h"
#include "guard.h"
#include "rate.h"
#include "twofa.h"

/* A wrong password: its count, and the network's (spraying). */
static enum outcome
login_failed(struct flow *f, const struct guard *g)
{
	int ipclosed, left;

	/*
	 * Every failure is an event (ASVS 7.2.1): the account's own, or,
	 * for a name nobody has, one without an account that keeps only
	 * the address (what was typed may be a password).  So is each
	 * limit, once, when this failure closes it.
	 */
	if (flow_begin(f) != OUT_OK ||
	    !guard_password_failed(f, g,
		g->account_id != 0 ? EVENT_LOGIN_FAILED :
				     EVENT_LOGIN_UNKNOWN) ||
	    !rate_fail(f->db, RATE_LOGIN_IP, 0, f->ip, f->now, &ipclosed) ||
	    (ipclosed &&
		!event_add(f->db, 0, EVENT_LOGIN_IP_LOCKED, f->ip, NULL,
		    f->now)) ||
	    !guard_password_left(f, g, &left))
		return flow_storage(f);
	if (policy_login_warns(left)) {
		f->said.left = left;
		f->said.detail = left > 0 ? "FEW_LEFT" : "NONE_LEFT";
	}
	return flow_commit(f, OUT_LOGIN_WRONG);
}

/* A new session for a, in place of the browser's old one. */
static int
login_session(struct flow *f, const struct account *a,
    enum session_stage stage, enum event_why why, char cookie[TOKEN_TEXT])
{
	struct session s;

	if ((f->sess != NULL && !session_end(f->db, f->sess->id)) ||
	    !session_create(f->db, a->id, stage, f->ip, f->agent, f->now,
		cookie, &s))
		return 0;
	/* Only a whole login makes the browser one the account knows. */
	if (stage == SESSION_FULL &&
	    ((f->browser != NULL &&
		 !device_renew(f->db, a->id, f->browser, f->browser_renewed,
		     f->now)) ||
		(why == EVENT_WHY_TWOFA &&
		    !session_set_twofa(f->db, s.id, f->now))))
		return 0;
	return event_add_why(f->db, a->id,
	    stage == SESSION_FULL ? EVENT_LOGIN : EVENT_LOGIN_PASSWORD, f->ip,
	    why, f->now);
}

/* The account named (a->id 0: none), with what is due applied first. */
static int
login_account(struct flow *f, const char *name, struct account *a)
{
	int n, gone;

	if (!account_by_login(f->db, name, a))
		return 0;
	/*
	 * R4: a change whose deadline has passed is in force, cron or not;
	 * so is a deletion (which leaves no account to log in to).
	 */
	return a->id == 0 ||
	    (flow_reset_apply_due(f, a->id, &n) == OUT_OK &&
		flow_delete_due(f, a->id, &gone) == OUT_OK &&
		((n == 0 && gone == 0) || account_by_login(f->db, name, a)));
}

/* OUT_OK when this password may be tried now, else why not. */
static enum outcome
login_limits(struct flow *f, int64_t account_id, const char *name,
    struct guard *g)
{
	int64_t until, ipuntil;

	/*
	 * The limit per client address stops spraying over many names;
	 * a browser the account knows is spared it, or a neighbour behind
	 * the same address (an office, a campus) could shut its owner out.
	 */
	ipuntil = 0;
	if (!guard_for(f, account_id, name, g) ||
	    !guard_password_closed(f, g, &until) ||
	    (g->bucket != BUCKET_DEVICE &&
		!rate_check(f->db, RATE_LOGIN_IP, 0, f->ip, f->now, &ipuntil)))
		return OUT_STORAGE;
	if (until != 0 || ipuntil != 0) {
		f->said.until = until != 0 ? until : ipuntil;
		return until != 0 ? OUT_LIMIT_LOGIN : OUT_LIMIT_LOGIN_IP;
	}
	return OUT_OK;
}

enum outcome
flow_login(struct flow *f, const char *name, const char *password,
    const char *dummy_hash, char cookie[TOKEN_TEXT], enum session_stage *stage)
{
	char	       hash[PWHASH_TEXT];
	struct account a;
	struct guard   g;
	enum outcome   o;
	int	       good, rehash;

	if (!login_account(f, name, &a))
		return OUT_STORAGE;
	if ((o = login_limits(f, a.id, name, &g)) != OUT_OK)
		return o;
	good = pw_verify(a.id != 0 ? a.pw_hash : dummy_hash, password) &&
	    a.id != 0;
	if (!good)
		return login_failed(f, &g);
	/* Said only to whoever knows the password: it tells a name. */
	if (a.disabled_at != 0)
		return OUT_ACCOUNT_DISABLED;
	/* New limits in the configuration: upgrade the hash now. */
	rehash = pw_needs_rehash(a.pw_hash, f->cfg->pwhash_ops,
	    f->cfg->pwhash_mem);
	if (rehash &&
	    !pw_hash(password, f->cfg->pwhash_ops, f->cfg->pwhash_mem, hash))
		return OUT_STORAGE;
	/* With 2FA the new session grants nothing until the code is in. */
	*stage = a.totp_enabled_at != 0 ? SESSION_NEED_2FA : SESSION_FULL;
	if (flow_begin(f) != OUT_OK ||
	    (rehash && !account_set_password(f->db, a.id, hash)) ||
	    !login_session(f, &a, *stage, EVENT_WHY_NONE, cookie))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_login_code(struct flow *f, const char *code, char cookie[TOKEN_TEXT])
{
	struct account	a;
	enum typed_code res;

	if (f->sess == NULL || f->sess->stage != SESSION_NEED_2FA)
		return OUT_LOGIN_EXPIRED;
	if (!account_by_id(f->db, f->sess->account_id, &a))
		return OUT_STORAGE;
	if (a.id == 0)
		return OUT_LOGIN_EXPIRED;
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if (!twofa_check(f, &a, code, 1, &res))
		return flow_storage(f);
	if (res != CODE_RIGHT)
		return flow_commit(f, twofa_outcome(res)); /* counted */
	/* A new session id again: the half session granted nothing. */
	if (!login_session(f, &a, SESSION_FULL, EVENT_WHY_TWOFA, cookie))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_logout(struct flow *f)
{
	if (f->sess == NULL)
		return OUT_OK;
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if (!session_end(f->db, f->sess->id) ||
	    !event_add(f->db, f->sess->account_id, EVENT_LOGOUT, f->ip, NULL,
		f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}
