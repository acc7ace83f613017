/*
 * useragent.c: a User-Agent header in a person's words (useragent.h).
 *
 * Browsers claim each other's names ("Mozilla/5.0 ... Chrome/... Safari/
 * ... Edg/..."), so the tokens are tried most specific first, and only as
 * whole product tokens ("Edg/" with its slash), case-sensitively as they
 * are sent.  Nothing here allocates or writes outside the result.
 */
#include <stddef.h>
#include <string.h>

#include "useragent.h"

struct ua_token {
	const char *token;
	int	    value;
};

/* Most specific first: the first token found wins. */
static const struct ua_token browsers[] = {
	{ "Firefox/", UA_FIREFOX },
	{ "FxiOS/", UA_FIREFOX },
	{ "Edg/", UA_EDGE },
	{ "EdgA/", UA_EDGE },
	{ "EdgiOS/", UA_EDGE },
	{ "OPR/", UA_OPERA },
	{ "SamsungBrowser/", UA_SAMSUNG },
	{ "CriOS/", UA_CHROMIUM },
	{ "Chrome/", UA_CHROMIUM },
	{ "Chromium/", UA_CHROMIUM },
	{ "Safari/", UA_SAFARI },
	{ "curl/", UA_CURL },
	{ "Wget/", UA_WGET },
};

static const struct ua_token systems[] = {
	{ "Android", UA_ANDROID },
	{ "iPhone", UA_IPHONE },
	{ "iPad", UA_IPAD },
	{ "Windows", UA_WINDOWS },
	{ "CrOS", UA_CHROMEOS },
	{ "Macintosh", UA_MACOS },
	{ "Mac OS X", UA_MACOS },
	{ "FreeBSD", UA_BSD },
	{ "OpenBSD", UA_BSD },
	{ "NetBSD", UA_BSD },
	{ "Linux", UA_LINUX },
	{ "X11", UA_LINUX },
};

static const char *const browser_names[UA_BROWSER_COUNT] = {
	[UA_FIREFOX] = "Firefox",
	[UA_EDGE] = "Edge",
	[UA_OPERA] = "Opera",
	[UA_SAMSUNG] = "Samsung Internet",
	[UA_CHROMIUM] = "Chrome",
	[UA_SAFARI] = "Safari",
	[UA_CURL] = "curl",
	[UA_WGET] = "Wget",
};

static const char *const system_names[UA_SYSTEM_COUNT] = {
	[UA_ANDROID] = "Android",
	[UA_IPHONE] = "iPhone",
	[UA_IPAD] = "iPad",
	[UA_WINDOWS] = "Windows",
	[UA_MACOS] = "macOS",
	[UA_CHROMEOS] = "ChromeOS",
	[UA_LINUX] = "Linux",
	[UA_BSD] = "BSD",
};

/* Is token within the first n bytes of s? */
static int
ua_has(const char *s, size_t n, const char *token)
{
	size_t t = strlen(token), i;

	for (i = 0; i + t <= n; i++)
		if (memcmp(s + i, token, t) == 0)
			return 1;
	return 0;
}

static int
ua_first(const char *s, size_t n, const struct ua_token *tab, size_t ntab)
{
	size_t i;

	for (i = 0; i < ntab; i++)
		if (ua_has(s, n, tab[i].token))
			return tab[i].value;
	return 0;
}

struct ua
ua_describe(const char *s)
{
	struct ua u = { UA_BROWSER_UNKNOWN, UA_SYSTEM_UNKNOWN };
	size_t	  n;

	if (s == NULL)
		return u;
	n = strnlen(s, UA_SCAN);
	u.browser = ua_first(s, n, browsers,
	    sizeof(browsers) / sizeof(browsers[0]));
	u.system = ua_first(s, n, systems,
	    sizeof(systems) / sizeof(systems[0]));
	return u;
}

const char *
ua_browser_name(enum ua_browser b)
{
	return (unsigned)b < UA_BROWSER_COUNT ? browser_names[b] : NULL;
}

const char *
ua_system_name(enum ua_system s)
{
	return (unsigned)s < UA_SYSTEM_COUNT ? system_names[s] : NULL;
}
