#ifndef POSTERN_BUF_H
#define POSTERN_BUF_H

#include <stddef.h>
#include <stdint.h>

/* buf.c: a growable byte buffer that remembers allocation failure.   */

struct buf {
	char  *p; /* NUL-terminated while !failed */
	size_t len;
	size_t cap;
	int    failed; /* an append ran out of memory: the content is cut */
};

void buf_init(struct buf *);
void buf_free(struct buf *);
void buf_reset(struct buf *);
int  buf_append(struct buf *, const void *, size_t);
int  buf_puts(struct buf *, const char *);
int  buf_printf(struct buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
/* Append s percent-encoded: RFC 3986's unreserved characters and those
 * in keep stay, every other byte becomes %XX. */
int buf_escape(struct buf *, const char *s, const char *keep);

#endif /* !POSTERN_BUF_H */
