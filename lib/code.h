#ifndef POSTERN_CODE_H
#define POSTERN_CODE_H

#include <stddef.h>

#include "crypto.h"

/*
 * code.c: the codes people type (DESIGN section 2): the recovery code,
 * the halves of an admin-assisted recovery kit (R6), and the reading
 * of whatever is typed into a `code` field.  Pure: no database, no I/O,
 * no allocation; every buffer is the caller's.  The 8-digit codes sent
 * by mail and SMS are made by code_new_digits() in crypto.h.
 *
 * Recovery codes and kit halves are RFC 4648 base32 (A-Z, 2-7), shown
 * in groups of 4 joined by '-'.  Their lengths differ, so the server
 * tells them apart by length alone:
 *   recovery code  24 characters, 120 bits, 6 groups
 *   kit half       16 characters,  80 bits, 4 groups
 *   kit whole      both halves, 32 characters, 159 bits
 * Every generated and typed code is a secret: wipe the buffers
 * (sodium_memzero) when done.
 */

#define CODE_GROUP	    4
#define CODE_RECOVERY_LEN   24
#define CODE_RECOVERY_TEXT  30 /* 6 groups, 5 dashes, NUL */
#define CODE_KIT_HALF_LEN   16
#define CODE_KIT_HALF_TEXT  20 /* 4 groups, 3 dashes, NUL */
#define CODE_KIT_WHOLE_LEN  32
#define CODE_KIT_WHOLE_TEXT 33 /* both halves, normalised, NUL */
#define CODE_CHANNEL_DIGITS 8  /* codes sent by mail or SMS */
#define CODE_TOTP_DIGITS    6
#define CODE_INPUT_MAX	    128 /* longest typed code looked at */
#define CODE_NORMAL_TEXT    25	/* room for any normal form, NUL */

enum code_kind {
	CODE_INVALID = 0,
	CODE_DIGITS, /* exactly 8 digits: a code sent to a channel */
	CODE_TOTP,   /* exactly 6 digits: an authenticator's code */
	CODE_BASE32  /* a recovery code (24) or a kit half (16) */
};

/* A fresh recovery code, formatted "ABCD-EFGH-...-WXYZ" for showing
 * once.  Hash code_normalise() of it, never the formatted text.
 * Always 1. */
int code_recovery_new(char out[CODE_RECOVERY_TEXT]);

/*
 * A fresh recovery kit: two formatted halves, one for the recovery
 * address and one for admin_email, and whole, the normal form of both
 * that the caller hashes with code_hash().  The halves are made so
 * that half1 sorts before half2, which lets code_kit_join() rebuild
 * whole from halves typed in either order.  Always 1.
 */
int code_kit_new(char half1[CODE_KIT_HALF_TEXT],
    char half2[CODE_KIT_HALF_TEXT], char whole[CODE_KIT_WHOLE_TEXT]);

/*
 * The whole kit from two typed halves a and b, each already a
 * CODE_BASE32 normal form of CODE_KIT_HALF_LEN characters, in either
 * order.  0 (and whole "") if either is not such a half or they are
 * equal.
 */
int code_kit_join(const char *a, const char *b,
    char whole[CODE_KIT_WHOLE_TEXT]);

/*
 * Read a typed code: case, spaces, tabs and dashes are ignored.  out
 * (outsz bytes, CODE_NORMAL_TEXT holds any) receives the normal form:
 * upper case, no separators.  CODE_BASE32 refuses 0, 1, 8 and 9, which
 * base32 does not use, rather than guess what was meant.  Input longer
 * than CODE_INPUT_MAX bytes, or a normal form that does not fit out, is
 * CODE_INVALID; out is then zeroed.
 */
enum code_kind code_normalise(const char *typed, char *out, size_t outsz);

/*
 * The BLAKE2b hash that the database keeps for a code: token_hash() of
 * the normal form.  0 (and out zeroed) if normalised is not a normal
 * form (upper-case letters and digits only, 1 to CODE_KIT_WHOLE_LEN of
 * them), which catches hashing what was typed instead of what it means.
 */
int code_hash(const char *normalised, unsigned char out[HASH_BYTES]);

#endif /* !POSTERN_CODE_H */
