#ifndef POSTERN_NEXT_H
#define POSTERN_NEXT_H

#include <stddef.h>

#include "buf.h"

/*
 * next.c: where a person goes after logging in, from the `next` of
 * /login?next=... (DESIGN sections 2 and 9).
 *
 * The value comes from anyone's link, so it is an open redirect unless
 * it is checked: only a place of this site (under base_url) or a URL
 * whose host is exactly one of auth_hosts is taken; anything else goes
 * to /account.
 */

/* The longest `next` taken; longer ones go to /account. */
#define NEXT_MAX 2048

/*
 * Write into out where to go after login: next when it is safe, as a
 * path of this site (from next's path under base_path, or from an
 * absolute URL of base_url's origin under base_path) or as the http(s)
 * URL it is when its host[:port] is one of hosts; base_path + "/account"
 * otherwise.  So a Location leaves this site only for a listed host.
 * base_url is the configuration's (no trailing slash), base_path its
 * path ("" at the root).  next may be NULL.  Returns 1 when next was
 * taken, 0 when out holds the fallback; out->failed tells of a lack of
 * memory.
 */
int next_resolve(const char *base_url, const char *base_path,
    char *const *hosts, size_t nhosts, const char *next, struct buf *out);

#endif /* !POSTERN_NEXT_H */
