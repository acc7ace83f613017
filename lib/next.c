/*
 * next.c: the `next` of /login, checked (next.h).
 *
 * Browsers read URLs more loosely than their specification: they turn
 * '\' into '/', drop tabs and newlines, and a server behind may decode
 * %2F into '/'.  So rather than parse a URL the way one browser would,
 * this refuses everything that two readers could take differently, and
 * only then compares what is left with the places allowed.
 */
#include <string.h>
#include <strings.h>

#include "form.h"
#include "next.h"

/*
 * Printable ASCII without spaces or backslashes, and percent-escapes
 * that are well formed and do not hide a '/', '\', '.' or a control.
 */
static int
next_clean(const char *s)
{
	int hi, lo, v;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    *s == '\\')
			return 0;
		if (*s != '%')
			continue;
		if ((hi = form_hex((unsigned char)s[1])) < 0 ||
		    (lo = form_hex((unsigned char)s[2])) < 0)
			return 0;
		v = hi * 16 + lo;
		if (v < 0x20 || v == 0x7f || v == '/' || v == '\\' || v == '.')
			return 0;
		s += 2;
	}
	return 1;
}

/* The length of "http://" or "https://" at the start of s, or 0. */
static size_t
next_scheme(const char *s)
{
	if (strncasecmp(s, "https://", 8) == 0)
		return 8;
	if (strncasecmp(s, "http://", 7) == 0)
		return 7;
	return 0;
}

/* host[:port]: a name or IPv4 address, no user name, no brackets. */
static int
next_authority(const char *s, size_t n)
{
	size_t i, digits = 0;
	int    port = 0;

	if (n == 0 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		if (port) {
			if (s[i] < '0' || s[i] > '9' || ++digits > 5)
				return 0;
		} else if (s[i] == ':')
			port = 1;
		else if (!((s[i] >= 'a' && s[i] <= 'z') ||
			     (s[i] >= 'A' && s[i] <= 'Z') ||
			     (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			     s[i] == '.'))
			return 0;
	}
	return !port || digits > 0;
}

/*
 * The path of p (up to '?', '#' or the end) lies under base_path and
 * has no "." or ".." segment that would climb out of it.
 */
static int
next_under(const char *p, const char *base_path)
{
	size_t	    n, nb, seg;
	const char *s;

	/* Whatever the path came from, it becomes the Location: never a
	 * scheme-relative "//host" (a site at the root has base_path ""). */
	if (p[0] != '/' || p[1] == '/')
		return 0;
	n = strcspn(p, "?#");
	nb = strlen(base_path);
	if (nb > 0 &&
	    (n < nb || strncmp(p, base_path, nb) != 0 ||
		(n > nb && p[nb] != '/')))
		return 0;
	for (s = p; s < p + n; s += seg) {
		if (*s == '/')
			s++;
		seg = strcspn(s, "/?#");
		if ((seg == 1 && s[0] == '.') ||
		    (seg == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
	}
	return 1;
}

/* Is authority (n bytes) one of hosts, letter case aside? */
static int
next_listed(const char *authority, size_t n, char *const *hosts, size_t nhosts)
{
	size_t i;

	for (i = 0; i < nhosts; i++)
		if (strlen(hosts[i]) == n &&
		    strncasecmp(hosts[i], authority, n) == 0)
			return 1;
	return 0;
}

/*
 * May next be gone to?  *path is set to where its path of this site
 * starts, NULL for a listed host.
 */
static int
next_allowed(const char *base_url, const char *base_path, char *const *hosts,
    size_t nhosts, const char *next, const char **path)
{
	size_t	    sl, bsl, n, bn;
	const char *auth, *bauth;

	*path = NULL;
	if (strlen(next) > NEXT_MAX || !next_clean(next))
		return 0;
	if (next[0] == '/') {
		/* "//host" is another site to a browser. */
		*path = next;
		return next[1] != '/' && next_under(next, base_path);
	}
	if ((sl = next_scheme(next)) == 0 ||
	    (bsl = next_scheme(base_url)) == 0)
		return 0;
	auth = next + sl;
	n = strcspn(auth, "/?#");
	if (!next_authority(auth, n))
		return 0;
	bauth = base_url + bsl;
	bn = strcspn(bauth, "/");
	if (sl == bsl && n == bn && strncasecmp(next, base_url, sl + n) == 0) {
		*path = auth + n;
		return auth[n] == '/' ? next_under(auth + n, base_path) :
					base_path[0] == '\0';
	}
	/* Plain http only where Postern itself is (development). */
	if (sl == 7 && bsl == 8)
		return 0;
	return next_listed(auth, n, hosts, nhosts);
}

int
next_resolve(const char *base_url, const char *base_path, char *const *hosts,
    size_t nhosts, const char *next, struct buf *out)
{
	const char *path;

	buf_reset(out);
	if (next == NULL ||
	    !next_allowed(base_url, base_path, hosts, nhosts, next, &path)) {
		buf_printf(out, "%s/account", base_path);
		return 0;
	}
	if (path == NULL)
		buf_puts(out, next);
	else
		/* "https://site?x" is the site's root with a query. */
		buf_printf(out, "%s%s", path[0] == '/' ? "" : "/", path);
	return 1;
}
