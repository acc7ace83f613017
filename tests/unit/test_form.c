/*
 * test_form.c: the one parser of form bodies, query strings and Cookie
 * headers.  Every byte a visitor sends passes through it, so each test
 * states a rule a hostile or clumsy client would probe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "tap.h"

/* Parse a NUL-terminated string; the form is left for the caller. */
static int
parse(struct form *f, const char *s)
{
	return form_parse(f, s, strlen(s));
}

/* 1 if s is refused and leaves an empty form behind. */
static int
refused(const char *s)
{
	struct form f;
	int	    rc;

	rc = parse(&f, s);
	if (rc)
		form_free(&f);
	return !rc && f.n == 0;
}

/* A string of n copies of c. */
static char *
repeat(const char *c, size_t n)
{
	size_t len = strlen(c), i;
	char  *s;

	if ((s = malloc(len * n + 1)) == NULL)
		abort();
	for (i = 0; i < n; i++)
		memcpy(s + i * len, c, len);
	s[len * n] = '\0';
	return s;
}

static void
test_basics(void)
{
	struct form f;
	int	    dup = -1;

	ok(parse(&f, "username=alice&password=s3cret"), "a login body parses");
	is_int(f.n, 2, "it has two fields");
	is_str(form_get(&f, "username", &dup), "alice", "username is alice");
	is_int(dup, 0, "username is not repeated");
	is_str(form_get(&f, "password", NULL), "s3cret",
	    "form_get works without a dup pointer");
	ok(form_get(&f, "email", &dup) == NULL, "an absent field is NULL");
	is_int(dup, 0, "an absent field is not repeated");
	is_int(form_count(&f, "email"), 0, "an absent field counts 0");
	ok(form_get(&f, "Username", NULL) == NULL, "names are case-sensitive");
	form_free(&f);
	is_int(f.n, 0, "form_free empties the form");
	form_free(&f);
	form_free(NULL);
	ok(1, "form_free is safe twice and on NULL");

	ok(form_parse(&f, "", 0), "an empty body parses");
	is_int(f.n, 0, "and has no fields");
	form_free(&f);
	ok(form_parse(&f, NULL, 0), "no body at all parses");
	form_free(&f);

	ok(form_parse(&f, "a=1&b=2", 3), "only len bytes are read");
	is_int(f.n, 1, "the field past len is not seen");
	form_free(&f);

	ok(parse(&f, "t=a=b=c"), "a value may hold '='");
	is_str(form_get(&f, "t", NULL), "a=b=c", "only the first '=' splits");
	form_free(&f);
}

static void
test_decoding(void)
{
	struct form f;

	ok(parse(&f, "q=two+words&p=a%2Bb&r=%41%62%3d"), "escapes parse");
	is_str(form_get(&f, "q", NULL), "two words", "'+' is a space");
	is_str(form_get(&f, "p", NULL), "a+b", "%%2B is a literal plus");
	is_str(form_get(&f, "r", NULL), "Ab=", "hex digits of either case");
	form_free(&f);

	ok(parse(&f, "first+name=J%C3%BCrgen"), "escaped UTF-8 parses");
	is_str(form_get(&f, "first name", NULL), "J\xc3\xbcrgen",
	    "name and value are both decoded");
	form_free(&f);

	ok(parse(&f, "city=M\xc3\xbcnchen"), "raw UTF-8 is accepted");
	is_str(form_get(&f, "city", NULL), "M\xc3\xbcnchen", "and kept");
	form_free(&f);

	ok(parse(&f, "e=%F0%9F%94%91&z=%EF%BF%BD&m=%F4%8F%BF%BF"),
	    "four-byte UTF-8, U+FFFD and U+10FFFF are valid");
	is_str(form_get(&f, "e", NULL), "\xf0\x9f\x94\x91", "the key emoji");
	form_free(&f);

	ok(parse(&f, "note=line1%0D%0Aline2%09tabbed"),
	    "a textarea may hold CR, LF and TAB");
	is_str(form_get(&f, "note", NULL), "line1\r\nline2\ttabbed",
	    "and they are kept for the validators to judge");
	form_free(&f);
}

