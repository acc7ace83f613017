/*
 * reset.c: /reset and below -- a forgotten password (R3, R4, R7).
 *
 * /reset sends a separate code to every verified channel, and answers
 * the same whether or not the account exists.  /reset/prove works out
 * what each typed code proves and asks policy_r3() whether that is
 * enough.  A success only creates a pending change: the new password
 * waits for reset_delay while every channel is told, with a link to
 * reject it (all channels) or confirm it (addresses not used as proof).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "postern.h"
#include "code.h"
#include "contacts.h"
#include "notify.h"
#include "onetime.h"
#include "policy.h"
#include "reset.h"
#include "twofa.h"

#define PROVE_MAX_CODES		8
#define PROVE_CODE_FIELDS	4	/* inputs on the form */

/* ------------------------------------------------------------------ */
/* /reset: ask for codes                                              */

static void
reset_form(struct req *r, int status, const char *error, const char *typed)
{
	if (error != NULL)
		page_set_error(r, error);
	render_set(r->page, "USERNAME", typed);
	page_render(r, status, "reset.tpl", "Forgotten password");
}

/* A human span of time: "24 hours", "1 minute". */
static void
span_text(int64_t s, char *out, size_t outsz)
{
	if (s % 86400 == 0 && s >= 86400 * 2)
		snprintf(out, outsz, "%lld days", (long long)(s / 86400));
	else if (s % 3600 == 0)
		snprintf(out, outsz, "%lld hour%s", (long long)(s / 3600),
		    s == 3600 ? "" : "s");
	else if (s % 60 == 0)
		snprintf(out, outsz, "%lld minute%s", (long long)(s / 60),
		    s == 60 ? "" : "s");
	else
		snprintf(out, outsz, "%lld seconds", (long long)s);
}

static void
ask_get(struct req *r)
{
	const char	*pending = req_query(r, "pending");
	const char	*rejected = req_query(r, "rejected");
	const char	*replaced = req_query(r, "replaced");
	char		 delay[32];

	if (pending != NULL && strcmp(pending, "1") == 0) {
		span_text(r->app->cfg.reset_delay, delay, sizeof(delay));
		render_set(r->page, "DELAY", delay);
		if (replaced != NULL && strcmp(replaced, "1") == 0)
			render_show(r->page, "REPLACED");
		page_render(r, 200, "reset_pending.tpl", "Reset waiting");
		return;
	}
	if (rejected != NULL && strcmp(rejected, "1") == 0) {
		page_render(r, 200, "reset_rejected.tpl", "Reset cancelled");
		return;
	}
	reset_form(r, 200, NULL, "");
}

static void
ask_post(struct req *r)
{
	const char	*typed;
	char		 msg[PAGE_LIMIT_TEXT];
	struct buf	 loc;
	int64_t		 until, name_until;
	struct db	*db = r->app->db;

	if ((typed = req_field(r, "username")) == NULL)
		return;
	if (typed[0] == '\0' || strlen(typed) > 254) {
		reset_form(r, 400, "Type your username or email address.",
		    typed);
		return;
	}
	/*
	 * Only the ask is recorded, under limits per client and per name
	 * as typed: the same statements for every name, so neither the
	 * answer nor its timing tells whether it is an account's.  The
	 * limit per name is sized so that the mailer's per account never
	 * drops an ask answered here (rate.c); postern mailer sends the
	 * codes within a second.
	 */
	if (!db_begin(db) ||
	    !rate_check(db, RATE_RESET_IP, 0, r->http.ip, r->now, &until) ||
	    !rate_check(db, RATE_RESET_NAME, 0, typed, r->now, &name_until))
		goto fail;
	if (until != 0 || name_until != 0) {
		db_rollback(db);
		page_limit_text(r, until != 0 ? "Too many resets were asked "
		    "for from your network in the last hour." : "Codes for "
		    "this name were already asked for in the last hour. They "
		    "can take a few minutes to arrive; please look in your "
		    "spam folder too.",
		    until != 0 ? until : name_until, msg);
		reset_form(r, 429, msg, typed);
		return;
	}
	if (!rate_hit(db, RATE_RESET_IP, 0, r->http.ip, r->now) ||
	    !rate_hit(db, RATE_RESET_NAME, 0, typed, r->now) ||
	    !reset_ask(db, typed, r->http.ip, r->now) || !db_commit(db))
		goto fail;
	buf_init(&loc);
	buf_puts(&loc, "/reset/prove?username=");
	http_query_escape(&loc, typed);
	if (loc.failed)
		page_storage_error(r);
	else
		page_redirect(r, loc.p);
	buf_free(&loc);
	return;
fail:
	page_storage_error(r);
}

