/*
 * validate.c: the syntax of what people type -- usernames and email
 * addresses -- checked once at the edge, so that everything
 * after it (storage, mail headers, the R1 domain rule) works on values
 * of a known shape.
 *
 * Addresses follow RFC 5321's Mailbox grammar, which is what an SMTP
 * relay will accept in RCPT TO, not RFC 5322's wider addr-spec (no
 * comments, no folding white space, no obsolete forms).  The domain is
 * normalised the way R1 compares domains: lower case, internationalised
 * labels in their A-label form (libidn2, IDNA2008 with the UTS #46
 * mapping), so "Bücher.DE" and "xn--bcher-kva.de" are the same domain.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <idn2.h>

#include "validate.h"

#define EMAIL_MAX 254 /* RFC 5321 4.5.3.1.3 path less "<>" */
#define LOCAL_MAX 64  /* RFC 5321 4.5.3.1.1 */
#define LABEL_MAX 63  /* RFC 1035 2.3.4 */

int
validate_username(const char *in, char out[33])
{
	size_t i, len;
	char   c;

	out[0] = '\0';
	if (in == NULL)
		return 0;
	len = strnlen(in, 33);
	if (len < 3 || len > 32)
		return 0;
	for (i = 0; i < len; i++) {
		c = in[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			;
		else if (i > 0 && (c == '.' || c == '_' || c == '-'))
			;
		else
			goto fail;
		out[i] = c;
	}
	out[len] = '\0';
	return 1;
fail:
	out[0] = '\0';
	return 0;
}

/* RFC 5322 3.2.3: atext. */
static int
email_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/*
 * Length of the local part at the start of s, up to (not including) the
 * '@' that ends it, or 0 when it is not an RFC 5321 Local-part.
 */
static size_t
email_local(const char *s)
{
	size_t	      i = 0;
	unsigned char c;

	if (s[0] == '"') {
		/* Quoted-string: qtextSMTP and quoted-pairSMTP. */
		for (i = 1; s[i] != '"'; i++) {
			if (s[i] == '\\')
				i++;
			c = (unsigned char)s[i];
			if (c < 32 || c > 126)
				return 0;
		}
		i++;
		/* "" is grammatical, but no mail system hands it a
		 * mailbox, and it only gives an empty name to log. */
		if (i == 2)
			return 0;
	} else {
		/* Dot-string: atoms of atext joined by single dots. */
		for (;;) {
			if (!email_atext((unsigned char)s[i]))
				return 0;
			while (email_atext((unsigned char)s[i]))
				i++;
			if (s[i] != '.')
				break;
			i++;
		}
	}
	return s[i] == '@' ? i : 0;
}

/* 1 if d is a letter-digit-hyphen host name of at least two labels. */
static int
email_ldh(const char *d)
{
	size_t i, start = 0, labels = 0;
	int    alldigit = 1;

	for (i = 0;; i++) {
		if (d[i] == '.' || d[i] == '\0') {
			if (i == start || i - start > LABEL_MAX ||
			    d[start] == '-' || d[i - 1] == '-')
				return 0;
			labels++;
			if (d[i] == '\0')
				break;
			start = i + 1;
			alldigit = 1;
			continue;
		}
		if (d[i] >= '0' && d[i] <= '9')
			continue;
		alldigit = 0;
		if ((d[i] >= 'a' && d[i] <= 'z') || d[i] == '-')
			continue;
		return 0;
	}
	/*
	 * A dotless domain cannot receive mail across the Internet (ICANN
	 * forbids them) and has no registrable domain for R1 to compare;
	 * an all-numeric top label would make "1.2.3.4" pass as a name
	 * (RFC 3696 section 2).
	 */
	return labels >= 2 && !alldigit;
}

/*
 * Normalise the domain in to its lower-case A-label form in out.
 * Labels that are plain ASCII and not already A-labels are only
 * lower-cased: IDNA2008 would refuse some names that DNS serves happily
 * (a "--" in the third and fourth place, as in "r3--sn.example").  Any
 * other domain goes through libidn2 whole, which also checks that an
 * "xn--" label really is punycode and applies the bidi rule across
 * labels.
 */
static int
email_domain(const char *in, char *out, size_t outsz)
{
	const unsigned char *p;
	char		    *ace = NULL;
	size_t		     i, len;
	int		     idn = 0, rc = 0;

	for (p = (const unsigned char *)in; *p != '\0'; p++)
		if (*p >= 0x80)
			idn = 1;
	for (i = 0; in[i] != '\0'; i++)
		if ((i == 0 || in[i - 1] == '.') &&
		    strncasecmp(in + i, "xn--", 4) == 0)
			idn = 1;
	if (idn) {
		if (idn2_to_ascii_8z(in, &ace,
			IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK)
			goto out;
		in = ace;
	}
	if ((len = strlen(in)) >= outsz)
		goto out;
	for (i = 0; i <= len; i++)
		out[i] = (in[i] >= 'A' && in[i] <= 'Z') ?
		    (char)(in[i] - 'A' + 'a') :
		    in[i];
	rc = email_ldh(out);
out:
	idn2_free(ace);
	return rc;
}

/*
 * Address literals ("user@[192.0.2.1]", "user@[IPv6:...]") are refused
 * although RFC 5321 allows them: R1 compares registrable domains, which
 * an IP address does not have, and relays commonly refuse them anyway.
 * Surrounding spaces are dropped, because phones and password managers
 * add a trailing one after completing an address; no other space is.
 */
int
validate_email(const char *in, char out[255])
{
	char   copy[4 * EMAIL_MAX + 1], domain[EMAIL_MAX + 1];
	size_t i, len, local, dlen;

	out[0] = '\0';
	if (in == NULL)
		return 0;
	while (*in == ' ')
		in++;
	/* A UTF-8 domain is at most about four times as long as its
	 * A-label form; anything longer is not an address. */
	if ((len = strnlen(in, sizeof(copy))) == sizeof(copy))
		return 0;
	while (len > 0 && in[len - 1] == ' ')
		len--;
	for (i = 0; i < len; i++)
		if ((unsigned char)in[i] < 0x20 || in[i] == 0x7f)
			return 0;
	memcpy(copy, in, len);
	copy[len] = '\0';
	if ((local = email_local(copy)) == 0 || local > LOCAL_MAX)
		return 0;
	if (copy[local + 1] == '[')
		return 0;
	if (!email_domain(copy + local + 1, domain, sizeof(domain)))
		return 0;
	if (local + 1 + (dlen = strlen(domain)) > EMAIL_MAX)
		return 0;
	memcpy(out, copy, local + 1);
	memcpy(out + local + 1, domain, dlen + 1);
	return 1;
}
