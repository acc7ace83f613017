/*
 * flow_reset.c: /reset, /reset/prove, /reset/confirm, /reset/reject
 * (flow_reset.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "account.h"
#include "code.h"
#include "config.h"
#include "contacts.h"
#include "device.h"
#include "event.h"
#include "flow_reset.h"
#include "guard.h"
#include "link.h"
#include "log.h"
#include "notify.h"
#include "onetime.h"
#include "policy.h"
#include "proof.h"
#include "rate.h"
#include "render.h"
#include "reset.h"
#include "session.h"
#include "twofa.h"
#include "validate.h"
#include "when.h"

/* The longest name or address the reset page takes. */
#define RESET_TYPED_MAX 254

enum outcome
flow_reset_ask(struct flow *f, const char *typed)
{
	struct account	a;
	enum rate_scope scope = RATE_RESET_NAME;
	int64_t		until, name_until, id = 0;
	int		known;

	if (typed[0] == '\0' || strlen(typed) > RESET_TYPED_MAX)
		return OUT_NAME_NEEDED;
	/*
	 * Only the ask is recorded, under limits per client and per name
	 * as typed -- or per account for a browser that has logged in to
	 * it, so that strangers cannot use up the owner's asks -- with the
	 * same statements for every name, so neither the answer nor its
	 * timing tells whether it is an account's.  The limits are sized
	 * so that the mailer's per account never drops an ask answered
	 * here (rate.c).
	 */
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if (!account_by_login(f->db, typed, &a) ||
	    !device_known(f->db, a.id, f->browser, &known))
		return flow_storage(f);
	if (known) {
		scope = RATE_RESET_KNOWN;
		id = a.id;
		typed = NULL;
	}
	if (!rate_check(f->db, RATE_RESET_IP, 0, f->ip, f->now, &until) ||
	    !rate_check(f->db, scope, id, typed, f->now, &name_until))
		return flow_storage(f);
	if (until != 0)
		return flow_limited(f, OUT_LIMIT_RESETS, until);
	if (name_until != 0)
		return flow_limited(f, OUT_LIMIT_RESETS_NAME, name_until);
	if (!rate_hit(f->db, RATE_RESET_IP, 0, f->ip, f->now) ||
	    !rate_hit(f->db, scope, id, typed, f->now) ||
	    !reset_ask(f->db, known ? a.username : typed, f->ip, f->browser,
		f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

/* ------------------------------------------------------------------ */
/* Proving                                                            */

/* What the typed codes proved, and what they did not. */
struct proofs {
	struct proof	p[RESET_MAX_CODES];
	size_t		n;
	size_t		wrong;		       /* codes that proved nothing */
	int64_t		used[RESET_MAX_CODES]; /* code rows to use up */
	size_t		nused;
	int		recovery_code; /* the recovery code was one */
	int		kit;	       /* the kit was one */
	enum typed_code totp;	       /* the authenticator's code */
};

static void
proofs_add(struct proofs *ps, enum proof_kind kind, int64_t channel,
    int64_t since)
{
	ps->p[ps->n].kind = kind;
	ps->p[ps->n].channel = channel;
	ps->p[ps->n].since = since;
	ps->n++;
}

/* What an 8-digit code proves: the channel the request sent it to. */
static int
prove_channel_code(struct flow *f, const struct account *a,
    const struct reset *rs, const char *code, struct proofs *ps)
{
	struct contact c;
	int64_t	       id, cid;

	if (!onetime_find(f->db, f->keys->codes, a->id, "reset", rs->id, code,
		f->now, &id, &cid))
		return 0;
	if (id == 0) {
		ps->wrong++;
		return 1;
	}
	ps->used[ps->nused++] = id;
	if (cid == CHANNEL_PRIMARY) {
		proofs_add(ps, PROOF_EMAIL, cid, a->email_since);
		return 1;
	}
	if (!contacts_get(f->db, a->id, cid, &c))
		return 0;
	proofs_add(ps, c.kind == CONTACT_PHONE ? PROOF_PHONE : PROOF_EMAIL,
	    cid, c.verified_at);
	return 1;
}

/* What a base32 code proves: the recovery code, or half of the kit. */
static int
prove_base32(struct flow *f, const struct account *a, const char *norm,
    char halves[2][CODE_NORMAL_TEXT], size_t *nhalves, struct proofs *ps)
{
	unsigned char h[HASH_BYTES];
	int	      match;

	if (strlen(norm) == CODE_KIT_HALF_LEN) {
		/* Only two halves together can be checked. */
		if (*nhalves < 2)
			memcpy(halves[(*nhalves)++], norm, CODE_NORMAL_TEXT);
		return 1;
	}
	if (!code_hash(norm, h) ||
	    !account_recovery_code_matches(f->db, a->id, h, &match))
		return 0;
	if (match && !ps->recovery_code) {
		ps->recovery_code = 1;
		proofs_add(ps, PROOF_RECOVERY_CODE, 0, a->recovery_code_at);
	} else if (!match)
		ps->wrong++;
	return 1;
}

/* Two kit halves, in either order, make one proof. */
static int
prove_kit(struct flow *f, const struct account *a,
    char halves[2][CODE_NORMAL_TEXT], struct proofs *ps)
{
	char	      whole[CODE_KIT_WHOLE_TEXT];
	unsigned char h[HASH_BYTES];
	int	      match = 0, ok;

	ok = a->kit_at != 0 && code_kit_join(halves[0], halves[1], whole) ?
	    code_hash(whole, h) &&
		account_kit_matches(f->db, a->id, h, &match) :
	    1;
	if (ok && match) {
		ps->kit = 1;
		proofs_add(ps, PROOF_KIT, 0, a->kit_at);
	} else if (ok)
		ps->wrong++;
	sodium_memzero(whole, sizeof(whole));
	return ok;
}

/*
 * Work out what every typed code proves.  The authenticator's code (at
 * most one, the caller checked) is looked at last, and only beside
 * another right proof (policy_reset_checks_totp).  Nothing is used up
 * here.  0 on a storage error.
 */
static int
prove_collect(struct flow *f, const struct account *a, const struct reset *rs,
    const char *const *codes, size_t ncodes, struct proofs *ps)
{
	char   norm[CODE_NORMAL_TEXT], totp[CODE_NORMAL_TEXT];
	char   halves[2][CODE_NORMAL_TEXT];
	size_t i, nhalves = 0;
	int    ok = 1;

	memset(ps, 0, sizeof(*ps));
	totp[0] = '\0';
	for (i = 0; i < ncodes && ok; i++) {
		switch (code_normalise(codes[i], norm, sizeof(norm))) {
		case CODE_DIGITS:
			ok = prove_channel_code(f, a, rs, norm, ps);
			break;
		case CODE_TOTP:
			memcpy(totp, norm, sizeof(totp));
			break;
		case CODE_BASE32:
			ok = prove_base32(f, a, norm, halves, &nhalves, ps);
			break;
		default:
			break; /* empty or not a code: no guess at all */
		}
	}
	if (ok && nhalves == 2)
		ok = prove_kit(f, a, halves, ps);
	if (ok && totp[0] != '\0') {
		if (a->totp_enabled_at == 0)
			ps->wrong++; /* there is no authenticator */
		else if (policy_reset_checks_totp(ps->n)) {
			ok = twofa_check(f, a, totp, 1, &ps->totp);
			if (ps->totp == CODE_RIGHT)
				proofs_add(ps, PROOF_TOTP, 0,
				    a->totp_enabled_at);
			else if (ps->totp == CODE_WRONG)
				ps->wrong++;
		}
	}
	sodium_memzero(norm, sizeof(norm));
	sodium_memzero(totp, sizeof(totp));
	sodium_memzero(halves, sizeof(halves));
	return ok;
}

/* How many of the codes have the shape of an authenticator's. */
static size_t
totp_count(const char *const *codes, size_t n)
{
	char   norm[CODE_NORMAL_TEXT];
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		count += code_normalise(codes[i], norm, sizeof(norm)) ==
		    CODE_TOTP;
	sodium_memzero(norm, sizeof(norm));
	return count;
}

struct pending_ctx {
	struct flow	     *f;
	const struct account *a;
	const struct proofs  *ps;
	const struct reset   *rs;
	int		      replaced;
	int		      ok;
};

/* A link of kind to the pending change into d as name, or 0. */
static int
pending_link(struct pending_ctx *pc, enum link_kind kind, const char *path,
    struct render_dict *d, const char *name)
{
	char data[RESET_LINK_DATA];

	reset_link_data(pc->rs, data);
	return flow_link(pc->f, kind, pc->rs->account_id, data, 0,
	    pc->rs->deadline + RESET_LINK_GRACE - pc->f->now, path, d, name);
}

/* Tell one channel, with the links policy_reset_links() gives it. */
static void
pending_tell(const struct channel *ch, void *arg)
{
	struct pending_ctx  *pc = arg;
	struct flow	    *f = pc->f;
	struct channel_facts facts = { ch->contact_id, ch->is_phone,
		ch->since };
	struct reset_links   l;
	struct render_dict  *d;
	char		     when[WHEN_TEXT];

	l = policy_reset_links(&facts, pc->ps->p, pc->ps->n, f->now,
	    f->cfg->reset_delay);
	/* A dictionary per channel: sections shown for one stay shown. */
	if ((d = notify_dict(pc->a, NULL, f->ip, f->cfg->base_url, f->now)) ==
	    NULL) {
		pc->ok = 0;
		return;
	}
	when_text(pc->rs->deadline, when);
	render_set(d, "DEADLINE", when);
	if (pc->replaced)
		render_show(d, "REPLACED");
	if (!l.reject) {
		when_text(ch->since + f->cfg->reset_delay, when);
		render_set(d, "USABLE", when);
		render_show(d, "YOUNG");
	}
	if ((l.reject &&
		!pending_link(pc, LINK_RESET_REJECT, "/reset/reject",
		    render_section(d, "REJECT"), "REJECT_LINK")) ||
	    (l.confirm &&
		!pending_link(pc, LINK_RESET_CONFIRM, "/reset/confirm",
		    render_section(d, "CONFIRM"), "CONFIRM_LINK")) ||
	    !notify_channel(f->db, ch, "mail/reset_pending.tpl",
		"sms/reset_pending.tpl", d, f->now, NULL))
		pc->ok = 0;
	render_dict_free(d);
}

/* The proofs are enough: make the change pending, tell every channel. */
static int
prove_make_pending(struct flow *f, const struct account *a, struct reset *rs,
    const struct proofs *ps, const char *hash, int *replaced)
{
	struct pending_ctx pc = { f, a, ps, rs, 0, 1 };
	char		   proofs[256];

	/* Whoever typed a recovery code or kit has seen it: used up. */
	if ((ps->recovery_code &&
		!account_clear_recovery_code(f->db, a->id)) ||
	    (ps->kit && !account_clear_kit(f->db, a->id)))
		return 0;
	reset_proofs_text(ps->p, ps->n, proofs, sizeof(proofs));
	if (!reset_make_pending(f->db, rs, hash, proofs, f->now,
		f->now + f->cfg->reset_delay, replaced) ||
	    !event_add(f->db, a->id, EVENT_RESET_PENDING, f->ip, proofs,
		f->now))
		return 0;
	pc.replaced = *replaced;
	return notify_each_channel(f->db, a, pending_tell, &pc) && pc.ok;
}

/* What a refused try says, when nothing wrong was typed. */
static enum outcome
prove_not_enough(struct flow *f, enum r3_verdict v, const struct proofs *ps,
    int64_t usable_from)
{
	if (ps->totp == CODE_USED || ps->totp == CODE_LOCKED)
		return twofa_outcome(ps->totp);
	switch (v) {
	case R3_NEED_TWO:
		return OUT_RESET_NEED_TWO;
	case R3_NEED_NON_EMAIL:
		return OUT_RESET_NEED_NON_EMAIL;
	case R3_TOO_NEW:
		f->said.when = usable_from;
		return OUT_RESET_TOO_NEW;
	default:
		return OUT_RESET_NOT_RIGHT;
	}
}

/*
 * A try with a wrong code: one of the request's five (this browser's).
 * The answer is the one a name nobody has gets, the fifth time too:
 * what it says must not tell whether the name is an account's.
 */
static enum outcome
prove_failed(struct flow *f, const struct account *a, const struct reset *rs)
{
	if (!reset_fail(f->db, rs, f->now) ||
	    !event_add(f->db, a->id, EVENT_RESET_REFUSED, f->ip, NULL, f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_RESET_NOT_RIGHT);
}

/*
 * The proof, inside the transaction: a the account, rs the browser's
 * live request, hash the new password's (weak: why it may not be).
 */
static enum outcome
prove_settle(struct flow *f, const struct account *a, struct reset *rs,
    const char *const *codes, size_t ncodes, const char *hash,
    enum outcome weak, int *replaced)
{
	struct proofs	ps;
	enum r3_verdict v;
	int64_t		usable_from;
	size_t		i;
	int		won;

	if (!prove_collect(f, a, rs, codes, ncodes, &ps))
		return flow_storage(f);
	v = policy_r3(ps.p, ps.n, a->totp_enabled_at, f->now,
	    f->cfg->reset_delay, &usable_from);
	switch (policy_reset_try(v, ps.wrong)) {
	case TRY_FAILED:
		return prove_failed(f, a, rs);
	case TRY_NOT_ENOUGH:
		/* Right codes are no failure, and nothing is used up. */
		return flow_rollback(f,
		    prove_not_enough(f, v, &ps, usable_from));
	case TRY_ACCEPT:
		break;
	}
	if (weak != OUT_OK)
		return flow_rollback(f, weak);
	/* The codes that proved it are used up, once: a racing try loses. */
	for (i = 0; i < ps.nused; i++) {
		if (!onetime_use(f->db, ps.used[i], f->now, &won))
			return flow_storage(f);
		if (!won)
			return flow_rollback(f, OUT_RESET_NOT_RIGHT);
	}
	if (!prove_make_pending(f, a, rs, &ps, hash, replaced))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

/*
 * This browser's asks for the account a (by name) become a request and
 * codes now, as the mailer would make them: proofs that need no mailed
 * code (the recovery code, TOTP, a kit) must not wait for it.  A name
 * nobody has takes the same transaction (its asks leave an event), so
 * the timing tells no more than the answer.  OUT_OK with a read again
 * and rs its live request, inside a transaction left open.
 */
static enum outcome
prove_request(struct flow *f, const char *name, struct account *a,
    struct reset *rs)
{
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if (!reset_asks_process_for(f->db, f->cfg, f->keys->codes,
		a->id != 0 ? a->username : name, a->id != 0 ? a->email : NULL,
		f->browser, f->now) ||
	    flow_commit(f, OUT_OK) != OUT_OK || flow_begin(f) != OUT_OK)
		return flow_storage(f);
	if (a->id != 0 &&
	    (!account_by_id(f->db, a->id, a) ||
		!reset_live_request(f->db, a->id, f->browser, f->now, rs)))
		return flow_storage(f);
	if (a->id != 0 && account_recovery_closed(a)) /* locked meanwhile */
		return flow_rollback(f, OUT_RESET_LOCKED);
	if (a->id == 0 || rs->id == 0)
		/* Unknown name, nothing asked, or expired: one answer. */
		return flow_rollback(f, OUT_RESET_NOT_RIGHT);
	return OUT_OK;
}

enum outcome
flow_reset_prove(struct flow *f, const char *name, const char *const *codes,
    size_t ncodes, const char *password, int *replaced)
{
	char	       hash[PWHASH_TEXT];
	struct account a;
	struct reset   rs;
	enum outcome   o, weak;

	*replaced = 0;
	if (ncodes > RESET_MAX_CODES)
		return OUT_RESET_TOO_MANY_CODES;
	/* At most one TOTP guess per try (R8). */
	if (totp_count(codes, ncodes) > 1)
		return OUT_RESET_ONE_TOTP;
	if (!account_by_login(f->db, name, &a))
		return OUT_STORAGE;
	if (a.id != 0 && account_recovery_closed(&a))
		return OUT_RESET_LOCKED;
	weak = flow_new_password(password, a.username, a.email);
	/* The same Argon2id work whatever happens next. */
	if (!pw_hash(password, f->cfg->pwhash_ops, f->cfg->pwhash_mem, hash))
		return OUT_STORAGE;
	if ((o = prove_request(f, name, &a, &rs)) == OUT_OK)
		o = prove_settle(f, &a, &rs, codes, ncodes, hash, weak,
		    replaced);
	sodium_memzero(hash, sizeof(hash));
	return o;
}

/* ------------------------------------------------------------------ */
/* Confirming and stopping a pending change (R4, R7, R8, R9)          */

/* The pending change a mailed link of kind names; peek or use it up. */
static enum outcome
reset_by_link(struct flow *f, enum link_kind kind, const char *t, int consume,
    struct reset *rs)
{
	struct link l;

	memset(rs, 0, sizeof(*rs));
	if (!token_valid(t))
		return OUT_LINK_BROKEN;
	if (!(consume ? link_consume(f->db, kind, t, f->now, &l) :
			link_peek(f->db, kind, t, f->now, &l)) ||
	    (l.id != 0 && !reset_get(f->db, strtoll(l.data, NULL, 10), rs)))
		return OUT_STORAGE;
	if (l.id == 0 || rs->id == 0 || rs->state != RESET_PENDING)
		return OUT_RESET_STALE;
	return OUT_OK;
}

/* The pending change of the flow's account, for its session. */
static enum outcome
reset_of_session(struct flow *f, struct reset *rs)
{
	memset(rs, 0, sizeof(*rs));
	if (f->acct == NULL)
		return OUT_RESET_NOT_OLDER;
	if (!reset_pending(f->db, f->acct->id, rs))
		return OUT_STORAGE;
	return rs->id == 0 ? OUT_RESET_NOTHING_PENDING : OUT_OK;
}

static enum outcome
session_reset_outcome(enum session_reset_verdict v)
{
	switch (v) {
	case SESSION_RESET_OK:
		return OUT_OK;
	case SESSION_RESET_NOT_OLDER:
		return OUT_RESET_NOT_OLDER;
	case SESSION_RESET_MAILED_ONLY:
		return OUT_RESET_MAILED_ONLY;
	case SESSION_RESET_TOO_NEW:
		return OUT_RESET_AUTH_TOO_NEW;
	case SESSION_RESET_NEED_PROOF:
		break;
	}
	return OUT_NEED_CODE;
}

/*
 * A session cannot confirm rs without 2FA: say when it takes effect,
 * and name the mailed confirm links only where some were mailed.
 */
static enum outcome
mailed_only(struct flow *f, const struct reset *rs)
{
	int mailed;

	if (!reset_confirm_mailed(f->db, rs, f->now, &mailed))
		return OUT_STORAGE;
	f->said.when = rs->deadline;
	f->said.detail = mailed ? "CONFIRM_MAILED" : NULL;
	return OUT_RESET_MAILED_ONLY;
}

enum outcome
flow_reset_waiting(struct flow *f, struct reset_waiting *w)
{
	struct reset   rs;
	struct account a;

	memset(w, 0, sizeof(*w));
	if (f->browser == NULL)
		return OUT_OK;
	if (!reset_pending_of_browser(f->db, f->browser, &rs))
		return OUT_STORAGE;
	if (rs.id == 0)
		return OUT_OK;
	if (!account_by_id(f->db, rs.account_id, &a) ||
	    !reset_confirm_mailed(f->db, &rs, f->now, &w->mailed))
		return OUT_STORAGE;
	w->deadline = rs.deadline;
	w->twofa = a.totp_enabled_at != 0;
	return OUT_OK;
}

enum outcome
flow_reset_peek(struct flow *f, int confirm, const char *t, int64_t *deadline,
    int *need_code)
{
	struct reset rs;
	enum outcome o;

	*deadline = 0;
	*need_code = 0;
	if (t != NULL)
		o = reset_by_link(f,
		    confirm ? LINK_RESET_CONFIRM : LINK_RESET_REJECT, t, 0,
		    &rs);
	else if ((o = reset_of_session(f, &rs)) == OUT_OK) {
		/* What the button will ask for, as if it were pressed. */
		o = session_reset_outcome(policy_session_reset(confirm,
		    f->sess->created_at, rs.created_at,
		    f->acct->totp_enabled_at, CODE_RIGHT, 1, INT64_MAX, 0));
		if (o == OUT_RESET_MAILED_ONLY)
			o = mailed_only(f, &rs);
		*need_code = confirm;
	}
	*deadline = rs.deadline;
	return o;
}

/*
 * From a session: may it act on rs?  The code and password typed are
 * checked (and their failures counted) inside the write transaction;
 * pt was read before it.
 */
static enum outcome
reset_session_proof(struct flow *f, int confirm, const struct reset *rs,
    const struct proof_typed *pt, const char *code)
{
	enum session_reset_verdict v;
	enum typed_code		   res = CODE_ABSENT;
	enum outcome		   o;
	int			   typed, young;

	if ((o = proof_password(f, pt, &typed)) != OUT_OK)
		return o;
	if (f->acct->totp_enabled_at != 0 &&
	    !twofa_check(f, f->acct, code, 1, &res))
		return OUT_STORAGE;
	young = !policy_password_mature(f->acct->password_at, f->now,
	    f->cfg->reset_delay);
	v = policy_session_reset(confirm, f->sess->created_at, rs->created_at,
	    f->acct->totp_enabled_at, res, pt->password_right && !young,
	    f->now, f->cfg->reset_delay);
	if (v == SESSION_RESET_MAILED_ONLY)
		return mailed_only(f, rs);
	if (v != SESSION_RESET_NEED_PROOF)
		return session_reset_outcome(v);
	if (res != CODE_ABSENT)
		return twofa_outcome(res);
	if (pt->password_right && young) {
		f->said.when = f->acct->password_at + f->cfg->reset_delay;
		return OUT_RESET_PASSWORD_TOO_NEW;
	}
	if (typed)
		return OUT_BAD_PASSWORD;
	return confirm ? OUT_NEED_CODE : OUT_NEED_PASSWORD;
}

/*
 * The pending change a POST acts on, with its proof settled, inside an
 * open write transaction: OUT_OK, or why not with nothing left open.
 */
static enum outcome
reset_target(struct flow *f, int confirm, const char *t, const char *password,
    const char *code, struct reset *rs)
{
	struct proof_typed pt;
	enum outcome	   o;

	memset(&pt, 0, sizeof(pt));
	if (t == NULL && f->acct != NULL &&
	    !proof_read(f, confirm ? NULL : password, NULL, &pt))
		return OUT_STORAGE;
	if (flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if (t != NULL)
		o = reset_by_link(f,
		    confirm ? LINK_RESET_CONFIRM : LINK_RESET_REJECT, t, 1,
		    rs);
	else if ((o = reset_of_session(f, rs)) == OUT_OK)
		o = reset_session_proof(f, confirm, rs, &pt, code);
	if (o == OUT_STORAGE)
		return flow_storage(f);
	/* A refused proof's counts stay; a used link stays used. */
	return o == OUT_OK ? OUT_OK : flow_commit(f, o);
}

enum outcome
flow_reset_confirm(struct flow *f, const char *t, const char *code)
{
	struct reset rs;
	enum outcome o;
	int	     applied;

	if ((o = reset_target(f, 1, t, NULL, code, &rs)) != OUT_OK)
		return o;
	if (!reset_apply(f->db, f->cfg, &rs, f->ip, EVENT_WHY_CONFIRMED,
		f->now, &applied))
		return flow_storage(f);
	return flow_commit(f, applied ? OUT_OK : OUT_RESET_STOPPED_LOCKED);
}

enum outcome
flow_reset_reject(struct flow *f, const char *t, const char *password,
    const char *code)
{
	struct reset rs;
	enum outcome o;

	if ((o = reset_target(f, 0, t, password, code, &rs)) != OUT_OK)
		return o;
	if (!reset_reject(f->db, f->cfg, &rs, f->ip, f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_reset_apply_due(struct flow *f, int64_t account_id, int *n)
{
	struct reset r;
	int	     applied;

	*n = 0;
	/* One change per transaction, so one failure blocks no other. */
	for (;;) {
		if (!reset_next_due(f->db, account_id, f->now, &r))
			return OUT_STORAGE;
		if (r.id == 0)
			return OUT_OK;
		if (flow_begin(f) != OUT_OK ||
		    !reset_apply(f->db, f->cfg, &r, NULL, EVENT_WHY_DEADLINE,
			f->now, &applied) ||
		    flow_commit(f, OUT_OK) != OUT_OK) {
			log_err("reset %lld: could not apply",
			    (long long)r.id);
			return flow_storage(f);
		}
		*n += applied;
	}
}

enum outcome
flow_reset_asks_process(struct flow *f, int *n)
{
	int got;

	*n = 0;
	for (;;) {
		if (flow_begin(f) != OUT_OK ||
		    !reset_ask_next(f->db, f->cfg, f->keys->codes, NULL, NULL,
			NULL, f->now, &got))
			return flow_storage(f);
		if (!got)
			return flow_rollback(f, OUT_OK);
		if (flow_commit(f, OUT_OK) != OUT_OK)
			return OUT_STORAGE;
		(*n)++;
	}
}
