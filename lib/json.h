#ifndef POSTERN_JSON_H
#define POSTERN_JSON_H

#include <stdint.h>

struct buf;

/*
 * json.c: a small JSON writer (RFC 8259) for the account export.  It
 * owns the punctuation and the escaping, so no value is ever formatted
 * into JSON by hand: strings are escaped (quote, backslash, every
 * control character), UTF-8 passes through as it is, and a byte that
 * is not part of valid UTF-8 becomes U+FFFD, so the output is always
 * valid JSON and valid UTF-8.
 *
 * Members of an object take a key; values in an array (and the top
 * value) take NULL.  Nesting is limited to JSON_DEPTH; a call beyond
 * it, or an end that does not match, marks the writer failed, and so
 * does running out of memory in the buffer (buf.failed).
 */

#define JSON_DEPTH 8

struct json {
	struct buf *out; /* borrowed */
	int	    depth;
	int	    count[JSON_DEPTH + 1]; /* values at each level */
	char	    close[JSON_DEPTH + 1]; /* '}' or ']' */
	int	    failed;
};

void json_init(struct json *, struct buf *out);
void json_object(struct json *, const char *key);
void json_array(struct json *, const char *key);
/* End the innermost object or array. */
void json_end(struct json *);
/* A string; NULL writes null. */
void json_string(struct json *, const char *key, const char *value);
void json_int(struct json *, const char *key, int64_t value);
void json_bool(struct json *, const char *key, int value);
/* A time in ISO 8601, UTC ("2026-12-06T21:44:55Z"); 0 (never) writes
 * null. */
void json_time(struct json *, const char *key, int64_t t);
/* 1 when everything was written and closed, else 0. */
int json_done(const struct json *);

#endif /* !POSTERN_JSON_H */