/* ------------------------------------------------------------------ */
/* /reset/prove: the proofs and the new password                      */

/* Re-show the form with what was typed (codes too), never the password. */
static void
prove_form(struct req *r, int status, const char *error, const char *name)
{
	struct render_dict	*row;
	size_t			 i, shown = 0;

	if (error != NULL)
		page_set_error(r, error);
	render_set(r->page, "USERNAME", name);
	for (i = 0; i < r->http.body.n && shown < PROVE_MAX_CODES; i++) {
		if (strcmp(r->http.body.f[i].name, "code") != 0 ||
		    r->http.body.f[i].value[0] == '\0')
			continue;
		row = render_section(r->page, "CODE");
		render_set_int(row, "N", (long long)++shown);
		render_set(row, "VALUE", r->http.body.f[i].value);
	}
	for (; shown < PROVE_CODE_FIELDS; shown++) {
		row = render_section(r->page, "CODE");
		render_set_int(row, "N", (long long)shown + 1);
		render_set(row, "VALUE", "");
	}
	page_render(r, status, "reset_prove.tpl", "Prove it is you");
}

static void
prove_get(struct req *r)
{
	const char	*name = req_query(r, "username");

	prove_form(r, 200, NULL, name != NULL ? name : "");
}

struct proofs {
	struct proof	 p[PROVE_MAX_CODES];
	size_t		 n;
	char		 halves[2][CODE_NORMAL_TEXT];
	size_t		 nhalves;
};

/* What one 8-digit code proves: the channel it was sent to. */
static int
prove_channel_code(struct req *r, const struct account *a, const char *code,
    struct proofs *ps)
{
	struct contact	 c;
	int64_t		 cid;
	int		 found;

	if (!onetime_match(r->app->db, r->app->keys.codes, a->id, "reset", code,
	    r->now, &cid, &found))
		return 0;
	if (!found)
		return 1;
	ps->p[ps->n].channel = cid;
	if (cid == CHANNEL_PRIMARY)
		ps->p[ps->n].kind = PROOF_EMAIL;
	else {
		if (!contacts_get(r->app->db, a->id, cid, &c))
			return 0;
		ps->p[ps->n].kind = c.kind == CONTACT_PHONE ?
		    PROOF_PHONE : PROOF_EMAIL;
	}
	ps->n++;
	return 1;
}

/* What a 6-digit code proves: the authenticator, used up once. */
static int
prove_totp(struct req *r, const struct account *a, const char *code,
    struct proofs *ps)
{
	int	 good;

	if (!twofa_verify(r->app->db, r->app->keys.totp, a->id, code, r->now,
	    1, &good))
		return 0;
	if (good) {
		ps->p[ps->n].kind = PROOF_TOTP;
		ps->p[ps->n++].channel = 0;
	}
	return 1;
}

/* Work out what every typed code proves.  0 on a storage error. */
static int
prove_collect(struct req *r, const struct account *a, struct proofs *ps)
{
	char		 norm[CODE_NORMAL_TEXT], whole[CODE_KIT_WHOLE_TEXT];
	unsigned char	 h[HASH_BYTES];
	size_t		 i;
	int		 match, ok = 1;

	memset(ps, 0, sizeof(*ps));
	for (i = 0; i < PROVE_MAX_CODES; i++)
		ps->p[i].since = r->now;
	for (i = 0; i < r->http.body.n && ok; i++) {
		if (strcmp(r->http.body.f[i].name, "code") != 0)
			continue;
		switch (code_normalise(r->http.body.f[i].value, norm,
		    sizeof(norm))) {
		case CODE_DIGITS:
			ok = prove_channel_code(r, a, norm, ps);
			break;
		case CODE_TOTP:
			ok = prove_totp(r, a, norm, ps);
			break;
		case CODE_BASE32:
			if (strlen(norm) == CODE_KIT_HALF_LEN) {
				if (ps->nhalves < 2)
					memcpy(ps->halves[ps->nhalves++], norm,
					    sizeof(norm));
				break;
			}
			ok = code_hash(norm, h) &&
			    account_recovery_code_matches(r->app->db, a->id, h,
			    &match);
			if (ok && match) {
				ps->p[ps->n].kind = PROOF_RECOVERY_CODE;
				ps->p[ps->n++].channel = 0;
			}
			break;
		default:
			break;
		}
	}
	/* Two kit halves, in either order, make one proof. */
	if (ok && ps->nhalves == 2 && a->kit_at != 0 &&
	    code_kit_join(ps->halves[0], ps->halves[1], whole)) {
		ok = code_hash(whole, h) &&
		    account_kit_matches(r->app->db, a->id, h, &match);
		if (ok && match) {
			ps->p[ps->n].kind = PROOF_KIT;
			ps->p[ps->n++].channel = 0;
		}
	}
	sodium_memzero(norm, sizeof(norm));
	sodium_memzero(whole, sizeof(whole));
	sodium_memzero(ps->halves, sizeof(ps->halves));
	return ok;
}

