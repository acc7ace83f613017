#ifndef POSTERN_TWOFA_H
#define POSTERN_TWOFA_H

#include <stdint.h>

#include "crypto.h"
#include "outcome.h"
#include "policy.h"

struct account;
struct db;
struct flow;

/*
 * twofa.c: an account's TOTP code, checked in one place for every flow
 * that asks for one (the second login step, an action's proof, a reset
 * proof, confirming or rejecting a reset, enrolment).
 */

/*
 * What typed (as the person typed it) is for account a: CODE_ABSENT
 * when nothing was typed; CODE_LOCKED when TOTP entry is closed for
 * this browser (nothing is checked, said.until tells when it opens);
 * CODE_RIGHT, its step used up so it works once; CODE_USED, right but
 * used before (a replay, not a guess); CODE_WRONG otherwise, counted by
 * guard.c when it had a code's shape.  With enabled_only, a secret
 * whose enrolment is pending does not count.  Inside a write
 * transaction.  0 on a storage error.
 */
int twofa_check(struct flow *, const struct account *a, const char *typed,
    int enabled_only, enum typed_code *);

/* What a refused code says: OUT_NEED_CODE, OUT_BAD_CODE, ... */
enum outcome twofa_outcome(enum typed_code);

/* The same without counting failures: for enrolment, where the secret
 * is still pending and a typo is no guess at anyone's account. */
int twofa_verify(struct db *, const unsigned char key[KEY_BYTES],
    int64_t account_id, const char *typed, int64_t now, int enabled_only,
    int *good);

#endif /* !POSTERN_TWOFA_H */
