#ifndef POSTERN_POLICY_H
#define POSTERN_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/*
 * policy.c: the rules R1-R7 of DESIGN section 1 as pure functions of
 * plain data: no database, no I/O.  Pages and tests share one truth.
 * Names given here are registrable domains (domain_registrable()).
 */

enum r1_verdict {
	R1_ALLOWED = 0,
	R1_OWN_DOMAIN,		/* the account manages that domain */
	R1_PLATFORM_DOMAIN	/* another account verified it (platform rule) */
};

/*
 * R1, for an address: may an address whose registrable domain is
 * addr_reg receive recovery codes for an account that manages the
 * domains own[0..nown) (pending or verified)?  platform_verified tells
 * whether any other account has verified a domain with the same
 * registrable domain; it counts only under RECOVERY_PLATFORM.  On
 * refusal, *conflict points at the managed name that conflicts.
 */
enum r1_verdict	 policy_r1_address(enum recovery_rule rule,
		    const char *addr_reg, const char *const *own, size_t nown,
		    int platform_verified, const char **conflict);

/*
 * R1, both ways: may an account add the domain whose registrable domain
 * is dom_reg, when its addresses (primary and recovery, verified or
 * pending) have the registrable domains addrs[0..naddrs)?  On refusal,
 * *conflict points at the address domain that conflicts.
 */
enum r1_verdict	 policy_r1_domain(const char *dom_reg,
		    const char *const *addrs, size_t naddrs,
		    const char **conflict);

/* R3: what one typed code proved. */
enum proof_kind {
	PROOF_EMAIL,		/* a code sent to a verified address */
	PROOF_PHONE,		/* a code sent to a verified phone */
	PROOF_RECOVERY_CODE,
	PROOF_TOTP,
	PROOF_KIT		/* both halves of the admin-assisted kit (R6) */
};

struct proof {
	enum proof_kind	 kind;
	int64_t		 channel;	/* contact id (0: primary) for codes */
};

enum r3_verdict {
	R3_OK = 0,
	R3_NO_PROOF,		/* nothing typed proved anything */
	R3_NEED_TWO,		/* 2FA on: a second, different channel */
	R3_NEED_NON_EMAIL	/* 2FA on: at least one proof not an email */
};

/*
 * R3: do these proofs authorise a password reset?  Without 2FA one
 * proof suffices; with 2FA two from different channels, at least one
 * of them not an email.  The same channel twice counts once.
 */
enum r3_verdict	 policy_r3(const struct proof *, size_t n, int twofa);

#endif /* !POSTERN_POLICY_H */
