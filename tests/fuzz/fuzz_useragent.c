/*
 * fuzz_useragent.c: libFuzzer target for useragent.c, which reads the
 * User-Agent header any client sends.  Whatever it gets, it must name
 * only known values, give each a name or NULL for unknown, and read
 * nothing past the terminating NUL or the first UA_SCAN bytes (ASan
 * watches the first; the copy below checks the second).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "useragent.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 *s, *cut;
	struct ua u, v;
	size_t	  n;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	u = ua_describe(s);
	if ((unsigned)u.browser >= UA_BROWSER_COUNT ||
	    (unsigned)u.system >= UA_SYSTEM_COUNT)
		abort();
	if ((u.browser != UA_BROWSER_UNKNOWN) !=
		(ua_browser_name(u.browser) != NULL) ||
	    (u.system != UA_SYSTEM_UNKNOWN) !=
		(ua_system_name(u.system) != NULL))
		abort();

	/* What lies past UA_SCAN never changes the answer. */
	n = strlen(s);
	if (n > UA_SCAN) {
		if ((cut = strndup(s, UA_SCAN)) == NULL)
			abort();
		v = ua_describe(cut);
		if (v.browser != u.browser || v.system != u.system)
			abort();
		free(cut);
	}
	free(s);
	return 0;
}
