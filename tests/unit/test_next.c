/*
 * test_next.c: where /login sends a person afterwards.  `next` comes
 * from anyone's link: every trick that turns a login page into a
 * redirect to another site must land on /account instead, while the
 * places a hoster protects (DESIGN section 9) are reached.
 */
#include <stdlib.h>
#include <string.h>

#include "next.h"
#include "tap.h"

static char *hosts[] = { "panel.example.org", "mail.example.org:8443" };

/*
 * next at a site whose base_url is base (path bp) goes to want, and
 * next_resolve() says it was taken; with want NULL, to bp/account.
 */
static void
goes(const char *base, const char *bp, const char *next, const char *want,
    const char *what)
{
	struct buf out, fallback;
	int	   taken;

	buf_init(&out);
	buf_init(&fallback);
	buf_printf(&fallback, "%s/account", bp);
	taken = next_resolve(base, bp, hosts, 2, next, &out);
	is_str(out.p, want != NULL ? want : fallback.p, "%s: %s",
	    want != NULL ? "taken" : "refused", what);
	ok(!out.failed && taken == (want != NULL),
	    "  and next_resolve() "
	    "says it was %s",
	    want != NULL ? "taken" : "refused");
	buf_free(&fallback);
	buf_free(&out);
}

#define SITE "https://www.example.org"

static void
test_taken(void)
{
	goes(SITE, "", "/contacts", "/contacts", "a path of this site");
	goes(SITE, "", "/panel/?a=1&b=%20c#top", "/panel/?a=1&b=%20c#top",
	    "a path with a query and a fragment");
	goes(SITE, "", "/wiki/%C3%A9t%C3%A9", "/wiki/%C3%A9t%C3%A9",
	    "a path with percent-encoded UTF-8");
	goes(SITE, "", "https://www.example.org/panel/x", "/panel/x",
	    "an absolute URL of this site, as a path");
	goes(SITE, "", "HTTPS://WWW.EXAMPLE.ORG/panel", "/panel",
	    "the same, in capitals");
	goes(SITE, "", "https://www.example.org?x=1", "/?x=1",
	    "this site's root with a query");
	goes(SITE, "", "https://panel.example.org/users?id=3",
	    "https://panel.example.org/users?id=3", "a host of auth_hosts");
	goes(SITE, "", "https://mail.example.org:8443/",
	    "https://mail.example.org:8443/", "a host:port of auth_hosts");
	goes(SITE "/sec", "/sec", "/sec/contacts", "/sec/contacts",
	    "under a prefix: a path under it");
	goes(SITE "/sec", "/sec", "https://www.example.org/sec", "/sec",
	    "under a prefix: the prefix itself");
	goes("http://127.0.0.1:8080", "", "http://127.0.0.1:8080/svc/env",
	    "/svc/env",
	    "plain HTTP where Postern is "
	    "plain HTTP (development)");
	goes("http://127.0.0.1:8080", "", "http://panel.example.org/",
	    "http://panel.example.org/", "  and then for auth_hosts too");
}