static void
test_malformed(void)
{
	struct form f;

	ok(refused("a=%"), "a lone '%%' is refused");
	ok(refused("a=%4"), "'%%' with one hex digit is refused");
	ok(refused("a=%4&b=1"), "'%%' with one digit before '&' is refused");
	ok(refused("a=%G1"), "a non-hex escape is refused");
	ok(refused("a=%1g"), "a non-hex second digit is refused");
	ok(refused("a=%%41"), "'%%%%' is refused");
	ok(refused("a=%+1"), "'%%+' is refused");
	ok(refused("%zz=1"), "a bad escape in a name is refused");

	ok(refused("a=%00"), "an escaped NUL is refused");
	ok(refused("a%00b=1"), "a NUL in a name is refused");
	ok(!form_parse(&f, "a=b\0c", 5) && f.n == 0, "a raw NUL is refused");
	ok(refused("a=%01"), "SOH is refused");
	ok(refused("a=%1B%5B2J"), "an escape sequence is refused");
	ok(refused("a=%1F"), "US (0x1f) is refused");
	ok(refused("a=%7F"), "DEL is refused");
	ok(refused("a=\x1b"), "a raw control byte is refused");

	ok(refused("a=%C0%AF"), "an overlong 2-byte '/' is refused");
	ok(refused("a=%C1%BF"), "C1 lead bytes are refused");
	ok(refused("a=%E0%80%AF"), "an overlong 3-byte '/' is refused");
	ok(refused("a=%E0%9F%BF"), "an overlong 3-byte U+07FF is refused");
	ok(refused("a=%F0%80%80%AF"), "an overlong 4-byte '/' is refused");
	ok(refused("a=%F0%8F%BF%BF"), "an overlong 4-byte U+FFFF is refused");
	ok(refused("a=%C0%80"), "a modified-UTF-8 NUL is refused");
	ok(refused("a=%ED%A0%80"), "a UTF-16 high surrogate is refused");
	ok(refused("a=%ED%BF%BF"), "a UTF-16 low surrogate is refused");
	ok(refused("a=%F4%90%80%80"), "U+110000 is refused");
	ok(refused("a=%F5%80%80%80"), "lead byte F5 is refused");
	ok(refused("a=%FF"), "byte FF is refused");
	ok(refused("a=%80"), "a lone continuation byte is refused");
	ok(refused("a=%C3"), "a truncated sequence is refused");
	ok(refused("a=%E2%82"), "a truncated 3-byte sequence is refused");
	ok(refused("a=%C3%28"), "a bad continuation byte is refused");
	ok(refused("a=\xc3\x28"), "raw bad UTF-8 is refused");
	ok(refused("a=%F0%9F%98"), "a truncated 4-byte sequence is refused");

	ok(refused("=value"), "an empty name is refused");
	ok(refused("a=1&=2"), "an empty name later is refused too");
	ok(refused("ok=1&bad=%zz&ok2=2"),
	    "one bad field refuses the whole form");
}

static void
test_pairs(void)
{
	struct form f;
	int	    dup = -1;

	ok(parse(&f, "a=1&&b=2"), "empty pairs parse");
	is_int(f.n, 2, "and are skipped");
	is_str(form_get(&f, "b", NULL), "2", "the field after is read");
	form_free(&f);

	ok(parse(&f, "&&a=1&"), "leading and trailing '&' are fine");
	is_int(f.n, 1, "only the real field counts");
	form_free(&f);

	ok(parse(&f, "&&&"), "only separators parse");
	is_int(f.n, 0, "to nothing");
	form_free(&f);

	ok(parse(&f, "disable&code=123456"), "a name without '=' parses");
	is_str(form_get(&f, "disable", NULL), "", "its value is empty");
	form_free(&f);

	ok(parse(&f, "a=&b"), "empty values parse");
	is_str(form_get(&f, "a", NULL), "", "'a=' is empty");
	form_free(&f);

	ok(parse(&f, "a=1;b=2"), "';' is not a separator");
	is_str(form_get(&f, "a", NULL), "1;b=2", "it stays in the value");
	form_free(&f);

	ok(parse(&f, "csrf=x&email=a%40b.org&email=evil%40c.org"),
	    "a repeated field parses");
	is_str(form_get(&f, "email", &dup), "a@b.org",
	    "form_get returns the first value");
	is_int(dup, 1, "and reports the repetition");
	is_int(form_count(&f, "email"), 2, "form_count counts both");
	form_get(&f, "csrf", &dup);
	is_int(dup, 0, "dup is reset for a single field");
	form_free(&f);

	ok(parse(&f, "code=1&code=2&code=3&username=a"),
	    "repeatable reset codes parse");
	is_int(form_count(&f, "code"), 3, "three codes are counted");
	is_str(f.f[2].value, "3", "and kept in order");
	form_free(&f);
}

