/*
 * when.c: one way to write a time for people (when.h).  Always UTC, to
 * the minute, and said to be UTC: pages, mails and SMS say the same,
 * and a page can know nothing of the reader's zone without script, so
 * its <time datetime> carries the ISO form for a browser or reader to
 * convert.  The names of days and months come from the C locale, which
 * the programs never change.
 */
#include <stdio.h>
#include <time.h>

#include "when.h"

static int
when_tm(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	return gmtime_r(&tt, tm) != NULL;
}

void
when_text(int64_t t, char out[WHEN_TEXT])
{
	struct tm tm;
	char	  day[12], rest[40];

	/* No leading zero or space on the day of the month. */
	if (!when_tm(t, &tm) || strftime(day, sizeof(day), "%A", &tm) == 0 ||
	    strftime(rest, sizeof(rest), "%B %Y at %H:%M UTC", &tm) == 0)
		snprintf(out, WHEN_TEXT, "?");
	else
		snprintf(out, WHEN_TEXT, "%s %d %s", day, tm.tm_mday, rest);
}

void
when_iso(int64_t t, char out[WHEN_ISO])
{
	struct tm tm;

	if (!when_tm(t, &tm) ||
	    strftime(out, WHEN_ISO, "%Y-%m-%dT%H:%MZ", &tm) == 0)
		out[0] = '\0';
}

void
when_stamp(int64_t t, char out[WHEN_TEXT])
{
	struct tm tm;

	if (!when_tm(t, &tm) ||
	    strftime(out, WHEN_TEXT, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(out, WHEN_TEXT, "?");
}
