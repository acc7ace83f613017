#ifndef POSTERN_MAILFMT_H
#define POSTERN_MAILFMT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * mailfmt.c: the text of one mail as it goes to the SMTP server, built
 * by pure functions (no I/O, no clock, no randomness) so unit tests and
 * a fuzzer can hold it to RFC 5322: CRLF line ends everywhere, lines of
 * at most 998 bytes, RFC 2047 subjects and sender names when not plain
 * ASCII, and no value able to add a header (DESIGN section 5).
 */

#define MAILFMT_LINE_MAX 998 /* bytes of a line without CRLF */
#define MAILFMT_ADDR_MAX 254 /* bytes of an address */
#define MAILFMT_NAME_MAX 64  /* bytes of site_name */
#define MAILFMT_DATE_LEN 32  /* a Date value with its NUL */

struct mailfmt {
	const char *from;      /* mail_from: "a@b" (of "Name <a@b>" only
				 * the address is used) */
	const char *site_name; /* NULL, or From's display name and
				 * the "site_name: " before the subject */
	const char *to;	       /* one bare address */
	const char *subject;   /* UTF-8, one line */
	const char *body;      /* UTF-8 text, LF or CRLF line ends */
	const char *signature; /* NULL, or text after "-- " below
				 * the body */
	int64_t	    date;      /* seconds since the epoch */
	const char *msgid;     /* unique left part of the Message-ID */
};

/* 1 if s holds no control byte (below 0x20, or DEL): it may stand in
 * a header without starting another one. */
int mailfmt_header_safe(const char *s);
/* 1 if s[0..len) is well-formed UTF-8 (no overlong forms, surrogates
 * or code points past U+10FFFF). */
int mailfmt_utf8_valid(const char *s, size_t len);
/* The bare address of a mail_from value ("a@b" or "Name <a@b>") into
 * out; 0 if it is malformed or does not fit. */
int mailfmt_address(const char *from, char *out, size_t outsz);
/* "Mon, 02 Jan 2006 15:04:05 +0000" (RFC 5322, UTC, locale-free). */
int mailfmt_date(int64_t t, char out[MAILFMT_DATE_LEN]);
/*
 * Append the value of a Subject header to out, folded with CRLF SP so
 * that no line (counting the "Subject: " before it) passes 78 bytes:
 * plain ASCII as it is, anything else (or a word too long to fold, or
 * text that looks like an encoded-word) as UTF-8 "B" encoded-words of
 * RFC 2047.  0 if subject holds a control byte or bad UTF-8.
 */
int mailfmt_subject_encode(const char *subject, struct buf *out);
/*
 * Append name as the display name of an address (RFC 5322 section
 * 3.4): a quoted-string, with '"' and '\\' escaped, when it is ASCII;
 * UTF-8 "B" encoded-words of RFC 2047 when it is not (or when it looks
 * like one).  0 if name is empty, longer than MAILFMT_NAME_MAX, or holds
 * a control byte or bad UTF-8.
 */
int mailfmt_name_encode(const char *name, struct buf *out);
/*
 * Append the whole message (headers, blank line, body) to out, every
 * line ended by CRLF.  0 when a value is refused (controls in a header
 * value, bad UTF-8 in the subject, a malformed address); after a 0,
 * out->failed tells running out of memory apart from a refusal.
 */
int mailfmt_compose(const struct mailfmt *, struct buf *out);

#endif /* !POSTERN_MAILFMT_H */
