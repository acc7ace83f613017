#ifndef POSTERN_WHEN_H
#define POSTERN_WHEN_H

#include <stdint.h>

/* when.c: a time as people read it on pages, in mails and in logs. */

#define WHEN_TEXT 64
#define WHEN_ISO  24

/*
 * "Tuesday 8 December 2026 at 14:05 UTC", for pages and mails; "?" for
 * a time that cannot be shown.
 */
void when_text(int64_t t, char out[WHEN_TEXT]);
/* "2026-12-08T14:05Z", for <time datetime>; "" when it cannot be shown. */
void when_iso(int64_t t, char out[WHEN_ISO]);
/* "2026-12-08 14:05 UTC": one column of `postern`'s tables. */
void when_stamp(int64_t t, char out[WHEN_TEXT]);

#endif /* !POSTERN_WHEN_H */
