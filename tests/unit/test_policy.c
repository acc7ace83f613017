/*
 * test_policy.c: each rule of policy.c, stated as a person would say
 * it.  No database, no clock: the rules are functions of plain facts.
 */
#include <stdint.h>

#include "policy.h"
#include "tap.h"

#define DAY 86400
#define NOW ((int64_t)2000000000)
/* reset_delay as shipped: one day. */
#define DELAY DAY
#define OLD   (NOW - 30 * DAY) /* a way in that has long counted */
#define YOUNG (NOW - 3600)     /* added an hour ago */

static struct proof
pf(enum proof_kind k, int64_t channel, int64_t since)
{
	struct proof p;

	p.kind = k;
	p.channel = channel;
	p.since = since;
	return p;
}

static void
r1(void)
{
	const char *own[] = { "example.com" }, *c;
	const char *addrs[] = { "gmail.com" };

	is_int(policy_r1_address(RECOVERY_ACCOUNT, "example.com", own, 1, 0,
		   &c),
	    R1_OWN_DOMAIN,
	    "R1: an address on a domain the account manages is refused");
	is_int(policy_r1_address(RECOVERY_ACCOUNT, "gmail.com", own, 1, 1, &c),
	    R1_ALLOWED,
	    "R1: others' domains count only under the platform "
	    "rule");
	is_int(policy_r1_address(RECOVERY_PLATFORM, "gmail.com", own, 1, 1,
		   &c),
	    R1_PLATFORM_DOMAIN,
	    "R1: under the platform rule, any verified domain counts");
	is_int(policy_r1_domain("gmail.com", addrs, 1, &c), R1_OWN_DOMAIN,
	    "R1 both ways: no domain that one of your addresses is on");
}

static void
r2(void)
{
	struct ways w = { 2, 1, 0, 1, 1 };

	is_int(policy_contact_removal(&w, 1, 1), REMOVAL_TWOFA_PHONE,
	    "R2: the last phone cannot go while 2FA rests on it");
	w.verified_phones = 2;
	is_int(policy_contact_removal(&w, 1, 1), REMOVAL_OK,
	    "R2: a second phone may go");
	w.verified_contacts = 1;
	is_int(policy_contact_removal(&w, 1, 0), REMOVAL_LAST_WAY,
	    "R2: the last verified way in cannot go");
	is_int(policy_contact_removal(&w, 0, 0), REMOVAL_OK,
	    "R2: an unverified contact is no way in and may always go");

	w = (struct ways){ 1, 0, 0, 0, 1 };
	is_int(policy_twofa_enable(&w), TWOFA_ENABLE_NEED_PHONE,
	    "R2: with SMS, 2FA needs a verified phone first");
	w.verified_phones = 1;
	is_int(policy_twofa_enable(&w), TWOFA_ENABLE_OK, "... and then may");
	w = (struct ways){ 1, 0, 0, 0, 0 };
	is_int(policy_twofa_enable(&w), TWOFA_ENABLE_NEED_CODE,
	    "R2: without SMS, 2FA needs a recovery code first");
	w.recovery_code = 1;
	is_int(policy_twofa_enable(&w), TWOFA_ENABLE_OK, "... and then may");
}

