#ifndef POSTERN_POLICY_H
#define POSTERN_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/*
 * policy.c: the rules R1-R9 of Postern's security model as pure
 * functions of plain data: no database, no I/O, no clock.  The flows in
 * lib/flow_*.c gather the facts and ask here; tests/unit/test_policy.c
 * states each rule in a few lines.  A rule is written once, here.
 *
 * Times are seconds since the epoch; "delay" is reset_delay.
 */

/* ------------------------------------------------------------------ */
/* R1: recovery addresses never live on a managed domain.             */

enum r1_verdict {
	R1_ALLOWED = 0,
	R1_OWN_DOMAIN,	   /* the account manages that domain */
	R1_PLATFORM_DOMAIN /* another account verified it (platform rule) */
};

/*
 * For an address: may an address whose registrable domain is addr_reg
 * receive recovery codes for an account that manages the domains
 * own[0..nown) (pending or verified)?  platform_verified tells whether
 * any other account has verified a domain with the same registrable
 * domain; it counts only under RECOVERY_PLATFORM.  On refusal,
 * *conflict points at the managed name that conflicts.
 */
enum r1_verdict policy_r1_address(enum recovery_rule rule,
    const char *addr_reg, const char *const *own, size_t nown,
    int platform_verified, const char **conflict);
/*
 * Both ways: may an account add the domain whose registrable domain is
 * dom_reg, when its addresses (primary and recovery, verified or
 * pending) have the registrable domains addrs[0..naddrs)?
 */
enum r1_verdict policy_r1_domain(const char *dom_reg, const char *const *addrs,
    size_t naddrs, const char **conflict);

/* ------------------------------------------------------------------ */
/* R2: many ways in, each verified.                                   */

enum removal_verdict {
	REMOVAL_OK = 0,
	REMOVAL_LAST_WAY,   /* the last verified contact */
	REMOVAL_TWOFA_PHONE /* 2FA rests on this, the last verified phone */
};

/* What an account has, as R2 and R8 look at it. */
struct ways {
	int verified_contacts; /* the primary address included */
	int verified_phones;
	int recovery_code; /* one exists */
	int twofa;	   /* two-step verification is on */
	int sms;	   /* this site can send SMS */
};

/* May this contact (verified or not, a phone or not) be removed? */
enum removal_verdict policy_contact_removal(const struct ways *, int verified,
    int is_phone);

enum twofa_enable_verdict {
	TWOFA_ENABLE_OK = 0,
	TWOFA_ENABLE_NEED_PHONE, /* SMS configured: a verified phone */
	TWOFA_ENABLE_NEED_CODE	 /* no SMS: a recovery code */
};

/* May two-step verification be turned on now? */
enum twofa_enable_verdict policy_twofa_enable(const struct ways *);

/* The one thing that would help most to get back in one day. */
enum next_step {
	NEXT_NONE = 0,	    /* nothing left to suggest */
	NEXT_ADDRESS,	    /* a second recovery address */
	NEXT_RECOVERY_CODE, /* a printable recovery code */
	NEXT_PHONE,	    /* a phone, which 2FA needs with SMS */
	NEXT_TWOFA,	    /* two-step verification */
	NEXT_KIT	    /* the admin-assisted kit (R6) */
};

/*
 * What the overview of /account suggests first.  One mailbox alone is
 * one lost password away from a lost account, so a second way comes
 * first; then a way that needs no mailbox (the recovery code); then
 * 2FA, which makes a phished password worth little (and needs a phone
 * when SMS is on, R2); then, where the hoster makes kits, a kit, which
 * needs a recovery address.  recovery_emails: verified recovery
 * addresses, the primary not counted; kit: one exists; kits: this site
 * makes kits.
 */
enum next_step policy_next_step(const struct ways *, int recovery_emails,
    int kit, int kits);

/* ------------------------------------------------------------------ */
/* R9: trust grows with age.                                          */