static void
test_refused(void)
{
	static const struct {
		const char *next;
		const char *what;
	} tricks[] = {
		{ "", "empty" },
		{ "//evil.example/", "scheme-relative //host" },
		{ "///evil.example/", "three slashes" },
		{ "https://www.example.org//evil.example/login",
		    "this site's "
		    "own URL with a //host path (it would be the Location)" },
		{ "/\\evil.example/", "/\\host (a browser reads //host)" },
		{ "\\\\evil.example/", "\\\\host" },
		{ "/x\\..\\..\\evil", "a backslash anywhere" },
		{ "/%2F/evil.example/", "%2F: an encoded second slash" },
		{ "/%2f%2fevil.example/", "%2f%2f in lower case" },
		{ "/%5Cevil.example/", "%5C: an encoded backslash" },
		{ "/%5c%5cevil.example", "%5c in lower case" },
		{ "/%2e%2e/%2e%2e/x", "%2e%2e: encoded dot segments" },
		{ "/%0d%0aSet-Cookie:%20x=1", "%0d%0a: an encoded CR/LF" },
		{ "/%00", "%00: an encoded NUL" },
		{ "/%zz", "a broken percent-escape" },
		{ "/%2", "a percent-escape cut short" },
		{ "/a\r\nLocation: https://evil.example/", "a raw CR/LF" },
		{ "/a\nb", "a raw LF" },
		{ "/\t/evil.example", "a tab (browsers drop it: //evil)" },
		{ "/ /evil.example", "a space" },
		{ "/caf\xc3\xa9", "raw non-ASCII bytes" },
		{ "javascript:alert(1)", "javascript:" },
		{ "JavaScript:alert(1)//", "JavaScript: in mixed case" },
		{ "data:text/html,<script>alert(1)</script>", "data:" },
		{ "vbscript:msgbox", "vbscript:" },
		{ "ftp://panel.example.org/", "another scheme, listed host" },
		{ "https://evil.example/", "a host that is not listed" },
		{ "https://evil.example/https://panel.example.org/",
		    "a listed host in the path of another" },
		{ "https://panel.example.org.evil.example/",
		    "a listed host "
		    "as the start of another" },
		{ "https://evilpanel.example.org/",
		    "a listed host as the "
		    "end of another" },
		{ "https://example.org/", "the parent of a listed host" },
		{ "https://panel.example.org./",
		    "a listed host with a "
		    "trailing dot" },
		{ "https://panel.example.org:444/",
		    "a listed host on "
		    "another port" },
		{ "https://mail.example.org/",
		    "a listed host:port without "
		    "its port" },
		{ "https://panel.example.org@evil.example/",
		    "user-info: "
		    "listed@evil" },
		{ "https://evil.example@panel.example.org/",
		    "user-info: "
		    "evil@listed" },
		{ "https://www.example.org@evil.example/",
		    "user-info: "
		    "this site@evil" },
		{ "https://www.example.org%2F@evil.example/",
		    "user-info "
		    "with an encoded slash" },
		{ "https://www.example.org:/", "an empty port" },
		{ "https://www.example.org:123456/", "a port of six digits" },
		{ "https://[::1]/", "an IPv6 literal" },
		{ "https:/www.example.org/", "one slash after the scheme" },
		{ "https:www.example.org/", "no slash after the scheme" },
		{ "https:///www.example.org/",
		    "three slashes after the "
		    "scheme" },
		{ "https://", "a scheme alone" },
		{ "http://www.example.org/",
		    "plain HTTP to this site when it "
		    "is HTTPS" },
		{ "http://panel.example.org/", "plain HTTP to a listed host" },
		{ "www.example.org/account", "no scheme, no slash" },
		{ "evil.example", "a bare host name" },
		{ "/../etc", "a dot-dot segment" },
		{ "/./x", "a dot segment" },
		{ "/x/..", "a dot-dot segment at the end" },
	};
	size_t i;

	for (i = 0; i < sizeof(tricks) / sizeof(tricks[0]); i++)
		goes(SITE, "", tricks[i].next, NULL, tricks[i].what);
	goes(SITE, "", NULL, NULL, "no next at all");
}

static void
test_prefix_and_length(void)
{
	char	  *big;
	struct buf want;

	goes(SITE "/sec", "/sec", "/other", NULL,
	    "under a prefix: a path outside it");
	goes(SITE "/sec", "/sec", "/secret", NULL,
	    "under a prefix: a path that only starts like it");
	goes(SITE "/sec", "/sec", "/sec/../panel", NULL,
	    "under a prefix: climbing out with ..");
	goes(SITE "/sec", "/sec", "https://www.example.org/panel", NULL,
	    "under a prefix: this host outside it");
	goes(SITE "/sec", "/sec", "https://www.example.org?x", NULL,
	    "under a prefix: this host with no path");
	if ((big = malloc(NEXT_MAX + 2)) == NULL)
		abort();
	memset(big, 'a', NEXT_MAX + 1);
	big[0] = '/';
	big[NEXT_MAX] = '\0';
	buf_init(&want);
	buf_puts(&want, big);
	goes(SITE, "", big, want.p, "a path of the longest length taken");
	big[NEXT_MAX] = 'a';
	big[NEXT_MAX + 1] = '\0';
	goes(SITE, "", big, NULL, "one byte longer");
	buf_free(&want);
	free(big);
}

int
main(void)
{
	test_taken();
	test_refused();
	test_prefix_and_length();
	return done_testing();
}
