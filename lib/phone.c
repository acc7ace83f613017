/*
 * phone.c: the one parser of phone numbers, for recovery phones (R2).
 *
 * A number is kept in E.164 form, "+" and the digits, because that is
 * what an SMS gateway takes and what makes two spellings of one number
 * equal.  Postern serves people in any country and cannot guess a
 * country from a national number ("030 1234567"), so it asks for the
 * international form and says so when it does not get it, instead of
 * storing a number that no SMS will reach.
 *
 * Lengths: E.164 allows at most 15 digits with the country code.  The
 * minimum is 8: every country's numbers reach it except a few small
 * territories with 7 (Niue, Tokelau, Saint Helena), and a lower bound
 * catches the numbers cut short while typing, which are far more common
 * than phones from those places.  PHONE_MIN_DIGITS is the one place to
 * change it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "phone.h"

/* No bracket opened yet. */
#define NO_BRACKET SIZE_MAX

/*
 * Keep the '+' and the digits of in[0..len) in c, *n of them, dropping
 * the separators people type and a trunk 0 in brackets.
 */
static enum phone_reason
phone_strip(const char *in, size_t len, char c[PHONE_INPUT_MAX + 1],
    size_t *np)
{
	size_t	      i, n = 0, open = NO_BRACKET;
	int	      pairs = 0;
	unsigned char ch;

	for (i = 0; i < len; i++) {
		ch = (unsigned char)in[i];
		if (ch == ' ' || ch == '\t' || ch == '.' || ch == '-' ||
		    ch == '/')
			continue;
		/* U+00A0, which numbers copied from web pages often hold;
		 * in[len] is the NUL, so in[i + 1] is always readable. */
		if (ch == 0xc2 && (unsigned char)in[i + 1] == 0xa0) {
			i++;
			continue;
		}
		if (ch == '(') {
			if (pairs > 0 || open != NO_BRACKET)
				return PHONE_BAD_CHAR;
			open = n;
		} else if (ch == ')') {
			if (open == NO_BRACKET || n == open)
				return PHONE_BAD_CHAR;
			/*
			 * "+44 (0)20 ...": the 0 is dialled only inside the
			 * country, so it is not part of the E.164 number.
			 * A bracketed 0 at the start is a national number's
			 * and stays, to be refused below.
			 */
			if (n - open == 1 && c[open] == '0' && open > 0)
				n = open;
			open = NO_BRACKET;
			pairs++;
		} else if (ch == '+') {
			if (n != 0)
				return PHONE_BAD_CHAR;
			c[n++] = '+';
		} else if (ch >= '0' && ch <= '9')
			c[n++] = (char)ch;
		else
			return PHONE_BAD_CHAR;
	}
	if (open != NO_BRACKET)
		return PHONE_BAD_CHAR;
	*np = n;
	return n == 0 ? PHONE_EMPTY : PHONE_OK;
}

enum phone_reason
phone_normalise(const char *in, char out[PHONE_MAX + 1])
{
	char		  c[PHONE_INPUT_MAX + 1]; /* "+" and digits */
	const char	 *d;
	size_t		  len, n, nd;
	enum phone_reason r;

	out[0] = '\0';
	if (in == NULL)
		return PHONE_EMPTY;
	if ((len = strnlen(in, PHONE_INPUT_MAX + 1)) > PHONE_INPUT_MAX)
		return PHONE_TOO_LONG;
	if ((r = phone_strip(in, len, c, &n)) != PHONE_OK)
		return r;
	/* The country code follows a '+' or the international 00. */
	if (c[0] == '+') {
		d = c + 1;
		nd = n - 1;
	} else if (n >= 2 && c[0] == '0' && c[1] == '0') {
		d = c + 2;
		nd = n - 2;
	} else
		return PHONE_NOT_INTERNATIONAL;
	if (nd == 0)
		return PHONE_TOO_SHORT;
	if (d[0] == '0')
		return PHONE_BAD_COUNTRY;
	if (nd < PHONE_MIN_DIGITS)
		return PHONE_TOO_SHORT;
	if (nd > PHONE_MAX_DIGITS)
		return PHONE_TOO_LONG;
	out[0] = '+';
	memcpy(out + 1, d, nd);
	out[nd + 1] = '\0';
	return PHONE_OK;
}

const char *
phone_reason_name(enum phone_reason r)
{
	static const char *const names[] = {
		[PHONE_OK] = "PHONE_OK",
		[PHONE_EMPTY] = "PHONE_EMPTY",
		[PHONE_NOT_INTERNATIONAL] = "PHONE_NOT_INTERNATIONAL",
		[PHONE_BAD_COUNTRY] = "PHONE_BAD_COUNTRY",
		[PHONE_BAD_CHAR] = "PHONE_BAD_CHAR",
		[PHONE_TOO_SHORT] = "PHONE_TOO_SHORT",
		[PHONE_TOO_LONG] = "PHONE_TOO_LONG",
	};

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ?
	    names[r] :
	    "PHONE_BAD_CHAR";
}

/*
 * Length of the country code at the start of digits (ITU-T E.164
 * assignments): 1 and 7 are one digit, the two-digit codes are listed,
 * every other code has three digits.
 */
static size_t
phone_cc_len(const char *digits)
{
	static const unsigned char two[] = { 20, 27, 30, 31, 32, 33, 34, 36,
		39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56,
		57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92,
		93, 94, 95, 98 };
	size_t			   i;
	int			   v;

	if (digits[0] == '1' || digits[0] == '7')
		return 1;
	v = (digits[0] - '0') * 10 + (digits[1] - '0');
	for (i = 0; i < sizeof(two); i++)
		if (two[i] == v)
			return 2;
	return 3;
}

int
phone_mask(const char *e164, char *out, size_t outsz)
{
	size_t i, nd, cc;

	if (outsz > 0)
		out[0] = '\0';
	if (e164 == NULL || outsz < PHONE_MASK_TEXT || e164[0] != '+')
		return 0;
	nd = strnlen(e164 + 1, PHONE_MAX_DIGITS + 1);
	if (nd < PHONE_MIN_DIGITS || nd > PHONE_MAX_DIGITS || e164[1] == '0')
		return 0;
	for (i = 1; i <= nd; i++)
		if (e164[i] < '0' || e164[i] > '9')
			return 0;
	cc = phone_cc_len(e164 + 1);
	snprintf(out, outsz, "+%.*s *** ***%s", (int)cc, e164 + 1,
	    e164 + 1 + nd - 2);
	return 1;
}
