/*
 * reset.c: the life of a password reset.
 *
 *   requested --(proofs)--> pending --(confirm, deadline)--> applied
 *       |                      |--(reject, postern lock)--> rejected
 *       |                      '--(a newer one proven)--> replaced
 *       '--(5 refusals, a newer request, postern lock)--> void
 *
 * An attacker who holds one recovery channel gets at most a pending
 * change that every channel hears of at once and any of them can stop.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "account.h"
#include "config.h"
#include "device.h"
#include "event.h"
#include "internal.h"
#include "link.h"
#include "log.h"
#include "notify.h"
#include "onetime.h"
#include "policy.h"
#include "render.h"
#include "reset.h"
#include "rate.h"
#include "session.h"
#include "when.h"

#include "db.h"

#define RESET_COLUMNS \
	"id, account_id, state, created_at, codes_expire_at, " \
	"failures, new_hash, deadline, proofs"

static const char *const reset_states[] = {
	[RESET_REQUESTED] = "requested",
	[RESET_PENDING] = "pending",
	[RESET_APPLIED] = "applied",
	[RESET_REJECTED] = "rejected",
	[RESET_VOID] = "void",
	[RESET_REPLACED] = "replaced",
};

const char *
reset_state_name(enum reset_state s)
{
	return (unsigned)s < sizeof(reset_states) / sizeof(reset_states[0]) ?
	    reset_states[s] :
	    "void";
}

static enum reset_state
reset_state_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(reset_states) / sizeof(reset_states[0]); i++)
		if (strcmp(name, reset_states[i]) == 0)
			return (enum reset_state)i;
	return RESET_VOID; /* the table's CHECK allows no other */
}

static void
reset_row(struct db_stmt *st, struct reset *r)
{
	char state[12];

	memset(r, 0, sizeof(*r));
	r->id = db_column_int(st, 0);
	r->account_id = db_column_int(st, 1);
	db_column_copy(st, 2, state, sizeof(state));
	r->state = reset_state_of(state);
	r->created_at = db_column_int(st, 3);
	r->codes_expire_at = db_column_int(st, 4);
	r->failures = (int)db_column_int(st, 5);
	db_column_copy(st, 6, r->new_hash, sizeof(r->new_hash));
	r->deadline = db_column_int(st, 7);
	db_column_copy(st, 8, r->proofs, sizeof(r->proofs));
}

/* The first row of st (a db_query(), NULL when it failed) in *r, all
 * zero when there is none; st is done. */
static int
reset_one(struct db *db, struct db_stmt *st, struct reset *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if (st == NULL)
		return 0;
	rc = db_step(st);
	if (rc == DB_ROW)
		reset_row(st, r);
	else if (rc != DB_DONE)
		db_log_error(db, "reset");
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE;
}

/* Void the open requests of account ?1 at time ?2. */
static const char reset_void_requests_sql[] =
    "UPDATE resets SET state = "
    "'void', closed_at = ?2 WHERE account_id = ?1 AND state = 'requested'";

int
reset_request(struct db *db, int64_t account_id,
    const unsigned char browser[HASH_BYTES], int64_t now, struct reset *r)
{
	/* Another browser's request is none of this one's business. */
	static const char *const void_sql =
	    "UPDATE resets SET state = "
	    "'void', closed_at = ?2 WHERE account_id = ?1 AND state = "
	    "'requested' AND browser IS ?3";
	static const char *const sql =
	    "INSERT INTO resets (account_id, "
	    "state, created_at, codes_expire_at, browser) VALUES (?1, "
	    "'requested', ?2, ?3, ?4)";

	if (!db_need_tx(db, "reset_request") ||
	    !db_run(db, void_sql, "iib", account_id, now, browser,
		(size_t)HASH_BYTES) ||
	    !db_run(db, sql, "iiib", account_id, now,
		(int64_t)(now + RESET_CODE_TTL), browser, (size_t)HASH_BYTES))
		return 0;
	memset(r, 0, sizeof(*r));
	r->id = db_last_id(db);
	r->account_id = account_id;
	r->state = RESET_REQUESTED;
	r->created_at = now;
	r->codes_expire_at = now + RESET_CODE_TTL;
	return 1;
}