static void
r3(void)
{
	struct proof p[3];
	int64_t	     from;

	p[0] = pf(PROOF_EMAIL, 0, OLD);
	is_int(policy_r3(p, 1, 0, NOW, DELAY, NULL), R3_OK,
	    "R3: without 2FA one proof suffices");
	is_int(policy_r3(p, 0, 0, NOW, DELAY, NULL), R3_NO_PROOF,
	    "R3: nothing proved is no proof");
	is_int(policy_r3(p, 1, OLD, NOW, DELAY, NULL), R3_NEED_TWO,
	    "R3: with 2FA one stolen mailbox is never enough");
	p[1] = pf(PROOF_EMAIL, 0, OLD);
	is_int(policy_r3(p, 2, OLD, NOW, DELAY, NULL), R3_NEED_TWO,
	    "R3: the same channel twice counts once");
	p[1] = pf(PROOF_EMAIL, 7, OLD);
	is_int(policy_r3(p, 2, OLD, NOW, DELAY, NULL), R3_NEED_NON_EMAIL,
	    "R3: with 2FA two mailboxes are not enough either");
	p[1] = pf(PROOF_TOTP, 0, OLD);
	is_int(policy_r3(p, 2, OLD, NOW, DELAY, NULL), R3_OK,
	    "R3: a mailbox and the authenticator are");

	p[0] = pf(PROOF_EMAIL, 3, YOUNG);
	is_int(policy_r3(p, 1, 0, NOW, DELAY, &from), R3_TOO_NEW,
	    "R9: an address added an hour ago proves nothing yet");
	is_int(from, YOUNG + DELAY, "... and will from a day after it began");
	p[1] = pf(PROOF_RECOVERY_CODE, 0, OLD);
	is_int(policy_r3(p, 2, 0, NOW, DELAY, NULL), R3_OK,
	    "R9: an old way beside a young one is enough without 2FA");
	p[0] = pf(PROOF_EMAIL, 0, OLD);
	p[1] = pf(PROOF_RECOVERY_CODE, 0, YOUNG);
	is_int(policy_r3(p, 2, OLD, NOW, DELAY, &from), R3_TOO_NEW,
	    "R9: with 2FA, a recovery code made an hour ago is not the "
	    "second proof yet");
	is_int(from, YOUNG + DELAY, "... until it is a day old");
	p[2] = pf(PROOF_KIT, 0, OLD);
	is_int(policy_r3(p, 3, OLD, NOW, DELAY, NULL), R3_OK,
	    "R9: an old kit makes up for it");
	is_int(policy_r3(p, 1, OLD, NOW, DELAY, NULL), R3_NEED_TWO,
	    "R3 before R9: what is missing is said first");
	p[0] = pf(PROOF_EMAIL, 0, OLD);
	is_int(policy_r3(p, 1, YOUNG, NOW, DELAY, NULL), R3_OK,
	    "R9: 2FA turned on an hour ago does not raise the bar yet (or a "
	    "phished password could shut out an owner with only addresses)");
}

static void
reset_tries(void)
{
	is_int(policy_reset_try(R3_OK, 2), TRY_ACCEPT,
	    "a try with enough right codes succeeds, typos or not");
	is_int(policy_reset_try(R3_NEED_TWO, 0), TRY_NOT_ENOUGH,
	    "R8: a right code that is not enough yet is no failure");
	is_int(policy_reset_try(R3_TOO_NEW, 0), TRY_NOT_ENOUGH,
	    "R8: a right code too young to count is no failure");
	is_int(policy_reset_try(R3_NO_PROOF, 1), TRY_FAILED,
	    "a wrong code costs one of the five tries");
	is_int(policy_reset_try(R3_NEED_TWO, 1), TRY_FAILED,
	    "... even beside a right one");
	ok(!policy_reset_checks_totp(0),
	    "R8: a TOTP guess alone is never even looked at");
	ok(policy_reset_checks_totp(1),
	    "... beside another right proof it is");
}

