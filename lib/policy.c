/*
 * policy.c: the rules as plain functions (policy.h says which).  Each
 * is short on purpose: the flows gather facts from the database, and a
 * reader checks the rule itself here, in one place.
 */
#include <string.h>

#include "policy.h"

enum r1_verdict
policy_r1_address(enum recovery_rule rule, const char *addr_reg,
    const char *const *own, size_t nown, int platform_verified,
    const char **conflict)
{
	size_t i;

	*conflict = NULL;
	/* A broken record on a managed domain must never lock the owner out. */
	for (i = 0; i < nown; i++)
		if (strcmp(own[i], addr_reg) == 0) {
			*conflict = own[i];
			return R1_OWN_DOMAIN;
		}
	/* Only verified domains count, so nobody blocks others by claiming. */
	if (rule == RECOVERY_PLATFORM && platform_verified) {
		*conflict = addr_reg;
		return R1_PLATFORM_DOMAIN;
	}
	return R1_ALLOWED;
}

enum r1_verdict
policy_r1_domain(const char *dom_reg, const char *const *addrs, size_t naddrs,
    const char **conflict)
{
	size_t i;

	*conflict = NULL;
	for (i = 0; i < naddrs; i++)
		if (strcmp(addrs[i], dom_reg) == 0) {
			*conflict = addrs[i];
			return R1_OWN_DOMAIN;
		}
	return R1_ALLOWED;
}

/* ------------------------------------------------------------------ */
/* R2                                                                 */

enum removal_verdict
policy_contact_removal(const struct ways *w, int verified, int is_phone)
{
	/* Unverified contacts are no way in: they may always go. */
	if (!verified)
		return REMOVAL_OK;
	if (w->verified_contacts <= 1)
		return REMOVAL_LAST_WAY;
	if (is_phone && w->twofa && w->sms && w->verified_phones <= 1)
		return REMOVAL_TWOFA_PHONE;
	return REMOVAL_OK;
}

enum twofa_enable_verdict
policy_twofa_enable(const struct ways *w)
{
	/* Whoever loses the authenticator needs another way back in. */
	if (w->sms)
		return w->verified_phones > 0 ? TWOFA_ENABLE_OK :
						TWOFA_ENABLE_NEED_PHONE;
	return w->recovery_code ? TWOFA_ENABLE_OK : TWOFA_ENABLE_NEED_CODE;
}

enum next_step
policy_next_step(const struct ways *w, int recovery_emails, int kit, int kits)
{
	if (w->verified_contacts < 2)
		return NEXT_ADDRESS;
	if (!w->recovery_code)
		return NEXT_RECOVERY_CODE;
	if (!w->twofa)
		return policy_twofa_enable(w) == TWOFA_ENABLE_NEED_PHONE ?
		    NEXT_PHONE :
		    NEXT_TWOFA;
	if (kits && !kit && recovery_emails > 0)
		return NEXT_KIT;
	return NEXT_NONE;
}

/* ------------------------------------------------------------------ */
/* R9                                                                 */

int
policy_way_mature(int64_t since, int64_t now, int64_t delay)
{
	return since != 0 && now - since >= delay;
}

int
policy_password_mature(int64_t password_at, int64_t now, int64_t delay)
{
	return password_at == 0 || policy_way_mature(password_at, now, delay);
}

/* ------------------------------------------------------------------ */
/* R3                                                                 */

static int
proof_same(const struct proof *a, const struct proof *b)
{
	if (a->kind != b->kind)
		return 0;
	return (a->kind != PROOF_EMAIL && a->kind != PROOF_PHONE) ||
	    a->channel == b->channel;
}

/* R3 over the proofs whose ways are old enough at time at. */
static enum r3_verdict
r3_at(const struct proof *p, size_t n, int twofa, int64_t at, int64_t delay)
{
	size_t i, j, distinct = 0;
	int    non_email = 0, dup;

	for (i = 0; i < n; i++) {
		if (!policy_way_mature(p[i].since, at, delay))
			continue;
		for (dup = 0, j = 0; j < i && !dup; j++)
			dup = policy_way_mature(p[j].since, at, delay) &&
			    proof_same(&p[i], &p[j]);
		if (dup)
			continue;
		distinct++;
		if (p[i].kind != PROOF_EMAIL)
			non_email = 1;
	}
	if (distinct == 0)
		return R3_NO_PROOF;
	if (!twofa)
		return R3_OK;
	/* One stolen mailbox must never be enough when 2FA is on. */
	if (distinct < 2)
		return R3_NEED_TWO;
	if (!non_email)
		return R3_NEED_NON_EMAIL;
	return R3_OK;
}

enum r3_verdict
policy_r3(const struct proof *p, size_t n, int64_t twofa_since, int64_t now,
    int64_t delay, int64_t *usable_from)
{
	enum r3_verdict later;
	int64_t		t, best = 0;
	size_t		i;
	int		twofa = policy_way_mature(twofa_since, now, delay);

	if (usable_from != NULL)
		*usable_from = 0;
	if (r3_at(p, n, twofa, now, delay) == R3_OK)
		return R3_OK;
	/* Would they do if every way were old enough?  If not, say what
	 * is missing; if so, when the first set of them will be. */
	if ((later = r3_at(p, n, twofa, INT64_MAX, 0)) != R3_OK)
		return later;
	for (i = 0; i < n; i++) {
		t = p[i].since + delay;
		if (t > now && (best == 0 || t < best) &&
		    r3_at(p, n, twofa, t, delay) == R3_OK)
			best = t;
	}
	if (usable_from != NULL)
		*usable_from = best;
	return R3_TOO_NEW;
}