int
reset_live_request(struct db *db, int64_t account_id,
    const unsigned char browser[HASH_BYTES], int64_t now, struct reset *r)
{
	static const char *const sql =
	    "SELECT " RESET_COLUMNS " FROM resets"
	    " WHERE account_id = ?1 AND state = 'requested'"
	    " AND codes_expire_at > ?2 AND failures < ?3 AND browser = ?4"
	    " ORDER BY id DESC LIMIT 1";

	return reset_one(db,
	    db_query(db, sql, "iiib", account_id, now, (int64_t)RESET_TRIES,
		browser, (size_t)HASH_BYTES),
	    r);
}

int
reset_fail(struct db *db, const struct reset *r, int64_t now)
{
	static const char *const sql = "UPDATE resets SET failures = "
				       "failures + 1 WHERE id = ?1";
	static const char *const void_sql = "UPDATE resets SET state = 'void',"
					    " closed_at = ?2 WHERE id = ?1";

	if (!db_need_tx(db, "reset_fail") || !db_run(db, sql, "i", r->id))
		return 0;
	if (r->failures + 1 < RESET_TRIES)
		return 1;
	/*
	 * The fifth refusal ends the request and every code it sent: only
	 * this browser's (R8).
	 */
	return db_run(db, void_sql, "ii", r->id, now) &&
	    onetime_void_ref(db, r->account_id, "reset", r->id, now);
}

int
reset_make_pending(struct db *db, struct reset *r, const char *new_hash,
    const char *proofs, int64_t now, int64_t deadline, int *replaced)
{
	static const char *const old_sql =
	    "UPDATE resets SET state = "
	    "'replaced', closed_at = ?2 WHERE account_id = ?1 AND state = "
	    "'pending'";
	static const char *const sql =
	    "UPDATE resets SET state = 'pending', "
	    "new_hash = ?2, proofs = ?3, proven_at = ?4, deadline = ?5 "
	    "WHERE id = ?1 AND state = 'requested'";
	int won;

	*replaced = 0;
	if (!db_need_tx(db, "reset_make_pending") ||
	    !db_run(db, old_sql, "ii", r->account_id, now))
		return 0;
	*replaced = db_changes(db) > 0;
	if (!db_claim(db, &won, sql, "ittii", r->id, new_hash, proofs, now,
		deadline) ||
	    !won)
		return 0;
	r->state = RESET_PENDING;
	snprintf(r->new_hash, sizeof(r->new_hash), "%s", new_hash);
	r->deadline = deadline;
	/* Links of a replaced change stop working; the new ones follow. */
	return onetime_void_ref(db, r->account_id, "reset", r->id, now) &&
	    link_void(db, LINK_RESET_CONFIRM, r->account_id, now) &&
	    link_void(db, LINK_RESET_REJECT, r->account_id, now);
}

int
reset_pending(struct db *db, int64_t account_id, struct reset *r)
{
	static const char *const sql =
	    "SELECT " RESET_COLUMNS " FROM resets"
	    " WHERE account_id = ?1 AND state = 'pending'"
	    " ORDER BY id DESC LIMIT 1";

	return reset_one(db, db_query(db, sql, "i", account_id), r);
}

int
reset_pending_of_browser(struct db *db,
    const unsigned char browser[HASH_BYTES], struct reset *r)
{
	static const char *const sql =
	    "SELECT " RESET_COLUMNS " FROM resets"
	    " WHERE browser = ?1 AND state = 'pending'"
	    " ORDER BY id DESC LIMIT 1";
	struct db_stmt *st;
	int		ok;

	memset(r, 0, sizeof(*r));
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_blob(st, 1, browser, HASH_BYTES) && reset_one(db, st, r);
	db_done(st);
	return ok;
}