/* The proofs for the record: kinds and channels, never a code. */
static void
proofs_text(const struct proofs *ps, char *out, size_t outsz)
{
	static const char *const names[] = { "email", "phone",
	    "recovery-code", "totp", "kit" };
	size_t	 i, n = 0;

	out[0] = '\0';
	for (i = 0; i < ps->n && n < outsz; i++)
		n += (size_t)snprintf(out + n, outsz - n, "%s%s:%lld",
		    i ? " " : "", names[ps->p[i].kind],
		    (long long)ps->p[i].channel);
}

static const char *
r3_text(enum r3_verdict v)
{
	switch (v) {
	case R3_NEED_TWO:
		return "Two-step verification is on for this account, so "
		    "recovery needs two proofs from different places: for "
		    "example a code we sent plus your authenticator, recovery "
		    "code or phone.";
	case R3_NEED_NON_EMAIL:
		return "Two-step verification is on for this account, so one "
		    "proof must be something other than an email: your "
		    "authenticator, your phone, your recovery code or your "
		    "recovery kit.";
	default:
		/*
		 * The same words for an unknown name, an expired request and
		 * a wrong code, with or without 2FA: the page must not tell
		 * which it was.
		 */
		return "These codes are not right, or no longer valid. Codes "
		    "work for 15 minutes and five tries; you can ask for new "
		    "ones on the reset page.";
	}
}

struct pending_ctx {
	struct req		*r;
	const struct account	*a;
	const struct proofs	*ps;
	const struct reset	*rs;
	int			 replaced;
	int			 ok;
};

/*
 * Was this email channel used as a proof?  Then it gets no confirm
 * link.  The user's half of a kit went to a recovery address, so a kit
 * proof counts as one from every recovery address: whoever reads that
 * mailbox and talks the hoster out of the other half must still wait.
 */
static int
channel_proved(const struct proofs *ps, const struct channel *ch)
{
	size_t	 i;

	for (i = 0; i < ps->n; i++) {
		if (ps->p[i].kind == PROOF_EMAIL &&
		    ps->p[i].channel == ch->contact_id)
			return 1;
		if (ps->p[i].kind == PROOF_KIT &&
		    ch->contact_id != CHANNEL_PRIMARY)
			return 1;
	}
	return 0;
}

/* Tell one channel: a reject link for all, a confirm link for some. */
static void
pending_tell(const struct channel *ch, void *arg)
{
	struct pending_ctx	*pc = arg;
	struct req		*r = pc->r;
	struct render_dict	*d;
	char			 tok[TOKEN_TEXT], data[32], when[32];
	struct buf		 link;
	int64_t			 ttl = pc->rs->deadline + RESET_LINK_GRACE -
				    r->now;

	buf_init(&link);
	/* A dictionary per channel: sections shown for one stay shown. */
	if ((d = render_dict_new()) == NULL)
		goto fail;
	page_time(pc->rs->deadline, when);
	render_set(d, "USERNAME", pc->a->username);
	render_set(d, "DEADLINE", when);
	render_set(d, "IP", r->http.ip);
	if (pc->replaced)
		render_show(d, "REPLACED");
	snprintf(data, sizeof(data), "%lld", (long long)pc->rs->id);
	if (!link_create(r->app->db, "reset_reject", pc->rs->account_id, data,
	    r->now, ttl, tok))
		goto fail;
	buf_printf(&link, "%s/reset/reject?t=%s", r->app->cfg.base_url, tok);
	render_set(d, "REJECT_LINK", link.p);
	buf_reset(&link);
	/* An address that served as a proof may be the attacker's. */
	if (!ch->is_phone && !channel_proved(pc->ps, ch)) {
		if (!link_create(r->app->db, "reset_confirm",
		    pc->rs->account_id, data, r->now, ttl, tok))
			goto fail;
		buf_printf(&link, "%s/reset/confirm?t=%s",
		    r->app->cfg.base_url, tok);
		render_set(render_section(d, "CONFIRM"), "CONFIRM_LINK",
		    link.p);
	}
	if (link.failed || !notify_channel(r->app->db, ch,
	    "mail/reset_pending.tpl", "sms/reset_pending.tpl", d, r->now, NULL))
		goto fail;
	goto out;
fail:
	pc->ok = 0;
out:
	render_dict_free(d);
	buf_free(&link);
	sodium_memzero(tok, sizeof(tok));
}