static void
r4(void)
{
	struct channel_facts primary = { 0, 0, OLD };
	struct channel_facts backup = { 5, 0, OLD };
	struct channel_facts phone = { 6, 1, OLD };
	struct channel_facts fresh = { 7, 0, YOUNG };
	struct proof	     p[1];
	struct reset_links   l;

	p[0] = pf(PROOF_EMAIL, 5, OLD);
	l = policy_reset_links(&backup, p, 1, NOW, DELAY);
	ok(l.reject && !l.confirm,
	    "R4: the address that proved the reset may stop it, not confirm");
	l = policy_reset_links(&primary, p, 1, NOW, DELAY);
	ok(l.reject && l.confirm,
	    "R4: another old address may stop or confirm it");
	l = policy_reset_links(&phone, p, 1, NOW, DELAY);
	ok(l.reject && !l.confirm, "R4: a phone may only stop it");
	l = policy_reset_links(&fresh, p, 1, NOW, DELAY);
	ok(!l.reject && !l.confirm,
	    "R9: an address added an hour ago is told, with no link");
	ok(!policy_reset_code_to(&fresh, NOW, DELAY) &&
		policy_reset_code_to(&backup, NOW, DELAY),
	    "R9: only ways old enough get a reset code");
	p[0] = pf(PROOF_KIT, 0, OLD);
	l = policy_reset_links(&backup, p, 1, NOW, DELAY);
	ok(!l.confirm,
	    "R6: after a kit proof no recovery address confirms (it got "
	    "the user's half)");
	l = policy_reset_links(&primary, p, 1, NOW, DELAY);
	ok(l.confirm, "... the primary address still may");
	ok(policy_reset_clears_twofa(p, 1),
	    "a reset proven without the authenticator turns 2FA off");
	p[0] = pf(PROOF_TOTP, 0, OLD);
	ok(!policy_reset_clears_twofa(p, 1),
	    "... one proven with it does not");
}

