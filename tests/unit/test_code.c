/*
 * test_code.c: recovery codes, recovery-kit halves and what people type
 * into a `code` field.  The codes must be too strong to guess, easy to
 * read back from paper, and the same code however it is typed.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "code.h"
#include "crypto.h"
#include "tap.h"

#define B32 "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

/* 1 if s is groups of 4 base32 characters joined by '-', len in all. */
static int
grouped(const char *s, size_t len)
{
	size_t i;

	if (strlen(s) != len)
		return 0;
	for (i = 0; i < len; i++) {
		if (i % 5 == 4) {
			if (s[i] != '-')
				return 0;
		} else if (strchr(B32, s[i]) == NULL || s[i] == '\0')
			return 0;
	}
	return 1;
}

/* The kind of typed, and its normal form in out. */
static enum code_kind
kind(const char *typed, char out[CODE_NORMAL_TEXT])
{
	return code_normalise(typed, out, CODE_NORMAL_TEXT);
}

static void
test_recovery(void)
{
	char   c[CODE_RECOVERY_TEXT], c2[CODE_RECOVERY_TEXT];
	char   n[CODE_NORMAL_TEXT];
	int    seen[256] = { 0 }, all = 1, bad = 0, dup = 0;
	size_t i, j;

	ok(code_recovery_new(c), "a recovery code is made");
	ok(grouped(c, 29), "as six groups of four base32 characters: %s", c);
	is_int(kind(c, n), CODE_BASE32, "it reads back as a base32 code");
	is_int(strlen(n), 24, "of 24 characters");
	ok(strlen(n) * 5 >= 100, "%zu bits: at least 100", strlen(n) * 5);

	for (i = 0; i < 400; i++) {
		code_recovery_new(c2);
		if (strcmp(c, c2) == 0)
			dup = 1;
		for (j = 0; c2[j] != '\0'; j++) {
			seen[(unsigned char)c2[j]]++;
			if (strchr("0189", c2[j]) != NULL)
				bad = 1;
		}
	}
	for (i = 0; i < 32; i++)
		if (seen[(unsigned char)B32[i]] == 0)
			all = 0;
	ok(all, "all 32 characters of the alphabet are used");
	ok(!bad, "0, 1, 8 and 9 never are");
	ok(!dup, "no two codes of 400 are the same");
	sodium_memzero(c, sizeof(c));
}

static void
test_kit(void)
{
	char   h1[CODE_KIT_HALF_TEXT], h2[CODE_KIT_HALF_TEXT];
	char   o1[CODE_KIT_HALF_TEXT], o2[CODE_KIT_HALF_TEXT];
	char   whole[CODE_KIT_WHOLE_TEXT], w[CODE_KIT_WHOLE_TEXT];
	char   n1[CODE_NORMAL_TEXT], n2[CODE_NORMAL_TEXT];
	char   r[CODE_RECOVERY_TEXT], nr[CODE_NORMAL_TEXT];
	char   lower[CODE_KIT_HALF_TEXT];
	size_t i;

	ok(code_kit_new(h1, h2, whole), "a recovery kit is made");
	ok(grouped(h1, 19) && grouped(h2, 19),
	    "each half is four groups of four: %s, %s", h1, h2);
	is_int(kind(h1, n1), CODE_BASE32, "half 1 reads as a base32 code");
	is_int(kind(h2, n2), CODE_BASE32, "half 2 too");
	ok(strlen(n1) == 16 && strlen(n2) == 16, "of 16 characters each");
	ok(strlen(n1) * 5 >= 64, "each half has %zu bits: at least 64",
	    strlen(n1) * 5);
	is_int(strlen(whole), 32, "the whole is 32 characters");
	ok(strlen(whole) * 5 - 1 >= 128,
	    "%zu bits less one for their order: at least 128",
	    strlen(whole) * 5);
	ok(strncmp(whole, n1, 16) == 0 && strcmp(whole + 16, n2) == 0,
	    "the whole is half 1 then half 2, normalised");
	ok(strcmp(n1, n2) < 0, "half 1 sorts before half 2");
	ok(code_kit_join(n1, n2, w) && strcmp(w, whole) == 0,
	    "the halves typed in order join to the whole");
	ok(code_kit_join(n2, n1, w) && strcmp(w, whole) == 0,
	    "and typed the other way round too");

	ok(!code_kit_join(n1, n1, w) && w[0] == '\0',
	    "one half typed twice is not a kit");
	code_recovery_new(r);
	kind(r, nr);
	ok(!code_kit_join(n1, nr, w), "a recovery code is not a half");
	for (i = 0; h1[i] != '\0'; i++)
		lower[i] = (char)(h1[i] >= 'A' && h1[i] <= 'Z' ?
			h1[i] - 'A' + 'a' :
			h1[i]);
	lower[i] = '\0';
	ok(!code_kit_join(lower, n2, w), "halves must be normalised first");
	ok(!code_kit_join(NULL, n2, w), "NULL is refused");

	code_kit_new(o1, o2, w);
	ok(strcmp(o1, h1) != 0 && strcmp(o2, h2) != 0 && strcmp(w, whole),
	    "a second kit shares nothing with the first");
	sodium_memzero(whole, sizeof(whole));
}

