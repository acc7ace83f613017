#ifndef POSTERN_PHONE_H
#define POSTERN_PHONE_H

#include <stddef.h>

/*
 * phone.c: recovery phone numbers as people type them, checked once at
 * the edge and kept in E.164 form ("+" and 8 to 15 digits).  Pure: no
 * I/O, no allocation.
 */

#define PHONE_MAX	 16 /* "+" and at most 15 digits (E.164) */
#define PHONE_MIN_DIGITS 8  /* see phone.c for why 8 */
#define PHONE_MAX_DIGITS 15
#define PHONE_INPUT_MAX	 64 /* longest input looked at, in bytes */
#define PHONE_MASK_TEXT	 16 /* "+123 *** ***45" and NUL */

enum phone_reason {
	PHONE_OK = 0,
	PHONE_EMPTY,		 /* nothing but spaces */
	PHONE_NOT_INTERNATIONAL, /* no "+" or "00" before the number */
	PHONE_BAD_COUNTRY,	 /* the country code starts with 0 */
	PHONE_BAD_CHAR,		 /* letters, a misplaced "+", stray brackets */
	PHONE_TOO_SHORT,
	PHONE_TOO_LONG
};

/*
 * Read a number in international form: "+49 30 1234567",
 * "+1 (415) 555-0100", "0049 30 1234567" (a leading 00 is read as +),
 * "+44 (0)20 7946 0000" (a bracketed trunk 0 is dropped).  Spaces,
 * no-break spaces, tabs, dots, hyphens, slashes and one pair of
 * brackets are ignored.  out receives "+" and the digits; it is "" on
 * any refusal.  in may be NULL (PHONE_EMPTY).
 */
enum phone_reason phone_normalise(const char *in, char out[PHONE_MAX + 1]);

/* The reason's name: its section in the BAD_PHONE message of
 * templates/messages.tpl.  Static storage; never NULL. */
const char *phone_reason_name(enum phone_reason);

/*
 * The number with all but its country code and last two digits hidden,
 * for notices ("+49 *** ***67"); the mask has the same length whatever
 * the number's, so it does not tell that either.  e164 must be what
 * phone_normalise() made.  0 (and out "") if it is not, or if outsz is
 * less than PHONE_MASK_TEXT.
 */
int phone_mask(const char *e164, char *out, size_t outsz);

#endif /* !POSTERN_PHONE_H */
