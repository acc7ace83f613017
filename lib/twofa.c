/*
 * twofa.c: checking a typed TOTP code against an account's sealed
 * secret (totp.c does the arithmetic, account.c the storage).
 */
#include <stdint.h>

#include <sodium.h>

#include "account.h"
#include "code.h"
#include "log.h"
#include "totp.h"
#include "twofa.h"

int
twofa_verify(struct db *db, const unsigned char key[KEY_BYTES],
    int64_t account_id, const char *typed, int64_t now, int enabled_only,
    int *good)
{
	unsigned char	 sealed[TOTP_SEALED_BYTES];
	unsigned char	 secret[TOTP_SECRET_BYTES];
	char		 code[CODE_NORMAL_TEXT];
	size_t		 n;
	int64_t		 enabled_at, last_step, step;
	int		 ok = 1;

	*good = 0;
	if (code_normalise(typed, code, sizeof(code)) != CODE_TOTP)
		return 1;
	if (!account_totp(db, account_id, sealed, sizeof(sealed), &n,
	    &enabled_at, &last_step))
		return 0;
	if (n != TOTP_SEALED_BYTES || (enabled_only && enabled_at == 0))
		return 1;
	/* A secret that does not open (another key file) is a failure. */
	if (!totp_open(key, account_id, sealed, n, secret)) {
		log_err("account %lld: the TOTP secret does not open with "
		    "this key file", (long long)account_id);
		return 0;
	}
	if (totp_check(secret, code, now, last_step, &step))
		ok = account_totp_advance(db, account_id, step, good);
	sodium_memzero(secret, sizeof(secret));
	return ok;
}
