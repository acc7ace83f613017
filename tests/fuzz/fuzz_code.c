/*
 * fuzz_code.c: libFuzzer target for code.c's reading of what people
 * type into a `code` field.  A code that is accepted must have the
 * length and alphabet of its kind, be its own normal form, hash, and
 * (for a kit half) join with another; a refused one must leave out
 * zeroed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* 1 if s is n characters, each in set. */
static int
all_in(const char *s, size_t n, const char *set)
{
	return strlen(s) == n && strspn(s, set) == n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	char		 *s;
	char		  out[CODE_NORMAL_TEXT], again[CODE_NORMAL_TEXT];
	char		  whole[CODE_KIT_WHOLE_TEXT];
	unsigned char	  h[HASH_BYTES];
	enum code_kind	  k;
	size_t		  i;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	k = code_normalise(s, out, sizeof(out));
	switch (k) {
	case CODE_INVALID:
		for (i = 0; i < sizeof(out); i++)
			if (out[i] != '\0')
				abort();
		break;
	case CODE_DIGITS:
		if (!all_in(out, CODE_CHANNEL_DIGITS, "0123456789"))
			abort();
		break;
	case CODE_TOTP:
		if (!all_in(out, CODE_TOTP_DIGITS, "0123456789"))
			abort();
		break;
	case CODE_BASE32:
		if (!all_in(out, CODE_RECOVERY_LEN, b32) &&
		    !all_in(out, CODE_KIT_HALF_LEN, b32))
			abort();
		/* A half joins with any other half, in either order. */
		if (strlen(out) == CODE_KIT_HALF_LEN) {
			if (!code_kit_join(out,
				strcmp(out, "AAAAAAAAAAAAAAAA") ?
				    "AAAAAAAAAAAAAAAA" :
				    "BBBBBBBBBBBBBBBB",
				whole) ||
			    !all_in(whole, CODE_KIT_WHOLE_LEN, b32))
				abort();
		} else if (code_kit_join(out, out, whole))
			abort();
		break;
	default:
		abort();
	}
	if (k != CODE_INVALID) {
		if (code_normalise(out, again, sizeof(again)) != k ||
		    strcmp(out, again) != 0)
			abort();
		if (!code_hash(out, h))
			abort();
	}
	/* code_hash takes normal forms only: nothing with a separator or
	 * a lower-case letter gets through. */
	if (code_hash(s, h) &&
	    strspn(s,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"0123456789") != strlen(s))
		abort();
	free(s);
	return 0;
}