static int
prove_make_pending(struct req *r, const struct account *a, struct reset *rs,
    const struct proofs *ps, const char *hash, int *replaced)
{
	struct pending_ctx	 pc = { r, a, ps, rs, 0, 1 };
	char			 proofs[256];
	size_t			 i;
	struct db		*db = r->app->db;

	/* Whoever typed a recovery code or kit has seen it: it is used up. */
	for (i = 0; i < ps->n; i++)
		if ((ps->p[i].kind == PROOF_RECOVERY_CODE &&
		    !account_clear_recovery_code(db, a->id)) ||
		    (ps->p[i].kind == PROOF_KIT && !account_clear_kit(db, a->id)))
			return 0;
	proofs_text(ps, proofs, sizeof(proofs));
	if (!reset_make_pending(db, rs, hash, proofs, r->now,
	    r->now + r->app->cfg.reset_delay, replaced) ||
	    !onetime_void(db, a->id, "reset", r->now) ||
	    !event_add(db, a->id, "reset_pending", r->http.ip, proofs, r->now))
		return 0;
	pc.replaced = *replaced;
	if (!notify_each_channel(db, a, pending_tell, &pc))
		return 0;
	return pc.ok;
}

/* A locked account gets no automated reset (postern lock). */
static void
prove_locked(struct req *r)
{
	db_rollback(r->app->db);
	page_error(r, 403, "Please contact your hoster",
	    "Automatic recovery is switched off for this account. Please "
	    "contact the people who run this site: they can help you get "
	    "back in.");
}

static void
prove_post(struct req *r)
{
	const char		*name, *password;
	char			 hash[PWHASH_TEXT];
	const char		*why = NULL;
	struct account		 a;
	struct reset		 rs;
	struct proofs		 ps;
	enum r3_verdict		 v;
	int			 left, replaced, weak;
	struct app		*app = r->app;
	struct db		*db = app->db;

	if ((name = req_field(r, "username")) == NULL ||
	    (password = req_field(r, "password")) == NULL)
		return;
	if (form_count(&r->http.body, "code") > PROVE_MAX_CODES) {
		page_error(r, 400, "Bad request", "Too many codes.");
		return;
	}
	if (!account_by_login(db, name, &a)) {
		page_storage_error(r);
		return;
	}
	if (a.id != 0 && a.locked_at != 0) {
		prove_locked(r);
		return;
	}
	weak = !validate_password_length(password) ? 1 :
	    password_is_weak(password, a.username, a.email) ? 2 : 0;
	/* The same Argon2id work whatever happens next. */
	if (!pw_hash(password, app->cfg.pwhash_ops, app->cfg.pwhash_mem,
	    hash)) {
		page_storage_error(r);
		return;
	}
	/*
	 * The asks for this account become a request and codes now, as
	 * the mailer would make them: proofs that need no mailed code (the
	 * recovery code, TOTP, a kit) must not wait for it.  A name nobody
	 * has takes the same transaction (its asks leave an event), so the
	 * timing tells no more than the answer.
	 */
	if (!db_begin(db) || !reset_asks_process_for(db, app->keys.codes,
	    a.id != 0 ? a.username : name, a.id != 0 ? a.email : NULL,
	    r->now) || !db_commit(db))
		goto fail;
	if (a.id != 0 && (!db_begin(db) || !account_by_id(db, a.id, &a) ||
	    !reset_live_request(db, a.id, r->now, &rs)))
		goto fail;
	/* Locked since the look-up above: the lock wins. */
	if (a.id != 0 && a.locked_at != 0) {
		prove_locked(r);
		goto out;
	}
	/* Unknown name, nothing asked, or expired: one answer for all. */
	if (a.id == 0 || rs.id == 0) {
		db_rollback(db);
		prove_form(r, 422, r3_text(R3_NO_PROOF), name);
		goto out;
	}
	if (!prove_collect(r, &a, &ps))
		goto fail;
	v = policy_r3(ps.p, ps.n, a.totp_enabled_at != 0, r->now, 0, NULL);
	if (v != R3_OK || weak) {
		/* Refused: nothing it matched is used up, but the try counts. */
		db_rollback(db);
		if (v != R3_OK)
			why = r3_text(v);
		else if (weak == 1)
			why = "Passwords are 8 to 256 characters long.";
		else
			why = "That password is too common or too easy to "
			    "guess. A few unrelated words make a strong one.";
		if (!db_begin(db) || !reset_fail(db, &rs, r->now, &left) ||
		    !event_add(db, a.id, "reset_refused", r->http.ip, NULL,
		    r->now) || !db_commit(db))
			goto fail;
		if (left == 0)
			why = "That was the fifth try that did not work, so "
			    "this reset is cancelled and its codes no longer "
			    "work. Ask for new codes to try again.";
		prove_form(r, 422, why, name);
		goto out;
	}
	if (!prove_make_pending(r, &a, &rs, &ps, hash, &replaced) ||
	    !db_commit(db))
		goto fail;
	page_redirect(r, replaced ? "/reset?pending=1&replaced=1" :
	    "/reset?pending=1");
	goto out;
fail:
	page_storage_error(r);
out:
	sodium_memzero(hash, sizeof(hash));
}