/*
 * Does a way in that counts from since (its verification) count for a
 * reset now?  since 0 means "not there".
 */
int policy_way_mature(int64_t since, int64_t now, int64_t delay);
/*
 * The password as a way in: one the owner chose from a session at
 * password_at (0: a signup's or a reset's, which count as old) is
 * young for delay.  A young password can stop no reset, or a phished
 * password, changed at once, would let its thief stop every reset the
 * owner tries from old channels (policy_session_reset()).
 */
int policy_password_mature(int64_t password_at, int64_t now, int64_t delay);

/* ------------------------------------------------------------------ */
/* R3: recovery needs proofs, and more of them with 2FA.              */

/* What one typed code proved. */
enum proof_kind {
	PROOF_EMAIL, /* a code sent to a verified address */
	PROOF_PHONE, /* a code sent to a verified phone */
	PROOF_RECOVERY_CODE,
	PROOF_TOTP,
	PROOF_KIT /* both halves of the admin-assisted kit (R6) */
};

struct proof {
	enum proof_kind kind;
	int64_t		channel; /* contact id (0: primary) for codes */
	int64_t		since;	 /* when the way it proves began (R9) */
};

enum r3_verdict {
	R3_OK = 0,
	R3_NO_PROOF,	   /* nothing typed proved anything */
	R3_NEED_TWO,	   /* 2FA on: a second, different channel */
	R3_NEED_NON_EMAIL, /* 2FA on: at least one proof not an email */
	R3_TOO_NEW	   /* enough, once the ways are old enough (R9) */
};

/*
 * Do these proofs authorise a password reset now?  Without 2FA one
 * proof suffices; with 2FA two from different channels, at least one
 * of them not an email.  The same channel twice counts once.  Only
 * ways old enough by R9 count; R3_TOO_NEW says the proofs would do
 * later, and *usable_from (when not NULL) when.  twofa_since is when
 * 2FA was turned on (0: off): an authenticator younger than delay
 * raises the bar no more than it proves anything (R9), or whoever
 * phished a password could turn 2FA on with their own and shut out an
 * owner whose ways in are all addresses.
 */
enum r3_verdict policy_r3(const struct proof *, size_t n, int64_t twofa_since,
    int64_t now, int64_t delay, int64_t *usable_from);

/*
 * A reset try.  The person typed codes; the flow found what each one
 * proved (proofs) and how many proved nothing (wrong).  Only a wrong
 * code makes a try a failure (one of the request's five): a correct
 * code that is not enough yet (R3) or not old enough (R9) is not.
 */
enum reset_try_verdict {
	TRY_ACCEPT = 0, /* make the change pending */
	TRY_NOT_ENOUGH, /* all right, but more is needed: no failure */
	TRY_FAILED	/* something typed was wrong: one try used */
};

enum reset_try_verdict policy_reset_try(enum r3_verdict, size_t wrong);

/*
 * A TOTP guess in a reset try is looked at only beside another correct
 * proof: alone it can never be enough (R3 wants two with 2FA), so
 * someone who knows only a username gets no TOTP guesses at all.
 */
int policy_reset_checks_totp(size_t other_proofs);

/* ------------------------------------------------------------------ */
/* R4: a reset waits, and the owner can stop it.                      */

/* A channel of the account, as the reset notices see it. */
struct channel_facts {
	int64_t contact_id; /* 0: the primary address */
	int	is_phone;
	int64_t since; /* verified at (R9) */
};

struct reset_links {
	int reject;  /* gets a link that stops the change */
	int confirm; /* gets a link that applies it now */
};

/*
 * Which links a channel's notice of a pending reset carries.  Every
 * channel old enough (R9) can reject.  Confirm goes only to email
 * addresses old enough that were not used as a proof: an address that
 * proved the reset may be the attacker's.  A kit proof counts as one
 * from every recovery address (its user half went to one).
 */
