/*
 * json.c: the JSON writer of the account export (json.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "json.h"

void
json_init(struct json *j, struct buf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

/*
 * The length of the valid UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t
json_utf8_len(const unsigned char *s)
{
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[0] == 0xe0 && s[1] < 0xa0) ||
		    (s[0] == 0xed && s[1] > 0x9f))
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80 || (s[0] == 0xf0 && s[1] < 0x90) ||
		    (s[0] == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

static void
json_quoted(struct json *j, const char *value)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t		     n;

	buf_puts(j->out, "\"");
	while (*s != '\0') {
		if (*s == '"' || *s == '\\') {
			buf_printf(j->out, "\\%c", *s);
			s++;
		} else if (*s == '\n') {
			buf_puts(j->out, "\\n");
			s++;
		} else if (*s == '\t') {
			buf_puts(j->out, "\\t");
			s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			buf_printf(j->out, "\\u%04x", *s);
			s++;
		} else if (*s < 0x80) {
			buf_append(j->out, s, 1);
			s++;
		} else if ((n = json_utf8_len(s)) != 0) {
			/* The checks above stop at a NUL: it is no 0x80. */
			buf_append(j->out, s, n);
			s += n;
		} else {
			buf_puts(j->out, "\\ufffd");
			s++;
		}
	}
	buf_puts(j->out, "\"");
}

/* The comma and key before a value; 0 when the value may not go here. */
static int
json_member(struct json *j, const char *key)
{
	int in_object = j->depth > 0 && j->close[j->depth] == '}';

	if (j->failed || (in_object != (key != NULL)) ||
	    (j->depth == 0 && j->count[0] > 0)) {
		j->failed = 1;
		return 0;
	}
	if (j->count[j->depth]++ > 0)
		buf_puts(j->out, ",");
	if (key != NULL) {
		json_quoted(j, key);
		buf_puts(j->out, ":");
	}
	return 1;
}

static void
json_open(struct json *j, const char *key, char open, char close)
{
	if (!json_member(j, key))
		return;
	if (j->depth == JSON_DEPTH) {
		j->failed = 1;
		return;
	}
	j->depth++;
	j->count[j->depth] = 0;
	j->close[j->depth] = close;
	buf_append(j->out, &open, 1);
}

void
json_object(struct json *j, const char *key)
{
	json_open(j, key, '{', '}');
}

void
json_array(struct json *j, const char *key)
{
	json_open(j, key, '[', ']');
}

void
json_end(struct json *j)
{
	if (j->failed || j->depth == 0) {
		j->failed = 1;
		return;
	}
	buf_append(j->out, &j->close[j->depth], 1);
	j->depth--;
}

void
json_string(struct json *j, const char *key, const char *value)
{
	if (!json_member(j, key))
		return;
	if (value == NULL)
		buf_puts(j->out, "null");
	else
		json_quoted(j, value);
}

void
json_int(struct json *j, const char *key, int64_t value)
{
	if (json_member(j, key))
		buf_printf(j->out, "%lld", (long long)value);
}

void
json_bool(struct json *j, const char *key, int value)
{
	if (json_member(j, key))
		buf_puts(j->out, value ? "true" : "false");
}

void
json_time(struct json *j, const char *key, int64_t t)
{
	char	  text[32];
	struct tm tm;
	time_t	  tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		json_string(j, key, NULL);
		return;
	}
	json_string(j, key, text);
}

int
json_done(const struct json *j)
{
	return !j->failed && !j->out->failed && j->depth == 0 &&
	    j->count[0] == 1;
}
