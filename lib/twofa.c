/*
 * twofa.c: checking a typed TOTP code against an account's sealed
 * secret (totp.c does the arithmetic, account.c the storage, guard.c
 * the counting of wrong ones).
 */
#include <stdint.h>

#include <sodium.h>

#include "account.h"
#include "code.h"
#include "flow.h"
#include "guard.h"
#include "log.h"
#include "totp.h"
#include "twofa.h"

/*
 * Check code (normalised, 6 digits) against the account's secret:
 * CODE_RIGHT (step used up), CODE_USED or CODE_WRONG.
 */
static int
twofa_match(struct db *db, const unsigned char key[KEY_BYTES],
    int64_t account_id, const char *code, int64_t now, int enabled_only,
    enum typed_code *res)
{
	unsigned char sealed[TOTP_SEALED_BYTES];
	unsigned char secret[TOTP_SECRET_BYTES];
	size_t	      n;
	int64_t	      enabled_at, last_step, step;
	int	      won, ok = 1;

	*res = CODE_WRONG;
	if (!account_totp(db, account_id, sealed, sizeof(sealed), &n,
		&enabled_at, &last_step))
		return 0;
	if (n != TOTP_SEALED_BYTES || (enabled_only && enabled_at == 0))
		return 1;
	/* A secret that does not open (another key file) is a failure. */
	if (!totp_open(key, account_id, sealed, n, secret)) {
		log_err("account %lld: the TOTP secret does not open with "
			"this key file",
		    (long long)account_id);
		return 0;
	}
	if (totp_check(secret, code, now, last_step, &step)) {
		/* Of two requests with one code, one wins. */
		if ((ok = account_totp_advance(db, account_id, step, &won)))
			*res = won ? CODE_RIGHT : CODE_USED;
	} else if (totp_check(secret, code, now, 0, &step))
		*res = CODE_USED;
	sodium_memzero(secret, sizeof(secret));
	return ok;
}

int
twofa_check(struct flow *f, const struct account *a, const char *typed,
    int enabled_only, enum typed_code *res)
{
	char	     code[CODE_NORMAL_TEXT];
	struct guard g;
	int64_t	     until;
	int	     ok;

	*res = CODE_ABSENT;
	if (!flow_in_tx(f, "twofa_check"))
		return 0;
	if (typed == NULL || typed[0] == '\0')
		return 1;
	*res = CODE_WRONG;
	/* Not a code's shape: a slip, not a guess; nothing to count. */
	if (code_normalise(typed, code, sizeof(code)) != CODE_TOTP)
		return 1;
	if (!guard_for(f, a->id, NULL, &g) ||
	    !guard_totp_closed(f, &g, &until))
		return 0;
	if (until != 0) {
		f->said.until = until;
		*res = CODE_LOCKED;
		return 1;
	}
	ok = twofa_match(f->db, f->keys->totp, a->id, code, f->now,
		 enabled_only, res) &&
	    (*res != CODE_WRONG || guard_totp_failed(f, &g, a));
	sodium_memzero(code, sizeof(code));
	return ok;
}

enum outcome
twofa_outcome(enum typed_code res)
{
	switch (res) {
	case CODE_RIGHT:
		return OUT_OK;
	case CODE_ABSENT:
		return OUT_NEED_CODE;
	case CODE_USED:
		return OUT_CODE_USED;
	case CODE_LOCKED:
		return OUT_CODE_LOCKED;
	case CODE_WRONG:
		break;
	}
	return OUT_BAD_CODE;
}

int
twofa_verify(struct db *db, const unsigned char key[KEY_BYTES],
    int64_t account_id, const char *typed, int64_t now, int enabled_only,
    int *good)
{
	char		code[CODE_NORMAL_TEXT];
	enum typed_code res = CODE_WRONG;
	int		ok = 1;

	*good = 0;
	if (code_normalise(typed, code, sizeof(code)) == CODE_TOTP)
		ok = twofa_match(db, key, account_id, code, now, enabled_only,
		    &res);
	*good = res == CODE_RIGHT;
	sodium_memzero(code, sizeof(code));
	return ok;
}