/* ------------------------------------------------------------------ */
/* /reset/confirm and /reset/reject (R7: GET only shows a button)     */

/*
 * The pending change a session may act on without a link: one asked
 * for after this session began (the robbed owner's browser).
 */
static int
session_pending(struct req *r, struct reset *rs)
{
	memset(rs, 0, sizeof(*rs));
	if (r->sess.id == 0 || r->sess.stage != SESSION_FULL)
		return 1;
	if (!reset_pending(r->app->db, r->acct.id, rs))
		return 0;
	if (rs->id != 0 && rs->created_at < r->sess.created_at)
		memset(rs, 0, sizeof(*rs));
	return 1;
}

static void
link_page(struct req *r, const char *kind, const char *tpl,
    const char *title)
{
	const char	*t = req_query(r, "t");
	struct link	 l;
	struct reset	 rs;
	char		 when[32];

	if (t == NULL) {
		if (!session_pending(r, &rs)) {
			page_storage_error(r);
			return;
		}
		if (rs.id == 0) {
			page_error(r, 404, "Nothing to do",
			    "There is no pending password change to act on.");
			return;
		}
		if (strcmp(kind, "reset_confirm") == 0) {
			if (r->acct.totp_enabled_at == 0) {
				page_error(r, 403, "Use the mailed link",
				    "Without two-step verification, a reset "
				    "is confirmed only by the link we mailed "
				    "to your other addresses, or it takes "
				    "effect on its own.");
				return;
			}
			render_show(r->page, "NEED_CODE");
		}
	} else {
		if (!token_valid(t)) {
			page_error(r, 400, "Broken link", "This link is "
			    "incomplete. Please copy the whole link from the "
			    "message.");
			return;
		}
		if (!link_peek(r->app->db, kind, t, r->now, &l) ||
		    (l.id != 0 && !reset_get(r->app->db, strtoll(l.data, NULL,
		    10), &rs))) {
			page_storage_error(r);
			return;
		}
		if (l.id == 0 || rs.id == 0 || strcmp(rs.state, "pending")) {
			page_error(r, 422, "Link no longer valid", "This link "
			    "has been used, has expired, or its password "
			    "change is no longer pending.");
			return;
		}
		render_set(r->page, "T", t);
		render_show(r->page, "HAS_T");
	}
	page_time(rs.deadline, when);
	render_set(r->page, "DEADLINE", when);
	page_render(r, 200, tpl, title);
}

static void
confirm_get(struct req *r)
{
	link_page(r, "reset_confirm", "reset_confirm.tpl",
	    "Confirm the new password");
}

static void
reject_get(struct req *r)
{
	link_page(r, "reset_reject", "reset_reject.tpl",
	    "Stop the password change");
}

/*
 * The pending change a POST acts on: by its link token, or for a
 * session that predates it.  0 after answering.  Inside a transaction.
 */
