/*
 * test_mailer.c: what goes out of the outbox, minus the network.
 *
 *  - retries back off from 30 seconds, doubling, never past an hour;
 *  - a composed mail has CRLF line ends only, every header a reader
 *    needs exactly once, an RFC 2047 subject when it is not plain
 *    ASCII, and no way for a value to add a header of its own;
 *  - the outbox (a real SQLite file) refuses header injection when a
 *    row is queued, hands rows out in order, counts mails per address
 *    for the rate limit, and forgets bodies once they are delivered;
 *  - it keeps bodies sealed: nothing is queued without the key, the
 *    file holds no body text, and a body opens only with its key, on
 *    its own row; a row queued in clear before sealing still goes out.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <sqlite3.h>

#include "tap.h"

#include "buf.h"
#include "crypto.h"
#include "db.h"
#include "internal.h"
#include "log.h"
#include "mailer.h"
#include "mailfmt.h"
#include "outbox.h"
#include "rate.h"
#include "render.h"

/* ---- helpers ---- */

static int
b64val(int c)
{
	const char *tbl =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p;

	if (c == '\0' || (p = strchr(tbl, c)) == NULL)
		return -1;
	return (int)(p - tbl);
}

/* Decode base64 s[0..n) and append to out; 0 if malformed. */
static int
b64dec(const char *s, size_t n, struct buf *out)
{
	size_t	      i;
	int	      v[4], k;
	unsigned char b[3];

	if (n % 4 != 0)
		return 0;
	for (i = 0; i < n; i += 4) {
		for (k = 0; k < 4; k++)
			v[k] = s[i + k] == '=' ? 0 : b64val(s[i + k]);
		if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0)
			return 0;
		b[0] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		b[1] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		b[2] = (unsigned char)((v[2] & 3) << 6 | v[3]);
		k = s[i + 2] == '=' ? 1 : s[i + 3] == '=' ? 2 : 3;
		buf_append(out, b, (size_t)k);
	}
	return 1;
}

/*
 * Decode a Subject value the way a mail reader does: unfold, then turn
 * each encoded-word into its text (white space between two words
 * vanishes).  Each word must decode to valid UTF-8 on its own (RFC 2047
 * forbids splitting a character).  Returns a malloc'd string or NULL.
 */
static char *
subject_decode(const char *v)
{
	struct buf  out, word;
	const char *p = v, *q, *end;
	size_t	    ew_end = 0;
	int	    prev_ew = 0, bad = 0;
	char	   *r;

	buf_init(&out);
	buf_init(&word);
	while (*p != '\0' && !bad) {
		if (p[0] == '\r' && p[1] == '\n') {
			p += 2; /* unfold */
			continue;
		}
		if (strncmp(p, "=?UTF-8?B?", 10) == 0 &&
		    (end = strstr(p + 10, "?=")) != NULL) {
			/* Drop the white space between two encoded-words. */
			if (prev_ew) {
				out.len = ew_end;
				out.p[out.len] = '\0';
			}
			buf_reset(&word);
			q = p + 10;
			if (!b64dec(q, (size_t)(end - q), &word) ||
			    !mailfmt_utf8_valid(word.p != NULL ? word.p : "",
				word.len))
				bad = 1;
			else
				buf_append(&out, word.p, word.len);
			p = end + 2;
			prev_ew = 1;
			ew_end = out.len;
			continue;
		}
		if (*p != ' ')
			prev_ew = 0;
		buf_append(&out, p, 1);
		p++;
	}
	buf_append(&out, "", 0);
	r = bad || out.failed ? NULL : strdup(out.p);
	buf_free(&out);
	buf_free(&word);
	return r;
}

/* The longest line of s (lines end in CRLF). */
static size_t
longest_line(const char *s)
{
	size_t	    max = 0, n;
	const char *e;

	for (;;) {
		e = strstr(s, "\r\n");
		n = e != NULL ? (size_t)(e - s) : strlen(s);
		if (n > max)
			max = n;
		if (e == NULL)
			return max;
		s = e + 2;
	}
}

/* 1 if every CR is followed by LF and every LF follows a CR. */
static int
crlf_only(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '\r' && s[i + 1] != '\n')
			return 0;
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			return 0;
	}
	return 1;
}

