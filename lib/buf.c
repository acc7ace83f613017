/*
 * buf.c: a growable byte buffer.  An append that cannot allocate marks
 * the buffer failed instead of aborting, so a request that runs out of
 * memory ends in an error page, not a dead process.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
buf_init(struct buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->p);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

static int
buf_reserve(struct buf *b, size_t extra)
{
	size_t want, cap;
	char  *p;

	if (b->failed)
		return 0;
	if (extra > SIZE_MAX / 2 - b->len - 1)
		goto fail;
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 1;
	cap = b->cap != 0 ? b->cap : 256;
	while (cap < want)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL)
		goto fail;
	b->p = p;
	b->cap = cap;
	return 1;
fail:
	b->failed = 1;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (!buf_reserve(b, n))
		return 0;
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 1;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_reserve(b, (size_t)n))
		return 0;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 1;
}

int
buf_escape(struct buf *b, const char *s, const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char	  c;
	char		  e[3];

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || strchr(keep, c) != NULL) {
			if (!buf_append(b, s, 1))
				return 0;
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		if (!buf_append(b, e, 3))
			return 0;
	}
	return 1;
}
