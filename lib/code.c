/*
 * code.c: codes that people read off paper or a mail and type back.
 *
 * They use the RFC 4648 base32 alphabet, A-Z and 2-7: no 0/O or 1/I/L
 * pairs to confuse, one case, and five bits a character, so a recovery
 * code of 24 characters carries 120 bits -- far beyond online guessing
 * (rate limits and 5 tries) and beyond offline guessing of its unsalted
 * BLAKE2b hash too.  24 makes six whole groups of four.  A kit half has
 * 16 (80 bits, four groups); the two halves together 160 bits less the
 * one bit spent on ordering them.  Each character comes from
 * randombytes_uniform(32), so there is no modulo bias.
 *
 * Typed codes are normalised once here; the flows compare and hash
 * only normal forms, so "abcd efgh-ijkl" and "ABCD-EFGH-IJKL" are the
 * same code everywhere.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "code.h"
#include "crypto.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

_Static_assert(CODE_RECOVERY_LEN * 5 >= 100, "recovery code >= 100 bits");
_Static_assert(CODE_KIT_HALF_LEN * 5 >= 64, "kit half >= 64 bits");
_Static_assert(CODE_KIT_WHOLE_LEN * 5 - 1 >= 128, "kit >= 128 bits");
_Static_assert(CODE_KIT_WHOLE_LEN == 2 * CODE_KIT_HALF_LEN, "two halves");
_Static_assert(CODE_NORMAL_TEXT == CODE_RECOVERY_LEN + 1,
    "the longest normal form is a recovery code");

/* n random base32 characters and a NUL. */
static void
code_random(char *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = b32[randombytes_uniform(32)];
	out[n] = '\0';
}

/* raw in groups of CODE_GROUP joined by '-'; out has room for it. */
static void
code_format(const char *raw, char *out)
{
	size_t i, n = 0;

	for (i = 0; raw[i] != '\0'; i++) {
		if (i > 0 && i % CODE_GROUP == 0)
			out[n++] = '-';
		out[n++] = raw[i];
	}
	out[n] = '\0';
}

int
code_recovery_new(char out[CODE_RECOVERY_TEXT])
{
	char raw[CODE_RECOVERY_LEN + 1];

	code_random(raw, CODE_RECOVERY_LEN);
	code_format(raw, out);
	sodium_memzero(raw, sizeof(raw));
	return 1;
}

int
code_kit_new(char half1[CODE_KIT_HALF_TEXT], char half2[CODE_KIT_HALF_TEXT],
    char whole[CODE_KIT_WHOLE_TEXT])
{
	char a[CODE_KIT_HALF_LEN + 1], b[CODE_KIT_HALF_LEN + 1];
	int  cmp;

	/* Equal halves (one chance in 2^80) could not be told apart. */
	do {
		code_random(a, CODE_KIT_HALF_LEN);
		code_random(b, CODE_KIT_HALF_LEN);
	} while ((cmp = strcmp(a, b)) == 0);
	code_format(cmp < 0 ? a : b, half1);
	code_format(cmp < 0 ? b : a, half2);
	code_kit_join(a, b, whole);
	sodium_memzero(a, sizeof(a));
	sodium_memzero(b, sizeof(b));
	return 1;
}

/* 1 if s is exactly n characters of the base32 alphabet. */
static int
code_is_base32(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || strchr(b32, s[i]) == NULL)
			return 0;
	return s[n] == '\0';
}

int
code_kit_join(const char *a, const char *b, char whole[CODE_KIT_WHOLE_TEXT])
{
	int cmp;

	whole[0] = '\0';
	if (a == NULL || b == NULL || !code_is_base32(a, CODE_KIT_HALF_LEN) ||
	    !code_is_base32(b, CODE_KIT_HALF_LEN) || (cmp = strcmp(a, b)) == 0)
		return 0;
	/* The canonical whole is the smaller half first, as made. */
	memcpy(whole, cmp < 0 ? a : b, CODE_KIT_HALF_LEN);
	memcpy(whole + CODE_KIT_HALF_LEN, cmp < 0 ? b : a, CODE_KIT_HALF_LEN);
	whole[CODE_KIT_WHOLE_LEN] = '\0';
	return 1;
}

enum code_kind
code_normalise(const char *typed, char *out, size_t outsz)
{
	size_t i, len, n = 0;
	int    digits = 1, base32 = 1;
	char   c;

	if (out == NULL || outsz == 0)
		return CODE_INVALID;
	if (typed == NULL ||
	    (len = strnlen(typed, CODE_INPUT_MAX + 1)) > CODE_INPUT_MAX)
		goto fail;

	for (i = 0; i < len; i++) {
		c = typed[i];
		if (c == ' ' || c == '\t' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c >= 'A' && c <= 'Z')
			digits = 0;
		else if (c >= '0' && c <= '9') {
			if (c < '2' || c > '7')
				base32 = 0;
		} else
			goto fail;
		if (n + 1 >= outsz)
			goto fail;
		out[n++] = c;
	}
	out[n] = '\0';

	if (digits && n == CODE_CHANNEL_DIGITS)
		return CODE_DIGITS;
	if (digits && n == CODE_TOTP_DIGITS)
		return CODE_TOTP;
	if (base32 && (n == CODE_RECOVERY_LEN || n == CODE_KIT_HALF_LEN))
		return CODE_BASE32;
fail:
	sodium_memzero(out, outsz);
	return CODE_INVALID;
}

int
code_hash(const char *normalised, unsigned char out[HASH_BYTES])
{
	size_t i, len;

	if (normalised == NULL)
		goto fail;
	len = strnlen(normalised, CODE_KIT_WHOLE_LEN + 1);
	if (len == 0 || len > CODE_KIT_WHOLE_LEN)
		goto fail;
	for (i = 0; i < len; i++)
		if (!((normalised[i] >= 'A' && normalised[i] <= 'Z') ||
			(normalised[i] >= '0' && normalised[i] <= '9')))
			goto fail;
	/* The same BLAKE2b as link tokens: one hash for every secret the
	 * database must recognise but not hold. */
	token_hash(normalised, out);
	return 1;
fail:
	sodium_memzero(out, HASH_BYTES);
	return 0;
}