/* How many header lines (before the blank line) start with name. */
static int
header_count(const char *msg, const char *name)
{
	const char *p = msg, *e;
	size_t	    n = strlen(name);
	int	    c = 0;

	while ((e = strstr(p, "\r\n")) != NULL && e != p) {
		if (strncasecmp(p, name, n) == 0)
			c++;
		p = e + 2;
	}
	return c;
}

/* The header section's names, in order, joined by spaces (continuation
 * lines skipped): shows that nothing but ours is there. */
static void
header_names(const char *msg, char *out, size_t outsz)
{
	const char *p = msg, *e, *colon;
	size_t	    used = 0;

	out[0] = '\0';
	while ((e = strstr(p, "\r\n")) != NULL && e != p) {
		if (*p != ' ' && *p != '\t' &&
		    (colon = memchr(p, ':', (size_t)(e - p))) != NULL)
			used += (size_t)snprintf(out + used, outsz - used,
			    "%s%.*s", used > 0 ? " " : "", (int)(colon - p),
			    p);
		if (used >= outsz)
			return;
		p = e + 2;
	}
}

static const char *
body_of(const char *msg)
{
	const char *p = strstr(msg, "\r\n\r\n");

	return p != NULL ? p + 4 : NULL;
}

static struct mailfmt
mail_defaults(void)
{
	struct mailfmt m;

	memset(&m, 0, sizeof(m));
	m.from = "postern@example.org";
	m.to = "alice@example.com";
	m.subject = "Verify your address";
	m.body = "Hello,\n\nyour code:\n12345678\n";
	m.date = 1700000000;
	m.msgid = "0123456789abcdef";
	return m;
}

/* compose into a fresh buffer: 1 on success, the text in *out. */
static int
compose(const struct mailfmt *m, struct buf *out)
{
	buf_init(out);
	return mailfmt_compose(m, out);
}

/* ---- backoff ---- */

static void
test_backoff(void)
{
	is_int(mailer_backoff(1), 30, "a first failure waits 30 seconds");
	is_int(mailer_backoff(2), 60, "the second waits a minute");
	is_int(mailer_backoff(3), 120, "the third two minutes");
	is_int(mailer_backoff(7), 1920, "the seventh 32 minutes");
	is_int(mailer_backoff(8), 3600, "the eighth is capped at an hour");
	is_int(mailer_backoff(MAILER_MAX_ATTEMPTS), 3600,
	    "the last attempt waits an hour too");
	is_int(mailer_backoff(INT_MAX), 3600, "no overflow on huge counts");
	is_int(mailer_backoff(0), 30, "zero attempts still waits 30 s");
	is_int(mailer_backoff(-5), 30,
	    "nor does a negative count retry at once");
}

/* ---- header values ---- */

static void
test_header_safe(void)
{
	ok(mailfmt_header_safe("Grüße aus Köln"), "UTF-8 text is header-safe");
	ok(!mailfmt_header_safe("x\r\nBcc: evil@example.net"),
	    "CRLF is not header-safe");
	ok(!mailfmt_header_safe("x\nBcc: evil@example.net"),
	    "a bare LF is not header-safe");
	ok(!mailfmt_header_safe("x\rBcc: evil@example.net"),
	    "a bare CR is not header-safe");
	ok(!mailfmt_header_safe("tab\there"), "a tab is not header-safe");
	ok(!mailfmt_header_safe("del\x7f"), "DEL is not header-safe");

	ok(mailfmt_utf8_valid("\xc3\xbc\xe2\x80\x94\xf0\x9f\x94\x91", 9),
	    "2-, 3- and 4-byte characters are valid UTF-8");
	ok(!mailfmt_utf8_valid("\xc0\xaf", 2), "an overlong form is not");
	ok(!mailfmt_utf8_valid("\xed\xa0\x80", 3), "a surrogate is not");
	ok(!mailfmt_utf8_valid("\xf4\x90\x80\x80", 4),
	    "a code point past U+10FFFF is not");
	ok(!mailfmt_utf8_valid("\xe2\x80", 2), "a cut character is not");
	ok(!mailfmt_utf8_valid("\x80", 1), "a stray continuation byte is not");
}

