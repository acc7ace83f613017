/*
 * mailfmt.c: the text of one mail, built without I/O so that tests and
 * a fuzzer can check it.  smtp.c hands the result to libESMTP, which
 * sends header values verbatim: whatever reaches it has to be safe
 * already.  So every value that ends up in a header is refused here if
 * it holds a control byte, even though outbox_add() refused the same
 * bytes when the row was queued (DESIGN section 5: CR/LF refused at
 * input and again at composition).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "mailfmt.h"

/* RFC 5322 asks for lines of at most 78 bytes where one can fold. */
#define FOLD_AT 78
/*
 * Bytes of UTF-8 per encoded-word: 39 bytes give 52 base64 characters,
 * so "=?UTF-8?B?" + 52 + "?=" is 64, and even the first line ("Subject: "
 * before it) stays under RFC 2047's 76.  A cut never splits a character,
 * so a word holds 36 to 39 bytes.
 */
#define EW_BYTES  39
#define MSGID_MAX 64
#define FROM_MAX  256

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
mailfmt_header_safe(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int
mailfmt_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		     i = 0, n, k;
	uint32_t	     cp, min;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = p[i] & 0x1f;
			min = 0x80;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = p[i] & 0x0f;
			min = 0x800;
		} else if ((p[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = p[i] & 0x07;
			min = 0x10000;
		} else
			return 0;
		if (len - i - 1 < n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* 1 if s[0..n) has a byte outside ASCII. */
static int
has_8bit(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/* The length of a cut of s[0..n) at most max bytes long that does not
 * split a UTF-8 character (or max itself when s is not UTF-8 there). */
static size_t
utf8_cut(const char *s, size_t n, size_t max)
{
	size_t cut;

	if (n <= max)
		return n;
	cut = max;
	while (
	    cut > 0 && max - cut < 3 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	return cut > 0 ? cut : max;
}

static int
b64_append(struct buf *out, const unsigned char *p, size_t n)
{
	char   q[4];
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		q[0] = b64chars[p[i] >> 2];
		q[1] = b64chars[((p[i] & 0x03) << 4) | (p[i + 1] >> 4)];
		q[2] = b64chars[((p[i + 1] & 0x0f) << 2) | (p[i + 2] >> 6)];
		q[3] = b64chars[p[i + 2] & 0x3f];
		if (!buf_append(out, q, 4))
			return 0;
	}
	if (i < n) {
		q[0] = b64chars[p[i] >> 2];
		if (i + 1 < n) {
			q[1] =
			    b64chars[((p[i] & 0x03) << 4) | (p[i + 1] >> 4)];
			q[2] = b64chars[(p[i + 1] & 0x0f) << 2];
		} else {
			q[1] = b64chars[(p[i] & 0x03) << 4];
			q[2] = '=';
		}
		q[3] = '=';
		if (!buf_append(out, q, 4))
			return 0;
	}
	return 1;
}

/*
 * s[0..n) as UTF-8 "B" encoded-words, one per line, joined by CRLF SP.
 * Readers drop the folding between two encoded-words, so the text comes
 * back whole; s must be valid UTF-8 so that no word splits a character.
 */
static int
ew_append(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, len;

	while (i < n) {
		len = utf8_cut(s + i, n - i, EW_BYTES);
		if (i > 0)
			buf_puts(out, "\r\n ");
		buf_puts(out, "=?UTF-8?B?");
		b64_append(out, (const unsigned char *)s + i, len);
		buf_puts(out, "?=");
		i += len;
	}
	return !out->failed;
}

/*
 * Plain ASCII text folded before a space wherever a line would pass
 * FOLD_AT bytes, col being where the value starts.  0 when some word is
 * too long to fit a line even after folding (or out of memory): the
 * caller then encodes instead.
 */
static int
fold_ascii(const char *s, size_t col, struct buf *out)
{
	size_t i = 0, j, n = strlen(s), sp;

	while (i < n) {
		/* A token is a run of spaces and the word after it. */
		for (j = i; j < n && s[j] == ' '; j++)
			continue;
		sp = j - i;
		for (; j < n && s[j] != ' '; j++)
			continue;
		/* Never fold before a run of trailing spaces: a line of
		 * only white space is not allowed. */
		if (i > 0 && sp > 0 && j - i > sp && col + (j - i) > FOLD_AT) {
			if (!buf_puts(out, "\r\n"))
				return 0;
			col = 0;
		}
		if (col + (j - i) > FOLD_AT)
			return 0;
		if (!buf_append(out, s + i, j - i))
			return 0;
		col += j - i;
		i = j;
	}
	return 1;
}

int
mailfmt_subject_encode(const char *subject, struct buf *out)
{
	size_t n, mark;

	if (subject == NULL || !mailfmt_header_safe(subject))
		return 0;
	n = strlen(subject);
	if (!mailfmt_utf8_valid(subject, n))
		return 0;
	/* Text that looks like an encoded-word would be decoded by
	 * readers: encode it so it arrives as it was written. */
	if (!has_8bit(subject, n) && strstr(subject, "=?") == NULL) {
		mark = out->len;
		if (fold_ascii(subject, sizeof("Subject: ") - 1, out))
			return 1;
		if (out->failed)
			return 0;
		/* Take the partial fold back (p may still be unallocated). */
		out->len = mark;
		if (out->p != NULL)
			out->p[mark] = '\0';
	}
	return ew_append(subject, n, out);
}

/* Address characters that would let one value stand for several. */
static int
addr_byte_ok(unsigned char c)
{
	return c > 0x20 && c != 0x7f && strchr("<>,\"();", c) == NULL;
}

int
mailfmt_address(const char *from, char *out, size_t outsz)
{
	const char *b, *e, *lt, *gt, *at, *p;
	size_t	    n;

	if (from == NULL || outsz == 0)
		return 0;
	for (b = from; *b == ' '; b++)
		continue;
	for (e = b + strlen(b); e > b && e[-1] == ' '; e--)
		continue;
	if ((lt = memchr(b, '<', (size_t)(e - b))) != NULL) {
		if ((gt = memchr(lt, '>', (size_t)(e - lt))) == NULL ||
		    gt + 1 != e)
			return 0;
		b = lt + 1;
		e = gt;
	}
	n = (size_t)(e - b);
	if (n < 3 || n > MAILFMT_ADDR_MAX || n >= outsz)
		return 0;
	for (p = b; p < e; p++)
		if (!addr_byte_ok((unsigned char)*p))
			return 0;
	at = NULL;
	for (p = b; p < e; p++)
		if (*p == '@')
			at = p;
	if (at == NULL || at == b || at + 1 == e)
		return 0;
	memcpy(out, b, n);
	out[n] = '\0';
	return 1;
}

int
mailfmt_date(int64_t t, char out[MAILFMT_DATE_LEN])
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
		"May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm		 tm;
	time_t			 tt = (time_t)t;

	/* Names from tables, not strftime: the locale must not leak in. */
	if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL || tm.tm_year < 0 ||
	    tm.tm_year > 9999 - 1900 || tm.tm_wday < 0 || tm.tm_wday > 6 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11)
		return 0;
	snprintf(out, MAILFMT_DATE_LEN,
	    "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
	    tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	return 1;
}

int
mailfmt_name_encode(const char *name, struct buf *out)
{
	size_t i, n;

	if (name == NULL || (n = strlen(name)) == 0 || n > MAILFMT_NAME_MAX ||
	    !mailfmt_header_safe(name) || !mailfmt_utf8_valid(name, n))
		return 0;
	/* As for subjects: ASCII that looks like an encoded-word would be
	 * decoded by some readers even inside quotes. */
	if (has_8bit(name, n) || strstr(name, "=?") != NULL)
		return ew_append(name, n, out);
	/* Always quoted: then no special (",", ".", ":", "<") can split
	 * the name into several addresses or change its meaning. */
	buf_puts(out, "\"");
	for (i = 0; i < n; i++) {
		if (name[i] == '"' || name[i] == '\\')
			buf_puts(out, "\\");
		buf_append(out, name + i, 1);
	}
	return buf_puts(out, "\"");
}

static int
from_append(const char *name, const char *addr, struct buf *out)
{
	buf_puts(out, "From: ");
	if (name != NULL) {
		if (!mailfmt_name_encode(name, out))
			return 0;
		buf_printf(out, " <%s>", addr);
	} else
		buf_puts(out, addr);
	return buf_puts(out, "\r\n");
}

/*
 * "site_name: subject", encoded: the prefix tells the reader at a
 * glance which of their services wrote, before they open the mail.
 */
static int
subject_append(const char *site_name, const char *subject, struct buf *out)
{
	struct buf s;
	int	   ok;

	if (site_name == NULL)
		return mailfmt_subject_encode(subject, out);
	if (subject == NULL)
		return 0;
	buf_init(&s);
	buf_printf(&s, "%s: %s", site_name, subject);
	if (s.failed) {
		out->failed = 1;
		ok = 0;
	} else
		ok = mailfmt_subject_encode(s.p, out);
	buf_free(&s);
	return ok;
}

/* The body with every line end (LF, CRLF or a lone CR) made CRLF and
 * lines longer than SMTP allows cut, between characters. */
static int
body_append(const char *body, struct buf *out)
{
	const char *p = body;
	size_t	    col = 0, run, take;

	while (*p != '\0') {
		if (*p == '\r' || *p == '\n') {
			if (p[0] == '\r' && p[1] == '\n')
				p++;
			p++;
			buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		/* A run starts a line: it follows a line end or the start. */
		run = strcspn(p, "\r\n");
		while (run > 0) {
			take = utf8_cut(p, run, MAILFMT_LINE_MAX);
			buf_append(out, p, take);
			col = take;
			p += take;
			run -= take;
			if (run > 0) {
				buf_puts(out, "\r\n");
				col = 0;
			}
		}
	}
	if (col > 0)
		buf_puts(out, "\r\n");
	return !out->failed;
}

static int
msgid_ok(const char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > MSGID_MAX)
		return 0;
	return strspn(s,
		   "abcdefghijklmnopqrstuvwxyz"
		   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == n;
}

/* The To value: what validate_email() accepted, so only checked here
 * for what could break the header (a quoted local part may hold spaces,
 * which are harmless). */
static int
to_ok(const char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) < 3 || n > MAILFMT_ADDR_MAX)
		return 0;
	return mailfmt_header_safe(s) && strchr(s, '@') != NULL &&
	    strchr(s, '<') == NULL && strchr(s, '>') == NULL;
}

int
mailfmt_compose(const struct mailfmt *m, struct buf *out)
{
	char	    addr[MAILFMT_ADDR_MAX + 1];
	char	    date[MAILFMT_DATE_LEN];
	const char *domain;

	if (m->from == NULL || strlen(m->from) > FROM_MAX ||
	    !mailfmt_header_safe(m->from) ||
	    !mailfmt_address(m->from, addr, sizeof(addr)) || !to_ok(m->to) ||
	    !msgid_ok(m->msgid) || m->body == NULL ||
	    !mailfmt_date(m->date, date))
		return 0;
	domain = strrchr(addr, '@') + 1;

	if (!from_append(m->site_name, addr, out))
		return 0;
	buf_printf(out, "To: %s\r\n", m->to);
	buf_puts(out, "Subject: ");
	if (!subject_append(m->site_name, m->subject, out))
		return 0;
	buf_printf(out, "\r\nDate: %s\r\n", date);
	buf_printf(out, "Message-ID: <%s@%s>\r\n", m->msgid, domain);
	buf_puts(out,
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n"
	    /* RFC 3834: no vacation replies to a robot. */
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n");
	if (!body_append(m->body, out))
		return 0;
	/* "-- " on its own line is where readers know a signature starts. */
	if (m->signature != NULL) {
		buf_puts(out, "\r\n-- \r\n");
		return body_append(m->signature, out);
	}
	return 1;
}
