/*
 * fuzz_email.c: libFuzzer target for validate.c's parsers of what
 * people type: addresses, usernames and passwords.  A validated
 * address must be short enough, free of spaces and control bytes,
 * ASCII, and its own normal form (validating it again gives it back);
 * a validated username must be its own lower-case form.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "password.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char  *s;
	char   out[255], again[255], user[33], user2[33];
	size_t i, len;
	int    quoted;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	if (validate_email(s, out)) {
		len = strlen(out);
		if (len < 3 || len > 254 || strchr(out, '@') == NULL)
			abort();
		quoted = out[0] == '"';
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)out[i];

			if (c < 0x20 || c >= 0x7f)
				abort();
			if (c == ' ' && !quoted)
				abort();
		}
		/* The domain is lower case. */
		for (i = (size_t)(strrchr(out, '@') - out); i < len; i++)
			if (out[i] >= 'A' && out[i] <= 'Z')
				abort();
		if (!validate_email(out, again) || strcmp(out, again) != 0)
			abort();
	} else if (out[0] != '\0')
		abort();

	if (validate_username(s, user)) {
		if (strlen(user) < 3 || strlen(user) > 32 ||
		    !validate_username(user, user2) ||
		    strcmp(user, user2) != 0)
			abort();
		for (i = 0; user[i] != '\0'; i++)
			if (user[i] >= 'A' && user[i] <= 'Z')
				abort();
	}

	/* Any password that passes the length check can be judged,
	 * whatever its bytes, in bounded time. */
	if (validate_password_length(s))
		(void)password_is_weak(s, "alice", "alice@example.org");
	free(s);
	return 0;
}
