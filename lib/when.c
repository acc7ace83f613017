/*
 * when.c: one way to write a time for people (when.h).  UTC, to the
 * minute: pages, mails and `postern` say the same.
 */
#include <stdio.h>
#include <time.h>

#include "when.h"

void
when_text(int64_t t, char out[WHEN_TEXT])
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, WHEN_TEXT, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(out, WHEN_TEXT, "?");
}