static void
test_address(void)
{
	char a[MAILFMT_ADDR_MAX + 1];

	ok(mailfmt_address("postern@example.org", a, sizeof(a)) &&
		strcmp(a, "postern@example.org") == 0,
	    "a bare mail_from is kept");
	ok(mailfmt_address("Postern <postern@example.org>", a, sizeof(a)) &&
		strcmp(a, "postern@example.org") == 0,
	    "the address is taken out of \"Name <addr>\"");
	ok(!mailfmt_address("Postern <postern@example.org> x", a, sizeof(a)),
	    "text after the address is refused");
	ok(!mailfmt_address("postern", a, sizeof(a)), "no @ is refused");
	ok(!mailfmt_address("a@b.org, c@d.org", a, sizeof(a)),
	    "two addresses are refused");
	ok(!mailfmt_address("@example.org", a, sizeof(a)),
	    "an empty local part is refused");
}

static void
test_date(void)
{
	char d[MAILFMT_DATE_LEN];

	ok(mailfmt_date(0, d) &&
		strcmp(d, "Thu, 01 Jan 1970 00:00:00 +0000") == 0,
	    "the epoch in RFC 5322 form");
	ok(mailfmt_date(1700000000, d) &&
		strcmp(d, "Tue, 14 Nov 2023 22:13:20 +0000") == 0,
	    "a recent date in UTC");
	ok(!mailfmt_date(INT64_MAX, d), "a date past year 9999 is refused");
}

/* ---- subjects ---- */

static void
subject_case(const char *subject, int want_encoded, const char *what)
{
	struct buf b;
	char	  *dec;
	int	   r;

	buf_init(&b);
	/* An empty value appends nothing: make sure b.p exists. */
	r = mailfmt_subject_encode(subject, &b) && buf_append(&b, "", 0);
	ok(r, "%s: accepted", what);
	if (!r) {
		buf_free(&b);
		return;
	}
	ok((strstr(b.p, "=?UTF-8?B?") != NULL) == want_encoded, "%s: %s", what,
	    want_encoded ? "RFC 2047 encoded" : "left plain");
	/* "Subject: " is 9 bytes before the first line. */
	ok(longest_line(b.p) + 9 <= 78, "%s: folded within 78 columns", what);
	ok(crlf_only(b.p), "%s: folds use CRLF", what);
	dec = subject_decode(b.p);
	is_str(dec, subject, "%s: a reader gets the subject back", what);
	free(dec);
	buf_free(&b);
}

static void
test_subject(void)
{
	struct buf b;
	char	   longword[200];
	char	   emoji[4 * 60 + 1];
	size_t	   i;

	buf_init(&b);
	ok(mailfmt_subject_encode("Verify your address", &b) &&
		strcmp(b.p, "Verify your address") == 0,
	    "a short ASCII subject is sent as it is");
	buf_reset(&b);
	ok(mailfmt_subject_encode("Grüße", &b) &&
		strcmp(b.p, "=?UTF-8?B?R3LDvMOfZQ==?=") == 0,
	    "a non-ASCII subject becomes one UTF-8 B encoded-word");
	buf_reset(&b);
	ok(!mailfmt_subject_encode("Hi\r\nBcc: evil@example.net", &b),
	    "a subject with CRLF is refused");
	ok(!mailfmt_subject_encode("Hi\nthere", &b),
	    "a subject with LF is refused");
	ok(!mailfmt_subject_encode("bad \xff byte", &b),
	    "a subject that is not UTF-8 is refused");
	buf_free(&b);

	subject_case("Someone asked to reset the password of your Postern "
		     "account, and this line is long enough to need folding",
	    0, "long ASCII subject");
	subject_case(
	    "Grüße aus Köln — ein sehr langer Betreff, der gefaltet "
	    "werden muss, damit er in keine Zeile über 76 Zeichen passt",
	    1, "long UTF-8 subject");
	subject_case("Looks like =?UTF-8?B?QQ==?= an encoded word", 1,
	    "ASCII that looks like an encoded-word");
	memset(longword, 'x', sizeof(longword) - 1);
	longword[sizeof(longword) - 1] = '\0';
	subject_case(longword, 1, "a word too long to fold");
	for (i = 0; i < 60; i++)
		memcpy(emoji + 4 * i, "\xf0\x9f\x94\x91", 4);
	emoji[sizeof(emoji) - 1] = '\0';
	subject_case(emoji, 1, "4-byte characters across word boundaries");
	subject_case("", 0, "an empty subject");
}

