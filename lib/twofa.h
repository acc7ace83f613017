#ifndef POSTERN_TWOFA_H
#define POSTERN_TWOFA_H

#include <stdint.h>

#include "crypto.h"

struct db;

/*
 * twofa.c: an account's TOTP code, checked in one place for every flow
 * that asks for one (enrolment, login, reset, email change).
 */

/*
 * Is typed (as the person typed it) the current code of the account's
 * stored secret, never used before?  The step is used up in the
 * caller's transaction, so a code works once.  With enabled_only, a
 * secret whose enrolment is still pending does not count.  *good is 0
 * for a wrong, malformed, old or replayed code, or no secret.
 */
int	 twofa_verify(struct db *, const unsigned char key[KEY_BYTES],
	    int64_t account_id, const char *typed, int64_t now,
	    int enabled_only, int *good);

#endif /* !POSTERN_TWOFA_H */
