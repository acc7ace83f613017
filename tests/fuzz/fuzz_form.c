/*
 * fuzz_form.c: libFuzzer target for form_parse(), the parser of every
 * query string and form body.  Beyond not crashing, a parsed form must
 * keep the promise form.h makes to every handler: each name and value
 * is NUL-free, valid UTF-8 without control bytes other than TAB, CR and
 * LF, and within the limits; a refused input leaves the form empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* An independent UTF-8 check: decode and compare with the ranges. */
static int
text_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		     i = 0, n, k;
	uint32_t	     cp, min;

	while (i < len) {
		if (p[i] < 0x80) {
			if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\r' &&
				p[i] != '\n') ||
			    p[i] == 0x7f)
				return 0;
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			n = 2;
			cp = p[i] & 0x1f;
			min = 0x80;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 3;
			cp = p[i] & 0x0f;
			min = 0x800;
		} else if ((p[i] & 0xf8) == 0xf0) {
			n = 4;
			cp = p[i] & 0x07;
			min = 0x10000;
		} else
			return 0;
		if (len - i < n)
			return 0;
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form f;
	size_t	    i, nlen, vlen;
	const char *v;
	int	    dup;

	if (!form_parse(&f, (const char *)data, size)) {
		if (f.n != 0)
			abort();
		return 0;
	}
	if (f.n > FORM_MAX_FIELDS)
		abort();
	for (i = 0; i < f.n; i++) {
		nlen = strlen(f.f[i].name);
		vlen = strlen(f.f[i].value);
		if (nlen == 0 || nlen > FORM_MAX_NAME || vlen > FORM_MAX_VALUE)
			abort();
		if (!text_ok(f.f[i].name, nlen) ||
		    !text_ok(f.f[i].value, vlen))
			abort();
		/* form_get finds the first field of a name, and says when
		 * there are more. */
		v = form_get(&f, f.f[i].name, &dup);
		if (v == NULL ||
		    (dup != 0) != (form_count(&f, f.f[i].name) > 1))
			abort();
	}
	/* Decoding never grows the text. */
	for (i = 0, nlen = 0; i < f.n; i++)
		nlen += strlen(f.f[i].name) + strlen(f.f[i].value);
	if (nlen > size)
		abort();
	form_free(&f);
	if (f.n != 0)
		abort();
	return 0;
}