static void
test_normalise(void)
{
	char n[CODE_NORMAL_TEXT], small[10], s[200];

	is_int(kind("abcd efgh-ijkl mnop", n), CODE_BASE32,
	    "lower case with spaces and dashes is a base32 code");
	is_str(n, "ABCDEFGHIJKLMNOP", "upper case, no separators");
	is_int(kind("abcd-efgh-ijkl-mnop-qrst-uvwx", n), CODE_BASE32,
	    "a typed recovery code");
	is_str(n, "ABCDEFGHIJKLMNOPQRSTUVWX", "normalised");
	is_int(kind("\t ABCD--efgh ijkl mnop-qrst uvwx- ", n), CODE_BASE32,
	    "tabs, doubled dashes and stray spaces are ignored");
	is_str(n, "ABCDEFGHIJKLMNOPQRSTUVWX", "to the same code");
	is_int(kind("2345-6723-4567-2345", n), CODE_BASE32,
	    "a base32 code of only the digits 2-7");
	is_int(kind("1234 5678", n), CODE_DIGITS,
	    "eight digits are a channel code");
	is_str(n, "12345678", "its digits");
	is_int(kind("09182736", n), CODE_DIGITS, "with 0, 1, 8 and 9");
	is_int(kind("123 456", n), CODE_TOTP, "six digits are a TOTP code");
	is_str(n, "123456", "its digits");
	is_int(kind("123-456", n), CODE_TOTP, "also with a dash");

	is_int(kind("ABCD-EFGH-IJKL-MN0P", n), CODE_INVALID,
	    "a 0 in a base32 code is refused, not read as O");
	is_str(n, "", "and out is empty");
	is_int(kind("ABCD-EFGH-IJKL-MN1P", n), CODE_INVALID, "a 1 is refused");
	is_int(kind("ABCD-EFGH-IJKL-MN8P", n), CODE_INVALID, "an 8 too");
	is_int(kind("ABCD-EFGH-IJKL-MN9P", n), CODE_INVALID, "a 9 too");
	is_int(kind("ABCD", n), CODE_INVALID, "one group is too short");
	is_int(kind("ABCD-EFGH-IJKL-MNOP-QRST", n), CODE_INVALID,
	    "20 characters are neither a half nor a recovery code");
	is_int(kind("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567", n),
	    CODE_INVALID, "a whole kit in one field is refused");
	is_int(kind("1234567", n), CODE_INVALID, "seven digits");
	is_int(kind("123456789", n), CODE_INVALID, "nine digits");
	is_int(kind("1234 567a", n), CODE_INVALID, "digits and a letter");
	is_int(kind("ABCD.EFGH.IJKL.MNOP", n), CODE_INVALID, "dots");
	is_int(kind("ABCD_EFGH_IJKL_MNOP", n), CODE_INVALID, "underscores");
	is_int(kind("ABCD EFGH IJKL MN\xc3\x96P", n), CODE_INVALID,
	    "a letter outside ASCII");
	is_int(kind("ABCD EFGH IJKL MNOP\n", n), CODE_INVALID, "a newline");
	is_int(kind("", n), CODE_INVALID, "empty");
	is_int(kind(" - ", n), CODE_INVALID, "only separators");
	is_int(kind(NULL, n), CODE_INVALID, "NULL");

	memset(s, ' ', 112);
	memcpy(s + 112, "ABCDEFGHIJKLMNOP", 17);
	is_int(kind(s, n), CODE_BASE32, "%d bytes of input are read",
	    CODE_INPUT_MAX);
	memset(s, ' ', 113);
	memcpy(s + 113, "ABCDEFGHIJKLMNOP", 17);
	memset(n, 'x', sizeof(n));
	is_int(kind(s, n), CODE_INVALID, "%d are refused", CODE_INPUT_MAX + 1);
	ok(n[0] == '\0' && memcmp(n, n + 1, sizeof(n) - 1) == 0,
	    "and out is zeroed whole, not just cut");

	is_int(code_normalise("ABCD EFGH IJKL MNOP", small, sizeof(small)),
	    CODE_INVALID, "a normal form that does not fit is refused");
	is_int(code_normalise("1234 5678", small, sizeof(small)), CODE_DIGITS,
	    "but a channel code fits in 9 bytes");

	is_int(kind("ABCDEFGHIJKLMNOP", n), CODE_BASE32,
	    "a normal form is its own normal form");
	is_str(n, "ABCDEFGHIJKLMNOP", "unchanged");
}