static void
r8(void)
{
	ok(policy_needs_proof(ACTION_CONTACT_ADD) &&
		policy_needs_proof(ACTION_CONTACT_REMOVE) &&
		policy_needs_proof(ACTION_RECOVERY_CODE) &&
		policy_needs_proof(ACTION_KIT) &&
		policy_needs_proof(ACTION_TWOFA_ON) &&
		policy_needs_proof(ACTION_TWOFA_OFF) &&
		policy_needs_proof(ACTION_EMAIL_CHANGE) &&
		policy_needs_proof(ACTION_PASSWORD_CHANGE) &&
		policy_needs_proof(ACTION_END_SESSIONS) &&
		policy_needs_proof(ACTION_ACCOUNT_DELETE) &&
		policy_needs_proof(ACTION_ACCOUNT_EXPORT),
	    "R8: every change to the ways in asks for the password");
	ok(!policy_needs_proof(ACTION_CONTACT_VERIFY) &&
		!policy_needs_proof(ACTION_DOMAIN) &&
		!policy_needs_proof(ACTION_LOGOUT),
	    "R8: verifying a contact (its code is the proof), domains and "
	    "logging out do not");

	is_int(policy_proof(0, 0, 0, CODE_ABSENT, 0), PROOF_NEED_PASSWORD,
	    "R8: a session alone is not enough");
	is_int(policy_proof(1, 0, 0, CODE_ABSENT, 0), PROOF_BAD_PASSWORD,
	    "R8: a wrong password is refused");
	is_int(policy_proof(1, 1, 0, CODE_ABSENT, 0), PROOF_OK,
	    "R8: without 2FA the password is the proof");
	is_int(policy_proof(1, 1, 1, CODE_ABSENT, 0), PROOF_NEED_CODE,
	    "R8: with 2FA the authenticator too");
	is_int(policy_proof(1, 1, 1, CODE_RIGHT, 0), PROOF_OK,
	    "... and both together are the proof");
	is_int(policy_proof(1, 1, 1, CODE_USED, 0), PROOF_CODE_USED,
	    "R8: a code already used is named as such");
	is_int(policy_proof(1, 1, 1, CODE_LOCKED, 0), PROOF_CODE_LOCKED,
	    "R8: while TOTP entry is closed, nothing gets through");
	is_int(policy_proof(1, 1, 1, CODE_WRONG, 1), PROOF_BAD_CODE,
	    "R5: a recent code never excuses a wrong one");
	is_int(policy_proof(1, 1, 1, CODE_ABSENT, 1), PROOF_OK,
	    "R5: with twofa_recent, a code typed lately in this session "
	    "stands for one");
	ok(!policy_code_recent(ACTION_EMAIL_CHANGE, NOW - 60, NOW, 0),
	    "R5: by default (twofa_recent 0) no earlier code counts");
	ok(policy_code_recent(ACTION_EMAIL_CHANGE, NOW - 60, NOW, 3600) &&
		!policy_code_recent(ACTION_EMAIL_CHANGE, NOW - 7200, NOW,
		    3600) &&
		!policy_code_recent(ACTION_EMAIL_CHANGE, 0, NOW, 3600),
	    "R5: twofa_recent means that long, in this session");
	ok(!policy_code_recent(ACTION_TWOFA_OFF, NOW - 60, NOW, 3600) &&
		!policy_code_recent(ACTION_CONTACT_ADD, NOW - 60, NOW, 3600),
	    "R8: every other action wants its own code, whatever the setting");

	is_int(policy_session_reset(1, NOW - 10, NOW - 60, OLD, CODE_RIGHT, 0,
		   NOW, DELAY),
	    SESSION_RESET_NOT_OLDER,
	    "R4: a session younger than the reset cannot confirm it");
	is_int(policy_session_reset(0, NOW - 10, NOW - 60, 0, CODE_ABSENT, 1,
		   NOW, DELAY),
	    SESSION_RESET_OK,
	    "R4: but stops it with the password it would replace (the owner "
	    "whose only mailbox was taken logs in after the thief's reset)");
	is_int(policy_session_reset(0, NOW - 10, NOW - 60, 0, CODE_ABSENT, 0,
		   NOW, DELAY),
	    SESSION_RESET_NEED_PROOF, "R8: never with the session alone");
	is_int(policy_session_reset(1, NOW - 99, NOW - 60, 0, CODE_ABSENT, 1,
		   NOW, DELAY),
	    SESSION_RESET_MAILED_ONLY,
	    "R8: without 2FA only the mailed links confirm");
	is_int(policy_session_reset(1, NOW - 99, NOW - 60, OLD, CODE_ABSENT, 1,
		   NOW, DELAY),
	    SESSION_RESET_NEED_PROOF,
	    "R8: confirming from a session needs a code typed there, the "
	    "password is not enough");
	is_int(policy_session_reset(1, NOW - 99, NOW - 60, OLD, CODE_RIGHT, 0,
		   NOW, DELAY),
	    SESSION_RESET_OK, "... with the code it may");
	is_int(policy_session_reset(1, NOW - 99, NOW - 60, YOUNG, CODE_RIGHT,
		   0, NOW, DELAY),
	    SESSION_RESET_TOO_NEW,
	    "R9: an authenticator set up an hour ago cannot confirm");
	is_int(policy_session_reset(0, NOW - 99, NOW - 60, 0, CODE_ABSENT, 0,
		   NOW, DELAY),
	    SESSION_RESET_NEED_PROOF,
	    "R8: rejecting from a session needs the password or a code");
	is_int(policy_session_reset(0, NOW - 99, NOW - 60, 0, CODE_ABSENT, 1,
		   NOW, DELAY),
	    SESSION_RESET_OK, "... the password does");
	is_int(policy_session_reset(0, NOW - 99, NOW - 60, OLD, CODE_RIGHT, 0,
		   NOW, DELAY),
	    SESSION_RESET_OK, "... so does an old authenticator");
	is_int(policy_session_reset(0, NOW - 99, NOW - 60, YOUNG, CODE_RIGHT,
		   0, NOW, DELAY),
	    SESSION_RESET_TOO_NEW, "R9: a young authenticator cannot reject");
}

