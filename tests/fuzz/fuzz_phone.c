/*
 * fuzz_phone.c: libFuzzer target for phone.c, the parser of recovery
 * phone numbers.  An accepted number must be E.164 as SMS gateways take
 * it (^\+[1-9][0-9]{7,14}$), read back as itself, and mask to the one
 * shape notices use; a refused one must leave nothing behind, and every
 * reason must have a sentence to show.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phone.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* 1 if s matches ^\+[1-9][0-9]{7,14}$. */
static int
is_e164(const char *s)
{
	size_t i, n;

	if (s[0] != '+' || s[1] < '1' || s[1] > '9')
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	n = i - 1;
	return n >= 8 && n <= 15;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 *s;
	char		  out[PHONE_MAX + 1], again[PHONE_MAX + 1];
	char		  mask[PHONE_MASK_TEXT];
	const char	 *t;
	enum phone_reason r;
	size_t		  n;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	r = phone_normalise(s, out);
	t = phone_reason_name(r);
	if (t == NULL || strncmp(t, "PHONE_", 6) != 0)
		abort();
	if (r == PHONE_OK) {
		if (!is_e164(out) || strcmp(t, "PHONE_OK") != 0)
			abort();
		if (phone_normalise(out, again) != PHONE_OK ||
		    strcmp(out, again) != 0)
			abort();
		if (!phone_mask(out, mask, sizeof(mask)))
			abort();
		/* "+CC *** ***NN", ending in the number's last two digits. */
		n = strlen(mask);
		if (n < 12 || n >= PHONE_MASK_TEXT || mask[0] != '+' ||
		    strcmp(mask + n - 2, out + strlen(out) - 2) != 0 ||
		    strstr(mask, " *** ***") == NULL)
			abort();
	} else {
		if (out[0] != '\0' || *t == '\0' || r > PHONE_TOO_LONG)
			abort();
	}

	/* The masker is an edge too: whatever it gets, it may only accept
	 * what the parser would have made. */
	if (phone_mask(s, mask, sizeof(mask)) && !is_e164(s))
		abort();
	free(s);
	return 0;
}
