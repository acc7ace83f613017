/*
 * fuzz_id.c: libFuzzer target for req_id(), the parser of the ids in
 * forms (contacts, sessions).  An accepted id is positive and prints
 * back as exactly the text it came from (no sign, no leading zero, no
 * overflow).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char   *s, back[32];
	int64_t id;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (req_id(s, &id)) {
		snprintf(back, sizeof(back), "%" PRId64, id);
		if (id <= 0 || strcmp(back, s) != 0)
			abort();
	} else if (id != 0)
		abort();
	free(s);
	return 0;
}