/* ---- whole messages ---- */

static void
test_compose(void)
{
	struct mailfmt m = mail_defaults();
	struct buf     b;
	char	       names[512];
	char	      *longbody;
	const char    *body;
	size_t	       i;

	ok(compose(&m, &b), "a plain mail composes");
	ok(crlf_only(b.p), "every line of it ends in CRLF");
	is_int(header_count(b.p, "From: postern@example.org\r\n"), 1,
	    "From is mail_from");
	is_int(header_count(b.p, "To: alice@example.com\r\n"), 1,
	    "To is the recipient");
	is_int(header_count(b.p, "Subject: Verify your address\r\n"), 1,
	    "Subject is there once");
	is_int(header_count(b.p, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"),
	    1, "Date is there, in UTC");
	is_int(header_count(b.p,
		   "Message-ID: <0123456789abcdef@example.org>\r\n"),
	    1, "Message-ID is <random@domain of mail_from>");
	is_int(header_count(b.p, "MIME-Version: 1.0\r\n"), 1,
	    "MIME-Version is 1.0");
	is_int(header_count(b.p,
		   "Content-Type: text/plain; charset=UTF-8\r\n"),
	    1, "Content-Type is UTF-8 text");
	is_int(header_count(b.p, "Content-Transfer-Encoding: 8bit\r\n"), 1,
	    "Content-Transfer-Encoding is 8bit");
	header_names(b.p, names, sizeof(names));
	is_str(names,
	    "From To Subject Date Message-ID MIME-Version "
	    "Content-Type Content-Transfer-Encoding Auto-Submitted",
	    "no other header is there");
	is_str(body_of(b.p), "Hello,\r\n\r\nyour code:\r\n12345678\r\n",
	    "the body follows a blank line, LF turned into CRLF");
	buf_free(&b);

	m.body = "one\r\ntwo\rthree\nfour";
	ok(compose(&m, &b) &&
		strcmp(body_of(b.p), "one\r\ntwo\r\nthree\r\nfour\r\n") == 0,
	    "CRLF, lone CR and LF all end lines; the last line is ended");
	buf_free(&b);

	m.body = ".\n.hidden\n";
	ok(compose(&m, &b) && strcmp(body_of(b.p), ".\r\n.hidden\r\n") == 0,
	    "dot lines are left to libESMTP's dot-stuffing");
	buf_free(&b);

	longbody = malloc(3000);
	for (i = 0; i < 2999; i++)
		longbody[i] = i % 2 == 0 ? 'a' : '\xc3';
	for (i = 0; i < 2999; i += 2) {
		longbody[i] = '\xc3';
		longbody[i + 1] = '\xbc';
	}
	longbody[2998] = '\0';
	m.body = longbody;
	ok(compose(&m, &b), "a 2998-byte line composes");
	ok(longest_line(b.p) <= MAILFMT_LINE_MAX,
	    "no line passes SMTP's 998 bytes");
	body = body_of(b.p);
	ok(body != NULL && mailfmt_utf8_valid(body, strlen(body)),
	    "a long line is cut between characters");
	buf_free(&b);
	free(longbody);

	m = mail_defaults();
	m.subject = "Ihr Bestätigungscode";
	ok(compose(&m, &b) &&
		header_count(b.p,
		    "Subject: =?UTF-8?B?SWhyIEJlc3TDpHRpZ3VuZ3Njb2Rl?=\r\n") ==
		    1,
	    "a non-ASCII subject is RFC 2047 encoded in the mail");
	buf_free(&b);

	m = mail_defaults();
	m.site_name = "Café Hosting";
	m.signature = "Café Hosting\nQuestions? Write to help@example.org";
	ok(compose(&m, &b), "a mail with the site's name composes");
	is_int(header_count(b.p,
		   "From: =?UTF-8?B?Q2Fmw6kgSG9zdGluZw==?= "
		   "<postern@example.org>\r\n"),
	    1, "From names the site, encoded, before mail_from");
	is_int(header_count(b.p,
		   "Subject: =?UTF-8?B?Q2Fmw6kgSG9zdGluZzogVmVya"
		   "WZ5IHlvdXIgYWRkcmVzcw==?=\r\n"),
	    1, "the subject starts with the site's name");
	is_str(body_of(b.p),
	    "Hello,\r\n\r\nyour code:\r\n12345678\r\n"
	    "\r\n-- \r\nCafé Hosting\r\nQuestions? Write to "
	    "help@example.org\r\n",
	    "the signature follows the body after a blank line and \"-- \"");
	buf_free(&b);
	m.site_name = "Example, Inc.";
	ok(compose(&m, &b) &&
		header_count(b.p,
		    "From: \"Example, Inc.\" <postern@example.org>\r\n") ==
		    1 &&
		header_count(b.p,
		    "Subject: Example, Inc.: Verify your address"
		    "\r\n") == 1,
	    "an ASCII site name is quoted in From, plain in "
	    "the subject");
	buf_free(&b);
	m.from = "Someone Else <postern@example.org>";
	ok(compose(&m, &b) &&
		header_count(b.p,
		    "From: \"Example, Inc.\" <postern@example.org>\r\n") ==
		    1 &&
		header_count(b.p,
		    "Message-ID: <0123456789abcdef@example.org>") == 1,
	    "of a named mail_from only the address is used");
	buf_free(&b);
}

/* ---- display names ---- */

static void
name_case(const char *name, const char *want, const char *what)
{
	struct buf b;

	buf_init(&b);
	if (want == NULL) {
		ok(!mailfmt_name_encode(name, &b) && !b.failed, "%s: refused",
		    what);
	} else {
		ok(mailfmt_name_encode(name, &b), "%s: accepted", what);
		is_str(b.p, want, "%s: written as %s", what, want);
	}
	buf_free(&b);
}

static void
test_name_encode(void)
{
	char	   longname[MAILFMT_NAME_MAX + 2];
	struct buf b;
	char	  *dec;

	name_case("Postern", "\"Postern\"", "a plain name");
	name_case("Example, Inc. <x@y>", "\"Example, Inc. <x@y>\"",
	    "specials stay inside the quotes");
	name_case("Say \"hi\" \\ bye", "\"Say \\\"hi\\\" \\\\ bye\"",
	    "quote and backslash are escaped");
	name_case("Café Hosting", "=?UTF-8?B?Q2Fmw6kgSG9zdGluZw==?=",
	    "a non-ASCII name is an RFC 2047 encoded-word");
	name_case("=?UTF-8?B?QQ==?=", "=?UTF-8?B?PT9VVEYtOD9CP1FRPT0/PQ==?=",
	    "ASCII that looks like an encoded-word is encoded");
	name_case("Evil\r\nBcc: x@example.net", NULL, "CRLF");
	name_case("Evil\nBcc: x@example.net", NULL, "a bare LF");
	name_case("Tab\there", NULL, "a tab");
	name_case("Bad \xc3(", NULL, "bad UTF-8");
	name_case("", NULL, "an empty name");
	name_case(NULL, NULL, "no name");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	name_case(longname, NULL, "a name longer than MAILFMT_NAME_MAX");

	/* 32 two-byte characters: more than one encoded-word holds. */
	memset(longname, 0, sizeof(longname));
	for (size_t i = 0; i + 2 <= MAILFMT_NAME_MAX; i += 2)
		memcpy(longname + i, "\xc3\xa9", 2);
	buf_init(&b);
	ok(mailfmt_name_encode(longname, &b) && strstr(b.p, "\r\n ") != NULL,
	    "a long non-ASCII name is folded between encoded-words");
	ok(longest_line(b.p) + sizeof("From: ") - 1 <= 78,
	    "each line of it fits 78 columns");
	dec = subject_decode(b.p);
	is_str(dec, longname, "a reader gets the name back whole");
	free(dec);
	buf_free(&b);
}

static void
test_injection(void)
{
	struct mailfmt m;
	struct buf     b;

	m = mail_defaults();
	m.to = "alice@example.com\r\nBcc: evil@example.net";
	ok(!compose(&m, &b) && !b.failed,
	    "a recipient with CRLF is refused (not out of memory)");
	buf_free(&b);
	m.to = "alice@example.com\nBcc: evil@example.net";
	ok(!compose(&m, &b), "a recipient with a bare LF is refused");
	buf_free(&b);
	m.to = "Alice <alice@example.com>";
	ok(!compose(&m, &b), "a recipient with angle brackets is refused");
	buf_free(&b);

	m = mail_defaults();
	m.subject = "Hello\r\nBcc: evil@example.net";
	ok(!compose(&m, &b) && !b.failed, "a subject with CRLF is refused");
	buf_free(&b);
	m.subject = "Hello\rBcc: evil@example.net";
	ok(!compose(&m, &b), "a subject with a bare CR is refused");
	buf_free(&b);

	m = mail_defaults();
	m.from = "postern@example.org\r\nBcc: evil@example.net";
	ok(!compose(&m, &b), "a mail_from with CRLF is refused");
	buf_free(&b);
	m = mail_defaults();
	m.site_name = "Postern\r\nBcc: evil@example.net";
	ok(!compose(&m, &b) && !b.failed, "a site_name with CRLF is refused");
	buf_free(&b);
	m = mail_defaults();
	m.msgid = "x>\r\nBcc: evil";
	ok(!compose(&m, &b), "a Message-ID part with CRLF is refused");
	buf_free(&b);

	m = mail_defaults();
	m.body = "line\r\n\r\nBcc: evil@example.net\r\n";
	ok(compose(&m, &b) && header_count(b.p, "Bcc:") == 0,
	    "header-like lines in the body stay in the body");
	buf_free(&b);
}

/* ---- the outbox, on a real SQLite file ---- */

static char tmpdir[] = "/tmp/postern-test-mailer-XXXXXX";

static int
write_file(const char *path, const char *text)
{
	FILE *f;

	if ((f = fopen(path, "w")) == NULL)
		return 0;
	fputs(text, f);
	return fclose(f) == 0;
}

/* The first column of the first row of query, through a connection of
 * its own (as an administrator with sqlite3 would see the file). */
static int
sql_text(const char *dbpath, const char *query, char *out, size_t outsz)
{
	sqlite3	     *h = NULL;
	sqlite3_stmt *st = NULL;
	const char   *v;
	int	      ok = 0;

	if (sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READONLY, NULL) !=
		SQLITE_OK ||
	    sqlite3_prepare_v2(h, query, -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(st, 0);
		snprintf(out, outsz, "%s", v != NULL ? v : "");
		ok = 1;
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(h);
	return ok;
}

static void
test_outbox(void)
{
	struct db	   *db;
	struct outbox_item  it, n2;
	struct render_dict *d;
	char		    path[256], got[256];
	unsigned char	    key[KEY_BYTES];
	int		    n, i, r;
	int64_t		    now = 1700000000, first, limited;

	memset(&n2, 0, sizeof(n2));
	snprintf(path, sizeof(path), "%s/postern.db", tmpdir);
	db = db_open(path, 1);
	ok(db != NULL && db_migrate(db), "a fresh database");
	if (db == NULL)
		return;

	ok(db_begin(db), "begin");
	ok(!outbox_add(db, OUTBOX_MAIL, "a@example.com", "Hi", "code 1234",
	       now),
	    "without the key nothing is queued: no body in clear");
	memset(key, 7, sizeof(key));
	outbox_key_set(key);
	ok(!outbox_add(db, OUTBOX_MAIL, "a@example.com\r\nBcc: e@example.net",
	       "Hi", "body", now),
	    "outbox_add refuses CRLF in the recipient");
	ok(!outbox_add(db, OUTBOX_MAIL, "a@example.com", "Hi\nBcc: x", "body",
	       now),
	    "outbox_add refuses LF in the subject");
	ok(!outbox_add(db, OUTBOX_MAIL, "a@example.com", "Hi\x01", "body",
	       now),
	    "outbox_add refuses other controls in the subject");
	ok(outbox_add(db, OUTBOX_MAIL, "a@example.com", "First", "one\n", now),
	    "a mail is queued");
	ok(outbox_add(db, OUTBOX_SMS, "+15555550100", NULL, "code 1234",
	       now + 1),
	    "an SMS is queued");
	ok(db_commit(db), "commit");

	ok(outbox_next_due(db, now - 1, &it) && it.id == 0,
	    "nothing is due before its time");
	ok(sql_text(path,
	       "SELECT count(*) FROM outbox WHERE body != '' OR "
	       "sealed IS NULL OR instr(sealed, CAST('code 1234' AS BLOB))",
	       got, sizeof(got)) &&
		strcmp(got, "0") == 0,
	    "the file holds the bodies sealed only");
	ok(outbox_next_due(db, now + 5, &it) && it.id != 0 &&
		it.kind == OUTBOX_MAIL &&
		strcmp(it.recipient, "a@example.com") == 0 &&
		strcmp(it.subject, "First") == 0 && it.body == NULL &&
		outbox_open(&it) && strcmp(it.body, "one\n") == 0 &&
		it.attempts == 0,
	    "the oldest due row comes first, whole");
	outbox_item_free(&it);
	key[0] ^= 1;
	outbox_key_set(key);
	ok(outbox_next_due(db, now + 5, &it) && !outbox_open(&it) &&
		it.body == NULL,
	    "under another key the body does not open");
	outbox_item_free(&it);
	key[0] ^= 1;
	outbox_key_set(key);
	ok(sqlite3_exec(db_handle(db),
	       "UPDATE outbox SET recipient = "
	       "'mallory@example.net' WHERE kind = 'mail'",
	       NULL, NULL, NULL) == SQLITE_OK &&
		outbox_next_due(db, now + 5, &it) && !outbox_open(&it),
	    "moved to another recipient, it does not "
	    "open either");
	outbox_item_free(&it);
	ok(sqlite3_exec(db_handle(db),
	       "UPDATE outbox SET recipient = "
	       "'a@example.com' WHERE kind = 'mail'",
	       NULL, NULL, NULL) == SQLITE_OK &&
		outbox_next_due(db, now + 5, &it) && outbox_open(&it),
	    "back on its own row it opens again");
	first = it.id;
	ok(db_begin(db) &&
		outbox_mark_retry(db, it.id, 1, now + 30, "451 busy") &&
		db_commit(db),
	    "a retry is recorded");
	outbox_item_free(&it);
	ok(outbox_next_due(db, now + 5, &it) && it.kind == OUTBOX_SMS &&
		it.subject == NULL && outbox_open(&it) &&
		strcmp(it.body, "code 1234") == 0,
	    "a retried row waits; the SMS is next, without a subject");
	ok(db_begin(db) && outbox_mark_sent(db, it.id, now + 5) &&
		db_commit(db),
	    "the SMS is marked sent");
	outbox_item_free(&it);
	ok(outbox_next_due(db, now + 30, &it) && it.id == first &&
		it.attempts == 1,
	    "the mail is due again after its backoff");
	ok(db_begin(db) &&
		outbox_mark_failed(db, it.id, 2, now + 30,
		    "550 no such user") &&
		db_commit(db),
	    "then it fails for good");
	outbox_item_free(&it);
	ok(outbox_next_due(db, now + 100000, &it) && it.id == 0,
	    "sent and failed rows are never handed out again");

	ok(sql_text(path,
	       "SELECT group_concat(body || ifnull(sealed, ''), "
	       "'|') FROM outbox",
	       got, sizeof(got)) &&
		strcmp(got, "|") == 0,
	    "finished rows keep no body: codes and links are gone");
	ok(sql_text(path,
	       "SELECT last_error FROM outbox WHERE status = "
	       "'failed'",
	       got, sizeof(got)) &&
		strcmp(got, "550 no such user") == 0,
	    "a failed row keeps its last error");
	ok(outbox_purge(db, now + 31, &n) && n == 2,
	    "purge removes the two finished rows");

	ok(sqlite3_exec(db_handle(db),
	       "INSERT INTO outbox (kind, recipient,"
	       " subject, body, created_at, next_at) VALUES ('mail', "
	       "'old@example.com', 'Old', 'queued in clear', 1, 1)",
	       NULL, NULL, NULL) == SQLITE_OK &&
		outbox_next_due(db, now, &it) && it.sealed == NULL &&
		outbox_open(&it) && strcmp(it.body, "queued in clear") == 0,
	    "a row queued in clear before sealing opens as it is");
	ok(db_begin(db) && outbox_mark_sent(db, it.id, now) && db_commit(db),
	    "and is sent");
	outbox_item_free(&it);

	/* outbox_mail: render, split, limit. */
	snprintf(path, sizeof(path), "%s/mail", tmpdir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/mail/test.tpl", tmpdir);
	write_file(path,
	    "Your code for {{NAME}}\n\nHello {{NAME}},\n\n"
	    "{{CODE}}\n");
	snprintf(path, sizeof(path), "%s/mail/broken.tpl", tmpdir);
	write_file(path, "No blank line after the subject\nbody\n");
	snprintf(path, sizeof(path), "%s/messages.tpl", tmpdir);
	write_file(path, "{{#OK}}Done.{{/OK}}\n");
	ok(render_init(tmpdir, NULL), "mail templates load");
	d = render_dict_new();
	render_set(d, "NAME", "Bob");
	render_set(d, "CODE", "12345678");
	ok(db_begin(db), "begin");
	ok(outbox_mail(db, "bob@example.com", "mail/test.tpl", d, now,
	       &limited) &&
		!limited,
	    "outbox_mail queues a rendered mail");
	ok(outbox_next_due(db, now, &it) && outbox_open(&it) &&
		strcmp(it.subject, "Your code for Bob") == 0 &&
		strcmp(it.body, "Hello Bob,\n\n12345678\n") == 0,
	    "its first line is the subject, the rest after the blank line "
	    "the body");
	outbox_item_free(&it);
	ok(!outbox_mail(db, "bob@example.com", "mail/broken.tpl", d, now,
	       &limited),
	    "a template without the blank line is an error");
	render_set(d, "NAME", "Bob\r\nBcc: evil@example.net");
	ok(!outbox_mail(db, "bob@example.com", "mail/test.tpl", d, now,
	       &limited),
	    "a value that would break the subject line is refused");
	/* DESIGN section 2: 10 an hour that strangers can cause. */
	render_set(d, "NAME", "Bob");
	for (i = 1, r = 1; i < 10 && r; i++)
		r = outbox_mail(db, "bob@example.com", "mail/test.tpl", d,
			now + i, &limited) &&
		    limited == 0;
	ok(r, "up to 10 mails an hour that count go to one address");
	ok(outbox_mail(db, "Bob@Example.com", "mail/test.tpl", d, now + 60,
	       &limited) &&
		limited == now + 3600,
	    "the next one is held back, "
	    "whatever the case of the address, until an hour after the "
	    "first");
	snprintf(path, sizeof(path), "%s/postern.db", tmpdir);
	ok(db_commit(db) &&
		sql_text(path,
		    "SELECT count(*) FROM outbox "
		    "WHERE recipient = 'bob@example.com'",
		    got, sizeof(got)) &&
		strcmp(got, "10") == 0,
	    "and nothing more was queued");
	ok(db_begin(db), "begin");
	ok(outbox_mail(db, "bob@example.com", "mail/test.tpl", d, now + 60,
	       NULL),
	    "a notice is queued all the same");
	ok(outbox_mail(db, "bob@example.com", "mail/test.tpl", d, now + 3600,
	       &limited) &&
		limited == 0,
	    "an hour after the first, mail flows again");
	ok(db_commit(db), "commit");
	render_dict_free(d);

	ok(outbox_next_due(db, now, &it) && it.id != 0, "a row is due");
	ok(db_begin(db) && outbox_mark_sent(db, it.id, now) && db_commit(db),
	    "it is sent");
	ok(db_begin(db) && outbox_mark_retry(db, it.id, 9, now, "x") &&
		db_commit(db) && outbox_next_due(db, now + 3601, &n2) &&
		n2.id != it.id,
	    "marking a sent row for retry does not queue it again");
	outbox_item_free(&n2);
	outbox_item_free(&it);
	db_close(db);
}

static void
cleanup(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "%s/postern.db", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/postern.db-wal", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/postern.db-shm", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/mail/test.tpl", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/mail/broken.tpl", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/mail", tmpdir);
	rmdir(cmd);
	rmdir(tmpdir);
}

int
main(void)
{
	log_open("test_mailer", 0);
	test_backoff();
	test_header_safe();
	test_address();
	test_date();
	test_subject();
	test_compose();
	test_name_encode();
	test_injection();
	if (mkdtemp(tmpdir) != NULL) {
		test_outbox();
		cleanup();
	} else
		ok(0, "a temporary folder");
	return done_testing();
}