int
reset_confirm_mailed(struct db *db, const struct reset *rs, int64_t now,
    int *mailed)
{
	char data[RESET_LINK_DATA];
	int  n;

	*mailed = 0;
	reset_link_data(rs, data);
	if (!link_count_live(db, LINK_RESET_CONFIRM, data, now, &n))
		return 0;
	*mailed = n > 0;
	return 1;
}

void
reset_link_data(const struct reset *rs, char out[RESET_LINK_DATA])
{
	snprintf(out, RESET_LINK_DATA, "%lld", (long long)rs->id);
}

int
reset_get(struct db *db, int64_t id, struct reset *r)
{
	static const char *const sql = "SELECT " RESET_COLUMNS
				       " FROM resets WHERE id = ?1";

	return reset_one(db, db_query(db, sql, "i", id), r);
}

/* Close a pending change in state, once: *won is 0 if it was not. */
static int
reset_close(struct db *db, const struct reset *r, enum reset_state state,
    int64_t now, int *won)
{
	static const char *const sql =
	    "UPDATE resets SET state = ?3, "
	    "closed_at = ?2 WHERE id = ?1 AND state = 'pending'";

	return db_claim(db, won, sql, "iit", r->id, now,
	    reset_state_name(state));
}

/* Tell every verified channel of the account about the change; section
 * (NULL for none) is shown in the notice. */
static int
reset_tell(struct db *db, const struct config *cfg, const struct account *a,
    const char *mail_tpl, const char *sms_tpl, const char *ip, int64_t now,
    const char *section)
{
	struct render_dict *d;
	int		    ok;

	if ((d = notify_dict(a, NULL, ip, cfg->base_url, now)) == NULL)
		return 0;
	if (section != NULL)
		render_show(d, section);
	ok = notify_channels(db, a, CHANNEL_NONE, mail_tpl, sms_tpl, d, now);
	render_dict_free(d);
	return ok;
}

/* What both ends of a pending change void: its codes and its links. */
static int
reset_void_rest(struct db *db, int64_t account_id, int64_t now)
{
	return onetime_void(db, account_id, "reset", now) &&
	    link_void(db, LINK_RESET_CONFIRM, account_id, now) &&
	    link_void(db, LINK_RESET_REJECT, account_id, now);
}

/*
 * Stop a pending change: its codes and links void, the event recorded
 * with why, every channel told (section: why, in the notice).
 */
static int
reset_stop(struct db *db, const struct config *cfg, const struct reset *r,
    const char *ip, enum event_why why, const char *section, int64_t now)
{
	struct account a;
	int	       won;

	if (!db_need_tx(db, "reset_stop") ||
	    !reset_close(db, r, RESET_REJECTED, now, &won))
		return 0;
	if (!won)
		return 1;
	if (!reset_void_rest(db, r->account_id, now) ||
	    !event_add_why(db, r->account_id, EVENT_RESET_REJECTED, ip, why,
		now) ||
	    !account_by_id(db, r->account_id, &a))
		return 0;
	return reset_tell(db, cfg, &a, "mail/reset_rejected.tpl",
	    "sms/reset_rejected.tpl", ip, now, section);
}

static const char *const proof_names[] = {
	[PROOF_EMAIL] = "email",
	[PROOF_PHONE] = "phone",
	[PROOF_RECOVERY_CODE] = "recovery-code",
	[PROOF_TOTP] = "totp",
	[PROOF_KIT] = "kit",
};

