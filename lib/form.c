/*
 * form.c: the one parser of application/x-www-form-urlencoded text (query
 * strings and POST bodies) and of Cookie headers.
 *
 * Everything a person types reaches Postern through here, so this is
 * where the bytes are made trustworthy once: after form_parse() every
 * name and value is valid UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF) without NUL or control bytes other than TAB, CR and LF,
 * and within the limits of form.h.  CR and LF survive because a textarea
 * may hold them; validators of single-line values (addresses, names)
 * refuse them again.  Any malformation refuses the whole input instead of
 * dropping the bad field, so a handler never acts on half a form.
 *
 * The grammar is WHATWG's urlencoded parser made strict: pairs are split
 * on '&' only, empty pairs are skipped, a pair without '=' has the value
 * "", '+' means a space, and '%' must be followed by two hex digits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "form.h"

/*
 * Length of the UTF-8 sequence at p[0..len), or 0 when it is not the
 * shortest encoding of a scalar value (RFC 3629, section 4).
 */
static size_t
form_utf8_seq(const unsigned char *p, size_t len)
{
	unsigned char c = p[0];
	size_t	      n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f; /* UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else
		return 0; /* continuation byte, C0/C1 overlong, F5-FF */
	if (len < n)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/*
 * 1 if s[0..len) is valid UTF-8 without NUL and without control bytes
 * other than TAB, CR and LF.  DEL (0x7f) counts as a control byte: no
 * person types it, and terminals and mail clients act on it.
 */
static int
form_text_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		     i = 0, n;

	while (i < len) {
		if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\n')
			return 0;
		if (p[i] == 0x7f)
			return 0;
		if ((n = form_utf8_seq(p + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

int
form_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode s[0..len) into a new NUL-terminated string of at most max
 * bytes.  NULL on a bad escape, on overlong or forbidden text, or when
 * out of memory.  Checking max before allocating keeps a 16 KiB body
 * from costing more than the limits allow.
 */
/* Values may be passwords or codes: wiped before their memory goes back
 * to the allocator (ASVS 8.3.6). */
static void
form_wipe_free(char *s)
{
	if (s != NULL) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

static char *
form_decode(const char *s, size_t len, size_t max)
{
	char  *out;
	size_t i, o;
	int    hi, lo;

	if ((out = malloc((len < max ? len : max) + 1)) == NULL)
		return NULL;
	for (i = o = 0; i < len; i++) {
		if (o == max)
			goto fail;
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%') {
			if (len - i < 3 ||
			    (hi = form_hex((unsigned char)s[i + 1])) < 0 ||
			    (lo = form_hex((unsigned char)s[i + 2])) < 0)
				goto fail;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	if (!form_text_ok(out, o))
		goto fail;
	return out;
fail:
	sodium_memzero(out, o);
	free(out);
	return NULL;
}

/*
 * f need not be initialised: it is overwritten, never freed, so a form
 * that was parsed before must go through form_free() first.
 */
int
form_parse(struct form *f, const char *s, size_t len)
{
	const char *pair, *end, *amp, *eq;
	size_t	    plen, nlen;
	char	   *name = NULL, *value = NULL;

	memset(f, 0, sizeof(*f));
	if (len == 0)
		return 1;
	if (s == NULL)
		return 0;
	end = s + len;
	for (pair = s; pair < end; pair = amp + 1) {
		if ((amp = memchr(pair, '&', (size_t)(end - pair))) == NULL)
			amp = end;
		if ((plen = (size_t)(amp - pair)) == 0)
			continue;
		if (f->n == FORM_MAX_FIELDS)
			goto fail;
		if ((eq = memchr(pair, '=', plen)) == NULL)
			eq = amp;
		if ((nlen = (size_t)(eq - pair)) == 0)
			goto fail;
		if ((name = form_decode(pair, nlen, FORM_MAX_NAME)) == NULL)
			goto fail;
		value = eq == amp ? form_decode("", 0, 0) :
				    form_decode(eq + 1, (size_t)(amp - eq - 1),
					FORM_MAX_VALUE);
		if (value == NULL)
			goto fail;
		f->f[f->n].name = name;
		f->f[f->n].value = value;
		f->n++;
		name = value = NULL;
		if (amp == end)
			break;
	}
	return 1;
fail:
	free(name);
	form_wipe_free(value);
	form_free(f);
	return 0;
}

void
form_free(struct form *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n && i < FORM_MAX_FIELDS; i++) {
		free(f->f[i].name);
		form_wipe_free(f->f[i].value);
	}
	memset(f, 0, sizeof(*f));
}

/*
 * The first value of name.  A repeated field is reported through *dup
 * rather than refused here, because a few fields (the reset proof's
 * "code") are meant to repeat and are read with form_count() and a walk
 * over f->f.
 */
const char *
form_get(const struct form *f, const char *name, int *dup)
{
	const char *v = NULL;
	size_t	    i;

	if (dup != NULL)
		*dup = 0;
	if (f == NULL || name == NULL)
		return NULL;
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->f[i].name, name) != 0)
			continue;
		if (v != NULL) {
			if (dup != NULL)
				*dup = 1;
			break;
		}
		v = f->f[i].value;
	}
	return v;
}

size_t
form_count(const struct form *f, const char *name)
{
	size_t i, n = 0;

	if (f == NULL || name == NULL)
		return 0;
	for (i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, name) == 0)
			n++;
	return n;
}

/* RFC 6265, section 4.1.1: cookie-octet. */
static int
cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) ||
	    (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
	    (c >= 0x5d && c <= 0x7e);
}

static int
cookie_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Whether the pair [p, end) has the name name; *eq gets its '='. */
static int
cookie_named(const char *p, const char *end, const char *name, size_t namelen,
    const char **eq)
{
	const char *ns, *ne;

	/* Browsers separate pairs with "; "; be lenient about it. */
	for (ns = p; ns < end && cookie_ws(*ns); ns++)
		continue;
	if ((*eq = memchr(ns, '=', (size_t)(end - ns))) == NULL)
		return 0;
	for (ne = *eq; ne > ns && cookie_ws(ne[-1]); ne--)
		continue;
	return (size_t)(ne - ns) == namelen && memcmp(ns, name, namelen) == 0;
}

/* The value [vs, end) into out when RFC 6265 allows it and it fits. */
static int
cookie_value(const char *vs, const char *end, char *out, size_t outsz)
{
	const char *ve;
	size_t	    vlen, i;

	for (; vs < end && cookie_ws(*vs); vs++)
		continue;
	for (ve = end; ve > vs && cookie_ws(ve[-1]); ve--)
		continue;
	if (ve - vs >= 1 && (*vs == '"' || ve[-1] == '"')) {
		if (ve - vs < 2 || *vs != '"' || ve[-1] != '"')
			return 0;
		vs++;
		ve--;
	}
	vlen = (size_t)(ve - vs);
	if (vlen == 0 || vlen >= outsz)
		return 0;
	for (i = 0; i < vlen; i++)
		if (!cookie_octet((unsigned char)vs[i]))
			return 0;
	memcpy(out, vs, vlen);
	out[vlen] = '\0';
	return 1;
}

/*
 * The Cookie header carries cookies of every application on the host,
 * and browsers send whatever those set.  So other cookies are skipped
 * without judging them (a sibling application's odd cookie must not log
 * people out of Postern), while the one asked for must follow RFC 6265
 * exactly: cookie-octets, optionally inside one pair of DQUOTEs, and
 * present once.  Two cookies of the same name mean someone else (a
 * sibling domain or path) set one: which is ours cannot be told, so
 * neither is used.  An empty value counts as absent.
 */
int
cookie_get(const char *header, const char *name, char *out, size_t outsz)
{
	const char *p, *end, *eq;
	size_t	    namelen;
	int	    found = 0;

	if (out == NULL || outsz == 0)
		return 0;
	out[0] = '\0';
	if (header == NULL || name == NULL || (namelen = strlen(name)) == 0)
		return 0;
	for (p = header; *p != '\0'; p = *end == ';' ? end + 1 : end) {
		if ((end = strchr(p, ';')) == NULL)
			end = p + strlen(p);
		if (!cookie_named(p, end, name, namelen, &eq))
			continue;
		if (found || !cookie_value(eq + 1, end, out, outsz))
			goto fail;
		found = 1;
	}
	return found;
fail:
	out[0] = '\0';
	return 0;
}