/* "name=value" in a new string. */
static char *
pair(const char *name, const char *value)
{
	size_t len = strlen(name) + strlen(value) + 2;
	char  *s;

	if ((s = malloc(len)) == NULL)
		abort();
	snprintf(s, len, "%s=%s", name, value);
	return s;
}

/* Parse name=(part repeated n times); 1 if accepted. */
static int
parse_long(const char *name, const char *part, size_t n, size_t *vlen)
{
	struct form f;
	char	   *v, *s;
	const char *got;
	int	    rc;

	v = repeat(part, n);
	s = pair(name, v);
	*vlen = 0;
	if ((rc = parse(&f, s)) != 0) {
		got = form_get(&f, name, NULL);
		if (got != NULL)
			*vlen = strlen(got);
		form_free(&f);
	}
	free(s);
	free(v);
	return rc;
}

static void
test_limits(void)
{
	struct form f;
	char	   *name, *s;
	size_t	    i, len, vlen;

	/* FORM_MAX_FIELDS fields exactly, then one more. */
	len = 0;
	if ((s = malloc(FORM_MAX_FIELDS * 8 + 16)) == NULL)
		abort();
	for (i = 0; i < FORM_MAX_FIELDS; i++)
		len += (size_t)snprintf(s + len, 16, "f%zu=x&", i);
	s[len] = '\0';
	ok(parse(&f, s), "%d fields parse", FORM_MAX_FIELDS);
	is_int(f.n, FORM_MAX_FIELDS, "all are kept");
	form_free(&f);
	snprintf(s + len, 16, "last=1");
	ok(refused(s), "%d fields are refused", FORM_MAX_FIELDS + 1);
	free(s);

	name = repeat("n", FORM_MAX_NAME);
	ok(parse_long(name, "1", 1, &vlen) && vlen == 1,
	    "a %d-byte name parses and is found", FORM_MAX_NAME);
	free(name);
	name = repeat("n", FORM_MAX_NAME + 1);
	ok(!parse_long(name, "1", 1, &vlen), "a %d-byte name is refused",
	    FORM_MAX_NAME + 1);
	free(name);
	name = repeat("%6E", FORM_MAX_NAME + 1);
	ok(!parse_long(name, "1", 1, &vlen),
	    "a name of %d escaped bytes is refused", FORM_MAX_NAME + 1);
	free(name);

	ok(parse_long("a", "v", FORM_MAX_VALUE, &vlen),
	    "a %d-byte value parses", FORM_MAX_VALUE);
	is_int(vlen, FORM_MAX_VALUE, "and is whole");
	ok(!parse_long("a", "v", FORM_MAX_VALUE + 1, &vlen),
	    "a %d-byte value is refused", FORM_MAX_VALUE + 1);
	/* The limit counts decoded bytes, not the escaped text. */
	ok(parse_long("a", "%41", FORM_MAX_VALUE, &vlen),
	    "%d escaped bytes parse", FORM_MAX_VALUE);
	is_int(vlen, FORM_MAX_VALUE, "to %d bytes", FORM_MAX_VALUE);
	ok(!parse_long("a", "%41", FORM_MAX_VALUE + 1, &vlen),
	    "%d escaped bytes are refused", FORM_MAX_VALUE + 1);
	ok(!parse_long("a", "+", FORM_MAX_VALUE + 1, &vlen),
	    "%d pluses are refused", FORM_MAX_VALUE + 1);
	ok(parse_long("a", "%C3%BC", FORM_MAX_VALUE / 2, &vlen) &&
		vlen == FORM_MAX_VALUE,
	    "%d bytes of two-byte UTF-8 parse", FORM_MAX_VALUE);
}