void
reset_proofs_text(const struct proof *p, size_t n, char *out, size_t outsz)
{
	size_t i, used = 0;
	int    w;

	out[0] = '\0';
	for (i = 0; i < n && used < outsz; i++) {
		w = snprintf(out + used, outsz - used, "%s%s:%lld",
		    i ? " " : "", proof_names[p[i].kind],
		    (long long)p[i].channel);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

size_t
reset_proofs_read(const char *text, struct proof *p, size_t max)
{
	const char *w = text, *colon;
	size_t	    n = 0, k, len;
	long long   channel;

	while (n < max && *w != '\0') {
		len = strcspn(w, " ");
		if ((colon = memchr(w, ':', len)) != NULL)
			for (k = 0;
			     k < sizeof(proof_names) / sizeof(proof_names[0]);
			     k++)
				if (strlen(proof_names[k]) ==
					(size_t)(colon - w) &&
				    memcmp(w, proof_names[k], colon - w) ==
					0 &&
				    sscanf(colon + 1, "%lld", &channel) == 1) {
					p[n].kind = (enum proof_kind)k;
					p[n].channel = channel;
					p[n].since = 0;
					n++;
					break;
				}
		w += len;
		w += strspn(w, " ");
	}
	return n;
}

int
reset_apply(struct db *db, const struct config *cfg, const struct reset *r,
    const char *ip, enum event_why how, int64_t now, int *applied)
{
	struct account a;
	struct proof   p[RESET_PROOFS_MAX];
	int	       won, twofa_was_on, clears_twofa;

	*applied = 0;
	if (!db_need_tx(db, "reset_apply") ||
	    !account_by_id(db, r->account_id, &a))
		return 0;
	/*
	 * postern lock and disable stop pending changes, but whatever
	 * slipped past them (a proof that raced the command) must not take
	 * effect either.
	 */
	if (account_recovery_closed(&a))
		return reset_stop(db, cfg, r, ip, EVENT_WHY_HOSTER_LOCK,
		    "BY_HOSTER", now);
	if (!reset_close(db, r, RESET_APPLIED, now, &won))
		return 0;
	if (!won)
		return 1; /* applied or cancelled meanwhile */
	*applied = 1;
	if (!account_change_password(db, r->account_id, r->new_hash, 0) ||
	    !session_end_all(db, r->account_id) ||
	    !device_forget(db, r->account_id, NULL, NULL, now) ||
	    !reset_void_rest(db, r->account_id, now) ||
	    !event_add_why(db, r->account_id, EVENT_RESET_APPLIED, ip, how,
		now))
		return 0;
	/*
	 * A reset proven without the authenticator is how someone who lost
	 * it gets back in: leaving 2FA on would lock them out again.  They
	 * are told, and can turn it on anew.
	 */
	twofa_was_on = a.totp_enabled_at != 0;
	clears_twofa = twofa_was_on &&
	    policy_reset_clears_twofa(p,
		reset_proofs_read(r->proofs, p, RESET_PROOFS_MAX));
	if (clears_twofa) {
		if (!account_set_totp(db, a.id, NULL, 0, 0) ||
		    !event_add_why(db, a.id, EVENT_TWOFA_DISABLED, ip,
			EVENT_WHY_RESET_WITHOUT_TOTP, now))
			return 0;
		a.totp_enabled_at = 0;
	}
	return reset_tell(db, cfg, &a, "mail/reset_applied.tpl",
	    "sms/reset_applied.tpl", ip, now,
	    clears_twofa ? "TWOFA_OFF" : NULL);
}

int
reset_reject(struct db *db, const struct config *cfg, const struct reset *r,
    const char *ip, int64_t now)
{
	return reset_stop(db, cfg, r, ip, EVENT_WHY_NONE, NULL, now);
}

int
reset_cancel_all(struct db *db, const struct config *cfg, int64_t account_id,
    const char *ip, enum event_why why, const char *section, int64_t now,
    int *requests, int *stopped)
{
	struct reset r;

	if (!db_need_tx(db, "reset_cancel_all"))
		return 0;
	*requests = *stopped = 0;
	/* Codes already sent stop working; a pending change is stopped as
	 * a reject would, and every channel hears why. */
	if (!db_run(db, reset_void_requests_sql, "ii", account_id, now))
		return 0;
	*requests = db_changes(db);
	if (!onetime_void(db, account_id, "reset", now) ||
	    !reset_pending(db, account_id, &r) ||
	    (r.id != 0 && !reset_stop(db, cfg, &r, ip, why, section, now)))
		return 0;
	*stopped = r.id != 0;
	return 1;
}

int
reset_next_due(struct db *db, int64_t account_id, int64_t now, struct reset *r)
{
	static const char *const sql =
	    "SELECT " RESET_COLUMNS " FROM resets"
	    " WHERE state = 'pending' AND deadline <= ?1"
	    " AND (?2 = 0 OR account_id = ?2) ORDER BY deadline LIMIT 1";

	return reset_one(db, db_query(db, sql, "ii", now, account_id), r);
}

int
reset_void_all(struct db *db, int64_t account_id, int64_t now)
{
	static const char *const sql =
	    "UPDATE resets SET state = 'void', "
	    "closed_at = ?2 WHERE account_id = ?1 AND state IN ('requested', "
	    "'pending')";

	return db_need_tx(db, "reset_void_all") &&
	    db_run(db, sql, "ii", account_id, now) &&
	    reset_void_rest(db, account_id, now);
}

int
reset_each_pending(struct db *db, void (*fn)(const struct reset *, void *),
    void		     *arg)
{
	static const char *const sql =
	    "SELECT " RESET_COLUMNS " FROM resets"
	    " WHERE state = 'pending' ORDER BY deadline";
	struct db_stmt *st;
	struct reset	r;
	int		rc;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	while ((rc = db_step(st)) == DB_ROW) {
		reset_row(st, &r);
		fn(&r, arg);
	}
	if (rc != DB_DONE)
		db_log_error(db, "pending resets");
	db_done(st);
	return rc == DB_DONE;
}

int
reset_ask(struct db *db, const char *typed, const char *ip,
    const unsigned char browser[HASH_BYTES], int64_t now)
{
	static const char *const sql = "INSERT INTO reset_asks (typed, ip, "
				       "at, browser) VALUES (?1, ?2, ?3, ?4)";

	return db_run(db, sql, "ttib", typed, ip, now, browser,
	    (size_t)HASH_BYTES);
}

struct send_ctx {
	struct db	     *db;
	const struct config  *cfg;
	const unsigned char  *key;
	const struct account *a;
	const struct reset   *rs;
	int64_t		      now;
	int		      ok;
};

/*
 * One code per channel, so the server knows which channel a code
 * proves; the codes belong to their request.  A channel too young to
 * prove a reset (R9) gets the notice without a code: it is told
 * everything, and can do nothing with it until it is old enough.
 */
static void
reset_send_code(const struct channel *ch, void *arg)
{
	struct send_ctx	    *sc = arg;
	struct channel_facts facts = { ch->contact_id, ch->is_phone,
		ch->since };
	struct render_dict  *d;
	char		     code[ONETIME_TEXT], when[WHEN_TEXT];

	if ((d = notify_dict(sc->a, NULL, NULL, sc->cfg->base_url, sc->now)) ==
	    NULL) {
		sc->ok = 0;
		return;
	}
	if (!policy_reset_code_to(&facts, sc->now, sc->cfg->reset_delay)) {
		when_text(ch->since + sc->cfg->reset_delay, when);
		render_set(d, "USABLE", when);
		render_show(d, "YOUNG");
	} else if (onetime_create(sc->db, sc->key, sc->a->id, "reset",
		       ch->contact_id, sc->rs->id, sc->now, code)) {
		render_set(render_section(d, "CODE_SENT"), "CODE", code);
		sodium_memzero(code, sizeof(code));
	} else
		sc->ok = 0;
	/*
	 * Never counted toward the channel's limit nor held back by it:
	 * it goes only to channels the owner verified, as often as the
	 * limits on asks (per name, per account) allow.
	 */
	if (sc->ok &&
	    !notify_channel(sc->db, ch, "mail/reset_code.tpl",
		"sms/reset_code.tpl", d, sc->now, NULL))
		sc->ok = 0;
	render_dict_free(d);
}

/* One ask, inside the caller's transaction. */
static int
reset_ask_handle(struct db *db, const struct config *cfg,
    const unsigned char key[KEY_BYTES], const char *typed, const char *ip,
    const unsigned char browser[HASH_BYTES], int64_t asked, int64_t now)
{
	struct send_ctx sc = { db, cfg, key, NULL, NULL, now, 1 };
	struct account	a;
	struct reset	rs;
	int64_t		until;

	if (!account_by_login(db, typed, &a))
		return 0;
	if (a.id == 0)
		return event_add(db, 0, EVENT_RESET_UNKNOWN, ip, NULL, now);
	if (account_recovery_closed(&a))
		return event_add(db, a.id, EVENT_RESET_LOCKED, ip, NULL, now);
	/*
	 * Counted when it was asked for, as the page counted it per name:
	 * sized together (rate.c), the two never disagree, and this limit
	 * stays as a backstop that should never refuse.
	 */
	if (!rate_take(db, RATE_RESET_ACCOUNT, a.id, NULL, asked, &until))
		return 0;
	if (until != 0) {
		log_warn("reset asks for account %lld passed the page's limit",
		    (long long)a.id);
		return event_add(db, a.id, EVENT_RESET_LIMITED, ip, NULL, now);
	}
	sc.a = &a;
	sc.rs = &rs;
	if (!reset_request(db, a.id, browser, asked, &rs) ||
	    !notify_each_channel(db, &a, reset_send_code, &sc))
		sc.ok = 0;
	return sc.ok &&
	    event_add(db, a.id, EVENT_RESET_REQUESTED, ip, NULL, now);
}

int
reset_ask_next(struct db *db, const struct config *cfg,
    const unsigned char key[KEY_BYTES], const char *typed, const char *other,
    const unsigned char *browser, int64_t now, int *got)
{
	static const char *const sql =
	    "DELETE FROM reset_asks WHERE id = "
	    "(SELECT min(id) FROM reset_asks WHERE ?1 IS NULL OR "
	    "(browser = ?3 AND (typed = ?1 COLLATE NOCASE OR "
	    "typed = ?2 COLLATE NOCASE))) RETURNING typed, ip, at, browser";
	struct db_stmt *st;
	const void     *p;
	size_t		n;
	char		asked_as[256], ip[64];
	unsigned char	from[HASH_BYTES];
	int64_t		asked = now;
	int		rc;

	*got = 0;
	memset(from, 0, sizeof(from));
	if (!db_need_tx(db, "reset_ask_next") ||
	    (st = db_prepare(db, sql)) == NULL)
		return 0;
	if (!db_bind_text(st, 1, typed) || !db_bind_text(st, 2, other) ||
	    (browser != NULL ? !db_bind_blob(st, 3, browser, HASH_BYTES) :
			       !db_bind_text(st, 3, NULL))) {
		db_done(st);
		return 0;
	}
	rc = db_step(st);
	if ((*got = rc == DB_ROW)) {
		db_column_copy(st, 0, asked_as, sizeof(asked_as));
		db_column_copy(st, 1, ip, sizeof(ip));
		asked = db_column_int(st, 2);
		/* Asks made before version 10 name no browser: all zero. */
		if ((p = db_column_blob(st, 3, &n)) != NULL && n == HASH_BYTES)
			memcpy(from, p, HASH_BYTES);
		rc = db_step(st);
	}
	db_done(st);
	if (rc != DB_DONE) {
		db_log_error(db, "reset asks");
		return 0;
	}
	/*
	 * The request is dated when it was asked for (sessions older than
	 * that see the banner); its codes live from now.
	 */
	return !*got ||
	    reset_ask_handle(db, cfg, key, asked_as, ip, from, asked, now);
}

int
reset_asks_process_for(struct db *db, const struct config *cfg,
    const unsigned char codes_key[KEY_BYTES], const char *typed,
    const char *other, const unsigned char browser[HASH_BYTES], int64_t now)
{
	int got;

	do {
		if (!reset_ask_next(db, cfg, codes_key, typed, other, browser,
			now, &got))
			return 0;
	} while (got);
	return 1;
}
