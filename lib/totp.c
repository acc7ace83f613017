/*
 * totp.c: two-step verification with time-based one-time passwords
 * (RFC 6238), the way every authenticator app does them by default:
 * HMAC-SHA-1, 6 digits, 30-second steps, a 20-byte random secret.
 *
 * liboath computes the codes.  It does not decide which codes to
 * accept: its oath_totp_validate* functions compare with strcmp(),
 * return the first step in the window that matches, and know nothing
 * of replay.  So totp_check() asks liboath for the code of each step in
 * the window (now's step and one either side), compares each with the
 * typed code in constant time, and accepts only a step later than the
 * last one accepted.  When two steps of the window happen to share a
 * code (one chance in a million) it takes the later one, so the same
 * six digits cannot be accepted a second time a step later.
 *
 * The secret is encrypted at rest (XChaCha20-Poly1305) under a key that
 * lives outside the database (DESIGN section 4), so a copy of the
 * database alone does not let anyone make codes.  The account id is the
 * associated data: a sealed secret moved onto another account's row by
 * someone who can write the database no longer opens.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <oath.h>
#include <sodium.h>

#include "buf.h"
#include "crypto.h"
#include "totp.h"

#define TOTP_DIGITS 6
#define TOTP_WINDOW 1 /* steps of clock skew accepted either side */

_Static_assert(TOTP_SEALED_BYTES == SEAL_OVERHEAD + TOTP_SECRET_BYTES,
    "TOTP_SEALED_BYTES");
_Static_assert(TOTP_SECRET_BYTES * 8 == (TOTP_BASE32_TEXT - 1) * 5,
    "the secret fills whole base32 characters");
_Static_assert(sizeof(time_t) >= 8, "time_t must hold 64-bit times");

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* Latest time totp_check() takes: far beyond any clock, and small
 * enough that step arithmetic cannot overflow.  totp_code_at() takes a
 * little more, for the step after it. */
#define TOTP_TIME_MAX (INT64_C(1) << 40)

/* oath_init() once per process, on first use. */
static int
totp_lib_init(void)
{
	static int done;

	if (!done) {
		if (oath_init() != OATH_OK)
			return 0;
		done = 1;
	}
	return 1;
}

int
totp_secret_new(unsigned char secret[TOTP_SECRET_BYTES])
{
	randombytes_buf(secret, TOTP_SECRET_BYTES);
	return 1;
}