static int
link_target(struct req *r, const char *kind, struct reset *rs)
{
	const char	*t, *code;
	struct link	 l;
	int		 bad, good;

	t = req_field_opt(r, "t", &bad);
	if (bad) {
		req_field(r, "t");
		return 0;
	}
	if (t == NULL) {
		if (!session_pending(r, rs))
			goto fail;
		if (rs->id == 0) {
			db_rollback(r->app->db);
			page_error(r, 403, "Not allowed", "Only a browser that "
			    "was logged in before the reset, or the link from "
			    "the message, can do this.");
			return 0;
		}
		if (strcmp(kind, "reset_confirm") != 0)
			return 1;
		/*
		 * Skipping the wait from a session needs the authenticator:
		 * whoever borrows a logged-in browser could otherwise make a
		 * recovery code, prove a reset with it and confirm it here.
		 */
		code = req_field_opt(r, "code", &bad);
		good = 0;
		if (!bad && code != NULL && r->acct.totp_enabled_at != 0 &&
		    !twofa_verify(r->app->db, r->app->keys.totp, r->acct.id,
		    code, r->now, 1, &good))
			goto fail;
		if (!good) {
			db_rollback(r->app->db);
			page_error(r, r->acct.totp_enabled_at != 0 ? 422 : 403,
			    "Not confirmed", r->acct.totp_enabled_at != 0 ?
			    "That code is not right. Type the code your "
			    "authenticator shows now." : "Without two-step "
			    "verification, a reset is confirmed only by the "
			    "link we mailed to your other addresses, or it "
			    "takes effect on its own.");
			return 0;
		}
		return 1;
	}
	if (!token_valid(t)) {
		db_rollback(r->app->db);
		page_error(r, 400, "Broken link", "This link is incomplete.");
		return 0;
	}
	if (!link_consume(r->app->db, kind, t, r->now, &l) ||
	    (l.id != 0 && !reset_get(r->app->db, strtoll(l.data, NULL, 10),
	    rs)))
		goto fail;
	if (l.id == 0 || rs->id == 0 || strcmp(rs->state, "pending") != 0) {
		db_rollback(r->app->db);
		page_error(r, 422, "Link no longer valid", "This link has been "
		    "used, has expired, or its password change is no longer "
		    "pending.");
		return 0;
	}
	return 1;
fail:
	page_storage_error(r);
	return 0;
}

static void
confirm_post(struct req *r)
{
	struct reset	 rs;
	char		 tok[TOKEN_TEXT];
	int		 applied;
	struct db	*db = r->app->db;

	if (!db_begin(db))
		goto fail;
	if (!link_target(r, "reset_confirm", &rs))
		return;
	if (!reset_apply(db, &r->app->cfg, &rs, r->http.ip, "confirmed",
	    r->now, &applied) || !db_commit(db))
		goto fail;
	if (!applied) {
		page_error(r, 403, "Please contact your hoster", "This "
		    "password change was stopped: automatic recovery is "
		    "switched off for this account. Please contact the people "
		    "who run this site: they can help you get back in.");
		return;
	}
	/* Every session ended, this one too. */
	token_new(tok);
	req_set_session_cookie(r, tok);
	page_redirect(r, "/login?reset=1");
	return;
fail:
	page_storage_error(r);
}

static void
reject_post(struct req *r)
{
	struct reset	 rs;
	struct db	*db = r->app->db;

	if (!db_begin(db))
		goto fail;
	if (!link_target(r, "reset_reject", &rs))
		return;
	if (!reset_reject(db, &r->app->cfg, &rs, r->http.ip, r->now) ||
	    !db_commit(db))
		goto fail;
	page_redirect(r, "/reset?rejected=1");
	return;
fail:
	page_storage_error(r);
}

static const struct route routes[] = {
	{ "/reset", HTTP_GET, ask_get, 0 },
	{ "/reset", HTTP_POST, ask_post, 0 },
	{ "/reset/prove", HTTP_GET, prove_get, 0 },
	{ "/reset/prove", HTTP_POST, prove_post, 0 },
	{ "/reset/confirm", HTTP_GET, confirm_get, 0 },
	{ "/reset/confirm", HTTP_POST, confirm_post, 0 },
	{ "/reset/reject", HTTP_GET, reject_get, 0 },
	{ "/reset/reject", HTTP_POST, reject_post, 0 },
};

static const char *const templates[] = {
	"reset.tpl", "reset_prove.tpl", "reset_pending.tpl",
	"reset_rejected.tpl", "reset_confirm.tpl", "reset_reject.tpl",
	"mail/reset_pending.tpl", "sms/reset_pending.tpl",
	RESET_NOTICE_TEMPLATES, RESET_ASK_TEMPLATES, NULL
};

static const struct program program = {
	.name = "postern-reset",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.templates = templates,
};

int
main(void)
{
	return app_main(&program);
}
