/*
 * test_when.c: how pages and mails write a time.  A reader must see the
 * day, the date and that it is UTC; a browser must get the same instant
 * in ISO form to convert; the hoster's tables keep their short column.
 */
#include "tap.h"
#include "when.h"

/* Tuesday 8 December 2026, 14:05:59 UTC. */
#define TUESDAY 1796738759LL

int
main(void)
{
	char text[WHEN_TEXT], iso[WHEN_ISO];

	when_text(TUESDAY, text);
	is_str(text, "Tuesday 8 December 2026 at 14:05 UTC",
	    "a page says the weekday, the date, the time and UTC");
	when_iso(TUESDAY, iso);
	is_str(iso, "2026-12-08T14:05Z",
	    "<time datetime> gets the same "
	    "minute in ISO 8601, in UTC");
	when_stamp(TUESDAY, text);
	is_str(text, "2026-12-08 14:05 UTC",
	    "postern's tables keep one "
	    "short column");
	when_text(1790766300LL, text);
	is_str(text, "Wednesday 30 September 2026 at 11:05 UTC",
	    "the longest weekday and month fit");
	when_text(INT64_MAX, text);
	is_str(text, "?", "a time that cannot be shown says so");
	when_iso(INT64_MAX, iso);
	is_str(iso, "", "  and gives no datetime");
	return done_testing();
}
