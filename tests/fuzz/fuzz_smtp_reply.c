/*
 * fuzz_smtp_reply.c: libFuzzer target for smtp_tls.c's reading of the
 * reply a relay sends to NOOP after STARTTLS.  An end it reports must lie
 * within the input, just after a line feed, and begin a line that is
 * the reply's last ("NNN" then a space or the line end); 0 must mean
 * the input ends inside a line or a "NNN-" continuation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	long	    end;
	size_t	    last;

	end = smtp_reply_end(s, size);
	if (end < -1 || end > (long)size)
		abort();
	if (end > 0) {
		if (s[end - 1] != '\n')
			abort();
		/* The final line starts after the line feed before it. */
		for (last = (size_t)end - 1; last > 0 && s[last - 1] != '\n';
		     last--)
			continue;
		if (s[last + 3] == '-')
			abort();
		/* Reading only the reply gives the same answer. */
		if (smtp_reply_end(s, (size_t)end) != end)
			abort();
	}
	if (end == 0 && size > 0 && s[size - 1] == '\n' &&
	    memchr(s, '-', size) == NULL)
		abort(); /* a whole line without '-' ends a reply */
	return 0;
}