enum reset_try_verdict
policy_reset_try(enum r3_verdict v, size_t wrong)
{
	if (v == R3_OK)
		return TRY_ACCEPT;
	/* Only a guess that missed costs a try: a right code never does. */
	return wrong > 0 ? TRY_FAILED : TRY_NOT_ENOUGH;
}

int
policy_reset_checks_totp(size_t other_proofs)
{
	return other_proofs > 0;
}

/* ------------------------------------------------------------------ */
/* R4                                                                 */

/* Did this channel serve as a proof of the reset? */
static int
channel_proved(const struct channel_facts *ch, const struct proof *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i].kind == PROOF_EMAIL && p[i].channel == ch->contact_id)
			return 1;
		if (p[i].kind == PROOF_KIT && ch->contact_id != 0)
			return 1;
	}
	return 0;
}

struct reset_links
policy_reset_links(const struct channel_facts *ch, const struct proof *p,
    size_t n, int64_t now, int64_t delay)
{
	struct reset_links l;
	int		   mature;

	mature = policy_way_mature(ch->since, now, delay);
	l.reject = mature;
	l.confirm = mature && !ch->is_phone && !channel_proved(ch, p, n);
	return l;
}

int
policy_reset_code_to(const struct channel_facts *ch, int64_t now,
    int64_t delay)
{
	return policy_way_mature(ch->since, now, delay);
}

int
policy_reset_clears_twofa(const struct proof *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].kind == PROOF_TOTP)
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* R8                                                                 */

int
policy_needs_proof(enum action a)
{
	switch (a) {
	case ACTION_CONTACT_ADD:
	case ACTION_CONTACT_REMOVE:
	case ACTION_RECOVERY_CODE:
	case ACTION_KIT:
	case ACTION_TWOFA_ON:
	case ACTION_TWOFA_OFF:
	case ACTION_EMAIL_CHANGE:
	case ACTION_PASSWORD_CHANGE:
	case ACTION_END_SESSIONS:
	case ACTION_ACCOUNT_DELETE:
	case ACTION_ACCOUNT_EXPORT:
		return 1;
	case ACTION_CONTACT_VERIFY:
	case ACTION_DOMAIN:
	case ACTION_LOGOUT:
		break;
	}
	return 0;
}

enum proof_verdict
policy_proof(int password_typed, int password_right, int twofa,
    enum typed_code code, int recent_code)
{
	if (!password_typed)
		return PROOF_NEED_PASSWORD;
	if (!password_right)
		return PROOF_BAD_PASSWORD;
	if (!twofa)
		return PROOF_OK;
	switch (code) {
	case CODE_RIGHT:
		return PROOF_OK;
	case CODE_ABSENT:
		return recent_code ? PROOF_OK : PROOF_NEED_CODE;
	case CODE_USED:
		return PROOF_CODE_USED;
	case CODE_LOCKED:
		return PROOF_CODE_LOCKED;
	case CODE_WRONG:
		break;
	}
	return PROOF_BAD_CODE;
}

int
policy_code_recent(enum action a, int64_t twofa_at, int64_t now,
    int64_t recent)
{
	return a == ACTION_EMAIL_CHANGE && recent > 0 && twofa_at != 0 &&
	    now - twofa_at <= recent;
}

enum session_reset_verdict
policy_session_reset(int confirm, int64_t session_at, int64_t reset_at,
    int64_t totp_since, enum typed_code code, int password_right, int64_t now,
    int64_t delay)
{
	/* Stopping it needs no old session: see policy.h. */
	if (!confirm && password_right)
		return SESSION_RESET_OK;
	/*
	 * Skipping the wait from a session begun after the reset would let
	 * the thief who made it confirm it.
	 */
	if (confirm && session_at > reset_at)
		return SESSION_RESET_NOT_OLDER;
	if (confirm && totp_since == 0)
		return SESSION_RESET_MAILED_ONLY;
	if (code != CODE_RIGHT)
		return SESSION_RESET_NEED_PROOF;
	return policy_way_mature(totp_since, now, delay) ?
	    SESSION_RESET_OK :
	    SESSION_RESET_TOO_NEW;
}

/* ------------------------------------------------------------------ */
/* Counting failures                                                  */

enum fail_bucket
policy_fail_bucket(int known_device)
{
	return known_device ? BUCKET_DEVICE : BUCKET_STRANGERS;
}

int
policy_login_warns(int left)
{
	return left <= 3;
}

/* ------------------------------------------------------------------ */
/* R5                                                                 */

int
policy_revert_voids(int64_t used_id, int64_t other_id)
{
	return other_id > used_id;
}

int
policy_revert_voids_resets(int64_t since, int64_t now, int64_t delay)
{
	return policy_way_mature(since, now, delay);
}

int
policy_claim_beats(int64_t holder_verified_at)
{
	return holder_verified_at == 0;
}

int
policy_signup_replaces(int64_t holder_verified_at, int64_t holder_made,
    int64_t now, int64_t link_ttl)
{
	return policy_claim_beats(holder_verified_at) &&
	    now - holder_made >= link_ttl;
}