struct reset_links policy_reset_links(const struct channel_facts *,
    const struct proof *, size_t n, int64_t now, int64_t delay);

/* Does a channel get a reset code (or only the notice)?  R9. */
int policy_reset_code_to(const struct channel_facts *, int64_t now,
    int64_t delay);

/*
 * A reset applied without the authenticator among its proofs turns
 * 2FA off: the owner who lost it gets back in (and is told).
 */
int policy_reset_clears_twofa(const struct proof *, size_t n);

/* ------------------------------------------------------------------ */
/* R8: a session alone never changes how the account is recovered.    */

/* Actions a logged-in person takes. */
enum action {
	ACTION_CONTACT_ADD,
	ACTION_CONTACT_REMOVE,
	ACTION_RECOVERY_CODE,
	ACTION_KIT,
	ACTION_TWOFA_ON,
	ACTION_TWOFA_OFF,
	ACTION_EMAIL_CHANGE,
	ACTION_PASSWORD_CHANGE,
	ACTION_END_SESSIONS,
	ACTION_ACCOUNT_DELETE,
	ACTION_ACCOUNT_EXPORT,
	ACTION_CONTACT_VERIFY, /* the code mailed to it is the proof */
	ACTION_DOMAIN,	       /* add, verify, remove: not a way in */
	ACTION_LOGOUT
};

/*
 * Does the action ask, in its own form, for the password (and the
 * authenticator with 2FA)?  No time window makes a session "fresh".
 */
int policy_needs_proof(enum action);

/* What the person typed with an action, as checked by the flow. */
enum typed_code {
	CODE_ABSENT = 0, /* nothing typed */
	CODE_RIGHT,
	CODE_WRONG,
	CODE_USED,  /* right, but already used: replay */
	CODE_LOCKED /* not checked: TOTP entry is closed */
};

enum proof_verdict {
	PROOF_OK = 0,
	PROOF_NEED_PASSWORD,
	PROOF_BAD_PASSWORD,
	PROOF_NEED_CODE,
	PROOF_BAD_CODE,
	PROOF_CODE_USED,
	PROOF_CODE_LOCKED
};

/*
 * The verdict on the proof typed with an R8 action: the current
 * password (password_typed, password_right), and with 2FA the
 * authenticator's code.  An email change may instead rest on a code
 * typed in this session no longer than twofa_recent ago (recent_code).
 */
enum proof_verdict policy_proof(int password_typed, int password_right,
    int twofa, enum typed_code, int recent_code);

/*
 * Is a TOTP code typed in this session at twofa_at recent enough to
 * stand for one typed with the action?  Only for an email change, and
 * only when the hoster set twofa_recent (recent; 0 means never).
 */
int policy_code_recent(enum action, int64_t twofa_at, int64_t now,
    int64_t recent);

/* Confirming or rejecting a pending reset from a logged-in page. */
enum session_reset_verdict {
	SESSION_RESET_OK = 0,
	SESSION_RESET_NOT_OLDER,   /* confirm: the session began after it */
	SESSION_RESET_MAILED_ONLY, /* confirm without 2FA: links only */
	SESSION_RESET_NEED_PROOF, /* confirm: TOTP; reject: password or TOTP */
	SESSION_RESET_TOO_NEW	  /* the authenticator is younger (R9) */
};

/*
 * May this session confirm (confirm 1) or reject (confirm 0) the
 * pending reset made at reset_at?  The session began at session_at;
 * code is what was typed from the authenticator (enabled since
 * totp_since, 0: 2FA off), password_right whether the password was
 * typed right (reject only).  Confirming skips the time lock, so only
 * a session older than the reset may, with the authenticator.  Any
 * session may stop it with the password the reset would replace (or
 * the authenticator): whoever knows that password is the owner, or has
 * phished it and could have logged in before the reset anyway, and an
 * owner whose only mailbox was taken must be able to stop the thief's
 * reset from a login made after it.
 */