int
totp_secret_base32(const unsigned char secret[TOTP_SECRET_BYTES],
    char			       out[TOTP_BASE32_TEXT])
{
	unsigned int acc = 0, bits = 0;
	size_t	     i, n = 0;

	/* By hand rather than oath_base32_encode(), which would leave a
	 * copy of the secret in freed heap memory. */
	for (i = 0; i < TOTP_SECRET_BYTES; i++) {
		acc = ((acc << 8) | secret[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = b32[(acc >> bits) & 31];
		}
	}
	out[n] = '\0';
	sodium_memzero(&acc, sizeof(acc));
	return 1;
}

int
totp_secret_grouped(const unsigned char secret[TOTP_SECRET_BYTES],
    char				out[TOTP_GROUPED_TEXT])
{
	char   raw[TOTP_BASE32_TEXT];
	size_t i, n = 0;

	totp_secret_base32(secret, raw);
	for (i = 0; raw[i] != '\0'; i++) {
		if (i > 0 && i % 4 == 0)
			out[n++] = ' ';
		out[n++] = raw[i];
	}
	out[n] = '\0';
	sodium_memzero(raw, sizeof(raw));
	return 1;
}

int
totp_uri(const unsigned char secret[TOTP_SECRET_BYTES], const char *issuer,
    const char *account, struct buf *out)
{
	char b[TOTP_BASE32_TEXT];

	if (issuer == NULL || account == NULL || *issuer == '\0' ||
	    *account == '\0')
		return 0;
	totp_secret_base32(secret, b);
	/*
	 * The issuer is in the label (for old apps) and in the query (the
	 * Key URI format's recommendation); both must agree.  '@' is legal
	 * in both and stays; every other byte but the unreserved ones is
	 * %XX, so ':' cannot split the label and '&' cannot end a parameter.
	 */
	buf_puts(out, TOTP_URI_SCHEME "totp/");
	buf_escape(out, issuer, "@");
	buf_puts(out, ":");
	buf_escape(out, account, "@");
	buf_puts(out, "?secret=");
	buf_puts(out, b);
	buf_puts(out, "&issuer=");
	buf_escape(out, issuer, "@");
	buf_puts(out, "&algorithm=SHA1&digits=6&period=30");
	sodium_memzero(b, sizeof(b));
	return !out->failed;
}

int
totp_code_at(const unsigned char secret[TOTP_SECRET_BYTES], int64_t t,
    char out[TOTP_CODE_TEXT])
{
	out[0] = '\0';
	if (t < 0 || t > 2 * TOTP_TIME_MAX || !totp_lib_init())
		return 0;
	if (oath_totp_generate((const char *)secret, TOTP_SECRET_BYTES,
		(time_t)t, TOTP_STEP, OATH_TOTP_DEFAULT_START_TIME,
		TOTP_DIGITS, out) != OATH_OK) {
		sodium_memzero(out, TOTP_CODE_TEXT);
		return 0;
	}
	return 1;
}

int
totp_check(const unsigned char secret[TOTP_SECRET_BYTES], const char *code,
    int64_t now, int64_t last_step, int64_t *step_out)
{
	char	want[TOTP_CODE_TEXT];
	int64_t step, s, found = -1;
	size_t	i;
	int	rc = 0;

	if (code == NULL || now < 0 || now > TOTP_TIME_MAX)
		goto out;
	/* Exactly six ASCII digits; never read past the seventh byte. */
	for (i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			goto out;
	if (code[TOTP_DIGITS] != '\0')
		goto out;

	step = now / TOTP_STEP;
	for (s = step - TOTP_WINDOW; s <= step + TOTP_WINDOW; s++) {
		if (s < 0 || s <= last_step)
			continue;
		if (!totp_code_at(secret, s * TOTP_STEP, want))
			goto out;
		/* Every step is compared, and a later match wins. */
		if (sodium_memcmp(want, code, TOTP_DIGITS) == 0)
			found = s;
	}
	if (found >= 0) {
		*step_out = found;
		rc = 1;
	}
out:
	sodium_memzero(want, sizeof(want));
	return rc;
}

/* The associated data: the account id as 8 little-endian bytes. */
static void
totp_ad(int64_t account_id, unsigned char ad[8])
{
	uint64_t v = (uint64_t)account_id;
	int	 i;

	for (i = 0; i < 8; i++, v >>= 8)
		ad[i] = (unsigned char)(v & 0xff);
}

int
totp_seal(const unsigned char key[KEY_BYTES], int64_t account_id,
    const unsigned char secret[TOTP_SECRET_BYTES], unsigned char *out,
    size_t outlen)
{
	unsigned char ad[8];

	if (outlen < TOTP_SEALED_BYTES)
		return 0;
	totp_ad(account_id, ad);
	return secret_seal(key, ad, sizeof(ad), secret, TOTP_SECRET_BYTES,
	    out);
}

int
totp_open(const unsigned char key[KEY_BYTES], int64_t account_id,
    const unsigned char *in, size_t inlen,
    unsigned char secret[TOTP_SECRET_BYTES])
{
	unsigned char ad[8];

	totp_ad(account_id, ad);
	if (inlen != TOTP_SEALED_BYTES ||
	    !secret_open(key, ad, sizeof(ad), in, inlen, secret)) {
		sodium_memzero(secret, TOTP_SECRET_BYTES);
		return 0;
	}
	return 1;
}
