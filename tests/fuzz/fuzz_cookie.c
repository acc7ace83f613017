/*
 * fuzz_cookie.c: libFuzzer target for cookie_get().  The first byte
 * picks the size of the output buffer; the rest is the Cookie header.
 * A cookie that is found must be a non-empty run of RFC 6265
 * cookie-octets that fits the buffer, and must appear in the header.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const names[] = { "__Host-postern", "postern", "a" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	     *header, *out;
	size_t	      outsz, i, n, len;
	unsigned char c;

	if (size < 1)
		return 0;
	outsz = data[0] % 80;
	if ((header = malloc(size)) == NULL ||
	    (out = malloc(outsz + 1)) == NULL)
		abort();
	memcpy(header, data + 1, size - 1);
	header[size - 1] = '\0';
	for (n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
		/* A canary just past the buffer catches overruns that
		 * ASan cannot see inside one allocation. */
		out[outsz] = '\x5a';
		if (!cookie_get(header, names[n], out, outsz)) {
			if (outsz > 0 && out[0] != '\0')
				abort();
		} else {
			len = strlen(out);
			if (len == 0 || len >= outsz)
				abort();
			for (i = 0; i < len; i++) {
				c = (unsigned char)out[i];
				if (c <= 0x20 || c == '"' || c == ',' ||
				    c == ';' || c == '\\' || c >= 0x7f)
					abort();
			}
			if (strstr(header, out) == NULL)
				abort();
		}
		if (out[outsz] != '\x5a')
			abort();
	}
	free(out);
	free(header);
	return 0;
}
