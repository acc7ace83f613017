#ifndef POSTERN_TOTP_H
#define POSTERN_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"

/*
 * totp.c: two-step verification codes (RFC 6238 with the defaults every
 * authenticator supports: HMAC-SHA-1, 6 digits, 30-second steps, a
 * 20-byte secret), over liboath and libsodium.  Pure: no database, no
 * I/O.  The caller stores the sealed secret and the last accepted step.
 *
 * Every buffer here is the caller's; nothing is allocated except inside
 * the struct buf of totp_uri().  A secret, its base32 form and its URI
 * are all secrets: wipe them (sodium_memzero) when done.
 */

#define TOTP_SECRET_BYTES 20 /* RFC 6238's SHA-1 key size */
#define TOTP_BASE32_TEXT  33 /* 32 base32 characters, NUL */
#define TOTP_GROUPED_TEXT 40 /* 8 groups of 4, 7 spaces, NUL */
#define TOTP_CODE_TEXT	  7  /* 6 digits, NUL */
#define TOTP_STEP	  30 /* seconds per time step */
/* nonce (24) || ciphertext (20) || tag (16): what the database keeps. */
#define TOTP_SEALED_BYTES 60

/* A fresh random secret.  Always 1. */
int totp_secret_new(unsigned char secret[TOTP_SECRET_BYTES]);

/* The secret in RFC 4648 base32, upper case, no padding (32 characters):
 * what an authenticator takes by hand and what the otpauth URI carries.
 * Always 1. */
int totp_secret_base32(const unsigned char secret[TOTP_SECRET_BYTES],
    char				   out[TOTP_BASE32_TEXT]);

/* The same in groups of 4 separated by spaces ("ABCD EFGH ..."), easier
 * to read off a screen; authenticators ignore the spaces.  Always 1. */
int totp_secret_grouped(const unsigned char secret[TOTP_SECRET_BYTES],
    char				    out[TOTP_GROUPED_TEXT]);

/* What totp_uri() begins with. */
#define TOTP_URI_SCHEME "otpauth://"

/*
 * Append the Key URI an authenticator scans, to out:
 * otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1
 * &digits=6&period=30, with issuer and account percent-encoded (every
 * byte but A-Z a-z 0-9 - . _ ~ and '@'; a space is %20, never '+').
 * issuer and account must be non-empty.  0 if they are empty or out ran
 * out of memory (out->failed is then set).  out holds the secret: the
 * caller wipes and frees it.
 */
int totp_uri(const unsigned char secret[TOTP_SECRET_BYTES], const char *issuer,
    const char *account, struct buf *out);

/* The code for time t (seconds since the epoch, t >= 0).  0 on
 * failure (liboath could not be initialised, t < 0). */
int totp_code_at(const unsigned char secret[TOTP_SECRET_BYTES], int64_t t,
    char out[TOTP_CODE_TEXT]);

/*
 * 1 if code (exactly 6 ASCII digits: the caller has stripped spaces) is
 * the code of a time step within one step of now's, and that step is
 * later than last_step; *step_out then receives the step, which the
 * caller stores as the new last_step in the same transaction that acts
 * on the code, so no code is accepted twice.  last_step is 0 for a
 * secret that never accepted a code (real steps are far above it).
 * 0 for anything else: a wrong, old or replayed code, a malformed code,
 * now < 0, or a liboath failure.
 */
int totp_check(const unsigned char secret[TOTP_SECRET_BYTES], const char *code,
    int64_t now, int64_t last_step, int64_t *step_out);

/*
 * Encrypt a secret for storage (DESIGN section 4) with XChaCha20-
 * Poly1305 under key (the TOTP subkey: key_derive(master, 2, key)),
 * bound to account_id.  out receives nonce || ciphertext || tag,
 * TOTP_SEALED_BYTES; 0 if outlen is smaller.
 */
int totp_seal(const unsigned char key[KEY_BYTES], int64_t account_id,
    const unsigned char secret[TOTP_SECRET_BYTES], unsigned char *out,
    size_t outlen);

/*
 * Decrypt what totp_seal() made.  0 if inlen is not TOTP_SEALED_BYTES,
 * the key or the account is another, or a byte was changed; secret is
 * then zeroed.
 */
int totp_open(const unsigned char key[KEY_BYTES], int64_t account_id,
    const unsigned char *in, size_t inlen,
    unsigned char secret[TOTP_SECRET_BYTES]);

#endif /* !POSTERN_TOTP_H */
