/*
 * password.c: what a new password must be -- its length in characters,
 * and not easily guessed (libzxcvbn).  Apart from validate.c so that
 * only the programs that take a new password (signup, reset) map
 * libzxcvbn.
 */
#include <stdint.h>
#include <string.h>

#include <zxcvbn.h>

#include "password.h"

#define PASSWORD_MIN 8
#define PASSWORD_MAX 256
/* Estimated entropy below which a password is refused: 2^20 is about a
 * million guesses, minutes for an online attacker with a botnet and
 * nothing for anyone who steals the hashes. */
#define WEAK_BITS 20.0
/* How much of a password zxcvbn-c analyses in detail. */
#define ZXCVBN_HEAD 100

/* Count code points of valid UTF-8; stops counting past max. */
static size_t
validate_utf8_count(const unsigned char *p, size_t max, int *ok)
{
	size_t	      n = 0, k, i;
	unsigned char lo, hi;

	*ok = 0;
	while (*p != '\0') {
		if (n > max)
			return n;
		lo = 0x80;
		hi = 0xbf;
		if (p[0] < 0x80)
			k = 1;
		else if (p[0] >= 0xc2 && p[0] <= 0xdf)
			k = 2;
		else if (p[0] >= 0xe0 && p[0] <= 0xef) {
			k = 3;
			if (p[0] == 0xe0)
				lo = 0xa0;
			else if (p[0] == 0xed)
				hi = 0x9f;
		} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
			k = 4;
			if (p[0] == 0xf0)
				lo = 0x90;
			else if (p[0] == 0xf4)
				hi = 0x8f;
		} else
			return n;
		if (k > 1 && (p[1] < lo || p[1] > hi))
			return n;
		for (i = 2; i < k; i++)
			if (p[i] < 0x80 || p[i] > 0xbf)
				return n;
		p += k;
		n++;
	}
	*ok = 1;
	return n;
}

int
validate_password_length(const char *pw)
{
	size_t n;
	int    ok;

	if (pw == NULL)
		return 0;
	n = validate_utf8_count((const unsigned char *)pw, PASSWORD_MAX, &ok);
	return ok && n >= PASSWORD_MIN && n <= PASSWORD_MAX;
}

/*
 * zxcvbn-c analyses only the first 100 bytes of a password in detail
 * (ZXCVBN_DETAIL_LEN) and adds log2(2n) bits for the n bytes after
 * them, as if they were a sequence.  That addition is what lets a
 * thousand times "a" score over 20 bits, so only the analysed part is
 * passed: the judgement then rests on what zxcvbn really looked at, and
 * can only be stricter.  It also bounds the time, which depends on the
 * bytes (leet substitutions branch) but not on the length.  The user's
 * own name and address are extra dictionary words: "alice2024" is weak
 * for alice.
 */
int
password_is_weak(const char *pw, const char *username, const char *email)
{
	const char *dict[4];
	char	    head[ZXCVBN_HEAD + 1], local[255];
	const char *at;
	size_t	    n = 0, len;

	if (pw == NULL)
		return 1;
	if ((len = strnlen(pw, ZXCVBN_HEAD)) == 0)
		return 1;
	memcpy(head, pw, len);
	head[len] = '\0';
	if (username != NULL && *username != '\0')
		dict[n++] = username;
	if (email != NULL && *email != '\0') {
		dict[n++] = email;
		if ((at = strrchr(email, '@')) != NULL && at != email &&
		    (size_t)(at - email) < sizeof(local)) {
			memcpy(local, email, (size_t)(at - email));
			local[at - email] = '\0';
			dict[n++] = local;
		}
	}
	dict[n] = NULL;
	return ZxcvbnMatch(head, dict, NULL) < WEAK_BITS;
}