static void
test_cookies(void)
{
	char out[64];

	ok(cookie_get("a=b; sid=xyz; c=d", "sid", out, sizeof(out)),
	    "a cookie in the middle is found");
	is_str(out, "xyz", "with its value");
	ok(cookie_get("sid=xyz", "sid", out, sizeof(out)),
	    "a lone cookie is found");
	ok(cookie_get("a=b;sid=xyz", "sid", out, sizeof(out)),
	    "pairs without a space after ';' are read");
	ok(cookie_get("a=b;  sid = xyz ;c=d", "sid", out, sizeof(out)),
	    "spaces around name and value are ignored");
	is_str(out, "xyz", "and not part of the value");
	ok(cookie_get("sid=\"quoted\"", "sid", out, sizeof(out)),
	    "a quoted value is found");
	is_str(out, "quoted", "without its DQUOTEs");
	ok(cookie_get("__Host-postern=AbC-_09", "__Host-postern", out,
	       sizeof(out)),
	    "the session cookie's base64url value is read");
	is_str(out, "AbC-_09", "exactly");

	ok(!cookie_get("a=b; c=d", "sid", out, sizeof(out)),
	    "an absent cookie is not found");
	is_str(out, "", "and out is empty");
	ok(!cookie_get("", "sid", out, sizeof(out)), "an empty header");
	ok(!cookie_get(NULL, "sid", out, sizeof(out)), "no header at all");
	ok(!cookie_get("xsid=1; sidx=2", "sid", out, sizeof(out)),
	    "a name must match whole");
	ok(!cookie_get("SID=1", "sid", out, sizeof(out)),
	    "cookie names are case-sensitive");
	ok(cookie_get("xsid=1; sid=2", "sid", out, sizeof(out)) &&
		strcmp(out, "2") == 0,
	    "a longer name is not mistaken for it");

	snprintf(out, sizeof(out), "stale");
	ok(!cookie_get("sid=", "sid", out, sizeof(out)),
	    "an empty value counts as absent");
	is_str(out, "", "and clears out");
	ok(!cookie_get("sid=\"\"", "sid", out, sizeof(out)),
	    "an empty quoted value counts as absent");
	ok(!cookie_get("sid", "sid", out, sizeof(out)),
	    "a name without '=' is not a cookie");
	ok(!cookie_get("sid=a b", "sid", out, sizeof(out)),
	    "a space inside the value is refused");
	ok(!cookie_get("sid=\"abc", "sid", out, sizeof(out)),
	    "an opening DQUOTE alone is refused");
	ok(!cookie_get("sid=abc\"", "sid", out, sizeof(out)),
	    "a closing DQUOTE alone is refused");
	ok(!cookie_get("sid=\"", "sid", out, sizeof(out)),
	    "a lone DQUOTE is refused");
	ok(!cookie_get("sid=\"a\"b\"", "sid", out, sizeof(out)),
	    "a DQUOTE inside the value is refused");
	ok(!cookie_get("sid=a,b", "sid", out, sizeof(out)),
	    "a comma is refused");
	ok(!cookie_get("sid=a\\b", "sid", out, sizeof(out)),
	    "a backslash is refused");
	ok(!cookie_get("sid=a\x01"
		       "b",
	       "sid", out, sizeof(out)),
	    "a control byte is refused");
	ok(!cookie_get("sid=\xc3\xbc", "sid", out, sizeof(out)),
	    "a non-ASCII byte is refused");
	ok(!cookie_get("sid=one; sid=two", "sid", out, sizeof(out)),
	    "a cookie sent twice is refused");
	is_str(out, "", "and neither value is left in out");

	ok(cookie_get("theme=dark mode; flag; sid=ok; x=\"", "sid", out,
	       sizeof(out)),
	    "other applications' odd cookies are skipped");
	is_str(out, "ok", "and ours is still read");

	ok(cookie_get("sid=1234567", "sid", out, 8) &&
		strcmp(out, "1234567") == 0,
	    "a value of outsz-1 bytes fits");
	ok(!cookie_get("sid=12345678", "sid", out, 8),
	    "a value of outsz bytes is refused, not cut");
	ok(!cookie_get("sid=1", "sid", out, 0), "outsz 0 is refused");
	ok(!cookie_get("sid=1", "", out, sizeof(out)),
	    "an empty name is never found");
}

int
main(void)
{
	test_basics();
	test_decoding();
	test_malformed();
	test_pairs();
	test_limits();
	test_cookies();
	return done_testing();
}
