#ifndef POSTERN_WHEN_H
#define POSTERN_WHEN_H

#include <stdint.h>

/* when.c: a time as people read it on pages, in mails and in logs. */

#define WHEN_TEXT	32

/* "2026-11-23 14:05 UTC"; "?" for a time that cannot be shown. */
void	 when_text(int64_t t, char out[WHEN_TEXT]);

#endif /* !POSTERN_WHEN_H */