enum session_reset_verdict policy_session_reset(int confirm,
    int64_t session_at, int64_t reset_at, int64_t totp_since,
    enum typed_code code, int password_right, int64_t now, int64_t delay);

/* ------------------------------------------------------------------ */
/* Counting failures (R8: never guessable at speed).                  */

/*
 * TOTP entry closes after TOTP_FAILS wrong codes within TOTP_WINDOW,
 * logins after LOGIN_FAILS wrong passwords within LOGIN_WINDOW.  These
 * are data, not code: rate.c's table of limits applies them (one SQL
 * window sum for every limit), so the threshold is written only there.
 */
#define TOTP_FAILS   5
#define TOTP_WINDOW  (15 * 60)
#define LOGIN_FAILS  10
#define LOGIN_WINDOW (15 * 60)

/*
 * And over every count of an account at once, LOGIN_CEILING wrong
 * passwords an hour (ASVS 2.2.1: no more than 100), for whoever copied
 * the cookie of one of the owner's browsers and knows both the name and
 * the address (three counts, 120 an hour without it).  Strangers have
 * two counts (the name, the address) that together stay below the
 * ceiling, so they alone can never reach it and close the owner's own
 * browsers (attacks_round4.py, 36).
 */
#define LOGIN_CEILING	     100
#define LOGIN_CEILING_WINDOW 3600
_Static_assert(2 * LOGIN_FAILS * (LOGIN_CEILING_WINDOW / LOGIN_WINDOW) <
	LOGIN_CEILING,
    "strangers alone must never reach the ceiling");

/*
 * Whose count a failed login (or a wrong password typed in a session)
 * goes to.  A browser that has logged in to the account before keeps
 * its own count, so strangers who know the name can never close the
 * owner's door; every other browser shares the account's count.  TOTP
 * failures are split the same way.
 */
enum fail_bucket { BUCKET_STRANGERS = 0, BUCKET_DEVICE };

enum fail_bucket policy_fail_bucket(int known_device);
/*
 * After a wrong password, with left more allowed before logins close:
 * is the person told so?  Only near the end, so that the next mistake
 * does not come as a surprise; whether the name has an account or not,
 * the count and the answer are the same.
 */
int policy_login_warns(int left);

/* ------------------------------------------------------------------ */
/* R5: changing the email address is guarded.                         */

/*
 * A revert link restores the address of its own notice.  Using it
 * voids the revert links of later changes (made after it), never those
 * of earlier ones: the first owner's link always has the last word.
 * Does using the link used_id void the link other_id?  (Link ids count
 * up in the order the links are made.)
 */
int policy_revert_voids(int64_t used_id, int64_t other_id);
/*
 * Does a revert that restores an address of age since (its since when
 * the move replaced it) void the account's waiting resets?  Only an
 * address older than delay: voiding a reset is rejecting it, which R9
 * does not let a young way in do.  Else the thief who made two moves,
 * A->B->C, would void the owner's reset with B's link, and learn from
 * B's page that one waits (attacks_round5.py, 38).
 */
int policy_revert_voids_resets(int64_t since, int64_t now, int64_t delay);

/*
 * When an address is claimed by proof (a revert, a confirmed change),
 * does another account holding it lose it?  Only an account that never
 * verified it: an unverified signup never reserves an address against
 * its owner.
 */
int policy_claim_beats(int64_t holder_verified_at);

/*
 * A signup proves nothing yet: may it take an address from the account
 * that holds it (verified at holder_verified_at, 0: never; made at
 * holder_made)?  Only once the holder can never verify it, its link
 * (link_ttl long) having lapsed: else a stranger who knows a newcomer's
 * address could delete the newcomer's account and take its name.
 */
int policy_signup_replaces(int64_t holder_verified_at, int64_t holder_made,
    int64_t now, int64_t link_ttl);

#endif /* !POSTERN_POLICY_H */
