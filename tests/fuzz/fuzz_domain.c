/*
 * fuzz_domain.c: libFuzzer target for domain_name.c.  A normalised name is
 * plain lower-case LDH ASCII within the RFC limits, normalises to
 * itself, and has a registrable domain that is a suffix of it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain_name.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char  *s, out[DOMAIN_MAX + 1], again[DOMAIN_MAX + 1];
	char   reg[DOMAIN_MAX + 1];
	size_t i, len, rlen;
	int    suffix;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (domain_normalise(s, out) == DOMAIN_OK) {
		len = strlen(out);
		if (len == 0 || len > DOMAIN_MAX || strchr(out, '.') == NULL)
			abort();
		for (i = 0; i < len; i++)
			if (!((out[i] >= 'a' && out[i] <= 'z') ||
				(out[i] >= '0' && out[i] <= '9') ||
				out[i] == '-' || out[i] == '.'))
				abort();
		if (domain_normalise(out, again) != DOMAIN_OK ||
		    strcmp(out, again) != 0)
			abort();
		if (!domain_registrable(out, reg, &suffix))
			abort();
		rlen = strlen(reg);
		if (rlen > len || strcmp(out + len - rlen, reg) != 0 ||
		    (rlen < len && out[len - rlen - 1] != '.'))
			abort();
	} else if (out[0] != '\0')
		abort();
	free(s);
	return 0;
}
