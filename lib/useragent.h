#ifndef POSTERN_USERAGENT_H
#define POSTERN_USERAGENT_H

/*
 * useragent.c: a session's browser and system in words a person knows
 * ("Firefox", "Android"), from the User-Agent header it sent.  The
 * header is whatever the client chose, so this is a description, never
 * a fact to decide on: the activity page shows it to help the owner
 * tell their sessions apart, nothing more.
 *
 * Only the first UA_SCAN bytes are looked at; the rest is ignored.
 */

#define UA_SCAN 512

enum ua_browser {
	UA_BROWSER_UNKNOWN = 0,
	UA_FIREFOX,
	UA_EDGE,
	UA_OPERA,
	UA_SAMSUNG,
	UA_CHROMIUM, /* Chrome, Chromium, and what says only that */
	UA_SAFARI,
	UA_CURL,
	UA_WGET,
	UA_BROWSER_COUNT
};

enum ua_system {
	UA_SYSTEM_UNKNOWN = 0,
	UA_ANDROID,
	UA_IPHONE,
	UA_IPAD,
	UA_WINDOWS,
	UA_MACOS,
	UA_CHROMEOS,
	UA_LINUX,
	UA_BSD,
	UA_SYSTEM_COUNT
};

struct ua {
	enum ua_browser browser;
	enum ua_system	system;
};

/* What ua (may be NULL) says it is; unknown parts stay UNKNOWN. */
struct ua ua_describe(const char *ua);
/*
 * The product's own name ("Firefox", "macOS"), or NULL for UNKNOWN:
 * names, not sentences; the page says what an unknown one is.
 */
const char *ua_browser_name(enum ua_browser);
const char *ua_system_name(enum ua_system);

#endif /* !POSTERN_USERAGENT_H */
