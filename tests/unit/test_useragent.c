/*
 * test_useragent.c: the activity page names a session by its browser
 * and system, as sent by real browsers (strings copied from each
 * browser's current release), so the owner can tell "Firefox on Linux"
 * from "Safari on iPhone".
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "useragent.h"

static int
says(const char *ua, const char *browser, const char *system)
{
	struct ua   u = ua_describe(ua);
	const char *b = ua_browser_name(u.browser);
	const char *s = ua_system_name(u.system);

	if ((b == NULL ? browser != NULL :
			 browser == NULL || strcmp(b, browser) != 0) ||
	    (s == NULL ? system != NULL :
			 system == NULL || strcmp(s, system) != 0)) {
		printf("#   '%s': got %s on %s\n", ua == NULL ? "(null)" : ua,
		    b == NULL ? "?" : b, s == NULL ? "?" : s);
		return 0;
	}
	return 1;
}

int
main(void)
{
	char big[4096];

	ok(says("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 "
		"Firefox/133.0",
	       "Firefox", "Linux"),
	    "Firefox on Linux");
	ok(says(
	       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	       "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
	       "Edge", "Windows"),
	    "Edge, although it also says Chrome and Safari");
	ok(says("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) "
		"AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
		"Safari/605.1.15",
	       "Safari", "macOS"),
	    "Safari on a Mac");
	ok(says("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) "
		"AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
		"Mobile/15E148 Safari/604.1",
	       "Safari", "iPhone"),
	    "an iPhone, although it says Mac OS X");
	ok(says(
	       "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/"
	       "605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 "
	       "Safari/604.1",
	       "Chrome", "iPad"),
	    "Chrome on an iPad");
	ok(says(
	       "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, "
	       "like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
	       "Chrome", "Android"),
	    "Android, although it says Linux");
	ok(says(
	       "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 "
	       "(KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile "
	       "Safari/537.36",
	       "Samsung Internet", "Android"),
	    "Samsung Internet");
	ok(says(
	       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	       "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0",
	       "Opera", "Windows"),
	    "Opera");
	ok(says("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 "
		"(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	       "Chrome", "ChromeOS"),
	    "ChromeOS, although it says X11");
	ok(says("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, "
		"like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
	       "Chrome", "Linux"),
	    "headless Chromium, as in the browser tests");
	ok(says("Mozilla/5.0 (X11; FreeBSD amd64; rv:133.0) Gecko/20100101 "
		"Firefox/133.0",
	       "Firefox", "BSD"),
	    "a BSD");
	ok(says("curl/7.88.1", "curl", NULL), "curl, system unknown");
	ok(says("Python-urllib/3.11", NULL, NULL), "something else: unknown");
	ok(says("", NULL, NULL) && says(NULL, NULL, NULL),
	    "nothing sent: unknown");
	ok(says("firefox/1 windows", NULL, NULL),
	    "names count only as browsers send them");

	/* Only the first UA_SCAN bytes count. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big + UA_SCAN - 8, "Firefox/", 8);
	ok(says(big, "Firefox", NULL),
	    "a token ending at byte UA_SCAN counts");
	memcpy(big + UA_SCAN - 8, "xxxxxxxx", 8);
	memcpy(big + UA_SCAN - 7, "Firefox/", 8);
	ok(says(big, NULL, NULL), "one crossing it does not");

	ok(ua_browser_name(UA_BROWSER_UNKNOWN) == NULL &&
		ua_system_name(UA_SYSTEM_UNKNOWN) == NULL &&
		ua_browser_name(UA_BROWSER_COUNT) == NULL &&
		ua_system_name((enum ua_system) - 1) == NULL,
	    "unknown and out-of-range values have no name");
	for (int i = 1; i < UA_BROWSER_COUNT; i++)
		if (ua_browser_name(i) == NULL)
			ok(0, "browser %d has a name", i);
	for (int i = 1; i < UA_SYSTEM_COUNT; i++)
		if (ua_system_name(i) == NULL)
			ok(0, "system %d has a name", i);
	ok(1, "every known browser and system has a name");
	return done_testing();
}
