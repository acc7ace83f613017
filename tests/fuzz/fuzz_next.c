/*
 * fuzz_next.c: libFuzzer target for next_resolve().  The input is the
 * `next` of /login.  Whatever it is, the place gone to must be this
 * site or a listed host, spelled in bytes no browser reads otherwise
 * (no controls, spaces, backslashes or non-ASCII).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "next.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *hosts[] = { "panel.example.org", "mail.example.org:8443" };

static void
check(const char *base, const char *bp, const char *next)
{
	static const char *const origins[] = { "https://panel.example.org",
		"https://mail.example.org:8443" };
	struct buf		 out;
	const char		*p;
	size_t			 i, n;

	buf_init(&out);
	if (!next_resolve(base, bp, hosts, 2, next, &out)) {
		if (strncmp(out.p, bp, strlen(bp)) != 0 ||
		    strcmp(out.p + strlen(bp), "/account") != 0)
			abort();
	} else if (strlen(next) > NEXT_MAX)
		abort();
	if (out.failed)
		abort();
	for (p = out.p; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == '\\')
			abort();
	/* A path of this site, under its prefix, or a listed origin. */
	if (out.p[0] == '/') {
		if (out.p[1] == '/' || strncmp(out.p, bp, strlen(bp)) != 0)
			abort();
	} else {
		if (strncasecmp(out.p, "https://", 8) != 0)
			abort();
		n = 8 + strcspn(out.p + 8, "/?#");
		for (i = 0; i < 2; i++)
			if (strlen(origins[i]) == n &&
			    strncasecmp(out.p, origins[i], n) == 0)
				break;
		if (i == 2)
			abort();
	}
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *next;

	if ((next = malloc(size + 1)) == NULL)
		abort();
	memcpy(next, data, size);
	next[size] = '\0';
	check("https://www.example.org", "", next);
	check("https://www.example.org/sec", "/sec", next);
	free(next);
	return 0;
}