static void
test_hash(void)
{
	unsigned char h[HASH_BYTES], h2[HASH_BYTES], t[HASH_BYTES];
	unsigned char zero[HASH_BYTES] = { 0 };
	char	      a[CODE_NORMAL_TEXT], b[CODE_NORMAL_TEXT];
	char	      d[CODE_CHANNEL_DIGITS + 1];

	kind("abcd efgh ijkl mnop qrst uvwx", a);
	kind("ABCD-EFGH-IJKL-MNOP-QRST-UVWX", b);
	ok(code_hash(a, h) && code_hash(b, h2) &&
		memcmp(h, h2, sizeof(h)) == 0,
	    "a code typed two ways hashes the same");
	token_hash("ABCDEFGHIJKLMNOPQRSTUVWX", t);
	ok(memcmp(h, t, sizeof(h)) == 0,
	    "it is token_hash of the normal form");
	kind("abcd efgh ijkl mnop qrst uvwy", b);
	code_hash(b, h2);
	ok(memcmp(h, h2, sizeof(h)) != 0, "another code hashes differently");

	memset(h, 0xaa, sizeof(h));
	ok(!code_hash("abcd-efgh-ijkl-mnop", h) &&
		memcmp(h, zero, sizeof(h)) == 0,
	    "typed text is refused and the output zeroed");
	ok(!code_hash("ABCD-EFGH", h), "dashes are refused");
	ok(!code_hash("", h), "empty is refused");
	ok(!code_hash(NULL, h), "NULL is refused");
	ok(code_hash("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", h),
	    "a whole kit of 32 characters is hashed");
	ok(!code_hash("ABCDEFGHIJKLMNOPQRSTUVWXYZ2345672", h),
	    "33 characters are refused");

	ok(code_new_digits(d, CODE_CHANNEL_DIGITS),
	    "crypto.h makes the "
	    "8-digit channel codes");
	is_int(kind(d, a), CODE_DIGITS, "which read back as channel codes");
	ok(code_hash(a, h), "and hash");
}

int
main(void)
{
	if (!crypto_init())
		return 1;
	test_recovery();
	test_kit();
	test_normalise();
	test_hash();
	return done_testing();
}