static void
failures(void)
{
	ok(TOTP_FAILS == 5 && TOTP_WINDOW == 15 * 60,
	    "R8: TOTP entry closes after five wrong codes in 15 minutes");
	ok(LOGIN_FAILS == 10 && LOGIN_WINDOW == 15 * 60,
	    "logins close after ten wrong passwords in 15 minutes");
	ok(!policy_login_warns(4) && policy_login_warns(3) &&
		policy_login_warns(1) && policy_login_warns(0),
	    "a wrong password warns when three or fewer tries are left");
	is_int(policy_fail_bucket(1), BUCKET_DEVICE,
	    "a browser that logged in before keeps its own count");
	is_int(policy_fail_bucket(0), BUCKET_STRANGERS,
	    "every other browser shares the strangers' count");
}

static void
r5(void)
{
	ok(policy_revert_voids(10, 11),
	    "R5: restoring A voids the revert link of the later change to B");
	ok(!policy_revert_voids(11, 10),
	    "R5: restoring B never voids the link mailed to A");
	ok(policy_revert_voids_resets(NOW - DAY, NOW, DAY),
	    "R5: restoring an address older than the delay voids the resets");
	ok(!policy_revert_voids_resets(NOW - DAY + 1, NOW, DAY),
	    "... a younger one voids none (R9: it may not reject one)");
	ok(!policy_revert_voids_resets(0, NOW, DAY),
	    "... nor does an address of no known age");
	ok(policy_claim_beats(0),
	    "R5: an unverified signup never reserves an address");
	ok(!policy_claim_beats(OLD),
	    "... an account that verified the address keeps it");
	ok(!policy_signup_replaces(0, NOW - 3600, NOW, DAY),
	    "a signup never takes the address of a newcomer whose link lives");
	ok(policy_signup_replaces(0, NOW - DAY, NOW, DAY),
	    "... but does once that link has lapsed");
	ok(!policy_signup_replaces(OLD, NOW - 10 * DAY, NOW, DAY),
	    "... and never a verified holder's");
}

static void
next_step(void)
{
	struct ways w = { 1, 0, 0, 0, 0 };

	is_int(policy_next_step(&w, 0, 0, 1), NEXT_ADDRESS,
	    "a new account, its signup address alone: add a second address");
	w.verified_contacts = 2;
	w.verified_phones = 1;
	is_int(policy_next_step(&w, 0, 0, 1), NEXT_RECOVERY_CODE,
	    "a phone besides it counts as a second way; next, a recovery "
	    "code");
	w.recovery_code = 1;
	is_int(policy_next_step(&w, 0, 0, 1), NEXT_TWOFA,
	    "with both, turn on two-step verification");
	w.sms = 1;
	w.verified_phones = 0;
	is_int(policy_next_step(&w, 1, 0, 1), NEXT_PHONE,
	    "where 2FA needs a phone (SMS on) and there is none: add one");
	w.verified_phones = 1;
	w.verified_contacts = 3;
	w.twofa = 1;
	is_int(policy_next_step(&w, 1, 0, 1), NEXT_KIT,
	    "with 2FA on and a recovery address, a kit where the hoster "
	    "makes them");
	is_int(policy_next_step(&w, 1, 0, 0), NEXT_NONE,
	    "... nothing where it does not");
	is_int(policy_next_step(&w, 0, 0, 1), NEXT_NONE,
	    "... nor without a recovery address to mail its half to");
	is_int(policy_next_step(&w, 1, 1, 1), NEXT_NONE,
	    "everything in place: nothing to suggest");
}

static void
password_age(void)
{
	ok(policy_password_mature(0, NOW, DELAY),
	    "a signup's or a reset's password counts as old");
	ok(policy_password_mature(OLD, NOW, DELAY),
	    "a password chosen a month ago counts");
	ok(!policy_password_mature(YOUNG, NOW, DELAY),
	    "R9: a password changed an hour ago (perhaps by whoever phished "
	    "the old one) is young");
}

int
main(void)
{
	next_step();
	password_age();
	r1();
	r2();
	r3();
	reset_tries();
	r4();
	r8();
	failures();
	r5();
	return done_testing();
}
